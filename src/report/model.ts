/**
 * What the report shows, computed once from a cohort's snapshot history scored under the config as it
 * is now (one rubric and one set of ratings for every date): the latest standings in one order used
 * everywhere, changes since the previous snapshot, every score's time series on a day axis (gaps
 * kept), the rubric, the sources of the hand ratings and the data problems. Pure.
 */
import type { About, Reference } from "../config/context.js";
import type { Rubric } from "../config/rubric.js";
import type { Issue, Raw } from "../snapshot/schema.js";
import type { ScoredColumns } from "../score/snapshot.js";
import type { FileTask, TaskFactory } from "../score/parallel.js";
import type { ScoredProject as ProjectSnapshot, ScoredSnapshot as Snapshot } from "../score/types.js";
import { REPOSITORY } from "../slug.js";
import { dateOfDay, dayNumber, safeName, utcDate } from "./format.js";
import type { LinePoint } from "./svg/lines.js";

/** The cohort config as far as the report needs it. */
export interface ConfigInfo {
  file: string;
  description: string;
  /** The cohort's own notes. */
  notes?: string;
  /** Articles its sources cite by id. */
  references?: readonly Reference[];
  projects: readonly ConfigProjectInfo[];
}

export interface ConfigProjectInfo {
  id: string;
  /** "owner/name" as configured (the snapshot's, which follows renames, is preferred). */
  repository?: string;
  sources?: Readonly<Record<string, string>>;
  notes?: string;
  about?: About;
  /** The landing rule (issue 17), when the config has one: "none" marks a mirror. */
  landing?: unknown;
}

/**
 * What the report draws from a snapshot other than the latest two (whose every figure it shows): its
 * date and each project's overall and category scores, as columns (NaN for no score). A year
 * of 1,000 projects' summaries is a few megabytes, against gigabytes for the snapshots themselves.
 */
export interface SnapshotSummary {
  summary: true;
  cohort: string;
  asOf: string;
  /** The projects' ids and names, in the snapshot's order. */
  ids: string[];
  names: string[];
  overall: Float64Array;
  /** Every category id any project has a score for. */
  categories: Record<string, Float64Array>;
}

/** What the report keeps of a scored snapshot other than the latest two. */
export function summaryOf(snapshot: Snapshot): SnapshotSummary {
  const n = snapshot.projects.length;
  const overall = new Float64Array(n);
  const categories: Record<string, Float64Array> = {};
  for (const c of snapshot.rubric.categories) categories[c.id] = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { scores } = snapshot.projects[i]!;
    overall[i] = scores.overall ?? NaN;
    for (const id in categories) categories[id]![i] = scores.categories[id] ?? NaN;
  }
  return {
    summary: true,
    cohort: snapshot.cohort,
    asOf: snapshot.asOf,
    ids: snapshot.projects.map((p) => p.id),
    names: snapshot.projects.map((p) => p.name),
    overall,
    categories,
  };
}

/** summaryOf from a snapshot's score columns, sharing them (no copy). */
export function summaryOfColumns({ snapshot, projects, scores }: ScoredColumns): SnapshotSummary {
  const categories: Record<string, Float64Array> = {};
  for (const c of scores.categories) categories[c.id] = c.score;
  return {
    summary: true,
    cohort: snapshot.cohort,
    asOf: snapshot.asOf,
    ids: projects.map((p) => p.id),
    names: projects.map((p) => p.name),
    overall: scores.overall,
    categories,
  };
}

export const summaries: TaskFactory<SnapshotSummary> = () => summaryOfColumns;

/** resultsInOrder's task for `report`: each file's summary (its arrays move to the main thread). */
export const SUMMARIES_TASK: FileTask<SnapshotSummary> = { factory: summaries, module: import.meta.url, name: "summaries" };

/** The order buildModel puts snapshots in: by asOf, equal ones as given. */
export function byAsOf<T extends { asOf: string }>(snapshots: readonly T[]): T[] {
  return [...snapshots].sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
}

function isFull(s: Snapshot | SnapshotSummary): s is Snapshot {
  return !("summary" in s);
}

export interface ReportInput {
  cohort: string;
  /**
   * Valid snapshots of the cohort, any order (sorted by asOf here), all scored under the same config.
   * At least one. All but the latest two (by asOf) may be summaries.
   */
  snapshots: readonly (Snapshot | SnapshotSummary)[];
  /** Files that could not be read, reported on the page. */
  skipped: readonly { file: string; problem: string }[];
  config: ConfigInfo;
  /** Name and version of the tool writing the report. */
  tool: { name: string; version: string };
}

export interface Change {
  overall: number | null;
  /** Positive: moved up that many places. */
  rank: number | null;
  categories: Record<string, number | null>;
}

export interface ProjectView {
  id: string;
  name: string;
  /** File-name-safe and unique: used for SVG file names and element ids. */
  file: string;
  /** Index into the line styles: by id over the whole history, so a project keeps its colour. */
  style: number;
  snapshot: ProjectSnapshot;
  /** null: not in the previous snapshot (new), or there is no previous snapshot. */
  change: Change | null;
  /** Its page on GitHub: the repository the latest snapshot read (renames followed), else the config's. */
  url: string | null;
  /** GitHub says the repository is archived (latest snapshot). */
  archived: boolean;
  /** The config's landing rule is `none`: the repository is a mirror that takes no pull requests. */
  mirror: boolean;
  /** The project's entry in the cohort config, when it has one. */
  config: ConfigProjectInfo | undefined;
}

export interface CategoryView {
  id: string;
  name: string;
  weight: number;
  index: number;
}

export interface CriterionView {
  id: string;
  category: CategoryView;
  weight: number;
  normalize: Rubric["categories"][number]["criteria"][number]["normalize"];
  /** What the value is divided by: the scale maximum or the cohort's largest value. */
  denominator: number;
  /** Which project holds the cohort maximum (for cohortMax criteria), by display name. */
  maxHolder: string | null;
}

export interface Departed {
  id: string;
  name: string;
  file: string;
  style: number;
  /** Date of the last snapshot the project was in. */
  lastSeen: string;
}

export interface Series {
  /** "overall" or a category id of the rubric. */
  metric: string;
  name: string;
  /**
   * Project id -> its value in each snapshot, by the model's days (NaN where the project or its score
   * is missing). Numbers, not points: a long history's points are made only while a chart is drawn.
   */
  values: Map<string, Float64Array>;
}

export interface ReportModel {
  cohort: string;
  tool: { name: string; version: string };
  latest: Snapshot;
  previous: Snapshot | null;
  /** UTC date of the latest snapshot. */
  date: string;
  dates: string[];
  days: number[];
  /** Runs of expected snapshots that are missing (at the history's cadence), first and last date. */
  gaps: { from: string; to: string; count: number }[];
  /** The usual spacing of snapshots in days (smallest step in the history); a longer step is a gap. */
  cadence: number;
  /** The config's rubric, which scored every snapshot. */
  rubric: Rubric;
  categories: CategoryView[];
  criteria: CriterionView[];
  /** The latest snapshot's projects, by rank. */
  projects: ProjectView[];
  /** Projects of earlier snapshots that are not in the latest. */
  departed: Departed[];
  series: Series[];
  /** Cohort median of each category in the latest snapshot (null when no project has it). */
  medians: Record<string, number | null>;
  criterionMedians: Partial<Record<string, number>>;
  config: ConfigInfo;
  skipped: readonly { file: string; problem: string }[];
}

/**
 * A trend's point. A class rather than an object literal: other charts make {x, y} literals with
 * fractional x, and V8 would then re-shape each of the millions of points of a long history (a slow
 * migration on first use) to match.
 */
class Point implements LinePoint {
  constructor(
    readonly x: number,
    readonly y: number | null,
  ) {}
}

/** A project's points of a series, one per snapshot (y null where it has no value), for drawing. */
export function seriesPoints(model: Pick<ReportModel, "days">, series: Series, id: string): LinePoint[] {
  const ys = series.values.get(id)!;
  return model.days.map((x, i) => new Point(x, Number.isNaN(ys[i]) ? null : ys[i]!));
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Unique file-safe names for ids, assigned in id order so they do not depend on ranks. */
function fileNames(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...ids].sort()) {
    const base = safeName(id);
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}-${k}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

function changeOf(now: ProjectSnapshot, before: ProjectSnapshot | undefined, categories: readonly CategoryView[]): Change | null {
  if (!before) return null;
  const diff = (a: number | null | undefined, b: number | null | undefined) => (typeof a === "number" && typeof b === "number" ? a - b : null);
  return {
    overall: diff(now.scores.overall, before.scores.overall),
    rank: before.scores.rank - now.scores.rank,
    categories: Object.fromEntries(categories.map((c) => [c.id, diff(now.scores.categories[c.id], before.scores.categories[c.id])])),
  };
}

export function buildModel(input: ReportInput): ReportModel {
  if (input.snapshots.length === 0) throw new Error("buildModel needs at least one snapshot");
  const snapshots = byAsOf(input.snapshots);
  const [latest, previous = null] = snapshots.slice(-2).reverse();
  if (!isFull(latest!) || (previous !== null && !isFull(previous))) throw new Error("buildModel needs the latest two snapshots in full, not summaries");
  const dates = snapshots.map((s) => utcDate(s.asOf));
  const days = dates.map(dayNumber);
  const steps = days.slice(1).map((d, i) => d - days[i]!).filter((s) => s > 0);
  const cadence = steps.length ? Math.min(...steps) : 1;
  const gaps: ReportModel["gaps"] = [];
  for (let i = 1; i < days.length; i++) {
    const step = days[i]! - days[i - 1]!;
    if (step > cadence) {
      const count = Math.ceil(step / cadence) - 1;
      gaps.push({ from: dateOfDay(days[i - 1]! + cadence), to: dateOfDay(days[i - 1]! + count * cadence), count });
    }
  }

  const rubric = latest.rubric;
  const categories: CategoryView[] = rubric.categories.map((c, index) => ({ id: c.id, name: c.name, weight: c.weight, index }));
  const criteria: CriterionView[] = rubric.categories.flatMap((c, ci) =>
    c.criteria.map((k) => {
      const values = latest.projects
        .map((p) => ({ p, v: p.scores.criteria[k.id]?.value }))
        .filter((e): e is { p: ProjectSnapshot; v: number } => typeof e.v === "number");
      const top = [...values].sort((a, b) => b.v - a.v || byId(a.p, b.p))[0];
      const denominator = k.normalize.by === "scale" || k.normalize.by === "fixed" ? k.normalize.max : k.normalize.by === "threshold" ? k.normalize.threshold : Math.max(0, ...values.map((e) => e.v));
      return { id: k.id, category: categories[ci]!, weight: k.weight, normalize: k.normalize, denominator, maxHolder: k.normalize.by === "cohortMax" && top ? top.p.name : null };
    }),
  );

  // Everyone ever seen, for stable file names and colours.
  const summaries = snapshots.map((s) => (isFull(s) ? summaryOf(s) : s));
  const everyone = new Map<string, { name: string; lastSeen: string }>();
  summaries.forEach((s, i) => {
    s.ids.forEach((id, k) => everyone.set(id, { name: s.names[k]!, lastSeen: dates[i]! }));
  });
  const files = fileNames([...everyone.keys()]);
  const styles = new Map([...everyone.keys()].sort().map((id, i) => [id, i]));

  const before = new Map(previous?.projects.map((p) => [p.id, p]) ?? []);
  const ranked = [...latest.projects].sort((a, b) => a.scores.rank - b.scores.rank || byId(a, b));
  const configured = new Map(input.config.projects.map((p) => [p.id, p]));
  const projects: ProjectView[] = ranked.map((p) => {
    const config = configured.get(p.id);
    const repository = p.sources.repository || config?.repository;
    return {
      id: p.id,
      name: p.name,
      file: files.get(p.id)!,
      style: styles.get(p.id)!,
      snapshot: p,
      change: changeOf(p, before.get(p.id), categories),
      url: repository && REPOSITORY.test(repository) ? `https://github.com/${repository}` : null,
      archived: p.raw.archived === true,
      mirror: config?.landing === "none",
      config,
    };
  });
  const inLatest = new Set(latest.projects.map((p) => p.id));
  const departed: Departed[] = [...everyone]
    .filter(([id]) => !inLatest.has(id))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, v]) => ({ id, name: v.name, file: files.get(id)!, style: styles.get(id)!, lastSeen: v.lastSeen }));

  const metrics = [{ metric: "overall", name: "Overall" }, ...categories.map((c) => ({ metric: c.id, name: c.name }))];
  // Each metric's value of each project (the first of its id in a snapshot) in each snapshot.
  const ids = [...projects.map((p) => p.id), ...departed.map((d) => d.id)];
  const row = new Map(ids.map((id, k) => [id, k]));
  const values = metrics.map(() => ids.map(() => new Float64Array(snapshots.length).fill(NaN)));
  summaries.forEach((s, i) => {
    const columns = metrics.map(({ metric }) => (metric === "overall" ? s.overall : Object.hasOwn(s.categories, metric) ? s.categories[metric] : undefined));
    const seen = new Set<number>();
    s.ids.forEach((id, j) => {
      const k = row.get(id)!;
      if (seen.has(k)) return;
      seen.add(k);
      columns.forEach((column, m) => {
        if (column) values[m]![k]![i] = column[j]!;
      });
    });
  });
  const series: Series[] = metrics.map(({ metric, name }, m) => ({ metric, name, values: new Map(ids.map((id, k) => [id, values[m]![k]!])) }));

  const medians = Object.fromEntries(
    categories.map((c) => [c.id, median(latest.projects.map((p) => p.scores.categories[c.id]).filter((v): v is number => typeof v === "number"))]),
  );
  const criterionMedians: Partial<Record<string, number>> = {};
  for (const k of criteria) {
    const m = median(latest.projects.map((p) => p.scores.criteria[k.id]?.normalized).filter((v): v is number => typeof v === "number"));
    if (m !== null) criterionMedians[k.id] = m;
  }

  return {
    cohort: input.cohort,
    tool: input.tool,
    latest,
    previous,
    date: dates.at(-1)!,
    dates,
    days,
    gaps,
    cadence,
    rubric,
    categories,
    criteria,
    projects,
    departed,
    series,
    medians,
    criterionMedians,
    config: input.config,
    skipped: input.skipped,
  };
}

/** The raw figures that are null in a project's latest snapshot, with the error that explains each. */
export function missingFigures(p: ProjectSnapshot): { field: keyof Raw; error: Issue | undefined }[] {
  return (Object.keys(p.raw) as (keyof Raw)[])
    .filter((f) => p.raw[f] === null)
    .map((field) => ({ field, error: p.errors.find((e) => e.field === field) }));
}

/** Criteria of the rubric that a project has no value for. */
export function criteriaWithoutValue(model: ReportModel, p: ProjectSnapshot): string[] {
  return model.criteria.filter((k) => p.scores.criteria[k.id] === undefined).map((k) => k.id);
}

/** Why a project has no value for a criterion: a hand rating it lacks, or a figure that failed to fetch. */
export function noValueReason(id: string, p: ProjectSnapshot): string {
  const failed = (...fields: (keyof Raw)[]) => fields.some((f) => p.raw[f] === null);
  switch (id) {
    case "activity":
      return failed("lastCommitAt", "mergedPullRequests") ? "figure missing" : "no figure";
    case "ecosystem":
      return failed("repositoryCount", "stackOverflowQuestions") ? "figure missing" : "no figure";
    case "numerics":
      return p.ratings.numerics ? "figure missing" : "not rated";
    default:
      return "not rated";
  }
}

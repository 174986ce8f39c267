import { RAW_FIELDS, type Issue, type RawField } from "../snapshot/schema.js";
import type { CriterionScore, ScoredProject as ProjectSnapshot, ScoredSnapshot as Snapshot } from "../score/types.js";

/**
 * Bumped when a field of the JSON diff changes meaning or is removed (adding fields does not bump it).
 * 2: both snapshots are scored under the config as it is now, so the diff has no rubric changes;
 * `rubric` names the rubric they were scored with, `summary.rubricChanges` and the snapshots'
 * `rubricVersion` are gone.
 */
export const DIFF_FORMAT_VERSION = 2;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The smallest overall change that shows as a move: one that rounds to at least 0.0001, as scores are printed. */
export const MOVE = 0.00005;

export interface SnapshotRef {
  /** The file as given on the command line, or null when compared in memory. */
  file: string | null;
  asOf: string;
  /** asOf's UTC date, the snapshot's name. */
  date: string;
  windowDays: number;
  projects: number;
}

/** old → new of one number; delta = new − old, null when either side is null. */
export interface NumberChange {
  old: number | null;
  new: number | null;
  delta: number | null;
}

export interface CategoryChange extends NumberChange {
  id: string;
}

export interface CriterionChange {
  id: string;
  /** The category it counts in; null when the rubric has no such criterion. */
  category: string | null;
  /** null: the project had no value (no rating in force, or a figure it needs missing). */
  old: CriterionScore | null;
  new: CriterionScore | null;
  valueDelta: number | null;
  normalizedDelta: number | null;
}

export type Figure = string | number | boolean | null;

export interface FigureChange {
  field: RawField;
  old: Figure;
  new: Figure;
  /** Counts: new − old. Instants (lastCommitAt): days later (+) or earlier (−). Otherwise null. */
  delta: number | null;
  /** Counts only: delta / old; null when old is 0 or either side is not a number. */
  relative: number | null;
  unit: "count" | "days" | null;
  /** When the new figure is null: why it could not be fetched (the snapshot's error for it). */
  error: string | null;
}

export interface ProjectDiff {
  id: string;
  name: string;
  /** Anything at all differs: rank, tier, a score, a figure or its errors. */
  changed: boolean;
  /** Its standing moved: rank, tier, or an overall score change that shows at 4 decimals (see MOVE). */
  moved: boolean;
  /** delta = new − old: negative means the project climbed. */
  rank: NumberChange;
  tier: NumberChange;
  overall: NumberChange;
  /** Every category of the rubric, changed or not. */
  categories: CategoryChange[];
  /** Only criteria whose value or score differs. */
  criteria: CriterionChange[];
  /** Only raw figures that differ. */
  figures: FigureChange[];
  errors: { added: Issue[]; resolved: Issue[] };
}

export interface ProjectRef {
  id: string;
  name: string;
  rank: number;
  tier: number | null;
  overall: number | null;
}

export interface SnapshotDiff {
  format: "showdown-diff";
  formatVersion: typeof DIFF_FORMAT_VERSION;
  cohort: string;
  /** The rubric both snapshots were scored with: the config's as it is now, not stored in either. */
  rubric: { name: string; version: number };
  old: SnapshotRef;
  new: SnapshotRef;
  summary: {
    /** Projects in both snapshots. */
    compared: number;
    changed: number;
    /** Of the changed, those whose rank, tier or overall score (at 4 decimals) moved. */
    moved: number;
    rankChanges: number;
    tierChanges: number;
    joined: number;
    left: number;
  };
  /** Projects in both, largest move first (see moveOrder). */
  projects: ProjectDiff[];
  /** In the new snapshot only, by new rank. */
  joined: ProjectRef[];
  /** In the old snapshot only, by old rank. */
  left: ProjectRef[];
}

function change(old: number | null, next: number | null): NumberChange {
  return { old, new: next, delta: old === null || next === null ? null : next - old };
}

function isInstant(value: Figure): value is string {
  return typeof value === "string";
}

function figureChange(field: RawField, old: Figure, next: Figure, errors: readonly Issue[]): FigureChange {
  let delta: number | null = null;
  let relative: number | null = null;
  let unit: FigureChange["unit"] = null;
  if (typeof old === "number" && typeof next === "number") {
    unit = "count";
    delta = next - old;
    relative = old === 0 ? null : delta / old;
  } else if (isInstant(old) && isInstant(next)) {
    unit = "days";
    delta = (Date.parse(next) - Date.parse(old)) / DAY_MS;
  }
  const error = next === null ? (errors.find((e) => e.field === field)?.message ?? null) : null;
  return { field, old, new: next, delta, relative, unit, error };
}

const issueKey = (i: Issue) => `${i.field}\u0000${i.message}`;

function sameScore(a: CriterionScore | null, b: CriterionScore | null): boolean {
  return a === b || (a !== null && b !== null && a.value === b.value && a.normalized === b.normalized);
}

function compareProject(old: ProjectSnapshot, next: ProjectSnapshot, criterionCategory: Map<string, string>, categoryIds: string[]): ProjectDiff {
  const categories = categoryIds.map((id) => ({ id, ...change(old.scores.categories[id] ?? null, next.scores.categories[id] ?? null) }));

  const criterionIds = new Set<string>([
    ...(Object.keys(next.scores.criteria) as string[]),
    ...(Object.keys(old.scores.criteria) as string[]),
  ]);
  const criteria: CriterionChange[] = [];
  for (const id of [...criterionCategory.keys(), ...criterionIds]) {
    if (!criterionIds.delete(id)) continue; // each criterion once, in rubric order
    const was = old.scores.criteria[id] ?? null;
    const now = next.scores.criteria[id] ?? null;
    if (sameScore(was, now)) continue;
    criteria.push({
      id,
      category: criterionCategory.get(id) ?? null,
      old: was,
      new: now,
      valueDelta: was && now ? now.value - was.value : null,
      normalizedDelta: was && now ? now.normalized - was.normalized : null,
    });
  }

  const figures: FigureChange[] = [];
  for (const field of RAW_FIELDS) {
    const was = old.raw[field] ?? null;
    const now = next.raw[field] ?? null;
    if (was !== now) figures.push(figureChange(field, was, now, next.errors));
  }

  const oldErrors = new Set(old.errors.map(issueKey));
  const newErrors = new Set(next.errors.map(issueKey));
  const errors = {
    added: next.errors.filter((e) => !oldErrors.has(issueKey(e))),
    resolved: old.errors.filter((e) => !newErrors.has(issueKey(e))),
  };

  const rank = change(old.scores.rank, next.scores.rank);
  const tier = change(old.scores.tier, next.scores.tier);
  const overall = change(old.scores.overall, next.scores.overall);
  const changed =
    rank.old !== rank.new ||
    tier.old !== tier.new ||
    overall.old !== overall.new ||
    categories.some((c) => c.old !== c.new) ||
    criteria.length > 0 ||
    figures.length > 0 ||
    errors.added.length > 0 ||
    errors.resolved.length > 0;
  const moved = rank.old !== rank.new || tier.old !== tier.new || (overall.old === null) !== (overall.new === null) || Math.abs(overall.delta ?? 0) >= MOVE;
  return { id: next.id, name: next.name, changed, moved, rank, tier, overall, categories, criteria, figures, errors };
}

/**
 * The size of a project's move, for sorting: first how many places its rank changed, then how much its
 * overall score changed (a score that appeared or disappeared counts from 0).
 */
export function moveSize(p: ProjectDiff): { places: number; score: number } {
  return {
    places: Math.abs(p.rank.delta ?? 0),
    score: Math.abs((p.overall.new ?? 0) - (p.overall.old ?? 0)),
  };
}

/** Largest move first: |rank change| descending, then |overall change| descending, then id. */
export function moveOrder(a: ProjectDiff, b: ProjectDiff): number {
  const ma = moveSize(a);
  const mb = moveSize(b);
  if (ma.places !== mb.places) return mb.places - ma.places;
  if (ma.score !== mb.score) return mb.score - ma.score;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function ref(p: ProjectSnapshot): ProjectRef {
  return { id: p.id, name: p.name, rank: p.scores.rank, tier: p.scores.tier, overall: p.scores.overall };
}

function snapshotRef(s: Snapshot, file: string | null): SnapshotRef {
  return {
    file,
    asOf: s.asOf,
    date: new Date(s.asOf).toISOString().slice(0, 10),
    windowDays: s.windowDays,
    projects: s.projects.length,
  };
}

/**
 * Everything that changed from one snapshot of a cohort to another. Both are scored under the same
 * config (see Scorer): a rubric or rating edit rescores both sides alike, so the moves are what the
 * figures did under the rubric in force (the new side's rubric is the one named). Pure.
 */
export function compareSnapshots(old: Snapshot, next: Snapshot, files: { old?: string; new?: string } = {}): SnapshotDiff {
  const criterionCategory = new Map<string, string>();
  for (const category of next.rubric.categories) {
    for (const c of category.criteria) criterionCategory.set(c.id, category.id);
  }
  const categoryIds = next.rubric.categories.map((c) => c.id);

  const oldById = new Map(old.projects.map((p) => [p.id, p]));
  const newIds = new Set(next.projects.map((p) => p.id));
  const projects: ProjectDiff[] = [];
  const joined: ProjectRef[] = [];
  for (const p of next.projects) {
    const was = oldById.get(p.id);
    if (was) projects.push(compareProject(was, p, criterionCategory, categoryIds));
    else joined.push(ref(p));
  }
  const left = old.projects.filter((p) => !newIds.has(p.id)).map(ref);
  projects.sort(moveOrder);
  joined.sort((a, b) => a.rank - b.rank);
  left.sort((a, b) => a.rank - b.rank);

  return {
    format: "showdown-diff",
    formatVersion: DIFF_FORMAT_VERSION,
    cohort: next.cohort,
    rubric: { name: next.rubric.name, version: next.rubric.version },
    old: snapshotRef(old, files.old ?? null),
    new: snapshotRef(next, files.new ?? null),
    summary: {
      compared: projects.length,
      changed: projects.filter((p) => p.changed).length,
      moved: projects.filter((p) => p.moved).length,
      rankChanges: projects.filter((p) => p.rank.delta !== 0).length,
      tierChanges: projects.filter((p) => p.tier.old !== p.tier.new).length,
      joined: joined.length,
      left: left.length,
    },
    projects,
    joined,
    left,
  };
}

import { declaredCriteria, metricExpression, type Declared, type Normalization } from "../config/rubric.js";
import { FIGURE_TYPES, REPOSITORY_FIGURES } from "../config/figures.js";
import type { RatingValue } from "../config/ratings.js";
import { figuresOf, fillExpression, since } from "../rubric/expression.js";
import { formulaText } from "../rubric/describe.js";
import { formatPlain as n } from "../format/number.js";
import type { Issue, RawField } from "../snapshot/schema.js";
import type { CriterionScore, ScoredProject as ProjectSnapshot, ScoredSnapshot as Snapshot } from "../score/types.js";
import { apiOf, figureSources } from "./requests.js";

/** How every number of one project in one snapshot follows from its figures, ratings and the rubric. */
export interface Explanation {
  id: string;
  name: string;
  cohort: string;
  asOf: string;
  windowDays: number;
  rubric: { name: string; version: number };
  sources: ProjectSnapshot["sources"];
  figures: FigureExplanation[];
  warnings: Issue[];
  criteria: CriterionExplanation[];
  categories: WeightedMean[];
  overall: WeightedMean;
  rank: { rank: number; of: number; above: Neighbour | null; below: Neighbour | null };
  tier: { tier: number | null; tiers: { tier: number; min: number; max: number; projects: number }[] };
}

export interface FigureExplanation {
  field: RawField;
  value: string | number | boolean | null;
  request: string;
  detail: string;
  /** Why the figure is null, when fetching it failed. */
  error: string | null;
}

export interface CriterionExplanation {
  id: string;
  category: string;
  weight: number;
  /** What the value is, in words with symbols: "1/max(1, weeks since the last commit) + merged pull requests". */
  formula: string;
  /** The same with the project's numbers and the result: "1/max(1, 3.1429 weeks) + 57 = 57.3182"; null without a value. */
  filled: string | null;
  /** Why there is no value (and the criterion is left out of its category). */
  missing: string | null;
  /** The score (null when the project has no value). */
  score: CriterionScore | null;
  normalization: {
    by: Normalization["by"];
    /** fixed: the top of the scale; cohortMax: the cohort's largest value; threshold: the threshold. */
    max: number;
    /** cohortMax: the projects holding the maximum. */
    heldBy: string[];
    /** "57.3182 / 80.1 = 0.7156"; null without a value. */
    filled: string | null;
  };
}

export interface WeightedMean {
  id: string;
  name: string;
  weight: number;
  parts: { id: string; weight: number; score: number }[];
  /** Criteria or categories without a score, left out of the mean. */
  leftOut: string[];
  /** "(1×1 + 1×0.7156) / (1 + 1) = 0.8578", or null when nothing has a score. */
  filled: string | null;
  /** The category's score. */
  score: number | null;
}

export interface Neighbour {
  id: string;
  rank: number;
  overall: number | null;
}

function errorOf(project: ProjectSnapshot, field: string): string | undefined {
  const e = project.errors.find((i) => i.field === field);
  return e && `${field} could not be fetched (${e.message})`;
}

type Filled = { filled: string | null; missing: string | null; final?: boolean };

/** A metric filled in with a project's figures (those of another repository when it names one and the project has it). */
function metricFilled(d: Declared, p: ProjectSnapshot, asOf: string, windowDays: number): Filled {
  let expr;
  try {
    expr = metricExpression(d);
  } catch (error) {
    return { filled: null, missing: (error as Error).message };
  }
  const map = d.repository === undefined ? undefined : REPOSITORY_FIGURES[d.repository];
  const used = [...figuresOf(expr)];
  const own = map === undefined || used.every((f) => p.raw[(map[f] ?? f) as RawField] === undefined);
  const field = (f: string) => (own ? f : (map![f] ?? f));
  for (const f of used) {
    if (f === "windowDays") continue;
    const v = p.raw[field(f) as RawField];
    if (v === undefined || (v === null && (FIGURE_TYPES[field(f)] !== "date" || errorOf(p, field(f))))) return { filled: null, missing: errorOf(p, field(f)) ?? `${field(f)} is unknown` };
  }
  const asOfMs = Date.parse(asOf);
  const filled = fillExpression(
    expr,
    (f, fn) => {
      if (f === "windowDays") return windowDays;
      const v = p.raw[field(f) as RawField];
      if (fn) return since(fn, typeof v === "string" ? Date.parse(v) : -Infinity, asOfMs);
      return typeof v === "number" ? v : v === true ? 1 : 0;
    },
    n,
  );
  return { filled, missing: null };
}

/** A hand-rated value in words: "2 (hand rating)", "1 (dense) + 0.5 (conv2d)", "count of [linux, macos]". */
function ratedFilled(d: Declared, v: RatingValue): Filled {
  switch (d.kind) {
    case "checklist": {
      if (typeof v === "number") return { filled: `${v} (hand count)`, missing: null, final: true };
      const items = Object.entries(v as Record<string, number>);
      return { filled: items.length === 0 ? "0 (empty checklist)" : items.map(([k, x]) => `${x} (${k})`).join(" + "), missing: null };
    }
    case "weightedSet": {
      const items = Object.entries(v as Record<string, number>);
      return { filled: items.length === 0 ? "0 (none)" : items.map(([k, x]) => `${x} (${k})`).join(" + "), missing: null };
    }
    case "list":
      return { filled: `count of [${(v as string[]).join(", ")}]`, missing: null };
    default:
      return { filled: `${v as number} (hand rating)`, missing: null, final: true };
  }
}

/** The formula of a criterion, filled in for one project, or why it has no value. */
function formulaOf(d: Declared, p: ProjectSnapshot, asOf: string, windowDays: number): { formula: string; filled: string | null; missing: string | null; final?: boolean } {
  const formula = formulaText(d);
  if (d.kind === "metric") return { formula, ...metricFilled(d, p, asOf, windowDays) };
  const v = p.ratings[d.id];
  if (v === undefined) return { formula, filled: null, missing: `no ${d.id} rating in force in the cohort config` };
  if (d.kind !== "composite") return { formula, ...ratedFilled(d, v) };
  const terms: string[] = [];
  for (const part of d.parts ?? []) {
    if (part.kind === "metric") {
      const m = metricFilled(part, p, asOf, windowDays);
      if (m.filled === null) return { formula, filled: null, missing: m.missing };
      terms.push(`(${m.filled})`);
    } else terms.push(n((v as Record<string, number>)[part.id]!));
  }
  return { formula, filled: terms.join(" + "), missing: null };
}

function weightedMean(id: string, name: string, weight: number, parts: WeightedMean["parts"], leftOut: string[], score: number | null): WeightedMean {
  const total = parts.reduce((s, x) => s + x.weight, 0);
  let filled: string | null = null;
  if (parts.length > 0 && total > 0) {
    const sum = parts.map((x) => `${n(x.weight)}×${n(x.score)}`).join(" + ");
    const weights = parts.map((x) => n(x.weight)).join(" + ");
    filled = `(${sum}) / (${weights}) = ${score === null ? "-" : n(score)}`;
  } else if (parts.length > 0) {
    filled = "every weight is 0: no score";
  }
  return { id, name, weight, parts, leftOut, filled, score };
}

/**
 * How one project's numbers in a snapshot were derived: figures and their requests, each criterion's
 * formula with the values filled in, its normalization, the weighted means, rank and tier. Pure.
 * Throws a plain Error for an unknown id (callers check first).
 */
export function explainProject(snapshot: Snapshot, id: string): Explanation {
  const p = snapshot.projects.find((x) => x.id === id);
  if (!p) throw new Error(`no project ${id}`);
  const { asOf } = snapshot;

  const figures: FigureExplanation[] = figureSources(p, asOf, snapshot.windowDays, apiOf(snapshot.requests)).map((s) => ({
    ...s,
    value: p.raw[s.field] ?? null,
    error: p.raw[s.field] === null ? (p.errors.find((e) => e.field === s.field)?.message ?? null) : null,
  }));

  const criteria: CriterionExplanation[] = [];
  const categories: WeightedMean[] = [];
  const declaredById = new Map(declaredCriteria(snapshot.rubric).map((d) => [d.id, d]));
  for (const category of snapshot.rubric.categories) {
    const parts: WeightedMean["parts"] = [];
    const leftOut: string[] = [];
    for (const c of category.criteria) {
      const d = declaredById.get(c.id)!;
      const score = p.scores.criteria[c.id] ?? null;
      const { formula, filled, missing, final } = formulaOf(d, p, asOf, snapshot.windowDays);
      const by = c.normalize;
      let max = 0;
      let heldBy: string[] = [];
      if (by.by === "scale" || by.by === "fixed") {
        max = by.max;
      } else if (by.by === "threshold") {
        max = by.threshold;
      } else if (by.by === "cohortMax") {
        const values = snapshot.projects.flatMap((x) => {
          const v = x.scores.criteria[c.id]?.value;
          return v === undefined ? [] : [{ id: x.id, v }];
        });
        max = Math.max(0, ...values.map((x) => x.v));
        heldBy = values.filter((x) => x.v === max && max > 0).map((x) => x.id);
      }
      let normalizedFilled: string | null = null;
      if (score !== null) {
        const v = score.value;
        const min = by.by === "fixed" ? (by.min ?? 0) : 0;
        const ratio =
          by.by === "threshold"
            ? `log(1 + ${n(v)}) / log(1 + max(${n(v)}, ${n(max)}))`
            : by.by === "percentile"
              ? "share of the cohort's other values below (ties half)"
              : max === 0
                ? "0 (the maximum is 0)"
                : `${(v - min) / (max - min) > 1 ? "min(1, " : ""}${min === 0 ? n(v) : `(${n(v)} - ${n(min)})`} / ${min === 0 ? n(max) : `(${n(max)} - ${n(min)})`}${(v - min) / (max - min) > 1 ? ")" : ""}`;
        const lower = d.direction === "lower";
        // Lower is better under a threshold: the value mirrored inside it (criticality_score's smaller_is_better).
        const shown = lower && by.by === "threshold" ? `log(1 + ${n(max)} - min(${n(v)}, ${n(max)})) / log(1 + ${n(max)})` : lower ? `1 - ${ratio}` : ratio;
        normalizedFilled = `${shown} = ${n(score.normalized)}`;
        parts.push({ id: c.id, weight: c.weight, score: score.normalized });
      } else if (d.missing === "zero" && !Number.isNaN(p.scores.categories[category.id] ?? NaN)) {
        parts.push({ id: c.id, weight: c.weight, score: 0 });
      } else {
        leftOut.push(c.id);
      }
      criteria.push({
        id: c.id,
        category: category.id,
        weight: c.weight,
        formula,
        filled: filled === null || score === null ? null : final ? filled : `${filled} = ${n(score.value)}`,
        missing: score === null ? (missing ?? "no value") : null,
        score,
        normalization: { by: c.normalize.by, max, heldBy, filled: normalizedFilled },
      });
    }
    categories.push(weightedMean(category.id, category.name, category.weight, parts, leftOut, p.scores.categories[category.id] ?? null));
  }
  const overall = weightedMean(
    "overall",
    "Overall",
    1,
    categories.filter((c) => c.score !== null).map((c) => ({ id: c.id, weight: c.weight, score: c.score! })),
    categories.filter((c) => c.score === null).map((c) => c.id),
    p.scores.overall,
  );

  const byRank = [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
  const neighbour = (rank: number): Neighbour | null => {
    const x = byRank.find((q) => q.scores.rank === rank);
    return x ? { id: x.id, rank, overall: x.scores.overall } : null;
  };
  const tiers = new Map<number, { min: number; max: number; projects: number }>();
  for (const x of snapshot.projects) {
    if (x.scores.tier === null || x.scores.overall === null) continue;
    const t = tiers.get(x.scores.tier) ?? { min: Infinity, max: -Infinity, projects: 0 };
    tiers.set(x.scores.tier, { min: Math.min(t.min, x.scores.overall), max: Math.max(t.max, x.scores.overall), projects: t.projects + 1 });
  }

  return {
    id: p.id,
    name: p.name,
    cohort: snapshot.cohort,
    asOf,
    windowDays: snapshot.windowDays,
    rubric: { name: snapshot.rubric.name, version: snapshot.rubric.version },
    sources: p.sources,
    figures,
    warnings: p.warnings,
    criteria,
    categories,
    overall,
    rank: { rank: p.scores.rank, of: snapshot.projects.length, above: neighbour(p.scores.rank - 1), below: neighbour(p.scores.rank + 1) },
    tier: {
      tier: p.scores.tier,
      tiers: [...tiers].sort((a, b) => a[0] - b[0]).map(([tier, t]) => ({ tier, ...t })),
    },
  };
}

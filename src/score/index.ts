import type { Normalization, Rubric } from "../config/rubric.js";
import type { CriterionScore, Scores } from "./types.js";
import { compileRubric, criterionColumn, FigureColumns, type CriterionInput } from "./criteria.js";
import { jenksTiers } from "./tiers.js";
import type { FigureType } from "../rubric/expression.js";
import { EXPRESSION_NAMES } from "../config/figures.js";

export interface ScoreInput extends CriterionInput {
  id: string;
}

/**
 * A cohort's scores as columns, one entry per input project (input order). No value is NaN: a
 * criterion the project has no value for, a category with no criterion, no overall score. Views that
 * read a whole history use these directly; scoresAt makes the objects of one project.
 */
export interface CohortScores {
  /** The rubric's criteria, category by category. */
  criteria: { id: string; value: Float64Array; normalized: Float64Array }[];
  categories: { id: string; score: Float64Array }[];
  overall: Float64Array;
  /** 1 for the best. */
  rank: Int32Array;
  /** 1 for the best tier; 0 without an overall score. */
  readonly tier: Int32Array;
  /** Input positions by rank, best first. */
  byRank: Int32Array;
}

/** Clamped: rounding drift (e.g. 1.0000000000000002) must not take a score outside [0, 1]. */
const unit = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Each value's score in [0, 1] under a normalization (NaN stays NaN: no value). Lower is better: 1
 * minus the score, except under a threshold, where (as criticality_score's smaller_is_better) the value
 * is mirrored inside it: log(1 + T - min(x, T)) / log(1 + T).
 */
function normalize(value: Float64Array, by: Normalization, lower: boolean): Float64Array {
  const n = value.length;
  const out = new Float64Array(n);
  switch (by.by) {
    case "fixed":
    case "scale": {
      const min = by.by === "fixed" ? (by.min ?? 0) : 0;
      const span = by.max - min;
      for (let i = 0; i < n; i++) out[i] = unit((value[i]! - min) / span);
      break;
    }
    case "cohortMax": {
      let max = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(value[i]!)) max = Math.max(max, value[i]!);
      for (let i = 0; i < n; i++) {
        const v = value[i]!;
        out[i] = Number.isNaN(v) ? NaN : max === 0 ? 0 : unit(v / max);
      }
      break;
    }
    case "threshold": {
      const t = by.threshold;
      if (lower) for (let i = 0; i < n; i++) out[i] = unit(Math.log(1 + t - Math.min(Math.max(value[i]!, 0), t)) / Math.log(1 + t));
      else for (let i = 0; i < n; i++) out[i] = unit(Math.log(1 + value[i]!) / Math.log(1 + Math.max(value[i]!, t)));
      return out;
    }
    case "percentile": {
      // The share of the other values below (ties count half): 1 for the single best, 0 for the worst.
      const order = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(value[i]!)).sort((a, b) => value[a]! - value[b]!);
      const m = order.length;
      out.fill(NaN);
      for (let start = 0; start < m; ) {
        let end = start;
        while (end < m && value[order[end]!] === value[order[start]!]) end++;
        const rank = m === 1 ? 1 : (start + (end - start - 1) / 2) / (m - 1);
        for (let k = start; k < end; k++) out[order[k]!] = rank;
        start = end;
      }
      break;
    }
  }
  if (lower) for (let i = 0; i < n; i++) out[i] = 1 - out[i]!;
  return out;
}

/**
 * Scores a whole cohort: normalization needs every project's values (open-ended criteria are divided
 * by the cohort maximum), ranks and tiers need every overall score. Pure: `asOf` is the only clock.
 * `figures`: the raw figures metrics may read (the snapshot's, unless a test brings its own);
 * `windowDays`: the snapshot's window, for expressions that read it.
 */
export function scoreColumns(projects: readonly ScoreInput[], rubric: Rubric, asOf: string, figures?: Readonly<Record<string, FigureType>>, windowDays?: number): CohortScores {
  const n = projects.length;
  const asOfMs = Date.parse(asOf);
  // Ids are unique in practice; where one is not, a project's value is the last defined one of its id.
  const ids = new Set<string>();
  for (const p of projects) ids.add(p.id);
  const unique = ids.size === n;
  const compiled = compileRubric(rubric, figures);
  const columns = new FigureColumns(projects, figures ?? EXPRESSION_NAMES, windowDays);
  const criteria: CohortScores["criteria"] = [];
  const plan: { weight: number; criteria: { weight: number; value: Float64Array; normalized: Float64Array }[]; score: Float64Array }[] = [];
  let k = 0;
  for (const category of rubric.categories) {
    const members = [];
    for (let j = 0; j < category.criteria.length; j++) {
      const c = compiled[k++]!;
      const value = criterionColumn(c, projects, columns, asOfMs);
      // Where ids repeat, every position of an id then holds the same value: the maximum counts it once.
      if (!unique) lastOfEachId(projects, value);
      const normalized = normalize(value, c.d.normalize, c.d.direction === "lower");
      if (c.d.missing === "zero") for (let i = 0; i < n; i++) if (Number.isNaN(normalized[i]!)) normalized[i] = 0;
      criteria.push({ id: c.d.id, value, normalized });
      members.push({ weight: c.d.weight, value, normalized });
    }
    plan.push({ weight: category.weight ?? 1, criteria: members, score: new Float64Array(n) });
  }

  // Weighted means summed in rubric order, as they always were (the sums' rounding is part of the scores).
  // A project with no criterion in a category (of weight > 0) is incomplete: no overall score unless
  // the rubric asks for the mean of the categories it has.
  const partial = rubric.incomplete === "partial";
  const overall = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let weights = 0;
    let sum = 0;
    let counted = 0;
    let incomplete = false;
    for (const category of plan) {
      let w = 0;
      let s = 0;
      let k = 0;
      for (const criterion of category.criteria) {
        const normalized = criterion.normalized[i]!;
        if (Number.isNaN(normalized)) continue;
        w += criterion.weight;
        s += normalized * criterion.weight;
        k++;
      }
      const score = k === 0 || !(w > 0) ? NaN : unit(s / w);
      category.score[i] = score;
      if (!Number.isNaN(score)) {
        weights += category.weight;
        sum += score * category.weight;
        counted++;
      } else if (category.weight > 0) incomplete = true;
    }
    overall[i] = counted === 0 || weights === 0 || (incomplete && !partial) ? NaN : unit(sum / weights);
  }

  // Highest overall first, unscored last, ties by id.
  const byRank = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const x = overall[a]!;
    const y = overall[b]!;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) {
      if (Number.isNaN(x)) return 1;
      if (Number.isNaN(y)) return -1;
      return y - x;
    }
    const p = projects[a]!.id;
    const q = projects[b]!.id;
    return p < q ? -1 : p > q ? 1 : 0;
  });
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[byRank[r]!] = r + 1;
  let tier: Int32Array | undefined;
  return {
    criteria,
    categories: rubric.categories.map((c, j) => ({ id: c.id, score: plan[j]!.score })),
    overall,
    rank,
    byRank,
    // Computed when first asked for: the exact Jenks tiers are a third of scoring, and the views that
    // draw only scores (history of a score, the report's older snapshots) never ask.
    get tier() {
      return (tier ??= tiersOf(overall, byRank));
    },
  };
}

/** Each position's Jenks tier of the overall scores (0: no overall score). */
function tiersOf(overall: Float64Array, byRank: Int32Array): Int32Array {
  const scored: number[] = [];
  for (const i of byRank) if (!Number.isNaN(overall[i]!)) scored.push(i);
  const tiers = jenksTiers(scored.map((i) => overall[i]!));
  const tier = new Int32Array(overall.length);
  for (let t = 0; t < scored.length; t++) tier[scored[t]!] = tiers[t]!;
  return tier;
}

/** Where ids repeat: each position takes the last defined value of its id. */
function lastOfEachId(projects: readonly ScoreInput[], value: Float64Array): void {
  const last = new Map<string, number>();
  for (let i = 0; i < projects.length; i++) if (!Number.isNaN(value[i]!)) last.set(projects[i]!.id, value[i]!);
  for (let i = 0; i < projects.length; i++) value[i] = last.get(projects[i]!.id) ?? NaN;
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

/** The scores of the project at input position i, as objects. */
export function scoresAt(columns: CohortScores, i: number): Scores {
  const criteria: Record<string, CriterionScore> = {};
  for (const c of columns.criteria) if (!Number.isNaN(c.value[i]!)) criteria[c.id] = { value: c.value[i]!, normalized: c.normalized[i]! };
  const categories: Record<string, number | null> = {};
  for (const c of columns.categories) categories[c.id] = orNull(c.score[i]!);
  const tier = columns.tier[i]!;
  return { criteria, categories, overall: orNull(columns.overall[i]!), rank: columns.rank[i]!, tier: tier === 0 ? null : tier };
}

/** scoreColumns as objects by id (where ids repeat, the lowest-ranked position's). */
export function scoreCohort(projects: readonly ScoreInput[], rubric: Rubric, asOf: string): Map<string, Scores> {
  const columns = scoreColumns(projects, rubric, asOf);
  const result = new Map<string, Scores>();
  for (const i of columns.byRank) result.set(projects[i]!.id, scoresAt(columns, i));
  return result;
}

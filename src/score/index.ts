import type { Rubric } from "../config/rubric.js";
import type { CriterionId } from "../config/criteria.js";
import type { CriterionScore, Scores } from "./types.js";
import { criterionValue, type CriterionInput } from "./criteria.js";
import { jenksTiers } from "./tiers.js";

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
  criteria: { id: CriterionId; value: Float64Array; normalized: Float64Array }[];
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
 * Scores a whole cohort: normalization needs every project's values (open-ended criteria are divided
 * by the cohort maximum), ranks and tiers need every overall score. Pure: `asOf` is the only clock.
 */
export function scoreColumns(projects: readonly ScoreInput[], rubric: Rubric, asOf: string): CohortScores {
  const n = projects.length;
  // Ids are unique in practice; where one is not, a project's value is the last defined one of its id.
  const ids = new Set<string>();
  for (const p of projects) ids.add(p.id);
  const unique = ids.size === n;
  const criteria: CohortScores["criteria"] = [];
  const plan: { weight: number; criteria: { weight: number; value: Float64Array; normalized: Float64Array }[]; score: Float64Array }[] = [];
  for (const category of rubric.categories) {
    const members = [];
    for (const criterion of category.criteria) {
      const value = new Float64Array(n);
      for (let i = 0; i < n; i++) value[i] = criterionValue(criterion.id, projects[i]!, asOf) ?? NaN;
      // Where ids repeat, every position of an id then holds the same value: the maximum counts it once.
      if (!unique) lastOfEachId(projects, value);
      let max = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(value[i]!)) max = Math.max(max, value[i]!);
      const denominator = criterion.normalize.by === "scale" ? criterion.normalize.max : max;
      const normalized = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = value[i]!;
        normalized[i] = Number.isNaN(v) ? NaN : denominator === 0 ? 0 : unit(v / denominator);
      }
      criteria.push({ id: criterion.id, value, normalized });
      members.push({ weight: criterion.weight, value, normalized });
    }
    plan.push({ weight: category.weight, criteria: members, score: new Float64Array(n) });
  }

  // Weighted means summed in rubric order, as they always were (the sums' rounding is part of the scores).
  const overall = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let weights = 0;
    let sum = 0;
    let counted = 0;
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
      const score = k === 0 || w === 0 ? NaN : unit(s / w);
      category.score[i] = score;
      if (!Number.isNaN(score)) {
        weights += category.weight;
        sum += score * category.weight;
        counted++;
      }
    }
    overall[i] = counted === 0 || weights === 0 ? NaN : unit(sum / weights);
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
  const criteria: Partial<Record<CriterionId, CriterionScore>> = {};
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

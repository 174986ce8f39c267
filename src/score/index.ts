import type { Rubric } from "../config/rubric.js";
import type { CriterionId } from "../config/criteria.js";
import type { CriterionScore, Scores } from "./types.js";
import { criterionValue, type CriterionInput } from "./criteria.js";
import { jenksTiers } from "./tiers.js";

export interface ScoreInput extends CriterionInput {
  id: string;
}

/** Clamped: rounding drift (e.g. 1.0000000000000002) must not take a score outside [0, 1]. */
const unit = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Scores a whole cohort: normalization needs every project's values (open-ended criteria are divided
 * by the cohort maximum), ranks and tiers need every overall score. Pure: `asOf` is the only clock.
 */
export function scoreCohort(projects: readonly ScoreInput[], rubric: Rubric, asOf: string): Map<string, Scores> {
  // Each criterion's values by position (not in a map by id: this runs for every snapshot `score`
  // reads). Ids are unique in practice; where one is not, a project's value is the last defined one
  // of its id, and the maximum counts it once.
  // Loops rather than callbacks here and below: V8 optimizes a callback made anew for each cohort
  // anew, and `score` scores hundreds of cohorts in a run.
  const ids = new Set<string>();
  for (const p of projects) ids.add(p.id);
  const unique = ids.size === projects.length;
  const values = new Map<CriterionId, (number | undefined)[]>();
  const denominators = new Map<CriterionId, number>();
  for (const category of rubric.categories) {
    for (const criterion of category.criteria) {
      let column: (number | undefined)[] = [];
      for (let i = 0; i < projects.length; i++) column.push(criterionValue(criterion.id, projects[i]!, asOf));
      let max = 0;
      if (unique) {
        // Indexed, not for...of over an array-or-iterator: that allocated an iterator result per value.
        for (let i = 0; i < column.length; i++) {
          const v = column[i];
          if (v !== undefined) max = Math.max(max, v);
        }
      } else {
        const byId = new Map<string, number>();
        projects.forEach((p, i) => column[i] !== undefined && byId.set(p.id, column[i]!));
        column = projects.map((p) => byId.get(p.id));
        for (const v of byId.values()) max = Math.max(max, v);
      }
      values.set(criterion.id, column);
      denominators.set(criterion.id, criterion.normalize.by === "scale" ? criterion.normalize.max : max);
    }
  }
  // The rubric as the loop below walks it, every lookup by id done once per cohort, not per project.
  const plan = rubric.categories.map((category) => ({
    id: category.id,
    weight: category.weight,
    criteria: category.criteria.map((c) => ({ id: c.id, weight: c.weight, column: values.get(c.id)!, max: denominators.get(c.id)! })),
  }));

  // Weighted means summed in rubric order, as they always were (the sums' rounding is part of the scores).
  const partial: Unranked[] = [];
  for (let i = 0; i < projects.length; i++) {
    const criteria: Partial<Record<CriterionId, CriterionScore>> = {};
    const categories: Record<string, number | null> = {};
    let weights = 0;
    let sum = 0;
    let counted = 0;
    for (const category of plan) {
      let w = 0;
      let s = 0;
      let n = 0;
      for (const criterion of category.criteria) {
        const value = criterion.column[i];
        if (value === undefined) continue;
        const normalized = criterion.max === 0 ? 0 : unit(value / criterion.max);
        criteria[criterion.id] = { value, normalized };
        w += criterion.weight;
        s += normalized * criterion.weight;
        n++;
      }
      const score = n === 0 || w === 0 ? null : unit(s / w);
      categories[category.id] = score;
      if (score !== null) {
        weights += category.weight;
        sum += score * category.weight;
        counted++;
      }
    }
    partial.push({ id: projects[i]!.id, criteria, categories, overall: counted === 0 || weights === 0 ? null : unit(sum / weights) });
  }

  const ranked = partial.sort(byOverall);
  const scored: Unranked[] = [];
  const overalls: number[] = [];
  for (const p of ranked) {
    if (p.overall === null) continue;
    scored.push(p);
    overalls.push(p.overall);
  }
  const tiers = jenksTiers(overalls);
  const tierOf = new Map<string, number>();
  for (let i = 0; i < scored.length; i++) tierOf.set(scored[i]!.id, tiers[i]!);

  const result = new Map<string, Scores>();
  for (let i = 0; i < ranked.length; i++) {
    const p = ranked[i]!;
    result.set(p.id, {
      criteria: p.criteria,
      categories: p.categories,
      overall: p.overall,
      rank: i + 1,
      tier: tierOf.get(p.id) ?? null,
    });
  }
  return result;
}

interface Unranked {
  id: string;
  criteria: Partial<Record<CriterionId, CriterionScore>>;
  categories: Record<string, number | null>;
  overall: number | null;
}

/** Highest overall first, unscored last, ties by id. */
function byOverall(a: Unranked, b: Unranked): number {
  if (a.overall !== b.overall) {
    if (a.overall === null) return 1;
    if (b.overall === null) return -1;
    return b.overall - a.overall;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

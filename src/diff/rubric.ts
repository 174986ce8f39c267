import type { CriterionId } from "../config/criteria.js";
import type { Normalization, Rubric } from "../config/rubric.js";

/** Where and how a criterion counts in one rubric. */
export interface CriterionPlacement {
  category: string;
  weight: number;
  normalize: Normalization;
  /** The ops sample's operation ids (only for ops). */
  sample?: string[];
}

export type CriterionField = "category" | "weight" | "normalize" | "sample";

export interface CriterionRubricChange {
  id: CriterionId;
  change: "added" | "removed" | "changed";
  old: CriterionPlacement | null;
  new: CriterionPlacement | null;
  /** For "changed": what differs, in this order. Empty for added/removed. */
  fields: CriterionField[];
}

export interface CategoryRubricChange {
  id: string;
  change: "added" | "removed" | "changed";
  old: { name: string; weight: number } | null;
  new: { name: string; weight: number } | null;
  fields: ("name" | "weight")[];
}

export interface RubricDiff {
  version: { old: number; new: number };
  name: { old: string; new: string };
  /** Criteria added, removed or changed: in the new rubric's order, then removed ones in the old order. */
  criteria: CriterionRubricChange[];
  categories: CategoryRubricChange[];
}

function placements(rubric: Rubric): Map<CriterionId, CriterionPlacement> {
  const out = new Map<CriterionId, CriterionPlacement>();
  for (const category of rubric.categories) {
    for (const c of category.criteria) {
      const placement: CriterionPlacement = { category: category.id, weight: c.weight, normalize: c.normalize };
      if (c.sample !== undefined) placement.sample = c.sample.map((s) => s.id);
      out.set(c.id, placement);
    }
  }
  return out;
}

const sameNormalization = (a: Normalization, b: Normalization) =>
  a.by === b.by && (a.by === "cohortMax" || (b.by === "scale" && a.max === b.max));

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === (b ?? [])[i]);

/** What changed in the scoring rules between two rubrics. Pure. */
export function diffRubric(old: Rubric, next: Rubric): RubricDiff {
  const before = placements(old);
  const after = placements(next);
  const criteria: CriterionRubricChange[] = [];
  for (const [id, now] of after) {
    const was = before.get(id);
    if (!was) {
      criteria.push({ id, change: "added", old: null, new: now, fields: [] });
      continue;
    }
    const fields: CriterionField[] = [];
    if (was.category !== now.category) fields.push("category");
    if (was.weight !== now.weight) fields.push("weight");
    if (!sameNormalization(was.normalize, now.normalize)) fields.push("normalize");
    if (!sameList(was.sample, now.sample)) fields.push("sample");
    if (fields.length > 0) criteria.push({ id, change: "changed", old: was, new: now, fields });
  }
  for (const [id, was] of before) {
    if (!after.has(id)) criteria.push({ id, change: "removed", old: was, new: null, fields: [] });
  }

  const categories: CategoryRubricChange[] = [];
  const oldCategories = new Map(old.categories.map((c) => [c.id, { name: c.name, weight: c.weight }]));
  const newCategories = new Map(next.categories.map((c) => [c.id, { name: c.name, weight: c.weight }]));
  for (const [id, now] of newCategories) {
    const was = oldCategories.get(id);
    if (!was) {
      categories.push({ id, change: "added", old: null, new: now, fields: [] });
      continue;
    }
    const fields: ("name" | "weight")[] = [];
    if (was.name !== now.name) fields.push("name");
    if (was.weight !== now.weight) fields.push("weight");
    if (fields.length > 0) categories.push({ id, change: "changed", old: was, new: now, fields });
  }
  for (const [id, was] of oldCategories) {
    if (!newCategories.has(id)) categories.push({ id, change: "removed", old: was, new: null, fields: [] });
  }

  return {
    version: { old: old.version, new: next.version },
    name: { old: old.name, new: next.name },
    criteria,
    categories,
  };
}

/** "scale max 2" / "cohort max": how a normalization reads in a sentence. */
export function describeNormalization(n: Normalization): string {
  return n.by === "scale" ? `scale max ${n.max}` : "cohort max";
}

/** One line per rubric change, e.g. "activity: weight 1 → 2", "aws: removed (was in platform, weight 1, scale max 3)". */
export function describeRubricChanges(diff: RubricDiff): string[] {
  const lines: string[] = [];
  const place = (p: CriterionPlacement) => `${p.category}, weight ${p.weight}, ${describeNormalization(p.normalize)}`;
  for (const c of diff.categories) {
    if (c.change === "added") lines.push(`category ${c.id}: added ("${c.new!.name}", weight ${c.new!.weight})`);
    else if (c.change === "removed") lines.push(`category ${c.id}: removed (was "${c.old!.name}", weight ${c.old!.weight})`);
    else {
      const parts = c.fields.map((f) => (f === "name" ? `name "${c.old!.name}" → "${c.new!.name}"` : `weight ${c.old!.weight} → ${c.new!.weight}`));
      lines.push(`category ${c.id}: ${parts.join(", ")}`);
    }
  }
  for (const c of diff.criteria) {
    if (c.change === "added") lines.push(`${c.id}: added (in ${place(c.new!)})`);
    else if (c.change === "removed") lines.push(`${c.id}: removed (was in ${place(c.old!)})`);
    else {
      const parts = c.fields.map((f) => {
        switch (f) {
          case "category":
            return `category ${c.old!.category} → ${c.new!.category}`;
          case "weight":
            return `weight ${c.old!.weight} → ${c.new!.weight}`;
          case "normalize":
            return `normalization ${describeNormalization(c.old!.normalize)} → ${describeNormalization(c.new!.normalize)}`;
          case "sample": {
            const was = new Set(c.old!.sample ?? []);
            const now = new Set(c.new!.sample ?? []);
            const added = [...now].filter((x) => !was.has(x));
            const removed = [...was].filter((x) => !now.has(x));
            const what = [added.length ? `+${added.join(", +")}` : "", removed.length ? `-${removed.join(", -")}` : ""].filter(Boolean).join(" ");
            return `sample ${what || "reordered"}`;
          }
        }
      });
      lines.push(`${c.id}: ${parts.join(", ")}`);
    }
  }
  return lines;
}

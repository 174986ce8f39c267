import { z } from "zod";
import { CRITERIA } from "./criteria.js";
import { SLUG } from "../slug.js";

const weight = z.custom<number>((w) => typeof w === "number" && Number.isFinite(w) && w >= 0, {
  error: (i) => `expected a finite number >= 0, got ${typeof i.input === "number" ? String(i.input) : JSON.stringify(i.input)}`,
});

/**
 * How a criterion's value becomes a score in [0, 1]: divided by a fixed scale maximum, or by the
 * largest value in the cohort (open-ended figures such as activity have no natural ceiling).
 */
export const Normalization = z.discriminatedUnion("by", [
  z.strictObject({ by: z.literal("scale"), max: z.number().positive() }),
  z.strictObject({ by: z.literal("cohortMax") }),
]);

export const OpsSampleItem = z.strictObject({
  id: z.string().regex(SLUG, "expected a lowercase slug such as conv2d"),
  why: z.string().min(1),
});

export const Criterion = z.strictObject({
  id: z.enum(CRITERIA, { error: (i) => `unknown criterion ${JSON.stringify(i.input)}; known: ${CRITERIA.join(", ")}` }),
  weight: weight.default(1),
  normalize: Normalization,
  /** Only for `ops`: the fixed sample of operations a project is checked against. */
  sample: z.array(OpsSampleItem).optional(),
});

export const Category = z.strictObject({
  id: z.string().regex(SLUG, "expected a lowercase slug such as community"),
  name: z.string().min(1),
  weight: weight.default(1),
  criteria: z.array(Criterion).min(1),
});

export const Rubric = z
  .strictObject({
    version: z.number().int().positive(),
    name: z.string().min(1),
    categories: z.array(Category).min(1),
  })
  .superRefine((rubric, ctx) => {
    const seenCategory = new Set<string>();
    const seenCriterion = new Set<string>();
    rubric.categories.forEach((category, ci) => {
      if (seenCategory.has(category.id)) {
        ctx.addIssue({ code: "custom", path: ["categories", ci, "id"], message: `duplicate category ${category.id}` });
      }
      seenCategory.add(category.id);
      category.criteria.forEach((criterion, ki) => {
        const path = ["categories", ci, "criteria", ki];
        if (seenCriterion.has(criterion.id)) {
          ctx.addIssue({ code: "custom", path: [...path, "id"], message: `criterion ${criterion.id} appears twice; a criterion belongs to one category` });
        }
        seenCriterion.add(criterion.id);
        if (criterion.id === "ops") {
          const sample = criterion.sample ?? [];
          if (sample.length === 0) {
            ctx.addIssue({ code: "custom", path: [...path, "sample"], message: "ops needs the sample of operations it is rated against" });
          }
          const ids = new Set(sample.map((s) => s.id));
          if (ids.size !== sample.length) {
            ctx.addIssue({ code: "custom", path: [...path, "sample"], message: "ops sample lists an operation twice" });
          }
          if (criterion.normalize.by !== "scale" || criterion.normalize.max !== sample.length) {
            ctx.addIssue({
              code: "custom",
              path: [...path, "normalize"],
              message: `ops is scored out of its sample: expected {by: scale, max: ${sample.length}}`,
            });
          }
        } else if (criterion.sample !== undefined) {
          ctx.addIssue({ code: "custom", path: [...path, "sample"], message: "only the ops criterion takes a sample" });
        }
      });
    });
  });

export type Rubric = z.infer<typeof Rubric>;
export type Criterion = z.infer<typeof Criterion>;
export type Normalization = z.infer<typeof Normalization>;

export function opsSample(rubric: Rubric): string[] {
  for (const category of rubric.categories) {
    for (const criterion of category.criteria) {
      if (criterion.id === "ops") return (criterion.sample ?? []).map((s) => s.id);
    }
  }
  return [];
}

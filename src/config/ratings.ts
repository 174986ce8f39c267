import { z } from "zod";

/** A number that must be one of a few values; the message lists them, e.g. "expected 0, 1 or 2, got 5". */
function choice(values: readonly number[]) {
  const list = values.length > 1 ? `${values.slice(0, -1).join(", ")} or ${values.at(-1)}` : String(values[0]);
  return z.custom<number>((v) => typeof v === "number" && values.includes(v), {
    error: (issue) => `expected ${list}, got ${JSON.stringify(issue.input)}`,
  });
}

function between(min: number, max: number) {
  return z.custom<number>((v) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max, {
    error: (issue) => `expected a number from ${min} to ${max}, got ${JSON.stringify(issue.input)}`,
  });
}

const half = z.custom<number>((v) => v === 0 || v === 0.5 || v === 1, {
  error: (issue) => `expected 0, 0.5 or 1, got ${JSON.stringify(issue.input)}`,
});

export const Numerics = z.strictObject({ maturity: between(0, 5), easeOfUse: between(0, 5) });

/**
 * The hand ratings, with the scales of the Coveo rubric. Every one is optional: a project without a
 * rating simply has no value for that criterion, and its category averages over the others.
 */
export const RatingsShape = {
  sponsor: choice([0, 1, 2]).optional(),
  documentation: choice([1, 2, 3]).optional(),
  graph: choice([0, 1, 2]).optional(),
  numerics: Numerics.optional(),
  /** A count out of the sample (halves allowed), or a checklist: sample operation -> 1, 0.5 (trivial to write) or 0. */
  ops: z
    .union([
      z.custom<number>((v) => typeof v === "number" && v >= 0 && Number.isInteger(v * 2), {
        error: (i) => `expected a count of operations in steps of 0.5, or a checklist, got ${JSON.stringify(i.input)}`,
      }),
      z.record(z.string(), half),
    ])
    .optional(),
  /** Language binding -> maturity in [0, 1]. */
  languages: z.record(z.string().min(1), between(0, 1)).optional(),
  scalability: choice([0, 1, 2]).optional(),
  /** Operating systems officially supported. */
  os: z
    .array(z.string().min(1))
    .refine((list) => new Set(list).size === list.length, { error: "lists an operating system twice" })
    .optional(),
  aws: choice([0, 1, 2, 3]).optional(),
  onnx: choice([0, 1, 2]).optional(),
};

export const Ratings = z.strictObject(RatingsShape);
export type Ratings = z.infer<typeof Ratings>;
export type Ops = NonNullable<Ratings["ops"]>;

export const RATING_KEYS = Object.keys(RatingsShape) as (keyof Ratings)[];

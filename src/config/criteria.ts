/**
 * The criteria the scoring code knows how to compute. The rubric (data) chooses which of them count,
 * in which category and with which weight; it cannot invent new ones, since each needs a formula.
 */
export const CRITERIA = [
  "sponsor",
  "activity",
  "ecosystem",
  "documentation",
  "graph",
  "numerics",
  "ops",
  "languages",
  "scalability",
  "os",
  "aws",
  "onnx",
] as const;

export type CriterionId = (typeof CRITERIA)[number];

/** Criteria whose value is a hand rating taken straight from the config (numerics is half rated, half fetched). */
export const RATED = ["sponsor", "documentation", "graph", "numerics", "ops", "languages", "scalability", "os", "aws", "onnx"] as const;
export type RatedId = (typeof RATED)[number];

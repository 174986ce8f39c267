import type { z } from "zod";
import { Raw } from "../snapshot/schema.js";
import type { FigureType } from "../rubric/expression.js";

/** The zod type under optional/nullable wrappers. */
function baseType(schema: z.ZodType): string {
  let s = schema as z.ZodType & { unwrap?: () => z.ZodType };
  while ((s.def.type === "optional" || s.def.type === "nullable") && s.unwrap) s = s.unwrap() as typeof s;
  return s.def.type;
}

/**
 * The raw figures a metric may read, with their types, from the snapshot schema: a date (ISO text) is
 * read only through weeksSince/daysSince/monthsSince; a boolean counts 1 for true.
 */
export const FIGURE_TYPES: Readonly<Record<string, FigureType>> = Object.fromEntries(
  Object.entries(Raw.shape).map(([name, schema]) => [name, baseType(schema as z.ZodType) === "string" ? "date" : "number"]),
);

/**
 * The names an expression may use: the raw figures, and the snapshot's windowDays (the length of the
 * window its counts cover, so that a rate per week is `commits / (windowDays / 7)` whatever the window).
 */
export const EXPRESSION_NAMES: Readonly<Record<string, FigureType>> = { ...FIGURE_TYPES, windowDays: "number" };

/**
 * The other repositories a project may name, and the figures fetched for them: a metric with
 * `repository: numerics` reads numericsLastCommitAt where it says lastCommitAt (and the project's own
 * figures when it has no numerics repository: the library then lives in the project's repository).
 */
export const REPOSITORY_FIGURES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  numerics: { lastCommitAt: "numericsLastCommitAt", mergedPullRequests: "numericsMergedPullRequests", commits: "numericsCommits" },
};

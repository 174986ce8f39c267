import type { CriterionId } from "../config/criteria.js";
import type { Ratings, Ops } from "../config/ratings.js";
import type { Issue, Raw, RawField } from "../snapshot/schema.js";
import { activity } from "./activity.js";
import { ecosystem } from "./ecosystem.js";

/** What a criterion is computed from: one project's fetched figures and hand ratings. */
export interface CriterionInput {
  raw: Raw;
  ratings: Ratings;
  errors: readonly Issue[];
}

// Sums of a rating's entries, by the rating: every snapshot of a history is scored with the same
// config's ratings, and summing a 32-item checklist for 1,000 projects each time adds up.
const sums = new WeakMap<object, number>();

function sumOf(entries: Readonly<Record<string, number>>): number {
  let sum = sums.get(entries);
  if (sum === undefined) sums.set(entries, (sum = Object.values(entries).reduce((s, v) => s + v, 0)));
  return sum;
}

/** The count of an ops rating: a number as given, or the sum of a checklist. */
export function opsCount(ops: Ops): number {
  return typeof ops === "number" ? ops : sumOf(ops);
}

/** True when a figure is unknown because fetching it failed (as opposed to known to be absent). */
function failed(input: CriterionInput, field: RawField): boolean {
  return input.raw[field] === null && input.errors.some((e) => e.field === field);
}

function activityOf(input: CriterionInput, commitField: RawField, mergedField: RawField, asOf: string): number | undefined {
  const merged = input.raw[mergedField];
  if (typeof merged !== "number" || failed(input, commitField)) return undefined;
  const last = input.raw[commitField];
  return activity(typeof last === "string" ? last : null, merged, asOf);
}

/**
 * The value of one criterion for one project, or undefined when the project has none (no rating, or
 * a figure it needs could not be fetched): such a criterion is left out of the project's category.
 */
export function criterionValue(id: CriterionId, input: CriterionInput, asOf: string): number | undefined {
  const { raw, ratings } = input;
  switch (id) {
    case "activity":
      return activityOf(input, "lastCommitAt", "mergedPullRequests", asOf);
    case "ecosystem":
      return raw.repositoryCount === null || raw.stackOverflowQuestions === null
        ? undefined
        : ecosystem(raw.repositoryCount, raw.stackOverflowQuestions);
    case "numerics": {
      if (!ratings.numerics) return undefined;
      // Without a separate numerics repository the library lives in the project's own repository.
      const own = raw.numericsMergedPullRequests === undefined;
      const act = own
        ? activityOf(input, "lastCommitAt", "mergedPullRequests", asOf)
        : activityOf(input, "numericsLastCommitAt", "numericsMergedPullRequests", asOf);
      return act === undefined ? undefined : ratings.numerics.maturity + ratings.numerics.easeOfUse + act;
    }
    case "ops":
      return ratings.ops === undefined ? undefined : opsCount(ratings.ops);
    case "languages":
      return ratings.languages === undefined ? undefined : sumOf(ratings.languages);
    case "os":
      return ratings.os?.length;
    case "sponsor":
    case "documentation":
    case "graph":
    case "scalability":
    case "aws":
    case "onnx":
      return ratings[id];
  }
}

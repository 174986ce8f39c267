import { describe, expect, it } from "vitest";
import { compileRubric, criterionColumn, FigureColumns, type CriterionInput } from "../../src/score/criteria.js";
import { FIGURE_TYPES } from "../../src/config/figures.js";
import type { Rubric } from "../../src/config/rubric.js";
import type { Raw } from "../../src/snapshot/schema.js";

// Coveo's twelve criteria as a version 1 rubric names them (declared by the legacy table), one category.
const IDS = ["sponsor", "activity", "ecosystem", "documentation", "graph", "numerics", "ops", "languages", "scalability", "os", "aws", "onnx"];
const RUBRIC: Rubric = { version: 1, name: "r", categories: [{ id: "all", name: "All", weight: 1, criteria: IDS.map((id) => ({ id, weight: 1, normalize: { by: "cohortMax" } })) }] };

/** One criterion's value for one project, through the compiled rubric; undefined when it has none. */
function criterionValue(id: string, input: CriterionInput, asOf: string): number | undefined {
  const c = compileRubric(RUBRIC).find((k) => k.d.id === id)!;
  const v = criterionColumn(c, [input], new FigureColumns([input], FIGURE_TYPES), Date.parse(asOf))[0]!;
  return Number.isNaN(v) ? undefined : v;
}
const weeksBetween = (from: string, asOf: string) => (Date.parse(asOf) - Date.parse(from)) / (7 * 24 * 3600 * 1000);
const activity = (last: string | null, merged: number, asOf: string) => criterionValue("activity", { raw: raw({ lastCommitAt: last, mergedPullRequests: merged }), ratings: {}, errors: [] }, asOf);
const ecosystem = (repositories: number, questions: number) => criterionValue("ecosystem", { raw: raw({ repositoryCount: repositories, stackOverflowQuestions: questions }), ratings: {}, errors: [] }, asOf)!;

const asOf = "2026-11-21T00:00:00.000Z";
const raw = (over: Partial<Raw> = {}): Raw => ({
  lastCommitAt: null, mergedPullRequests: null, repositoryCount: null, stackOverflowQuestions: null,
  stars: null, forks: null, openIssues: null, archived: null, ...over,
});

describe("activity", () => {
  it("measures weeks exactly, in fractions", () => {
    expect(weeksBetween("2026-11-07T00:00:00Z", asOf)).toBe(2);
    expect(weeksBetween("2026-11-17T12:00:00Z", asOf)).toBe(0.5);
  });
  it("adds the inverse of the weeks since the last commit to the merged PRs", () => {
    expect(activity("2026-11-07T00:00:00Z", 10, asOf)).toBe(10.5); // 1/2 + 10
    expect(activity("2026-10-10T00:00:00Z", 3, asOf)).toBe(1 / 6 + 3); // 42 days = 6 weeks
  });
  it("caps the first term at 1 for a commit less than a week old (or after asOf)", () => {
    expect(activity("2026-11-20T00:00:00Z", 4, asOf)).toBe(5);
    expect(activity("2026-11-22T00:00:00Z", 0, asOf)).toBe(1);
  });
  it("counts 0 for the first term when no commit is known", () => {
    expect(activity(null, 7, asOf)).toBe(7);
  });
});

describe("ecosystem", () => {
  it("sums the log10 of one plus each count", () => {
    expect(ecosystem(999, 99)).toBeCloseTo(5, 12);
    expect(ecosystem(0, 0)).toBe(0);
    expect(ecosystem(9, 0)).toBeCloseTo(1, 12);
  });
});

describe("criterionValue", () => {
  const ratings = {
    numerics: { maturity: 4, easeOfUse: 3 },
    ops: { dense: 1, conv2d: 0.5, lstm: 0 } as Record<string, number>,
    languages: { python: 1, "c++": 0.5, java: 0.25 },
    os: ["linux", "macos"],
    sponsor: 2,
  };
  it("derives rated criteria from the ratings", () => {
    const input = { raw: raw(), ratings, errors: [] };
    expect(criterionValue("ops", input, asOf)).toBe(1.5);
    expect(criterionValue("languages", input, asOf)).toBe(1.75);
    expect(criterionValue("os", input, asOf)).toBe(2);
    expect(criterionValue("sponsor", input, asOf)).toBe(2);
    expect(criterionValue("graph", input, asOf)).toBeUndefined();
  });
  it("adds the numerics library's activity to its maturity and ease of use", () => {
    const own = { raw: raw({ lastCommitAt: "2026-11-07T00:00:00Z", mergedPullRequests: 2 }), ratings, errors: [] };
    expect(criterionValue("numerics", own, asOf)).toBe(4 + 3 + 2.5);
    const separate = {
      raw: raw({ lastCommitAt: "2026-11-07T00:00:00Z", mergedPullRequests: 2, numericsLastCommitAt: "2026-10-10T00:00:00Z", numericsMergedPullRequests: 5 }),
      ratings,
      errors: [],
    };
    expect(criterionValue("numerics", separate, asOf)).toBe(4 + 3 + 1 / 6 + 5);
  });
  it("skips a criterion whose figure could not be fetched", () => {
    const failed = {
      raw: raw({ mergedPullRequests: 3, repositoryCount: 10 }),
      ratings: {},
      errors: [{ field: "lastCommitAt", message: "GET /repos/a/b/commits: 503" }],
    };
    expect(criterionValue("activity", failed, asOf)).toBeUndefined();
    expect(criterionValue("ecosystem", failed, asOf)).toBeUndefined(); // no Stack Overflow count
    const noMerged = { raw: raw({ lastCommitAt: "2026-11-07T00:00:00Z" }), ratings: {}, errors: [] };
    expect(criterionValue("activity", noMerged, asOf)).toBeUndefined();
  });
});

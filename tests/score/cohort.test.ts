import { describe, expect, it } from "vitest";
import { scoreCohort, type ScoreInput } from "../../src/score/index.js";
import { Rubric } from "../../src/config/rubric.js";
import type { Raw } from "../../src/snapshot/schema.js";

const asOf = "2026-11-21T00:00:00.000Z";
const raw = (over: Partial<Raw>): Raw => ({
  lastCommitAt: null, mergedPullRequests: null, repositoryCount: null, stackOverflowQuestions: null,
  stars: null, forks: null, openIssues: null, archived: null, ...over,
});

const rubric = Rubric.parse({
  version: 1,
  name: "test",
  categories: [
    { id: "community", name: "C", criteria: [
      { id: "sponsor", normalize: { by: "scale", max: 2 } },
      { id: "activity", normalize: { by: "cohortMax" } },
    ] },
    { id: "api", name: "A", criteria: [{ id: "graph", normalize: { by: "scale", max: 2 } }] },
    { id: "platform", name: "P", criteria: [
      { id: "os", weight: 2, normalize: { by: "cohortMax" } },
      { id: "onnx", normalize: { by: "scale", max: 2 } },
    ] },
  ],
});

// The rubric of showdown 0.1's behaviour: a project missing a whole category is scored over the others.
const partial = Rubric.parse({ ...rubric, incomplete: "partial" });

const projects: ScoreInput[] = [
  { id: "a", raw: raw({ lastCommitAt: "2026-11-07T00:00:00Z", mergedPullRequests: 9 }), ratings: { sponsor: 2, graph: 2, os: ["linux", "macos", "windows"], onnx: 2 }, errors: [] },
  { id: "b", raw: raw({ lastCommitAt: "2026-11-20T00:00:00Z", mergedPullRequests: 18 }), ratings: { sponsor: 1, graph: 1, os: ["linux"], onnx: 0 }, errors: [] },
  { id: "c", raw: raw({ lastCommitAt: null, mergedPullRequests: 0 }), ratings: { sponsor: 0, os: ["linux", "windows"], onnx: 1 }, errors: [] },
];

describe("scoreCohort", () => {
  const scores = scoreCohort(projects, rubric, asOf);
  it("normalizes fixed scales by their maximum and open-ended criteria by the cohort maximum", () => {
    // activity: a = 1/2 + 9 = 9.5, b = 1 + 18 = 19 (the max), c = 0
    expect(scores.get("a")!.criteria.activity).toEqual({ value: 9.5, normalized: 0.5 });
    expect(scores.get("b")!.criteria.activity).toEqual({ value: 19, normalized: 1 });
    expect(scores.get("c")!.criteria.activity).toEqual({ value: 0, normalized: 0 });
    expect(scores.get("b")!.criteria.os!.normalized).toBeCloseTo(1 / 3, 12);
    expect(scores.get("b")!.criteria.sponsor).toEqual({ value: 1, normalized: 0.5 });
  });
  it("averages categories over present criteria with their weights", () => {
    expect(scores.get("a")!.categories).toEqual({ community: 0.75, api: 1, platform: 1 });
    expect(scores.get("b")!.categories.platform).toBeCloseTo(2 / 9, 12); // (2 * 1/3 + 1 * 0) / 3
    expect(scores.get("c")!.categories.platform).toBeCloseTo(11 / 18, 12); // (2 * 2/3 + 1 * 1/2) / 3
    expect(scores.get("c")!.categories.api).toBeNull(); // no graph rating: nothing to average
    expect(scores.get("c")!.criteria.graph).toBeUndefined();
  });
  it("takes overall as the mean of the categories, and ranks by it", () => {
    expect(scores.get("a")!.overall).toBeCloseTo(2.75 / 3, 12);
    expect(scores.get("b")!.overall).toBeCloseTo((0.75 + 0.5 + 2 / 9) / 3, 12);
    expect(["a", "b"].map((id) => scores.get(id)!.rank)).toEqual([1, 2]);
  });
  it("gives no overall to a project with no criterion in a category, and ranks it after the complete ones", () => {
    // c has no graph rating, so nothing in api: incomplete, even though its other categories would lift it.
    expect(scores.get("c")!.overall).toBeNull();
    expect(scores.get("c")!.rank).toBe(3);
    expect(scores.get("c")!.tier).toBeNull();
    const lifted: ScoreInput[] = [projects[1]!, { ...projects[2]!, ratings: { sponsor: 2, os: ["linux", "macos", "windows"], onnx: 2 } }];
    const s = scoreCohort(lifted, rubric, asOf);
    expect([s.get("b")!.rank, s.get("c")!.rank]).toEqual([1, 2]); // c's two perfect categories do not rank it first
    expect(s.get("c")!.categories.platform).toBe(1);
  });
  it("scores an incomplete project over the categories it has when the rubric says incomplete: partial", () => {
    const s = scoreCohort(projects, partial, asOf);
    expect(s.get("c")!.overall).toBeCloseTo(11 / 36, 12); // (0 + 11/18) / 2
    expect(["a", "b", "c"].map((id) => s.get(id)!.rank)).toEqual([1, 2, 3]);
    expect(["a", "b", "c"].map((id) => s.get(id)!.tier)).toEqual([1, 2, 3]);
  });
  it("breaks ties in overall by id", () => {
    const twins: ScoreInput[] = [
      { id: "zeta", raw: raw({}), ratings: { sponsor: 2 }, errors: [] },
      { id: "alpha", raw: raw({}), ratings: { sponsor: 2 }, errors: [] },
      { id: "mid", raw: raw({}), ratings: { sponsor: 1 }, errors: [] },
    ];
    const s = scoreCohort(twins, partial, asOf);
    expect([s.get("alpha")!.rank, s.get("zeta")!.rank, s.get("mid")!.rank]).toEqual([1, 2, 3]);
    expect([s.get("alpha")!.tier, s.get("zeta")!.tier, s.get("mid")!.tier]).toEqual([1, 1, 2]);
  });
  it("counts a repeated id once in a cohort maximum, with the last value it has", () => {
    // Without a commit date, activity is the merged count: "a" is 40 then 2, "b" 4; the maximum is 4.
    const repeated: ScoreInput[] = [
      { id: "a", raw: raw({ mergedPullRequests: 40 }), ratings: {}, errors: [] },
      { id: "b", raw: raw({ mergedPullRequests: 4 }), ratings: {}, errors: [] },
      { id: "a", raw: raw({ mergedPullRequests: 2 }), ratings: {}, errors: [] },
    ];
    const s = scoreCohort(repeated, rubric, asOf);
    expect(s.get("a")!.criteria.activity).toEqual({ value: 2, normalized: 0.5 });
    expect(s.get("b")!.criteria.activity).toEqual({ value: 4, normalized: 1 });
  });
  it("gives 0, not NaN, when the cohort maximum of an open-ended criterion is 0", () => {
    const idle: ScoreInput[] = [{ id: "x", raw: raw({ mergedPullRequests: 0 }), ratings: {}, errors: [] }];
    const s = scoreCohort(idle, partial, asOf);
    expect(s.get("x")!.criteria.activity).toEqual({ value: 0, normalized: 0 });
    expect(s.get("x")!.overall).toBe(0);
  });
  it("drops a criterion whose weight is 0 from the mean", () => {
    const reweighted = Rubric.parse({ ...rubric, categories: rubric.categories.map((c) => c.id === "platform" ? { ...c, criteria: c.criteria.map((k) => ({ ...k, weight: k.id === "onnx" ? 0 : k.weight })) } : c) });
    const s = scoreCohort(projects, reweighted, asOf);
    expect(s.get("b")!.categories.platform).toBeCloseTo(1 / 3, 12); // os only
  });
});

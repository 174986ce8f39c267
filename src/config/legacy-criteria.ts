import type { Part } from "./rubric.js";

/**
 * Rubric version 1 named its criteria from a list built into showdown 0.1 (Coveo's twelve), with no
 * kind; such a rubric (a fork's, or one stored in a schema 1 snapshot) is read with these declarations.
 * A criterion that states its kind is declared by its own fields, as config/rubric.yaml does.
 */
const rating = (id: string, min: number, max: number, labels?: Record<string, string>): Part => ({ id, kind: "rating", scale: { min, max, step: 1, ...(labels ? { labels } : {}) } });
const ACTIVITY = "1 / max(1, weeksSince(lastCommitAt)) + mergedPullRequests";

export const LEGACY_CRITERIA: Readonly<Record<string, Part & { parts?: Part[] }>> = {
  sponsor: rating("sponsor", 0, 2, { 0: "individual", 1: "sponsor with few resources", 2: "sponsor with many resources" }),
  activity: { id: "activity", kind: "metric", expression: ACTIVITY, description: "1/max(1, weeks since the last commit) + pull requests merged in the window" },
  ecosystem: { id: "ecosystem", kind: "metric", expression: "log10(1 + repositoryCount) + log10(1 + stackOverflowQuestions)", description: "log10(1 + GitHub repositories) + log10(1 + Stack Overflow questions)" },
  documentation: rating("documentation", 1, 3),
  graph: rating("graph", 0, 2, { 0: "neither", 1: "symbolic", 2: "dynamic" }),
  numerics: {
    id: "numerics",
    kind: "composite",
    description: "maturity + ease of use + activity of the numerics library's repository",
    parts: [
      { id: "maturity", kind: "rating", scale: { min: 0, max: 5 } },
      { id: "easeOfUse", kind: "rating", scale: { min: 0, max: 5 } },
      { id: "activity", kind: "metric", repository: "numerics", expression: ACTIVITY },
    ],
  },
  ops: { id: "ops", kind: "checklist", description: "operations of the rubric's sample built in (1 each, 0.5 where trivial to write)" },
  languages: { id: "languages", kind: "weightedSet", description: "sum over language bindings of their maturity (0 to 1)" },
  scalability: rating("scalability", 0, 2, { 0: "none", 1: "third-party", 2: "built in" }),
  os: { id: "os", kind: "list", description: "number of operating systems officially supported" },
  aws: rating("aws", 0, 3, { 0: "no information", 1: "example", 2: "supported", 3: "endorsed" }),
  onnx: rating("onnx", 0, 2, { 0: "none", 1: "community", 2: "built in" }),
};

import { z } from "zod";
import { Rubric } from "../config/rubric.js";
import { Ratings } from "../config/ratings.js";
import { CRITERIA } from "../config/criteria.js";

export const SCHEMA_VERSION = 1;

const iso = z.iso.datetime({ offset: true, error: "expected an ISO-8601 date-time" });
const count = z.number().int().nonnegative();

export const Raw = z.strictObject({
  lastCommitAt: iso.nullable(),
  mergedPullRequests: count.nullable(),
  repositoryCount: count.nullable(),
  stackOverflowQuestions: count.nullable(),
  stars: count.nullable(),
  forks: count.nullable(),
  openIssues: count.nullable(),
  archived: z.boolean().nullable(),
  numericsLastCommitAt: iso.nullable().optional(),
  numericsMergedPullRequests: count.nullable().optional(),
});
export type Raw = z.infer<typeof Raw>;
export type RawField = keyof Raw;
export const RAW_FIELDS = Object.keys(Raw.shape) as RawField[];

export const Issue = z.strictObject({ field: z.string(), message: z.string() });
export type Issue = z.infer<typeof Issue>;

const unit = z.number().min(0).max(1);

export const CriterionScore = z.strictObject({ value: z.number(), normalized: unit });
export type CriterionScore = z.infer<typeof CriterionScore>;

export const Scores = z.strictObject({
  criteria: z.partialRecord(z.enum(CRITERIA), CriterionScore),
  categories: z.record(z.string(), unit.nullable()),
  overall: unit.nullable(),
  rank: z.number().int().positive(),
  tier: z.number().int().positive().nullable(),
});
export type Scores = z.infer<typeof Scores>;

export const ProjectSources = z.strictObject({
  repository: z.string(),
  stackOverflowTags: z.array(z.string()),
  repositoryQuery: z.string(),
  numericsRepository: z.string().optional(),
});

export const ProjectSnapshot = z.strictObject({
  id: z.string(),
  name: z.string(),
  sources: ProjectSources,
  raw: Raw,
  ratings: Ratings,
  /** Figures that could not be fetched: each null figure in `raw` has one. */
  errors: z.array(Issue),
  /** Facts worth a look that are not failures, e.g. a Stack Overflow tag that does not exist (counted 0). */
  warnings: z.array(Issue),
  scores: Scores,
});
export type ProjectSnapshot = z.infer<typeof ProjectSnapshot>;

/**
 * Requests the run sent per API, retries included: GitHub REST (core), GitHub's search API, GitHub
 * GraphQL POSTs, Stack Exchange. githubGraphql is optional: snapshots written before it stay valid.
 */
export const Requests = z.strictObject({ github: count, githubSearch: count, githubGraphql: count.optional(), stackExchange: count });
export type Requests = z.infer<typeof Requests>;

export const Snapshot = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  cohort: z.string(),
  asOf: iso,
  generatedAt: iso,
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  rubric: Rubric,
  windowDays: z.number().int().positive(),
  requests: Requests,
  projects: z.array(ProjectSnapshot),
});
export type Snapshot = z.infer<typeof Snapshot>;

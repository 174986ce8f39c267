import { z } from "zod";
import { Landing } from "../config/landing.js";

/** Schema 2: what `collect` observed and nothing derived (no rubric, ratings or scores). */
export const SCHEMA_VERSION = 2;

const iso = z.iso.datetime({ offset: true, error: "expected an ISO-8601 date-time" });
const count = z.number().int().nonnegative();

export const Raw = z.strictObject({
  lastCommitAt: iso.nullable(),
  /** Pull requests landed in the window, by the project's landing rule (sources.landing; default: merged). */
  mergedPullRequests: count.nullable().optional(),
  /** Commits on the default branch in the window; optional: snapshots written before it stay valid. */
  commits: count.nullable().optional(),
  /** Optional from here on: a figure no metric of the cohort's rubric reads is not asked, and left out (null: asked and failed). */
  repositoryCount: count.nullable().optional(),
  stackOverflowQuestions: count.nullable().optional(),
  stars: count.nullable(),
  forks: count.nullable(),
  openIssues: count.nullable(),
  archived: z.boolean().nullable(),
  // Asked only when a metric of the cohort's rubric reads them (docs/methodology.md, "Fetched figures").
  /** When the repository was created: its age is daysSince(createdAt). */
  createdAt: iso.nullable().optional(),
  /** Open pull requests as of the run (current-only, like stars). */
  openPullRequests: count.nullable().optional(),
  /** Contributors GitHub lists, anonymous ones included, as of the run (current-only). */
  contributors: count.nullable().optional(),
  /** Releases published in the window. */
  releases: count.nullable().optional(),
  /** When the newest release published at or before asOf was; null (with a warning) when there was none. */
  latestReleaseAt: iso.nullable().optional(),
  /** Tags dated in the window (an annotated tag by its tagger's date, a lightweight one by its commit's): GraphQL only. */
  tags: count.nullable().optional(),
  /** Issues (not pull requests) opened in the window. */
  issuesOpened: count.nullable().optional(),
  /** Issues (not pull requests) closed in the window. */
  issuesClosed: count.nullable().optional(),
  numericsLastCommitAt: iso.nullable().optional(),
  numericsMergedPullRequests: count.nullable().optional(),
  numericsCommits: count.nullable().optional(),
});
export type Raw = z.infer<typeof Raw>;
export type RawField = keyof Raw;
export const RAW_FIELDS = Object.keys(Raw.shape) as RawField[];

export const Issue = z.strictObject({ field: z.string(), message: z.string() });
export type Issue = z.infer<typeof Issue>;

export const ProjectSources = z.strictObject({
  repository: z.string(),
  stackOverflowTags: z.array(z.string()),
  /** Absent when the rubric reads no repositoryCount and the config gives none. */
  repositoryQuery: z.string().optional(),
  numericsRepository: z.string().optional(),
  /** The landing rule mergedPullRequests was counted by, when the project declares one. */
  landing: Landing.optional(),
});

export const ProjectFacts = z.strictObject({
  id: z.string(),
  name: z.string(),
  sources: ProjectSources,
  raw: Raw,
  /** Figures that could not be fetched: each null figure in `raw` has one. */
  errors: z.array(Issue),
  /** Facts worth a look that are not failures, e.g. a Stack Overflow tag that does not exist (counted 0). */
  warnings: z.array(Issue),
});
export type ProjectFacts = z.infer<typeof ProjectFacts>;

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
  windowDays: z.number().int().positive(),
  requests: Requests,
  projects: z.array(ProjectFacts),
  /** About the whole snapshot, e.g. figures left out because they cannot be asked about a past date. */
  warnings: z.array(z.string()).optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

import pLimit from "p-limit";
import type { CohortConfig, ProjectConfig } from "./config/cohort.js";
import type { Issue, Raw, RawField } from "./snapshot/schema.js";
import type { UnscoredProject } from "./snapshot/build.js";
import { ratingsOf } from "./snapshot/build.js";
import { FetchError, type GitHubSource, type StackExchangeSource, type TagCounts } from "./fetch/types.js";
import { cachedGitHub, cachedStackExchange, RunCache } from "./fetch/cache.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CollectOptions {
  github: GitHubSource;
  stackExchange: StackExchangeSource;
  asOf: string;
  /**
   * asOf was given (--as-of), not "now". Only then is the last commit asked `until` asOf: a URL that
   * changes every run could never be answered 304 from the ETag cache. Without it the branch head is
   * asked, and asked again with `until` in the rare case its date is after asOf.
   */
  pinned?: boolean;
  /** Projects fetched at once; GitHub asks clients not to run many requests concurrently. */
  concurrency?: number;
  /** Stopped: projects not started are skipped, those under way finish what is already sent, then Interrupted is thrown. */
  signal?: AbortSignal;
  /** Answers already fetched by a stopped run, and where new ones are recorded as they arrive. */
  cache?: RunCache;
  /** Called once per project as soon as all its figures are in. */
  onProject?: (project: UnscoredProject, done: number, total: number) => void;
}

export interface Collected {
  projects: UnscoredProject[];
  stackExchange: Pick<TagCounts, "requests" | "quotaRemaining" | "quotaMax">;
  /** Answers taken from the run cache instead of the network. */
  cached: number;
}

/** The warning recorded for a search GitHub answered with incomplete_results: true. */
export const INCOMPLETE = "GitHub reported incomplete_results (its search timed out): the count may be low";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Collects what one project needs; every failure becomes an `errors` entry, never an exception. */
class ProjectRecorder {
  readonly raw: Raw = {
    lastCommitAt: null,
    mergedPullRequests: null,
    repositoryCount: null,
    stackOverflowQuestions: null,
    stars: null,
    forks: null,
    openIssues: null,
    archived: null,
  };
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  fail(fields: RawField[], error: unknown): void {
    for (const field of fields) this.errors.push({ field, message: message(error) });
  }
}

interface RepoFigures {
  fullName: string | undefined;
  lastCommitAt: string | null;
  mergedPullRequests: number | null;
}

/**
 * Fetches one repository's activity: its default branch head as of asOf and PRs merged in the window.
 * Shared by a project's own repository and its numerics library's.
 */
async function repoActivity(
  github: GitHubSource,
  fullName: string,
  window: { since: string; until: string; pinned: boolean },
  rec: ProjectRecorder,
  fields: { commit: RawField; merged: RawField; info?: boolean },
): Promise<RepoFigures> {
  const out: RepoFigures = { fullName: undefined, lastCommitAt: null, mergedPullRequests: null };
  const recordMerged = (merged: PromiseSettledResult<{ count: number; incomplete: boolean }>) => {
    if (merged.status === "fulfilled") {
      out.mergedPullRequests = merged.value.count;
      if (merged.value.incomplete) rec.warnings.push({ field: fields.merged, message: INCOMPLETE });
    } else {
      rec.fail([fields.merged], merged.reason);
    }
  };
  let info;
  try {
    info = await github.repository(fullName);
  } catch (error) {
    const infoFields: RawField[] = fields.info ? ["stars", "forks", "openIssues", "archived"] : [];
    rec.fail([...infoFields, fields.commit], error);
    if (error instanceof FetchError && (error.kind === "not-found" || error.kind === "aborted")) {
      rec.fail([fields.merged], error);
    } else {
      // The search API has its own budget: a core rate limit or outage need not cost the merged count.
      const [merged] = await Promise.allSettled([github.mergedPullRequests(fullName, window.since, window.until)]);
      recordMerged(merged);
    }
    return out;
  }
  out.fullName = info.fullName;
  if (fields.info) {
    rec.raw.stars = info.stars;
    rec.raw.forks = info.forks;
    rec.raw.openIssues = info.openIssues;
    rec.raw.archived = info.archived;
  }
  if (info.fullName.toLowerCase() !== fullName.toLowerCase()) {
    rec.warnings.push({ field: fields.commit === "lastCommitAt" ? "repository" : "numericsRepository", message: `${fullName} was renamed to ${info.fullName}; update the config` });
  }
  const [commit, merged] = await Promise.allSettled([
    lastCommit(github, info.fullName, info.defaultBranch, window),
    github.mergedPullRequests(info.fullName, window.since, window.until),
  ]);
  if (commit.status === "fulfilled") {
    out.lastCommitAt = commit.value;
  } else if (commit.reason instanceof FetchError && commit.reason.kind === "empty") {
    // An empty repository has no last commit: a fact, scored as such, not a missing figure.
    rec.warnings.push({ field: fields.commit, message: `${info.fullName} is empty (no commits)` });
  } else {
    rec.fail([fields.commit], commit.reason);
  }
  recordMerged(merged);
  return out;
}

/** The newest commit at or before asOf: see CollectOptions.pinned for why `until` is not always sent. */
async function lastCommit(github: GitHubSource, fullName: string, branch: string, window: { until: string; pinned: boolean }): Promise<string | null> {
  if (window.pinned) return github.lastCommitAt(fullName, branch, window.until);
  const head = await github.lastCommitAt(fullName, branch);
  if (head === null || Date.parse(head) <= Date.parse(window.until)) return head;
  return github.lastCommitAt(fullName, branch, window.until);
}

function stackOverflowQuestions(project: ProjectConfig, tags: TagCounts, rec: ProjectRecorder): void {
  const failed = project.stackOverflowTags.filter((t) => tags.failed.has(t));
  if (failed.length > 0) {
    rec.fail(["stackOverflowQuestions"], [...new Set(failed.map((t) => tags.failed.get(t)))].join("; "));
    return;
  }
  let sum = 0;
  for (const tag of project.stackOverflowTags) {
    const count = tags.counts.get(tag);
    if (count === undefined) rec.warnings.push({ field: "stackOverflowQuestions", message: `Stack Overflow has no tag ${tag}; counted 0` });
    sum += count ?? 0;
  }
  rec.raw.stackOverflowQuestions = sum;
}

async function collectProject(project: ProjectConfig, opts: CollectOptions, window: { since: string; until: string; pinned: boolean }, tags: TagCounts): Promise<UnscoredProject> {
  const rec = new ProjectRecorder();
  if (project.numericsRepository) {
    rec.raw.numericsLastCommitAt = null;
    rec.raw.numericsMergedPullRequests = null;
  }
  const count = opts.github.repositoryCount(project.repositoryQuery).then(
    (result) => {
      rec.raw.repositoryCount = result.count;
      if (result.incomplete) rec.warnings.push({ field: "repositoryCount", message: INCOMPLETE });
    },
    (error) => rec.fail(["repositoryCount"], error),
  );
  const own = repoActivity(opts.github, project.repository, window, rec, { commit: "lastCommitAt", merged: "mergedPullRequests", info: true }).then((r) => {
    rec.raw.lastCommitAt = r.lastCommitAt;
    rec.raw.mergedPullRequests = r.mergedPullRequests;
    return r.fullName;
  });
  const numerics = project.numericsRepository
    ? repoActivity(opts.github, project.numericsRepository, window, rec, { commit: "numericsLastCommitAt", merged: "numericsMergedPullRequests" }).then((r) => {
        rec.raw.numericsLastCommitAt = r.lastCommitAt;
        rec.raw.numericsMergedPullRequests = r.mergedPullRequests;
        return r.fullName;
      })
    : Promise.resolve(undefined);
  stackOverflowQuestions(project, tags, rec);
  const [, repository, numericsRepository] = await Promise.all([count, own, numerics]);

  const order = (a: Issue, b: Issue) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field);
  return {
    id: project.id,
    name: project.name,
    sources: {
      repository: repository ?? project.repository,
      stackOverflowTags: project.stackOverflowTags,
      repositoryQuery: project.repositoryQuery,
      ...(project.numericsRepository ? { numericsRepository: numericsRepository ?? project.numericsRepository } : {}),
    },
    raw: rec.raw,
    ratings: ratingsOf(project),
    errors: rec.errors.sort(order),
    warnings: rec.warnings.sort(order),
  };
}

// Errors and warnings are listed in the order of the snapshot's fields, whatever order requests finished in.
const FIELD_ORDER = ["repository", "numericsRepository", "lastCommitAt", "mergedPullRequests", "repositoryCount", "stackOverflowQuestions", "stars", "forks", "openIssues", "archived", "numericsLastCommitAt", "numericsMergedPullRequests"];

/** Thrown when the run is stopped (Ctrl-C): the caller writes nothing. */
export class Interrupted extends Error {}

/** The window of merged pull requests: (asOf - windowDays, asOf]. */
export function mergeWindow(asOf: string, windowDays: number): { since: string; until: string } {
  return { since: new Date(Date.parse(asOf) - windowDays * DAY_MS).toISOString(), until: asOf };
}

/**
 * Fetches every project's raw figures. Stack Overflow first (one batched request for the whole
 * cohort), then the GitHub figures, a few projects at a time. Each distinct question is asked once;
 * with a run cache, answers an earlier stopped run got are not asked again and new ones are recorded
 * as they arrive.
 */
export async function collectCohort(cohort: CohortConfig, opts: CollectOptions): Promise<Collected> {
  const window = { ...mergeWindow(opts.asOf, cohort.windowDays), pinned: opts.pinned ?? true };
  const cache = opts.cache ?? RunCache.memory({ cohort: cohort.cohort, asOf: opts.asOf });
  const github = cachedGitHub(opts.github, cache);
  const stackExchange = cachedStackExchange(opts.stackExchange, cache);
  const sources: CollectOptions = { ...opts, github, stackExchange };
  const allTags = [...new Set(cohort.projects.flatMap((p) => p.stackOverflowTags))];
  const tags = await stackExchange.tagCounts(allTags);
  if (opts.signal?.aborted) throw new Interrupted();
  const limit = pLimit(opts.concurrency ?? 4);
  let done = 0;
  const projects = await Promise.all(
    cohort.projects.map((project) =>
      limit(async () => {
        // Stopped: projects not started are skipped; those under way finish and their answers are cached.
        if (opts.signal?.aborted) return undefined;
        const result = await collectProject(project, sources, window, tags);
        if (!opts.signal?.aborted) opts.onProject?.(result, ++done, cohort.projects.length);
        return result;
      }),
    ),
  );
  if (opts.signal?.aborted) throw new Interrupted();
  return {
    projects: projects.filter((p): p is UnscoredProject => p !== undefined),
    stackExchange: { requests: tags.requests, quotaRemaining: tags.quotaRemaining, quotaMax: tags.quotaMax },
    cached: cache.hits,
  };
}

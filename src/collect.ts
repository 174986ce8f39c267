import pLimit from "p-limit";
import type { CohortConfig, ProjectConfig } from "./config/cohort.js";
import type { Issue, ProjectFacts, Raw, RawField } from "./snapshot/schema.js";
import { FetchError, type GitHubSource, type SearchCount, type StackExchangeSource, type TagCounts } from "./fetch/types.js";
import type { BatchGitHub, RepoFigures, RepoFiguresRequest } from "./fetch/graphql.js";
import { cachedBatchGitHub, cachedGitHub, cachedStackExchange, RunCache } from "./fetch/cache.js";
import { mergedQuery } from "./fetch/github.js";
import { countProblem, figureProblem, nameProblem } from "./fetch/figures.js";
import { oneLine } from "./format/plain.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CollectOptions {
  /** GitHub's REST API: used when `graphql` is not given. */
  github: GitHubSource;
  /**
   * GitHub's GraphQL API (needs a token): when given, every GitHub figure of the cohort comes from it,
   * asked for all at once (a few POSTs), and `github` is not used.
   */
  graphql?: BatchGitHub;
  stackExchange: StackExchangeSource;
  asOf: string;
  /**
   * asOf was given (--as-of), not "now". Only then is the last commit asked `until` asOf: a URL that
   * changes every run could never be answered 304 from the ETag cache. Without it the branch head is
   * asked, and asked again with `until` in the rare case its date is after asOf. (REST only: GraphQL
   * has no conditional requests and always asks `until` asOf.)
   */
  pinned?: boolean;
  /** REST: projects fetched at once; GitHub asks clients not to run many requests concurrently. */
  concurrency?: number;
  /** Stopped: nothing new is sent, what is under way finishes (and is cached), then Interrupted is thrown. */
  signal?: AbortSignal;
  /** Answers already fetched by a stopped run, and where new ones are recorded as they arrive. */
  cache?: RunCache;
  /** Called once per project as soon as all its figures are in. */
  onProject?: (project: ProjectFacts, done: number, total: number) => void;
}

export interface Collected {
  projects: ProjectFacts[];
  stackExchange: Pick<TagCounts, "requests" | "quotaRemaining" | "quotaMax">;
  /** Answers taken from the run cache instead of the network. */
  cached: number;
}

/** The warning recorded for a search GitHub answered with incomplete_results: true. */
export const INCOMPLETE = "GitHub reported incomplete_results (its search timed out): the count may be low";

/**
 * What a cohort asks of the APIs, each thing once: the repositories (own and numerics, deduplicated;
 * one a project owns is asked with its details even when it is another's numerics library), the
 * repository searches and the Stack Overflow tags. The real run and --dry-run both plan from this.
 */
export interface CohortPlan {
  repositories: { fullName: string; info: boolean }[];
  queries: string[];
  tags: string[];
}

export function planCohort(cohort: CohortConfig): CohortPlan {
  const repositories = new Map<string, { fullName: string; info: boolean }>();
  const add = (fullName: string, info: boolean) => {
    const known = repositories.get(fullName.toLowerCase());
    if (known) known.info ||= info;
    else repositories.set(fullName.toLowerCase(), { fullName, info });
  };
  for (const p of cohort.projects) {
    add(p.repository, true);
    if (p.numericsRepository) add(p.numericsRepository, false);
  }
  return {
    repositories: [...repositories.values()],
    queries: [...new Set(cohort.projects.map((p) => p.repositoryQuery))],
    tags: [...new Set(cohort.projects.flatMap((p) => p.stackOverflowTags))],
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A value with the request it came from (named in the error if the value is refused), or why there is none. */
type Settled<T> = { value: T; from: string } | { error: unknown };

async function settle<T>(promise: Promise<T>, from: string): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value, from }),
    (error: unknown) => ({ error }),
  );
}

/** An answer or its FetchError, REST or GraphQL, as a Settled. */
function settled<T>(result: T | FetchError, from: string): Settled<T> {
  return result instanceof FetchError ? { error: result } : { value: result, from };
}

/** The request named in REST's messages, e.g. "GET /search/issues (q: ...)". */
function mergedRequest(fullName: string, window: Window): string {
  try {
    return `GET /search/issues (q: ${mergedQuery(fullName, window.since, window.until)})`;
  } catch {
    return "GET /search/issues";
  }
}

/**
 * What was learnt of one repository, whichever API answered: each part a value or why it could not
 * be had. Both APIs end here, so that the same facts make the same figures, errors and warnings.
 */
interface RepoOutcome {
  /** The repository's name as GitHub reports it now, or why the repository could not be read. */
  repository: Settled<{ fullName: string }>;
  /** Its details, when asked for: each may fail alone (a GraphQL field error, a value out of range). */
  details?: Details;
  /** The newest commit at or before asOf; null when there is none. Not read when `repository` failed. */
  lastCommit: Settled<string | null>;
  /** The repository has no commits at all: a fact, not a missing figure. */
  empty: boolean;
  merged: Settled<SearchCount>;
}

interface Details {
  stars: Settled<number>;
  forks: Settled<number>;
  openIssues: Settled<number>;
  archived: Settled<boolean>;
}

/**
 * Collects what one project needs; every failure becomes an `errors` entry, never an exception.
 * Every figure goes through set(), which refuses a value out of range (figures.ts).
 */
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

  constructor(private readonly asOf: string) {}

  fail(fields: RawField[], error: unknown): void {
    // One line: messages quote answers, which may hold line breaks and terminal escape codes.
    for (const field of fields) this.errors.push({ field, message: oneLine(message(error)) });
  }

  /** The figure, or null and an error naming the request and the value when it is out of range. */
  set(field: RawField, value: unknown, from: string): boolean {
    const problem = figureProblem(field, value, this.asOf);
    if (problem) {
      this.fail([field], `${from}: ${problem}`);
      return false;
    }
    (this.raw as Record<RawField, unknown>)[field] = value;
    return true;
  }

  settled(field: RawField, result: Settled<unknown>): void {
    if ("error" in result) this.fail([field], result.error);
    else this.set(field, result.value, result.from);
  }

  search(field: RawField, result: Settled<SearchCount>): void {
    if ("error" in result) return this.fail([field], result.error);
    if (this.set(field, result.value.count, result.from) && result.value.incomplete) this.warnings.push({ field, message: INCOMPLETE });
  }

  /** Records one repository's figures (own, or the numerics library's); returns its current name when it was read. */
  repository(configured: string, outcome: RepoOutcome, own: boolean): string | undefined {
    const commitField: RawField = own ? "lastCommitAt" : "numericsLastCommitAt";
    let current: string | undefined;
    if ("error" in outcome.repository) {
      this.fail([...(own ? (["stars", "forks", "openIssues", "archived"] as const) : []), commitField], outcome.repository.error);
    } else {
      const repo = outcome.repository.value;
      const badName = nameProblem(repo.fullName);
      if (badName) {
        // A name GitHub could not have sent: nothing of this repository is trusted or written.
        this.fail([...(own ? (["stars", "forks", "openIssues", "archived"] as const) : []), commitField, own ? "mergedPullRequests" : "numericsMergedPullRequests"], `${outcome.repository.from}: ${badName}`);
        return undefined;
      }
      current = repo.fullName;
      if (own && outcome.details) {
        this.settled("stars", outcome.details.stars);
        this.settled("forks", outcome.details.forks);
        this.settled("openIssues", outcome.details.openIssues);
        this.settled("archived", outcome.details.archived);
      }
      if (repo.fullName.toLowerCase() !== configured.toLowerCase()) {
        this.warnings.push({ field: own ? "repository" : "numericsRepository", message: `${configured} was renamed to ${repo.fullName}; update the config` });
      }
      if (outcome.empty) {
        // An empty repository has no last commit: a fact, scored as such, not a missing figure.
        this.warnings.push({ field: commitField, message: `${repo.fullName} is empty (no commits)` });
      } else {
        this.settled(commitField, outcome.lastCommit);
      }
    }
    this.search(own ? "mergedPullRequests" : "numericsMergedPullRequests", outcome.merged);
    return current;
  }
}

type Window = { since: string; until: string; pinned: boolean };

/**
 * One repository through REST: the repository, then its default branch head as of asOf and the PRs
 * merged in the window. The search API has its own budget: a core rate limit or outage need not cost
 * the merged count, so it is still asked unless the repository does not exist or the run was stopped.
 */
async function restRepository(github: GitHubSource, fullName: string, window: Window): Promise<RepoOutcome> {
  let info;
  try {
    info = await github.repository(fullName);
  } catch (error) {
    const failed = { error };
    const merged =
      error instanceof FetchError && (error.kind === "not-found" || error.kind === "aborted")
        ? failed
        : await settle(github.mergedPullRequests(fullName, window.since, window.until), mergedRequest(fullName, window));
    return { repository: failed, lastCommit: failed, empty: false, merged };
  }
  const commitsRequest = `GET /repos/${info.fullName}/commits`;
  const [commit, merged] = await Promise.all([
    settle(lastCommit(github, info.fullName, info.defaultBranch, window), commitsRequest),
    settle(github.mergedPullRequests(info.fullName, window.since, window.until), mergedRequest(info.fullName, window)),
  ]);
  const empty = "error" in commit && commit.error instanceof FetchError && commit.error.kind === "empty";
  const from = `GET /repos/${fullName}`;
  return {
    repository: { value: { fullName: info.fullName }, from },
    details: { stars: { value: info.stars, from }, forks: { value: info.forks, from }, openIssues: { value: info.openIssues, from }, archived: { value: info.archived, from } },
    lastCommit: empty ? { value: null, from: commitsRequest } : commit,
    empty,
    merged,
  };
}

/** The newest commit at or before asOf: see CollectOptions.pinned for why `until` is not always sent. */
async function lastCommit(github: GitHubSource, fullName: string, branch: string, window: { until: string; pinned: boolean }): Promise<string | null> {
  if (window.pinned) return github.lastCommitAt(fullName, branch, window.until);
  const head = await github.lastCommitAt(fullName, branch);
  if (head === null || Date.parse(head) <= Date.parse(window.until)) return head;
  return github.lastCommitAt(fullName, branch, window.until);
}

/** One repository's GraphQL answer as the same outcome: a FetchError for the whole repository fails each of its figures. */
function graphqlOutcome(requested: string, result: RepoFigures | FetchError): RepoOutcome {
  if (result instanceof FetchError) {
    const failed = { error: result };
    return { repository: failed, lastCommit: failed, empty: false, merged: failed };
  }
  const info = result.info;
  const from = `POST /graphql: repository ${requested}`;
  return {
    repository: { value: { fullName: result.fullName }, from },
    ...(info
      ? { details: { stars: settled(info.stars, from), forks: settled(info.forks, from), openIssues: settled(info.openIssues, from), archived: settled(info.archived, from) } }
      : {}),
    lastCommit: settled(result.lastCommitAt, from),
    empty: result.empty,
    merged: settled(result.mergedPullRequests, `POST /graphql: search ISSUE for ${result.fullName}`),
  };
}

const TAGS_REQUEST = "GET /2.3/tags/{tags}/info";

function stackOverflowQuestions(project: ProjectConfig, tags: TagCounts, rec: ProjectRecorder): void {
  const failed = project.stackOverflowTags.filter((t) => tags.failed.has(t));
  if (failed.length > 0) {
    rec.fail(["stackOverflowQuestions"], [...new Set(failed.map((t) => tags.failed.get(t)))].join("; "));
    return;
  }
  let sum = 0;
  const bad: string[] = [];
  for (const tag of project.stackOverflowTags) {
    const count = tags.counts.get(tag);
    if (count === undefined) rec.warnings.push({ field: "stackOverflowQuestions", message: `Stack Overflow has no tag ${tag}; counted 0` });
    const problem = count === undefined ? undefined : countProblem(count);
    if (problem) bad.push(`${tag}: count ${problem}`);
    sum += count ?? 0;
  }
  if (bad.length > 0) return rec.fail(["stackOverflowQuestions"], `${TAGS_REQUEST}: ${bad.join("; ")}`);
  rec.set("stackOverflowQuestions", sum, TAGS_REQUEST);
}

/** Where a project's answers come from: each repository and search of the cohort, asked once. */
interface Answers {
  repository(fullName: string): Promise<RepoOutcome>;
  count(query: string): Promise<Settled<SearchCount>>;
  tags: Promise<TagCounts>;
}

async function collectProject(project: ProjectConfig, answers: Answers, asOf: string): Promise<ProjectFacts> {
  const rec = new ProjectRecorder(asOf);
  if (project.numericsRepository) {
    rec.raw.numericsLastCommitAt = null;
    rec.raw.numericsMergedPullRequests = null;
  }
  const [own, numerics, count, tags] = await Promise.all([
    answers.repository(project.repository),
    project.numericsRepository ? answers.repository(project.numericsRepository) : undefined,
    answers.count(project.repositoryQuery),
    answers.tags,
  ]);
  const repository = rec.repository(project.repository, own, true);
  const numericsRepository = numerics && project.numericsRepository ? rec.repository(project.numericsRepository, numerics, false) : undefined;
  rec.search("repositoryCount", count);
  stackOverflowQuestions(project, tags, rec);

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

/** Asks memoized by key: the first caller starts it, later ones share it. */
function memo<T>(start: (key: string) => Promise<T>, normalize: (key: string) => string = (k) => k): (key: string) => Promise<T> {
  const started = new Map<string, Promise<T>>();
  return (key) => {
    const k = normalize(key);
    let promise = started.get(k);
    if (!promise) started.set(k, (promise = start(key)));
    return promise;
  };
}

/**
 * GraphQL: every repository and search of the cohort in one repositories() and one repositoryCounts()
 * call, made together so that they share POSTs; each answer is handed on as soon as its POST is in.
 */
function graphqlAnswers(source: BatchGitHub, plan: CohortPlan, window: Window, tags: Promise<TagCounts>): Answers {
  const repositories = new Map<string, Promise<RepoOutcome>>();
  const resolvers: ((outcome: RepoOutcome) => void)[] = [];
  for (const r of plan.repositories) repositories.set(r.fullName.toLowerCase(), new Promise((resolve) => resolvers.push(resolve)));
  const counts = new Map<string, Promise<Settled<SearchCount>>>();
  const countResolvers: ((count: Settled<SearchCount>) => void)[] = [];
  for (const q of plan.queries) counts.set(q, new Promise((resolve) => countResolvers.push(resolve)));
  const requested = plan.repositories.map((r) => r.fullName);

  const requests: RepoFiguresRequest[] = plan.repositories.map((r) => ({ fullName: r.fullName, since: window.since, until: window.until, info: r.info }));
  // Errors come back as values; should a call throw all the same, every answer it owed is that error.
  const failAll = (error: unknown) => (error instanceof FetchError ? error : new FetchError("unavailable", `github graphql: ${message(error)}`));
  source
    .repositories(requests, (i, result) => resolvers[i]!(graphqlOutcome(requested[i]!, result)))
    .catch((error: unknown) => resolvers.forEach((resolve, i) => resolve(graphqlOutcome(requested[i]!, failAll(error)))));
  source.repositoryCounts(plan.queries, (i, result) => countResolvers[i]!(settled(result, `POST /graphql: search REPOSITORY (q: ${plan.queries[i]})`))).catch((error: unknown) => countResolvers.forEach((resolve) => resolve({ error: failAll(error) })));
  return {
    repository: (fullName) => repositories.get(fullName.toLowerCase())!,
    count: (query) => counts.get(query)!,
    tags,
  };
}

/**
 * Fetches every project's raw figures. The Stack Exchange request(s) (every tag of the cohort, 100 a
 * request) and the GitHub figures start together: through GraphQL every repository and search of the
 * cohort at once (a few POSTs); through REST a few projects at a time. Each distinct question is asked
 * once (a numerics repository that is another project's own repository too is fetched once); with a
 * run cache, answers an earlier stopped run got are not asked again and new ones are recorded as they
 * arrive.
 */
export async function collectCohort(cohort: CohortConfig, opts: CollectOptions): Promise<Collected> {
  const window = { ...mergeWindow(opts.asOf, cohort.windowDays), pinned: opts.pinned ?? true };
  const cache = opts.cache ?? RunCache.memory({ cohort: cohort.cohort, asOf: opts.asOf });
  const stackExchange = cachedStackExchange(opts.stackExchange, cache);
  const plan = planCohort(cohort);
  const tags = stackExchange.tagCounts(plan.tags);
  let answers: Answers;
  let limit: <T>(run: () => Promise<T>) => Promise<T>;
  if (opts.graphql) {
    answers = graphqlAnswers(cachedBatchGitHub(opts.graphql, cache), plan, window, tags);
    limit = (run) => run(); // everything is asked already: projects only wait for their answers
  } else {
    const github = cachedGitHub(opts.github, cache);
    answers = {
      repository: memo((fullName) => restRepository(github, fullName, window), (k) => k.toLowerCase()),
      count: memo((query) => settle(github.repositoryCount(query), `GET /search/repositories (q: ${query})`)),
      tags,
    };
    limit = pLimit(opts.concurrency ?? 4);
  }
  const { signal } = opts;
  let done = 0;
  const projects = await Promise.all(
    cohort.projects.map((project) =>
      limit(async () => {
        // Stopped: projects not started are skipped; those under way finish and their answers are cached.
        if (signal?.aborted) return undefined;
        const result = await collectProject(project, answers, opts.asOf);
        if (!signal?.aborted) opts.onProject?.(result, ++done, cohort.projects.length);
        return result;
      }),
    ),
  );
  if (signal?.aborted) throw new Interrupted();
  const se = await tags;
  return {
    projects: projects.filter((p): p is ProjectFacts => p !== undefined),
    stackExchange: { requests: se.requests, quotaRemaining: se.quotaRemaining, quotaMax: se.quotaMax },
    cached: cache.hits,
  };
}

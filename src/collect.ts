import pLimit from "p-limit";
import type { CohortConfig, ProjectConfig } from "./config/cohort.js";
import { Raw, type Issue, type ProjectFacts, type RawField } from "./snapshot/schema.js";
import { FetchError, type GitHubSource, type QuestionCount, type SearchCount, type StackExchangeSource } from "./fetch/types.js";
import type { BatchGitHub, RepoFigures, RepoFiguresRequest } from "./fetch/graphql.js";
import { cachedBatchGitHub, cachedGitHub, cachedStackExchange, RunCache } from "./fetch/cache.js";
import { issuesQuery, labelledQuery, mergedQuery, repositoryQueryAsOf, unmergedQuery } from "./fetch/github.js";
import { RELEASES_PAGE, type ReleaseSummary } from "./fetch/releases.js";
import { figureProblem, nameProblem } from "./fetch/figures.js";
import { oneLine } from "./format/plain.js";
import { landingRule } from "./config/landing.js";
import { rubricFigures, type Rubric } from "./config/rubric.js";

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
  /**
   * When the run happens (ms since the epoch; default the clock's now): figures GitHub only reports as
   * of now (stars, forks, open issues, archived) are not asked for an asOf more than a day before it.
   */
  now?: number;
  /**
   * The figures to ask (askedFigures of the rubric's): a figure left out is neither asked nor written.
   * Default DEFAULT_FIGURES, every figure asked before rubrics chose (callers with no rubric at hand).
   */
  figures?: ReadonlySet<string>;
}

export interface Collected {
  projects: ProjectFacts[];
  stackExchange: Pick<QuestionCount, "requests" | "quotaRemaining" | "quotaMax">;
  /** Answers taken from the run cache instead of the network. */
  cached: number;
  /** About the whole snapshot: figures left out because they cannot be asked about a past date. */
  warnings: string[];
}

/** Figures GitHub reports only as they are now: no API answers them for a past date. */
export const CURRENT_ONLY = ["stars", "forks", "openIssues", "archived", "openPullRequests", "contributors"] as const satisfies readonly RawField[];

/**
 * Figures asked whatever the rubric: the repository's details come in the answer that is asked anyway
 * (the repository's GET or node), and the last commit and the commit count make the activity history
 * every snapshot of a cohort shares (explain dates the as-of method by `commits`). Every other figure
 * costs a request, a search or a connection and is asked only when a metric of the rubric reads it.
 */
export const ALWAYS_ASKED = ["lastCommitAt", "commits", "stars", "forks", "openIssues", "archived"] as const satisfies readonly RawField[];

/** A numerics library's figures: its repository is asked only when the rubric reads one of them. */
export const NUMERICS_FIGURES = ["numericsLastCommitAt", "numericsMergedPullRequests", "numericsCommits"] as const satisfies readonly RawField[];

/** What is asked with no rubric to say (tests, callers of collectCohort without one): every figure asked before rubrics chose. */
export const DEFAULT_FIGURES: ReadonlySet<string> = new Set<string>([...ALWAYS_ASKED, "mergedPullRequests", "repositoryCount", "stackOverflowQuestions", ...NUMERICS_FIGURES]);

/**
 * The figures a cohort asks under a rubric whose metrics read `read` (rubricFigures): those, and
 * ALWAYS_ASKED; a numerics library's repository brings all three of its figures (one answer).
 */
export function askedFigures(read: ReadonlySet<string>): Set<RawField> {
  const asked = new Set<RawField>([...ALWAYS_ASKED, ...([...read].filter((f) => f in Raw.shape) as RawField[])]);
  if (NUMERICS_FIGURES.some((f) => asked.has(f))) for (const f of NUMERICS_FIGURES) asked.add(f);
  return asked;
}

/** The figures a cohort asks under `rubric`. */
export function rubricAsks(rubric: Rubric): Set<RawField> {
  return askedFigures(rubricFigures(rubric));
}

/** Whether the figures that exist only as of now can stand for asOf: it is at most a day before the run. */
export function isCurrent(asOf: string, now: number): boolean {
  return now - Date.parse(asOf) <= DAY_MS;
}

/** The one warning of a snapshot whose asOf is too far back for the figures that exist only as of now. */
export function pastWarning(asOf: string, figures: ReadonlySet<string> = DEFAULT_FIGURES): string {
  return `${CURRENT_ONLY.filter((f) => figures.has(f)).join(", ")} left out: GitHub reports them only as they are now, and this snapshot is as of ${asOf}, more than a day before the run`;
}

/** The start of a bot-landed warning: the summary lists these. */
export const BOT_LANDED = "looks bot-landed";

/** The warning recorded for a search GitHub answered with incomplete_results: true. */
export const INCOMPLETE = "GitHub reported incomplete_results (its search timed out): the count may be low";

/**
 * What a cohort asks of the APIs, each thing once: the repositories (own and numerics, deduplicated;
 * one a project owns is asked with its details even when it is another's numerics library), the
 * repository searches and the Stack Overflow tags. The real run and --dry-run both plan from this.
 */
export interface CohortPlan {
  /**
   * `base`: only PRs merged into that branch are counted (a landing rule's); a repository asked with two
   * bases is two entries. `signals`: the figures of a project's own repository asked beside its
   * details (askedFigures), asked once for it.
   */
  repositories: PlannedRepository[];
  /** Repository searches as configured; asked with created:<=asOf added (repositoryQueryAsOf). */
  queries: string[];
  tags: string[];
  /** Stack Overflow requests: one per distinct tag set (a project's tags, asked as one OR). */
  tagSets: string[][];
  /** The figures asked, in the snapshot's order (askedFigures). */
  figures: RawField[];
}

export interface PlannedRepository {
  fullName: string;
  info: boolean;
  base?: string;
  /** false: its merged-PR search is not asked (no metric reads mergedPullRequests, and it is no numerics library). */
  merged?: boolean;
  signals?: RepoSignal[];
}

/** Figures of a project's own repository beyond the activity ones, asked only when the rubric reads them. */
export const REPO_SIGNALS = ["createdAt", "openPullRequests", "contributors", "releases", "latestReleaseAt", "tags"] as const satisfies readonly RawField[];

/** Why REST cannot count tags in a window: the list of tags has no dates, and a request a tag is not cheap. */
export const TAGS_NEED_GRAPHQL = "tags: GitHub's REST API lists tags without dates (one request a tag would date them); collect with --api graphql (a token) to count the tags of the window";
export type RepoSignal = (typeof REPO_SIGNALS)[number];

/** Issue searches of a project's own repository, each asked only when the rubric reads its figure. */
export const ISSUE_FIGURES = { issuesOpened: "created", issuesClosed: "closed" } as const satisfies Partial<Record<RawField, "created" | "closed">>;

/** The signals a planned repository is asked for a date: the figures of now only when asOf is recent (isCurrent). */
function signalsAt(r: PlannedRepository, current: boolean): RepoSignal[] {
  return (r.signals ?? []).filter((s) => current || !(CURRENT_ONLY as readonly string[]).includes(s));
}

/** A planned repository as GraphQL asks it (collect and --dry-run alike). */
export function repoRequest(r: PlannedRepository, window: { since: string; until: string }, current: boolean): RepoFiguresRequest {
  const signals = signalsAt(r, current);
  return {
    fullName: r.fullName,
    since: window.since,
    until: window.until,
    info: r.info && current,
    ...(r.base ? { base: r.base } : {}),
    ...(r.merged === false ? { merged: false } : {}),
    ...(signals.includes("createdAt") ? { createdAt: true } : {}),
    ...(signals.includes("releases") || signals.includes("latestReleaseAt") ? { releases: true } : {}),
    ...(signals.includes("openPullRequests") ? { openPullRequests: true } : {}),
    ...(signals.includes("tags") ? { tags: true } : {}),
  };
}

/**
 * The REST requests a planned repository's signals add (createdAt comes with the repository): its open
 * pull requests, contributors and releases, one each; through GraphQL only the contributors (no field).
 */
export function signalRequests(r: PlannedRepository, api: "rest" | "graphql", current: boolean): number {
  const signals = signalsAt(r, current);
  const asks = (...s: RepoSignal[]) => (s.some((x) => signals.includes(x)) ? 1 : 0);
  return api === "graphql" ? asks("contributors") : asks("openPullRequests") + asks("contributors") + asks("releases", "latestReleaseAt");
}

/** A repository's key in the plan: its name and the base its merged count is restricted to. */
function repoKey(fullName: string, base: string | undefined): string {
  return `${fullName.toLowerCase()}${base ? ` base:${base}` : ""}`;
}

export function planCohort(cohort: CohortConfig, figures: ReadonlySet<string> = DEFAULT_FIGURES): CohortPlan {
  const numerics = NUMERICS_FIGURES.some((f) => figures.has(f));
  const counted = figures.has("repositoryCount");
  const tagged = figures.has("stackOverflowQuestions") ? cohort.projects.filter((p) => p.stackOverflowTags.length > 0) : [];
  const repositories = new Map<string, PlannedRepository>();
  const signals = REPO_SIGNALS.filter((f) => figures.has(f));
  const landedAsked = figures.has("mergedPullRequests");
  const add = (fullName: string, info: boolean, base: string | undefined) => {
    const known = repositories.get(repoKey(fullName, base));
    // A numerics library's merged count is always asked (its figures come as a group).
    const merged = info ? landedAsked : true;
    if (known) {
      known.info ||= info;
      if (merged) delete known.merged;
    } else repositories.set(repoKey(fullName, base), { fullName, info, ...(base ? { base } : {}), ...(merged ? {} : { merged: false }) });
    if (info && signals.length > 0) repositories.get(repoKey(fullName, base))!.signals = signals;
  };
  for (const p of cohort.projects) {
    add(p.repository, true, landingRule(p.landing).base);
    if (p.numericsRepository && numerics) add(p.numericsRepository, false, undefined);
  }
  const tagSets = new Map(tagged.map((p) => [tagSetKey(p.stackOverflowTags), p.stackOverflowTags]));
  return {
    repositories: [...repositories.values()],
    queries: counted ? [...new Set(cohort.projects.flatMap((p) => p.repositoryQuery ?? []))] : [],
    tags: [...new Set(tagged.flatMap((p) => p.stackOverflowTags))],
    tagSets: [...tagSets.values()],
    figures: (Object.keys(Raw.shape) as RawField[]).filter((f) => figures.has(f)),
  };
}

function tagSetKey(tags: readonly string[]): string {
  return [...new Set(tags.map((t) => t.toLowerCase()))].sort().join(";");
}

/**
 * The searches a project's own repository adds in a window: its landing label's closed-unmerged PRs,
 * or, with no rule declared, every closed-unmerged PR (the bot-landed check).
 */
export function pullSearches(project: ProjectConfig, window: { since: string; until: string }): { labelled?: string; unmerged?: string } {
  const rule = landingRule(project.landing);
  if (rule.kind === "label") return { labelled: labelledQuery(project.repository, window.since, window.until, rule.label!, rule.base) };
  if (project.landing === undefined) return { unmerged: unmergedQuery(project.repository, window.since, window.until) };
  return {};
}

/** A project's searches for the issue figures the run asks (ISSUE_FIGURES), under its configured name. */
export function issueSearches(project: ProjectConfig, window: { since: string; until: string }, figures: ReadonlySet<string>): Partial<Record<keyof typeof ISSUE_FIGURES, string>> {
  const out: Partial<Record<keyof typeof ISSUE_FIGURES, string>> = {};
  for (const [field, which] of Object.entries(ISSUE_FIGURES) as [keyof typeof ISSUE_FIGURES, "created" | "closed"][]) {
    if (figures.has(field)) out[field] = issuesQuery(project.repository, which, window.since, window.until);
  }
  return out;
}

/** Every issue search of a cohort in a window (see pullSearches and issueSearches), each once. */
export function issueQueries(cohort: CohortConfig, window: { since: string; until: string }, figures: ReadonlySet<string> = DEFAULT_FIGURES): string[] {
  const landed = figures.has("mergedPullRequests");
  return [...new Set(cohort.projects.flatMap((p) => [...(landed ? Object.values(pullSearches(p, window)) : []), ...Object.values(issueSearches(p, window, figures))]))];
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
function mergedRequest(fullName: string, window: Window, base?: string): string {
  try {
    return `GET /search/issues (q: ${mergedQuery(fullName, window.since, window.until, base)})`;
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
  /** Commits on the default branch in the window; null for an empty repository. */
  commits: Settled<number | null>;
  /** The repository has no commits at all: a fact, not a missing figure. */
  empty: boolean;
  /** Absent when not asked (PlannedRepository.merged). */
  merged?: Settled<SearchCount>;
  /** The signals asked of it (a project's own repository), each a value or why there is none. */
  signals?: Signals;
}

interface Signals {
  createdAt?: Settled<string>;
  openPullRequests?: Settled<number>;
  contributors?: Settled<number>;
  releases?: Settled<ReleaseSummary>;
  tags?: Settled<ReleaseSummary>;
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
  readonly raw: Raw;
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  /** The own repository answered under a name GitHub could not have sent: none of its figures is kept. */
  untrusted = false;

  /** Every figure asked starts null ("asked, no answer yet"); one not asked is left out. */
  constructor(
    private readonly asOf: string,
    figures: ReadonlySet<string>,
  ) {
    // This order, the snapshots' since schema 2: a snapshot's bytes do not change with the code.
    const order: RawField[] = ["lastCommitAt", "mergedPullRequests", "repositoryCount", "stackOverflowQuestions", "stars", "forks", "openIssues", "archived", "commits"];
    const rest = (Object.keys(Raw.shape) as RawField[]).filter((f) => !order.includes(f) && !(NUMERICS_FIGURES as readonly string[]).includes(f));
    this.raw = Object.fromEntries([...order, ...rest].filter((f) => figures.has(f)).map((f) => [f, null])) as Raw;
  }

  fail(fields: readonly RawField[], error: unknown): void {
    // One line: messages quote answers, which may hold line breaks and terminal escape codes.
    // A figure not asked gets no error: it is not in the snapshot at all.
    for (const field of fields) if (field in this.raw) this.errors.push({ field, message: oneLine(message(error)) });
  }

  /** The figure, or null and an error naming the request and the value when it is out of range. */
  set(field: RawField, value: unknown, from: string): boolean {
    if (!(field in this.raw)) return false;
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

  /**
   * Records one repository's figures (own, or the numerics library's); returns its current name when
   * it was read. `now`: the figures that exist only as of now were asked (asOf is recent).
   */
  repository(configured: string, outcome: RepoOutcome, own: boolean, now: boolean): string | undefined {
    const commitField: RawField = own ? "lastCommitAt" : "numericsLastCommitAt";
    const countField: RawField = own ? "commits" : "numericsCommits";
    let current: string | undefined;
    // What a failed repository costs: its own figures, those of now only when they were asked.
    const lost: RawField[] = own ? [...(now ? CURRENT_ONLY : []), "createdAt", "releases", "latestReleaseAt", "tags"] : [];
    if ("error" in outcome.repository) {
      this.fail([...lost, commitField, countField], outcome.repository.error);
    } else {
      const repo = outcome.repository.value;
      const badName = nameProblem(repo.fullName);
      if (badName) {
        // A name GitHub could not have sent: nothing of this repository is trusted or written.
        this.fail([...lost, commitField, countField, own ? "mergedPullRequests" : "numericsMergedPullRequests"], `${outcome.repository.from}: ${badName}`);
        if (own) this.untrusted = true;
        return undefined;
      }
      current = repo.fullName;
      if (own && now && outcome.details) {
        this.settled("stars", outcome.details.stars);
        this.settled("forks", outcome.details.forks);
        this.settled("openIssues", outcome.details.openIssues);
        this.settled("archived", outcome.details.archived);
      }
      if (own && outcome.signals) this.signals(repo.fullName, outcome.signals, now);
      if (repo.fullName.toLowerCase() !== configured.toLowerCase()) {
        this.warnings.push({ field: own ? "repository" : "numericsRepository", message: `${configured} was renamed to ${repo.fullName}; update the config` });
      }
      if (outcome.empty) {
        // An empty repository has no last commit: a fact, scored as such, not a missing figure.
        this.warnings.push({ field: commitField, message: `${repo.fullName} is empty (no commits)` });
      } else {
        this.settled(commitField, outcome.lastCommit);
      }
      if (outcome.empty) (this.raw as Record<RawField, unknown>)[countField] = 0;
      else if ("error" in outcome.commits) this.fail([countField], outcome.commits.error);
      else this.set(countField, outcome.commits.value ?? 0, outcome.commits.from);
    }
    if (!own && outcome.merged) this.search("numericsMergedPullRequests", outcome.merged);
    return current;
  }

  /** The signals of a project's own repository; those of now only when asOf is recent (they were not asked otherwise). */
  private signals(fullName: string, s: Signals, now: boolean): void {
    if (s.createdAt) this.settled("createdAt", s.createdAt);
    if (now && s.openPullRequests) this.settled("openPullRequests", s.openPullRequests);
    if (now && s.contributors) this.settled("contributors", s.contributors);
    if (s.tags && "error" in s.tags) this.fail(["tags"], s.tags.error);
    else if (s.tags) {
      this.set("tags", s.tags.value.inWindow, s.tags.from);
      if (!s.tags.value.complete && "tags" in this.raw) this.warnings.push({ field: "tags", message: `${fullName}: at least ${s.tags.value.inWindow}: only the newest ${RELEASES_PAGE} tags are read and the oldest of them is in the window` });
    }
    if (!s.releases) return;
    if ("error" in s.releases) return this.fail(["releases", "latestReleaseAt"], s.releases.error);
    const { value, from } = s.releases;
    const page = `only the newest ${RELEASES_PAGE} releases are read`;
    this.set("releases", value.inWindow, from);
    if (!value.complete && "releases" in this.raw) this.warnings.push({ field: "releases", message: `${fullName}: at least ${value.inWindow}: ${page} and the oldest of them is in the window` });
    if (value.latestAt !== null) this.set("latestReleaseAt", value.latestAt, from);
    else if (!value.complete) this.fail(["latestReleaseAt"], `${from}: ${page}, all published after asOf: the newest one by then is further back`);
    else if ("latestReleaseAt" in this.raw) this.warnings.push({ field: "latestReleaseAt", message: `${fullName} had published no release by ${this.asOf.slice(0, 10)}` });
  }

  /**
   * The own repository's landed PRs by the project's rule: merged (into base), plus labelled PRs
   * closed unmerged; not applicable for a mirror. With no rule declared, many PRs closed unmerged
   * against few merged get a warning suggesting one.
   */
  landed(project: ProjectConfig, merged: Settled<SearchCount> | undefined, labelled: Settled<SearchCount> | undefined, unmerged: Settled<SearchCount> | undefined): void {
    if (this.untrusted) return; // its count failed with the repository's bad name
    if (!merged || !("mergedPullRequests" in this.raw)) return; // not asked
    const rule = landingRule(project.landing);
    if (rule.kind === "none") {
      this.warnings.push({ field: "mergedPullRequests", message: `${project.repository} takes no pull requests on GitHub (landing: none): not applicable, left out of the criteria that need it` });
      return;
    }
    if (rule.kind === "label" && labelled) {
      if ("error" in merged) return this.fail(["mergedPullRequests"], merged.error);
      if ("error" in labelled) return this.fail(["mergedPullRequests"], labelled.error);
      if (!this.set("mergedPullRequests", merged.value.count + labelled.value.count, `${merged.from} + ${labelled.from}`)) return;
      if (merged.value.incomplete || labelled.value.incomplete) this.warnings.push({ field: "mergedPullRequests", message: INCOMPLETE });
      return;
    }
    this.search("mergedPullRequests", merged);
    if (unmerged && "value" in unmerged && "value" in merged) {
      const closed = unmerged.value.count;
      const landed = merged.value.count;
      if (figureProblem("mergedPullRequests", closed, this.asOf) === undefined && closed >= 20 && closed >= 3 * landed) {
        this.warnings.push({
          field: "mergedPullRequests",
          message:
            `${project.repository} ${BOT_LANDED}: ${closed} pull requests closed unmerged in the window against ${landed} merged; ` +
            `if a bot lands them and closes the PR, declare landing: { label: NAME } (or landing: none for a mirror) with its source`,
        });
      }
    }
  }
}

type Window = { since: string; until: string; pinned: boolean };

/**
 * One repository through REST: the repository, then its default branch head as of asOf and the PRs
 * merged in the window. The search API has its own budget: a core rate limit or outage need not cost
 * the merged count, so it is still asked unless the repository does not exist or the run was stopped.
 */
async function restRepository(github: GitHubSource, fullName: string, base: string | undefined, window: Window, signals: readonly RepoSignal[], landed = true): Promise<RepoOutcome> {
  let info;
  try {
    info = await github.repository(fullName);
  } catch (error) {
    const failed = { error };
    const merged =
      !landed
        ? undefined
        : error instanceof FetchError && (error.kind === "not-found" || error.kind === "aborted")
        ? failed
        : await settle(github.mergedPullRequests(fullName, window.since, window.until, base), mergedRequest(fullName, window, base));
    return { repository: failed, lastCommit: failed, commits: failed, empty: false, merged };
  }
  const commitsRequest = `GET /repos/${info.fullName}/commits`;
  const asks = (s: RepoSignal) => signals.includes(s);
  const repo = `GET /repos/${info.fullName}`;
  const [commit, commits, merged, openPullRequests, contributors, releases] = await Promise.all([
    settle(lastCommit(github, info.fullName, info.defaultBranch, window), commitsRequest),
    settle(github.commitCount(info.fullName, info.defaultBranch, window.since, window.until), `${commitsRequest} (since ${window.since}, until ${window.until})`),
    landed ? settle(github.mergedPullRequests(info.fullName, window.since, window.until, base), mergedRequest(info.fullName, window, base)) : undefined,
    asks("openPullRequests") ? settle(github.listCount(info.fullName, "openPulls"), `${repo}/pulls?state=open`) : undefined,
    asks("contributors") ? settle(github.listCount(info.fullName, "contributors"), `${repo}/contributors?anon=true`) : undefined,
    asks("releases") || asks("latestReleaseAt") ? settle(github.releases(info.fullName, window.since, window.until), `${repo}/releases`) : undefined,
  ]);
  const isEmpty = (s: Settled<unknown>) => "error" in s && s.error instanceof FetchError && s.error.kind === "empty";
  const empty = isEmpty(commit) || isEmpty(commits);
  const from = `GET /repos/${fullName}`;
  return {
    repository: { value: { fullName: info.fullName }, from },
    details: { stars: { value: info.stars, from }, forks: { value: info.forks, from }, openIssues: { value: info.openIssues, from }, archived: { value: info.archived, from } },
    lastCommit: empty ? { value: null, from: commitsRequest } : commit,
    commits: empty ? { value: null, from: commitsRequest } : commits,
    empty,
    merged,
    signals: {
      ...(asks("createdAt") ? { createdAt: info.createdAt !== undefined ? { value: info.createdAt, from } : { error: new FetchError("unavailable", `${from}: unexpected response (no created_at)`) } } : {}),
      ...(openPullRequests ? { openPullRequests } : {}),
      ...(contributors ? { contributors } : {}),
      ...(releases ? { releases } : {}),
      ...(asks("tags") ? { tags: { error: new FetchError("invalid", TAGS_NEED_GRAPHQL) } } : {}),
    },
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
    return { repository: failed, lastCommit: failed, commits: failed, empty: false, merged: failed };
  }
  const info = result.info;
  const from = `POST /graphql: repository ${requested}`;
  return {
    repository: { value: { fullName: result.fullName }, from },
    ...(info
      ? { details: { stars: settled(info.stars, from), forks: settled(info.forks, from), openIssues: settled(info.openIssues, from), archived: settled(info.archived, from) } }
      : {}),
    lastCommit: settled(result.lastCommitAt, from),
    commits: settled(result.commits, from),
    empty: result.empty,
    ...(result.mergedPullRequests !== undefined ? { merged: settled(result.mergedPullRequests, `POST /graphql: search ISSUE for ${result.fullName}`) } : {}),
    signals: {
      ...(result.createdAt !== undefined ? { createdAt: settled(result.createdAt, from) } : {}),
      ...(result.openPullRequests !== undefined ? { openPullRequests: settled(result.openPullRequests, from) } : {}),
      ...(result.releases !== undefined ? { releases: settled(result.releases, from) } : {}),
      ...(result.tags !== undefined ? { tags: settled(result.tags, from) } : {}),
    },
  };
}

/**
 * The signal GraphQL has no field for, its contributors, asked through REST once the repository is
 * read, under the name GitHub reports now (as REST asks it).
 */
async function withContributors(outcome: Promise<RepoOutcome>, rest: GitHubSource, planned: PlannedRepository | undefined): Promise<RepoOutcome> {
  const o = await outcome;
  if (!planned?.signals?.includes("contributors") || "error" in o.repository) return o;
  const name = o.repository.value.fullName;
  const contributors = await settle(rest.listCount(name, "contributors"), `GET /repos/${name}/contributors?anon=true`);
  return { ...o, signals: { ...o.signals, contributors } };
}

function stackOverflowQuestions(result: Settled<QuestionCount>, rec: ProjectRecorder): void {
  if ("error" in result) return rec.fail(["stackOverflowQuestions"], result.error);
  rec.set("stackOverflowQuestions", result.value.count, result.from);
}

/** Where a project's answers come from: each repository and search of the cohort, asked once. */
interface Answers {
  repository(fullName: string, base: string | undefined): Promise<RepoOutcome>;
  /** A repository search as configured (asked as of asOf). */
  count(query: string): Promise<Settled<SearchCount>>;
  issues(query: string): Promise<Settled<SearchCount>>;
  questions(tags: readonly string[]): Promise<Settled<QuestionCount>>;
}

async function collectProject(project: ProjectConfig, answers: Answers, asOf: string, window: Window, now: boolean, figures: ReadonlySet<string>): Promise<ProjectFacts> {
  const rec = new ProjectRecorder(asOf, figures);
  const numericsAsked = project.numericsRepository !== undefined && NUMERICS_FIGURES.some((f) => figures.has(f));
  const tagged = figures.has("stackOverflowQuestions") && project.stackOverflowTags.length > 0;
  if (numericsAsked) {
    rec.raw.numericsLastCommitAt = null;
    rec.raw.numericsMergedPullRequests = null;
    rec.raw.numericsCommits = null;
  }
  // The issue and landing searches go under the name GitHub reports now, as the merged-PR search does:
  // a search does not follow a rename (REST answers 422 for the old name, GraphQL finds nothing). The
  // configured name when it was not renamed, so that they are the searches planned.
  const ownAnswer = answers.repository(project.repository, landingRule(project.landing).base);
  const searched = ownAnswer.then((o): ProjectConfig => {
    const current = "error" in o.repository ? project.repository : o.repository.value.fullName;
    return nameProblem(current) || current.toLowerCase() === project.repository.toLowerCase() ? project : { ...project, repository: current };
  });
  const issueCounts = searched.then((p) => {
    const asked = Object.entries(issueSearches(p, window, figures)) as [RawField, string][];
    return Promise.all(asked.map(([field, query]) => answers.issues(query).then((result) => [field, result] as const)));
  });
  const pulls = searched.then((p) => {
    const searches = figures.has("mergedPullRequests") ? pullSearches(p, window) : {};
    return Promise.all([searches.labelled ? answers.issues(searches.labelled) : undefined, searches.unmerged ? answers.issues(searches.unmerged) : undefined]);
  });
  const [own, numerics, count, questions, [labelled, unmerged], issueFigures] = await Promise.all([
    ownAnswer,
    numericsAsked ? answers.repository(project.numericsRepository!, undefined) : undefined,
    figures.has("repositoryCount") && project.repositoryQuery !== undefined ? answers.count(project.repositoryQuery) : undefined,
    tagged ? answers.questions(project.stackOverflowTags) : undefined,
    pulls,
    issueCounts,
  ]);
  const repository = rec.repository(project.repository, own, true, now);
  rec.landed(project, own.merged, labelled, unmerged);
  const numericsRepository = numerics && project.numericsRepository ? rec.repository(project.numericsRepository, numerics, false, false) : undefined;
  if (count) rec.search("repositoryCount", count);
  for (const [field, result] of issueFigures) rec.search(field, result);
  if (questions) stackOverflowQuestions(questions, rec);
  // /search/advanced cannot tell a tag that does not exist from one without questions; either way a 0 is worth a look, not a silent figure.
  if (questions && !("error" in questions) && questions.value.count === 0) {
    rec.warnings.push({ field: "stackOverflowQuestions", message: `no Stack Overflow question tagged ${project.stackOverflowTags.join(" or ")} by ${asOf.slice(0, 10)}: is the tag spelt as on the site? (counted 0)` });
  }

  const order = (a: Issue, b: Issue) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field);
  return {
    id: project.id,
    name: project.name,
    sources: {
      repository: repository ?? project.repository,
      stackOverflowTags: project.stackOverflowTags,
      ...(project.repositoryQuery === undefined ? {} : { repositoryQuery: project.repositoryQuery }),
      ...(project.numericsRepository ? { numericsRepository: numericsRepository ?? project.numericsRepository } : {}),
      ...(project.landing !== undefined ? { landing: project.landing } : {}),
    },
    raw: rec.raw,
    errors: rec.errors.sort(order),
    warnings: rec.warnings.sort(order),
  };
}

// Errors and warnings are listed in the order of the snapshot's fields, whatever order requests finished in.
const FIELD_ORDER = ["repository", "numericsRepository", "lastCommitAt", "mergedPullRequests", "commits", "repositoryCount", "stackOverflowQuestions", "stars", "forks", "openIssues", "archived", ...REPO_SIGNALS, ...Object.keys(ISSUE_FIGURES), "numericsLastCommitAt", "numericsMergedPullRequests", "numericsCommits"];

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

/** A promise per key, resolved by index as each answer comes in: answers handed on as soon as their POST is in. */
function pending<T>(keys: readonly string[]): { get(key: string): Promise<T>; has(key: string): boolean; resolve(index: number, value: T): void; all(value: T): void } {
  const promises = new Map<string, Promise<T>>();
  const resolvers: ((value: T) => void)[] = [];
  for (const key of keys) promises.set(key, new Promise((resolve) => resolvers.push(resolve)));
  return { get: (key) => promises.get(key)!, has: (key) => promises.has(key), resolve: (i, value) => resolvers[i]!(value), all: (value) => resolvers.forEach((r) => r(value)) };
}

/**
 * GraphQL: every repository and search of the cohort in one repositories(), one repositoryCounts()
 * and one issueCounts() call, made together so that they share POSTs (and with other dates' calls,
 * in a backfill); each answer is handed on as soon as its POST is in.
 */
function graphqlAnswers(source: BatchGitHub, rest: GitHubSource, plan: CohortPlan, window: Window, asOf: string, issueSearches: string[], questions: Answers["questions"]): Answers {
  const repositories = pending<RepoOutcome>(plan.repositories.map((r) => repoKey(r.fullName, r.base)));
  const counts = pending<Settled<SearchCount>>(plan.queries);
  const issues = pending<Settled<SearchCount>>(issueSearches);
  const requested = plan.repositories.map((r) => r.fullName);
  const asked = plan.queries.map((q) => repositoryQueryAsOf(q, asOf));
  // The plan is the date's already (collectCohort): what it still holds of now is current.
  const requests = plan.repositories.map((r) => repoRequest(r, window, true));
  const planned = new Map(plan.repositories.map((r) => [repoKey(r.fullName, r.base), r]));
  // Errors come back as values; should a call throw all the same, every answer it owed is that error.
  const failAll = (error: unknown) => (error instanceof FetchError ? error : new FetchError("unavailable", `github graphql: ${message(error)}`));
  source
    .repositories(requests, (i, result) => repositories.resolve(i, graphqlOutcome(requested[i]!, result)))
    .catch((error: unknown) => requested.forEach((name, i) => repositories.resolve(i, graphqlOutcome(name, failAll(error)))));
  source
    .repositoryCounts(asked, (i, result) => counts.resolve(i, settled(result, `POST /graphql: search REPOSITORY (q: ${asked[i]})`)))
    .catch((error: unknown) => counts.all({ error: failAll(error) }));
  if (issueSearches.length > 0) {
    source
      .issueCounts(issueSearches, (i, result) => issues.resolve(i, settled(result, `POST /graphql: search ISSUE (q: ${issueSearches[i]})`)))
      .catch((error: unknown) => issues.all({ error: failAll(error) }));
  }
  return {
    repository: (fullName, base) => withContributors(repositories.get(repoKey(fullName, base)), rest, planned.get(repoKey(fullName, base))),
    count: (query) => counts.get(query),
    // A query not planned (an issue search under a renamed repository's new name) joins the next POST.
    issues: (query) =>
      issues.has(query)
        ? issues.get(query)
        : source.issueCounts([query]).then(
            ([result]) => settled(result!, `POST /graphql: search ISSUE (q: ${query})`),
            (error: unknown) => ({ error: failAll(error) }),
          ),
    questions,
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
  const now = isCurrent(opts.asOf, opts.now ?? Date.now());
  const figures = opts.figures ?? DEFAULT_FIGURES;
  const plan = planCohort(cohort, figures);
  if (!now) {
    for (const r of plan.repositories) {
      r.info = false;
      // The figures of now only are not asked for a past date (pastWarning).
      const signals = r.signals?.filter((s) => !(CURRENT_ONLY as readonly string[]).includes(s));
      if (signals?.length) r.signals = signals;
      else delete r.signals;
    }
  }
  const se = { requests: 0, quotaRemaining: undefined as number | undefined, quotaMax: undefined as number | undefined };
  // Asked as projects come to them (one request each): their answers are not needed before.
  const questions = memo((key) => {
    const tags = key.split(";");
    return settle(
      stackExchange.questionCount(tags, opts.asOf).then((answer) => {
        se.requests += answer.requests;
        se.quotaRemaining = answer.quotaRemaining ?? se.quotaRemaining;
        se.quotaMax = answer.quotaMax ?? se.quotaMax;
        return answer;
      }),
      `GET /2.3/search/advanced (tagged=${key})`,
    );
  });
  const askQuestions = (tags: readonly string[]) => questions(tagSetKey(tags));
  let answers: Answers;
  let limit: <T>(run: () => Promise<T>) => Promise<T>;
  const rest = cachedGitHub(opts.github, cache);
  if (opts.graphql) {
    answers = graphqlAnswers(cachedBatchGitHub(opts.graphql, cache), rest, plan, window, opts.asOf, issueQueries(cohort, window, figures), askQuestions);
    limit = (run) => run(); // everything is asked already: projects only wait for their answers
  } else {
    const github = rest;
    const planned = new Map(plan.repositories.map((r) => [repoKey(r.fullName, r.base), r]));
    const repository = memo(
      (key) => {
        const [fullName, base] = key.split(" base:");
        const entry = planned.get(repoKey(fullName!, base));
        return restRepository(github, fullName!, base, window, entry?.signals ?? [], entry?.merged !== false);
      },
      (k) => k.toLowerCase(),
    );
    answers = {
      repository: (fullName, base) => repository(`${fullName}${base ? ` base:${base}` : ""}`),
      count: memo((query) => {
        const q = repositoryQueryAsOf(query, opts.asOf);
        return settle(github.repositoryCount(q), `GET /search/repositories (q: ${q})`);
      }),
      issues: memo((query) => settle(github.issueCount(query), `GET /search/issues (q: ${query})`)),
      questions: askQuestions,
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
        const result = await collectProject(project, answers, opts.asOf, window, now, figures);
        if (!signal?.aborted) opts.onProject?.(result, ++done, cohort.projects.length);
        return result;
      }),
    ),
  );
  if (signal?.aborted) throw new Interrupted();
  return {
    projects: projects.filter((p): p is ProjectFacts => p !== undefined),
    stackExchange: se,
    cached: cache.hits,
    warnings: now ? [] : [pastWarning(opts.asOf, figures)],
  };
}

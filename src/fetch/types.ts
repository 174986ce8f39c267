/**
 * What the collector needs from the network. The REST implementation lives in github.ts and
 * stackexchange.ts; tests and later collectors (GraphQL) provide the same shapes.
 */

/** Why a figure could not be fetched. `kind` picks the wording and whether to go on with the API. */
export type FetchErrorKind =
  | "not-found" // 404: the repository does not exist (or is private)
  | "empty" // 409: the repository has no commits
  | "rate-limited" // primary limit exhausted and its reset is too far away
  | "invalid" // 422 and other 4xx: the request itself is wrong (e.g. a bad search query)
  | "unavailable" // 5xx, timeouts, connection errors after the retries ran out
  | "auth" // 401: a bad token
  | "too-large" // the answer was larger than the API's cap (body.ts): not asked again this run, nor cached
  | "aborted"; // the run was stopped (Ctrl-C, SIGTERM) before the request was sent or while it waited

import { oneLine } from "../format/plain.js";
import type { ReleaseSummary } from "./releases.js";

export class FetchError extends Error {
  readonly kind: FetchErrorKind;
  readonly status: number | undefined;
  constructor(kind: FetchErrorKind, message: string, status?: number, options?: { cause?: unknown }) {
    // Messages quote servers' answers: one line, so that no answer can start a log line of its own.
    super(oneLine(message), options);
    this.name = "FetchError";
    this.kind = kind;
    this.status = status;
  }
}

export interface RepositoryInfo {
  /** "owner/name" as GitHub reports it now: differs from the requested one after a rename. */
  fullName: string;
  defaultBranch: string;
  stars: number;
  forks: number;
  /** Open issues plus open pull requests, as GitHub's open_issues_count. */
  openIssues: number;
  archived: boolean;
  /** When the repository was created: its age, the same on any date after. (Absent from an answer without it.) */
  createdAt?: string;
}

export interface SearchCount {
  count: number;
  /** GitHub's incomplete_results: the count may be low because the search timed out. */
  incomplete: boolean;
}

/** Remaining budget per rate-limit resource, as last reported by response headers. */
export interface RateBudget {
  remaining: number;
  limit: number;
  /** ISO-8601 instant the budget resets. */
  resetAt: string;
}

export type RateResource = "core" | "search";

/** The GitHub API a run asks: REST (core and search), or GraphQL (a token required). */
export type GitHubApi = "rest" | "graphql";

/** A rate-limit resource the run stopped using: its budget was spent and resets too late to wait for. */
export interface StoppedResource {
  /** ISO-8601 instant the budget resets. */
  resetAt: string;
}

export interface GitHubStats {
  /** Requests sent to the core resource (everything but search), retries included. */
  core: number;
  /** Requests sent to the search API, retries included. */
  search: number;
  budget: { core?: RateBudget; search?: RateBudget };
  /** Conditional requests GitHub answered 304 Not Modified (served from the ETag cache, free of rate limit). */
  notModified?: number;
  /** Resources given up on for the rest of the run; their remaining figures are errors. */
  stopped?: Partial<Record<RateResource, StoppedResource>>;
}

export interface GitHubSource {
  repository(fullName: string): Promise<RepositoryInfo>;
  /**
   * Committer date of the newest commit on `branch` at or before `until` (the branch head's without
   * `until`); null when there is none. Throws FetchError kind "empty" on 409.
   */
  lastCommitAt(fullName: string, branch: string, until?: string): Promise<string | null>;
  /** Commits on `branch` committed in (since, until]: one commit a page, the Link header's last page. */
  commitCount(fullName: string, branch: string, since: string, until: string): Promise<number>;
  /** Pull requests merged in (since, until] (into `base` when given): the search API's total_count. */
  mergedPullRequests(fullName: string, since: string, until: string, base?: string): Promise<SearchCount>;
  /** total_count of an issue/PR search (the landing rule's labelled PRs, the bot-landed check). */
  issueCount(query: string): Promise<SearchCount>;
  /** total_count of a repository search. */
  repositoryCount(query: string): Promise<SearchCount>;
  /**
   * Entries of a repository's list as it is now, one a page, the Link header's last page:
   * contributors (anonymous ones included) or open pull requests. An empty repository has none.
   */
  listCount(fullName: string, list: RepositoryList): Promise<number>;
  /** The newest page of releases, counted in (since, until] and the newest at or before until (releases.ts). */
  releases(fullName: string, since: string, until: string): Promise<ReleaseSummary>;
  stats(): GitHubStats;
}

/** The lists listCount counts: GET /repos/O/N/contributors?anon=true, GET /repos/O/N/pulls?state=open. */
export type RepositoryList = "contributors" | "openPulls";

export interface TagCounts {
  /** tag -> question count, for every tag that exists. */
  counts: Map<string, number>;
  /** Tags the API did not return: they do not exist on the site. */
  missing: string[];
  /** Tags whose batch failed, with why. */
  failed: Map<string, string>;
  requests: number;
  quotaRemaining: number | undefined;
  quotaMax: number | undefined;
}

export interface QuestionCount {
  /** Distinct questions carrying any of the tags, created at or before `todate`. */
  count: number;
  requests: number;
  quotaRemaining: number | undefined;
  quotaMax: number | undefined;
}

export interface StackExchangeSource {
  tagCounts(tags: readonly string[]): Promise<TagCounts>;
  /**
   * /search/advanced?tagged=a;b&todate=...&filter=total: `tagged` there is an OR ("at least one will
   * be present"), so a question carrying two of the tags counts once. Throws a FetchError-like Error on failure.
   */
  questionCount(tags: readonly string[], todate: string): Promise<QuestionCount>;
}

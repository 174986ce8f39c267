/**
 * The pure half of the GraphQL batch collector: builds one aliased query for a batch of
 * repositories and searches, estimates its cost, and reads the answer back alias by alias.
 * No I/O here; graphql.ts sends what this builds.
 */
import { mergedQuery } from "./github.js";
import { aliasError, type GraphqlErrorShape } from "./graphql-errors.js";
import { FetchError, type RepositoryInfo, type SearchCount } from "./types.js";
import { RELEASES_PAGE, summarizeReleases, type ReleaseSummary } from "./releases.js";

export interface RepoFiguresRequest {
  /** "owner/name" as configured. */
  fullName: string;
  /** Merged pull requests and commits are counted in (since, until]. */
  since: string;
  /** lastCommitAt is the newest commit on the default branch at or before this instant. */
  until: string;
  /** Also fetch stars, forks, open issues and archived (a project's own repository, not its numerics library). */
  info: boolean;
  /** Only PRs merged into this branch are counted (the project's landing rule). */
  base?: string;
  /** false: no merged-PR search (no metric of the rubric reads it). Default true. */
  merged?: boolean;
  /** Also fetch when the repository was created (a scalar of the node: no cost). */
  createdAt?: boolean;
  /** Also fetch the newest page of releases (one connection), counted by releases.ts. */
  releases?: boolean;
  /** Also report the open pull requests (asked with info already: only read). */
  openPullRequests?: boolean;
  /** Also fetch the newest page of tags by their commits' dates (one connection). */
  tags?: boolean;
}

export interface RepoFigures {
  /** nameWithOwner as GitHub reports it now: differs from the requested one after a rename. */
  fullName: string;
  /**
   * Only when requested. defaultBranch is null for an empty repository (GraphQL has no ref to name).
   * A detail GitHub could not answer (a field error) is a FetchError of its own: the others are kept.
   */
  info?: RepoInfo;
  /**
   * committedDate of the newest commit on the default branch at or before `until`; null when there
   * is none (see `empty`); a FetchError when only this part of the answer failed (REST fails it alone too).
   */
  lastCommitAt: string | null | FetchError;
  /** The repository has no commits at all (defaultBranchRef is null): REST answers 409 there. */
  empty: boolean;
  /** Commits on the default branch in (since, until]: history's totalCount; null for an empty repository. */
  commits: number | null | FetchError;
  /** issueCount of the merged-PR search (absent when not asked). GraphQL has no incomplete_results: `incomplete` is always false. */
  mergedPullRequests?: SearchCount | FetchError;
  /** Only when requested. */
  createdAt?: string | FetchError;
  /** Only when requested, with info (asked with its open issues). */
  openPullRequests?: number | FetchError;
  /** Only when requested: the releases in (since, until] and the newest at or before until. */
  releases?: ReleaseSummary | FetchError;
  /** Only when requested: the tags dated in (since, until] (latestAt: the newest tag by until). */
  tags?: ReleaseSummary | FetchError;
}

export type RepoInfo = {
  fullName: string;
  defaultBranch: string | null;
} & { [K in "stars" | "forks" | "openIssues" | "archived"]: RepositoryInfo[K] | FetchError };

export interface RepositoryItem {
  kind: "repository";
  owner: string;
  name: string;
  until: string;
  /** since + 1 s: history's `since` includes its instant, the window does not. */
  after: string;
  info: boolean;
  /** The merged-PR search for the requested name, when asked; graphql.ts searches again under the new name after a rename. */
  merged: string | undefined;
  since: string;
  createdAt: boolean;
  releases: boolean;
  openPullRequests: boolean;
  tags: boolean;
}

export interface SearchItem {
  kind: "search";
  type: "ISSUE" | "REPOSITORY";
  query: string;
}

/** One alias group: a repository with its merged-PR search (rN + mN), or one search (qN). */
export type BatchItem = RepositoryItem | SearchItem;

export type ItemResult = RepoFigures | SearchCount | FetchError;

export interface BatchQuery {
  query: string;
  variables: Record<string, string>;
  /** Connections the query opens, the unit of GitHub's cost formula. */
  connections: number;
}

export interface RateLimitInfo {
  cost: number;
  remaining: number;
  resetAt: string;
  limit: number;
  nodeCount: number;
}

/** Validates the request and turns it into a batch item; a bad name or date fails that entry only, before anything is sent. */
export function repositoryItem(request: RepoFiguresRequest): RepositoryItem | FetchError {
  const parts = request.fullName.split("/");
  const [owner, name] = parts;
  if (parts.length !== 2 || !owner || !name) {
    return new FetchError("invalid", `github graphql: not an owner/name repository: ${JSON.stringify(request.fullName)}`);
  }
  try {
    const since = Date.parse(request.since);
    if (Number.isNaN(since)) throw new FetchError("invalid", `github: since is not a date-time: ${JSON.stringify(request.since)}`);
    const after = new Date(Math.floor(since / 1000) * 1000 + 1000).toISOString();
    return {
      kind: "repository",
      owner,
      name,
      until: request.until,
      after,
      info: request.info,
      merged: request.merged === false ? undefined : mergedQuery(request.fullName, request.since, request.until, request.base),
      since: request.since,
      createdAt: request.createdAt === true,
      releases: request.releases === true,
      openPullRequests: request.openPullRequests === true && request.info,
      tags: request.tags === true,
    };
  } catch (error) {
    return error instanceof FetchError ? error : new FetchError("invalid", `github graphql: ${String(error)}`);
  }
}

/**
 * Connections a group opens, each counted as one request by GitHub's formula ("add up the requests
 * needed to fulfil each unique connection, divide by 100, round; at least 1").
 * With info: issues, pullRequests, 2 histories, search = 5; without: 2 histories, search = 3; a search: 1.
 */
export function connectionsOf(item: BatchItem): number {
  if (item.kind === "search") return 1;
  return (item.info ? 5 : 3) - (item.merged === undefined ? 1 : 0) + (item.releases ? 1 : 0) + (item.tags ? 1 : 0);
}

export function estimateCost(connections: number): number {
  return Math.max(1, Math.round(connections / 100));
}

const RATE_LIMIT_FIELDS = "rateLimit { cost remaining resetAt limit nodeCount }";

/**
 * Every user-provided string (owner, name, search query, timestamp) travels as a variable, never
 * inside the query text, so quotes and backslashes need no escaping. Identical timestamps share one
 * variable. search takes first: 0: only the count is read, so it asks for no nodes (first is optional
 * in the schema; 0 is what public clients use for count-only searches).
 */
export function buildBatchQuery(items: readonly BatchItem[]): BatchQuery {
  const declarations: string[] = [];
  const variables: Record<string, string> = {};
  const fields: string[] = [];
  const timestamps = new Map<string, string>();
  let connections = 0;
  items.forEach((item, i) => {
    connections += connectionsOf(item);
    if (item.kind === "search") {
      declarations.push(`$s${i}: String!`);
      variables[`s${i}`] = item.query;
      const count = item.type === "ISSUE" ? "issueCount" : "repositoryCount";
      fields.push(`q${i}: search(type: ${item.type}, query: $s${i}, first: 0) { ${count} }`);
      return;
    }
    const timestamp = (value: string): string => {
      let t = timestamps.get(value);
      if (t === undefined) {
        t = `t${timestamps.size}`;
        timestamps.set(value, t);
        declarations.push(`$${t}: GitTimestamp!`);
        variables[t] = value;
      }
      return t;
    };
    const t = timestamp(item.until);
    const a = timestamp(item.after);
    declarations.push(`$o${i}: String!`, `$n${i}: String!`);
    variables[`o${i}`] = item.owner;
    variables[`n${i}`] = item.name;
    if (item.merged !== undefined) {
      declarations.push(`$s${i}: String!`);
      variables[`s${i}`] = item.merged;
    }
    const info = item.info ? " stargazerCount forkCount isArchived issues(states: OPEN) { totalCount } pullRequests(states: OPEN) { totalCount }" : "";
    const branchName = item.info ? "name " : "";
    const signals =
      `${item.createdAt ? " createdAt" : ""}${item.releases ? ` releases(first: ${RELEASES_PAGE}, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { publishedAt } }` : ""}` +
      (item.tags ? ` tags: refs(refPrefix: "refs/tags/", first: ${RELEASES_PAGE}, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) { nodes { target { ${TAG_DATES} } } }` : "");
    fields.push(
      `r${i}: repository(owner: $o${i}, name: $n${i}) { nameWithOwner${info}${signals} defaultBranchRef { ${branchName}target { ... on Commit { history(first: 1, until: $${t}) { nodes { committedDate } } commits: history(since: $${a}, until: $${t}) { totalCount } } } } }`,
    );
    if (item.merged !== undefined) fields.push(`m${i}: search(type: ISSUE, query: $s${i}, first: 0) { issueCount }`);
  });
  fields.push(RATE_LIMIT_FIELDS);
  return { query: `query ShowdownBatch(${declarations.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables, connections };
}

export function describeItem(item: BatchItem): string {
  return item.kind === "repository" ? `repository ${item.owner}/${item.name}` : `search ${item.type} (q: ${item.query})`;
}

/** A tag's date: an annotated tag's tagger date (when it was tagged), else the tagged commit's. */
const TAG_DATES = "... on Commit { committedDate } ... on Tag { tagger { date } target { ... on Commit { committedDate } } }";

interface TagTarget {
  committedDate?: string;
  tagger?: { date?: string | null } | null;
  target?: { committedDate?: string } | null;
}

function tagDate(target: TagTarget | null | undefined): string | null {
  const date = target?.tagger?.date ?? target?.committedDate ?? target?.target?.committedDate;
  return typeof date === "string" ? date : null;
}

// Shapes of the answer, as far as this module reads them.
interface RepositoryData {
  nameWithOwner: string;
  stargazerCount?: number;
  forkCount?: number;
  isArchived?: boolean;
  issues?: { totalCount: number } | null;
  pullRequests?: { totalCount: number } | null;
  createdAt?: string | null;
  releases?: { nodes?: ({ publishedAt?: string | null } | null)[] | null } | null;
  tags?: { nodes?: ({ target?: TagTarget | null } | null)[] | null } | null;
  defaultBranchRef: {
    name?: string;
    target: { history?: { nodes: ({ committedDate: string } | null)[] | null } | null; commits?: { totalCount?: unknown } | null } | null;
  } | null;
}

interface SearchData {
  issueCount?: number;
  repositoryCount?: number;
}

type Data = Record<string, unknown> | null | undefined;

export function parseRateLimit(data: Data): RateLimitInfo | undefined {
  const r = data?.rateLimit as Partial<RateLimitInfo> | null | undefined;
  if (!r || typeof r.remaining !== "number" || typeof r.resetAt !== "string") return undefined;
  return { cost: r.cost ?? 0, remaining: r.remaining, resetAt: r.resetAt, limit: r.limit ?? 0, nodeCount: r.nodeCount ?? 0 };
}

/**
 * Reads one result per item. An alias that came back null takes its error from `errors` (matched by
 * path); errors deeper inside a repository fail only the part they sit in.
 */
export function parseBatch(items: readonly BatchItem[], data: Data, errors: readonly GraphqlErrorShape[], secret: string | undefined): ItemResult[] {
  const under = (alias: string, ...rest: string[]) =>
    errors.filter((e) => Array.isArray(e.path) && e.path[0] === alias && rest.every((segment, k) => e.path?.[k + 1] === undefined || e.path[k + 1] === segment));
  const failure = (alias: string, what: string, found: readonly GraphqlErrorShape[]) =>
    aliasError(what, found.length > 0 ? found : [{ message: `no data for ${alias} in the answer` }], secret);

  return items.map((item, i) => {
    const what = describeItem(item);
    if (item.kind === "search") {
      const search = data?.[`q${i}`] as SearchData | null | undefined;
      const count = item.type === "ISSUE" ? search?.issueCount : search?.repositoryCount;
      return typeof count === "number" ? { count, incomplete: false } : failure(`q${i}`, what, under(`q${i}`));
    }
    const repo = data?.[`r${i}`] as RepositoryData | null | undefined;
    if (!repo || typeof repo.nameWithOwner !== "string") return failure(`r${i}`, what, under(`r${i}`));

    const merged = data?.[`m${i}`] as SearchData | null | undefined;
    const mergedPullRequests: SearchCount | FetchError | undefined =
      item.merged === undefined ? undefined : typeof merged?.issueCount === "number" ? { count: merged.issueCount, incomplete: false } : failure(`m${i}`, `search ISSUE (q: ${item.merged})`, under(`m${i}`));

    const ref = repo.defaultBranchRef;
    let lastCommitAt: string | null | FetchError = null;
    const empty = ref === null && under(`r${i}`, "defaultBranchRef").length === 0;
    if (ref === null || ref === undefined) {
      if (!empty) lastCommitAt = failure(`r${i}`, `${what} default branch`, under(`r${i}`, "defaultBranchRef"));
    } else if (ref.target && ref.target.history === null) {
      lastCommitAt = failure(`r${i}`, `${what} history`, under(`r${i}`, "defaultBranchRef", "target", "history"));
    } else {
      // A target that is not a Commit (never seen for a branch) has no history: no commit to report.
      lastCommitAt = ref.target?.history?.nodes?.[0]?.committedDate ?? null;
    }

    let commits: number | null | FetchError = null;
    if (ref && ref.target) {
      const total = ref.target.commits?.totalCount;
      commits = typeof total === "number" && Number.isInteger(total) && total >= 0 ? total : failure(`r${i}`, `${what} commit count`, under(`r${i}`, "defaultBranchRef", "target", "commits"));
    } else if (!empty) {
      commits = failure(`r${i}`, `${what} default branch`, under(`r${i}`, "defaultBranchRef"));
    }

    const figures: RepoFigures = { fullName: repo.nameWithOwner, lastCommitAt, empty, commits, ...(mergedPullRequests !== undefined ? { mergedPullRequests } : {}) };
    if (item.createdAt) figures.createdAt = typeof repo.createdAt === "string" ? repo.createdAt : failure(`r${i}`, `${what} createdAt`, under(`r${i}`, "createdAt"));
    if (item.tags) {
      const nodes = repo.tags?.nodes;
      figures.tags = Array.isArray(nodes) ? summarizeReleases(nodes.map((n) => ({ publishedAt: tagDate(n?.target) })), item.since, item.until) : failure(`r${i}`, `${what} tags`, under(`r${i}`, "tags"));
    }
    if (item.releases) {
      const nodes = repo.releases?.nodes;
      figures.releases = Array.isArray(nodes)
        ? summarizeReleases(nodes.map((n) => ({ publishedAt: typeof n?.publishedAt === "string" ? n.publishedAt : null })), item.since, item.until)
        : failure(`r${i}`, `${what} releases`, under(`r${i}`, "releases"));
    }
    if (item.info) {
      // Each detail on its own: an error in one field (null there, the error's path naming it) fails that one only.
      const detail = <T>(value: T | undefined | null, type: "number" | "boolean", fields: string[]): T | FetchError =>
        typeof value === type ? (value as T) : failure(`r${i}`, `${what} ${fields.join(", ")}`, fields.flatMap((f) => under(`r${i}`, f)));
      const issues = detail(repo.issues?.totalCount, "number", ["issues"]);
      const pulls = detail(repo.pullRequests?.totalCount, "number", ["pullRequests"]);
      figures.info = {
        fullName: repo.nameWithOwner,
        defaultBranch: ref?.name ?? null,
        stars: detail(repo.stargazerCount, "number", ["stargazerCount"]),
        forks: detail(repo.forkCount, "number", ["forkCount"]),
        // REST's open_issues_count counts open pull requests as issues too.
        openIssues: issues instanceof FetchError ? issues : pulls instanceof FetchError ? pulls : issues + pulls,
        archived: detail(repo.isArchived, "boolean", ["isArchived"]),
      };
      if (item.openPullRequests) figures.openPullRequests = pulls;
    }
    return figures;
  });
}

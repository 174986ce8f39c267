/**
 * A loopback stand-in for the GitHub REST API and the Stack Exchange API, speaking their shapes:
 * status codes, rate-limit headers, ETag, Link-free single pages (per_page=1), 301 for renamed
 * repositories, 404/409/422 bodies, gzip-only Stack Exchange responses with quota fields (the daily quota enforced as the real API does).
 *
 * GitHub is served under /api/v3 (as on GitHub Enterprise Server), Stack Exchange under /se, so one
 * server stands in for both and the clients' handling of base-URL paths is exercised too. GitHub's
 * GraphQL API is served at POST /api/graphql (where GHES has it, beside /api/v3): each posted query is
 * executed with graphql-js against GitHub's real schema (tests/fixtures/graphql/fake-github.ts) over
 * the same data, so a query the schema refuses fails the test (`graphqlInvalid`). Renamed repositories
 * resolve under their old names with the new nameWithOwner, an empty one has defaultBranchRef null, an
 * unknown one is null with a NOT_FOUND error for its alias; `rateLimit` and the x-ratelimit-* headers
 * (resource graphql) count points by GitHub's formula (connections / 100, at least 1).
 * A `fault` hook can replace any response, per route and per attempt, for failure tests (see
 * faults.ts for ready-made ones: rate limits with GitHub's real headers and texts, 5xx, resets,
 * stalls, Stack Exchange errors and backoff).
 *
 * Also modelled, for the reliability tests:
 * - rate-limit windows (`rateLimits`): a budget per window per resource, reset epoch in the headers,
 *   and 403 with x-ratelimit-remaining 0 and GitHub's message once it is spent, like GitHub;
 * - conditional requests: ETags are derived from the body, and If-None-Match with the current one is
 *   answered 304 without a body, not counted against the budget;
 * - a request log with the attempt number and the requests still unanswered on arrival, and an
 *   `onRequest` hook (e.g. to kill a client mid-run);
 * - its own clock (`now`), to share a test's fake clock with an in-process client: windows then reset
 *   when the client's waits say they do, and no test needs to measure real time.
 */
import http from "node:http";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { answer as graphqlAnswer, githubSchema, newLog, type FakeRepo, type FakeWorld } from "../fixtures/graphql/fake-github.js";

export interface ReplicaRepo {
  fullName: string;
  id: number;
  defaultBranch?: string;
  stars: number;
  forks: number;
  openIssues: number;
  archived?: boolean;
  /** Committer dates of the default branch, any order. Empty: the repository is empty (409). */
  commits: string[];
  /** Merge instants of the repository's pull requests (merged into the default branch, no labels). */
  mergedAt: string[];
  /**
   * Other pull requests, as GitHub's search sees them: closed with or without GitHub's merge (a bot
   * that lands the change itself closes the PR unmerged and labels it), or still open (closedAt null).
   */
  pulls?: ReplicaPullState[];
  /** Old names that answer 301 to this repository. */
  formerNames?: string[];
  /** Default 2015-01-01T00:00:00Z. */
  createdAt?: string;
  /** Open pull requests now (GET .../pulls?state=open, GraphQL pullRequests(states: OPEN)); default a third of openIssues, which counts them too. */
  openPullRequests?: number;
  /** Contributors GET .../contributors?anon=true lists now (the API has no date filter). Default 0. */
  contributors?: number;
  /** Releases, any order: created (the tagged commit's date, which both APIs order by) and published (null: a draft). */
  releases?: { createdAt: string; publishedAt: string | null }[];
  /** Tags (GraphQL refs(refPrefix: "refs/tags/")): the tagged commit's date, and an annotated tag's tagger date. */
  tags?: { committedAt: string; taggedAt?: string }[];
  /** Issues (not pull requests), as search sees them: `is:issue` with created: and closed: ranges. */
  issues?: { createdAt: string; closedAt: string | null }[];
}

export interface ReplicaPullState {
  /** null: still open. */
  closedAt: string | null;
  /** Set when GitHub merged it (then closedAt is the same instant). */
  mergedAt?: string;
  labels?: string[];
  /** The branch it targets; default the repository's default branch. */
  base?: string;
}

/** A Stack Overflow question: its tags and when it was asked. */
export interface ReplicaQuestion {
  tags: string[];
  createdAt: string;
}

export interface ReplicaData {
  repos: ReplicaRepo[];
  /**
   * Repository search query -> total_count, for repositories created long ago (any created: qualifier
   * counts them all). Unknown queries count 0.
   */
  repositorySearch: Record<string, number>;
  /** Repository search query (without created:) -> creation dates of the repositories it finds: created: filters them. */
  repositoryCreated?: Record<string, string[]>;
  /**
   * Stack Overflow tag -> question count. Unknown tags do not exist. For /search/advanced, each counts
   * as that many questions carrying only that tag, asked on 2010-01-01 (see `questions` for more).
   */
  tags: Record<string, number>;
  /** Questions beside those of `tags`, with their own tags (several per question) and creation dates. */
  questions?: ReplicaQuestion[];
}

export interface RequestContext {
  api: "github" | "stackexchange";
  /** e.g. "GET /repos/{owner}/{repo}", "GET /search/issues", "GET /2.3/tags/{tags}/info", "POST /graphql" */
  route: string;
  /** Path and query as received, without the /api/v3, /api or /se prefix. */
  path: string;
  /** The request body (a GraphQL POST's JSON); "" for a GET. */
  body: string;
  /** 1 for the first request to this exact method+path, 2 for the first retry, ... */
  attempt: number;
  headers: http.IncomingHttpHeaders;
  /** The replica's clock on arrival (see ReplicaOptions.now): for faults that last until an instant. */
  now: number;
}

export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** The body as is, instead of JSON (a truncated or non-JSON answer). */
  raw?: string;
  /** Fields merged into the normal JSON body (e.g. Stack Exchange's `backoff`, `incomplete_results`). */
  patch?: Record<string, unknown>;
  /** Destroy the socket without answering (a connection reset). */
  reset?: boolean;
  /** Answer only after this long (a slow response, for timeouts). */
  delayMs?: number;
  /** Send the status line, headers and half the body, then nothing more (a stalled transfer). */
  stall?: boolean;
  /** gzip the body (Stack Exchange responses always are). */
  gzip?: boolean;
}

/** A rate-limit window: `limit` requests, then 403 until `windowSeconds` after the window's first request. */
export interface RateWindow {
  limit: number;
  windowSeconds: number;
}

export interface ReplicaOptions {
  /** Added to every response, to model round trips. */
  latencyMs?: number;
  fault?: (ctx: RequestContext) => Fault | undefined;
  /** Budgets that never reset and are never enforced (remaining just reaches 0): the default model. */
  coreLimit?: number;
  searchLimit?: number;
  /** Enforced budgets that reset, per resource, instead of coreLimit/searchLimit. */
  rateLimits?: Partial<Record<"core" | "search", RateWindow>>;
  /** GraphQL points per hour (never reset, never enforced, like coreLimit). Default 5000. */
  graphqlLimit?: number;
  /**
   * Stack Exchange's daily quota: each answered request spends one; once spent, every request is
   * refused with throttle_violation (HTTP 400, error_id 502, "more requests available in N seconds",
   * N the seconds to 00:00 UTC by `now`), as the real API does, until resetStackExchangeQuota().
   */
  stackExchangeQuota?: number;
  /** Called as each request arrives, after it is logged. */
  onRequest?: (request: LoggedRequest, all: LoggedRequest[]) => void;
  /** The clock rate-limit windows, `at` and faults' `now` read. Default Date.now; a test may pass its fake clock's. */
  now?: () => number;
}

export interface LoggedRequest {
  api: RequestContext["api"];
  route: string;
  path: string;
  /** The path as received, prefix included (e.g. /api/graphql). */
  received: string;
  /** 0 for a reset connection or a stalled answer. */
  status: number;
  authorization: string | undefined;
  /** 1 for the first request to this method+path, 2 for the next, ... */
  attempt: number;
  ifNoneMatch: string | undefined;
  /** A 403 sent because the rate-limit window's budget was spent. */
  rateLimited?: boolean;
  /** The replica's clock on arrival (Date.now() unless ReplicaOptions.now). */
  at: number;
  /**
   * Requests to the same budget (GitHub core, search or GraphQL; Stack Exchange) received before this
   * one and not answered yet when it arrived: 0 when it went alone.
   */
  inFlight: number;
}

export interface Replica {
  githubUrl: string;
  stackExchangeUrl: string;
  requests: LoggedRequest[];
  /** GraphQL POST endpoint (GHES layout): http://127.0.0.1:PORT/api/graphql */
  graphqlUrl: string;
  /** Schema validation failures of posted GraphQL queries: a correct client leaves this empty. */
  graphqlInvalid: string[];
  /** The data served, live: tests may change it between runs. */
  data: ReplicaData;
  /** Pull requests opened through POST /repos/{owner}/{repo}/pulls, in order. */
  pulls: ReplicaPull[];
  /** A new UTC day for Stack Exchange: the quota is whole again. */
  resetStackExchangeQuota(): void;
  close(): Promise<void>;
}

/** A pull request as the replica keeps it: what was asked for, and the number it was given. */
export interface ReplicaPull {
  number: number;
  repository: string;
  title: string;
  head: string;
  base: string;
  body: string;
}

const PRIMARY_LIMIT_BODY = (JSON.parse(readFileSync(new URL("../fixtures/github/rate-limit-403.json", import.meta.url), "utf8")) as { body: unknown }).body;

interface Answer {
  route: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Stack Exchange's quota is per UTC day. */
const DAY_MS = 86_400_000;

/** 2100-01-01: budgets never reset during a test. */
export const RESET_EPOCH = 4102444800;

function repoBody(repo: ReplicaRepo, base: string) {
  const [owner, name] = repo.fullName.split("/");
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name,
    full_name: repo.fullName,
    private: false,
    owner: { login: owner, id: repo.id * 10, type: "Organization" },
    html_url: `https://github.com/${repo.fullName}`,
    url: `${base}/repos/${repo.fullName}`,
    fork: false,
    archived: repo.archived ?? false,
    disabled: false,
    default_branch: repo.defaultBranch ?? "main",
    stargazers_count: repo.stars,
    watchers_count: repo.stars,
    forks_count: repo.forks,
    forks: repo.forks,
    open_issues_count: repo.openIssues,
    open_issues: repo.openIssues,
    created_at: repo.createdAt ?? DEFAULT_CREATED,
    pushed_at: [...repo.commits].sort().at(-1) ?? null,
  };
}

function commitBody(date: string, repo: ReplicaRepo, i: number) {
  const sha = (repo.id.toString(16) + i.toString(16)).padStart(40, "0");
  const who = { name: "Replica Committer", email: "replica@example.com", date };
  return { sha, commit: { author: who, committer: who, message: `commit ${i}` }, url: `/repos/${repo.fullName}/commits/${sha}` };
}

/** A date or date-time of a search qualifier; a date alone is that whole UTC day (its start or its end). */
function qualifierTime(text: string, end: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) + (end ? 86_399_999 : 0);
  return Date.parse(text);
}

/**
 * GitHub's date qualifiers (`merged:`, `closed:`, `created:`), at second granularity: `A..B` (both ends
 * inclusive, `*` open), `>=A`, `>A`, `<=A`, `<A`, or a bare date (that day).
 */
export function inRange(iso: string, range: string): boolean {
  const t = Date.parse(iso);
  let m: RegExpMatchArray | null;
  if ((m = range.match(/^(>=|<=|>|<)(.+)$/))) {
    const [, op, value] = m;
    if (op === ">=") return t >= qualifierTime(value!, false);
    if (op === ">") return t > qualifierTime(value!, true);
    if (op === "<=") return t <= qualifierTime(value!, true);
    return t < qualifierTime(value!, false);
  }
  const [from, to] = range.includes("..") ? range.split("..") : [range, range];
  return (!from || from === "*" || t >= qualifierTime(from, false)) && (!to || to === "*" || t <= qualifierTime(to, true));
}

/** A qualifier's value (`label:"Two words"` or `label:word`), or undefined when the query has none. */
function qualifier(q: string, name: string): string | undefined {
  const m = q.match(new RegExp(`(?:^|\\s)${name}:(?:"([^"]*)"|(\\S+))`));
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Every pull request of a repository as search sees it: the merged ones of `mergedAt`, and `pulls`. */
function pullsOf(repo: ReplicaRepo): ReplicaPullState[] {
  return [...repo.mergedAt.map((d) => ({ closedAt: d, mergedAt: d })), ...(repo.pulls ?? [])];
}

/**
 * A REST `q` or GraphQL ISSUE query over a repository's pull requests: repo:, is:pr, is:merged /
 * is:unmerged (unmerged: open, or closed without GitHub's merge), is:closed, label:, base:, merged:
 * and closed: ranges. undefined when the query names no known repository (REST: 422).
 */
function issueCount(q: string, find: (fullName: string) => ReplicaRepo | undefined): number | undefined {
  const repoQ = qualifier(q, "repo");
  const repo = repoQ ? find(repoQ) : undefined;
  const closed = qualifier(q, "closed");
  if (repo && /\bis:issue\b/.test(q)) {
    const created = qualifier(q, "created");
    return (repo.issues ?? []).filter((i) => (created === undefined || inRange(i.createdAt, created)) && (closed === undefined || (i.closedAt !== null && inRange(i.closedAt, closed)))).length;
  }
  if (!repo || !/\bis:pr\b/.test(q)) return undefined;
  const merged = qualifier(q, "merged");
  const label = qualifier(q, "label");
  const base = qualifier(q, "base");
  return pullsOf(repo).filter(
    (pr) =>
      (!/\bis:merged\b/.test(q) || pr.mergedAt !== undefined) &&
      (!/\bis:unmerged\b/.test(q) || pr.mergedAt === undefined) &&
      (!/\bis:closed\b/.test(q) || pr.closedAt !== null) &&
      (!/\bis:open\b/.test(q) || pr.closedAt === null) &&
      (merged === undefined || (pr.mergedAt !== undefined && inRange(pr.mergedAt, merged))) &&
      (closed === undefined || (pr.closedAt !== null && inRange(pr.closedAt, closed))) &&
      (label === undefined || (pr.labels ?? []).some((l) => l.toLowerCase() === label.toLowerCase())) &&
      (base === undefined || (pr.base ?? repo.defaultBranch ?? "main") === base),
  ).length;
}

/** A repository search's count: `created:` filters the creation dates of repositoryCreated; repositorySearch counts are created long ago. */
function repositoryCount(q: string, data: ReplicaData): number {
  const created = qualifier(q, "created");
  const plain = q.replace(/\s*(?:^|\s)created:\S+/, "").trim();
  const dates = data.repositoryCreated?.[plain];
  if (dates) return dates.filter((d) => created === undefined || inRange(d, created)).length;
  return data.repositorySearch[plain] ?? data.repositorySearch[q] ?? 0;
}

/** Distinct questions carrying any of `tags` (an OR) created at or before `todate` (unix seconds). */
function questionCount(data: ReplicaData, tags: string[], todate: number | undefined): number {
  const wanted = new Set(tags.map((t) => t.toLowerCase()));
  const old = Date.parse("2010-01-01T00:00:00Z") / 1000;
  let count = 0;
  for (const [tag, n] of Object.entries(data.tags)) if (wanted.has(tag) && (todate === undefined || old <= todate)) count += n;
  for (const q of data.questions ?? []) {
    if (q.tags.some((t) => wanted.has(t.toLowerCase())) && (todate === undefined || Date.parse(q.createdAt) / 1000 <= todate)) count += 1;
  }
  return count;
}

/**
 * The points a query costs by GitHub's documented formula: every connection asked for (a search,
 * history, issues, pullRequests...) is one request; their sum / 100, rounded, at least 1.
 */
export function graphqlCost(query: string): number {
  const connections = (query.match(/\b(search|history|issues|pullRequests|releases|refs)\s*\(/g) ?? []).length;
  return Math.max(1, Math.round(connections / 100));
}

const DEFAULT_CREATED = "2015-01-01T00:00:00Z";

function openPullsOf(r: ReplicaRepo): number {
  return r.openPullRequests ?? Math.floor(r.openIssues / 3);
}

/** The replica's data as the GraphQL fake's world: every repository under its name and its former names. */
function graphqlWorld(data: ReplicaData): FakeWorld {
  const repos: Record<string, FakeRepo> = {};
  for (const r of data.repos) {
    // REST's open_issues_count counts open pull requests too; GraphQL asks them apart and the client adds them up.
    const openPullRequests = openPullsOf(r);
    const repo: FakeRepo = {
      createdAt: r.createdAt ?? DEFAULT_CREATED,
      releases: r.releases ?? [],
      tags: r.tags ?? [],
      nameWithOwner: r.fullName,
      stars: r.stars,
      forks: r.forks,
      openIssues: r.openIssues - openPullRequests,
      openPullRequests,
      archived: r.archived ?? false,
      defaultBranch: r.commits.length === 0 ? null : (r.defaultBranch ?? "main"),
      commits: [...r.commits].sort((a, b) => Date.parse(b) - Date.parse(a)),
    };
    for (const name of [r.fullName, ...(r.formerNames ?? [])]) repos[name.toLowerCase()] = repo;
  }
  const find = (fullName: string) => {
    const repo = repos[fullName.toLowerCase()];
    // GitHub's search follows a rename only by the repository's current name.
    return repo && repo.nameWithOwner.toLowerCase() === fullName.toLowerCase() ? data.repos.find((r) => r.fullName === repo.nameWithOwner) : undefined;
  };
  return {
    repos,
    searches: {},
    // GraphQL's search does not refuse a repo: qualifier naming no repository (REST answers 422): it finds nothing.
    searchCount: (query, type) => (type === "REPOSITORY" ? repositoryCount(query, data) : (issueCount(query, find) ?? 0)),
  };
}

export async function startReplica(data: ReplicaData, options: ReplicaOptions = {}): Promise<Replica> {
  const requests: LoggedRequest[] = [];
  const attempts = new Map<string, number>();
  const clock = options.now ?? Date.now;
  /** Requests received and not answered yet, per budget. */
  const open = new Map<string, number>();
  const budget = { core: options.coreLimit ?? 5000, search: options.searchLimit ?? 30 };
  const used = { core: 0, search: 0 };
  const windows: Record<"core" | "search", { reset: number; used: number } | undefined> = { core: undefined, search: undefined };
  let quota = options.stackExchangeQuota ?? 10000;
  const byName = new Map(data.repos.map((r) => [r.fullName.toLowerCase(), r]));
  const formerly = new Map(data.repos.flatMap((r) => (r.formerNames ?? []).map((n) => [n.toLowerCase(), r] as const)));
  const byId = new Map(data.repos.map((r) => [r.id, r]));
  let base = "";

  const pulls: ReplicaPull[] = [];

  /**
   * POST /repos/{owner}/{repo}/pulls as GitHub answers it
   * (https://docs.github.com/rest/pulls/pulls#create-a-pull-request): 201 with the new pull request;
   * 401 without a token; 422 "Validation Failed" for a missing title, head or base, or when an open
   * pull request from that head into that base exists ("A pull request already exists for owner:head.").
   */
  function createPull(owner: string, name: string, requestBody: string, authorization: string | undefined): Answer {
    const route = "POST /repos/{owner}/{repo}/pulls";
    const docs = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
    if (!authorization) return { route, status: 401, body: { message: "Requires authentication", documentation_url: docs, status: "401" } };
    let asked: Record<string, unknown>;
    try {
      asked = JSON.parse(requestBody) as Record<string, unknown>;
    } catch {
      return { route, status: 400, body: { message: "Problems parsing JSON", documentation_url: docs, status: "400" } };
    }
    const missing = ["head", "base"].filter((f) => typeof asked[f] !== "string" || asked[f] === "");
    if (missing.length > 0 || typeof asked.title !== "string") {
      return { route, status: 422, body: { message: "Validation Failed", errors: missing.map((field) => ({ resource: "PullRequest", code: "missing_field", field })), documentation_url: docs, status: "422" } };
    }
    const repository = `${owner}/${name}`;
    if (pulls.some((q) => q.repository === repository && q.head === asked.head && q.base === asked.base)) {
      return { route, status: 422, body: { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${String(asked.head)}.` }], documentation_url: docs, status: "422" } };
    }
    const pull: ReplicaPull = { number: pulls.length + 1, repository, title: asked.title, head: String(asked.head), base: String(asked.base), body: typeof asked.body === "string" ? asked.body : "" };
    pulls.push(pull);
    return {
      route,
      status: 201,
      body: { number: pull.number, state: "open", title: pull.title, html_url: `https://github.com/${repository}/pull/${pull.number}`, head: { ref: pull.head }, base: { ref: pull.base } },
    };
  }

  /** A page of a list (per_page, page) with GitHub's Link header: next/last (and prev/first) when there is more than one page. */
  function paged(url: URL, route: string, all: unknown[]): Answer {
    const perPage = Number(url.searchParams.get("per_page") ?? 30);
    const page = Number(url.searchParams.get("page") ?? 1);
    const pages = Math.ceil(all.length / perPage);
    const link = (n: number) => {
      const u = new URL(url.toString());
      u.searchParams.set("page", String(n));
      return `<${base}${u.pathname}${u.search}>`;
    };
    const rels = [
      ...(page < pages ? [`${link(page + 1)}; rel="next"`, `${link(pages)}; rel="last"`] : []),
      ...(page > 1 ? [`${link(page - 1)}; rel="prev"`, `${link(1)}; rel="first"`] : []),
    ];
    return { route, status: 200, body: all.slice((page - 1) * perPage, page * perPage), ...(rels.length > 0 ? { headers: { link: rels.join(", ") } } : {}) };
  }

  function github(url: URL, method = "GET", requestBody = "", authorization?: string): Answer {
    const p = url.pathname;
    let m: RegExpMatchArray | null;
    if (method === "POST" && (m = p.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls$/))) return createPull(m[1]!, m[2]!, requestBody, authorization);
    const notFound = { message: "Not Found", documentation_url: "https://docs.github.com/rest/repos/repos#get-a-repository", status: "404" };
    if ((m = p.match(/^\/repositories\/(\d+)$/))) {
      const repo = byId.get(Number(m[1]));
      return { route: "GET /repositories/{id}", status: repo ? 200 : 404, body: repo ? repoBody(repo, base) : notFound };
    }
    if ((m = p.match(/^\/repos\/([^/]+)\/([^/]+)(\/commits|\/contributors|\/pulls|\/releases)?$/))) {
      const key = `${m[1]}/${m[2]}`.toLowerCase();
      const route = m[3] ? `GET /repos/{owner}/{repo}${m[3]}` : "GET /repos/{owner}/{repo}";
      const repo = byName.get(key);
      if (!repo) {
        const moved = formerly.get(key);
        if (moved) {
          const location = `${base}/repositories/${moved.id}${m[3] ?? ""}${url.search}`;
          return { route, status: 301, body: { message: "Moved Permanently", url: location, documentation_url: "https://docs.github.com/v3/#http-redirects" }, headers: { location } };
        }
        return { route, status: 404, body: notFound };
      }
      if (!m[3]) return { route, status: 200, body: repoBody(repo, base) };
      if (m[3] === "/contributors") {
        // GitHub answers an empty repository's contributors 204 No Content.
        if (repo.commits.length === 0) return { route, status: 204, body: "" };
        const all = Array.from({ length: repo.contributors ?? 0 }, (_, i) => ({ login: `contributor-${i}`, id: i + 1, type: "User", contributions: (repo.contributors ?? 0) - i }));
        return paged(url, route, all);
      }
      if (m[3] === "/pulls") {
        const state = url.searchParams.get("state") ?? "open";
        const open = state === "open" || state === "all" ? openPullsOf(repo) : 0;
        return paged(url, route, Array.from({ length: open }, (_, i) => ({ id: i + 1, number: i + 1, state: "open" })));
      }
      if (m[3] === "/releases") {
        // Newest first by created_at (the tagged commit's date); drafts have published_at null.
        const all = [...(repo.releases ?? [])]
          .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
          .map((r, i) => ({ id: i + 1, tag_name: `v${i}`, draft: r.publishedAt === null, prerelease: false, created_at: r.createdAt, published_at: r.publishedAt }));
        return paged(url, route, all);
      }
      if (repo.commits.length === 0) {
        return { route, status: 409, body: { message: "Git Repository is empty.", documentation_url: "https://docs.github.com/rest/commits/commits#list-commits", status: "409" } };
      }
      const sha = url.searchParams.get("sha");
      if (sha && sha !== (repo.defaultBranch ?? "main")) return { route, status: 404, body: { message: "No commit found for SHA: " + sha, status: "404" } };
      const until = url.searchParams.get("until");
      const since = url.searchParams.get("since");
      const all = repo.commits
        .filter((d) => (!until || Date.parse(d) <= Date.parse(until)) && (!since || Date.parse(d) >= Date.parse(since)))
        .sort((a, b) => Date.parse(b) - Date.parse(a));
      return paged(url, route, all.map((d, i) => commitBody(d, repo, i)));
    }
    if (p === "/search/issues" || p === "/search/repositories") {
      const route = `GET ${p}`;
      const q = url.searchParams.get("q") ?? "";
      if (p === "/search/repositories") {
        const total = repositoryCount(q, data);
        return { route, status: 200, body: { total_count: total, incomplete_results: false, items: [] } };
      }
      const total = issueCount(q, (name) => byName.get(name.toLowerCase()));
      if (total === undefined) {
        return {
          route,
          status: 422,
          body: {
            message: "Validation Failed",
            errors: [{ message: "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.", resource: "Search", field: "q", code: "invalid" }],
            documentation_url: "https://docs.github.com/v3/search/",
            status: "422",
          },
        };
      }
      return { route, status: 200, body: { total_count: total, incomplete_results: false, items: [] } };
    }
    return { route: `GET ${p}`, status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } };
  }

  /** The real API's answer once the day's quota is spent (tests/fixtures/stackexchange/error-throttle-quota.json). */
  function quotaSpent(route: string): Answer {
    const seconds = Math.ceil((DAY_MS - (clock() % DAY_MS)) / 1000);
    return { route, status: 400, body: { error_id: 502, error_message: `too many requests from this IP, more requests available in ${seconds} seconds`, error_name: "throttle_violation" } };
  }

  function stackExchange(url: URL): Answer {
    if (url.pathname === "/2.3/search/advanced") {
      const route = "GET /2.3/search/advanced";
      if (url.searchParams.get("site") !== "stackoverflow") return { route, status: 400, body: { error_id: 400, error_message: "site is required", error_name: "bad_parameter" } };
      const tagged = (url.searchParams.get("tagged") ?? "").split(";").filter(Boolean);
      const todateText = url.searchParams.get("todate");
      const todate = todateText === null ? undefined : Number(todateText);
      if (todate !== undefined && !Number.isInteger(todate)) return { route, status: 400, body: { error_id: 400, error_message: "todate", error_name: "bad_parameter" } };
      if (quota === 0) return quotaSpent(route);
      quota -= 1;
      const total = questionCount(data, tagged, todate);
      // The built-in filter "total" keeps only .total: no items, no quota fields.
      if (url.searchParams.get("filter") === "total") return { route, status: 200, body: { total } };
      return { route, status: 200, body: { items: [], has_more: total > 0, quota_max: options.stackExchangeQuota ?? 10000, quota_remaining: quota } };
    }
    const m = url.pathname.match(/^\/2\.3\/tags\/([^/]+)\/info$/);
    const route = "GET /2.3/tags/{tags}/info";
    if (!m) return { route: `GET ${url.pathname}`, status: 400, body: { error_id: 404, error_message: "no method found with this name", error_name: "no_method" } };
    if (url.searchParams.get("site") !== "stackoverflow") return { route, status: 400, body: { error_id: 400, error_message: "site is required", error_name: "bad_parameter" } };
    const names = m[1]!.split(";").map(decodeURIComponent);
    if (names.length > 100) return { route, status: 400, body: { error_id: 400, error_message: "ids", error_name: "bad_parameter" } };
    if (quota === 0) return quotaSpent(route);
    quota -= 1;
    const pageSize = Number(url.searchParams.get("pagesize") ?? 30);
    const items = names
      .filter((n) => data.tags[n] !== undefined)
      .sort((a, b) => data.tags[b]! - data.tags[a]!) // the API's default sort: popular
      .map((name) => ({ has_synonyms: false, is_moderator_only: false, is_required: false, count: data.tags[name]!, name }));
    return { route, status: 200, body: { items: items.slice(0, pageSize), has_more: items.length > pageSize, quota_max: options.stackExchangeQuota ?? 10000, quota_remaining: quota } };
  }

  /** The rate-limit headers of a windowed resource, and whether this request is over its budget. */
  function windowed(resource: "core" | "search", counts: boolean): { headers: Record<string, string>; over: boolean } | undefined {
    const rule = options.rateLimits?.[resource];
    if (!rule) return undefined;
    const now = clock() / 1000;
    let w = windows[resource];
    if (!w || now >= w.reset) w = windows[resource] = { reset: Math.floor(now) + rule.windowSeconds, used: 0 };
    const over = w.used >= rule.limit;
    if (!over && counts) w.used += 1;
    return {
      over,
      headers: {
        "x-ratelimit-limit": String(rule.limit),
        "x-ratelimit-remaining": String(Math.max(0, rule.limit - w.used)),
        "x-ratelimit-reset": String(w.reset),
        "x-ratelimit-used": String(w.used),
        "x-ratelimit-resource": resource,
      },
    };
  }

  // Parsed once per process, now rather than on the first POST: a client's short test timeout must not cover it.
  githubSchema();
  const graphqlLimit = options.graphqlLimit ?? 5000;
  let graphqlUsed = 0;
  const graphqlInvalid: string[] = [];

  /** Executes a posted query over the data as it is now, charging its points. */
  function graphql(text: string): Answer {
    const route = "POST /graphql";
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { route, status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/graphql" } };
    }
    const query = typeof (parsed as { query?: unknown })?.query === "string" ? (parsed as { query: string }).query : "";
    const cost = graphqlCost(query);
    graphqlUsed += cost;
    const world = graphqlWorld(data);
    world.rateLimit = () => ({ cost, remaining: Math.max(0, graphqlLimit - graphqlUsed), resetAt: new Date(RESET_EPOCH * 1000).toISOString().replace(".000Z", "Z"), limit: graphqlLimit, nodeCount: 0, used: graphqlUsed });
    const log = newLog();
    const result = graphqlAnswer(world, parsed, log);
    graphqlInvalid.push(...log.invalid);
    return { route, status: 200, body: result };
  }

  const server = http.createServer((req, res) => {
    // GraphQL queries come as POST bodies: read the body before answering.
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, requestBody: string): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const received = url.pathname;
    const api: RequestContext["api"] = url.pathname.startsWith("/se/") ? "stackexchange" : "github";
    const isGraphql = req.method === "POST" && url.pathname === "/api/graphql";
    url.pathname = url.pathname.replace(/^\/(api\/v3|api|se)(?=\/)/, "");
    const key = `${req.method} ${url.pathname}${url.search}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const route = isGraphql ? "POST /graphql" : undefined;
    const arrived = clock();
    const rest = isGraphql ? undefined : api === "github" ? github(url, req.method, requestBody, req.headers.authorization) : stackExchange(url);
    const fault = options.fault?.({ api, route: route ?? rest!.route, path: url.pathname + url.search, body: requestBody, attempt, headers: req.headers, now: arrived });
    // A fault that replaces the answer is not executed (nor charged).
    const answer: Answer = rest ?? (fault?.body !== undefined || fault?.raw !== undefined || fault?.reset ? { route: route!, status: 200, body: {} } : graphql(requestBody));
    const ifNoneMatch = typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : undefined;
    const resource = isGraphql ? "graphql" : url.pathname.startsWith("/search/") ? "search" : "core";
    const pool = api === "stackexchange" ? api : resource;
    const inFlight = open.get(pool) ?? 0;
    open.set(pool, inFlight + 1);
    let answered = false;
    // Answered as the answer is handed over (or once the connection ends: a stall, a client that gave up).
    const markAnswered = () => {
      if (answered) return;
      answered = true;
      open.set(pool, (open.get(pool) ?? 1) - 1);
    };
    res.on("close", markAnswered);

    let status = fault?.status ?? answer.status;
    let body = fault?.body ?? answer.body;
    if (fault?.patch && typeof body === "object" && body !== null && !Array.isArray(body)) body = { ...body, ...fault.patch };
    const text = fault?.raw ?? JSON.stringify(body);
    const etag = `"${createHash("sha1").update(text).digest("hex").slice(0, 32)}"`;
    const notModified = api === "github" && !isGraphql && status === 200 && !fault && ifNoneMatch === etag;
    if (notModified) status = 304;
    // GitHub does not count a 304 against the budget.
    const window = api === "github" && resource !== "graphql" ? windowed(resource, !notModified) : undefined;
    const rateLimited = window?.over === true && !fault?.reset;
    if (rateLimited) {
      status = 403;
      body = PRIMARY_LIMIT_BODY;
    }
    const logged: LoggedRequest = {
      api,
      route: answer.route,
      path: url.pathname + url.search,
      received,
      status: fault?.reset || fault?.stall ? 0 : status,
      authorization: req.headers.authorization,
      attempt,
      ifNoneMatch,
      ...(rateLimited ? { rateLimited } : {}),
      at: arrived,
      inFlight,
    };
    requests.push(logged);
    options.onRequest?.(logged, requests);

    const send = () => {
      if (fault?.reset && !rateLimited) {
        markAnswered();
        req.socket.destroy();
        return;
      }
      const payload = Buffer.from(rateLimited ? JSON.stringify(body) : text);
      let headers: Record<string, string>;
      if (api === "github") {
        let limits: Record<string, string>;
        if (window) {
          limits = window.headers;
        } else if (resource === "graphql") {
          limits = {
            "x-ratelimit-limit": String(graphqlLimit),
            "x-ratelimit-remaining": String(Math.max(0, graphqlLimit - graphqlUsed)),
            "x-ratelimit-reset": String(RESET_EPOCH),
            "x-ratelimit-used": String(graphqlUsed),
            "x-ratelimit-resource": "graphql",
          };
        } else {
          if (status !== 304) used[resource]++;
          limits = {
            "x-ratelimit-limit": String(budget[resource]),
            "x-ratelimit-remaining": String(Math.max(0, budget[resource] - used[resource])),
            "x-ratelimit-reset": String(RESET_EPOCH),
            "x-ratelimit-used": String(used[resource]),
            "x-ratelimit-resource": resource,
          };
        }
        headers = {
          "content-type": "application/json; charset=utf-8",
          "x-github-media-type": "github.v3; format=json",
          ...limits,
          ...(isGraphql ? {} : { etag }),
          ...answer.headers,
          ...(rateLimited ? {} : fault?.headers),
        };
      } else {
        // Stack Exchange always compresses.
        headers = { "content-type": "application/json; charset=utf-8", ...fault?.headers };
      }
      if (status === 304) {
        markAnswered();
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const gzip = api === "stackexchange" || fault?.gzip === true;
      const out = gzip ? gzipSync(payload) : payload;
      if (gzip) headers["content-encoding"] = "gzip";
      if (fault?.stall && !rateLimited) {
        res.writeHead(status, { ...headers, "content-length": String(out.length) });
        res.write(out.subarray(0, Math.floor(out.length / 2)));
        return; // the rest never comes: the client's timeout must end it
      }
      markAnswered();
      res.writeHead(status, headers);
      res.end(out);
    };
    const delay = (options.latencyMs ?? 0) + (fault?.delayMs ?? 0);
    if (delay > 0) setTimeout(send, delay);
    else send();
  }
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}/api/v3`;
  return {
    githubUrl: base,
    graphqlUrl: `http://127.0.0.1:${port}/api/graphql`,
    graphqlInvalid,
    stackExchangeUrl: `http://127.0.0.1:${port}/se`,
    requests,
    data,
    pulls,
    resetStackExchangeQuota: () => {
      quota = options.stackExchangeQuota ?? 10000;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { STATUS_CODES } from "node:http";
import { Octokit } from "@octokit/rest";
import { FetchError, type GitHubSource, type GitHubStats, type RateBudget, type RateResource, type SearchCount } from "./types.js";
import { Pacer } from "./pacer.js";
import { apiPath, createTransport } from "./transport.js";
import type { EtagStore } from "./etags.js";
import type { Clock } from "./clock.js";
import { DEFAULT_CAPS, type BodyCap } from "./body.js";
import { RELEASES_PAGE, summarizeReleases } from "./releases.js";

export interface GitHubOptions {
  baseUrl: string;
  token?: string;
  userAgent: string;
  log?: (line: string) => void;
  /** Per HTTP attempt, body included. Default 30000. */
  timeoutMs?: number;
  /** A rate limit whose reset is further away than this stops that resource for the run. Default 900. */
  maxRateLimitWaitSeconds?: number;
  /** Largest answer read. Default DEFAULT_CAPS.github. */
  maxBody?: BodyCap;
  /** Extra attempts after a 5xx/network error, and the most rate-limit waits for one request. Default 3. */
  retries?: number;
  /** First retry delay after a transient failure, doubled each time, jittered. Default 1000. */
  retryBaseMs?: number;
  /** How long one second of retry-after lasts. Default 1000 (tests inject a fake clock instead of shrinking it). */
  secondMs?: number;
  /** Waited past a rate-limit reset before sending again. Default 1000. */
  resetMarginMs?: number;
  /** Requests in flight at once. Default 8. */
  maxConcurrent?: number;
  /** Stopped (Ctrl-C): no new request is sent and waits end; the calls fail with kind "aborted". */
  signal?: AbortSignal;
  /** ETags remembered between runs, for conditional requests. */
  etags?: EtagStore;
  /** Source of the retry jitter. */
  random?: () => number;
  /** Read for rate-limit resets, waited on for resets, holds and retries. Default: the real clock; tests inject a fake one. */
  clock?: Clock;
  /**
   * A search GitHub reports as incomplete_results is asked again this many times before its count is
   * taken (flagged). Default 1.
   */
  incompleteRetries?: number;
}

/** The documented budgets, assumed until GitHub's headers say otherwise. */
export const DOCUMENTED_LIMITS = {
  token: { core: 5000, search: 30 },
  anonymous: { core: 60, search: 10 },
} as const;

/** `START..END` for instants in (since, until]: search qualifiers have whole seconds and include both ends. */
export function searchRange(since: string, until: string): string {
  const start = Math.floor(instant(since, "since") / 1000) * 1000 + 1000;
  const end = Math.floor(instant(until, "until") / 1000) * 1000;
  return `${searchTime(start)}..${searchTime(end)}`;
}

/** `repo:OWNER/NAME is:pr is:merged merged:START..END` for merges in (since, until], into `base` when given. */
export function mergedQuery(fullName: string, since: string, until: string, base?: string): string {
  return `repo:${fullName} is:pr is:merged merged:${searchRange(since, until)}${base ? ` base:${base}` : ""}`;
}

/**
 * PRs closed without GitHub's merge in (since, until] that carry `label` (a bot that lands the change
 * and closes the PR labels it, e.g. pytorchmergebot's "Merged"). is:unmerged excludes merged PRs, so
 * this and mergedQuery never count one PR twice.
 */
export function labelledQuery(fullName: string, since: string, until: string, label: string, base?: string): string {
  return `repo:${fullName} is:pr is:closed is:unmerged label:"${label}" closed:${searchRange(since, until)}${base ? ` base:${base}` : ""}`;
}

/** Issues (not pull requests) opened in (since, until], or closed in it: `created:` and `closed:` of the search. */
export function issuesQuery(fullName: string, which: "created" | "closed", since: string, until: string): string {
  return `repo:${fullName} is:issue ${which}:${searchRange(since, until)}`;
}

/** Every PR closed without GitHub's merge in (since, until]: what the bot-landed check compares with the merged count. */
export function unmergedQuery(fullName: string, since: string, until: string): string {
  return `repo:${fullName} is:pr is:closed is:unmerged closed:${searchRange(since, until)}`;
}

/** A repository search as of asOf: the repositories that exist now and were created by then. */
export function repositoryQueryAsOf(query: string, asOf: string): string {
  return `${query} created:<=${searchTime(Math.floor(instant(asOf, "asOf") / 1000) * 1000)}`;
}

/** The page count in a Link header's rel="last" (GitHub's pagination), or undefined when there is none. */
export function lastPage(link: string | null | undefined): number | undefined {
  const match = link ? /<([^>]+)>;\s*rel="last"/.exec(link) : null;
  if (!match) return undefined;
  const page = Number(new URL(match[1]!, "http://x").searchParams.get("page"));
  return Number.isInteger(page) && page > 0 ? page : undefined;
}

function instant(text: string, what: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new FetchError("invalid", `github: ${what} is not a date-time: ${JSON.stringify(text)}`);
  return ms;
}

function searchTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function splitName(fullName: string): { owner: string; repo: string } {
  const parts = fullName.split("/");
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo) {
    throw new FetchError("invalid", `github: not an owner/name repository: ${JSON.stringify(fullName)}`);
  }
  return { owner, repo };
}

export function createGitHub(options: GitHubOptions): GitHubSource {
  const log = options.log ?? (() => {});
  const token = options.token;
  const maxWait = options.maxRateLimitWaitSeconds ?? 900;
  const incompleteRetries = options.incompleteRetries ?? 1;
  const counts: Record<RateResource, number> = { core: 0, search: 0 };
  let notModified = 0;
  const budget: GitHubStats["budget"] = {};
  const scrubbed = (text: string) => scrub(text, token);

  const recordBudget = (resource: RateResource, headers: Headers): void => {
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const limit = Number(headers.get("x-ratelimit-limit"));
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (headers.get("x-ratelimit-remaining") === null || ![remaining, limit, reset].every(Number.isFinite)) return;
    const named = headers.get("x-ratelimit-resource") ?? resource;
    if (named !== "core" && named !== "search") return;
    const entry: RateBudget = { remaining, limit, resetAt: new Date(reset * 1000).toISOString() };
    budget[named] = entry;
  };

  const pacer = new Pacer({
    limits: token ? DOCUMENTED_LIMITS.token : DOCUMENTED_LIMITS.anonymous,
    maxWaitMs: maxWait * 1000,
    resetMarginMs: options.resetMarginMs,
    maxConcurrent: options.maxConcurrent,
    log: (line) => log(scrubbed(line)),
    signal: options.signal,
    clock: options.clock,
  });

  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const transport = createTransport({
    baseUrl,
    maxBody: options.maxBody ?? DEFAULT_CAPS.github,
    pacer,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 1000,
    secondMs: options.secondMs ?? 1000,
    signal: options.signal,
    log: (line) => log(scrubbed(line)),
    etags: options.etags,
    compact: (url, body) => compactBody(url, body, baseUrl),
    random: options.random,
    clock: options.clock,
    onRequest: (resource) => void (counts[resource] += 1),
    onResponse: recordBudget,
    onNotModified: () => void (notModified += 1),
    scrub: scrubbed,
  });

  const octokit = new Octokit({
    baseUrl,
    userAgent: options.userAgent,
    ...(token ? { auth: token } : {}),
    request: { fetch: transport },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log(`github: ${scrubbed(message)}`),
      // plugin-request-log reports every failed response here; the FetchError thrown says it better.
      error: () => {},
    },
  });

  async function call<T>(what: string, hint: Partial<Record<number, string>>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toFetchError(error, what, hint, token);
    }
  }

  /** A 2xx whose body is not what the endpoint returns (a proxy's page, a changed API): no figure from it. */
  const unexpected = (what: string, field: string) => new FetchError("unavailable", scrubbed(`${what}: unexpected response (no ${field})`));

  async function search(what: string, run: () => Promise<{ data: unknown }>): Promise<SearchCount> {
    for (let attempt = 0; ; attempt++) {
      const { data } = await call(what, {}, run);
      const d = data as { total_count?: unknown; incomplete_results?: unknown } | null;
      // A number out of range is the collector's to refuse (figures.ts), naming the value.
      if (typeof d?.total_count !== "number") throw unexpected(what, "total_count");
      const incomplete = d.incomplete_results === true;
      // GitHub's search timed out and the count may be low: ask again before settling for it (flagged).
      if (incomplete && attempt < incompleteRetries && !options.signal?.aborted) {
        log(`github: ${what}: incomplete_results; asking again`);
        continue;
      }
      return { count: d.total_count, incomplete };
    }
  }

  const repoHint = { 404: "does the repository exist? is it private?" };

  return {
    async repository(fullName) {
      const { owner, repo } = splitName(fullName);
      const what = `GET /repos/${owner}/${repo}`;
      const { data } = await call(what, repoHint, () => octokit.rest.repos.get({ owner, repo }));
      const d = data as Partial<typeof data> | null;
      for (const field of ["stargazers_count", "forks_count", "open_issues_count"] as const) {
        if (typeof d?.[field] !== "number") throw unexpected(what, field);
      }
      if (typeof d?.full_name !== "string" || typeof d.default_branch !== "string") throw unexpected(what, "full_name");
      return {
        fullName: data.full_name,
        defaultBranch: data.default_branch,
        stars: data.stargazers_count,
        forks: data.forks_count,
        openIssues: data.open_issues_count,
        archived: data.archived === true,
        ...(typeof d.created_at === "string" ? { createdAt: d.created_at } : {}),
      };
    },

    async lastCommitAt(fullName, branch, until) {
      const { owner, repo } = splitName(fullName);
      const what = `GET /repos/${owner}/${repo}/commits`;
      const { data } = await call(what, { 404: "does the repository or branch exist?" }, () =>
        octokit.rest.repos.listCommits({ owner, repo, sha: branch, ...(until !== undefined ? { until } : {}), per_page: 1 }),
      );
      if (!Array.isArray(data)) throw unexpected(what, "commit list");
      const date = data[0]?.commit?.committer?.date;
      if (data.length > 0 && typeof date !== "string") throw unexpected(what, "committer date");
      return date ?? null;
    },

    async commitCount(fullName, branch, since, until) {
      const { owner, repo } = splitName(fullName);
      const what = `GET /repos/${owner}/${repo}/commits (since ${since}, until ${until})`;
      const exclusive = new Date(Math.floor(instant(since, "since") / 1000) * 1000 + 1000).toISOString();
      const response = await call(what, { 404: "does the repository or branch exist?" }, () =>
        octokit.rest.repos.listCommits({ owner, repo, sha: branch, since: exclusive, until, per_page: 1 }),
      );
      return pagesOf(what, "commit list", response);
    },

    async listCount(fullName, list) {
      const { owner, repo } = splitName(fullName);
      const what = list === "contributors" ? `GET /repos/${owner}/${repo}/contributors?anon=true` : `GET /repos/${owner}/${repo}/pulls?state=open`;
      type Page = { status: number; data: unknown; headers: unknown };
      const response = await call<Page>(what, { 404: "does the repository exist?" }, () =>
        list === "contributors" ? octokit.rest.repos.listContributors({ owner, repo, anon: "true", per_page: 1 }) : octokit.rest.pulls.list({ owner, repo, state: "open", per_page: 1 }),
      );
      // An empty repository's contributors: 204 No Content.
      if (response.status === 204) return 0;
      return pagesOf(what, list === "contributors" ? "contributor list" : "pull request list", response);
    },

    async releases(fullName, since, until) {
      const { owner, repo } = splitName(fullName);
      const what = `GET /repos/${owner}/${repo}/releases`;
      const { data } = await call(what, { 404: "does the repository exist?" }, () => octokit.rest.repos.listReleases({ owner, repo, per_page: RELEASES_PAGE }));
      if (!Array.isArray(data)) throw unexpected(what, "release list");
      const releases = (data as { published_at?: unknown }[]).map((r) => {
        if (r?.published_at !== null && typeof r?.published_at !== "string") throw unexpected(what, "published_at");
        return { publishedAt: r.published_at };
      });
      return summarizeReleases(releases, since, until);
    },

    async mergedPullRequests(fullName, since, until, base) {
      splitName(fullName);
      const q = mergedQuery(fullName, since, until, base);
      return search(`GET /search/issues (q: ${q})`, () => octokit.rest.search.issuesAndPullRequests({ q, per_page: 1 }));
    },

    async issueCount(q) {
      return search(`GET /search/issues (q: ${q})`, () => octokit.rest.search.issuesAndPullRequests({ q, per_page: 1 }));
    },

    async repositoryCount(query) {
      return search(`GET /search/repositories (q: ${query})`, () => octokit.rest.search.repos({ q: query, per_page: 1 }));
    },

    stats() {
      return {
        core: counts.core,
        search: counts.search,
        budget: Object.fromEntries(Object.entries(budget).map(([k, v]) => [k, { ...v }])),
        notModified,
        stopped: pacer.stopped(),
      };
    },
  };
}

/** A list asked one entry a page: the Link header's last page is the count; no Link means one page or none. */
function pagesOf(what: string, field: string, response: { data: unknown; headers: unknown }): number {
  if (!Array.isArray(response.data)) throw new FetchError("unavailable", `${what}: unexpected response (no ${field})`);
  const link = (response.headers as Record<string, string | undefined>).link;
  const last = lastPage(link);
  if (link && last === undefined && /rel="next"/.test(link)) throw new FetchError("unavailable", `${what}: unexpected response (no rel="last" in the Link header)`);
  return last ?? response.data.length;
}

/** What the methods below read of each response: all the ETag cache needs to keep. */
export function compactBody(url: string, body: string, baseUrl: string): string {
  try {
    const path = apiPath(url, baseUrl);
    const data = JSON.parse(body) as Record<string, unknown> | Record<string, unknown>[];
    if (path.startsWith("/search/") && !Array.isArray(data)) {
      return JSON.stringify({ total_count: data.total_count, incomplete_results: data.incomplete_results, items: [] });
    }
    if (/^\/repos\/[^/]+\/[^/]+\/releases$/.test(path) && Array.isArray(data)) {
      return JSON.stringify(data.map((r) => ({ published_at: r.published_at })));
    }
    if (/^\/repos\/[^/]+\/[^/]+\/(contributors|pulls)$/.test(path) && Array.isArray(data)) {
      return JSON.stringify(data.slice(0, 1).map((c) => ({ id: c.id })));
    }
    if (/^\/repos\/[^/]+\/[^/]+\/commits$/.test(path) && Array.isArray(data)) {
      return JSON.stringify(data.slice(0, 1).map((c) => ({ sha: c.sha, commit: { committer: { date: (c.commit as { committer?: { date?: unknown } } | undefined)?.committer?.date } } })));
    }
    if (/^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)$/.test(path) && !Array.isArray(data)) {
      const keep = ["id", "full_name", "default_branch", "stargazers_count", "forks_count", "open_issues_count", "archived", "created_at"];
      return JSON.stringify(Object.fromEntries(keep.filter((k) => k in data).map((k) => [k, data[k]])));
    }
  } catch {
    // not JSON: kept as is
  }
  return body;
}

interface ErrorShape {
  status?: number;
  message?: string;
  cause?: unknown;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/**
 * Builds the message from the request line we chose and GitHub's own `message` only: octokit's
 * RequestError carries the request options (headers included), so nothing of it is passed along.
 */
function toFetchError(error: unknown, what: string, hint: Partial<Record<number, string>>, token: string | undefined): FetchError {
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorShape;
  const make = (kind: FetchError["kind"], text: string, withStatus: number | undefined) =>
    new FetchError(kind, scrub(`${what}: ${text}`, token).replace(/\s+/g, " ").trim(), withStatus);
  // The transport's own failures (retries spent, resource stopped, run stopped) reach here wrapped by octokit.
  const own = error instanceof FetchError ? error : e.cause instanceof FetchError ? e.cause : undefined;
  if (own) return make(own.kind, own.message, own.status);
  const response = e.response;
  const status = typeof e.status === "number" ? e.status : undefined;

  if (!response || status === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return make("unavailable", `no response (${reason})`, undefined);
  }
  const headers = response.headers ?? {};
  const data = response.data as { message?: unknown; errors?: unknown } | undefined;
  const ghMessage = typeof data?.message === "string" && data.message ? data.message : (STATUS_CODES[status] ?? "error");
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((d: { message?: string; resource?: string; field?: string; code?: string }) =>
          d.message ?? [d.resource, d.field, d.code].filter(Boolean).join(" "),
        )
        .filter(Boolean)
        .join("; ")
    : "";
  let text = `${status} ${ghMessage}${details ? `: ${details}` : ""}`;
  if (hint[status]) text += ` (${hint[status]})`;

  const rateLimited =
    status === 429 ||
    (status === 403 && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /secondary rate limit|abuse detection/i.test(ghMessage)));
  if (rateLimited) {
    const reset = Number(headers["x-ratelimit-reset"]);
    if (headers["x-ratelimit-remaining"] === "0" && Number.isFinite(reset) && reset > 0) {
      text += ` (resets at ${new Date(reset * 1000).toISOString()})`;
    }
    return make("rate-limited", text, status);
  }
  if (status === 404) return make("not-found", text, status);
  if (status === 409) return make("empty", text, status);
  if (status === 401) return make("auth", `${text} (is the GitHub token valid?)`, status);
  if (status >= 400 && status < 500) return make("invalid", text, status);
  return make("unavailable", text, status);
}

function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("***") : text;
}

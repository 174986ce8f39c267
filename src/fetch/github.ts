import { STATUS_CODES } from "node:http";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { FetchError, type GitHubSource, type GitHubStats, type RateBudget, type SearchCount } from "./types.js";

export interface GitHubOptions {
  baseUrl: string;
  token?: string;
  userAgent: string;
  log?: (line: string) => void;
  /** Per HTTP attempt, body included. Default 30000. */
  timeoutMs?: number;
  /** A rate limit whose reset is further away than this fails the request instead. Default 900. */
  maxRateLimitWaitSeconds?: number;
  /** Extra attempts after a 5xx/network error, and after each kind of rate limit. Default 3. */
  retries?: number;
  /**
   * How long one second of waiting lasts (rate-limit resets, retry-after, retry back-off of 1, 4, 9 s).
   * Default 1000; tests shrink it so they don't sleep for real.
   */
  secondMs?: number;
}

type Resource = "core" | "search";

// Each client gets its own throttling id: the plugin keeps its limiter groups module-wide, keyed by id.
let clients = 0;

/** `repo:OWNER/NAME is:pr is:merged merged:START..END` for merges in (since, until]; search has whole seconds. */
export function mergedQuery(fullName: string, since: string, until: string): string {
  const start = Math.floor(instant(since, "since") / 1000) * 1000 + 1000;
  const end = Math.floor(instant(until, "until") / 1000) * 1000;
  return `repo:${fullName} is:pr is:merged merged:${searchTime(start)}..${searchTime(end)}`;
}

function instant(text: string, what: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new FetchError("invalid", `github: ${what} is not a date-time: ${JSON.stringify(text)}`);
  return ms;
}

function searchTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function resourceOf(url: string): Resource {
  return new URL(url, "http://github.invalid").pathname.startsWith("/search/") ? "search" : "core";
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
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 900;
  const retries = options.retries ?? 3;
  const secondMs = options.secondMs ?? 1000;
  const token = options.token;
  const counts: Record<Resource, number> = { core: 0, search: 0 };
  const budget: GitHubStats["budget"] = {};

  const recordBudget = (url: string, headers: Record<string, string | number | undefined> | undefined): void => {
    if (!headers) return;
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const limit = Number(headers["x-ratelimit-limit"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (headers["x-ratelimit-remaining"] === undefined || ![remaining, limit, reset].every(Number.isFinite)) return;
    const resource = String(headers["x-ratelimit-resource"] ?? resourceOf(url));
    if (resource !== "core" && resource !== "search") return;
    const entry: RateBudget = { remaining, limit, resetAt: new Date(reset * 1000).toISOString() };
    budget[resource] = entry;
  };

  // Registered before throttling and retry so it sits innermost and sees every attempt they make.
  const counter = (octokit: { hook: Octokit["hook"] }): void => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const url = requestOptions.url;
      counts[resourceOf(url)] += 1;
      try {
        const response = await request(requestOptions);
        recordBudget(url, response.headers);
        return response;
      } catch (error) {
        recordBudget(url, (error as { response?: { headers?: Record<string, string> } }).response?.headers);
        throw error;
      }
    });
  };

  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    // Looked up per call, not captured, so interceptors installed later (tests) still apply.
    return globalThis.fetch(input, { ...init, signal }).then((response) => {
      // fetch follows a 301 (renamed repository) inside one attempt, but GitHub counts both requests.
      if (response.redirected) counts[resourceOf(String(input instanceof Request ? input.url : input))] += 1;
      return response;
    });
  };

  const Client = Octokit.plugin(counter, throttling, retry);
  const octokit = new Client({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: options.userAgent,
    ...(token ? { auth: token } : {}),
    request: { fetch: timedFetch },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log(`github: ${scrub(message, token)}`),
      // plugin-request-log reports every failed response here; the FetchError thrown says it better.
      error: () => {},
    },
    throttle: {
      id: `showdown-${++clients}`,
      retryAfterBaseValue: secondMs,
      onRateLimit: (retryAfter, requestOptions, _octokit, retryCount) => {
        const resource = resourceOf(requestOptions.url);
        if (retryCount >= retries) {
          log(`github: ${resource} rate limit reached again after ${retryCount} waits; giving up`);
          return false;
        }
        if (retryAfter > maxWait) {
          log(`github: ${resource} rate limit reached; it resets in ${retryAfter} s, more than the ${maxWait} s allowed; giving up`);
          return false;
        }
        log(`github: ${resource} rate limit reached; waiting ${retryAfter} s`);
        return true;
      },
      onSecondaryRateLimit: (retryAfter, requestOptions, _octokit, retryCount) => {
        const resource = resourceOf(requestOptions.url);
        if (retryCount >= retries) {
          log(`github: ${resource} secondary rate limit reached ${retryCount + 1} times; giving up`);
          return false;
        }
        if (retryAfter > maxWait) {
          log(`github: ${resource} secondary rate limit reached; retry-after ${retryAfter} s is more than the ${maxWait} s allowed; giving up`);
          return false;
        }
        log(`github: ${resource} secondary rate limit reached; waiting ${retryAfter} s`);
        return true;
      },
    },
    retry: {
      retries,
      retryAfterBaseValue: secondMs,
      // 429 is the throttling plugin's to wait out; retrying it here too would double the attempts.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  });

  async function call<T>(what: string, hint: Partial<Record<number, string>>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toFetchError(error, what, hint, token);
    }
  }

  const repoHint = { 404: "does the repository exist? is it private?" };

  return {
    async repository(fullName) {
      const { owner, repo } = splitName(fullName);
      const { data } = await call(`GET /repos/${owner}/${repo}`, repoHint, () => octokit.rest.repos.get({ owner, repo }));
      return {
        fullName: data.full_name,
        defaultBranch: data.default_branch,
        stars: data.stargazers_count,
        forks: data.forks_count,
        openIssues: data.open_issues_count,
        archived: data.archived,
      };
    },

    async lastCommitAt(fullName, branch, until) {
      const { owner, repo } = splitName(fullName);
      const { data } = await call(`GET /repos/${owner}/${repo}/commits`, { 404: "does the repository or branch exist?" }, () =>
        octokit.rest.repos.listCommits({ owner, repo, sha: branch, until, per_page: 1 }),
      );
      return data[0]?.commit.committer?.date ?? null;
    },

    async mergedPullRequests(fullName, since, until) {
      splitName(fullName);
      const q = mergedQuery(fullName, since, until);
      const { data } = await call(`GET /search/issues (q: ${q})`, {}, () => octokit.rest.search.issuesAndPullRequests({ q, per_page: 1 }));
      return searchCount(data);
    },

    async repositoryCount(query) {
      const { data } = await call(`GET /search/repositories (q: ${query})`, {}, () => octokit.rest.search.repos({ q: query, per_page: 1 }));
      return searchCount(data);
    },

    stats() {
      return {
        core: counts.core,
        search: counts.search,
        budget: Object.fromEntries(Object.entries(budget).map(([k, v]) => [k, { ...v }])),
      };
    },
  };
}

function searchCount(data: { total_count: number; incomplete_results: boolean }): SearchCount {
  return { count: data.total_count, incomplete: data.incomplete_results };
}

interface ErrorShape {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/**
 * Builds the message from the request line we chose and GitHub's own `message` only: octokit's
 * RequestError carries the request options (headers included), so nothing of it is passed along.
 */
function toFetchError(error: unknown, what: string, hint: Partial<Record<number, string>>, token: string | undefined): FetchError {
  if (error instanceof FetchError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorShape;
  const response = e.response;
  const status = typeof e.status === "number" ? e.status : undefined;
  const make = (kind: FetchError["kind"], text: string, withStatus: number | undefined) =>
    new FetchError(kind, scrub(`${what}: ${text}`, token).replace(/\s+/g, " ").trim(), withStatus);

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
    (status === 403 && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || /secondary rate limit/i.test(ghMessage)));
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

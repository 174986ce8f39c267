/**
 * GitHub figures through GraphQL, many repositories per request (issue 7: fewest possible API calls).
 * The REST client (github.ts) makes about seven requests per project; this one asks for a whole batch
 * of repositories, their merged-PR searches and the cohort's repository counts in one POST.
 *
 * graphql-query.ts builds the query and reads the answer; graphql-errors.ts sorts what went wrong.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import pLimit from "p-limit";
import { aliasError, classify, fetchError, resetFromHeaders, scrub, type GraphqlErrorShape } from "./graphql-errors.js";
import {
  buildBatchQuery,
  describeItem,
  estimateCost,
  parseBatch,
  parseRateLimit,
  repositoryItem,
  type BatchItem,
  type ItemResult,
  type RateLimitInfo,
  type RepoFigures,
  type RepoFiguresRequest,
} from "./graphql-query.js";
import { mergedQuery } from "./github.js";
import { FetchError, type RateBudget, type SearchCount } from "./types.js";

export type { RepoFigures, RepoFiguresRequest } from "./graphql-query.js";

export interface BatchGitHub {
  /** Every request in as few GraphQL requests as the limits allow; one entry per request, in order: the figures or a FetchError for that repository only. */
  repositories(requests: RepoFiguresRequest[]): Promise<(RepoFigures | FetchError)[]>;
  /** repositoryCount of each repository search, in order. */
  repositoryCounts(queries: string[]): Promise<(SearchCount | FetchError)[]>;
  /** POSTs sent (retries included); the last rate-limit state GitHub reported, with `cost` = points this client spent. */
  stats(): { graphql: number; budget?: RateBudget & { cost: number } };
}

export interface GraphqlGitHubOptions {
  /** The GraphQL endpoint: https://api.github.com/graphql, or https://HOST/api/graphql on GHES (see githubGraphqlUrl). */
  graphqlUrl: string;
  token: string;
  userAgent: string;
  log?: (line: string) => void;
  /** Per HTTP attempt, body included. Default 30000 (GitHub itself gives up on a query after 10 s). */
  timeoutMs?: number;
  /** Extra attempts: after a 5xx/network error (octokit's retry), after each rate limit, for a lone item that timed out. Default 3. */
  retries?: number;
  /** Alias groups (a repository with its merged-PR search, or one repository count) per query. Default DEFAULT_BATCH_SIZE. */
  batchSize?: number;
  /** Queries in flight at once. Default 2. (octokit's throttling also starts GraphQL POSTs at least 1 s apart.) */
  concurrency?: number;
  /** Points left untouched: a batch is not sent when the budget minus its expected cost would fall below this. Default 10. */
  minRemaining?: number;
  /** A rate-limit reset further away than this fails the batches instead of waiting for it. Default 900. */
  maxWaitSeconds?: number;
  /** How long one second of waiting lasts (resets, back-off). Default 1000; tests shrink it. */
  secondMs?: number;
}

/**
 * 50 alias groups per query. The documented limits, worked through:
 * - Nodes (max 500,000 a query): a group asks history(first: 1), 1 node, and search(first: 0), none;
 *   50 groups request at most 50 nodes. Not the constraint; neither would 1,000 groups be.
 * - Points (cost = connections / 100, rounded, at least 1; 5,000 points an hour): a group opens at most
 *   4 connections (issues, pullRequests, history, search), so 50 groups = 200 connections = 2 points;
 *   5,000 points pay for 2,500 such queries an hour. Not the constraint either.
 * - Time (GitHub ends a query after 10 s with a 502/504, and charges extra points for it): the
 *   searches and history walks are the slow part. 50 groups is at most 100 of them, so a query
 *   stays within 10 s as long as each takes under 100 ms when GitHub resolves them one after another.
 *   That is the constraint, and the reason not to go higher. A query that times out anyway is
 *   retried in halves, so a size that was too optimistic costs one failed request, not figures.
 * A cohort of 16 projects, each with a numerics repository, is 48 groups (16 x 4 + 16 x 2 + 16 x 1 =
 * 112 connections, 1 point): one POST, where REST needs 112 requests.
 */
export const DEFAULT_BATCH_SIZE = 50;

interface Job {
  item: BatchItem;
  resolve: (result: ItemResult) => void;
}

/** What the client knows of the points left; cleared after waiting out a reset. */
interface Gate {
  remaining: number;
  resetAt: string;
}

// Each client gets its own throttling id: the plugin keeps its limiter groups module-wide, keyed by id.
let clients = 0;

/** `${baseUrl}/graphql` is where octokit posts; an endpoint not ending in /graphql is posted to as given. */
function endpointOptions(graphqlUrl: string): { baseUrl: string; url?: string } {
  const url = graphqlUrl.replace(/\/+$/, "");
  if (/\/graphql$/.test(url)) return { baseUrl: url.slice(0, -"/graphql".length) };
  return { baseUrl: new URL(url).origin, url };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function renamed(requested: RepoFiguresRequest, figures: RepoFigures): boolean {
  return requested.fullName.toLowerCase() !== figures.fullName.toLowerCase();
}

export function createGraphqlGitHub(options: GraphqlGitHubOptions): BatchGitHub {
  const log = options.log ?? (() => {});
  const token = options.token;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = options.concurrency ?? 2;
  const minRemaining = options.minRemaining ?? 10;
  const maxWait = options.maxWaitSeconds ?? 900;
  const secondMs = options.secondMs ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number >= 1, not ${batchSize}`);
  const endpoint = endpointOptions(options.graphqlUrl);
  const url = endpoint.url ?? `${endpoint.baseUrl}/graphql`;
  const limit = pLimit(concurrency);

  let posts = 0;
  let spent = 0;
  let last: RateLimitInfo | undefined;
  let gate: Gate | undefined;
  /** Expected points of the queries in flight: the last answer's `remaining` does not include them yet. */
  let reserved = 0;
  /**
   * How much more GitHub charged than the documented formula predicted, at most (1 when it kept to
   * it): estimates follow if GitHub counts searches, say, as more than one request.
   */
  let costFactor = 1;

  const lower = (remaining: number, resetAt: string): void => {
    // Answers can arrive out of order: within one window the smallest remaining is the latest truth.
    if (!gate || Date.parse(resetAt) > Date.parse(gate.resetAt)) gate = { remaining, resetAt };
    else if (resetAt === gate.resetAt) gate = { remaining: Math.min(gate.remaining, remaining), resetAt };
  };

  const counter = (octokit: { hook: Octokit["hook"] }): void => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      posts += 1;
      const fromHeaders = (headers: Record<string, string | number | undefined> | undefined) => {
        const remaining = Number(headers?.["x-ratelimit-remaining"]);
        const resetAt = resetFromHeaders(headers);
        if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining) && resetAt) lower(remaining, resetAt);
      };
      try {
        const response = await request(requestOptions);
        fromHeaders(response.headers);
        return response;
      } catch (error) {
        fromHeaders((error as { response?: { headers?: Record<string, string> } }).response?.headers);
        throw error;
      }
    });
  };

  const timedFetch: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    // Looked up per call, not captured, so interceptors installed later (tests) still apply.
    return globalThis.fetch(input, { ...init, signal });
  };

  const Client = Octokit.plugin(counter, throttling, retry);
  const octokit = new Client({
    baseUrl: endpoint.baseUrl,
    userAgent: options.userAgent,
    auth: token,
    request: { fetch: timedFetch },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log(`github graphql: ${scrub(message, token)}`),
      error: () => {},
    },
    throttle: {
      id: `showdown-graphql-${++clients}`,
      retryAfterBaseValue: secondMs,
      // Primary limits (RATE_LIMITED with HTTP 200, or remaining 0) are handled below, for both error
      // types and with the reset from the body when headers lack it; the plugin only knows RATE_LIMITED.
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
        if (retryCount >= retries) {
          log(`github graphql: secondary rate limit reached ${retryCount + 1} times; giving up`);
          return false;
        }
        if (retryAfter > maxWait) {
          log(`github graphql: secondary rate limit reached; retry-after ${retryAfter} s is more than the ${maxWait} s allowed; giving up`);
          return false;
        }
        log(`github graphql: secondary rate limit reached; waiting ${retryAfter} s`);
        return true;
      },
    },
    retry: {
      retries,
      retryAfterBaseValue: secondMs,
      // 502/504 mean the query was too heavy: sent again whole it would time out again, so the batch is split instead.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451, 502, 504],
    },
  });

  /** Waits for a reset or refuses, when the known budget would not cover `cost` plus the reserve. */
  async function admit(cost: number): Promise<FetchError | undefined> {
    for (;;) {
      if (!gate) return undefined;
      const resetMs = Date.parse(gate.resetAt);
      if (!(resetMs > Date.now())) return undefined; // that window is over: a fresh budget
      const available = gate.remaining - reserved;
      if (available >= cost + minRemaining) return undefined;
      const waitSeconds = Math.ceil((resetMs - Date.now()) / 1000) + 1;
      const state = `${Math.max(0, available)} points left, the next query costs about ${cost} and ${minRemaining} are kept in reserve`;
      if (waitSeconds > maxWait) {
        return fetchError("rate-limited", `not sent: ${state}; the limit resets at ${gate.resetAt}, in ${waitSeconds} s, more than the ${maxWait} s allowed`, token);
      }
      log(`github graphql: ${state}; waiting ${waitSeconds} s for the reset at ${gate.resetAt}`);
      const waited = gate;
      await sleep(waitSeconds * secondMs);
      if (gate === waited) gate = undefined;
    }
  }

  async function post(query: string, variables: Record<string, string>) {
    try {
      // The object form: a string query would refuse `url` (wanted when the endpoint does not end in /graphql).
      const data = await octokit.graphql<Record<string, unknown>>({ query, ...variables, ...(endpoint.url ? { url: endpoint.url } : {}) });
      return { kind: "partial" as const, data, errors: [] as GraphqlErrorShape[] };
    } catch (error) {
      return classify(error, url, token);
    }
  }

  async function send(items: BatchItem[], attempt = 0): Promise<ItemResult[]> {
    const built = buildBatchQuery(items);
    const formula = estimateCost(built.connections);
    const cost = Math.ceil(formula * costFactor);
    const refused = await admit(cost);
    if (refused) return items.map(() => refused);

    reserved += cost;
    const outcome = await post(built.query, built.variables).finally(() => {
      reserved -= cost;
    });

    switch (outcome.kind) {
      case "partial": {
        const rate = parseRateLimit(outcome.data);
        if (rate) {
          if (!last || Date.parse(rate.resetAt) > Date.parse(last.resetAt) || (rate.resetAt === last.resetAt && rate.remaining < last.remaining)) last = rate;
          spent += rate.cost;
          costFactor = Math.max(costFactor, rate.cost / formula);
          lower(rate.remaining, rate.resetAt);
        }
        if (outcome.data === null) return isolate(items, outcome.errors);
        return parseBatch(items, outcome.data, outcome.errors, token);
      }
      case "rate-limited": {
        // Nothing more goes out before the reset: admit() waits for it (this batch and every other).
        const resetAt = outcome.resetAt && Date.parse(outcome.resetAt) > Date.now() ? outcome.resetAt : new Date(Date.now() + 60_000).toISOString();
        lower(0, resetAt);
        const waitSeconds = Math.ceil((Date.parse(resetAt) - Date.now()) / 1000) + 1;
        const reason = `POST ${url}: ${outcome.reason}`;
        if (waitSeconds > maxWait) {
          const error = fetchError("rate-limited", `${reason} (resets at ${resetAt}, in ${waitSeconds} s, more than the ${maxWait} s allowed)`, token);
          return items.map(() => error);
        }
        if (attempt >= retries) {
          const error = fetchError("rate-limited", `${reason}, again after ${attempt} waits (resets at ${resetAt})`, token);
          return items.map(() => error);
        }
        log(scrub(`github graphql: rate limited (${outcome.reason}); resets at ${resetAt}`, token));
        return send(items, attempt + 1);
      }
      case "timeout": {
        if (items.length > 1) {
          const half = Math.ceil(items.length / 2);
          log(`github graphql: a query of ${items.length} groups timed out (${outcome.error.message}); sending it in halves of ${half} and ${items.length - half}`);
          const first = await send(items.slice(0, half));
          const second = await send(items.slice(half));
          return [...first, ...second];
        }
        if (attempt < retries) {
          await sleep((attempt + 1) ** 2 * secondMs);
          return send(items, attempt + 1);
        }
        return [outcome.error];
      }
      case "failed":
        return items.map(() => outcome.error);
    }
  }

  /**
   * An error in a non-null field (search is `SearchResultItemConnection!`) nulls the whole answer.
   * The items the errors name get them; the others are sent again without them.
   */
  async function isolate(items: BatchItem[], errors: GraphqlErrorShape[]): Promise<ItemResult[]> {
    const blamed = new Map<number, GraphqlErrorShape[]>();
    for (const e of errors) {
      const match = /^[rmq](\d+)$/.exec(String(e.path?.[0] ?? ""));
      const i = Number(match?.[1]);
      if (match && i < items.length) blamed.set(i, [...(blamed.get(i) ?? []), e]);
    }
    const failure = (i: number) => aliasError(describeItem(items[i]!), blamed.get(i) ?? errors, token);
    if (blamed.size === 0 || blamed.size === items.length) return items.map((_, i) => failure(i));
    const others = items.filter((_, i) => !blamed.has(i));
    log(`github graphql: the answer was null because of ${blamed.size} of ${items.length} groups; sending the other ${others.length} again`);
    const again = await send(others);
    let next = 0;
    return items.map((_, i) => (blamed.has(i) ? failure(i) : again[next++]!));
  }

  // Items asked for in the same turn of the event loop (repositories() and repositoryCounts() called
  // together, the searches again under new names after renames) share queries.
  let pending: Job[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const jobs = pending;
    pending = [];
    for (let start = 0; start < jobs.length; start += batchSize) {
      const batch = jobs.slice(start, start + batchSize);
      void limit(async () => {
        let results: ItemResult[];
        try {
          results = await send(batch.map((job) => job.item));
        } catch (error) {
          const failure = fetchError("unavailable", `POST ${url}: ${error instanceof Error ? error.message : String(error)}`, token);
          results = batch.map(() => failure);
        }
        batch.forEach((job, i) => job.resolve(results[i] ?? fetchError("unavailable", "no result for this item", token)));
      });
    }
  }

  function enqueue(item: BatchItem): Promise<ItemResult> {
    return new Promise((resolve) => {
      pending.push({ item, resolve });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  async function figuresOf(request: RepoFiguresRequest): Promise<RepoFigures | FetchError> {
    const item = repositoryItem(request);
    if (item instanceof FetchError) return item;
    const result = (await enqueue(item)) as RepoFigures | FetchError;
    if (result instanceof FetchError || !renamed(request, result)) return result;
    // REST searches under the name GitHub reports now (collect.ts); the search under the old name may
    // not follow the rename, so the count is asked for again under the new one.
    let query: string;
    try {
      query = mergedQuery(result.fullName, request.since, request.until);
    } catch (error) {
      return { ...result, mergedPullRequests: error as FetchError };
    }
    const merged = (await enqueue({ kind: "search", type: "ISSUE", query })) as SearchCount | FetchError;
    return { ...result, mergedPullRequests: merged };
  }

  return {
    repositories(requests) {
      return Promise.all(requests.map(figuresOf));
    },

    repositoryCounts(queries) {
      return Promise.all(queries.map((query) => enqueue({ kind: "search", type: "REPOSITORY", query }) as Promise<SearchCount | FetchError>));
    },

    stats() {
      return {
        graphql: posts,
        ...(last ? { budget: { remaining: last.remaining, limit: last.limit, resetAt: last.resetAt, cost: spent } } : {}),
      };
    },
  };
}

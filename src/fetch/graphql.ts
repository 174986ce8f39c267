/**
 * GitHub figures through GraphQL, many repositories per request (issue 7: fewest possible API calls).
 * The REST client (github.ts) makes about seven requests per project; this one asks for a whole batch
 * of repositories, their merged-PR searches and the cohort's repository counts in one POST.
 *
 * graphql-query.ts builds the query and reads the answer; graphql-errors.ts sorts what went wrong.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { STATUS_CODES } from "node:http";
import { neverSent } from "./network.js";
import { DEFAULT_CAPS, parses, readCapped, type BodyCap } from "./body.js";
import { aliasError, classify, fetchError, resetFromHeaders, scrub, TOO_LARGE, type GraphqlErrorShape } from "./graphql-errors.js";
import {
  buildBatchQuery,
  connectionsOf,
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
  type RepositoryItem,
} from "./graphql-query.js";
import { mergedQuery } from "./github.js";
import { FetchError, type RateBudget, type SearchCount } from "./types.js";
import { stoppedError } from "./backoff.js";
import { realClock, type Clock } from "./clock.js";

export type { RepoFigures, RepoFiguresRequest } from "./graphql-query.js";

export interface BatchGitHub {
  /**
   * Every request in as few GraphQL requests as the limits allow; one entry per request, in order: the
   * figures or a FetchError for that repository only. `each` hears of every entry as soon as it is known.
   */
  repositories(requests: RepoFiguresRequest[], each?: (index: number, result: RepoFigures | FetchError) => void): Promise<(RepoFigures | FetchError)[]>;
  /**
   * Pull requests merged in (since, until] of each repository, under the name given (a search does not
   * follow renames): what repositories() reports as mergedPullRequests, asked alone (a resumed run
   * that has the rest).
   */
  mergedPullRequests(requests: MergedRequest[], each?: (index: number, result: SearchCount | FetchError) => void): Promise<(SearchCount | FetchError)[]>;
  /** repositoryCount of each repository search, in order. */
  repositoryCounts(queries: string[], each?: (index: number, result: SearchCount | FetchError) => void): Promise<(SearchCount | FetchError)[]>;
  /** issueCount of each issue/PR search (landing rules' labelled PRs, the bot-landed check), in order. */
  issueCounts(queries: string[], each?: (index: number, result: SearchCount | FetchError) => void): Promise<(SearchCount | FetchError)[]>;
  stats(): GraphqlStats;
}

export type MergedRequest = Pick<RepoFiguresRequest, "fullName" | "since" | "until" | "base">;

export interface GraphqlStats {
  /** POSTs sent (retries included). */
  graphql: number;
  /** The last rate-limit state GitHub reported, with `cost` = points this client spent. */
  budget?: RateBudget & { cost: number };
  /** Set once the budget ran out with its reset further away than maxWaitSeconds: the batches left were not sent. */
  stopped?: { resetAt: string };
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
  /** Queries in flight at once. Default 2. (Their starts are also kept QUERY_SPACING_MS apart.) */
  concurrency?: number;
  /** Points left untouched: a batch is not sent when the budget minus its expected cost would fall below this. Default 10. */
  minRemaining?: number;
  /** A rate-limit reset further away than this fails the batches instead of waiting for it. Default 900. */
  maxWaitSeconds?: number;
  /** How long one second of waiting lasts (resets, back-off). Default 1000; tests shrink it. */
  secondMs?: number;
  /** Largest answer read. Default DEFAULT_CAPS.graphql. */
  maxBody?: BodyCap;
  /** Stopped (Ctrl-C): no new query is sent and waits end; the items left fail with kind "aborted". Queries under way finish. */
  signal?: AbortSignal;
  /**
   * Read for rate-limit resets, waited on for resets, retries and query spacing. Default: the real clock;
   * tests inject a fake one. (octokit's retry and throttling plugins keep their own timers: see secondMs.)
   */
  clock?: Clock;
}

/**
 * 50 alias groups per query. The documented limits, worked through:
 * - Nodes (max 500,000 a query): a group asks history(first: 1), 1 node, and search(first: 0), none;
 *   50 groups request at most 50 nodes. Not the constraint; neither would 1,000 groups be.
 * - Points (cost = connections / 100, rounded, at least 1; 5,000 points an hour): a group opens at most
 *   5 connections (issues, pullRequests, two histories: the last commit and the window's count,
 *   search), so 50 groups = 250 connections = 3 points; 5,000 points pay for 1,666 such queries an
 *   hour. Not the constraint either.
 * - Time (GitHub ends a query after 10 s with a 502/504, and charges extra points for it): the
 *   searches and history walks are the slow part. 50 groups is at most 150 of them, so a query
 *   stays within 10 s as long as each takes under 66 ms when GitHub resolves them one after another.
 *   That is the constraint, and the reason not to go higher. A query that times out anyway is
 *   retried in halves, so a size that was too optimistic costs one failed request, not figures.
 * A cohort of 16 projects, each with a numerics repository, is 48 groups (16 x 5 + 16 x 3 + 16 x 1 =
 * 144 connections, 1 point) and a search per project for its closed PRs: 64 groups, two POSTs.
 */
export const DEFAULT_BATCH_SIZE = 50;

/** What collecting would take through GraphQL, worked out without sending anything (oss-showdown collect --dry-run). */
export interface GraphqlPlan {
  /** Alias groups: one per repository (with its merged-PR search), one per repository search. */
  groups: number;
  posts: number;
  /** Points by GitHub's formula, summed over the POSTs. */
  points: number;
}

/**
 * The POSTs that repositories(requests) and repositoryCounts(queries), called together, send when
 * nothing fails: the same items, batches and cost formula as a run. A renamed repository adds its
 * searches again under the new name, which only the answers can tell.
 */
export function planGraphql(requests: readonly RepoFiguresRequest[], queries: readonly string[], batchSize = DEFAULT_BATCH_SIZE, issueQueries: readonly string[] = []): GraphqlPlan {
  const items: BatchItem[] = [
    ...requests.map(repositoryItem).filter((item): item is RepositoryItem => !(item instanceof FetchError)),
    ...queries.map((query): BatchItem => ({ kind: "search", type: "REPOSITORY", query })),
    ...issueQueries.map((query): BatchItem => ({ kind: "search", type: "ISSUE", query })),
  ];
  let points = 0;
  for (let start = 0; start < items.length; start += batchSize) {
    points += estimateCost(items.slice(start, start + batchSize).reduce((sum, item) => sum + connectionsOf(item), 0));
  }
  return { groups: items.length, posts: Math.ceil(items.length / batchSize), points };
}

/**
 * Query starts are kept this far apart: GitHub's documented secondary limit for the GraphQL endpoint
 * is 2,000 points a minute, a query (no mutation) counting 1, beside at most 100 requests at once
 * (here `concurrency`, 2). octokit's throttling would start every POST a second apart, GitHub's advice
 * for requests that create content, which a query does not: for 1,000 projects (about 45 POSTs) that
 * alone would make the run wait 45 s, however fast GitHub answers.
 */
export const QUERY_SPACING_MS = 60_000 / 2000;

/** What the throttling plugin uses of its "write" limiter (key(id).schedule(options, fn)), spacing starts `ms` apart. */
function spacedStarts(ms: number, clock: Clock): NonNullable<ThrottlingOptions["write"]> {
  let next = 0;
  const schedule = async <T>(_options: unknown, run: () => Promise<T>): Promise<T> => {
    const now = clock.now();
    const at = Math.max(now, next);
    next = at + ms;
    // Not the run's signal: a start already scheduled goes ahead, as the queries under way do.
    if (at > now) await clock.sleep(at - now);
    return run();
  };
  return { key: () => ({ schedule }) } as unknown as NonNullable<ThrottlingOptions["write"]>;
}

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
  const signal = options.signal;
  const clock = options.clock ?? realClock;
  const maxBody = options.maxBody ?? DEFAULT_CAPS.graphql;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number >= 1, not ${batchSize}`);
  const endpoint = endpointOptions(options.graphqlUrl);
  const url = endpoint.url ?? `${endpoint.baseUrl}/graphql`;

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
  let stopped: { resetAt: string } | undefined;
  /** Gives up on the budget until `resetAt` (once, with a line saying so); every batch left fails with `error`. */
  const stop = (resetAt: string, waitSeconds: number): void => {
    if (stopped) return;
    stopped = { resetAt };
    log(`github graphql: rate limit used up; it resets in ${waitSeconds} s, more than the ${maxWait} s allowed (--max-wait); no more GraphQL requests this run`);
  };

  const lower = (remaining: number, resetAt: string): void => {
    // Answers can arrive out of order: within one window the smallest remaining is the latest truth.
    // (The same instant comes as 2026-11-21T07:00:00Z from a body and with .000Z from the headers.)
    const at = Date.parse(resetAt);
    if (!gate || at > Date.parse(gate.resetAt)) gate = { remaining, resetAt };
    else if (at === Date.parse(gate.resetAt)) gate = { remaining: Math.min(gate.remaining, remaining), resetAt: gate.resetAt };
  };

  const counter = (octokit: { hook: Octokit["hook"] }): void => {
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const fromHeaders = (headers: Record<string, string | number | undefined> | undefined) => {
        const remaining = Number(headers?.["x-ratelimit-remaining"]);
        const resetAt = resetFromHeaders(headers);
        if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining) && resetAt) lower(remaining, resetAt);
      };
      try {
        const response = await request(requestOptions);
        posts += 1;
        fromHeaders(response.headers);
        // In the same step as the budget it lowered: a query admitted in between must not see this
        // answer's points spent while its own are still counted as in flight.
        (requestOptions.request as { settle?: () => void } | undefined)?.settle?.();
        return response;
      } catch (error) {
        // octokit's RequestError keeps fetch's own error as its cause: a POST that never reached
        // GitHub (no connection could be made) is not counted.
        if (!neverSent((error as { cause?: unknown }).cause)) posts += 1;
        fromHeaders((error as { response?: { headers?: Record<string, string> } }).response?.headers);
        throw error;
      }
    });
  };

  /**
   * Each attempt with its timeout, the body read within the cap. What octokit would misread is
   * answered as what it means: a truncated or non-JSON 200 (octokit hands on the text, read as "no
   * data") as a 500, retried like one; a body over the cap as a 413, not retried.
   */
  const timedFetch: typeof fetch = async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    // Looked up per call, not captured, so interceptors installed later (tests) still apply.
    const response = await globalThis.fetch(input, { ...init, signal });
    const answer = (status: number, message: string) => {
      const headers = new Headers(response.headers);
      headers.delete("content-encoding");
      headers.delete("content-length");
      headers.set("content-type", "application/json; charset=utf-8");
      return new Response(JSON.stringify({ message }), { status, statusText: STATUS_CODES[status], headers });
    };
    let text: string;
    try {
      text = await readCapped(response, maxBody);
    } catch (error) {
      if (error instanceof FetchError) return answer(TOO_LARGE, error.message);
      throw error;
    }
    if (response.ok && /json/i.test(response.headers.get("content-type") ?? "") && !parses(text)) {
      return answer(500, `a truncated or invalid JSON body (HTTP ${response.status})`);
    }
    const headers = new Headers(response.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    return new Response(response.status === 204 || response.status === 304 ? null : text, { status: response.status, statusText: response.statusText, headers });
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
      write: spacedStarts(QUERY_SPACING_MS, clock),
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
      doNotRetry: [400, 401, 403, 404, 410, TOO_LARGE, 422, 429, 451, 502, 504],
    },
  });

  /** Waits for a reset or refuses, when the known budget would not cover `cost` plus the reserve. */
  async function admit(cost: number): Promise<FetchError | undefined> {
    for (;;) {
      if (!gate) return undefined;
      const resetMs = Date.parse(gate.resetAt);
      if (!(resetMs > clock.now())) return undefined; // that window is over: a fresh budget
      const available = gate.remaining - reserved;
      if (available >= cost + minRemaining) return undefined;
      const waitSeconds = Math.ceil((resetMs - clock.now()) / 1000) + 1;
      const state = `${Math.max(0, available)} points left, the next query costs about ${cost} and ${minRemaining} are kept in reserve`;
      if (waitSeconds > maxWait) {
        stop(gate.resetAt, waitSeconds);
        return fetchError("rate-limited", `not sent: ${state}; the limit resets at ${gate.resetAt}, in ${waitSeconds} s, more than the ${maxWait} s allowed`, token);
      }
      log(`github graphql: ${state}; waiting ${waitSeconds} s for the reset at ${gate.resetAt}`);
      const waited = gate;
      await clock.sleep(waitSeconds * secondMs, signal);
      if (gate === waited) gate = undefined;
    }
  }

  async function post(query: string, variables: Record<string, string>, settle: () => void) {
    try {
      // The object form: a string query would refuse `url` (wanted when the endpoint does not end in /graphql).
      const data = await octokit.graphql<Record<string, unknown>>({ query, ...variables, request: { settle }, ...(endpoint.url ? { url: endpoint.url } : {}) });
      return { kind: "partial" as const, data, errors: [] as GraphqlErrorShape[] };
    } catch (error) {
      return classify(error, url, token);
    }
  }

  async function send(items: BatchItem[], attempt = 0): Promise<ItemResult[]> {
    if (signal?.aborted) {
      const error = stoppedError("github graphql: not sent: the run was stopped");
      return items.map(() => error);
    }
    const built = buildBatchQuery(items);
    const formula = estimateCost(built.connections);
    const cost = Math.ceil(formula * costFactor);
    const refused = await admit(cost);
    if (refused) return items.map(() => refused);

    // Released when GitHub's answer is counted (counter) or, failing that, when the POST is over.
    reserved += cost;
    let open = true;
    const settle = () => {
      if (open) reserved -= cost;
      open = false;
    };
    const outcome = await post(built.query, built.variables, settle).finally(settle);

    switch (outcome.kind) {
      case "partial": {
        const rate = parseRateLimit(outcome.data);
        if (rate) {
          if (!last || Date.parse(rate.resetAt) > Date.parse(last.resetAt) || (Date.parse(rate.resetAt) === Date.parse(last.resetAt) && rate.remaining < last.remaining)) last = rate;
          spent += rate.cost;
          costFactor = Math.max(costFactor, rate.cost / formula);
          lower(rate.remaining, rate.resetAt);
        }
        if (outcome.data === null) return isolate(items, outcome.errors);
        return parseBatch(items, outcome.data, outcome.errors, token);
      }
      case "rate-limited": {
        // Nothing more goes out before the reset: admit() waits for it (this batch and every other).
        const resetAt = outcome.resetAt && Date.parse(outcome.resetAt) > clock.now() ? outcome.resetAt : new Date(clock.now() + 60_000).toISOString();
        lower(0, resetAt);
        // What stats() reports as left: nothing, until the reset (5,000 points is the documented budget).
        last = { cost: 0, remaining: 0, resetAt, limit: last?.limit ?? 5000, nodeCount: 0 };
        const waitSeconds = Math.ceil((Date.parse(resetAt) - clock.now()) / 1000) + 1;
        const reason = `POST ${url}: ${outcome.reason}`;
        if (waitSeconds > maxWait) {
          stop(resetAt, waitSeconds);
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
          await clock.sleep((attempt + 1) ** 2 * secondMs, signal);
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

  // One queue of items; each query takes up to batchSize of them as it starts, at most `concurrency`
  // queries at a time. So items asked for in the same turn of the event loop (repositories() and
  // repositoryCounts() called together) share queries, and so do the searches asked again under new
  // names after renames: they join the queue's end and ride along in queries not yet sent.
  const queue: Job[] = [];
  let running = 0;
  let scheduled = false;

  async function run(batch: Job[]): Promise<void> {
    let results: ItemResult[];
    try {
      results = await send(batch.map((job) => job.item));
    } catch (error) {
      // A wait ended by a stopped run ends as "aborted", like the items not sent.
      const failure = error instanceof FetchError ? error : fetchError("unavailable", `POST ${url}: ${error instanceof Error ? error.message : String(error)}`, token);
      results = batch.map(() => failure);
    }
    batch.forEach((job, i) => job.resolve(results[i] ?? fetchError("unavailable", "no result for this item", token)));
  }

  function pump(): void {
    scheduled = false;
    while (running < concurrency && queue.length > 0) {
      running += 1;
      void run(queue.splice(0, batchSize)).finally(() => {
        running -= 1;
        // After the answers' own follow-ups (searches under new names) have joined the queue.
        schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  }

  function enqueue(item: BatchItem): Promise<ItemResult> {
    return new Promise((resolve) => {
      queue.push({ item, resolve });
      schedule();
    });
  }

  // Each search is sent once a run, however often it is asked: see figuresOf.
  const searches = new Map<string, Promise<SearchCount | FetchError>>();
  function search(type: "ISSUE" | "REPOSITORY", query: string): Promise<SearchCount | FetchError> {
    const key = `${type} ${query}`;
    let answer = searches.get(key);
    if (!answer) searches.set(key, (answer = enqueue({ kind: "search", type, query }) as Promise<SearchCount | FetchError>));
    return answer;
  }

  /** The merged-PR search of one repository under the name given. */
  function mergedOf(request: MergedRequest): Promise<SearchCount | FetchError> {
    let query: string;
    try {
      query = mergedQuery(request.fullName, request.since, request.until, request.base);
    } catch (error) {
      return Promise.resolve(error as FetchError);
    }
    return search("ISSUE", query);
  }

  async function figuresOf(request: RepoFiguresRequest): Promise<RepoFigures | FetchError> {
    const item = repositoryItem(request);
    if (item instanceof FetchError) return item;
    const result = (await enqueue(item)) as RepoFigures | FetchError;
    if (result instanceof FetchError || !renamed(request, result)) return result;
    // A search does not follow a rename. Every search of the repository asked so far (the landing
    // rule's, the bot-landed check, issues: collect asks them all again under the name GitHub reports
    // now, once this answer is in) goes again under the new name now, in the same POST as the merged count.
    const old = `ISSUE repo:${request.fullName} `;
    for (const key of [...searches.keys()]) if (key.startsWith(old)) void search("ISSUE", `repo:${result.fullName} ${key.slice(old.length)}`);
    if (request.merged === false) return result;
    return { ...result, mergedPullRequests: await mergedOf({ ...request, fullName: result.fullName }) };
  }

  function announce<T>(promise: Promise<T>, index: number, each: ((index: number, result: T) => void) | undefined): Promise<T> {
    return each ? promise.then((result) => (each(index, result), result)) : promise;
  }

  return {
    repositories(requests, each) {
      return Promise.all(requests.map((request, i) => announce(figuresOf(request), i, each)));
    },

    mergedPullRequests(requests, each) {
      return Promise.all(requests.map((request, i) => announce(mergedOf(request), i, each)));
    },

    repositoryCounts(queries, each) {
      return Promise.all(queries.map((query, i) => announce(search("REPOSITORY", query), i, each)));
    },

    issueCounts(queries, each) {
      return Promise.all(queries.map((query, i) => announce(search("ISSUE", query), i, each)));
    },

    stats() {
      return {
        graphql: posts,
        ...(last ? { budget: { remaining: last.remaining, limit: last.limit, resetAt: last.resetAt, cost: spent } } : {}),
        ...(stopped ? { stopped: { ...stopped } } : {}),
      };
    },
  };
}

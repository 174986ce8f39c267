import { STATUS_CODES } from "node:http";
import { countProblem } from "./figures.js";
import { FetchError, type QuestionCount, type StackExchangeSource, type TagCounts } from "./types.js";
import { backoffDelay } from "./backoff.js";
import { realClock, type Clock } from "./clock.js";
import { neverSent } from "./network.js";
import { DEFAULT_CAPS, readCapped, type BodyCap } from "./body.js";

export interface StackExchangeOptions {
  baseUrl: string;
  key?: string;
  log?: (line: string) => void;
  /** Per HTTP attempt, body included. Default 30000. */
  timeoutMs?: number;
  /** Extra attempts per batch after a 5xx, network error or temporary API error. Default 3. */
  retries?: number;
  fetch?: typeof fetch;
  /** First retry delay, doubled each time, jittered. Default 1000. */
  retryDelayMs?: number;
  /** Read for the API's `backoff` deadline, waited on for it and for retries. Default: the real clock; tests inject a fake one. */
  clock?: Clock;
  /** Stopped (Ctrl-C): no new request is sent and waits end; the batches left fail. */
  signal?: AbortSignal;
  /** Source of the retry jitter. */
  random?: () => number;
  /** Largest answer read. Default DEFAULT_CAPS.stackexchange. */
  maxBody?: BodyCap;
  /** A `backoff` longer than this stops the API for the run instead of being waited out. Default 900 000. */
  maxWaitMs?: number;
  /** Least time between the starts of two /search/advanced requests. Default SEARCH_SPACING_MS. */
  spacingMs?: number;
}

/** The API's limit on the number of tags in one /tags/{tags}/info request. */
const BATCH = 100;

// error_name values the API documents as transient; everything else repeats on retry.
const TRANSIENT = new Set(["internal_error", "temporarily_unavailable"]);

interface Outcome {
  items?: { name: string; count: number }[];
  /** filter=total's only field. */
  total?: number;
  /** Why the batch failed; undefined on success. */
  error?: string;
  retryable?: boolean;
  /** A throttle violation, a spent quota or a stopped run: the following batches would fail the same way. */
  final?: boolean;
}

/**
 * Starts of /search/advanced requests are kept this far apart: 20 a second, under the 30 a second
 * above which the API drops an IP's requests. The first request goes alone (its answer may ask for a
 * `backoff`, which every later request must respect); the rest then overlap when answers take longer
 * than this (they do: about 100 ms and more).
 */
export const SEARCH_SPACING_MS = 50;

/** The methods this client calls, for the API's per-method `backoff`. */
const TAGS_INFO = "/tags/{tags}/info";
const SEARCH_ADVANCED = "/search/advanced";

/** Quota figures seen so far, shared by every request of a client. */
interface Quota {
  requests: number;
  quotaRemaining: number | undefined;
  quotaMax: number | undefined;
}

export function createStackExchange(options: StackExchangeOptions): StackExchangeSource {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const key = options.key;
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const clock = options.clock ?? realClock;
  const sleep = (ms: number) => clock.sleep(ms, options.signal);
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const scrub = (text: string) => (key ? text.split(key).join("***") : text);
  const maxBody = options.maxBody ?? DEFAULT_CAPS.stackexchange;
  const maxWaitMs = options.maxWaitMs ?? 900_000;

  // The API's `backoff` holds for every later request to the same method, across calls.
  const notBefore = new Map<string, number>();
  let nextStart = 0;
  let spacing: Promise<void> = Promise.resolve();
  let first: Promise<unknown> | undefined;
  const quota: Quota = { requests: 0, quotaRemaining: undefined, quotaMax: undefined };
  let stopped: string | undefined;

  return {
    async tagCounts(tags) {
      const result: TagCounts = {
        counts: new Map(),
        missing: [],
        failed: new Map(),
        requests: 0,
        quotaRemaining: undefined,
        quotaMax: undefined,
      };
      // Tag names are case-insensitive on the site: ask once per lower-cased name, answer every spelling asked.
      const spellings = new Map<string, string[]>();
      for (const tag of new Set(tags)) {
        if (!tag) continue;
        const lower = tag.toLowerCase();
        spellings.set(lower, [...(spellings.get(lower) ?? []), tag]);
      }
      const names = [...spellings.keys()];
      let stop: string | undefined;

      for (let start = 0; start < names.length; start += BATCH) {
        const batch = names.slice(start, start + BATCH);
        const outcome: Outcome = stop ? { error: stop } : await requestBatch(batch, result);
        if (outcome.final) stop = outcome.error;
        if (outcome.error !== undefined) {
          for (const name of batch) for (const tag of spellings.get(name) ?? []) result.failed.set(tag, outcome.error);
          continue;
        }
        const found = new Map((outcome.items ?? []).map((item) => [item.name.toLowerCase(), item.count]));
        for (const name of batch) {
          const count = found.get(name);
          for (const tag of spellings.get(name) ?? []) {
            if (count === undefined) result.missing.push(tag);
            else result.counts.set(tag, count);
          }
        }
      }
      return result;
    },

    async questionCount(tags, todate): Promise<QuestionCount> {
      const names = [...new Set(tags.map((t) => t.toLowerCase()).filter(Boolean))];
      const seconds = Math.floor(Date.parse(todate) / 1000);
      if (first) {
        await first;
      } else {
        let done = () => {};
        first = new Promise<void>((resolve) => (done = resolve));
        try {
          return await ask(names, seconds);
        } finally {
          done();
        }
      }
      // One wait at a time, in turn: a thousand requests queue on a promise, not on the run's signal.
      const turn = spacing.then(async () => {
        const wait = nextStart - clock.now();
        if (wait > 0) await sleep(wait);
        nextStart = clock.now() + (options.spacingMs ?? SEARCH_SPACING_MS);
      });
      spacing = turn.catch(() => {});
      try {
        await turn;
      } catch {
        stopped ??= "stackexchange: stopped before the request was sent";
      }
      return ask(names, seconds);
    },
  };

  async function ask(names: string[], seconds: number): Promise<QuestionCount> {
    const tally = { requests: 0, quotaRemaining: quota.quotaRemaining, quotaMax: quota.quotaMax };
    const outcome: Outcome = stopped
      ? { error: stopped }
      : await request(
          SEARCH_ADVANCED,
          `${baseUrl}/2.3/search/advanced?site=stackoverflow&tagged=${names.map(encodeURIComponent).join(";")}&todate=${seconds}&filter=total`,
          tally,
        );
    quota.requests += tally.requests;
    if (tally.quotaRemaining !== undefined) quota.quotaRemaining = tally.quotaRemaining;
    if (tally.quotaMax !== undefined) quota.quotaMax = tally.quotaMax;
    if (outcome.final) stopped = outcome.error;
    if (outcome.error !== undefined) throw new FetchError(outcome.final ? "rate-limited" : "unavailable", `${outcome.error} (GET /2.3/search/advanced tagged=${names.join(";")})`);
    if (outcome.total === undefined) throw new FetchError("unavailable", `stackexchange: response without total (GET /2.3/search/advanced tagged=${names.join(";")})`);
    return { count: outcome.total, requests: tally.requests, quotaRemaining: quota.quotaRemaining, quotaMax: quota.quotaMax };
  }

  function requestBatch(batch: string[], result: TagCounts): Promise<Outcome> {
    return request(TAGS_INFO, `${baseUrl}/2.3/tags/${batch.map(encodeURIComponent).join(";")}/info?site=stackoverflow&pagesize=${BATCH}`, result);
  }

  async function request(method: string, address: string, result: Quota): Promise<Outcome> {
    let url = address;
    if (key) url += `&key=${encodeURIComponent(key)}`;
    let outcome: Outcome = {};
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        if (attempt > 0) await sleep(backoffDelay(attempt, retryDelayMs, random));
        const wait = (notBefore.get(method) ?? 0) - clock.now();
        if (wait > maxWaitMs) {
          const error = `stackexchange: the API asked to back off ${Math.ceil(wait / 1000)} s, more than the ${Math.round(maxWaitMs / 1000)} s allowed (--max-wait); no more Stack Exchange requests this run`;
          log(error);
          return { error, final: true };
        }
        if (wait > 0) {
          log(`stackexchange: backing off ${Math.ceil(wait / 1000)} s as the API asked`);
          await sleep(wait);
        }
      } catch {
        return { error: "stackexchange: stopped before the request was sent", final: true };
      }
      if (options.signal?.aborted) return { error: "stackexchange: stopped before the request was sent", final: true };
      if (result.quotaRemaining === 0) {
        return { error: `stackexchange: the daily quota${result.quotaMax ? ` of ${result.quotaMax}` : ""} is used up (it resets at 00:00 UTC); not requested`, final: true };
      }
      outcome = await attemptOnce(method, url, result);
      if (!outcome.retryable || attempt === retries) break;
      log(`${outcome.error}; retrying`);
    }
    return outcome;
  }

  async function attemptOnce(method: string, url: string, result: Quota): Promise<Outcome> {
    let response: Response;
    let body: unknown;
    let answered = false;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
      answered = true;
      result.requests += 1;
      const text = await readCapped(response, maxBody);
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    } catch (error) {
      if (error instanceof FetchError) return { error: `stackexchange: ${error.message}` };
      // Counted once answered (above), or here when it may have reached the API: not when no
      // connection could be made.
      if (!answered && !neverSent(error)) result.requests += 1;
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : networkReason(error);
      return { error: scrub(`stackexchange: ${reason}`), retryable: true };
    }

    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b.quota_remaining === "number") result.quotaRemaining = b.quota_remaining;
    if (typeof b.quota_max === "number") result.quotaMax = b.quota_max;
    if (typeof b.backoff === "number" && b.backoff > 0) {
      notBefore.set(method, Math.max(notBefore.get(method) ?? 0, clock.now() + b.backoff * 1000));
    }

    if (typeof b.error_name === "string") {
      const message = typeof b.error_message === "string" ? b.error_message : "";
      return {
        error: scrub(`stackexchange: ${b.error_name}${message ? `: ${message}` : ""}`),
        retryable: TRANSIENT.has(b.error_name),
        final: b.error_name === "throttle_violation",
      };
    }
    if (method === SEARCH_ADVANCED && response.ok) {
      // filter=total: the body is { total } and nothing else (no quota fields).
      const problem = countProblem(b.total);
      if (problem === undefined) return { total: b.total as number };
      return { error: `stackexchange: total ${problem}`, retryable: false };
    }
    if (!response.ok || !Array.isArray(b.items)) {
      const what = response.ok ? "response without items" : `HTTP ${response.status} ${STATUS_CODES[response.status] ?? ""}`.trim();
      return { error: `stackexchange: ${what}`, retryable: response.status >= 500 };
    }
    return { items: b.items.filter(isTagItem) };
  }
}

function isTagItem(item: unknown): item is { name: string; count: number } {
  const i = item as { name?: unknown; count?: unknown } | null;
  return typeof i?.name === "string" && typeof i.count === "number";
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message} (${cause})` : error.message;
}

/**
 * The `fetch` octokit sends GitHub requests through. Every attempt is paced by the rate-limit budget
 * (pacer.ts), has a timeout that covers the body too, and is counted; around the attempts:
 *
 * - 5xx, connection errors, timeouts and truncated JSON bodies: retried a bounded number of times
 *   with jittered exponential back-off;
 * - primary rate limit (403/429 with x-ratelimit-remaining 0): wait for the reset when it is within
 *   max-wait, else the resource is stopped for the run (pacer) and the 403 goes back as the answer;
 * - secondary rate limit (403/429 with retry-after, or GitHub's "secondary rate limit" text): every
 *   request waits retry-after (or 60 s, doubling) and this one is retried;
 * - other 4xx: returned at once, never retried;
 * - conditional GETs: a remembered ETag is sent as If-None-Match and a 304 is answered with the body
 *   saved with it, as a 200, so octokit (which throws on 304) never sees it.
 *
 * When the run is stopped (Ctrl-C) no new attempt starts and waits end at once, but an attempt
 * already sent is allowed to finish (within its timeout) so its answer is not thrown away.
 */
import { STATUS_CODES } from "node:http";
import { FetchError, type RateResource } from "./types.js";
import { backoffDelay } from "./backoff.js";
import { realClock, type Clock } from "./clock.js";
import type { Pacer } from "./pacer.js";
import type { EtagStore } from "./etags.js";
import { neverSent } from "./network.js";
import { parses, readCapped, type BodyCap } from "./body.js";

export interface TransportOptions {
  /** The API's base URL: requests are classified (core or search) by the path after it. */
  baseUrl: string;
  pacer: Pacer;
  /** Largest body read (body.ts). */
  maxBody: BodyCap;
  /** Per attempt, headers and body. */
  timeoutMs: number;
  /** Extra attempts after a transient failure; also the most rate-limit waits for one request. */
  retries: number;
  /** First retry delay (then doubled, jittered, capped at 30 s). */
  retryBaseMs: number;
  /** How long one second of retry-after lasts. */
  secondMs: number;
  /** Wait for a secondary limit without retry-after, doubled on each repeat. Default 60 s. */
  secondaryFallbackSeconds?: number;
  signal?: AbortSignal;
  log: (line: string) => void;
  etags?: EtagStore;
  /**
   * Reduces a body before it is saved with its ETag to what the caller reads from it (the cache would
   * otherwise hold every search's sample item). Returns the body unchanged when it cannot.
   */
  compact?: (url: string, body: string) => string;
  random?: () => number;
  /** Waits out the retry back-off. Default: the real clock; tests inject a fake one. */
  clock?: Clock;
  /** Every request sent (a followed redirect counts twice, as GitHub counts it). */
  onRequest: (resource: RateResource) => void;
  onResponse: (resource: RateResource, headers: Headers) => void;
  onNotModified: () => void;
  /** Removes secrets from text that is logged. */
  scrub: (text: string) => string;
}

/**
 * The API path of `url`: what follows the configured base URL's path (/api/v3 on GHES, or whatever
 * prefix a proxy puts before it), so that a search is recognized wherever the API is mounted.
 */
export function apiPath(url: string, baseUrl: string): string {
  const base = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const pathname = new URL(url, baseUrl).pathname;
  return base && (pathname === base || pathname.startsWith(base + "/")) ? pathname.slice(base.length) || "/" : pathname;
}

export function resourceOf(url: string, baseUrl: string): RateResource {
  return apiPath(url, baseUrl).startsWith("/search/") ? "search" : "core";
}

type LimitKind = "primary" | "secondary" | undefined;

/** Which rate limit a 403/429 is, as GitHub documents them; undefined for an ordinary 403. */
export function rateLimitKind(status: number, headers: Headers, body: string): LimitKind {
  if (status !== 403 && status !== 429) return undefined;
  if (/secondary rate limit|abuse detection/i.test(body) || headers.get("retry-after") !== null) return "secondary";
  if (headers.get("x-ratelimit-remaining") === "0") return "primary";
  return status === 429 ? "secondary" : undefined;
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);
}

function rebuild(body: string | null, status: number, statusText: string, from: Headers, contentType?: string): Response {
  const headers = new Headers(from);
  // The body handed on is already decompressed and may have changed (304 -> cached body).
  headers.delete("content-encoding");
  headers.delete("content-length");
  if (contentType) headers.set("content-type", contentType);
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : body, { status, statusText, headers });
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError" || error.name === "AbortError") return `timeout: no complete answer within ${timeoutMs} ms`;
  const cause = error.cause as (Error & { code?: string }) | undefined;
  if (cause instanceof Error) return cause.code && !cause.message.includes(cause.code) ? `${cause.message} (${cause.code})` : cause.message;
  return error.message;
}

export function createTransport(o: TransportOptions): typeof fetch {
  const random = o.random ?? Math.random;
  const clock = o.clock ?? realClock;
  const fallback = o.secondaryFallbackSeconds ?? 60;

  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const resource = resourceOf(url, o.baseUrl);
    const method = (init?.method ?? "GET").toUpperCase();
    const where = `${method} ${apiPath(url, o.baseUrl)}`;
    let failures = 0;
    let rateWaits = 0;

    const retryLater = async (why: string): Promise<boolean> => {
      if (failures >= o.retries) return false;
      failures += 1;
      const ms = backoffDelay(failures, o.retryBaseMs, random);
      o.log(o.scrub(`github: ${where}: ${why}; retry ${failures}/${o.retries} in ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}`));
      await clock.sleep(ms, o.signal);
      return true;
    };

    // Redirects are followed here, not by fetch, so that every hop is paced, counted and retried alone.
    let target = url;
    let hops = 0;
    for (;;) {
      const slot = await o.pacer.acquire(resource);
      const headers = new Headers(init?.headers);
      const saved = method === "GET" ? o.etags?.get(url) : undefined;
      if (saved) headers.set("if-none-match", saved.etag);
      // Like fetch: credentials never follow a redirect to another origin.
      if (new URL(target).origin !== new URL(url).origin) headers.delete("authorization");

      let response: Response;
      let body: string;
      try {
        // Not the run's signal: an attempt under way is let finish, bounded by its own timeout.
        response = await globalThis.fetch(target, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(o.timeoutMs) });
        body = await readCapped(response, o.maxBody).catch((error: unknown) => {
          if (error instanceof FetchError) {
            // Answered, but not readable within the cap: counted, not retried.
            slot.release(response.headers);
            o.onRequest(resource);
            o.onResponse(resource, response.headers);
          }
          throw error;
        });
      } catch (error) {
        if (error instanceof FetchError) throw error;
        const unsent = neverSent(error);
        slot.release(undefined, unsent);
        if (!unsent) o.onRequest(resource);
        const reason = networkReason(error, o.timeoutMs);
        if (await retryLater(reason)) continue;
        throw new FetchError("unavailable", `no response (${reason})${failures > 0 ? ` after ${failures + 1} attempts` : ""}`);
      }
      slot.release(response.headers);
      o.onRequest(resource);
      o.onResponse(resource, response.headers);
      const location = response.headers.get("location");
      if ([301, 302, 303, 307, 308].includes(response.status) && location) {
        // A renamed repository answers 301 to its new location; GitHub counts both requests, and so do we.
        if (++hops > 5) throw new FetchError("unavailable", `more than 5 redirects`, response.status);
        target = new URL(location, target).href;
        continue;
      }
      const { status, statusText } = response;

      if (status === 304 && saved) {
        o.etags?.touch(url);
        o.onNotModified();
        return rebuild(saved.body, 200, "OK", response.headers, saved.contentType);
      }

      const limit = rateLimitKind(status, response.headers, body);
      if (limit === "primary") {
        const wait = o.pacer.exhausted(resource, Number(response.headers.get("x-ratelimit-reset")));
        if (wait > o.pacer.maxWaitMs) {
          o.pacer.stop(resource);
        } else if (rateWaits < o.retries) {
          rateWaits += 1;
          continue; // the pacer waits for the reset before the next attempt
        } else {
          o.log(`github: ${resource} rate limit reached again after ${rateWaits} waits; giving up on ${where}`);
        }
        return rebuild(body, status, statusText, response.headers);
      }
      if (limit === "secondary") {
        const header = Number(response.headers.get("retry-after") ?? NaN);
        const seconds = Number.isFinite(header) && header >= 0 ? header : fallback * 2 ** rateWaits;
        if (rateWaits >= o.retries) {
          o.log(`github: ${resource} secondary rate limit reached ${rateWaits + 1} times; giving up`);
        } else if (seconds * 1000 > o.pacer.maxWaitMs) {
          o.log(`github: ${resource} secondary rate limit reached; retry-after ${seconds} s is more than the ${Math.round(o.pacer.maxWaitMs / 1000)} s allowed; giving up`);
        } else {
          rateWaits += 1;
          o.log(`github: ${resource} secondary rate limit reached; waiting ${seconds} s`);
          o.pacer.hold(seconds * o.secondMs);
          continue;
        }
        return rebuild(body, status, statusText, response.headers);
      }
      if (status >= 500 && (await retryLater(`${status} ${statusText || STATUS_CODES[status] || ""}`.trim()))) continue;
      if (status >= 200 && status < 300 && isJson(response.headers.get("content-type")) && !parses(body)) {
        if (await retryLater(`${status} with a truncated or invalid JSON body`)) continue;
        throw new FetchError("unavailable", `${status} with a truncated or invalid JSON body after ${failures + 1} attempts`, status);
      }
      if (status === 200 && method === "GET" && o.etags) {
        const etag = response.headers.get("etag");
        const contentType = response.headers.get("content-type");
        if (etag) o.etags.set(url, { etag, body: o.compact ? o.compact(url, body) : body, ...(contentType ? { contentType } : {}) });
      }
      return rebuild(body, status, statusText, response.headers);
    }
  };
}

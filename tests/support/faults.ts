/**
 * Ready-made faults for the replica (replica.ts), shaped like the real APIs' failures: GitHub's
 * primary and secondary rate limits with their headers and message texts (tests/fixtures/github,
 * from /work/shared/github/examples), 5xx pages, reset connections, stalled and slow answers, Stack
 * Exchange's error bodies and `backoff`; and a seeded, order-independent random fault plan for soak
 * tests.
 */
import { readFileSync } from "node:fs";
import type { Fault, RequestContext } from "./replica.js";
import { mulberry32 } from "./random.js";

function fixture(name: string): { status: number; headers?: Record<string, string>; body: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
}

const PRIMARY = fixture("github/rate-limit-403.json");
const SECONDARY = fixture("github/secondary-403.json");

/** Primary rate limit: 403 (or 429) with x-ratelimit-remaining 0 and the reset epoch. */
export function primaryLimit(resetEpochSeconds: number, options: { status?: 403 | 429; resource?: "core" | "search"; limit?: number } = {}): Fault {
  const limit = options.limit ?? (options.resource === "search" ? 30 : 5000);
  return {
    status: options.status ?? 403,
    headers: {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(resetEpochSeconds),
      "x-ratelimit-used": String(limit),
      "x-ratelimit-resource": options.resource ?? "core",
    },
    body: PRIMARY.body,
  };
}

/** Secondary rate limit as captured: 403 with retry-after and GitHub's text (or 429, or without retry-after). */
export function secondaryLimit(retryAfterSeconds: number | undefined, status: 403 | 429 = 403): Fault {
  return {
    status,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
    body: SECONDARY.body,
  };
}

const GRAPHQL_LIMITED = JSON.parse(readFileSync(new URL("../fixtures/graphql/rate-limited.json", import.meta.url), "utf8")) as { body_classic: unknown; body_2026_report: unknown };

/**
 * GitHub GraphQL's primary rate limit: HTTP 200 with a RATE_LIMITED error (or RATE_LIMIT, as reported
 * in 2026) and no data, x-ratelimit-remaining 0 and the reset epoch, resource graphql.
 */
export function graphqlRateLimited(resetEpochSeconds: number, form: "classic" | "2026" = "classic"): Fault {
  return {
    status: 200,
    headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetEpochSeconds), "x-ratelimit-used": "5000", "x-ratelimit-resource": "graphql" },
    body: form === "classic" ? GRAPHQL_LIMITED.body_classic : GRAPHQL_LIMITED.body_2026_report,
  };
}

export function serverError(status: 500 | 502 | 503 | 504 = 502): Fault {
  const body: Record<number, unknown> = {
    500: { message: "Server Error" },
    502: { message: "Server Error" },
    503: { message: "Service Unavailable" },
    504: { message: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists." },
  };
  return { status, body: body[status] };
}

export const connectionReset: Fault = { reset: true };
export const stalled: Fault = { stall: true };
export function slow(ms: number): Fault {
  return { delayMs: ms };
}

/** Stack Exchange error bodies (HTTP 400, as documented). */
export const seErrors = {
  throttle: fixture("stackexchange/error-throttle.json"),
  throttleQuota: fixture("stackexchange/error-throttle-quota.json"),
  temporarilyUnavailable: fixture("stackexchange/error-temporarily-unavailable.json"),
  badParameter: fixture("stackexchange/error-bad-parameter.json"),
};

export function seError(which: keyof typeof seErrors): Fault {
  const f = seErrors[which];
  return { status: f.status, body: f.body };
}

/** A normal Stack Exchange answer that also asks the client to back off this method for `seconds`. */
export function seBackoff(seconds: number): Fault {
  return { patch: { backoff: seconds } };
}

export { mulberry32 };

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Fails `rate` of all requests with one of `kinds`, chosen by a PRNG seeded with (seed, request,
 * attempt): the same requests fail on every run whatever order they arrive in.
 */
export function randomTransientFaults(seed: number, rate: number, kinds: Fault[] = [serverError(500), serverError(502), serverError(503), connectionReset, stalled]): (ctx: RequestContext) => Fault | undefined {
  return (ctx) => {
    const random = mulberry32(seed ^ hash(`${ctx.path} #${ctx.attempt}`));
    if (random() >= rate) return undefined;
    return kinds[Math.floor(random() * kinds.length)];
  };
}

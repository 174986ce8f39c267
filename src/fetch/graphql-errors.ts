/**
 * Turns what GitHub's GraphQL endpoint and octokit throw into FetchErrors. Messages are built from
 * our own words and GitHub's `message` fields only, and the token is cut out of them: octokit's
 * errors carry the request (headers included), so none of them is passed along as a cause.
 */
import { STATUS_CODES } from "node:http";
import { FetchError, type FetchErrorKind } from "./types.js";

/** One entry of a GraphQL `errors` array, as GitHub sends it (`type` is GitHub's extension). */
export interface GraphqlErrorShape {
  type?: string;
  path?: (string | number)[];
  message?: string;
}

/** Replaces every occurrence of the secret; a shared helper for any client that builds messages from responses. */
export function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("***") : text;
}

export function fetchError(kind: FetchErrorKind, text: string, secret: string | undefined, status?: number): FetchError {
  return new FetchError(kind, scrub(`github graphql: ${text}`, secret).replace(/\s+/g, " ").trim(), status);
}

/** GitHub's primary-limit error types: RATE_LIMITED (long-standing, what octokit's throttling knows) and RATE_LIMIT (seen since 2025). */
export function isRateLimitType(type: string | undefined): boolean {
  return type === "RATE_LIMITED" || type === "RATE_LIMIT";
}

function kindOfType(type: string | undefined): FetchErrorKind {
  if (type === "NOT_FOUND") return "not-found";
  if (isRateLimitType(type)) return "rate-limited";
  if (type === undefined || /^(INTERNAL|SERVICE_UNAVAILABLE|TIMEOUT)/.test(type)) return "unavailable";
  // FORBIDDEN, INVALID, UNPROCESSABLE, ARGUMENT_ERROR...: asking again would fail the same way (REST: 4xx -> invalid).
  return "invalid";
}

const HINTS: Partial<Record<FetchErrorKind, string>> = { "not-found": " (does the repository exist? is it private?)" };

/** The error of one alias (rN, mN, qN): the first error's type picks the kind; every message is kept. */
export function aliasError(what: string, errors: readonly GraphqlErrorShape[], secret: string | undefined): FetchError {
  const type = errors.find((e) => e.type)?.type;
  const kind = kindOfType(type);
  const messages = errors.map((e) => `${e.type ? `${e.type}: ` : ""}${e.message ?? "error"}`).join("; ");
  return fetchError(kind, `${what}: ${messages}${HINTS[kind] ?? ""}`, secret);
}

/** What a failed POST means for the batch as a whole. */
export type BatchFailure =
  | { kind: "rate-limited"; reason: string; resetAt: string | undefined }
  /** 502/504, or GitHub's "something went wrong / couldn't respond in time": the query was too heavy; try it in halves. */
  | { kind: "timeout"; error: FetchError }
  | { kind: "partial"; data: Record<string, unknown> | null; errors: GraphqlErrorShape[] }
  | { kind: "failed"; error: FetchError };

interface ThrownShape {
  name?: string;
  status?: number;
  message?: string;
  errors?: unknown;
  data?: unknown;
  headers?: Record<string, string | number | undefined>;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown; status?: number };
}

/** The status timedFetch (graphql.ts) answers an answer over the size cap with. */
export const TOO_LARGE = 413;

const TIMEOUT_MESSAGE = /something went wrong while executing your query|couldn't respond to your request in time/i;

export function resetFromHeaders(headers: Record<string, string | number | undefined> | undefined): string | undefined {
  const reset = Number(headers?.["x-ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined;
}

function bodyOf(value: unknown): { data?: unknown; errors?: unknown; message?: unknown } | undefined {
  return typeof value === "object" && value !== null ? (value as { data?: unknown; errors?: unknown; message?: unknown }) : undefined;
}

function errorList(value: unknown): GraphqlErrorShape[] {
  return Array.isArray(value) ? value.filter((e): e is GraphqlErrorShape => typeof e === "object" && e !== null) : [];
}

function rateLimitFailure(errors: GraphqlErrorShape[], headers: ThrownShape["headers"], data: unknown): BatchFailure {
  const limited = errors.find((e) => isRateLimitType(e.type));
  const bodyReset = (bodyOf(data)?.data as { rateLimit?: { resetAt?: unknown } } | null | undefined)?.rateLimit?.resetAt;
  return {
    kind: "rate-limited",
    reason: limited ? `${limited.type}: ${limited.message ?? "rate limit exceeded"}` : "rate limit exceeded",
    resetAt: resetFromHeaders(headers) ?? (typeof bodyReset === "string" ? bodyReset : undefined),
  };
}

/**
 * Sorts what octokit.graphql threw: a GraphqlResponseError (HTTP 200 with `errors`, `.data` kept),
 * the throttling plugin's "GraphQL Rate Limit Exceeded" (HTTP 200, type RATE_LIMITED), a RequestError
 * (HTTP status >= 400, or status 500 for a network failure / timeout), or anything else.
 */
export function classify(error: unknown, url: string, secret: string | undefined): BatchFailure {
  if (error instanceof FetchError) return { kind: "failed", error };
  const e = (typeof error === "object" && error !== null ? error : {}) as ThrownShape;

  if (e.name === "GraphqlResponseError" && Array.isArray(e.errors)) {
    const errors = errorList(e.errors);
    const data = (e.data ?? null) as Record<string, unknown> | null;
    // A rate limit hits the whole query: no alias has data then.
    if (errors.some((x) => isRateLimitType(x.type) && !x.path)) return rateLimitFailure(errors, e.headers, { data });
    if (data === null && errors.some((x) => TIMEOUT_MESSAGE.test(x.message ?? ""))) {
      return { kind: "timeout", error: fetchError("unavailable", `POST ${url}: ${errors.map((x) => x.message).join("; ")}`, secret) };
    }
    if (data === null && !errors.some((x) => Array.isArray(x.path) && x.path.length > 0)) {
      // Nothing answered and no alias to blame: the query as a whole was refused (a parse or validation error, say).
      const text = errors.map((x) => `${x.type ? `${x.type}: ` : ""}${x.message ?? "error"}`).join("; ");
      return { kind: "failed", error: fetchError(kindOfType(errors[0]?.type ?? "INVALID"), `POST ${url}: ${text}`, secret) };
    }
    return { kind: "partial", data, errors };
  }

  const response = e.response;
  const body = bodyOf(response?.data);
  const errors = errorList(body?.errors);
  const headers = response?.headers ?? {};
  if (errors.some((x) => isRateLimitType(x.type))) return rateLimitFailure(errors, headers, response?.data);

  const status = typeof e.status === "number" ? e.status : undefined;
  if (!response || status === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "failed", error: fetchError("unavailable", `POST ${url}: no response (${reason})`, secret) };
  }
  const ghMessage =
    typeof body?.message === "string" && body.message
      ? body.message
      : errors.length > 0
        ? errors.map((x) => x.message).join("; ")
        : (STATUS_CODES[status] ?? "error");
  const text = `POST ${url}: ${status} ${ghMessage}`;
  if (status === 502 || status === 504 || (status >= 500 && TIMEOUT_MESSAGE.test(ghMessage))) {
    return { kind: "timeout", error: fetchError("unavailable", text, secret, status) };
  }
  if ((status === 403 || status === 429) && headers["x-ratelimit-remaining"] === "0") {
    return { kind: "rate-limited", reason: `${status} ${ghMessage}`, resetAt: resetFromHeaders(headers) };
  }
  if (status === 403 || status === 429) {
    // A secondary limit the throttling plugin already waited out as often as allowed.
    return { kind: "failed", error: fetchError("rate-limited", text, secret, status) };
  }
  if (status === TOO_LARGE) return { kind: "failed", error: fetchError("too-large", text, secret, status) };
  if (status === 401) return { kind: "failed", error: fetchError("auth", `${text} (is the GitHub token valid?)`, secret, status) };
  if (status === 404) return { kind: "failed", error: fetchError("not-found", `${text} (is the GraphQL URL right?)`, secret, status) };
  if (status < 500) return { kind: "failed", error: fetchError("invalid", text, secret, status) };
  return { kind: "failed", error: fetchError("unavailable", text, secret, status) };
}

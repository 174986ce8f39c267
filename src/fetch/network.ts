/**
 * What a failed fetch tells about whether its request reached the server. An attempt that never did
 * (no connection could be made) is not a request the API received: it counts in no rate-limit budget
 * (pacer.ts) and in no run's request counts ("sent per API, retries included").
 */

// Codes of a connection that was never made: no address for the host, refused, unreachable.
const NOT_CONNECTED = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** Whether fetch (undici: a TypeError whose cause is the socket's error) failed before any request could reach the server. */
export function neverSent(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as (Error & { code?: string }) | undefined) : undefined;
  if (!(cause instanceof Error)) return false;
  if (cause.code !== undefined) return NOT_CONNECTED.has(cause.code);
  // Every address of the host tried in turn and each refused: an AggregateError of them.
  return cause instanceof AggregateError && cause.errors.length > 0 && cause.errors.every((e) => NOT_CONNECTED.has((e as { code?: string }).code ?? ""));
}

import { UsageError } from "./errors.js";

// A date, or a date-time with an explicit offset: a bare local time would mean different instants on
// a laptop and on a runner.
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Parses --as-of into a canonical UTC ISO string. A date alone means 00:00 UTC that day. `now` is
 * passed in: the future is refused because nothing can be counted there.
 */
export function parseAsOf(text: string, now: Date): string {
  const date = ISO.test(text) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--as-of: expected an ISO-8601 date or date-time with offset, e.g. 2026-11-21 or 2026-11-21T06:00:00Z, got ${JSON.stringify(text)}`);
  }
  if (date.getTime() > now.getTime()) {
    throw new UsageError(`--as-of: ${date.toISOString()} is in the future; pass a past instant or leave it out for now`);
  }
  return date.toISOString();
}

/** The UTC date (YYYY-MM-DD) of an instant: what a snapshot of that asOf is filed and shown under. */
export function dateOf(asOf: string): string {
  return new Date(asOf).toISOString().slice(0, 10);
}

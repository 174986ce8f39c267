import { UsageError } from "./errors.js";

// A date, or a date-time with an explicit offset: a bare local time would mean different instants on
// a laptop and on a runner.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** Whether the fields written exist on a calendar and a clock: Date would roll 2026-02-30 over to 03-02. */
function exists(match: RegExpExecArray): boolean {
  const [y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0] = match.slice(1).map((f) => (f === undefined ? undefined : Number(f)));
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! <= 23 && mi! <= 59 && sec! <= 59 && oh! <= 23 && om! <= 59;
}

/**
 * Parses --as-of into a canonical UTC ISO string. A date alone means 00:00 UTC that day. `now` is
 * passed in: the future is refused because nothing can be counted there.
 */
export function parseAsOf(text: string, now: Date): string {
  const match = ISO.exec(text);
  const date = match && exists(match) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : new Date(NaN);
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

/**
 * The run's clock: SHOWDOWN_NOW when set (an ISO instant; tests pin it so that "more than a day before
 * the run" does not depend on the day they run), else the real one.
 */
export function runNow(env: NodeJS.ProcessEnv): number {
  const text = env.SHOWDOWN_NOW?.trim();
  if (!text) return Date.now();
  const ms = Date.parse(text);
  if (!ISO.test(text) || Number.isNaN(ms)) throw new UsageError(`SHOWDOWN_NOW: expected an ISO-8601 date-time with offset, e.g. 2026-11-21T06:00:00Z, got ${JSON.stringify(text)}`);
  return ms;
}

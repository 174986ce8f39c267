/**
 * The dates a backfill covers, and the checks of its flags. Pure: `now` comes in.
 */
import { UsageError } from "./errors.js";

export const EVERY = ["day", "week", "month"] as const;
export type Every = (typeof EVERY)[number];

/** Stack Overflow opened in 2008 and GitHub's API answers nothing older that matters: earlier dates are refused. */
export const EARLIEST = "2008-01-01";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A --from/--to date (YYYY-MM-DD, 00:00 UTC) as an ISO instant; one line naming the flag and the fix otherwise. */
export function parseBackfillDate(text: string | undefined, flag: "--from" | "--to", now: number): string {
  if (text === undefined) throw new UsageError(`${flag}: required, a date such as 2016-01-01`);
  const m = DATE.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`${flag}: expected a date YYYY-MM-DD (00:00 UTC that day), got ${JSON.stringify(text)}`);
  }
  if (text < EARLIEST) throw new UsageError(`${flag}: ${text} is before ${EARLIEST}; Stack Overflow and the GitHub figures start later, pass ${EARLIEST} or after`);
  if (ms > now) throw new UsageError(`${flag}: ${text} is in the future; pass today's date or an earlier one`);
  return new Date(ms).toISOString();
}

export function parseEvery(text: string | undefined): Every {
  const every = text ?? "month";
  if (!(EVERY as readonly string[]).includes(every)) throw new UsageError(`--every: expected day, week or month, got ${JSON.stringify(every)}`);
  return every as Every;
}

/**
 * Every date from `from` to `to` (both ISO instants at 00:00 UTC, both included when they fall on the
 * step): a day or a week apart, or a month apart on the same day of the month (the month's last day
 * when it is shorter, e.g. 31 January, 28 February, 31 March).
 */
export function backfillDates(from: string, to: string, every: Every): string[] {
  if (Date.parse(from) > Date.parse(to)) throw new UsageError(`--from: ${from.slice(0, 10)} is after --to ${to.slice(0, 10)}; swap them`);
  const start = new Date(from);
  const end = Date.parse(to);
  const dates: string[] = [];
  for (let i = 0; ; i++) {
    let ms: number;
    if (every === "month") {
      const y = start.getUTCFullYear();
      const month = start.getUTCMonth() + i;
      const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
      ms = Date.UTC(y, month, Math.min(start.getUTCDate(), last));
    } else {
      ms = start.getTime() + i * (every === "week" ? 7 : 1) * 86_400_000;
    }
    if (ms > end) break;
    dates.push(new Date(ms).toISOString());
  }
  return dates;
}

/** `total` shared among `n` as whole numbers that add up to it: the first `total % n` get one more. */
export function share(total: number, n: number, i: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0);
}

/** "1 h 05 min", "4 min 10 s", "12 s": a duration for the progress line. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

/**
 * The one source of time for the fetch clients: reading it (rate-limit resets, backoff deadlines) and
 * waiting on it (resets, retries, query spacing). Injected so that tests can run every wait on a fake
 * clock and assert on the waits asked for, instead of measuring elapsed milliseconds.
 */
import { sleep } from "./backoff.js";

export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Resolves after `ms`, or rejects with the "aborted" FetchError as soon as `signal` is aborted (see backoff.ts sleep). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock and real timers: what every client uses unless a test injects another. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep,
};

/**
 * A fake Clock (src/fetch/clock.ts) for pacing, backoff and retry tests: no test waits for real time
 * or measures it; it asserts on the waits the code asked for (`waits`, `deadlines`) and on the requests
 * a server counted.
 *
 * Time moves only when code waits on this clock. By default (auto) a wait is over on the next turn of
 * the event loop: the clock jumps to the earliest deadline pending and wakes the waits due then (so
 * waits started together end together, in deadline order), and the rest follow on later turns. With
 * { auto: false } time stands still until the test calls advance(), for tests that act during a wait
 * (stopping the run) and must see that the wait, not time, ended.
 */
import type { Clock } from "../../src/fetch/clock.js";
import { stoppedError } from "../../src/fetch/backoff.js";
import { FetchError } from "../../src/fetch/types.js";
import { expect } from "vitest";

/** 2026-01-01T00:00:00Z: a whole second, so that waits for epoch-second resets come out exact. */
export const FAKE_START = Date.UTC(2026, 0, 1);

export interface FakeClock extends Clock {
  /** Every wait asked for (of a positive duration), in the order asked, whether it ran out or was stopped. */
  readonly waits: number[];
  /** For each of `waits`, the clock time it was due to end at. */
  readonly deadlines: number[];
  /** Waits not over yet. */
  readonly pending: number;
  /** Moves the time forward and ends the waits due by then, earliest first. */
  advance(duration: number): void;
  /** Resolves once some code is waiting on the clock (at once if it is already). */
  sleeping(): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

export function fakeClock(options: { start?: number; auto?: boolean } = {}): FakeClock {
  let now = options.start ?? FAKE_START;
  const auto = options.auto ?? true;
  const waits: number[] = [];
  const deadlines: number[] = [];
  let timers: Timer[] = [];
  let watchers: (() => void)[] = [];
  let seq = 0;
  let scheduled = false;

  const wakeDue = () => {
    const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    timers = timers.filter((t) => t.at > now);
    for (const t of due) t.wake();
  };
  const tick = () => {
    scheduled = false;
    if (timers.length === 0) return;
    now = Math.max(now, Math.min(...timers.map((t) => t.at)));
    wakeDue();
    schedule();
  };
  const schedule = () => {
    if (!auto || scheduled || timers.length === 0) return;
    scheduled = true;
    // setImmediate, not a microtask: code that starts waiting in the same turn gets in line first.
    setImmediate(tick);
  };

  return {
    waits,
    deadlines,
    get pending() {
      return timers.length;
    },
    now: () => now,
    sleep(duration: number, signal?: AbortSignal): Promise<void> {
      // As the real sleep (backoff.ts): a stopped run does not start a wait, and a wait of 0 is none.
      if (signal?.aborted) return Promise.reject(stoppedError());
      if (duration <= 0) return Promise.resolve();
      waits.push(duration);
      deadlines.push(now + duration);
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          timers = timers.filter((t) => t !== timer);
          reject(stoppedError());
        };
        const timer: Timer = {
          at: now + duration,
          seq: seq++,
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
        const waiting = watchers;
        watchers = [];
        for (const w of waiting) w();
        schedule();
      });
    },
    advance(duration: number): void {
      now += duration;
      wakeDue();
    },
    sleeping(): Promise<void> {
      if (timers.length > 0) return Promise.resolve();
      return new Promise((resolve) => watchers.push(resolve));
    },
  };
}

/**
 * Whether `promise` has settled once the callbacks already due have run (`turns` turns of the event
 * loop): for "still waiting" and "ended at once", without waiting for any time to pass.
 */
export async function isSettled(promise: Promise<unknown>, turns = 5): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** The FetchError a promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

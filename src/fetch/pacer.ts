/**
 * Paces GitHub requests by rate-limit budget, per resource (core, search), from the x-ratelimit-*
 * headers of the responses: requests go out at once while the budget lasts, and wait for the reset
 * when it is spent. So a small run is as fast as the network, and a large one never asks for more
 * than GitHub allows (the search API's 30 a minute, 10 without a token).
 *
 * - Until a response reports a resource's budget, one request is sent at a time (a probe), and if
 *   responses carry no rate-limit headers at all the documented budget is assumed.
 * - Requests in flight are counted against the budget, so concurrent requests cannot overshoot it;
 *   one that never reached GitHub (no connection could be made) is given back.
 * - A spent budget whose reset is further away than `maxWaitMs` stops the resource for the rest of
 *   the run: later requests fail at once, without being sent.
 * - A secondary rate limit holds every request for its retry-after (`hold`).
 */
import { FetchError, type RateResource } from "./types.js";
import { stoppedError } from "./backoff.js";
import { realClock, type Clock } from "./clock.js";

export interface PacerOptions {
  /** Budgets per window assumed before a response reports the real ones (the documented limits). */
  limits: Record<RateResource, number>;
  /** Window lengths in seconds for the assumed budgets. Default: core 3600, search 60. */
  windowSeconds?: Partial<Record<RateResource, number>>;
  /** Longest wait for a reset; a later reset stops the resource instead. */
  maxWaitMs: number;
  /** Waited beyond a reset instant before sending again: clocks differ. Default 1000. */
  resetMarginMs?: number;
  /** Requests in flight at once, all resources together. Default 8. */
  maxConcurrent?: number;
  log?: (line: string) => void;
  /** Aborted: no request is started any more and every wait ends at once. */
  signal?: AbortSignal;
  /** Reads the time and waits for resets and holds. Default: the real clock; tests inject a fake one. */
  clock?: Clock;
}

interface State {
  /** False until a response reports the budget, and again once its window has passed. */
  known: boolean;
  /** Requests still allowed in the window, requests in flight already subtracted. */
  remaining: number;
  limit: number;
  resetMs: number;
  inflight: number;
  stoppedAt?: number;
  /** The reset a wait was last logged for: many requests waiting for one reset log one line. */
  loggedWait?: number;
}

export interface Slot {
  /**
   * Call once the attempt is over, with the response's headers when there was a response. unsent:
   * the request never reached GitHub (no connection was made), so it spent none of the budget.
   */
  release(headers?: Headers, unsent?: boolean): void;
}

const DEFAULT_WINDOW: Record<RateResource, number> = { core: 3600, search: 60 };

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Pacer {
  private readonly states: Record<RateResource, State>;
  private readonly windows: Record<RateResource, number>;
  private readonly margin: number;
  private readonly maxConcurrent: number;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private readonly signal: AbortSignal | undefined;
  private inflight = 0;
  private holdUntil = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: PacerOptions) {
    this.windows = { ...DEFAULT_WINDOW, ...options.windowSeconds };
    this.margin = options.resetMarginMs ?? 1000;
    this.maxConcurrent = options.maxConcurrent ?? 8;
    this.log = options.log ?? (() => {});
    this.clock = options.clock ?? realClock;
    this.signal = options.signal;
    const fresh = (resource: RateResource): State => ({ known: false, remaining: options.limits[resource], limit: options.limits[resource], resetMs: 0, inflight: 0 });
    this.states = { core: fresh("core"), search: fresh("search") };
    this.signal?.addEventListener("abort", () => this.notify(), { once: true });
  }

  get maxWaitMs(): number {
    return this.options.maxWaitMs;
  }

  /** Waits until a request to `resource` may be sent. Throws FetchError "rate-limited" if the resource is stopped, "aborted" if the run is. */
  async acquire(resource: RateResource): Promise<Slot> {
    const st = this.states[resource];
    for (;;) {
      if (this.signal?.aborted) throw stoppedError();
      if (st.stoppedAt !== undefined) throw this.stoppedError(resource);
      const now = this.clock.now();
      if (this.holdUntil > now) {
        await this.clock.sleep(this.holdUntil - now, this.signal);
        continue;
      }
      if (this.inflight >= this.maxConcurrent) {
        await this.changed();
        continue;
      }
      if (st.known && st.remaining <= 0) {
        // Answers still on their way may report a larger budget, or a new window: hear them first.
        if (st.inflight > 0) {
          await this.changed();
          continue;
        }
        const until = st.resetMs + this.margin;
        if (now >= until) {
          st.known = false;
          continue;
        }
        if (until - now > this.options.maxWaitMs) {
          this.stop(resource);
          continue;
        }
        if (st.loggedWait !== st.resetMs) {
          st.loggedWait = st.resetMs;
          this.log(`github: ${resource} rate limit reached; waiting ${Math.ceil((until - now) / 1000)} s for its reset at ${isoSeconds(st.resetMs)}`);
        }
        await this.clock.sleep(until - now, this.signal);
        continue;
      }
      if (st.known && now >= st.resetMs) st.known = false; // a new window: its budget is unknown until answered
      if (!st.known && st.inflight > 0) {
        await this.changed();
        continue;
      }
      st.inflight += 1;
      this.inflight += 1;
      if (st.known) st.remaining -= 1;
      let released = false;
      return {
        release: (headers, unsent = false) => {
          if (released) return;
          released = true;
          st.inflight -= 1;
          this.inflight -= 1;
          // Counted against a known budget when it was sent (or when an answer set the budget while
          // it was in flight): given back. Nor does it start an assumed window: without a network,
          // attempts would otherwise "spend" the search API's 10 a minute and wait for resets.
          if (unsent) {
            if (st.known) st.remaining += 1;
          } else this.observe(resource, headers);
          this.notify();
        },
      };
    }
  }

  /**
   * A primary rate limit answer (403/429, x-ratelimit-remaining 0): the budget is spent until
   * `resetEpochSeconds`. Returns how long until requests may go again.
   */
  exhausted(resource: RateResource, resetEpochSeconds: number): number {
    const st = this.states[resource];
    const now = this.clock.now();
    const resetMs = Number.isFinite(resetEpochSeconds) && resetEpochSeconds > 0 ? resetEpochSeconds * 1000 : now + this.windows[resource] * 1000;
    st.known = true;
    st.remaining = Math.min(0, st.remaining);
    // A reset already past (a clock behind GitHub's) still gets a short pause, not a tight loop.
    st.resetMs = Math.max(resetMs, now + 1000 - this.margin);
    return st.resetMs + this.margin - now;
  }

  /** Gives up on a resource for the rest of the run (its reset is too far away). */
  stop(resource: RateResource): void {
    const st = this.states[resource];
    if (st.stoppedAt !== undefined) return;
    st.stoppedAt = st.resetMs;
    const seconds = Math.max(0, Math.ceil((st.resetMs - this.clock.now()) / 1000));
    this.log(
      `github: ${resource} rate limit reached; it resets in ${seconds} s, more than the ${Math.round(this.options.maxWaitMs / 1000)} s allowed (--max-wait); ` +
        `no more ${resource} requests this run`,
    );
    this.notify();
  }

  /** Holds every request, all resources, for `ms` (a secondary rate limit's retry-after). */
  hold(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, this.clock.now() + ms);
  }

  /** The resources given up on, with when their budget resets. */
  stopped(): Partial<Record<RateResource, { resetAt: string }>> {
    const out: Partial<Record<RateResource, { resetAt: string }>> = {};
    for (const resource of ["core", "search"] as const) {
      const at = this.states[resource].stoppedAt;
      if (at !== undefined) out[resource] = { resetAt: new Date(at).toISOString() };
    }
    return out;
  }

  private stoppedError(resource: RateResource): FetchError {
    const at = this.states[resource].stoppedAt ?? 0;
    return new FetchError(
      "rate-limited",
      `not requested: the GitHub ${resource} rate limit is used up until ${isoSeconds(at)}, more than --max-wait away`,
      undefined,
    );
  }

  private observe(resource: RateResource, headers: Headers | undefined): void {
    const st = this.states[resource];
    const remaining = Number(headers?.get("x-ratelimit-remaining") ?? NaN);
    const reset = Number(headers?.get("x-ratelimit-reset") ?? NaN);
    const limit = Number(headers?.get("x-ratelimit-limit") ?? NaN);
    if (headers?.get("x-ratelimit-remaining") != null && Number.isFinite(remaining) && Number.isFinite(reset)) {
      const resetMs = reset * 1000;
      if (!st.known || resetMs > st.resetMs) {
        st.known = true;
        st.resetMs = resetMs;
        st.remaining = remaining - st.inflight;
        if (Number.isFinite(limit) && limit > 0) st.limit = limit;
      } else if (resetMs === st.resetMs) {
        st.remaining = Math.min(st.remaining, remaining - st.inflight);
      }
      // else: an answer from a window that has already passed; it says nothing about this one.
      return;
    }
    if (!st.known) {
      // No rate-limit headers (a network error, or a server with rate limiting off): assume the
      // documented budget for a window starting now.
      st.known = true;
      st.resetMs = this.clock.now() + this.windows[resource] * 1000;
      st.remaining = st.limit - 1 - st.inflight;
    }
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

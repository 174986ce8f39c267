import { FetchError } from "./types.js";

/** The error every wait and every request not yet sent ends with once the run is stopped (Ctrl-C). */
export function stoppedError(what = "stopped before the request was sent"): FetchError {
  return new FetchError("aborted", what);
}

/**
 * Waits `ms`, or less if `signal` is aborted first (then it throws the "aborted" FetchError). The timer
 * is cleared on abort, so a stopped run never waits out a long rate-limit reset before exiting.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(stoppedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(stoppedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Exponential back-off with jitter for the n-th retry (1-based): base, 2 x base, 4 x base, ...
 * capped, each drawn uniformly from its upper half so that clients that failed together do not
 * retry together ("equal jitter").
 */
export function backoffDelay(retry: number, baseMs: number, random: () => number = Math.random, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

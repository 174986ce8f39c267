import { describe, expect, it } from "vitest";
import { Pacer, type Slot } from "../../src/fetch/pacer.js";
import { FetchError } from "../../src/fetch/types.js";

const inSeconds = (s: number) => String(Math.floor(Date.now() / 1000) + s);

function headers(remaining: number, resetIn: number, limit = 30): Headers {
  return new Headers({ "x-ratelimit-remaining": String(remaining), "x-ratelimit-reset": inSeconds(resetIn), "x-ratelimit-limit": String(limit) });
}

/** Whether the promise settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

async function rejection(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe("Pacer", () => {
  it("gives back the budget of a request that never reached GitHub, and assumes no window for it", async () => {
    const stop = new AbortController();
    const pacer = new Pacer({ limits: { core: 5000, search: 2 }, maxWaitMs: 120_000, signal: stop.signal });
    // Unknown budget: unsent attempts leave it unknown (one at a time, none counted).
    for (let i = 0; i < 5; i++) (await pacer.acquire("search")).release(undefined, true);
    // A sent attempt without an answer (a reset connection) assumes the documented 2: this one and one more.
    (await pacer.acquire("search")).release();
    // Known budget, 1 left: an unsent attempt hands its request back, so the next may still go.
    (await pacer.acquire("search")).release(undefined, true);
    (await pacer.acquire("search")).release();
    // That one was sent: the budget is spent until the assumed window's reset, a minute away.
    const waiting = pacer.acquire("search");
    expect(await settlesWithin(waiting, 50)).toBe(false);
    stop.abort();
    expect((await rejection(waiting)).kind).toBe("aborted");
  });
  it("sends one request until the budget is known, then bursts while it lasts, then stops when the reset is too far", async () => {
    const lines: string[] = [];
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, log: (l) => lines.push(l) });
    const probe = await pacer.acquire("search");
    const second = pacer.acquire("search");
    expect(await settlesWithin(second, 30)).toBe(false);
    probe.release(headers(3, 60));
    const slots: Slot[] = [await second, await pacer.acquire("search"), await pacer.acquire("search")];
    // 3 left, 3 in flight: the fourth waits for their answers.
    const fourth = pacer.acquire("search");
    expect(await settlesWithin(fourth, 30)).toBe(false);
    for (const s of slots) s.release(headers(0, 60));
    // Spent, and the reset is 60 s away: more than the 10 s allowed.
    const error = await rejection(fourth);
    expect(error.kind).toBe("rate-limited");
    expect(error.message).toMatch(/^not requested: the GitHub search rate limit is used up until \d{4}-.*Z, more than --max-wait away$/);
    expect(lines).toEqual([expect.stringMatching(/^github: search rate limit reached; it resets in (59|60) s, more than the 10 s allowed \(--max-wait\); no more search requests this run$/)]);
    expect(pacer.stopped()).toEqual({ search: { resetAt: expect.any(String) } });
    // Core is a separate budget.
    (await pacer.acquire("core")).release();
  });

  it("waits for a reset within max-wait, then probes the new window", async () => {
    const lines: string[] = [];
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, resetMarginMs: 0, log: (l) => lines.push(l) });
    (await pacer.acquire("search")).release(headers(0, 1));
    const started = Date.now();
    const next = await pacer.acquire("search");
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(1100);
    expect(lines).toEqual([expect.stringMatching(/^github: search rate limit reached; waiting 1 s for its reset at /)]);
    // A new window: one at a time until it is answered.
    expect(await settlesWithin(pacer.acquire("search"), 30)).toBe(false);
    next.release(headers(29, 60));
  });

  it("assumes the documented budget when answers carry no rate-limit headers", async () => {
    const pacer = new Pacer({ limits: { core: 60, search: 3 }, maxWaitMs: 100 });
    (await pacer.acquire("search")).release();
    const a = await pacer.acquire("search");
    const b = await pacer.acquire("search");
    a.release();
    b.release();
    // 3 a minute: the fourth would wait ~60 s, more than allowed.
    expect((await rejection(pacer.acquire("search"))).kind).toBe("rate-limited");
  });

  it("counts requests in flight against the budget an answer reports", async () => {
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 100 });
    (await pacer.acquire("core")).release(headers(4, 3600, 5000));
    const inFlight = [await pacer.acquire("core"), await pacer.acquire("core"), await pacer.acquire("core")];
    // The first answer says 2 left; the other two still in flight may use them.
    inFlight[0]!.release(headers(2, 3600, 5000));
    const next = pacer.acquire("core");
    expect(await settlesWithin(next, 30)).toBe(false);
    inFlight[1]!.release(headers(1, 3600, 5000));
    inFlight[2]!.release(headers(0, 3600, 5000));
    expect((await rejection(next)).kind).toBe("rate-limited");
  });

  it("holds every request for a secondary limit's retry-after", async () => {
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000 });
    (await pacer.acquire("core")).release(headers(100, 3600, 5000));
    pacer.hold(150);
    const started = Date.now();
    (await pacer.acquire("search")).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("keeps at most maxConcurrent requests in flight", async () => {
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, maxConcurrent: 2 });
    (await pacer.acquire("core")).release(headers(100, 3600, 5000));
    const a = await pacer.acquire("core");
    await pacer.acquire("core");
    const third = pacer.acquire("core");
    expect(await settlesWithin(third, 30)).toBe(false);
    a.release(headers(98, 3600, 5000));
    expect(await settlesWithin(third, 30)).toBe(true);
  });

  it("ends a wait at once when the run is stopped", async () => {
    const controller = new AbortController();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 600_000, signal: controller.signal });
    (await pacer.acquire("search")).release(headers(0, 300));
    const waiting = pacer.acquire("search");
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await rejection(waiting);
    expect(error.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(500);
  });
});

import { describe, expect, it } from "vitest";
import { Pacer, type Slot } from "../../src/fetch/pacer.js";
import { fakeClock, FAKE_START, isSettled, rejection, type FakeClock } from "../support/clock.js";

/** Rate-limit headers with the reset `resetIn` seconds after the clock's now (FAKE_START: a whole second). */
function headers(clock: FakeClock, remaining: number, resetIn: number, limit = 30): Headers {
  const reset = String(Math.floor(clock.now() / 1000) + resetIn);
  return new Headers({ "x-ratelimit-remaining": String(remaining), "x-ratelimit-reset": reset, "x-ratelimit-limit": String(limit) });
}

describe("Pacer", () => {
  it("gives back the budget of a request that never reached GitHub, and assumes no window for it", async () => {
    const stop = new AbortController();
    const clock = fakeClock({ auto: false });
    const pacer = new Pacer({ limits: { core: 5000, search: 2 }, maxWaitMs: 120_000, signal: stop.signal, clock });
    /** A slot that is given at once, without waiting. */
    const slot = async () => {
      const acquired = pacer.acquire("search");
      expect(await isSettled(acquired)).toBe(true);
      return acquired;
    };
    // Unknown budget: unsent attempts leave it unknown (one at a time, none counted).
    for (let i = 0; i < 5; i++) (await slot()).release(undefined, true);
    // A sent attempt without an answer (a reset connection) assumes the documented 2: this one and one more.
    (await slot()).release();
    // Known budget, 1 left: an unsent attempt hands its request back, so the next may still go.
    (await slot()).release(undefined, true);
    (await slot()).release();
    expect(clock.waits).toEqual([]);
    // That one was sent: the budget is spent until the assumed window's reset, a minute (+ the 1 s margin) away.
    const waiting = pacer.acquire("search");
    await clock.sleeping();
    expect(clock.waits).toEqual([61_000]);
    expect(await isSettled(waiting)).toBe(false);
    stop.abort();
    expect(await isSettled(waiting)).toBe(true);
    expect((await rejection(waiting)).kind).toBe("aborted");
    expect(clock.now()).toBe(FAKE_START);
  });

  it("sends one request until the budget is known, then bursts while it lasts, then stops when the reset is too far", async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, log: (l) => lines.push(l), clock });
    const probe = await pacer.acquire("search");
    const second = pacer.acquire("search");
    expect(await isSettled(second)).toBe(false);
    probe.release(headers(clock, 3, 60));
    const slots: Slot[] = [await second, await pacer.acquire("search"), await pacer.acquire("search")];
    // 3 left, 3 in flight: the fourth waits for their answers.
    const fourth = pacer.acquire("search");
    expect(await isSettled(fourth)).toBe(false);
    for (const s of slots) s.release(headers(clock, 0, 60));
    // Spent, and the reset is 60 s away: more than the 10 s allowed.
    const error = await rejection(fourth);
    expect(error.kind).toBe("rate-limited");
    expect(error.message).toBe("not requested: the GitHub search rate limit is used up until 2026-01-01T00:01:00Z, more than --max-wait away");
    expect(lines).toEqual(["github: search rate limit reached; it resets in 60 s, more than the 10 s allowed (--max-wait); no more search requests this run"]);
    expect(pacer.stopped()).toEqual({ search: { resetAt: "2026-01-01T00:01:00.000Z" } });
    expect(clock.waits).toEqual([]);
    // Core is a separate budget.
    (await pacer.acquire("core")).release();
  });

  it("waits for a reset within max-wait, then probes the new window", async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, resetMarginMs: 250, log: (l) => lines.push(l), clock });
    (await pacer.acquire("search")).release(headers(clock, 0, 1));
    const next = await pacer.acquire("search");
    // One wait, from now until the reset (1 s away) plus the margin, and the slot only after it.
    expect(clock.waits).toEqual([1250]);
    expect(clock.now()).toBe(FAKE_START + 1250);
    expect(lines).toEqual(["github: search rate limit reached; waiting 2 s for its reset at 2026-01-01T00:00:01Z"]);
    // A new window: one at a time until it is answered.
    const third = pacer.acquire("search");
    expect(await isSettled(third)).toBe(false);
    next.release(headers(clock, 29, 60));
    (await third).release();
    expect(clock.waits).toEqual([1250]);
  });

  it("assumes the documented budget when answers carry no rate-limit headers", async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 60, search: 3 }, maxWaitMs: 100, clock });
    (await pacer.acquire("search")).release();
    const a = await pacer.acquire("search");
    const b = await pacer.acquire("search");
    a.release();
    b.release();
    // 3 a minute: the fourth would wait ~60 s, more than allowed.
    expect((await rejection(pacer.acquire("search"))).kind).toBe("rate-limited");
    expect(clock.waits).toEqual([]);
  });

  it("counts requests in flight against the budget an answer reports", async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 100, clock });
    (await pacer.acquire("core")).release(headers(clock, 4, 3600, 5000));
    const inFlight = [await pacer.acquire("core"), await pacer.acquire("core"), await pacer.acquire("core")];
    // The first answer says 2 left; the other two still in flight may use them.
    inFlight[0]!.release(headers(clock, 2, 3600, 5000));
    const next = pacer.acquire("core");
    expect(await isSettled(next)).toBe(false);
    inFlight[1]!.release(headers(clock, 1, 3600, 5000));
    inFlight[2]!.release(headers(clock, 0, 3600, 5000));
    expect((await rejection(next)).kind).toBe("rate-limited");
  });

  it("holds every request, of every resource, for a secondary limit's retry-after", async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, clock });
    (await pacer.acquire("core")).release(headers(clock, 100, 3600, 5000));
    pacer.hold(150);
    (await pacer.acquire("search")).release();
    expect(clock.waits).toEqual([150]);
    expect(clock.now()).toBe(FAKE_START + 150);
    // Once the hold is over nothing waits.
    (await pacer.acquire("core")).release(headers(clock, 99, 3600, 5000));
    expect(clock.waits).toEqual([150]);
  });

  it("keeps at most maxConcurrent requests in flight", async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 10_000, maxConcurrent: 2, clock });
    (await pacer.acquire("core")).release(headers(clock, 100, 3600, 5000));
    const a = await pacer.acquire("core");
    await pacer.acquire("core");
    const third = pacer.acquire("core");
    expect(await isSettled(third)).toBe(false);
    a.release(headers(clock, 98, 3600, 5000));
    expect(await isSettled(third)).toBe(true);
    expect(clock.waits).toEqual([]);
  });

  it("ends a wait at once when the run is stopped", async () => {
    const controller = new AbortController();
    const clock = fakeClock({ auto: false });
    const pacer = new Pacer({ limits: { core: 5000, search: 30 }, maxWaitMs: 600_000, signal: controller.signal, clock });
    (await pacer.acquire("search")).release(headers(clock, 0, 300));
    const waiting = pacer.acquire("search");
    await clock.sleeping();
    // Waiting for the reset 300 s away (+ the 1 s margin) when the run is stopped.
    expect(clock.waits).toEqual([301_000]);
    controller.abort();
    expect(await isSettled(waiting)).toBe(true);
    expect((await rejection(waiting)).kind).toBe("aborted");
    // The wait ended, not the time: the clock never moved.
    expect(clock.now()).toBe(FAKE_START);
    expect(clock.pending).toBe(0);
  });
});

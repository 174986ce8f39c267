/**
 * The real clock the clients use by default: its waits run on the timers (faked here, so nothing
 * really waits) and end at once when the run is stopped. The clients' own tests inject a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { realClock } from "../../src/fetch/clock.js";
import { FAKE_START, isSettled, rejection } from "../support/clock.js";

beforeEach(() => {
  // setImmediate stays real: isSettled turns the event loop with it.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(FAKE_START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("realClock", () => {
  it("reads the system time (faked here)", () => {
    expect(realClock.now()).toBe(FAKE_START);
    vi.setSystemTime(FAKE_START + 1234);
    expect(realClock.now()).toBe(FAKE_START + 1234);
  });

  it("waits on a timer: not over a millisecond early, over once the time has passed", async () => {
    const waiting = realClock.sleep(1000);
    vi.advanceTimersByTime(999);
    expect(await isSettled(waiting)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await isSettled(waiting)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends a wait at once when the run is stopped, as the aborted FetchError, and leaves no timer behind", async () => {
    const controller = new AbortController();
    const waiting = realClock.sleep(600_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(await isSettled(waiting)).toBe(true);
    expect((await rejection(waiting)).kind).toBe("aborted");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("starts no wait for a stopped run, and none of zero length", async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(realClock.sleep(1000, controller.signal))).kind).toBe("aborted");
    expect(await isSettled(realClock.sleep(0))).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

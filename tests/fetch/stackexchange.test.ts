import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStackExchange, type StackExchangeOptions } from "../../src/fetch/stackexchange.js";
import { fakeClock, FAKE_START, isSettled, type FakeClock } from "../support/clock.js";

interface Fixture {
  status: number;
  body: Record<string, unknown>;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/stackexchange/${name}`, import.meta.url), "utf8")) as Fixture;
}

const API = "https://api.stackexchange.com";
// Shaped like a real app key: `*` and `(` survive encodeURIComponent unescaped.
const KEY = "U4DMV*8nvpm3EOpvf69Rxw((";
const QUERY = { site: "stackoverflow", pagesize: "100" };

function gzipped(body: unknown): [number, Buffer, Record<string, string>] {
  return [200, gzipSync(JSON.stringify(body)), { "content-type": "application/json; charset=utf-8", "content-encoding": "gzip" }];
}

/** Every wait (the API's backoff, retries) on a fake clock: `clock.waits` says what was waited, nothing really waits. */
function client(extra: Partial<StackExchangeOptions> & { clock?: FakeClock } = {}) {
  const lines: string[] = [];
  const clock = extra.clock ?? fakeClock();
  const stackExchange = createStackExchange({
    baseUrl: API,
    log: (line) => lines.push(line),
    ...extra,
    clock,
  });
  return { stackExchange, lines, clock };
}

function items(names: string[], count = (i: number) => 1000 + i) {
  return { items: names.map((name, i) => ({ has_synonyms: false, is_moderator_only: false, is_required: false, count: count(i), name })), has_more: false, quota_max: 10000, quota_remaining: 9000 };
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("tagCounts", () => {
  it("reads a gzip body, its counts and the quota", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API)
      .get("/2.3/tags/pytorch;tensorflow/info")
      .query(QUERY)
      .reply(...gzipped(f.body));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(["pytorch", "tensorflow"]);
    expect(result).toEqual({
      counts: new Map([
        ["pytorch", 25041],
        ["tensorflow", 80312],
      ]),
      missing: [],
      failed: new Map(),
      requests: 1,
      quotaRemaining: 9987,
      quotaMax: 10000,
    });
    expect(scope.isDone()).toBe(true);
  });

  it("lists a tag the API does not return as missing", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API)
      .get("/2.3/tags/pytorch;no-such-tag-xyz/info")
      .query(QUERY)
      .reply(...gzipped({ ...f.body, items: (f.body.items as { name: string }[]).filter((i) => i.name === "pytorch") }));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(["pytorch", "no-such-tag-xyz"]);
    expect([...result.counts]).toEqual([["pytorch", 25041]]);
    expect(result.missing).toEqual(["no-such-tag-xyz"]);
    expect(result.failed.size).toBe(0);
    expect(scope.isDone()).toBe(true);
  });

  it("asks once per tag whatever the case or repetition, and answers each spelling", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API).get("/2.3/tags/pytorch/info").query(QUERY).reply(...gzipped(f.body));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(["PyTorch", "pytorch", "pytorch", ""]);
    expect([...result.counts]).toEqual([
      ["PyTorch", 25041],
      ["pytorch", 25041],
    ]);
    expect(result.requests).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("percent-encodes each tag: c++ as c%2B%2B, c# as c%23", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API)
      .get("/2.3/tags/c%2B%2B;c%23;.net/info")
      .query(QUERY)
      .reply(...gzipped({ ...f.body, items: [...(f.body.items as object[]), { name: "c#", count: 1617000 }, { name: ".net", count: 341000 }] }));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(["c++", "c#", ".net"]);
    expect(result.counts).toEqual(
      new Map([
        ["c++", 809155],
        ["c#", 1617000],
        [".net", 341000],
      ]),
    );
    expect(scope.isDone()).toBe(true);
  });

  it("splits 150 tags into batches of 100 and 50", async () => {
    const tags = Array.from({ length: 150 }, (_, i) => `tag-${i}`);
    const first = tags.slice(0, 100);
    const second = tags.slice(100);
    const scope = nock(API)
      .get(`/2.3/tags/${first.join(";")}/info`)
      .query(QUERY)
      .reply(...gzipped(items(first)))
      .get(`/2.3/tags/${second.join(";")}/info`)
      .query(QUERY)
      .reply(...gzipped({ ...items(second.slice(1), (i) => 5000 + i), quota_remaining: 8999 }));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(tags);
    expect(result.requests).toBe(2);
    expect(result.counts.size).toBe(149);
    expect(result.counts.get("tag-0")).toBe(1000);
    expect(result.counts.get("tag-99")).toBe(1099);
    expect(result.counts.get("tag-101")).toBe(5000);
    expect(result.missing).toEqual(["tag-100"]);
    expect(result.quotaRemaining).toBe(8999);
    expect(scope.isDone()).toBe(true);
  });

  it("sends the key as a query parameter", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API)
      .get("/2.3/tags/pytorch/info")
      .query({ ...QUERY, key: KEY })
      .reply(...gzipped(f.body));
    const { stackExchange } = client({ key: KEY });
    expect((await stackExchange.tagCounts(["pytorch"])).counts.get("pytorch")).toBe(25041);
    expect(scope.isDone()).toBe(true);
  });
});

describe("failures", () => {
  it("fails a batch on an API error body, without the key in the message and without retrying", async () => {
    const f = fixture("error-bad-parameter.json");
    const scope = nock(API)
      .get("/2.3/tags/pytorch;keras/info")
      .query({ ...QUERY, key: KEY })
      .reply(f.status, f.body, { "content-type": "application/json; charset=utf-8" });
    const { stackExchange } = client({ key: KEY });
    const result = await stackExchange.tagCounts(["pytorch", "keras"]);
    expect(result.failed).toEqual(
      new Map([
        ["pytorch", "stackexchange: bad_parameter: site is required"],
        ["keras", "stackexchange: bad_parameter: site is required"],
      ]),
    );
    expect(result.counts.size).toBe(0);
    expect(result.missing).toEqual([]);
    expect(result.requests).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("stops after a throttle violation: later batches are failed, not sent", async () => {
    const f = fixture("error-throttle.json");
    const tags = Array.from({ length: 150 }, (_, i) => `tag-${i}`);
    const scope = nock(API).get(/^\/2\.3\/tags\//).query(true).reply(f.status, gzipSync(JSON.stringify(f.body)), {
      "content-type": "application/json; charset=utf-8",
      "content-encoding": "gzip",
    });
    const { stackExchange } = client({ key: KEY });
    const result = await stackExchange.tagCounts(tags);
    expect(result.requests).toBe(1);
    expect(result.failed.size).toBe(150);
    expect(new Set(result.failed.values())).toEqual(new Set(["stackexchange: throttle_violation: too many requests from this IP"]));
    expect(scope.isDone()).toBe(true);
  });

  it("keeps the key out of a network error's message", async () => {
    const scope = nock(API)
      .get("/2.3/tags/pytorch/info")
      .query(true)
      .replyWithError(`connect ECONNREFUSED for ${API}/2.3/tags/pytorch/info?key=${KEY}`);
    const { stackExchange } = client({ key: KEY, retries: 0 });
    const result = await stackExchange.tagCounts(["pytorch"]);
    const message = result.failed.get("pytorch");
    expect(message).toMatch(/^stackexchange: .*connect ECONNREFUSED for .*key=\*\*\*/);
    expect(message).not.toContain(KEY);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a temporary API error and a 5xx, then succeeds", async () => {
    const f = fixture("tags-info.json");
    const scope = nock(API)
      .get("/2.3/tags/pytorch/info")
      .query(QUERY)
      .reply(400, { error_id: 503, error_name: "temporarily_unavailable", error_message: "try later" })
      .get("/2.3/tags/pytorch/info")
      .query(QUERY)
      .reply(502, "<html>Bad Gateway</html>", { "content-type": "text/html" })
      .get("/2.3/tags/pytorch/info")
      .query(QUERY)
      .reply(...gzipped(f.body));
    const { stackExchange, lines, clock } = client({ random: () => 1 });
    const result = await stackExchange.tagCounts(["pytorch"]);
    expect(result.counts.get("pytorch")).toBe(25041);
    expect(result.requests).toBe(3);
    // A back-off before each retry, doubling from the 1 s default (jitter at its top here).
    expect(clock.waits).toEqual([1000, 2000]);
    expect(lines).toEqual([
      "stackexchange: temporarily_unavailable: try later; retrying",
      "stackexchange: HTTP 502 Bad Gateway; retrying",
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it("fails the batch once the retries run out", async () => {
    const scope = nock(API).get("/2.3/tags/pytorch/info").query(QUERY).times(3).reply(503, "Service Unavailable");
    const { stackExchange } = client({ retries: 2 });
    const result = await stackExchange.tagCounts(["pytorch"]);
    expect(result.failed).toEqual(new Map([["pytorch", "stackexchange: HTTP 503 Service Unavailable"]]));
    expect(result.requests).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it("times out a request that does not answer", async () => {
    const scope = nock(API).get("/2.3/tags/pytorch/info").query(QUERY).delay(500).reply(...gzipped(items(["pytorch"])));
    const { stackExchange } = client({ timeoutMs: 50, retries: 0 });
    const result = await stackExchange.tagCounts(["pytorch"]);
    expect(result.failed.get("pytorch")).toBe("stackexchange: no answer within 50 ms");
    expect(scope.isDone()).toBe(true);
  });
});

describe("backoff", () => {
  it("waits the requested backoff before the next batch, and across calls", async () => {
    const tags = Array.from({ length: 101 }, (_, i) => `tag-${i}`);
    const clock = fakeClock();
    const sentAt: number[] = [];
    const scope = nock(API)
      .get(`/2.3/tags/${tags.slice(0, 100).join(";")}/info`)
      .query(QUERY)
      .reply(() => (sentAt.push(clock.now()), gzipped({ ...items(tags.slice(0, 100)), backoff: 2 })))
      .get("/2.3/tags/tag-100/info")
      .query(QUERY)
      .reply(() => (sentAt.push(clock.now()), gzipped({ ...items(["tag-100"]), backoff: 10 })))
      .get("/2.3/tags/later/info")
      .query(QUERY)
      .reply(() => (sentAt.push(clock.now()), gzipped(items(["later"]))));
    const { stackExchange, lines } = client({ clock });
    const result = await stackExchange.tagCounts(tags);
    expect(result.counts.size).toBe(101);
    expect(result.requests).toBe(2);
    // The 2 s asked for, from the answer that asked: the next batch only after them.
    expect(clock.waits).toEqual([2000]);
    expect(sentAt).toEqual([FAKE_START, FAKE_START + 2000]);
    expect(lines).toEqual(["stackexchange: backing off 2 s as the API asked"]);
    // The second call still owes the 10 s the last response asked for.
    expect((await stackExchange.tagCounts(["later"])).counts.get("later")).toBe(1000);
    expect(clock.waits).toEqual([2000, 10_000]);
    expect(sentAt).toEqual([FAKE_START, FAKE_START + 2000, FAKE_START + 12_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("does not wait for a backoff that has run out by the next request", async () => {
    const clock = fakeClock();
    const scope = nock(API)
      .get("/2.3/tags/first/info")
      .query(QUERY)
      .reply(...gzipped({ ...items(["first"]), backoff: 1 }))
      .get("/2.3/tags/second/info")
      .query(QUERY)
      .reply(...gzipped(items(["second"])));
    const { stackExchange, lines } = client({ clock });
    await stackExchange.tagCounts(["first"]);
    clock.advance(1000);
    expect((await stackExchange.tagCounts(["second"])).counts.get("second")).toBe(1000);
    expect(clock.waits).toEqual([]);
    expect(lines).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("quota and stopping", () => {
  it("sends nothing once the quota is used up: the batches left fail, saying when it resets", async () => {
    const tags = Array.from({ length: 150 }, (_, i) => `tag-${i}`);
    const scope = nock(API)
      .get(`/2.3/tags/${tags.slice(0, 100).join(";")}/info`)
      .query(QUERY)
      .reply(...gzipped({ ...items(tags.slice(0, 100)), quota_max: 300, quota_remaining: 0 }));
    const { stackExchange } = client();
    const result = await stackExchange.tagCounts(tags);
    expect(result.requests).toBe(1);
    expect(result.counts.size).toBe(100);
    expect(result.failed.get("tag-100")).toBe("stackexchange: the daily quota of 300 is used up (it resets at 00:00 UTC); not requested");
    expect(result.failed.size).toBe(50);
    expect(scope.isDone()).toBe(true);
  });

  it("sends nothing once the run is stopped, and ends a backoff wait at once", async () => {
    const tags = Array.from({ length: 101 }, (_, i) => `tag-${i}`);
    const scope = nock(API)
      .get(`/2.3/tags/${tags.slice(0, 100).join(";")}/info`)
      .query(QUERY)
      .reply(...gzipped({ ...items(tags.slice(0, 100)), backoff: 30 }));
    const controller = new AbortController();
    const clock = fakeClock({ auto: false });
    const { stackExchange } = client({ signal: controller.signal, clock });
    const running = stackExchange.tagCounts(tags);
    // Stopped while waiting out the 30 s backoff before the second batch.
    await clock.sleeping();
    expect(clock.waits).toEqual([30_000]);
    controller.abort();
    expect(await isSettled(running)).toBe(true);
    const result = await running;
    expect(result.requests).toBe(1);
    expect(result.failed.get("tag-100")).toBe("stackexchange: stopped before the request was sent");
    // The wait ended, not the time.
    expect(clock.now()).toBe(FAKE_START);
    expect(scope.isDone()).toBe(true);
  });

  it("jitters the retry delays: each within the upper half of 1, 2, 4 x the base", async () => {
    const scope = nock(API).get("/2.3/tags/pytorch/info").query(QUERY).times(4).reply(503, "Service Unavailable");
    const { stackExchange, clock } = client({ retryDelayMs: 1000 });
    await stackExchange.tagCounts(["pytorch"]);
    expect(clock.waits).toHaveLength(3);
    // The back-offs asked of the fake clock: jittered between half and all of 1 s, 2 s, 4 s.
    clock.waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(500 * 2 ** i);
      expect(wait).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    expect(scope.isDone()).toBe(true);
  });
});

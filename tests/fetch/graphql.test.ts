import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergedQuery } from "../../src/fetch/github.js";
import { createGraphqlGitHub, DEFAULT_BATCH_SIZE, planGraphql, QUERY_SPACING_MS, type GraphqlGitHubOptions, type RepoFigures, type RepoFiguresRequest } from "../../src/fetch/graphql.js";
import { FetchError, type SearchCount } from "../../src/fetch/types.js";
import { answer, newLog, schemaProblems, type FakeLog, type FakeWorld } from "../fixtures/graphql/fake-github.js";
import { fakeClock, FAKE_START, type FakeClock } from "../support/clock.js";

const API = "https://api.github.com";
const URL_DOTCOM = `${API}/graphql`;
const TOKEN = "ghp_SeCrEt0123456789abcdefABCDEF012345";
const WINDOW = { since: "2025-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z" };

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/graphql/${name}`, import.meta.url), "utf8")) as T;
}

/**
 * The client's own waits (resets, query spacing, retries after a timeout) on a fake clock: `clock.waits`
 * says what was waited, nothing really waits. octokit's retry and throttling plugins keep real timers:
 * tests where they retry pass FAST_PLUGINS.
 */
function client(extra: Partial<GraphqlGitHubOptions> & { clock?: FakeClock } = {}) {
  const lines: string[] = [];
  const clock = extra.clock ?? fakeClock();
  const github = createGraphqlGitHub({
    graphqlUrl: URL_DOTCOM,
    token: TOKEN,
    userAgent: "showdown-test/1.0",
    log: (line) => lines.push(line),
    ...extra,
    clock,
  });
  return { github, lines, clock };
}

/** One second of octokit's retry and throttling waits lasts 5 ms (the client's own waits are scaled alike). */
const FAST_PLUGINS = { secondMs: 5 };

function request(fullName: string, info = true): RepoFiguresRequest {
  return { fullName, ...WINDOW, info };
}

/** A world of n repositories o/rI with figures derived from I, and their merged-PR counts. */
function world(n: number, extra: Partial<FakeWorld> = {}): FakeWorld {
  const repos: FakeWorld["repos"] = {};
  const searches: FakeWorld["searches"] = {};
  for (let i = 0; i < n; i++) {
    repos[`o/r${i}`] = { nameWithOwner: `o/r${i}`, stars: i * 10, forks: i, openIssues: i, openPullRequests: 1, commits: [`2025-12-${String((i % 28) + 1).padStart(2, "0")}T00:00:00Z`] };
    searches[mergedQuery(`o/r${i}`, WINDOW.since, WINDOW.until)] = i * 2;
  }
  return { repos, searches, ...extra };
}

function expectFigures(result: RepoFigures | FetchError, i: number): void {
  expect(result).toEqual({
    fullName: `o/r${i}`,
    info: { fullName: `o/r${i}`, defaultBranch: "main", stars: i * 10, forks: i, openIssues: i + 1, archived: false },
    lastCommitAt: `2025-12-${String((i % 28) + 1).padStart(2, "0")}T00:00:00Z`,
    empty: false,
    // The one commit is in the window (2025-01-01, 2026-01-01].
    commits: 1,
    mergedPullRequests: { count: i * 2, incomplete: false },
  });
}

/** Answers every POST from the fake, executing the query against GitHub's schema. */
function serve(w: FakeWorld, log: FakeLog, times: number, host = API, path = "/graphql") {
  return nock(host)
    .post(path)
    .times(times)
    .reply(200, (_uri, body) => answer(w, body, log));
}

/** An x-ratelimit-reset `seconds` after the clock's now. */
function resetIn(clock: FakeClock, seconds: number): string {
  return String(Math.floor(clock.now() / 1000) + seconds);
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("one batch", () => {
  it("returns exact figures for 3 repositories and 2 counts in one POST, sending token and user agent", async () => {
    const f = fixture<{ requests: RepoFiguresRequest[]; counts: string[]; body: unknown; expected: { repositories: unknown[]; counts: unknown[] } }>("batch-3-repos.json");
    let sent: { query: string; variables: Record<string, string> } | undefined;
    const scope = nock(API)
      .matchHeader("authorization", `token ${TOKEN}`)
      .matchHeader("user-agent", /^showdown-test\/1\.0/)
      .post("/graphql", (body: { query: string; variables: Record<string, string> }) => {
        sent = body;
        return true;
      })
      .reply(200, f.body as nock.Body, { "x-ratelimit-resource": "graphql", "x-ratelimit-remaining": "4987", "x-ratelimit-limit": "5000", "x-ratelimit-reset": "1767229200" });
    const { github } = client();
    const [repos, counts] = await Promise.all([github.repositories(f.requests), github.repositoryCounts(f.counts)]);
    expect(repos).toEqual(f.expected.repositories);
    expect(counts).toEqual(f.expected.counts);
    scope.done();
    expect(schemaProblems(sent!.query)).toEqual([]);
    expect(sent!.variables).toMatchObject({ o0: "pytorch", n0: "pytorch", o1: "apache", n1: "mxnet", o2: "numpy", n2: "numpy", t0: WINDOW.until, s3: f.counts[0], s4: f.counts[1] });
    expect(github.stats()).toEqual({ graphql: 1, budget: { remaining: 4987, limit: 5000, resetAt: "2026-01-01T01:00:00Z", cost: 1 } });
  });

  it("sends nothing for nothing, and fails a malformed name without sending it", async () => {
    const { github } = client();
    expect(await github.repositories([])).toEqual([]);
    expect(await github.repositoryCounts([])).toEqual([]);
    const [bad] = await github.repositories([request("not-a-repo")]);
    expect((bad as FetchError).kind).toBe("invalid");
    expect(github.stats().graphql).toBe(0);
  });
});

describe("batching", () => {
  it("sends 120 repositories in exactly 3 POSTs with batchSize 50", async () => {
    const w = world(120);
    const log = newLog();
    const scope = serve(w, log, 3);
    const { github } = client({ batchSize: 50 });
    const results = await github.repositories(Array.from({ length: 120 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    expect(github.stats().graphql).toBe(3);
    expect(log.invalid).toEqual([]);
    expect(log.variables.map((v) => Object.keys(v).filter((k) => k.startsWith("o")).length)).toEqual([50, 50, 20]);
    results.forEach((r, i) => expectFigures(r, i));
  });

  it("defaults to 50 groups per query", async () => {
    expect(DEFAULT_BATCH_SIZE).toBe(50);
    const w = world(51);
    const log = newLog();
    const scope = serve(w, log, 2);
    const { github } = client();
    const results = await github.repositories(Array.from({ length: 51 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    results.forEach((r, i) => expectFigures(r, i));
  });

  it("shares queries between repositories() and repositoryCounts() called together", async () => {
    const w = world(2, {});
    w.searches["stars:>1 pytorch"] = 77;
    const log = newLog();
    const scope = serve(w, log, 1);
    const { github } = client();
    const [repos, counts] = await Promise.all([github.repositories([request("o/r0"), request("o/r1", false)]), github.repositoryCounts(["stars:>1 pytorch"])]);
    scope.done();
    expectFigures(repos[0]!, 0);
    expect(repos[1]).toEqual({ fullName: "o/r1", lastCommitAt: "2025-12-02T00:00:00Z", empty: false, commits: 1, mergedPullRequests: { count: 2, incomplete: false } });
    expect(counts).toEqual([{ count: 77, incomplete: false }]);
    expect(log.invalid).toEqual([]);
  });

  it("counts merged pull requests again under the new name after a rename", async () => {
    const w = world(1);
    w.repos["old/name"] = { nameWithOwner: "new-owner/new-name", commits: ["2025-05-05T00:00:00Z"] };
    w.searches[mergedQuery("old/name", WINDOW.since, WINDOW.until)] = 0;
    w.searches[mergedQuery("new-owner/new-name", WINDOW.since, WINDOW.until)] = 31;
    w.searches[mergedQuery("O/R0", WINDOW.since, WINDOW.until)] = 0;
    const log = newLog();
    const scope = serve(w, log, 2);
    const { github } = client();
    const [renamed, same] = await github.repositories([request("old/name", false), request("O/R0")]);
    scope.done();
    expect(renamed).toEqual({ fullName: "new-owner/new-name", lastCommitAt: "2025-05-05T00:00:00Z", empty: false, commits: 1, mergedPullRequests: { count: 31, incomplete: false } });
    // A difference in case only is not a rename: no second search for it.
    expect((same as RepoFigures).fullName).toBe("o/r0");
    expect(log.variables[1]).toEqual({ s0: mergedQuery("new-owner/new-name", WINDOW.since, WINDOW.until) });
  });
});

describe("the queue", () => {
  it("puts searches under new names after renames into queries not yet sent: 3 POSTs for 120 repositories of which 2 renamed", async () => {
    const w = world(120);
    for (const i of [3, 53]) {
      w.repos[`old/r${i}`] = { ...w.repos[`o/r${i}`]!, nameWithOwner: `o/r${i}` };
      w.searches[mergedQuery(`old/r${i}`, WINDOW.since, WINDOW.until)] = 0;
    }
    const log = newLog();
    const scope = serve(w, log, 3);
    const { github } = client({ batchSize: 50, concurrency: 1 });
    const requests = Array.from({ length: 120 }, (_, i) => request(i === 3 || i === 53 ? `old/r${i}` : `o/r${i}`));
    const results = await github.repositories(requests);
    scope.done();
    results.forEach((r, i) => expectFigures(r, i));
    // The third query has the 20 repositories left and both searches under the new names.
    expect(log.variables.map((v) => Object.keys(v).filter((k) => /^o\d+$/.test(k)).length)).toEqual([50, 50, 20]);
    expect(Object.values(log.variables[2]!)).toEqual(expect.arrayContaining([mergedQuery("o/r3", WINDOW.since, WINDOW.until), mergedQuery("o/r53", WINDOW.since, WINDOW.until)]));
  });

  it("hands on each answer as soon as its query is in, in the order asked", async () => {
    const w = world(3);
    w.searches.q = 5;
    const log = newLog();
    const scope = serve(w, log, 2);
    const { github } = client({ batchSize: 2, concurrency: 1 });
    const heard: string[] = [];
    const [repos, counts] = await Promise.all([
      github.repositories([request("o/r0"), request("o/r1"), request("o/r2")], (i, r) => heard.push(`repo ${i} ${(r as RepoFigures).fullName} after ${github.stats().graphql}`)),
      github.repositoryCounts(["q"], (i, r) => heard.push(`count ${i} ${(r as SearchCount).count} after ${github.stats().graphql}`)),
    ]);
    scope.done();
    expect(heard.slice(0, 2)).toEqual(["repo 0 o/r0 after 1", "repo 1 o/r1 after 1"]);
    expect(heard.slice(2).sort()).toEqual(["count 0 5 after 2", "repo 2 o/r2 after 2"]);
    expect(repos).toHaveLength(3);
    expect(counts).toEqual([{ count: 5, incomplete: false }]);
  });

  it("mergedPullRequests() asks the search alone, under the name given", async () => {
    const w = world(2);
    const log = newLog();
    const scope = serve(w, log, 1);
    const { github } = client();
    const counts = await github.mergedPullRequests([{ fullName: "o/r1", ...WINDOW }, { fullName: "o/r0", since: "not a date", until: WINDOW.until }]);
    scope.done();
    expect(counts[0]).toEqual({ count: 2, incomplete: false });
    expect(counts[1]).toMatchObject({ kind: "invalid", message: 'github: since is not a date-time: "not a date"' });
    expect(log.variables).toEqual([{ s0: mergedQuery("o/r1", WINDOW.since, WINDOW.until) }]);
  });

  it("sends nothing once the run is stopped: the items left fail as aborted; a query under way finishes", async () => {
    const w = world(4);
    const log = newLog();
    const controller = new AbortController();
    const scope = nock(API)
      .post("/graphql")
      .reply(200, (_uri, body) => {
        controller.abort();
        return answer(w, body, log);
      });
    const { github } = client({ batchSize: 2, concurrency: 1, signal: controller.signal });
    const results = await github.repositories([0, 1, 2, 3].map((i) => request(`o/r${i}`)));
    scope.done();
    expectFigures(results[0]!, 0);
    expectFigures(results[1]!, 1);
    for (const r of results.slice(2)) expect(r).toMatchObject({ kind: "aborted", message: "github graphql: not sent: the run was stopped" });
    expect(github.stats().graphql).toBe(1);
  });
});

describe("pacing", () => {
  it(`starts queries ${QUERY_SPACING_MS} ms apart (GitHub's 2,000 points a minute), not octokit's 1 s for POSTs that create content`, async () => {
    const w = world(6);
    const log = newLog();
    const clock = fakeClock();
    const sentAt: number[] = [];
    const scope = nock(API)
      .post("/graphql")
      .times(6)
      .reply(200, (_uri, body) => {
        sentAt.push(clock.now());
        return answer(w, body, log);
      });
    const { github } = client({ batchSize: 1, concurrency: 2, clock });
    const results = await github.repositories([0, 1, 2, 3, 4, 5].map((i) => request(`o/r${i}`)));
    scope.done();
    results.forEach((r, i) => expectFigures(r, i));
    expect(github.stats().graphql).toBe(6);
    // The first query starts at once; each of the other five waits for its start, QUERY_SPACING_MS after the one before.
    const starts = [1, 2, 3, 4, 5].map((i) => FAKE_START + i * QUERY_SPACING_MS);
    expect(clock.deadlines).toEqual(starts);
    // None went out before its start.
    sentAt.sort((a, b) => a - b).forEach((at, i) => expect(at).toBeGreaterThanOrEqual(FAKE_START + i * QUERY_SPACING_MS));
    // All six within a second of clock time, where octokit's spacing would take five.
    expect(clock.now() - FAKE_START).toBeLessThan(1000);
  });
});

describe("planGraphql", () => {
  it("counts the POSTs and points a run sends, with the run's batches and cost formula", () => {
    const requests = Array.from({ length: 120 }, (_, i) => request(`o/r${i}`, i % 2 === 0));
    // 60 with details (5 connections), 60 without (3), 30 searches (1): 150 groups in 3 POSTs of 50,
    // of 25 x 5 + 25 x 3 = 200 connections (2 points), 200 (2) and 10 x 5 + 10 x 3 + 30 = 110 (1).
    const plan = planGraphql(requests, Array.from({ length: 30 }, (_, i) => `q${i}`));
    expect(plan).toEqual({ groups: 150, posts: 3, points: 2 + 2 + 1 });
    expect(planGraphql([], [])).toEqual({ groups: 0, posts: 0, points: 0 });
    // 50 repositories with details: 250 connections, round(2.5) = 3 points.
    expect(planGraphql(Array.from({ length: 50 }, (_, i) => request(`o/r${i}`)), [])).toEqual({ groups: 50, posts: 1, points: 3 });
  });
});

describe("errors of one alias", () => {
  it("fails only the repository GitHub cannot find", async () => {
    const w = world(3);
    delete w.repos["o/r1"];
    w.searches[mergedQuery("o/r1", WINDOW.since, WINDOW.until)] = 0;
    const log = newLog();
    const scope = serve(w, log, 1);
    const { github } = client();
    const results = await github.repositories([request("o/r0"), request("o/r1"), request("o/r2")]);
    scope.done();
    expectFigures(results[0]!, 0);
    expectFigures(results[2]!, 2);
    const error = results[1] as FetchError;
    expect(error).toBeInstanceOf(FetchError);
    expect(error.kind).toBe("not-found");
    expect(error.message).toContain("Could not resolve to a Repository with the name 'o/r1'.");
  });

  it("reports an empty repository as empty, with lastCommitAt null", async () => {
    const w = world(0);
    w.repos["a/empty"] = { nameWithOwner: "a/empty", stars: 4, defaultBranch: null };
    w.searches[mergedQuery("a/empty", WINDOW.since, WINDOW.until)] = 0;
    const scope = serve(w, newLog(), 1);
    const { github } = client();
    const [result] = await github.repositories([request("a/empty")]);
    scope.done();
    expect(result).toEqual({
      fullName: "a/empty",
      info: { fullName: "a/empty", defaultBranch: null, stars: 4, forks: 0, openIssues: 0, archived: false },
      lastCommitAt: null,
      empty: true,
      commits: null,
      mergedPullRequests: { count: 0, incomplete: false },
    });
  });
});

describe("an error that nulls the whole answer", () => {
  it("fails the search it came from and sends the others again", async () => {
    // search is non-null in the schema: its error nulls `data` as a whole (GraphQL's null propagation).
    const w = world(2);
    w.searches.good = 3;
    const log = newLog();
    const scope = serve(w, log, 2);
    const { github, lines } = client();
    const [repos, counts] = await Promise.all([github.repositories([request("o/r0"), request("o/r1")]), github.repositoryCounts(["good", "is:bad"])]);
    scope.done();
    repos.forEach((r, i) => expectFigures(r, i));
    expect(counts[0]).toEqual({ count: 3, incomplete: false });
    expect((counts[1] as FetchError).kind).toBe("invalid");
    expect((counts[1] as FetchError).message).toBe('github graphql: search REPOSITORY (q: is:bad): UNEXPECTED: the fake has no count for "is:bad"');
    expect(log.variables[1]).not.toHaveProperty("s3");
    expect(lines).toContain("github graphql: the answer was null because of 1 of 4 groups; sending the other 3 again");
  });
});

describe("rate limits", () => {
  const limited = fixture<{ body_classic: unknown; body_2026_report: unknown }>("rate-limited.json");

  for (const [name, body] of [
    ["RATE_LIMITED", limited.body_classic],
    ["RATE_LIMIT", limited.body_2026_report],
  ] as const) {
    it(`waits for the reset after ${name} with HTTP 200, then succeeds`, async () => {
      const w = world(2);
      const log = newLog();
      const clock = fakeClock();
      const scope = nock(API)
        .post("/graphql")
        .reply(200, body as nock.Body, { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": resetIn(clock, 2), "x-ratelimit-resource": "graphql" })
        .post("/graphql")
        .reply(200, (_uri, b) => answer(w, b, log));
      const { github, lines } = client({ clock });
      const results = await github.repositories([request("o/r0"), request("o/r1")]);
      scope.done();
      results.forEach((r, i) => expectFigures(r, i));
      expect(github.stats().graphql).toBe(2);
      expect(lines.some((l) => l.includes(`rate limited (${name}`))).toBe(true);
      expect(lines).toContain("github graphql: 0 points left, the next query costs about 1 and 10 are kept in reserve; waiting 3 s for the reset at 2026-01-01T00:00:02.000Z");
      // One wait before the second POST: the 2 s to the reset, rounded up, and 1 s more.
      expect(clock.waits).toEqual([3000]);
    });
  }

  it("fails the whole batch when the reset is further away than maxWaitSeconds, naming it", async () => {
    const clock = fakeClock();
    const reset = resetIn(clock, 3600);
    const scope = nock(API).post("/graphql").reply(200, limited.body_classic as nock.Body, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset });
    const { github } = client({ maxWaitSeconds: 60, clock });
    const [results, counts] = await Promise.all([github.repositories([request("o/r0"), request("o/r1")]), github.repositoryCounts(["x"])]);
    scope.done();
    const iso = new Date(Number(reset) * 1000).toISOString();
    for (const r of [...results, ...counts]) {
      expect(r).toBeInstanceOf(FetchError);
      expect((r as FetchError).kind).toBe("rate-limited");
      expect((r as FetchError).message).toContain(`resets at ${iso}, in 3601 s, more than the 60 s allowed`);
    }
    expect(github.stats().graphql).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it("stops before the budget runs out: unsent batches fail as rate-limited, naming the reset", async () => {
    // Batches of 2 repositories with info: 8 connections, expected cost 1. After the first answer 12
    // points are left (>= 1 + 10 in reserve): the second goes. After it 10 are left: the rest stay.
    const clock = fakeClock();
    const resetAt = new Date(clock.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const remaining = [12, 10];
    const w = world(10, { rateLimit: () => ({ cost: 1, remaining: remaining.shift() ?? 0, resetAt, limit: 5000, nodeCount: 2 }) });
    const log = newLog();
    const scope = serve(w, log, 2);
    const { github } = client({ batchSize: 2, concurrency: 1, minRemaining: 10, clock });
    const results = await github.repositories(Array.from({ length: 10 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    expect(github.stats().graphql).toBe(2);
    results.slice(0, 4).forEach((r, i) => expectFigures(r, i));
    for (const r of results.slice(4)) {
      expect((r as FetchError).kind).toBe("rate-limited");
      expect((r as FetchError).message).toMatch(new RegExp(`^github graphql: not sent: 10 points left, the next query costs about 1 and 10 are kept in reserve; the limit resets at ${resetAt}`));
    }
    expect(github.stats().budget).toEqual({ remaining: 10, limit: 5000, resetAt, cost: 2 });
    // The second POST waited for its start only, never for the reset.
    expect(clock.waits).toEqual([QUERY_SPACING_MS]);
  });

  it("expects later batches to cost what GitHub charged, when that is more than the formula says", async () => {
    // The formula says 1 point for 2 repositories; GitHub charges 4. 13 left < 4 + 10 kept: stop.
    const clock = fakeClock();
    const resetAt = new Date(clock.now() + 3_600_000).toISOString();
    const w = world(4, { rateLimit: () => ({ cost: 4, remaining: 13, resetAt, limit: 5000, nodeCount: 2 }) });
    const scope = serve(w, newLog(), 1);
    const { github } = client({ batchSize: 2, concurrency: 1, minRemaining: 10, clock });
    const results = await github.repositories(Array.from({ length: 4 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    results.slice(0, 2).forEach((r, i) => expectFigures(r, i));
    expect((results[2] as FetchError).message).toContain("13 points left, the next query costs about 4 and 10 are kept in reserve");
    expect(github.stats().graphql).toBe(1);
  });

  it("waits for a reset that is near instead of refusing", async () => {
    const clock = fakeClock();
    const remaining = [3, 4999];
    const w = world(4, { rateLimit: () => ({ cost: 1, remaining: remaining.shift() ?? 4999, resetAt: new Date(clock.now() + 2000).toISOString(), limit: 5000, nodeCount: 2 }) });
    const scope = serve(w, newLog(), 2);
    const { github, lines } = client({ batchSize: 2, concurrency: 1, clock });
    const results = await github.repositories(Array.from({ length: 4 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    results.forEach((r, i) => expectFigures(r, i));
    expect(github.stats().graphql).toBe(2);
    expect(lines).toContain("github graphql: 3 points left, the next query costs about 1 and 10 are kept in reserve; waiting 3 s for the reset at 2026-01-01T00:00:02.000Z");
    // The reset 2 s away, rounded up, and 1 s more: waited before the second POST, not refused.
    expect(clock.waits).toEqual([3000]);
  });
});

describe("timeouts", () => {
  const timeout = fixture<{ status: number; body: unknown }>("timeout-502.json");

  it("splits a batch that timed out (502) in halves and sends them again", async () => {
    const w = world(5);
    const log = newLog();
    const scope = nock(API)
      .post("/graphql")
      .reply(timeout.status, timeout.body as nock.Body)
      .post("/graphql")
      .times(2)
      .reply(200, (_uri, b) => answer(w, b, log));
    const { github, lines } = client();
    const results = await github.repositories(Array.from({ length: 5 }, (_, i) => request(`o/r${i}`)));
    scope.done();
    results.forEach((r, i) => expectFigures(r, i));
    expect(github.stats().graphql).toBe(3);
    expect(log.variables.map((v) => Object.keys(v).filter((k) => k.startsWith("o")).length)).toEqual([3, 2]);
    expect(lines.some((l) => l.includes("a query of 5 groups timed out") && l.includes("halves of 3 and 2"))).toBe(true);
  });

  it("retries a lone group after a 504 and gives up as unavailable", async () => {
    const scope = nock(API).post("/graphql").times(3).reply(504, "We couldn't respond to your request in time");
    const { github, clock } = client({ retries: 2 });
    const [result] = await github.repositoryCounts(["x"]);
    scope.done();
    expect((result as FetchError).kind).toBe("unavailable");
    expect((result as FetchError).status).toBe(504);
    expect(github.stats().graphql).toBe(3);
    // 1 s, then 4 s before the retries; none after the last.
    expect(clock.waits).toEqual([1000, 4000]);
  });
});

describe("whole-request failures", () => {
  it("keeps the token out of errors and log lines", async () => {
    const scope = nock(API)
      .post("/graphql")
      .reply(401, { message: `Bad credentials for ${TOKEN}`, documentation_url: "https://docs.github.com/graphql" });
    const { github, lines } = client();
    const [results, counts] = await Promise.all([github.repositories([request("o/r0")]), github.repositoryCounts(["x"])]);
    scope.done();
    for (const r of [...results, ...counts]) {
      const error = r as FetchError;
      expect(error.kind).toBe("auth");
      expect(error.message).toBe("github graphql: POST https://api.github.com/graphql: 401 Bad credentials for *** (is the GitHub token valid?)");
      expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    }
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("keeps the token out of alias errors GitHub echoes it in", async () => {
    const scope = nock(API)
      .post("/graphql")
      .reply(200, { data: { r0: null, m0: { issueCount: 0 }, rateLimit: null }, errors: [{ type: "FORBIDDEN", path: ["r0"], message: `Resource protected by organization SAML enforcement (${TOKEN})` }] });
    const { github } = client();
    const [result] = await github.repositories([request("o/r0")]);
    scope.done();
    expect((result as FetchError).kind).toBe("invalid");
    expect(inspect(result, { depth: 10 })).not.toContain(TOKEN);
    expect((result as FetchError).message).toContain("SAML enforcement (***)");
  });

  it("retries a 500 and fails every item as unavailable when it persists", async () => {
    const scope = nock(API).post("/graphql").times(3).reply(500, { message: "Server Error" });
    const { github } = client({ retries: 2, ...FAST_PLUGINS });
    const results = await github.repositoryCounts(["a", "b"]);
    scope.done();
    expect(results.map((r) => (r as FetchError).kind)).toEqual(["unavailable", "unavailable"]);
  });

  it("fails every item as unavailable when the connection fails", async () => {
    const scope = nock(API).post("/graphql").times(2).replyWithError("socket hang up");
    const { github } = client({ retries: 1, ...FAST_PLUGINS });
    const [result] = await github.repositoryCounts(["a"]);
    scope.done();
    expect((result as FetchError).kind).toBe("unavailable");
    expect((result as FetchError).message).toMatch(/^github graphql: POST https:\/\/api\.github\.com\/graphql: /);
  });
});

describe("endpoints", () => {
  it("posts to a GHES server's /api/graphql", async () => {
    const w = world(1);
    w.searches["topic:deep-learning"] = 5;
    const log = newLog();
    const scope = serve(w, log, 1, "https://ghe.example.com", "/api/graphql");
    const { github } = client({ graphqlUrl: "https://ghe.example.com/api/graphql" });
    const [[repo], [count]] = await Promise.all([github.repositories([request("o/r0")]), github.repositoryCounts(["topic:deep-learning"])]);
    scope.done();
    expectFigures(repo!, 0);
    expect(count).toEqual({ count: 5, incomplete: false } satisfies SearchCount);
  });

  it("posts to an endpoint that does not end in /graphql as given", async () => {
    const w = world(0);
    w.searches.q = 1;
    const scope = serve(w, newLog(), 1, "http://127.0.0.1:8123", "/custom/gql");
    const { github } = client({ graphqlUrl: "http://127.0.0.1:8123/custom/gql/" });
    expect(await github.repositoryCounts(["q"])).toEqual([{ count: 1, incomplete: false }]);
    scope.done();
  });

  it("refuses a batch size that is not a whole number", () => {
    expect(() => client({ batchSize: 0 })).toThrow(RangeError);
    expect(() => client({ batchSize: 2.5 })).toThrow(RangeError);
  });
});

/**
 * The search API's budget (30 a minute with a token) is kept up front, from the x-ratelimit headers:
 * against a replica that enforces a small budget per short window, a run never gets a 403, and a
 * small run does not wait at all. In process, the client and the replica share a fake clock, so the
 * waits are asserted exactly; through the CLI the replica enforces the windows on real time, and the
 * tests count requests (refused ones, overlapping ones), never elapsed time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startReplica, type Replica } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runInProcess } from "../support/io.js";
import { createGitHub } from "../../src/fetch/github.js";
import { fakeClock, FAKE_START } from "../support/clock.js";
import { AS_OF, cohortYaml, env, expectedRaw, FAST, generated, readSnapshotIn, SMALL, smallData } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

describe("search budget pacing", () => {
  it("14 concurrent searches against 5 per 1-second window: bursts of at most 5, no 403, every count exact", async () => {
    const { data } = generated(14, 21);
    const clock = fakeClock();
    replica = await startReplica(data, { latencyMs: 20, rateLimits: { search: { limit: 5, windowSeconds: 1 } }, now: clock.now });
    const lines: string[] = [];
    const github = createGitHub({ baseUrl: replica.githubUrl, token: "ghp_pacerTest0123456789", userAgent: "test", log: (l) => lines.push(l), resetMarginMs: 100, clock });
    const queries = Object.keys(data.repositorySearch);
    const counts = await Promise.all(queries.map((q) => github.repositoryCount(q)));
    expect(counts).toEqual(queries.map((q) => ({ count: data.repositorySearch[q], incomplete: false })));
    expect(replica.requests.filter((r) => r.rateLimited)).toEqual([]);
    expect(replica.requests.map((r) => r.status)).toEqual(queries.map(() => 200));
    // The first request went alone (the budget was not known yet); the next ones only after its answer.
    expect(replica.requests[1]!.inFlight).toBe(0);
    // 14 requests at 5 a window: windows open at their first request, and every request waiting for one
    // waited until its reset (+ the 100 ms margin): the first window's at 1 s, the second's (opened at
    // 1.1 s) at 2 s. Two resets, 5 + 5 + 4 requests.
    expect([...new Set(clock.deadlines)]).toEqual([FAKE_START + 1100, FAKE_START + 2100]);
    expect(replica.requests.map((r) => r.at - FAKE_START)).toEqual([...Array(5).fill(0), ...Array(5).fill(1100), ...Array(4).fill(2100)]);
    expect(lines).toEqual([
      "github: search rate limit reached; waiting 2 s for its reset at 2026-01-01T00:00:01Z",
      "github: search rate limit reached; waiting 1 s for its reset at 2026-01-01T00:00:02Z",
    ]);
  });

  it("a CLI run of 5 projects (more searches than one window holds) against 10 per 2-second window: no 403, exact, exit 0", async () => {
    const { projects, data } = generated(5, 22);
    replica = await startReplica(data, { rateLimits: { search: { limit: 10, windowSeconds: 2 } } });
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) });
    expect(result.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel");
    for (const p of projects) expect(snap.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(data, p));
    expect(replica.requests.filter((r) => r.rateLimited)).toEqual([]);
    expect(replica.requests.filter((r) => r.route.includes("/search/")).length).toBeGreaterThan(10);
    expect(result.stderr).toMatch(/github: search rate limit reached; waiting \d s for its reset/);
  });

  it("a small run never waits: 10 searches within the documented 30 go out at once", async () => {
    replica = await startReplica(smallData(), { latencyMs: 50, rateLimits: { search: { limit: 30, windowSeconds: 60 } } });
    const dir = await tempProject("rel", cohortYaml("rel", SMALL));
    const result = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/waiting/);
    const searches = replica.requests.filter((r) => r.route.startsWith("GET /search/"));
    // 4 merged counts, 3 repository counts, 3 searches of closed PRs (the bot-landed check).
    expect(searches).toHaveLength(10);
    // The first one alone (the budget is not known yet), then the rest together: after the first answer
    // every search still to ask arrived while the others were in flight. (plugin-throttling sent
    // searches one at a time, 2 s apart: each would have arrived alone.)
    expect(searches[0]!.inFlight).toBe(0);
    expect(Math.max(...searches.map((r) => r.inFlight))).toBeGreaterThan(1);
  });

  it("a core budget that runs out with its reset an hour away: stopped before GitHub has to refuse anything, exit 2", async () => {
    const { projects, data } = generated(6, 23);
    replica = await startReplica(data, { searchLimit: 1000, rateLimits: { core: { limit: 8, windowSeconds: 3600 } } });
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF, "--concurrency", "2"], { cwd: dir, env: env(replica, FAST) });
    expect(result.code).toBe(2);
    const core = replica.requests.filter((r) => r.api === "github" && !r.route.includes("/search/"));
    // The whole budget, or all but the one still reserved for a request in flight when the last answer
    // said so (three core requests a repository go out together): never more.
    expect(core.length).toBeGreaterThanOrEqual(7);
    expect(core.length).toBeLessThanOrEqual(8);
    expect(core.filter((r) => r.rateLimited)).toEqual([]);
    expect(result.stderr).toMatch(/^github: core rate limit reached; it resets in \d+ s, more than the 900 s allowed \(--max-wait\); no more core requests this run$/m);
    const { snap } = await readSnapshotIn(dir, "rel");
    // Whatever was fetched is exact; the rest is null with an error, never a wrong number.
    for (const p of projects) {
      const got = snap.projects.find((q) => q.id === p.id)!;
      const exact = expectedRaw(data, p);
      for (const [field, value] of Object.entries(got.raw)) {
        if (got.errors.some((e) => e.field === field)) expect(value, `${p.id}.${field}`).toBeNull();
        else expect(value, `${p.id}.${field}`).toEqual(exact[field]);
      }
    }
    expect(snap.projects.flatMap((p) => p.errors).length).toBeGreaterThan(0);
  });
});

/**
 * Every GitHub failure, through the CLI (run in-process) against the fault-injecting replica: each test checks
 * the exact snapshot figures (or the exact gap), the exit code and what the server saw.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startReplica, type Replica, type ReplicaData, type ReplicaOptions } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runInProcess } from "../support/io.js";
import { connectionReset, primaryLimit, secondaryLimit, serverError, slow, stalled } from "../support/faults.js";
import { AS_OF, cohortYaml, env, expectedRaw, FAST, readSnapshotIn, SMALL, smallData, type TestProject } from "./model.js";
import { INCOMPLETE } from "../../src/collect.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

interface Run {
  data?: ReplicaData;
  projects?: TestProject[];
  replica?: ReplicaOptions;
  args?: string[];
  env?: Record<string, string>;
}

async function collect(run: Run = {}) {
  const data = run.data ?? smallData();
  const projects = run.projects ?? SMALL;
  replica = await startReplica(data, run.replica);
  const dir = await tempProject("rel", cohortYaml("rel", projects));
  const result = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF, ...(run.args ?? [])], { cwd: dir, env: env(replica, { ...FAST, ...run.env }) });
  expect(result.stderr).not.toContain("unexpected error");
  return { dir, result, replica, data, projects };
}

/** Every figure of every project exactly as the replica's data says, and no error. */
async function expectExact(dir: string, data: ReplicaData, projects: TestProject[]) {
  const { snap } = await readSnapshotIn(dir, "rel");
  for (const p of projects) {
    const got = snap.projects.find((q) => q.id === p.id)!;
    expect(got.raw, p.id).toEqual(expectedRaw(data, p));
    expect(got.errors, p.id).toEqual([]);
  }
  return snap;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const DELTA: TestProject = { id: "delta", name: "Delta", repository: "delta-org/delta", stackOverflowTags: ["delta"], repositoryQuery: "topic:delta" };
function withDelta(): ReplicaData {
  const data = smallData();
  data.repos.push({ fullName: "delta-org/delta", id: 404, stars: 7, forks: 2, openIssues: 1, commits: ["2026-11-01T00:00:00Z"], mergedAt: ["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"] });
  data.repositorySearch["topic:delta"] = 12;
  data.tags.delta = 5;
  return data;
}

describe("primary rate limit", () => {
  it.each([403, 429] as const)("%i with a reset within --max-wait: waits for the reset, then every figure is exact", async (status) => {
    // Like GitHub: from alpha's first request, the core budget is spent until the next whole second
    // but one, and every core request that comes before that is refused.
    let reset: number | undefined;
    const { dir, result, replica, data } = await collect({
      replica: {
        fault: (ctx) => {
          if (ctx.api !== "github" || ctx.route.includes("/search/")) return undefined;
          if (reset === undefined && ctx.path === "/repos/alpha-org/alpha") reset = Math.floor(ctx.now / 1000) + 1;
          return reset !== undefined && ctx.now < reset * 1000 ? primaryLimit(reset, { status }) : undefined;
        },
      },
    });
    expect(result.code).toBe(0);
    await expectExact(dir, data, SMALL);
    expect(result.stderr).toMatch(/^github: core rate limit reached; waiting [12] s for its reset at .*Z$/m);
    const tries = replica.requests.filter((r) => r.path === "/repos/alpha-org/alpha");
    // Retried once, after the reset: an earlier retry would have been refused again.
    expect(tries.map((r) => r.status)).toEqual([status, 200]);
    // And no core request at all went out while waiting: one refusal in the whole run.
    const core = replica.requests.filter((r) => r.api === "github" && !r.route.includes("/search/"));
    expect(core.filter((r) => r.status === status)).toEqual([tries[0]]);
  });

  it("core, with a reset beyond --max-wait: stops core for the run, keeps every other figure, exit 2", async () => {
    const reset = nowSeconds() + 3600;
    const { dir, result, replica, data } = await collect({
      data: withDelta(),
      projects: [...SMALL, DELTA],
      args: ["--concurrency", "1", "--max-wait", "60"],
      replica: { fault: (ctx) => (ctx.path === "/repos/gamma-org/gamma" ? primaryLimit(reset) : undefined) },
    });
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    const [alpha, beta, delta, gamma] = snap.projects;
    expect(alpha!.raw).toEqual(expectedRaw(data, SMALL[0]!));
    expect(beta!.raw).toEqual(expectedRaw(data, SMALL[1]!));
    expect([alpha!.errors, beta!.errors]).toEqual([[], []]);

    const resetAt = new Date(reset * 1000).toISOString();
    const limited = `GET /repos/gamma-org/gamma: 403 API rate limit exceeded for user ID 1234567. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:44445555 and timestamp 2026-09-28 06:20:48 UTC. (resets at ${resetAt})`;
    expect(gamma!.raw).toEqual({ lastCommitAt: null, mergedPullRequests: 0, commits: null, repositoryCount: 0, stackOverflowQuestions: 0, stars: null, forks: null, openIssues: null, archived: null });
    expect(gamma!.errors).toEqual(["lastCommitAt", "commits", "stars", "forks", "openIssues", "archived"].map((field) => ({ field, message: limited })));

    const notRequested = `GET /repos/delta-org/delta: not requested: the GitHub core rate limit is used up until ${resetAt.replace(".000Z", "Z")}, more than --max-wait away`;
    // The search API has its own budget: delta's searches still count.
    expect(delta!.raw).toEqual({ lastCommitAt: null, mergedPullRequests: 2, commits: null, repositoryCount: 12, stackOverflowQuestions: 5, stars: null, forks: null, openIssues: null, archived: null });
    expect(delta!.errors).toEqual(["lastCommitAt", "commits", "stars", "forks", "openIssues", "archived"].map((field) => ({ field, message: notRequested })));

    // Not one core request after the 403.
    const core = replica.requests.filter((r) => r.api === "github" && !r.route.includes("/search/"));
    expect(core.at(-1)!.path).toBe("/repos/gamma-org/gamma");
    expect(core.filter((r) => r.path === "/repos/gamma-org/gamma")).toHaveLength(1);
    expect(result.stderr).toMatch(/^github: core rate limit reached; it resets in 3[56]\d\d s, more than the 60 s allowed \(--max-wait\); no more core requests this run$/m);
    expect(result.stderr).toMatch(
      new RegExp(`^stopped: the GitHub core rate limit is used up until ${resetAt.slice(11, 19)}Z, more than --max-wait away; 6 figures not requested: run again with --as-of ${AS_OF} after the reset to fetch only those$`, "m"),
    );
  });

  it("search, with a reset beyond --max-wait: stops search for the run, core figures are all kept, exit 2", async () => {
    const reset = nowSeconds() + 3600;
    const { dir, result, replica, data } = await collect({
      data: withDelta(),
      projects: [...SMALL, DELTA],
      args: ["--concurrency", "1"],
      // The merged count's search (the bot-landed check's search of closed PRs went out before it).
      replica: { fault: (ctx) => (ctx.path.startsWith("/search/issues?q=repo%3Agamma-org%2Fgamma%20is%3Apr%20is%3Amerged") ? primaryLimit(reset, { resource: "search" }) : undefined) },
    });
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    const [alpha, beta, delta, gamma] = snap.projects;
    expect(alpha!.raw).toEqual(expectedRaw(data, SMALL[0]!));
    expect(beta!.raw).toEqual(expectedRaw(data, SMALL[1]!));
    expect(gamma!.raw).toEqual({ ...expectedRaw(data, SMALL[2]!), mergedPullRequests: null });
    expect(gamma!.errors).toEqual([{ field: "mergedPullRequests", message: expect.stringMatching(/^GET \/search\/issues \(q: repo:gamma-org\/gamma .*\): 403 API rate limit exceeded for user ID 1234567\. .* \(resets at .*\)$/) }]);
    // Every core figure is still fetched.
    expect(delta!.raw).toEqual({ ...expectedRaw(data, DELTA), mergedPullRequests: null, repositoryCount: null });
    const resetAt = new Date(reset * 1000).toISOString().replace(".000Z", "Z");
    expect(delta!.errors).toEqual([
      { field: "mergedPullRequests", message: expect.stringMatching(/^GET \/search\/issues \(q: repo:delta-org\/delta .*\): not requested: the GitHub search rate limit is used up until /) },
      { field: "repositoryCount", message: `GET /search/repositories (q: topic:delta created:<=2026-11-21T06:00:00Z): not requested: the GitHub search rate limit is used up until ${resetAt}, more than --max-wait away` },
    ]);
    const search = replica.requests.filter((r) => r.api === "github" && r.route.includes("/search/"));
    expect(search.at(-1)!.path).toMatch(/^\/search\/issues\?q=repo%3Agamma-org%2Fgamma%20/);
    expect(search.filter((r) => r.status === 403)).toHaveLength(1);
    expect(result.stderr).toMatch(/^stopped: the GitHub search rate limit is used up until .*; 2 figures not requested/m);
  });
});

describe("secondary rate limit", () => {
  it.each([
    ["403 with retry-after", secondaryLimit(1, 403)],
    ["429 with retry-after", secondaryLimit(1, 429)],
  ])("%s: every request waits retry-after, then it is retried and every figure is exact", async (_name, fault) => {
    // The search is refused for the retry-after (1 s) from its first request: a retry sent sooner is refused again.
    let until: number | undefined;
    const { dir, result, replica, data } = await collect({
      replica: {
        fault: (ctx) => {
          if (!ctx.path.startsWith("/search/repositories?q=alpha")) return undefined;
          until ??= ctx.now + 1000;
          return ctx.now < until ? fault : undefined;
        },
      },
    });
    expect(result.code).toBe(0);
    await expectExact(dir, data, SMALL);
    expect(result.stderr).toContain("github: search secondary rate limit reached; waiting 1 s");
    const tries = replica.requests.filter((r) => r.path.startsWith("/search/repositories?q=alpha"));
    expect(tries.map((r) => r.status)).toEqual([fault.status, 200]);
  });

  it("a retry-after beyond --max-wait is not waited for: that figure is an error, exit 2", async () => {
    const { dir, result, data } = await collect({
      args: ["--max-wait", "30"],
      replica: { fault: (ctx) => (ctx.path.startsWith("/search/repositories?q=alpha") ? secondaryLimit(120) : undefined) },
    });
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    const alpha = snap.projects[0]!;
    expect(alpha.raw).toEqual({ ...expectedRaw(data, SMALL[0]!), repositoryCount: null });
    expect(alpha.errors).toEqual([{ field: "repositoryCount", message: expect.stringMatching(/^GET \/search\/repositories \(q: alpha in:readme created:<=2026-11-21T06:00:00Z\): 403 You have exceeded a secondary rate limit\./) }]);
    expect(result.stderr).toContain("github: search secondary rate limit reached; retry-after 120 s is more than the 30 s allowed; giving up");
  });
});

describe("transient faults", () => {
  it("5xx, a reset connection, a stalled body and a slow answer are retried with back-off; every figure exact", async () => {
    const plan: Record<string, (attempt: number) => ReturnType<typeof serverError> | undefined> = {
      "/repos/alpha-org/alpha": (a) => (a === 1 ? serverError(500) : a === 2 ? serverError(502) : undefined),
      "/repos/beta-org/beta-numerics": (a) => (a === 1 ? connectionReset : undefined),
      "/repos/gamma-org/gamma": (a) => (a === 1 ? stalled : undefined),
      "/repositories/202": (a) => (a === 1 ? slow(6000) : undefined),
    };
    const { dir, result, replica, data } = await collect({
      // Long enough for the stand-in's other answers on a busy machine; the slow one takes 3 times as long.
      env: { SHOWDOWN_HTTP_TIMEOUT_MS: "2000" },
      replica: {
        fault: (ctx) => {
          if (ctx.path.startsWith("/search/issues?q=repo%3Aalpha-org%2Falpha%20") && ctx.attempt === 1) return serverError(503);
          if (ctx.path.startsWith("/search/repositories?q=topic%3Abeta") && ctx.attempt === 1) return serverError(504);
          return plan[ctx.path]?.(ctx.attempt);
        },
      },
    });
    expect(result.code).toBe(0);
    await expectExact(dir, data, SMALL);
    const attempts = (prefix: string) => replica.requests.filter((r) => r.path === prefix || r.path.startsWith(prefix + "?")).length;
    expect(attempts("/repos/alpha-org/alpha")).toBe(3);
    expect(attempts("/repos/beta-org/beta-numerics")).toBe(2);
    expect(attempts("/repos/gamma-org/gamma")).toBe(2);
    // The rename's target was too slow the first time: retried alone, without the 301 again.
    expect(attempts("/repositories/202")).toBe(2);
    expect(attempts("/repos/beta-org/old-beta")).toBe(1);
    expect(result.stderr).toMatch(/github: GET \/repos\/alpha-org\/alpha: 500 Internal Server Error; retry 1\/3 in \d+ ms/);
    expect(result.stderr).toMatch(/github: GET \/repos\/gamma-org\/gamma: timeout: no complete answer within 2000 ms; retry 1\/3/);
    expect(result.stderr).toMatch(/github: GET \/repos\/beta-org\/beta-numerics: other side closed.*; retry 1\/3/);
  });

  it("a 200 with a truncated JSON body is retried", async () => {
    const { dir, result, replica, data } = await collect({
      replica: {
        fault: (ctx) => (ctx.path === "/repos/alpha-org/alpha" && ctx.attempt === 1 ? { raw: '{"id": 101, "full_name": "alpha-org/alpha", "stargaz' } : undefined),
      },
    });
    expect(result.code).toBe(0);
    await expectExact(dir, data, SMALL);
    expect(replica.requests.filter((r) => r.path === "/repos/alpha-org/alpha")).toHaveLength(2);
  });

  it("when the retries run out the figure is an error naming the failure; the rest exact, exit 2", async () => {
    const { dir, result, replica, data } = await collect({
      env: { SHOWDOWN_RETRIES: "2" },
      replica: { fault: (ctx) => (ctx.path === "/repos/alpha-org/alpha" ? serverError(502) : undefined) },
    });
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    const alpha = snap.projects[0]!;
    expect(replica.requests.filter((r) => r.path === "/repos/alpha-org/alpha")).toHaveLength(3);
    // The merged count does not need the repository's details: still exact.
    expect(alpha.raw).toEqual({ ...expectedRaw(data, SMALL[0]!), lastCommitAt: null, commits: null, stars: null, forks: null, openIssues: null, archived: null });
    expect(alpha.errors).toEqual(["lastCommitAt", "commits", "stars", "forks", "openIssues", "archived"].map((field) => ({ field, message: "GET /repos/alpha-org/alpha: 502 Server Error" })));
    for (const p of snap.projects.slice(1)) expect(p.errors).toEqual([]);
  });

  it("4xx other than rate limits are answers: not retried (404 repository, 422 search)", async () => {
    const data = smallData();
    data.repos = data.repos.filter((r) => r.fullName !== "alpha-org/alpha");
    const validation = { message: "Validation Failed", errors: [{ message: "The search contains only logical operators (AND / OR / NOT) without any search terms.", resource: "Search", field: "q", code: "invalid" }], status: "422" };
    const { dir, result, replica } = await collect({
      data,
      replica: { fault: (ctx) => (ctx.path.startsWith("/search/repositories?q=topic%3Abeta%20created") ? { status: 422, body: validation } : undefined) },
    });
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    expect(replica.requests.filter((r) => r.path === "/repos/alpha-org/alpha").map((r) => r.status)).toEqual([404]);
    expect(replica.requests.filter((r) => r.path.startsWith("/search/repositories?q=topic%3Abeta%20created")).map((r) => r.status)).toEqual([422]);
    expect(snap.projects[1]!.errors).toEqual([
      { field: "repositoryCount", message: "GET /search/repositories (q: topic:beta created:<=2026-11-21T06:00:00Z): 422 Validation Failed: The search contains only logical operators (AND / OR / NOT) without any search terms." },
    ]);
    expect(snap.projects[0]!.errors.map((e) => e.field)).toEqual(["lastCommitAt", "mergedPullRequests", "commits", "stars", "forks", "openIssues", "archived"]);
    expect(snap.projects[0]!.errors[0]!.message).toBe("GET /repos/alpha-org/alpha: 404 Not Found (does the repository exist? is it private?)");
    expect(result.stderr).not.toMatch(/retry \d/);
  });
});

describe("answers as GitHub sends them", () => {
  it("gzip-compressed bodies", async () => {
    const { dir, result, data } = await collect({ replica: { fault: (ctx) => (ctx.api === "github" ? { gzip: true } : undefined) } });
    expect(result.code).toBe(0);
    await expectExact(dir, data, SMALL);
  });

  it("a renamed repository (301): followed, the new name recorded, and the summary says to update the config", async () => {
    const { dir, result, replica } = await collect();
    expect(result.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel");
    expect(snap.projects[1]!.sources.repository).toBe("beta-org/beta");
    expect(replica.requests.filter((r) => r.path === "/repos/beta-org/old-beta").map((r) => r.status)).toEqual([301]);
    const summary = result.stderr.slice(result.stderr.indexOf("\nrel: 3 projects"));
    expect(summary).toContain("\nrenamed: beta: beta-org/old-beta was renamed to beta-org/beta; update repository in config/rel.yaml\n");
  });

  it("incomplete_results: asked again; when it persists the count is kept and flagged, in the snapshot and the summary", async () => {
    const { dir, result, replica, data } = await collect({
      replica: {
        fault: (ctx) => {
          if (ctx.path.startsWith("/search/repositories?q=alpha")) return { patch: { incomplete_results: true } };
          // Incomplete once only: the second answer is complete and nothing is flagged.
          if (ctx.path.startsWith("/search/issues?q=repo%3Abeta-org%2Fbeta%20") && ctx.attempt === 1) return { patch: { incomplete_results: true } };
          return undefined;
        },
      },
    });
    expect(result.code).toBe(0);
    const snap = await expectExact(dir, data, SMALL);
    expect(snap.projects[0]!.warnings).toEqual([{ field: "repositoryCount", message: INCOMPLETE }]);
    expect(snap.projects[1]!.warnings.map((w) => w.field)).toEqual(["repository"]);
    expect(replica.requests.filter((r) => r.path.startsWith("/search/repositories?q=alpha"))).toHaveLength(2);
    expect(result.stderr).toMatch(/^incomplete search results \(counts may be low, flagged in the snapshot\): alpha repositoryCount$/m);
  });
});

/**
 * Stack Exchange failures through the CLI (run in-process): `backoff`, throttle_violation, temporary errors,
 * 5xx, and the quota reported in the summary.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startReplica, type Fault, type Replica, type ReplicaData, type ReplicaOptions } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runInProcess } from "../support/io.js";
import { seBackoff, seError, seErrors, serverError } from "../support/faults.js";
import { AS_OF, cohortYaml, env, expectedRaw, FAST, generated, readSnapshotIn, SMALL, smallData, type TestProject } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

async function collect(options: ReplicaOptions, data: ReplicaData = smallData(), projects: TestProject[] = SMALL) {
  // A search budget that lasts: these cohorts need more than the 30 searches the default model allows.
  replica = await startReplica(data, { searchLimit: 100_000, ...options });
  const dir = await tempProject("rel", cohortYaml("rel", projects));
  // A timeout long enough that a slow answer on a busy machine is not asked twice: the requests counted are the ones needed.
  const result = await runInProcess(["collect", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000" }) });
  expect(result.stderr).not.toContain("unexpected error");
  return { dir, result, replica, snap: (await readSnapshotIn(dir, "rel").catch(() => undefined))?.snap };
}

const se = (r: Replica) => r.requests.filter((q) => q.api === "stackexchange");

/**
 * Answers the first Stack Exchange request with `first` (which asks for a 1 s backoff), and, as the API
 * does to a client that ignores its backoff, a throttle_violation to any request before the second is over.
 */
function backoffEnforced(first: Fault): ReplicaOptions["fault"] {
  let notBefore: number | undefined;
  return (ctx) => {
    if (ctx.api !== "stackexchange") return undefined;
    if (notBefore === undefined) {
      notBefore = ctx.now + 1000;
      return first;
    }
    return ctx.now < notBefore ? seError("throttle") : undefined;
  };
}

describe("Stack Exchange", () => {
  it("backoff: no request to the method before it expires (the first request goes alone, the 99 others after its backoff)", async () => {
    const { projects, data } = generated(100, 5);
    const { result, replica, snap } = await collect({ fault: backoffEnforced(seBackoff(1)) }, data, projects);
    expect(snap!.projects.flatMap((p) => p.errors)).toEqual([]);
    expect(result.code).toBe(0);
    // One request a project, all answered: none was sent before the backoff was over.
    expect(se(replica).map((r) => r.status)).toEqual(projects.map(() => 200));
    expect(result.stderr).toContain("stackexchange: backing off 1 s as the API asked");
    for (const p of projects) expect(snap!.projects.find((q) => q.id === p.id)!.raw.stackOverflowQuestions).toBe(expectedRaw(data, p).stackOverflowQuestions);
  });

  it("backoff sent with a temporary error: the retry waits it out, then the counts are exact", async () => {
    const { result, replica, snap } = await collect({
      fault: backoffEnforced({ status: 400, body: { ...seErrors.temporarilyUnavailable.body, backoff: 1 } }),
    });
    expect(result.code).toBe(0);
    // One retry, answered, then the other projects: a request before the backoff was over would have been a throttle_violation.
    expect(se(replica).map((r) => r.status)).toEqual([400, 200, 200, 200]);
    expect(snap!.projects.map((p) => p.raw.stackOverflowQuestions)).toEqual([99, 9, 0]);
  });

  it("a 5xx and internal_error are retried", async () => {
    const { result, replica, snap } = await collect({
      fault: (ctx) => (ctx.api !== "stackexchange" ? undefined : ctx.attempt === 1 ? serverError(503) : ctx.attempt === 2 ? { status: 400, body: { error_id: 500, error_message: "internal error", error_name: "internal_error" } } : undefined),
    });
    expect(result.code).toBe(0);
    // Each project's request: a 503, an internal_error, then its answer.
    for (const path of new Set(se(replica).map((r) => r.path))) expect(se(replica).filter((r) => r.path === path).map((r) => r.status)).toEqual([503, 400, 200]);
    expect(se(replica)).toHaveLength(9);
    expect(snap!.projects.map((p) => p.raw.stackOverflowQuestions)).toEqual([99, 9, 0]);
  });

  it("throttle_violation: not retried, no more requests; the counts are errors and the rest is written, exit 2", async () => {
    const { projects, data } = generated(100, 5);
    const { result, replica, snap } = await collect({ fault: (ctx) => (ctx.api === "stackexchange" ? seError("throttleQuota") : undefined) }, data, projects);
    expect(result.code).toBe(2);
    // A request a project was needed; none is sent after the violation.
    expect(se(replica)).toHaveLength(1);
    for (const p of snap!.projects) {
      expect(p.raw.stackOverflowQuestions).toBeNull();
      expect(p.errors).toEqual([
        { field: "stackOverflowQuestions", message: `stackexchange: throttle_violation: too many requests from this IP, more requests available in 67194 seconds (GET /2.3/search/advanced tagged=${[...p.sources.stackOverflowTags].sort().join(";")})` },
      ]);
      expect(p.raw.stars).not.toBeNull();
    }
  });

  it("the summary gives the requests sent; filter=total answers carry no quota fields, so none is claimed", async () => {
    const { result, replica } = await collect({ stackExchangeQuota: 300 });
    expect(result.code).toBe(0);
    expect(se(replica).map((r) => r.path.split("&")[0])).toEqual(expect.arrayContaining(["/2.3/search/advanced?site=stackoverflow"]));
    // The GitHub token's state is said on GitHub's part, not on Stack Exchange's; this run sends one (STACKEXCHANGE_KEY).
    expect(result.stderr).toMatch(/^requests: github .*\((un)?authenticated\); stack exchange 3 \(app key\)$/m);
  });

  it("an error that is not temporary (bad_parameter) is not retried", async () => {
    const { result, replica, snap } = await collect({ fault: (ctx) => (ctx.api === "stackexchange" ? seError("badParameter") : undefined) });
    expect(result.code).toBe(2);
    // Each project's request once, not retried.
    expect(se(replica)).toHaveLength(3);
    expect(new Set(se(replica).map((r) => r.path)).size).toBe(3);
    expect(snap!.projects[0]!.errors).toEqual([{ field: "stackOverflowQuestions", message: "stackexchange: bad_parameter: site is required (GET /2.3/search/advanced tagged=alpha;alpha-lang)" }]);
    expect(snap!.projects[0]!.raw).toEqual({ ...expectedRaw(smallData(), SMALL[0]!), stackOverflowQuestions: null });
  });
});

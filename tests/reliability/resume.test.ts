/**
 * Resume: a run stopped part way (Ctrl-C, a runner's SIGTERM) writes no snapshot, keeps every answer
 * it got in .cache/runs/, and the same --as-of started again fetches only the rest, ending with the
 * snapshot an uninterrupted run writes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { startReplica, type Replica, type ReplicaOptions } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { startCli, type Running } from "../support/spawn.js";
import { runInProcess } from "../support/io.js";
import { primaryLimit } from "../support/faults.js";
import { AS_OF, cohortYaml, comparable, env, expectedRaw, FAST, generated, readSnapshotIn, SMALL, smallData } from "./model.js";

// A timeout long enough that a slow answer on a busy machine is not asked twice: "fetched once" is the point.
const SLOW_OK = { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000" };

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.close()));
});

async function replicaFor(data: ReturnType<typeof generated>["data"], options: ReplicaOptions = {}): Promise<Replica> {
  const r = await startReplica(data, { searchLimit: 100_000, ...options });
  replicas.push(r);
  return r;
}

const ARGS = ["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF];
const RUN_CACHE = path.join(".cache", "runs", `rel--${AS_OF.replace(/:/g, "")}.jsonl`);

/** The figures' requests (answered 200) the server saw, by path, more than once. */
function fetchedTwice(replica: Replica): string[] {
  const seen = new Map<string, number>();
  for (const r of replica.requests) if (r.status === 200) seen.set(r.path, (seen.get(r.path) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([p]) => p);
}

describe("a run stopped part way", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("%s after 60 requests: no snapshot, exit 130; the same --as-of again ends with an uninterrupted run's snapshot, nothing fetched twice", async (signal) => {
    const { projects, data } = generated(40, 11);
    const yaml = cohortYaml("rel", projects);

    // The uninterrupted run, for comparison.
    const clean = await replicaFor(data, { latencyMs: 3 });
    const cleanDir = await tempProject("rel", yaml);
    const baseline = await runInProcess(ARGS, { cwd: cleanDir, env: env(clean, SLOW_OK) });
    expect(baseline.code).toBe(0);
    const expected = (await readSnapshotIn(cleanDir, "rel")).snap;

    // Stopped by the signal once the server has seen 60 GitHub requests.
    const ref: { running?: Running } = {};
    let sent = false;
    const replica = await replicaFor(data, {
      latencyMs: 3,
      onRequest: (_r, all) => {
        if (!sent && all.filter((q) => q.api === "github").length >= 60) {
          sent = true;
          ref.running!.child.kill(signal);
        }
      },
    });
    const dir = await tempProject("rel", yaml);
    const running = (ref.running = startCli(ARGS, { cwd: dir, env: env(replica, SLOW_OK) }));
    const first = await running.done;
    expect(sent).toBe(true);
    expect(first.code).toBe(130);
    expect(first.stdout).toBe("");
    expect(first.stderr).toContain("oss-showdown: stopping; nothing will be written");
    expect(first.stderr).toMatch(new RegExp(`^oss-showdown: \\d+ answers kept in ${RUN_CACHE.replace(/\./g, "\\.")}; run again with --as-of ${AS_OF} to go on from there$`, "m"));
    expect(existsSync(path.join(dir, "snapshots"))).toBe(false);
    const firstRequests = replica.requests.length;
    expect(firstRequests).toBeLessThan(clean.requests.length);
    // A kill can cut the last line short: it must be ignored, not trusted.
    await appendFile(path.join(dir, RUN_CACHE), '{"k":"repository org-39/repo-39","v":{"fullName":"org-39/re');

    const second = await runInProcess(ARGS, { cwd: dir, env: env(replica, SLOW_OK) });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^rel: resuming a stopped run: \d+ answers already in /m);
    const resumed = (await readSnapshotIn(dir, "rel")).snap;
    expect(comparable(resumed)).toEqual(comparable(expected));
    for (const p of projects) expect(resumed.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(data, p));

    // Every figure fetched exactly once over the two runs, and as many as the uninterrupted run fetched.
    expect(fetchedTwice(replica)).toEqual([]);
    const answered = (r: Replica) => r.requests.filter((q) => q.status === 200).map((q) => q.path).sort();
    expect(answered(replica)).toEqual(answered(clean));
    expect(replica.requests.length - firstRequests).toBeLessThan(clean.requests.length);
    // Complete: the run cache is gone.
    expect(existsSync(path.join(dir, RUN_CACHE))).toBe(false);
  });

  it("a snapshot with missing figures keeps the run's answers: the same --as-of after the reset fetches only what is missing", async () => {
    const data = smallData();
    let limited = true;
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const replica = await replicaFor(data, { fault: (ctx) => (limited && ctx.path === "/repos/gamma-org/gamma" ? primaryLimit(reset) : undefined) });
    const dir = await tempProject("rel", cohortYaml("rel", SMALL));
    const first = await runInProcess([...ARGS, "--concurrency", "1"], { cwd: dir, env: env(replica, SLOW_OK) });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain(`oss-showdown: answers kept in ${RUN_CACHE}: 'oss-showdown collect --as-of ${AS_OF}' again fetches only the missing figures`);
    const before = replica.requests.length;

    limited = false;
    const second = await runInProcess(ARGS, { cwd: dir, env: env(replica, SLOW_OK) });
    expect(second.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel");
    for (const p of SMALL) expect(snap.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(data, p));
    // Only gamma's repository (and then its commits: the last one and the window's count) were asked the second time.
    expect(replica.requests.slice(before).map((r) => `${r.status} ${r.path.split("?")[0]}`)).toEqual(["200 /repos/gamma-org/gamma", "409 /repos/gamma-org/gamma/commits", "409 /repos/gamma-org/gamma/commits"]);
    expect(existsSync(path.join(dir, RUN_CACHE))).toBe(false);
    expect(second.stderr).toMatch(/; \d+ answers from the run cache$/m);
  });

  it("the run cache holds answers only: one JSON line each after a header naming the run", async () => {
    const { projects, data } = generated(6, 3);
    const ref: { running?: Running } = {};
    const replica = await replicaFor(data, {
      latencyMs: 3,
      onRequest: (_r, all) => {
        if (all.filter((q) => q.api === "github").length === 10) ref.running!.child.kill("SIGINT");
      },
    });
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const running = (ref.running = startCli(ARGS, { cwd: dir, env: env(replica, SLOW_OK) }));
    expect((await running.done).code).toBe(130);
    const lines = (await readFile(path.join(dir, RUN_CACHE), "utf8")).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ run: { version: 1, cohort: "rel", asOf: AS_OF, pinned: true } });
    for (const line of lines.slice(1)) expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(["k"]));
    expect(lines.slice(1).some((l) => typeof l.k === "string" && l.k.startsWith("questions ") && l.k.endsWith(` ${AS_OF}`))).toBe(true);
    expect(await readdir(dir)).toEqual([".cache", "config"]);
  });

  it("a cache folder that cannot be written: the run still completes, saying a restart would start over", async () => {
    const data = smallData();
    const replica = await replicaFor(data);
    const dir = await tempProject("rel", cohortYaml("rel", SMALL));
    await writeFile(path.join(dir, "not-a-folder"), "");
    const result = await runInProcess(ARGS, { cwd: dir, env: env(replica, { ...FAST, SHOWDOWN_CACHE_DIR: "not-a-folder/cache" }) });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^oss-showdown: not-a-folder\/cache\/runs\/rel--.*\.jsonl: cannot write \(ENOTDIR\); a restart would fetch everything again$/m);
    expect(result.stderr).toMatch(/^oss-showdown: not-a-folder\/cache\/etags\.json: cannot write \(ENOTDIR\); the next run's requests will not be conditional$/m);
    const { snap } = await readSnapshotIn(dir, "rel");
    for (const p of SMALL) expect(snap.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(data, p));
  });
});

/**
 * One collect of a cohort at a time (issue 20, item 10): a second run of the same cohort, while the
 * first holds .cache/locks/<cohort>.lock, exits 1 with one line naming the holder and writes
 * nothing; a lock whose process is gone is taken over with a note.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { startReplica, type Replica } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed, startCli, type Running } from "../support/spawn.js";
import { AS_OF, cohortYaml, env, expectedRaw, FAST, readSnapshotIn, SMALL, smallData } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

const LOCK = path.join(".cache", "locks", "rel.lock");
const HELD = /^oss-showdown: rel is being collected by pid (\d+) on .+ since \d{4}-\d\d-\d\dT[\d:.]+Z \(lock \.cache\/locks\/rel\.lock\); wait for it to finish, or delete the lock if that process is gone$/m;

it("a second collect of the cohort while the first runs: exit 1 naming the first's pid, nothing written; the first completes and removes its lock", async () => {
  const dir = await tempProject("rel", cohortYaml("rel", SMALL));
  const ref: { first?: Running } = {};
  let paused: () => void = () => {};
  const reached = new Promise<void>((resolve) => (paused = resolve));
  replica = await startReplica(smallData(), {
    onRequest: (_r, all) => {
      // The first run is under way, holding the lock: freeze it while another run of the cohort starts.
      if (all.length === 1) {
        ref.first!.child.kill("SIGSTOP");
        paused();
      }
    },
  });
  const slowEnough = { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "20000" };
  ref.first = startCli(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, slowEnough) });
  await reached;
  const second = await runCliTimed(["collect", "--api", "rest", "--cohort", "rel", "--as-of", "2026-11-22T06:00:00Z"], { cwd: dir, env: env(replica, slowEnough) });
  ref.first.child.kill("SIGCONT");
  const first = await ref.first.done;
  expect(second.code).toBe(1);
  expect(second.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(Number(HELD.exec(second.stderr)?.[1])).toBe(ref.first.child.pid);
  expect(first.code).toBe(0);
  const { snap } = await readSnapshotIn(dir, "rel");
  for (const p of SMALL) expect(snap.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(smallData(), p));
  // Only the first run's snapshot; its lock is gone with it.
  expect(await readdir(path.join(dir, "snapshots", "rel"))).toEqual(["2026-11-21.json"]);
  expect((await readdir(path.join(dir, ".cache"))).sort()).toEqual(["etags.json"]);
});

it("a lock held by a live process refuses collect before any request", async () => {
  replica = await startReplica(smallData());
  const dir = await tempProject("rel", cohortYaml("rel", SMALL));
  await mkdir(path.join(dir, ".cache", "locks"), { recursive: true });
  await writeFile(path.join(dir, LOCK), JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: "2026-11-21T05:00:00.000Z" }));
  const result = await runCliTimed(["collect", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) });
  expect(result.code).toBe(1);
  expect(Number(HELD.exec(result.stderr)?.[1])).toBe(process.pid);
  expect(replica.requests).toEqual([]);
});

it("a stale lock (its process is gone) is taken over with a note, and the run completes", async () => {
  replica = await startReplica(smallData());
  const dir = await tempProject("rel", cohortYaml("rel", SMALL));
  await mkdir(path.join(dir, ".cache", "locks"), { recursive: true });
  // No process has this pid: above Linux's pid_max.
  await writeFile(path.join(dir, LOCK), JSON.stringify({ pid: 2 ** 31 - 1, host: os.hostname(), startedAt: "2026-11-20T05:00:00.000Z" }));
  const result = await runCliTimed(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) });
  expect(result.stderr).toContain("oss-showdown: .cache/locks/rel.lock: removed a stale lock of pid 2147483647 (gone), started 2026-11-20T05:00:00.000Z");
  expect(result.code).toBe(0);
  expect((await readdir(path.join(dir, ".cache"))).sort()).toEqual(["etags.json"]);
});

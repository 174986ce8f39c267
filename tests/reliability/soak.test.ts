/**
 * Soak: a generated cohort of 200 projects where a seeded random 20% of all requests (every attempt
 * drawn afresh) fail transiently: 500, 502, 503, a reset connection or a stalled body. The run must
 * end with every figure exact. Short timeouts and retry delays come from the environment
 * (docs/reliability.md).
 */
import { afterEach, expect, it } from "vitest";
import { startReplica, type Replica } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed } from "../support/spawn.js";
import { randomTransientFaults } from "../support/faults.js";
import { AS_OF, cohortYaml, env, expectedRaw, generated, readSnapshotIn } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

it("200 projects, 20% of requests failing transiently: every figure exact, exit 0", async () => {
  const { projects, data } = generated(200, 20261121);
  replica = await startReplica(data, { searchLimit: 100_000, fault: randomTransientFaults(42, 0.2) });
  const dir = await tempProject("soak", cohortYaml("soak", projects));
  const result = await runCliTimed(["collect", "--api", "rest", "--cohort", "soak", "--as-of", AS_OF, "--concurrency", "8"], {
    cwd: dir,
    env: env(replica, { SHOWDOWN_HTTP_TIMEOUT_MS: "400", SHOWDOWN_RETRY_BASE_MS: "10", SHOWDOWN_RETRIES: "6" }),
  });
  expect(result.stderr).not.toContain("unexpected error");
  const { snap } = await readSnapshotIn(dir, "soak");
  expect(snap.projects.flatMap((p) => p.errors.map((e) => `${p.id} ${e.field}: ${e.message}`))).toEqual([]);
  expect(result.code).toBe(0);
  expect(snap.projects).toHaveLength(200);
  for (const p of projects) expect(snap.projects.find((q) => q.id === p.id)!.raw, p.id).toEqual(expectedRaw(data, p));

  // The faults really happened, and the request counts in the snapshot are what the server saw.
  const failed = replica.requests.filter((r) => r.status === 0 || r.status >= 500);
  expect(failed.length).toBeGreaterThan(150);
  const github = replica.requests.filter((r) => r.api === "github");
  expect(snap.requests.github + snap.requests.githubSearch).toBe(github.length);
  expect(snap.requests.stackExchange).toBe(replica.requests.length - github.length);
  console.log(`soak: ${replica.requests.length} requests, ${failed.length} failed transiently`);
});

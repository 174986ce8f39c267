/**
 * Conditional requests: ETags remembered between runs (.cache/etags.json) are sent as If-None-Match;
 * a 304 (free of rate limit) is answered from the saved body, and a changed resource comes back 200.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runInProcess } from "../support/io.js";
import { AS_OF, cohortYaml, env, expectedRaw, FAST, readSnapshotIn, SMALL, smallData, type TestProject } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

const github = (r: Replica, from = 0) => r.requests.slice(from).filter((q) => q.api === "github");

describe("conditional requests", () => {
  it("a second run sends If-None-Match; unchanged resources come back 304 and give the same figures, a changed one 200", async () => {
    const data = smallData();
    replica = await startReplica(data);
    const dir = await tempProject("rel", cohortYaml("rel", SMALL));
    // A timeout long enough that no request is sent twice on a busy machine: every request is counted below.
    const run = () => runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica!, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000" }) });

    expect((await run()).code).toBe(0);
    const first = (await readSnapshotIn(dir, "rel")).snap;
    const saved = JSON.parse(await readFile(path.join(dir, ".cache", "etags.json"), "utf8"));
    expect(Object.keys(saved.entries)).toContain(`${replica.githubUrl}/repos/alpha-org/alpha`);
    const before = replica.requests.length;

    data.repos[0]!.stars = 1300; // alpha changed between the runs
    const second = await run();
    expect(second.code).toBe(0);
    const snap = (await readSnapshotIn(dir, "rel")).snap;
    for (const p of SMALL) expect(snap.projects.find((q) => q.id === p.id)!.raw).toEqual(expectedRaw(data, p));
    expect(snap.projects[0]!.raw.stars).toBe(1300);
    // Every other fact is the same as the first run's (a snapshot holds facts only).
    expect(snap.projects.map((p) => ({ ...p, raw: { ...p.raw, stars: 0 } }))).toEqual(first.projects.map((p) => ({ ...p, raw: { ...p.raw, stars: 0 } })));

    const again = github(replica, before);
    // Everything answered 200 last time is asked conditionally (a 301's target too: fetch sends the
    // same header); gamma's commits (its last one, and its count in the window) were 409s, of which
    // nothing is saved. (Renamed beta's searches go under its new name: none is a 422.)
    expect(again.filter((r) => r.ifNoneMatch === undefined).map((r) => `${r.status} ${r.path.split("?")[0]}`).sort()).toEqual([
      "409 /repos/gamma-org/gamma/commits",
      "409 /repos/gamma-org/gamma/commits",
    ]);
    expect(again.filter((r) => r.status === 422)).toEqual([]);
    expect(again.filter((r) => r.status === 200).map((r) => r.path)).toEqual(["/repos/alpha-org/alpha"]);
    const unchanged = again.filter((r) => r.status === 304).length;
    expect(unchanged).toBeGreaterThan(10);
    expect(second.stderr).toMatch(new RegExp(`^requests: github .*; ${unchanged} unchanged \\(304, free of rate limit\\)$`, "m"));
    // 304s do not count against the budget: of the 13 core requests only the 200, the 301 and the two
    // 409s did (the first run used 13 of 5,000).
    expect(second.stderr).toMatch(/^requests: github 13, 4,983\/5,000 left/m);
  });

  it("without --as-of the last commit is asked without `until`, so it revalidates too; a head after asOf is asked again with `until`", async () => {
    const day = 86_400_000;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const data: ReplicaData = {
      repos: [
        { fullName: "o/steady", id: 1, stars: 5, forks: 1, openIssues: 0, commits: [iso(now - 3 * day), iso(now - 9 * day)], mergedAt: [iso(now - 5 * day)] },
        // A committer clock ahead of ours: the head's date is after asOf.
        { fullName: "o/skewed", id: 2, stars: 6, forks: 2, openIssues: 1, commits: [iso(now + 2 * day), iso(now - 4 * day)], mergedAt: [] },
      ],
      repositorySearch: {},
      tags: { steady: 1, skewed: 2 },
    };
    const projects: TestProject[] = [
      { id: "steady", name: "Steady", repository: "o/steady", stackOverflowTags: ["steady"], repositoryQuery: "steady" },
      { id: "skewed", name: "Skewed", repository: "o/skewed", stackOverflowTags: ["skewed"], repositoryQuery: "skewed" },
    ];
    replica = await startReplica(data);
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const run = () => runInProcess(["collect", "--api", "rest", "--cohort", "rel"], { cwd: dir, env: env(replica!, FAST) });

    expect((await run()).code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel", new Date().toISOString());
    expect(snap.projects.map((p) => p.raw.lastCommitAt)).toEqual([iso(now - 4 * day), iso(now - 3 * day)]);
    const commits = github(replica).filter((r) => r.route.endsWith("/commits"));
    expect(commits.map((r) => r.path.replace(/&until=[^&]+/, "&until=…"))).toEqual(
      expect.arrayContaining(["/repos/o/steady/commits?sha=main&per_page=1", "/repos/o/skewed/commits?sha=main&per_page=1", "/repos/o/skewed/commits?sha=main&until=…&per_page=1"]),
    );
    // And the commits in the window, one a page: each repository's count.
    expect(commits.filter((r) => r.path.includes("since="))).toHaveLength(2);
    expect(commits).toHaveLength(5);

    const before = replica.requests.length;
    expect((await run()).code).toBe(0);
    const steady = github(replica, before).filter((r) => r.path === "/repos/o/steady/commits?sha=main&per_page=1");
    expect(steady.map((r) => r.status)).toEqual([304]);
  });

  it("a damaged ETag cache is ignored with a note and rebuilt", async () => {
    replica = await startReplica(smallData());
    const dir = await tempProject("rel", cohortYaml("rel", SMALL));
    await mkdir(path.join(dir, ".cache"));
    await writeFile(path.join(dir, ".cache", "etags.json"), '{"version": 1, "entries": {"x": ');
    const result = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^oss-showdown: .*\.cache\/etags\.json: damaged; ignored \(it is rebuilt by this run\)$/m);
    expect(JSON.parse(await readFile(path.join(dir, ".cache", "etags.json"), "utf8")).version).toBe(1);
    expect(replica.requests.every((r) => r.ifNoneMatch === undefined)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { readFile, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { loadCohort } from "../../src/config/load.js";
import { buildSnapshot, ratingsOf } from "../../src/snapshot/build.js";
import { snapshotPath, writeSnapshot } from "../../src/snapshot/store.js";
import type { Raw } from "../../src/snapshot/schema.js";
import { tempProject } from "../support/cli.js";
import { run } from "../support/io.js";

const COHORT = `cohort: s
description: rescoring
projects:
  - { id: a, name: A, repository: o/a, stackOverflowTags: [a], repositoryQuery: a, sponsor: 2, graph: 2, onnx: 1 }
  - { id: b, name: B, repository: o/b, stackOverflowTags: [b], repositoryQuery: b, sponsor: 1, graph: 1, onnx: 2 }
`;

const raw = (merged: number): Raw => ({
  lastCommitAt: "2026-11-01T00:00:00Z", mergedPullRequests: merged, repositoryCount: 10 * merged, stackOverflowQuestions: merged,
  stars: 1, forks: 1, openIssues: 1, archived: false,
});

async function setup() {
  const dir = await tempProject("s", COHORT);
  const { cohort, rubric } = await loadCohort(path.join(dir, "config"), "s");
  const file = snapshotPath(path.join(dir, "snapshots"), "s", "2026-11-20T00:00:00.000Z");
  const snapshot = buildSnapshot({
    cohort: "s", asOf: "2026-11-20T00:00:00.000Z", generatedAt: "2026-11-20T00:05:00.000Z", tool: { name: "showdown", version: "0.0.1" },
    rubric, windowDays: 30, requests: { github: 4, githubSearch: 4, stackExchange: 1 },
    projects: cohort.projects.map((p, i) => ({
      id: p.id, name: p.name, sources: { repository: p.repository, stackOverflowTags: p.stackOverflowTags, repositoryQuery: p.repositoryQuery },
      raw: raw(10 + i * 30), ratings: ratingsOf(p), errors: [], warnings: [],
    })),
  });
  await writeSnapshot(file, snapshot);
  return { dir, file };
}

describe("showdown score", () => {
  it("rewrites nothing, byte for byte, when the config did not change", async () => {
    const { dir, file } = await setup();
    const before = await readFile(file, "utf8");
    const mtime = (await stat(file)).mtimeMs;
    const result = await run(["score", "--cohort", "s"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("s: 1 snapshot(s), 0 rescored, 1 unchanged\n");
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await stat(file)).mtimeMs).toBe(mtime);
    expect((await run(["score", "--cohort", "s", "--check"], dir)).code).toBe(0);
  });

  it("re-scores from raw figures after a re-weighting, leaving raw and dates alone", async () => {
    const { dir, file } = await setup();
    const before = JSON.parse(await readFile(file, "utf8"));
    const rubricFile = path.join(dir, "config", "rubric.yaml");
    // Drop the whole api category's weight: overall becomes the mean of community and platform.
    const rubric = (await readFile(rubricFile, "utf8")).replace("    name: API & Internals\n    weight: 1", "    name: API & Internals\n    weight: 0");
    await writeFile(rubricFile, rubric);

    const check = await run(["score", "--cohort", "s", "--check"], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("snapshots/s/2026-11-20.json: scores are out of date with config/");
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(before); // --check writes nothing

    const result = await run(["score", "--cohort", "s"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(path.join("snapshots", "s", "2026-11-20.json") + "\n");
    const after = JSON.parse(await readFile(file, "utf8"));
    for (const [i, p] of after.projects.entries()) {
      const old = before.projects[i];
      expect(p.raw).toEqual(old.raw);
      expect(p.scores.categories).toEqual(old.scores.categories);
      expect(p.scores.overall).toBeCloseTo((p.scores.categories.community + p.scores.categories.platform) / 2, 12);
    }
    expect(after.generatedAt).toBe(before.generatedAt);
    expect(after.rubric.categories[1].weight).toBe(0);
    expect((await run(["score", "--cohort", "s", "--check"], dir)).code).toBe(0);
  });

  it("takes ratings from the current config", async () => {
    const { dir, file } = await setup();
    const cohortFile = path.join(dir, "config", "s.yaml");
    await writeFile(cohortFile, (await readFile(cohortFile, "utf8")).replace("sponsor: 1, graph: 1", "sponsor: 0, graph: 1"));
    expect((await run(["score", "--cohort", "s"], dir)).code).toBe(0);
    const b = JSON.parse(await readFile(file, "utf8")).projects[1];
    expect(b.ratings.sponsor).toBe(0);
    expect(b.scores.criteria.sponsor).toEqual({ value: 0, normalized: 0 });
  });

  it("stops on a damaged snapshot, naming it, and changes no file", async () => {
    const { dir, file } = await setup();
    const good = path.join(dir, "snapshots", "s", "2026-11-21.json");
    await writeFile(good, await readFile(file, "utf8"));
    await writeFile(file, (await readFile(file, "utf8")).slice(0, 200));
    const rubricFile = path.join(dir, "config", "rubric.yaml");
    await writeFile(rubricFile, (await readFile(rubricFile, "utf8")).replace("    name: Platform\n    weight: 1", "    name: Platform\n    weight: 2"));
    const goodBefore = await readFile(good, "utf8");
    const result = await run(["score", "--cohort", "s"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^showdown: snapshots\/s\/2026-11-20\.json: invalid JSON/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(await readFile(good, "utf8")).toBe(goodBefore);
  });
});

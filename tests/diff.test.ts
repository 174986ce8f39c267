import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareSnapshots, moveOrder } from "../src/diff/compare.js";
import { diffRubric } from "../src/diff/rubric.js";
import type { Rubric } from "../src/config/rubric.js";
import type { Snapshot } from "../src/snapshot/schema.js";
import { COHORT, RUBRIC_V1, RUBRIC_V2, historyDir, run, snapshot1, snapshot2, snapshot3 } from "./helpers/history.js";

const dirs: string[] = [];
async function tmp(snapshots?: Snapshot[]): Promise<string> {
  const dir = await historyDir(snapshots);
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const s1 = snapshot1();
const s2 = snapshot2();
const s3 = snapshot3();
const byId = (s: Snapshot, id: string) => s.projects.find((p) => p.id === id)!;
const file = (dir: string, date: string) => path.join(dir, "snapshots", COHORT, `${date}.json`);
const DAY = 86_400_000;

describe("compareSnapshots", () => {
  const diff = compareSnapshots(s2, s3);

  it("lists the projects that joined and left", () => {
    expect(diff.joined).toEqual([{ id: "chainer", name: "Chainer", rank: byId(s3, "chainer").scores.rank, tier: byId(s3, "chainer").scores.tier, overall: byId(s3, "chainer").scores.overall }]);
    expect(diff.left.map((p) => p.id)).toEqual(["theano"]);
    expect(diff.left[0]!.overall).toBe(byId(s2, "theano").scores.overall);
    expect(diff.summary).toMatchObject({ compared: 4, joined: 1, left: 1 });
  });

  it("gives rank, tier and score moves with delta = new − old", () => {
    for (const p of diff.projects) {
      const was = byId(s2, p.id).scores;
      const now = byId(s3, p.id).scores;
      expect(p.rank).toEqual({ old: was.rank, new: now.rank, delta: now.rank - was.rank });
      expect(p.overall).toEqual({ old: was.overall, new: now.overall, delta: now.overall! - was.overall! });
      expect(p.categories.map((c) => c.id)).toEqual(["community", "api", "platform"]);
      for (const c of p.categories) expect(c.delta).toBe(now.categories[c.id]! - was.categories[c.id]!);
    }
    // pytorch overtook tensorflow (its activity weighs twice as much in rubric v2).
    const tf = diff.projects.find((p) => p.id === "tensorflow")!;
    expect(tf.rank).toEqual({ old: 1, new: 2, delta: 1 });
    expect(diff.projects.find((p) => p.id === "pytorch")!.rank).toEqual({ old: 2, new: 1, delta: -1 });
    expect(diff.summary.rankChanges).toBe(2);
    expect(diff.summary.tierChanges).toBe(diff.projects.filter((p) => byId(s2, p.id).scores.tier !== byId(s3, p.id).scores.tier).length);
  });

  it("sorts by the largest move: places first, then |overall delta|, then id", () => {
    const ids = diff.projects.map((p) => p.id);
    const places = (id: string) => Math.abs(byId(s3, id).scores.rank - byId(s2, id).scores.rank);
    const score = (id: string) => Math.abs(byId(s3, id).scores.overall! - byId(s2, id).scores.overall!);
    const expected = ["tensorflow", "pytorch", "mxnet", "cntk"].sort((a, b) => places(b) - places(a) || score(b) - score(a));
    expect(ids).toEqual(expected);
    expect(ids.slice(0, 2).sort()).toEqual(["pytorch", "tensorflow"]); // the two that moved a place
    for (let i = 1; i < diff.projects.length; i++) expect(moveOrder(diff.projects[i - 1]!, diff.projects[i]!)).toBeLessThan(0);
  });

  it("reports every changed raw figure with absolute and relative change", () => {
    const tf = diff.projects.find((p) => p.id === "tensorflow")!;
    const merged = tf.figures.find((f) => f.field === "mergedPullRequests")!;
    expect(merged).toEqual({ field: "mergedPullRequests", old: 390, new: 300, delta: -90, relative: -90 / 390, unit: "count", error: null });
    const last = tf.figures.find((f) => f.field === "lastCommitAt")!;
    expect(last.unit).toBe("days");
    expect(last.delta).toBe((Date.parse("2018-03-21T20:00:00Z") - Date.parse("2018-03-07T20:00:00Z")) / DAY);
    expect(last.relative).toBeNull();
    // archived did not change, so it is not listed.
    expect(tf.figures.map((f) => f.field)).toEqual(["lastCommitAt", "mergedPullRequests", "repositoryCount", "stackOverflowQuestions", "stars", "forks", "openIssues"]);
  });

  it("shows a figure that could not be fetched with its error, and the criterion it takes out", () => {
    const cntk = diff.projects.find((p) => p.id === "cntk")!;
    const so = cntk.figures.find((f) => f.field === "stackOverflowQuestions")!;
    expect(so).toEqual({
      field: "stackOverflowQuestions",
      old: 510,
      new: null,
      delta: null,
      relative: null,
      unit: null,
      error: "Stack Exchange API unavailable after 3 retries (HTTP 503)",
    });
    expect(cntk.errors.added).toEqual(byId(s3, "cntk").errors);
    expect(cntk.errors.resolved).toEqual([]);
    const eco = cntk.criteria.find((c) => c.id === "ecosystem")!;
    expect(eco.old).toEqual(byId(s2, "cntk").scores.criteria.ecosystem);
    expect(eco.new).toBeNull();
    expect(eco.valueDelta).toBeNull();
  });

  it("reports the re-weighted and the removed criterion", () => {
    expect(diff.rubric.version).toEqual({ old: 1, new: 2 });
    expect(diff.rubric.criteria).toEqual([
      { id: "activity", change: "changed", old: { category: "community", weight: 1, normalize: { by: "cohortMax" } }, new: { category: "community", weight: 2, normalize: { by: "cohortMax" } }, fields: ["weight"] },
      { id: "aws", change: "removed", old: { category: "platform", weight: 1, normalize: { by: "scale", max: 3 } }, new: null, fields: [] },
    ]);
    expect(diff.summary.rubricChanges).toBe(2);
  });

  it("finds nothing between a snapshot and itself", () => {
    const same = compareSnapshots(s3, s3);
    expect(same.projects.every((p) => !p.changed && p.figures.length === 0 && p.criteria.length === 0)).toBe(true);
    expect(same.summary).toEqual({ compared: 5, changed: 0, rankChanges: 0, tierChanges: 0, joined: 0, left: 0, rubricChanges: 0 });
  });

  it("has no relative change from 0", () => {
    const a = structuredClone(s1);
    const b = structuredClone(s1);
    byId(a, "theano").raw.openIssues = 0;
    byId(b, "theano").raw.openIssues = 4;
    const f = compareSnapshots(a, b).projects.find((p) => p.id === "theano")!.figures[0]!;
    expect(f).toMatchObject({ field: "openIssues", old: 0, new: 4, delta: 4, relative: null });
  });
});

describe("diffRubric", () => {
  it("finds added criteria, category moves, normalization, sample and category weight changes", () => {
    const next: Rubric = structuredClone(RUBRIC_V1);
    next.categories[0]!.weight = 2;
    const platform = next.categories[2]!;
    const os = platform.criteria.splice(platform.criteria.findIndex((c) => c.id === "os"), 1)[0]!;
    next.categories[1]!.criteria.push(os); // os moves from platform to api
    platform.criteria.find((c) => c.id === "languages")!.normalize = { by: "scale", max: 4 };
    next.categories[1]!.criteria.find((c) => c.id === "ops")!.sample!.pop(); // adam leaves the sample
    const d = diffRubric(RUBRIC_V2, next);
    expect(d.categories).toEqual([{ id: "community", change: "changed", old: { name: "Support & Community", weight: 1 }, new: { name: "Support & Community", weight: 2 }, fields: ["weight"] }]);
    const byCriterion = Object.fromEntries(d.criteria.map((c) => [c.id, c]));
    expect(Object.keys(byCriterion).sort()).toEqual(["activity", "aws", "languages", "ops", "os"]);
    expect(byCriterion.aws!.change).toBe("added");
    expect(byCriterion.activity!.fields).toEqual(["weight"]);
    expect(byCriterion.os!).toMatchObject({ change: "changed", fields: ["category"], old: { category: "platform" }, new: { category: "api" } });
    expect(byCriterion.languages!.fields).toEqual(["normalize"]);
    expect(byCriterion.ops!.fields).toEqual(["sample"]);
  });
});

describe("showdown diff", () => {
  it("compares the two newest snapshots by default", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("deep-learning-2018: 2018-03-08 → 2018-03-22 (14 days; rubric v1 → v2)");
    expect(lines[1]).toBe("4 compared: 4 changed, 2 rank changes, 2 tier changes; 1 joined, 1 left; 2 rubric changes");
    // The table: the largest move first.
    expect(lines[4]).toMatch(/^1 → 2\s+▼1\s+tensorflow\s+1\s+0\.8061\s+-0\.0770$/);
    expect(lines[5]).toMatch(/^2 → 1\s+▲1\s+pytorch\s+1\s+0\.8445\s+\+0\.0023$/);
    expect(r.stdout).toMatch(/figure\s+mergedPullRequests\s+390 → 300\s+-90 \(-23\.1%\)/);
    expect(r.stdout).toMatch(/figure\s+stackOverflowQuestions\s+510 → -\s+not fetched: Stack Exchange API unavailable/);
    expect(r.stdout).toContain("Joined (1)\n  chainer  Chainer  rank 5, tier 3, overall 0.5415");
    expect(r.stdout).toContain("Left (1)\n  theano  Theano  was rank 5, tier 3, overall 0.3964");
    expect(r.stdout).toContain("Rubric changes (v1 → v2)\n  activity: weight 1 → 2\n  aws: removed (was in platform, weight 1, scale max 3)");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("takes dates, paths, or only OLD (compared with the newest)", async () => {
    const dir = await tmp();
    const byDate = await run(dir, ["diff", "2018-03-01", "2018-03-08"]);
    expect(byDate.code).toBe(0);
    expect(byDate.stdout.split("\n")[0]).toBe("deep-learning-2018: 2018-03-01 → 2018-03-08 (7 days; rubric v1)");
    const byPath = await run(dir, ["diff", file(dir, "2018-03-01"), path.join("snapshots", COHORT, "2018-03-08.json")]);
    expect(byPath.stdout).toBe(byDate.stdout);
    const onlyOld = await run(dir, ["diff", "2018-03-01", "--format", "json"]);
    const json = JSON.parse(onlyOld.stdout);
    expect([json.old.date, json.new.date]).toEqual(["2018-03-01", "2018-03-22"]);
    const missing = await run(dir, ["diff", "2018-03-15", "2018-03-22"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`showdown: no snapshot dated 2018-03-15 in snapshots/${COHORT} (dates: 2018-03-01, 2018-03-08, 2018-03-22)\n`);
  });

  it("writes the documented JSON", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "json"]);
    expect(r.code).toBe(0);
    const expected = compareSnapshots(s2, s3, { old: `snapshots/${COHORT}/2018-03-08.json`, new: `snapshots/${COHORT}/2018-03-22.json` });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "showdown-diff", formatVersion: 1, cohort: COHORT });
    // Documented field by field in docs/diff-format.md.
    const doc = await readFile(path.join(import.meta.dirname, "..", "docs", "diff-format.md"), "utf8");
    for (const key of ["formatVersion", "summary", "rankChanges", "joined", "left", "rubric", "relative", "unit", "errors", "normalizedDelta", "fields"]) expect(doc).toContain(key);
  });

  it("writes Markdown for a pull request: heading, table, lists", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "markdown"]);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("## Showdown diff: deep-learning-2018, 2018-03-08 → 2018-03-22")).toBe(true);
    expect(md).toContain("| Rank | Move | Project | Tier | Overall | Δ overall | Δ categories |");
    expect(md).toContain("| 1 → 2 | ▼1 | TensorFlow (`tensorflow`) | 1 | 0.8061 | -0.0770 |");
    expect(md).toContain("- ⚠️ `cntk` stackOverflowQuestions: Stack Exchange API unavailable after 3 retries (HTTP 503)");
    expect(md).toContain("**Joined:**\n- Chainer (`chainer`): rank 5, tier 3, overall 0.5415");
    expect(md).toContain("**Left:**\n- Theano (`theano`): was rank 5");
    expect(md).toContain("- activity: weight 1 → 2");
    expect(md).toContain("- mergedPullRequests 390 → 300 -90 (-23.1%)");
    expect(md).not.toContain("\u001b[");
  });

  it("colours only a terminal without NO_COLOR", async () => {
    const dir = await tmp();
    const tty = await run(dir, ["diff"], { isTTY: true });
    expect(tty.stdout).toContain("\u001b[32m▲1\u001b[39m");
    expect(tty.stdout).toContain("\u001b[31m▼1\u001b[39m");
    const noColor = await run(dir, ["diff"], { isTTY: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
    const emptyNoColor = await run(dir, ["diff"], { isTTY: true, env: { NO_COLOR: "" } });
    expect(emptyNoColor.stdout).toContain("\u001b[");
    // Same text once the colour codes are stripped.
    expect(tty.stdout.replace(/\u001b\[[0-9;]*m/g, "")).toBe(noColor.stdout);
    const markdown = await run(dir, ["diff", "--format", "markdown"], { isTTY: true });
    expect(markdown.stdout).not.toContain("\u001b[");
  });

  it("--fail-on-rank-change exits 1 only when a rank changed", async () => {
    const dir = await tmp();
    const moved = await run(dir, ["diff", "--fail-on-rank-change"]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain("tensorflow");
    expect(moved.stderr).toBe("showdown: 2 project(s) changed rank (--fail-on-rank-change)\n");
    // 2018-03-01 → 2018-03-08 also moves pytorch and mxnet; a snapshot and itself moves nothing.
    expect((await run(dir, ["diff", "2018-03-22", "2018-03-22", "--fail-on-rank-change"])).code).toBe(0);
    const still = structuredClone(s3);
    still.asOf = "2018-03-29T00:00:00Z";
    byId(still, "tensorflow").raw.stars = 99_000; // a figure changes, no rank does
    const dir2 = await tmp([s3, still]);
    const r = await run(dir2, ["diff", "--fail-on-rank-change"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/figure\s+stars\s+98,000 → 99,000\s+\+1,000 \(\+1\.0%\)/);
  });

  it("needs two snapshots, with a one-line error", async () => {
    const one = await tmp([s1]);
    const r = await run(one, ["diff"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`showdown: snapshots/${COHORT}: diff needs two snapshots, found 1 (collect another day's, or pass OLD and NEW)\n`);
    const none = await tmp([]);
    expect((await run(none, ["diff"])).stderr).toBe(`showdown: snapshots/${COHORT}: diff needs two snapshots, found 0 (collect another day's, or pass OLD and NEW)\n`);
  });

  it("fails on a damaged snapshot, or skips it with --skip-invalid and says so", async () => {
    const dir = await tmp();
    const newest = file(dir, "2018-03-22");
    await writeFile(newest, (await readFile(newest, "utf8")).slice(0, 200));
    const r = await run(dir, ["diff"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^showdown: snapshots/${COHORT}/2018-03-22\\.json: invalid JSON \\(truncated or damaged\\?\\): .*\\n$`));
    const skipped = await run(dir, ["diff", "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^showdown: skipped snapshots/${COHORT}/2018-03-22\\.json: invalid JSON`));
    expect(skipped.stdout.split("\n")[0]).toBe("deep-learning-2018: 2018-03-01 → 2018-03-08 (7 days; rubric v1)");
  });

  it("rejects an unknown format", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "html"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`showdown: unknown --format "html" (formats: table, markdown, json); see 'showdown diff --help'\n`);
  });
});

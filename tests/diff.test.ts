import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareSnapshots, moveOrder, type SnapshotDiff } from "../src/diff/compare.js";
import type { Rubric } from "../src/config/rubric.js";
import { Scorer } from "../src/score/snapshot.js";
import type { Snapshot } from "../src/snapshot/schema.js";
import type { ConfigProject } from "./support/config.js";
import { COHORT, RUBRIC_V1, RUBRIC_V2, fixtureProjects, historyDir, run, snapshot1, snapshot2, snapshot3, writeFixtureConfig } from "./helpers/history.js";

const dirs: string[] = [];
async function tmp(snapshots?: Snapshot[]): Promise<string> {
  const dir = await historyDir(snapshots);
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The scorer of the fixture config (as historyDir writes it) with `rubric`, optionally without some projects. */
function scorer(rubric: Rubric = RUBRIC_V1, projects: readonly ConfigProject[] = fixtureProjects()): Scorer {
  return new Scorer({ rubric, projects: projects.map(({ ratings, ...p }) => ({ ...p, ...ratings })) });
}
const V1 = scorer(RUBRIC_V1);
const V2 = scorer(RUBRIC_V2);

const s1 = snapshot1();
const s2 = snapshot2();
const s3 = snapshot3();
// The snapshots as every view sees them: scored under the fixture config (rubric v1).
const x2 = V1.score(s2);
const x3 = V1.score(s3);
const byId = <P extends { id: string }>(s: { projects: P[] }, id: string): P => s.projects.find((p) => p.id === id)!;
const file = (dir: string, date: string) => path.join(dir, "snapshots", COHORT, `${date}.json`);
const DAY = 86_400_000;
/** A score and a score change as the table and Markdown show them (4 decimals, signed change). */
const f4 = (x: number | null) => (x === null ? "-" : x.toFixed(4));
const d4 = (d: number) => (d > 0 ? "+" : "-") + Math.abs(d).toFixed(4);
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("compareSnapshots", () => {
  const diff = compareSnapshots(x2, x3);

  it("lists the projects that joined and left", () => {
    expect(diff.joined).toEqual([{ id: "chainer", name: "Chainer", rank: byId(x3, "chainer").scores.rank, tier: byId(x3, "chainer").scores.tier, overall: byId(x3, "chainer").scores.overall }]);
    expect(diff.left.map((p) => p.id)).toEqual(["theano"]);
    expect(diff.left[0]!.overall).toBe(byId(x2, "theano").scores.overall);
    expect(diff.summary).toMatchObject({ compared: 4, joined: 1, left: 1 });
  });

  it("gives rank, tier and score moves with delta = new − old", () => {
    for (const p of diff.projects) {
      const was = byId(x2, p.id).scores;
      const now = byId(x3, p.id).scores;
      expect(p.rank).toEqual({ old: was.rank, new: now.rank, delta: now.rank - was.rank });
      expect(p.overall).toEqual({ old: was.overall, new: now.overall, delta: now.overall! - was.overall! });
      expect(p.categories.map((c) => c.id)).toEqual(["community", "api", "platform"]);
      for (const c of p.categories) expect(c.delta).toBe(now.categories[c.id]! - was.categories[c.id]!);
    }
    // pytorch overtook tensorflow: its merged pull requests rose to 455 while tensorflow's fell to 300
    // (under rubric v2, where activity weighs twice, by a wider margin).
    const tf = diff.projects.find((p) => p.id === "tensorflow")!;
    expect(tf.rank).toEqual({ old: 1, new: 2, delta: 1 });
    expect(diff.projects.find((p) => p.id === "pytorch")!.rank).toEqual({ old: 2, new: 1, delta: -1 });
    expect(diff.summary.rankChanges).toBe(2);
    expect(diff.summary.tierChanges).toBe(diff.projects.filter((p) => byId(x2, p.id).scores.tier !== byId(x3, p.id).scores.tier).length);
  });

  it("sorts by the largest move: places first, then |overall delta|, then id", () => {
    const ids = diff.projects.map((p) => p.id);
    const places = (id: string) => Math.abs(byId(x3, id).scores.rank - byId(x2, id).scores.rank);
    const score = (id: string) => Math.abs(byId(x3, id).scores.overall! - byId(x2, id).scores.overall!);
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
    expect(eco.old).toEqual(byId(x2, "cntk").scores.criteria.ecosystem);
    expect(eco.category).toBe("community");
    expect(eco.new).toBeNull();
    expect(eco.valueDelta).toBeNull();
  });

  it("names the one rubric both sides were scored with, and lists no rubric change", () => {
    expect(diff.rubric).toEqual({ name: RUBRIC_V1.name, version: 1 });
    expect(Object.keys(diff.summary).sort()).toEqual(["changed", "compared", "joined", "left", "moved", "rankChanges", "tierChanges"]);
    expect(Object.keys(diff.old).sort()).toEqual(["asOf", "date", "file", "projects", "windowDays"]);

    // The same snapshots under the edited rubric (v2): the same figures and errors, other scores.
    const edited = compareSnapshots(V2.score(s2), V2.score(s3));
    expect(edited.rubric).toEqual({ name: RUBRIC_V2.name, version: 2 });
    expect(edited.summary).toMatchObject({ compared: 4, joined: 1, left: 1 });
    const facts = (d: SnapshotDiff) => Object.fromEntries(d.projects.map((p) => [p.id, { figures: p.figures, errors: p.errors }]));
    expect(facts(edited)).toEqual(facts(diff));
    for (const p of edited.projects) {
      expect(p.overall.new).toBe(byId(V2.score(s3), p.id).scores.overall);
      expect(p.overall.old).toBe(byId(V2.score(s2), p.id).scores.overall);
      expect(p.overall.new).not.toBe(diff.projects.find((q) => q.id === p.id)!.overall.new);
      // aws, dropped from v2, is no criterion of either side.
      expect(p.criteria.map((c) => c.id)).not.toContain("aws");
    }
  });

  it("finds nothing between a snapshot and itself, whatever the rubric", () => {
    for (const s of [V1, V2]) {
      const same = compareSnapshots(s.score(s3), s.score(s3));
      expect(same.projects.every((p) => !p.changed && !p.moved && p.figures.length === 0 && p.criteria.length === 0)).toBe(true);
      expect(same.summary).toEqual({ compared: 5, changed: 0, moved: 0, rankChanges: 0, tierChanges: 0, joined: 0, left: 0 });
    }
  });

  it("leaves out a project the config does not list", () => {
    const without = scorer(RUBRIC_V1, fixtureProjects().filter((p) => p.id !== "theano"));
    const d = compareSnapshots(without.score(s2), without.score(s3));
    expect(d.left).toEqual([]);
    expect(d.summary).toMatchObject({ compared: 4, joined: 1, left: 0 });
    expect(d.old.projects).toBe(4); // of the 5 in the file
  });

  it("has no relative change from 0", () => {
    const a = structuredClone(s1);
    const b = structuredClone(s1);
    byId(a, "theano").raw.openIssues = 0;
    byId(b, "theano").raw.openIssues = 4;
    const f = compareSnapshots(V1.score(a), V1.score(b)).projects.find((p) => p.id === "theano")!.figures[0]!;
    expect(f).toMatchObject({ field: "openIssues", old: 0, new: 4, delta: 4, relative: null });
  });
});

describe("oss-showdown diff", () => {
  it("compares the two newest snapshots by default", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("deep-learning-2018: 2018-03-08 → 2018-03-22 (14 days; scored with rubric v1)");
    const tiers = ["tensorflow", "pytorch", "mxnet", "cntk"].filter((id) => byId(x2, id).scores.tier !== byId(x3, id).scores.tier).length;
    expect(lines[1]).toBe(`4 compared: 4 moved (2 rank changes, ${tiers} tier changes), 0 with only figures changed, 0 unchanged; 1 joined, 1 left`);
    // The table: the largest move first.
    const row = (id: string) => {
      const [was, now] = [byId(x2, id).scores, byId(x3, id).scores];
      return `${re(f4(now.overall))}\\s+${re(d4(now.overall! - was.overall!))}$`;
    };
    expect(lines[4]).toMatch(new RegExp(`^1 → 2\\s+▼1\\s+tensorflow\\s+1\\s+${row("tensorflow")}`));
    expect(lines[5]).toMatch(new RegExp(`^2 → 1\\s+▲1\\s+pytorch\\s+1\\s+${row("pytorch")}`));
    expect(r.stdout).toMatch(/figure\s+mergedPullRequests\s+390 → 300\s+-90 \(-23\.1%\)/);
    expect(r.stdout).toMatch(/figure\s+stackOverflowQuestions\s+510 → -\s+not fetched: Stack Exchange API unavailable/);
    const chainer = byId(x3, "chainer").scores;
    expect(r.stdout).toContain(`Joined (1)\n  chainer  Chainer  rank ${chainer.rank}, tier ${chainer.tier}, overall ${f4(chainer.overall)}`);
    expect(r.stdout).toContain("Left (1)\n  theano  Theano  was rank 5, tier 3, overall 0.3964");
    expect(r.stdout).not.toMatch(/rubric change/i);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("takes dates, paths, or only OLD (compared with the newest)", async () => {
    const dir = await tmp();
    const byDate = await run(dir, ["diff", "2018-03-01", "2018-03-08"]);
    expect(byDate.code).toBe(0);
    expect(byDate.stdout.split("\n")[0]).toBe("deep-learning-2018: 2018-03-01 → 2018-03-08 (7 days; scored with rubric v1)");
    const byPath = await run(dir, ["diff", file(dir, "2018-03-01"), path.join("snapshots", COHORT, "2018-03-08.json")]);
    expect(byPath.stdout).toBe(byDate.stdout);
    const onlyOld = await run(dir, ["diff", "2018-03-01", "--format", "json"]);
    const json = JSON.parse(onlyOld.stdout);
    expect([json.old.date, json.new.date]).toEqual(["2018-03-01", "2018-03-22"]);
    const missing = await run(dir, ["diff", "2018-03-15", "2018-03-22"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`oss-showdown: no snapshot dated 2018-03-15 in snapshots/${COHORT} (dates: 2018-03-01, 2018-03-08, 2018-03-22)\n`);
  });

  it("writes the documented JSON", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "json"]);
    expect(r.code).toBe(0);
    const expected = compareSnapshots(x2, x3, { old: `snapshots/${COHORT}/2018-03-08.json`, new: `snapshots/${COHORT}/2018-03-22.json` });
    const json = JSON.parse(r.stdout);
    expect(json).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(json).toMatchObject({ format: "showdown-diff", formatVersion: 2, cohort: COHORT, rubric: { name: RUBRIC_V1.name, version: 1 } });
    // Documented field by field in docs/diff-format.md: every key the JSON has, and none it no longer has.
    const doc = await readFile(path.join(import.meta.dirname, "..", "docs", "diff-format.md"), "utf8");
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") {
        for (const [k, w] of Object.entries(v)) {
          keys.add(k);
          walk(w);
        }
      }
    };
    walk(json);
    for (const key of keys) expect(doc, key).toMatch(new RegExp(`\\b${key}\\b`));
    for (const gone of ["rubricChanges", "rubricVersion", "RubricDiff"]) expect(doc).not.toContain(gone);
    // Its example is of this format: the same version and fields, abridged only in its lists.
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]!) as SnapshotDiff;
    expect(example.formatVersion).toBe(json.formatVersion);
    expect(Object.keys(example)).toEqual(Object.keys(json));
    for (const part of ["rubric", "old", "summary"] as const) expect(Object.keys(example[part])).toEqual(Object.keys(json[part]));
    expect(Object.keys(example.projects[0]!)).toEqual(Object.keys(json.projects[0]));
    // And it is what the command writes for the stored fixture history, as the doc says.
    const root = path.join(import.meta.dirname, "..");
    const stored = await run(root, ["diff", "--snapshots", "tests/fixtures/history", "--config", "tests/fixtures/history/config", "--format", "json"]);
    expect(stored.code).toBe(0);
    const actual = JSON.parse(stored.stdout) as SnapshotDiff;
    const { projects: exampleProjects, ...exampleRest } = example;
    const { projects: actualProjects, ...actualRest } = actual;
    expect(exampleRest).toEqual(actualRest);
    for (const p of exampleProjects) {
      const q = actualProjects.find((x) => x.id === p.id)!;
      expect({ ...p, criteria: [], figures: [] }).toEqual({ ...q, criteria: [], figures: [] });
      for (const c of p.criteria) expect(q.criteria).toContainEqual(c);
      for (const f of p.figures) expect(q.figures).toContainEqual(f);
    }
  });

  it("writes Markdown for a pull request: heading, table, lists", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "markdown"]);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("## Showdown diff: deep-learning-2018, 2018-03-08 → 2018-03-22 (14 days; scored with rubric v1)")).toBe(true);
    expect(md).toContain("| Rank | Move | Project | Tier | Overall | Δ overall | Δ categories |");
    const tf = [byId(x2, "tensorflow").scores, byId(x3, "tensorflow").scores] as const;
    expect(md).toContain(`| 1 → 2 | ▼1 | TensorFlow (\`tensorflow\`) | 1 | ${f4(tf[1].overall)} | ${d4(tf[1].overall! - tf[0].overall!)} |`);
    expect(md).toContain("- ⚠️ `cntk` stackOverflowQuestions: Stack Exchange API unavailable after 3 retries (HTTP 503)");
    const chainer = byId(x3, "chainer").scores;
    expect(md).toContain(`**Joined:**\n- Chainer (\`chainer\`): rank ${chainer.rank}, tier ${chainer.tier}, overall ${f4(chainer.overall)}`);
    expect(md).toContain("**Left:**\n- Theano (`theano`): was rank 5");
    expect(md).not.toMatch(/rubric change/i);
    expect(md).toContain("- mergedPullRequests 390 → 300 -90 (-23.1%)");
    expect(md).not.toContain("\u001b[");
  });

  it("scores both sides with the config as it is now: a rubric edit changes the scores, not the figures", async () => {
    const dir = await tmp();
    const before = await run(dir, ["diff"]);
    const beforeJson = JSON.parse((await run(dir, ["diff", "--format", "json"])).stdout) as SnapshotDiff;
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V2);
    const after = await run(dir, ["diff"]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toBe(before.stdout);
    const lines = after.stdout.split("\n");
    expect(lines[0]).toBe("deep-learning-2018: 2018-03-08 → 2018-03-22 (14 days; scored with rubric v2)");
    expect(after.stdout).not.toMatch(/rubric change/i);
    // Both sides rescored with v2. 2018-03-22 reads as it did when its scores were stored under v2.
    const [was, now] = [V2.score(s2), V2.score(s3)];
    expect([f4(byId(now, "tensorflow").scores.overall), f4(byId(now, "pytorch").scores.overall)]).toEqual(["0.8061", "0.8445"]);
    for (const [i, id] of [[4, "tensorflow"], [5, "pytorch"]] as const) {
      const overall = byId(now, id).scores.overall!;
      expect(lines[i]).toMatch(new RegExp(`\\s${id}\\s+1\\s+${re(f4(overall))}\\s+${re(d4(overall - byId(was, id).scores.overall!))}$`));
    }
    expect(after.stdout).toContain("Joined (1)\n  chainer  Chainer  rank 5, tier 3, overall 0.5415");
    expect(after.stdout).toContain(`Left (1)\n  theano  Theano  was rank 5, tier 3, overall ${f4(byId(was, "theano").scores.overall)}`);
    // The figure lines are the same: only scores moved.
    const figureLines = (text: string) => text.split("\n").filter((l) => /^\s+(figure|error|resolved)\s/.test(l));
    expect(figureLines(after.stdout).length).toBeGreaterThan(0);
    expect(figureLines(after.stdout)).toEqual(figureLines(before.stdout));

    const afterJson = JSON.parse((await run(dir, ["diff", "--format", "json"])).stdout) as SnapshotDiff;
    expect(afterJson).toEqual(JSON.parse(JSON.stringify(compareSnapshots(was, now, { old: beforeJson.old.file!, new: beforeJson.new.file! }))));
    const facts = (d: SnapshotDiff) => Object.fromEntries(d.projects.map((p) => [p.id, { figures: p.figures, errors: p.errors }]));
    expect(facts(afterJson)).toEqual(facts(beforeJson));
  });

  it("leaves out a project the config no longer lists", async () => {
    const dir = await tmp();
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V1, fixtureProjects().filter((p) => p.id !== "theano"));
    const r = await run(dir, ["diff"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[1]).toMatch(/^4 compared: .*; 1 joined, 0 left$/);
    expect(r.stdout).not.toContain("theano");
    const older = JSON.parse((await run(dir, ["diff", "2018-03-01", "2018-03-08", "--format", "json"])).stdout) as SnapshotDiff;
    expect(older.summary.compared).toBe(4);
    expect(older.old.projects).toBe(4);
    expect(older.projects.map((p) => p.id)).not.toContain("theano");
    // The file still holds theano's figures.
    expect(JSON.parse(await readFile(file(dir, "2018-03-01"), "utf8")).projects.map((p: { id: string }) => p.id)).toContain("theano");
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
    expect(moved.stderr).toBe("oss-showdown: 2 project(s) changed rank (--fail-on-rank-change)\n");
    // 2018-03-01 → 2018-03-08 also moves pytorch and mxnet; a snapshot and itself moves nothing.
    expect((await run(dir, ["diff", "2018-03-22", "2018-03-22", "--fail-on-rank-change"])).code).toBe(0);
    const still = structuredClone(s3);
    still.asOf = "2018-03-29T00:00:00Z";
    byId(still, "tensorflow").raw.stars = 99_000; // a figure changes, no rank does
    const dir2 = await tmp([s3, still]);
    const r = await run(dir2, ["diff", "--fail-on-rank-change", "--all"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/figure\s+stars\s+98,000 → 99,000\s+\+1,000 \(\+1\.0%\)/);
  });

  it("lists only projects that moved, counts the rest truly, and --all lists every one", async () => {
    // A week later every project has one more star: figures change, no score does.
    const later = structuredClone(s3);
    later.asOf = "2018-03-29T00:00:00Z";
    for (const p of later.projects) p.raw.stars = (p.raw.stars ?? 0) + 1;
    byId(later, "tensorflow").raw.mergedPullRequests = 1; // tensorflow's activity falls: it moves
    const dir = await tmp([s3, later]);
    const ids = s3.projects.map((p) => p.id);
    const rowOf = (out: string, id: string) => new RegExp(`^\\s*\\d[^\\n]*\\s${id}\\s+(\\d|-)`, "m").test(out);
    const r = await run(dir, ["diff"]);
    const expected = compareSnapshots(x3, V1.score(later));
    const moved = expected.projects.filter((p) => p.moved).map((p) => p.id);
    const { rankChanges, tierChanges } = expected.summary;
    const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
    expect(moved).toContain("tensorflow");
    expect(moved.length).toBeLessThan(ids.length);
    expect(r.stdout.split("\n")[1]).toBe(`${ids.length} compared: ${moved.length} moved (${plural(rankChanges, "rank change")}, ${plural(tierChanges, "tier change")}), ${ids.length - moved.length} with only figures changed, 0 unchanged; 0 joined, 0 left`);
    for (const id of ids) expect(rowOf(r.stdout, id), id).toBe(moved.includes(id));
    expect(r.stdout).toContain(`${ids.length - moved.length} projects not listed: no rank, tier or overall change at 4 decimals (--all lists every project)`);
    const all = await run(dir, ["diff", "--all"]);
    for (const id of ids) expect(rowOf(all.stdout, id), id).toBe(true);
    expect(all.stdout).not.toContain("not listed");
    const md = await run(dir, ["diff", "--format", "markdown"]);
    for (const id of ids) expect(md.stdout.includes(`(\`${id}\`) |`), id).toBe(moved.includes(id));
    const mdAll = await run(dir, ["diff", "--format", "markdown", "--all"]);
    for (const id of ids) expect(mdAll.stdout, id).toContain(`(\`${id}\`) |`);
  });

  it("needs two snapshots, with a one-line error", async () => {
    const one = await tmp([s1]);
    const r = await run(one, ["diff"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`oss-showdown: snapshots/${COHORT}: diff needs two snapshots, found 1 (collect another day's, or pass OLD and NEW)\n`);
    const none = await tmp([]);
    expect((await run(none, ["diff"])).stderr).toBe(`oss-showdown: snapshots/${COHORT}: diff needs two snapshots, found 0 (collect another day's, or pass OLD and NEW)\n`);
  });

  it("fails on a damaged snapshot, or skips it with --skip-invalid and says so", async () => {
    const dir = await tmp();
    const newest = file(dir, "2018-03-22");
    await writeFile(newest, (await readFile(newest, "utf8")).slice(0, 200));
    const r = await run(dir, ["diff"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^oss-showdown: snapshots/${COHORT}/2018-03-22\\.json: invalid JSON \\(truncated or damaged\\?\\): .*\\n$`));
    const skipped = await run(dir, ["diff", "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^oss-showdown: skipped snapshots/${COHORT}/2018-03-22\\.json: invalid JSON`));
    expect(skipped.stdout.split("\n")[0]).toBe("deep-learning-2018: 2018-03-01 → 2018-03-08 (7 days; scored with rubric v1)");
  });

  it("rejects an unknown format", async () => {
    const dir = await tmp();
    const r = await run(dir, ["diff", "--format", "html"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`oss-showdown: unknown --format "html" (formats: table, markdown, json); see 'oss-showdown diff --help'\n`);
  });
});

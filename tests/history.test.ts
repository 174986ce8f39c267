import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import type { Series } from "../src/history/series.js";
import { Scorer } from "../src/score/snapshot.js";
import type { ScoredSnapshot } from "../src/score/types.js";
import { COHORT, RUBRIC_V1, RUBRIC_V2, fixtureProjects, historyDir, run, snapshot1, snapshot2, snapshot3, writeFixtureConfig } from "./helpers/history.js";

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const dir = await historyDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// The history as the command sees it: every snapshot scored under the fixture config (rubric v1).
const CONFIG_PROJECTS = fixtureProjects().map(({ ratings, ...p }) => ({ ...p, ...ratings }));
const history = [snapshot1(), snapshot2(), snapshot3()].map((s) => new Scorer({ rubric: RUBRIC_V1, projects: CONFIG_PROJECTS }).score(s));
const DATES = ["2018-03-01", "2018-03-08", "2018-03-22"];
const project = (s: ScoredSnapshot, id: string) => s.projects.find((p) => p.id === id);
const f4 = (x: number) => x.toFixed(4);
const d4 = (d: number) => (d > 0 ? "+" : "-") + Math.abs(d).toFixed(4);
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("oss-showdown history", () => {
  it("comes in parts of whole columns when wider than the terminal, each line within its width", async () => {
    const dir = await tmp();
    const whole = await run(dir, ["history"]);
    const wide = Math.max(...whole.stdout.split("\n").map((l) => l.length));
    const ids = whole.stdout.split("\n")[1]!.trim().split(/\s+/).slice(1);
    expect(ids.length).toBeGreaterThan(2);
    for (const opts of [{ columns: 40 }, { env: { COLUMNS: "40" } }]) {
      const r = await run(dir, ["history"], opts);
      expect(r.code).toBe(0);
      const lines = r.stdout.split("\n");
      expect(wide).toBeGreaterThan(40);
      expect(lines.filter((l) => l.length > 40)).toEqual([lines[0]]); // only the title is longer
      const parts = lines.filter((l) => l.startsWith("part "));
      expect(parts.length).toBeGreaterThan(1);
      expect(lines[0]).toBe(`overall: 3 snapshots, ${ids.length} projects in ${parts.length} parts to fit 40 columns`);
      // Every project once, in the same order, and every part has every date.
      const headers = lines.filter((l) => l.startsWith("date "));
      expect(headers.flatMap((h) => h.trim().split(/\s+/).slice(1))).toEqual(ids);
      for (const date of DATES) expect(lines.filter((l) => l.startsWith(date))).toHaveLength(parts.length);
    }
    // Wide enough, or piped with no width known: one table, as before.
    expect((await run(dir, ["history"], { columns: wide })).stdout).toBe(whole.stdout);
  });

  it("defaults to overall for every project, one row per snapshot, gaps absent", async () => {
    const dir = await tmp();
    const r = await run(dir, ["history", "--format", "json"]);
    expect(r.code).toBe(0);
    const series = JSON.parse(r.stdout) as Series;
    expect(series.metric).toBe("overall");
    // No row for 2018-03-15: there is no snapshot that week, and nothing is interpolated.
    expect(series.rows.map((row) => row.date)).toEqual(DATES);
    expect(series.rows.map((row) => row.days)).toEqual([null, 7, 14]);
    // Columns: the newest ranking first, then the project that left.
    const newest = [...history[2]!.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => p.id);
    expect(newest.slice(0, 2)).toEqual(["pytorch", "tensorflow"]);
    expect(series.projects.map((p) => p.id)).toEqual([...newest, "theano"]);
    history.forEach((s, i) => {
      const row = series.rows[i]!;
      expect(Object.keys(row.values).sort()).toEqual(s.projects.map((p) => p.id).sort());
      for (const p of s.projects) expect(row.values[p.id]).toBe(p.scores.overall);
    });
    // theano left: no value and no change in the last row; chainer joined: a value but no change.
    const last = series.rows[2]!;
    expect("theano" in last.values).toBe(false);
    expect("theano" in last.changes).toBe(false);
    expect(last.values.chainer).toBe(project(history[2]!, "chainer")!.scores.overall);
    expect("chainer" in last.changes).toBe(false);
    expect(series.rows[0]!.changes).toEqual({});
    expect(series.rows[1]!.changes.pytorch).toBe(project(history[1]!, "pytorch")!.scores.overall! - project(history[0]!, "pytorch")!.scores.overall!);
    expect(last.changes.tensorflow).toBe(project(history[2]!, "tensorflow")!.scores.overall! - project(history[1]!, "tensorflow")!.scores.overall!);
  });

  it("prints a table with the per-period change", async () => {
    const dir = await tmp();
    const r = await run(dir, ["history"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("overall: 3 snapshots");
    expect(lines[1]).toMatch(/^date\s+pytorch\s+tensorflow\s+mxnet\s+cntk\s+chainer\s+theano$/);
    expect(lines[2]).toMatch(/^2018-03-01\s+0\.7621\s+0\.8972\s+0\.7727\s+0\.5830\s+0\.3975$/);
    expect(lines[3]).toMatch(/^2018-03-08\s+0\.8422 \(\+0\.0802\)\s+0\.8830 \(-0\.0142\)/);
    // 2018-03-22 in the column order of line 1: pytorch, tensorflow, mxnet, cntk, then chainer (no change: it joined).
    const cells = ["pytorch", "tensorflow", "mxnet", "cntk"].map((id) => {
      const [was, now] = [project(history[1]!, id)!.scores.overall!, project(history[2]!, id)!.scores.overall!];
      return re(`${f4(now)} (${d4(now - was)})`);
    });
    expect(lines[4]).toMatch(new RegExp(`^2018-03-22\\s+${cells.join("\\s+")}\\s+${re(f4(project(history[2]!, "chainer")!.scores.overall!))}$`));
    expect(lines).toHaveLength(5);
  });

  it("follows one raw figure of one project, null when it could not be fetched", async () => {
    const dir = await tmp();
    const r = await run(dir, ["history", "--project", "cntk", "--metric", "stackOverflowQuestions", "--format", "csv"]);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { date: "2018-03-01", days: "", cntk: "500", "cntk.change": "" },
      { date: "2018-03-08", days: "7", cntk: "510", "cntk.change": "10" },
      { date: "2018-03-22", days: "14", cntk: "", "cntk.change": "" },
    ]);
    const json = JSON.parse((await run(dir, ["history", "--project", "cntk", "--metric", "stackOverflowQuestions", "--format", "json"])).stdout) as Series;
    expect(json.rows.map((row) => row.values.cntk)).toEqual([500, 510, null]);
    expect(json.rows.map((row) => row.changes.cntk)).toEqual([undefined, 10, null]);
  });

  it("knows ranks, categories, criterion scores and values", async () => {
    const dir = await tmp();
    const series = async (metric: string, id: string) => {
      const r = await run(dir, ["history", "--project", id, "--metric", metric, "--format", "json"]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as Series).rows.map((row) => row.values[id]);
    };
    expect(await series("rank", "pytorch")).toEqual(history.map((s) => project(s, "pytorch")!.scores.rank));
    expect(await series("rank", "pytorch")).toEqual([3, 2, 1]);
    expect(await series("tier", "cntk")).toEqual(history.map((s) => project(s, "cntk")!.scores.tier));
    expect(await series("community", "mxnet")).toEqual(history.map((s) => project(s, "mxnet")!.scores.categories.community));
    expect(await series("activity", "tensorflow")).toEqual(history.map((s) => project(s, "tensorflow")!.scores.criteria.activity!.normalized));
    expect(await series("activity.normalized", "tensorflow")).toEqual(await series("activity", "tensorflow"));
    expect(await series("activity.value", "tensorflow")).toEqual(history.map((s) => project(s, "tensorflow")!.scores.criteria.activity!.value));
    // aws is a criterion of the config's rubric (v1): pytorch's rating in every snapshot.
    expect(await series("aws.value", "pytorch")).toEqual([2, 2, 2]);
    expect(await series("lastCommitAt", "theano")).toEqual(["2017-11-15T00:00:00Z", "2017-11-15T00:00:00Z", undefined]);
    // A rank change is new − old: pytorch climbed one place each time.
    const csv = parse((await run(dir, ["history", "--metric", "rank", "--format", "csv"])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv.map((row) => row["pytorch.change"])).toEqual(["", "-1", "-1"]);
  });

  it("shows a project's absence in a snapshot as absence", async () => {
    const dir = await tmp();
    const r = await run(dir, ["history", "--project", "theano"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("overall of theano (Theano): 3 snapshots");
    expect(lines[2]).toMatch(/^2018-03-01\s+0\.3975$/);
    expect(lines[3]).toMatch(/^2018-03-08\s+0\.3964\s+-0\.0011\s+7$/);
    expect(lines[4]).toMatch(/^2018-03-22\s+\(not in this snapshot\)\s+14$/);
  });

  it("scores every snapshot with the config as it is now: a rubric edit changes the whole history", async () => {
    const dir = await tmp();
    const before = (await run(dir, ["history"])).stdout;
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V2);
    const after = await run(dir, ["history"]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toBe(before);
    const v2 = [snapshot1(), snapshot2(), snapshot3()].map((s) => new Scorer({ rubric: RUBRIC_V2, projects: CONFIG_PROJECTS }).score(s));
    const json = JSON.parse((await run(dir, ["history", "--format", "json"])).stdout) as Series;
    v2.forEach((s, i) => {
      for (const p of s.projects) expect(json.rows[i]!.values[p.id]).toBe(p.scores.overall);
    });
    // Every row moved, the old ones too: no snapshot keeps the scores of the rubric it was collected under.
    for (let i = 0; i < 3; i++) expect(json.rows[i]!.values.tensorflow).not.toBe(project(history[i]!, "tensorflow")!.scores.overall);
    // 2018-03-22 reads as it did when its scores were stored under rubric v2.
    expect(after.stdout.trimEnd().split("\n")[4]).toMatch(/^2018-03-22\s+0\.8445 \([+-]0\.\d{4}\)\s+0\.8061 \([+-]0\.\d{4}\)/);
    // aws is no criterion of v2: no snapshot has a value for it; activity weighs more, its value is the same.
    const values = async (metric: string) => ((JSON.parse((await run(dir, ["history", "--project", "pytorch", "--metric", metric, "--format", "json"])).stdout) as Series).rows.map((row) => row.values.pytorch));
    const aws = await run(dir, ["history", "--project", "pytorch", "--metric", "aws.value", "--format", "json"]);
    expect(aws.code).toBe(1);
    expect(aws.stderr).toMatch(/unknown --metric "aws\.value" \(metrics: rank, tier, overall, community, api, platform, sponsor, sponsor\.value, activity/);
    expect(await values("activity.value")).toEqual(history.map((s) => project(s, "pytorch")!.scores.criteria.activity!.value));
    // Raw figures do not depend on the config.
    expect(await values("stars")).toEqual([11000, 11600, 12800]);
  });

  it("leaves out a project the config does not list", async () => {
    const dir = await tmp();
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V1, fixtureProjects().filter((p) => p.id !== "theano"));
    const json = JSON.parse((await run(dir, ["history", "--format", "json"])).stdout) as Series;
    expect(json.projects.map((p) => p.id)).not.toContain("theano");
    expect(json.rows.map((row) => Object.keys(row.values).length)).toEqual([4, 4, 5]);
    const r = await run(dir, ["history", "--project", "theano"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`oss-showdown: no project "theano" scored in any snapshot of snapshots/${COHORT}: only projects both in a snapshot and in the cohort config are (ids: chainer, cntk, mxnet, pytorch, tensorflow)\n`);
  });

  it("names the known metrics and ids when given unknown ones", async () => {
    const dir = await tmp();
    const metric = await run(dir, ["history", "--metric", "popularity"]);
    expect(metric.code).toBe(1);
    expect(metric.stderr.split("\n")).toHaveLength(2);
    expect(metric.stderr).toMatch(/^oss-showdown: unknown --metric "popularity" \(metrics: rank, tier, overall, community, api, platform, sponsor, sponsor\.value, activity, activity\.value, .*stars.*\)/);
    const id = await run(dir, ["history", "--project", "keras"]);
    expect(id.code).toBe(1);
    expect(id.stderr).toBe(`oss-showdown: no project "keras" scored in any snapshot of snapshots/${COHORT}: only projects both in a snapshot and in the cohort config are (ids: chainer, cntk, mxnet, pytorch, tensorflow, theano)\n`);
  });

  it("fails on a damaged snapshot, or skips it with --skip-invalid and says so", async () => {
    const dir = await tmp();
    const middle = path.join(dir, "snapshots", COHORT, "2018-03-08.json");
    const data = JSON.parse(await readFile(middle, "utf8"));
    data.projects[1].raw.stars = "many";
    await writeFile(middle, JSON.stringify(data));
    const r = await run(dir, ["history"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^oss-showdown: snapshots/${COHORT}/2018-03-08\\.json: not a valid snapshot: projects\\[1\\]\\.raw\\.stars: `));
    const skipped = await run(dir, ["history", "--skip-invalid", "--format", "json"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^oss-showdown: skipped snapshots/${COHORT}/2018-03-08\\.json: not a valid snapshot: projects\\[1\\]\\.raw\\.stars`));
    const series = JSON.parse(skipped.stdout) as Series;
    expect(series.rows.map((row) => [row.date, row.days])).toEqual([
      ["2018-03-01", null],
      ["2018-03-22", 21],
    ]);
  });
});

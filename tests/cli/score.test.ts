/**
 * `oss-showdown score`: a read-only view. It scores a snapshot (the newest, --date's or, with --all, every
 * one) from its raw figures and the config as it is now, and prints the scoreboard as a table, the
 * JSON score contract or CSV. It writes nothing; editing the config changes what it prints, never a
 * snapshot file. A snapshot filed in the wrong place is refused by every view, naming the fix.
 */
import { describe, expect, it } from "vitest";
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { loadCohort } from "../../src/config/load.js";
import type { Ratings } from "../../src/config/ratings.js";
import type { Rubric } from "../../src/config/rubric.js";
import { Scorer } from "../../src/score/snapshot.js";
import { Scoreboard } from "../../src/scoreboard/index.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { serializeSnapshot } from "../../src/snapshot/store.js";
import { formatScore } from "../../src/format/number.js";
import { COHORT, RUBRIC_V1, RUBRIC_V2, fixtureHistory, fixtureProjects, historyDir, run, snapshot2, snapshot3, writeFixtureConfig } from "../helpers/history.js";
import { configProject, writeConfig } from "../support/config.js";

const FOLDER = path.join("snapshots", COHORT);
const DATES = ["2018-03-01", "2018-03-08", "2018-03-22"];
const HEADER = `"Coveo Deep Learning Showdown (fixture)" v1, scored now from the config)`;

/** Every file under `dir` with its bytes and mtime. */
async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of (await readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, f);
    const info = await stat(file);
    if (info.isFile()) out.set(f, `${info.mtimeMs} ${(await readFile(file)).toString("base64")}`);
  }
  return out;
}

/** The dates of the table boards in an output. */
function printed(stdout: string): string[] {
  return [...stdout.matchAll(/^deep-learning-2018, (\d{4}-\d{2}-\d{2}) /gm)].map((m) => m[1]!);
}

function board(stdout: string): Scoreboard {
  return Scoreboard.parse(JSON.parse(stdout));
}

/** The board's projects must be the Scorer's, in rank order, every number exact. */
async function expectScoredAsConfig(dir: string, got: Scoreboard): Promise<void> {
  const scorer = new Scorer(await loadCohort(path.join(dir, "config"), COHORT).then(({ cohort, rubric }) => ({ rubric, projects: cohort.projects })));
  const snapshot = fixtureHistory().find((s) => s.asOf === got.asOf)!;
  const scored = scorer.score(snapshot);
  expect(got.rubric).toEqual({ name: scored.rubric.name, version: scored.rubric.version });
  expect(got.projects.map((p) => p.rank)).toEqual(got.projects.map((_, i) => i + 1));
  expect(got.projects.map((p) => p.id).sort()).toEqual(scored.projects.map((p) => p.id).sort());
  for (const p of got.projects) {
    const want = scored.projects.find((q) => q.id === p.id)!;
    expect({ id: p.id, name: p.name, ...want.scores }).toEqual({ id: p.id, name: want.name, criteria: p.criteria, categories: p.categories, overall: p.overall, rank: p.rank, tier: p.tier });
  }
}

describe("oss-showdown score", () => {
  it("prints the newest snapshot's scoreboard by default, in rank order, scored from the config", async () => {
    const dir = await historyDir();
    const table = await run(dir, ["score"]);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`deep-learning-2018, 2018-03-22 (rubric ${HEADER}`);
    expect(lines[1]).toMatch(/^#\s+project\s+tier\s+overall\s+Support & Community\s+API & Internals\s+Platform$/);
    expect(lines).toHaveLength(2 + 5);

    const json = await run(dir, ["score", "--format", "json"]);
    expect(json.code).toBe(0);
    const got = board(json.stdout);
    expect(got.cohort).toBe(COHORT);
    expect(got.asOf).toBe("2018-03-22T00:00:00Z");
    // Theano left the cohort in the newest snapshot and Chainer joined.
    expect(got.projects.map((p) => p.id)).toContain("chainer");
    expect(got.projects.map((p) => p.id)).not.toContain("theano");
    await expectScoredAsConfig(dir, got);
    // The table shows the same board: rank, name, tier and overall to 4 decimals.
    got.projects.forEach((p, i) => {
      const cells = lines[2 + i]!.split(/\s{2,}/);
      expect(cells.slice(0, 4)).toEqual([String(p.rank), p.name, p.tier === null ? "-" : String(p.tier), p.overall === null ? "incomplete" : formatScore(p.overall)]);
    });
    // A criterion the project has no value for is absent: cntk's ecosystem needs the missing Stack Overflow count.
    expect(got.projects.find((p) => p.id === "cntk")!.criteria.ecosystem).toBeUndefined();
  });

  it("--date picks that day's snapshot; an unknown date names the dates there are", async () => {
    const dir = await historyDir();
    const json = await run(dir, ["score", "--date", "2018-03-08", "--format", "json"]);
    expect(json.code).toBe(0);
    const got = board(json.stdout);
    expect(got.asOf).toBe("2018-03-08T00:00:00Z");
    await expectScoredAsConfig(dir, got);
    expect((await run(dir, ["score", "--date", "2018-03-08"])).stdout.split("\n")[0]).toBe(`deep-learning-2018, 2018-03-08 (rubric ${HEADER}`);

    const missing = await run(dir, ["score", "--date", "2018-03-15"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toBe(`oss-showdown: no snapshot dated 2018-03-15 in ${FOLDER} (dates: ${DATES.join(", ")})\n`);
  });

  it("--all prints every snapshot, oldest first: JSON lines, tables one after another, one CSV", async () => {
    const dir = await historyDir();
    const json = await run(dir, ["score", "--all", "--format", "json"]);
    expect(json.code).toBe(0);
    const lines = json.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    const boards = lines.map(board);
    expect(boards.map((b) => b.asOf.slice(0, 10))).toEqual(DATES);
    for (const [i, b] of boards.entries()) {
      await expectScoredAsConfig(dir, b);
      // The same board as --date's, on one line.
      expect(b).toEqual(board((await run(dir, ["score", "--date", DATES[i]!, "--format", "json"])).stdout));
    }

    const tables = await run(dir, ["score", "--all"]);
    expect(tables.code).toBe(0);
    expect(tables.stdout.split("\n").filter((l) => l.startsWith(`${COHORT}, `))).toEqual(DATES.map((d) => `${COHORT}, ${d} (rubric ${HEADER}`));
    expect(tables.stdout).toContain("\n\ndeep-learning-2018, 2018-03-08 ");

    const csv = await run(dir, ["score", "--all", "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toBe("date,rank,id,name,tier,overall,community,api,platform");
    const rows = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(15);
    for (const b of boards) {
      const date = b.asOf.slice(0, 10);
      const mine = rows.filter((r) => r.date === date);
      expect(mine.map((r) => r.id)).toEqual(b.projects.map((p) => p.id));
      for (const [i, p] of b.projects.entries()) {
        expect(Number(mine[i]!.rank)).toBe(p.rank);
        expect(mine[i]!.tier).toBe(p.tier === null ? "" : String(p.tier));
        // Full precision: the CSV's numbers are the JSON's.
        expect(Number(mine[i]!.overall)).toBe(p.overall);
        for (const c of ["community", "api", "platform"]) expect(Number(mine[i]![c])).toBe(p.categories[c]);
      }
    }
  });

  it("--format csv of one snapshot: a header and a row per project", async () => {
    const dir = await historyDir();
    const csv = await run(dir, ["score", "--format", "csv"]);
    expect(csv.code).toBe(0);
    const rows = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
    const json = board((await run(dir, ["score", "--format", "json"])).stdout);
    expect(rows.map((r) => [r.date, r.rank, r.id, r.name])).toEqual(json.projects.map((p) => ["2018-03-22", String(p.rank), p.id, p.name]));
  });

  it("refuses bad options with one line", async () => {
    const dir = await historyDir();
    const cases: [string[], string][] = [
      [["score", "--format", "xml"], `oss-showdown: unknown --format "xml" (formats: table, json, csv); see 'oss-showdown score --help'`],
      [["score", "--date", "22/03/2018"], `oss-showdown: --date: expected YYYY-MM-DD, got "22/03/2018"; see 'oss-showdown score --help'`],
      [["score", "--all", "--date", "2018-03-08"], "oss-showdown: --all and --date exclude each other; see 'oss-showdown score --help'"],
    ];
    for (const [argv, line] of cases) {
      const result = await run(dir, argv);
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`${line}\n`);
    }
    // The old write mode is gone: --check is an unknown option now.
    expect((await run(dir, ["score", "--check"])).stderr).toMatch(/^oss-showdown: Unknown option '--check'/);
  });

  it("writes nothing: every file is byte for byte as it was, whatever the format", async () => {
    const dir = await historyDir();
    const before = await tree(dir);
    for (const argv of [["score"], ["score", "--all"], ["score", "--format", "json"], ["score", "--all", "--format", "json"], ["score", "--all", "--format", "csv"], ["score", "--date", "2018-03-01"]]) {
      expect((await run(dir, argv)).code).toBe(0);
    }
    expect(await tree(dir)).toEqual(before);
  });

  it("re-scores from the raw figures after a re-weighting, leaving the snapshot files alone", async () => {
    const dir = await historyDir();
    const before = board((await run(dir, ["score", "--format", "json"])).stdout);
    const snapshots = await tree(path.join(dir, "snapshots"));
    // Drop the whole api category's weight: overall becomes the mean of community and platform.
    const rubric: Rubric = { ...RUBRIC_V1, categories: RUBRIC_V1.categories.map((c) => (c.id === "api" ? { ...c, weight: 0 } : c)) };
    await writeFixtureConfig(path.join(dir, "config"), rubric);
    const after = board((await run(dir, ["score", "--format", "json"])).stdout);
    for (const p of after.projects) {
      const old = before.projects.find((q) => q.id === p.id)!;
      expect(p.categories).toEqual(old.categories);
      expect(p.overall).toBeCloseTo((p.categories.community! + p.categories.platform!) / 2, 12);
    }
    expect(after.projects.map((p) => p.overall)).not.toEqual(before.projects.map((p) => p.overall));
    expect(await tree(path.join(dir, "snapshots"))).toEqual(snapshots);

    // A new rubric version shows in the board.
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V2);
    const v2 = board((await run(dir, ["score", "--format", "json"])).stdout);
    expect(v2.rubric.version).toBe(2);
    expect(v2.projects.every((p) => p.criteria.aws === undefined)).toBe(true);
    await expectScoredAsConfig(dir, v2);
  });

  it("takes the ratings from the current config, and leaves out a project the config no longer lists", async () => {
    const dir = await historyDir();
    const projects = fixtureProjects()
      .filter((p) => p.id !== "chainer")
      .map((p) => (p.id === "mxnet" ? { ...p, ratings: { ...p.ratings, sponsor: 0 as const } } : p));
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V1, projects);
    const got = board((await run(dir, ["score", "--format", "json"])).stdout);
    expect(got.projects.find((p) => p.id === "mxnet")!.criteria.sponsor).toEqual({ value: 0, normalized: 0 });
    expect(got.projects.map((p) => p.id).sort()).toEqual(["cntk", "mxnet", "pytorch", "tensorflow"]);
    await expectScoredAsConfig(dir, got);
    // Chainer's facts are still in the file.
    const file = JSON.parse(await readFile(path.join(dir, FOLDER, "2018-03-22.json"), "utf8")) as Snapshot;
    expect(file.projects.map((p) => p.id)).toContain("chainer");
  });

  it("stops on a damaged snapshot, naming it in one line; --skip-invalid passes over it, saying so", async () => {
    const dir = await historyDir();
    const newest = path.join(dir, FOLDER, "2018-03-22.json");
    await writeFile(newest, (await readFile(newest, "utf8")).slice(0, 200));
    const before = await tree(dir);
    for (const argv of [["score"], ["score", "--all"], ["score", "--date", "2018-03-22"]]) {
      const result = await run(dir, argv);
      expect(result.code, argv.join(" ")).toBe(1);
      // --all streams: the boards before the damaged file are out already, none after it.
      expect(printed(result.stdout)).toEqual(argv.includes("--all") ? DATES.slice(0, 2) : []);
      expect(result.stderr).toMatch(/^oss-showdown: snapshots\/deep-learning-2018\/2018-03-22\.json: invalid JSON \(truncated or damaged\?\)/);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    const skipped = await run(dir, ["score", "--skip-invalid", "--format", "json"]);
    expect(skipped.code).toBe(0);
    expect(board(skipped.stdout).asOf).toBe("2018-03-08T00:00:00Z");
    expect(skipped.stderr).toMatch(/^oss-showdown: skipped snapshots\/deep-learning-2018\/2018-03-22\.json: invalid JSON/);
    const all = await run(dir, ["score", "--all", "--skip-invalid", "--format", "json"]);
    expect(all.stdout.trimEnd().split("\n").map((l) => board(l).asOf.slice(0, 10))).toEqual(DATES.slice(0, 2));
    expect(await tree(dir)).toEqual(before);
  });

  it("says so when the cohort has no snapshot", async () => {
    const dir = await historyDir();
    await rm(path.join(dir, "snapshots"), { recursive: true });
    const result = await run(dir, ["score"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`oss-showdown: no snapshots in ${FOLDER} (run 'oss-showdown collect' first, or pass --snapshots/--cohort)\n`);
  });

  it("reads schema 1 files as they are, scoring them under the config of today, not their stored scores", async () => {
    const v1 = path.join(import.meta.dirname, "..", "fixtures", "snapshots", "v1-history");
    const dir = await historyDir([]);
    await mkdir(path.join(dir, FOLDER), { recursive: true });
    for (const date of DATES) await copyFile(path.join(v1, `${date}.json`), path.join(dir, FOLDER, `${date}.json`));
    // The config of the newest file: its rubric (v2) and ratings.
    const newest = JSON.parse(await readFile(path.join(v1, "2018-03-22.json"), "utf8")) as { rubric: Rubric; projects: (Snapshot["projects"][number] & { ratings: Ratings; scores: Omit<Scoreboard["projects"][number], "id" | "name"> })[] };
    const oldest = JSON.parse(await readFile(path.join(v1, "2018-03-01.json"), "utf8")) as typeof newest;
    const ids = new Set(newest.projects.map((p) => p.id));
    await writeConfig(path.join(dir, "config"), COHORT, newest.rubric, [...newest.projects, ...oldest.projects.filter((p) => !ids.has(p.id))].map(configProject));
    const before = await tree(dir);
    const result = await run(dir, ["score", "--all", "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const boards = result.stdout.trimEnd().split("\n").map(board);
    expect(boards.map((b) => b.rubric)).toEqual(DATES.map(() => ({ name: newest.rubric.name, version: 2 })));
    // The newest was scored under this very rubric: the same numbers it stored.
    for (const p of boards[2]!.projects) {
      const stored = newest.projects.find((q) => q.id === p.id)!.scores;
      expect({ criteria: p.criteria, categories: p.categories, overall: p.overall, rank: p.rank, tier: p.tier }).toEqual(stored);
    }
    // The oldest stored its rubric v1 scores; today's config scores it without aws.
    expect(oldest.projects.some((p) => p.scores.criteria.aws !== undefined)).toBe(true);
    expect(boards[0]!.projects.every((p) => p.criteria.aws === undefined)).toBe(true);
    expect(await tree(dir)).toEqual(before);
  });
});

describe("a snapshot filed in the wrong place is refused by every view, naming the field and the fix", () => {
  async function expectRefused(dir: string, argv: string[], line: string, before: string[] = []) {
    const result = await run(dir, argv);
    expect(result.code, argv.join(" ")).toBe(1);
    // score --all streams: only the boards of the files before the misplaced one are out.
    expect(printed(result.stdout), argv.join(" ")).toEqual(argv[0] === "score" && argv.includes("--all") ? before : []);
    if (argv[0] !== "score") expect(result.stdout, argv.join(" ")).toBe("");
    expect(result.stderr, argv.join(" ")).toBe(`oss-showdown: ${line}\n`);
  }

  it("a snapshot of another cohort in this cohort's folder", async () => {
    const dir = await historyDir();
    await writeFile(path.join(dir, FOLDER, "2018-03-08.json"), serializeSnapshot({ ...snapshot2(), cohort: "deep-learning-2026" }));
    const before = await tree(dir);
    const line = `${FOLDER}/2018-03-08.json: cohort is "deep-learning-2026", but the file is in deep-learning-2018's folder; move it to snapshots/deep-learning-2026/`;
    for (const argv of [["score", "--all"], ["history"], ["diff"], ["history", "--metric", "stars", "--project", "pytorch"]]) await expectRefused(dir, argv, line, ["2018-03-01"]);
    // Named by date: still refused in one line naming the file and its cohort. (The fix given is the one
    // for a path given on the command line, "pass --cohort deep-learning-2026", which would look in
    // that cohort's folder; src/cli/snapshot-args.ts readScored.)
    for (const argv of [["score", "--date", "2018-03-08"], ["diff", "2018-03-01", "2018-03-08"]]) {
      const result = await run(dir, argv);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^oss-showdown: snapshots\/deep-learning-2018\/2018-03-08\.json: .*cohort.*deep-learning-2026/);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    expect(await tree(dir)).toEqual(before);
  });

  it("a snapshot whose asOf is another day than its file name", async () => {
    const dir = await historyDir();
    // 2018-03-08's snapshot, saved under 2018-03-15.
    await writeFile(path.join(dir, FOLDER, "2018-03-15.json"), serializeSnapshot(snapshot2()));
    const before = await tree(dir);
    const line = `${FOLDER}/2018-03-15.json: asOf is 2018-03-08T00:00:00Z, but the file is named for 2018-03-15; rename it 2018-03-08.json`;
    for (const argv of [["score", "--all"], ["score", "--date", "2018-03-15"], ["history"], ["diff"], ["diff", "2018-03-15", "2018-03-22"]]) await expectRefused(dir, argv, line, ["2018-03-01", "2018-03-08"]);
    // The newest is still fine on its own.
    expect(board((await run(dir, ["score", "--format", "json"])).stdout).asOf).toBe(snapshot3().asOf);
    expect(await tree(dir)).toEqual(before);
  });
});

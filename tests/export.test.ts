import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import type { Rubric } from "../src/config/rubric.js";
import type { SnapshotDiff } from "../src/diff/compare.js";
import { CsvEncoder, type Cell } from "../src/export/csv.js";
import type { Series } from "../src/history/series.js";
import type { Scoreboard } from "../src/scoreboard/index.js";
import { Scorer } from "../src/score/snapshot.js";
import type { ScoredSnapshot } from "../src/score/types.js";
import { RAW_FIELDS, type Snapshot } from "../src/snapshot/schema.js";
import { buildSnapshot } from "../src/snapshot/build.js";
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

/** A snapshot scored as the commands score it: under the fixture config with `rubric`. */
function scored(s: Snapshot, rubric: Rubric = RUBRIC_V1, projects: readonly ConfigProject[] = fixtureProjects()): ScoredSnapshot {
  return new Scorer({ rubric, projects: projects.map(({ ratings, ...p }) => ({ ...p, ...ratings })) }).score(s);
}

const history = [snapshot1(), snapshot2(), snapshot3()].map((s) => scored(s));
const s3 = history[2]!;
type Row = Record<string, string>;
/** A long row's value: whichever typed column holds it. */
const valueOf = (row: Row | undefined) => (row ? [row.number, row["time (UTC)"], row.boolean, row.text].find((v) => v !== "") : undefined);

/** The cell a snapshot value must come back as: numbers at full precision, null as empty. */
const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** An instant as the CSV writes it: "YYYY-MM-DD HH:MM:SS", UTC. */
const time = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().slice(0, 19).replace("T", " ") : "");

/** The criteria of the fixture config's rubric (v1), in rubric order. */
const CRITERIA_V1 = ["sponsor", "activity", "ecosystem", "documentation", "graph", "numerics", "ops", "languages", "scalability", "os", "aws", "onnx"];

describe("oss-showdown export (wide)", () => {
  it("writes one row per project of the newest snapshot, every value at full precision with --precision full", async () => {
    const dir = await tmp();
    const r = await run(dir, ["export", "--format", "csv", "--precision", "full"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const header = r.stdout.split("\n")[0]!.split(",");
    expect(header).toEqual([
      "date", "id", "name", "repository", "url", "rank", "tier", "overall", "community", "api", "platform",
      ...CRITERIA_V1.flatMap((c) => [`${c}.value`, `${c}.normalized`]),
      ...RAW_FIELDS.map((f) => (f.endsWith("At") ? `${f} (UTC)` : f)),
      "errors",
      "warnings",
    ]);
    const rows = parse(r.stdout, { columns: true }) as Row[];
    expect(rows.map((row) => row.id)).toEqual([...s3.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => p.id));
    for (const row of rows) {
      const p = s3.projects.find((x) => x.id === row.id)!;
      expect(row.date).toBe("2018-03-22");
      expect(row.name).toBe(p.name);
      expect(row.rank).toBe(String(p.scores.rank));
      expect(row.tier).toBe(cell(p.scores.tier));
      expect(Number(row.overall)).toBe(p.scores.overall); // round-trips exactly
      for (const c of ["community", "api", "platform"]) expect(row[c]).toBe(cell(p.scores.categories[c]));
      for (const c of CRITERIA_V1) {
        const score = p.scores.criteria[c as keyof typeof p.scores.criteria];
        expect(row[`${c}.value`]).toBe(cell(score?.value));
        expect(row[`${c}.normalized`]).toBe(cell(score?.normalized));
      }
      expect(row.repository).toBe(p.sources.repository);
      expect(row.url).toBe(`https://github.com/${p.sources.repository}`);
      for (const f of RAW_FIELDS) expect(f.endsWith("At") ? row[`${f} (UTC)`] : row[f]).toBe(f.endsWith("At") ? time(p.raw[f] as string | null) : cell(p.raw[f]));
      expect(row.warnings).toBe(p.warnings.map((w) => `${w.field}: ${w.message}`).join("; "));
    }
    const cntk = rows.find((row) => row.id === "cntk")!;
    expect(cntk.stackOverflowQuestions).toBe("");
    expect(cntk["ecosystem.value"]).toBe("");
    expect(cntk.errors).toBe("stackOverflowQuestions: Stack Exchange API unavailable after 3 retries (HTTP 503)");
    expect(rows.find((row) => row.id === "mxnet")!.numericsMergedPullRequests).toBe("3");
    expect(rows.find((row) => row.id === "pytorch")!.archived).toBe("false");
    // Full precision: some value really has many decimals.
    expect(rows.some((row) => row.overall!.length > 12)).toBe(true);
  });

  it("takes a snapshot by date or path, and rounds to 4 decimals unless --precision says otherwise", async () => {
    const dir = await tmp();
    const byDate = await run(dir, ["export", "2018-03-01"]);
    const byPath = await run(dir, ["export", path.join("snapshots", COHORT, "2018-03-01.json")]);
    expect(byDate.stdout).toBe(byPath.stdout);
    const rows = parse(byDate.stdout, { columns: true }) as Row[];
    expect(rows.map((row) => row.date)).toEqual(Array(5).fill("2018-03-01"));
    expect(rows.find((row) => row.id === "theano")!["aws.value"]).toBe("0");
    for (const row of rows) {
      const p = history[0]!.projects.find((x) => x.id === row.id)!;
      expect(row.overall).toBe(String(Number(p.scores.overall!.toFixed(4))));
    }

    const rounded = parse((await run(dir, ["export", "2018-03-01", "--precision", "3"])).stdout, { columns: true }) as Row[];
    for (const row of rounded) {
      const p = history[0]!.projects.find((x) => x.id === row.id)!;
      expect(row.overall).toBe(String(Number(p.scores.overall!.toFixed(3))));
      expect(row.stars).toBe(String(p.raw.stars)); // integers stay integers
    }
    const bad = await run(dir, ["export", "--precision", "two"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`oss-showdown: --precision must be a whole number from 0 to 15 or "full", got "two"; see 'oss-showdown export --help'\n`);
  });

  it("adds a BOM with --bom and uses another delimiter with --delimiter, decimals unchanged", async () => {
    const dir = await tmp();
    const plain = await run(dir, ["export", "--precision", "full"]);
    expect(plain.stdout.startsWith("date,id,")).toBe(true);
    const bom = await run(dir, ["export", "--bom", "--precision", "full"]);
    expect(bom.stdout.startsWith("\ufeffdate,id,")).toBe(true);
    expect(bom.stdout.slice(1)).toBe(plain.stdout);
    expect(parse(bom.stdout, { columns: true, bom: true })).toEqual(parse(plain.stdout, { columns: true }));

    const semi = await run(dir, ["export", "--delimiter", ";", "--precision", "full"]);
    expect(semi.stdout.split("\n")[0]).toMatch(/^date;id;name;repository;url;rank;tier;overall;/);
    const pytorch = s3.projects.find((p) => p.id === "pytorch")!.scores.overall!;
    expect(String(pytorch)).toMatch(/^0\.\d{10,}$/);
    expect(semi.stdout).toContain(`;${pytorch};`); // '.' decimals whatever the delimiter
    expect(parse(semi.stdout, { columns: true, delimiter: ";" })).toEqual(parse(plain.stdout, { columns: true }));
    const tab = await run(dir, ["export", "--delimiter", "tab", "--precision", "full"]);
    expect(parse(tab.stdout, { columns: true, delimiter: "\t" })).toEqual(parse(plain.stdout, { columns: true }));
    const bad = await run(dir, ["export", "--delimiter", ";;"]);
    expect(bad.code).toBe(1);
  });

  it("is spreadsheet-ready: UTC times, 4 decimals, --decimal , with ;, the missing tag's warning beside the errors", async () => {
    const dir = await tmp();
    const r = await run(dir, ["export"]);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Row[];
    const chainer = rows.find((row) => row.id === "chainer")!;
    const p = s3.projects.find((x) => x.id === "chainer")!;
    // A tag that does not exist counts 0 in the sum, and the export says so beside the errors.
    expect(chainer.stackOverflowQuestions).toBe(String(p.raw.stackOverflowQuestions));
    expect(chainer.warnings).toBe("stackOverflowQuestions: Stack Overflow tag chainer-v4 does not exist (counted 0)");
    expect(chainer["lastCommitAt (UTC)"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(chainer["lastCommitAt (UTC)"]).toBe(time(p.raw.lastCommitAt));
    expect(chainer.date).toBe("2018-03-22");
    // Every score has at most 4 decimals; some really were longer.
    const scores = rows.flatMap((row) => ["overall", "community", "activity.normalized"].map((c) => row[c]!)).filter(Boolean);
    expect(scores.every((v) => /^\d+(\.\d{1,4})?$/.test(v))).toBe(true);
    expect(s3.projects.some((x) => String(x.scores.overall).length > 8)).toBe(true);

    // Comma decimals for ;-separated files, in both formats; the same numbers.
    const comma = await run(dir, ["export", "--delimiter", ";", "--decimal", ","]);
    expect(comma.code).toBe(0);
    const commaRows = parse(comma.stdout, { columns: true, delimiter: ";" }) as Row[];
    expect(commaRows.map((row) => row.overall!.replace(",", "."))).toEqual(rows.map((row) => row.overall));
    expect(commaRows.some((row) => row.overall!.includes(","))).toBe(true);
    const long = await run(dir, ["export", "--long", "--delimiter", ";", "--decimal", ","]);
    const longRows = parse(long.stdout, { columns: true, delimiter: ";" }) as Row[];
    expect(longRows.find((row) => row.date === "2018-03-22" && row.project === "chainer" && row.metric === "overall")!.number).toBe(chainer.overall!.replace(".", ","));

    // A decimal mark that is also the delimiter would split every number: one line, exit 1, nothing written.
    const clash = await run(dir, ["export", "--decimal", ",", "--out", "clash.csv"]);
    expect(clash.code).toBe(1);
    expect(clash.stdout).toBe("");
    expect(clash.stderr).toBe(`oss-showdown: --decimal "," is also the delimiter: pass --delimiter ";" (or tab) with it; see 'oss-showdown export --help'\n`);
    await expect(stat(path.join(dir, "clash.csv"))).rejects.toThrow();
    expect((await run(dir, ["export", "--decimal", "·"])).stderr).toMatch(/^oss-showdown: --decimal must be "\." or ",", got "·"/);
  });

  it("neutralizes formula injection in text cells, never in numbers", async () => {
    const hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2-3", "@SUM(A1)", "\tTAB", "\rCR", "Normal, with comma"];
    const base = snapshot1();
    const snapshot = buildSnapshot({
      ...base,
      projects: base.projects.map((p, i) => ({
        ...p,
        name: hostile[i]!,
        errors: i === 0 ? [{ field: "forks", message: "ignored" }] : p.errors,
      })).concat(
        base.projects.slice(0, 2).map((p, i) => ({ ...p, id: `${p.id}-${i}`, name: hostile[5 + i]!, sources: { ...p.sources, repository: `x/${p.id}-${i}` } })),
      ),
    });
    // The two extra projects are in the config too (a project it does not list is not exported).
    const config = fixtureProjects();
    const extra = base.projects.slice(0, 2).map((p, i) => ({ ...config.find((c) => c.id === p.id)!, id: `${p.id}-${i}`, repository: `x/${p.id}-${i}` }));
    const dir = await tmp([snapshot]);
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V1, [...config, ...extra]);
    const r = await run(dir, ["export"]);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Row[];
    const names = rows.map((row) => row.name).sort();
    const expected = hostile.map((h) => (/^[=+\-@\t\r]/.test(h) ? `'${h}` : h)).sort();
    expect(names).toEqual(expected);
    expect(names).toContain("'=HYPERLINK(\"http://evil\",\"x\")");
    expect(names).toContain("'-2-3");
    expect(names).toContain("'\tTAB");
    expect(names).toContain("'\rCR");
    expect(names).toContain("Normal, with comma");
    expect(rows.find((row) => row.name === "'=HYPERLINK(\"http://evil\",\"x\")")!.errors).toBe("forks: ignored");

    // Numbers are not text: a negative number is written as is (history's changes are negative).
    const enc = new CsvEncoder({ delimiter: ",", bom: false });
    expect(enc.encode([[-1.5, "-1.5", -0, 2e-7, true, null, "=1"]])).toBe("-1.5,'-1.5,0,2e-7,true,,'=1\n");
    const hist = await run(await tmp(), ["history", "--metric", "rank", "--format", "csv"]);
    expect(hist.stdout).toContain(",-1,");
    expect(hist.stdout).not.toContain("'-1");
  });

  it("writes --out atomically, nothing on stdout", async () => {
    const dir = await tmp();
    const plain = await run(dir, ["export"]);
    const r = await run(dir, ["export", "--out", "out/ranking.csv"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("oss-showdown: wrote out/ranking.csv (5 rows and a header)\n");
    expect(await readFile(path.join(dir, "out", "ranking.csv"), "utf8")).toBe(plain.stdout);
    expect((await readdir(path.join(dir, "out"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects an unknown format and a SNAPSHOT with --long", async () => {
    const dir = await tmp();
    const xlsx = await run(dir, ["export", "--format", "xlsx"]);
    expect(xlsx.code).toBe(1);
    expect(xlsx.stderr).toBe(`oss-showdown: unknown --format "xlsx" (export writes csv); see 'oss-showdown export --help'\n`);
    const long = await run(dir, ["export", "2018-03-01", "--long"]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("--long exports every snapshot of the cohort; it takes no SNAPSHOT");
  });
});

describe("oss-showdown export --long", () => {
  it("writes one row per (date, project, metric) over the whole history, each value in its type's column", async () => {
    const dir = await tmp();
    const r = await run(dir, ["export", "--long", "--precision", "full"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("date,project,metric,number,time (UTC),boolean,text");
    const rows = parse(r.stdout, { columns: true }) as Row[];
    // One column holds the value, the others are empty; which one is the metric's type.
    const TYPED = ["number", "time (UTC)", "boolean", "text"];
    for (const row of rows) expect(TYPED.filter((c) => row[c] !== ""), JSON.stringify(row)).toHaveLength(1);
    const column = (metric: string) => new Set(rows.filter((row) => row.metric === metric).map((row) => TYPED.find((c) => row[c] !== "")));
    expect(column("lastCommitAt")).toEqual(new Set(["time (UTC)"]));
    expect(column("archived")).toEqual(new Set(["boolean"]));
    expect(column("overall")).toEqual(new Set(["number"]));
    expect(column("stars")).toEqual(new Set(["number"]));
    for (const m of ["repository", "errors"]) expect(column(m)).toEqual(new Set(["text"]));
    // Every value of every project of every snapshot, and nothing else.
    let expected = 0;
    for (const s of history) {
      const date = s.asOf.slice(0, 10);
      for (const p of s.projects) {
        const mine = rows.filter((row) => row.date === date && row.project === p.id);
        const get = (metric: string) => valueOf(mine.find((row) => row.metric === metric));
        expect(get("repository")).toBe(p.sources.repository);
        expect(Number(get("overall"))).toBe(p.scores.overall);
        expect(get("rank")).toBe(String(p.scores.rank));
        for (const [c, v] of Object.entries(p.scores.categories)) expect(get(c)).toBe(cell(v));
        for (const [c, v] of Object.entries(p.scores.criteria)) {
          expect(get(`${c}.value`)).toBe(String(v.value));
          expect(get(`${c}.normalized`)).toBe(String(v.normalized));
        }
        for (const f of RAW_FIELDS) expect(get(f)).toBe(p.raw[f] === null || p.raw[f] === undefined ? undefined : f.endsWith("At") ? time(p.raw[f] as string) : String(p.raw[f]));
        expect(get("errors")).toBe(p.errors.length ? p.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : undefined);
        expect(get("warnings")).toBe(p.warnings.length ? p.warnings.map((e) => `${e.field}: ${e.message}`).join("; ") : undefined);
        const rubricCriteria = s.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id)).filter((c) => p.scores.criteria[c] !== undefined);
        const count = 3 + (p.warnings.length ? 1 : 0) + (p.scores.tier === null ? 0 : 1) + Object.values(p.scores.categories).filter((v) => v !== null).length + 2 * rubricCriteria.length + RAW_FIELDS.filter((f) => p.raw[f] !== null && p.raw[f] !== undefined).length + (p.errors.length ? 1 : 0);
        expect(mine).toHaveLength(count);
        expected += count;
      }
    }
    expect(rows).toHaveLength(expected);
    // Joined and left: chainer only on the last date, theano never on it.
    expect([...new Set(rows.filter((row) => row.project === "chainer").map((row) => row.date))]).toEqual(["2018-03-22"]);
    expect([...new Set(rows.filter((row) => row.project === "theano").map((row) => row.date))]).toEqual(["2018-03-01", "2018-03-08"]);
    // The null figure is absent, its error present.
    expect(rows.find((row) => row.date === "2018-03-22" && row.project === "cntk" && row.metric === "stackOverflowQuestions")).toBeUndefined();
  });

  it("streams big histories in chunks and writes --out atomically", async () => {
    const dir = await tmp();
    const chunks: (string | Uint8Array)[] = [];
    const { main } = await import("../src/cli.js");
    const code = await main(["export", "--long"], { stdout: (t) => chunks.push(t), stderr: () => {}, env: {}, cwd: dir, signal: new AbortController().signal, isTTY: false });
    expect(code).toBe(0);
    expect(chunks.length).toBeGreaterThanOrEqual(history.length + 1); // the header, then at least one chunk per snapshot
    const r = await run(dir, ["export", "--long", "--out", "long.csv", "--bom"]);
    expect(r.code).toBe(0);
    expect(await readFile(path.join(dir, "long.csv"), "utf8")).toBe("\ufeff" + chunks.join(""));
  });

  it("fails on a damaged snapshot without leaving a file, or skips it with --skip-invalid", async () => {
    const dir = await tmp();
    const last = path.join(dir, "snapshots", COHORT, "2018-03-22.json");
    await writeFile(last, "{\"schemaVersion\": 1, \"cohort\": ");
    const r = await run(dir, ["export", "--long", "--out", "long.csv"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^oss-showdown: snapshots/${COHORT}/2018-03-22\\.json: invalid JSON \\(truncated or damaged\\?\\)`));
    await expect(stat(path.join(dir, "long.csv"))).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const skipped = await run(dir, ["export", "--long", "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^oss-showdown: skipped snapshots/${COHORT}/2018-03-22\\.json: invalid JSON`));
    const rows = parse(skipped.stdout, { columns: true }) as Row[];
    expect([...new Set(rows.map((row) => row.date))]).toEqual(["2018-03-01", "2018-03-08"]);
  });
});

describe("editing config/", () => {
  /** sha256 of every file under `root`, by path relative to it. */
  async function hashes(root: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      out.set(path.relative(root, file), createHash("sha256").update(await readFile(file)).digest("hex"));
    }
    return out;
  }
  /** What the views show now: export --long, history, diff and score, each as it writes it. */
  async function views(dir: string) {
    const out = async (argv: string[]) => {
      const r = await run(dir, argv);
      expect(r.stderr, argv.join(" ")).toBe("");
      expect(r.code, argv.join(" ")).toBe(0);
      return r.stdout;
    };
    const long = await out(["export", "--long", "--precision", "full"]);
    const history = await out(["history", "--format", "json"]);
    const diff = await out(["diff", "--format", "json"]);
    const score = await out(["score", "--format", "json"]);
    return {
      text: { long, history, diff, score },
      long: parse(long, { columns: true }) as Row[],
      history: JSON.parse(history) as Series,
      diff: JSON.parse(diff) as SnapshotDiff,
      score: JSON.parse(score) as Scoreboard,
    };
  }
  const facts = (d: SnapshotDiff) => Object.fromEntries(d.projects.map((p) => [p.id, { figures: p.figures, errors: p.errors }]));
  const isFact = (row: Row) => (RAW_FIELDS as readonly string[]).includes(row.metric!) || ["errors", "warnings", "repository"].includes(row.metric!);

  it("rescores every view, and leaves every byte under snapshots/ as it was", async () => {
    const dir = await tmp();
    const snapshots = path.join(dir, "snapshots");
    const files = await hashes(snapshots);
    expect(files.size).toBe(3);
    const before = await views(dir);
    // Under rubric v1 as written by historyDir: aws is scored for everyone who has a rating.
    expect(before.long.filter((row) => row.metric === "aws.value").length).toBe(5 + 5 + 5);
    expect(before.score.rubric.version).toBe(1);

    // 1. The rubric: activity weighs 2, aws is dropped (a hand edit of config/rubric.json).
    await writeFile(path.join(dir, "config", "rubric.json"), JSON.stringify(RUBRIC_V2, null, 2));
    const v2 = await views(dir);
    expect(await hashes(snapshots)).toEqual(files);
    for (const view of ["long", "history", "diff", "score"] as const) expect(v2.text[view], view).not.toBe(before.text[view]);
    const expected = [snapshot1(), snapshot2(), snapshot3()].map((s) => scored(s, RUBRIC_V2));
    // export --long: no aws rows any more, the overall of every project is v2's, the facts are the same rows.
    expect(v2.long.filter((row) => row.metric!.startsWith("aws."))).toEqual([]);
    for (const s of expected) {
      for (const p of s.projects) {
        const overall = v2.long.find((row) => row.date === s.asOf.slice(0, 10) && row.project === p.id && row.metric === "overall")!;
        expect(overall.number).toBe(String(p.scores.overall));
      }
    }
    expect(v2.long.filter(isFact)).toEqual(before.long.filter(isFact));
    // history: every row is rescored, the old ones too.
    expected.forEach((s, i) => {
      for (const p of s.projects) expect(v2.history.rows[i]!.values[p.id]).toBe(p.scores.overall);
    });
    // diff: scored with v2 on both sides; the figures and errors compared are the same.
    expect(v2.diff.rubric.version).toBe(2);
    expect(facts(v2.diff)).toEqual(facts(before.diff));
    expect(v2.diff.projects.map((p) => p.overall.new)).toEqual(v2.diff.projects.map((p) => expected[2]!.projects.find((q) => q.id === p.id)!.scores.overall));
    // score: the newest snapshot's board under v2.
    expect(v2.score.rubric).toEqual({ name: RUBRIC_V2.name, version: 2 });
    expect(v2.score.projects.map((p) => [p.id, p.overall])).toEqual([...expected[2]!.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => [p.id, p.scores.overall]));
    expect(v2.score.projects.every((p) => !("aws" in p.criteria))).toBe(true);

    // 2. One rating: pytorch's documentation 3 → 1 (a hand edit of config/deep-learning-2018.json).
    const cohortFile = path.join(dir, "config", `${COHORT}.json`);
    const cohort = JSON.parse(await readFile(cohortFile, "utf8")) as { projects: { id: string; documentation: number }[] };
    const pytorch = cohort.projects.find((p) => p.id === "pytorch")!;
    expect(pytorch.documentation).toBe(3);
    pytorch.documentation = 1;
    await writeFile(cohortFile, JSON.stringify(cohort, null, 2));
    const rated = await views(dir);
    expect(await hashes(snapshots)).toEqual(files);
    for (const view of ["long", "history", "diff", "score"] as const) expect(rated.text[view], view).not.toBe(v2.text[view]);
    // documentation is a hand rating over a fixed scale (max 3): pytorch's value is 1 in every snapshot, scored 1/3.
    const docs = rated.long.filter((row) => row.project === "pytorch" && row.metric!.startsWith("documentation."));
    expect(docs.map((row) => [row.date, row.metric, row.number])).toEqual(
      ["2018-03-01", "2018-03-08", "2018-03-22"].flatMap((date) => [[date, "documentation.value", "1"], [date, "documentation.normalized", String(1 / 3)]]),
    );
    // A fixed scale: no other project's scores move, only where pytorch ranks among them.
    const others = (rows: Row[]) => rows.filter((row) => row.project !== "pytorch" && row.metric !== "rank" && row.metric !== "tier");
    expect(others(rated.long)).toEqual(others(v2.long));
    expect(rated.history.rows.map((row) => row.values.tensorflow)).toEqual(v2.history.rows.map((row) => row.values.tensorflow));
    rated.history.rows.forEach((row, i) => expect(row.values.pytorch as number).toBeLessThan(v2.history.rows[i]!.values.pytorch as number));
    const board = rated.score.projects.find((p) => p.id === "pytorch")!;
    expect(board.criteria.documentation).toEqual({ value: 1, normalized: 1 / 3 });
    expect(board.overall!).toBeLessThan(v2.score.projects.find((p) => p.id === "pytorch")!.overall!);
    expect(facts(rated.diff)).toEqual(facts(before.diff));
    expect(rated.diff.projects.find((p) => p.id === "pytorch")!.overall.new).toBe(board.overall);
  });

  it("exports only the projects the config lists, though the snapshot holds more", async () => {
    const dir = await tmp();
    await writeFixtureConfig(path.join(dir, "config"), RUBRIC_V1, fixtureProjects().filter((p) => p.id !== "chainer"));
    const rows = parse((await run(dir, ["export"])).stdout, { columns: true }) as Row[];
    expect(rows.map((row) => row.id).sort()).toEqual(["cntk", "mxnet", "pytorch", "tensorflow"]);
    const long = parse((await run(dir, ["export", "--long"])).stdout, { columns: true }) as Row[];
    expect(long.some((row) => row.project === "chainer")).toBe(false);
    expect(long.some((row) => row.project === "theano")).toBe(true);
  });
});

describe("CsvEncoder", () => {
  it("writes exactly what csv-stringify writes, on its fast path too", () => {
    const rows: Cell[][] = [
      ["date", "project", "metric", "value"],
      ["2018-03-22", "pytorch", "overall", 0.8445146685385215],
      ["2018-03-22", "pytorch", "lastCommitAt", "2018-03-21T23:30:00Z"],
      ["2018-03-22", "pytorch", "lastCommitAt", null, "2018-03-21 23:30:00", null, null],
      ["2018-03-22", "pytorch", "archived", false],
      ["a.b", "x-y", "c:d", 1e21],
      ["-lead", "+lead", "=lead", "@lead"],
      ["with space", 'with "quote"', "line\nbreak", "semi;colon"],
      ["\ttab", "\rcr", "", null],
      [undefined, -0, -12.5, 3],
      ["１２", "＝1", "ok", "a,b"],
    ];
    for (const delimiter of [",", ";", ".", "\t", "a", "-"]) {
      for (const [precision, decimal] of [[undefined, "."], [2, "."], [4, ","]] as const) {
        const fast = new CsvEncoder({ delimiter, bom: true, precision, decimal });
        const slow = new CsvEncoder({ delimiter, bom: true, precision, decimal });
        expect(fast.encode(rows)).toBe(slow.encodeSlowly(rows));
        expect(fast.encode(rows.slice(1))).toBe(slow.encodeSlowly(rows.slice(1))); // the BOM only once
      }
    }
  });
});

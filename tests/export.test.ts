import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { CsvEncoder, type Cell } from "../src/export/csv.js";
import { RAW_FIELDS, type Snapshot } from "../src/snapshot/schema.js";
import { buildSnapshot } from "../src/snapshot/build.js";
import { COHORT, historyDir, run, snapshot1, snapshot2, snapshot3 } from "./helpers/history.js";

const dirs: string[] = [];
async function tmp(snapshots?: Snapshot[]): Promise<string> {
  const dir = await historyDir(snapshots);
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const history = [snapshot1(), snapshot2(), snapshot3()];
const s3 = history[2]!;
type Row = Record<string, string>;

/** The cell a snapshot value must come back as: numbers at full precision, null as empty. */
const cell = (v: unknown) => (v === null || v === undefined ? "" : String(v));

const CRITERIA_V2 = ["sponsor", "activity", "ecosystem", "documentation", "graph", "numerics", "ops", "languages", "scalability", "os", "onnx"];

describe("showdown export (wide)", () => {
  it("writes one row per project of the newest snapshot, every value at full precision", async () => {
    const dir = await tmp();
    const r = await run(dir, ["export", "--format", "csv"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const header = r.stdout.split("\n")[0]!.split(",");
    expect(header).toEqual([
      "date", "id", "name", "rank", "tier", "overall", "community", "api", "platform",
      ...CRITERIA_V2.flatMap((c) => [`${c}.value`, `${c}.normalized`]),
      ...RAW_FIELDS,
      "errors",
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
      for (const c of CRITERIA_V2) {
        const score = p.scores.criteria[c as keyof typeof p.scores.criteria];
        expect(row[`${c}.value`]).toBe(cell(score?.value));
        expect(row[`${c}.normalized`]).toBe(cell(score?.normalized));
      }
      for (const f of RAW_FIELDS) expect(row[f]).toBe(cell(p.raw[f]));
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

  it("takes a snapshot by date or path, and rounds only with --precision", async () => {
    const dir = await tmp();
    const byDate = await run(dir, ["export", "2018-03-01"]);
    const byPath = await run(dir, ["export", path.join("snapshots", COHORT, "2018-03-01.json")]);
    expect(byDate.stdout).toBe(byPath.stdout);
    const rows = parse(byDate.stdout, { columns: true }) as Row[];
    expect(rows.map((row) => row.date)).toEqual(Array(5).fill("2018-03-01"));
    expect(rows.find((row) => row.id === "theano")!["aws.value"]).toBe("0");

    const rounded = parse((await run(dir, ["export", "2018-03-01", "--precision", "3"])).stdout, { columns: true }) as Row[];
    for (const row of rounded) {
      const p = history[0]!.projects.find((x) => x.id === row.id)!;
      expect(row.overall).toBe(String(Number(p.scores.overall!.toFixed(3))));
      expect(row.stars).toBe(String(p.raw.stars)); // integers stay integers
    }
    const bad = await run(dir, ["export", "--precision", "two"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--precision must be a whole number from 0 to 15, got "two"');
  });

  it("adds a BOM with --bom and uses another delimiter with --delimiter, decimals unchanged", async () => {
    const dir = await tmp();
    const plain = await run(dir, ["export"]);
    expect(plain.stdout.startsWith("date,id,")).toBe(true);
    const bom = await run(dir, ["export", "--bom"]);
    expect(bom.stdout.startsWith("\ufeffdate,id,")).toBe(true);
    expect(bom.stdout.slice(1)).toBe(plain.stdout);
    expect(parse(bom.stdout, { columns: true, bom: true })).toEqual(parse(plain.stdout, { columns: true }));

    const semi = await run(dir, ["export", "--delimiter", ";"]);
    expect(semi.stdout.split("\n")[0]).toMatch(/^date;id;name;rank;tier;overall;/);
    expect(semi.stdout).toMatch(/;0\.8445146685385215;/); // '.' decimals whatever the delimiter
    expect(parse(semi.stdout, { columns: true, delimiter: ";" })).toEqual(parse(plain.stdout, { columns: true }));
    const tab = await run(dir, ["export", "--delimiter", "tab"]);
    expect(parse(tab.stdout, { columns: true, delimiter: "\t" })).toEqual(parse(plain.stdout, { columns: true }));
    const bad = await run(dir, ["export", "--delimiter", ";;"]);
    expect(bad.code).toBe(1);
  });

  it("neutralizes formula injection in text cells, never in numbers", async () => {
    const hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2-3", "@SUM(A1)", "\tTAB", "\rCR", "Normal, with comma"];
    const base = snapshot1();
    const snapshot = buildSnapshot({
      ...base,
      projects: base.projects.map(({ scores: _s, ...p }, i) => ({
        ...p,
        name: hostile[i]!,
        errors: i === 0 ? [{ field: "forks", message: "ignored" }] : p.errors,
      })).concat(
        base.projects.slice(0, 2).map(({ scores: _s, ...p }, i) => ({ ...p, id: `${p.id}-${i}`, name: hostile[5 + i]!, sources: { ...p.sources, repository: `x/${p.id}-${i}` } })),
      ),
    });
    const dir = await tmp([snapshot]);
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
    expect(r.stderr).toBe("showdown: wrote out/ranking.csv (5 rows and a header)\n");
    expect(await readFile(path.join(dir, "out", "ranking.csv"), "utf8")).toBe(plain.stdout);
    expect((await readdir(path.join(dir, "out"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects an unknown format and a SNAPSHOT with --long", async () => {
    const dir = await tmp();
    const xlsx = await run(dir, ["export", "--format", "xlsx"]);
    expect(xlsx.code).toBe(1);
    expect(xlsx.stderr).toBe(`showdown: unknown --format "xlsx" (export writes csv); see 'showdown export --help'\n`);
    const long = await run(dir, ["export", "2018-03-01", "--long"]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("--long exports every snapshot of the cohort; it takes no SNAPSHOT");
  });
});

describe("showdown export --long", () => {
  it("writes one row per (date, project, metric, value) over the whole history", async () => {
    const dir = await tmp();
    const r = await run(dir, ["export", "--long"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("date,project,metric,value");
    const rows = parse(r.stdout, { columns: true }) as Row[];
    // Every value of every project of every snapshot, and nothing else.
    let expected = 0;
    for (const s of history) {
      const date = s.asOf.slice(0, 10);
      for (const p of s.projects) {
        const mine = rows.filter((row) => row.date === date && row.project === p.id);
        const get = (metric: string) => mine.find((row) => row.metric === metric)?.value;
        expect(Number(get("overall"))).toBe(p.scores.overall);
        expect(get("rank")).toBe(String(p.scores.rank));
        for (const [c, v] of Object.entries(p.scores.categories)) expect(get(c)).toBe(cell(v));
        for (const [c, v] of Object.entries(p.scores.criteria)) {
          // Criteria the snapshot's rubric does not score are not exported (aws in v2).
          if (!s.rubric.categories.some((cat) => cat.criteria.some((k) => k.id === c))) continue;
          expect(get(`${c}.value`)).toBe(String(v.value));
          expect(get(`${c}.normalized`)).toBe(String(v.normalized));
        }
        for (const f of RAW_FIELDS) expect(get(f)).toBe(p.raw[f] === null || p.raw[f] === undefined ? undefined : String(p.raw[f]));
        expect(get("errors")).toBe(p.errors.length ? p.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : undefined);
        const rubricCriteria = s.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id)).filter((c) => p.scores.criteria[c] !== undefined);
        const count = 2 + (p.scores.tier === null ? 0 : 1) + Object.values(p.scores.categories).filter((v) => v !== null).length + 2 * rubricCriteria.length + RAW_FIELDS.filter((f) => p.raw[f] !== null && p.raw[f] !== undefined).length + (p.errors.length ? 1 : 0);
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
    expect(r.stderr).toMatch(new RegExp(`^showdown: snapshots/${COHORT}/2018-03-22\\.json: invalid JSON \\(truncated or damaged\\?\\)`));
    await expect(stat(path.join(dir, "long.csv"))).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const skipped = await run(dir, ["export", "--long", "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^showdown: skipped snapshots/${COHORT}/2018-03-22\\.json: invalid JSON`));
    const rows = parse(skipped.stdout, { columns: true }) as Row[];
    expect([...new Set(rows.map((row) => row.date))]).toEqual(["2018-03-01", "2018-03-08"]);
  });
});

describe("CsvEncoder", () => {
  it("writes exactly what csv-stringify writes, on its fast path too", () => {
    const rows: Cell[][] = [
      ["date", "project", "metric", "value"],
      ["2018-03-22", "pytorch", "overall", 0.8445146685385215],
      ["2018-03-22", "pytorch", "lastCommitAt", "2018-03-21T23:30:00Z"],
      ["2018-03-22", "pytorch", "archived", false],
      ["a.b", "x-y", "c:d", 1e21],
      ["-lead", "+lead", "=lead", "@lead"],
      ["with space", 'with "quote"', "line\nbreak", "semi;colon"],
      ["\ttab", "\rcr", "", null],
      [undefined, -0, -12.5, 3],
      ["１２", "＝1", "ok", "a,b"],
    ];
    for (const delimiter of [",", ";", ".", "\t", "a", "-"]) {
      for (const precision of [undefined, 2]) {
        const fast = new CsvEncoder({ delimiter, bom: true, precision });
        const slow = new CsvEncoder({ delimiter, bom: true, precision });
        expect(fast.encode(rows)).toBe(slow.encodeSlowly(rows));
        expect(fast.encode(rows.slice(1))).toBe(slow.encodeSlowly(rows.slice(1))); // the BOM only once
      }
    }
  });
});

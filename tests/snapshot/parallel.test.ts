/**
 * The offline commands read long histories on worker threads (src/snapshot/parallel.ts) with faster
 * code paths (longCsv, the fast snapshot check, the Jenks loop): the output must be the same, byte
 * for byte, as reading in one thread with the reference code, damaged files included.
 */
import { cp, mkdtemp, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvEncoder } from "../../src/export/csv.js";
import { longCsv, longRows } from "../../src/export/rows.js";
import { digestOf } from "../../src/snapshot/digest.js";
import { jenksTiers } from "../../src/score/tiers.js";
import { readThreads } from "../../src/snapshot/parallel.js";
import { UsageError } from "../../src/errors.js";
import { runCli, type RunResult } from "../support/cli.js";
import { allFiles } from "../reliability/model.js";
import { COHORT, history, projectDir } from "../report/fixture.js";
import { fixtureHistory } from "../helpers/history.js";

/** Runs the built CLI on two copies of `dir`: in one thread, and with two reader threads. */
async function bothWays(dir: string, args: string[]): Promise<{ one: RunResult; two: RunResult; oneDir: string; twoDir: string }> {
  const copies = await Promise.all([0, 2].map(async (threads) => {
    const copy = await mkdtemp(path.join(os.tmpdir(), `showdown-threads-${threads}-`));
    await cp(dir, copy, { recursive: true });
    return { copy, result: await runCli(args, { cwd: copy, env: { SHOWDOWN_THREADS: String(threads) } }) };
  }));
  return { one: copies[0]!.result, two: copies[1]!.result, oneDir: copies[0]!.copy, twoDir: copies[1]!.copy };
}

/** The files a command wrote, without the digest cache (which tests/snapshot/digest.test.ts checks). */
function outputs(files: Map<string, string>): Map<string, string> {
  return new Map([...files].filter(([file]) => !file.startsWith(`.cache${path.sep}`)));
}

async function expectSame(dir: string, args: string[]): Promise<RunResult> {
  const { one, two, oneDir, twoDir } = await bothWays(dir, args);
  expect(two.code).toBe(one.code);
  expect(two.stdout).toBe(one.stdout);
  expect(two.stderr.replaceAll(twoDir, "DIR")).toBe(one.stderr.replaceAll(oneDir, "DIR"));
  expect(outputs(await allFiles(twoDir))).toEqual(outputs(await allFiles(oneDir)));
  return one;
}

describe("reading on worker threads", () => {
  // 27 daily snapshots with gaps, a rubric change and a project joining part way.
  const snapshots = history({ days: 30, rubricChangeOn: "2026-11-12", joins: { id: "chainer", on: "2026-11-06" } });

  it("gives the same output as one thread: history, export --long, report, score", async () => {
    const dir = await projectDir(snapshots);
    expect((await expectSame(dir, ["history", "--metric", "overall"])).code).toBe(0);
    await expectSame(dir, ["history", "--project", "pytorch", "--metric", "rank", "--format", "csv"]);
    await expectSame(dir, ["history", "--project", "nosuch"]);
    expect((await expectSame(dir, ["export", "--long"])).stdout.split("\n").length).toBeGreaterThan(1000);
    await expectSame(dir, ["export", "--long", "--delimiter", ";", "--precision", "3", "--bom", "--out", "long.csv"]);
    expect((await expectSame(dir, ["report", "--out", "site"])).code).toBe(0);
    await expectSame(dir, ["score", "--check"]);
    await expectSame(dir, ["score"]);
  }, 120_000);

  it("treats a damaged file the same way: stops on it, or skips it with --skip-invalid, leaving no temp file", async () => {
    const dir = await projectDir(snapshots);
    const folder = path.join(dir, "snapshots", COHORT);
    const files = (await readdir(folder)).sort();
    await writeFile(path.join(folder, files[10]!), "{ truncated");
    await writeFile(path.join(folder, files[20]!), JSON.stringify({ schemaVersion: 1, cohort: COHORT }));
    expect((await expectSame(dir, ["history"])).stderr).toMatch(/invalid JSON/);
    expect((await expectSame(dir, ["history", "--skip-invalid"])).stderr.match(/skipped/g)).toHaveLength(2);
    await expectSame(dir, ["export", "--long", "--skip-invalid"]);
    await expectSame(dir, ["export", "--long", "--out", "long.csv"]);
    expect((await expectSame(dir, ["report", "--out", "site"])).stderr.match(/skipping/g)).toHaveLength(2);
    const score = await expectSame(dir, ["score"]);
    expect(score.code).toBe(1);
    expect((await readdir(folder)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 120_000);

  it("takes SHOWDOWN_THREADS, a whole number, and uses this thread for a few files", () => {
    expect(readThreads({}, 3)).toBe(0);
    expect(readThreads({ SHOWDOWN_THREADS: "0" }, 400)).toBe(0);
    expect(() => readThreads({ SHOWDOWN_THREADS: "two" }, 400)).toThrow(UsageError);
  });
});

describe("longCsv", () => {
  it("writes exactly what CsvEncoder writes for longRows, whatever the delimiter and precision", () => {
    const all = [...fixtureHistory(), ...history({ days: 3, names: { pytorch: '=HYPERLINK("x")' } })];
    for (const delimiter of [",", ";", "\t", ".", "-", "e", "0"]) {
      for (const precision of [undefined, 0, 3]) {
        for (const s of all) {
          const reference = new CsvEncoder({ delimiter, bom: false, precision }).encode([...longRows(s)]);
          const fast = longCsv(digestOf(s), { delimiter, precision });
          expect(fast.bytes.toString("utf8")).toBe(reference);
          expect(fast.rows).toBe([...longRows(s)].length);
        }
      }
    }
  });
});

/** jenksTiers as it was before its inner loop was written out (the reference). */
function referenceJenks(values: readonly number[], k = 3): number[] {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const d = distinct.length;
  if (d === 0) return [];
  const tierOf = new Map<number, number>();
  if (d <= k) {
    distinct.forEach((v, i) => tierOf.set(v, d - i));
    return values.map((v) => tierOf.get(v)!);
  }
  const counts = distinct.map((v) => values.filter((x) => x === v).length);
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const w = [0];
  const s1 = [0];
  const s2 = [0];
  for (let i = 0; i < d; i++) {
    const x = distinct[i]! - mean;
    const c = counts[i]!;
    w.push(w[i]! + c);
    s1.push(s1[i]! + c * x);
    s2.push(s2[i]! + c * x * x);
  }
  const ssd = (i: number, j: number): number => {
    const cw = w[j]! - w[i]!;
    const a = s1[j]! - s1[i]!;
    return Math.max(0, s2[j]! - s2[i]! - (a * a) / cw);
  };
  const eps = 1e-12 * Math.max(1, s2[d]!);
  const cost: number[][] = [Array.from({ length: d + 1 }, (_, j) => (j === 0 ? 0 : Infinity))];
  const from: number[][] = [[]];
  for (let m = 1; m <= k; m++) {
    const row = new Array<number>(d + 1).fill(Infinity);
    const back = new Array<number>(d + 1).fill(-1);
    for (let j = m; j <= d; j++) {
      for (let i = m - 1; i < j; i++) {
        const c = cost[m - 1]![i]! + ssd(i, j);
        if (c < row[j]! - eps || Math.abs(c - row[j]!) <= eps) {
          row[j] = c;
          back[j] = i;
        }
      }
    }
    cost.push(row);
    from.push(back);
  }
  let end = d;
  for (let m = k; m >= 1; m--) {
    const start = from[m]![end]!;
    for (let i = start; i < end; i++) tierOf.set(distinct[i]!, k - m + 1);
    end = start;
  }
  return values.map((v) => tierOf.get(v)!);
}

describe("jenksTiers", () => {
  it("classes exactly as the reference loop, ties and repeated values included", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(rnd() * 40);
      const k = 1 + Math.floor(rnd() * 5);
      const values = Array.from({ length: n }, () => (rnd() < 0.4 ? Math.round(rnd() * 4) / 4 : rnd()));
      expect(jenksTiers(values, k)).toEqual(referenceJenks(values, k));
    }
    const large = Array.from({ length: 1000 }, () => rnd());
    expect(jenksTiers(large)).toEqual(referenceJenks(large));
    // Longer cohorts on coarse grids: many equal values and equally good partitions, where the scan's
    // early stop (tiers.ts) must still take what trying every start takes.
    for (let t = 0; t < 200; t++) {
      const grid = [1, 4, 10, 1000, 1e9][t % 5]!;
      const values = Array.from({ length: 5 + ((t * 37) % 400) }, () => Math.round(rnd() ** (1 + (t % 3)) * grid) / grid);
      for (const k of [2, 3, 5]) expect(jenksTiers(values, k)).toEqual(referenceJenks(values, k));
    }
    // Zero of either sign is one value. No overall score is NaN or infinite (they are clamped to
    // [0, 1]), but such input is still classed as the reference classes it.
    const odd = [[0, -0, 0.5, 0.5, 1, 0.25], [-0, 0, 1], [0.1, NaN, 0.3, 0.9, 0.5], [0.2, Infinity, 0.4, 0.6, 0.8], [-Infinity, 0.5, 1, 0.2, 0.7]];
    for (const values of odd) for (const k of [2, 3]) expect(jenksTiers(values, k)).toEqual(referenceJenks(values, k));
  });
});

/**
 * The digest cache (src/snapshot/digest.ts, digest-store.ts, parallel.ts): a digest must hold exactly
 * what the snapshot holds, be used only for the very bytes it was made from, and change nothing but
 * the time taken: every command's output is the same with the cache off, cold, warm, damaged or
 * impossible to write.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { metricValue, snapshotMetrics, type Metric } from "../../src/metrics/metric.js";
import type { Rubric } from "../../src/config/rubric.js";
import { rescore } from "../../src/snapshot/build.js";
import { locate, packSpans } from "../../src/snapshot/splice.js";
import { sameJson } from "../../src/snapshot/check.js";
import {
  byRank,
  columnOf,
  DIGEST_FORMAT,
  decodeDigest,
  digestOf,
  encodeDigest,
  rawAt,
  ratingsJsonOf,
  sameScores,
  valueAt,
  type Digest,
} from "../../src/snapshot/digest.js";
import { sha256 } from "../../src/hash.js";
import { digestDir, loadStamps, pruneDigests, readDigest, readStamped, saveStamps, type Known, type Stamp, type Verdicts } from "../../src/snapshot/digest-store.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { readSnapshot, serializeSnapshot } from "../../src/snapshot/store.js";
import { TOOL } from "../../src/tool.js";
import { fixtureHistory, RUBRIC_V1 } from "../helpers/history.js";
import { allFiles } from "../reliability/model.js";
import { COHORT, history, projectDir, rubric } from "../report/fixture.js";
import { runCli, type RunResult } from "../support/cli.js";

const VERSION = TOOL.version;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------------

/** Hostile and non-ASCII display names, for the JSON head and the CSV. */
const ODD_NAMES = { pytorch: '=HYPERLINK("x")', mxnet: "Ĉaffè «深度» 🚀", caffe: 'tab\there, "quoted"\nand a new line', torch: "" };

/** Snapshots of every shape the fixtures make, plus one without projects. */
function samples(): Snapshot[] {
  const built = [...fixtureHistory(), ...history({ days: 3, missing: [], names: ODD_NAMES, joins: { id: "chainer", on: "2026-11-21" } })];
  return [...built, { ...built[0]!, projects: [] }];
}

/** A digest with its typed arrays as plain arrays, for deep equality by content. */
function plain(d: Digest): unknown {
  return { ...d, tags: [...d.tags], nums: [...d.nums] };
}

/** snapshot3 (rubric v2, no aws) with a criterion and a category its rubric does not name, on one project. */
function withExtras(): Snapshot {
  const s = structuredClone(fixtureHistory()[2]!);
  const p = s.projects[1]!;
  p.scores.criteria.aws = { value: 2, normalized: 2 / 3 };
  p.scores.categories.bonus = 0.25;
  s.projects[3]!.scores.categories.bonus = null;
  return s;
}

const stampOf = async (file: string): Promise<Stamp> => {
  const st = await stat(file, { bigint: true });
  return { size: String(st.size), mtime: String(st.mtimeNs), ctime: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
};

const hashOf = async (file: string) => sha256(await readFile(file));

async function copyOf(dir: string, label: string): Promise<string> {
  const copy = await realpath(await mkdtemp(path.join(os.tmpdir(), `showdown-digest-${label}-`)));
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** A project folder (config + snapshots), by its real path (the CLI's cwd, which stamps.json keys use). */
async function project(snapshots: readonly Snapshot[]): Promise<string> {
  return realpath(await projectDir(snapshots));
}

const snapshotFolder = (dir: string) => path.join(dir, "snapshots", COHORT);
const digestFolder = (dir: string) => path.join(dir, ".cache", "digests", COHORT);

async function snapshotFiles(dir: string): Promise<string[]> {
  return (await readdir(snapshotFolder(dir))).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(snapshotFolder(dir), f));
}

/** The sha256 of each snapshot file's bytes, sorted. */
async function fileHashes(dir: string): Promise<string[]> {
  return Promise.all((await snapshotFiles(dir)).map(hashOf)).then((h) => h.sort());
}

/** The names (without .digest) of the digests kept for the cohort, sorted. */
async function digestNames(dir: string): Promise<string[]> {
  const names = await readdir(digestFolder(dir)).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".digest")).map((n) => n.slice(0, -".digest".length)).sort();
}

/**
 * Dates the cohort's digests an hour back: a whole-folder read keeps the digests written since it
 * began (give or take a second), which another run or score itself may be writing.
 */
async function ageDigests(dir: string): Promise<void> {
  const past = new Date(Date.now() - 3_600_000);
  for (const name of await readdir(digestFolder(dir))) await utimes(path.join(digestFolder(dir), name), past, past);
}

/** Every file of the folder but the cache's. */
async function outputs(dir: string): Promise<Map<string, string>> {
  return new Map([...(await allFiles(dir))].filter(([file]) => !file.startsWith(`.cache${path.sep}`)));
}

/** A run's result with the folder it ran in written as DIR. */
function normalized(result: RunResult, dir: string): RunResult {
  return { ...result, stdout: result.stdout.replaceAll(dir, "DIR"), stderr: result.stderr.replaceAll(dir, "DIR") };
}

const OFF = { SHOWDOWN_DIGESTS: "0" };

/**
 * Runs the command with the cache (env) and with it off, in the same folder; expects the same result.
 * Commands that write no file only (both at once), or report (one after the other: same output folder).
 */
async function expectSameAsOff(dir: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const run = (e: Record<string, string>) => runCli(args, { cwd: dir, env: e });
  const [on, off] = args[0] === "report" ? [await run(env), await run(OFF)] : await Promise.all([run(env), run(OFF)]);
  expect(on).toEqual(off);
  return on;
}

/** The byte offset of `"key": ` in the block of project `id` of a 2-space snapshot file. */
function offsetIn(text: string, id: string, key: string): number {
  const at = text.indexOf(`"id": "${id}"`);
  expect(at).toBeGreaterThan(0);
  const k = text.indexOf(`"${key}": `, at);
  expect(k).toBeGreaterThan(at);
  return k + `"${key}": `.length;
}

/** The file with the number after `"key": ` in project `id` changed in its last digit (same length); returns the new number. */
async function changeDigit(file: string, id: string, key: string): Promise<string> {
  const text = await readFile(file, "utf8");
  const start = offsetIn(text, id, key);
  const number = /^\d+/.exec(text.slice(start))![0];
  const last = Number(number.at(-1));
  const changed = number.slice(0, -1) + String((last + 1) % 10);
  await writeFile(file, text.slice(0, start) + changed + text.slice(start + number.length));
  return changed;
}

/** The first two fixture snapshots written in `folder` of a new temp folder, their hashes, and a cache folder beside them. */
async function twoFiles(label: string, folder: string, names: readonly [string, string]) {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), `showdown-digest-${label}-`)));
  await mkdir(path.join(dir, folder), { recursive: true });
  const [s1, s2] = fixtureHistory();
  const [f1, f2] = names.map((n) => path.join(dir, folder, n)) as [string, string];
  await writeFile(f1, serializeSnapshot(s1!));
  await writeFile(f2, serializeSnapshot(s2!));
  return { dir, s1: s1!, s2: s2!, f1, f2, cache: path.join(dir, "cache"), h1: await hashOf(f1), h2: await hashOf(f2) };
}

afterEach(() => {
  vi.useRealTimers();
});

// ---------------------------------------------------------------------------------------------------
// 1. The digest itself (pure)
// ---------------------------------------------------------------------------------------------------

describe("digest: encoding", () => {
  it("decodes to the digest it encoded, for every fixture snapshot (odd names, no projects, extra columns)", () => {
    for (const [k, s] of [...samples(), withExtras()].entries()) {
      // Every other one with where its parts lie in the text (as score keeps them).
      const spans = k % 2 === 1 ? locate(serializeSnapshot(s), s.projects.length) : undefined;
      const d = { ...digestOf(s, true), spans: spans ? packSpans(spans) : null };
      const source = sha256(serializeSnapshot(s));
      const bytes = encodeDigest(d, source, VERSION);
      const back = decodeDigest(bytes, source, VERSION);
      expect(back).toBeDefined();
      expect(plain(back!)).toStrictEqual(plain(d));
      expect(back!.tags).toBeInstanceOf(Uint8Array);
      expect(back!.nums).toBeInstanceOf(Float64Array);
      // The same bytes again, and the same digest from an unaligned copy of them.
      expect(encodeDigest(back!, source, VERSION).equals(bytes)).toBe(true);
      const unaligned = Buffer.concat([Buffer.from([7, 7, 7]), bytes]).subarray(3);
      expect(plain(decodeDigest(unaligned, source, VERSION)!)).toStrictEqual(plain(d));
      expect(ratingsJsonOf(back!)).toEqual(s.projects.map((p) => JSON.stringify(p.ratings)));
      expect(back!.names).toEqual(s.projects.map((p) => p.name));
    }
  });

  it("keeps parsedAsIs as given", () => {
    const s = fixtureHistory()[0]!;
    for (const asIs of [true, false]) {
      const d = digestOf(s, asIs);
      expect(decodeDigest(encodeDigest(d, "src", VERSION), "src", VERSION)!.parsedAsIs).toBe(asIs);
    }
  });

  it("refuses another source, another tool version, a truncated or extended buffer, a wrong magic or format byte", () => {
    const s = history({ days: 1, missing: [], only: ["pytorch", "caffe"], names: { pytorch: "Py«torch»" } })[0]!;
    // With spans, the digest's last part (these are of another text: decoding does not look at them).
    const d = { ...digestOf(s, true), spans: new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) };
    const source = sha256(serializeSnapshot(s));
    const bytes = encodeDigest(d, source, VERSION);
    expect(plain(decodeDigest(bytes, source, VERSION)!)).toStrictEqual(plain(d));
    expect(decodeDigest(bytes, source, VERSION)).toBeDefined();
    expect(decodeDigest(bytes, sha256("another file"), VERSION)).toBeUndefined();
    expect(decodeDigest(bytes, source, `${VERSION}-next`)).toBeUndefined();
    expect(decodeDigest(bytes, source, "")).toBeUndefined();
    for (let cut = 0; cut < bytes.length; cut++) {
      if (decodeDigest(bytes.subarray(0, cut), source, VERSION) !== undefined) expect.fail(`a digest cut to ${cut} of ${bytes.length} bytes was accepted`);
    }
    expect(decodeDigest(Buffer.concat([bytes, Buffer.alloc(8)]), source, VERSION)).toBeUndefined();
    expect(decodeDigest(Buffer.concat([bytes, Buffer.from([0])]), source, VERSION)).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const wrong = Buffer.from(bytes);
      wrong[i] = wrong[i]! ^ 0x20;
      expect(decodeDigest(wrong, source, VERSION)).toBeUndefined();
    }
    expect(bytes[3]).toBe(DIGEST_FORMAT);
    for (const format of [0, DIGEST_FORMAT + 1, 255]) {
      const other = Buffer.from(bytes);
      other[3] = format;
      expect(decodeDigest(other, source, VERSION)).toBeUndefined();
    }
    // A head length past the end, garbage, nothing.
    const longHead = Buffer.from(bytes);
    longHead.writeUInt32LE(bytes.length, 4);
    expect(decodeDigest(longHead, source, VERSION)).toBeUndefined();
    expect(decodeDigest(Buffer.from("SDG\u0001garbage garbage garbage"), source, VERSION)).toBeUndefined();
    expect(decodeDigest(new Uint8Array(0), source, VERSION)).toBeUndefined();
    // Another snapshot's digest under this one's name.
    const other = history({ days: 1, missing: [], only: ["torch"] })[0]!;
    const otherSource = sha256(serializeSnapshot(other));
    expect(decodeDigest(encodeDigest(digestOf(other), otherSource, VERSION), source, VERSION)).toBeUndefined();
  });
});

describe("digest: values", () => {
  it("puts snapshotMetrics(rubric) first and gives metricValue for every column, project and metric", () => {
    for (const s of [...samples(), withExtras()]) {
      const d = digestOf(s);
      const metrics = snapshotMetrics(s.rubric);
      expect(d.columns.slice(0, metrics.length)).toEqual(metrics);
      expect(d.ids).toEqual(s.projects.map((p) => p.id));
      expect(d.errors).toEqual(s.projects.map((p) => p.errors));
      d.columns.forEach((m, j) => s.projects.forEach((p, i) => expect(valueAt(d, j, i), `${m.name} of ${p.id}`).toStrictEqual(metricValue(p, m))));
      const others: Metric[] = [
        { name: "aws", kind: "criterion", criterion: "aws", part: "normalized" },
        { name: "aws.value", kind: "criterion", criterion: "aws", part: "value" },
        { name: "activity", kind: "criterion", criterion: "activity", part: "normalized" },
        { name: "bonus", kind: "category", category: "bonus" },
        { name: "nosuch", kind: "category", category: "nosuch" },
      ];
      for (const m of [...metrics, ...others]) {
        const j = columnOf(d, m);
        s.projects.forEach((p, i) => expect(valueAt(d, j, i), `${m.name} of ${p.id}`).toStrictEqual(metricValue(p, m)));
      }
    }
  });

  it("gives null for a criterion or category no project has, and the extra ones where a project has them", () => {
    const v2 = fixtureHistory()[2]!;
    expect(v2.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id))).not.toContain("aws");
    const d = digestOf(v2);
    const aws: Metric = { name: "aws", kind: "criterion", criterion: "aws", part: "normalized" };
    expect(columnOf(d, aws)).toBe(-1);
    v2.projects.forEach((_, i) => expect(valueAt(d, -1, i)).toBeNull());

    const x = withExtras();
    const dx = digestOf(x);
    expect(dx.columns.map((c) => c.name).slice(snapshotMetrics(x.rubric).length)).toEqual(["bonus", "aws.value", "aws.normalized"]);
    expect(valueAt(dx, columnOf(dx, aws), 1)).toBeCloseTo(2 / 3, 15);
    expect(valueAt(dx, columnOf(dx, aws), 0)).toBeNull();
    const bonus = columnOf(dx, { name: "bonus", kind: "category", category: "bonus" });
    expect([0, 1, 2, 3].map((i) => valueAt(dx, bonus, i))).toEqual([null, 0.25, null, null]);
    expect(dx.categoryOrder).toEqual([...x.rubric.categories.map((c) => c.id), "bonus"]);
  });

  it("rawAt gives each project's raw figures, optional fields absent where absent", () => {
    for (const s of samples()) {
      const d = digestOf(s);
      s.projects.forEach((p, i) => expect(rawAt(d, i)).toStrictEqual(p.raw));
    }
    // The fixture has both: mxnet with the numerics figures, the others without.
    const s = fixtureHistory()[0]!;
    const d = digestOf(s);
    const mxnet = s.projects.findIndex((p) => p.id === "mxnet");
    expect(rawAt(d, mxnet).numericsMergedPullRequests).toBe(4);
    expect(Object.keys(rawAt(d, mxnet === 0 ? 1 : 0))).not.toContain("numericsLastCommitAt");
    // An explicit null stays null.
    const nulls = fixtureHistory()[2]!;
    const cntk = nulls.projects.findIndex((p) => p.id === "cntk");
    expect(rawAt(digestOf(nulls), cntk)).toHaveProperty("stackOverflowQuestions", null);
  });

  it("byRank lists the projects by rank, equal ranks in snapshot order", () => {
    const reference = (s: Snapshot) => s.projects.map((p, i) => ({ rank: p.scores.rank, i })).sort((a, b) => a.rank - b.rank).map((x) => x.i);
    for (const s of samples()) expect(byRank(digestOf(s))).toEqual(reference(s));
    const tied = structuredClone(history({ days: 1, missing: [] })[0]!);
    tied.projects.forEach((p, i) => (p.scores.rank = [3, 1, 2, 1][i % 4]!));
    const order = byRank(digestOf(tied));
    expect(order).toEqual(reference(tied));
    expect(order.slice(0, 4)).toEqual([1, 3, 5, 7]);
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. scoredInOrder and sameScores
// ---------------------------------------------------------------------------------------------------

describe("digest: scoredInOrder and sameScores", () => {
  it("scoredInOrder holds for snapshots the tool builds and re-scores", () => {
    for (const s of samples()) expect(digestOf(s).scoredInOrder, s.asOf).toBe(true);
    for (const s of fixtureHistory()) expect(digestOf(rescore(s, RUBRIC_V1, [])).scoredInOrder).toBe(true);
  });

  it("scoredInOrder is false for projects not by id, criteria or categories out of order, a category missing or extra, a criterion not in the rubric", () => {
    const base = history({ days: 1, missing: [] })[0]!;
    const variants: Record<string, (s: Snapshot) => void> = {
      "projects reversed": (s) => s.projects.reverse(),
      "two projects swapped": (s) => ([s.projects[4], s.projects[5]] = [s.projects[5]!, s.projects[4]!]),
      "criteria reordered": (s) => {
        const p = s.projects[2]!;
        p.scores.criteria = Object.fromEntries(Object.entries(p.scores.criteria).reverse());
      },
      "two criteria swapped": (s) => {
        const p = s.projects[0]!;
        const [a, b, ...rest] = Object.entries(p.scores.criteria);
        p.scores.criteria = Object.fromEntries([b!, a!, ...rest]);
      },
      "categories reordered": (s) => {
        const p = s.projects[1]!;
        p.scores.categories = Object.fromEntries(Object.entries(p.scores.categories).reverse());
      },
      "category missing": (s) => {
        delete s.projects.at(-1)!.scores.categories.api;
      },
      "category extra": (s) => {
        s.projects[3]!.scores.categories.extra = 0.5;
      },
      "criterion not in the rubric": (s) => {
        s.rubric.categories[2]!.criteria = s.rubric.categories[2]!.criteria.filter((k) => k.id !== "aws");
      },
    };
    expect(digestOf(structuredClone(base)).scoredInOrder).toBe(true);
    for (const [what, change] of Object.entries(variants)) {
      const s = structuredClone(base);
      change(s);
      expect(digestOf(s).scoredInOrder, what).toBe(false);
    }
  });

  it("sameScores is true for each project's own scores and false after any change to them", () => {
    for (const s of samples()) {
      const d = digestOf(s);
      s.projects.forEach((p, i) => expect(sameScores(d, i, p.scores)).toBe(true));
    }
    const s = history({ days: 1, missing: [] })[0]!;
    const d = digestOf(s);
    const i = 3;
    const p = s.projects[i]!;
    const changes: Record<string, (sc: Snapshot["projects"][number]["scores"]) => void> = {
      "overall by an ulp": (sc) => (sc.overall = sc.overall! + Number.EPSILON),
      "overall null": (sc) => (sc.overall = null),
      rank: (sc) => (sc.rank += 1),
      "tier null": (sc) => (sc.tier = null),
      "tier changed": (sc) => (sc.tier = sc.tier! + 1),
      "a criterion's value": (sc) => (sc.criteria.ecosystem!.value += 1e-9),
      "a criterion's normalized score": (sc) => (sc.criteria.sponsor!.normalized = sc.criteria.sponsor!.normalized === 1 ? 0.5 : 1),
      "a criterion removed": (sc) => delete sc.criteria.onnx,
      "a category null": (sc) => (sc.categories.platform = null),
      "a category removed": (sc) => delete sc.categories.api,
      "a category changed": (sc) => (sc.categories.community = sc.categories.community! / 2),
    };
    for (const [what, change] of Object.entries(changes)) {
      const scores = structuredClone(p.scores);
      change(scores);
      expect(scores, what).not.toEqual(p.scores);
      expect(sameScores(d, i, scores), what).toBe(false);
    }
    // The other way round: the digest's project lost a criterion, or has a null category.
    for (const change of [changes["a criterion removed"]!, changes["a category null"]!]) {
      const t = structuredClone(s);
      change(t.projects[i]!.scores);
      expect(sameScores(digestOf(t), i, p.scores)).toBe(false);
    }
  });
});

/**
 * A rubric whose third category has an integer-like id ("2" is a valid slug). JavaScript lists such
 * keys first in an object whatever the insertion order, so the scores scoring writes have "2" first.
 */
function numericCategoryRubric(): Rubric {
  const r = rubric();
  r.categories[2]!.id = "2";
  return r;
}

describe("digest: a rubric with an integer-like category id", () => {
  const r = numericCategoryRubric();
  const snapshots = () => history({ days: 3, missing: [] }).map((s) => rescore(s, r, []));

  /** A project whose config has that rubric and whose snapshots were scored with it. */
  async function numericProject(): Promise<string> {
    const snaps = snapshots();
    const dir = await project(snaps);
    await writeFile(path.join(dir, "config", "rubric.yaml"), JSON.stringify(r, null, 2));
    return dir;
  }

  it("is scored with that key first, and score leaves such snapshots as they are", async () => {
    const s = snapshots()[2]!;
    expect(Object.keys(s.projects[0]!.scores.categories)).toEqual(["2", "community", "api"]);
    expect(sameJson(s, rescore(s, r, []))).toBe(true);
    const dir = await numericProject();
    const scored = await runCli(["score"], { cwd: dir });
    expect(scored.code).toBe(0);
    expect(scored.stderr).toContain("3 snapshot(s), 0 rescored, 3 unchanged");
  }, 60_000);

  // An integer-like id is listed first in an object whatever the order it was added in: "scored in
  // order" means in the order scoring writes, or score --check would call every such file out of date.
  it("scoredInOrder holds for such snapshots built by the tool", () => {
    for (const s of snapshots()) expect(digestOf(s).scoredInOrder).toBe(true);
  });

  it("score --check finds such snapshots up to date", async () => {
    const dir = await numericProject();
    const check = await runCli(["score", "--check"], { cwd: dir });
    expect(check.stderr).toContain("3 snapshot(s), 0 out of date, 3 unchanged");
    expect(check.code).toBe(0);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------
// The store: readDigest, stamps, pruning (in this process)
// ---------------------------------------------------------------------------------------------------

describe("digest store", () => {
  it("digestDir: SHOWDOWN_CACHE_DIR or .cache, then digests; null when SHOWDOWN_DIGESTS=0", () => {
    expect(digestDir({}, "/p")).toBe(path.resolve("/p/.cache/digests"));
    expect(digestDir({ SHOWDOWN_CACHE_DIR: "c" }, "/p")).toBe(path.resolve("/p/c/digests"));
    expect(digestDir({ SHOWDOWN_CACHE_DIR: "/abs" }, "/p")).toBe(path.resolve("/abs/digests"));
    expect(digestDir({ SHOWDOWN_DIGESTS: "0" }, "/p")).toBeNull();
    expect(digestDir({ SHOWDOWN_DIGESTS: "1" }, "/p")).toBe(path.resolve("/p/.cache/digests"));
  });

  it("keeps ratings only for a reader that needs them, and reads the file again when a kept digest has none", async () => {
    const s = fixtureHistory()[0]!;
    const bare = digestOf(s, true, false);
    expect(bare.ratingsText).toBeNull();
    expect(() => ratingsJsonOf(bare)).toThrow(/without ratings/);
    expect(plain(decodeDigest(encodeDigest(bare, "h", VERSION), "h", VERSION)!)).toStrictEqual(plain(bare));
    expect(ratingsJsonOf(digestOf(s)).map((r) => JSON.parse(r) as unknown)).toEqual(s.projects.map((p) => p.ratings));

    const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "showdown-digest-ratings-")));
    const file = path.join(dir, "snapshots", COHORT, "2018-03-01.json");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, serializeSnapshot(s));
    const cache = path.join(dir, "cache");
    const withoutRatings = await readDigest(file, cache, undefined, false);
    expect(withoutRatings.snapshot).toBeDefined();
    expect(withoutRatings.digest.ratingsText).toBeNull();
    // Enough for a reader without ratings: taken from the cache.
    expect((await readDigest(file, cache, undefined, false)).snapshot).toBeUndefined();
    // Not for one with: the file is parsed again and the digest kept with its ratings...
    const withRatings = await readDigest(file, cache, undefined, true);
    expect(withRatings.snapshot).toBeDefined();
    expect(plain(withRatings.digest)).toStrictEqual(plain(digestOf(s, true)));
    // ...which then serves both.
    expect((await readDigest(file, cache, undefined, true)).snapshot).toBeUndefined();
    expect((await readDigest(file, cache, undefined, false)).digest.ratingsText).not.toBeNull();
  });

  it("readDigest reads and saves once, trusts a matching stamp, re-reads on any other stamp or changed bytes", async () => {
    const { s1, s2, f1, f2, cache, h1, h2 } = await twoFiles("store", path.join("snapshots", COHORT), ["2018-03-01.json", "2018-03-08.json"]);

    // Off: read in full, nothing written, nothing remembered.
    const off = await readDigest(f1, null);
    expect(off.source).toBe(h1);
    expect(off.snapshot).toEqual(await readSnapshot(f1));
    expect(off.known).toBeUndefined();
    expect(existsSync(cache)).toBe(false);

    // The clock as seen 1 s, then 3 s, after f1 was last changed.
    const changedAt = Number((await stat(f1, { bigint: true })).ctimeNs / 1_000_000n);
    const at = (ms: number) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(changedAt + ms);
    };

    // Cold: read in full, digest saved under the file's hash. Changed 1 s ago: no stamp remembered.
    at(1000);
    const cold = await readDigest(f1, cache);
    vi.useRealTimers();
    expect(cold.source).toBe(h1);
    expect(cold.snapshot).toBeDefined();
    expect(cold.known).toBeUndefined();
    expect(plain(cold.digest)).toStrictEqual(plain(digestOf(s1!, true)));
    expect(await readdir(path.join(cache, COHORT))).toEqual([`${h1}.digest`]);
    expect(plain(decodeDigest(await readFile(path.join(cache, COHORT, `${h1}.digest`)), h1, VERSION)!)).toStrictEqual(plain(cold.digest));

    // Warm: the bytes are read and hashed, not parsed.
    const warm = await readDigest(f1, cache);
    expect(warm.snapshot).toBeUndefined();
    expect(warm.bytes!.equals(await readFile(f1))).toBe(true);
    expect(plain(warm.digest)).toStrictEqual(plain(cold.digest));

    // Settled (last changed over 2 s before): its stamp is remembered with its hash.
    at(3000);
    const settled = await readDigest(f1, cache);
    vi.useRealTimers();
    expect(settled.known).toEqual({ stamp: await stampOf(f1), source: h1 });

    // A matching stamp is trusted without reading the file: shown with the stamp of f1 and f2's hash.
    await readDigest(f2, cache);
    const trusted = await readDigest(f1, cache, { stamp: await stampOf(f1), source: h2 });
    expect(trusted.bytes).toBeUndefined();
    expect(trusted.source).toBe(h2);
    expect(trusted.digest.head.asOf).toBe(s2!.asOf);
    // ...but only when the digest of that hash is there.
    const missing = await readDigest(f1, cache, { stamp: await stampOf(f1), source: sha256("no such digest") });
    expect(missing.source).toBe(h1);

    // Any field of the stamp differing: the file is read again.
    const real = await stampOf(f1);
    for (const field of ["size", "mtime", "ctime", "ino", "dev"] as const) {
      const stamp = { ...real, [field]: String(BigInt(real[field]) + 1n) };
      const read = await readDigest(f1, cache, { stamp, source: h2 });
      expect(read.source, field).toBe(h1);
      expect(read.bytes, field).toBeDefined();
      expect(read.digest.head.asOf, field).toBe(s1!.asOf);
    }

    // The dangerous case: a stamp and hash remembered, then the file changed in place, same size.
    const known: Known = { stamp: await stampOf(f1), source: h1 };
    await sleep(20);
    const stars = await changeDigit(f1, "pytorch", "stars");
    const after = await stampOf(f1);
    expect(after.size).toBe(known.stamp.size);
    expect(after.ctime).not.toBe(known.stamp.ctime);
    const reread = await readDigest(f1, cache, known);
    expect(reread.source).toBe(await hashOf(f1));
    expect(reread.source).not.toBe(h1);
    expect(reread.snapshot).toBeDefined();
    const pytorch = reread.digest.ids.indexOf("pytorch");
    expect(String(rawAt(reread.digest, pytorch).stars)).toBe(stars);
    expect(String(s1!.projects.find((p) => p.id === "pytorch")!.raw.stars)).not.toBe(stars);
  });

  it("readStamped reads a file and says whether its stamp is still the one that told its content", async () => {
    const { f1, h1 } = await twoFiles("stamped", COHORT, ["a.json", "b.json"]);
    const stamp = await stampOf(f1);
    const same = await readStamped(f1, stamp);
    expect(same.same).toBe(true);
    expect(sha256(same.bytes)).toBe(h1);
    // Changed in place at the same size, after the stamp was taken: read as it is now, and said so.
    await sleep(20);
    await changeDigit(f1, "pytorch", "stars");
    const changed = await readStamped(f1, stamp);
    expect(changed.same).toBe(false);
    expect(changed.bytes.equals(await readFile(f1))).toBe(true);
    expect(changed.bytes.length).toBe(same.bytes.length);
    // Gone: the error readSnapshotBytes gives.
    await rm(f1);
    await expect(readStamped(f1, stamp)).rejects.toThrow(/file not found/);
  });

  it("readDigest never takes a damaged digest, and replaces it", async () => {
    const { s1, f1, f2, cache, h1, h2 } = await twoFiles("damaged", COHORT, ["a.json", "b.json"]);
    await readDigest(f1, cache);
    await readDigest(f2, cache);
    const file1 = path.join(cache, COHORT, `${h1}.digest`);
    const good = await readFile(file1);
    const other = await readFile(path.join(cache, COHORT, `${h2}.digest`));
    for (const bad of [Buffer.from("garbage"), other, good.subarray(0, good.length - 8), Buffer.alloc(0)]) {
      await writeFile(file1, bad);
      const read = await readDigest(f1, cache);
      expect(read.snapshot).toBeDefined(); // parsed again
      expect(plain(read.digest)).toStrictEqual(plain(digestOf(s1!, true)));
      expect((await readFile(file1)).equals(good)).toBe(true);
    }
  });

  it("pruneDigests keeps the given hashes and stamps.json, drops other digests and temp files; stamps round-trip", async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), "showdown-digest-prune-"));
    const anyFile = path.join("/somewhere", COHORT, "2026-01-01.json");
    const folder = path.join(cache, COHORT);
    const stamps = new Map<string, Known>([[anyFile, { stamp: { size: "1", mtime: "2", ctime: "3", ino: "4", dev: "5" }, source: "a" }]]);
    await saveStamps(cache, anyFile, stamps);
    expect(await loadStamps(cache, anyFile)).toEqual(stamps);
    for (const name of ["a.digest", "b.digest", "c.digest", ".a.123.tmp", ".stamps.json.x.tmp", "notes.txt"]) await writeFile(path.join(folder, name), "x");
    const past = new Date(Date.now() - 3_600_000);
    for (const name of await readdir(folder)) await utimes(path.join(folder, name), past, past);
    await writeFile(path.join(folder, "d.digest"), "x"); // written since the read began: kept
    await pruneDigests(cache, anyFile, new Set(["a", "c"]), Date.now() - 60_000);
    expect((await readdir(folder)).sort()).toEqual(["a.digest", "c.digest", "d.digest", "notes.txt", "stamps.json"]);
    await pruneDigests(cache, anyFile, new Set(["a", "c"]));
    expect((await readdir(folder)).sort()).toEqual(["a.digest", "c.digest", "notes.txt", "stamps.json"]);
    await writeFile(path.join(folder, "stamps.json"), "{ damaged");
    expect(await loadStamps(cache, anyFile)).toEqual(new Map());
    // Valid JSON of another shape: the entries that are not stamps are dropped, the others kept.
    const good = [...stamps][0]!;
    await writeFile(path.join(folder, "stamps.json"), JSON.stringify({ x: 5, y: { stamp: null, source: "s" }, z: { source: "s", stamp: { size: "1" } }, [good[0]]: good[1] }));
    expect(await loadStamps(cache, anyFile)).toEqual(new Map([good]));
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. The commands: cache off, cold, warm
// ---------------------------------------------------------------------------------------------------

const COMMANDS = [
  ["history", "--metric", "overall"],
  ["history", "--project", "pytorch", "--metric", "rank", "--format", "csv"],
  ["export", "--long"],
  ["report", "--out", "site"],
  ["score", "--check"],
  ["score"],
];

describe("commands with the digest cache off, cold and warm", () => {
  // 27 daily snapshots with gaps, a rubric change (score rewrites the later ones) and a project joining.
  const snapshots = history({ days: 30, rubricChangeOn: "2026-11-12", joins: { id: "chainer", on: "2026-11-06" } });

  it("gives the same output, exit codes and files; keeps one digest per file; none when off", async () => {
    const original = await project(snapshots);
    const originals = await snapshotFiles(original);
    const b = await copyOf(original, "cold");
    const bMadeAt = Date.now();
    const a = await copyOf(original, "off");

    const runs: Record<"a" | "b" | "c", RunResult[]> = { a: [], b: [], c: [] };
    // a (off) and b (cold) at once.
    const runA = async () => {
      for (const args of COMMANDS) runs.a.push(normalized(await runCli(args, { cwd: a, env: OFF }), a));
    };
    const runB = async () => {
      // b's files settled (last changed over 2 s ago), so that its run remembers their stamps and c uses them.
      await sleep(Math.max(0, bMadeAt + 2200 - Date.now()));
      for (const [k, args] of COMMANDS.entries()) {
        const hashesBefore = await fileHashes(b);
        runs.b.push(normalized(await runCli(args, { cwd: b }), b));
        if (k > 0) continue;
        // After a command that read the whole folder: one digest per file, named by the file's hash.
        expect(await digestNames(b)).toEqual(hashesBefore);
        const files = await snapshotFiles(b);
        for (const file of files) {
          const source = await hashOf(file);
          const d = decodeDigest(await readFile(path.join(digestFolder(b), `${source}.digest`)), source, VERSION);
          expect(d).toBeDefined();
          // history keeps no ratings (only score reads them).
          expect(plain(d!)).toStrictEqual(plain(digestOf(await readSnapshot(file), true, false)));
        }
        // Their stamps remembered, keyed by the files' absolute paths.
        const stamps = JSON.parse(await readFile(path.join(digestFolder(b), "stamps.json"), "utf8")) as Record<string, Known>;
        expect(Object.keys(stamps).sort()).toEqual(files);
        for (const file of files) expect(stamps[file]).toEqual({ stamp: await stampOf(file), source: await hashOf(file) });
      }
    };
    await Promise.all([runA(), runB()]);
    expect(existsSync(path.join(a, ".cache", "digests"))).toBe(false);
    expect(existsSync(path.join(a, ".cache"))).toBe(false);
    expect(runs.a.map((r) => r.code)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(runs.a[5]!.stdout.trim().split("\n").length).toBeGreaterThan(5);
    const afterA = await outputs(a);
    expect(await outputs(b)).toEqual(afterA);

    // c: b's folder again, its snapshots put back as they were (the cache kept): warm.
    for (const file of originals) {
      const mine = path.join(snapshotFolder(b), path.basename(file));
      const text = await readFile(file);
      if (!(await readFile(mine)).equals(text)) await writeFile(mine, text);
    }
    expect(await fileHashes(b)).toEqual(await fileHashes(original));
    for (const args of COMMANDS) runs.c.push(normalized(await runCli(args, { cwd: b }), b));
    expect(await outputs(b)).toEqual(afterA);

    COMMANDS.forEach((args, k) => {
      expect(runs.b[k], `cold: ${args.join(" ")}`).toEqual(runs.a[k]);
      expect(runs.c[k], `warm: ${args.join(" ")}`).toEqual(runs.a[k]);
    });
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------
// 4. Integrity: damaged digests, files changed under a remembered stamp, files made invalid
// ---------------------------------------------------------------------------------------------------

describe("a digest is never used for other bytes", () => {
  // 8 daily snapshots (enough for reader threads), one rubric.
  const snapshots = history({ days: 8, missing: [] });
  const STARS = ["history", "--project", "pytorch", "--metric", "stars", "--format", "csv"];
  const READERS = [STARS, ["export", "--long"], ["score", "--check"]];

  it("ignores and rebuilds a damaged digest or another file's", async () => {
    const dir = await project(snapshots);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    const files = await snapshotFiles(dir);
    const hashes = await Promise.all(files.map(hashOf));
    expect(await digestNames(dir)).toEqual([...hashes].sort());
    const digestFile = (k: number) => path.join(digestFolder(dir), `${hashes[k]}.digest`);
    const good = await Promise.all([1, 4, 7].map((k) => readFile(digestFile(k))));
    await writeFile(digestFile(1), "garbage, not a digest");
    await writeFile(digestFile(4), await readFile(digestFile(5))); // another file's digest
    await writeFile(digestFile(7), good[2]!.subarray(0, good[2]!.length >> 1)); // truncated
    for (const args of READERS) await expectSameAsOff(dir, args);
    // Rebuilt: as they were for the readers without ratings (history, export), and with the ratings
    // score --check needs once it had read them.
    for (const [i, k] of [1, 4, 7].entries()) {
      const rebuilt = decodeDigest(await readFile(digestFile(k)), hashes[k]!, VERSION);
      expect(rebuilt, `digest of ${files[k]}`).toBeDefined();
      expect(plain(rebuilt!), `digest of ${files[k]}`).toStrictEqual(plain(digestOf(await readSnapshot(files[k]!), true)));
      expect(plain({ ...rebuilt!, ratingsText: null }), `digest of ${files[k]}`).toStrictEqual(plain(decodeDigest(good[i]!, hashes[k]!, VERSION)!));
    }
  }, 60_000);

  it("reads a file changed in place (same size) although a stamp and its old hash are remembered", async () => {
    const dir = await project(snapshots);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    const files = await snapshotFiles(dir);
    const [f, g] = [files[3]!, files[6]!];
    const stampsFile = path.join(digestFolder(dir), "stamps.json");
    const remember = async (entries: Record<string, Known>) => writeFile(stampsFile, JSON.stringify(entries));
    const off = await runCli(STARS, { cwd: dir, env: OFF });
    expect(off.code).toBe(0);

    // Control: with f's true stamp and g's hash remembered, f is not read and g's digest stands for it,
    // which shows that the stamps written here are those the command looks up.
    await remember({ [f]: { stamp: await stampOf(f), source: await hashOf(g) } });
    expect((await runCli(STARS, { cwd: dir })).stdout).not.toBe(off.stdout);

    // f's true stamp and hash, then f changed in place: the same size, a new change time.
    const known: Known = { stamp: await stampOf(f), source: await hashOf(f) };
    await remember({ [f]: known });
    await sleep(20);
    const stars = await changeDigit(f, "pytorch", "stars");
    const now = await stampOf(f);
    expect(now.size).toBe(known.stamp.size);
    expect(now.ino).toBe(known.stamp.ino);
    expect(now.ctime).not.toBe(known.stamp.ctime);
    const date = path.basename(f, ".json");
    const changed = await expectSameAsOff(dir, STARS);
    expect(changed.stdout).not.toBe(off.stdout);
    expect(changed.stdout).toMatch(new RegExp(`^${date},1,${stars},`, "m"));
    await expectSameAsOff(dir, ["export", "--long"]);
    expect(await digestNames(dir)).toContain(await hashOf(f));
  }, 60_000);

  it("reports a file made invalid after it had a digest, as with the cache off", async () => {
    const dir = await project(snapshots);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    const files = await snapshotFiles(dir);
    const [f, g] = [files[2]!, files[6]!];
    const hf = await hashOf(f);
    // Both remembered with their true stamps: the changes below must still be seen.
    await writeFile(
      path.join(digestFolder(dir), "stamps.json"),
      JSON.stringify({ [f]: { stamp: await stampOf(f), source: hf }, [g]: { stamp: await stampOf(g), source: await hashOf(g) } }),
    );
    await sleep(20);
    // f: a rank of 0 (same size, valid JSON, invalid snapshot).
    const text = await readFile(f, "utf8");
    const at = offsetIn(text, "pytorch", "rank");
    expect(text[at + 1]).toBe(","); // a one-digit rank
    await writeFile(f, `${text.slice(0, at)}0${text.slice(at + 1)}`);
    expect((await stampOf(f)).size).toBe(String(Buffer.byteLength(text)));
    const rank = await expectSameAsOff(dir, ["history"]);
    expect(rank.code).toBe(1);
    expect(rank.stderr).toContain(path.join("snapshots", COHORT, path.basename(f)));
    expect(rank.stderr).toMatch(/rank/);
    expect((await expectSameAsOff(dir, ["score", "--check"])).code).toBe(1);
    expect((await expectSameAsOff(dir, ["report", "--out", "site"])).stderr).toMatch(/skipping/);

    // g: cut short (invalid JSON).
    await writeFile(f, text);
    const gText = await readFile(g, "utf8");
    await writeFile(g, gText.slice(0, gText.length >> 1));
    const cut = await expectSameAsOff(dir, ["history"]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/invalid JSON/);
    // No run read every file: nothing was pruned, f's digest (of its bytes as they are again) is kept.
    expect(await digestNames(dir)).toContain(hf);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------
// 5. Pruning
// ---------------------------------------------------------------------------------------------------

describe("pruning the cache", () => {
  // The rubric changes on the 6th of 10 days; the config has the older one, so score rewrites 5 files.
  const snapshots = history({ days: 10, missing: [], rubricChangeOn: "2026-11-17" });

  it("keeps one digest per current file after score rewrote some, and drops a deleted file's stamp", async () => {
    const dir = await project(snapshots);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    const before = await fileHashes(dir);
    expect(await digestNames(dir)).toEqual(before);
    const scored = await runCli(["score"], { cwd: dir });
    expect(scored.code).toBe(0);
    expect(scored.stdout.trim().split("\n")).toHaveLength(5);
    const after = await fileHashes(dir);
    expect(after.filter((h) => !before.includes(h))).toHaveLength(5);

    await ageDigests(dir);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    expect(await digestNames(dir)).toEqual(after);

    // Stamps of every file remembered; one file deleted; the next whole-folder read forgets it.
    const files = await snapshotFiles(dir);
    const entries = Object.fromEntries(await Promise.all(files.map(async (f) => [f, { stamp: await stampOf(f), source: await hashOf(f) }] as const)));
    await writeFile(path.join(digestFolder(dir), "stamps.json"), JSON.stringify(entries));
    const gone = files[4]!;
    const goneHash = await hashOf(gone);
    await rm(gone);
    await ageDigests(dir);
    const off = await runCli(["history"], { cwd: dir, env: OFF });
    expect(await runCli(["history"], { cwd: dir })).toEqual(off);
    const stamps = JSON.parse(await readFile(path.join(digestFolder(dir), "stamps.json"), "utf8")) as Record<string, Known>;
    expect(Object.keys(stamps).sort()).toEqual(files.filter((f) => f !== gone));
    expect(await digestNames(dir)).toEqual(after.filter((h) => h !== goneHash));
  }, 60_000);

  it("does not prune after a read that skipped a damaged file, and does once every file was read", async () => {
    const dir = await project(snapshots);
    expect((await runCli(["history"], { cwd: dir })).code).toBe(0);
    const all = await digestNames(dir);
    // A stale digest (of bytes no file has) survives a read that could not tell what every file holds.
    const stale = sha256("bytes no file has");
    await writeFile(path.join(digestFolder(dir), `${stale}.digest`), "x");
    await ageDigests(dir);
    const file = (await snapshotFiles(dir))[5]!;
    const text = await readFile(file);
    await writeFile(file, "{ damaged");
    expect((await expectSameAsOff(dir, ["history", "--skip-invalid"])).stderr).toMatch(/skipped/);
    expect(await digestNames(dir)).toEqual([...all, stale].sort());
    await writeFile(file, text);
    expect((await runCli(["report", "--out", "site"], { cwd: dir })).code).toBe(0);
    expect(await digestNames(dir)).toEqual(all);
  }, 60_000);

  it("keeps the digests score saved for the files it rewrote, each that of the file's new bytes", async () => {
    const dir = await project(snapshots);
    const scored = await runCli(["score"], { cwd: dir });
    expect(scored.code).toBe(0);
    const rewritten = new Set(scored.stdout.trim().split("\n"));
    expect(rewritten.size).toBe(5);
    expect(await digestNames(dir)).toEqual(expect.arrayContaining(await fileHashes(dir)));
    for (const file of await snapshotFiles(dir)) {
      const source = await hashOf(file);
      const d = decodeDigest(await readFile(path.join(digestFolder(dir), `${source}.digest`)), source, VERSION);
      expect(d, file).toBeDefined();
      const snapshot = await readSnapshot(file);
      // canonical, for the files score wrote: their bytes are serializeSnapshot's, which lets the
      // next rewrite edit them in place, where their parts lie (spans: the texts are ASCII). The
      // others' digests were made by reading them.
      const wrote = rewritten.has(path.relative(dir, file));
      const spans = wrote ? packSpans(locate(serializeSnapshot(snapshot), snapshot.projects.length)!) : null;
      expect(plain(d!), file).toStrictEqual(plain({ ...digestOf(snapshot, true), canonical: wrote, spans }));
      if (wrote) expect(await readFile(file, "utf8"), file).toBe(serializeSnapshot(snapshot));
    }
    // And the commands that read them say what they say without them.
    await expectSameAsOff(dir, ["export", "--long"]);
    await expectSameAsOff(dir, ["score", "--check"]);
  }, 60_000);
});

describe("score edits the text of a file known to be canonical (splice.ts)", () => {
  // As above: the config has the older rubric, so score rewrites the last 5 of 10 files.
  const snapshots = history({ days: 10, missing: [], rubricChangeOn: "2026-11-17", names: ODD_NAMES });

  /** Each snapshot file's bytes, by name. */
  const contents = async (dir: string) => new Map(await Promise.all((await snapshotFiles(dir)).map(async (f) => [path.basename(f), await readFile(f)] as const)));
  const putBack = async (dir: string, files: Map<string, Buffer>) => {
    for (const [name, bytes] of files) await writeFile(path.join(snapshotFolder(dir), name), bytes);
  };
  const digestOfBytes = async (dir: string, bytes: Buffer) => {
    const source = sha256(bytes);
    return decodeDigest(await readFile(path.join(digestFolder(dir), `${source}.digest`)), source, VERSION);
  };

  /** The last file (out of date) with a figure written as 1000.0e0 rather than 1000: the same JSON data, not canonical. */
  const oddlyWritten = async (dir: string) => {
    const last = (await snapshotFiles(dir)).at(-1)!;
    const text = await readFile(last, "utf8");
    const at = offsetIn(text, "caffe", "stars");
    const number = /^\d+/.exec(text.slice(at))![0];
    await writeFile(last, text.slice(0, at) + `${number}.0e0` + text.slice(at + number.length));
    return { last, number };
  };

  it("proves the old files canonical while rewriting them, then rewrites the same bytes in place to the same files", async () => {
    const dir = await project(snapshots);
    const old = await contents(dir);
    const off = await runCli(["score"], { cwd: dir, env: OFF });
    expect(off.stdout.trim().split("\n")).toHaveLength(5);
    const rescored = await contents(dir);
    await putBack(dir, old);
    // Cold: every file parsed; the five rewritten ones proven canonical on the way.
    expect(normalized(await runCli(["score"], { cwd: dir }), dir)).toEqual(normalized(off, dir));
    expect(await contents(dir)).toEqual(rescored);
    const proven = await Promise.all([...old.values()].map((b) => digestOfBytes(dir, b)));
    expect(proven.map((d) => d?.canonical)).toEqual([false, false, false, false, false, true, true, true, true, true]);
    // The digests of the new files say so too (score wrote them).
    const written = [...(await contents(dir))].filter(([name, bytes]) => !bytes.equals(old.get(name)!));
    expect(written).toHaveLength(5);
    for (const [, bytes] of written) expect((await digestOfBytes(dir, bytes))?.canonical).toBe(true);
    // Warm, the same old bytes again (as after a checkout): edited in place, the same files.
    await putBack(dir, old);
    expect(normalized(await runCli(["score"], { cwd: dir }), dir)).toEqual(normalized(off, dir));
    expect(await contents(dir)).toEqual(rescored);
    // And once more with the stamps of the restored files settled (the files are not read by the reader).
    await putBack(dir, old);
    const past = new Date(Date.now() - 60_000);
    for (const f of await snapshotFiles(dir)) await utimes(f, past, past);
    expect((await runCli(["score", "--check"], { cwd: dir })).code).toBe(1);
    expect(normalized(await runCli(["score"], { cwd: dir }), dir)).toEqual(normalized(off, dir));
    expect(await contents(dir)).toEqual(rescored);
  }, 60_000);

  it("does not call canonical a valid file written otherwise, and rewrites it as serializeSnapshot does", async () => {
    const dir = await project(snapshots);
    const { last } = await oddlyWritten(dir);
    const odd = await readFile(last);
    const old = await contents(dir);
    const off = await runCli(["score"], { cwd: dir, env: OFF });
    const rescored = await contents(dir);
    expect(rescored.get(path.basename(last))!.toString()).toBe(serializeSnapshot(await readSnapshot(last)));
    for (let run = 0; run < 2; run++) {
      await putBack(dir, old);
      expect(normalized(await runCli(["score"], { cwd: dir }), dir)).toEqual(normalized(off, dir));
      expect(await contents(dir)).toEqual(rescored);
      expect((await digestOfBytes(dir, odd))?.canonical).toBe(false);
    }
  }, 60_000);

  it("trusts what a digest says of its bytes: a canonical flag on bytes that are not shows through (why only score sets it)", async () => {
    const dir = await project(snapshots);
    const { last, number } = await oddlyWritten(dir);
    // score --check keeps digests with the ratings, as score needs them.
    expect((await runCli(["score", "--check"], { cwd: dir })).code).toBe(1);
    const bytes = await readFile(last);
    const d = (await digestOfBytes(dir, bytes))!;
    expect(d.canonical).toBe(false);
    // Not so, but said so (as a foreign or damaged cache might): score edits the text in place.
    await writeFile(path.join(digestFolder(dir), `${sha256(bytes)}.digest`), encodeDigest({ ...d, canonical: true }, sha256(bytes), VERSION));
    expect((await runCli(["score"], { cwd: dir })).code).toBe(0);
    expect(await readFile(last, "utf8")).toContain(`"stars": ${number}.0e0,`);
  }, 60_000);
});

describe("score's verdicts (verdicts.json)", () => {
  // The config has the older rubric: the last 5 of 10 files are out of date.
  const snapshots = history({ days: 10, missing: [], rubricChangeOn: "2026-11-17" });
  const verdictsFile = (dir: string) => path.join(digestFolder(dir), "verdicts.json");
  const readVerdicts = async (dir: string) => JSON.parse(await readFile(verdictsFile(dir), "utf8")) as Verdicts;
  const hashes = async (dir: string) => Promise.all((await snapshotFiles(dir)).map(hashOf));
  const sorted = (a: readonly string[]) => [...a].sort();

  it("records what score --check found of each file's bytes, answers the same from it, and is what decides", async () => {
    const dir = await project(snapshots);
    const first = await expectSameAsOff(dir, ["score", "--check"]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("10 snapshot(s), 5 out of date, 5 unchanged");
    const h = await hashes(dir);
    const v = await readVerdicts(dir);
    expect(sorted(v.upToDate)).toEqual(sorted(h.slice(0, 5)));
    expect(sorted(v.outOfDate)).toEqual(sorted(h.slice(5)));
    // From the verdicts, the same answer, printed the same.
    expect(await runCli(["score", "--check"], { cwd: dir })).toEqual(first);
    // What decides: an out-of-date file said to be up to date is taken at its word (only score writes them).
    await writeFile(verdictsFile(dir), JSON.stringify({ ...v, upToDate: [...v.upToDate, h[9]], outOfDate: v.outOfDate.filter((x) => x !== h[9]) }));
    expect((await runCli(["score", "--check"], { cwd: dir })).stderr).toContain("10 snapshot(s), 4 out of date, 6 unchanged");
  }, 60_000);

  it("are not used under another config: the rubric changed, then a rating", async () => {
    const dir = await project(snapshots);
    await runCli(["score", "--check"], { cwd: dir });
    const { config } = await readVerdicts(dir);
    // The newer rubric (the last 5 files') in the config: now the first 5 are the out-of-date ones.
    await writeFile(path.join(dir, "config", "rubric.yaml"), JSON.stringify(snapshots[9]!.rubric, null, 2));
    expect((await expectSameAsOff(dir, ["score", "--check"])).stderr).toContain("10 snapshot(s), 5 out of date, 5 unchanged");
    const newer = await readVerdicts(dir);
    expect(newer.config).not.toBe(config);
    expect(sorted(newer.outOfDate)).toEqual(sorted((await hashes(dir)).slice(0, 5)));
    // TensorFlow's documentation rated 2 rather than 3: every file is out of date.
    const file = path.join(dir, "config", `${COHORT}.yaml`);
    const cohort = JSON.parse(await readFile(file, "utf8")) as { projects: { id: string; documentation: number }[] };
    cohort.projects.find((p) => p.id === "tensorflow")!.documentation = 2;
    await writeFile(file, JSON.stringify(cohort, null, 2));
    expect((await expectSameAsOff(dir, ["score", "--check"])).stderr).toContain("10 snapshot(s), 10 out of date, 0 unchanged");
  }, 60_000);

  it("after score, hold every file's new bytes as up to date, and score --check says so", async () => {
    const dir = await project(snapshots);
    const old = await hashes(dir);
    expect((await runCli(["score"], { cwd: dir })).code).toBe(0);
    const now = await hashes(dir);
    const v = await readVerdicts(dir);
    expect(sorted(v.upToDate)).toEqual(sorted(now));
    // The old bytes of the rewritten files stay known to be out of date (a checkout brings them back).
    expect(sorted(v.outOfDate)).toEqual(sorted(old.slice(5)));
    const check = await expectSameAsOff(dir, ["score", "--check"]);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain("10 snapshot(s), 0 out of date, 10 unchanged");
  }, 60_000);

  it("decide from a file's hash alone: the digest of bytes they judged is not even loaded", async () => {
    const dir = await project(snapshots);
    await runCli(["score", "--check"], { cwd: dir });
    const [upToDate, , , , , outOfDate] = await hashes(dir);
    const damage = (hash: string) => writeFile(path.join(digestFolder(dir), `${hash}.digest`), "damaged");
    const kept = (hash: string) => readFile(path.join(digestFolder(dir), `${hash}.digest`), "latin1");
    await damage(upToDate!);
    await damage(outOfDate!);
    expect((await runCli(["score", "--check"], { cwd: dir })).stderr).toContain("10 snapshot(s), 5 out of date, 5 unchanged");
    // Neither was loaded (a damaged digest that is loaded is replaced: see readDigest's test above).
    expect(await kept(upToDate!)).toBe("damaged");
    expect(await kept(outOfDate!)).toBe("damaged");
    // Without the verdicts, each file is judged from its digest again: the damaged ones are replaced.
    await rm(verdictsFile(dir));
    expect((await runCli(["score", "--check"], { cwd: dir })).stderr).toContain("10 snapshot(s), 5 out of date, 5 unchanged");
    expect(await kept(upToDate!)).not.toBe("damaged");
    expect(await kept(outOfDate!)).not.toBe("damaged");
  }, 60_000);

  it("damaged, of another shape or of another config: only costs time", async () => {
    const dir = await project(snapshots);
    await runCli(["score", "--check"], { cwd: dir });
    const v = await readVerdicts(dir);
    const all = await hashes(dir);
    for (const text of ["{", "null", JSON.stringify({ ...v, upToDate: "all" }), JSON.stringify({ config: "another", upToDate: all, outOfDate: [] })]) {
      await writeFile(verdictsFile(dir), text);
      expect((await expectSameAsOff(dir, ["score", "--check"])).stderr, text).toContain("10 snapshot(s), 5 out of date, 5 unchanged");
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------
// 6. A cache that cannot be written
// ---------------------------------------------------------------------------------------------------

describe("a cache folder that cannot be made", () => {
  const snapshots = history({ days: 8, missing: [], rubricChangeOn: "2026-11-18" });

  it("changes nothing: history, export --long, score --check and score give the output of the cache off", async () => {
    const original = await project(snapshots);
    await writeFile(path.join(original, "blocker"), "a file, not a folder");
    const blocked = await copyOf(original, "blocked");
    const off = await copyOf(original, "off");
    const env = { SHOWDOWN_CACHE_DIR: "blocker/cache" };
    expect(digestDir(env, blocked)).toBe(path.join(blocked, "blocker", "cache", "digests"));
    for (const args of [["history", "--metric", "overall"], ["export", "--long"], ["score", "--check"], ["score"]]) {
      const [withCache, without] = await Promise.all([
        runCli(args, { cwd: blocked, env }).then((r) => normalized(r, blocked)),
        runCli(args, { cwd: off, env: OFF }).then((r) => normalized(r, off)),
      ]);
      expect(withCache, args.join(" ")).toEqual(without);
      expect(withCache.code, args.join(" ")).toBe(args[1] === "--check" ? 1 : 0);
    }
    expect(await outputs(blocked)).toEqual(await outputs(off));
    expect(existsSync(path.join(blocked, ".cache"))).toBe(false);
    expect(await readFile(path.join(blocked, "blocker"), "utf8")).toBe("a file, not a folder");
    expect((await readdir(snapshotFolder(blocked))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 60_000);
});

/**
 * Every snapshot format this tool ever wrote still reads: schema 1 (facts plus the rubric, ratings
 * and scores of its day) is migrated in memory to schema 2 (facts only), whose scores come from the
 * config when read; and `oss-showdown migrate` rewrites a cohort's schema 1 files as schema 2, once.
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCohort } from "../src/config/load.js";
import type { Ratings } from "../src/config/ratings.js";
import type { Rubric } from "../src/config/rubric.js";
import { LEGACY_CRITERIA } from "../src/config/legacy-criteria.js";
import { SnapshotError } from "../src/errors.js";
import { Scorer } from "../src/score/snapshot.js";
import type { Scores } from "../src/score/types.js";
import { migrateSnapshot, MIGRATIONS, OLDEST_SCHEMA_VERSION, type Migration } from "../src/snapshot/migrate.js";
import { SCHEMA_VERSION, Snapshot, type ProjectFacts } from "../src/snapshot/schema.js";
import { parseSnapshot, readSnapshot, serializeSnapshot } from "../src/snapshot/store.js";
import { TOOL } from "../src/tool.js";
import { run } from "./support/io.js";
import { configProject, tempConfig, writeConfig } from "./support/config.js";

const fixtures = path.join(import.meta.dirname, "fixtures", "snapshots");
const V1_FILES = ["v1.json", "v1-history/2018-03-01.json", "v1-history/2018-03-08.json", "v1-history/2018-03-22.json"];
const COHORT = "deep-learning-2018";

/** A schema 1 file as stored: the facts, plus what was derived from the config of its day. */
interface V1 {
  schemaVersion: 1;
  cohort: string;
  asOf: string;
  rubric: Rubric;
  projects: (ProjectFacts & { ratings: Ratings; scores: Scores })[];
}

async function readV1(name: string): Promise<V1> {
  return JSON.parse(await readFile(path.join(fixtures, name), "utf8")) as V1;
}

async function caught(promise: Promise<unknown>): Promise<SnapshotError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotError);
  return error as SnapshotError;
}

describe("stored snapshot of every version", () => {
  it("has a fixture for each version this tool reads", async () => {
    for (let v = OLDEST_SCHEMA_VERSION; v <= SCHEMA_VERSION; v++) {
      const data = JSON.parse(await readFile(path.join(fixtures, `v${v}.json`), "utf8")) as { schemaVersion: number };
      expect(data.schemaVersion).toBe(v);
    }
    // Every version below the current one needs a migration to the next.
    expect(MIGRATIONS.map((m) => m.from)).toEqual(Array.from({ length: SCHEMA_VERSION - OLDEST_SCHEMA_VERSION }, (_, i) => OLDEST_SCHEMA_VERSION + i));
  });

  it("reads v2 unchanged (the current format passes through), byte for byte", async () => {
    const file = path.join(fixtures, "v2.json");
    const text = await readFile(file, "utf8");
    const snapshot = await readSnapshot(file);
    expect(snapshot).toEqual(JSON.parse(text));
    expect(serializeSnapshot(snapshot)).toBe(text);
    // Facts only: nothing derived from the config.
    expect(Object.keys(snapshot)).toEqual(["schemaVersion", "cohort", "asOf", "generatedAt", "tool", "windowDays", "requests", "projects"]);
    for (const p of snapshot.projects) expect(Object.keys(p)).toEqual(["id", "name", "sources", "raw", "errors", "warnings"]);
  });

  it("reads v1 as v2: the same facts, without its rubric, ratings and scores", async () => {
    const v1 = await readSnapshot(path.join(fixtures, "v1.json"));
    expect(v1).toEqual(await readSnapshot(path.join(fixtures, "v2.json")));
    expect(serializeSnapshot(v1)).toBe(await readFile(path.join(fixtures, "v2.json"), "utf8"));
    // Every fact of the stored file survives.
    const stored = await readV1("v1.json");
    expect(v1.projects.map(({ id, name, sources, raw, errors, warnings }) => ({ id, name, sources, raw, errors, warnings }))).toEqual(
      stored.projects.map(({ id, name, sources, raw, errors, warnings }) => ({ id, name, sources, raw, errors, warnings })),
    );
    expect({ ...v1, projects: undefined, schemaVersion: undefined }).toEqual({ ...stored, projects: undefined, schemaVersion: undefined, rubric: undefined });
  });

  it("reads a v1 file whose derived parts are damaged: they are dropped whatever they hold", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-"));
    const data = (await readV1("v1.json")) as unknown as Record<string, unknown> & { projects: Record<string, unknown>[] };
    data.rubric = 5;
    data.projects[0]!.scores = "garbage";
    data.projects[1]!.ratings = null;
    data.projects[2]!.scores = { overall: "high", rank: -1 };
    delete data.projects[3]!.ratings;
    const file = path.join(dir, "damaged-derived.json");
    await writeFile(file, JSON.stringify(data));
    expect(await readSnapshot(file)).toEqual(await readSnapshot(path.join(fixtures, "v2.json")));
    // Not the facts, though: a damaged figure is still refused.
    data.projects[0]!.raw = { ...(data.projects[0]!.raw as object), stars: -3 };
    await writeFile(file, JSON.stringify(data));
    expect((await caught(readSnapshot(file))).message).toContain(`${file}: not a valid snapshot: projects[0].raw.stars:`);
  });

  it("refuses v3 (a newer oss-showdown's) and says which version wrote it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-"));
    const v3 = { ...(JSON.parse(await readFile(path.join(fixtures, "v2.json"), "utf8")) as Record<string, unknown>), schemaVersion: 3, tool: { name: "showdown", version: "3.0.0" } };
    const file = path.join(dir, "v3.json");
    await writeFile(file, JSON.stringify(v3, null, 2));
    const error = await caught(readSnapshot(file));
    expect(error.file).toBe(file);
    expect(error.message).toBe(
      `${file}: schemaVersion 3 was written by a newer oss-showdown; this one reads up to 2: upgrade oss-showdown ` +
        `(the file was written by oss-showdown 3.0.0; this is ${TOOL.version})`,
    );
  });

  it("keeps the newer-version message when the file does not say which oss-showdown wrote it", () => {
    expect(() => parseSnapshot("x.json", { schemaVersion: 7 })).toThrow(
      "x.json: schemaVersion 7 was written by a newer oss-showdown; this one reads up to 2: upgrade oss-showdown",
    );
  });

  it("refuses a missing or malformed schemaVersion, and versions older than any release", () => {
    expect(() => parseSnapshot("a.json", { cohort: "x" })).toThrow("a.json: not a valid snapshot: schemaVersion is missing (expected a whole number from 1 to 2)");
    expect(() => parseSnapshot("b.json", { schemaVersion: "1" })).toThrow('schemaVersion is "1"');
    expect(() => parseSnapshot("c.json", { schemaVersion: 0 })).toThrow("c.json: schemaVersion 0 is older than any oss-showdown release wrote (the oldest is 1)");
    // Not an object at all: left to the schema, which names the root.
    expect(() => parseSnapshot("d.json", [1, 2])).toThrow("d.json: not a valid snapshot: (root):");
  });
});

describe("schema 1 files scored when read: same formulas and numbers", () => {
  // Each v1 file stored the scores its rubric and ratings gave. A config made of them must give the
  // very same numbers, to the last bit: moving the scores out of the file changed no formula.
  it.each(V1_FILES)("%s: every criterion, category, overall, rank and tier as stored", async (name) => {
    const stored = await readV1(name);
    const dir = await tempConfig(stored.cohort, stored.rubric, stored.projects.map(configProject));
    // Through the config loader, as every view reads it.
    const { cohort, rubric } = await loadCohort(path.join(dir, "config"), stored.cohort);
    expect(rubric).toEqual(stored.rubric);
    const snapshot = await readSnapshot(path.join(fixtures, name), COHORT);
    const scored = new Scorer({ rubric, projects: cohort.projects }).score(snapshot);
    expect(scored.projects.map((p) => p.id)).toEqual(stored.projects.map((p) => p.id));
    for (const p of scored.projects) {
      const was = stored.projects.find((q) => q.id === p.id)!;
      // The ratings in force are those of the rubric's criteria (rubric v2 dropped aws).
      const used = new Set(rubric.categories.flatMap((c) => c.criteria.map((k) => k.id)));
      expect(p.ratings, p.id).toEqual(Object.fromEntries(Object.entries(was.ratings).filter(([k]) => used.has(k))));
      expect(p.scores, p.id).toEqual(was.scores);
    }
  });

  // The same rubrics with each criterion spelled out as data (kind, scale, expression, parts), as
  // config/rubric.yaml declares Coveo's: the declared rubric gives the stored numbers, to the last bit.
  it.each(V1_FILES)("%s: the same numbers with every criterion declared in the rubric, not built in", async (name) => {
    const stored = await readV1(name);
    const spelled: Rubric = {
      ...stored.rubric,
      categories: stored.rubric.categories.map((c) => ({
        ...c,
        criteria: c.criteria.map(({ sample, ...k }) => ({ ...LEGACY_CRITERIA[k.id]!, ...(sample ? { items: sample } : {}), ...k, normalize: k.normalize.by === "scale" ? { by: "fixed" as const, max: k.normalize.max } : k.normalize })),
      })),
    };
    expect(spelled.categories.flatMap((c) => c.criteria.map((k) => k.kind))).not.toContain(undefined);
    // A declared rubric takes ratings of its own criteria only (rubric v2 dropped aws).
    const used = new Set(spelled.categories.flatMap((c) => c.criteria.map((k) => k.id)));
    const projects = stored.projects.map((p) => ({ ...p, ratings: Object.fromEntries(Object.entries(p.ratings).filter(([k]) => used.has(k))) }));
    const dir = await tempConfig(stored.cohort, spelled, projects.map(configProject));
    const { cohort, rubric } = await loadCohort(path.join(dir, "config"), stored.cohort);
    const scored = new Scorer({ rubric, projects: cohort.projects }).score(await readSnapshot(path.join(fixtures, name), COHORT));
    for (const p of scored.projects) expect(p.scores, p.id).toEqual(stored.projects.find((q) => q.id === p.id)!.scores);
  });

  it("covers both rubrics the history was scored with, and projects that joined and left", async () => {
    const files = await Promise.all(V1_FILES.map(readV1));
    expect(files.map((f) => f.rubric.version)).toEqual([1, 1, 1, 2]);
    expect(new Set(files.flatMap((f) => f.projects.map((p) => p.id))).size).toBe(6);
    expect(files.some((f) => f.projects.some((p) => p.scores.tier === null || p.errors.length > 0))).toBe(true);
  });
});

describe("oss-showdown migrate", () => {
  const HISTORY = ["2018-03-01", "2018-03-08", "2018-03-22"];
  const folder = path.join("snapshots", COHORT);

  /** A project folder whose cohort folder holds the three v1-history files (and a config, unused). */
  async function project(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-cli-"));
    await mkdir(path.join(dir, folder), { recursive: true });
    for (const date of HISTORY) await copyFile(path.join(fixtures, "v1-history", `${date}.json`), path.join(dir, folder, `${date}.json`));
    const stored = await readV1("v1-history/2018-03-22.json");
    await writeConfig(path.join(dir, "config"), COHORT, stored.rubric, stored.projects.map(configProject));
    return dir;
  }

  /** Every file of the cohort folder: name -> bytes and mtime. */
  async function files(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const f of (await readdir(path.join(dir, folder))).sort()) {
      const file = path.join(dir, folder, f);
      out[f] = `${(await stat(file)).mtimeMs} ${await readFile(file, "base64")}`;
    }
    return out;
  }

  /** What each v1 file drops, as the command says it. */
  async function dropped(date: string): Promise<string> {
    const v1 = await readV1(`v1-history/${date}.json`);
    const n = v1.projects.length;
    return `dropped rubric "${v1.rubric.name}" v${v1.rubric.version}, ratings of ${n} projects, scores of ${n} projects`;
  }

  it("--dry-run says what it would drop and writes nothing", async () => {
    const dir = await project();
    const before = await files(dir);
    const result = await run(["migrate", "--dry-run"], dir);
    expect(result.code).toBe(0);
    const lines = await Promise.all(HISTORY.map(async (d) => `${folder}/${d}.json: schema 1 -> 2; ${await dropped(d)} (dry run: not written)`));
    expect(result.stdout).toBe(lines.join("\n") + "\n");
    expect(result.stderr).toBe(`${COHORT}: 3 snapshot(s): 3 to migrate, 0 already schema 2\n`);
    expect(await files(dir)).toEqual(before);
  });

  it("rewrites each v1 file as v2 with the same facts, says what it dropped, and a second run changes no byte", async () => {
    const dir = await project();
    const facts = await Promise.all(HISTORY.map((d) => readSnapshot(path.join(dir, folder, `${d}.json`), COHORT)));
    const boardBefore = await run(["score", "--all", "--format", "json"], dir);
    expect(boardBefore.code).toBe(0);

    const result = await run(["migrate"], dir);
    expect(result.code).toBe(0);
    const lines = await Promise.all(HISTORY.map(async (d) => `${folder}/${d}.json: schema 1 -> 2; ${await dropped(d)}`));
    expect(result.stdout).toBe(lines.join("\n") + "\n");
    expect(result.stderr).toBe(`${COHORT}: 3 snapshot(s): 3 migrated, 0 already schema 2\n`);
    for (const [i, date] of HISTORY.entries()) {
      const text = await readFile(path.join(dir, folder, `${date}.json`), "utf8");
      // Valid as schema 2 as it stands (strict: no rubric, ratings or scores left), the facts unchanged.
      const parsed = Snapshot.parse(JSON.parse(text));
      expect(parsed).toEqual(facts[i]);
      expect(text).toBe(serializeSnapshot(facts[i]!));
      expect(text).not.toMatch(/"(rubric|ratings|scores)"/);
    }
    // The oldest is exactly the stored v2 fixture (the same facts as v1.json).
    expect(await readFile(path.join(dir, folder, "2018-03-01.json"), "utf8")).toBe(await readFile(path.join(fixtures, "v2.json"), "utf8"));
    // Every view reads the same before and after.
    expect((await run(["score", "--all", "--format", "json"], dir)).stdout).toBe(boardBefore.stdout);

    const after = await files(dir);
    const again = await run(["migrate"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe(`${COHORT}: 3 snapshot(s): 0 migrated, 3 already schema 2\n`);
    expect(await files(dir)).toEqual(after);
  });

  it("leaves a damaged file byte for byte as it is, names it and exits 2, migrating the others", async () => {
    const dir = await project();
    const damaged = path.join(dir, folder, "2018-03-15.json");
    const truncated = (await readFile(path.join(fixtures, "v1-history", "2018-03-08.json"), "utf8")).slice(0, 700);
    await writeFile(damaged, truncated);
    const before = await stat(damaged);
    const result = await run(["migrate"], dir);
    expect(result.code).toBe(2);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(3);
    const err = result.stderr.trimEnd().split("\n");
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(new RegExp(`^oss-showdown: ${folder}/2018-03-15\\.json: invalid JSON \\(truncated or damaged\\?\\): .*; left as it is$`));
    expect(err[1]).toBe(`${COHORT}: 4 snapshot(s): 3 migrated, 0 already schema 2, 1 unreadable (left as they are)`);
    expect(await readFile(damaged, "utf8")).toBe(truncated);
    expect((await stat(damaged)).mtimeMs).toBe(before.mtimeMs);
    for (const date of HISTORY) expect(JSON.parse(await readFile(path.join(dir, folder, `${date}.json`), "utf8")).schemaVersion).toBe(2);
    // Still damaged, still named, nothing else to do.
    const again = await run(["migrate"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("3 already schema 2, 1 unreadable");
    expect(await readFile(damaged, "utf8")).toBe(truncated);
  });

  it("leaves a misplaced file as it is, naming the field and the fix", async () => {
    const dir = await project();
    const data = await readV1("v1-history/2018-03-08.json");
    const misnamed = path.join(dir, folder, "2018-03-09.json");
    const text = JSON.stringify(data, null, 2) + "\n";
    await writeFile(misnamed, text);
    const other = path.join(dir, folder, "2018-03-10.json");
    const otherText = JSON.stringify({ ...data, cohort: "deep-learning-2026", asOf: "2018-03-10T00:00:00Z" }, null, 2) + "\n";
    await writeFile(other, otherText);
    const result = await run(["migrate"], dir);
    expect(result.code).toBe(2);
    const err = result.stderr.trimEnd().split("\n");
    expect(err).toContain(`oss-showdown: ${folder}/2018-03-09.json: asOf is 2018-03-08T00:00:00Z, but the file is named for 2018-03-09; rename it 2018-03-08.json; left as it is`);
    expect(err).toContain(`oss-showdown: ${folder}/2018-03-10.json: cohort is "deep-learning-2026", but the file is in deep-learning-2018's folder; move it to snapshots/deep-learning-2026/; left as it is`);
    expect(await readFile(misnamed, "utf8")).toBe(text);
    expect(await readFile(other, "utf8")).toBe(otherText);
  });

  it("says so when there is nothing to migrate", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-cli-"));
    const result = await run(["migrate", "--cohort", "nothing-here"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("nothing-here: 0 snapshot(s): 0 migrated, 0 already schema 2\n");
  });
});

describe("migration chain", () => {
  // A made-up history: v1 had `stars`, v2 renamed it `stargazers`, v3 nested it under `github`.
  const migrations: Migration[] = [
    { from: 2, summary: "stargazers moved under github", migrate: ({ stargazers, ...rest }) => ({ ...rest, github: { stargazers } }) },
    { from: 1, summary: "stars renamed stargazers", migrate: ({ stars, ...rest }) => ({ ...rest, stargazers: stars }) },
  ];
  const plan = { current: 3, oldest: 1, migrations };

  it("lifts each older version step by step to the current one, without touching its input", () => {
    const v1 = { schemaVersion: 1, stars: 5 };
    expect(migrateSnapshot("f", v1, plan)).toEqual({ schemaVersion: 3, github: { stargazers: 5 } });
    expect(v1).toEqual({ schemaVersion: 1, stars: 5 });
    expect(migrateSnapshot("f", { schemaVersion: 2, stargazers: 7 }, plan)).toEqual({ schemaVersion: 3, github: { stargazers: 7 } });
    const v3 = { schemaVersion: 3, github: { stargazers: 9 } };
    expect(migrateSnapshot("f", v3, plan)).toBe(v3);
  });

  it("fails loudly when a step is missing", () => {
    expect(() => migrateSnapshot("f.json", { schemaVersion: 1 }, { current: 3, oldest: 1, migrations: [migrations[0]!] })).toThrow(
      "f.json: no migration from schemaVersion 1 to 2",
    );
  });

  it("the real v1 step drops the derived parts and nothing else, leaving its input alone", async () => {
    const data = (await readV1("v1.json")) as unknown as Record<string, unknown>;
    const copy = structuredClone(data);
    const lifted = migrateSnapshot("v1.json", data) as Record<string, unknown> & { projects: Record<string, unknown>[] };
    expect(data).toEqual(copy);
    expect(lifted.schemaVersion).toBe(2);
    expect("rubric" in lifted).toBe(false);
    for (const p of lifted.projects) expect(Object.keys(p).sort()).toEqual(["errors", "id", "name", "raw", "sources", "warnings"]);
  });
});

describe("damaged snapshots are named with their path and problem", () => {
  it("truncated, invalid JSON and a wrong field type", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-"));
    for (const name of ["v1.json", "v2.json"]) {
      const good = await readFile(path.join(fixtures, name), "utf8");

      const truncated = path.join(dir, "truncated.json");
      await writeFile(truncated, good.slice(0, 500));
      expect((await caught(readSnapshot(truncated))).message).toMatch(new RegExp(`^${truncated}: invalid JSON \\(truncated or damaged\\?\\)`));

      const wrongType = path.join(dir, "wrong.json");
      const data = JSON.parse(good) as { projects: { raw: Record<string, unknown> }[] };
      data.projects[0]!.raw.stars = "many";
      await writeFile(wrongType, JSON.stringify(data));
      const error = await caught(readSnapshot(wrongType));
      expect(error.message).toContain(`${wrongType}: not a valid snapshot: projects[0].raw.stars:`);
    }

    const missing = path.join(dir, "missing.json");
    expect((await caught(readSnapshot(missing))).message).toBe(`${missing}: file not found`);
  });

  it("a schema 2 file with a derived part left in is not a valid snapshot", async () => {
    const data = JSON.parse(await readFile(path.join(fixtures, "v2.json"), "utf8")) as { projects: Record<string, unknown>[] };
    data.projects[0]!.scores = { overall: 1 };
    expect(() => parseSnapshot("x.json", data)).toThrow(/^x\.json: not a valid snapshot: projects\[0\]: .*scores/);
  });
});

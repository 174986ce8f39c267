import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SnapshotError } from "../src/errors.js";
import { migrateSnapshot, MIGRATIONS, OLDEST_SCHEMA_VERSION, type Migration } from "../src/snapshot/migrate.js";
import { SCHEMA_VERSION } from "../src/snapshot/schema.js";
import { parseSnapshot, readSnapshot, serializeSnapshot } from "../src/snapshot/store.js";
import { TOOL } from "../src/tool.js";

const fixtures = path.join(import.meta.dirname, "fixtures", "snapshots");

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

  it("reads v1 unchanged (the current format passes through)", async () => {
    const file = path.join(fixtures, "v1.json");
    const text = await readFile(file, "utf8");
    const snapshot = await readSnapshot(file);
    expect(snapshot).toEqual(JSON.parse(text));
    expect(serializeSnapshot(snapshot)).toBe(text);
  });

  it("refuses v2 (a newer showdown's) and says which version wrote it", async () => {
    const file = path.join(fixtures, "v2.json");
    const error = await caught(readSnapshot(file));
    expect(error.file).toBe(file);
    expect(error.message).toBe(
      `${file}: schemaVersion 2 was written by a newer showdown; this one reads up to 1: upgrade showdown ` +
        `(the file was written by showdown 2.0.0; this is ${TOOL.version})`,
    );
  });

  it("keeps the newer-version message when the file does not say which showdown wrote it", () => {
    expect(() => parseSnapshot("x.json", { schemaVersion: 7 })).toThrow(
      "x.json: schemaVersion 7 was written by a newer showdown; this one reads up to 1: upgrade showdown",
    );
  });

  it("refuses a missing or malformed schemaVersion, and versions older than any release", () => {
    expect(() => parseSnapshot("a.json", { cohort: "x" })).toThrow("a.json: not a valid snapshot: schemaVersion is missing (expected a whole number from 1 to 1)");
    expect(() => parseSnapshot("b.json", { schemaVersion: "1" })).toThrow('schemaVersion is "1"');
    expect(() => parseSnapshot("c.json", { schemaVersion: 0 })).toThrow("c.json: schemaVersion 0 is older than any showdown release wrote (the oldest is 1)");
    // Not an object at all: left to the schema, which names the root.
    expect(() => parseSnapshot("d.json", [1, 2])).toThrow("d.json: not a valid snapshot: (root):");
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
});

describe("damaged snapshots are named with their path and problem", () => {
  it("truncated, invalid JSON and a wrong field type", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-migrate-"));
    const good = await readFile(path.join(fixtures, "v1.json"), "utf8");

    const truncated = path.join(dir, "truncated.json");
    await writeFile(truncated, good.slice(0, 500));
    expect((await caught(readSnapshot(truncated))).message).toMatch(new RegExp(`^${truncated}: invalid JSON \\(truncated or damaged\\?\\)`));

    const wrongType = path.join(dir, "wrong.json");
    const data = JSON.parse(good) as { projects: { raw: Record<string, unknown> }[] };
    data.projects[0]!.raw.stars = "many";
    await writeFile(wrongType, JSON.stringify(data));
    const error = await caught(readSnapshot(wrongType));
    expect(error.message).toContain(`${wrongType}: not a valid snapshot: projects[0].raw.stars:`);

    const missing = path.join(dir, "missing.json");
    expect((await caught(readSnapshot(missing))).message).toBe(`${missing}: file not found`);
  });
});

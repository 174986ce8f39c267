/**
 * The stored fixture history (tests/fixtures/history/: snapshots and config/, used by docs/commands.md's
 * examples) must be exactly what the builder in tests/helpers/history.ts makes. To regenerate after
 * changing either:
 *   UPDATE_FIXTURES=1 npx vitest run tests/fixtures.test.ts
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COHORT, fixtureHistory, writeFixtureConfig } from "./helpers/history.js";
import { readSnapshot, serializeSnapshot } from "../src/snapshot/store.js";

const root = path.join(import.meta.dirname, "fixtures", "history");
const folder = path.join(root, COHORT);

describe("stored fixture history", () => {
  it("matches the builder, file for file", async () => {
    const snapshots = fixtureHistory();
    if (process.env.UPDATE_FIXTURES) {
      await mkdir(folder, { recursive: true });
      for (const s of snapshots) await writeFile(path.join(folder, `${s.asOf.slice(0, 10)}.json`), serializeSnapshot(s));
      await writeFixtureConfig(path.join(root, "config"));
    }
    for (const s of snapshots) {
      const file = path.join(folder, `${s.asOf.slice(0, 10)}.json`);
      expect(await readFile(file, "utf8")).toBe(serializeSnapshot(s));
      expect(await readSnapshot(file, COHORT)).toEqual(s);
    }
    const fresh = await writeFixtureConfig(await mkdtemp(path.join(os.tmpdir(), "showdown-fixture-config-")));
    for (const name of await readdir(fresh)) {
      expect(await readFile(path.join(root, "config", name), "utf8")).toBe(await readFile(path.join(fresh, name), "utf8"));
    }
  });
});

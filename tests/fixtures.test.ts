/**
 * The stored fixture history (tests/fixtures/history/, used by docs/commands.md's examples) must be
 * exactly what the builder in tests/helpers/history.ts makes. To regenerate after changing either:
 *   UPDATE_FIXTURES=1 npx vitest run tests/fixtures.test.ts
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COHORT, fixtureHistory } from "./helpers/history.js";
import { readSnapshot, serializeSnapshot } from "../src/snapshot/store.js";

const folder = path.join(import.meta.dirname, "fixtures", "history", COHORT);

describe("stored fixture history", () => {
  it("matches the builder, file for file", async () => {
    const snapshots = fixtureHistory();
    if (process.env.UPDATE_FIXTURES) {
      await mkdir(folder, { recursive: true });
      for (const s of snapshots) await writeFile(path.join(folder, `${s.asOf.slice(0, 10)}.json`), serializeSnapshot(s));
    }
    for (const s of snapshots) {
      const file = path.join(folder, `${s.asOf.slice(0, 10)}.json`);
      expect(await readFile(file, "utf8")).toBe(serializeSnapshot(s));
      expect(await readSnapshot(file)).toEqual(s);
    }
  });
});

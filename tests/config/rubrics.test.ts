/**
 * Data checks of whatever rubric files config/ holds (a fork's own included): each parses, and a
 * criterion that takes the name of one of Coveo's twelve declares the same formula as showdown 0.1
 * built in (the formula the v1 fixtures' stored scores came from: tests/migrate.test.ts).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRubric, readDataFile } from "../../src/config/load.js";
import { declared, declaredCriteria } from "../../src/config/rubric.js";
import { LEGACY_CRITERIA } from "../../src/config/legacy-criteria.js";

const configDir = path.resolve(import.meta.dirname, "../../config");
const files = (() => {
  try {
    return readdirSync(configDir).filter((f) => f.startsWith("rubric") && /\.(ya?ml|json)$/.test(f));
  } catch {
    return [];
  }
})();

/** What decides a criterion's value: its kind and formula, without names and descriptions. */
const formula = (d: ReturnType<typeof declared>): unknown => ({
  kind: d.kind,
  scale: d.scale && { min: d.scale.min, max: d.scale.max },
  expression: d.expression?.replace(/\s+/g, ""),
  repository: d.repository,
  parts: d.parts?.map(formula),
});

describe.skipIf(files.length === 0).each(files)("config/%s", (file) => {
  it("parses, and declares Coveo's criteria with showdown 0.1's formulas", async () => {
    const rubric = parseRubric(await readDataFile(path.join(configDir, file)), file);
    for (const d of declaredCriteria(rubric)) {
      const legacy = LEGACY_CRITERIA[d.id];
      if (legacy === undefined || d.kind !== legacy.kind) continue;
      expect(formula(d), `${file}: ${d.id}`).toEqual(formula(declared(legacy)));
    }
  });
});

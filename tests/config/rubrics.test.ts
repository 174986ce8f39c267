/**
 * Data checks of whatever rubric files config/ holds (a fork's own included): each parses, and a
 * criterion that takes the name of one of Coveo's twelve declares the same formula as showdown 0.1
 * built in (the formula the v1 fixtures' stored scores came from: tests/migrate.test.ts).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRubric, readDataFile } from "../../src/config/load.js";
import { declared, declaredCriteria, rubricFigures } from "../../src/config/rubric.js";
import { scoreColumns } from "../../src/score/index.js";
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

const criticality = path.join(configDir, "rubric-criticality.yaml");
describe.skipIf(!files.includes("rubric-criticality.yaml"))("config/rubric-criticality.yaml", () => {
  it("scores criticality_score's updated_since and commit_frequency from lastCommitAt and commits, as published", async () => {
    const rubric = parseRubric(await readDataFile(criticality), criticality);
    expect([...rubricFigures(rubric)].sort()).toEqual(["commits", "lastCommitAt"]);
    const asOf = "2026-11-21T00:00:00.000Z";
    const raw = { lastCommitAt: new Date(Date.parse(asOf) - 45.5 * 24 * 3600 * 1000).toISOString(), commits: 520 };
    const s = scoreColumns([{ id: "p", raw, ratings: {}, errors: [] }], rubric, asOf, undefined, 365);
    // 45 whole days = 1.5 months, rounded to 2; mirrored inside 120 as its smaller_is_better does.
    const updated = Math.log(1 + 120 - 2) / Math.log(1 + 120);
    const frequency = Math.log(1 + 520 / (365 / 7)) / Math.log(1 + 1000);
    expect(s.overall[0]).toBeCloseTo((updated + frequency) / 2, 12);
  });
});

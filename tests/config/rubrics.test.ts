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
  it("scores criticality_score's updated_since, commit_frequency, created_since, contributor_count and recent_releases_count, as published", async () => {
    const rubric = parseRubric(await readDataFile(criticality), criticality);
    expect([...rubricFigures(rubric)].sort()).toEqual(["commits", "contributors", "createdAt", "lastCommitAt", "releases"]);
    const asOf = "2026-11-21T00:00:00.000Z";
    const daysAgo = (days: number) => new Date(Date.parse(asOf) - days * 24 * 3600 * 1000).toISOString();
    const raw = { lastCommitAt: daysAgo(45.5), commits: 520, createdAt: daysAgo(2354.9), contributors: 3649, releases: 77 };
    const s = scoreColumns([{ id: "p", raw, ratings: {}, errors: [] }], rubric, asOf, undefined, 365);
    const score = (value: number, threshold: number) => Math.log(1 + value) / Math.log(1 + Math.max(value, threshold));
    // 45 whole days = 1.5 months, rounded to 2; mirrored inside 120 as its smaller_is_better does.
    const updated = Math.log(1 + 120 - 2) / Math.log(1 + 120);
    const frequency = score(520 / (365 / 7), 1000);
    // 2,354 whole days = 78.47 months, rounded to 78 (kubernetes' published created_since).
    const created = score(78, 120);
    const weighted = updated + frequency + created + 2 * score(3649, 5000) + 0.5 * score(77, 26);
    expect(s.overall[0]).toBeCloseTo(weighted / (1 + 1 + 1 + 2 + 0.5), 12);
  });

  it("without its signals of now only (a past date), scores the rest: contributors are left out, not zero", async () => {
    const rubric = parseRubric(await readDataFile(criticality), criticality);
    const asOf = "2026-11-21T00:00:00.000Z";
    const raw = { lastCommitAt: asOf, commits: 0, createdAt: asOf, contributors: null, releases: 0 };
    const s = scoreColumns([{ id: "p", raw, ratings: {}, errors: [] }], rubric, asOf, undefined, 365);
    // updated_since 0 months: mirrored, the top of the scale; the others 0.
    expect(s.overall[0]).toBeCloseTo(1 / (1 + 1 + 1 + 0.5), 12);
  });
});

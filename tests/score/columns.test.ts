/**
 * The views over a whole history read each snapshot's scores as columns (scoreColumns) rather than
 * as objects. Each fast path must give exactly what the object path gives for the same snapshots.
 */
import { describe, expect, it } from "vitest";
import { CsvEncoder } from "../../src/export/csv.js";
import { LongCsvWriter, longRows } from "../../src/export/rows.js";
import { seriesPoint } from "../../src/history/series.js";
import { metricValue, snapshotMetrics } from "../../src/metrics/metric.js";
import { summaryOf, summaryOfColumns } from "../../src/report/model.js";
import { Scorer, scoredSnapshot } from "../../src/score/snapshot.js";
import { ScoreboardJsonWriter, scoreboardOf } from "../../src/scoreboard/index.js";
import { fixtureHistory, fixtureProjects, RUBRIC_V1, RUBRIC_V2 } from "../helpers/history.js";
import type { Snapshot } from "../../src/snapshot/schema.js";

// The fixture's projects, and "ghost", rated on nothing: with no figure either, it has no overall score and no tier.
function configured(rubric = RUBRIC_V1) {
  const projects = [...fixtureProjects(), { id: "ghost", name: "Ghost", repository: "ghost/ghost", stackOverflowTags: ["ghost"], repositoryQuery: "ghost", ratings: {} }];
  return new Scorer({ rubric, projects: projects.map(({ ratings, ...p }) => ({ ...p, ...ratings })) });
}

// The fixture history, plus a day where a project has an odd name and an error text that needs quoting,
// and one where every figure of a project is missing: the slow paths of each writer.
function histories(): Snapshot[] {
  const [a, b, c] = fixtureHistory();
  const odd = structuredClone(b!);
  odd.asOf = "2018-03-15T00:00:00Z";
  odd.projects[0]!.name = 'Tensor "Flow", ünïcode';
  odd.projects[1]!.errors = [{ field: "stars", message: "=HYPERLINK(\"x\"), a; b\nc" }];
  odd.projects[1]!.raw.stars = null;
  odd.projects[1]!.warnings = [{ field: "stackOverflowQuestions", message: "the tag ghost-tag does not exist; counted 0" }];
  odd.projects[0]!.raw.lastCommitAt = "2018-03-14T23:30:00.250+02:00";
  for (const k of Object.keys(odd.projects[2]!.raw) as (keyof Snapshot["projects"][number]["raw"])[]) (odd.projects[2]!.raw as Record<string, unknown>)[k] = null;
  odd.projects.push({ ...structuredClone(odd.projects[2]!), id: "ghost", name: "Ghost" });
  // b again, with pytorch's merged pull requests ten times as many: every other project keeps its
  // activity value, but not its score (activity is divided by the cohort maximum).
  const surge = structuredClone(b!);
  surge.projects.find((p) => p.id === "pytorch")!.raw.mergedPullRequests! *= 10;
  return [a!, b!, surge, odd, c!];
}

describe("scores as columns", () => {
  for (const [label, rubric] of [["rubric v1", RUBRIC_V1], ["rubric v2", RUBRIC_V2]] as const) {
    it(`give the same long CSV as the rows of the scored objects, over a history (${label})`, () => {
      const scorer = configured(rubric);
      for (const options of [{ delimiter: "," }, { delimiter: ";", precision: 3, decimal: "," as const }, { delimiter: "." }, { delimiter: "\t", precision: 0 }, { delimiter: "-", precision: 4 }, { delimiter: " " }]) {
        const writer = new LongCsvWriter(options);
        const encoder = new CsvEncoder({ ...options, bom: false });
        let rows = 0;
        for (const s of histories()) {
          const columns = scorer.columns(s);
          const expected = [...longRows(scoredSnapshot(columns, rubric))];
          rows += expected.length;
          // Written twice: the second time every number comes from the writer's cache of the last snapshot.
          expect(writer.write(columns, rubric).toString("utf8")).toBe(encoder.encode(expected));
          expect(writer.write(columns, rubric).toString("utf8")).toBe(encoder.encode(expected));
        }
        expect(writer.rows).toBe(2 * rows);
      }
    });

    it(`give the same score contract JSON, history points and report summaries (${label})`, () => {
      const scorer = configured(rubric);
      const json = new ScoreboardJsonWriter();
      for (const s of histories()) {
        const columns = scorer.columns(s);
        const scored = scoredSnapshot(columns, rubric);
        // Twice: the second time every criterion's text comes from the writer's cache of the last snapshot.
        expect(json.write(columns, rubric)).toBe(JSON.stringify(scoreboardOf(scored)));
        expect(json.write(columns, rubric)).toBe(JSON.stringify(scoreboardOf(scored)));
        if (s.asOf.startsWith("2018-03-15")) expect(scored.projects.find((p) => p.id === "ghost")!.scores).toMatchObject({ overall: null, tier: null });
        expect(summaryOfColumns(columns)).toEqual(summaryOf(scored));
        for (const metric of snapshotMetrics(rubric)) {
          const point = seriesPoint(columns, metric);
          for (const p of scored.projects) expect(point.values.get(p.id)).toEqual(metricValue(p, metric));
          expect(point.values.size).toBe(scored.projects.length);
        }
      }
    });
  }
});

/**
 * Hand ratings in force at a snapshot's asOf: a rating may be a dated list (value, the date it took
 * effect, its source); each snapshot is scored with the entry in force then (before the first: unrated).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCohort } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { Scorer } from "../../src/score/snapshot.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { tempProject } from "../support/cli.js";
import { run } from "../support/io.js";

const project = (id: string, extra: string) => `
  - id: ${id}
    name: ${id.toUpperCase()}
    repository: o/${id}
    stackOverflowTags: [${id}]
    repositoryQuery: ${id}
${extra}`;

const DATED = `    graph:
      - { value: 1, from: 2015-11-09, source: "graph sessions: https://example.org/tf-1" }
      - { value: 2, from: 2019-09-30, source: "eager by default: https://example.org/tf-2.0" }
`;

const cohort = (extra: string) => `cohort: d\ndescription: dated\nprojects:${project("a", extra)}${project("b", "    graph: 2\n    sponsor: 1\n")}`;

function snapshot(asOf: string): Snapshot {
  const raw = { lastCommitAt: null, mergedPullRequests: null, repositoryCount: null, stackOverflowQuestions: null, stars: null, forks: null, openIssues: null, archived: null };
  const facts = (id: string) => ({ id, name: id.toUpperCase(), sources: { repository: `o/${id}`, stackOverflowTags: [id], repositoryQuery: id }, raw, errors: [], warnings: [] });
  return { schemaVersion: 2, cohort: "d", asOf, generatedAt: asOf, tool: { name: "showdown", version: "0" }, windowDays: 30, requests: { github: 0, githubSearch: 0, stackExchange: 0 }, projects: [facts("a"), facts("b")] };
}

async function problems(cohortYaml: string): Promise<string[]> {
  const dir = await tempProject("d", cohortYaml);
  try {
    await loadCohort(path.join(dir, "config"), "d");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split("\n").map((l) => l.replace(dir + path.sep, ""));
  }
  throw new Error("expected a ConfigError");
}

describe("dated ratings", () => {
  it("score each snapshot with the entry in force at its asOf, and none before the first", async () => {
    const dir = await tempProject("d", cohort(DATED + "    sponsor: 2\n"));
    const { cohort: c, rubric } = await loadCohort(path.join(dir, "config"), "d");
    const scorer = new Scorer({ rubric, projects: c.projects });
    const at = (asOf: string) => scorer.score(snapshot(asOf)).projects.find((p) => p.id === "a")!;
    expect(at("2015-06-01T00:00:00Z").ratings.graph).toBeUndefined();
    expect(at("2015-06-01T00:00:00Z").scores.criteria.graph).toBeUndefined();
    expect(at("2015-11-09T00:00:00Z").ratings.graph).toBe(1);
    expect(at("2019-09-29T23:59:59Z").scores.criteria.graph).toEqual({ value: 1, normalized: 0.5 });
    expect(at("2019-09-30T00:00:00Z").scores.criteria.graph).toEqual({ value: 2, normalized: 1 });
    expect(at("2026-11-21T00:00:00Z").ratings).toEqual({ sponsor: 2, graph: 2 });
  });

  it("refuse a list out of order, two entries on one date, an entry without a source or a bad date: one line each", async () => {
    const outOfOrder = DATED.replace("2019-09-30", "2014-01-01");
    expect(await problems(cohort(outOfOrder))).toEqual([
      "config/d.yaml: projects[0].graph[1].from: 2014-01-01 is not after the entry before it (2015-11-09): list the entries oldest first, one per date, none overlapping",
    ]);
    expect(await problems(cohort(DATED.replace("2019-09-30", "2015-11-09")))).toEqual([
      "config/d.yaml: projects[0].graph[1].from: 2015-11-09 is not after the entry before it (2015-11-09): list the entries oldest first, one per date, none overlapping",
    ]);
    expect(await problems(cohort(DATED.replace(', source: "eager by default: https://example.org/tf-2.0"', "")))).toEqual([
      "config/d.yaml: projects[0].graph[1].source: required: where this rating comes from (an article by title, author, year and URL, or a docs or issue URL)",
    ]);
    expect(await problems(cohort(DATED.replace("2019-09-30", "2019-02-30").replace("value: 2", "value: 5")))).toEqual([
      "config/d.yaml: projects[0].graph[1].value: expected 0, 1 or 2, got 5",
      'config/d.yaml: projects[0].graph[1].from: expected the date it took effect as YYYY-MM-DD, got "2019-02-30"',
    ]);
  });

  it("make validate exit 1 with the line, writing nothing", async () => {
    const dir = await tempProject("d", cohort(DATED.replace("2019-09-30", "2014-01-01")));
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("oss-showdown: config/d.yaml: projects[0].graph[1].from: 2014-01-01 is not after the entry before it (2015-11-09)");
    expect(result.stdout).toBe("d: invalid\n");
  });
});

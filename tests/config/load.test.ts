import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { loadCohort } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempProject } from "../support/cli.js";

const project = (over: string) => `
  - id: p1
    name: P1
    repository: o/p1
    stackOverflowTags: [p1]
    repositoryQuery: p1
${over}`;

async function problems(cohortYaml: string, rubricYaml?: string): Promise<string[]> {
  const dir = await tempProject("c", cohortYaml);
  if (rubricYaml !== undefined) await writeFile(path.join(dir, "config", "rubric.yaml"), rubricYaml);
  try {
    await loadCohort(path.join(dir, "config"), "c");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split("\n").map((l) => l.replace(dir + path.sep, ""));
  }
  throw new Error("expected a ConfigError");
}

const head = "cohort: c\ndescription: d\nprojects:";

describe("config validation", () => {
  it("loads a valid cohort with defaults filled in", async () => {
    const dir = await tempProject("c", head + project("    sponsor: 2\n    ops: { dense: 1, lstm: 0.5 }"));
    const loaded = await loadCohort(path.join(dir, "config"), "c");
    expect(loaded.cohort.windowDays).toBe(30);
    expect(loaded.cohort.projects[0]!.ops).toEqual({ dense: 1, lstm: 0.5 });
    expect(loaded.rubric.categories.map((c) => c.id)).toEqual(["community", "api", "platform"]);
  });

  it("names the file, the path and the allowed values of a bad rating", async () => {
    expect(await problems(head + project("    sponsor: 5"))).toEqual(["config/c.yaml: projects[0].sponsor: expected 0, 1 or 2, got 5"]);
  });

  it("reports every problem, one line each", async () => {
    const lines = await problems(head + project("    documentation: 0\n    aws: 7") + project("    languages: { python: 2 }").replace("o/p1", "not-a-repo"));
    expect(lines).toEqual([
      'config/c.yaml: projects[1].repository: expected "owner/name" as on GitHub, got "not-a-repo"',
      "config/c.yaml: projects[0].documentation: expected 1, 2 or 3, got 0",
      "config/c.yaml: projects[0].aws: expected 0, 1, 2 or 3, got 7",
      "config/c.yaml: projects[1].languages.python: expected a number from 0 to 1, got 2",
      "config/c.yaml: projects[1].id: duplicate id p1 (also projects[0])",
    ]);
  });

  it("rejects unknown criteria in a project and in the rubric", async () => {
    expect(await problems(head + project("    sponser: 1"))).toEqual([
      'config/c.yaml: projects[0].sponser: unknown field (misspelt, or not a criterion rubric "Coveo Deep Learning Showdown (test copy)" rates by hand: sponsor, documentation, graph, numerics, ops, languages, scalability, os, aws, onnx)',
    ]);
    const rubric = `version: 1\nname: r\ncategories:\n  - id: x\n    name: X\n    criteria:\n      - { id: popularity, normalize: { by: cohortMax } }\n`;
    const lines = await problems(head + project(""), rubric);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("config/rubric.yaml: categories[0].criteria[0].kind: criterion popularity needs a kind: rating, checklist, weightedSet, list, metric, composite (see docs/rubric.md)");
  });

  it("rejects weights that are not finite numbers, and a category whose weights add up to 0 or less", async () => {
    const rubric = (w: string) => `version: 1\nname: r\ncategories:\n  - id: x\n    name: X\n    criteria:\n      - { id: sponsor, weight: ${w}, normalize: { by: scale, max: 2 } }\n`;
    // A criterion may weigh against (criticality_score's time since the last update), never a whole category.
    expect(await problems(head + project(""), rubric("-1"))).toEqual(["config/rubric.yaml: categories[0].criteria: the criteria's weights add up to -1; they must add up to more than 0"]);
    expect(await problems(head + project(""), rubric(".inf"))).toEqual(["config/rubric.yaml: categories[0].criteria[0].weight: expected a finite number, got Infinity"]);
    expect((await problems(head + project(""), rubric("heavy")))[0]).toMatch(/criteria\[0\]\.weight: expected a finite number, got "heavy"/);
  });

  it("checks an ops checklist against the rubric's sample", async () => {
    expect(await problems(head + project("    ops: { dense: 1, teleport: 1 }"))).toEqual([
      expect.stringMatching(/^config\/c\.yaml: projects\[0\]\.ops\.teleport: not in the rubric's ops items \(known: dense, conv1d/),
    ]);
    expect(await problems(head + project('    sources: { sponser: "a typo" }'))).toEqual([
      expect.stringMatching(/^config\/c\.yaml: projects\[0\]\.sources\.sponser: cites neither a rated criterion \(sponsor, documentation, .*\) nor a figure source \(repository, stackOverflowTags, .*\); fix the key or move the text to notes$/),
    ]);
    expect(await problems(head + project("    ops: 40"))).toEqual(["config/c.yaml: projects[0].ops: expected at most 32 (the number of items of ops), got 40"]);
  });

  it("says what is wrong with a declared rubric in one line each: file, path, problem and fix", async () => {
    const rubric = (criterion: string) => `version: 1\nname: r\ncategories:\n  - id: x\n    name: X\n    criteria:\n      - ${criterion}\n`;
    const lines = (criterion: string) => problems(head + project(""), rubric(criterion));
    expect(await lines(`{ id: reach, kind: metric, expression: "log10(1 + starz)", normalize: { by: cohortMax } }`)).toEqual([
      expect.stringMatching(/^config\/rubric\.yaml: categories\[0\]\.criteria\[0\]\.expression: unknown figure starz; known: lastCommitAt, mergedPullRequests, /),
    ]);
    expect(await lines(`{ id: reach, kind: metric, expression: "log10(1 + stars", normalize: { by: cohortMax } }`)).toEqual(['config/rubric.yaml: categories[0].criteria[0].expression: expected ")" at the end']);
    expect(await lines(`{ id: reach, kind: metric, expression: "stars", normalize: { by: threshold } }`)).toEqual([
      "config/rubric.yaml: categories[0].criteria[0].normalize.threshold: expected threshold: the value from which a criterion scores 1 (a number > 0), got undefined",
    ]);
    expect(await lines(`{ id: reach, kind: metric, expression: "stars", normalize: { by: magic } }`)).toEqual([
      'config/rubric.yaml: categories[0].criteria[0].normalize.by: expected fixed, cohortMax, threshold or percentile, got "magic"',
    ]);
    expect(await lines(`{ id: docs, kind: rating, normalize: { by: fixed, max: 2 } }`)).toEqual(["config/rubric.yaml: categories[0].criteria[0].scale: a rating needs its scale, e.g. scale: { min: 0, max: 2 }"]);
    expect(await lines(`{ id: docs, kind: rating, scale: { min: 0, max: 2 }, expression: stars, normalize: { by: fixed, max: 2 } }`)).toEqual([
      "config/rubric.yaml: categories[0].criteria[0].expression: a rating takes no expression; remove it (or change kind)",
    ]);
    expect(await lines(`{ id: docs, kind: rating, scale: { min: 0, max: 3 }, normalize: { by: fixed, max: 2 } }`)).toEqual([
      "config/rubric.yaml: categories[0].criteria[0].normalize.max: 2 is below the top of docs's scale (3): every value above would score 1; use max: 3",
    ]);
    // No zod jargon: types in words.
    expect(await lines(`{ id: docs, kind: rating, scale: { min: 0, max: 2, labels: 5 }, normalize: { by: fixed, max: 2 } }`)).toEqual([
      "config/rubric.yaml: categories[0].criteria[0].scale.labels: expected a mapping (name: value), got number 5",
    ]);
    expect(await lines(`{ id: sponsor, normalize: { by: scale, max: 2 }, sample: [{ id: x, why: y }] }`)).toEqual(["config/rubric.yaml: categories[0].criteria[0].sample: only a checklist takes items; sponsor is a rating"]);
    expect(await lines(`{ id: ops, normalize: { by: scale, max: 2 } }`)).toEqual(["config/rubric.yaml: categories[0].criteria[0].sample: ops needs the sample of items it is rated against"]);
    expect(await lines(`{ id: stars, kind: metric, expression: stars, normalize: { by: cohortMax } }`)).toEqual([
      "config/rubric.yaml: categories[0].criteria[0].id: stars is already the name of a project field, a figure or a standing; name the criterion differently (e.g. starsScore)",
    ]);
    // A file that is no rubric at all: one line, not one per missing field.
    const dir = await tempProject("c", head + project(""));
    await writeFile(path.join(dir, "config", "rubric.yaml"), head + project(""));
    await expect(loadCohort(path.join(dir, "config"), "c")).rejects.toThrow(/rubric\.yaml: not a rubric \(a cohort file\): a rubric has version, name and categories of criteria; point the cohort's rubric: at one \(see docs\/rubric\.md\)$/);
  });

  it("names the line of a YAML syntax error", async () => {
    const lines = await problems("cohort: c\nprojects: [\n  - id: x\n");
    expect(lines).toHaveLength(1);
    for (const line of lines) expect(line).toMatch(/^config\/c\.yaml: invalid YAML at line \d+, column \d+: /);
  });

  it("says which cohorts exist when the name is unknown", async () => {
    const dir = await tempProject("c", head + project(""));
    await expect(loadCohort(path.join(dir, "config"), "nope")).rejects.toThrow(/nope\.yaml: no cohort nope \(cohorts here: c\)/);
  });

  it("requires a file's cohort name to match its file name", async () => {
    expect(await problems("cohort: other\ndescription: d\nprojects:" + project(""))).toEqual([
      'config/c.yaml: cohort: is "other" but the file is named for c; make them match',
    ]);
  });
});

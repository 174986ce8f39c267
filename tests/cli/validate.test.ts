import { describe, expect, it } from "vitest";
import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { listCohorts } from "../../src/config/load.js";
import { ROOT, tempProject } from "../support/cli.js";
import { run } from "../support/io.js";

const COHORT = `cohort: v
description: validate
projects:
  - id: a
    name: A
    repository: o/a
    stackOverflowTags: [a]
    repositoryQuery: a
    sponsor: 2
    graph: 1
    sources: { sponsor: "coveo-deep-learning-showdown.txt: 'Google Brain'" }
`;

describe("oss-showdown validate", () => {
  it("passes the committed config: every cohort valid, every rating sourced", async () => {
    const result = await run(["validate"], ROOT);
    expect(result.stderr).not.toMatch(/^oss-showdown:/m);
    expect(result.code).toBe(0);
    // One "ok" line per cohort in config/, whichever cohorts a fork keeps there.
    for (const name of await listCohorts(path.join(ROOT, "config"))) expect(result.stdout).toMatch(new RegExp(`^${name}: \\d+ projects?, ok$`, "m"));
  });

  it("fails on a rating without a source, naming the field", async () => {
    const dir = await tempProject("v", COHORT);
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("oss-showdown: config/v.yaml: projects[0].sources.graph: the graph rating has no source; cite an article by title, author, year and URL, or the project's docs or issue URL\n");
    expect(result.stderr).toContain("oss-showdown: config/v.yaml: projects[0].documentation: no documentation rating and no source saying why; rate it, or explain its absence in projects[0].sources.documentation\n");
    expect(result.stderr.match(/no source saying why/g)).toHaveLength(8); // documentation, numerics, ops, languages, scalability, os, aws, onnx
    expect(result.stdout).toBe("v: 1 project, 9 problem(s)\n");
  });

  it("accepts a rating left out with a source saying why, and notes it", async () => {
    const all = `    documentation: 2\n    ops: 10\n    languages: { python: 1 }\n    scalability: 1\n    os: [linux]\n    aws: 0\n    onnx: 0\n`;
    const sources = `    sources:\n${["sponsor", "graph", "documentation", "ops", "languages", "scalability", "os", "aws", "onnx"].map((k) => `      ${k}: "doc"`).join("\n")}\n      numerics: "not rated: the article could not determine one"\n`;
    const dir = await tempProject("v", COHORT.replace(/    sources: .*\n/, all + sources));
    const result = await run(["validate"], dir);
    expect(result.stderr).toBe("  note v: a: numerics not rated, on purpose (see its sources); left out of its category\n");
    expect(result.code).toBe(0);
  });

  it("checks every cohort and reports an invalid one without stopping", async () => {
    const rated = COHORT.replace("    graph: 1\n", "").replace(/    sources: .*\n/, "    sources:\n" + ["sponsor", "graph", "documentation", "numerics", "ops", "languages", "scalability", "os", "aws", "onnx"].map((k) => `      ${k}: "not rated: test"`).join("\n") + "\n");
    const dir = await tempProject("v", rated);
    await writeFile(path.join(dir, "config", "w.yaml"), COHORT.replace("cohort: v", "cohort: w").replace("sponsor: 2", "sponsor: 3"));
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("v: 1 project, ok\nw: invalid\n");
    expect(result.stderr).toContain("oss-showdown: config/w.yaml: projects[0].sponsor: expected 0, 1 or 2, got 3\n");
  });
});

describe("showdown validate, rubrics no cohort uses", () => {
  it("checks each one: ok, invalid in one line, or a link out of the config folder refused", async () => {
    const dir = await tempProject("v", COHORT);
    await writeFile(path.join(dir, "config", "rubric-spare.yaml"), "version: 1\nname: spare\ncategories:\n  - id: x\n    name: X\n    criteria:\n      - { id: reach, kind: metric, expression: \"log10(1 + stars)\", normalize: { by: cohortMax } }\n");
    await writeFile(path.join(dir, "config", "rubric-bad.yaml"), "version: 1\nname: bad\ncategories:\n  - id: x\n    name: X\n    criteria:\n      - { id: reach, kind: metric, expression: \"starz\", normalize: { by: cohortMax } }\n");
    await symlink("/etc/hostname", path.join(dir, "config", "rubric-link.yaml"));
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("config/rubric-spare.yaml: rubric, used by no cohort, ok\n");
    expect(result.stdout).toContain("config/rubric-bad.yaml: invalid\n");
    expect(result.stderr).toMatch(/^oss-showdown: config\/rubric-bad\.yaml: categories\[0\]\.criteria\[0\]\.expression: unknown figure starz; known: /m);
    expect(result.stderr).toMatch(/^oss-showdown: config\/rubric-link\.yaml: .*outside the config folder/m);
    expect(result.stdout).not.toContain("config/rubric.yaml:"); // the cohort's own, checked with it
  });
});

import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import path from "node:path";
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

describe("showdown validate", () => {
  it("passes the committed config: every cohort valid, every rating sourced", async () => {
    const result = await run(["validate"], ROOT);
    expect(result.stderr).not.toMatch(/^showdown:/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^deep-learning-2018: \d+ projects, ok$/m);
  });

  it("fails on a rating without a source, naming the field", async () => {
    const dir = await tempProject("v", COHORT);
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("showdown: config/v.yaml: projects[0].sources.graph: the graph rating has no source; cite an article in shared/sources or the project's docs\n");
    expect(result.stderr).toContain("note v: a: no documentation, numerics, ops, languages, scalability, os, aws, onnx rating");
    expect(result.stdout).toBe("v: 1 projects, 1 problem(s)\n");
  });

  it("checks every cohort and reports an invalid one without stopping", async () => {
    const dir = await tempProject("v", COHORT.replace("    graph: 1\n", ""));
    await writeFile(path.join(dir, "config", "w.yaml"), COHORT.replace("cohort: v", "cohort: w").replace("sponsor: 2", "sponsor: 3"));
    const result = await run(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("v: 1 projects, ok\nw: invalid\n");
    expect(result.stderr).toContain("showdown: config/w.yaml: projects[0].sponsor: expected 0, 1 or 2, got 3\n");
  });
});

import { describe, expect, it } from "vitest";
import { readdir, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { tempProject } from "../support/cli.js";
import { run } from "../support/io.js";

const COHORT = `cohort: e
description: errors
projects:
  - { id: a, name: A, repository: o/a, stackOverflowTags: [a], repositoryQuery: a }
`;

// Nothing here may reach an API: an unroutable base URL makes any attempt fail loudly.
const env = { GITHUB_API_URL: "http://127.0.0.1:9/api/v3", STACKEXCHANGE_API_URL: "http://127.0.0.1:9/se", GITHUB_TOKEN: "t" };

async function expectOneLine(argv: string[], pattern: RegExp, prepare?: (dir: string) => Promise<void>) {
  const dir = await tempProject("e", COHORT);
  await prepare?.(dir);
  const before = await readdir(dir, { recursive: true });
  const result = await run(argv, dir, env);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(await readdir(dir, { recursive: true })).toEqual(before);
}

describe("bad input: one clear line, exit 1, nothing modified", () => {
  it("an unknown flag", () => expectOneLine(["collect", "--cohort", "e", "--frobnicate"], /^oss-showdown: Unknown option '--frobnicate'; see 'oss-showdown collect --help'$/));
  it("an unknown command", () => expectOneLine(["colect"], /^oss-showdown: unknown command "colect" \(commands: collect, score, [a-z, ]+\); see 'oss-showdown --help'$/));
  it("an invalid --as-of", () => expectOneLine(["collect", "--cohort", "e", "--as-of", "yesterday"], /^oss-showdown: --as-of: expected an ISO-8601 date or date-time with offset, e\.g\. .*got "yesterday"/));
  it("an --as-of without an offset", () => expectOneLine(["collect", "--cohort", "e", "--as-of", "2026-01-01T10:00"], /^oss-showdown: --as-of: expected an ISO-8601/));
  it("an --as-of in the future", () => expectOneLine(["collect", "--cohort", "e", "--as-of", "2999-01-01"], /^oss-showdown: --as-of: 2999-01-01T00:00:00\.000Z is in the future/));
  it("a missing config folder", () => expectOneLine(["collect", "--config", "nowhere"], /^oss-showdown: .*nowhere: config folder not found/));
  it("an unknown cohort", () => expectOneLine(["collect", "--cohort", "nope"], /^oss-showdown: config\/nope\.yaml: no cohort nope \(cohorts here: e\)$/));
  it("invalid YAML", () =>
    expectOneLine(["collect", "--cohort", "e"], /^oss-showdown: config\/e\.yaml: invalid YAML at line 2, column 14: bad indentation of a mapping entry$/, (dir) => writeFile(path.join(dir, "config", "e.yaml"), "cohort: e\n  description: : x\n")));
  it("a snapshots folder that is a file", () =>
    expectOneLine(["collect", "--cohort", "e", "--snapshots", "snaps"], /^oss-showdown: snaps: is not a folder; snapshots cannot be written there$/, (dir) => writeFile(path.join(dir, "snaps"), "")));
  it("a --concurrency that is not a number", () => expectOneLine(["collect", "--cohort", "e", "--concurrency", "lots"], /^oss-showdown: --concurrency: expected a whole number from 1 to 64, got "lots"/));
  it("a stray argument", () => expectOneLine(["score", "extra"], /^oss-showdown: unexpected argument "extra"/, (dir) => mkdir(path.join(dir, "snapshots"))));
});

describe("help", () => {
  it("lists the commands and exit codes", async () => {
    const result = await run(["--help"], "/");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}collect {2,}fetch every project's figures/m);
    expect(result.stdout).toContain("Exit codes: 0 done, 1 error (nothing written), 2 partial (some figures missing), 130 interrupted.");
  });
  it("documents collect's options and environment", async () => {
    const result = await run(["collect", "--help"], "/");
    for (const word of ["--as-of", "--concurrency", "--cohort", "GITHUB_TOKEN", "STACKEXCHANGE_KEY", "GITHUB_API_URL", "STACKEXCHANGE_API_URL"]) {
      expect(result.stdout).toContain(word);
    }
  });
});

/**
 * Bad input to collect: one clear line, exit 1, and no file modified: not the snapshots, and not the
 * caches either (a run cache and ETags left by earlier runs stay byte for byte; no cache is created).
 * tests/cli/errors.test.ts covers the other flags and config errors.
 */
import { describe, expect, it } from "vitest";
import { chmod, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { TEST_RUBRIC_YAML, tempProject } from "../support/cli.js";
import { run } from "../support/io.js";
import { allFiles, AS_OF } from "./model.js";

const COHORT = `cohort: e
description: errors
projects:
  - { id: a, name: A, repository: o/a, stackOverflowTags: [a], repositoryQuery: a }
`;

// Nothing here may reach an API: an unroutable base URL makes any attempt fail loudly.
const ENV = { GITHUB_API_URL: "http://127.0.0.1:9/api/v3", STACKEXCHANGE_API_URL: "http://127.0.0.1:9/se", GITHUB_TOKEN: "ghp_badInputToken0123456789" };
const RUN_CACHE = path.join(".cache", "runs", `e--${AS_OF.replace(/:/g, "")}.jsonl`);

async function expectRefused(argv: string[], pattern: RegExp, options: { prepare?: (dir: string) => Promise<void>; env?: Record<string, string>; caches?: boolean } = {}) {
  const dir = await tempProject("e", COHORT);
  if (options.caches !== false) {
    // What an earlier, stopped run of the same cohort and asOf left behind.
    await mkdir(path.join(dir, ".cache", "runs"), { recursive: true });
    await writeFile(path.join(dir, RUN_CACHE), `{"run":{"version":1,"cohort":"e","asOf":"${AS_OF}","pinned":true}}\n{"k":"tag a","v":5}\n`);
    await writeFile(path.join(dir, ".cache", "etags.json"), '{"version":1,"entries":{}}\n');
  }
  await options.prepare?.(dir);
  const before = await allFiles(dir);
  const result = await run(argv, dir, { ...ENV, ...options.env });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(await allFiles(dir)).toEqual(before);
}

const collect = ["collect", "--cohort", "e", "--as-of", AS_OF];

describe("bad input to collect leaves every file as it was, caches included", () => {
  it("an unreadable cohort file", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.yaml: cannot read \(EISDIR\)$/, {
      prepare: async (dir) => {
        await rm(path.join(dir, "config", "e.yaml"));
        await mkdir(path.join(dir, "config", "e.yaml"));
      },
    }));

  it("invalid JSON in a cohort file", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.json: invalid JSON: /, {
      prepare: async (dir) => {
        await rm(path.join(dir, "config", "e.yaml"));
        await writeFile(path.join(dir, "config", "e.json"), '{"cohort": "e", "projects": [');
      },
    }));

  it("a missing rubric", () => expectRefused(collect, /^oss-showdown: config\/rubric\.yaml: file not found$/, { prepare: (dir) => rm(path.join(dir, "config", "rubric.yaml")) }));

  it("an invalid cohort (the first run of a cohort creates no cache)", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.yaml: projects\[0\]\.sponsor: /, {
      caches: false,
      prepare: (dir) => writeFile(path.join(dir, "config", "e.yaml"), COHORT.replace("repositoryQuery: a }", "repositoryQuery: a, sponsor: 7 }")),
    }));

  it("--max-wait that is not a number of seconds", () => expectRefused([...collect, "--max-wait", "soon"], /^oss-showdown: --max-wait: expected a whole number from 0 to 86,400, got "soon"; see 'oss-showdown collect --help'$/));
  it("a negative --max-wait", () => expectRefused([...collect, "--max-wait=-5"], /^oss-showdown: --max-wait: expected a whole number from 0 to 86,400, got "-5"/));
  it("a --max-wait without its value", () => expectRefused(["collect", "--cohort", "e", "--max-wait"], /^oss-showdown: Option '--max-wait <value>' argument missing; see 'oss-showdown collect --help'$/));
  it("an invalid SHOWDOWN_RETRIES", () => expectRefused(collect, /^oss-showdown: SHOWDOWN_RETRIES: expected a whole number from 0 to 10, got "lots"/, { env: { SHOWDOWN_RETRIES: "lots" } }));
  it("an invalid SHOWDOWN_HTTP_TIMEOUT_MS", () => expectRefused(collect, /^oss-showdown: SHOWDOWN_HTTP_TIMEOUT_MS: expected a whole number from 1 to 600,000, got "0"/, { env: { SHOWDOWN_HTTP_TIMEOUT_MS: "0" } }));
  it("an invalid --as-of", () => expectRefused(["collect", "--cohort", "e", "--as-of", "2026-13-01"], /^oss-showdown: --as-of: expected an ISO-8601 date/));

  it.runIf(process.platform === "linux")("a snapshots folder that cannot be written", () =>
    expectRefused(["collect", "--cohort", "e", "--snapshots", "/proc/sys/showdown-snapshots"], /^oss-showdown: \/proc\/sys: not writable; fix its permissions or pass --snapshots DIR$/));

  it.skipIf(process.getuid?.() === 0)("a snapshots folder without write permission", () =>
    expectRefused(collect, /^oss-showdown: snapshots\/e: not writable; fix its permissions or pass --snapshots DIR$/, {
      prepare: async (dir) => {
        await mkdir(path.join(dir, "snapshots", "e"), { recursive: true });
        await chmod(path.join(dir, "snapshots", "e"), 0o555);
      },
    }));

  it("a rubric path out of the config folder (a cohort naming /proc/self/environ): nothing read, printed or cached", async () => {
    const refused = /^oss-showdown: config\/e\.yaml: rubric: "\.\.\/\.\.\/\.\.\/\.\.\/proc\/self\/environ" is outside the config folder .*; name a file in it$/;
    const prepare = (dir: string) => writeFile(path.join(dir, "config", "e.yaml"), `rubric: ../../../../proc/self/environ\n${COHORT}`);
    await expectRefused(collect, refused, { prepare });
    const dir = await tempProject("e", COHORT);
    await prepare(dir);
    const validate = await run(["validate", "--cohort", "e"], dir, { ...ENV, SHOWDOWN_SECRET_IN_ENV: "do-not-print" });
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(new RegExp(refused.source, "m"));
    expect(validate.stdout + validate.stderr).not.toContain("do-not-print");
  });

  it("a rubric that is a link out of the config folder", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.yaml: rubric: "linked\.yaml" is a link to .*outside\.yaml, outside the config folder; copy the file into it$/, {
      prepare: async (dir) => {
        await writeFile(path.join(dir, "outside.yaml"), TEST_RUBRIC_YAML);
        await symlink(path.join(dir, "outside.yaml"), path.join(dir, "config", "linked.yaml"));
        await writeFile(path.join(dir, "config", "e.yaml"), `rubric: linked.yaml\n${COHORT}`);
      },
    }));

  it("a cohort file that is a link out of the config folder", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.yaml: "e\.yaml" is a link to .*elsewhere\/e\.yaml, outside the config folder; copy the file into it$/, {
      prepare: async (dir) => {
        await mkdir(path.join(dir, "elsewhere"));
        await writeFile(path.join(dir, "elsewhere", "e.yaml"), await readFile(path.join(dir, "config", "e.yaml"), "utf8"));
        await rm(path.join(dir, "config", "e.yaml"));
        await symlink(path.join(dir, "elsewhere", "e.yaml"), path.join(dir, "config", "e.yaml"));
      },
    }));

  it("a YAML alias bomb (a billion laughs): one line, no stack trace", () =>
    expectRefused(collect, /^oss-showdown: config\/e\.yaml: invalid YAML: its aliases expand to more than 100 copies; write the values out instead$/, {
      prepare: (dir) =>
        writeFile(
          path.join(dir, "config", "e.yaml"),
          `${COHORT}x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n` +
            Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`).join("\n") +
            "\n",
        ),
    }));

  it("a folder where the snapshot would go: refused before any request", () =>
    expectRefused(collect, /^oss-showdown: snapshots\/e\/2026-11-21\.json: is a folder; remove it, or pass --snapshots DIR$/, {
      prepare: async (dir) => void (await mkdir(path.join(dir, "snapshots", "e", "2026-11-21.json"), { recursive: true })),
    }));

  it("export --out into the snapshots folder (it could replace an input snapshot)", () =>
    expectRefused(["export", "--cohort", "e", "--out", "snapshots/e/2026-11-21.json"], /^oss-showdown: --out snapshots\/e\/2026-11-21\.json: is inside the snapshots folder snapshots; write it elsewhere; see 'oss-showdown export --help'$/, {
      prepare: async (dir) => {
        await mkdir(path.join(dir, "snapshots", "e"), { recursive: true });
        await writeFile(path.join(dir, "snapshots", "e", "2026-11-21.json"), "{}\n");
      },
    }));
});

/** `oss-showdown report` end to end: snapshots and config on disk in, files out. */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/index.js";
import { TOOL } from "../../src/tool.js";
import { run } from "../support/io.js";
import { runCli } from "../support/cli.js";
import { COHORT, CONFIG_FILE, configInfo, configProjects, fixtureConfig, history, projectDir, scored, withRatings, writeFixtureConfig } from "./fixture.js";

async function readAll(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await readdir(dir, { recursive: true })) {
    if (f.endsWith(".svg") || f.endsWith(".md") || f.endsWith(".html")) out.set(f, await readFile(path.join(dir, f), "utf8"));
  }
  return out;
}

async function readBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(dir, { recursive: true })).sort()) if (/\.(svg|md|html|json)$/.test(f)) out.set(f, await readFile(path.join(dir, f)));
  return out;
}

describe("oss-showdown report", () => {
  it("writes index.html, REPORT.md and the charts, and prints the two pages", async () => {
    const dir = await projectDir(history({ days: 10, missing: ["2026-11-15"] }));
    const r = await run(["report"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("report/index.html\nreport/REPORT.md\n");
    expect(r.stderr).toBe(`${COHORT}: report of 9 snapshot(s) up to 2026-11-21, 13 projects, 61 files in report\n`);
    const files = await readAll(path.join(dir, "report"));
    expect(files.size).toBe(61);
    expect(files.get("index.html")).toContain("<h1>Coveo Deep Learning Showdown: deep-learning-2018</h1>");
    expect(files.get("REPORT.md")).toContain(`From \`${CONFIG_FILE}\``);
    // No temp file is left behind.
    expect((await readdir(path.join(dir, "report"), { recursive: true })).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("writes what the pure report renders of the snapshots scored under the config", async () => {
    const snapshots = history({ days: 6, missing: ["2026-11-18"] });
    const dir = await projectDir(snapshots);
    expect((await run(["report"], dir)).code).toBe(0);
    const files = await readAll(path.join(dir, "report"));
    const expected = renderReport({ cohort: COHORT, snapshots: scored(snapshots), skipped: [], config: configInfo(), tool: TOOL });
    expect([...files.keys()].sort()).toEqual(expected.map((f) => f.path).sort());
    for (const f of expected) expect(files.get(f.path), f.path).toBe(f.content);
  });

  it("is byte-identical when run again on the same snapshots, and removes only its own stale charts", async () => {
    const dir = await projectDir(history({ days: 4, missing: [] }));
    expect((await run(["report", "--out", "site"], dir)).code).toBe(0);
    const first = await readAll(path.join(dir, "site"));
    await writeFile(path.join(dir, "site", "svg", "radar-gone.svg"), "<svg/>"); // a project no longer in the cohort
    await writeFile(path.join(dir, "site", "svg", "logo.svg"), "<svg/>"); // someone else's file
    expect((await run(["report", "--out", "site"], dir)).code).toBe(0);
    const second = await readAll(path.join(dir, "site"));
    expect(second.has("svg/radar-gone.svg")).toBe(false);
    expect(second.get("svg/logo.svg")).toBe("<svg/>");
    second.delete("svg/logo.svg");
    expect(second).toEqual(first);
  });

  it("rescores the same snapshots after a rating is edited in the config, leaving the snapshot files as they were", async () => {
    const snapshots = history({ days: 4, missing: [] });
    const dir = await projectDir(snapshots);
    const stored = path.join(dir, "snapshots", COHORT);
    const before = await readBytes(stored);
    expect((await run(["report", "--out", "before"], dir)).code).toBe(0);
    const edited = fixtureConfig({ projects: withRatings(configProjects(), { tensorflow: { sponsor: 0, documentation: 1 } }) });
    await writeFixtureConfig(path.join(dir, "config"), edited);
    expect((await run(["report", "--out", "after"], dir)).code).toBe(0);
    const a = await readAll(path.join(dir, "before"));
    const b = await readAll(path.join(dir, "after"));
    expect(b.get("index.html")).not.toBe(a.get("index.html"));
    expect(b.get("REPORT.md")).not.toBe(a.get("REPORT.md"));
    expect(b.get("REPORT.md")).toContain("**Sponsor** = 0: [“Deep Learning Showdown”, Coveo, 2018](https://source.coveo.com/2018/08/14/deep-learning-showdown/): sponsor of tensorflow");
    // Exactly the report of the snapshots scored under the edited config.
    const expected = renderReport({ cohort: COHORT, snapshots: scored(snapshots, edited), skipped: [], config: configInfo(edited), tool: TOOL });
    for (const f of expected) expect(b.get(f.path), f.path).toBe(f.content);
    // The facts on disk are untouched: nothing derived is stored, so nothing is rewritten.
    expect(await readBytes(stored)).toEqual(before);
  });

  it("fails without a cohort config, which it scores with, and writes nothing", async () => {
    const dir = await projectDir(history({ days: 2, missing: [] }), false);
    const r = await run(["report"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`oss-showdown: config/${COHORT}.yaml: no cohort ${COHORT} (cohorts here: none)\n`);
    await expect(readdir(path.join(dir, "report"))).rejects.toThrow(/ENOENT/);
  });

  it("fails on an invalid cohort config, as every command does", async () => {
    const dir = await projectDir(history({ days: 2, missing: [] }));
    const file = path.join(dir, CONFIG_FILE);
    await writeFile(file, (await readFile(file, "utf8")).replace('"sponsor": 2', '"sponsor": 5'));
    const r = await run(["report"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^oss-showdown: config\/deep-learning-2018\.json: projects\[\d+\]\.sponsor: expected 0, 1 or 2, got 5\n/);
  });

  it("skips a damaged snapshot, naming it on stderr and in the report", async () => {
    const dir = await projectDir(history({ days: 3, missing: [] }));
    await writeFile(path.join(dir, "snapshots", COHORT, "2026-11-18.json"), "{ truncated");
    const r = await run(["report"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^oss-showdown: skipping snapshots\/deep-learning-2018\/2026-11-18\.json: invalid JSON/);
    const html = await readFile(path.join(dir, "report", "index.html"), "utf8");
    expect(html).toContain("snapshots/deep-learning-2018/2026-11-18.json");
    expect(html).toContain("1 snapshot file of the history could not be read");
  });

  it("fails with a clear message when there is no snapshot", async () => {
    const dir = await projectDir([]);
    const r = await run(["report"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("oss-showdown: snapshots/deep-learning-2018: no snapshots of deep-learning-2018; run 'oss-showdown collect' first\n");
  });

  it("is listed in --help and runs from the built CLI", async () => {
    const dir = await projectDir(history({ days: 2, missing: [] }));
    const help = await runCli(["--help"], { cwd: dir });
    expect(help.stdout).toMatch(/\n {2}report +write a static report/);
    const r = await runCli(["report", "--out", "public/report", "--cohort", COHORT], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("public/report/index.html\npublic/report/REPORT.md\n");
    expect((await runCli(["report", "--help"], { cwd: dir })).stdout).toContain("--out DIR");
  });

  it("gives the built CLI's report of a large cohort the same bytes on every run", async () => {
    // 13 projects × 8 = 104.
    const copies = 8;
    const dir = await projectDir(history({ days: 10, missing: [], copies }), fixtureConfig({ copies }));
    const first = await runCli(["report", "--out", "first"], { cwd: dir });
    const second = await runCli(["report", "--out", "second"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toBe(`${COHORT}: report of 10 snapshot(s) up to 2026-11-21, 104 projects, 334 files in first\n`);
    const a = await readBytes(path.join(dir, "first"));
    const b = await readBytes(path.join(dir, "second"));
    expect(a.size).toBe(334);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [f, bytes] of a) expect(bytes.equals(b.get(f)!), f).toBe(true);
  }, 60_000);
});

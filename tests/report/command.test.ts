/** `showdown report` end to end: snapshots and config on disk in, files out. */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../support/io.js";
import { runCli } from "../support/cli.js";
import { COHORT, cohortConfig, history, projectDir } from "./fixture.js";

async function readAll(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await readdir(dir, { recursive: true })) {
    if (f.endsWith(".svg") || f.endsWith(".md") || f.endsWith(".html")) out.set(f, await readFile(path.join(dir, f), "utf8"));
  }
  return out;
}

describe("showdown report", () => {
  it("writes index.html, REPORT.md and the charts, and prints the two pages", async () => {
    const dir = await projectDir(history({ days: 10, missing: ["2026-11-15"] }));
    const r = await run(["report"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("report/index.html\nreport/REPORT.md\n");
    expect(r.stderr).toBe(`${COHORT}: report of 9 snapshot(s) up to 2026-11-21, 13 projects, 58 files in report\n`);
    const files = await readAll(path.join(dir, "report"));
    expect(files.size).toBe(58);
    expect(files.get("index.html")).toContain("<h1>Coveo Deep Learning Showdown: deep-learning-2018</h1>");
    expect(files.get("REPORT.md")).toContain("From `config/deep-learning-2018.yaml`");
    // No temp file is left behind.
    expect((await readdir(path.join(dir, "report"), { recursive: true })).filter((f) => f.includes(".tmp"))).toEqual([]);
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

  it("reports without a cohort config, saying the rating sources are unknown", async () => {
    const dir = await projectDir(history({ days: 2, missing: [] }), false);
    const r = await run(["report"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no cohort config, so no rating sources");
    expect(await readFile(path.join(dir, "report", "index.html"), "utf8")).toContain("there is no cohort config config/deep-learning-2018.yaml");
  });

  it("fails on an invalid cohort config, as every command does", async () => {
    const dir = await projectDir(history({ days: 2, missing: [] }), cohortConfig().replace('"sponsor": 2', '"sponsor": 5'));
    const r = await run(["report"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^showdown: config\/deep-learning-2018\.yaml: projects\[\d+\]\.sponsor: expected 0, 1 or 2, got 5\n/);
  });

  it("skips a damaged snapshot, naming it on stderr and in the report", async () => {
    const dir = await projectDir(history({ days: 3, missing: [] }));
    await writeFile(path.join(dir, "snapshots", COHORT, "2026-11-18.json"), "{ truncated");
    const r = await run(["report"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^showdown: skipping snapshots\/deep-learning-2018\/2026-11-18\.json: invalid JSON/);
    const html = await readFile(path.join(dir, "report", "index.html"), "utf8");
    expect(html).toContain("snapshots/deep-learning-2018/2026-11-18.json");
    expect(html).toContain("1 snapshot file of the history could not be read");
  });

  it("fails with a clear message when there is no snapshot", async () => {
    const dir = await projectDir([]);
    const r = await run(["report"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("showdown: snapshots/deep-learning-2018: no snapshots of deep-learning-2018; run 'showdown collect' first\n");
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
});

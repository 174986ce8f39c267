/** The report with a hostile project name (issue 20): a NUL and a line break change nothing around the name. */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { run } from "../support/io.js";
import { history, projectDir } from "./fixture.js";

it("a NUL and a line break in a project's name: no file holds a NUL (SVG stays XML), REPORT.md's row stays one row", async () => {
  const snapshots = history({ days: 3 }).map((s) => ({ ...s, projects: s.projects.map((p, i) => (i === 0 ? { ...p, name: "Nul\u0000Name\n| row" } : p)) }));
  const dir = await projectDir(snapshots);
  expect((await run(["report"], dir)).code).toBe(0);
  const files = (await readdir(path.join(dir, "report"), { recursive: true })).filter((f) => /\.(svg|md|html)$/.test(f));
  const named: string[] = [];
  for (const f of files) {
    const text = await readFile(path.join(dir, "report", f), "utf8");
    expect(text, f).not.toContain("\u0000");
    if (text.includes("NulName")) named.push(f);
  }
  expect(named.filter((f) => f.endsWith(".svg")).length).toBeGreaterThan(0);
  const rows = (await readFile(path.join(dir, "report", "REPORT.md"), "utf8")).split("\n").filter((l) => l.includes("NulName"));
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row, row).toMatch(/NulName (\\\||&#124;) row/);
});

/**
 * The report's charts written on a thread of their own while they are drawn (src/cli/chart-writer.ts),
 * as the built CLI runs it: the same files as written in one thread, and a failure named.
 */
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../support/cli.js";
import { history, projectDir } from "./fixture.js";

// The thread only exists in the built code (dist/), as the reader threads do.
const { chartWriter } = (await import(path.join(ROOT, "dist", "cli", "chart-writer.js"))) as typeof import("../../src/cli/chart-writer.js");

async function readAll(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(dir, { recursive: true })).sort()) if (/\.(svg|md|html)$/.test(f)) out.set(f, await readFile(path.join(dir, f)));
  return out;
}

describe("the chart writer", () => {
  it("writes every file it is handed, whole, on its thread", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-charts-"));
    const writer = chartWriter(true);
    const files = Array.from({ length: 300 }, (_, i) => ({ file: path.join(dir, "svg", `c-${i}.svg`), content: `<svg>${"x".repeat(i * 37)}</svg>` }));
    for (const f of files) writer.write(f.file, f.content);
    await writer.done();
    for (const f of files) expect(await readFile(f.file, "utf8")).toBe(f.content);
    expect((await readdir(path.join(dir, "svg"))).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("reports the first file it could not write, and writes none after it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-charts-"));
    await writeFile(path.join(dir, "svg"), "a file where the folder should be");
    const writer = chartWriter(true);
    writer.write(path.join(dir, "ok.svg"), "<svg/>");
    writer.write(path.join(dir, "svg", "a.svg"), "<svg/>");
    writer.write(path.join(dir, "after.svg"), "<svg/>");
    await expect(writer.done()).rejects.toThrow(`${path.join(dir, "svg", "a.svg")}: cannot write (`);
    expect((await readdir(dir)).sort()).toEqual(["ok.svg", "svg"]);
  });

  it("gives the built CLI's report the same bytes as writing in one thread, for a cohort large enough to use it", async () => {
    // 13 projects × 8 = 104: past the 100 from which the charts get a thread of their own.
    const dir = await projectDir(history({ days: 10, missing: [], copies: 8 }), false);
    const threaded = await runCli(["report", "--out", "threaded"], { cwd: dir, env: { SHOWDOWN_THREADS: "2" } });
    const single = await runCli(["report", "--out", "single"], { cwd: dir, env: { SHOWDOWN_THREADS: "0" } });
    expect(threaded.code, threaded.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    expect(threaded.stderr).toContain("104 projects, 331 files in threaded");
    const a = await readAll(path.join(dir, "threaded"));
    const b = await readAll(path.join(dir, "single"));
    expect(a.size).toBe(331);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [f, bytes] of a) expect(bytes.equals(b.get(f)!), f).toBe(true);
  }, 60_000);
});

/**
 * A long history is read on two threads (src/score/parallel.ts): the built CLI, with its worker, must
 * write exactly what one thread writes (the TypeScript sources run in-process have no worker to start),
 * damaged files and secrets included; a worker that fails leaves its files to this thread.
 */
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { MIN_FILES } from "../../src/score/parallel.js";
import { loadCohort } from "../../src/config/load.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { COHORT, fixtureHistory, historyDir } from "../helpers/history.js";
import { CLI, ROOT, runCli } from "../support/cli.js";
import { runInProcess } from "../support/io.js";

const SECRET = "ghp_parallelSecret0123456789abcdefABCDEF";
const DAY = 86_400_000;

/** MIN_FILES + 6 daily snapshots from the fixture's three, each day's figures a little different; one project's name holds the secret. */
function longHistory(): Snapshot[] {
  const base = fixtureHistory();
  return Array.from({ length: MIN_FILES + 6 }, (_, d) => {
    const s = structuredClone(base[d % base.length]!);
    s.asOf = new Date(Date.parse("2018-01-01T06:00:00Z") + d * DAY).toISOString().replace(".000Z", "Z");
    s.generatedAt = s.asOf;
    s.projects.forEach((p, i) => {
      if (p.raw.stars !== null && p.raw.stars !== undefined) p.raw.stars += d * (i + 1);
      if (p.raw.mergedPullRequests !== null && p.raw.mergedPullRequests !== undefined) p.raw.mergedPullRequests += (d * 7 + i) % 13;
    });
    s.projects[0]!.name = `TensorFlow ${SECRET}`;
    return s;
  });
}

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else out.set(path.relative(dir, path.join(d, e.name)), await readFile(path.join(d, e.name), "utf8"));
    }
  };
  await walk(dir);
  return out;
}

const env = { GITHUB_TOKEN: SECRET };
// The worker runs where the product runs it: the built package, on more than one core.
const twoThreads = existsSync(path.join(ROOT, "dist", "score", "parallel-worker.js")) && os.availableParallelism() > 1;

describe.skipIf(!twoThreads)("a long history on two threads", () => {
  it("score --all --format json, export --long and report write what one thread writes", async () => {
    expect(existsSync(CLI)).toBe(true);
    const dir = await historyDir(longHistory());
    for (const args of [["score", "--all", "--format", "json"], ["export", "--long"], ["export", "--long", "--delimiter", ";", "--decimal", ",", "--precision", "2"]]) {
      const two = await runCli(args, { cwd: dir, env });
      const one = await runInProcess(args, { cwd: dir, env });
      expect(two.stderr, args.join(" ")).toBe("");
      expect(two.code).toBe(0);
      expect(two.stdout.split("\n").length).toBeGreaterThan(MIN_FILES);
      expect(two.stdout, args.join(" ")).toBe(one.stdout);
      expect(two.stdout).not.toContain(SECRET);
    }
    const two = await runCli(["report", "--out", "two"], { cwd: dir, env });
    const one = await runInProcess(["report", "--out", "one"], { cwd: dir, env });
    expect([two.code, one.code]).toEqual([0, 0]);
    const [a, b] = [await filesOf(path.join(dir, "two")), await filesOf(path.join(dir, "one"))];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, text] of a) expect(text.replaceAll("two", "one"), file).toBe(b.get(file)!.replaceAll("two", "one"));
    expect(a.get("index.html")).not.toContain(SECRET);
  });

  it("damaged files, one on each thread: skipped in file order with --skip-invalid, else the first stops the run", async () => {
    const dir = await historyDir(longHistory());
    const folder = path.join(dir, "snapshots", COHORT);
    const names = (await readdir(folder)).sort();
    // Files 2 and 3: with the worker's share of 0.6, this thread reads file 2 and the worker file 3.
    await writeFile(path.join(folder, names[2]!), "{ truncated");
    await writeFile(path.join(folder, names[3]!), JSON.stringify({ schemaVersion: 2 }));
    for (const args of [["score", "--all", "--format", "json", "--skip-invalid"], ["export", "--long", "--skip-invalid"], ["score", "--all", "--format", "json"], ["export", "--long"]]) {
      const two = await runCli(args, { cwd: dir, env });
      const one = await runInProcess(args, { cwd: dir, env });
      expect({ code: two.code, stderr: two.stderr, stdout: two.stdout }, args.join(" ")).toEqual({ code: one.code, stderr: one.stderr, stdout: one.stdout });
      if (args.includes("--skip-invalid")) expect(two.stderr.match(/skipped [^:]+/g)).toEqual([`skipped snapshots/${COHORT}/${names[2]}`, `skipped snapshots/${COHORT}/${names[3]}`]);
      else expect(two.stderr).toMatch(new RegExp(`^oss-showdown: snapshots/${COHORT}/${names[2]}: invalid JSON`));
    }
  });

  it("a worker that cannot run leaves every file to this thread: the same results, in order", async () => {
    const dir = await historyDir(longHistory());
    const { cohort, rubric } = await loadCohort(path.join(dir, "config"), COHORT);
    const config = { rubric, projects: cohort.projects };
    // The built module, whose worker exists: the task it is given cannot be loaded there.
    const built = (await import(pathToFileURL(path.join(ROOT, "dist", "score", "parallel.js")).href)) as typeof import("../../src/score/parallel.js");
    const factory = () => (columns: { snapshot: Snapshot }) => columns.snapshot.asOf;
    const files = (await readdir(path.join(dir, "snapshots", COHORT))).sort().map((f) => path.join(dir, "snapshots", COHORT, f));
    const read = { skipInvalid: false, onSkip() {} };
    const got: string[] = [];
    for await (const { result } of built.resultsInOrder<string>(files, COHORT, config, { factory, module: pathToFileURL(path.join(dir, "no-such-task.js")).href, name: "x" }, read)) got.push(result);
    expect(got).toEqual(longHistory().map((s) => s.asOf));
  });
});


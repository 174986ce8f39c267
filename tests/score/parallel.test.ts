/**
 * A long history is read on two threads (src/score/parallel.ts): the built CLI, with its worker, must
 * write exactly what one thread writes (the TypeScript sources run in-process have no worker to start),
 * damaged files and secrets included; a worker that fails leaves its files to this thread.
 */
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { MIN_FILES, resultsInOrder, type WorkerAnswer, type WorkerLike } from "../../src/score/parallel.js";
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

  it("damaged files, whichever thread reads them: skipped in file order with --skip-invalid, else the first stops the run", async () => {
    const dir = await historyDir(longHistory());
    const folder = path.join(dir, "snapshots", COHORT);
    const names = (await readdir(folder)).sort();
    // Which thread takes a file depends on timing: damage files all along (the scripted worker below
    // shows a damaged file on each thread for certain).
    const damaged = names.map((_, k) => k).filter((k) => k % 9 === 2 || k % 9 === 3);
    for (const k of damaged) await writeFile(path.join(folder, names[k]!), k % 9 === 2 ? "{ truncated" : JSON.stringify({ schemaVersion: 2 }));
    for (const args of [["score", "--all", "--format", "json", "--skip-invalid"], ["export", "--long", "--skip-invalid"], ["score", "--all", "--format", "json"], ["export", "--long"]]) {
      const two = await runCli(args, { cwd: dir, env });
      const one = await runInProcess(args, { cwd: dir, env });
      expect({ code: two.code, stderr: two.stderr, stdout: two.stdout }, args.join(" ")).toEqual({ code: one.code, stderr: one.stderr, stdout: one.stdout });
      if (args.includes("--skip-invalid")) expect(two.stderr.match(/skipped [^:]+/g)).toEqual(damaged.map((k) => `skipped snapshots/${COHORT}/${names[k]}`));
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


/**
 * A worker that answers as scripted, on the event loop as a real one would: ready once resultsInOrder
 * listens, each answer a turn after its question. `answer` may stop it ("stop": it exits).
 */
class ScriptedWorker extends EventEmitter {
  readonly asked: number[] = [];
  constructor(private readonly answer: (k: number, file: string) => WorkerAnswer<string> | "stop") {
    super();
    process.nextTick(() => this.emit("message", { ready: true }));
  }
  postMessage({ k, file }: { k: number; file: string }): void {
    this.asked.push(k);
    setImmediate(() => {
      const a = this.answer(k, file);
      if (a === "stop") this.emit("exit", 1);
      else this.emit("message", a);
    });
  }
  terminate(): Promise<number> {
    return Promise.resolve(0);
  }
}

describe("how files are shared between the threads", () => {
  async function setUp() {
    const dir = await historyDir(longHistory());
    const { cohort, rubric } = await loadCohort(path.join(dir, "config"), COHORT);
    const folder = path.join(dir, "snapshots", COHORT);
    const files = (await readdir(folder)).sort().map((f) => path.join(folder, f));
    return { config: { rubric, projects: cohort.projects }, files, dates: files.map((f) => path.basename(f, ".json")) };
  }
  // This thread's result names its thread and the file's date; the scripted worker's does the same.
  const task = { factory: () => (columns: { snapshot: Snapshot }) => `main ${columns.snapshot.asOf.slice(0, 10)}`, module: "unused", name: "unused" };
  const fromWorker = (k: number, file: string): WorkerAnswer<string> => ({ k, result: `worker ${path.basename(file, ".json")}` });

  it("each file read once, by either thread, and given out in file order", async () => {
    const { config, files, dates } = await setUp();
    const worker = new ScriptedWorker(fromWorker);
    const got: string[] = [];
    for await (const { result } of resultsInOrder(files, COHORT, config, task, { skipInvalid: false, onSkip() {} }, () => worker as unknown as WorkerLike)) got.push(result);
    expect(got.map((r) => r.split(" ")[1])).toEqual(dates);
    // The worker's files are the ones it was asked; this thread read the others, before and while it did.
    expect(got.map((r, k) => [r.split(" ")[0], worker.asked.includes(k)])).toEqual(got.map((_, k) => [worker.asked.includes(k) ? "worker" : "main", worker.asked.includes(k)]));
    expect(new Set(worker.asked).size).toBe(worker.asked.length);
    expect(worker.asked.length).toBeGreaterThan(files.length / 4);
    expect(files.length - worker.asked.length).toBeGreaterThan(files.length / 4);
  });

  it("damaged files on either thread: skipped in file order, or the first stops the iteration", async () => {
    const { config, files, dates } = await setUp();
    const damaged = new Set(files.map((_, k) => k).filter((k) => k % 5 === 1));
    for (const k of damaged) await writeFile(files[k]!, "{ truncated");
    const worker = () =>
      new ScriptedWorker((k, file) => (damaged.has(k) ? { k, skipped: { file, problem: "invalid JSON (scripted)" } } : fromWorker(k, file)));
    let started: ScriptedWorker | undefined;
    const start = () => (started = worker()) as unknown as WorkerLike;
    const skipped: string[] = [];
    const got: string[] = [];
    for await (const { result } of resultsInOrder(files, COHORT, config, task, { skipInvalid: true, onSkip: (e) => skipped.push(e.file) }, start)) got.push(result);
    expect(skipped).toEqual(files.filter((_, k) => damaged.has(k)));
    expect(got.map((r) => r.split(" ")[1])).toEqual(dates.filter((_, k) => !damaged.has(k)));
    // Some damaged files were the worker's, some this thread's.
    const atWorker = [...damaged].filter((k) => started!.asked.includes(k));
    expect(atWorker.length).toBeGreaterThan(0);
    expect(atWorker.length).toBeLessThan(damaged.size);

    const before: string[] = [];
    const stop = async () => {
      for await (const { result } of resultsInOrder(files, COHORT, config, task, { skipInvalid: false, onSkip() {} }, start)) before.push(result);
    };
    await expect(stop()).rejects.toMatchObject({ file: files[1] });
    expect(before.map((r) => r.split(" ")[1])).toEqual([dates[0]]);
  });

  it("a worker that stops part way leaves its files to this thread: every file, in order", async () => {
    const { config, files, dates } = await setUp();
    let answered = 0;
    const worker = new ScriptedWorker((k, file) => (++answered > 5 ? "stop" : fromWorker(k, file)));
    const got: string[] = [];
    for await (const { result } of resultsInOrder(files, COHORT, config, task, { skipInvalid: false, onSkip() {} }, () => worker as unknown as WorkerLike)) got.push(result);
    expect(got.map((r) => r.split(" ")[1])).toEqual(dates);
    expect(got.filter((r) => r.startsWith("worker"))).toHaveLength(5);
  });
});

/**
 * The per-file work of a view over a long history (read, validate, score, then the view's own part)
 * shared between this thread and one worker thread, results in file order. Files are independent,
 * and on one thread the views over a year of 1,000 projects missed their 5 s targets
 * (docs/performance.md); below MIN_FILES files, or with one core, all runs on this thread.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { SnapshotError } from "../errors.js";
import { registeredSecrets } from "../format/plain.js";
import { checkPlacement, parseSnapshot, readSnapshotJson } from "../snapshot/store.js";
import type { ReadOptions } from "../snapshot/history.js";
import { Scorer, type ScoredColumns, type ScoringConfig } from "./snapshot.js";

/** Fewer files than this are read on one thread: a worker takes a moment to start (its modules, the config). */
export const MIN_FILES = 64;

/** The worker's old generation: it holds the config and one file at a time (the bench's 1,000 projects fit). */
const WORKER_HEAP_MB = 128;

/**
 * A view's per-file part: `factory`, called once per thread with the config and `options`, gives the
 * function that turns a file's scored columns into the view's result. The worker imports it as
 * `name` of `module` (a URL of the built module). A result crosses threads by structured clone, its
 * ArrayBuffers moved (see `transferOf`).
 */
export interface FileTask<R = unknown> {
  factory: TaskFactory<R>;
  module: string;
  name: string;
  options?: unknown;
  /** The share of the files the worker takes (default half): more when this thread has the output to write. */
  workerShare?: number;
}

export type TaskFactory<R> = (config: ScoringConfig, options: unknown) => (columns: ScoredColumns) => R;

/** The message a worker sends for file k. */
export type WorkerAnswer<R> = { k: number; result: R } | { k: number; skipped: { file: string; problem: string } } | { k: number; failed: string };

const WORKER = new URL("./parallel-worker.js", import.meta.url);

/**
 * The ArrayBuffers of a result (typed arrays and buffers at its top level or one level down), moved
 * rather than copied: a task's result must not share memory with what the task keeps. A small Buffer
 * may be a slice of Node's shared pool, which must stay: it is copied.
 */
export function transferOf(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (v: unknown) => {
    if (!ArrayBuffer.isView(v) || !(v.buffer instanceof ArrayBuffer)) return;
    if (v.buffer.byteLength > Buffer.poolSize || (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength)) out.add(v.buffer);
  };
  // Plain objects are looked into, never a typed array's own elements.
  const inside = (v: unknown): unknown[] => (typeof v === "object" && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v) ? Object.values(v) : []);
  add(result);
  for (const v of inside(result)) {
    add(v);
    for (const w of inside(v)) add(w);
  }
  return [...out];
}

/** One file's result on this thread, or the SnapshotError that skips or stops it. */
export function runFile<R>(file: string, cohort: string, scorer: Scorer, fn: (columns: ScoredColumns) => R): R {
  const snapshot = parseSnapshot(file, readSnapshotJson(file));
  checkPlacement(file, snapshot, cohort);
  return fn(scorer.columns(snapshot));
}

/** Whether a worker can run here: the built package (the worker is JavaScript) and more than one core. */
function workerAvailable(files: number): boolean {
  return files >= MIN_FILES && os.availableParallelism() > 1 && existsSync(fileURLToPath(WORKER));
}

/**
 * Each file's result, in the order given; a damaged file stops the iteration with its SnapshotError,
 * or with `skipInvalid` is reported through onSkip and passed over, where eachSnapshot would.
 */
export async function* resultsInOrder<R>(files: readonly string[], cohort: string, config: ScoringConfig, task: FileTask<R>, read: ReadOptions): AsyncGenerator<{ file: string; result: R }> {
  const fn = task.factory(config, task.options);
  const scorer = new Scorer(config);
  const own = (k: number): { result: R } | { error: SnapshotError } => {
    try {
      return { result: runFile(files[k]!, cohort, scorer, fn) };
    } catch (error) {
      if (error instanceof SnapshotError) return { error };
      throw error;
    }
  };
  const settle = (file: string, outcome: { result: R } | { error: SnapshotError }): { file: string; result: R } | undefined => {
    if ("result" in outcome) return { file, result: outcome.result };
    if (!read.skipInvalid) throw outcome.error;
    read.onSkip(outcome.error);
    return undefined;
  };

  if (!workerAvailable(files.length)) {
    for (let k = 0; k < files.length; k++) {
      const done = settle(files[k]!, own(k));
      if (done) yield done;
    }
    return;
  }

  // The files are dealt by the worker's share (every other one for a half), so that neither waits long for the other.
  const share = task.workerShare ?? 0.5;
  const theWorkers = (k: number) => Math.floor((k + 1) * share) > Math.floor(k * share);
  // Its heap is capped, so that both threads' stay well under a view's 500 MB target; a file too large
  // for it (the worker stops, out of memory) is read here instead, as is every file after it.
  const worker = new Worker(WORKER, {
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    workerData: { cohort, config, task: { module: task.module, name: task.name, options: task.options }, secrets: registeredSecrets() },
  });
  const answers = new Map<number, WorkerAnswer<R>>();
  let waiting: { k: number; resolve: (a: WorkerAnswer<R>) => void } | undefined;
  let broken: Error | undefined;
  const fail = (error: Error) => {
    broken ??= error;
    if (waiting) waiting.resolve({ k: waiting.k, failed: error.message });
  };
  worker.on("message", (a: WorkerAnswer<R>) => {
    if (waiting?.k === a.k) {
      const w = waiting;
      waiting = undefined;
      w.resolve(a);
    } else answers.set(a.k, a);
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the reading thread stopped (exit ${code})`)));
  // Two files asked ahead at most: a worker running ahead would pile its results up here.
  let next = 0;
  const ask = () => {
    while (next < files.length && !theWorkers(next)) next++;
    if (next >= files.length) return;
    worker.postMessage({ k: next, file: files[next] });
    next++;
  };
  try {
    ask();
    ask();
    for (let k = 0; k < files.length; k++) {
      let done: { file: string; result: R } | undefined;
      if (!theWorkers(k)) done = settle(files[k]!, own(k));
      else {
        const answer = answers.get(k) ?? (broken ? { k, failed: broken.message } : await new Promise<WorkerAnswer<R>>((resolve) => (waiting = { k, resolve })));
        answers.delete(k);
        // A file the worker could not do (it stopped, or failed on it) is done here: the same outcome, or the same error.
        if ("failed" in answer) done = settle(files[k]!, own(k));
        else done = "skipped" in answer ? settle(files[k]!, { error: new SnapshotError(answer.skipped.file, answer.skipped.problem) }) : { file: files[k]!, result: answer.result };
        if (!broken) ask();
      }
      if (done) yield done;
    }
  } finally {
    worker.removeAllListeners("exit");
    await worker.terminate();
  }
}

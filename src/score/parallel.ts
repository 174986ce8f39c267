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
}

export type TaskFactory<R> = (config: ScoringConfig, options: unknown) => (columns: ScoredColumns) => R;

/** A file's result, or the SnapshotError that skips or stops it. */
type Outcome<R> = { result: R } | { error: SnapshotError };

/** Files the worker is asked ahead of its answers, and results kept waiting for an earlier one. */
const AHEAD = 2;
const LOOKAHEAD = 8;

/** The message a worker sends for file k (and { ready: true } once, when it can take files). */
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

/** What a worker is started with (workerData), and what resultsInOrder needs of the thread it starts. */
export interface WorkerData {
  cohort: string;
  config: ScoringConfig;
  task: Omit<FileTask, "factory">;
  secrets: string[];
}
export type WorkerLike = Pick<Worker, "postMessage" | "on" | "removeAllListeners" | "terminate">;
export type StartWorker = (files: number, data: WorkerData) => WorkerLike | undefined;

/**
 * The worker for `files` files, or undefined where one thread does: fewer than MIN_FILES files, one
 * core, or the TypeScript sources (the worker is the built JavaScript). Its heap is capped, so that
 * both threads' stay well under a view's 500 MB target; a file too large for it (the worker stops,
 * out of memory) is read on the main thread instead.
 */
export const startWorker: StartWorker = (files, data) =>
  files >= MIN_FILES && os.availableParallelism() > 1 && existsSync(fileURLToPath(WORKER))
    ? new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, workerData: data })
    : undefined;

/**
 * Each file's result, in the order given; a damaged file stops the iteration with its SnapshotError,
 * or with `skipInvalid` is reported through onSkip and passed over, where eachSnapshot would.
 */
export async function* resultsInOrder<R>(
  files: readonly string[],
  cohort: string,
  config: ScoringConfig,
  task: FileTask<R>,
  read: ReadOptions,
  start: StartWorker = startWorker,
): AsyncGenerator<{ file: string; result: R }> {
  const fn = task.factory(config, task.options);
  const scorer = new Scorer(config);
  const own = (k: number): Outcome<R> => {
    try {
      return { result: runFile(files[k]!, cohort, scorer, fn) };
    } catch (error) {
      if (error instanceof SnapshotError) return { error };
      throw error;
    }
  };
  const settle = (file: string, outcome: Outcome<R>): { file: string; result: R } | undefined => {
    if ("result" in outcome) return { file, result: outcome.result };
    if (!read.skipInvalid) throw outcome.error;
    read.onSkip(outcome.error);
    return undefined;
  };

  const worker = start(files.length, { cohort, config, task: { module: task.module, name: task.name, options: task.options }, secrets: registeredSecrets() });
  if (!worker) {
    for (let k = 0; k < files.length; k++) {
      const done = settle(files[k]!, own(k));
      if (done) yield done;
    }
    return;
  }
  // Files are taken in order by whichever thread is free: the worker, once started, is kept AHEAD files
  // ahead; this thread takes the next file nobody has when the result it must give next is not back
  // yet. Results wait here at most LOOKAHEAD files ahead of the one given out next.
  const done = new Map<number, Outcome<R> | "failed">();
  const atWorker = new Set<number>();
  let next = 0;
  let giving = 0;
  let ready = false;
  let broken = false;
  let wake: (() => void) | undefined;
  const feed = () => {
    while (ready && !broken && atWorker.size < AHEAD && next < files.length && next - giving < LOOKAHEAD) {
      worker.postMessage({ k: next, file: files[next] });
      atWorker.add(next++);
    }
  };
  const fail = () => {
    broken = true;
    // What the worker had is done here: the same outcome, or the same error.
    for (const k of atWorker) done.set(k, "failed");
    atWorker.clear();
    wake?.();
  };
  worker.on("message", (a: WorkerAnswer<R> | { ready: true }) => {
    if ("ready" in a) ready = true;
    else {
      atWorker.delete(a.k);
      done.set(a.k, "failed" in a ? "failed" : "skipped" in a ? { error: new SnapshotError(a.skipped.file, a.skipped.problem) } : { result: a.result });
    }
    feed();
    wake?.();
  });
  worker.on("error", fail);
  worker.on("exit", fail);
  // Worker messages arrive only while this thread waits: it lets them in after each file it reads.
  const letIn = () => new Promise<void>((resolve) => setImmediate(resolve));
  try {
    for (let k = 0; k < files.length; k++) {
      giving = k;
      feed();
      while (!done.has(k)) {
        if (next <= k || (next < files.length && next - k < LOOKAHEAD)) {
          // File k if nobody has it, else the next one nobody has while the worker finishes k.
          const j = next++;
          done.set(j, own(j));
          await letIn();
        } else await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const outcome = done.get(k)!;
      done.delete(k);
      const result = settle(files[k]!, outcome === "failed" ? own(k) : outcome);
      if (result) yield result;
    }
  } finally {
    worker.removeAllListeners("exit");
    await worker.terminate();
  }
}

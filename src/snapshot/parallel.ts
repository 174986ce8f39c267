/**
 * Reads many snapshot files on worker threads, each reduced there to what the command needs, and
 * yields the results in file order. A year of daily snapshots of 1,000 projects is a gigabyte of JSON:
 * parsing and checking it is most of what history, export --long, score and report cost, and it
 * splits across cores. Only the reductions (a series point, a chunk of CSV, a summary) cross back, so
 * the history is never in memory at once, on any thread.
 *
 * A task is a function exported by a module: (snapshot, file, arg) => result, where the result can be
 * structured-cloned. The same function runs in this thread when workers are not worth it (a few files)
 * or not possible (running from TypeScript sources, as the tests do), so the output never depends on
 * where it ran. Damaged files behave exactly as in eachSnapshot: in file order, the first one stops the
 * iteration with its SnapshotError, or with skipInvalid is reported through onSkip and passed over.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ShowdownError, SnapshotError, UsageError, WriteError } from "../errors.js";
import type { Digest } from "./digest.js";
import { loadStamps, pruneDigests, readDigest, saveStamps, type Known, type Stamp } from "./digest-store.js";
import type { ReadOptions } from "./history.js";
import type { Snapshot } from "./schema.js";
import { listSnapshots, readSnapshot } from "./store.js";

export interface SnapshotTask {
  /** URL of the module that exports the task (import.meta.url of its module). */
  module: string;
  /** The exported function: (snapshot, file, arg) => result, or a promise of it. */
  name: string;
  /** Passed to every call; structured-cloned once per worker. */
  arg?: unknown;
  /**
   * "digest": the function takes the file's digest (digest.ts) instead of the snapshot, from the
   * digest cache when it has one for the file's bytes: far cheaper than parsing the file.
   */
  input?: "snapshot" | "digest";
  /** For "digest": the digest must keep the projects' ratings (see Digest.ratingsText). */
  ratings?: boolean;
  /**
   * For "digest": an exported function (source, file, arg) => result or undefined, asked once the
   * SHA-256 of the file's bytes is known (from its stamp, or read and hashed), before its digest is
   * loaded. A result stands for the task's, and the digest is not loaded (score's verdicts).
   */
  bySource?: string;
}

export type TaskFunction<A, R> = (snapshot: Snapshot, file: string, arg: A) => R | Promise<R>;
export type DigestTaskFunction<A, R> = (input: DigestInput, file: string, arg: A) => R | Promise<R>;
export type SourceTaskFunction<A, R> = (source: string, file: string, arg: A) => R | undefined;

/** A task's functions, once its module is loaded. */
export interface LoadedTask {
  fn: TaskFunction<unknown, unknown>;
  bySource?: SourceTaskFunction<unknown, unknown>;
}

/** What a digest task is given for a file. */
export interface DigestInput {
  digest: Digest;
  /** SHA-256 of the file's bytes (those the digest is of). */
  source: string;
  /** The file's bytes, when they were read (a file whose stamp tells its content is not read). */
  bytes?: Buffer;
  /** The digest cache's folder, null when it is off (for a task that writes the file anew). */
  digests: string | null;
  /** The snapshot, when the file had to be parsed (it had no digest yet). */
  snapshot?: Snapshot;
  /** The stamp that told the file's content, when it was not read (digest-store.ts's readStamped). */
  stamp?: Stamp;
}

/** What a worker sends back for one file. */
export type Outcome =
  | { index: number; ok: true; result: unknown; source?: string; known?: Known }
  | { index: number; ok: false; snapshotError?: { file: string; problem: string }; error?: { name: string; message: string; stack?: string } };

const WORKER = new URL("./worker.js", import.meta.url);
/** Workers run compiled JavaScript: from the TypeScript sources (tests) everything runs in this thread. */
const WORKERS_POSSIBLE = import.meta.url.endsWith(".js") && existsSync(fileURLToPath(WORKER));

/** Fewer files than this are read in this thread: starting a worker costs about as much as reading a few. */
const MIN_FILES_FOR_WORKERS = 8;
const MAX_THREADS = 4;

/**
 * How many worker threads to read `files` snapshot files with: 0 (this thread) for a few files or a
 * single core, else one per core up to 4 (each holds a snapshot or two: ~100 MB for 1,000 projects).
 * SHOWDOWN_THREADS=N overrides it (0: never use workers).
 */
export function readThreads(env: NodeJS.ProcessEnv, files: number): number {
  const forced = env.SHOWDOWN_THREADS;
  if (forced !== undefined && forced !== "") {
    const n = Number(forced);
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`SHOWDOWN_THREADS: expected a whole number from 0 to 64, got ${JSON.stringify(forced)}`);
    return WORKERS_POSSIBLE ? Math.min(n, Math.max(1, files)) : 0;
  }
  const cores = os.availableParallelism();
  if (!WORKERS_POSSIBLE || files < MIN_FILES_FOR_WORKERS || cores < 2) return 0;
  return Math.min(cores, MAX_THREADS);
}

/** How a task reads its files: in full, or as digests (cached in `digests`, none when null). */
export interface Reader {
  input: "snapshot" | "digest";
  digests: string | null;
  /** Digests with the projects' ratings. */
  ratings: boolean;
}

// A thread is given two files at a time and works on both while either waits for the disk. But a
// file without a digest yet is parsed, and its snapshot kept until its task is done: two such at once
// per thread, and two threads passed 500 MB (score over a year of 1,000 projects, cold: 533 MB,
// against 433-476 MB one file at a time). So a thread parses a file only once the task of the last
// file it parsed is done. (One file at a time throughout cost export --long about a second.)
let parsing: Promise<void> = Promise.resolve();

/** Waits for this thread's turn to parse a file; returns what ends the turn. */
async function turnToParse(): Promise<() => void> {
  let end!: () => void;
  const previous = parsing;
  parsing = previous.then(() => new Promise<void>((resolve) => (end = resolve)));
  await previous;
  return end;
}

/** Runs a task on one file in this thread; what a worker does for each file it is given. */
export async function runTask({ fn, bySource }: LoadedTask, index: number, file: string, arg: unknown, reader: Reader, known?: Known): Promise<Outcome> {
  let endTurn: (() => void) | undefined;
  try {
    if (reader.input === "digest") {
      let early: unknown;
      const read = await readDigest(file, reader.digests, known, reader.ratings, {
        beforeParse: async () => {
          endTurn = await turnToParse();
        },
        enough: bySource && ((source: string) => (early = bySource(source, file, arg)) !== undefined),
      });
      if (!read.digest) return { index, ok: true, result: early, source: read.source, known: read.known };
      const result = await (fn as unknown as DigestTaskFunction<unknown, unknown>)({ ...read, digests: reader.digests }, file, arg);
      return { index, ok: true, result, source: read.source, known: read.known };
    }
    return { index, ok: true, result: await fn(await readSnapshot(file), file, arg) };
  } catch (error) {
    if (error instanceof SnapshotError) return { index, ok: false, snapshotError: { file: error.file, problem: error.problem } };
    const e = error instanceof Error ? error : new Error(String(error));
    return { index, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
  } finally {
    endTurn?.();
  }
}

export async function loadTask(task: SnapshotTask): Promise<LoadedTask> {
  const exports = (await import(task.module)) as Record<string, unknown>;
  const named = <F>(name: string) => {
    if (typeof exports[name] !== "function") throw new Error(`${task.module} exports no function ${name}`);
    return exports[name] as F;
  };
  return { fn: named(task.name), bySource: task.bySource === undefined ? undefined : named(task.bySource) };
}

/** The error a failed outcome stands for, as the same class where it is one of showdown's. */
function rebuild(outcome: Extract<Outcome, { ok: false }>): Error {
  if (outcome.snapshotError) return new SnapshotError(outcome.snapshotError.file, outcome.snapshotError.problem);
  const { name, message, stack } = outcome.error!;
  const Class = name === "WriteError" ? WriteError : name === "UsageError" ? UsageError : name === "ShowdownError" ? ShowdownError : Error;
  const error = new Class(message);
  if (Class === Error && stack) error.stack = stack;
  return error;
}

export interface MapOptions extends ReadOptions {
  /** Worker threads (see readThreads); 0 runs the task in this thread. */
  threads: number;
  /** The digest cache's folder (digest-store.ts's digestDir), null for none. Used by digest tasks. */
  digests: string | null;
}

/**
 * The task's result for each readable file, in file order. At most a few files per thread are read
 * ahead of the one the caller is at, so memory stays bounded however long the history.
 */
export async function* mapSnapshots<R>(files: readonly string[], task: SnapshotTask, options: MapOptions): AsyncGenerator<{ file: string; result: R }> {
  const reader: Reader = { input: task.input ?? "snapshot", digests: options.digests, ratings: task.ratings ?? false };
  // The digests of the files read, to prune the others once a whole cohort folder has been read.
  const sources = new Set<string>();
  const started = Date.now() - 1000; // a file system's times may lag the clock a little
  let complete = true;
  // Stamps of the files (see digest-store.ts's Known): those remembered, and those learned on the way.
  const stamps = reader.input === "digest" && reader.digests !== null && files.length > 0 ? await loadStamps(reader.digests, files[0]!) : new Map<string, Known>();
  const learned = new Map<string, Known>();
  const knownOf = (i: number) => stamps.get(path.resolve(files[i]!));
  const settle = (outcome: Outcome): { file: string; result: R } | undefined => {
    if (outcome.ok) {
      if (outcome.source !== undefined) sources.add(outcome.source);
      if (outcome.known) learned.set(path.resolve(files[outcome.index]!), outcome.known);
      return { file: files[outcome.index]!, result: outcome.result as R };
    }
    complete = false;
    const error = rebuild(outcome);
    if (options.skipInvalid && error instanceof SnapshotError) {
      options.onSkip(error);
      return undefined;
    }
    throw error;
  };

  if (options.threads <= 0) {
    const loaded = await loadTask(task);
    for (let i = 0; i < files.length; i++) {
      const settled = settle(await runTask(loaded, i, files[i]!, task.arg, reader, knownOf(i)));
      if (settled) yield settled;
    }
    await remember(files, reader, stamps, learned, complete && (await prune(files, reader, sources, started)));
    return;
  }

  const threads = Math.min(options.threads, files.length);
  const ahead = threads * 3;
  const done = new Map<number, Outcome>();
  let next = 0; // the next file to hand out
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, number>();

  const dispatch = (yielded: number) => {
    while (next < files.length && next < yielded + ahead) {
      // Each worker takes two files at a time, so it works on one while the other waits for the disk.
      const worker = idle.shift() ?? [...busy].find(([, n]) => n < 2)?.[0];
      if (!worker) return;
      busy.set(worker, (busy.get(worker) ?? 0) + 1);
      worker.postMessage({ index: next, file: files[next], known: knownOf(next) });
      next++;
    }
  };

  for (let t = 0; t < threads; t++) {
    const worker = new Worker(WORKER, { workerData: { task, reader } });
    worker.on("message", (outcome: Outcome) => {
      done.set(outcome.index, outcome);
      const n = busy.get(worker)! - 1;
      if (n === 0) {
        busy.delete(worker);
        idle.push(worker);
      } else busy.set(worker, n);
      wake?.();
    });
    worker.on("error", (error) => {
      failure ??= error;
      wake?.();
    });
    worker.on("exit", (code) => {
      if (code !== 0) failure ??= new Error(`a snapshot reader thread exited with code ${code}`);
      wake?.();
    });
    workers.push(worker);
    idle.push(worker);
  }

  try {
    dispatch(0);
    for (let i = 0; i < files.length; i++) {
      while (!done.has(i)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const outcome = done.get(i)!;
      done.delete(i);
      dispatch(i + 1);
      const settled = settle(outcome);
      if (settled) yield settled;
    }
    await remember(files, reader, stamps, learned, complete && (await prune(files, reader, sources, started)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * After every file of a cohort folder was read as a digest, the digests of files no longer there (or
 * no longer with those bytes) are dropped. Only then: a command that read some of the files cannot
 * know which digests the others still need.
 */
async function prune(files: readonly string[], reader: Reader, sources: ReadonlySet<string>, since: number): Promise<boolean> {
  if (reader.input !== "digest" || reader.digests === null || files.length === 0) return false;
  const folder = path.dirname(path.resolve(files[0]!));
  if (files.some((f) => path.dirname(path.resolve(f)) !== folder)) return false;
  const all = await listSnapshots(path.dirname(folder), path.basename(folder));
  const read = new Set(files.map((f) => path.resolve(f)));
  if (all.length !== read.size || all.some((f) => !read.has(f))) return false;
  await pruneDigests(reader.digests, files[0]!, sources, since);
  return true;
}

/**
 * Saves the stamps learned while reading (when any), beside those remembered; after a whole folder was
 * read (pruned), only the stamps of its files, so that a deleted file's is dropped.
 */
async function remember(files: readonly string[], reader: Reader, stamps: Map<string, Known>, learned: ReadonlyMap<string, Known>, pruned: boolean): Promise<void> {
  if (reader.digests === null || (learned.size === 0 && !pruned)) return;
  for (const [file, known] of learned) stamps.set(file, known);
  if (pruned) {
    const read = new Set(files.map((f) => path.resolve(f)));
    for (const file of stamps.keys()) if (!read.has(file)) stamps.delete(file);
  }
  await saveStamps(reader.digests, files[0]!, stamps);
}

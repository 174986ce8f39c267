/**
 * The worker thread of parallel.ts: for each file index it is sent, the view's result for that file
 * (see resultsInOrder), or why the file was skipped.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SnapshotError } from "../errors.js";
import { registerSecret } from "../format/plain.js";
import { runFile, transferOf, type TaskFactory, type WorkerAnswer, type WorkerData } from "./parallel.js";
import { Scorer } from "./snapshot.js";

const { cohort, config, task, secrets } = workerData as WorkerData;
for (const secret of secrets) registerSecret(secret);
const fn = ((await import(task.module)) as Record<string, TaskFactory<unknown>>)[task.name]!(config, task.options);
const scorer = new Scorer(config);

parentPort!.on("message", ({ k, file }: { k: number; file: string }) => {
  let answer: WorkerAnswer<unknown>;
  try {
    answer = { k, result: runFile(file, cohort, scorer, fn) };
  } catch (error) {
    answer = error instanceof SnapshotError ? { k, skipped: { file: error.file, problem: error.problem } } : { k, failed: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer, "result" in answer ? transferOf(answer.result) : []);
});
parentPort!.postMessage({ ready: true });

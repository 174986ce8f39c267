/**
 * A snapshot reader thread of parallel.ts: loads the task once, then for each file it is sent takes
 * the snapshot (store.ts's readSnapshot) or its digest (digest-store.ts's readDigest), as the task
 * asks, and sends back the task's result or the error, with the file's index. runTask never throws.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Known } from "./digest-store.js";
import { loadTask, runTask, type Reader, type SnapshotTask } from "./parallel.js";

const { task, reader } = workerData as { task: SnapshotTask; reader: Reader };
const fn = await loadTask(task);

// One file at a time, the next already queued (the main thread sends each thread two): two at once
// kept two parsed snapshots alive per thread where a file has no digest yet, and two threads then
// passed 500 MB (score over a year of 1,000 projects: 533 MB, against 438 MB one at a time).
let last: Promise<void> = Promise.resolve();
parentPort!.on("message", ({ index, file, known }: { index: number; file: string; known?: Known }) => {
  last = last.then(async () => parentPort!.postMessage(await runTask(fn, index, file, task.arg, reader, known)));
});

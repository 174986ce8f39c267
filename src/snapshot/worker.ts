/**
 * A snapshot reader thread of parallel.ts: loads the task once, then for each file it is sent takes
 * the snapshot (store.ts's readSnapshot) or its digest (digest-store.ts's readDigest), as the task
 * asks, and sends back the task's result or the error, with the file's index.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Known } from "./digest-store.js";
import { loadTask, runTask, type Reader, type SnapshotTask } from "./parallel.js";

const { task, reader } = workerData as { task: SnapshotTask; reader: Reader };
const loaded = await loadTask(task);

parentPort!.on("message", async ({ index, file, known }: { index: number; file: string; known?: Known }) => {
  parentPort!.postMessage(await runTask(loaded, index, file, task.arg, reader, known));
});

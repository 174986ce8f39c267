/**
 * A snapshot reader thread of parallel.ts: loads the task once, then for each file it is sent reads,
 * checks and migrates the snapshot (store.ts's readSnapshot) and sends back the task's result or the
 * error, with the file's index.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadTask, runTask, type SnapshotTask } from "./parallel.js";

const { task } = workerData as { task: SnapshotTask };
const fn = await loadTask(task);

parentPort!.on("message", async ({ index, file }: { index: number; file: string }) => {
  parentPort!.postMessage(await runTask(fn, index, file, task.arg));
});

/**
 * The thread of chart-writer.ts: writes each file it is sent, in order, until sent null; then replies
 * with the first failure's message (no file is written after one fails), or null.
 */
import { parentPort } from "node:worker_threads";
import { writeAtomicSync } from "../snapshot/store.js";
import type { WriterOutcome } from "./chart-writer.js";

let failure: WriterOutcome = null;
parentPort!.on("message", (m: { file: string; content: string } | null) => {
  if (m === null) {
    // The port stays open: the command ends this thread once it has the reply.
    parentPort!.postMessage(failure);
    return;
  }
  if (failure !== null) return;
  try {
    writeAtomicSync(m.file, m.content);
  } catch (error) {
    failure = (error as Error).message;
  }
});

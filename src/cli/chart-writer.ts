/**
 * Writes the report's chart files while the rest of the charts are still being drawn. Drawing is one
 * thread's work and writing 3,000 small files (a temp file and a rename each) is ~0.7 s of system
 * calls, so for a large cohort the files are written by a thread of their own, on the core the
 * drawing leaves idle. Each file is still written whole and renamed into place (writeAtomicSync);
 * the first failure is reported by done(), as a write error naming the file.
 */
import { Worker } from "node:worker_threads";
import { WriteError } from "../errors.js";
import { writeAtomicSync } from "../snapshot/store.js";

export interface ChartWriter {
  write(file: string, content: string): void;
  /** Every file written (or the first failure thrown); the thread, if any, ended. */
  done(): Promise<void>;
  /** Stops without waiting for what is not yet written (an interrupted run). */
  stop(): Promise<void>;
}

const THREAD = new URL("./chart-writer-thread.js", import.meta.url);

/** What the writing thread sends back once told there is nothing more: the first failure's message, or null. */
export type WriterOutcome = string | null;

/** threaded: write on a thread of its own; else each file is written when handed over. */
export function chartWriter(threaded: boolean): ChartWriter {
  if (!threaded) return { write: writeAtomicSync, done: async () => {}, stop: async () => {} };
  // Its heap holds little but the charts in flight: a small young generation keeps it collected early.
  const worker = new Worker(THREAD, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const ended = new Promise<WriterOutcome>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the chart writing thread stopped (exit code ${code})`)));
  });
  // Not awaited until done(): meanwhile a failure of the thread must not be an unhandled rejection.
  ended.catch(() => {});
  return {
    write(file, content) {
      worker.postMessage({ file, content });
    },
    async done() {
      worker.postMessage(null);
      try {
        const outcome = await ended;
        if (outcome !== null) throw new WriteError(outcome);
      } finally {
        await worker.terminate();
      }
    },
    async stop() {
      await worker.terminate();
    },
  };
}

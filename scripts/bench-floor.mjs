/**
 * The floor under any cold read of a history (scripts/bench.ts prints it beside the offline table):
 * every snapshot file of a folder read and given to JSON.parse, nothing else (no check, no hash, no
 * digest), on THREADS worker threads as the CLI's readers would. Prints the wall time in ms.
 *
 *   node scripts/bench-floor.mjs FOLDER THREADS
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

if (isMainThread) {
  const [folder, threadsArg] = process.argv.slice(2);
  const threads = Math.max(1, Number(threadsArg ?? 2));
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(folder, f));
  const started = performance.now();
  let parsed = 0;
  await Promise.all(
    Array.from(
      { length: threads },
      (_, k) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: files.filter((_, i) => i % threads === k) });
          worker.on("message", (n) => ((parsed += n), resolve()));
          worker.on("error", reject);
        }),
    ),
  );
  if (parsed !== files.length) throw new Error(`parsed ${parsed} of ${files.length} files`);
  process.stdout.write(`${Math.round(performance.now() - started)}\n`);
} else {
  let n = 0;
  for (const file of workerData) {
    // Decoded as the CLI decodes an ASCII file (store.ts's textOf): the bench's files are.
    const bytes = readFileSync(file);
    if (typeof JSON.parse(bytes.toString("latin1")) === "object") n++;
  }
  parentPort.postMessage(n);
}

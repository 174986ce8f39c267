/**
 * The floor under any cold read of a history (scripts/bench.ts prints it beside the offline table):
 * every snapshot file of a folder read and given to JSON.parse, nothing else (no check, no hash, no
 * digest), on THREADS worker threads as the CLI's readers would. Prints the wall time in ms.
 *
 *   node scripts/bench-floor.mjs FOLDER THREADS
 *
 * With --compact, it instead asks whether a more compact snapshot (the same JSON without indentation)
 * would parse faster: one thread, every file parsed as it is and as JSON.stringify writes it on one
 * line, only JSON.parse timed; prints the total ms and MB of each.
 *
 *   node scripts/bench-floor.mjs FOLDER --compact
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

if (isMainThread && process.argv.includes("--compact")) {
  const folder = process.argv[2];
  const sum = { pretty: { ms: 0, bytes: 0 }, compact: { ms: 0, bytes: 0 } };
  const timed = (kind, text) => {
    const started = performance.now();
    const value = JSON.parse(text);
    sum[kind].ms += performance.now() - started;
    sum[kind].bytes += text.length;
    return value;
  };
  for (const f of readdirSync(folder).filter((f) => f.endsWith(".json"))) {
    const value = timed("pretty", readFileSync(path.join(folder, f)).toString("latin1"));
    timed("compact", JSON.stringify(value));
  }
  for (const [kind, { ms, bytes }] of Object.entries(sum)) process.stdout.write(`${kind}: ${Math.round(ms)} ms, ${Math.round(bytes / 1048576)} MB\n`);
} else if (isMainThread) {
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

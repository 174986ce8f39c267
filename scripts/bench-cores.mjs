/**
 * How much of its cores this machine gives right now: a fixed loop of arithmetic timed on one thread,
 * then on as many threads at once as there are cores (up to 4). On a machine that has its cores to
 * itself, both take the same time; on a shared one (a VM whose host is busy) the second is slower,
 * and so is every figure of the bench taken meanwhile. scripts/bench.ts prints it before and after.
 *
 *   node scripts/bench-cores.mjs        prints "<ms on one thread> <ms on N at once> <N>"
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL } from "node:url";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

function loop() {
  const a = new Float64Array(1 << 16);
  let x = 0;
  for (let r = 0; r < 3000; r++) for (let i = 0; i < a.length; i++) x += a[i] = a[i] * 1.0000001 + i;
  return x;
}

if (isMainThread) {
  const run = async (n) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => new Worker(new URL(import.meta.url)).on("message", resolve).on("error", reject))));
    return Math.round(performance.now() - started);
  };
  const n = Math.min(4, os.availableParallelism());
  const one = await run(1);
  const all = await run(n);
  process.stdout.write(`${one} ${all} ${n}\n`);
} else {
  parentPort.postMessage(loop());
}

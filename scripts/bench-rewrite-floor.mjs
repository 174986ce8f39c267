/**
 * The floor under `score` after an edit of the rubric, which must rewrite every snapshot (each one
 * holds its rubric and scores: the snapshot contract). Every file of a folder is read, copied into a
 * new buffer as an edit would make it, written to a temp file beside it and flushed, on THREADS worker
 * threads as `score`'s readers would; then every temp file is renamed into place, as `score` does once
 * all are ready. No parse, no scoring, no digest: nothing but the bytes. The bytes written are the
 * bytes read, so the history is left as it was (only the files' stamps change).
 *
 *   node scripts/bench-rewrite-floor.mjs FOLDER [THREADS] [--hash] [--no-sync]
 *
 * --hash     also take the SHA-256 of the old and the new bytes, as score does to file digests and
 *            verdicts under them;
 * --no-sync  do not flush (what the page cache alone costs).
 * Prints the wall time in ms and the MB rewritten.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, fdatasyncSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

if (isMainThread) {
  const args = process.argv.slice(2);
  const [folder, threadsArg] = args.filter((a) => !a.startsWith("--"));
  if (!folder) throw new Error("usage: node scripts/bench-rewrite-floor.mjs FOLDER [THREADS] [--hash] [--no-sync]");
  const threads = Math.max(1, Number(threadsArg ?? 2));
  const options = { hash: args.includes("--hash"), sync: !args.includes("--no-sync") };
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(folder, f));
  const started = performance.now();
  let bytes = 0;
  let done = 0;
  await Promise.all(
    Array.from(
      { length: threads },
      (_, k) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { files: files.filter((_, i) => i % threads === k), ...options } });
          worker.on("message", ({ n, written }) => ((done += n), (bytes += written), resolve()));
          worker.on("error", reject);
        }),
    ),
  );
  if (done !== files.length) throw new Error(`rewrote ${done} of ${files.length} files`);
  for (const file of files) renameSync(`${file}.floor.tmp`, file);
  process.stdout.write(`${Math.round(performance.now() - started)} ms, ${Math.round(bytes / 1048576)} MB\n`);
} else {
  const { files, hash, sync } = workerData;
  let written = 0;
  for (const file of files) {
    const old = readFileSync(file);
    const edited = Buffer.allocUnsafe(old.length);
    old.copy(edited);
    if (hash) createHash("sha256").update(old).digest("hex");
    const fd = openSync(`${file}.floor.tmp`, "w");
    try {
      writeSync(fd, edited);
      if (sync) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (hash) createHash("sha256").update(edited).digest("hex");
    written += edited.length;
  }
  parentPort.postMessage({ n: files.length, written });
}

/**
 * What-if, not product code: what `score` after a rubric edit would cost if each snapshot's scores
 * lived in a file of their own, so that a rubric edit rewrote only those (docs/performance.md, "Targets
 * missed"). Run after `npm run bench -- --offline-only --work DIR`, over that history and its digests,
 * through the bench's loader (for the bench's own rubric edit, scripts/bench-data.ts's editedRubric):
 *
 *   node --import ./scripts/bench-loader.mjs scripts/bench-scores-apart.mjs DIR [THREADS]
 *
 * The config is loaded once, untimed, as `score` loads it before its reader threads start. Each
 * file's figures come from its digest (as the cache gives them to `score`), the ratings from the
 * config as `score` takes them, and the real scorer scores them with the bench's edited rubric. Then, by variant, nothing more (the scoring alone), or the
 * rubric, ratings and scores written as 2-space JSON (as snapshots are) or on one line, or the scores
 * alone on one line; each written through a temp file and a rename, and hashed, as `score` does. What
 * it leaves out (checks, a new digest, verdicts) only makes it cheaper than a real design would be.
 * Prints one line per variant: files, MB written, wall time (median of 3 runs).
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const DIST = new URL("../dist/", import.meta.url);
const VARIANTS = ["scoring", "pretty", "compact", "scores-compact"];

if (isMainThread) {
  const [work, threadsArg] = process.argv.slice(2);
  if (!work) {
    process.stderr.write("usage: node --import ./scripts/bench-loader.mjs scripts/bench-scores-apart.mjs DIR [THREADS] (DIR: npm run bench's --work)\n");
    process.exit(2);
  }
  const threads = Math.max(1, Number(threadsArg ?? 2));
  const folder = path.join(work, "snapshots", "bench");
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(folder, f));
  // The digest of each file is kept under the SHA-256 of its bytes (not timed: the cache would know it).
  const sources = files.map((f) => createHash("sha256").update(readFileSync(f)).digest("hex"));
  const { loadCohort } = await import(new URL("config/load.js", DIST).href);
  const { ratingsOf } = await import(new URL("snapshot/build.js", DIST).href);
  const { editedRubric } = await import("./bench-data.ts");
  const { rubric, cohort } = await loadCohort(path.join(work, "config"), "bench");
  const edited = editedRubric(rubric);
  const ratings = cohort.projects.map((p) => [p.id, ratingsOf(p)]);
  const out = path.join(work, "scores-apart");
  await mkdir(out, { recursive: true });
  process.stdout.write(`${files.length} files of ${work}, ${threads} thread(s), median of 3 runs\n`);
  for (const variant of VARIANTS) {
    const runs = [];
    let bytes = 0;
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      const written = await Promise.all(
        Array.from(
          { length: threads },
          (_, k) =>
            new Promise((resolve, reject) => {
              const share = files.map((f, i) => [f, sources[i]]).filter((_, i) => i % threads === k);
              const worker = new Worker(new URL(import.meta.url), { workerData: { work, out, variant, share, rubric: edited, ratings } });
              worker.on("message", resolve);
              worker.on("error", reject);
            }),
        ),
      );
      runs.push(performance.now() - started);
      bytes = written.reduce((a, b) => a + b, 0);
    }
    const median = runs.sort((a, b) => a - b)[1];
    process.stdout.write(`${variant.padEnd(15)} ${String(Math.round(bytes / 1048576)).padStart(5)} MB written  ${(median / 1000).toFixed(2)} s\n`);
  }
  await rm(out, { recursive: true, force: true });
} else {
  const { work, out, variant, share, rubric, ratings } = workerData;
  const { decodeDigest, rawsOf, ratingsJsonOf } = await import(new URL("snapshot/digest.js", DIST).href);
  const { scoreCohort } = await import(new URL("score/index.js", DIST).href);
  const { TOOL } = await import(new URL("tool.js", DIST).href);
  const config = new Map(ratings);
  const digests = path.join(work, ".cache", "digests", "bench");
  let total = 0;
  for (const [file, source] of share) {
    const digest = decodeDigest(await readFile(path.join(digests, source + ".digest")), source, TOOL.version);
    if (!digest || digest.ratingsText === null) throw new Error(`no digest with ratings for ${file}: run npm run bench -- --offline-only --work ${work} first`);
    const raws = rawsOf(digest);
    const stored = ratingsJsonOf(digest);
    const inputs = digest.ids.map((id, i) => ({ id, raw: raws[i], ratings: config.get(id) ?? JSON.parse(stored[i]), errors: digest.errors[i] }));
    const scores = scoreCohort(inputs, rubric, digest.head.asOf);
    if (variant === "scoring") continue;
    const projects =
      variant === "scores-compact" ? digest.ids.map((id) => ({ id, scores: scores.get(id) })) : digest.ids.map((id, i) => ({ id, ratings: inputs[i].ratings, scores: scores.get(id) }));
    const doc = variant === "scores-compact" ? { asOf: digest.head.asOf, projects } : { asOf: digest.head.asOf, rubric, projects };
    const content = Buffer.from(variant === "pretty" ? JSON.stringify(doc, null, 2) + "\n" : JSON.stringify(doc) + "\n", "utf8");
    const target = path.join(out, path.basename(file));
    await writeFile(target + ".tmp", content);
    createHash("sha256").update(content).digest();
    await rename(target + ".tmp", target);
    total += content.length;
  }
  parentPort.postMessage(total);
}

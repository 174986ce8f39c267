/**
 * `oss-showdown report`'s work, for the CLI and nightly alike: every snapshot of the cohort read and
 * scored under the config, down to what the trends draw (the latest two in full), then the report's
 * files written, the charts before the pages that show them.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { LoadedCohort } from "../config/load.js";
import { ShowdownError, type SnapshotError } from "../errors.js";
import { resultsInOrder } from "../score/parallel.js";
import { Scorer } from "../score/snapshot.js";
import type { ScoredSnapshot } from "../score/types.js";
import { listSnapshots, readSnapshot, writeAtomic, writeAtomicSync } from "../snapshot/store.js";
import { reportParts, type ConfigInfo } from "./index.js";
import { podiumOf } from "./content.js";
import { SUMMARIES_TASK, type SnapshotSummary } from "./model.js";

/** The chart files this command writes into <out>/svg/; only these are ever removed from there. */
const OWN_SVG = /^(podium|ranking-[a-z0-9-]+|radar-[a-z0-9-]+|criteria-radar-[a-z0-9-]+|criterion-[a-z0-9-]+|trend-[a-z0-9-]+|spark-[a-z0-9-]+)\.svg$/;

export interface ReportJob {
  loaded: LoadedCohort;
  snapshotsDir: string;
  out: string;
  /** How paths are shown in the report and messages. */
  shown(file: string): string;
  onSkip(file: string, problem: string): void;
  signal: AbortSignal;
  tool: { name: string; version: string };
}

export interface ReportOutcome {
  snapshots: number;
  projects: number;
  latest: string;
  files: number;
  skipped: number;
  /** The top three of the latest snapshot, as the report's podium shows them (for the Pages front page). */
  podium: { rank: number; name: string; score: string; tier: string }[];
}

/** Pieces of a page joined into writes of about 1 MB. */
async function* batches(parts: Iterable<string>): AsyncGenerator<string> {
  let batch: string[] = [];
  let size = 0;
  for (const part of parts) {
    batch.push(part);
    size += part.length;
    if (size >= 1 << 20) {
      yield batch.join("");
      batch = [];
      size = 0;
    }
  }
  yield batch.join("");
}

/** Builds and writes the report; undefined when interrupted (nothing written then). Damaged snapshots are skipped and named. */
export async function writeReport(job: ReportJob): Promise<ReportOutcome | undefined> {
  const { cohort, rubric, file: configFile } = job.loaded;
  const files = await listSnapshots(job.snapshotsDir, cohort.cohort);
  const folder = job.shown(path.join(job.snapshotsDir, cohort.cohort));
  if (files.length === 0) throw new ShowdownError(`${folder}: no snapshots of ${cohort.cohort}; run 'oss-showdown collect' first`);
  const scorer = new Scorer({ rubric, projects: cohort.projects });
  const skipped: { file: string; problem: string }[] = [];
  const onSkip = (error: SnapshotError) => {
    skipped.push({ file: job.shown(error.file), problem: error.problem });
    job.onSkip(job.shown(error.file), error.problem);
  };
  // Every snapshot is read as its summary (on two threads for a long history), then the newest two
  // again in full. Files come oldest first, each holding its own date's snapshot (checked as read),
  // so the newest two are the last two read.
  const read: { file: string; summary: SnapshotSummary }[] = [];
  for await (const { file, result } of resultsInOrder(files, cohort.cohort, scorer.config, SUMMARIES_TASK, { skipInvalid: true, onSkip })) {
    if (job.signal.aborted) return undefined;
    read.push({ file, summary: result });
  }
  const newest = await Promise.all(read.slice(-2).map(async ({ file }) => scorer.score(await readSnapshot(file, cohort.cohort))));
  const history: (ScoredSnapshot | SnapshotSummary)[] = [...read.slice(0, -2).map((r) => r.summary), ...newest];
  if (history.length === 0) throw new ShowdownError(`${folder}: none of the ${files.length} snapshot files could be read`);

  const config: ConfigInfo = {
    file: job.shown(configFile),
    description: cohort.description,
    notes: cohort.notes,
    references: cohort.references,
    projects: cohort.projects.map((p) => ({ id: p.id, repository: p.repository, sources: p.sources, notes: p.notes, about: p.about, landing: (p as { landing?: unknown }).landing })),
  };
  // Charts first, written as they are drawn; the pages that show them last, so a reader never sees a page with a missing chart.
  const output = reportParts({ cohort: cohort.cohort, snapshots: history, skipped, config, tool: job.tool }, (c) => writeAtomicSync(path.join(job.out, ...c.file.split("/")), c.svg));
  if (job.signal.aborted) return undefined;
  for (const f of output) {
    if (f.path.startsWith("svg/") && typeof f.content === "string") continue;
    await writeAtomic(path.join(job.out, ...f.path.split("/")), typeof f.content === "string" ? f.content : batches(f.content()));
  }
  const written = new Set(output.map((f) => f.path));
  const svgDir = path.join(job.out, "svg");
  for (const name of await readdir(svgDir).catch(() => [] as string[])) {
    if (OWN_SVG.test(name) && !written.has(`svg/${name}`)) await rm(path.join(svgDir, name), { force: true });
  }
  const latest = history.at(-1)!;
  return {
    snapshots: history.length,
    projects: "summary" in latest ? latest.ids.length : latest.projects.length,
    latest: latest.asOf.slice(0, 10),
    files: output.length,
    skipped: skipped.length,
    podium: "summary" in latest ? [] : podiumOf(latest),
  };
}

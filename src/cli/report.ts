import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { findCohortFile, loadCohort } from "../config/load.js";
import { ConfigError, ShowdownError, SnapshotError } from "../errors.js";
import { collectGarbage } from "../gc.js";
import { reportParts, type ConfigInfo } from "../report/index.js";
import { byAsOf, summaryTask, type SnapshotSummary } from "../report/model.js";
import { configCacheDir, digestDir } from "../snapshot/digest-store.js";
import { mapSnapshots, readThreads } from "../snapshot/parallel.js";
import type { Snapshot } from "../snapshot/schema.js";
import { listSnapshots, readSnapshot, writeAtomic } from "../snapshot/store.js";
import { TOOL } from "../tool.js";
import { chartWriter } from "./chart-writer.js";
import { READER_ENV_HELP, COMMON_HELP, COMMON_OPTIONS, EXIT, str, type Command } from "./command.js";

/** From this many projects (3 charts each), the charts are written on a thread of their own while they are drawn. */
const THREADED_CHARTS_FROM = 100;

/** The chart files this command writes into <out>/svg/; only these are ever removed from there. */
const OWN_SVG = /^(podium|radar-[a-z0-9-]+|criteria-radar-[a-z0-9-]+|criterion-[a-z0-9-]+|trend-[a-z0-9-]+|spark-[a-z0-9-]+)\.svg$/;

function shown(cwd: string, file: string): string {
  return path.relative(cwd, file) || ".";
}

async function configInfo(configDir: string, cohortName: string, cwd: string, cache: string | null): Promise<ConfigInfo> {
  let file: string;
  try {
    file = await findCohortFile(configDir, cohortName);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // No cohort file (or no config folder): the report says the sources are unknown.
    const expected = path.join(configDir, `${cohortName}.yaml`);
    return { found: false, file: shown(cwd, expected), reason: `there is no cohort config ${shown(cwd, expected)}` };
  }
  // A cohort file that exists but is invalid is an error to fix, as for every other command.
  const { cohort } = await loadCohort(configDir, cohortName, { cache });
  return {
    found: true,
    file: shown(cwd, file),
    description: cohort.description,
    projects: cohort.projects.map((p) => ({ id: p.id, sources: p.sources })),
  };
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

export const report: Command = {
  name: "report",
  summary: "write a static report of the cohort's snapshot history: podium, radar plots, criteria, trends (index.html, REPORT.md)",
  help: `Usage: showdown report [options]

Builds a report from every snapshot of the cohort: the podium (overall scores by tier, with the change
since the previous snapshot), one radar plot per project, one bar chart per criterion, a trend chart
per category and overall, and the methodology (rubric, weights, dates, sources of every hand rating
from config/<cohort>.yaml, and the run's errors and warnings).

Writes, in the output folder:
  index.html   one self-contained page (inline SVG and CSS; no script, no network requests)
  REPORT.md    the same content for GitHub to render
  svg/*.svg    the charts, which REPORT.md shows (chart files left from earlier runs are removed)
The same snapshots always give byte-identical files. Damaged snapshot files are skipped, named on
stderr and in the report. Prints the paths of index.html and REPORT.md.

Options:
  --out DIR          output folder (default ./report)
${COMMON_HELP}

${READER_ENV_HELP}
`,
  options: { ...COMMON_OPTIONS, out: { type: "string", default: "report" } },
  maxPositionals: 0,
  async run(args, io) {
    const cohortName = str(args, "cohort")!;
    const snapshotsDir = path.resolve(io.cwd, str(args, "snapshots")!);
    const out = path.resolve(io.cwd, str(args, "out")!);
    // Before the reader threads start, not beside them: parsing a large cohort file while they read
    // took the peak memory past 500 MB. Its data is kept in .cache/config/, so this is quick after once.
    const config = await configInfo(path.resolve(io.cwd, str(args, "config")!), cohortName, io.cwd, configCacheDir(io.env, io.cwd));
    const files = await listSnapshots(snapshotsDir, cohortName);
    if (files.length === 0) {
      throw new ShowdownError(`${shown(io.cwd, path.join(snapshotsDir, cohortName))}: no snapshots of ${cohortName}; run 'showdown collect' first`);
    }
    // Every snapshot is read (on reader threads when there are many, see snapshot/parallel.ts) down to
    // what the trends draw; the latest two, whose every figure the report shows, are then read in full.
    const history: { file: string; snapshot: Snapshot | SnapshotSummary }[] = [];
    const skipped: { file: string; problem: string }[] = [];
    const skip = (error: SnapshotError) => {
      skipped.push({ file: shown(io.cwd, error.file), problem: error.problem });
      io.stderr(`showdown: skipping ${shown(io.cwd, error.file)}: ${error.problem}\n`);
    };
    const options = { skipInvalid: true, onSkip: skip, threads: readThreads(io.env, files.length), digests: digestDir(io.env, io.cwd) };
    for await (const { file, result } of mapSnapshots<SnapshotSummary>(files, summaryTask(cohortName), options)) {
      if (io.signal.aborted) return EXIT.interrupted;
      history.push({ file, snapshot: result });
    }
    // The reading's garbage gone before the report is built (see gc.ts), and the building's before it is written.
    collectGarbage();
    if (history.length === 0) throw new ShowdownError(`${shown(io.cwd, path.join(snapshotsDir, cohortName))}: none of the ${files.length} snapshot files could be read`);
    for (const entry of byAsOf(history.map((h) => ({ ...h, asOf: h.snapshot.asOf }))).slice(-2)) {
      const full = await readSnapshot(entry.file);
      history.find((h) => h.file === entry.file)!.snapshot = full;
    }
    const snapshots = history.map((h) => h.snapshot);

    const latest = snapshots.at(-1)!;
    const projectCount = "summary" in latest ? latest.ids.length : latest.projects.length;
    // Charts first, the pages that show them last: a reader never sees a page with a missing chart. The
    // charts (3,000 for 1,000 projects, small) are written as they are drawn, with plain synchronous
    // calls and not flushed one by one, which would take longer than drawing them; for a large cohort
    // on a thread of their own (see chart-writer.ts). The pages are written and flushed as usual.
    // Whether threads may be used at all (two cores or more, SHOWDOWN_THREADS not 0), however few the files.
    const charts = chartWriter(projectCount >= THREADED_CHARTS_FROM && readThreads(io.env, Number.POSITIVE_INFINITY) > 0);
    let output: ReturnType<typeof reportParts>;
    try {
      output = reportParts({ cohort: cohortName, snapshots, skipped, config, tool: TOOL }, (c) => charts.write(path.join(out, ...c.file.split("/")), c.svg));
    } catch (error) {
      await charts.stop();
      throw error;
    }
    collectGarbage();
    if (io.signal.aborted) {
      await charts.stop();
      return EXIT.interrupted;
    }
    await charts.done();
    for (const f of output) {
      if (f.path.startsWith("svg/") && typeof f.content === "string") continue;
      await writeAtomic(path.join(out, ...f.path.split("/")), typeof f.content === "string" ? f.content : batches(f.content()));
    }
    const written = new Set(output.map((f) => f.path));
    const svgDir = path.join(out, "svg");
    for (const name of await readdir(svgDir).catch(() => [] as string[])) {
      if (OWN_SVG.test(name) && !written.has(`svg/${name}`)) await rm(path.join(svgDir, name), { force: true });
    }

    io.stderr(
      `${cohortName}: report of ${snapshots.length} snapshot(s) up to ${latest.asOf.slice(0, 10)}, ${projectCount} projects, ${output.length} files in ${shown(io.cwd, out)}${config.found ? "" : `; no cohort config, so no rating sources`}${skipped.length ? `; ${skipped.length} damaged snapshot(s) skipped` : ""}\n`,
    );
    io.stdout(`${shown(io.cwd, path.join(out, "index.html"))}\n${shown(io.cwd, path.join(out, "REPORT.md"))}\n`);
    return EXIT.ok;
  },
};

import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { findCohortFile, loadCohort } from "../config/load.js";
import { ConfigError, ShowdownError, SnapshotError } from "../errors.js";
import { renderReport, type ConfigInfo } from "../report/index.js";
import type { Snapshot } from "../snapshot/schema.js";
import { listSnapshots, readSnapshot, writeAtomic } from "../snapshot/store.js";
import { TOOL } from "../tool.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, str, type Command } from "./command.js";

/** The chart files this command writes into <out>/svg/; only these are ever removed from there. */
const OWN_SVG = /^(podium|radar-[a-z0-9-]+|criteria-radar-[a-z0-9-]+|criterion-[a-z0-9-]+|trend-[a-z0-9-]+|spark-[a-z0-9-]+)\.svg$/;

function shown(cwd: string, file: string): string {
  return path.relative(cwd, file) || ".";
}

async function configInfo(configDir: string, cohortName: string, cwd: string): Promise<ConfigInfo> {
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
  const { cohort } = await loadCohort(configDir, cohortName);
  return {
    found: true,
    file: shown(cwd, file),
    description: cohort.description,
    projects: cohort.projects.map((p) => ({ id: p.id, sources: p.sources })),
  };
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
`,
  options: { ...COMMON_OPTIONS, out: { type: "string", default: "report" } },
  maxPositionals: 0,
  async run(args, io) {
    const cohortName = str(args, "cohort")!;
    const snapshotsDir = path.resolve(io.cwd, str(args, "snapshots")!);
    const out = path.resolve(io.cwd, str(args, "out")!);
    const config = await configInfo(path.resolve(io.cwd, str(args, "config")!), cohortName, io.cwd);

    const files = await listSnapshots(snapshotsDir, cohortName);
    if (files.length === 0) {
      throw new ShowdownError(`${shown(io.cwd, path.join(snapshotsDir, cohortName))}: no snapshots of ${cohortName}; run 'showdown collect' first`);
    }
    const snapshots: Snapshot[] = [];
    const skipped: { file: string; problem: string }[] = [];
    for (const file of files) {
      if (io.signal.aborted) return EXIT.interrupted;
      try {
        const snapshot = await readSnapshot(file);
        if (snapshot.cohort !== cohortName) throw new SnapshotError(file, `is a snapshot of cohort ${JSON.stringify(snapshot.cohort)}, not ${cohortName}`);
        snapshots.push(snapshot);
      } catch (error) {
        if (!(error instanceof SnapshotError)) throw error;
        const problem = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
        skipped.push({ file: shown(io.cwd, file), problem });
        io.stderr(`showdown: skipping ${shown(io.cwd, file)}: ${problem}\n`);
      }
    }
    if (snapshots.length === 0) throw new ShowdownError(`${shown(io.cwd, path.join(snapshotsDir, cohortName))}: none of the ${files.length} snapshot files could be read`);

    const output = renderReport({ cohort: cohortName, snapshots, skipped, config, tool: TOOL });
    if (io.signal.aborted) return EXIT.interrupted;

    // Charts first, the pages that show them last: a reader never sees a page with a missing chart.
    for (const f of output) await writeAtomic(path.join(out, ...f.path.split("/")), f.content);
    const written = new Set(output.map((f) => f.path));
    const svgDir = path.join(out, "svg");
    for (const name of await readdir(svgDir).catch(() => [] as string[])) {
      if (OWN_SVG.test(name) && !written.has(`svg/${name}`)) await rm(path.join(svgDir, name), { force: true });
    }

    const latest = snapshots.at(-1)!;
    io.stderr(
      `${cohortName}: report of ${snapshots.length} snapshot(s) up to ${latest.asOf.slice(0, 10)}, ${latest.projects.length} projects, ${output.length} files in ${shown(io.cwd, out)}${config.found ? "" : `; no cohort config, so no rating sources`}${skipped.length ? `; ${skipped.length} damaged snapshot(s) skipped` : ""}\n`,
    );
    io.stdout(`${shown(io.cwd, path.join(out, "index.html"))}\n${shown(io.cwd, path.join(out, "REPORT.md"))}\n`);
    return EXIT.ok;
  },
};

import path from "node:path";
import { loadCohort } from "../config/load.js";
import { writeReport } from "../report/write.js";
import { TOOL } from "../tool.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, str, type Command } from "./command.js";

function shown(cwd: string, file: string): string {
  return path.relative(cwd, file) || ".";
}

export const report: Command = {
  name: "report",
  summary: "write a static report of the cohort's snapshot history: podium, radar plots, criteria, trends (index.html, REPORT.md)",
  help: `Usage: oss-showdown report [options]

Builds a report from every snapshot of the cohort, each scored when read under the rubric and ratings
of the config as it is now: the podium (overall scores by tier, with the change since the previous
snapshot), the projects (names linked to their repositories, archived and mirror badges, sponsor,
first release and one line from the config), a ranking chart per category, one radar plot per
project, one bar chart per criterion, a trend chart per category and overall, and the methodology
(rubric, weights, dates, sources of every hand rating from config/<cohort>.yaml with the articles
they cite linked, and the run's errors and warnings). It reads on a phone (see docs/report.md).

Writes, in the output folder:
  index.html   one self-contained page (inline SVG and CSS; no script, nothing fetched)
  REPORT.md    the same content for GitHub to render
  svg/*.svg    the charts, which REPORT.md shows (chart files left from earlier runs are removed)
The same snapshots and config always give byte-identical files. Damaged snapshot files are skipped,
named on stderr and in the report. Prints the paths of index.html and REPORT.md.

Options:
  --out DIR          output folder (default ./report)
${COMMON_HELP}
`,
  options: { ...COMMON_OPTIONS, out: { type: "string", default: "report" } },
  maxPositionals: 0,
  async run(args, io) {
    const cohortName = str(args, "cohort")!;
    const out = path.resolve(io.cwd, str(args, "out")!);
    const loaded = await loadCohort(path.resolve(io.cwd, str(args, "config")!), cohortName);
    const outcome = await writeReport({
      loaded,
      snapshotsDir: path.resolve(io.cwd, str(args, "snapshots")!),
      out,
      shown: (file) => shown(io.cwd, file),
      onSkip: (file, problem) => io.stderr(`oss-showdown: skipping ${file}: ${problem}\n`),
      signal: io.signal,
      tool: TOOL,
    });
    if (!outcome) return EXIT.interrupted;
    io.stderr(
      `${cohortName}: report of ${outcome.snapshots} snapshot(s) up to ${outcome.latest}, ${outcome.projects} projects, ${outcome.files} files in ${shown(io.cwd, out)}${outcome.skipped ? `; ${outcome.skipped} damaged snapshot(s) skipped` : ""}\n`,
    );
    io.stdout(`${shown(io.cwd, path.join(out, "index.html"))}\n${shown(io.cwd, path.join(out, "REPORT.md"))}\n`);
    return EXIT.ok;
  },
};

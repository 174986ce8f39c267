import { ShowdownError, UsageError } from "../errors.js";
import { compareSnapshots } from "../diff/compare.js";
import { renderDiffMarkdown } from "../diff/markdown.js";
import { renderDiffText } from "../diff/text.js";
import { styleFor } from "../format/color.js";
import { EXIT, flag, str, type Command } from "./command.js";
import { VIEW_HELP, VIEW_OPTIONS, cohortFolder, historyFiles, readScored, resolveSnapshotArg, scorerOf, shown, streamScored, type ScoredFile } from "./snapshot-args.js";

const FORMATS = ["table", "markdown", "json"] as const;

export const diff: Command = {
  name: "diff",
  summary: "show what changed between two snapshots: ranks, tiers, scores, figures and cohort",
  help: `Usage: oss-showdown diff [OLD] [NEW] [options]

Compares two snapshots of a cohort, both scored under the rubric and ratings of --config as it is
now: for each project in both, its rank and tier moves, overall and category score deltas, the
criteria and raw figures that changed (absolute and relative change) and figures that could not be
fetched; then the projects that joined or left.

OLD and NEW are snapshot files or dates (YYYY-MM-DD, read from <snapshots>/<cohort>/). Without them,
the two newest snapshots of the cohort are compared; with only OLD, it is compared with the newest.

Projects are listed by the size of their move: places gained or lost first, then the absolute change
of the overall score, then id. Rank delta = new − old, so a negative delta means the project climbed.

Options:
  --format FORMAT         table (default; colour on a terminal unless NO_COLOR is set),
                          markdown (pull-request body, GitHub job summary) or json (docs/diff-format.md)
  --all                   list every project compared (default: only those whose rank, tier or
                          overall score moved at 4 decimals; the others are counted)
  --fail-on-rank-change   exit 1 when any project's rank changed (the diff is still printed)
${VIEW_HELP}
`,
  options: {
    ...VIEW_OPTIONS,
    format: { type: "string", default: "table" },
    all: { type: "boolean", default: false },
    "fail-on-rank-change": { type: "boolean", default: false },
  },
  maxPositionals: 2,
  async run(args, io) {
    const format = str(args, "format")!;
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`unknown --format ${JSON.stringify(format)} (formats: ${FORMATS.join(", ")})`);
    }
    const [oldArg, newArg] = args.positionals;
    const scorer = await scorerOf(args, io);
    let older: ScoredFile;
    let newer: ScoredFile;
    if (oldArg !== undefined && newArg !== undefined) {
      older = await readScored(await resolveSnapshotArg(oldArg, args, io), scorer, args, io);
      newer = await readScored(await resolveSnapshotArg(newArg, args, io), scorer, args, io);
    } else {
      const wanted = oldArg === undefined ? 2 : 1;
      const explicit = oldArg === undefined ? undefined : await readScored(await resolveSnapshotArg(oldArg, args, io), scorer, args, io);
      // The newest snapshots first, reading only as many as needed.
      const files = (await historyFiles(args, io)).reverse();
      const picked: ScoredFile[] = [];
      for await (const loaded of streamScored(files, scorer, args, io)) {
        picked.unshift(loaded);
        if (picked.length === wanted) break;
      }
      if (picked.length < wanted) {
        const folder = shown(io, cohortFolder(args, io));
        const readable = files.length > picked.length ? ` readable of ${files.length}` : "";
        throw new ShowdownError(
          explicit
            ? `${folder}: no snapshot${readable ? " readable" : ""} to compare ${oldArg} with (pass NEW, or check --snapshots/--cohort)`
            : `${folder}: diff needs two snapshots, found ${picked.length}${readable} (collect another day's, or pass OLD and NEW)`,
        );
      }
      [older, newer] = explicit ? [explicit, picked[0]!] : [picked[0]!, picked[1]!];
    }

    const result = compareSnapshots(older.scored, newer.scored, { old: shown(io, older.file), new: shown(io, newer.file) });
    if (format === "json") io.stdout(JSON.stringify(result, null, 2) + "\n");
    else if (format === "markdown") io.stdout(renderDiffMarkdown(result, { all: flag(args, "all") }));
    else io.stdout(renderDiffText(result, styleFor(io), { all: flag(args, "all") }));

    if (flag(args, "fail-on-rank-change") && result.summary.rankChanges > 0) {
      io.stderr(`oss-showdown: ${result.summary.rankChanges} project(s) changed rank (--fail-on-rank-change)\n`);
      return EXIT.error;
    }
    return EXIT.ok;
  },
};

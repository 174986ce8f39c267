import { UsageError } from "../errors.js";
import { CsvEncoder } from "../export/csv.js";
import { styleFor } from "../format/color.js";
import { scoredSnapshot } from "../score/snapshot.js";
import { JSON_LINES_TASK, scoreboardOf, scoreboardRows, scoreboardTable, type Scoreboard } from "../scoreboard/index.js";
import { EXIT, flag, str, type Command } from "./command.js";
import { VIEW_HELP, VIEW_OPTIONS, historyFiles, noSnapshots, pickScored, scorerOf, streamColumns, streamResults } from "./snapshot-args.js";

const FORMATS = ["table", "json", "csv"] as const;

export const score: Command = {
  name: "score",
  summary: "print the scoreboard of a snapshot (or of every one), scored now from its figures and the config",
  help: `Usage: oss-showdown score [--date YYYY-MM-DD | --all] [--format table|json|csv] [options]

Scores a snapshot from its raw figures and the rubric and ratings of the config as it is now, and
prints the scoreboard in rank order. Nothing is written: edit a weight or a rating in config/ and
every view shows the new scores, while the snapshot files stay as they were collected.

  (default)          the cohort's newest snapshot
  --date DATE        the snapshot of that day (YYYY-MM-DD)
  --all              every snapshot, oldest first

Options:
  --format FORMAT    table (default), json (the score contract: one object, or with --all one per
                     line; see the README) or csv (date, rank, id, name, tier, overall, categories)
${VIEW_HELP}
`,
  options: {
    ...VIEW_OPTIONS,
    date: { type: "string" },
    all: { type: "boolean", default: false },
    format: { type: "string", default: "table" },
  },
  maxPositionals: 0,
  async run(args, io) {
    const format = str(args, "format")!;
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format ${JSON.stringify(format)} (formats: ${FORMATS.join(", ")})`);
    const date = str(args, "date");
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date: expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
    const all = flag(args, "all");
    if (all && date !== undefined) throw new UsageError("--all and --date exclude each other");
    const scorer = await scorerOf(args, io);
    const names = new Map(scorer.config.rubric.categories.map((c) => [c.id, c.name]));
    const style = styleFor(io);

    const boards: Scoreboard[] = [];
    if (all) {
      const files = await historyFiles(args, io);
      let read = 0;
      if (format === "json") {
        // One line a snapshot, made on two threads for a long history.
        for await (const { result } of streamResults(files, scorer, JSON_LINES_TASK, args, io)) {
          io.stdout(result);
          read++;
        }
      } else {
        for await (const { columns } of streamColumns(files, scorer, args, io)) {
          // Tables stream; CSV has one header for all.
          const board = scoreboardOf(scoredSnapshot(columns, scorer.config.rubric));
          if (format === "table") io.stdout((read > 0 ? "\n" : "") + scoreboardTable(board, names, style));
          else boards.push(board);
          read++;
        }
      }
      if (read === 0) throw noSnapshots(files.length, args, io);
    } else {
      boards.push(scoreboardOf((await pickScored(date, scorer, args, io)).scored));
      if (format === "json") io.stdout(JSON.stringify(boards[0], null, 2) + "\n");
      else if (format === "table") io.stdout(scoreboardTable(boards[0]!, names, style));
    }
    if (format === "csv") io.stdout(new CsvEncoder({ delimiter: ",", bom: false }).encode(scoreboardRows(boards)));
    return EXIT.ok;
  },
};

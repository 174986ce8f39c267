import path from "node:path";
import { ShowdownError, UsageError } from "../errors.js";
import { CsvEncoder, DEFAULT_PRECISION, checkDecimal, parseDelimiter, type Decimal } from "../export/csv.js";
import { longCsv, longCsvTask, wideTable, type LongCsvCount } from "../export/rows.js";
import { writeAtomic } from "../snapshot/store.js";
import { EXIT, flag, str, type Command } from "./command.js";
import { VIEW_HELP, VIEW_OPTIONS, assertOutsideSnapshots, historyFiles, noSnapshots, pickScored, scorerOf, shown, streamResults } from "./snapshot-args.js";

/** --precision: 0 to 15 decimals, "full" for every digit, default DEFAULT_PRECISION. */
export function parsePrecision(text: string | undefined): number | undefined {
  if (text === undefined) return DEFAULT_PRECISION;
  if (text === "full") return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 15) throw new UsageError(`--precision must be a whole number from 0 to 15 or "full", got ${JSON.stringify(text)}`);
  return Number(text);
}

export const exportCommand: Command = {
  name: "export",
  summary: "export a snapshot (or, with --long, the whole history) as CSV for spreadsheets",
  help: `Usage: oss-showdown export [SNAPSHOT] [options]

Writes CSV to stdout (or --out FILE, atomically), with a header row.

Wide (default): one row per project of SNAPSHOT (a file or a date YYYY-MM-DD; default the newest), in
rank order, with the columns date, id, name, repository, url, rank, tier, overall, each category,
each criterion's <id>.value and <id>.normalized, each raw figure, errors and warnings ("field:
message; ..."; e.g. a Stack Overflow tag that does not exist, counted 0).

Long (--long): one row per (date, project, metric) across every snapshot of the cohort, for pivot
tables, with the value in the column of its type: number, time (UTC), boolean or text. Metric names
are the wide columns' names, plus repository, errors and warnings (text). Values a project does not
have are left out.

Spreadsheet-ready: dates are YYYY-MM-DD, times YYYY-MM-DD HH:MM:SS in UTC (the header says so),
numbers rounded to 4 decimals (--precision), empty cells are values the project does not have. A text
cell starting with =, +, -, @, tab or carriage return is prefixed with ' so that a spreadsheet does
not run it as a formula; numbers never are.

Options:
  --format csv       the output format (only csv for now)
  --long             every snapshot, one row per (date, project, metric, value)
  --out FILE         write FILE atomically instead of stdout
  --bom              start with a UTF-8 byte order mark (Excel)
  --delimiter C      field separator (default ","; ";" for comma-decimal locales; "tab" for tabs)
  --decimal C        decimal mark: "." (default) or "," (with --delimiter ";" or tab)
  --precision N      round numbers to N decimals, 0-15 (default ${DEFAULT_PRECISION}); "full" keeps every digit
${VIEW_HELP}

Scores are computed when read, from each snapshot's raw figures and the config as it is now.
`,
  options: {
    ...VIEW_OPTIONS,
    format: { type: "string", default: "csv" },
    long: { type: "boolean", default: false },
    out: { type: "string" },
    bom: { type: "boolean", default: false },
    delimiter: { type: "string", default: "," },
    precision: { type: "string" },
    decimal: { type: "string", default: "." },
  },
  maxPositionals: 1,
  async run(args, io) {
    const format = str(args, "format")!;
    if (format !== "csv") throw new UsageError(`unknown --format ${JSON.stringify(format)} (export writes csv)`);
    const delimiter = parseDelimiter(str(args, "delimiter")!);
    if (delimiter === undefined) throw new UsageError(`--delimiter must be one character other than a quote or a line break, got ${JSON.stringify(str(args, "delimiter"))}`);
    const decimalProblem = checkDecimal(str(args, "decimal")!, delimiter);
    if (decimalProblem !== undefined) throw new UsageError(decimalProblem);
    const decimal = str(args, "decimal") as Decimal;
    const precision = parsePrecision(str(args, "precision"));
    const long = flag(args, "long");
    const [snapshotArg] = args.positionals;
    if (long && snapshotArg !== undefined) throw new UsageError("--long exports every snapshot of the cohort; it takes no SNAPSHOT");

    const outArg = str(args, "out");
    if (outArg !== undefined) await assertOutsideSnapshots(args, io, path.resolve(io.cwd, outArg), "--out");
    const options = { delimiter, decimal, bom: flag(args, "bom"), precision };
    let rows = 0;
    let chunks: AsyncIterable<string | Uint8Array>;
    const scorer = await scorerOf(args, io);
    if (long) {
      const files = await historyFiles(args, io);
      if (files.length === 0) throw noSnapshots(0, args, io);
      chunks = (async function* () {
        const count: LongCsvCount = { snapshots: 0, rows: 0 };
        yield* longCsv(streamResults(files, scorer, longCsvTask(options), args, io), options, count, io.signal, () => new ShowdownError("interrupted"));
        rows = count.rows;
        if (count.snapshots === 0) throw noSnapshots(files.length, args, io);
      })();
    } else {
      const { scored } = await pickScored(snapshotArg, scorer, args, io);
      const table = wideTable(scored);
      rows = table.length - 1;
      chunks = (async function* () {
        yield new CsvEncoder(options).encode(table);
      })();
    }

    const out = str(args, "out");
    if (out !== undefined) {
      const file = path.resolve(io.cwd, out);
      await writeAtomic(file, chunks);
      io.stderr(`oss-showdown: wrote ${shown(io, file)} (${rows} row${rows === 1 ? "" : "s"} and a header)\n`);
    } else {
      for await (const chunk of chunks) io.stdout(chunk);
    }
    return EXIT.ok;
  },
};

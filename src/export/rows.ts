import { dateOf } from "../asof.js";
import type { Rubric } from "../config/rubric.js";
import { FIGURE_TYPES } from "../config/figures.js";
import { columnValue, metricColumn, metricValue, snapshotMetrics, type Metric, type MetricValue } from "../metrics/metric.js";
import type { ScoredColumns } from "../score/snapshot.js";
import type { FileTask, TaskFactory } from "../score/parallel.js";
import type { ScoredProject, ScoredSnapshot } from "../score/types.js";
import type { Issue } from "../snapshot/schema.js";
import { CsvEncoder, formatNumber, formatTime, type Cell, type CsvOptions } from "./csv.js";

/** "field: message; field: message", or "" without errors. */
export function errorsText(p: ScoredProject): string {
  return issuesText(p.errors);
}

function issuesText(errors: readonly Issue[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join("; ");
}

function byRank(snapshot: ScoredSnapshot): ScoredProject[] {
  return [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
}

/** The figures that are instants (ISO strings in a snapshot), written as UTC date and time. */
const TIME_FIELDS: ReadonlySet<string> = new Set(Object.entries(FIGURE_TYPES).filter(([, type]) => type === "date").map(([name]) => name));
const isTime = (m: Metric) => m.kind === "figure" && TIME_FIELDS.has(m.field);

/** A project's page: its repository on github.com. */
export const repositoryUrl = (repository: string) => `https://github.com/${repository}`;

/** A metric's value as a cell: an instant as "YYYY-MM-DD HH:MM:SS" (UTC). */
function valueCell(value: MetricValue): Cell {
  return typeof value === "string" ? formatTime(value) : value;
}

/**
 * The wide table of one snapshot: a header row, then one row per project (in rank order) with date,
 * id, name, repository, url, then every metric of the snapshot (see snapshotMetrics; an instant's
 * column says "(UTC)"), then errors and warnings (a tag that does not exist counts 0: its warning
 * says so).
 */
export function wideTable(snapshot: ScoredSnapshot): Cell[][] {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = dateOf(snapshot.asOf);
  const header: Cell[] = ["date", "id", "name", "repository", "url", ...metrics.map((m) => (isTime(m) ? `${m.name} (UTC)` : m.name)), "errors", "warnings"];
  return [
    header,
    ...byRank(snapshot).map((p) => [
      date,
      p.id,
      p.name,
      p.sources.repository,
      repositoryUrl(p.sources.repository),
      ...metrics.map((m) => valueCell(metricValue(p, m))),
      errorsText(p),
      issuesText(p.warnings),
    ]),
  ];
}

/**
 * The long format's columns: one value column per type, so that a spreadsheet types each: numbers,
 * instants (UTC), booleans, and text (the repository, errors and warnings).
 */
export const LONG_HEADER: Cell[] = ["date", "project", "metric", "number", "time (UTC)", "boolean", "text"];

/** A long row: the value in its type's column. */
function longRow(date: string, id: string, metric: string, value: Cell): Cell[] {
  if (typeof value === "number") return [date, id, metric, value, null, null, null];
  if (typeof value === "boolean") return [date, id, metric, null, null, value, null];
  return [date, id, metric, null, null, null, value];
}

/**
 * The long rows of one snapshot: per project (in rank order) its repository, then one row per value
 * it has in the wide table's column order (a value it does not have, null, has no row), then its
 * errors and warnings when it has any. Lazily produced, for streaming.
 */
export function* longRows(snapshot: ScoredSnapshot): Generator<Cell[]> {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = dateOf(snapshot.asOf);
  for (const p of byRank(snapshot)) {
    yield longRow(date, p.id, "repository", p.sources.repository);
    for (const m of metrics) {
      const value = metricValue(p, m);
      if (value === null) continue;
      yield typeof value === "string" ? [date, p.id, m.name, null, formatTime(value), null, null] : longRow(date, p.id, m.name, value);
    }
    if (p.errors.length > 0) yield longRow(date, p.id, "errors", errorsText(p));
    if (p.warnings.length > 0) yield longRow(date, p.id, "warnings", issuesText(p.warnings));
  }
}

/**
 * The long rows of a history as CSV, UTF-8, snapshot by snapshot, exactly as
 * CsvEncoder.encode(longRows(snapshot)) writes them (without a BOM). Faster, for a year of 1,000
 * projects is 16 million rows: the date, each id and each metric name are encoded once per snapshot
 * and rows are copied into one buffer as bytes (strings joined per row cost a third more); a number
 * or an instant equal to the one in the same cell of the previous snapshot reuses its text (most
 * ratings' cells do not change from day to day). A row the fast path cannot write goes through encode().
 */
/** A value's type: the index of its column among the long format's four value columns. */
type ValueType = 0 | 1 | 2 | 3;
const NUMBER = 0;
const TIME = 1;
const BOOLEAN = 2;
const TEXT = 3;

export class LongCsvWriter {
  private readonly encoder: CsvEncoder;
  // The previous snapshot's number (or instant) and text of each (metric, position) cell.
  private lastNumbers = new Float64Array(0);
  private lastInstants: (string | undefined)[] = [];
  private lastTexts: (string | undefined)[] = [];
  private readonly numberNeedsCheck: boolean;
  // The empty cells around a value in its type's column: before and after it, as bytes.
  private readonly around: [Buffer, Buffer][];
  // The size of the last snapshot's CSV: the next one's is about the same.
  private size = 1 << 20;
  rows = 0;

  constructor(private readonly options: Omit<CsvOptions, "bom">) {
    this.encoder = new CsvEncoder({ ...options, bom: false });
    // Numbers need the encoder's check for the delimiter only when it can occur in one.
    const d = options.delimiter;
    this.numberNeedsCheck = /[-+0-9e]/.test(d) || d === (options.decimal ?? ".");
    const cells = (n: number) => Buffer.from(d.repeat(n), "utf8");
    this.around = [NUMBER, TIME, BOOLEAN, TEXT].map((t) => [cells(t), cells(3 - t)]);
  }

  /** The CSV of one snapshot's rows. */
  write({ snapshot, projects, scores }: ScoredColumns, rubric: Rubric): Buffer {
    const { encoder, around } = this;
    const d = encoder.delimiter;
    const metrics = snapshotMetrics(rubric);
    const columns = metrics.map((m) => metricColumn(scores, m));
    // "<metric><delimiter>" and the empty cells before a value of each type, or undefined when the
    // name needs the encoder; made when first needed (a metric's values are of one type).
    const prefixes = metrics.map(() => [undefined, undefined, undefined] as (Buffer | null | undefined)[]);
    const prefix = (name: string, type: ValueType): Buffer | null => {
      const cell = encoder.cell(name);
      return cell === undefined ? null : Buffer.concat([Buffer.from(cell + d, "utf8"), around[type]![0]]);
    };
    const repositoryPrefix = prefix("repository", TEXT);
    const date = dateOf(snapshot.asOf);
    const dateText = encoder.cell(date);
    const n = projects.length;
    if (this.lastNumbers.length !== metrics.length * n) {
      this.lastNumbers = new Float64Array(metrics.length * n).fill(NaN);
      this.lastInstants = new Array<string | undefined>(metrics.length * n);
      this.lastTexts = new Array<string | undefined>(metrics.length * n);
    }
    let buf = Buffer.allocUnsafe(this.size + (this.size >> 4));
    let at = 0;
    const room = (bytes: number) => {
      if (at + bytes <= buf.length) return;
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + bytes));
      bigger.set(buf.subarray(0, at));
      buf = bigger;
    };
    const slow = (row: Cell[]) => {
      const text = encoder.encode([row]);
      room(text.length * 3);
      at += buf.write(text, at, "utf8");
      this.rows++;
    };
    for (const i of scores.byRank) {
      const p = projects[i]!;
      const id = encoder.cell(p.id);
      const head = dateText !== undefined && id !== undefined ? Buffer.from(dateText + d + id + d, "utf8") : undefined;
      for (let j = -1; j < metrics.length; j++) {
        // j = -1: the project's repository, a text row before its metrics.
        const value = j < 0 ? p.sources.repository : columnValue(columns[j]!, p, i);
        if (value === null) continue; // no value, no row
        const k = j * n + i;
        let cell: string | undefined;
        let type: ValueType;
        if (j < 0) {
          type = TEXT;
          cell = encoder.cell(value as string);
        } else if (typeof value === "number") {
          type = NUMBER;
          if (this.numberNeedsCheck) cell = encoder.cell(value);
          else {
            cell = this.lastNumbers[k] === value ? this.lastTexts[k] : undefined;
            if (cell === undefined) {
              cell = formatNumber(value, this.options.precision, this.options.decimal);
              this.lastNumbers[k] = value;
              this.lastTexts[k] = cell;
            }
          }
        } else if (typeof value === "string") {
          type = TIME;
          cell = this.lastInstants[k] === value ? this.lastTexts[k] : undefined;
          if (cell === undefined) {
            cell = encoder.cell(formatTime(value));
            this.lastInstants[k] = value;
            this.lastTexts[k] = cell;
          }
        } else {
          type = BOOLEAN;
          cell = value ? "true" : "false";
        }
        let pre: Buffer | null | undefined;
        if (j < 0) pre = repositoryPrefix;
        else {
          const made = prefixes[j]!;
          pre = made[type] ?? (made[type] = prefix(metrics[j]!.name, type));
        }
        if (head !== undefined && pre !== null && cell !== undefined) {
          // A cell the encoder passes is plain ASCII (see CsvEncoder.cell): a byte a character.
          const after = around[type]![1];
          room(head.length + pre.length + cell.length + after.length + 1);
          buf.set(head, at);
          at += head.length;
          buf.set(pre, at);
          at += pre.length;
          for (let c = 0; c < cell.length; c++) buf[at++] = cell.charCodeAt(c);
          for (let c = 0; c < after.length; c++) buf[at++] = after[c]!;
          buf[at++] = 10; // \n
          this.rows++;
        } else {
          const name = j < 0 ? "repository" : metrics[j]!.name;
          slow(type === TIME ? [date, p.id, name, null, formatTime(value as string), null, null] : longRow(date, p.id, name, value));
        }
      }
      if (p.errors.length > 0) slow(longRow(date, p.id, "errors", issuesText(p.errors)));
      if (p.warnings.length > 0) slow(longRow(date, p.id, "warnings", issuesText(p.warnings)));
    }
    this.size = at;
    return buf.subarray(0, at);
  }
}

/** A file's long rows, as LongCsvWriter writes them, and how many. */
export interface LongCsvPart {
  bytes: Uint8Array;
  rows: number;
}

export const longCsvRows: TaskFactory<LongCsvPart> = (config, options) => {
  const writer = new LongCsvWriter(options as Omit<CsvOptions, "bom">);
  return (columns) => {
    const before = writer.rows;
    const bytes = writer.write(columns, config.rubric);
    return { bytes, rows: writer.rows - before };
  };
};

/** resultsInOrder's task for the long CSV. */
export function longCsvTask({ delimiter, decimal, precision }: CsvOptions): FileTask<LongCsvPart> {
  return { factory: longCsvRows, module: import.meta.url, name: "longCsvRows", options: { delimiter, decimal, precision } };
}

/** What longCsv wrote, filled in as it goes. */
export interface LongCsvCount {
  snapshots: number;
  rows: number;
}

/**
 * The long CSV of a history: the header (with the BOM when asked), then each snapshot's rows, one
 * chunk a snapshot, from longCsvTask's results. Stops with `stopped()` when `signal` is aborted.
 */
export async function* longCsv(
  parts: AsyncIterable<{ result: LongCsvPart }>,
  options: CsvOptions,
  count: LongCsvCount = { snapshots: 0, rows: 0 },
  signal?: AbortSignal,
  stopped: () => Error = () => new Error("interrupted"),
): AsyncGenerator<string | Uint8Array> {
  yield new CsvEncoder(options).encode([LONG_HEADER]);
  for await (const { result } of parts) {
    if (signal?.aborted) throw stopped();
    yield result.bytes;
    count.snapshots++;
    count.rows += result.rows;
  }
}

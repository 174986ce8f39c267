import { dateOf } from "../asof.js";
import type { Rubric } from "../config/rubric.js";
import { columnValue, metricColumn, metricValue, snapshotMetrics } from "../metrics/metric.js";
import type { ScoredColumns } from "../score/snapshot.js";
import type { ScoredProject, ScoredSnapshot } from "../score/types.js";
import type { Issue } from "../snapshot/schema.js";
import { CsvEncoder, formatNumber, type Cell, type CsvOptions } from "./csv.js";

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

/**
 * The wide table of one snapshot: a header row, then one row per project (in rank order) with date,
 * id, name, then every metric of the snapshot (see snapshotMetrics), then errors.
 */
export function wideTable(snapshot: ScoredSnapshot): Cell[][] {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = dateOf(snapshot.asOf);
  const header: Cell[] = ["date", "id", "name", ...metrics.map((m) => m.name), "errors"];
  return [header, ...byRank(snapshot).map((p) => [date, p.id, p.name, ...metrics.map((m) => metricValue(p, m)), errorsText(p)])];
}

export const LONG_HEADER: Cell[] = ["date", "project", "metric", "value"];

/**
 * The long rows of one snapshot: one (date, project, metric, value) per value the project has, in the
 * wide table's column order, plus an "errors" row when it has errors. A value the project does not
 * have (null) has no row. Lazily produced, for streaming.
 */
export function* longRows(snapshot: ScoredSnapshot): Generator<Cell[]> {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = dateOf(snapshot.asOf);
  for (const p of byRank(snapshot)) {
    for (const m of metrics) {
      const value = metricValue(p, m);
      if (value !== null) yield [date, p.id, m.name, value];
    }
    if (p.errors.length > 0) yield [date, p.id, "errors", errorsText(p)];
  }
}

/**
 * The long rows of a history as CSV, UTF-8, snapshot by snapshot, exactly as
 * CsvEncoder.encode(longRows(snapshot)) writes them (without a BOM). Faster, for a year of 1,000
 * projects is 16 million rows: the date, each id and each metric name are encoded once per snapshot
 * and rows are copied into one buffer as bytes (strings joined per row cost a third more); a number
 * equal to the one in the same cell of the previous snapshot reuses its text (most ratings' cells do
 * not change from day to day). A row the fast path cannot write goes through encode().
 */
export class LongCsvWriter {
  private readonly encoder: CsvEncoder;
  // The previous snapshot's number and text of each (metric, position) cell.
  private lastNumbers = new Float64Array(0);
  private lastTexts: (string | undefined)[] = [];
  private readonly numberNeedsCheck: boolean;
  // The size of the last snapshot's CSV: the next one's is about the same.
  private size = 1 << 20;
  rows = 0;

  constructor(private readonly options: Omit<CsvOptions, "bom">) {
    this.encoder = new CsvEncoder({ ...options, bom: false });
    // Numbers need the encoder's check for the delimiter only when it can occur in one.
    this.numberNeedsCheck = /[-+.0-9e]/.test(options.delimiter);
  }

  /** The CSV of one snapshot's rows. */
  write({ snapshot, projects, scores }: ScoredColumns, rubric: Rubric): Buffer {
    const { encoder } = this;
    const d = encoder.delimiter;
    const metrics = snapshotMetrics(rubric);
    const columns = metrics.map((m) => metricColumn(scores, m));
    // "<metric><delimiter>", or undefined when the name needs the encoder.
    const names = metrics.map((m) => {
      const cell = encoder.cell(m.name);
      return cell === undefined ? undefined : cell + d;
    });
    const date = dateOf(snapshot.asOf);
    const dateText = encoder.cell(date);
    const n = projects.length;
    if (this.lastNumbers.length !== metrics.length * n) {
      this.lastNumbers = new Float64Array(metrics.length * n).fill(NaN);
      this.lastTexts = new Array<string | undefined>(metrics.length * n);
    }
    const nameBytes = names.map((t) => (t === undefined ? undefined : Buffer.from(t, "utf8")));
    let buf = Buffer.allocUnsafe(this.size + (this.size >> 4));
    let at = 0;
    const room = (bytes: number) => {
      if (at + bytes <= buf.length) return;
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + bytes));
      bigger.set(buf.subarray(0, at));
      buf = bigger;
    };
    for (const i of scores.byRank) {
      const p = projects[i]!;
      const id = encoder.cell(p.id);
      const head = dateText !== undefined && id !== undefined ? Buffer.from(dateText + d + id + d, "utf8") : undefined;
      for (let j = 0; j < metrics.length; j++) {
        const value = columnValue(columns[j]!, p, i);
        if (value === null) continue; // no value, no row
        let cell: string | undefined;
        if (typeof value === "number" && !this.numberNeedsCheck) {
          const k = j * n + i;
          cell = this.lastNumbers[k] === value ? this.lastTexts[k] : undefined;
          if (cell === undefined) {
            cell = formatNumber(value, this.options.precision);
            this.lastNumbers[k] = value;
            this.lastTexts[k] = cell;
          }
        } else {
          cell = encoder.cell(value);
        }
        const name = nameBytes[j];
        this.rows++;
        if (head !== undefined && name !== undefined && cell !== undefined) {
          // A cell the encoder passes is plain ASCII (see CsvEncoder.cell): a byte a character.
          room(head.length + name.length + cell.length + 1);
          buf.set(head, at);
          at += head.length;
          buf.set(name, at);
          at += name.length;
          for (let c = 0; c < cell.length; c++) buf[at++] = cell.charCodeAt(c);
          buf[at++] = 10; // \n
        } else {
          const text = encoder.encode([[date, p.id, metrics[j]!.name, value]]);
          room(text.length * 3);
          at += buf.write(text, at, "utf8");
        }
      }
      if (p.errors.length > 0) {
        const text = encoder.encode([[date, p.id, "errors", issuesText(p.errors)]]);
        room(text.length * 3);
        at += buf.write(text, at, "utf8");
        this.rows++;
      }
    }
    this.size = at;
    return buf.subarray(0, at);
  }
}


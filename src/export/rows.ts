import { dateOf } from "../asof.js";
import { metricValue, snapshotMetrics } from "../metrics/metric.js";
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
 * The long rows of one snapshot as CSV, UTF-8, exactly as CsvEncoder.encode(longRows(snapshot)) writes
 * them (without a BOM), and how many. Faster, for a year of 1,000 projects is 16 million rows: the
 * date, each id and each metric name are encoded once per snapshot, not once per row, and rows are
 * written straight into bytes; a row with any cell the fast path cannot write goes through encode().
 */
export function longCsv(snapshot: ScoredSnapshot, options: Omit<CsvOptions, "bom">): { bytes: Buffer; rows: number } {
  const encoder = new CsvEncoder({ ...options, bom: false });
  const d = encoder.delimiter;
  const metrics = snapshotMetrics(snapshot.rubric);
  // "<metric><delimiter>" as bytes, or undefined when the name needs the encoder.
  const names = metrics.map((m) => {
    const cell = encoder.cell(m.name);
    return cell === undefined ? undefined : Buffer.from(cell + d, "utf8");
  });
  const date = dateOf(snapshot.asOf);
  const dateText = encoder.cell(date);
  // Numbers need no check for the delimiter unless it can occur in one.
  const numberNeedsCheck = /[-+.0-9e]/.test(d);
  const { precision } = options;
  const projects = byRank(snapshot);

  let buf = Buffer.allocUnsafe(Math.max(4096, projects.length * metrics.length * 40));
  let at = 0;
  const room = (bytes: number) => {
    if (at + bytes <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + bytes));
    buf.copy(bigger, 0, 0, at);
    buf = bigger;
  };
  const text = (t: string) => {
    room(t.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    at += buf.write(t, at, "utf8");
  };

  let rows = 0;
  for (const p of projects) {
    const id = encoder.cell(p.id);
    const head = dateText !== undefined && id !== undefined ? Buffer.from(dateText + d + id + d, "utf8") : undefined;
    for (let j = 0; j < metrics.length; j++) {
      const value = metricValue(p, metrics[j]!);
      if (value === null) continue; // no value, no row
      const cell = typeof value === "number" && !numberNeedsCheck ? formatNumber(value, precision) : encoder.cell(value);
      const name = names[j];
      if (head !== undefined && name !== undefined && cell !== undefined) {
        room(head.length + name.length + cell.length * 3 + 1);
        at += head.copy(buf, at);
        at += name.copy(buf, at);
        at += buf.write(cell, at, "utf8");
        buf[at++] = 10; // \n
      } else {
        text(encoder.encode([[date, p.id, metrics[j]!.name, value]]));
      }
      rows++;
    }
    if (p.errors.length > 0) {
      text(encoder.encode([[date, p.id, "errors", errorsText(p)]]));
      rows++;
    }
  }
  return { bytes: buf.subarray(0, at), rows };
}

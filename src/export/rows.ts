import { byRank, Tag, valueAt, type Digest } from "../snapshot/digest.js";
import type { Issue, ProjectSnapshot, Snapshot } from "../snapshot/schema.js";
import type { DigestInput, SnapshotTask } from "../snapshot/parallel.js";
import { metricValue, snapshotMetrics } from "../metrics/metric.js";
import { CsvEncoder, formatNumber, type Cell, type CsvOptions } from "./csv.js";

/** The snapshot's name: asOf's UTC date, ISO 8601 (YYYY-MM-DD). */
export function snapshotDate(snapshot: Snapshot): string {
  return new Date(snapshot.asOf).toISOString().slice(0, 10);
}

/** "field: message; field: message", or "" without errors. */
export function errorsText(p: ProjectSnapshot): string {
  return issuesText(p.errors);
}

function issuesText(errors: readonly Issue[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join("; ");
}

/**
 * The wide table of one snapshot: a header row, then one row per project (in rank order) with date,
 * id, name, then every metric of the snapshot (see snapshotMetrics), then errors.
 */
export function wideTable(snapshot: Snapshot): Cell[][] {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = snapshotDate(snapshot);
  const header: Cell[] = ["date", "id", "name", ...metrics.map((m) => m.name), "errors"];
  const projects = [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
  return [header, ...projects.map((p) => [date, p.id, p.name, ...metrics.map((m) => metricValue(p, m)), errorsText(p)])];
}

export const LONG_HEADER: Cell[] = ["date", "project", "metric", "value"];

/**
 * The long rows of one snapshot: one (date, project, metric, value) per value the project has, in the
 * wide table's column order, plus an "errors" row when it has errors. A value the project does not
 * have (null) has no row. Lazily produced, for streaming.
 */
export function* longRows(snapshot: Snapshot): Generator<Cell[]> {
  const metrics = snapshotMetrics(snapshot.rubric);
  const date = snapshotDate(snapshot);
  const projects = [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
  for (const p of projects) {
    for (const m of metrics) {
      const value = metricValue(p, m);
      if (value !== null) yield [date, p.id, m.name, value];
    }
    if (p.errors.length > 0) yield [date, p.id, "errors", errorsText(p)];
  }
}

/**
 * The long rows of one snapshot (its digest) as CSV, UTF-8, exactly as CsvEncoder.encode(longRows(snapshot))
 * writes them (without a BOM), and how many. Faster: the date, each id and each metric name are encoded
 * once, not once per row, and rows are written straight into bytes (a year of 1,000 projects is 16
 * million rows); a row with any cell the fast path cannot write goes through encode() alone.
 */
export function longCsv(digest: Digest, options: Omit<CsvOptions, "bom">): { bytes: Buffer; rows: number } {
  const encoder = new CsvEncoder({ ...options, bom: false });
  const d = encoder.delimiter;
  // The digest's first columns are snapshotMetrics(rubric), in that order (see digest.ts).
  const metrics = snapshotMetrics(digest.head.rubric);
  // "<metric><delimiter>" as bytes, or undefined when the name needs the encoder.
  const names = metrics.map((m) => {
    const cell = encoder.cell(m.name);
    return cell === undefined ? undefined : Buffer.from(cell + d, "utf8");
  });
  const errorsCell = encoder.cell("errors");
  const errorsName = errorsCell === undefined ? undefined : Buffer.from(errorsCell + d, "utf8");
  const date = new Date(digest.head.asOf).toISOString().slice(0, 10);
  const dateText = encoder.cell(date);
  // Each cell's text by what it holds: the strings (dates) and booleans once per snapshot; numbers
  // without the check for the delimiter when it cannot occur in a number.
  const n = digest.ids.length;
  const { tags, nums } = digest;
  const stringTexts = digest.strings.map((v) => encoder.cell(v));
  const trueText = encoder.cell(true);
  const falseText = encoder.cell(false);
  const numberNeedsCheck = /[-+.0-9e]/.test(d);
  const { precision } = options;

  let buf = Buffer.allocUnsafe(Math.max(4096, n * metrics.length * 48));
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
  const row = (head: Buffer, name: Buffer, value: string) => {
    room(head.length + name.length + value.length * 3 + 1);
    at += head.copy(buf, at);
    at += name.copy(buf, at);
    at += buf.write(value, at, "utf8");
    buf[at++] = 10; // \n
  };

  let rows = 0;
  for (const i of byRank(digest)) {
    const pid = digest.ids[i]!;
    const id = encoder.cell(pid);
    const head = dateText !== undefined && id !== undefined ? Buffer.from(dateText + d + id + d, "utf8") : undefined;
    for (let j = 0; j < metrics.length; j++) {
      const k = j * n + i;
      let value: string | undefined;
      switch (tags[k]) {
        case Tag.number:
          value = numberNeedsCheck ? encoder.cell(nums[k]!) : formatNumber(nums[k]!, precision);
          break;
        case Tag.string:
          value = stringTexts[nums[k]!];
          break;
        case Tag.true:
          value = trueText;
          break;
        case Tag.false:
          value = falseText;
          break;
        default:
          continue; // no value, no row
      }
      const name = names[j];
      // A row the fast path cannot write goes through the encoder (csv-stringify) whole.
      if (head !== undefined && name !== undefined && value !== undefined) row(head, name, value);
      else text(encoder.encode([[date, pid, metrics[j]!.name, valueAt(digest, j, i)]]));
      rows++;
    }
    const errors = digest.errors[i]!;
    if (errors.length > 0) {
      const message = issuesText(errors);
      const cell = encoder.cell(message);
      if (head !== undefined && errorsName !== undefined && cell !== undefined) row(head, errorsName, cell);
      else text(encoder.encode([[date, pid, "errors", message]]));
      rows++;
    }
  }
  return { bytes: buf.subarray(0, at), rows };
}

/** longCsv of a file's digest: the task run on reader threads (snapshot/parallel.ts). */
export function longCsvOf({ digest }: DigestInput, _file: string, options: Omit<CsvOptions, "bom">): { bytes: Buffer; rows: number } {
  return longCsv(digest, options);
}

/** longCsvOf's task for snapshot/parallel.ts. */
export function longCsvTask(options: Omit<CsvOptions, "bom">): SnapshotTask {
  return { module: import.meta.url, name: "longCsvOf", arg: options, input: "digest" };
}

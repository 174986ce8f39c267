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
 * The long rows of one snapshot (its digest) as CSV text, exactly as CsvEncoder.encode(longRows(snapshot))
 * writes them (without a BOM), and how many. Faster: the date, each id and each metric name are encoded
 * once, not once per row; a row with any cell the fast path cannot write goes through encode() alone.
 */
export function longCsv(digest: Digest, options: Omit<CsvOptions, "bom">): { text: string; rows: number } {
  const encoder = new CsvEncoder({ ...options, bom: false });
  const d = encoder.delimiter;
  // The digest's first columns are snapshotMetrics(rubric), in that order (see digest.ts).
  const metrics = snapshotMetrics(digest.head.rubric);
  const names = metrics.map((m) => encoder.cell(m.name));
  const errorsName = encoder.cell("errors");
  const date = new Date(digest.head.asOf).toISOString().slice(0, 10);
  const dateText = encoder.cell(date);
  // Rows are collected and joined a few thousand at a time: short-lived strings are cheap, one long
  // chain of concatenations is not.
  // Each cell's text by what it holds: the strings (dates) and booleans once per snapshot; numbers
  // without the check for the delimiter when it cannot occur in a number (16 million rows a year).
  const n = digest.ids.length;
  const { tags, nums } = digest;
  const stringTexts = digest.strings.map((v) => encoder.cell(v));
  const trueText = encoder.cell(true);
  const falseText = encoder.cell(false);
  const numberNeedsCheck = /[-+.0-9e]/.test(d);
  const { precision } = options;
  // Rows are collected and joined a few thousand at a time: short-lived strings are cheap, one long
  // chain of concatenations is not.
  const chunks: string[] = [];
  let lines: string[] = [];
  let rows = 0;
  for (const i of byRank(digest)) {
    const pid = digest.ids[i]!;
    const id = encoder.cell(pid);
    const head = dateText !== undefined && id !== undefined ? dateText + d + id + d : undefined;
    for (let j = 0; j < metrics.length; j++) {
      const k = j * n + i;
      let text: string | undefined;
      switch (tags[k]) {
        case Tag.number:
          text = numberNeedsCheck ? encoder.cell(nums[k]!) : formatNumber(nums[k]!, precision);
          break;
        case Tag.string:
          text = stringTexts[nums[k]!];
          break;
        case Tag.true:
          text = trueText;
          break;
        case Tag.false:
          text = falseText;
          break;
        default:
          continue; // no value, no row
      }
      const name = names[j];
      // A row the fast path cannot write goes through the encoder (csv-stringify) whole.
      lines.push(head !== undefined && name !== undefined && text !== undefined ? head + name + d + text + "\n" : encoder.encode([[date, pid, metrics[j]!.name, valueAt(digest, j, i)]]));
      rows++;
    }
    const errors = digest.errors[i]!;
    if (errors.length > 0) {
      const text = issuesText(errors);
      const cell = encoder.cell(text);
      lines.push(head !== undefined && errorsName !== undefined && cell !== undefined ? head + errorsName + d + cell + "\n" : encoder.encode([[date, pid, "errors", text]]));
      rows++;
    }
    if (lines.length >= 4096) {
      chunks.push(lines.join(""));
      lines = [];
    }
  }
  chunks.push(lines.join(""));
  return { text: chunks.join(""), rows };
}

/** longCsv of a file's digest: the task run on reader threads (snapshot/parallel.ts). */
export function longCsvOf({ digest }: DigestInput, _file: string, options: Omit<CsvOptions, "bom">): { text: string; rows: number } {
  return longCsv(digest, options);
}

/** longCsvOf's task for snapshot/parallel.ts. */
export function longCsvTask(options: Omit<CsvOptions, "bom">): SnapshotTask {
  return { module: import.meta.url, name: "longCsvOf", arg: options, input: "digest" };
}

import { dateOf } from "../asof.js";
import { metricValue, snapshotMetrics } from "../metrics/metric.js";
import type { ScoredProject, ScoredSnapshot } from "../score/types.js";
import type { Issue } from "../snapshot/schema.js";
import { CsvEncoder, type Cell, type CsvOptions } from "./csv.js";

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
 * The long rows of one snapshot as CSV, exactly as CsvEncoder.encode(longRows(snapshot)) writes them
 * (without a BOM), and how many. Faster: the date, each id and each metric name are encoded once per
 * snapshot, not once per row (a year of 1,000 projects is 16 million rows); a row with any cell the
 * fast path cannot write goes through encode() alone.
 */
export function longCsv(snapshot: ScoredSnapshot, options: Omit<CsvOptions, "bom">): { text: string; rows: number } {
  const encoder = new CsvEncoder({ ...options, bom: false });
  const d = encoder.delimiter;
  const metrics = snapshotMetrics(snapshot.rubric);
  // "<metric><delimiter>", or undefined when the name needs the encoder.
  const names = metrics.map((m) => {
    const cell = encoder.cell(m.name);
    return cell === undefined ? undefined : cell + d;
  });
  const date = dateOf(snapshot.asOf);
  const dateText = encoder.cell(date);
  const parts: string[] = [];
  let rows = 0;
  for (const p of byRank(snapshot)) {
    const id = encoder.cell(p.id);
    const head = dateText !== undefined && id !== undefined ? dateText + d + id + d : undefined;
    for (let j = 0; j < metrics.length; j++) {
      const value = metricValue(p, metrics[j]!);
      if (value === null) continue; // no value, no row
      const cell = encoder.cell(value);
      const name = names[j];
      parts.push(head !== undefined && name !== undefined && cell !== undefined ? `${head}${name}${cell}\n` : encoder.encode([[date, p.id, metrics[j]!.name, value]]));
      rows++;
    }
    if (p.errors.length > 0) {
      parts.push(encoder.encode([[date, p.id, "errors", errorsText(p)]]));
      rows++;
    }
  }
  return { text: parts.join(""), rows };
}

import type { ProjectSnapshot, Snapshot } from "../snapshot/schema.js";
import { metricValue, snapshotMetrics } from "../metrics/metric.js";
import type { Cell } from "./csv.js";

/** The snapshot's name: asOf's UTC date, ISO 8601 (YYYY-MM-DD). */
export function snapshotDate(snapshot: Snapshot): string {
  return new Date(snapshot.asOf).toISOString().slice(0, 10);
}

/** "field: message; field: message", or "" without errors. */
export function errorsText(p: ProjectSnapshot): string {
  return p.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
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

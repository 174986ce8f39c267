import { columnValue, metricColumn, type Metric, type MetricValue } from "../metrics/metric.js";
import type { ScoredColumns } from "../score/snapshot.js";
import { dateOf } from "../asof.js";

/** One snapshot's values of a metric: only the projects in that snapshot have a key. */
export interface SeriesPoint {
  date: string;
  asOf: string;
  values: Map<string, MetricValue>;
  /** Project names and newest ranks, to label and order the columns. */
  names: Map<string, string>;
  ranks: Map<string, number>;
}

export interface SeriesRow {
  /** The snapshot's UTC date (YYYY-MM-DD). */
  date: string;
  asOf: string;
  /** Days since the previous row's snapshot; null on the first row. */
  days: number | null;
  /** Project id → value. A project not in this snapshot has no key (never interpolated); null: no value. */
  values: Record<string, MetricValue>;
  /**
   * Project id → value − its value in the previous row, for numbers in both rows. null when either is
   * not a number; no key when the project is missing from this row or the previous one.
   */
  changes: Record<string, number | null>;
}

export interface Series {
  metric: string;
  /** Every project of any row: by rank in the newest snapshot that has it, newest first, then id. */
  projects: { id: string; name: string }[];
  rows: SeriesRow[];
}

/** The values of a metric in one scored snapshot, for every project or only `only`. Pure. */
export function seriesPoint({ snapshot, projects, scores }: ScoredColumns, metric: Metric, only?: string): SeriesPoint {
  const values = new Map<string, MetricValue>();
  const names = new Map<string, string>();
  const ranks = new Map<string, number>();
  const column = metricColumn(scores, metric);
  for (let i = 0; i < projects.length; i++) {
    const p = projects[i]!;
    if (only !== undefined && p.id !== only) continue;
    values.set(p.id, columnValue(column, p, i));
    names.set(p.id, p.name);
    ranks.set(p.id, scores.rank[i]!);
  }
  return { date: dateOf(snapshot.asOf), asOf: snapshot.asOf, values, names, ranks };
}

/** A time series from its points, oldest first: one row per snapshot, no gap filled in. Pure. */
export function buildSeries(metric: string, points: readonly SeriesPoint[]): Series {
  const sorted = [...points].sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
  const rows: SeriesRow[] = [];
  let previous: SeriesPoint | undefined;
  for (const point of sorted) {
    const values: Record<string, MetricValue> = {};
    const changes: Record<string, number | null> = {};
    for (const [id, value] of point.values) {
      values[id] = value;
      if (previous?.values.has(id)) {
        const before = previous.values.get(id);
        changes[id] = typeof value === "number" && typeof before === "number" ? value - before : null;
      }
    }
    const days = previous ? (Date.parse(point.asOf) - Date.parse(previous.asOf)) / 86_400_000 : null;
    rows.push({ date: point.date, asOf: point.asOf, days, values, changes });
    previous = point;
  }

  // Column order: newest standing first, so the table reads like the latest ranking.
  const seen = new Map<string, { name: string; rank: number; newest: number }>();
  sorted.forEach((point, i) => {
    for (const [id, name] of point.names) seen.set(id, { name, rank: point.ranks.get(id)!, newest: i });
  });
  const projects = [...seen]
    .sort(([a, x], [b, y]) => y.newest - x.newest || x.rank - y.rank || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, { name }]) => ({ id, name }));
  return { metric, projects, rows };
}

import { PLAIN, visibleLength, type Style } from "../format/color.js";
import { formatDelta, formatFigure, formatPlain, formatScore } from "../format/number.js";
import { layoutTable, type Align } from "../format/table.js";
import type { Metric, MetricValue } from "../metrics/metric.js";
import type { Cell } from "../export/csv.js";
import type { Series } from "./series.js";

/** Scores show 4 decimals; everything else as a figure (grouped counts, instants as is). */
function isScore(metric: Metric): boolean {
  return metric.kind === "overall" || metric.kind === "category" || (metric.kind === "criterion" && metric.part === "normalized");
}

function valueText(metric: Metric, v: MetricValue | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number" && isScore(metric)) return formatScore(v);
  if (typeof v === "number" && metric.kind === "criterion") return formatPlain(v);
  return formatFigure(v);
}

function changeText(metric: Metric, d: number | null | undefined): string {
  if (d === undefined || d === null) return "";
  return isScore(metric) ? formatDelta(d, 4) : formatDelta(d);
}

/**
 * A table with one row per snapshot date: for one project, its value, change and the days since the
 * previous snapshot; for several, one column per project with "value (change)". Empty where a project
 * is not in a snapshot. Wider than `width` (the terminal's), the project columns come in parts.
 */
export function renderSeriesTable(series: Series, metric: Metric, style: Style = PLAIN, width?: number): string {
  const colour = (d: number | null | undefined, text: string) => {
    if (!d || !text) return text;
    // A lower rank or tier number is better.
    const good = metric.kind === "rank" || metric.kind === "tier" ? d < 0 : d > 0;
    return good ? style.green(text) : style.red(text);
  };
  const one = series.projects.length === 1;
  let rows: string[][];
  if (one) {
    const id = series.projects[0]!.id;
    rows = [
      ["date", metric.name, "change", "days"].map((h) => style.bold(h)),
      ...series.rows.map((r) => [
        r.date,
        id in r.values ? valueText(metric, r.values[id]) : style.dim("(not in this snapshot)"),
        colour(r.changes[id], changeText(metric, r.changes[id])),
        r.days === null ? "" : formatPlain(r.days),
      ]),
    ];
  } else {
    rows = [
      ["date", ...series.projects.map((p) => p.id)].map((h) => style.bold(h)),
      ...series.rows.map((r) => [
        r.date,
        ...series.projects.map((p) => {
          const value = valueText(metric, r.values[p.id]);
          const change = changeText(metric, r.changes[p.id]);
          return change ? `${value} (${colour(r.changes[p.id], change)})` : value;
        }),
      ]),
    ];
  }
  const title = `${metric.name}${one ? ` of ${series.projects[0]!.id} (${series.projects[0]!.name})` : ""}: ${series.rows.length} snapshot${series.rows.length === 1 ? "" : "s"}`;
  const align = (n: number) => Array.from({ length: n }, (_, i): Align => (i === 0 ? "left" : "right"));
  const pages = one ? [rows] : pageColumns(rows, width);
  if (pages.length === 1) return [style.bold(title), ...layoutTable(rows, align(rows[0]!.length))].join("\n") + "\n";
  // Too wide for the terminal: the project columns in pages, each with the dates, one under another.
  const out = [style.bold(`${title}, ${series.projects.length} projects in ${pages.length} parts to fit ${width} columns`)];
  let first = 1;
  for (const [i, page] of pages.entries()) {
    const last = first + page[0]!.length - 2;
    out.push("", style.dim(`part ${i + 1} of ${pages.length}: ${first === last ? `project ${first}` : `projects ${first}-${last}`} by newest rank`), ...layoutTable(page, align(page[0]!.length)));
    first = last + 1;
  }
  return out.join("\n") + "\n";
}

/**
 * The table's rows cut into pages of whole columns that fit `width` characters, each page starting
 * with the first (date) column; one page when it fits or no width is known (a pipe or a file).
 */
export function pageColumns(rows: readonly (readonly string[])[], width: number | undefined): string[][][] {
  const columns = rows[0]!.length;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => visibleLength(r[c] ?? ""))));
  const total = widths.reduce((s, w) => s + w, 0) + 2 * (columns - 1);
  if (width === undefined || total <= width || columns <= 2) return [rows.map((r) => [...r])];
  const pages: number[][] = [];
  let page: number[] = [];
  let used = widths[0]!;
  for (let c = 1; c < columns; c++) {
    if (page.length > 0 && used + 2 + widths[c]! > width) {
      pages.push(page);
      page = [];
      used = widths[0]!;
    }
    page.push(c);
    used += 2 + widths[c]!;
  }
  pages.push(page);
  return pages.map((cols) => rows.map((r) => [r[0]!, ...cols.map((c) => r[c]!)]));
}

/** CSV rows: date, days, then per project "<id>" and "<id>.change". Full precision; empty where absent. */
export function seriesCsvRows(series: Series): Cell[][] {
  const header: Cell[] = ["date", "days", ...series.projects.flatMap((p) => [p.id, `${p.id}.change`])];
  return [
    header,
    ...series.rows.map((r) => [r.date, r.days, ...series.projects.flatMap((p) => [r.values[p.id], r.changes[p.id]])]),
  ];
}

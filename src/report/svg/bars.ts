/**
 * Horizontal bar chart: one row per project, in the order given, a label column on the left, bars on
 * a linear axis from 0 (bar length proportional to the value), and right-aligned text columns (raw
 * value, score, change). Rows may be grouped (tiers) and bars stacked (category contributions). Pure.
 *
 * The "stacked" layout is the same chart for a narrow screen: each row is its label with the last
 * column's text on one line, the bar under it across the whole width, and the other columns under the
 * bar as "header value" pairs, so nothing is squeezed below a readable size.
 */
import { AXIS, GRID, INK, MUTED } from "../palette.js";
import { el, linear, svgRoot, text, textWidth, truncate, wrap, type Attrs } from "./svg.js";

export interface BarSegment {
  value: number;
  colour: string;
  /** Names the segment in its tooltip (<title>). */
  label: string;
}

export interface Cell {
  text: string;
  colour?: string;
  bold?: boolean;
}

export interface BarRow {
  key: string;
  label: string;
  /** Stacked from 0; empty when the project has no value (then `note` says why). */
  segments: readonly BarSegment[];
  cells: readonly Cell[];
  note?: string;
  /** Rows with the same group are drawn together under its heading; groups in order of appearance. */
  group?: string;
}

export interface Tick {
  value: number;
  label: string;
}

export interface BarSpec {
  id: string;
  title: string;
  /** Lines under the title (what the value is, how it is normalized). */
  subtitle?: readonly string[];
  desc: string;
  rows: readonly BarRow[];
  /** The axis runs from 0 to max. */
  max: number;
  ticks: readonly Tick[];
  axisLabel: string;
  /** A second scale under the plot for the same positions, e.g. the raw value. */
  bottomAxis?: { ticks: readonly Tick[]; label: string };
  columns: readonly string[];
  legend?: readonly { label: string; colour: string }[];
  /** Group name -> colour of the band beside its rows. */
  groupColours?: Record<string, string>;
  width: number;
  labelWidthMax?: number;
  /** "columns" (default): label, bar and columns side by side; "stacked": one above the other (see above). */
  layout?: "columns" | "stacked";
  data?: Attrs;
}

const FS = 12;
const TITLE = 15;
const ROW = 22;
const BAR = 14;
const GROUP = 22;
const PAD = 12;

export interface BarRowLayout {
  key: string;
  /** Baseline of the row's text. */
  y: number;
  barY: number;
  segments: { x: number; width: number }[];
  /** Stacked layout: the other columns' "header value" lines under the bar, with their baselines. */
  details: { text: string; y: number }[];
}

export interface BarLayout {
  width: number;
  height: number;
  labelRight: number;
  plotX: number;
  plotWidth: number;
  columnRights: number[];
  headerY: number;
  subtitleLines: string[];
  legendY: number | null;
  /** Where each legend item goes: left to right from the plot, on the next line when the chart is too narrow. */
  legendItems: { x: number; y: number }[];
  plotTop: number;
  plotBottom: number;
  rows: BarRowLayout[];
  groups: { name: string; y: number; top: number; bottom: number }[];
  /** The bottom axis's label, wrapped to the plot's width when the chart is stacked. */
  bottomLabel: string[];
  /** Maps an axis value to x. */
  x(value: number): number;
  stacked: boolean;
}

const STACKED_LABEL = FS + 6;
const DETAIL = FS + 3;

export function barLayout(spec: BarSpec): BarLayout {
  if (spec.layout === "stacked") return stackedLayout(spec);
  const labelWidth = Math.min(
    spec.labelWidthMax ?? 200,
    Math.max(60, ...spec.rows.map((r) => textWidth(r.label, FS))),
  );
  const groupBand = spec.rows.some((r) => r.group !== undefined) ? 10 : 0;
  const labelRight = PAD + groupBand + labelWidth;
  const colWidths = spec.columns.map((header, c) =>
    Math.max(textWidth(header, FS - 1, true), ...spec.rows.map((r) => textWidth(r.cells[c]?.text ?? "", FS, r.cells[c]?.bold))) + 14,
  );
  const columnsWidth = colWidths.reduce((s, w) => s + w, 0);
  const plotX = labelRight + 10;
  // At least 120 px of bars, or a quarter of a phone's narrow chart.
  const plotWidth = Math.max(Math.min(120, spec.width / 4), spec.width - PAD - columnsWidth - 10 - plotX);
  const width = plotX + plotWidth + 10 + columnsWidth + PAD;
  const columnRights: number[] = [];
  let right = plotX + plotWidth + 10;
  for (const w of colWidths) {
    right += w;
    columnRights.push(right);
  }
  const { headerY, subtitleLines, legendY, legendItems, y: top } = headerLayout(spec, width, plotX, 3);
  let y = top;
  y += 12 + FS; // axis label and ticks above the plot
  y += FS + 6;
  const plotTop = y;
  const x = linear([0, spec.max], [plotX, plotX + plotWidth]);
  const { rows, groups, bottom } = layRows(spec, y, x, (row, top, segments) => ({
    row: { key: row.key, y: top + ROW / 2 + FS * 0.35, barY: top + (ROW - BAR) / 2, segments, details: [] },
    bottom: top + ROW,
  }));
  y = bottom;
  const plotBottom = y + 4;
  const bottomLabel = spec.bottomAxis ? [spec.bottomAxis.label] : [];
  const height = plotBottom + bottomHeight(bottomLabel) + PAD;
  return { width, height, labelRight, plotX, plotWidth, columnRights, headerY, subtitleLines, legendY, legendItems, plotTop, plotBottom, rows, groups, bottomLabel, x, stacked: false };
}

/** Title, subtitle and legend (wrapping under each other when the chart is narrow): where they go and where the plot may start. */
function headerLayout(spec: BarSpec, width: number, legendX: number, subtitleMax: number): { headerY: number; subtitleLines: string[]; legendY: number | null; legendItems: { x: number; y: number }[]; y: number } {
  const subtitleLines = (spec.subtitle ?? []).flatMap((s) => wrap(s, width - 2 * PAD, FS, subtitleMax));
  let y = PAD + TITLE;
  const headerY = y;
  y += subtitleLines.length * (FS + 4);
  let legendY: number | null = null;
  const legendItems: { x: number; y: number }[] = [];
  if (spec.legend && spec.legend.length > 0) {
    y += 8 + FS;
    legendY = y;
    let lx = legendX;
    for (const item of spec.legend) {
      const w = 16 + textWidth(item.label, FS);
      if (lx + w > width - PAD && legendItems.length > 0) {
        lx = PAD;
        y += FS + 6;
      }
      legendItems.push({ x: lx, y });
      lx += w + 18;
    }
  }
  return { headerY, subtitleLines, legendY, legendItems, y };
}

/**
 * The rows from `y` down, each group's rows under its heading, in the order given: `place` puts a row
 * whose top is at `top` (its bar's segments laid out already) and says where the next one starts.
 */
function layRows(
  spec: BarSpec,
  y: number,
  x: (v: number) => number,
  place: (row: BarRow, top: number, segments: { x: number; width: number }[]) => { row: BarRowLayout; bottom: number },
): { rows: BarRowLayout[]; groups: BarLayout["groups"]; bottom: number } {
  const rows: BarRowLayout[] = [];
  const groups: BarLayout["groups"] = [];
  let current: string | undefined;
  for (const row of spec.rows) {
    if (row.group !== undefined && row.group !== current) {
      current = row.group;
      y += groups.length > 0 ? 6 : 0;
      groups.push({ name: row.group, y: y + FS + 2, top: y + 4, bottom: 0 });
      y += GROUP;
    }
    let start = 0;
    const segments = row.segments.map((s) => {
      const seg = { x: x(start), width: x(start + Math.max(0, s.value)) - x(start) };
      start += Math.max(0, s.value);
      return seg;
    });
    const laid = place(row, y, segments);
    rows.push(laid.row);
    y = laid.bottom;
    if (groups.length > 0) groups[groups.length - 1]!.bottom = y;
  }
  return { rows, groups, bottom: y };
}

/** Room under the plot for the bottom axis: its ticks, then its label's lines. */
function bottomHeight(label: readonly string[]): number {
  return label.length ? FS * 2 + 14 + (label.length - 1) * (FS + 4) : 0;
}

/**
 * Pairs ("value 908") joined by " · " into lines of at most maxWidth, each kept whole on a line (a
 * name never apart from its value) unless it is wider than a line alone; the last line cut with "…".
 */
function packed(pairs: readonly string[], maxWidth: number, fontSize: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const pair of pairs) {
    const joined = lines.length > 0 ? `${lines.at(-1)!} · ${pair}` : undefined;
    if (joined !== undefined && textWidth(joined, fontSize) <= maxWidth) lines[lines.length - 1] = joined;
    else lines.push(...wrap(pair, maxWidth, fontSize, maxLines));
  }
  return lines.length <= maxLines ? lines : [...lines.slice(0, maxLines - 1), truncate(lines.slice(maxLines - 1).join(" · "), maxWidth, fontSize)];
}

function stackedLayout(spec: BarSpec): BarLayout {
  const width = spec.width;
  const groupBand = spec.rows.some((r) => r.group !== undefined) ? 10 : 0;
  const plotX = PAD + groupBand;
  const plotWidth = width - PAD - plotX;
  const last = spec.columns.length - 1;
  const head = headerLayout(spec, width, PAD, 8);
  let y = head.y + 12 + FS + FS + 6; // axis label and ticks above the plot
  const plotTop = y;
  const x = linear([0, spec.max], [plotX, plotX + plotWidth]);
  const { rows, groups, bottom } = layRows(spec, y, x, (row, top, segments) => {
    const barY = top + STACKED_LABEL;
    let under = barY + BAR + 2;
    const pairs = spec.columns.slice(0, last).map((h, c) => `${h} ${row.cells[c]?.text ?? ""}`.trim());
    const details = packed(pairs, plotWidth, FS - 1, 3).map((text) => ((under += DETAIL), { text, y: under - 3 }));
    return { row: { key: row.key, y: barY - 4, barY, segments, details }, bottom: under + 6 };
  });
  y = bottom;
  const plotBottom = y + 4;
  const bottomLabel = spec.bottomAxis ? wrap(spec.bottomAxis.label, plotWidth, FS - 1, 3) : [];
  const height = plotBottom + bottomHeight(bottomLabel) + PAD;
  const columnRights = spec.columns.map((_, c) => (c === last ? width - PAD : plotX));
  return { width, height, labelRight: plotX, plotX, plotWidth, columnRights, headerY: head.headerY, subtitleLines: head.subtitleLines, legendY: head.legendY, legendItems: head.legendItems, plotTop, plotBottom, rows, groups, bottomLabel, x, stacked: true };
}

export function renderBars(spec: BarSpec): string {
  const L = barLayout(spec);
  const parts: string[] = [];
  parts.push(el("text", { x: PAD, y: L.headerY, "font-size": TITLE, "font-weight": "bold", fill: INK }, text(truncate(spec.title, L.width - 2 * PAD, TITLE, true))));
  L.subtitleLines.forEach((line, i) => {
    parts.push(el("text", { x: PAD, y: L.headerY + (i + 1) * (FS + 4), "font-size": FS, fill: MUTED }, text(line)));
  });
  if (L.legendY !== null && spec.legend) {
    const items: string[] = [];
    spec.legend.forEach((item, i) => {
      const at = L.legendItems[i]!;
      items.push(el("rect", { x: at.x, y: at.y - 10, width: 12, height: 12, fill: item.colour }));
      items.push(el("text", { x: at.x + 16, y: at.y }, text(item.label)));
    });
    parts.push(el("g", { class: "legend", "font-size": FS, fill: INK }, ...items));
  }

  // Top axis: label, ticks and vertical grid lines through the plot.
  const axisY = L.plotTop - 8;
  const axis: string[] = [el("text", { x: L.plotX, y: axisY - FS - 4, "font-size": FS - 1, fill: MUTED }, text(spec.axisLabel))];
  for (const tick of spec.ticks) {
    const tx = L.x(tick.value);
    axis.push(el("line", { x1: tx, y1: L.plotTop, x2: tx, y2: L.plotBottom, stroke: tick.value === 0 ? AXIS : GRID, "stroke-width": 1 }));
    const anchor = tick.value === 0 ? "start" : tick.value === spec.max ? "end" : "middle";
    axis.push(el("text", { x: tx, y: axisY, "text-anchor": anchor, "font-size": FS - 1, fill: MUTED }, text(tick.label)));
  }
  spec.columns.forEach((header, c) => {
    // Stacked: only the last column stands on its own, named at the right of the axis label.
    if (L.stacked && c < spec.columns.length - 1) return;
    axis.push(el("text", { x: L.columnRights[c]!, y: L.stacked ? axisY - FS - 4 : axisY, "text-anchor": "end", "font-size": FS - 1, "font-weight": "bold", fill: MUTED }, text(header)));
  });
  parts.push(el("g", { class: "axis" }, ...axis));

  for (const group of L.groups) {
    const colour = spec.groupColours?.[group.name] ?? AXIS;
    parts.push(
      el(
        "g",
        { class: "group", "data-group": group.name },
        el("rect", { x: PAD, y: group.top, width: 4, height: Math.max(0, group.bottom - group.top), fill: colour }),
        el("text", { x: PAD + 10, y: group.y, "font-size": FS, "font-weight": "bold", fill: INK }, text(group.name)),
      ),
    );
  }

  const lastColumn = spec.columns.length - 1;
  spec.rows.forEach((row, i) => {
    const r = L.rows[i]!;
    const g: string[] = [];
    const cells = L.stacked ? row.cells.slice(lastColumn, lastColumn + 1) : row.cells;
    const cellsWidth = L.stacked ? Math.max(0, ...cells.map((c) => textWidth(c.text, FS, c.bold))) + 8 : 0;
    const room = L.stacked ? L.width - PAD - L.plotX - cellsWidth : L.labelRight - PAD - (L.groups.length ? 10 : 0);
    const shown = truncate(row.label, room, FS);
    g.push(el("text", { x: L.labelRight, y: r.y, "text-anchor": L.stacked ? "start" : "end", "font-size": FS, fill: INK }, shown !== row.label ? el("title", {}, text(row.label)) + text(shown) : text(shown)));
    row.segments.forEach((s, k) => {
      const seg = r.segments[k]!;
      g.push(el("rect", { x: seg.x, y: r.barY, width: seg.width, height: BAR, fill: s.colour, class: "bar" }, el("title", {}, text(s.label))));
    });
    if (row.segments.length === 0 && row.note) {
      g.push(el("text", { x: L.plotX + 4, y: L.stacked ? r.barY + BAR - 3 : r.y, "font-size": FS - 1, "font-style": "italic", fill: MUTED }, text(row.note)));
    }
    cells.forEach((cell, k) => {
      const c = L.stacked ? lastColumn : k;
      g.push(el("text", { x: L.columnRights[c]!, y: r.y, "text-anchor": "end", "font-size": FS, fill: cell.colour ?? INK, "font-weight": cell.bold ? "bold" : undefined }, text(cell.text)));
    });
    for (const line of r.details) g.push(el("text", { x: L.plotX, y: line.y, "font-size": FS - 1, fill: MUTED }, text(line.text)));
    parts.push(el("g", { class: "row", "data-project": row.key }, ...g));
  });

  if (spec.bottomAxis) {
    const by = L.plotBottom + FS + 4;
    const b: string[] = [];
    for (const tick of spec.bottomAxis.ticks) {
      const tx = L.x(tick.value);
      b.push(el("line", { x1: tx, y1: L.plotBottom, x2: tx, y2: L.plotBottom + 4, stroke: AXIS }));
      const anchor = tick.value <= 0 ? "start" : tick.value >= spec.max ? "end" : "middle";
      b.push(el("text", { x: tx, y: by, "text-anchor": anchor }, text(tick.label)));
    }
    L.bottomLabel.forEach((line, i) => b.push(el("text", { x: L.plotX, y: by + FS + 6 + i * (FS + 4) }, text(line))));
    parts.push(el("g", { class: "axis bottom", "font-size": FS - 1, fill: MUTED }, el("line", { x1: L.plotX, y1: L.plotBottom, x2: L.plotX + L.plotWidth, y2: L.plotBottom, stroke: AXIS }), ...b));
  }

  return svgRoot({ id: spec.id, width: L.width, height: L.height, title: spec.title, desc: spec.desc, data: spec.data }, ...parts);
}

/** Ticks for a [0, max] axis at the given values, labelled with `format`. */
export function ticksOf(values: readonly number[], format: (v: number) => string): Tick[] {
  return values.map((value) => ({ value, label: format(value) }));
}

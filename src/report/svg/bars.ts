/**
 * Horizontal bar chart: one row per project, in the order given, a label column on the left, bars on
 * a linear axis from 0 (bar length proportional to the value), and right-aligned text columns (raw
 * value, score, change). Rows may be grouped (tiers) and bars stacked (category contributions). Pure.
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
  /** Maps an axis value to x. */
  x(value: number): number;
}

export function barLayout(spec: BarSpec): BarLayout {
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
  const plotWidth = Math.max(120, spec.width - PAD - columnsWidth - 10 - plotX);
  const width = plotX + plotWidth + 10 + columnsWidth + PAD;
  const columnRights: number[] = [];
  let right = plotX + plotWidth + 10;
  for (const w of colWidths) {
    right += w;
    columnRights.push(right);
  }
  const subtitleLines = (spec.subtitle ?? []).flatMap((s) => wrap(s, width - 2 * PAD, FS, 3));
  let y = PAD + TITLE;
  const headerY = y;
  y += subtitleLines.length * (FS + 4);
  let legendY: number | null = null;
  const legendItems: { x: number; y: number }[] = [];
  if (spec.legend && spec.legend.length > 0) {
    y += 8 + FS;
    legendY = y;
    let lx = plotX;
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
  y += 12 + FS; // axis label and ticks above the plot
  y += FS + 6;
  const plotTop = y;
  const x = linear([0, spec.max], [plotX, plotX + plotWidth]);
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
    rows.push({ key: row.key, y: y + ROW / 2 + FS * 0.35, barY: y + (ROW - BAR) / 2, segments });
    y += ROW;
    if (groups.length > 0) groups[groups.length - 1]!.bottom = y;
  }
  const plotBottom = y + 4;
  const height = plotBottom + (spec.bottomAxis ? FS * 2 + 14 : 0) + PAD;
  return { width, height, labelRight, plotX, plotWidth, columnRights, headerY, subtitleLines, legendY, legendItems, plotTop, plotBottom, rows, groups, x };
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
    axis.push(el("text", { x: L.columnRights[c]!, y: axisY, "text-anchor": "end", "font-size": FS - 1, "font-weight": "bold", fill: MUTED }, text(header)));
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

  spec.rows.forEach((row, i) => {
    const r = L.rows[i]!;
    const g: string[] = [];
    const shown = truncate(row.label, L.labelRight - PAD - (L.groups.length ? 10 : 0), FS);
    g.push(el("text", { x: L.labelRight, y: r.y, "text-anchor": "end", "font-size": FS, fill: INK }, shown !== row.label ? el("title", {}, text(row.label)) + text(shown) : text(shown)));
    row.segments.forEach((s, k) => {
      const seg = r.segments[k]!;
      g.push(el("rect", { x: seg.x, y: r.barY, width: seg.width, height: BAR, fill: s.colour, class: "bar" }, el("title", {}, text(s.label))));
    });
    if (row.segments.length === 0 && row.note) {
      g.push(el("text", { x: L.plotX + 4, y: r.y, "font-size": FS - 1, "font-style": "italic", fill: MUTED }, text(row.note)));
    }
    row.cells.forEach((cell, c) => {
      g.push(el("text", { x: L.columnRights[c]!, y: r.y, "text-anchor": "end", "font-size": FS, fill: cell.colour ?? INK, "font-weight": cell.bold ? "bold" : undefined }, text(cell.text)));
    });
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
    b.push(el("text", { x: L.plotX, y: by + FS + 6 }, text(spec.bottomAxis.label)));
    parts.push(el("g", { class: "axis bottom", "font-size": FS - 1, fill: MUTED }, el("line", { x1: L.plotX, y1: L.plotBottom, x2: L.plotX + L.plotWidth, y2: L.plotBottom, stroke: AXIS }), ...b));
  }

  return svgRoot({ id: spec.id, width: L.width, height: L.height, title: spec.title, desc: spec.desc, data: spec.data }, ...parts);
}

/** Ticks for a [0, max] axis at the given values, labelled with `format`. */
export function ticksOf(values: readonly number[], format: (v: number) => string): Tick[] {
  return values.map((value) => ({ value, label: format(value) }));
}

/**
 * Line chart over time: one line per project, a break wherever a value is missing or the series skips
 * more than `maxGap` on the x axis (a missing snapshot is a gap, never interpolated), isolated points
 * drawn as dots, the lines labelled directly at their right end and in a legend. Pure.
 *
 * A narrow drawing of the same chart for a phone (its own axes, ticks, legend and dots) can take the
 * lines from the wide one in the same page (`reuse`): an SVG <use> of each path, mapped onto its own
 * plot, instead of writing every point twice. The paths keep a 2 px stroke at any scale.
 */
import { AXIS, GRID, INK, MUTED } from "../palette.js";
import { el, linear, n, svgRoot, text, textWidth, truncate, wrap, type Attrs } from "./svg.js";
import type { Tick } from "./bars.js";

export interface LinePoint {
  x: number;
  y: number | null;
}

export interface LineSeries {
  key: string;
  label: string;
  colour: string;
  dash?: string;
  points: readonly LinePoint[];
}

export interface LineSpec {
  id: string;
  title: string;
  subtitle?: readonly string[];
  desc: string;
  series: readonly LineSeries[];
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  xLabel: string;
  yLabel: string;
  /** Consecutive points further apart than this on x are not joined. */
  maxGap: number;
  width: number;
  plotHeight?: number;
  /** Label each line at its right end (default true); the legend names them either way. */
  directLabels?: boolean;
  /** Lines the subtitle may wrap to (default 3). */
  subtitleLines?: number;
  data?: Attrs;
}

/** Where the data are drawn, in the chart's own pixels. */
export interface PlotRect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The runs of a series that are drawn as one stroke: a point with no value, or a step on x larger than
 * maxGap, starts a new run. Points are taken in x order.
 */
export function splitSegments(points: readonly LinePoint[], maxGap: number): { x: number; y: number }[][] {
  // Trends come in x order already (a copy sorted would be 365,000 points per chart); runs hold the given points.
  let inOrder = true;
  for (let i = 1; i < points.length && inOrder; i++) inOrder = points[i - 1]!.x <= points[i]!.x;
  const sorted = inOrder ? points : [...points].sort((a, b) => a.x - b.x);
  const out: { x: number; y: number }[][] = [];
  let run: { x: number; y: number }[] = [];
  let lastX: number | null = null;
  for (const p of sorted) {
    if (p.y === null || (lastX !== null && p.x - lastX > maxGap)) {
      if (run.length) out.push(run);
      run = [];
    }
    if (p.y !== null) run.push(p as { x: number; y: number });
    lastX = p.x;
  }
  if (run.length) out.push(run);
  return out;
}

/** SVG path data: one "M" per run, so a gap is a gap. */
export function pathData(runs: readonly { x: number; y: number }[][], sx: (v: number) => number, sy: (v: number) => number): string {
  // "M x y L x y ..." per run of two points or more, built in one pass: a trend chart has 365,000 points.
  let out = "";
  for (const run of runs) {
    if (run.length < 2) continue;
    for (let i = 0; i < run.length; i++) {
      const p = run[i]!;
      out += (i > 0 ? " L" : out === "" ? "M" : " M") + n(sx(p.x)) + " " + n(sy(p.y));
    }
  }
  return out;
}

/**
 * Spreads labels wanted at `targets` (y, any order) so that no two are closer than `gap`, staying in
 * [lo, hi] where possible and as near their targets as the spacing allows. Returns positions in the
 * order of `targets`.
 */
export function spreadLabels(targets: readonly number[], gap: number, lo: number, hi: number): number[] {
  const order = targets.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const pos = order.map((o) => o.t);
  for (let k = 0; k < pos.length; k++) pos[k] = Math.max(pos[k]!, k === 0 ? lo : pos[k - 1]! + gap);
  for (let k = pos.length - 1; k >= 0; k--) pos[k] = Math.min(pos[k]!, k === pos.length - 1 ? hi : pos[k + 1]! - gap);
  // If squeezed above lo by the second pass, push down again (the labels then run past hi, not overlap).
  for (let k = 0; k < pos.length; k++) if (k > 0 && pos[k]! < pos[k - 1]! + gap) pos[k] = pos[k - 1]! + gap;
  const out = new Array<number>(targets.length);
  order.forEach((o, k) => (out[o.i] = pos[k]!));
  return out;
}

const FS = 12;
const TITLE = 15;
const PAD = 12;
const LABEL_MAX = 150;

interface LineLayout {
  plot: PlotRect;
  width: number;
  titleY: number;
  subtitleLines: string[];
  yLabelY: number;
  ending: { series: LineSeries; y: number }[];
}

function lineLayout(spec: LineSpec): LineLayout {
  const plotHeight = spec.plotHeight ?? 240;
  const yTickWidth = Math.max(...spec.yTicks.map((t) => textWidth(t.label, FS - 1)), 10);
  const plotX = PAD + yTickWidth + 8;
  const x1 = spec.xDomain[1];

  // Direct labels for the series that have a value at the last date.
  const ending =
    spec.directLabels === false
      ? []
      : spec.series
          .map((s) => {
            // The latest point with a value (of equal x, the last given): a scan, not a sort of a copy.
            let last: LinePoint | undefined;
            for (const p of s.points) if (p.y !== null && (last === undefined || p.x >= last.x)) last = p;
            return last && last.x === x1 ? { series: s, y: last.y! } : null;
          })
          .filter((e): e is { series: LineSeries; y: number } => e !== null);
  const labelWidth = Math.max(0, ...ending.map((e) => textWidth(truncate(e.series.label, LABEL_MAX, FS), FS)));
  const plotWidth = Math.max(160, spec.width - plotX - PAD - (ending.length ? labelWidth + 24 : 10));
  const width = spec.width;

  const subtitleLines = (spec.subtitle ?? []).flatMap((s) => wrap(s, width - 2 * PAD, FS, spec.subtitleLines ?? 3));
  let y = PAD + TITLE;
  const titleY = y;
  y += subtitleLines.length * (FS + 4);
  y += 10 + FS; // y-axis label
  const yLabelY = y;
  y += 12;
  return { plot: { left: plotX, right: plotX + plotWidth, top: y, bottom: y + plotHeight }, width, titleY, subtitleLines, yLabelY, ending };
}

/** The plot of a line chart: where a narrow drawing that reuses its lines maps them from. */
export function linePlot(spec: LineSpec): PlotRect {
  return lineLayout(spec).plot;
}

/** The id of a series' path, for a narrow drawing's <use>. */
function lineId(chartId: string, i: number): string {
  return `${chartId}-line-${i}`;
}

/**
 * `reuse`: draw the lines as <use> of the paths of the chart `id` in the same page, whose plot was
 * `plot` (its yDomain and xDomain must be this spec's).
 */
export function renderLines(spec: LineSpec, reuse?: { id: string; plot: PlotRect }): string {
  const { plot, width, titleY, subtitleLines, yLabelY, ending } = lineLayout(spec);
  const { left: plotX, right: plotRight, top: plotTop, bottom: plotBottom } = plot;
  const [x0, x1] = spec.xDomain;
  const sx = linear([x0, x1], [plotX, plotRight]);
  const sy = linear(spec.yDomain, [plotBottom, plotTop]);

  // Legend: every series (also those that left the cohort), in columns under the x axis.
  const legendTop = plotBottom + 18 + FS + 10 + FS + 4;
  const itemWidth = Math.min(220, Math.max(...spec.series.map((s) => 30 + textWidth(truncate(s.label, 180, FS), FS)), 60) + 14);
  const perRow = Math.max(1, Math.floor((width - plotX - PAD) / itemWidth));
  const legendRows = Math.ceil(spec.series.length / perRow);
  const height = legendTop + legendRows * (FS + 8) + PAD;

  const parts: string[] = [];
  parts.push(el("text", { x: PAD, y: titleY, "font-size": TITLE, "font-weight": "bold", fill: INK }, text(truncate(spec.title, width - 2 * PAD, TITLE, true))));
  subtitleLines.forEach((line, i) => parts.push(el("text", { x: PAD, y: titleY + (i + 1) * (FS + 4), "font-size": FS, fill: MUTED }, text(line))));

  const axes: string[] = [el("text", { x: PAD, y: yLabelY, "font-size": FS - 1, fill: MUTED }, text(spec.yLabel))];
  for (const t of spec.yTicks) {
    const ty = sy(t.value);
    axes.push(el("line", { x1: plotX, y1: ty, x2: plotRight, y2: ty, stroke: GRID }));
    axes.push(el("text", { x: plotX - 6, y: ty + 4, "text-anchor": "end", "font-size": FS - 1, fill: MUTED }, text(t.label)));
  }
  axes.push(el("line", { x1: plotX, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: AXIS }));
  axes.push(el("line", { x1: plotX, y1: plotTop, x2: plotX, y2: plotBottom, stroke: AXIS }));
  for (const t of spec.xTicks) {
    const tx = sx(t.value);
    axes.push(el("line", { x1: tx, y1: plotBottom, x2: tx, y2: plotBottom + 4, stroke: AXIS }));
    axes.push(el("text", { x: tx, y: plotBottom + 18, "text-anchor": "middle", "font-size": FS - 1, fill: MUTED }, text(t.label)));
  }
  axes.push(el("text", { x: (plotX + plotRight) / 2, y: plotBottom + 18 + FS + 8, "text-anchor": "middle", "font-size": FS - 1, fill: MUTED }, text(spec.xLabel)));
  parts.push(el("g", { class: "axis" }, ...axes));

  // The map from the reused chart's pixels to this one's: a scale and a shift on each axis.
  let transform: string | undefined;
  if (reuse) {
    const kx = (plotRight - plotX) / (reuse.plot.right - reuse.plot.left);
    const ky = (plotBottom - plotTop) / (reuse.plot.bottom - reuse.plot.top);
    // Scales with 6 decimals: 2 would move a point by up to 5 px across a 1,000 px plot.
    const k = (v: number) => String(Number(v.toFixed(6)));
    transform = `matrix(${k(kx)} 0 0 ${k(ky)} ${k(plotX - reuse.plot.left * kx)} ${k(plotTop - reuse.plot.top * ky)})`;
  }
  spec.series.forEach((s, i) => {
    const runs = splitSegments(s.points, spec.maxGap);
    const g: string[] = [];
    if (reuse) {
      if (runs.some((r) => r.length > 1)) g.push(el("use", { href: `#${lineId(reuse.id, i)}`, transform }));
    } else {
      const d = pathData(runs, sx, sy);
      const style = { fill: "none", stroke: s.colour, "stroke-width": 2, "stroke-dasharray": s.dash, "stroke-linejoin": "round", "stroke-linecap": "round", "vector-effect": "non-scaling-stroke" };
      if (d) g.push(el("path", { d, ...style, id: lineId(spec.id, i) }));
    }
    for (const run of runs) {
      if (run.length === 1) g.push(el("circle", { cx: sx(run[0]!.x), cy: sy(run[0]!.y), r: 2.5, fill: s.colour }));
    }
    const last = runs.at(-1)?.at(-1);
    if (last && last.x === x1) g.push(el("circle", { cx: sx(last.x), cy: sy(last.y), r: 3, fill: s.colour }));
    parts.push(el("g", { class: "series", "data-project": s.key }, el("title", {}, text(s.label)), ...g));
  });

  if (ending.length) {
    const positions = spreadLabels(ending.map((e) => sy(e.y)), FS + 2, plotTop, plotBottom);
    const labels: string[] = [];
    ending.forEach((e, i) => {
      const ty = sy(e.y);
      const ly = positions[i]!;
      labels.push(el("polyline", { points: `${n(plotRight + 4)},${n(ty)} ${n(plotRight + 12)},${n(ly)} ${n(plotRight + 16)},${n(ly)}`, fill: "none", stroke: e.series.colour, "stroke-width": 1 }));
      labels.push(el("text", { x: plotRight + 19, y: ly + 4, fill: INK }, text(truncate(e.series.label, LABEL_MAX, FS))));
    });
    parts.push(el("g", { class: "direct-labels", "font-size": FS }, ...labels));
  }

  const legend: string[] = [];
  spec.series.forEach((s, i) => {
    const lx = plotX + (i % perRow) * itemWidth;
    const ly = legendTop + Math.floor(i / perRow) * (FS + 8);
    legend.push(el("line", { x1: lx, y1: ly - 4, x2: lx + 24, y2: ly - 4, stroke: s.colour, "stroke-width": 2, "stroke-dasharray": s.dash }));
    legend.push(el("text", { x: lx + 30, y: ly }, text(truncate(s.label, 180, FS))));
  });
  parts.push(el("g", { class: "legend", "font-size": FS, fill: INK }, ...legend));

  return svgRoot({ id: spec.id, width, height, title: spec.title, desc: spec.desc, data: spec.data }, ...parts);
}

/**
 * Radar (spider) plot: one axis per category or criterion, scores from the centre (0) to the rim
 * (`max`, 1 by default), the same scale for every plot so that small multiples compare at a glance.
 * Pure.
 */
import { AXIS, GRID, INK, MUTED } from "../palette.js";
import { el, n, svgRoot, text, textWidth, truncate, wrap, type Attrs } from "./svg.js";

export interface RadarAxis {
  label: string;
  /** Shown under the label, e.g. the score "0.842". */
  valueText?: string;
}

export interface RadarLayer {
  label: string;
  /** One per axis; null: no value (that vertex is left out, never drawn as 0). */
  values: readonly (number | null)[];
  colour: string;
  /** Filled (the subject) or an outline only (a reference such as the cohort median). */
  fill: boolean;
  dash?: string;
}

export interface RadarSpec {
  id: string;
  title: string;
  subtitle?: string;
  desc: string;
  axes: readonly RadarAxis[];
  /** Drawn in order: references first, the subject last (on top). */
  layers: readonly RadarLayer[];
  max?: number;
  rings?: readonly number[];
  radius?: number;
  width?: number;
  /** Maximum width of an axis label before it wraps. */
  labelWidth?: number;
  fontSize?: number;
  /** Keep within `width` (a phone's screen): the radius shrinks, down to half, where the labels need room. */
  fit?: boolean;
  data?: Attrs;
}

export interface Point {
  x: number;
  y: number;
}

/** The angle of axis i of n: the first points straight up, the others follow clockwise. */
export function axisAngle(i: number, count: number): number {
  return -Math.PI / 2 + (2 * Math.PI * i) / count;
}

/** Where a value lands on axis i: at value/max of the radius from the centre (clamped to [0, max]). */
export function radarPoint(cx: number, cy: number, radius: number, i: number, count: number, value: number, max = 1): Point {
  const r = (radius * Math.min(max, Math.max(0, value))) / max;
  const a = axisAngle(i, count);
  return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
}

interface LabelBox {
  lines: { text: string; bold: boolean }[];
  x: number;
  y: number; // baseline of the first line, relative to the centre
  anchor: "start" | "middle" | "end";
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const TITLE_SIZE = 14;
const SUBTITLE_SIZE = 12;

export interface RadarLayout {
  width: number;
  height: number;
  cx: number;
  cy: number;
  radius: number;
  labels: LabelBox[];
}

/** Positions of the centre and the labels: the plot is sized so that every label fits inside. */
export function radarLayout(spec: RadarSpec): RadarLayout {
  const full = spec.radius ?? 80;
  let layout = layoutAt(spec, full);
  // Side labels move out with the radius: a few steps find one that fits, when one does.
  for (let step = 0; spec.fit && spec.width !== undefined && layout.width > spec.width && step < 4; step++) {
    layout = layoutAt(spec, Math.max(full / 2, layout.radius - (layout.width - spec.width) / 2));
  }
  return layout;
}

function layoutAt(spec: RadarSpec, radius: number): RadarLayout {
  const count = spec.axes.length;
  const fs = spec.fontSize ?? 12;
  const lh = fs * 1.2;
  const maxLabel = spec.labelWidth ?? 110;
  const gap = 8;
  const labels: LabelBox[] = spec.axes.map((axis, i) => {
    const a = axisAngle(i, count);
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const lines = [
      ...wrap(axis.label, maxLabel, fs, 2).map((t) => ({ text: t, bold: false })),
      ...(axis.valueText ? [{ text: axis.valueText, bold: true }] : []),
    ];
    const w = Math.max(...lines.map((l) => textWidth(l.text, fs, l.bold)));
    const h = lines.length * lh;
    // With few axes, labels of the lower axes sit centred under their tips (a triangle's corners);
    // with many, side labels go beside their tips so that neighbours do not collide.
    const under = count <= 4 && sin > 0.25;
    const anchor = under || Math.abs(cos) <= 0.25 ? "middle" : cos > 0 ? "start" : "end";
    const x = (radius + gap) * cos;
    const py = under ? radius * sin + gap : (radius + gap) * sin;
    // The block sits above the tip on upper axes, below it on lower ones, centred on side ones.
    const top = sin < -0.25 ? py - h : sin > 0.25 ? py : py - h / 2;
    const left = anchor === "start" ? x : anchor === "end" ? x - w : x - w / 2;
    return { lines, x, y: top + fs * 0.95, anchor, left, right: left + w, top, bottom: top + h };
  });
  // The extent of the grid itself: its tips (a triangle is not as wide or tall as its circle).
  const tips = spec.axes.map((_, i) => radarPoint(0, 0, radius, i, count, 1, 1));
  const pad = 6;
  const minX = Math.min(...tips.map((t) => t.x), ...labels.map((l) => l.left)) - pad;
  const maxX = Math.max(...tips.map((t) => t.x), ...labels.map((l) => l.right)) + pad;
  const minY = Math.min(...tips.map((t) => t.y), ...labels.map((l) => l.top)) - pad;
  const maxY = Math.max(...tips.map((t) => t.y), ...labels.map((l) => l.bottom)) + pad;
  const header = 8 + TITLE_SIZE + (spec.subtitle ? SUBTITLE_SIZE + 6 : 0) + 4;
  const width = Math.max(spec.width ?? 0, maxX - minX);
  const cx = (width - (maxX - minX)) / 2 - minX;
  const cy = header - minY;
  return { width, height: cy + maxY, cx, cy, radius, labels };
}

function polygonPoints(points: Point[]): string {
  return points.map((p) => `${n(p.x)},${n(p.y)}`).join(" ");
}

/** The SVG of a radar plot, with a title, the axes, rings labelled with their score, and the layers. */
export function renderRadar(spec: RadarSpec): string {
  const max = spec.max ?? 1;
  const rings = spec.rings ?? [0.25, 0.5, 0.75, 1].map((r) => r * max);
  const fs = spec.fontSize ?? 12;
  const L = radarLayout(spec);
  const count = spec.axes.length;
  const at = (i: number, v: number) => radarPoint(L.cx, L.cy, L.radius, i, count, v, max);
  const parts: string[] = [];

  // Titles are cut to the plot's width (the full text is the chart's accessible <title>).
  parts.push(el("text", { x: L.width / 2, y: 8 + TITLE_SIZE, "text-anchor": "middle", "font-size": TITLE_SIZE, "font-weight": "bold", fill: INK }, text(truncate(spec.title, L.width - 8, TITLE_SIZE, true))));
  if (spec.subtitle) {
    parts.push(el("text", { x: L.width / 2, y: 8 + TITLE_SIZE + 6 + SUBTITLE_SIZE, "text-anchor": "middle", "font-size": SUBTITLE_SIZE, fill: MUTED }, text(truncate(spec.subtitle, L.width - 8, SUBTITLE_SIZE))));
  }

  // Grid: rings as polygons through each axis, spokes from the centre to the rim.
  const grid: string[] = [];
  for (const ring of rings) {
    grid.push(el("polygon", { points: polygonPoints(spec.axes.map((_, i) => at(i, ring))), fill: "none", stroke: ring === max ? AXIS : GRID, "stroke-width": 1 }));
  }
  spec.axes.forEach((_, i) => {
    const tip = at(i, max);
    grid.push(el("line", { x1: L.cx, y1: L.cy, x2: tip.x, y2: tip.y, stroke: AXIS, "stroke-width": 1 }));
  });
  parts.push(el("g", { class: "grid" }, ...grid));

  for (const layer of spec.layers) {
    const pts = layer.values.map((v, i) => (v === null ? null : at(i, v)));
    const complete = pts.every((p): p is Point => p !== null);
    const g: string[] = [];
    if (complete) {
      g.push(
        el("polygon", {
          points: polygonPoints(pts),
          fill: layer.fill ? layer.colour : "none",
          "fill-opacity": layer.fill ? 0.22 : undefined,
          stroke: layer.colour,
          "stroke-width": layer.fill ? 2 : 1.5,
          "stroke-dasharray": layer.dash,
          "stroke-linejoin": "round",
        }),
      );
    } else {
      // A missing value breaks the outline: only neighbouring known vertices are joined.
      pts.forEach((p, i) => {
        const next = pts[(i + 1) % pts.length];
        if (p && next && count > 2) g.push(el("line", { x1: p.x, y1: p.y, x2: next.x, y2: next.y, stroke: layer.colour, "stroke-width": layer.fill ? 2 : 1.5, "stroke-dasharray": layer.dash }));
      });
    }
    if (layer.fill) {
      for (const p of pts) if (p) g.push(el("circle", { cx: p.x, cy: p.y, r: 3, fill: layer.colour }));
    }
    parts.push(el("g", { class: "layer", "data-layer": layer.label }, ...g));
  }

  // The scale: the middle and outer rings' values beside the first axis, haloed to stay legible.
  const labelled = rings.filter((r) => Math.abs(r - max / 2) < 1e-9 || Math.abs(r - max) < 1e-9);
  parts.push(
    el(
      "g",
      { class: "scale", "font-size": 11, fill: MUTED, stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke", "stroke-linejoin": "round", "text-anchor": "end" },
      ...labelled.map((ring) => {
        const p = at(0, ring);
        return el("text", { x: p.x - 4, y: p.y + 4 }, text(String(Number(ring.toFixed(2)))));
      }),
    ),
  );

  parts.push(
    el(
      "g",
      { class: "axis-labels", "font-size": fs, fill: INK },
      ...L.labels.map((label) =>
        el(
          "text",
          { x: L.cx + label.x, y: L.cy + label.y, "text-anchor": label.anchor },
          ...label.lines.map((line, k) =>
            el("tspan", { x: L.cx + label.x, dy: k === 0 ? undefined : fs * 1.2, "font-weight": line.bold ? "bold" : undefined }, text(line.text)),
          ),
        ),
      ),
    ),
  );

  return svgRoot({ id: spec.id, width: L.width, height: L.height, title: spec.subtitle ? `${spec.title}: ${spec.subtitle}` : spec.title, desc: spec.desc, data: spec.data }, ...parts);
}

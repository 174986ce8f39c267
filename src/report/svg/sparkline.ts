/**
 * Sparkline: a word-sized line of one project's score over the history, for a table cell. Same gap
 * rule as the line chart (a missing snapshot breaks the line), a dot on the latest value. Pure.
 */
import { splitSegments, pathData, type LinePoint } from "./lines.js";
import { el, linear, svgRoot, type Attrs } from "./svg.js";

export interface SparkSpec {
  id: string;
  title: string;
  desc: string;
  points: readonly LinePoint[];
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
  maxGap: number;
  colour: string;
  width?: number;
  height?: number;
  data?: Attrs;
}

export function renderSparkline(spec: SparkSpec): string {
  const width = spec.width ?? 120;
  const height = spec.height ?? 28;
  const pad = 4;
  const sx = linear(spec.xDomain[0] === spec.xDomain[1] ? [spec.xDomain[0] - 1, spec.xDomain[1]] : spec.xDomain, [pad, width - pad]);
  const sy = linear(spec.yDomain, [height - pad, pad]);
  const runs = splitSegments(spec.points, spec.maxGap);
  const parts: string[] = [];
  const d = pathData(runs, sx, sy);
  if (d) parts.push(el("path", { d, fill: "none", stroke: spec.colour, "stroke-width": 1.5, "stroke-linejoin": "round", "stroke-linecap": "round" }));
  for (const run of runs) {
    if (run.length === 1) parts.push(el("circle", { cx: sx(run[0]!.x), cy: sy(run[0]!.y), r: 1.5, fill: spec.colour }));
  }
  const last = runs.at(-1)?.at(-1);
  if (last && last.x === spec.xDomain[1]) parts.push(el("circle", { cx: sx(last.x), cy: sy(last.y), r: 2.5, fill: spec.colour }));
  return svgRoot({ id: spec.id, width, height, title: spec.title, desc: spec.desc, data: spec.data, background: null }, ...parts);
}

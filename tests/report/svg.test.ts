/** Chart geometry: where marks land for known values, without a browser. */
import { describe, expect, it } from "vitest";
import { axisAngle, radarLayout, radarPoint, renderRadar, type RadarSpec } from "../../src/report/svg/radar.js";
import { barLayout, renderBars, type BarSpec } from "../../src/report/svg/bars.js";
import { linePlot, pathData, renderLines, splitSegments, spreadLabels, type LineSpec } from "../../src/report/svg/lines.js";
import { renderSparkline } from "../../src/report/svg/sparkline.js";
import { linear, n, niceDomain, niceTicks, stepDigits, svgRoot, textWidth, truncate, wrap } from "../../src/report/svg/svg.js";
import { dayTicks, scoreDomain, sparkDomain } from "../../src/report/charts.js";
import { dayNumber, fixed } from "../../src/report/format.js";
import { mulberry32 } from "../support/random.js";

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 6);

/** The numbers of an SVG "points" or path attribute. */
function numbers(s: string): number[] {
  return (s.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
}

describe("svg building blocks", () => {
  it("writes coordinates with at most 2 decimals, no -0, no trailing zeros", () => {
    expect(n(12.3456)).toBe("12.35");
    expect(n(100)).toBe("100");
    expect(n(10.5)).toBe("10.5");
    expect(n(-0.001)).toBe("0");
    expect(n(2.999)).toBe("3");
    expect(() => n(Number.NaN)).toThrow(/finite/);
  });

  it("writes every coordinate as toFixed(2) without trailing zeros or -0 (the regular-expression version it replaced)", () => {
    const reference = (x: number) => {
      const s = fixed(x, 2);
      return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
    };
    const random = mulberry32(7);
    const values = [0, -0, 0.005, -0.005, 0.004, -0.004, 0.015, 1.005, 2.675, -2.675, 99.995, -99.995, 1e-9, -1e-9, 1e20, -1e20, 1e21, -1e21, 1e300];
    for (let i = 0; i < 200_000; i++) {
      const scale = 10 ** Math.floor(random() * 12 - 4);
      values.push((random() - 0.4) * scale, Math.round((random() - 0.5) * 2000) / 1000, Math.round(random() * 1e4) / 200);
    }
    let different = 0;
    for (const x of values) if (n(x) !== reference(x)) different++;
    expect(different).toBe(0);
    expect(n(-0.1)).toBe("-0.1");
    expect(n(-10)).toBe("-10");
    expect(n(1e21)).toBe("1e+21");
  });

  it("puts ticks on steps of 1, 2 or 5 times a power of ten", () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1034, 4)).toEqual([0, 500, 1000]);
    expect(niceTicks(0, 10.02, 4)).toEqual([0, 5, 10]);
    expect(niceTicks(0.6, 0.85, 5)).toEqual([0.6, 0.65, 0.7, 0.75, 0.8, 0.85]);
    expect(niceDomain(0.613, 0.842, 5)).toEqual([0.6, 0.85]);
    expect(stepDigits(0.25)).toBe(2);
    expect(stepDigits(5)).toBe(0);
  });

  it("maps a domain linearly onto a range", () => {
    const x = linear([0, 1], [100, 300]);
    expect(x(0)).toBe(100);
    expect(x(0.5)).toBe(200);
    expect(x(1)).toBe(300);
    const y = linear([0.2, 1], [500, 100]); // y grows downwards
    expect(y(1)).toBe(100);
    close(y(0.6), 300);
  });

  it("measures, truncates and wraps text within a width", () => {
    expect(textWidth("iiii", 10)).toBeLessThan(textWidth("MMMM", 10));
    expect(textWidth("ab", 10, true)).toBeGreaterThan(textWidth("ab", 10));
    const cut = truncate("Microsoft Cognitive Toolkit", 80, 12);
    expect(cut.endsWith("…")).toBe(true);
    expect(textWidth(cut, 12)).toBeLessThanOrEqual(80);
    expect(truncate("CNTK", 80, 12)).toBe("CNTK");
    expect(wrap("Support & Community", 100, 12)).toEqual(["Support &", "Community"]);
    const lines = wrap("one two three four five six seven eight nine ten", 60, 12, 2);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(60);
  });

  it("makes every chart an image with an accessible name and description, text escaped", () => {
    const svg = svgRoot({ id: "c1", width: 10, height: 10, title: "<b>&", desc: 'say "hi"' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="10" height="10" viewBox="0 0 10 10" role="img" aria-labelledby="c1-title" aria-describedby="c1-desc"/);
    expect(svg).toContain('<title id="c1-title">&lt;b&gt;&amp;</title>');
    expect(svg).toContain('<desc id="c1-desc">say &quot;hi&quot;</desc>');
  });
});

describe("radar", () => {
  it("puts axis 0 straight up and the others clockwise", () => {
    close(axisAngle(0, 3), -Math.PI / 2);
    close(axisAngle(1, 3), Math.PI / 6); // 30° below the horizontal, to the right
    close(axisAngle(2, 3), (5 * Math.PI) / 6);
  });

  it("lands a score at score × radius from the centre along its axis", () => {
    const top = radarPoint(150, 150, 100, 0, 3, 0.5);
    close(top.x, 150);
    close(top.y, 100);
    const right = radarPoint(150, 150, 100, 1, 3, 1);
    close(right.x, 150 + 100 * Math.cos(Math.PI / 6)); // 236.60
    close(right.y, 200);
    const left = radarPoint(150, 150, 100, 2, 3, 0.8);
    close(left.x, 150 - 80 * Math.cos(Math.PI / 6));
    close(left.y, 190);
    // Out-of-range values are clamped to the rim and the centre; another max rescales.
    expect(radarPoint(0, 0, 100, 0, 4, 1.5)).toEqual(radarPoint(0, 0, 100, 0, 4, 1));
    close(radarPoint(0, 0, 100, 0, 4, -1).y, 0);
    close(radarPoint(0, 0, 100, 1, 4, 5, 10).x, 50);
  });

  const spec: RadarSpec = {
    id: "r",
    title: "1. PyTorch",
    subtitle: "Tier 1",
    desc: "d",
    axes: [{ label: "Support & Community", valueText: "0.500" }, { label: "API", valueText: "1.000" }, { label: "Platform", valueText: "0.250" }],
    layers: [
      { label: "median", values: [0.5, 0.5, 0.5], colour: "#666", fill: false, dash: "4 3" },
      { label: "PyTorch", values: [0.5, 1, 0.25], colour: "#0072B2", fill: true },
    ],
    radius: 80,
  };

  it("draws the project's polygon through its scores", () => {
    const L = radarLayout(spec);
    const svg = renderRadar(spec);
    const poly = /<g class="layer" data-layer="PyTorch"><polygon points="([^"]+)"/.exec(svg)![1]!;
    const pts = numbers(poly);
    const expected = [radarPoint(L.cx, L.cy, 80, 0, 3, 0.5), radarPoint(L.cx, L.cy, 80, 1, 3, 1), radarPoint(L.cx, L.cy, 80, 2, 3, 0.25)];
    expected.forEach((p, i) => {
      expect(pts[2 * i]).toBeCloseTo(p.x, 1);
      expect(pts[2 * i + 1]).toBeCloseTo(p.y, 1);
    });
    // The first point is 0.5 × 80 = 40 px above the centre.
    expect(pts[1]).toBeCloseTo(L.cy - 40, 1);
    expect(svg).toContain('stroke-dasharray="4 3"'); // the median reference
    expect(svg).toContain("<tspan");
    expect(svg).toContain("Support &amp;");
  });

  it("with fit, keeps within its width by a smaller radius, where it would otherwise grow", () => {
    const long: RadarSpec = {
      ...spec,
      axes: Array.from({ length: 12 }, (_, i) => ({ label: `Criterion with a long name ${i}`, valueText: "0.500" })),
      layers: [{ label: "P", values: Array(12).fill(0.5), colour: "#000", fill: true }],
      width: 320,
      radius: 84,
      labelWidth: 92,
      fontSize: 11,
    };
    expect(radarLayout(long).width).toBeGreaterThan(320);
    const fitted = radarLayout({ ...long, fit: true });
    expect(fitted.width).toBeLessThanOrEqual(320);
    expect(fitted.radius).toBeLessThan(84);
    for (const label of fitted.labels) {
      expect(fitted.cx + label.left).toBeGreaterThanOrEqual(0);
      expect(fitted.cx + label.right).toBeLessThanOrEqual(fitted.width);
    }
    // Room to spare: the radius asked for.
    expect(radarLayout({ ...spec, width: 320, fit: true }).radius).toBe(80);
  });

  it("keeps every label inside the plot", () => {
    const L = radarLayout(spec);
    for (const label of L.labels) {
      expect(L.cx + label.left).toBeGreaterThanOrEqual(0);
      expect(L.cx + label.right).toBeLessThanOrEqual(L.width);
      expect(L.cy + label.bottom).toBeLessThanOrEqual(L.height);
    }
  });

  it("leaves a missing score out instead of drawing it as 0", () => {
    const svg = renderRadar({ ...spec, layers: [{ label: "P", values: [0.5, null, 0.25], colour: "#000", fill: true }] });
    expect(svg).not.toMatch(/data-layer="P"><polygon/);
    // Only the edge between the two known neighbours (axis 2 → axis 0) is drawn; two dots.
    expect(svg.match(/<line[^>]*stroke="#000"/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2);
  });

  it("is byte-identical for the same input", () => {
    expect(renderRadar(spec)).toBe(renderRadar(structuredClone(spec)));
  });
});

describe("bars", () => {
  const spec: BarSpec = {
    id: "b",
    title: "Activity",
    desc: "d",
    rows: [
      { key: "a", label: "1. A", segments: [{ value: 1, colour: "#000", label: "a" }], cells: [{ text: "1.000" }] },
      { key: "b", label: "2. B", segments: [{ value: 0.5, colour: "#000", label: "b" }], cells: [{ text: "0.500" }] },
      { key: "c", label: "3. C", segments: [{ value: 0.25, colour: "#000", label: "c" }], cells: [{ text: "0.250" }] },
      { key: "d", label: "4. D", segments: [], cells: [{ text: "–" }], note: "not rated" },
    ],
    max: 1,
    ticks: [0, 0.5, 1].map((v) => ({ value: v, label: String(v) })),
    axisLabel: "score",
    columns: ["score"],
    width: 500,
  };

  it("makes bar lengths proportional to the values, from the same origin", () => {
    const L = barLayout(spec);
    const [a, b, c] = L.rows.map((r) => r.segments[0]!);
    close(a!.width, L.plotWidth);
    close(b!.width, L.plotWidth / 2);
    close(c!.width, L.plotWidth / 4);
    for (const s of [a, b, c]) close(s!.x, L.plotX);
    expect(L.rows[3]!.segments).toEqual([]);
    // Rows keep the order given, top to bottom.
    const ys = L.rows.map((r) => r.y);
    expect([...ys].sort((x, y) => x - y)).toEqual(ys);
  });

  it("stacks segments end to end", () => {
    const L = barLayout({ ...spec, rows: [{ key: "s", label: "S", segments: [{ value: 0.2, colour: "#1", label: "x" }, { value: 0.3, colour: "#2", label: "y" }], cells: [{ text: "" }] }] });
    const [first, second] = L.rows[0]!.segments;
    close(second!.x, first!.x + first!.width);
    close(first!.width + second!.width, L.plotWidth / 2);
  });

  it("puts ticks at their values on the axis, and notes missing values in words", () => {
    const L = barLayout(spec);
    const svg = renderBars(spec);
    close(L.x(0.5), L.plotX + L.plotWidth / 2);
    const gridX = [...svg.matchAll(/<line x1="([\d.]+)" y1="[\d.]+" x2="\1"/g)].map((m) => Number(m[1]));
    expect(gridX).toEqual([L.x(0), L.x(0.5), L.x(1)].map((v) => Number(n(v))));
    expect(svg).toContain(">not rated</text>");
    expect(svg.match(/class="bar"/g)).toHaveLength(3);
  });

  it("stacks each row on a narrow chart: label and last column, the bar across the width, the other columns under it", () => {
    const narrow: BarSpec = {
      ...spec,
      layout: "stacked",
      width: 200,
      columns: ["merged PRs", "score"],
      rows: spec.rows.map((r, i) => ({ ...r, label: `${i + 1}. A project with a long name`, cells: [{ text: String(100 * i) }, r.cells[0]!] })),
      bottomAxis: { ticks: [{ value: 0, label: "0" }, { value: 1, label: "300" }], label: "value: a label longer than the chart is wide, which wraps" },
    };
    const L = barLayout(narrow);
    const svg = renderBars(narrow);
    expect(L.width).toBe(200);
    close(L.plotX + L.plotWidth, 200 - 12);
    close(L.rows[0]!.segments[0]!.width, L.plotWidth);
    for (const [i, r] of L.rows.entries()) {
      expect(r.barY).toBeGreaterThan(r.y); // the bar under its label
      expect(r.details.map((d) => d.text)).toEqual([`merged PRs ${100 * i}`]);
      expect(r.details[0]!.y).toBeGreaterThan(r.barY);
      if (i > 0) expect(r.y - 14).toBeGreaterThan(L.rows[i - 1]!.details.at(-1)!.y);
    }
    // Labels are cut to leave room for the score on their line; the axis label wraps.
    const label = /<title>2\. A project with a long name<\/title>([^<]+)<\/text>/.exec(svg)![1]!;
    expect(label).toMatch(/^2\. A project.*…$/);
    expect(textWidth(label, 12) + textWidth("0.500", 12) + 8).toBeLessThanOrEqual(L.plotWidth);
    expect(svg).toContain(`<text x="${n(L.width - 12)}" y="${n(L.rows[1]!.y)}" text-anchor="end" font-size="12" fill="#1a1a1a">0.500</text>`);
    expect(L.bottomLabel.length).toBeGreaterThan(1);
    for (const line of [...L.bottomLabel, ...L.rows.flatMap((r) => r.details.map((d) => d.text))]) expect(textWidth(line, 11)).toBeLessThanOrEqual(L.plotWidth);
    expect(L.height).toBeGreaterThan(L.plotBottom + 2 * 12 + L.bottomLabel.length * 11);
  });

  it("groups rows under headings with a band", () => {
    const L = barLayout({ ...spec, rows: spec.rows.map((r, i) => ({ ...r, group: i < 2 ? "Tier 1" : "Tier 2" })) });
    expect(L.groups.map((g) => g.name)).toEqual(["Tier 1", "Tier 2"]);
    expect(L.groups[0]!.bottom).toBeLessThanOrEqual(L.groups[1]!.top);
    expect(L.rows[2]!.y).toBeGreaterThan(L.groups[1]!.y);
  });
});

describe("lines", () => {
  it("splits a series at missing values and at steps longer than the cadence", () => {
    const pts = [
      { x: 1, y: 0.5 },
      { x: 2, y: 0.6 },
      { x: 3, y: null },
      { x: 4, y: 0.7 },
      { x: 5, y: 0.7 },
      { x: 8, y: 0.8 }, // days 6 and 7 missing
      { x: 9, y: 0.9 },
    ];
    expect(splitSegments(pts, 1)).toEqual([
      [{ x: 1, y: 0.5 }, { x: 2, y: 0.6 }],
      [{ x: 4, y: 0.7 }, { x: 5, y: 0.7 }],
      [{ x: 8, y: 0.8 }, { x: 9, y: 0.9 }],
    ]);
    // Weekly snapshots: a 7-day step is not a gap, a 14-day one is.
    expect(splitSegments([{ x: 0, y: 1 }, { x: 7, y: 1 }, { x: 21, y: 1 }], 7)).toHaveLength(2);
  });

  it("draws one subpath per run, so a gap is a break in the path (never interpolated)", () => {
    const d = pathData([[{ x: 0, y: 0 }, { x: 1, y: 1 }], [{ x: 3, y: 0 }, { x: 4, y: 1 }]], (v) => v * 10, (v) => 100 - v * 100);
    expect(d).toBe("M0 100 L10 0 M30 100 L40 0");
  });

  const spec: LineSpec = {
    id: "t",
    title: "Overall over time",
    desc: "d",
    series: [
      { key: "a", label: "A", colour: "#000", points: [{ x: 10, y: 0.5 }, { x: 11, y: 0.6 }, { x: 13, y: 0.7 }, { x: 14, y: 0.8 }] },
      { key: "b", label: "B", colour: "#111", dash: "6 3", points: [{ x: 10, y: 0.2 }, { x: 11, y: null }, { x: 13, y: 0.3 }, { x: 14, y: null }] },
    ],
    xDomain: [10, 14],
    yDomain: [0, 1],
    xTicks: [{ value: 10, label: "start" }, { value: 14, label: "end" }],
    yTicks: [0, 0.5, 1].map((v) => ({ value: v, label: String(v) })),
    xLabel: "date",
    yLabel: "score",
    maxGap: 1,
    width: 600,
  };

  it("draws a narrow copy with the wide chart's paths, mapped onto its own plot", () => {
    const narrow: LineSpec = { ...spec, id: "t-phone", width: 300, directLabels: false };
    const wide = linePlot(spec);
    const small = linePlot(narrow);
    const svg = renderLines(narrow, { id: "t", plot: wide });
    expect(svg).not.toContain("<path");
    expect([...svg.matchAll(/<use href="#(t-line-\d)"/g)].map((m) => m[1])).toEqual(["t-line-0"]); // B has no two consecutive values
    expect(renderLines(spec)).toContain('id="t-line-0"/>');
    // The transform takes the wide plot's corners to the narrow one's.
    const [a, , , d, e, f] = numbers(/transform="matrix\(([^)]+)\)"/.exec(svg)![1]!);
    const near = (x: number, y: number) => expect(x).toBeCloseTo(y, 3);
    near(a! * wide.left + e!, small.left);
    near(a! * wide.right + e!, small.right);
    near(d! * wide.top + f!, small.top);
    near(d! * wide.bottom + f!, small.bottom);
    // Its own dots (two for B, one at A's last point), at its own scale.
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain(`<circle cx="${n(small.right)}"`);
  });

  it("renders a gap in a series as two subpaths and lone points as dots", () => {
    const svg = renderLines(spec);
    const a = /data-project="a"><title>A<\/title><path d="([^"]+)"/.exec(svg)![1]!;
    expect(a.match(/M/g)).toHaveLength(2); // day 12 missing
    // B has no two consecutive values: no path, two dots.
    const b = /<g class="series" data-project="b">(.*?)<\/g>/.exec(svg)![1]!;
    expect(b).not.toContain("<path");
    expect(b.match(/<circle/g)).toHaveLength(2);
    // Direct label only for A, the series with a value on the last day; both in the legend.
    expect(/<g class="direct-labels"[^>]*>(.*?)<\/g>/.exec(svg)![1]).toMatch(/>A<\/text>$/);
    expect(/<g class="legend"[^>]*>(.*?)<\/g>/.exec(svg)![1]).toMatch(/>A<\/text>.*>B<\/text>/);
  });

  it("places y values on the axis: higher scores higher up", () => {
    const svg = renderLines(spec);
    const a = numbers(/data-project="a"><title>A<\/title><path d="([^"]+)"/.exec(svg)![1]!);
    // M x0 y0 L x1 y1 M x2 y2 L x3 y3: equal x steps, y decreasing as the score grows.
    expect(a[2]! - a[0]!).toBeCloseTo(a[6]! - a[4]!, 1);
    expect(a[1]!).toBeGreaterThan(a[3]!);
    expect(a[5]!).toBeGreaterThan(a[7]!);
    // 0.5 is exactly halfway between the y of 0 and of 1 (the gridlines).
    const grid = [...svg.matchAll(/<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="#d9d9d9"/g)].map((m) => Number(m[1]));
    expect(grid).toHaveLength(3);
    expect(a[1]).toBeCloseTo((grid[0]! + grid[2]!) / 2, 1);
  });

  it("spreads labels apart without changing their order", () => {
    expect(spreadLabels([100, 101, 102], 14, 0, 500)).toEqual([100, 114, 128]);
    expect(spreadLabels([495, 496], 14, 0, 500)).toEqual([486, 500]);
    expect(spreadLabels([300, 50], 14, 0, 500)).toEqual([300, 50]);
  });
});

describe("sparkline and time axis", () => {
  it("breaks at a missing snapshot and marks the latest value", () => {
    const svg = renderSparkline({ id: "s", title: "t", desc: "d", points: [{ x: 1, y: 0.5 }, { x: 2, y: 0.6 }, { x: 4, y: 0.7 }, { x: 5, y: 0.65 }], xDomain: [1, 5], yDomain: [0.5, 0.7], maxGap: 1, colour: "#000", width: 100, height: 20 });
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    const pts = numbers(d);
    expect(pts.slice(0, 2)).toEqual([4, 16]); // x 1 at the left pad, y 0.5 at the bottom pad
    expect(svg).toMatch(/<circle cx="96" cy="[\d.]+" r="2.5"/);
  });

  it("gives sparklines their own range, never thinner than 0.05", () => {
    expect(sparkDomain([0.8, 0.9])).toEqual([0.8, 0.9]);
    const [lo, hi] = sparkDomain([0.5, 0.501]);
    close(hi - lo, 0.05);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.501);
  });

  it("zooms the trend axis to the data on nice steps inside [0, 1]", () => {
    expect(scoreDomain([0.27, 0.89])).toEqual([0.2, 1]);
    expect(scoreDomain([0.5, 0.52])).toEqual([0.46, 0.56]);
    expect(scoreDomain([])).toEqual([0, 1]);
  });

  it("labels date ticks at whole-day steps, with the year on the first", () => {
    const first = dayNumber("2026-10-23");
    const ticks = dayTicks(first, dayNumber("2026-11-21"));
    expect(ticks.map((t) => t.label)).toEqual(["23 Oct 2026", "30 Oct", "6 Nov", "13 Nov", "20 Nov"]);
    expect(ticks.map((t) => t.value - first)).toEqual([0, 7, 14, 21, 28]);
    expect(dayTicks(first, first + 3).map((t) => t.label)).toEqual(["23 Oct 2026", "24 Oct", "25 Oct", "26 Oct"]);
  });
});

/**
 * Every chart of the report as an SVG document, built from the model with the generic chart functions
 * of svg/: the podium (overall by tier), one radar per project, one bar chart per criterion, one trend
 * chart per category and overall, one sparkline per project. Each chart is written once and used both
 * inline in index.html and as a file beside REPORT.md. Pure.
 */
import { criterionText } from "./criteria-text.js";
import { figure, rankDelta, safeName, score, scoreDelta, shortDate, type Delta } from "./format.js";
import { noValueReason, seriesPoints, type CriterionView, type ProjectView, type ReportModel, type Series } from "./model.js";
import { categoryColour, DOWN, INK, lineStyle, MUTED, RADAR, REFERENCE, tierColour, UP } from "./palette.js";
import { renderBars, type BarRow, type BarSpec, type Cell, type Tick } from "./svg/bars.js";
import { linePlot, renderLines, type LineSpec } from "./svg/lines.js";
import { renderRadar } from "./svg/radar.js";
import { renderSparkline } from "./svg/sparkline.js";
import { niceDomain, niceTicks, niceStep, stepDigits } from "./svg/svg.js";
import { fixed } from "./format.js";

export interface Chart {
  /** Path relative to the report folder, e.g. "svg/radar-tensorflow.svg". */
  file: string;
  svg: string;
  /** Short text alternative for an <img>. */
  alt: string;
  width: number;
  height: number;
  /** Takes the full width of the page (else it may sit beside another chart). */
  wide?: boolean;
  /**
   * The same drawn for a phone's screen (its SVG), shown instead of this one there: HTML only, no file
   * of its own. A function, so that a drawing can wait until the page is written (the criteria's: a
   * large cohort's are then never all in memory) or be made at once (a trend's, see trend()).
   */
  phone?: () => string;
}

export interface ReportCharts {
  /** Its phone drawing: overall only (the changes are in the scoreboard). */
  podium: Chart;
  /** One per category of the rubric: the projects ranked by that category's score. */
  rankings: Chart[];
  radars: Map<string, Chart>;
  criteriaRadars: Map<string, Chart>;
  bars: Map<string, Chart>;
  trends: Chart[];
  sparklines: Map<string, Chart>;
}

/** Widths of the page's charts: full width, and half (two side by side). */
const WIDE = 1000;
const HALF = 496;
/** A chart that fits a phone's screen (360 px and up, less the page's margins) without scaling its text down. */
const PHONE = 320;

function chart(file: string, svg: string, alt: string): Chart {
  const m = /^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  return { file, svg, alt, width: Math.ceil(Number(m?.[1] ?? 0)), height: Math.ceil(Number(m?.[2] ?? 0)) };
}

export function deltaColour(d: Delta): string {
  return d.dir === "up" ? UP : d.dir === "down" ? DOWN : MUTED;
}

function tierName(tier: number | null): string {
  return tier === null ? "No tier (no score)" : `Tier ${tier}`;
}

/** What each category adds to the overall score: score × weight / sum of the weights it is averaged over. */
export function contributions(model: ReportModel, p: ProjectView): { id: string; name: string; value: number; colour: string; score: number }[] {
  const present = model.categories.filter((c) => typeof p.snapshot.scores.categories[c.id] === "number");
  const total = present.reduce((s, c) => s + c.weight, 0);
  if (total === 0) return [];
  return present.map((c) => {
    const s = p.snapshot.scores.categories[c.id]!;
    return { id: c.id, name: c.name, value: (s * c.weight) / total, colour: categoryColour(c.index), score: s };
  });
}

function unitTicks(): Tick[] {
  return [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, label: String(v) }));
}

function podium(model: ReportModel, phone = false): Chart {
  const prev = model.previous ? model.dates.at(-2)! : null;
  const rows: BarRow[] = model.projects.map((p) => {
    const s = p.snapshot.scores;
    const cells: Cell[] = [{ text: score(s.overall), bold: true }];
    if (prev && !phone) {
      const d = scoreDelta(p.change?.overall ?? null, p.change === null);
      const r = rankDelta(p.change?.rank ?? null, p.change === null);
      cells.push({ text: d.text, colour: deltaColour(d) }, { text: r.text, colour: deltaColour(r) });
    }
    return {
      key: p.id,
      label: `${s.rank}. ${p.name}`,
      group: tierName(s.tier),
      segments: contributions(model, p).map((c) => ({ value: c.value, colour: c.colour, label: `${c.name}: ${score(c.score)}, adds ${fixed(c.value, 3)} to the overall score` })),
      cells,
      note: "no score",
    };
  });
  const weights = model.categories.map((c) => c.weight);
  const equal = weights.every((w) => w === weights[0]);
  const spec: BarSpec = {
    id: phone ? "chart-podium-phone" : "chart-podium",
    title: `Overall score, ${model.date}`,
    subtitle: [
      `Ranked by overall score, the ${equal ? "mean" : "weighted mean"} of the ${model.categories.length} category scores; each bar shows what each category adds. Tiers: Jenks natural breaks of the overall scores.`,
      ...(prev && !phone ? [`Changes since the previous snapshot, ${prev}.`] : []),
    ],
    desc:
      `Projects ranked by overall score as of ${model.date}. ` +
      model.projects
        .map((p) => `${p.snapshot.scores.rank}. ${p.name}: ${score(p.snapshot.scores.overall)} (${tierName(p.snapshot.scores.tier)}${p.change?.overall !== undefined && p.change.overall !== null ? `, ${scoreDelta(p.change.overall, false).text.replace(/[▲▼] /, "")}` : ""})`)
        .join("; ") +
      ".",
    rows,
    max: 1,
    // A phone's plot is too narrow for five tick labels.
    ticks: phone ? [0, 0.5, 1].map((v) => ({ value: v, label: String(v) })) : unitTicks(),
    axisLabel: "overall score (0 to 1)",
    columns: prev && !phone ? ["overall", "change", "rank"] : ["overall"],
    legend: model.categories.map((c) => ({ label: equal ? c.name : `${c.name} (weight ${figure(c.weight)})`, colour: categoryColour(c.index) })),
    groupColours: Object.fromEntries(model.projects.map((p) => [tierName(p.snapshot.scores.tier), tierColour(p.snapshot.scores.tier)])),
    width: phone ? PHONE : WIDE,
    labelWidthMax: phone ? 120 : 220,
    data: { "data-chart": phone ? "podium-phone" : "podium" },
  };
  return chart(phone ? "svg/podium-phone.svg" : "svg/podium.svg", renderBars(spec), `Podium: overall scores by tier, ${model.date}`);
}

/** The projects ranked by one category's score, as Coveo ranked each round; no score last. */
function ranking(model: ReportModel, c: ReportModel["categories"][number]): Chart {
  const scoreOf = (p: ProjectView) => p.snapshot.scores.categories[c.id] ?? null;
  // Ties and missing scores by overall rank, which is the page's order everywhere else.
  const order = model.projects.map((p, i) => ({ p, i, v: scoreOf(p) })).sort((a, b) => (b.v ?? -1) - (a.v ?? -1) || a.i - b.i);
  const colour = categoryColour(c.index);
  const rows: BarRow[] = order.map(({ p, v }, k) => ({
    key: p.id,
    label: `${v === null ? "–" : k + 1}. ${p.name}`,
    segments: v === null ? [] : [{ value: v, colour, label: `${p.name}: ${c.name} ${score(v)}` }],
    cells: [{ text: score(v), bold: true }],
    note: "no score",
  }));
  const spec: BarSpec = {
    id: `chart-ranking-${c.id}`,
    title: `${c.name}`,
    subtitle: [`Ranked by the category score (0 to 1), weight ${figure(c.weight)} in the overall.`],
    desc: `${c.name}, projects ranked by category score: ` + order.map(({ p, v }) => `${p.name} ${score(v)}`).join("; ") + ".",
    rows,
    max: 1,
    ticks: [0, 0.5, 1].map((v) => ({ value: v, label: String(v) })),
    axisLabel: "category score",
    columns: ["score"],
    width: PHONE,
    labelWidthMax: 140,
    data: { "data-chart": "ranking", "data-category": c.id },
  };
  return chart(`svg/ranking-${safeName(c.id)}.svg`, renderBars(spec), `${c.name}: projects ranked by category score`);
}

function radar(model: ReportModel, p: ProjectView): Chart {
  const s = p.snapshot.scores;
  const values = model.categories.map((c) => s.categories[c.id] ?? null);
  const medians = model.categories.map((c) => model.medians[c.id] ?? null);
  const subtitle = `${tierName(s.tier)} · overall ${score(s.overall)}`;
  const svg = renderRadar({
    id: `chart-radar-${p.file}`,
    title: `${s.rank}. ${p.name}`,
    subtitle,
    desc: `${p.name}: ${model.categories.map((c, i) => `${c.name} ${score(values[i])}`).join(", ")} (cohort median ${model.categories.map((_, i) => score(medians[i])).join(", ")}).`,
    axes: model.categories.map((c, i) => ({ label: c.name, valueText: score(values[i]) })),
    layers: [
      { label: "cohort median", values: medians, colour: REFERENCE, fill: false, dash: "4 3" },
      { label: p.name, values, colour: RADAR, fill: true },
    ],
    width: 240,
    radius: 72,
    labelWidth: 100,
    data: { "data-chart": "radar", "data-project": p.id },
  });
  return chart(`svg/radar-${p.file}.svg`, svg, `Radar of ${p.name} over the categories`);
}

function criteriaRadar(model: ReportModel, p: ProjectView): Chart {
  const s = p.snapshot.scores;
  const values = model.criteria.map((k) => s.criteria[k.id]?.normalized ?? null);
  const medians = model.criteria.map((k) => model.criterionMedians[k.id] ?? null);
  const names = model.criteria.map((k) => criterionText(k.id, model.rubric, model.latest.windowDays).name);
  const svg = renderRadar({
    id: `chart-criteria-radar-${p.file}`,
    title: `${s.rank}. ${p.name}`,
    subtitle: `every criterion · overall ${score(s.overall)}`,
    desc: `${p.name}, normalized criterion scores: ${names.map((name, i) => `${name} ${score(values[i])}`).join(", ")}.`,
    axes: names.map((name, i) => ({ label: name, valueText: score(values[i]) })),
    layers: [
      { label: "cohort median", values: medians, colour: REFERENCE, fill: false, dash: "4 3" },
      { label: p.name, values, colour: RADAR, fill: true },
    ],
    // Narrow enough for a phone's screen (PHONE), drawn once for every screen: long criterion names
    // take room from the radius, not from the screen.
    width: PHONE,
    radius: 84,
    labelWidth: 92,
    fontSize: 11,
    fit: true,
    data: { "data-chart": "criteria-radar", "data-project": p.id },
  });
  return chart(`svg/criteria-radar-${p.file}.svg`, svg, `Radar of ${p.name} over every criterion`);
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000;
}

function ago(days: number): string {
  if (days < 1) return "< 1 d";
  return days < 14 ? `${Math.floor(days)} d` : `${Math.floor(days / 7)} wk`;
}

/** The text columns of a criterion's bar chart and one project's cells in them. */
function criterionColumns(model: ReportModel, k: CriterionView): { headers: string[]; cells: (p: ProjectView) => Cell[] } {
  const valueCell = (p: ProjectView): Cell => {
    const c = p.snapshot.scores.criteria[k.id];
    if (!c) return { text: "–", colour: MUTED };
    return { text: k.normalize.by === "scale" ? `${figure(c.value)} / ${figure(k.normalize.max)}` : figure(c.value) };
  };
  const scoreCell = (p: ProjectView): Cell => ({ text: score(p.snapshot.scores.criteria[k.id]?.normalized), bold: true });
  const raw = (p: ProjectView) => p.snapshot.raw;
  switch (k.id) {
    case "activity":
      return {
        headers: ["merged PRs", "last commit", "value", "score"],
        cells: (p) => [
          { text: figure(raw(p).mergedPullRequests) },
          { text: raw(p).lastCommitAt ? `${ago(daysBetween(raw(p).lastCommitAt!, model.latest.asOf))} ago` : "–" },
          valueCell(p),
          scoreCell(p),
        ],
      };
    case "ecosystem":
      return {
        headers: ["repositories", "SO questions", "log value", "score"],
        cells: (p) => [{ text: figure(raw(p).repositoryCount) }, { text: figure(raw(p).stackOverflowQuestions) }, valueCell(p), scoreCell(p)],
      };
    case "numerics":
      return {
        headers: ["rating", "value", "score"],
        cells: (p) => {
          const r = p.snapshot.ratings.numerics as Record<string, number> | undefined;
          return [{ text: r ? Object.values(r).map(figure).join(" + ") : "–" }, valueCell(p), scoreCell(p)];
        },
      };
    default:
      return { headers: ["value", "score"], cells: (p) => [valueCell(p), scoreCell(p)] };
  }
}

function bars(model: ReportModel, k: CriterionView): Chart {
  const text = criterionText(k.id, model.rubric, model.latest.windowDays);
  const colour = categoryColour(k.category.index);
  const { headers, cells } = criterionColumns(model, k);
  // Criteria with extra raw columns need the full width for their bars.
  const wide = headers.length > 2;
  const norm =
    k.normalize.by === "scale"
      ? `score = value ÷ ${figure(k.normalize.max)}, the top of its scale`
      : k.denominator === 0
        ? "score = value ÷ the cohort's largest value, which is 0: every score is 0"
        : `score = value ÷ ${figure(k.denominator)}, the cohort's largest value${k.maxHolder ? ` (${k.maxHolder})` : ""}`;
  const rows: BarRow[] = model.projects.map((p) => {
    const c = p.snapshot.scores.criteria[k.id];
    return {
      key: p.id,
      label: `${p.snapshot.scores.rank}. ${p.name}`,
      segments: c ? [{ value: c.normalized, colour, label: `${p.name}: value ${figure(c.value)}, score ${score(c.normalized)}` }] : [],
      cells: cells(p),
      note: noValueReason(k.id, p.snapshot),
    };
  });
  let bottomAxis: BarSpec["bottomAxis"];
  if (k.denominator > 0) {
    const raw = niceTicks(0, k.denominator, 4).filter((v) => v <= k.denominator);
    const digits = stepDigits(niceStep(0, k.denominator, 4));
    bottomAxis = {
      ticks: raw.map((v) => ({ value: v / k.denominator, label: figure(Number(v.toFixed(digits)), digits) })),
      label: text.log ? "value: sum of two log10 counts (a log scale: +1 is 10 times as many)" : "value",
    };
  }
  const spec: BarSpec = {
    id: `chart-criterion-${k.id}`,
    title: `${text.name}${text.log ? " (log scale)" : ""} · ${k.category.name}`,
    subtitle: [`${text.what}.`, `${norm}; weight ${figure(k.weight)} in ${k.category.name}.`],
    desc:
      `${text.name}, ${text.what}${text.log ? " (log-scaled)" : ""}. ` +
      model.projects
        .map((p) => {
          const c = p.snapshot.scores.criteria[k.id];
          return `${p.name}: ${c ? `value ${figure(c.value)}, score ${score(c.normalized)}` : noValueReason(k.id, p.snapshot)}`;
        })
        .join("; ") +
      ".",
    rows,
    max: 1,
    ticks: unitTicks(),
    axisLabel: "score (normalized, 0 to 1)",
    bottomAxis,
    columns: headers,
    width: wide ? WIDE : HALF,
    labelWidthMax: 170,
    data: { "data-chart": "criterion", "data-criterion": k.id },
  };
  const alt = `${text.name}: bars per project`;
  // On a phone: each project's label above its bar, the raw columns under it.
  const phone = () => renderBars({ ...spec, id: `${spec.id}-phone`, layout: "stacked", width: PHONE, data: { "data-chart": "criterion-phone", "data-criterion": k.id } });
  return { ...chart(`svg/criterion-${k.id}.svg`, renderBars(spec), alt), wide, phone };
}

/** Date ticks at a whole number of days (1, 2, 3 days, 1, 2, 4 weeks, ...) from the first date. */
export function dayTicks(first: number, last: number, most = 7): Tick[] {
  const span = last - first;
  const step = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364, 728].find((s) => span / s <= most) ?? Math.ceil(span / most);
  const ticks: Tick[] = [];
  let year: number | null = null;
  for (let d = first; d <= last; d += step) {
    const y = new Date(d * 86_400_000).getUTCFullYear();
    ticks.push({ value: d, label: shortDate(d, y !== year) });
    year = y;
  }
  return ticks;
}

/**
 * The smallest and largest value, NaN (no score) passed over; [Infinity, -Infinity] when there is none.
 * A loop: a year of 1,000 projects' scores is too many arguments for Math.min.
 */
function extent(values: ArrayLike<number>, into: [number, number] = [Infinity, -Infinity]): [number, number] {
  let [lo, hi] = into;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The indexes of the first and the last value that is a number (not NaN): [-1, -1] when none is. */
function firstAndLast(values: ArrayLike<number>): [number, number] {
  let a = -1;
  let b = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    if (a < 0) a = i;
    b = i;
  }
  return [a, b];
}

/** A y domain around the values, on nice steps, inside [0, 1], at least 0.1 wide. */
export function scoreDomain(values: ArrayLike<number>): [number, number] {
  let [lo, hi] = extent(values);
  if (lo > hi) return [0, 1];
  if (hi - lo < 0.1) {
    const mid = (lo + hi) / 2;
    lo = mid - 0.05;
    hi = mid + 0.05;
  }
  const [a, b] = niceDomain(lo, hi, 5);
  return [Math.max(0, a), Math.min(1, b)];
}

/** The extent of a series' values over every project, as [lo, hi] (read in place, not gathered). */
function seriesExtent(series: Series): [number, number] {
  let range: [number, number] = [Infinity, -Infinity];
  for (const ys of series.values.values()) range = extent(ys, range);
  return range;
}

function xDomain(model: ReportModel): [number, number] {
  const first = model.days[0]!;
  const last = model.days.at(-1)!;
  return first === last ? [first - 1, last] : [first, last];
}

function cadenceText(model: ReportModel): string {
  return model.cadence === 1 ? "every day" : `every ${model.cadence} days`;
}

function trend(model: ReportModel, series: Series): Chart {
  const domain = scoreDomain(seriesExtent(series));
  const step = niceStep(domain[0], domain[1], 5);
  const digits = Math.max(1, stepDigits(step));
  const everyone = [...model.projects.map((p) => ({ id: p.id, name: p.name, style: p.style })), ...model.departed.map((d) => ({ id: d.id, name: `${d.name} (left ${d.lastSeen})`, style: d.style }))];
  const [x0, x1] = xDomain(model);
  const first = model.dates[0]!;
  const n = model.dates.length;
  const spec: LineSpec = {
    id: `chart-trend-${series.metric}`,
    title: `${series.name} over time`,
    subtitle: [
      `${series.metric === "overall" ? "Overall score" : `${series.name} score`} of every project in each of the ${n} snapshot${n === 1 ? "" : "s"} from ${first} to ${model.date}. A line breaks where a snapshot is missing (expected ${cadenceText(model)}) or a project has no score: gaps are never filled in.`,
    ],
    desc:
      `${series.name} by snapshot date. ` +
      everyone
        .map((p) => {
          // The first and last value, read from the numbers: points for a thousand projects cost more.
          const ys = series.values.get(p.id)!;
          const [a, b] = firstAndLast(ys);
          if (a < 0) return `${p.name}: no score`;
          return `${p.name}: ${score(ys[a])} on ${shortDate(model.days[a]!, true)}, ${score(ys[b])} on ${shortDate(model.days[b]!, true)}`;
        })
        .join("; ") +
      (model.gaps.length ? `. No snapshot on ${model.gaps.map((g) => (g.count === 1 ? g.from : `${g.from} to ${g.to}`)).join(", ")}` : "") +
      ".",
    series: everyone.map((p) => {
      const st = lineStyle(p.style);
      // Made each time they are read, one series at a time: all of a chart's points at once (365,000 for
      // a year of 1,000 projects) would outlive several collections while it is drawn and fill the heap.
      return { key: p.id, label: p.name, colour: st.colour, dash: st.dash, get points() { return seriesPoints(model, series, p.id); } };
    }),
    xDomain: [x0, x1],
    yDomain: domain,
    xTicks: dayTicks(model.days[0]!, model.days.at(-1)!),
    yTicks: niceTicks(domain[0], domain[1], 5).map((v) => ({ value: v, label: fixed(v, digits) })),
    xLabel: "snapshot date (UTC)",
    yLabel: `${series.metric === "overall" ? "overall score" : "category score"} (0 to 1; axis zoomed to the data)`,
    maxGap: model.cadence,
    width: WIDE,
    plotHeight: Math.max(240, 16 * everyone.length),
    data: { "data-chart": "trend", "data-metric": series.metric },
  };
  const alt = `${series.name} over time, one line per project`;
  // On a phone: fewer dates on the axis, the lines named by the legend only, the same paths reused.
  const phoneSpec: LineSpec = {
    ...spec,
    id: `${spec.id}-phone`,
    width: PHONE,
    xTicks: dayTicks(model.days[0]!, model.days.at(-1)!, 3),
    directLabels: false,
    subtitleLines: 8,
    data: { "data-chart": "trend-phone", "data-metric": series.metric },
  };
  // Its lines are the wide chart's paths, reused (<use>): the drawing itself is small.
  const phoneSvg = renderLines(phoneSpec, { id: spec.id, plot: linePlot(spec) });
  const phone = () => phoneSvg;
  return { ...chart(`svg/trend-${series.metric === "overall" ? "overall" : `category-${series.metric}`}.svg`, renderLines(spec), alt), phone };
}

/** A sparkline's own y range: its values, at least SPARK_SPAN tall so that noise does not look like a trend. */
export const SPARK_SPAN = 0.05;

export function sparkDomain(values: ArrayLike<number>): [number, number] {
  const [lo, hi] = extent(values);
  if (lo > hi) return [0, 1];
  if (hi - lo >= SPARK_SPAN) return [lo, hi];
  const mid = Math.min(1 - SPARK_SPAN / 2, Math.max(SPARK_SPAN / 2, (lo + hi) / 2));
  return [mid - SPARK_SPAN / 2, mid + SPARK_SPAN / 2];
}

function sparkline(model: ReportModel, p: ProjectView): Chart {
  const values = model.series[0]!.values.get(p.id)!;
  const [a, b] = firstAndLast(values);
  const domain = sparkDomain(values);
  const [lo, hi] = extent(values);
  const svg = renderSparkline({
    id: `chart-spark-${p.file}`,
    title: `${p.name}: overall score over ${model.dates.length} snapshot${model.dates.length === 1 ? "" : "s"}`,
    desc: a >= 0
      ? `From ${score(values[a])} on ${shortDate(model.days[a]!, true)} to ${score(values[b])} on ${shortDate(model.days[b]!, true)}, between ${score(lo)} and ${score(hi)}.`
      : "No overall score in any snapshot.",
    points: seriesPoints(model, model.series[0]!, p.id),
    xDomain: xDomain(model),
    yDomain: domain,
    maxGap: model.cadence,
    colour: INK,
    data: { "data-chart": "sparkline", "data-project": p.id },
  });
  return chart(`svg/spark-${p.file}.svg`, svg, `Overall score of ${p.name} over time`);
}

/** The report's charts; each is also handed to `onChart` as soon as it is drawn (the CLI writes it meanwhile). */
export function buildCharts(model: ReportModel, onChart?: (chart: Chart) => void): ReportCharts {
  const drawn = (c: Chart) => (onChart?.(c), c);
  return {
    podium: { ...drawn(podium(model)), phone: () => podium(model, true).svg },
    rankings: model.categories.map((c) => drawn(ranking(model, c))),
    radars: new Map(model.projects.map((p) => [p.id, drawn(radar(model, p))])),
    criteriaRadars: new Map(model.projects.map((p) => [p.id, drawn(criteriaRadar(model, p))])),
    bars: new Map(model.criteria.map((k) => [k.id, drawn(bars(model, k))])),
    trends: model.series.map((s) => drawn(trend(model, s))),
    sparklines: new Map(model.projects.map((p) => [p.id, drawn(sparkline(model, p))])),
  };
}

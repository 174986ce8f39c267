/**
 * `oss-showdown report` without the I/O: from a cohort's snapshots (and its config, when there is one) to
 * the files of a static site: index.html (self-contained), REPORT.md and the SVG charts beside it.
 * Pure and deterministic: the same input gives the same bytes.
 */
import { buildCharts, type Chart } from "./charts.js";
import { buildDoc } from "./content.js";
import { htmlParts } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { buildModel, type ReportInput } from "./model.js";

export type { ReportInput, ConfigInfo } from "./model.js";

export interface ReportFile {
  /** Relative to the report folder, "/"-separated. */
  path: string;
  content: string;
}

/** A file of the report whose content may come in pieces (index.html: see htmlParts). */
export interface ReportPart {
  path: string;
  content: string | (() => Iterable<string>);
}

/**
 * The report's files, the SVG charts first, then REPORT.md and index.html (which refer to them);
 * each chart is also handed to `onChart` as soon as it is drawn, while the rest are still being drawn;
 * index.html as pieces produced while it is written, so that the page of a large cohort never has to
 * be in memory as one string.
 */
export function reportParts(input: ReportInput, onChart?: (chart: Chart) => void): ReportPart[] {
  const model = buildModel(input);
  const charts = buildCharts(model, onChart);
  const doc = buildDoc(model, charts);
  const all: Chart[] = [
    charts.podium,
    ...charts.rankings,
    ...charts.radars.values(),
    ...charts.criteriaRadars.values(),
    ...charts.bars.values(),
    ...charts.trends,
    ...charts.sparklines.values(),
  ];
  return [
    ...all.map((c) => ({ path: c.file, content: c.svg })),
    { path: "REPORT.md", content: renderMarkdown(doc) },
    { path: "index.html", content: () => htmlParts(doc) },
  ];
}

/** The report's files: the SVG charts first, then REPORT.md and index.html (which refer to them). */
export function renderReport(input: ReportInput): ReportFile[] {
  return reportParts(input).map((f) => ({ path: f.path, content: typeof f.content === "string" ? f.content : [...f.content()].join("") }));
}

/**
 * `showdown report` without the I/O: from a cohort's snapshots (and its config, when there is one) to
 * the files of a static site: index.html (self-contained), REPORT.md and the SVG charts beside it.
 * Pure and deterministic: the same input gives the same bytes.
 */
import { buildCharts, type Chart } from "./charts.js";
import { buildDoc } from "./content.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { buildModel, type ReportInput } from "./model.js";

export type { ReportInput, ConfigInfo } from "./model.js";

export interface ReportFile {
  /** Relative to the report folder, "/"-separated. */
  path: string;
  content: string;
}

/** The report's files: the SVG charts first, then REPORT.md and index.html (which refer to them). */
export function renderReport(input: ReportInput): ReportFile[] {
  const model = buildModel(input);
  const charts = buildCharts(model);
  const doc = buildDoc(model, charts);
  const all: Chart[] = [
    charts.podium,
    ...charts.radars.values(),
    ...charts.criteriaRadars.values(),
    ...charts.bars.values(),
    ...charts.trends,
    ...charts.sparklines.values(),
  ];
  return [
    ...all.map((c) => ({ path: c.file, content: c.svg })),
    { path: "REPORT.md", content: renderMarkdown(doc) },
    { path: "index.html", content: renderHtml(doc) },
  ];
}

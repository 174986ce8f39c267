import { oneLine } from "../format/plain.js";
import { formatDelta, formatScore } from "../format/number.js";
import { markdownCell, markdownTable, markdownText } from "../format/table.js";
import type { ProjectDiff, SnapshotDiff } from "./compare.js";
import { criterionFromTo, criterionScore, figureDelta, figureFromTo, fromTo, hiddenLine, listed, periodLine, rankMove, standing, summaryLine } from "./describe.js";

const code = (text: string) => `\`${oneLine(text).replace(/`/g, "'")}\``;

/** "community -0.1182, api -0.0877": the categories whose score changed. */
function categoryDeltas(p: ProjectDiff): string {
  return p.categories
    .filter((c) => c.old !== c.new)
    .map((c) => `${c.id} ${c.delta === null ? `${formatScore(c.old)} → ${formatScore(c.new)}` : formatDelta(c.delta, 4)}`)
    .join(", ");
}

/** The list items of one project's changed criteria and figures. */
function detailItems(p: ProjectDiff): string[] {
  const items: string[] = [];
  for (const c of p.criteria) items.push(`${c.id} ${criterionFromTo(c)}, ${criterionScore(c)}`);
  for (const f of p.figures) items.push(`${f.field} ${figureFromTo(f)}${figureDelta(f) ? ` ${figureDelta(f)}` : ""}`);
  for (const e of p.errors.resolved) items.push(`fixed: ${e.field} (${markdownText(e.message)})`);
  return items.map((i) => `- ${markdownCell(i)}`);
}

/**
 * For a pull-request body or a GitHub job summary: a heading, a table of the projects that changed,
 * short lists (new errors, joined, left), and each project's changed figures and
 * criteria folded in a <details> block.
 */
export function renderDiffMarkdown(diff: SnapshotDiff, { all = false }: { all?: boolean } = {}): string {
  const { rows: listedRows, hidden } = listed(diff, all);
  const out: string[] = [];
  out.push(`## Showdown diff: ${diff.cohort}, ${periodLine(diff)}`, "");
  out.push(summaryLine(diff) + ".", "");

  const shown = listedRows.filter((p) => p.changed);
  if (listedRows.length > 0) {
    const rows = listedRows.map((p) => [
      fromTo(p.rank),
      rankMove(p.rank),
      `${markdownText(p.name)} (${code(p.id)})`,
      fromTo(p.tier),
      formatScore(p.overall.new),
      formatDelta(p.overall.delta, 4),
      categoryDeltas(p),
    ]);
    const header = ["Rank", "Move", "Project", "Tier", "Overall", "Δ overall", "Δ categories"];
    out.push(...markdownTable(header, rows, ["right", "left", "left", "right", "right", "right", "left"]), "");
  }
  if (hidden > 0) out.push(hiddenLine(hidden) + ".", "");

  const errors = shown.flatMap((p) => p.errors.added.map((e) => `- ⚠️ ${code(p.id)} ${e.field}: ${markdownText(e.message)}`));
  if (errors.length > 0) out.push(`**New errors (figures not fetched):**`, ...errors, "");
  if (diff.joined.length > 0) {
    out.push(`**Joined:**`, ...diff.joined.map((p) => `- ${markdownText(p.name)} (${code(p.id)}): ${standing(p)}`), "");
  }
  if (diff.left.length > 0) {
    out.push(`**Left:**`, ...diff.left.map((p) => `- ${markdownText(p.name)} (${code(p.id)}): was ${standing(p)}`), "");
  }
  const unchanged = listedRows.filter((p) => !p.changed);
  if (unchanged.length > 0) out.push(`Unchanged: ${unchanged.map((p) => code(p.id)).join(", ")}`, "");

  const detailed = shown.filter((p) => p.criteria.length + p.figures.length + p.errors.resolved.length > 0);
  if (detailed.length > 0) {
    out.push(`<details><summary>Changed criteria and figures (${detailed.length} project${detailed.length === 1 ? "" : "s"})</summary>`, "");
    for (const p of detailed) out.push(`**${markdownText(p.name)}** (${code(p.id)})`, "", ...detailItems(p), "");
    out.push("</details>", "");
  }
  return out.join("\n");
}

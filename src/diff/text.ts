import { PLAIN, type Style } from "../format/color.js";
import { formatDelta, formatScore } from "../format/number.js";
import { layoutTable } from "../format/table.js";
import type { ProjectDiff, SnapshotDiff } from "./compare.js";
import { criterionFromTo, criterionScore, figureDelta, figureFromTo, fromTo, hiddenLine, listed, periodLine, rankMove, scoreFromTo, standing, summaryLine } from "./describe.js";

function signed(style: Style, text: string, delta: number | null): string {
  if (!delta || text === "" || /^[+-]?[0.]+$/.test(text)) return text;
  return delta > 0 ? style.green(text) : style.red(text);
}

function moveCell(style: Style, p: ProjectDiff): string {
  const move = rankMove(p.rank);
  return p.rank.delta === null || p.rank.delta === 0 ? move : p.rank.delta < 0 ? style.green(move) : style.red(move);
}

/** The indented detail rows of one changed project. */
function details(style: Style, p: ProjectDiff): string[] {
  const rows: string[][] = [];
  for (const c of p.categories) {
    if (c.old !== c.new) rows.push(["category", c.id, scoreFromTo(c), signed(style, formatDelta(c.delta, 4), c.delta)]);
  }
  for (const c of p.criteria) {
    rows.push(["criterion", c.id, criterionFromTo(c), signed(style, formatDelta(c.valueDelta), c.valueDelta), criterionScore(c)]);
  }
  for (const f of p.figures) {
    // The reason a figure is missing goes last, so that it does not widen the delta column.
    if (f.new === null && f.error !== null) rows.push(["figure", f.field, figureFromTo(f), "", style.yellow(figureDelta(f))]);
    else rows.push(["figure", f.field, figureFromTo(f), figureDelta(f)]);
  }
  const lines = layoutTable(rows);
  // A new error already shown as a figure that was not fetched is not repeated.
  const shownErrors = new Set<string>(p.figures.filter((f) => f.error !== null).map((f) => f.field));
  for (const e of p.errors.added) if (!shownErrors.has(e.field)) lines.push(`${style.yellow("error")} ${e.field}: ${e.message}`);
  for (const e of p.errors.resolved) lines.push(`${style.dim("resolved")} ${e.field}: ${e.message}`);
  return lines.map((line) => `  ${line}`);
}

/** The terminal rendering: a header, a table of the projects in both, details, joined and left. */
export function renderDiffText(diff: SnapshotDiff, style: Style = PLAIN, { all = false }: { all?: boolean } = {}): string {
  const { rows: listedRows, hidden } = listed(diff, all);
  const out: string[] = [];
  out.push(style.bold(`${diff.cohort}: ${periodLine(diff)}`));
  out.push(summaryLine(diff));

  if (listedRows.length > 0) {
    out.push("");
    const header = ["Rank", "Move", "Project", "Tier", "Overall", "Δ overall"].map((h) => style.bold(h));
    const rows = listedRows.map((p) => [
      fromTo(p.rank),
      moveCell(style, p),
      p.id,
      fromTo(p.tier),
      formatScore(p.overall.new),
      signed(style, formatDelta(p.overall.delta, 4), p.overall.delta),
    ]);
    out.push(...layoutTable([header, ...rows], ["right", "left", "left", "right", "right", "right"]));
  }

  if (hidden > 0) out.push("", hiddenLine(hidden));

  for (const p of listedRows.filter((p) => p.changed)) {
    out.push("");
    const move = rankMove(p.rank);
    out.push(
      `${style.bold(p.id)} (${p.name}): rank ${fromTo(p.rank)}${move ? ` ${move}` : ""}, tier ${fromTo(p.tier)}, overall ${scoreFromTo(p.overall)}` +
        (p.overall.delta ? ` (${formatDelta(p.overall.delta, 4)})` : ""),
    );
    out.push(...details(style, p));
  }

  if (diff.joined.length > 0) {
    out.push("", style.bold(`Joined (${diff.joined.length})`));
    out.push(...layoutTable(diff.joined.map((p) => [p.id, p.name, standing(p)])).map((l) => `  ${l}`));
  }
  if (diff.left.length > 0) {
    out.push("", style.bold(`Left (${diff.left.length})`));
    out.push(...layoutTable(diff.left.map((p) => [p.id, p.name, `was ${standing(p)}`])).map((l) => `  ${l}`));
  }
  const unchanged = listedRows.filter((p) => !p.changed).map((p) => p.id);
  if (unchanged.length > 0) out.push("", `Unchanged (${unchanged.length}): ${unchanged.join(", ")}`);
  return out.join("\n") + "\n";
}

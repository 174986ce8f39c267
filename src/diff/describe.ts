import { formatDelta, formatFigure, formatPercent, formatScore, formatValue } from "../format/number.js";
import type { CriterionChange, FigureChange, NumberChange, ProjectDiff, ProjectRef, SnapshotDiff } from "./compare.js";

/** The words shared by the terminal and Markdown renderings of a diff. */

/** "▲2" (climbed two places), "▼1", or "" when the rank held. */
export function rankMove(rank: NumberChange): string {
  if (!rank.delta) return "";
  return rank.delta < 0 ? `▲${-rank.delta}` : `▼${rank.delta}`;
}

/** "3 → 1" when it changed, else "1"; "-" for no value. */
export function fromTo(change: NumberChange, show: (v: number) => string = String): string {
  const text = (v: number | null) => (v === null ? "-" : show(v));
  return change.old === change.new ? text(change.new) : `${text(change.old)} → ${text(change.new)}`;
}

export function scoreFromTo(change: NumberChange): string {
  return fromTo(change, formatScore);
}

export function figureFromTo(f: FigureChange): string {
  return `${formatFigure(f.old)} → ${formatFigure(f.new)}`;
}

/** "+1,500  +12.5%", "+19 days", "could not fetch: …". */
export function figureDelta(f: FigureChange): string {
  if (f.new === null && f.error !== null) return `not fetched: ${f.error}`;
  if (f.delta === null) return "";
  if (f.unit === "days") return `${formatDelta(f.delta, 1)} days`;
  const pct = formatPercent(f.relative);
  return pct ? `${formatDelta(f.delta)} (${pct})` : formatDelta(f.delta);
}

export function criterionFromTo(c: CriterionChange): string {
  const v = (s: CriterionChange["old"]) => (s === null ? "-" : formatValue(s.value));
  return `${v(c.old)} → ${v(c.new)}`;
}

/** "score 0.2000 → 0.4000 (+0.2000)". */
export function criterionScore(c: CriterionChange): string {
  const was = c.old?.normalized ?? null;
  const now = c.new?.normalized ?? null;
  if (was === now) return `score ${formatScore(now)}`;
  const delta = c.normalizedDelta === null ? "" : ` (${formatDelta(c.normalizedDelta, 4)})`;
  return `score ${formatScore(was)} → ${formatScore(now)}${delta}`;
}

/** "rank 4, tier 2, overall 0.5123". */
export function standing(p: ProjectRef): string {
  return `rank ${p.rank}, tier ${p.tier ?? "-"}, overall ${formatScore(p.overall)}`;
}

/** "5 compared: 2 moved (2 rank changes, 1 tier change), 2 with only figures changed, 1 unchanged; 1 joined, 1 left". */
export function summaryLine(diff: SnapshotDiff): string {
  const s = diff.summary;
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  return (
    `${s.compared} compared: ${s.moved} moved (${n(s.rankChanges, "rank change")}, ${n(s.tierChanges, "tier change")}), ` +
    `${s.changed - s.moved} with only figures changed, ${s.compared - s.changed} unchanged; ${s.joined} joined, ${s.left} left`
  );
}

/** Which projects a rendering lists: those that moved, or with `all` every one compared. */
export function listed(diff: SnapshotDiff, all: boolean): { rows: ProjectDiff[]; hidden: number } {
  const rows = all ? diff.projects : diff.projects.filter((p) => p.moved);
  return { rows, hidden: diff.projects.length - rows.length };
}

/** The line under a table that leaves rows out, saying how many and how to see them. */
export function hiddenLine(hidden: number): string {
  return `${hidden} project${hidden === 1 ? "" : "s"} not listed: no rank, tier or overall change at 4 decimals (--all lists every project)`;
}

/** "2018-03-08 → 2018-03-22 (14 days; scored with rubric v2)": both sides are scored with the config's rubric. */
export function periodLine(diff: SnapshotDiff): string {
  const days = Math.round((Date.parse(diff.new.asOf) - Date.parse(diff.old.asOf)) / 86_400_000);
  return `${diff.old.date} → ${diff.new.date} (${days} day${days === 1 ? "" : "s"}; scored with rubric v${diff.rubric.version})`;
}

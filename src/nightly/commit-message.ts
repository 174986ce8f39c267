import { percent } from "./threshold.js";
import { plural, type CohortOutcome } from "./outcome.js";

/** One line per cohort, for the commit body and the logs. */
export function outcomeLine(o: CohortOutcome): string {
  if (o.status === "failed") return `${o.cohort}: not collected (${o.error?.split("\n")[0] ?? "error"})`;
  const parts = [plural(o.projects, "project")];
  parts.push(o.rankChanges === null ? "first snapshot" : `${plural(o.rankChanges, "rank change")} since ${o.previousDate}`);
  if (o.missing) {
    parts.push(`${o.missing.missing.length} of ${plural(o.missing.total, "figure")} missing${o.missing.missing.length > 0 ? ` (${percent(o.missing.share)})` : ""}`);
  }
  return `${o.cohort}: ${parts.join(", ")}`;
}

/**
 * The commit message for the snapshots of one run, e.g. `snapshot: 2026-11-21 (3 rank changes)`,
 * then one line per cohort. `committed` are the cohorts whose snapshot is in the commit; `others`
 * (failed or unchanged) are listed in the body only. Pure.
 */
export function commitMessage(date: string, committed: CohortOutcome[], others: CohortOutcome[] = [], trailer?: string): string {
  const compared = committed.filter((o) => o.rankChanges !== null);
  const facts: string[] = [];
  if (compared.length > 0) facts.push(plural(compared.reduce((s, o) => s + (o.rankChanges ?? 0), 0), "rank change"));
  if (committed.length > 0 && compared.length < committed.length) {
    facts.push(compared.length === 0 ? "first snapshot" : `first snapshot of ${committed.filter((o) => o.rankChanges === null).map((o) => o.cohort).join(", ")}`);
  }
  const missing = committed.reduce((s, o) => s + (o.missing?.missing.length ?? 0), 0);
  if (missing > 0) facts.push(`${plural(missing, "figure")} missing`);
  const subject = `snapshot: ${date}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}`;
  const body = [...committed, ...others.filter((o) => !committed.includes(o))].map(outcomeLine);
  const unchanged = others.filter((o) => o.status !== "failed" && !committed.includes(o));
  const notes = unchanged.length > 0 ? [`Unchanged since the last commit: ${unchanged.map((o) => o.cohort).join(", ")}.`] : [];
  return [subject, "", ...body, ...(notes.length > 0 ? ["", ...notes] : []), ...(trailer ? ["", trailer] : [])].join("\n") + "\n";
}

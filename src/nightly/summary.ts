import { markdownCell, markdownText } from "../format/table.js";
import type { ScoredSnapshot as Snapshot } from "../score/types.js";
import { percent } from "./threshold.js";
import { plural, type CohortOutcome } from "./outcome.js";

/** Everything the job summary shows for one cohort. */
export interface CohortSummary {
  outcome: CohortOutcome;
  snapshot?: Snapshot;
  previous?: Snapshot;
  /** `oss-showdown diff --format markdown` against the previous snapshot, when it could be made. */
  diffMarkdown?: string;
  /** Why there is no diff (first snapshot, or it failed). */
  diffNote?: string;
}

export interface RunSummary {
  date: string;
  asOf: string;
  maxMissing: number;
  cohorts: CohortSummary[];
  /** e.g. "Committed `abc1234` and pushed to origin/main." */
  commitLine: string;
  /** Lines about the CSV export and HTML report (links to the run's artifacts, Pages). */
  outputs: string[];
}

const cell = (text: string) => markdownCell(markdownText(text));
const score = (v: number | null) => (v === null ? "–" : v.toFixed(3));

function move(id: string, rank: number, previous: Snapshot | undefined): string {
  if (!previous) return "";
  const was = previous.projects.find((p) => p.id === id)?.scores.rank;
  if (was === undefined) return "new";
  if (was === rank) return "–";
  return was > rank ? `▲${was - rank}` : `▼${rank - was}`;
}

/** The compact scoreboard: one row per project in rank order. Pure. */
export function scoreboard(snapshot: Snapshot, previous?: Snapshot): string[] {
  const missingOf = (p: Snapshot["projects"][number]) => p.errors.filter((e) => (p.raw as Record<string, unknown>)[e.field] === null).length;
  const rows = [...snapshot.projects]
    .sort((a, b) => a.scores.rank - b.scores.rank || (a.id < b.id ? -1 : 1))
    .map((p) => {
      const m = missingOf(p);
      return `| ${p.scores.rank} | ${move(p.id, p.scores.rank, previous)} | ${cell(p.name)} | ${p.scores.tier ?? "–"} | ${score(p.scores.overall)} | ${m === 0 ? "" : `⚠️ ${m}`} |`;
    });
  return ["| Rank | Move | Project | Tier | Overall | Missing |", "|---:|:---:|:---|---:|---:|---:|", ...rows];
}

function statusLine(o: CohortOutcome, maxMissing: number): string {
  if (o.status === "failed") return `❌ **Not collected**: ${cell(o.error?.split("\n")[0] ?? "error")}. Nothing was written for this cohort.`;
  const m = o.missing!;
  if (m.missing.length === 0) return `✅ ${plural(o.projects, "project")}, every one of ${plural(m.total, "figure")} fetched.`;
  const verdict = o.overThreshold ? `❌ above the ${percent(maxMissing)} threshold: the run fails` : `⚠️ within the ${percent(maxMissing)} threshold`;
  return `${verdict}. ${m.missing.length} of ${plural(m.total, "figure")} missing (${percent(m.share)}); the snapshot has the rest.`;
}

/** The job summary: per cohort, a status line, the scoreboard, the diff and the missing figures. Pure. */
export function renderSummary(run: RunSummary): string {
  const out: string[] = [`# Showdown nightly: ${run.date}`, ""];
  out.push(`Figures as of ${run.asOf}. ${run.commitLine}`, "");
  for (const c of run.cohorts) {
    const o = c.outcome;
    out.push(`## ${o.cohort}`, "", statusLine(o, run.maxMissing), "");
    if (c.snapshot) {
      out.push(...scoreboard(c.snapshot, c.previous), "");
      if (o.file) out.push(`Snapshot: \`${o.file}\`${o.previousDate ? `, compared with ${o.previousDate}` : ""}.`, "");
    }
    const m = o.missing;
    if (m && m.missing.length > 0) {
      out.push("<details><summary>Missing figures</summary>", "");
      for (const f of m.missing) out.push(`- \`${f.project}\` ${f.field}: ${cell(f.message)}`);
      out.push("", "</details>", "");
    }
    if (c.diffMarkdown) {
      // The diff's own headings sit one level below the cohort's.
      out.push("<details open><summary>What changed</summary>", "", c.diffMarkdown.replace(/^## /gm, "### ").trimEnd(), "", "</details>", "");
    } else if (c.diffNote) {
      out.push(`_${c.diffNote}_`, "");
    }
  }
  if (run.outputs.length > 0) out.push("## Outputs", "", ...run.outputs.map((l) => `- ${l}`), "");
  return out.join("\n");
}

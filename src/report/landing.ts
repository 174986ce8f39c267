/**
 * The Pages site's front page when the nightly publishes several cohorts: each cohort's description,
 * date and podium, linked to its report, in the report's own style. Pure.
 */
import type { Block, Inline } from "./doc.js";
import { renderHtml } from "./html.js";

export interface LandingCohort {
  cohort: string;
  description: string;
  /** UTC date of the snapshot the report ends with. */
  date: string;
  projects: number;
  snapshots: number;
  /** The top three: rank, name, overall score and tier as the report shows them. */
  podium: { rank: number; name: string; score: string; tier: string }[];
}

export function renderLanding(cohorts: readonly LandingCohort[], tool: { name: string; version: string }): string {
  const latest = cohorts.map((c) => c.date).sort().at(-1) ?? "";
  const body: Block[] = cohorts.map((c) => ({
    kind: "section",
    id: `cohort-${c.cohort}`,
    blocks: [
      { kind: "heading", level: 2, text: c.cohort },
      { kind: "paragraph", role: "lede", content: [c.description] },
      { kind: "paragraph", role: "meta", content: [`As of ${c.date} · ${c.projects} projects · ${c.snapshots} snapshot${c.snapshots === 1 ? "" : "s"}`] },
      { kind: "podium", places: c.podium },
      { kind: "paragraph", content: [{ text: `The full report of ${c.cohort}: scoreboard, rankings, radar plots, criteria, trends and sources`, href: `${c.cohort}/`, strong: true } as Inline] },
    ],
  }));
  return renderHtml({
    title: `Showdown, ${latest}`,
    header: [
      { kind: "heading", level: 1, text: "Showdown" },
      {
        kind: "paragraph",
        role: "lede",
        content: [`Open-source projects scored from their GitHub and Stack Overflow activity and hand ratings: ${cohorts.length} cohort${cohorts.length === 1 ? "" : "s"}, each with its podium.`],
      },
      { kind: "nav", items: cohorts.map((c) => ({ id: `cohort-${c.cohort}`, text: c.cohort })) },
    ],
    body,
    footer: [`Made by ${tool.name} ${tool.version}. Every report is scored under its cohort's config as it is now.`],
  });
}

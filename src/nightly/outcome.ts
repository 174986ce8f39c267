import type { MissingReport } from "./threshold.js";

/** What the nightly run did for one cohort. */
export interface CohortOutcome {
  cohort: string;
  /** "complete": every figure fetched; "partial": snapshot written with some missing; "failed": nothing written. */
  status: "complete" | "partial" | "failed";
  /** The snapshot's path relative to the repository's working folder (complete and partial). */
  file?: string;
  /** Why the cohort could not be collected (failed). */
  error?: string;
  projects: number;
  /** Missing figures (complete and partial). */
  missing?: MissingReport;
  /** Date of the snapshot compared with, or null when this is the cohort's first. */
  previousDate: string | null;
  /** Projects whose rank changed since previousDate; null without a previous snapshot. */
  rankChanges: number | null;
  /** The share of missing figures is above the threshold. */
  overThreshold: boolean;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

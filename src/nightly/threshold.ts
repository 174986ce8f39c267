import { UsageError } from "../errors.js";
import type { Snapshot } from "../snapshot/schema.js";

/** A figure that could not be fetched: null in `raw`, with an entry in the project's `errors`. */
export interface MissingFigure {
  project: string;
  field: string;
  message: string;
}

export interface MissingReport {
  /** Figures the snapshot should have: every raw field its projects carry. */
  total: number;
  missing: MissingFigure[];
  /** missing / total, 0 when there are no figures at all. */
  share: number;
}

/** The default of --max-missing / SHOWDOWN_MAX_MISSING: a run with more than a fifth of its figures missing fails. */
export const DEFAULT_MAX_MISSING = 0.2;

/** Counts a snapshot's missing figures. Pure. */
export function missingFigures(snapshot: Snapshot): MissingReport {
  let total = 0;
  const missing: MissingFigure[] = [];
  for (const p of snapshot.projects) {
    const raw = p.raw as Record<string, unknown>;
    const fields = Object.keys(raw).filter((k) => raw[k] !== undefined);
    total += fields.length;
    const seen = new Set<string>();
    for (const e of p.errors) {
      if (!fields.includes(e.field) || raw[e.field] !== null || seen.has(e.field)) continue;
      seen.add(e.field);
      missing.push({ project: p.id, field: e.field, message: e.message });
    }
  }
  return { total, missing, share: total === 0 ? 0 : missing.length / total };
}

/**
 * Parses a threshold: a share from 0 to 1 ("0.2") or a percentage ("20%"). `source` names where it
 * came from, for the error message.
 */
export function parseThreshold(text: string, source: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith("%");
  const body = percent ? trimmed.slice(0, -1).trim() : trimmed;
  const value = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(body) ? Number(body) / (percent ? 100 : 1) : NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(`${source}: expected a share of missing figures from 0 to 1 (e.g. 0.2) or a percentage (e.g. 20%), got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A run fails when the share of missing figures is strictly above the threshold. */
export function overThreshold(report: MissingReport, max: number): boolean {
  return report.share > max;
}

/** "12.5%": one decimal at most. */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

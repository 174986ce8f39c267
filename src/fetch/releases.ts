/**
 * Releases in a window and the newest one at a date, from one page of a repository's releases (REST
 * GET /repos/O/N/releases, GraphQL releases(orderBy: CREATED_AT DESC)): neither API filters releases
 * by date, so the newest RELEASES_PAGE are read and the dates counted here.
 */

/** Releases read: one page, the most either API gives at once. */
export const RELEASES_PAGE = 100;

export interface ReleaseSummary {
  /** Releases published in (since, until]; drafts (never published) do not count. */
  inWindow: number;
  /** publishedAt of the newest release published at or before `until`; null when none was. */
  latestAt: string | null;
  /**
   * false when the page was full and its oldest release was still published after `since`: older
   * pages may hold more of the window (inWindow is then a lower bound) or, when latestAt is null, the
   * newest release before `until`.
   */
  complete: boolean;
}

/** `releases`: newest first by creation, as the APIs list them; publishedAt null for a draft. */
export function summarizeReleases(releases: readonly { publishedAt: string | null }[], since: string, until: string): ReleaseSummary {
  const start = Date.parse(since);
  const end = Date.parse(until);
  let inWindow = 0;
  let latest: { t: number; at: string } | undefined;
  let oldest = Infinity;
  for (const r of releases) {
    if (r.publishedAt === null) continue;
    const t = Date.parse(r.publishedAt);
    if (Number.isNaN(t)) continue;
    oldest = Math.min(oldest, t);
    if (t > start && t <= end) inWindow += 1;
    if (t <= end && (latest === undefined || t > latest.t)) latest = { t, at: r.publishedAt };
  }
  const full = releases.length >= RELEASES_PAGE;
  return {
    inWindow,
    latestAt: latest?.at ?? null,
    complete: !full || oldest <= start,
  };
}

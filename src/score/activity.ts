const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

// The last asOf parsed: a cohort is scored at one asOf, a project at a time.
let lastAsOf = "";
let lastAsOfMs = NaN;

/** Fractional weeks from `from` to `asOf` (negative when `from` is after asOf). */
export function weeksBetween(from: string, asOf: string): number {
  if (asOf !== lastAsOf) {
    lastAsOfMs = Date.parse(asOf);
    lastAsOf = asOf;
  }
  return (lastAsOfMs - Date.parse(from)) / WEEK_MS;
}

/**
 * Coveo's activity score: the inverse of the weeks since the last commit (capped at 1 so that a commit
 * this week scores 1, not infinity) plus the pull requests merged in the window. A repository with no
 * known commit contributes 0 for the first term.
 */
export function activity(lastCommitAt: string | null, mergedPullRequests: number, asOf: string): number {
  const recency = lastCommitAt === null ? 0 : 1 / Math.max(1, weeksBetween(lastCommitAt, asOf));
  return recency + mergedPullRequests;
}

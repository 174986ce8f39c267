/**
 * `oss-showdown backfill`: parses the flags, then runBackfill (src/backfill-run.ts) writes the missing
 * snapshots of a range of dates; --dry-run prints what that would send instead.
 */
import path from "node:path";
import { loadCohort, type LoadedCohort } from "../config/load.js";
import { isCurrent, issueQueries, mergeWindow, planCohort, repoRequest, rubricAsks, signalRequests } from "../collect.js";
import { API_CHOICES, resolveApi, wholeNumber, type ApiChoice } from "../collect-run.js";
import { DATES_PER_CHUNK, missingDates, runBackfill } from "../backfill-run.js";
import { backfillDates, parseBackfillDate, parseEvery } from "../backfill.js";
import { runNow } from "../asof.js";
import { findToken } from "../fetch/token.js";
import { DEFAULT_BATCH_SIZE, planGraphql } from "../fetch/graphql.js";
import { DOCUMENTED_LIMITS, repositoryQueryAsOf } from "../fetch/github.js";
import type { GitHubApi } from "../fetch/types.js";
import { UsageError } from "../errors.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";
import { GRAPHQL_POINTS_PER_HOUR, STACKEXCHANGE_QUOTA, figuresLine } from "./plan.js";

const n = (v: number) => v.toLocaleString("en-US");

/** What a backfill of `dates` would send per API and the budget it needs (the dry run). Pure. */
export function backfillPlanText(loaded: LoadedCohort, dates: string[], skipped: number, api: GitHubApi, tokenFrom: string | undefined, stackExchangeKey: boolean, now: number): string {
  const { cohort } = loaded;
  const figures = rubricAsks(loaded.rubric);
  const plan = planCohort(cohort, figures);
  const issuesAt = (asOf: string) => issueQueries(cohort, mergeWindow(asOf, cohort.windowDays), figures);
  const signalsAt = (asOf: string, api: GitHubApi) => plan.repositories.reduce((sum, r) => sum + signalRequests(r, api, isCurrent(asOf, now)), 0);
  const projectDates = cohort.projects.length * dates.length;
  const lines = [
    `${cohort.cohort}: backfill dry run, nothing sent or written: ${n(dates.length)} dates to collect (${n(skipped)} already have a snapshot), ` +
      `${n(cohort.projects.length)} projects: ${n(projectDates)} project-dates`,
    `GitHub API: ${api === "graphql" ? "GraphQL" : "REST"} (${tokenFrom ? `token from ${tokenFrom}` : "no token: unauthenticated"})`,
    figuresLine(plan),
    "planned requests:",
  ];
  const budget: string[] = [];
  const se = plan.tagSets.length * dates.length;
  if (api === "graphql") {
    let posts = 0;
    let points = 0;
    for (let i = 0; i < dates.length; i += DATES_PER_CHUNK) {
      const chunk = dates.slice(i, i + DATES_PER_CHUNK);
      const requests = chunk.flatMap((asOf) => {
        const window = mergeWindow(asOf, cohort.windowDays);
        const current = isCurrent(asOf, now);
        return plan.repositories.map((r) => repoRequest(r, window, current));
      });
      const queries = chunk.flatMap((asOf) => plan.queries.map((q) => repositoryQueryAsOf(q, asOf)));
      const issues = chunk.flatMap(issuesAt);
      const g = planGraphql(requests, queries, DEFAULT_BATCH_SIZE, issues);
      posts += g.posts;
      points += g.points;
    }
    const contributors = dates.reduce((sum, asOf) => sum + signalsAt(asOf, "graphql"), 0);
    if (contributors > 0) lines.push(`  github core      ${n(contributors)} (contributors of recent dates: GraphQL has no field for them)`);
    lines.push(
      `  github graphql   ${n(posts)} POSTs of up to ${DEFAULT_BATCH_SIZE} groups, ${DATES_PER_CHUNK} dates at a time (${projectDates > 0 ? (posts / projectDates).toFixed(3) : "0"} a project-date), about ${n(points)} points`,
    );
    budget.push(`  graphql          ${n(points)} points at ${n(GRAPHQL_POINTS_PER_HOUR)} an hour: ${points <= GRAPHQL_POINTS_PER_HOUR ? "fits in one hour's budget" : `at least ${n(Math.ceil(points / GRAPHQL_POINTS_PER_HOUR) - 1)} h of waiting for resets`}`);
  } else {
    const limits = tokenFrom ? DOCUMENTED_LIMITS.token : DOCUMENTED_LIMITS.anonymous;
    const core = dates.reduce((sum, asOf) => sum + 3 * plan.repositories.length + signalsAt(asOf, "rest"), 0);
    const landed = plan.repositories.filter((r) => r.merged !== false).length;
    const search = dates.reduce((sum, asOf) => sum + landed + plan.queries.length + issuesAt(asOf).length, 0);
    lines.push(
      `  github core      ${n(core)} (3 per repository and date${core > 3 * plan.repositories.length * dates.length ? ", + the rubric's signals: open pull requests, contributors (recent dates only), releases" : ""})`,
      `  github search    ${n(search)} (merged-PR, repository and PR searches per date)`,
    );
    budget.push(
      `  core             ${n(core)} at ${n(limits.core)} an hour: at least ${n(Math.max(0, Math.ceil(core / limits.core) - 1))} h of waiting for resets`,
      `  search           ${n(search)} at ${n(limits.search)} a minute: at least ${n(Math.max(0, Math.ceil(search / limits.search) - 1))} min of waiting for resets`,
    );
  }
  const quota = stackExchangeKey ? STACKEXCHANGE_QUOTA.key : STACKEXCHANGE_QUOTA.anonymous;
  lines.push(`  stack exchange   ${n(se)} (one /search/advanced a project and date)`);
  budget.push(
    `  stack exchange   ${n(se)} of ${n(quota)} a day${stackExchangeKey ? " (STACKEXCHANGE_KEY)" : " (no STACKEXCHANGE_KEY)"}: ` +
      (se <= quota ? "fits in one day's quota" : `${n(Math.ceil(se / quota))} days' quotas: the backfill stops when one is used up; run it again the next day to go on`),
  );
  lines.push("budget needed (documented limits):", ...budget);
  return lines.join("\n") + "\n";
}

export const backfill: Command = {
  name: "backfill",
  summary: "write the missing snapshots of a range of past dates, each as `collect --as-of` that date would",
  help: `Usage: oss-showdown backfill --from DATE --to DATE [--every day|week|month] [options]

Writes snapshots/<cohort>/YYYY-MM-DD.json for each date from --from to --to (00:00 UTC that
day), each what 'oss-showdown collect --as-of DATE' writes for that date: every figure is asked as of
the date (see docs/methodology.md). A snapshot that exists is kept (--force fetches it again).
Dates go ${DATES_PER_CHUNK} at a time: through GraphQL their repositories and searches share POSTs.
A progress line with the time left follows each group of dates.

Stopped by Ctrl-C, or by a rate limit or quota that resets too late to wait for, the dates
written are kept and every answer received is saved: the same command again goes on from there.

Options:
  --from DATE        first date, YYYY-MM-DD (2008-01-01 or later)
  --to DATE          last date, YYYY-MM-DD (not in the future)
  --every UNIT       day, week or month (default month: the same day of each month)
  --force            fetch and write dates that already have a snapshot
  --dry-run          print the dates, the requests per API and the budget they need; send nothing
  --api MODE         graphql, rest or auto (default), as for collect
  --concurrency N    REST: projects fetched at once (default 4)
  --max-wait SECONDS longest wait for a GitHub rate limit (default 900)
${COMMON_HELP}

Environment: as for 'oss-showdown collect' (GITHUB_TOKEN, STACKEXCHANGE_KEY, ...).

Exit codes: 0 every date written, 2 stopped by a rate limit or quota (run again after the time
it names) or some figures missing, 1 bad input (nothing written), 130 stopped by Ctrl-C.
`,
  options: {
    ...COMMON_OPTIONS,
    from: { type: "string" },
    to: { type: "string" },
    every: { type: "string" },
    force: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    api: { type: "string", default: "auto" },
    concurrency: { type: "string" },
    "max-wait": { type: "string" },
  },
  maxPositionals: 0,
  async run(args, io) {
    const now = runNow(io.env);
    const from = parseBackfillDate(str(args, "from"), "--from", now);
    const to = parseBackfillDate(str(args, "to"), "--to", now);
    const dates = backfillDates(from, to, parseEvery(str(args, "every")));
    const choice = str(args, "api") ?? "auto";
    if (!(API_CHOICES as readonly string[]).includes(choice)) throw new UsageError(`--api: expected auto, graphql or rest, got ${JSON.stringify(choice)}`);
    const concurrency = wholeNumber(str(args, "concurrency"), "--concurrency", 4, 1, 64);
    const maxWait = wholeNumber(str(args, "max-wait"), "--max-wait", 900, 0, 86_400);
    const loaded = await loadCohort(path.resolve(io.cwd, str(args, "config")!), str(args, "cohort")!);
    const token = await findToken(io.env);
    const api = resolveApi(choice as ApiChoice, token !== undefined);
    const snapshotsDir = path.resolve(io.cwd, str(args, "snapshots")!);
    const force = flag(args, "force");
    if (flag(args, "dry-run")) {
      const { todo, skipped } = await missingDates({ loaded, snapshotsDir, dates, force });
      io.stdout(backfillPlanText(loaded, todo, skipped.length, api, token?.from, Boolean(io.env.STACKEXCHANGE_KEY), now));
      return EXIT.ok;
    }
    const outcome = await runBackfill({ loaded, snapshotsDir, dates, force, api, token, concurrency, maxWait, env: io.env, cwd: io.cwd, signal: io.signal, now, stderr: io.stderr });
    for (const asOf of outcome.written) io.stdout(`${path.relative(io.cwd, path.join(snapshotsDir, loaded.cohort.cohort, `${asOf.slice(0, 10)}.json`))}\n`);
    return outcome.code;
  },
};

/**
 * `oss-showdown collect --dry-run`: the requests a run would send per API and the rate-limit budget they
 * need, worked out from the config alone. Pure: nothing is sent, nothing is written.
 */
import { ALWAYS_ASKED, mergeWindow, repoRequest, signalRequests, type CohortPlan } from "../collect.js";
import { DOCUMENTED_LIMITS } from "../fetch/github.js";
import { DEFAULT_BATCH_SIZE, planGraphql } from "../fetch/graphql.js";
import type { GitHubApi } from "../fetch/types.js";

/** GitHub's documented GraphQL budget: points an hour (a token is required). */
export const GRAPHQL_POINTS_PER_HOUR = 5000;
/** Stack Exchange's daily request quota per IP, with and without an app key. */
export const STACKEXCHANGE_QUOTA = { key: 10_000, anonymous: 300 } as const;

export interface DryRun {
  cohort: string;
  projects: number;
  plan: CohortPlan;
  api: GitHubApi;
  /** Where the token comes from, or undefined without one. */
  tokenFrom: string | undefined;
  stackExchangeKey: boolean;
  /** --as-of given: REST asks the last commit `until` it at once (else the head first, and again in the rare case it is newer). */
  pinned: boolean;
  windowDays: number;
  asOf: string;
  /** The landing rules' and bot-landed check's PR searches, and the issue figures' searches (collect.ts issueQueries). */
  issueQueries: string[];
  /** asOf is at most a day before now: the figures of now only are asked (collect.ts isCurrent). Default true. */
  current?: boolean;
}

const n = (v: number) => v.toLocaleString("en-US");
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

/** "fits in one window", or how many resets the budget alone makes the run wait for. */
function windows(requests: number, perWindow: number, window: "minute" | "hour" | "day"): string {
  const needed = Math.ceil(requests / perWindow);
  if (needed <= 1) return `fits in one ${window}'s budget`;
  return `${n(needed)} ${window}s' budgets: at least ${plural(needed - 1, window)} of waiting for resets`;
}

/** The figures a run asks: those asked whatever the rubric, and those the rubric's metrics read. */
export function figuresLine(plan: CohortPlan): string {
  const always = plan.figures.filter((f) => (ALWAYS_ASKED as readonly string[]).includes(f));
  const read = plan.figures.filter((f) => !(ALWAYS_ASKED as readonly string[]).includes(f));
  return `figures asked: ${always.join(", ")} (whatever the rubric)${read.length > 0 ? `; ${read.join(", ")} (read by the rubric's metrics)` : "; no other (the rubric's metrics read none)"}`;
}

export function dryRunText(d: DryRun): string {
  const repos = d.plan.repositories;
  const own = repos.filter((r) => r.info).length;
  const numerics = repos.length - own;
  const seRequests = d.plan.tagSets.length;
  const quota = d.stackExchangeKey ? STACKEXCHANGE_QUOTA.key : STACKEXCHANGE_QUOTA.anonymous;
  const lines = [
    `${d.cohort}: dry run, nothing sent or written: ${plural(d.projects, "project")} as of ${d.asOf}, ${plural(repos.length, "repository", "repositories")} ` +
      `(${n(own)} own, ${n(numerics)} only a numerics library's; each asked once), ${plural(d.plan.queries.length, "repository search", "repository searches")}, ` +
      `${plural(d.plan.tags.length, "Stack Overflow tag")}`,
    `GitHub API: ${d.api === "graphql" ? "GraphQL" : "REST"} (${d.tokenFrom ? `token from ${d.tokenFrom}` : "no token: unauthenticated"})`,
    figuresLine(d.plan),
    "planned requests:",
  ];
  const budget: string[] = [];
  const current = d.current ?? true;
  const restForSignals = repos.reduce((sum, r) => sum + signalRequests(r, d.api, current), 0);
  if (d.api === "graphql") {
    const { since, until } = mergeWindow(d.asOf, d.windowDays);
    const g = planGraphql(
      repos.map((r) => repoRequest(r, { since, until }, current)),
      d.plan.queries,
      DEFAULT_BATCH_SIZE,
      d.issueQueries,
    );
    lines.push(
      `  github graphql   ${plural(g.posts, "POST")} of up to ${DEFAULT_BATCH_SIZE} groups (${n(g.groups)} groups: a repository with its merged-PR search, a repository search, or a PR search), ` +
        `about ${plural(g.points, "point")}; a renamed repository's searches again under its new name, known only from the answers`,
      restForSignals > 0 ? `  github core      ${n(restForSignals)} (contributors, one per repository: GraphQL has no field for them)` : "  github core      0",
      "  github search    0 (GraphQL searches do not use the search API's budget)",
    );
    budget.push(`  graphql          ${n(g.points)} of ${n(GRAPHQL_POINTS_PER_HOUR)} points an hour: ${windows(g.points, GRAPHQL_POINTS_PER_HOUR, "hour")}`);
  } else {
    const limits = d.tokenFrom ? DOCUMENTED_LIMITS.token : DOCUMENTED_LIMITS.anonymous;
    const core = 3 * repos.length + restForSignals;
    const landed = repos.filter((r) => r.merged !== false).length;
    const search = landed + d.plan.queries.length + d.issueQueries.length;
    lines.push(
      `  github core      ${n(core)} (3 per repository: the repository, its last commit and its commits in the window; ` +
        `${restForSignals > 0 ? `+ ${n(restForSignals)} for the rubric's signals (open pull requests, contributors, releases: one each a repository); ` : ""}+ 1 per renamed repository (its redirect)` +
        `${d.pinned ? "" : ", + 1 per branch head newer than asOf"}, known only from the answers)`,
      `  github search    ${n(search)} (${n(landed)} merged-PR searches, one per repository${landed < repos.length ? " whose count is read" : ""}, + ${n(d.plan.queries.length)} repository counts + ${n(d.issueQueries.length)} PR searches of landing rules and the bot-landed check${d.plan.figures.some((f) => f === "issuesOpened" || f === "issuesClosed") ? " and issue searches of issuesOpened/issuesClosed" : ""})`,
    );
    budget.push(
      `  core             ${n(core)} of ${n(limits.core)} an hour${d.tokenFrom ? "" : " (unauthenticated)"}: ${windows(core, limits.core, "hour")}`,
      `  search           ${n(search)} at ${n(limits.search)} a minute${d.tokenFrom ? "" : " (unauthenticated)"}: ${windows(search, limits.search, "minute")}`,
    );
  }
  lines.push(`  stack exchange   ${n(seRequests)} (one /search/advanced a project: its tags as one OR, as of asOf)`);
  budget.push(`  stack exchange   ${n(seRequests)} of ${n(quota)} a day${d.stackExchangeKey ? " (STACKEXCHANGE_KEY)" : " (no STACKEXCHANGE_KEY)"}: ${windows(seRequests, quota, "day")}`);
  lines.push("rate-limit budget needed (documented limits; a run reads the real ones from GitHub's answers):", ...budget);
  if (d.api === "rest" && d.tokenFrom) lines.push("(with a token, --api graphql asks the same in a few POSTs and no search API budget)");
  return lines.join("\n") + "\n";
}

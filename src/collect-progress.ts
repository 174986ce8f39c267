import type { ProjectFacts } from "./snapshot/schema.js";
import type { GitHubStats, RateBudget } from "./fetch/types.js";
import { BOT_LANDED, type Collected } from "./collect.js";
import type { GraphqlStats } from "./fetch/graphql.js";

const n = (v: number) => v.toLocaleString("en-US");

/** One line per finished project, for stderr. */
export function projectLine(p: ProjectFacts, done: number, total: number): string {
  const r = p.raw;
  const facts = [
    r.lastCommitAt ? `last commit ${r.lastCommitAt.slice(0, 10)}` : null,
    r.mergedPullRequests != null ? `${n(r.mergedPullRequests)} PRs merged` : null,
    r.repositoryCount != null ? `${n(r.repositoryCount)} repos` : null,
    r.stackOverflowQuestions != null ? `${n(r.stackOverflowQuestions)} questions` : null,
    r.stars !== null ? `${n(r.stars)} stars` : null,
    r.archived ? "archived" : null,
  ].filter(Boolean);
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  const mark = p.errors.length > 0 ? "✗" : p.warnings.length > 0 ? "!" : "✓";
  const lines = [`${counter} ${mark} ${p.id}: ${facts.join(", ") || "no figures"}`];
  for (const e of p.errors) lines.push(`      missing ${e.field}: ${e.message}`);
  for (const w of p.warnings) lines.push(`      note ${w.field}: ${w.message}`);
  return lines.join("\n") + "\n";
}

function budget(b: RateBudget | undefined): string {
  return b ? `, ${n(b.remaining)}/${n(b.limit)} left until ${b.resetAt.slice(11, 19)}Z` : "";
}

export interface Summary {
  cohort: string;
  projects: ProjectFacts[];
  github: GitHubStats;
  /** The GraphQL client's, when the run went through GraphQL. */
  graphql?: GraphqlStats;
  collected: Collected;
  /** GitHub's: "authenticated" or "unauthenticated". */
  auth: string;
  /** Whether Stack Exchange requests carried an app key (STACKEXCHANGE_KEY). */
  stackExchangeKey: boolean;
  asOf: string;
  /** The cohort file, as shown to the user. */
  configFile?: string;
}

/**
 * The closing summary: counts, requests per API and the budget they left, then what needs a look:
 * renamed repositories (update the config), searches GitHub reported incomplete, APIs given up on.
 */
export function summaryLines(s: Summary): string {
  const { projects, collected } = s;
  const gh = s.github;
  const missing = projects.reduce((sum, p) => sum + p.errors.length, 0);
  const warnings = projects.reduce((sum, p) => sum + p.warnings.length, 0);
  const se = collected.stackExchange;
  const quota = se.quotaRemaining !== undefined ? `, quota ${n(se.quotaRemaining)}/${n(se.quotaMax ?? 0)} left` : "";
  const unchanged = gh.notModified ? `; ${n(gh.notModified)} unchanged (304, free of rate limit)` : "";
  const cached = collected.cached > 0 ? `; ${n(collected.cached)} answers from the run cache` : "";
  const gql = s.graphql;
  // Through GraphQL the REST APIs are not used: they are named only if something did use them.
  const rest = [
    ...(!gql || gh.core > 0 ? [`github ${gh.core}${budget(gh.budget.core)}`] : []),
    ...(!gql || gh.search > 0 ? [`github search ${gh.search}${budget(gh.budget.search)}`] : []),
  ];
  const graphql = gql ? [`github graphql ${gql.graphql}${graphqlBudget(gql)}`] : [];
  // Each API's credentials beside its own counts: the GitHub token after the last GitHub part.
  const github = [...graphql, ...rest];
  github.push(`${github.pop() ?? "github 0"} (${s.auth})`);
  const lines = [
    `${s.cohort}: ${projects.length} projects, ${missing} figure${missing === 1 ? "" : "s"} missing, ${warnings} note${warnings === 1 ? "" : "s"}`,
    `requests: ${[...github, `stack exchange ${se.requests}${quota} (${s.stackExchangeKey ? "app key" : "no app key"})`].join("; ")}${unchanged}${cached}`,
  ];
  for (const p of projects) {
    for (const w of p.warnings) {
      if (w.field !== "repository" && w.field !== "numericsRepository") continue;
      const from = w.field === "repository" ? "repository" : "numericsRepository";
      lines.push(`renamed: ${p.id}: ${w.message.replace(/; update the config$/, "")}; update ${from} in ${s.configFile ?? "the config"}`);
    }
  }
  for (const p of projects) {
    for (const w of p.warnings) if (w.message.includes(BOT_LANDED)) lines.push(`landing: ${p.id}: ${w.message}`);
  }
  for (const w of collected.warnings) lines.push(`left out: ${w}`);
  const incomplete = projects.flatMap((p) => p.warnings.filter((w) => /incomplete_results/.test(w.message)).map((w) => `${p.id} ${w.field}`));
  if (incomplete.length > 0) lines.push(`incomplete search results (counts may be low, flagged in the snapshot): ${incomplete.join(", ")}`);
  for (const [resource, stop] of Object.entries(gh.stopped ?? {})) {
    const skipped = projects.reduce((sum, p) => sum + p.errors.filter((e) => e.message.includes(`GitHub ${resource} rate limit is used up`)).length, 0);
    lines.push(
      `stopped: the GitHub ${resource} rate limit is used up until ${stop.resetAt.slice(11, 19)}Z, more than --max-wait away; ` +
        `${skipped} figure${skipped === 1 ? "" : "s"} not requested: run again with --as-of ${s.asOf} after the reset to fetch only those`,
    );
  }
  if (gql?.stopped) {
    const skipped = projects.reduce((sum, p) => sum + p.errors.filter((e) => e.message.startsWith("github graphql:") && e.message.includes("resets at")).length, 0);
    lines.push(
      `stopped: the GitHub GraphQL rate limit is used up until ${gql.stopped.resetAt.slice(11, 19)}Z, more than --max-wait away; ` +
        `${skipped} figure${skipped === 1 ? "" : "s"} not fetched: run again with --as-of ${s.asOf} after the reset to fetch only those`,
    );
  }
  return lines.join("\n") + "\n";
}

/** ", cost 2 points, 4,998/5,000 points left until 07:00:00Z": what the run spent and what GitHub says is left. */
function graphqlBudget(g: GraphqlStats): string {
  if (!g.budget) return "";
  const b = g.budget;
  return `, cost ${n(b.cost)} point${b.cost === 1 ? "" : "s"}, ${n(b.remaining)}/${n(b.limit)} points left until ${b.resetAt.slice(11, 19)}Z`;
}

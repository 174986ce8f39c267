import type { UnscoredProject } from "../snapshot/build.js";
import type { GitHubStats, RateBudget } from "../fetch/types.js";
import type { Collected } from "../collect.js";

const n = (v: number) => v.toLocaleString("en-US");

/** One line per finished project, for stderr. */
export function projectLine(p: UnscoredProject, done: number, total: number): string {
  const r = p.raw;
  const facts = [
    r.lastCommitAt ? `last commit ${r.lastCommitAt.slice(0, 10)}` : null,
    r.mergedPullRequests !== null ? `${n(r.mergedPullRequests)} PRs merged` : null,
    r.repositoryCount !== null ? `${n(r.repositoryCount)} repos` : null,
    r.stackOverflowQuestions !== null ? `${n(r.stackOverflowQuestions)} questions` : null,
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

/** The closing summary: requests per API and the budget they left. */
export function summaryLines(cohort: string, projects: UnscoredProject[], gh: GitHubStats, collected: Collected, auth: string): string {
  const missing = projects.reduce((s, p) => s + p.errors.length, 0);
  const warnings = projects.reduce((s, p) => s + p.warnings.length, 0);
  const se = collected.stackExchange;
  const quota = se.quotaRemaining !== undefined ? `, quota ${n(se.quotaRemaining)}/${n(se.quotaMax ?? 0)} left` : "";
  return [
    `${cohort}: ${projects.length} projects, ${missing} figure${missing === 1 ? "" : "s"} missing, ${warnings} note${warnings === 1 ? "" : "s"}`,
    `requests: github ${gh.core}${budget(gh.budget.core)}; github search ${gh.search}${budget(gh.budget.search)}; stack exchange ${se.requests}${quota} (${auth})`,
  ].join("\n") + "\n";
}

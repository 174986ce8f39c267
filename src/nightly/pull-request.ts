/**
 * `nightly --pull-request`: the night's commit goes to a branch of its own and a pull request asks
 * to merge it into the checked-out branch, for repositories whose main takes changes only that way.
 * One REST call (https://docs.github.com/rest/pulls/pulls#create-a-pull-request); the token is the
 * run's, which needs `pull-requests: write` (and, for GITHUB_TOKEN, the repository setting that lets
 * GitHub Actions create pull requests).
 */
import { redact } from "./git.js";

export interface PullRequestAsk {
  /** The REST API root: GITHUB_API_URL, https://api.github.com by default. */
  apiUrl: string;
  /** owner/name */
  repository: string;
  token: string;
  head: string;
  base: string;
  title: string;
  body: string;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export type PullRequestResult = { number: number; url: string } | { error: string };

const TIMEOUT_MS = 30_000;

/** GitHub's owner/name rules: what GITHUB_REPOSITORY must look like for the request's path. */
export const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;

/** Opens the pull request; an error names what GitHub said (422: e.g. one already exists for that branch). */
export async function openPullRequest(ask: PullRequestAsk): Promise<PullRequestResult> {
  const url = `${ask.apiUrl.replace(/\/+$/, "")}/repos/${ask.repository}/pulls`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${ask.token}`,
        "content-type": "application/json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "oss-showdown",
      },
      body: JSON.stringify({ title: ask.title, head: ask.head, base: ask.base, body: ask.body, maintainer_can_modify: true }),
      signal: AbortSignal.any([ask.signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
  } catch (error) {
    return { error: `POST ${url}: ${redact((error as Error).message, { ...ask.env, SHOWDOWN_TOKEN: ask.token })}` };
  }
  const text = await response.text().catch(() => "");
  let answer: { number?: unknown; html_url?: unknown; message?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not JSON: the status says enough.
  }
  if (response.status === 201 && typeof answer.number === "number" && typeof answer.html_url === "string") return { number: answer.number, url: answer.html_url };
  const details = (answer.errors ?? []).map((e) => (typeof e.message === "string" ? e.message : `${String(e.field)} ${String(e.code)}`));
  const said = [typeof answer.message === "string" ? answer.message : "", ...details].filter(Boolean).join(": ");
  return { error: `POST ${url}: HTTP ${response.status}${said ? ` (${redact(said, { ...ask.env, SHOWDOWN_TOKEN: ask.token })})` : ""}` };
}

import path from "node:path";
import { loadCohort } from "../config/load.js";
import { parseAsOf } from "../asof.js";
import { isCurrent, issueQueries, mergeWindow, planCohort, rubricAsks } from "../collect.js";
import { runNow } from "../asof.js";
import { API_CHOICES, resolveApi, runCollect, wholeNumber, type ApiChoice } from "../collect-run.js";
import { findToken } from "../fetch/token.js";
import { UsageError } from "../errors.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";
import { dryRunText } from "./plan.js";

function apiChoice(text: string | undefined): ApiChoice {
  const choice = text ?? "auto";
  if (!(API_CHOICES as readonly string[]).includes(choice)) throw new UsageError(`--api: expected auto, graphql or rest, got ${JSON.stringify(choice)}`);
  return choice as ApiChoice;
}

export const collect: Command = {
  name: "collect",
  summary: "fetch every project's figures and write the snapshot of them (what `npm start` runs)",
  help: `Usage: oss-showdown collect [options]

Fetches each project's GitHub and Stack Overflow figures and writes what was observed to
snapshots/<cohort>/YYYY-MM-DD.json (the UTC date of --as-of; a rerun that day replaces it).
The snapshot holds no scores: 'oss-showdown score' and the other views compute them when they read it.
Progress goes to stderr; the snapshot's path to stdout.

Options:
  --as-of ISO        count commits and merges as of this instant (default now),
                     e.g. 2026-11-21 (00:00 UTC) or 2026-11-21T06:00:00Z
  --api MODE         how GitHub is asked: graphql (the whole cohort in a few POSTs of
                     up to 50 repositories and searches; needs a token), rest (about 4
                     requests per repository and search; works without a token), or
                     auto (default: graphql with a token, rest without). Both write the
                     same snapshot for the same data (but its request counts)
  --dry-run          print the figures the rubric makes it ask, the requests a run would
                     send per API and the rate-limit budget they need, then exit 0;
                     sends nothing, writes nothing
  --concurrency N    REST: projects fetched at once (default 4)
  --max-wait SECONDS longest wait for a GitHub rate limit (its reset, or retry-after)
                     or a Stack Exchange backoff (default 900); a later one stops that
                     API (core, search, GraphQL or Stack Exchange) for the run: what is
                     fetched is kept, the rest is listed as missing (exit 2)
${COMMON_HELP}

Every answer is saved in .cache/runs/ as it arrives: a run stopped part way (Ctrl-C,
a timeout) and started again with the same --as-of fetches only what is missing. The
file is removed once a complete snapshot is written. REST: ETags are kept in
.cache/etags.json so unchanged resources come back 304 (free of rate limit).
The closing summary gives the requests sent per API and the rate-limit budget left
(GraphQL: points spent and left); the snapshot records the counts in "requests".

Environment:
  GITHUB_TOKEN, GH_TOKEN   GitHub token (else 'gh auth token'; else unauthenticated, 60 requests/hour)
  STACKEXCHANGE_KEY        Stack Exchange app key (raises the daily quota from 300 to 10,000)
  GITHUB_API_URL           GitHub API base (default https://api.github.com; set by Actions, GHES too)
  GITHUB_GRAPHQL_URL       GraphQL endpoint (default derived from GITHUB_API_URL: .../graphql,
                           or https://HOST/api/graphql when it is https://HOST/api/v3)
  STACKEXCHANGE_API_URL    Stack Exchange API base (default https://api.stackexchange.com)
  SHOWDOWN_CACHE_DIR       where the run cache and ETags are kept (default .cache)
  SHOWDOWN_HTTP_TIMEOUT_MS timeout of each HTTP attempt, body included (default 30000)
  SHOWDOWN_RETRIES         retries after a 5xx, reset connection or timeout (default 3)
                           (the last three are for tests and slow links; see docs/reliability.md)
  SHOWDOWN_RETRY_BASE_MS   first retry delay, doubled each time, jittered (default 1000)
  SHOWDOWN_SE_SPACING_MS   least time between two Stack Exchange searches' starts (default 50)
  SHOWDOWN_MAX_RESPONSE_BYTES_GITHUB, _GRAPHQL, _STACKEXCHANGE
                           largest answer read per API, compressed or not (default 1 MiB,
                           8 MiB, 1 MiB); a larger one is an error for its figures

Exit codes: 0 complete, 2 written with some figures missing (see errors in the snapshot),
1 nothing written, 130 stopped by Ctrl-C (nothing written).
`,
  options: {
    ...COMMON_OPTIONS,
    "as-of": { type: "string" },
    api: { type: "string", default: "auto" },
    "dry-run": { type: "boolean", default: false },
    concurrency: { type: "string" },
    "max-wait": { type: "string" },
  },
  maxPositionals: 0,
  async run(args, io) {
    const now = new Date();
    const given = str(args, "as-of");
    const asOf = given === undefined ? now.toISOString() : parseAsOf(given, now);
    const concurrency = wholeNumber(str(args, "concurrency"), "--concurrency", 4, 1, 64);
    const maxWait = wholeNumber(str(args, "max-wait"), "--max-wait", 900, 0, 86_400);
    const choice = apiChoice(str(args, "api"));
    const loaded = await loadCohort(path.resolve(io.cwd, str(args, "config")!), str(args, "cohort")!);
    const { cohort } = loaded;
    const token = await findToken(io.env);
    const api = resolveApi(choice, token !== undefined);
    if (flag(args, "dry-run")) {
      const figures = rubricAsks(loaded.rubric);
      io.stdout(
        dryRunText({
          cohort: cohort.cohort,
          projects: cohort.projects.length,
          plan: planCohort(cohort, figures),
          api,
          tokenFrom: token?.from,
          stackExchangeKey: Boolean(io.env.STACKEXCHANGE_KEY),
          pinned: given !== undefined,
          windowDays: cohort.windowDays,
          asOf,
          issueQueries: issueQueries(cohort, mergeWindow(asOf, cohort.windowDays), figures),
          current: isCurrent(asOf, runNow(io.env)),
        }),
      );
      return EXIT.ok;
    }
    const outcome = await runCollect({
      loaded,
      snapshotsDir: path.resolve(io.cwd, str(args, "snapshots")!),
      asOf,
      pinned: given !== undefined,
      api,
      token,
      concurrency,
      maxWait,
      env: io.env,
      cwd: io.cwd,
      signal: io.signal,
      stderr: io.stderr,
    });
    if (outcome.file) io.stdout(`${path.relative(io.cwd, outcome.file) || outcome.file}\n`);
    return outcome.code;
  },
};

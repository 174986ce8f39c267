import { access, constants, stat } from "node:fs/promises";
import path from "node:path";
import { loadCohort } from "../config/load.js";
import { parseAsOf } from "../asof.js";
import { collectCohort, Interrupted, planCohort } from "../collect.js";
import { buildSnapshot } from "../snapshot/build.js";
import { snapshotPath, writeSnapshot } from "../snapshot/store.js";
import { createGitHub } from "../fetch/github.js";
import { createStackExchange } from "../fetch/stackexchange.js";
import { createGraphqlGitHub } from "../fetch/graphql.js";
import { githubApiUrl, githubGraphqlUrl, stackExchangeApiUrl } from "../fetch/endpoints.js";
import { findToken } from "../fetch/token.js";
import { pruneRunCaches, RunCache, runCachePath } from "../fetch/cache.js";
import { EtagStore } from "../fetch/etags.js";
import { WriteError, UsageError } from "../errors.js";
import { TOOL } from "../tool.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";
import { projectLine, summaryLines } from "./progress.js";
import { dryRunText } from "./plan.js";
import type { GitHubApi } from "../fetch/types.js";
import { cacheRoot } from "../cache.js";

const API_CHOICES = ["auto", "graphql", "rest"] as const;

type ApiChoice = (typeof API_CHOICES)[number];

function apiChoice(text: string | undefined): ApiChoice {
  const choice = text ?? "auto";
  if (!(API_CHOICES as readonly string[]).includes(choice)) throw new UsageError(`--api: expected auto, graphql or rest, got ${JSON.stringify(choice)}`);
  return choice as ApiChoice;
}

/** auto is GraphQL with a token (it needs one), REST without. */
function resolveApi(choice: ApiChoice, hasToken: boolean): GitHubApi {
  if (choice === "graphql" && !hasToken) {
    throw new UsageError("--api graphql: GitHub's GraphQL API needs a token (GITHUB_TOKEN, GH_TOKEN or 'gh auth login'); without one use --api rest (or auto)");
  }
  return choice === "rest" || !hasToken ? "rest" : "graphql";
}

/** Fails before any request when the snapshot could not be written anyway. */
async function assertWritable(file: string): Promise<void> {
  let dir = path.dirname(file);
  // The cohort folder may not exist yet: check the nearest folder that does.
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw new WriteError(`${dir}: is not a folder; snapshots cannot be written there`);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  await access(dir, constants.W_OK).catch(() => {
    throw new WriteError(`${dir}: not writable; fix its permissions or pass --snapshots DIR`);
  });
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  return wholeNumber(text, `--${name}`, fallback, 1, 64);
}

function wholeNumber(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}: expected a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Network tuning from the environment: meant for tests and slow links; documented in --help. */
export function httpTuning(env: NodeJS.ProcessEnv): { timeoutMs: number; retries: number; retryBaseMs: number } {
  const read = (name: string, fallback: number, min: number, max: number) => wholeNumber(env[name] || undefined, name, fallback, min, max);
  return {
    timeoutMs: read("SHOWDOWN_HTTP_TIMEOUT_MS", 30_000, 1, 600_000),
    retries: read("SHOWDOWN_RETRIES", 3, 0, 10),
    retryBaseMs: read("SHOWDOWN_RETRY_BASE_MS", 1000, 0, 60_000),
  };
}

export const collect: Command = {
  name: "collect",
  summary: "fetch every project's figures, score them and write the snapshot (what `npm start` runs)",
  help: `Usage: showdown collect [options]

Fetches each project's GitHub and Stack Overflow figures, scores the cohort and writes
snapshots/<cohort>/YYYY-MM-DD.json (the UTC date of --as-of; a rerun that day replaces it).
Progress goes to stderr; the snapshot's path to stdout.

Options:
  --as-of ISO        count commits and merges as of this instant (default now),
                     e.g. 2026-11-21 (00:00 UTC) or 2026-11-21T06:00:00Z
  --api MODE         how GitHub is asked: graphql (the whole cohort in a few POSTs of
                     up to 50 repositories and searches; needs a token), rest (about 4
                     requests per repository and search; works without a token), or
                     auto (default: graphql with a token, rest without). Both write the
                     same snapshot for the same data (but its request counts)
  --dry-run          print the requests a run would send per API and the rate-limit
                     budget they need, then exit 0; sends nothing, writes nothing
  --concurrency N    REST: projects fetched at once (default 4)
  --max-wait SECONDS longest wait for a GitHub rate limit (its reset, or retry-after;
                     default 900); a later reset stops that API (core, search or
                     GraphQL) for the run: what is fetched is kept, the rest is listed
                     as missing (exit 2)
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
    const concurrency = positiveInt(str(args, "concurrency"), "concurrency", 4);
    const maxWait = wholeNumber(str(args, "max-wait"), "--max-wait", 900, 0, 86_400);
    const tuning = httpTuning(io.env);
    const choice = apiChoice(str(args, "api"));
    const { cohort, rubric, file: cohortFile } = await loadCohort(path.resolve(io.cwd, str(args, "config")!), str(args, "cohort")!);
    const token = await findToken(io.env);
    const api = resolveApi(choice, token !== undefined);
    if (flag(args, "dry-run")) {
      io.stdout(
        dryRunText({
          cohort: cohort.cohort,
          projects: cohort.projects.length,
          plan: planCohort(cohort),
          api,
          tokenFrom: token?.from,
          stackExchangeKey: Boolean(io.env.STACKEXCHANGE_KEY),
          pinned: given !== undefined,
          windowDays: cohort.windowDays,
          asOf,
        }),
      );
      return EXIT.ok;
    }
    const file = snapshotPath(path.resolve(io.cwd, str(args, "snapshots")!), cohort.cohort, asOf);
    await assertWritable(file);
    // Nothing is written under the cache folder before this point: a run that fails validation leaves no trace.

    const shown = (p: string) => path.relative(io.cwd, p) || p;
    const log = (line: string) => io.stderr(`${line}\n`);
    const cacheDir = cacheRoot(io.env, io.cwd);
    pruneRunCaches(cacheDir, cohort.cohort);
    // Paths in the caches' notes are shown as the user would type them.
    const cacheLog = (line: string) => log(line.split(io.cwd.endsWith(path.sep) ? io.cwd : io.cwd + path.sep).join(""));
    const runCache = RunCache.open(runCachePath(cacheDir, { cohort: cohort.cohort, asOf }), { cohort: cohort.cohort, asOf, pinned: given !== undefined }, cacheLog);
    const etags = EtagStore.load(path.join(cacheDir, "etags.json"), cacheLog);
    const saveEtags = () => {
      const problem = etags.save();
      if (problem) log(`showdown: ${shown(problem)}; the next run's requests will not be conditional`);
    };
    const github = createGitHub({
      baseUrl: githubApiUrl(io.env),
      token: token?.value,
      userAgent: `${TOOL.name}/${TOOL.version}`,
      log,
      maxRateLimitWaitSeconds: maxWait,
      timeoutMs: tuning.timeoutMs,
      retries: tuning.retries,
      retryBaseMs: tuning.retryBaseMs,
      signal: io.signal,
      etags,
    });
    const graphql =
      api === "graphql" && token
        ? createGraphqlGitHub({
            graphqlUrl: githubGraphqlUrl(io.env),
            token: token.value,
            userAgent: `${TOOL.name}/${TOOL.version}`,
            log,
            timeoutMs: tuning.timeoutMs,
            retries: tuning.retries,
            maxWaitSeconds: maxWait,
            signal: io.signal,
          })
        : undefined;
    const stackExchange = createStackExchange({
      baseUrl: stackExchangeApiUrl(io.env),
      key: io.env.STACKEXCHANGE_KEY || undefined,
      log,
      timeoutMs: tuning.timeoutMs,
      retries: tuning.retries,
      retryDelayMs: tuning.retryBaseMs,
      signal: io.signal,
    });
    io.stderr(
      `${cohort.cohort}: collecting ${cohort.projects.length} projects as of ${asOf} through GitHub's ${graphql ? "GraphQL" : "REST"} API ` +
        `(${token ? `token from ${token.from}` : "no token: unauthenticated, slow"})\n`,
    );
    if (runCache.resumed > 0) io.stderr(`${cohort.cohort}: resuming a stopped run: ${runCache.resumed} answers already in ${shown(runCache.file!)}\n`);

    let collected;
    try {
      collected = await collectCohort(cohort, {
        github,
        graphql,
        stackExchange,
        asOf,
        pinned: runCache.pinned,
        concurrency,
        signal: io.signal,
        cache: runCache,
        onProject: (p, done, total) => io.stderr(projectLine(p, done, total)),
      });
    } catch (error) {
      if (error instanceof Interrupted) {
        saveEtags();
        if (runCache.size > 0) io.stderr(`showdown: ${runCache.size} answers kept in ${shown(runCache.file!)}; run again with --as-of ${asOf} to go on from there\n`);
        return EXIT.interrupted;
      }
      throw error;
    }
    saveEtags();
    if (io.signal.aborted) return EXIT.interrupted;

    const stats = github.stats();
    const graphqlStats = graphql?.stats();
    io.stderr(
      summaryLines({
        cohort: cohort.cohort,
        projects: collected.projects,
        github: stats,
        graphql: graphqlStats,
        collected,
        auth: token ? "authenticated" : "unauthenticated",
        asOf,
        configFile: shown(cohortFile),
      }),
    );
    const fetched = collected.projects.some((p) => Object.entries(p.raw).some(([k, v]) => v !== null && !p.errors.some((e) => e.field === k)));
    if (!fetched) {
      // Nothing worth resuming from: only errors were answered.
      runCache.remove();
      io.stderr(`showdown: no figure could be fetched; nothing written (is the network or the API reachable?)\n`);
      return EXIT.error;
    }
    const snapshot = buildSnapshot({
      cohort: cohort.cohort,
      asOf,
      generatedAt: new Date().toISOString(),
      tool: TOOL,
      rubric,
      windowDays: cohort.windowDays,
      requests: { github: stats.core, githubSearch: stats.search, githubGraphql: graphqlStats?.graphql ?? 0, stackExchange: collected.stackExchange.requests },
      projects: collected.projects,
    });
    await writeSnapshot(file, snapshot);
    const partial = collected.projects.some((p) => p.errors.length > 0);
    if (!partial) {
      runCache.remove();
    } else if (runCache.size > 0) {
      // Kept: the same --as-of again asks only for what is missing (e.g. after a rate limit's reset).
      io.stderr(`showdown: answers kept in ${shown(runCache.file!)}: 'showdown collect --as-of ${asOf}' again fetches only the missing figures\n`);
    }
    io.stdout(`${path.relative(io.cwd, file) || file}\n`);
    return partial ? EXIT.partial : EXIT.ok;
  },
};

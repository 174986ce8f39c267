/**
 * One collect run of a cohort, for the CLI and nightly alike: the API clients, the run cache and ETags,
 * the cohort fetched, the summary logged, and the snapshot of what was observed written once.
 */
import { access, constants, stat } from "node:fs/promises";
import path from "node:path";
import type { LoadedCohort } from "./config/load.js";
import { collectCohort, Interrupted, rubricAsks } from "./collect.js";
import { buildSnapshot } from "./snapshot/build.js";
import type { Snapshot } from "./snapshot/schema.js";
import { snapshotPath, writeSnapshot } from "./snapshot/store.js";
import { createGitHub } from "./fetch/github.js";
import { SEARCH_SPACING_MS, createStackExchange } from "./fetch/stackexchange.js";
import { createGraphqlGitHub } from "./fetch/graphql.js";
import { githubApiUrl, githubGraphqlUrl, stackExchangeApiUrl } from "./fetch/endpoints.js";
import type { Token } from "./fetch/token.js";
import { pruneRunCaches, RunCache, runCachePath } from "./fetch/cache.js";
import { EtagStore } from "./fetch/etags.js";
import { WriteError, UsageError } from "./errors.js";
import { TOOL } from "./tool.js";
import { projectLine, summaryLines } from "./collect-progress.js";
import type { GitHubApi } from "./fetch/types.js";
import { cacheRoot } from "./cache.js";
import { acquireLock } from "./lock.js";
import { DEFAULT_CAPS, type BodyCap } from "./fetch/body.js";
import { runNow } from "./asof.js";

export const API_CHOICES = ["auto", "graphql", "rest"] as const;
export type ApiChoice = (typeof API_CHOICES)[number];

/** auto is GraphQL with a token (it needs one), REST without. */
export function resolveApi(choice: ApiChoice, hasToken: boolean): GitHubApi {
  if (choice === "graphql" && !hasToken) {
    throw new UsageError("--api graphql: GitHub's GraphQL API needs a token (GITHUB_TOKEN, GH_TOKEN or 'gh auth login'); without one use --api rest (or auto)");
  }
  return choice === "rest" || !hasToken ? "rest" : "graphql";
}

/** Fails before any request when the snapshot could not be written anyway. */
async function assertWritable(file: string): Promise<void> {
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new WriteError(`${file}: is a folder; remove it, or pass --snapshots DIR`);
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

export function wholeNumber(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}: expected a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Network tuning from the environment: meant for tests and slow links; documented in --help. */
export function httpTuning(env: NodeJS.ProcessEnv): { timeoutMs: number; retries: number; retryBaseMs: number; searchSpacingMs: number; caps: Record<keyof typeof DEFAULT_CAPS, BodyCap> } {
  const read = (name: string, fallback: number, min: number, max: number) => wholeNumber(env[name] || undefined, name, fallback, min, max);
  const cap = (c: BodyCap): BodyCap => ({ bytes: read(c.setting, c.bytes, 1024, 1024 ** 3), setting: c.setting });
  return {
    timeoutMs: read("SHOWDOWN_HTTP_TIMEOUT_MS", 30_000, 1, 600_000),
    retries: read("SHOWDOWN_RETRIES", 3, 0, 10),
    retryBaseMs: read("SHOWDOWN_RETRY_BASE_MS", 1000, 0, 60_000),
    searchSpacingMs: read("SHOWDOWN_SE_SPACING_MS", SEARCH_SPACING_MS, 0, 10_000),
    caps: { github: cap(DEFAULT_CAPS.github), graphql: cap(DEFAULT_CAPS.graphql), stackexchange: cap(DEFAULT_CAPS.stackexchange) },
  };
}

/** What a run that fetches (collect, backfill) is given besides its dates. */
export interface FetchRun {
  loaded: LoadedCohort;
  snapshotsDir: string;
  api: GitHubApi;
  token: Token | undefined;
  concurrency: number;
  maxWait: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  /** Progress and problems, a line at a time (stderr). */
  stderr(text: string): void;
}

export interface CollectJob extends FetchRun {
  asOf: string;
  /** asOf was asked for (--as-of), not the clock's now. */
  pinned: boolean;
}

export interface CollectOutcome {
  /** EXIT's codes: 0 complete, 2 partial, 1 nothing written, 130 interrupted. */
  code: 0 | 1 | 2 | 130;
  /** Why nothing was written (code 1). */
  error?: string;
  /** The snapshot written, and its file. */
  file?: string;
  snapshot?: Snapshot;
}

/** Collects the cohort and writes its snapshot (see CollectJob). Throws a ShowdownError when nothing can be written. */
export async function runCollect(job: CollectJob): Promise<CollectOutcome> {
  const { cohort } = job.loaded;
  // Bad tuning or SHOWDOWN_NOW is refused before anything is written.
  httpTuning(job.env);
  runNow(job.env);
  const file = snapshotPath(job.snapshotsDir, cohort.cohort, job.asOf);
  await assertWritable(file);
  // Nothing is written under the cache folder before this point: a run that fails validation leaves no trace.

  const shown = (p: string) => path.relative(job.cwd, p) || p;
  const log = (line: string) => job.stderr(`${line}\n`);
  const cacheDir = cacheRoot(job.env, job.cwd);
  // One run of a cohort at a time: a second would share the run cache and race for the snapshot.
  const lock = acquireLock(cacheDir, cohort.cohort, new Date(), shown, log);
  try {
    return await collectLocked(job, { file, cacheDir, shown, log });
  } finally {
    lock.release();
  }
}

interface RunPlace {
  file: string;
  cacheDir: string;
  shown: (p: string) => string;
  log: (line: string) => void;
}

async function collectLocked(job: CollectJob, { file, cacheDir, shown, log }: RunPlace): Promise<CollectOutcome> {
  const { cohort, file: cohortFile } = job.loaded;
  const { asOf, token, concurrency } = job;
  const now = runNow(job.env);
  pruneRunCaches(cacheDir, cohort.cohort);
  // Paths in the caches' notes are shown as the user would type them.
  const cacheLog = (line: string) => log(line.split(job.cwd.endsWith(path.sep) ? job.cwd : job.cwd + path.sep).join(""));
  const runCache = RunCache.open(runCachePath(cacheDir, { cohort: cohort.cohort, asOf }), { cohort: cohort.cohort, asOf, pinned: job.pinned }, cacheLog);
  const etags = EtagStore.load(path.join(cacheDir, "etags.json"), cacheLog);
  const saveEtags = () => {
    const problem = etags.save();
    if (problem) log(`oss-showdown: ${shown(problem)}; the next run's requests will not be conditional`);
  };
  const { github, graphql, stackExchange } = createClients(job, log, etags);
  job.stderr(
    `${cohort.cohort}: collecting ${cohort.projects.length} projects as of ${asOf} through GitHub's ${graphql ? "GraphQL" : "REST"} API ` +
      `(${token ? `token from ${token.from}` : "no token: unauthenticated, slow"})\n`,
  );
  if (runCache.resumed > 0) job.stderr(`${cohort.cohort}: resuming a stopped run: ${runCache.resumed} answers already in ${shown(runCache.file!)}\n`);

  let collected;
  try {
    collected = await collectCohort(cohort, {
      github,
      graphql,
      stackExchange,
      asOf,
      pinned: runCache.pinned,
      figures: rubricAsks(job.loaded.rubric),
      concurrency,
      signal: job.signal,
      cache: runCache,
      now,
      onProject: (p, done, total) => job.stderr(projectLine(p, done, total)),
    });
  } catch (error) {
    if (error instanceof Interrupted) {
      saveEtags();
      if (runCache.size > 0) job.stderr(`oss-showdown: ${runCache.size} answers kept in ${shown(runCache.file!)}; run again with --as-of ${asOf} to go on from there\n`);
      return { code: 130 };
    }
    throw error;
  }
  saveEtags();
  if (job.signal.aborted) return { code: 130 };

  const stats = github.stats();
  const graphqlStats = graphql?.stats();
  job.stderr(
    summaryLines({
      cohort: cohort.cohort,
      projects: collected.projects,
      github: stats,
      graphql: graphqlStats,
      collected,
      auth: token ? "authenticated" : "unauthenticated",
      stackExchangeKey: Boolean(job.env.STACKEXCHANGE_KEY),
      asOf,
      configFile: shown(cohortFile),
    }),
  );
  const fetched = collected.projects.some((p) => Object.entries(p.raw).some(([k, v]) => v !== null && !p.errors.some((e) => e.field === k)));
  if (!fetched) {
    // Nothing worth resuming from: only errors were answered.
    runCache.remove();
    const error = "no figure could be fetched; nothing written (is the network or the API reachable?)";
    job.stderr(`oss-showdown: ${error}\n`);
    return { code: 1, error };
  }
  const snapshot = buildSnapshot({
    cohort: cohort.cohort,
    asOf,
    generatedAt: new Date().toISOString(),
    tool: TOOL,
    windowDays: cohort.windowDays,
    requests: { github: stats.core, githubSearch: stats.search, githubGraphql: graphqlStats?.graphql ?? 0, stackExchange: collected.stackExchange.requests },
    projects: collected.projects,
    warnings: collected.warnings,
  });
  await writeSnapshot(file, snapshot);
  const partial = collected.projects.some((p) => p.errors.length > 0);
  if (!partial) {
    runCache.remove();
  } else if (runCache.size > 0) {
    // Kept: the same --as-of again asks only for what is missing (e.g. after a rate limit's reset).
    job.stderr(`oss-showdown: answers kept in ${shown(runCache.file!)}: 'oss-showdown collect --as-of ${asOf}' again fetches only the missing figures\n`);
  }
  return { code: partial ? 2 : 0, file, snapshot };
}

/** The run's API clients: REST (always, for its stats), GraphQL with a token when asked, Stack Exchange. */
export function createClients(job: Pick<CollectJob, "api" | "token" | "maxWait" | "env" | "signal">, log: (line: string) => void, etags?: EtagStore) {
  const { token, api, maxWait } = job;
  const tuning = httpTuning(job.env);
  const github = createGitHub({
    baseUrl: githubApiUrl(job.env),
    token: token?.value,
    userAgent: `${TOOL.name}/${TOOL.version}`,
    log,
    maxRateLimitWaitSeconds: maxWait,
    maxBody: tuning.caps.github,
    timeoutMs: tuning.timeoutMs,
    retries: tuning.retries,
    retryBaseMs: tuning.retryBaseMs,
    signal: job.signal,
    etags,
  });
  const graphql =
    api === "graphql" && token
      ? createGraphqlGitHub({
          graphqlUrl: githubGraphqlUrl(job.env),
          token: token.value,
          userAgent: `${TOOL.name}/${TOOL.version}`,
          log,
          timeoutMs: tuning.timeoutMs,
          retries: tuning.retries,
          maxWaitSeconds: maxWait,
          maxBody: tuning.caps.graphql,
          signal: job.signal,
        })
      : undefined;
  const stackExchange = createStackExchange({
    baseUrl: stackExchangeApiUrl(job.env),
    key: job.env.STACKEXCHANGE_KEY || undefined,
    log,
    timeoutMs: tuning.timeoutMs,
    retries: tuning.retries,
    retryDelayMs: tuning.retryBaseMs,
    maxBody: tuning.caps.stackexchange,
    maxWaitMs: maxWait * 1000,
    spacingMs: tuning.searchSpacingMs,
    signal: job.signal,
  });
  return { github, graphql, stackExchange };
}

/**
 * `oss-showdown backfill`: the missing snapshots of a cohort for a range of dates, each what `collect
 * --as-of` writes for that date. Dates are collected a chunk at a time with one set of API clients,
 * so that through GraphQL the repositories and searches of several dates share POSTs; each date has
 * its own run cache, so a stopped backfill (Ctrl-C, a quota) goes on where it stopped.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { collectCohort, Interrupted, rubricAsks, type Collected } from "./collect.js";
import { createClients, type FetchRun } from "./collect-run.js";
import { buildSnapshot } from "./snapshot/build.js";
import { snapshotPath, writeSnapshot } from "./snapshot/store.js";
import { RunCache, runCachePath } from "./fetch/cache.js";
import { cacheRoot } from "./cache.js";
import { acquireLock } from "./lock.js";
import { TOOL } from "./tool.js";
import type { GraphqlStats } from "./fetch/graphql.js";
import { duration, share } from "./backfill.js";
import type { GitHubStats } from "./fetch/types.js";
import type { ProjectFacts } from "./snapshot/schema.js";

/** Dates collected together: their GraphQL items share POSTs; a stop loses at most this many dates' work in progress. */
export const DATES_PER_CHUNK = 12;

export interface BackfillJob extends FetchRun {
  /** ISO instants at 00:00 UTC, oldest first. */
  dates: string[];
  force: boolean;
  now: number;
  /** The real clock, for the ETA only. */
  clock?: () => number;
}

export interface BackfillOutcome {
  code: 0 | 2 | 130;
  written: string[];
  skipped: string[];
}

const n = (v: number) => v.toLocaleString("en-US");

/** The dates that need a snapshot: all of them with --force, else those without a file. */
export async function missingDates(job: Pick<BackfillJob, "loaded" | "snapshotsDir" | "dates" | "force">): Promise<{ todo: string[]; skipped: string[] }> {
  const todo: string[] = [];
  const skipped: string[] = [];
  for (const asOf of job.dates) {
    const exists = await stat(snapshotPath(job.snapshotsDir, job.loaded.cohort.cohort, asOf)).then(
      () => true,
      () => false,
    );
    if (exists && !job.force) skipped.push(asOf);
    else todo.push(asOf);
  }
  return { todo, skipped };
}

/** Why a chunk could not go on: an API stopped for the run (its budget spent, the reset too far). */
function stopReason(github: GitHubStats, graphql: GraphqlStats | undefined, collected: Collected[]): string | undefined {
  if (graphql?.stopped) return `the GitHub GraphQL rate limit is used up until ${graphql.stopped.resetAt}`;
  for (const [resource, stop] of Object.entries(github.stopped ?? {})) return `the GitHub ${resource} rate limit is used up until ${stop.resetAt}`;
  const quota = collected.flatMap((c) => c.projects.flatMap((p) => p.errors)).find((e) => e.field === "stackOverflowQuestions" && /quota|throttle_violation/.test(e.message));
  if (quota) return `Stack Exchange refused: ${quota.message}; its quota resets at 00:00 UTC`;
  return undefined;
}

export async function runBackfill(job: BackfillJob): Promise<BackfillOutcome> {
  const cacheDir = cacheRoot(job.env, job.cwd);
  // One run of a cohort at a time, collect or backfill: they share run caches and snapshots.
  const lock = acquireLock(cacheDir, job.loaded.cohort.cohort, new Date(), (p) => path.relative(job.cwd, p) || p, (line) => job.stderr(`${line}\n`));
  try {
    return await backfillLocked(job, cacheDir);
  } finally {
    lock.release();
  }
}

async function backfillLocked(job: BackfillJob, cacheDir: string): Promise<BackfillOutcome> {
  const { cohort } = job.loaded;
  const figures = rubricAsks(job.loaded.rubric);
  const clock = job.clock ?? Date.now;
  const { todo, skipped } = await missingDates(job);
  const log = (line: string) => job.stderr(`${line}\n`);
  if (skipped.length > 0) log(`${cohort.cohort}: ${n(skipped.length)} of ${n(job.dates.length)} dates already have a snapshot; kept${job.force ? "" : " (--force to fetch them again)"}`);
  if (todo.length === 0) {
    log(`${cohort.cohort}: nothing to backfill`);
    return { code: 0, written: [], skipped };
  }
  const { github, graphql, stackExchange } = createClients(job, log);
  log(
    `${cohort.cohort}: backfilling ${n(todo.length)} dates (${todo[0]!.slice(0, 10)} to ${todo.at(-1)!.slice(0, 10)}) of ${n(cohort.projects.length)} projects through GitHub's ${graphql ? "GraphQL" : "REST"} API`,
  );
  const started = clock();
  const written: string[] = [];
  let partial = false;
  let done = 0;
  let seRequests = 0;
  let ghBefore = 0;
  const githubCount = () => {
    const s = github.stats();
    return s.core + s.search + (graphql?.stats().graphql ?? 0);
  };

  for (let i = 0; i < todo.length; i += DATES_PER_CHUNK) {
    const chunk = todo.slice(i, i + DATES_PER_CHUNK);
    const caches = chunk.map((asOf) => RunCache.open(runCachePath(cacheDir, { cohort: cohort.cohort, asOf }), { cohort: cohort.cohort, asOf, pinned: true }));
    let collected: Collected[];
    try {
      // Every date of the chunk at once: their GraphQL items join one queue and share POSTs.
      collected = await Promise.all(
        chunk.map((asOf, k) =>
          collectCohort(cohort, { github, graphql, stackExchange, asOf, pinned: true, concurrency: job.concurrency, signal: job.signal, cache: caches[k], now: job.now, figures }),
        ),
      );
    } catch (error) {
      if (error instanceof Interrupted) {
        log(`oss-showdown: stopped; ${n(written.length)} snapshots written, answers kept in ${path.relative(job.cwd, path.join(cacheDir, "runs")) || "."}: run the same backfill again to go on`);
        return { code: 130, written, skipped };
      }
      throw error;
    }
    const ghChunk = githubCount() - ghBefore;
    ghBefore += ghChunk;
    const stopped = stopReason(github.stats(), graphql?.stats(), collected);
    for (const [k, asOf] of chunk.entries()) {
      const c = collected[k]!;
      seRequests += c.stackExchange.requests;
      const hasErrors = c.projects.some((p) => p.errors.length > 0);
      const fetched = c.projects.some((p: ProjectFacts) => Object.entries(p.raw).some(([key, v]) => v !== null && !p.errors.some((e) => e.field === key)));
      // After a stop, a date with missing figures is left for the next run (its answers stay cached).
      if (!fetched || (hasErrors && stopped)) continue;
      const snapshot = buildSnapshot({
        cohort: cohort.cohort,
        asOf,
        generatedAt: new Date(clock()).toISOString(),
        tool: TOOL,
        windowDays: cohort.windowDays,
        // The chunk's GitHub requests served all its dates: each snapshot records its share.
        requests: graphql
          ? { github: 0, githubSearch: 0, githubGraphql: share(ghChunk, chunk.length, k), stackExchange: c.stackExchange.requests }
          : { github: share(ghChunk, chunk.length, k), githubSearch: 0, githubGraphql: 0, stackExchange: c.stackExchange.requests },
        projects: c.projects,
        warnings: c.warnings,
      });
      await writeSnapshot(snapshotPath(job.snapshotsDir, cohort.cohort, asOf), snapshot);
      written.push(asOf);
      partial ||= hasErrors;
      if (!hasErrors) caches[k]!.remove();
    }
    done += chunk.length;
    const elapsed = clock() - started;
    const eta = done < todo.length ? `, about ${duration((elapsed / done) * (todo.length - done))} left` : "";
    log(`backfill: ${n(done)}/${n(todo.length)} dates (to ${chunk.at(-1)!.slice(0, 10)}), ${n(written.length)} written; requests: github ${n(ghBefore)}, stack exchange ${n(seRequests)}; ${duration(elapsed)}${eta}`);
    if (stopped) {
      const left = todo.length - written.length;
      log(`oss-showdown: stopped: ${stopped}; ${n(left)} date${left === 1 ? "" : "s"} not written: run the same backfill again after that to fetch only those`);
      return { code: 2, written, skipped };
    }
  }
  log(`${cohort.cohort}: ${n(written.length)} snapshots written${partial ? ", some with missing figures (see their errors; --force after fixing the cause fetches them again)" : ""}`);
  return { code: partial ? 2 : 0, written, skipped };
}

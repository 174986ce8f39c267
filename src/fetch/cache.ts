/**
 * The per-run cache that makes `collect` resumable: every answer (a figure, or a definitive error such
 * as a 404) is appended to .cache/runs/<cohort>--<asOf>.jsonl the moment it arrives. A run stopped
 * part way (Ctrl-C, a runner's SIGTERM or timeout) and started again with the same --as-of reads it
 * back and asks the APIs only for what is missing.
 *
 * One JSON object per line, after a header line naming the cohort and asOf; a line torn by a kill is
 * ignored. Values are API answers reduced to what the collector uses: no URLs with keys, no headers,
 * never the token.
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FetchError, type FetchErrorKind, type GitHubSource, type SearchCount, type StackExchangeSource, type TagCounts } from "./types.js";
import { soundAnswer } from "./figures.js";
import { plain } from "../format/plain.js";
import type { BatchGitHub, MergedRequest, RepoFigures, RepoFiguresRequest } from "./graphql.js";

const VERSION = 1;

/** Errors that are answers, the same on every retry: cached like figures. */
const DEFINITIVE: ReadonlySet<FetchErrorKind> = new Set(["not-found", "empty", "invalid"]);

type Line = { k: string; v: unknown } | { k: string; e: { kind: FetchErrorKind; message: string; status?: number } };

export interface RunId {
  cohort: string;
  asOf: string;
  /**
   * Whether the run asks for the last commit `until` asOf (see CollectOptions.pinned). A resumed run
   * keeps the stopped run's choice, so that the answers it cached are the ones it asks for.
   */
  pinned?: boolean;
}

/** .cache/runs/<cohort>--<asOf without colons>.jsonl */
export function runCachePath(cacheDir: string, run: RunId): string {
  return path.join(cacheDir, "runs", `${run.cohort}--${run.asOf.replace(/:/g, "")}.jsonl`);
}

export class RunCache {
  private readonly lines = new Map<string, Line>();
  private started = false;
  private broken = false;
  /** Answers read back from an earlier, stopped run. */
  readonly resumed: number;
  /** Answers served from the cache this run. */
  hits = 0;
  private readonly run: Required<RunId>;

  private constructor(
    readonly file: string | undefined,
    run: RunId,
    private readonly log: (line: string) => void,
    existing: Line[],
  ) {
    this.run = { cohort: run.cohort, asOf: run.asOf, pinned: run.pinned ?? true };
    for (const line of existing) this.lines.set(line.k, line);
    this.resumed = this.lines.size;
    this.started = existing.length > 0;
  }

  /** A cache that only lives in memory (tests; or no cache folder). */
  static memory(run: RunId): RunCache {
    return new RunCache(undefined, run, () => {}, []);
  }

  /** Opens the run's file if an earlier run left one; creates nothing until the first answer. */
  static open(file: string, run: RunId, log: (line: string) => void = () => {}): RunCache {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return new RunCache(file, run, log, []);
    }
    const [head, ...rest] = text.split("\n");
    let header: { run?: unknown } | undefined;
    try {
      header = JSON.parse(head ?? "") as { run?: unknown };
    } catch {
      header = undefined;
    }
    const h = header?.run as { version?: unknown; cohort?: unknown; asOf?: unknown; pinned?: unknown } | undefined;
    if (h?.version !== VERSION || h.cohort !== run.cohort || h.asOf !== run.asOf) {
      log(`oss-showdown: ${file}: not this run's cache; starting afresh`);
      const fresh = new RunCache(file, run, log, []);
      return fresh;
    }
    const lines: Line[] = [];
    for (const raw of rest) {
      if (!raw.trim()) continue;
      try {
        const line = JSON.parse(raw) as Line;
        if (typeof line?.k === "string" && ("v" in line || "e" in line)) lines.push(line);
      } catch {
        // A line cut short by a kill: that answer is fetched again.
      }
    }
    const cache = new RunCache(file, { ...run, pinned: h.pinned !== false }, log, lines);
    cache.started = true;
    return cache;
  }

  get size(): number {
    return this.lines.size;
  }

  get pinned(): boolean {
    return this.run.pinned;
  }

  get(key: string): Line | undefined {
    return this.lines.get(key);
  }

  /** Records an answer; one with a value out of range (figures.ts) is not kept, so the next run asks again. */
  put(line: Line): void {
    if ("v" in line && !soundAnswer(line.v, this.run.asOf)) return;
    this.lines.set(line.k, line);
    if (!this.file || this.broken) return;
    const text = plain(JSON.stringify(line)) + "\n";
    try {
      if (!this.started) {
        mkdirSync(path.dirname(this.file), { recursive: true });
        writeFileSync(this.file, JSON.stringify({ run: { version: VERSION, ...this.run } }) + "\n" + text);
        this.started = true;
      } else {
        // One small synchronous append per answer: complete on disk before anything else runs.
        appendFileSync(this.file, text);
      }
    } catch (error) {
      this.broken = true;
      this.log(`oss-showdown: ${this.file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); a restart would fetch everything again`);
    }
  }

  /** Deletes the file (the snapshot it fed is written), and the folders it leaves empty. */
  remove(): void {
    if (!this.file) return;
    try {
      rmSync(this.file, { force: true });
    } catch {
      return; // never written (the folder is not usable): nothing to remove
    }
    for (const dir of [path.dirname(this.file), path.dirname(path.dirname(this.file))]) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty: other runs' files, the ETag cache
      }
    }
  }
}

/** Deletes run caches of this cohort older than `days`: runs that were never resumed. */
export function pruneRunCaches(cacheDir: string, cohort: string, days = 7): void {
  const dir = path.join(cacheDir, "runs");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const oldest = Date.now() - days * 86_400_000;
  for (const name of names) {
    if (!name.startsWith(`${cohort}--`) || !name.endsWith(".jsonl")) continue;
    const file = path.join(dir, name);
    try {
      if (statSync(file).mtimeMs < oldest) rmSync(file, { force: true });
    } catch {
      // raced with another run: nothing to do
    }
  }
}

/**
 * Wraps a GitHub source so that each distinct question is asked at most once per run: answered from
 * the run cache when an earlier run got it, shared when two projects ask the same (a numerics
 * repository used by both), and recorded as soon as it is answered.
 */
export function cachedGitHub(source: GitHubSource, cache: RunCache): GitHubSource {
  const pending = new Map<string, Promise<unknown>>();
  function memo<T>(key: string, run: () => Promise<T>): Promise<T> {
    const known = pending.get(key);
    if (known) return known as Promise<T>;
    const line = cache.get(key);
    let promise: Promise<T>;
    if (line) {
      cache.hits += 1;
      const answer = fromLine<T>(line);
      promise = answer instanceof FetchError ? Promise.reject(answer) : Promise.resolve(answer);
    } else {
      promise = run().then(
        (value) => {
          cache.put({ k: key, v: value });
          return value;
        },
        (error: unknown) => {
          const failed = error instanceof FetchError ? lineOf(key, error) : undefined;
          if (failed) cache.put(failed);
          throw error;
        },
      );
    }
    pending.set(key, promise);
    return promise;
  }
  return {
    repository: (fullName) => memo(`repository ${fullName}`, () => source.repository(fullName)),
    lastCommitAt: (fullName, branch, until) => memo(`lastCommit ${fullName} ${branch} ${until ?? "head"}`, () => source.lastCommitAt(fullName, branch, until)),
    commitCount: (fullName, branch, since, until) => memo(`commits ${fullName} ${branch} ${since} ${until}`, () => source.commitCount(fullName, branch, since, until)),
    mergedPullRequests: (fullName, since, until, base) => memo(mergedKey({ fullName, since, until, base }), () => source.mergedPullRequests(fullName, since, until, base)),
    issueCount: (query) => memo(`issueCount ${query}`, () => source.issueCount(query)),
    repositoryCount: (query) => memo(`repositoryCount ${query}`, () => source.repositoryCount(query)),
    listCount: (fullName, list) => memo(`${list} ${fullName}`, () => source.listCount(fullName, list)),
    releases: (fullName, since, until) => memo(`releases ${fullName} ${since} ${until}`, () => source.releases(fullName, since, until)),
    stats: () => source.stats(),
  };
}

/** An answer as a cache line, when it is worth keeping: a value, or an error that would be the same on every retry. */
function lineOf(key: string, result: unknown): Line | undefined {
  if (result instanceof FetchError) {
    return DEFINITIVE.has(result.kind) ? { k: key, e: { kind: result.kind, message: result.message, ...(result.status !== undefined ? { status: result.status } : {}) } } : undefined;
  }
  return { k: key, v: result };
}

function fromLine<T>(line: Line): T | FetchError {
  return "v" in line ? (line.v as T) : new FetchError(line.e.kind, line.e.message, line.e.status);
}

/** The same fact as REST's mergedPullRequests, under the same key: the count of merged PRs under that name in the window. */
const mergedKey = (r: MergedRequest) => `merged ${r.fullName} ${r.since} ${r.until}${r.base ? ` base:${r.base}` : ""}`;

type RepoPart = Omit<RepoFigures, "mergedPullRequests">;

/**
 * The same for the GraphQL client: a run stopped part way and started again with the same --as-of
 * sends only what it has no answer for. A repository's answer is kept in two parts: its own figures,
 * and its merged-PR count under the name GitHub reports now (the line REST uses for that count too),
 * so a repository whose count was still missing (a renamed one's search under its new name is a later
 * POST) has only that count asked again. A repository search's count is REST's line too.
 * Answers in the cache are handed on at once; the rest go to the client in one call of each kind,
 * made in the same turn, so that they still share POSTs.
 */
export function cachedBatchGitHub(source: BatchGitHub, cache: RunCache): BatchGitHub {
  const repoKey = (r: RepoFiguresRequest) =>
    `graphql repository ${r.fullName} ${r.since} ${r.until}${r.base ? ` base:${r.base}` : ""}${r.info ? " info" : ""}${r.createdAt ? " createdAt" : ""}${r.releases ? " releases" : ""}${r.openPullRequests ? " openPulls" : ""}${r.merged === false ? " unlanded" : ""}${r.tags ? " tags" : ""}`;
  const keep = (key: string, result: unknown) => {
    const line = lineOf(key, result);
    if (line) cache.put(line);
  };
  const known = (key: string) => {
    const line = cache.get(key);
    if (line) cache.hits += 1;
    return line;
  };

  /** Answers from the cache where it has them; the rest asked in one call (made now, before any await). */
  function cached<Q, T>(
    asked: readonly Q[],
    keyOf: (q: Q) => string,
    send: (rest: Q[], each: (index: number, result: T | FetchError) => void) => Promise<unknown>,
    each: ((index: number, result: T | FetchError) => void) | undefined,
  ): Promise<(T | FetchError)[]> {
    const results: (T | FetchError)[] = new Array<T | FetchError>(asked.length);
    const missing: number[] = [];
    asked.forEach((q, i) => {
      const line = known(keyOf(q));
      if (!line) return void missing.push(i);
      results[i] = fromLine<T>(line);
      each?.(i, results[i]!);
    });
    if (missing.length === 0) return Promise.resolve(results);
    const sent = send(
      missing.map((i) => asked[i]!),
      (j, result) => {
        const i = missing[j]!;
        keep(keyOf(asked[i]!), result);
        results[i] = result;
        each?.(i, result);
      },
    );
    return sent.then(() => results);
  }

  return {
    repositories(requests, each) {
      const results: (RepoFigures | FetchError)[] = new Array<RepoFigures | FetchError>(requests.length);
      const done = (i: number, result: RepoFigures | FetchError) => {
        results[i] = result;
        each?.(i, result);
      };
      const whole: number[] = [];
      const countOnly: { i: number; part: RepoPart; merged: MergedRequest }[] = [];
      requests.forEach((r, i) => {
        const line = known(repoKey(r));
        if (!line) return void whole.push(i);
        const part = fromLine<RepoPart>(line);
        if (part instanceof FetchError || r.merged === false) return done(i, part);
        const merged: MergedRequest = { fullName: part.fullName, since: r.since, until: r.until, ...(r.base ? { base: r.base } : {}) };
        const count = known(mergedKey(merged));
        if (count) done(i, { ...part, mergedPullRequests: fromLine<SearchCount>(count) });
        else countOnly.push({ i, part, merged });
      });
      // Both calls now, in the same turn: their searches and repositories share POSTs.
      const sent = [
        whole.length === 0
          ? undefined
          : source.repositories(
              whole.map((i) => requests[i]!),
              (j, result) => {
                const i = whole[j]!;
                if (result instanceof FetchError) {
                  keep(repoKey(requests[i]!), result);
                } else {
                  const { mergedPullRequests, ...part } = result;
                  // A repository whose last commit, commit count or a detail failed is asked again whole.
                  const failed = [part.lastCommitAt, part.commits, part.createdAt, part.releases, part.tags, part.openPullRequests, ...Object.values(part.info ?? {})].some((v) => v instanceof FetchError);
                  if (!failed) keep(repoKey(requests[i]!), part);
                  if (mergedPullRequests !== undefined) keep(mergedKey({ ...requests[i]!, fullName: result.fullName }), mergedPullRequests);
                }
                done(i, result);
              },
            ),
        countOnly.length === 0
          ? undefined
          : source.mergedPullRequests(
              countOnly.map((c) => c.merged),
              (j, count) => {
                const { i, part, merged } = countOnly[j]!;
                keep(mergedKey(merged), count);
                done(i, { ...part, mergedPullRequests: count });
              },
            ),
      ];
      return Promise.all(sent).then(() => results);
    },
    mergedPullRequests: (requests, each) => cached<MergedRequest, SearchCount>(requests, mergedKey, (rest, on) => source.mergedPullRequests(rest, on), each),
    repositoryCounts: (queries, each) => cached<string, SearchCount>(queries, (q) => `repositoryCount ${q}`, (rest, on) => source.repositoryCounts(rest, on), each),
    issueCounts: (queries, each) => cached<string, SearchCount>(queries, (q) => `issueCount ${q}`, (rest, on) => source.issueCounts(rest, on), each),
    stats: () => source.stats(),
  };
}

/** The same for Stack Exchange: tags and question counts answered by an earlier run are not asked again. */
export function cachedStackExchange(source: StackExchangeSource, cache: RunCache): StackExchangeSource {
  return {
    async questionCount(tags, todate) {
      const key = `questions ${[...tags].map((t) => t.toLowerCase()).sort().join(";")} ${todate}`;
      const line = cache.get(key);
      if (line && "v" in line && typeof line.v === "number") {
        cache.hits += 1;
        return { count: line.v, requests: 0, quotaRemaining: undefined, quotaMax: undefined };
      }
      const answer = await source.questionCount(tags, todate);
      cache.put({ k: key, v: answer.count });
      return answer;
    },
    async tagCounts(tags) {
      const result: TagCounts = { counts: new Map(), missing: [], failed: new Map(), requests: 0, quotaRemaining: undefined, quotaMax: undefined };
      const ask: string[] = [];
      for (const tag of new Set(tags)) {
        const line = cache.get(`tag ${tag}`);
        if (line && "v" in line) {
          cache.hits += 1;
          if (typeof line.v === "number") result.counts.set(tag, line.v);
          else result.missing.push(tag);
        } else {
          ask.push(tag);
        }
      }
      if (ask.length === 0) return result;
      const fetched = await source.tagCounts(ask);
      for (const [tag, count] of fetched.counts) {
        cache.put({ k: `tag ${tag}`, v: count });
        result.counts.set(tag, count);
      }
      for (const tag of fetched.missing) {
        cache.put({ k: `tag ${tag}`, v: null });
        result.missing.push(tag);
      }
      for (const [tag, why] of fetched.failed) result.failed.set(tag, why);
      result.requests = fetched.requests;
      result.quotaRemaining = fetched.quotaRemaining;
      result.quotaMax = fetched.quotaMax;
      return result;
    },
  };
}

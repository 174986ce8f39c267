/**
 * Digests of snapshot files (digest.ts), kept in .cache/digests/<cohort folder>/<sha256>.digest.
 *
 * A digest is found by the SHA-256 of the snapshot file's bytes (hashing a 2.75 MB file takes ~2 ms,
 * parsing it ~15 ms), so it is used only for the very bytes it was made from: an edited, rescored,
 * re-collected or checked-out-again file simply has another hash. A file without a digest is read,
 * parsed and validated in full, as ever, and its digest written for next time. The cache is only
 * ever an accelerator: a digest that is missing, damaged, from another tool version or impossible to
 * write changes nothing but the time taken, and SHOWDOWN_DIGESTS=0 turns it off.
 */
import type { BigIntStats } from "node:fs";
import { open, readFile, readdir, rm, stat, type Handle } from "../fs-here.js";
import path from "node:path";
import { cacheRoot, readCacheJson, writeCacheFile } from "../cache.js";
import { TOOL } from "../tool.js";
import { sha256 } from "../hash.js";
import { decodeDigest, digestOf, encodeDigest, type Digest } from "./digest.js";
import type { Snapshot } from "./schema.js";
import { checkSnapshot, parseJsonBytes, readSnapshotBytes } from "./store.js";

const SUFFIX = ".digest";

/** Where digests are kept (SHOWDOWN_CACHE_DIR, default .cache, + digests), or null when SHOWDOWN_DIGESTS=0. */
export function digestDir(env: NodeJS.ProcessEnv, cwd: string): string | null {
  return env.SHOWDOWN_DIGESTS === "0" ? null : path.join(cacheRoot(env, cwd), "digests");
}

/** Where the data of YAML config files is kept (config/load.ts's LoadOptions), null when SHOWDOWN_DIGESTS=0. */
export function configCacheDir(env: NodeJS.ProcessEnv, cwd: string): string | null {
  return env.SHOWDOWN_DIGESTS === "0" ? null : path.join(cacheRoot(env, cwd), "config");
}

/** The folder of a snapshot's digests: one per cohort folder, so that pruning one cohort leaves the others. */
function folderOf(dir: string, file: string): string {
  return path.join(dir, path.basename(path.dirname(path.resolve(file))));
}

/**
 * What identifies a file's content without reading it, as git's index does: size, modification and
 * change times (nanoseconds), inode and device. Any write changes the change time (which no tool can
 * set back); see readDigest for the one case where that is not enough.
 */
export interface Stamp {
  size: string;
  mtime: string;
  ctime: string;
  ino: string;
  dev: string;
}

/** A file's stamp and the SHA-256 of its bytes when it had that stamp. */
export interface Known {
  stamp: Stamp;
  source: string;
}

/** How long after its last change a file's stamp is trusted to tell its content (see readDigest). */
const SETTLED_MS = 2000;

function stampFrom(st: BigIntStats): Stamp {
  return { size: String(st.size), mtime: String(st.mtimeNs), ctime: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
}

async function stampOf(file: string): Promise<{ stamp: Stamp; changedAt: number } | undefined> {
  const st = await stat(file, { bigint: true }).catch(() => undefined);
  if (!st) return undefined;
  return { stamp: stampFrom(st), changedAt: Number(st.ctimeNs / 1_000_000n) };
}

/**
 * A file's bytes, and whether they are those its stamp (as readDigest trusted it) tells: the stamp
 * is taken again once they are read, from the same open file. Cheaper than hashing them (~2 ms for 3 MB).
 */
export async function readStamped(file: string, stamp: Stamp): Promise<{ bytes: Buffer; same: boolean }> {
  let handle: Handle | undefined;
  try {
    handle = await open(file, "r");
    const bytes = await handle.readFile();
    const same = sameStamp(stampFrom(await handle.stat({ bigint: true })), stamp);
    return { bytes, same };
  } catch {
    // As readSnapshotBytes says it (file not found, cannot read).
    return { bytes: await readSnapshotBytes(file), same: false };
  } finally {
    await handle?.close();
  }
}

const sameStamp = (a: Stamp, b: Stamp) => a.size === b.size && a.mtime === b.mtime && a.ctime === b.ctime && a.ino === b.ino && a.dev === b.dev;

export interface ReadDigest {
  digest: Digest;
  /** SHA-256 of the file's bytes. */
  source: string;
  /** The file's bytes, when they were read (not when its stamp told its content). */
  bytes?: Buffer;
  /** The snapshot, when it had to be read in full (no digest yet). */
  snapshot?: Snapshot;
  /** The file's stamp and hash, to remember (see Known), when it was read and has settled. */
  known?: Known;
  /** The stamp that told the file's content, when it was not read (see readStamped). */
  stamp?: Stamp;
}

/**
 * The digest of a snapshot file: from the cache when it holds one for these bytes, else by reading the
 * file in full (SnapshotError if it is damaged, as readSnapshot) and saving its digest. dir null: no
 * cache. ratings: the digest must keep the projects' ratings (only score reads them).
 *
 * hooks.beforeParse: awaited before the file is parsed (a reader thread parses one file at a time: see
 * parallel.ts's runTask). hooks.enough: given the SHA-256 of the file's bytes once known, true when the
 * reader needs nothing more (score's verdicts): the digest is then not loaded.
 *
 * `known`: the file's stamp and hash when last read. When its stamp is still that, the digest is taken
 * without reading the file at all. A stamp is remembered only for a file last changed more than 2 s
 * before it was looked at: a file system records times at a clock tick of a few milliseconds, so a
 * file rewritten twice within one tick could otherwise keep its stamp with new content (git calls such
 * entries "racily clean"); a change after the stamp was taken is seconds later than the stamp's time.
 */
export interface ReadHooks {
  beforeParse?: () => Promise<void>;
  enough?: (source: string) => boolean;
}

/** A read that `enough` ended once the file's hash was known: no digest loaded. */
export type Sourced = Omit<ReadDigest, "digest" | "snapshot" | "stamp"> & { digest?: undefined };

export function readDigest(file: string, dir: string | null, known?: Known, ratings?: boolean, hooks?: Omit<ReadHooks, "enough">): Promise<ReadDigest>;
export function readDigest(file: string, dir: string | null, known: Known | undefined, ratings: boolean, hooks: ReadHooks): Promise<ReadDigest | Sourced>;
export async function readDigest(file: string, dir: string | null, known?: Known, ratings = true, hooks: ReadHooks = {}): Promise<ReadDigest | Sourced> {
  // A digest kept without ratings does not do for a reader that needs them: the file is read again.
  const usable = (digest: Digest | undefined) => (digest && (!ratings || digest.ratingsText !== null) ? digest : undefined);
  const looked = dir === null ? undefined : await stampOf(file);
  const lookedAt = Date.now();
  // The hash whose digest was loaded and would not do (so is not loaded again for the same bytes).
  let unusable: string | undefined;
  if (dir !== null && known && looked && sameStamp(known.stamp, looked.stamp)) {
    if (hooks.enough?.(known.source)) return { source: known.source };
    const digest = usable(await loadDigest(dir, file, known.source));
    if (digest) return { digest, source: known.source, stamp: looked.stamp };
    unusable = known.source;
  }
  const bytes = await readSnapshotBytes(file);
  const source = sha256(bytes);
  const remember = looked && lookedAt - looked.changedAt > SETTLED_MS ? { stamp: looked.stamp, source } : undefined;
  if (hooks.enough?.(source)) return { source, bytes, known: remember };
  const cached = dir === null || source === unusable ? undefined : usable(await loadDigest(dir, file, source));
  if (cached) return { digest: cached, source, bytes, known: remember };
  await hooks.beforeParse?.();
  const { snapshot, asIs } = checkSnapshot(file, parseJsonBytes(file, bytes));
  const digest = digestOf(snapshot, asIs, ratings);
  if (dir !== null) await saveDigest(dir, file, digest, source);
  return { digest, source, bytes, snapshot, known: remember };
}

async function loadDigest(dir: string, file: string, source: string): Promise<Digest | undefined> {
  const stored = await readFile(path.join(folderOf(dir, file), source + SUFFIX)).catch(() => undefined);
  return stored && decodeDigest(stored, source, TOOL.version);
}

const STAMPS = "stamps.json";

function isKnown(v: unknown): v is Known {
  if (typeof v !== "object" || v === null) return false;
  const { stamp, source } = v as Partial<Known>;
  return (
    typeof source === "string" &&
    typeof stamp === "object" &&
    stamp !== null &&
    (["size", "mtime", "ctime", "ino", "dev"] as const).every((k) => typeof stamp[k] === "string")
  );
}

/** The remembered stamps of a cohort folder's files, by absolute path (none when unreadable). */
export async function loadStamps(dir: string, anyFile: string): Promise<Map<string, Known>> {
  const data = await readCacheJson(path.join(folderOf(dir, anyFile), STAMPS));
  if (typeof data !== "object" || data === null) return new Map();
  // Entries of another shape (a damaged or hand-edited file) are dropped: those files are just read.
  return new Map(Object.entries(data).filter((e): e is [string, Known] => isKnown(e[1])));
}

/** Saves the stamps (failure ignored: the files are then read and hashed next time). */
export async function saveStamps(dir: string, anyFile: string, stamps: ReadonlyMap<string, Known>): Promise<void> {
  await writeCacheFile(path.join(folderOf(dir, anyFile), STAMPS), JSON.stringify(Object.fromEntries(stamps)));
}

const VERDICTS = "verdicts.json";

/**
 * What `score` last found of a cohort folder's files under one config: which bytes (by SHA-256) are up
 * to date and which out of date. Re-scoring is a pure function of a file's bytes, the rubric, the
 * configured ratings and the tool, all of which `config` (a hash) names: under the same config, the
 * same bytes get the same verdict, so score need not re-score them to know it.
 */
export interface Verdicts {
  config: string;
  upToDate: string[];
  outOfDate: string[];
}

const isHashes = (v: unknown): v is string[] => Array.isArray(v) && v.every((h) => typeof h === "string");

/** The verdicts kept for `config` (none for another config, or when missing or damaged). */
export async function loadVerdicts(dir: string, anyFile: string, config: string): Promise<Verdicts> {
  const data = (await readCacheJson(path.join(folderOf(dir, anyFile), VERDICTS))) as Partial<Verdicts> | undefined;
  const same = typeof data === "object" && data !== null && data.config === config && isHashes(data.upToDate) && isHashes(data.outOfDate);
  return same ? { config, upToDate: data.upToDate!, outOfDate: data.outOfDate! } : { config, upToDate: [], outOfDate: [] };
}

/** Saves the verdicts, replacing those of any other config (failure ignored: score then re-scores). */
export async function saveVerdicts(dir: string, anyFile: string, verdicts: Verdicts): Promise<void> {
  await writeCacheFile(path.join(folderOf(dir, anyFile), VERDICTS), JSON.stringify(verdicts));
}

/**
 * The snapshot in bytes whose digest is `digest`: validated when the digest was made, so when their
 * JSON was the snapshot as it is, parsing is all there is to do; else the whole check, as readSnapshot.
 */
export function snapshotOfDigested(file: string, bytes: Buffer, digest: Digest): Snapshot {
  const data = parseJsonBytes(file, bytes);
  return digest.parsedAsIs ? (data as Snapshot) : checkSnapshot(file, data).snapshot;
}

/**
 * Saves the digest of `file`'s (new) content, whose SHA-256 is `source` (see writeCacheFile: a reader
 * never sees half a digest, and a failure only means the next read parses the file again).
 */
export async function saveDigest(dir: string, file: string, digest: Digest, source: string): Promise<void> {
  await writeCacheFile(path.join(folderOf(dir, file), source + SUFFIX), encodeDigest(digest, source, TOOL.version));
}

/**
 * Removes the digests of a cohort folder other than those of `keep` (the hashes of every file it now
 * holds) and temp files left by a killed run, but for those written since `since` (ms since the
 * epoch), so the cache does not grow with every rescore or re-collect. Failures are ignored.
 */
export async function pruneDigests(dir: string, anyFile: string, keep: ReadonlySet<string>, since = Number.POSITIVE_INFINITY): Promise<void> {
  const folder = folderOf(dir, anyFile);
  const entries = await readdir(folder).catch(() => [] as string[]);
  const stale = (name: string) => (name.endsWith(SUFFIX) && !keep.has(name.slice(0, -SUFFIX.length))) || (name.startsWith(".") && name.endsWith(".tmp"));
  await Promise.all(
    entries.filter(stale).map(async (name) => {
      const file = path.join(folder, name);
      // Written since the read began (the digest of a file score is rewriting, or another run's): kept.
      const written = await stat(file).then((st) => st.mtimeMs, () => 0);
      if (written < since) await rm(file, { force: true }).catch(() => {});
    }),
  );
}

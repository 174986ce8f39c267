import { isAscii } from "node:buffer";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm } from "../fs-here.js";
import path from "node:path";
import pLimit from "p-limit";
import { ShowdownError, SnapshotError, WriteError } from "../errors.js";
import { formatPath } from "../config/issues.js";
import { Snapshot } from "./schema.js";
import { migrateSnapshot } from "./migrate.js";
import { isCanonicalSnapshot } from "./check.js";

const DATED = /^\d{4}-\d{2}-\d{2}\.json$/;

/** snapshots/<cohort>/YYYY-MM-DD.json, by the UTC date of asOf. */
export function snapshotPath(dir: string, cohort: string, asOf: string): string {
  return path.join(dir, cohort, `${new Date(asOf).toISOString().slice(0, 10)}.json`);
}

/**
 * The one serialization of a snapshot: validated (which also puts keys in schema order), 2-space JSON
 * with a final newline, so that two snapshots diff cleanly and an unchanged one is byte-identical.
 * A snapshot the fast check (check.ts) knows to be valid and in schema order is written as it is;
 * any other goes through the zod schema, which orders its keys or throws.
 */
export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(isCanonicalSnapshot(snapshot) ? snapshot : Snapshot.parse(snapshot), null, 2) + "\n";
}

/** The temp file a write to `file` goes through: beside it (same file system), named for this process. */
export function tempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

function writeError(file: string, error: unknown): unknown {
  if (error instanceof ShowdownError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "disk full" : (error as Error).message;
  return new WriteError(`${file}: cannot write (${why}); nothing was changed`, { cause: error });
}

export interface AtomicOptions {
  /**
   * false: do not flush the file to disk before the rename. Readers still never see half a file; only a
   * crash of the whole machine could leave it empty. For output that is regenerated at will (the
   * report's 3,000 charts), where a flush per file is most of the time taken.
   */
  sync?: boolean;
}

/**
 * The first half of writeAtomic: writes the content to the temp file and flushes it to disk, leaving
 * `file` as it is; commitAtomic then puts it in place. On failure the temp file is removed.
 */
export async function prepareAtomic(file: string, content: string | Uint8Array | AsyncIterable<string | Uint8Array>, options: AtomicOptions = {}): Promise<string> {
  const tmp = tempPath(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(tmp, "w");
    try {
      if (typeof content === "string" || content instanceof Uint8Array) {
        await handle.writeFile(content);
      } else {
        // writeFile on a handle writes on from the current position, and writes the whole chunk.
        for await (const chunk of content) await handle.writeFile(chunk);
      }
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, error);
  }
}

export interface Flusher {
  /** Starts flushing a temp file written with { sync: false } (for `file`) to disk. */
  add(tmp: string, file: string): void;
  /** Resolves once every added file is on disk; rejects with a WriteError naming the first that failed. */
  done(): Promise<void>;
}

/**
 * Flushes temp files written with { sync: false } to disk, several at a time, each as soon as it is
 * added: the disk writes one file while the caller computes the next, rather than all at the end.
 */
export function flusher(): Flusher {
  const limit = pLimit(16);
  const pending: Promise<void>[] = [];
  return {
    add(tmp, file) {
      const flushed = limit(async () => {
        try {
          const handle = await open(tmp, "r+");
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
        } catch (error) {
          throw writeError(file, error);
        }
      });
      // Handled in done(); meanwhile a failure must not be an unhandled rejection.
      flushed.catch(() => {});
      pending.push(flushed);
    },
    async done() {
      await Promise.all(pending);
    },
  };
}

/** The second half of writeAtomic: renames a prepared temp file onto `file`. */
export async function commitAtomic(tmp: string, file: string): Promise<void> {
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, error);
  }
}

/**
 * Writes via a temp file in the same folder and a rename, so a reader never sees half a file. The
 * content may be streamed as chunks; if producing them fails, the temp file is removed, the target is
 * left as it was and the producer's error is rethrown as is.
 */
export async function writeAtomic(file: string, content: string | Uint8Array | AsyncIterable<string | Uint8Array>, options: AtomicOptions = {}): Promise<void> {
  await commitAtomic(await prepareAtomic(file, content, options), file);
}

/**
 * writeAtomic for small files written by the thousand (the report's charts): synchronous calls, which
 * cost a tenth of the promise-based ones here, and no flush to disk (see AtomicOptions.sync).
 */
export function writeAtomicSync(file: string, content: string): void {
  const tmp = tempPath(file);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The write's own error is the one to report.
    }
    throw writeError(file, error);
  }
}

export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await writeAtomic(file, serializeSnapshot(snapshot));
}

/**
 * Validates any parsed JSON as a snapshot of this tool's format, naming the first bad fields. Older
 * formats are migrated to the current one first (see migrate.ts); newer ones are refused. Data the
 * fast check knows to be valid and in schema order is returned as it is (not copied); anything else
 * is left to the zod schema, for its verdict and its messages.
 */
export function parseSnapshot(file: string, data: unknown): Snapshot {
  return checkSnapshot(file, data).snapshot;
}

/** parseSnapshot, and whether the parsed JSON was the snapshot as it is (asIs: no migration, nothing for zod to change). */
export function checkSnapshot(file: string, data: unknown): { snapshot: Snapshot; asIs: boolean } {
  const migrated = migrateSnapshot(file, data);
  if (isCanonicalSnapshot(migrated)) return { snapshot: migrated, asIs: migrated === data };
  const result = Snapshot.safeParse(migrated);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((i) => `${formatPath(i.path) || "(root)"}: ${i.message}`);
    const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : "";
    throw new SnapshotError(file, `not a valid snapshot: ${first.join("; ")}${more}`);
  }
  return { snapshot: result.data, asIs: false };
}

/** A snapshot file's bytes, or the SnapshotError saying why they cannot be read. */
export async function readSnapshotBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(file, code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(error)})`);
  }
}

/** A snapshot file's text. */
export function textOf(bytes: Buffer): string {
  // The same text either way; pure ASCII (what JSON.stringify writes, but for non-ASCII names) decodes faster.
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** The JSON in a file's bytes, unchecked. */
export function parseJsonBytes(file: string, bytes: Buffer): unknown {
  const text = textOf(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(file, `invalid JSON (truncated or damaged?): ${(error as Error).message}`);
  }
}

/** The snapshot in a file's bytes: parsed, migrated and validated (see parseSnapshot). */
export function decodeSnapshot(file: string, bytes: Buffer): Snapshot {
  return parseSnapshot(file, parseJsonBytes(file, bytes));
}

export async function readSnapshot(file: string): Promise<Snapshot> {
  return decodeSnapshot(file, await readSnapshotBytes(file));
}

/** The dated snapshot files of a cohort, oldest first. */
export async function listSnapshots(dir: string, cohort: string): Promise<string[]> {
  const folder = path.join(dir, cohort);
  const entries = await readdir(folder).catch(() => [] as string[]);
  return entries.filter((f) => DATED.test(f)).sort().map((f) => path.join(folder, f));
}

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { dateOf } from "../asof.js";
import { ShowdownError, SnapshotError, WriteError } from "../errors.js";
import { formatPath } from "../config/issues.js";
import { Snapshot } from "./schema.js";
import { plain } from "../format/plain.js";
import { migrateSnapshot } from "./migrate.js";

const DATED = /^\d{4}-\d{2}-\d{2}\.json$/;

/** snapshots/<cohort>/YYYY-MM-DD.json, by the UTC date of asOf. */
export function snapshotPath(dir: string, cohort: string, asOf: string): string {
  return path.join(dir, cohort, `${dateOf(asOf)}.json`);
}

/**
 * The one serialization of a snapshot: validated (which also puts keys in schema order), 2-space JSON
 * with a final newline, so that two snapshots diff cleanly and an unchanged one is byte-identical.
 */
export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(Snapshot.parse(snapshot), null, 2) + "\n";
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

/**
 * Writes via a flushed temp file in the same folder and a rename, so a reader never sees half a file.
 * The content may be streamed as chunks; if producing them fails, the temp file is removed, the target
 * is left as it was and the producer's error is rethrown as is.
 */
export async function writeAtomic(file: string, content: string | Uint8Array | AsyncIterable<string | Uint8Array>): Promise<void> {
  const tmp = tempPath(file);
  // Text written goes through plain() (no secret, no control character); bytes are written as they are.
  const clean = (c: string | Uint8Array) => (typeof c === "string" ? plain(c) : c);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(tmp, "w");
    try {
      if (typeof content === "string" || content instanceof Uint8Array) {
        await handle.writeFile(clean(content));
      } else {
        // writeFile on a handle writes on from the current position, and writes the whole chunk.
        for await (const chunk of content) await handle.writeFile(clean(chunk));
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(file, error);
  }
}

/**
 * writeAtomic for small files regenerated at will and written by the thousand (the report's charts):
 * synchronous calls and no flush, which would cost more than drawing them. Readers still never see half
 * a file; only a crash of the whole machine could leave one empty.
 */
export function writeAtomicSync(file: string, content: string): void {
  const tmp = tempPath(file);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, plain(content));
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
 * formats are migrated to the current one first (see migrate.ts); newer ones are refused.
 */
export function parseSnapshot(file: string, data: unknown): Snapshot {
  const result = Snapshot.safeParse(migrateSnapshot(file, data));
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map((i) => `${formatPath(i.path) || "(root)"}: ${i.message}`);
    const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : "";
    throw new SnapshotError(file, `not a valid snapshot: ${first.join("; ")}${more}`);
  }
  return result.data;
}

/**
 * The JSON in a snapshot file, unchecked, or the SnapshotError saying why it cannot be read. A blocking
 * read: the views read files one after another, and an asynchronous one left the thread idle meanwhile.
 */
export function readSnapshotJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(file, code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a folder, not a file" : `cannot read (${code ?? String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(file, `invalid JSON (truncated or damaged?): ${(error as Error).message}`);
  }
}

/**
 * A snapshot file parsed, migrated and validated. `cohort`: it was found in that cohort's folder, so
 * it must be that cohort's; a file named for a date must hold that date's snapshot.
 */
export async function readSnapshot(file: string, cohort?: string): Promise<Snapshot> {
  const snapshot = parseSnapshot(file, readSnapshotJson(file));
  checkPlacement(file, snapshot, cohort);
  return snapshot;
}

/** Refuses a snapshot filed under another cohort's folder or another date's name: it would be read as if it belonged. */
export function checkPlacement(file: string, snapshot: Snapshot, cohort?: string): void {
  if (cohort !== undefined && snapshot.cohort !== cohort) {
    throw new SnapshotError(file, `cohort is ${JSON.stringify(snapshot.cohort)}, but the file is in ${cohort}'s folder; move it to ${path.join(path.dirname(path.dirname(file)), snapshot.cohort)}/`);
  }
  const name = path.basename(file);
  const date = dateOf(snapshot.asOf);
  if (DATED.test(name) && name !== `${date}.json`) {
    throw new SnapshotError(file, `asOf is ${snapshot.asOf}, but the file is named for ${name.slice(0, 10)}; rename it ${date}.json`);
  }
}

/** The dated snapshot files of a cohort, oldest first. */
export async function listSnapshots(dir: string, cohort: string): Promise<string[]> {
  const folder = path.join(dir, cohort);
  const entries = await readdir(folder).catch(() => [] as string[]);
  return entries.filter((f) => DATED.test(f)).sort().map((f) => path.join(folder, f));
}

import { mkdir, open, readFile, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { ShowdownError, SnapshotError, WriteError } from "../errors.js";
import { formatPath } from "../config/issues.js";
import { Snapshot } from "./schema.js";
import { migrateSnapshot } from "./migrate.js";

const DATED = /^\d{4}-\d{2}-\d{2}\.json$/;

/** snapshots/<cohort>/YYYY-MM-DD.json, by the UTC date of asOf. */
export function snapshotPath(dir: string, cohort: string, asOf: string): string {
  return path.join(dir, cohort, `${new Date(asOf).toISOString().slice(0, 10)}.json`);
}

/**
 * The one serialization of a snapshot: validated (which also puts keys in schema order), 2-space JSON
 * with a final newline, so that two snapshots diff cleanly and an unchanged one is byte-identical.
 */
export function serializeSnapshot(snapshot: Snapshot): string {
  return JSON.stringify(Snapshot.parse(snapshot), null, 2) + "\n";
}

/**
 * Writes via a temp file in the same folder and a rename, so a reader never sees half a file. The
 * content may be streamed as chunks; if producing them fails, the temp file is removed, the target is
 * left as it was and the producer's error is rethrown as is.
 */
export async function writeAtomic(file: string, content: string | Uint8Array | AsyncIterable<string | Uint8Array>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
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
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    if (error instanceof ShowdownError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "disk full" : (error as Error).message;
    throw new WriteError(`${file}: cannot write (${why}); nothing was changed`, { cause: error });
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

export async function readSnapshot(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(file, code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(file, `invalid JSON (truncated or damaged?): ${(error as Error).message}`);
  }
  return parseSnapshot(file, data);
}

/** The dated snapshot files of a cohort, oldest first. */
export async function listSnapshots(dir: string, cohort: string): Promise<string[]> {
  const folder = path.join(dir, cohort);
  const entries = await readdir(folder).catch(() => [] as string[]);
  return entries.filter((f) => DATED.test(f)).sort().map((f) => path.join(folder, f));
}

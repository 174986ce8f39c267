/**
 * `oss-showdown migrate`: rewrites a cohort's snapshot files of an older schema as the current one, once,
 * each atomically. A file already current is left alone; a damaged one is left as it is and named.
 */
import { SnapshotError } from "../errors.js";
import { SCHEMA_VERSION } from "./schema.js";
import { checkPlacement, parseSnapshot, readSnapshotJson, serializeSnapshot, writeAtomic } from "./store.js";

export type FileMigration =
  | { file: string; status: "current" }
  | { file: string; status: "migrated"; from: number; dropped: string[] }
  | { file: string; status: "damaged"; problem: string };

/** What each schema 1 snapshot loses: its derived parts, named for the message. */
function droppedParts(data: Record<string, unknown>): string[] {
  const dropped: string[] = [];
  const rubric = data.rubric as { name?: unknown; version?: unknown } | undefined;
  if (rubric !== undefined) dropped.push(typeof rubric?.name === "string" ? `rubric "${rubric.name}" v${String(rubric.version)}` : "rubric");
  const projects = Array.isArray(data.projects) ? (data.projects as Record<string, unknown>[]) : [];
  const count = (key: string) => projects.filter((p) => typeof p === "object" && p !== null && key in p).length;
  if (count("ratings") > 0) dropped.push(`ratings of ${count("ratings")} projects`);
  if (count("scores") > 0) dropped.push(`scores of ${count("scores")} projects`);
  return dropped;
}

/** Migrates one file (unless dryRun): its outcome. */
export async function migrateFile(file: string, cohort: string, dryRun: boolean): Promise<FileMigration> {
  try {
    const data = readSnapshotJson(file);
    const from = (data as { schemaVersion?: unknown }).schemaVersion;
    const snapshot = parseSnapshot(file, data);
    checkPlacement(file, snapshot, cohort);
    if (from === SCHEMA_VERSION) return { file, status: "current" };
    const dropped = from === 1 ? droppedParts(data as Record<string, unknown>) : [];
    if (!dryRun) await writeAtomic(file, serializeSnapshot(snapshot));
    return { file, status: "migrated", from: from as number, dropped };
  } catch (error) {
    if (error instanceof SnapshotError) return { file, status: "damaged", problem: error.problem };
    throw error;
  }
}

import { SnapshotError } from "../errors.js";
import type { Snapshot } from "./schema.js";
import { checkPlacement, parseSnapshot, readSnapshotJson } from "./store.js";

export interface LoadedSnapshot {
  file: string;
  snapshot: Snapshot;
}

export interface ReadOptions {
  /** Skip damaged files (calling onSkip for each) instead of failing on the first. */
  skipInvalid: boolean;
  onSkip(error: SnapshotError): void;
}

/**
 * Reads a cohort's snapshot files one at a time, in the order given, so that a long history never has
 * to sit in memory at once. A file that cannot be read, parsed or validated, or that is not the
 * cohort's, stops the iteration with its SnapshotError, unless skipInvalid, when it is reported
 * through onSkip and passed over: never silently.
 */
export async function* eachSnapshot(files: readonly string[], cohort: string, options: ReadOptions): AsyncGenerator<LoadedSnapshot> {
  for (const file of files) {
    let snapshot: Snapshot;
    try {
      snapshot = parseSnapshot(file, readSnapshotJson(file));
      checkPlacement(file, snapshot, cohort);
    } catch (error) {
      if (options.skipInvalid && error instanceof SnapshotError) {
        options.onSkip(error);
        continue;
      }
      throw error;
    }
    yield { file, snapshot };
  }
}

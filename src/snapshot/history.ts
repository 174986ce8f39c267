import { SnapshotError } from "../errors.js";
import type { Snapshot } from "./schema.js";
import { checkPlacement, parseSnapshot, readSnapshotJson } from "./store.js";

const ok = (data: unknown) => ({ data });
const failed = (error: unknown) => ({ error });

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
  // The next file is read while the caller works on this one, so the disk and the CPU overlap.
  let next = files.length > 0 ? readSnapshotJson(files[0]!).then(ok, failed) : undefined;
  for (let k = 0; k < files.length; k++) {
    const file = files[k]!;
    const read = await next!;
    next = k + 1 < files.length ? readSnapshotJson(files[k + 1]!).then(ok, failed) : undefined;
    let snapshot: Snapshot;
    try {
      if ("error" in read) throw read.error;
      snapshot = parseSnapshot(file, read.data);
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

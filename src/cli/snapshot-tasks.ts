import { SnapshotError } from "../errors.js";
import { digestDir } from "../snapshot/digest-store.js";
import { mapSnapshots, readThreads, type SnapshotTask } from "../snapshot/parallel.js";
import type { Io, ParsedArgs } from "./command.js";
import { readOptions, shown } from "./snapshot-args.js";

/**
 * A task's result for each readable snapshot file, in order, read on worker threads when there are
 * many (see snapshot/parallel.ts): streamMany's behaviour (--skip-invalid, files shown relative to the
 * working folder) for commands that need only a reduction of each snapshot.
 */
export async function* streamTask<R>(files: readonly string[], task: SnapshotTask, args: ParsedArgs, io: Io): AsyncGenerator<{ file: string; result: R }> {
  try {
    yield* mapSnapshots<R>(files, task, { ...readOptions(args, io), threads: readThreads(io.env, files.length), digests: digestDir(io.env, io.cwd) });
  } catch (error) {
    throw error instanceof SnapshotError ? new SnapshotError(shown(io, error.file), error.problem, { cause: error }) : error;
  }
}

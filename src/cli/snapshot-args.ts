import { access } from "node:fs/promises";
import path from "node:path";
import { ShowdownError, SnapshotError } from "../errors.js";
import { digestDir } from "../snapshot/digest-store.js";
import { eachSnapshot, type LoadedSnapshot, type ReadOptions } from "../snapshot/history.js";
import { mapSnapshots, readThreads, type SnapshotTask } from "../snapshot/parallel.js";
import { listSnapshots, readSnapshot } from "../snapshot/store.js";
import type { Snapshot } from "../snapshot/schema.js";
import { flag, str, type Io, type Options, type ParsedArgs } from "./command.js";

/** Options of the commands that read a cohort's snapshot history (no config needed: snapshots carry their rubric). */
export const HISTORY_OPTIONS = {
  snapshots: { type: "string", default: "snapshots" },
  cohort: { type: "string", default: "deep-learning-2018" },
  "skip-invalid": { type: "boolean", default: false },
} as const satisfies Options;

export const HISTORY_HELP = `  --cohort NAME      cohort whose snapshots to read (default deep-learning-2018)
  --snapshots DIR    snapshots folder (default ./snapshots)
  --skip-invalid     skip damaged snapshot files, naming each on stderr (default: fail on the first)
  -h, --help         show this help`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The path to show for a file: relative to the working folder when inside it. */
export function shown(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** snapshots/<cohort>, absolute. */
export function cohortFolder(args: ParsedArgs, io: Io): string {
  return path.resolve(io.cwd, str(args, "snapshots")!, str(args, "cohort")!);
}

/** The cohort's dated snapshot files, oldest first. */
export async function historyFiles(args: ParsedArgs, io: Io): Promise<string[]> {
  return listSnapshots(path.resolve(io.cwd, str(args, "snapshots")!), str(args, "cohort")!);
}

/** A SNAPSHOT argument: a date YYYY-MM-DD (that day's snapshot of the cohort) or a path. */
export async function resolveSnapshotArg(arg: string, args: ParsedArgs, io: Io): Promise<string> {
  if (!DATE.test(arg)) return path.resolve(io.cwd, arg);
  const folder = cohortFolder(args, io);
  const file = path.join(folder, `${arg}.json`);
  try {
    await access(file);
  } catch {
    const dates = (await historyFiles(args, io)).map((f) => path.basename(f, ".json"));
    const known = dates.length === 0 ? "there are none" : `dates: ${dates.join(", ")}`;
    throw new ShowdownError(`no snapshot dated ${arg} in ${shown(io, folder)} (${known})`);
  }
  return file;
}

/** Re-throws a snapshot error with the file shown relative to the working folder. */
function relative(io: Io, error: unknown): unknown {
  return error instanceof SnapshotError ? new SnapshotError(shown(io, error.file), error.problem, { cause: error }) : error;
}

export function readOptions(args: ParsedArgs, io: Io): ReadOptions & { skipped: string[] } {
  const skipped: string[] = [];
  return {
    skipInvalid: flag(args, "skip-invalid"),
    skipped,
    onSkip(error) {
      skipped.push(error.file);
      io.stderr(`showdown: skipped ${shown(io, error.file)}: ${error.problem}\n`);
    },
  };
}

export async function readOne(file: string, io: Io): Promise<Snapshot> {
  try {
    return await readSnapshot(file);
  } catch (error) {
    throw relative(io, error);
  }
}

export async function* streamMany(files: readonly string[], options: ReadOptions, io: Io): AsyncGenerator<LoadedSnapshot> {
  try {
    yield* eachSnapshot(files, options);
  } catch (error) {
    throw relative(io, error);
  }
}

/**
 * A task's result for each readable snapshot file, in order, read on worker threads when there are
 * many (see snapshot/parallel.ts): streamMany's behaviour (--skip-invalid, files shown relative to the
 * working folder) for commands that need only a reduction of each snapshot.
 */
export async function* streamTask<R>(files: readonly string[], task: SnapshotTask, args: ParsedArgs, io: Io): AsyncGenerator<{ file: string; result: R }> {
  try {
    yield* mapSnapshots<R>(files, task, { ...readOptions(args, io), threads: readThreads(io.env, files.length), digests: digestDir(io.env, io.cwd) });
  } catch (error) {
    throw relative(io, error);
  }
}

/** The snapshot a command looks at: SNAPSHOT if given, else the cohort's newest (the newest readable one with --skip-invalid). */
export async function pickSnapshot(arg: string | undefined, args: ParsedArgs, io: Io): Promise<LoadedSnapshot> {
  if (arg !== undefined) {
    const file = await resolveSnapshotArg(arg, args, io);
    return { file, snapshot: await readOne(file, io) };
  }
  const files = await historyFiles(args, io);
  const options = readOptions(args, io);
  for await (const loaded of streamMany([...files].reverse(), options, io)) return loaded;
  const folder = shown(io, cohortFolder(args, io));
  throw new ShowdownError(
    files.length === 0
      ? `no snapshots in ${folder} (run 'showdown collect' first, or pass --snapshots/--cohort)`
      : `no readable snapshot in ${folder} (all ${files.length} skipped)`,
  );
}

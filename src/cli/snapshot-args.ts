import { access, realpath } from "node:fs/promises";
import path from "node:path";
import { loadCohort } from "../config/load.js";
import { ShowdownError, SnapshotError, UsageError } from "../errors.js";
import { Scorer, scoredSnapshot, type ScoredColumns } from "../score/snapshot.js";
import { resultsInOrder, type FileTask } from "../score/parallel.js";
import type { ScoredSnapshot } from "../score/types.js";
import { eachSnapshot, type ReadOptions } from "../snapshot/history.js";
import { listSnapshots, readSnapshot } from "../snapshot/store.js";
import { COMMON_OPTIONS, flag, str, type Io, type Options, type ParsedArgs } from "./command.js";

/** Options of the commands that read a cohort's snapshots and score them under the config. */
export const VIEW_OPTIONS = {
  ...COMMON_OPTIONS,
  "skip-invalid": { type: "boolean", default: false },
} as const satisfies Options;

export const VIEW_HELP = `  --cohort NAME      cohort to read (default deep-learning-2018; see config/)
  --config DIR       config folder whose rubric and ratings score the snapshots (default ./config)
  --snapshots DIR    snapshots folder (default ./snapshots)
  --skip-invalid     skip damaged snapshot files, naming each on stderr (default: fail on the first)
  -h, --help         show this help`;

/** A snapshot file and its scores under the config as it is now. */
export interface ScoredFile {
  file: string;
  scored: ScoredSnapshot;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The path to show for a file: relative to the working folder when inside it. */
export function shown(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** The nearest existing folder of `file`, links resolved: where a write to it would land. */
async function landing(file: string): Promise<string> {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const real = await realpath(dir).catch(() => undefined);
    if (real) return path.join(real, path.relative(dir, file));
    if (path.dirname(dir) === dir) return file;
  }
}

/** Refuses an output file inside the snapshots folder (or a link into it): it could replace the history it was read from. */
export async function assertOutsideSnapshots(args: ParsedArgs, io: Io, file: string, flagName: string): Promise<void> {
  const snapshots = path.resolve(io.cwd, str(args, "snapshots")!);
  const root = await realpath(snapshots).catch(() => snapshots);
  const rel = path.relative(root, await landing(file));
  if (rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel))) {
    throw new UsageError(`${flagName} ${shown(io, file)}: is inside the snapshots folder ${shown(io, snapshots)}; write it elsewhere`);
  }
}

/** snapshots/<cohort>, absolute. */
export function cohortFolder(args: ParsedArgs, io: Io): string {
  return path.resolve(io.cwd, str(args, "snapshots")!, str(args, "cohort")!);
}

/** The cohort's dated snapshot files, oldest first. */
export async function historyFiles(args: ParsedArgs, io: Io): Promise<string[]> {
  return listSnapshots(path.resolve(io.cwd, str(args, "snapshots")!), str(args, "cohort")!);
}

/** The scorer of the cohort's config as it is now (--config, --cohort). */
export async function scorerOf(args: ParsedArgs, io: Io): Promise<Scorer> {
  const { cohort, rubric } = await loadCohort(path.resolve(io.cwd, str(args, "config")!), str(args, "cohort")!);
  return new Scorer({ rubric, projects: cohort.projects });
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

export function readOptions(args: ParsedArgs, io: Io): ReadOptions {
  return {
    skipInvalid: flag(args, "skip-invalid"),
    onSkip(error) {
      io.stderr(`oss-showdown: skipped ${shown(io, error.file)}: ${error.problem}\n`);
    },
  };
}

/** One snapshot file, scored. A file given by path may be any cohort's but must be a snapshot of the configured one. */
export async function readScored(file: string, scorer: Scorer, args: ParsedArgs, io: Io): Promise<ScoredFile> {
  try {
    const cohort = str(args, "cohort")!;
    // A file of the cohort's folder must be the cohort's (readSnapshot says to move it); one given by
    // path elsewhere may be any cohort's, and the fix is then --cohort.
    if (path.dirname(file) === cohortFolder(args, io)) return { file, scored: scorer.score(await readSnapshot(file, cohort)) };
    const snapshot = await readSnapshot(file);
    if (snapshot.cohort !== cohort) throw new SnapshotError(file, `is a snapshot of cohort ${snapshot.cohort}, not ${cohort}: pass --cohort ${snapshot.cohort} to score it with that cohort's config`);
    return { file, scored: scorer.score(snapshot) };
  } catch (error) {
    throw relative(io, error);
  }
}

/** The files' snapshots, read one at a time and scored as columns, in the order given (see eachSnapshot). */
export async function* streamColumns(files: readonly string[], scorer: Scorer, args: ParsedArgs, io: Io, options: ReadOptions = readOptions(args, io)): AsyncGenerator<{ file: string; columns: ScoredColumns }> {
  try {
    for await (const { file, snapshot } of eachSnapshot(files, str(args, "cohort")!, options)) yield { file, columns: scorer.columns(snapshot) };
  } catch (error) {
    throw relative(io, error);
  }
}

/** Each file's result of a view's per-file task (see resultsInOrder: on two threads for a long history), in the order given. */
export async function* streamResults<R>(files: readonly string[], scorer: Scorer, task: FileTask<R>, args: ParsedArgs, io: Io): AsyncGenerator<{ file: string; result: R }> {
  try {
    yield* resultsInOrder<R>(files, str(args, "cohort")!, scorer.config, task, readOptions(args, io));
  } catch (error) {
    throw relative(io, error);
  }
}

/** streamColumns, each snapshot scored as objects. */
export async function* streamScored(files: readonly string[], scorer: Scorer, args: ParsedArgs, io: Io): AsyncGenerator<ScoredFile> {
  for await (const { file, columns } of streamColumns(files, scorer, args, io)) yield { file, scored: scoredSnapshot(columns, scorer.config.rubric) };
}

/** The snapshot a command looks at, scored: SNAPSHOT if given, else the cohort's newest (the newest readable one with --skip-invalid). */
export async function pickScored(arg: string | undefined, scorer: Scorer, args: ParsedArgs, io: Io): Promise<ScoredFile> {
  if (arg !== undefined) return readScored(await resolveSnapshotArg(arg, args, io), scorer, args, io);
  const files = await historyFiles(args, io);
  for await (const loaded of streamScored([...files].reverse(), scorer, args, io)) return loaded;
  throw noSnapshots(files.length, args, io);
}

/** The error of a cohort with no (readable) snapshot. */
export function noSnapshots(files: number, args: ParsedArgs, io: Io): ShowdownError {
  const folder = shown(io, cohortFolder(args, io));
  return new ShowdownError(
    files === 0 ? `no snapshots in ${folder} (run 'oss-showdown collect' first, or pass --snapshots/--cohort)` : `no readable snapshot in ${folder} (all ${files} skipped)`,
  );
}

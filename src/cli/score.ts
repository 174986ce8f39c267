import { rm } from "node:fs/promises";
import path from "node:path";
import type { ProjectConfig } from "../config/cohort.js";
import type { Rubric } from "../config/rubric.js";
import { loadCohort } from "../config/load.js";
import { rescore } from "../snapshot/build.js";
import { isCanonicalSnapshot, sameJson } from "../snapshot/check.js";
import { mapSnapshots, readThreads, type SnapshotTask } from "../snapshot/parallel.js";
import type { Snapshot } from "../snapshot/schema.js";
import { commitAtomic, listSnapshots, prepareAtomic, serializeSnapshot, tempPath } from "../snapshot/store.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";

interface RescoreArg {
  rubric: Rubric;
  projects: readonly ProjectConfig[];
  /** Only say whether it changed; write nothing. */
  check: boolean;
}

interface Rescored {
  changed: boolean;
  /** The new content, written beside the file (see prepareAtomic), for commitAtomic to put in place. */
  tmp?: string;
}

/**
 * One snapshot file re-scored (run on a reader thread, see snapshot/parallel.ts): unchanged when the
 * re-scored snapshot serializes to the same text, else its new content is written to a temp file
 * beside it (unless checking). Comparing the data first spares serializing the unchanged ones.
 */
export async function rescoreFile(snapshot: Snapshot, file: string, arg: RescoreArg): Promise<Rescored> {
  const rescored = rescore(snapshot, arg.rubric, arg.projects);
  // The read snapshot is valid and in schema order (what serializeSnapshot writes as it is), and so is
  // the re-scored one, built from it and the validated config: then equal data is equal text, and
  // different data different text. Should the re-scored one not be, the serializations decide.
  if (sameJson(snapshot, rescored)) return { changed: false };
  let text: string | undefined;
  if (!isCanonicalSnapshot(rescored)) {
    text = serializeSnapshot(rescored);
    if (text === serializeSnapshot(snapshot)) return { changed: false };
  }
  if (arg.check) return { changed: true };
  // serializeSnapshot's output for a snapshot in schema order, without checking it a second time.
  text ??= JSON.stringify(rescored, null, 2) + "\n";
  return { changed: true, tmp: await prepareAtomic(file, text) };
}

export const score: Command = {
  name: "score",
  summary: "recompute the scores of saved snapshots from their raw figures and the current config (offline)",
  help: `Usage: showdown score [options]

Re-scores every snapshot of the cohort with the current rubric and hand ratings from config/, keeping
each snapshot's raw figures, dates and errors. Files whose scores do not change are not rewritten.
Prints the path of each rewritten snapshot.

Options:
  --check            change nothing; exit 1 if any snapshot's scores are out of date
${COMMON_HELP}
`,
  options: { ...COMMON_OPTIONS, check: { type: "boolean", default: false } },
  maxPositionals: 0,
  async run(args, io) {
    const cohortName = str(args, "cohort")!;
    const { cohort, rubric } = await loadCohort(path.resolve(io.cwd, str(args, "config")!), cohortName);
    const files = await listSnapshots(path.resolve(io.cwd, str(args, "snapshots")!), cohort.cohort);
    const check = flag(args, "check");
    let stale = 0;
    // Validate and rescore everything before changing anything: a bad file stops the run with every
    // file untouched. The new contents wait in temp files beside their snapshots meanwhile, so that
    // memory does not grow with the history; they are renamed into place once all are ready.
    const task: SnapshotTask = { module: import.meta.url, name: "rescoreFile", arg: { rubric, projects: cohort.projects, check } satisfies RescoreArg };
    const plan: ({ file: string } & Rescored)[] = [];
    const discard = () => Promise.all(files.map((f) => rm(tempPath(f), { force: true }).catch(() => {})));
    try {
      const options = { skipInvalid: false, onSkip() {}, threads: readThreads(io.env, files.length) };
      for await (const { file, result } of mapSnapshots<Rescored>(files, task, options)) plan.push({ file, ...result });
      for (const { file, changed, tmp } of plan) {
        const shown = path.relative(io.cwd, file);
        if (!changed) continue;
        stale++;
        if (check) {
          io.stderr(`${shown}: scores are out of date with config/; run 'npx showdown score'\n`);
        } else {
          await commitAtomic(tmp!, file);
          io.stdout(`${shown}\n`);
        }
      }
    } finally {
      // Temp files not renamed into place: a failed run (or a file that failed to rename) leaves none.
      if (!check) await discard();
    }
    io.stderr(`${cohort.cohort}: ${files.length} snapshot(s), ${stale} ${check ? "out of date" : "rescored"}, ${files.length - stale} unchanged\n`);
    return check && stale > 0 ? EXIT.error : EXIT.ok;
  },
};

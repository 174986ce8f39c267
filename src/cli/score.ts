import path from "node:path";
import { loadCohort } from "../config/load.js";
import { rescore } from "../snapshot/build.js";
import { listSnapshots, readSnapshot, serializeSnapshot, writeAtomic } from "../snapshot/store.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";

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
    // Validate and rescore everything before writing anything: a bad file stops the run untouched.
    const plan: { file: string; text: string; changed: boolean }[] = [];
    for (const file of files) {
      const snapshot = await readSnapshot(file);
      const before = serializeSnapshot(snapshot);
      const text = serializeSnapshot(rescore(snapshot, rubric, cohort.projects));
      plan.push({ file, text, changed: text !== before });
    }
    for (const { file, text, changed } of plan) {
      const shown = path.relative(io.cwd, file);
      if (!changed) continue;
      stale++;
      if (check) {
        io.stderr(`${shown}: scores are out of date with config/; run 'npx showdown score'\n`);
      } else {
        await writeAtomic(file, text);
        io.stdout(`${shown}\n`);
      }
    }
    io.stderr(`${cohort.cohort}: ${files.length} snapshot(s), ${stale} ${check ? "out of date" : "rescored"}, ${files.length - stale} unchanged\n`);
    return check && stale > 0 ? EXIT.error : EXIT.ok;
  },
};

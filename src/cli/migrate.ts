import path from "node:path";
import { migrateFile } from "../snapshot/migrate-files.js";
import { SCHEMA_VERSION } from "../snapshot/schema.js";
import { listSnapshots } from "../snapshot/store.js";
import { EXIT, flag, str, type Command } from "./command.js";
import { shown } from "./snapshot-args.js";

export const migrate: Command = {
  name: "migrate",
  summary: `rewrite a cohort's snapshots of an older format as schema ${SCHEMA_VERSION} (once; the only command that rewrites snapshots)`,
  help: `Usage: oss-showdown migrate [--dry-run] [options]

Rewrites each snapshot of the cohort that an older oss-showdown wrote in the current format (schema
${SCHEMA_VERSION}), each file atomically, and prints what each lost. Schema 1 files held the rubric, the hand
ratings and the scores as they were when collected; schema ${SCHEMA_VERSION} holds only what collect observed, and
every view scores it when read. Every command reads schema 1 as it is, so migrating is optional: it
makes the files smaller and their diffs show only facts. Files already current are left alone
(running it twice changes nothing); a damaged file is left as it is and named (exit 2).

Options:
  --dry-run          say what would change; write nothing
  --cohort NAME      cohort whose snapshots to migrate (default deep-learning-2018)
  --snapshots DIR    snapshots folder (default ./snapshots)
  -h, --help         show this help
`,
  options: {
    snapshots: { type: "string", default: "snapshots" },
    cohort: { type: "string", default: "deep-learning-2018" },
    "dry-run": { type: "boolean", default: false },
  },
  maxPositionals: 0,
  async run(args, io) {
    const cohort = str(args, "cohort")!;
    const dryRun = flag(args, "dry-run");
    const files = await listSnapshots(path.resolve(io.cwd, str(args, "snapshots")!), cohort);
    let migrated = 0;
    let damaged = 0;
    for (const file of files) {
      if (io.signal.aborted) return EXIT.interrupted;
      const outcome = await migrateFile(file, cohort, dryRun);
      if (outcome.status === "migrated") {
        migrated++;
        const dropped = outcome.dropped.length > 0 ? `; dropped ${outcome.dropped.join(", ")}` : "";
        io.stdout(`${shown(io, file)}: schema ${outcome.from} -> ${SCHEMA_VERSION}${dropped}${dryRun ? " (dry run: not written)" : ""}\n`);
      } else if (outcome.status === "damaged") {
        damaged++;
        // Paths in the problem (a misplaced file's fix) as the user would type them, like every error's.
        const problem = outcome.problem.split(io.cwd.endsWith(path.sep) ? io.cwd : io.cwd + path.sep).join("");
        io.stderr(`oss-showdown: ${shown(io, file)}: ${problem}; left as it is\n`);
      }
    }
    const current = files.length - migrated - damaged;
    io.stderr(`${cohort}: ${files.length} snapshot(s): ${migrated} ${dryRun ? "to migrate" : "migrated"}, ${current} already schema ${SCHEMA_VERSION}${damaged ? `, ${damaged} unreadable (left as they are)` : ""}\n`);
    return damaged > 0 ? EXIT.partial : EXIT.ok;
  },
};

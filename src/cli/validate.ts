import path from "node:path";
import { listCohorts, loadCohort } from "../config/load.js";
import { reviewCohort } from "../config/validate.js";
import { ConfigError, formatProblem } from "../errors.js";
import { EXIT, str, type Command } from "./command.js";

export const validate: Command = {
  name: "validate",
  summary: "check every cohort and rubric in config/: schema, duplicates, and a source for every rating",
  help: `Usage: showdown validate [options]

Checks every cohort file in the config folder and the rubric it uses: the schema (ranges, owner/name,
Stack Overflow tags, unknown fields), duplicate ids and repositories, ops checklists against the
rubric's sample, and that every hand rating cites a source. Prints one line per problem; exits 1 if
there is any. Ratings a project lacks are listed as notes (its category averages without them).

Options:
  --cohort NAME      check only this cohort
  --config DIR       config folder (default ./config)
  -h, --help         show this help
`,
  options: { config: { type: "string", default: "config" }, cohort: { type: "string" } },
  maxPositionals: 0,
  async run(args, io) {
    const dir = path.resolve(io.cwd, str(args, "config")!);
    const names = str(args, "cohort") ? [str(args, "cohort")!] : await listCohorts(dir);
    if (names.length === 0) throw new ConfigError([{ file: dir, path: "", message: "no cohort files found (expected NAME.yaml beside rubric.yaml)" }]);
    const shown = (text: string) => text.split(io.cwd + path.sep).join("");
    let failed = 0;
    for (const name of names) {
      try {
        const loaded = await loadCohort(dir, name);
        const review = reviewCohort(loaded);
        for (const p of review.problems) io.stderr(`showdown: ${shown(formatProblem(p))}\n`);
        for (const note of review.notes) io.stderr(`  note ${name}: ${note}\n`);
        if (review.problems.length > 0) failed++;
        io.stdout(`${name}: ${loaded.cohort.projects.length} projects, ${review.problems.length === 0 ? "ok" : `${review.problems.length} problem(s)`}\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const line of error.message.split("\n")) io.stderr(`showdown: ${shown(line)}\n`);
        io.stdout(`${name}: invalid\n`);
        failed++;
      }
    }
    return failed > 0 ? EXIT.error : EXIT.ok;
  },
};

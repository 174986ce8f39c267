import path from "node:path";
import { readdir } from "node:fs/promises";
import { findCohortFile, insideConfig, listCohorts, loadCohort, parseRubric, readDataFile, rubricFileOf } from "../config/load.js";
import { reviewCohort } from "../config/validate.js";
import { ConfigError, formatProblem } from "../errors.js";
import { EXIT, str, type Command } from "./command.js";

export const validate: Command = {
  name: "validate",
  summary: "check every cohort and rubric in config/: schema, duplicates, and a source for every rating",
  help: `Usage: oss-showdown validate [options]

Checks every cohort file in the config folder together with the rubric it uses, and every other
rubric file there: the rubric's criteria (each kind's fields, expressions that refer only to known
figures, dates used only as dates, normalizations with their parameters), the cohort's schema (owner/
name, Stack Overflow tags, unknown fields), duplicate ids and repositories, each rating against its
criterion (on its scale, checklist items in the rubric's list, dated lists oldest first), and that
every hand rating cites a source. Prints one line per problem (file: path: what is wrong and the
fix); exits 1 if there is any. Ratings a project lacks are listed as notes.

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
    const checked = new Set<string>();
    for (const name of names) {
      try {
        const file = await findCohortFile(dir, name);
        checked.add(path.resolve(rubricFileOf(file, await readDataFile(file).catch(() => null))));
        const loaded = await loadCohort(dir, name);
        const review = reviewCohort(loaded);
        for (const p of review.problems) io.stderr(`oss-showdown: ${shown(formatProblem(p))}\n`);
        for (const note of review.notes) io.stderr(`  note ${name}: ${note}\n`);
        if (review.problems.length > 0) failed++;
        io.stdout(`${name}: ${loaded.cohort.projects.length} project${loaded.cohort.projects.length === 1 ? "" : "s"}, ${review.problems.length === 0 ? "ok" : `${review.problems.length} problem(s)`}\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const line of error.message.split("\n")) io.stderr(`oss-showdown: ${shown(line)}\n`);
        io.stdout(`${name}: invalid\n`);
        failed++;
      }
    }
    // Rubrics no cohort uses yet (a second rubric kept beside the default) are checked on their own.
    if (str(args, "cohort") === undefined) {
      const rubrics = (await readdir(dir)).filter((f) => f.startsWith("rubric") && /\.(ya?ml|json)$/.test(f)).sort();
      for (const file of rubrics.map((f) => path.join(dir, f)).filter((f) => !checked.has(path.resolve(f)))) {
        try {
          // A link out of the config folder is refused, as for the files cohorts name.
          await insideConfig(dir, path.basename(file), { file, path: "" });
          parseRubric(await readDataFile(file), file);
          io.stdout(`${shown(file)}: rubric, used by no cohort, ok\n`);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          for (const line of error.message.split("\n")) io.stderr(`oss-showdown: ${shown(line)}\n`);
          io.stdout(`${shown(file)}: invalid\n`);
          failed++;
        }
      }
    }
    return failed > 0 ? EXIT.error : EXIT.ok;
  },
};

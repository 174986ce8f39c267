import { ShowdownError, UsageError } from "../errors.js";
import { explainProject } from "../explain/derive.js";
import { renderExplanation } from "../explain/render.js";
import { styleFor } from "../format/color.js";
import { EXIT, type Command } from "./command.js";
import { VIEW_HELP, VIEW_OPTIONS, pickScored, scorerOf, shown } from "./snapshot-args.js";

export const explain: Command = {
  name: "explain",
  summary: "show how every number of one project was derived: sources, formulas, normalization, rank, tier",
  help: `Usage: oss-showdown explain ID [SNAPSHOT] [options]

Shows how every number of project ID in a snapshot follows: each raw figure with the API request it
comes from, each criterion's formula with the project's values filled in, the scale or cohort maximum
it is divided by, the weighted means of the categories and overall, the rank and the tier.

SNAPSHOT is a snapshot file or a date (YYYY-MM-DD); default: the cohort's newest.
Numbers are shown with at most 4 decimals; the snapshot and 'oss-showdown export' keep full precision.

Options:
${VIEW_HELP}
`,
  options: { ...VIEW_OPTIONS },
  maxPositionals: 2,
  async run(args, io) {
    const [id, snapshotArg] = args.positionals;
    if (id === undefined) throw new UsageError("explain needs a project ID, e.g. oss-showdown explain pytorch");
    const { file, scored: snapshot } = await pickScored(snapshotArg, await scorerOf(args, io), args, io);
    if (!snapshot.projects.some((p) => p.id === id)) {
      throw new ShowdownError(`no project ${JSON.stringify(id)} scored in ${shown(io, file)}: only projects both in the snapshot and in the cohort config are (ids: ${snapshot.projects.map((p) => p.id).join(", ")})`);
    }
    io.stdout(renderExplanation(explainProject(snapshot, id), styleFor(io)));
    return EXIT.ok;
  },
};

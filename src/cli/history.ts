import { ShowdownError, UsageError } from "../errors.js";
import { CsvEncoder } from "../export/csv.js";
import { styleFor } from "../format/color.js";
import { renderSeriesTable, seriesCsvRows } from "../history/render.js";
import { buildSeries, seriesPoint, type SeriesPoint } from "../history/series.js";
import { categoryIds, criterionIds, metricNames, resolveMetric } from "../metrics/metric.js";
import { EXIT, outputWidth, str, type Command } from "./command.js";
import { VIEW_HELP, VIEW_OPTIONS, cohortFolder, historyFiles, noSnapshots, scorerOf, shown, streamColumns } from "./snapshot-args.js";

const FORMATS = ["table", "csv", "json"] as const;

export const history: Command = {
  name: "history",
  summary: "print a score or figure over every snapshot, with the change per period",
  help: `Usage: oss-showdown history [--project ID] [--metric NAME] [options]

One row per snapshot of the cohort (oldest first; days without a snapshot are simply absent, never
interpolated), with the metric's value and its change since the previous snapshot. Without --project,
one column per project that appears in any snapshot (ordered by the newest ranking); a project not in a
snapshot has an empty cell there, and no change in the snapshot after.

Metric names (default overall):
  overall, rank, tier          the project's standing (a negative rank change means it climbed)
  <category id>                a category score, e.g. community
  <criterion id>               a criterion's normalized score, e.g. activity (also activity.normalized)
  <criterion id>.value         the criterion's value before normalization, e.g. activity.value
  <raw figure>                 stars, forks, openIssues, mergedPullRequests, repositoryCount,
                               stackOverflowQuestions, lastCommitAt, archived, ...

Options:
  --project ID       only this project
  --metric NAME      what to show (default overall)
  --format FORMAT    table (default), csv (date, days, then <id> and <id>.change per project) or json
                     A table wider than the terminal (or $COLUMNS) comes in parts of whole
                     project columns, each with the dates; piped to a file it is one table.
${VIEW_HELP}

Every snapshot is scored when read, from its raw figures and the rubric and ratings of the config as
it is now: editing config/ changes the history shown, never the snapshot files.
`,
  options: {
    ...VIEW_OPTIONS,
    project: { type: "string" },
    metric: { type: "string", default: "overall" },
    format: { type: "string", default: "table" },
  },
  maxPositionals: 0,
  async run(args, io) {
    const format = str(args, "format")!;
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format ${JSON.stringify(format)} (formats: ${FORMATS.join(", ")})`);
    const files = await historyFiles(args, io);
    const folder = shown(io, cohortFolder(args, io));
    if (files.length === 0) throw new ShowdownError(`no snapshots in ${folder} (run 'oss-showdown collect' first, or pass --snapshots/--cohort)`);

    const scorer = await scorerOf(args, io);
    // One pass, keeping only the metric's values of each snapshot. A name that is no standing, figure
    // or criterion can only be a category of the rubric.
    const name = str(args, "metric")!;
    const project = str(args, "project");
    const criteria = criterionIds([scorer.config.rubric]);
    const metric = resolveMetric(name, [name], criteria)!;
    const categories = categoryIds([scorer.config.rubric]);
    if (metric.kind === "category" && !categories.includes(name)) {
      throw new UsageError(`unknown --metric ${JSON.stringify(name)} (metrics: ${metricNames(categories, criteria).join(", ")})`);
    }
    const ids = new Set<string>();
    const points: SeriesPoint[] = [];
    for await (const { columns } of streamColumns(files, scorer, args, io)) {
      for (const p of columns.projects) ids.add(p.id);
      points.push(seriesPoint(columns, metric, project));
    }
    if (points.length === 0) throw noSnapshots(files.length, args, io);
    if (project !== undefined && !ids.has(project)) {
      throw new ShowdownError(`no project ${JSON.stringify(project)} scored in any snapshot of ${folder}: only projects both in a snapshot and in the cohort config are (ids: ${[...ids].sort().join(", ")})`);
    }
    const series = buildSeries(metric.name, points);
    if (format === "json") io.stdout(JSON.stringify(series, null, 2) + "\n");
    else if (format === "csv") io.stdout(new CsvEncoder({ delimiter: ",", bom: false }).encode(seriesCsvRows(series)));
    else io.stdout(renderSeriesTable(series, metric, styleFor(io), outputWidth(io)));
    return EXIT.ok;
  },
};

/**
 * The scoreboard of a scored snapshot: `oss-showdown score`'s output and the machine-readable score
 * contract (README, "The score contract"). Pure.
 */
import { z } from "zod";
import { dateOf } from "../asof.js";
import type { Cell } from "../export/csv.js";
import { PLAIN, type Style } from "../format/color.js";
import { formatScore } from "../format/number.js";
import { layoutTable } from "../format/table.js";
import type { Rubric } from "../config/rubric.js";
import type { ScoredColumns } from "../score/snapshot.js";
import type { FileTask, TaskFactory } from "../score/parallel.js";
import { plain } from "../format/plain.js";
import { CriterionScore, type ScoredSnapshot } from "../score/types.js";

export const ScoreboardProject = z.strictObject({
  id: z.string(),
  name: z.string(),
  criteria: z.record(z.string(), CriterionScore),
  categories: z.record(z.string(), z.number().nullable()),
  overall: z.number().nullable(),
  rank: z.number().int().positive(),
  tier: z.number().int().positive().nullable(),
});

export const Scoreboard = z.strictObject({
  cohort: z.string(),
  asOf: z.string(),
  rubric: z.strictObject({ name: z.string(), version: z.number() }),
  /** In rank order. */
  projects: z.array(ScoreboardProject),
});
export type Scoreboard = z.infer<typeof Scoreboard>;

export function scoreboardOf(snapshot: ScoredSnapshot): Scoreboard {
  const projects = [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
  return {
    cohort: snapshot.cohort,
    asOf: snapshot.asOf,
    rubric: { name: snapshot.rubric.name, version: snapshot.rubric.version },
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      criteria: p.scores.criteria,
      categories: p.scores.categories,
      overall: p.scores.overall,
      rank: p.scores.rank,
      tier: p.scores.tier,
    })),
  };
}

/**
 * JSON.stringify(scoreboardOf(snapshot)) written from each snapshot's score columns, without the
 * objects: `score --all --format json` writes one a snapshot, hundreds of megabytes over a long history. A
 * criterion whose value and score are those of the same cell of the previous snapshot reuses its text
 * (ratings rarely change from day to day; turning numbers into text is most of the work).
 */
export class ScoreboardJsonWriter {
  private lastValues = new Float64Array(0);
  private lastScores = new Float64Array(0);
  private lastTexts: string[] = [];

  write({ snapshot, projects, scores }: ScoredColumns, rubric: Rubric): string {
    const q = JSON.stringify;
    const n = projects.length;
    const criteria = scores.criteria.map((c) => ({ key: `${q(c.id)}:{"value":`, value: c.value, normalized: c.normalized }));
    const categories = scores.categories.map((c, j) => ({ key: `${j === 0 ? "" : ","}${q(c.id)}:`, score: c.score }));
    if (this.lastValues.length !== criteria.length * n) {
      this.lastValues = new Float64Array(criteria.length * n).fill(NaN);
      this.lastScores = new Float64Array(criteria.length * n).fill(NaN);
      this.lastTexts = new Array<string>(criteria.length * n).fill("");
    }
    const parts: string[] = [];
    for (const i of scores.byRank) {
      const p = projects[i]!;
      let text = `{"id":${q(p.id)},"name":${q(p.name)},"criteria":{`;
      let first = true;
      for (let j = 0; j < criteria.length; j++) {
        const c = criteria[j]!;
        const v = c.value[i]!;
        if (Number.isNaN(v)) continue;
        const normalized = c.normalized[i]!;
        const k = j * n + i;
        if (this.lastValues[k] !== v || this.lastScores[k] !== normalized) {
          this.lastValues[k] = v;
          this.lastScores[k] = normalized;
          // JSON.stringify turns a number into text faster than a template does (and writes NaN as null).
          this.lastTexts[k] = `${c.key}${q(v)},"normalized":${q(normalized)}}`;
        }
        text += first ? this.lastTexts[k] : `,${this.lastTexts[k]}`;
        first = false;
      }
      text += `},"categories":{`;
      for (const c of categories) text += c.key + orNull(c.score[i]!);
      const tier = scores.tier[i]!;
      text += `},"overall":${orNull(scores.overall[i]!)},"rank":${scores.rank[i]!},"tier":${tier === 0 ? "null" : tier}}`;
      parts.push(text);
    }
    return `{"cohort":${q(snapshot.cohort)},"asOf":${q(snapshot.asOf)},"rubric":${q({ name: rubric.name, version: rubric.version })},"projects":[${parts.join(",")}]}`;
  }
}

/** Each file's line of `score --all --format json`, as printed (scrubbed), in bytes. */
export const jsonLines: TaskFactory<Uint8Array> = (config) => {
  const writer = new ScoreboardJsonWriter();
  return (columns) => Buffer.from(plain(writer.write(columns, config.rubric) + "\n"));
};

/** resultsInOrder's task for jsonLines. */
export const JSON_LINES_TASK: FileTask<Uint8Array> = { factory: jsonLines, module: import.meta.url, name: "jsonLines" };

function orNull(v: number): string {
  return Number.isNaN(v) ? "null" : JSON.stringify(v);
}

/** The category ids of a board, in rubric order (every project has a key for each). */
function categoryIds(board: Scoreboard): string[] {
  return Object.keys(board.projects[0]?.categories ?? {});
}

/** CSV rows of one or more boards under one header: date, rank, id, name, tier, overall, each category. */
export function scoreboardRows(boards: readonly Scoreboard[]): Cell[][] {
  const categories = boards[0] ? categoryIds(boards[0]) : [];
  const rows: Cell[][] = [["date", "rank", "id", "name", "tier", "overall", ...categories]];
  for (const board of boards) {
    const date = dateOf(board.asOf);
    for (const p of board.projects) rows.push([date, p.rank, p.id, p.name, p.tier, p.overall, ...categories.map((c) => p.categories[c] ?? null)]);
  }
  return rows;
}

/** The board as a terminal table, under a line naming the cohort, date and rubric. */
export function scoreboardTable(board: Scoreboard, categoryNames: ReadonlyMap<string, string>, style: Style = PLAIN): string {
  const categories = categoryIds(board);
  const header = ["#", "project", "tier", "overall", ...categories.map((c) => categoryNames.get(c) ?? c)];
  // No overall score: some category has no criterion with a value (ranked after the complete ones).
  const rows = board.projects.map((p) => [String(p.rank), p.name, p.tier === null ? "-" : String(p.tier), p.overall === null ? "incomplete" : formatScore(p.overall), ...categories.map((c) => formatScore(p.categories[c]))]);
  const lines = layoutTable([header.map(style.bold), ...rows], ["right", "left", "right", "right", ...categories.map(() => "right" as const)]);
  return `${style.bold(`${board.cohort}, ${dateOf(board.asOf)}`)} (rubric "${board.rubric.name}" v${board.rubric.version}, scored now from the config)\n${lines.join("\n")}\n`;
}

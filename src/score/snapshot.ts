import type { ProjectConfig } from "../config/cohort.js";
import { datedRating, entryAt, isDated, type DatedRating, type Ratings } from "../config/ratings.js";
import { ratedCriteria, type Rubric } from "../config/rubric.js";
import type { ProjectFacts, Snapshot } from "../snapshot/schema.js";
import { scoreColumns, scoresAt, type CohortScores, type ScoreInput } from "./index.js";
import type { ScoredProject, ScoredSnapshot } from "./types.js";

/** What scoring needs of the config: the rubric and each project's hand ratings. */
export interface ScoringConfig {
  rubric: Rubric;
  projects: readonly ProjectConfig[];
}

/** A project's hand ratings as the config gives them: undated values, and dated lists to resolve per asOf. */
interface ConfigRatings {
  fixed: Ratings;
  dated: [string, DatedRating][];
  /** Ratings in force, by the entries in force (one object per combination met). */
  resolved: Map<string, Ratings>;
}

function configRatings(project: ProjectConfig, rubric: Rubric): ConfigRatings {
  const fixed: Ratings = {};
  const dated: [string, DatedRating][] = [];
  for (const { id } of ratedCriteria(rubric)) {
    const v = project[id];
    if (v === undefined) continue;
    if (isDated(v)) dated.push([id, datedRating(v)]);
    else fixed[id] = v as Ratings[string];
  }
  return { fixed, dated, resolved: new Map() };
}

/** The ratings in force at asOf, in rubric order: a dated rating's entry in force (none before its first). */
function ratingsAt(c: ConfigRatings, rubric: Rubric, asOfMs: number): Ratings {
  if (c.dated.length === 0) return c.fixed;
  const at = c.dated.map(([, d]) => entryAt(d, asOfMs));
  const key = at.join(",");
  let r = c.resolved.get(key);
  if (r === undefined) {
    const values: Ratings = { ...c.fixed };
    c.dated.forEach(([id, d], j) => {
      if (at[j]! >= 0) values[id] = d.values[at[j]!]!;
    });
    r = {};
    for (const { id } of ratedCriteria(rubric)) if (values[id] !== undefined) r[id] = values[id];
    c.resolved.set(key, r);
  }
  return r;
}

/** The hand ratings of a project config in force at asOf (undated ones whatever the date), in rubric order. */
export function ratingsOf(project: ProjectConfig, rubric: Rubric, asOf?: string): Ratings {
  return ratingsAt(configRatings(project, rubric), rubric, asOf === undefined ? Infinity : Date.parse(asOf));
}

/** A snapshot's scored projects as columns (see CohortScores): what the views over a whole history read. */
export interface ScoredColumns {
  snapshot: Snapshot;
  /** The snapshot's projects that the config lists, in snapshot order, with their ratings. */
  projects: ProjectFacts[];
  ratings: Ratings[];
  scores: CohortScores;
}

/**
 * Scores snapshots under one config. The cohort is the config's: a project of the snapshot that the
 * config no longer lists has no ratings in force and is left out of the scoreboard (its facts stay in
 * the file). Pure: the snapshot's asOf is the only clock.
 */
export class Scorer {
  private readonly ratings: ReadonlyMap<string, ConfigRatings>;
  constructor(readonly config: ScoringConfig) {
    this.ratings = new Map(config.projects.map((p) => [p.id, configRatings(p, config.rubric)]));
  }

  columns(snapshot: Snapshot): ScoredColumns {
    const inputs: ScoreInput[] = [];
    const projects: ProjectFacts[] = [];
    const ratings: Ratings[] = [];
    const asOfMs = Date.parse(snapshot.asOf);
    for (const p of snapshot.projects) {
      const c = this.ratings.get(p.id);
      if (c === undefined) continue;
      const r = ratingsAt(c, this.config.rubric, asOfMs);
      inputs.push({ id: p.id, raw: p.raw, ratings: r, errors: p.errors });
      projects.push(p);
      ratings.push(r);
    }
    return { snapshot, projects, ratings, scores: scoreColumns(inputs, this.config.rubric, snapshot.asOf, undefined, snapshot.windowDays) };
  }

  score(snapshot: Snapshot): ScoredSnapshot {
    return scoredSnapshot(this.columns(snapshot), this.config.rubric);
  }
}

/** The scored snapshot as objects, from its columns. */
export function scoredSnapshot({ snapshot, projects, ratings, scores }: ScoredColumns, rubric: Rubric): ScoredSnapshot {
  const scored: ScoredProject[] = [];
  for (let i = 0; i < projects.length; i++) {
    const p = projects[i]!;
    // One object literal of one shape, not a spread: a history is hundreds of thousands of these.
    scored.push({ id: p.id, name: p.name, sources: p.sources, raw: p.raw, errors: p.errors, warnings: p.warnings, ratings: ratings[i]!, scores: scoresAt(scores, i) });
  }
  return {
    cohort: snapshot.cohort,
    asOf: snapshot.asOf,
    generatedAt: snapshot.generatedAt,
    tool: snapshot.tool,
    windowDays: snapshot.windowDays,
    requests: snapshot.requests,
    rubric,
    projects: scored,
  };
}

import type { ProjectConfig } from "../config/cohort.js";
import { RATING_KEYS, type Ratings } from "../config/ratings.js";
import type { Rubric } from "../config/rubric.js";
import type { ProjectFacts, Snapshot } from "../snapshot/schema.js";
import { scoreColumns, scoresAt, type CohortScores, type ScoreInput } from "./index.js";
import type { ScoredProject, ScoredSnapshot } from "./types.js";

/** What scoring needs of the config: the rubric and each project's hand ratings. */
export interface ScoringConfig {
  rubric: Rubric;
  projects: readonly ProjectConfig[];
}

/** The hand ratings of a project config, in the rubric's canonical key order. */
export function ratingsOf(project: ProjectConfig): Ratings {
  const ratings: Record<string, unknown> = {};
  for (const key of RATING_KEYS) {
    if (project[key] !== undefined) ratings[key] = project[key];
  }
  return ratings as Ratings;
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
  private readonly ratings: ReadonlyMap<string, Ratings>;
  constructor(readonly config: ScoringConfig) {
    this.ratings = new Map(config.projects.map((p) => [p.id, ratingsOf(p)]));
  }

  columns(snapshot: Snapshot): ScoredColumns {
    const inputs: ScoreInput[] = [];
    const projects: ProjectFacts[] = [];
    const ratings: Ratings[] = [];
    for (const p of snapshot.projects) {
      const r = this.ratings.get(p.id);
      if (r === undefined) continue;
      inputs.push({ id: p.id, raw: p.raw, ratings: r, errors: p.errors });
      projects.push(p);
      ratings.push(r);
    }
    return { snapshot, projects, ratings, scores: scoreColumns(inputs, this.config.rubric, snapshot.asOf) };
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

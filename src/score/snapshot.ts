import type { ProjectConfig } from "../config/cohort.js";
import { RATING_KEYS, type Ratings } from "../config/ratings.js";
import type { Rubric } from "../config/rubric.js";
import type { ProjectFacts, Snapshot } from "../snapshot/schema.js";
import { scoreCohort, type ScoreInput } from "./index.js";
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

  score(snapshot: Snapshot): ScoredSnapshot {
    const inputs: ScoreInput[] = [];
    const rated: ProjectFacts[] = [];
    for (const p of snapshot.projects) {
      const ratings = this.ratings.get(p.id);
      if (ratings === undefined) continue;
      inputs.push({ id: p.id, raw: p.raw, ratings, errors: p.errors });
      rated.push(p);
    }
    const scores = scoreCohort(inputs, this.config.rubric, snapshot.asOf);
    // Object literals of one shape, not spreads: a history is hundreds of thousands of these.
    const projects: ScoredProject[] = [];
    for (let i = 0; i < rated.length; i++) {
      const p = rated[i]!;
      projects.push({ id: p.id, name: p.name, sources: p.sources, raw: p.raw, errors: p.errors, warnings: p.warnings, ratings: inputs[i]!.ratings, scores: scores.get(p.id)! });
    }
    return {
      cohort: snapshot.cohort,
      asOf: snapshot.asOf,
      generatedAt: snapshot.generatedAt,
      tool: snapshot.tool,
      windowDays: snapshot.windowDays,
      requests: snapshot.requests,
      rubric: this.config.rubric,
      projects,
    };
  }
}

/** One snapshot scored under a config (see Scorer). */
export function scoreSnapshot(snapshot: Snapshot, config: ScoringConfig): ScoredSnapshot {
  return new Scorer(config).score(snapshot);
}

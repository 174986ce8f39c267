import type { ProjectConfig } from "../config/cohort.js";
import type { Rubric } from "../config/rubric.js";
import { RATING_KEYS, type Ratings } from "../config/ratings.js";
import { scoreCohort } from "../score/index.js";
import { SCHEMA_VERSION, type ProjectSnapshot, type Scores, type Snapshot } from "./schema.js";

/** The hand ratings of a project config, in the rubric's canonical key order. */
export function ratingsOf(project: ProjectConfig): Ratings {
  const ratings: Record<string, unknown> = {};
  for (const key of RATING_KEYS) {
    if (project[key] !== undefined) ratings[key] = project[key];
  }
  return ratings as Ratings;
}

export type UnscoredProject = Omit<ProjectSnapshot, "scores">;

export interface SnapshotParts extends Omit<Snapshot, "schemaVersion" | "projects"> {
  projects: UnscoredProject[];
}

/**
 * Scores the projects and assembles the snapshot: projects sorted by id, so the file is the same
 * whatever order the fetches completed in. Pure.
 */
export function buildSnapshot(parts: SnapshotParts, scored?: ReadonlyMap<string, Scores>): Snapshot {
  const scores = scored ?? scoreCohort(parts.projects, parts.rubric, parts.asOf);
  const projects = [...parts.projects]
    .sort(byId)
    .map((p) => ({ ...p, scores: scores.get(p.id)! }));
  return {
    schemaVersion: SCHEMA_VERSION,
    cohort: parts.cohort,
    asOf: parts.asOf,
    generatedAt: parts.generatedAt,
    tool: parts.tool,
    rubric: parts.rubric,
    windowDays: parts.windowDays,
    requests: parts.requests,
    projects,
  };
}

/**
 * The same snapshot re-scored under a (possibly edited) rubric and ratings: raw figures, errors and
 * dates untouched. Projects no longer in the config keep the ratings they were scored with. `scored`:
 * the new scores when already computed (scoreCohort of the same projects, rubric and asOf).
 */
export function rescore(snapshot: Snapshot, rubric: Rubric, projects: readonly ProjectConfig[], scored?: ReadonlyMap<string, Scores>): Snapshot {
  const byId = new Map(projects.map((p) => [p.id, p]));
  return buildSnapshot(
    {
      ...snapshot,
      rubric,
      projects: snapshot.projects.map(({ scores: _scores, ...p }) => {
        const config = byId.get(p.id);
        return { ...p, ratings: config ? ratingsOf(config) : p.ratings };
      }),
    },
    scored,
  );
}

/** The order buildSnapshot puts projects in: by id (equal ids as given). */
function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

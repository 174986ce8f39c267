import { z } from "zod";
import { Rubric } from "../config/rubric.js";
import { ProjectFacts, Snapshot } from "../snapshot/schema.js";

const unit = z.number().min(0).max(1);

export const CriterionScore = z.strictObject({ value: z.number(), normalized: unit });
export type CriterionScore = z.infer<typeof CriterionScore>;

export const Scores = z.strictObject({
  criteria: z.record(z.string(), CriterionScore),
  categories: z.record(z.string(), unit.nullable()),
  overall: unit.nullable(),
  rank: z.number().int().positive(),
  tier: z.number().int().positive().nullable(),
});
export type Scores = z.infer<typeof Scores>;

/** The hand ratings in force for a project at a snapshot's asOf (see src/config/ratings.ts). */
export const RatingsInForce = z.record(z.string(), z.union([z.number(), z.array(z.string()), z.record(z.string(), z.number())]));

/** A project as the views see it: its facts, the ratings in force for it and the scores they give. */
export const ScoredProject = z.strictObject({ ...ProjectFacts.shape, ratings: RatingsInForce, scores: Scores });
export type ScoredProject = z.infer<typeof ScoredProject>;

/** A snapshot scored under the config as it is now: computed when read, never stored. */
export const ScoredSnapshot = z.strictObject({
  ...Snapshot.omit({ schemaVersion: true, projects: true }).shape,
  rubric: Rubric,
  projects: z.array(ScoredProject),
});
export type ScoredSnapshot = z.infer<typeof ScoredSnapshot>;

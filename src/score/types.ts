import { z } from "zod";
import { CRITERIA } from "../config/criteria.js";
import { Rubric } from "../config/rubric.js";
import { Ratings } from "../config/ratings.js";
import { ProjectFacts, Snapshot } from "../snapshot/schema.js";

const unit = z.number().min(0).max(1);

export const CriterionScore = z.strictObject({ value: z.number(), normalized: unit });
export type CriterionScore = z.infer<typeof CriterionScore>;

export const Scores = z.strictObject({
  criteria: z.partialRecord(z.enum(CRITERIA), CriterionScore),
  categories: z.record(z.string(), unit.nullable()),
  overall: unit.nullable(),
  rank: z.number().int().positive(),
  tier: z.number().int().positive().nullable(),
});
export type Scores = z.infer<typeof Scores>;

/** A project as the views see it: its facts, the ratings in force for it and the scores they give. */
export const ScoredProject = z.strictObject({ ...ProjectFacts.shape, ratings: Ratings, scores: Scores });
export type ScoredProject = z.infer<typeof ScoredProject>;

/** A snapshot scored under the config as it is now: computed when read, never stored. */
export const ScoredSnapshot = z.strictObject({
  ...Snapshot.omit({ schemaVersion: true, projects: true }).shape,
  rubric: Rubric,
  projects: z.array(ScoredProject),
});
export type ScoredSnapshot = z.infer<typeof ScoredSnapshot>;

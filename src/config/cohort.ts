import { z } from "zod";
import { REPOSITORY, SLUG, SO_TAG } from "../slug.js";
import { About, Reference } from "./context.js";
import { Landing } from "./landing.js";

const repository = z
  .string({ error: "expected \"owner/name\"" })
  .regex(REPOSITORY, { error: (i) => `expected "owner/name" as on GitHub, got ${JSON.stringify(i.input)}` });

/**
 * A project entry: its fixed fields, and its hand ratings under the ids of the rubric's rated
 * criteria (checked against the rubric when both are loaded: see ratingProblems).
 */
export const ProjectConfig = z.looseObject({
  id: z.string().regex(SLUG, { error: (i) => `expected a lowercase slug (a-z, 0-9, -), got ${JSON.stringify(i.input)}` }),
  name: z.string().min(1),
  repository,
  stackOverflowTags: z
    .array(z.string().regex(SO_TAG, { error: (i) => `expected a Stack Overflow tag (lowercase, a-z 0-9 + # . -), got ${JSON.stringify(i.input)}` }))
    // Needed only under a rubric that reads stackOverflowQuestions (load.ts checks it with the rubric).
    .default([]),
  // GitHub rejects search queries longer than 256 characters. Needed only under a rubric that reads
  // repositoryCount (load.ts checks it with the rubric).
  repositoryQuery: z.string().min(1).max(256, "GitHub search queries are limited to 256 characters").optional(),
  /** The numerics library's own repository, when it is not the project's. */
  numericsRepository: repository.optional(),
  /** How its pull requests land (default merged); anything else needs sources.landing. */
  landing: Landing.optional(),
  /** Where each rating (or figure source) comes from: key -> one line citing an article or the docs. */
  sources: z.record(z.string(), z.string().min(1)).optional(),
  notes: z.string().optional(),
  /** Who is behind it, its first release and one line about it, with their source (the report's "Projects"). */
  about: About.optional(),
}).superRefine((p, ctx) => {
  // A landing rule changes what a figure means: like a rating, a reader must be able to check it.
  if (p.landing !== undefined && p.landing !== "merged" && !p.sources?.landing?.trim()) {
    ctx.addIssue({ code: "custom", path: ["sources", "landing"], message: "a landing rule needs a source (the project's docs or issue URL saying how its pull requests land)" });
  }
});

/** Fields a project entry's sources may cite besides its ratings: each choice it makes (repository, tags, ...). */
export const FIGURE_SOURCE_KEYS = Object.keys(ProjectConfig.shape).filter((k) => !["id", "name", "sources", "notes"].includes(k));

export const CohortConfig = z
  .strictObject({
    cohort: z.string().regex(SLUG, "expected a lowercase slug such as deep-learning-2018"),
    description: z.string().min(1),
    /** The rubric file, relative to this file. */
    rubric: z.string().min(1).default("rubric.yaml"),
    /** Length of the merged-pull-request window ending at asOf. */
    windowDays: z.number().int().positive().max(365).default(30),
    projects: z.array(ProjectConfig).min(1),
    /** What a reader should know about the cohort as a whole (shown under the report's title). */
    notes: z.string().min(1).optional(),
    /** Articles the sources cite by id, with title, author, year and URL (the report links them). */
    references: z.array(Reference).optional(),
  });

/**
 * Duplicate ids and repositories, checked on the raw data so that they are reported together with
 * every other problem (zod runs refinements only once the rest of the object is valid).
 */
export function duplicateProblems(data: unknown): { path: (string | number)[]; message: string }[] {
  const projects = (data as { projects?: unknown } | null)?.projects;
  if (!Array.isArray(projects)) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  const seen = { id: new Map<string, number>(), repository: new Map<string, number>() };
  projects.forEach((p: { id?: unknown; repository?: unknown } | null, i) => {
    for (const key of ["id", "repository"] as const) {
      const value = p?.[key];
      if (typeof value !== "string") continue;
      const norm = value.toLowerCase();
      const first = seen[key].get(norm);
      if (first === undefined) seen[key].set(norm, i);
      else out.push({ path: ["projects", i, key], message: key === "id" ? `duplicate id ${value} (also projects[${first}])` : `repository ${value} is also projects[${first}]'s; two projects cannot share one` });
    }
  });
  return out;
}

export type ProjectConfig = z.infer<typeof ProjectConfig>;
export type CohortConfig = z.infer<typeof CohortConfig>;

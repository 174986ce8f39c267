import { z } from "zod";
import { RatingsShape, RATING_KEYS } from "./ratings.js";
import { REPOSITORY, SLUG, SO_TAG } from "../slug.js";

const repository = z
  .string({ error: "expected \"owner/name\"" })
  .regex(REPOSITORY, { error: (i) => `expected "owner/name" as on GitHub, got ${JSON.stringify(i.input)}` });

const SOURCE_KEYS = [...RATING_KEYS, "repository", "stackOverflowTags", "repositoryQuery", "numericsRepository"] as const;

export const ProjectConfig = z.strictObject({
  id: z.string().regex(SLUG, { error: (i) => `expected a lowercase slug (a-z, 0-9, -), got ${JSON.stringify(i.input)}` }),
  name: z.string().min(1),
  repository,
  stackOverflowTags: z
    .array(z.string().regex(SO_TAG, { error: (i) => `expected a Stack Overflow tag (lowercase, a-z 0-9 + # . -), got ${JSON.stringify(i.input)}` }))
    .min(1, "list at least one Stack Overflow tag"),
  // GitHub rejects search queries longer than 256 characters.
  repositoryQuery: z.string().min(1).max(256, "GitHub search queries are limited to 256 characters"),
  /** The numerics library's own repository, when it is not the project's. */
  numericsRepository: repository.optional(),
  ...RatingsShape,
  /** Where each rating (or figure source) comes from: key -> one line citing an article or the docs. */
  sources: z.partialRecord(z.enum(SOURCE_KEYS), z.string().min(1)).optional(),
  notes: z.string().optional(),
});

export const CohortConfig = z
  .strictObject({
    cohort: z.string().regex(SLUG, "expected a lowercase slug such as deep-learning-2018"),
    description: z.string().min(1),
    /** The rubric file, relative to this file. */
    rubric: z.string().min(1).default("rubric.yaml"),
    /** Length of the merged-pull-request window ending at asOf. */
    windowDays: z.number().int().positive().max(365).default(30),
    projects: z.array(ProjectConfig).min(1),
  })
  .superRefine((cohort, ctx) => {
    const ids = new Map<string, number>();
    const repos = new Map<string, number>();
    cohort.projects.forEach((p, i) => {
      const dupId = ids.get(p.id);
      if (dupId !== undefined) {
        ctx.addIssue({ code: "custom", path: ["projects", i, "id"], message: `duplicate id ${p.id} (also projects[${dupId}])` });
      } else ids.set(p.id, i);
      const key = p.repository.toLowerCase();
      const dupRepo = repos.get(key);
      if (dupRepo !== undefined) {
        ctx.addIssue({ code: "custom", path: ["projects", i, "repository"], message: `repository ${p.repository} is also projects[${dupRepo}]'s` });
      } else repos.set(key, i);
    });
  });

export type ProjectConfig = z.infer<typeof ProjectConfig>;
export type CohortConfig = z.infer<typeof CohortConfig>;

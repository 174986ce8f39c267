import type { Problem } from "../errors.js";
import { RATED } from "./criteria.js";
import type { LoadedCohort } from "./load.js";
import { formatPath } from "./issues.js";

export interface Review {
  /** Problems that make the cohort unfit to publish: a rating nobody can check. */
  problems: Problem[];
  /** Worth knowing, not wrong: ratings a project does not have (its category averages without them). */
  notes: string[];
}

/**
 * The publishing bar, above what collect needs: every hand rating a project has must cite where it
 * comes from, and every rating the rubric uses should be present or knowingly absent.
 */
export function reviewCohort({ cohort, rubric, file }: LoadedCohort): Review {
  const used = new Set(rubric.categories.flatMap((c) => c.criteria.map((k) => k.id)));
  const problems: Problem[] = [];
  const notes: string[] = [];
  cohort.projects.forEach((p, i) => {
    const missing: string[] = [];
    for (const key of RATED) {
      if (!used.has(key)) continue;
      if (p[key] === undefined) {
        missing.push(key);
      } else if (!p.sources?.[key]?.trim()) {
        problems.push({ file, path: formatPath(["projects", i, "sources", key]), message: `the ${key} rating has no source; cite an article in shared/sources or the project's docs` });
      }
    }
    if (missing.length > 0) notes.push(`${p.id}: no ${missing.join(", ")} rating (left out of its category)`);
  });
  return { problems, notes };
}

import type { Problem } from "../errors.js";
import { ratedCriteria } from "./rubric.js";
import { isDated } from "./ratings.js";
import type { LoadedCohort } from "./load.js";
import { formatPath } from "./issues.js";

export interface Review {
  /** Problems that make the cohort unfit to publish: a rating nobody can check, or a silent gap. */
  problems: Problem[];
  /** Worth knowing, not wrong: ratings left out on purpose (their source says why). */
  notes: string[];
}

/**
 * The publishing bar, above what collect needs: every rating the rubric uses is either given with a
 * source, or left out with a source saying why (as Coveo left out Caffe's numerics), so a reader can
 * check every number and every gap.
 */
export function reviewCohort({ cohort, rubric, file }: LoadedCohort): Review {
  const rated = ratedCriteria(rubric).map((d) => d.id);
  const problems: Problem[] = [];
  const notes: string[] = [];
  cohort.projects.forEach((p, i) => {
    const missing: string[] = [];
    for (const key of rated) {
      const value = p[key];
      // A dated rating cites a source in each entry.
      const cited = isDated(value) ? true : Boolean(p.sources?.[key]?.trim());
      const where = formatPath(["projects", i, "sources", key]);
      if (value === undefined) {
        if (cited) missing.push(key);
        else problems.push({ file, path: formatPath(["projects", i, key]), message: `no ${key} rating and no source saying why; rate it, or explain its absence in ${where}` });
      } else if (!cited) {
        problems.push({ file, path: where, message: `the ${key} rating has no source; cite an article by title, author, year and URL, or the project's docs or issue URL` });
      }
    }
    if (missing.length > 0) notes.push(`${p.id}: ${missing.join(", ")} not rated, on purpose (see its sources); left out of its category`);
  });
  return { problems, notes };
}

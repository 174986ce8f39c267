/**
 * Config folders made by the tests themselves (never the shipped config/): a rubric and a cohort file
 * written as JSON, which the loader reads like YAML. A fork that replaces config/ runs the suite as is.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { About, Reference } from "../../src/config/context.js";
import type { Landing } from "../../src/config/landing.js";
import type { Ratings } from "../../src/config/ratings.js";
import type { Rubric } from "../../src/config/rubric.js";

export interface ConfigProject {
  id: string;
  name: string;
  repository: string;
  stackOverflowTags: string[];
  repositoryQuery?: string;
  numericsRepository?: string;
  ratings: Ratings;
  /** Where each rating comes from (the cohort file's `sources`). */
  sources?: Record<string, string>;
  notes?: string;
  /** Who is behind it, its first release and one line (the cohort file's `about`). */
  about?: About;
  /** How its pull requests land (the cohort file's `landing`; `none`: a mirror). */
  landing?: Landing;
}

/** A project's config entry from a snapshot project's sources and the ratings it was scored with (a v1 file holds both). */
export function configProject(p: { id: string; name: string; sources: { repository: string; stackOverflowTags: string[]; repositoryQuery?: string; numericsRepository?: string }; ratings: Ratings }): ConfigProject {
  return { id: p.id, name: p.name, ...p.sources, ratings: p.ratings };
}

/** Writes <dir>/rubric.json and <dir>/<cohort>.json; returns dir. */
export async function writeConfig(dir: string, cohort: string, rubric: Rubric, projects: readonly ConfigProject[], options: { windowDays?: number; description?: string; notes?: string; references?: Reference[] } = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "rubric.json"), JSON.stringify(rubric, null, 2));
  const cohortFile = {
    cohort,
    description: options.description ?? `Test cohort ${cohort}`,
    rubric: "rubric.json",
    windowDays: options.windowDays ?? 30,
    projects: projects.map(({ ratings, ...p }) => ({ ...p, ...ratings })),
    ...(options.notes ? { notes: options.notes } : {}),
    ...(options.references ? { references: options.references } : {}),
  };
  await writeFile(path.join(dir, `${cohort}.json`), JSON.stringify(cohortFile, null, 2));
  return dir;
}

/** A new temp folder holding config/ (see writeConfig); returns the temp folder. */
export async function tempConfig(cohort: string, rubric: Rubric, projects: readonly ConfigProject[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-config-"));
  await writeConfig(path.join(dir, "config"), cohort, rubric, projects);
  return dir;
}

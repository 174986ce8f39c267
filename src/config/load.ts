import { readFile, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { ConfigError, type Problem } from "../errors.js";
import { CohortConfig, FIGURE_SOURCE_KEYS, ProjectConfig, duplicateProblems } from "./cohort.js";
import { Rubric, declared, isLegacyForm, ratedCriteria, rubricFigures } from "./rubric.js";
import { LEGACY_CRITERIA } from "./legacy-criteria.js";
import { ratingProblems } from "./ratings.js";
import { zodProblems, formatPath } from "./issues.js";
import { parseYaml, YamlProblem } from "./yaml.js";

export const DEFAULT_COHORT = "deep-learning-2018";
const EXTENSIONS = [".yaml", ".yml", ".json"];

/** Reads a YAML or JSON file into plain data; syntax errors name the line and column. */
export async function readDataFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : `cannot read (${code ?? String(error)})`;
    throw new ConfigError([{ file, path: "", message: why }]);
  }
  if (file.endsWith(".json")) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError([{ file, path: "", message: `invalid JSON: ${(error as Error).message}` }]);
    }
  }
  try {
    return parseYaml(text);
  } catch (error) {
    if (!(error instanceof YamlProblem)) throw error;
    const at = error.line !== undefined ? ` at line ${error.line}, column ${error.column}` : "";
    throw new ConfigError([{ file, path: "", message: `invalid YAML${at}: ${error.reason}` }]);
  }
}

/**
 * `file` (a path a config file names, or a cohort file) as a file of the config folder: refused
 * when it is outside it, or a link that leads out of it, so that a cohort cannot make `validate`
 * read and print another file (`rubric: ../../../../proc/self/environ`).
 */
export async function insideConfig(configDir: string, file: string, problem: Omit<Problem, "message">): Promise<string> {
  const root = path.resolve(configDir);
  const target = path.resolve(root, file);
  const within = (dir: string, p: string) => {
    const rel = path.relative(dir, p);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  };
  if (!within(root, target)) {
    throw new ConfigError([{ ...problem, message: `${JSON.stringify(file)} is outside the config folder ${root}; name a file in it` }]);
  }
  const [realRoot, realTarget] = await Promise.all([realpath(root).catch(() => root), realpath(target).catch(() => target)]);
  if (!within(realRoot, realTarget)) {
    throw new ConfigError([{ ...problem, message: `${JSON.stringify(file)} is a link to ${realTarget}, outside the config folder; copy the file into it` }]);
  }
  return path.join(configDir, file);
}

export function parseWith<T extends z.ZodType>(schema: T, data: unknown, file: string, extra: Problem[] = []): z.infer<T> {
  const result = schema.safeParse(data, { reportInput: true });
  const problems = [...(result.success ? [] : zodProblems(file, result.error)), ...extra];
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data as z.infer<T>;
}

export interface LoadedCohort {
  cohort: CohortConfig;
  rubric: Rubric;
  file: string;
  rubricFile: string;
}

/** The cohort file for a name: config/<name>.yaml (or .yml / .json). */
export async function findCohortFile(configDir: string, name: string): Promise<string> {
  let entries: string[];
  try {
    entries = await readdir(configDir);
  } catch {
    throw new ConfigError([{ file: configDir, path: "", message: "config folder not found (run from the project folder, or pass --config DIR)" }]);
  }
  for (const ext of EXTENSIONS) {
    if (entries.includes(name + ext)) return insideConfig(configDir, name + ext, { file: path.join(configDir, name + ext), path: "" });
  }
  const known = (await listCohorts(configDir)).join(", ") || "none";
  throw new ConfigError([{ file: path.join(configDir, `${name}.yaml`), path: "", message: `no cohort ${name} (cohorts here: ${known})` }]);
}

/** Cohort names in a config folder: every data file but the rubric(s) that cohorts point to. */
export async function listCohorts(configDir: string): Promise<string[]> {
  const entries = await readdir(configDir).catch(() => [] as string[]);
  return entries
    .filter((f) => EXTENSIONS.some((e) => f.endsWith(e)) && !f.startsWith("rubric"))
    .map((f) => f.slice(0, f.lastIndexOf(".")))
    .sort();
}

/**
 * Checks that need both files, on the cohort's raw data so that they are reported with every other
 * problem: each key of a project entry that is not one of its fixed fields is a rating of one of the
 * rubric's rated criteria, in the shape its kind takes; `sources` cite ratings or figure sources.
 */
function crossCheck(data: unknown, rubric: Rubric, file: string): Problem[] {
  const projects = (data as { projects?: unknown } | null)?.projects;
  if (!Array.isArray(projects)) return [];
  const rated = new Map(ratedCriteria(rubric).map((d) => [d.id, d]));
  // A rubric in showdown 0.1's form (criteria named, with no kind) let a cohort rate any of the twelve
  // built-in criteria, used or not (a rubric that dropped aws kept the cohort's aws ratings valid).
  const legacy = new Map(isLegacyForm(rubric) ? Object.entries(LEGACY_CRITERIA).filter(([id]) => !rated.has(id)).map(([id, c]) => [id, declared(c)]) : []);
  const fixed = new Set(Object.keys(ProjectConfig.shape));
  const ratedList = [...rated.keys()].join(", ") || "none";
  const read = rubricFigures(rubric);
  const needsTags = read.has("stackOverflowQuestions");
  const needsQuery = read.has("repositoryCount");
  const problems: Problem[] = [];
  projects.forEach((p: unknown, i) => {
    if (typeof p !== "object" || p === null || Array.isArray(p)) return;
    const tags = (p as { stackOverflowTags?: unknown }).stackOverflowTags;
    if (needsTags && (tags === undefined || (Array.isArray(tags) && tags.length === 0))) {
      problems.push({ file, path: formatPath(["projects", i, "stackOverflowTags"]), message: `rubric "${rubric.name}" reads stackOverflowQuestions: list the project's Stack Overflow tags, e.g. stackOverflowTags: [${(p as { id?: unknown }).id ?? "tag"}]` });
    }
    if (needsQuery && (p as { repositoryQuery?: unknown }).repositoryQuery === undefined) {
      problems.push({ file, path: formatPath(["projects", i, "repositoryQuery"]), message: `rubric "${rubric.name}" reads repositoryCount: give the GitHub repository search that counts the project's ecosystem, e.g. repositoryQuery: "${(p as { id?: unknown }).id ?? "name"} in:name,description,topics"` });
    }
    for (const [key, value] of Object.entries(p)) {
      if (fixed.has(key)) continue;
      const d = rated.get(key) ?? legacy.get(key);
      if (d === undefined) problems.push({ file, path: formatPath(["projects", i, key]), message: `unknown field (misspelt, or not a criterion rubric "${rubric.name}" rates by hand: ${ratedList})` });
      else problems.push(...ratingProblems(file, ["projects", i, key], d, value));
    }
    const sources = (p as { sources?: unknown }).sources;
    if (typeof sources === "object" && sources !== null) {
      for (const key of Object.keys(sources)) {
        if (!rated.has(key) && !legacy.has(key) && !FIGURE_SOURCE_KEYS.includes(key)) problems.push({ file, path: formatPath(["projects", i, "sources", key]), message: `cites neither a rated criterion (${ratedList}) nor a figure source (${FIGURE_SOURCE_KEYS.join(", ")}); fix the key or move the text to notes` });
      }
    }
  });
  return problems;
}

/** The rubric file a cohort file's data names (rubric.yaml beside it unless it says). */
export function rubricFileOf(cohortFile: string, data: unknown): string {
  return path.join(path.dirname(cohortFile), rubricName(data));
}

/** What the cohort's rubric: names, as written (default rubric.yaml). */
function rubricName(data: unknown): string {
  const named = (data as { rubric?: unknown } | null)?.rubric;
  return typeof named === "string" && named !== "" ? named : "rubric.yaml";
}

/** A rubric file's data, parsed; a file that is no rubric at all (a cohort, a list) is one line, not a dozen. */
export function parseRubric(data: unknown, file: string): Rubric {
  const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
  if (!isObject || !("categories" in data)) {
    const what = isObject && "projects" in data ? "a cohort file" : isObject ? "an object without categories" : Array.isArray(data) ? "a list" : "not an object";
    throw new ConfigError([{ file, path: "", message: `not a rubric (${what}): a rubric has version, name and categories of criteria; point the cohort's rubric: at one (see docs/rubric.md)` }]);
  }
  return parseWith(Rubric, data, file);
}

export async function loadCohort(configDir: string, name: string): Promise<LoadedCohort> {
  const file = await findCohortFile(configDir, name);
  const data = await readDataFile(file);
  // The rubric first: a project's ratings are checked against it, in the same report as the rest.
  const rubricFile = await insideConfig(path.dirname(file), rubricName(data), { file, path: "rubric" });
  const rubric = parseRubric(await readDataFile(rubricFile), rubricFile);
  const duplicates = duplicateProblems(data).map((d) => ({ file, path: formatPath(d.path), message: d.message }));
  const cohort = parseWith(CohortConfig, data, file, [...crossCheck(data, rubric, file), ...duplicates]);
  if (cohort.cohort !== name) {
    throw new ConfigError([{ file, path: "cohort", message: `is ${JSON.stringify(cohort.cohort)} but the file is named for ${name}; make them match` }]);
  }
  return { cohort, rubric, file, rubricFile };
}

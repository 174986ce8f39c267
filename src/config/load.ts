import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, type Problem } from "../errors.js";
import { CohortConfig, duplicateProblems } from "./cohort.js";
import { Rubric, opsSample } from "./rubric.js";
import { zodProblems, formatPath } from "./issues.js";

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
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the first: a YAML syntax error usually cascades into several more at the same spot.
    throw new ConfigError(
      doc.errors.slice(0, 1).map((e) => {
        const pos = e.linePos?.[0];
        const what = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return { file, path: "", message: `invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${what}` };
      }),
    );
  }
  return doc.toJS() as unknown;
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
    if (entries.includes(name + ext)) return path.join(configDir, name + ext);
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

/** Checks that need both files: ratings against the rubric's criteria and ops sample. */
function crossCheck(cohort: CohortConfig, rubric: Rubric, file: string): Problem[] {
  const problems: Problem[] = [];
  const sample = new Set(opsSample(rubric));
  cohort.projects.forEach((p, i) => {
    if (p.ops !== undefined && sample.size > 0) {
      if (typeof p.ops === "number") {
        if (p.ops > sample.size) problems.push({ file, path: formatPath(["projects", i, "ops"]), message: `expected at most ${sample.size} (the size of the ops sample), got ${p.ops}` });
      } else {
        for (const op of Object.keys(p.ops)) {
          if (!sample.has(op)) problems.push({ file, path: formatPath(["projects", i, "ops", op]), message: `not in the rubric's ops sample (known: ${[...sample].join(", ")})` });
        }
      }
    }
  });
  return problems;
}

export async function loadCohort(configDir: string, name: string): Promise<LoadedCohort> {
  const file = await findCohortFile(configDir, name);
  const data = await readDataFile(file);
  const duplicates = duplicateProblems(data).map((d) => ({ file, path: formatPath(d.path), message: d.message }));
  const cohort = parseWith(CohortConfig, data, file, duplicates);
  if (cohort.cohort !== name) {
    throw new ConfigError([{ file, path: "cohort", message: `is ${JSON.stringify(cohort.cohort)} but the file is named for ${name}; make them match` }]);
  }
  const rubricFile = path.join(path.dirname(file), cohort.rubric);
  const rubric = parseWith(Rubric, await readDataFile(rubricFile), rubricFile);
  const problems = crossCheck(cohort, rubric, file);
  if (problems.length > 0) throw new ConfigError(problems);
  return { cohort, rubric, file, rubricFile };
}

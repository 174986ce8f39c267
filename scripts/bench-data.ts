/**
 * Generated inputs for `npm run bench`: a cohort of N projects (config YAML valid per
 * src/config/cohort.ts, and the matching data for the loopback API stand-in), and a history of daily
 * snapshots of such a cohort built with the CLI's own buildSnapshot and serializeSnapshot.
 *
 * Everything is deterministic (a seeded generator), so two runs of the bench measure the same work.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { ProjectConfig } from "../src/config/cohort.js";
import type { Rubric } from "../src/config/rubric.js";
import type { Ratings } from "../src/config/ratings.js";
import type { Issue, Raw } from "../src/snapshot/schema.js";
import type { ReplicaData, ReplicaRepo } from "../tests/support/replica.js";
import { mulberry32 } from "../tests/support/random.js";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The built CLI's modules, so the bench writes exactly what the measured CLI reads. */
type Build = typeof import("../src/snapshot/build.js");
type Store = typeof import("../src/snapshot/store.js");
async function dist<T>(module: string): Promise<T> {
  return (await import(pathToFileURL(path.join(ROOT, "dist", module)).href)) as T;
}

/** Seeded, so every run generates the same cohort and history. */
export const random = mulberry32;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const LANGUAGES = ["python", "c++", "java", "scala", "r", "julia", "go", "javascript", "c#", "rust"];
const OSES = ["linux", "macos", "windows", "android", "ios"];
const HALVES = [0, 0.5, 1] as const;

export interface BenchProject {
  config: ProjectConfig;
  /** Figures on day 0 and their daily drift, for both the replica and the history. */
  base: { stars: number; forks: number; openIssues: number; repositories: number; questions: number; merged: number; idleDays: number };
  /** Joins the history this many days after its start (0: from the first snapshot). */
  joinsOnDay: number;
}

/** N projects with ratings from the rubric's scales; one in ten has a numerics repository. */
export function benchProjects(n: number, opsSample: readonly string[], days = 0): BenchProject[] {
  const rnd = random(n * 7919 + 17);
  const projects: BenchProject[] = [];
  for (let i = 0; i < n; i++) {
    const id = `project-${String(i + 1).padStart(4, "0")}`;
    const languages: Record<string, number> = {};
    for (const l of LANGUAGES) if (rnd() < 0.3 || (l === "python" && rnd() < 0.9)) languages[l] = pick(rnd, [0.25, 0.5, 0.75, 1]);
    const ratings: Ratings = {
      sponsor: pick(rnd, [0, 1, 2]),
      documentation: pick(rnd, [1, 2, 3]),
      graph: pick(rnd, [0, 1, 2]),
      ...(i % 10 === 0 || rnd() < 0.6 ? { numerics: { maturity: Math.round(rnd() * 10) / 2, easeOfUse: Math.round(rnd() * 10) / 2 } } : {}),
      // Half as a count, half as a checklist of the rubric's sample.
      ops: i % 2 === 0 ? Math.round(rnd() * opsSample.length * 2) / 2 : Object.fromEntries(opsSample.map((op) => [op, pick(rnd, HALVES)])),
      ...(Object.keys(languages).length > 0 ? { languages } : {}),
      scalability: pick(rnd, [0, 1, 2]),
      os: OSES.filter((_, k) => k === 0 || rnd() < 0.5),
      aws: pick(rnd, [0, 1, 2, 3]),
      ...(rnd() < 0.9 ? { onnx: pick(rnd, [0, 1, 2]) } : {}),
    };
    const stars = Math.round(10 ** (1 + rnd() * 4.3));
    const config: ProjectConfig = {
      id,
      name: `Project ${i + 1}`,
      repository: `org-${i + 1}/${id}`,
      stackOverflowTags: rnd() < 0.2 ? [id, `${id}-python`] : [id],
      repositoryQuery: `${id} in:name,description,topics`,
      ...(i % 10 === 0 ? { numericsRepository: `org-${i + 1}/${id}-numerics` } : {}),
      ...ratings,
    };
    projects.push({
      config,
      base: {
        stars,
        forks: Math.round(stars * (0.1 + rnd() * 0.3)),
        openIssues: Math.round(stars * (0.005 + rnd() * 0.03)),
        repositories: Math.round(stars * rnd() * 0.5),
        questions: Math.round(stars * rnd() * 0.3),
        merged: Math.round(rnd() < 0.15 ? 0 : 10 ** (rnd() * 2.7)),
        idleDays: rnd() < 0.1 ? 200 + Math.floor(rnd() * 1000) : Math.floor(rnd() * 5),
      },
      // The last 1% join two thirds of the way through the history.
      joinsOnDay: i >= n - Math.ceil(n / 100) ? Math.floor((days * 2) / 3) : 0,
    });
  }
  return projects;
}

export function cohortYaml(cohort: string, projects: readonly BenchProject[]): string {
  return stringifyYaml({
    cohort,
    description: `A generated cohort of ${projects.length} projects for npm run bench.`,
    rubric: "rubric.yaml",
    windowDays: 30,
    projects: projects.map((p) => p.config),
  });
}

/** The project's config rubric (config/rubric.yaml) as data. */
export async function realRubric(): Promise<Rubric> {
  return parseYaml(await readFile(path.join(ROOT, "config", "rubric.yaml"), "utf8")) as Rubric;
}

export function opsSampleOf(rubric: Rubric): string[] {
  for (const c of rubric.categories) for (const k of c.criteria) if (k.id === "ops") return (k.sample ?? []).map((s) => s.id);
  return [];
}

/** A config folder with rubric.yaml and <cohort>.yaml; the rubric given, or config/rubric.yaml. */
export async function writeConfig(dir: string, cohort: string, projects: readonly BenchProject[], rubric?: Rubric): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "rubric.yaml"), rubric ? stringifyYaml(rubric) : await readFile(path.join(ROOT, "config", "rubric.yaml"), "utf8"));
  await writeFile(path.join(dir, `${cohort}.yaml`), cohortYaml(cohort, projects));
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** What the loopback stand-in serves for the cohort as of `asOf`: repositories, searches, tags. */
export function replicaData(projects: readonly BenchProject[], asOf: string): ReplicaData {
  const now = Date.parse(asOf);
  const rnd = random(projects.length);
  const repos: ReplicaRepo[] = [];
  const repositorySearch: Record<string, number> = {};
  const tags: Record<string, number> = {};
  projects.forEach((p, i) => {
    const c = p.config;
    const last = now - p.base.idleDays * DAY - Math.floor(rnd() * 20) * 3_600_000;
    // A few commits after asOf too, which the collector must not count.
    const commits = [iso(last), iso(last - 3 * DAY), iso(now + 3_600_000)];
    // Merges spread over 40 days, so the 30-day window cuts some off.
    const mergedAt = Array.from({ length: Math.round((p.base.merged * 4) / 3) }, (_, k) => iso(now - ((k + 0.5) / ((p.base.merged * 4) / 3)) * 40 * DAY));
    repos.push({ fullName: c.repository, id: 1000 + i, stars: p.base.stars, forks: p.base.forks, openIssues: p.base.openIssues, commits, mergedAt });
    if (c.numericsRepository) {
      repos.push({ fullName: c.numericsRepository, id: 100_000 + i, stars: 10, forks: 1, openIssues: 0, commits: [iso(last - 10 * DAY)], mergedAt: [iso(now - 5 * DAY)] });
    }
    if (c.repositoryQuery !== undefined) repositorySearch[c.repositoryQuery] = p.base.repositories;
    c.stackOverflowTags.forEach((t, k) => {
      // One tag in fifty does not exist (counted 0, with a warning).
      if (i % 50 !== 49 || k > 0) tags[t] = k === 0 ? p.base.questions : Math.round(p.base.questions / 10);
    });
  });
  return { repos, repositorySearch, tags };
}

const ERRORS: Record<string, string> = {
  stackOverflowQuestions: "Stack Exchange API unavailable after 3 retries (HTTP 503)",
  mergedPullRequests: "GitHub search rate limit: reset at 06:14:00Z is after --max-wait 900 s",
  stars: "GitHub API unavailable after 3 retries (HTTP 502)",
  lastCommitAt: "GitHub API request timed out after 30000 ms (3 retries)",
};

export interface HistoryOptions {
  dir: string;
  cohort: string;
  projects: readonly BenchProject[];
  days: number;
  onDay?: (day: number) => void;
}

/**
 * `days` daily snapshots (06:00 UTC) of the cohort under <dir>/<cohort>/, built and serialized by the
 * CLI's own code: figures drift day by day; about 0.5% of the figures of a day could not be fetched
 * (null, with an error); a project in fifty has a warning; 1% of the projects join two thirds of
 * the way through. Returns the files, oldest first.
 */
export async function writeHistory(options: HistoryOptions): Promise<string[]> {
  const build = await dist<Build>("snapshot/build.js");
  const store = await dist<Store>("snapshot/store.js");
  const folder = path.join(options.dir, options.cohort);
  await mkdir(folder, { recursive: true });
  const rnd = random(options.projects.length * 31 + options.days);
  const start = Date.UTC(2025, 0, 1, 6);
  const files: string[] = [];
  const walk = options.projects.map(() => ({ merged: 1, issues: 1 }));
  for (let day = 0; day < options.days; day++) {
    const asOf = iso(start + day * DAY);
    const projects = [];
    for (const [i, p] of options.projects.entries()) {
      if (day < p.joinsOnDay) continue;
      const w = walk[i]!;
      w.merged = Math.min(2, Math.max(0.3, w.merged + (rnd() - 0.5) * 0.1));
      w.issues = Math.min(1.5, Math.max(0.5, w.issues + (rnd() - 0.5) * 0.04));
      const growth = 1 + day * 0.0015;
      const now = Date.parse(asOf);
      const numerics = p.config.numericsRepository !== undefined;
      const raw: Raw = {
        lastCommitAt: iso(now - p.base.idleDays * DAY - Math.floor(rnd() * 48) * 3_600_000),
        mergedPullRequests: Math.round(p.base.merged * w.merged),
        repositoryCount: Math.round(p.base.repositories * growth),
        stackOverflowQuestions: Math.round(p.base.questions * growth),
        stars: Math.round(p.base.stars * growth),
        forks: Math.round(p.base.forks * growth),
        openIssues: Math.round(p.base.openIssues * w.issues),
        archived: p.base.idleDays > 1000,
        ...(numerics ? { numericsLastCommitAt: iso(now - 9 * DAY), numericsMergedPullRequests: Math.round(rnd() * 6) } : {}),
      };
      const errors: Issue[] = [];
      for (const field of Object.keys(ERRORS) as (keyof Raw)[]) {
        if (rnd() < 0.005) {
          raw[field] = null as never;
          errors.push({ field, message: ERRORS[field]! });
        }
      }
      const tag = p.config.stackOverflowTags[0]!;
      const warnings: Issue[] = i % 50 === 49 ? [{ field: "stackOverflowQuestions", message: `Stack Overflow tag ${tag} does not exist (counted 0)` }] : [];
      projects.push({
        id: p.config.id,
        name: p.config.name,
        sources: {
          repository: p.config.repository,
          stackOverflowTags: p.config.stackOverflowTags,
          repositoryQuery: p.config.repositoryQuery,
          ...(numerics ? { numericsRepository: p.config.numericsRepository } : {}),
        },
        raw,
        errors,
        warnings,
      });
    }
    const snapshot = build.buildSnapshot({
      cohort: options.cohort,
      asOf,
      generatedAt: iso(Date.parse(asOf) + 754_000),
      tool: { name: "showdown", version: "0.1.0" },
      windowDays: 30,
      requests: { github: projects.length * 3, githubSearch: projects.length * 2, stackExchange: Math.ceil(projects.length / 100) },
      projects,
    });
    const file = path.join(folder, `${asOf.slice(0, 10)}.json`);
    await writeFile(file, store.serializeSnapshot(snapshot));
    files.push(file);
    options.onDay?.(day);
  }
  return files;
}

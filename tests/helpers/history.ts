/**
 * A small fixture history of the deep-learning-2018 cohort: snapshots of what collect observed (schema
 * 2, built with buildSnapshot) and a config folder whose rubric and ratings score them. The figures
 * are invented (plausible for early 2018).
 *
 *   2018-03-01  tensorflow, pytorch, mxnet, cntk, theano
 *   2018-03-08  same projects, new figures (pytorch's merged pull requests overtake)
 *   (2018-03-15 missing: no snapshot that week)
 *   2018-03-22  theano left, chainer joined; cntk's Stack Overflow count could not be fetched (null,
 *               with an error)
 *
 * The config lists all six projects; RUBRIC_V2 (activity re-weighted 1 → 2, aws removed) is the
 * rubric edit tests apply. Stored copies live in tests/fixtures/history/ (snapshots and config/;
 * tests/fixtures.test.ts keeps them in step).
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Rubric } from "../../src/config/rubric.js";
import type { Ratings } from "../../src/config/ratings.js";
import { buildSnapshot } from "../../src/snapshot/build.js";
import type { ProjectFacts, Raw, Snapshot } from "../../src/snapshot/schema.js";
import { serializeSnapshot } from "../../src/snapshot/store.js";
import type { Io } from "../../src/cli/command.js";
import { main } from "../../src/cli.js";
import { writeConfig, type ConfigProject } from "../support/config.js";

export const COHORT = "deep-learning-2018";

export const RUBRIC_V1: Rubric = {
  version: 1,
  name: "Coveo Deep Learning Showdown (fixture)",
  categories: [
    {
      id: "community",
      name: "Support & Community",
      weight: 1,
      criteria: [
        { id: "sponsor", weight: 1, normalize: { by: "scale", max: 2 } },
        { id: "activity", weight: 1, normalize: { by: "cohortMax" } },
        { id: "ecosystem", weight: 1, normalize: { by: "cohortMax" } },
        { id: "documentation", weight: 1, normalize: { by: "scale", max: 3 } },
      ],
    },
    {
      id: "api",
      name: "API & Internals",
      weight: 1,
      criteria: [
        { id: "graph", weight: 1, normalize: { by: "scale", max: 2 } },
        { id: "numerics", weight: 1, normalize: { by: "cohortMax" } },
        {
          id: "ops",
          weight: 1,
          normalize: { by: "scale", max: 4 },
          sample: [
            { id: "dense", why: "Fully connected layer." },
            { id: "conv2d", why: "The workhorse of vision models." },
            { id: "lstm", why: "The recurrent layer of 2018." },
            { id: "adam", why: "The default optimiser." },
          ],
        },
      ],
    },
    {
      id: "platform",
      name: "Platform",
      weight: 1,
      criteria: [
        { id: "languages", weight: 1, normalize: { by: "cohortMax" } },
        { id: "scalability", weight: 1, normalize: { by: "scale", max: 2 } },
        { id: "os", weight: 1, normalize: { by: "cohortMax" } },
        { id: "aws", weight: 1, normalize: { by: "scale", max: 3 } },
        { id: "onnx", weight: 1, normalize: { by: "scale", max: 2 } },
      ],
    },
  ],
};

/** v2: activity counts twice as much, aws is dropped. */
export const RUBRIC_V2: Rubric = {
  ...RUBRIC_V1,
  version: 2,
  categories: RUBRIC_V1.categories.map((c) => ({
    ...c,
    criteria: c.criteria.filter((k) => k.id !== "aws").map((k) => (k.id === "activity" ? { ...k, weight: 2 } : k)),
  })),
};

type Figures = Omit<Raw, "archived"> & { archived?: boolean | null };

const NAMES: Record<keyof typeof RATINGS, [string, string]> = {
  tensorflow: ["TensorFlow", "tensorflow/tensorflow"],
  pytorch: ["PyTorch", "pytorch/pytorch"],
  mxnet: ["Apache MXNet", "apache/incubator-mxnet"],
  cntk: ["Microsoft Cognitive Toolkit", "microsoft/cntk"],
  theano: ["Theano", "theano/theano"],
  chainer: ["Chainer", "chainer/chainer"],
};

function sourcesOf(id: keyof typeof RATINGS): ProjectFacts["sources"] {
  return id === "mxnet" ? MXNET_EXTRA.sources : { repository: NAMES[id][1], stackOverflowTags: [id], repositoryQuery: `${id} in:name,description` };
}

function project(id: keyof typeof RATINGS, raw: Figures, extra: Partial<ProjectFacts> = {}): ProjectFacts {
  return { id, name: NAMES[id][0], sources: sourcesOf(id), raw: { archived: false, ...raw }, errors: [], warnings: [], ...extra };
}

/** The cohort's config entries: every project of the history, with its ratings. */
export function fixtureProjects(): ConfigProject[] {
  return (Object.keys(RATINGS) as (keyof typeof RATINGS)[]).map((id) => ({ id, name: NAMES[id][0], ...sourcesOf(id), ratings: RATINGS[id] }));
}

/** Writes the fixture config (rubric and cohort) into `configDir`; returns it. */
export function writeFixtureConfig(configDir: string, rubric: Rubric = RUBRIC_V1, projects: readonly ConfigProject[] = fixtureProjects()): Promise<string> {
  return writeConfig(configDir, COHORT, rubric, projects, { description: "Fixture history of five 2018 frameworks (invented figures)" });
}

const RATINGS = {
  tensorflow: { sponsor: 2, documentation: 3, graph: 1, numerics: { maturity: 4, easeOfUse: 3 }, ops: 3.5, languages: { python: 1, "c++": 1, java: 0.5, go: 0.5 }, scalability: 2, os: ["linux", "macos", "windows"], aws: 3, onnx: 1 },
  pytorch: { sponsor: 2, documentation: 3, graph: 2, numerics: { maturity: 4, easeOfUse: 5 }, ops: { dense: 1, conv2d: 1, lstm: 1, adam: 0.5 }, languages: { python: 1 }, scalability: 1, os: ["linux", "macos"], aws: 2, onnx: 2 },
  mxnet: { sponsor: 2, documentation: 2, graph: 2, numerics: { maturity: 3, easeOfUse: 3 }, ops: 4, languages: { python: 1, scala: 0.5, r: 0.5, julia: 0.5 }, scalability: 2, os: ["linux", "macos", "windows"], aws: 3, onnx: 2 },
  cntk: { sponsor: 2, documentation: 2, graph: 1, numerics: { maturity: 3, easeOfUse: 2 }, ops: 3, languages: { python: 1, "c#": 0.5 }, scalability: 2, os: ["linux", "windows"], aws: 1, onnx: 2 },
  theano: { sponsor: 1, documentation: 2, graph: 1, numerics: { maturity: 4, easeOfUse: 2 }, ops: 2.5, languages: { python: 1 }, scalability: 0, os: ["linux", "macos", "windows"], aws: 0 },
  chainer: { sponsor: 1, documentation: 2, graph: 2, numerics: { maturity: 3, easeOfUse: 4 }, ops: 3, languages: { python: 1 }, scalability: 1, os: ["linux", "macos"], aws: 1, onnx: 1 },
} satisfies Record<string, Ratings>;

const MXNET_EXTRA = { sources: { repository: "apache/incubator-mxnet", stackOverflowTags: ["mxnet", "apache-mxnet"], repositoryQuery: "mxnet in:name,description", numericsRepository: "dmlc/mshadow" } };

function parts(asOf: string, projects: ProjectFacts[]) {
  return {
    cohort: COHORT,
    asOf,
    generatedAt: asOf.replace("T00:00:00Z", "T06:12:00Z"),
    tool: { name: "showdown", version: "0.1.0" },
    windowDays: 30,
    requests: { github: projects.length * 2, githubSearch: projects.length * 2, stackExchange: 1 },
    projects,
  };
}

export function snapshot1(): Snapshot {
  return buildSnapshot(
    parts("2018-03-01T00:00:00Z", [
      project("tensorflow", { lastCommitAt: "2018-02-28T18:00:00Z", mergedPullRequests: 412, repositoryCount: 38000, stackOverflowQuestions: 24000, stars: 95000, forks: 61000, openIssues: 1400 }),
      project("pytorch", { lastCommitAt: "2018-02-28T23:00:00Z", mergedPullRequests: 240, repositoryCount: 4200, stackOverflowQuestions: 900, stars: 11000, forks: 2500, openIssues: 700 }),
      project("mxnet", { lastCommitAt: "2018-02-27T12:00:00Z", mergedPullRequests: 150, repositoryCount: 1800, stackOverflowQuestions: 600, stars: 13000, forks: 4800, openIssues: 900, numericsLastCommitAt: "2018-02-10T00:00:00Z", numericsMergedPullRequests: 4 }),
      project("cntk", { lastCommitAt: "2018-02-20T09:30:00Z", mergedPullRequests: 40, repositoryCount: 700, stackOverflowQuestions: 500, stars: 14500, forks: 3800, openIssues: 600 }),
      project("theano", { lastCommitAt: "2017-11-15T00:00:00Z", mergedPullRequests: 3, repositoryCount: 2100, stackOverflowQuestions: 1800, stars: 8000, forks: 2400, openIssues: 650 }),
    ]),
  );
}

export function snapshot2(): Snapshot {
  return buildSnapshot(
    parts("2018-03-08T00:00:00Z", [
      project("tensorflow", { lastCommitAt: "2018-03-07T20:00:00Z", mergedPullRequests: 390, repositoryCount: 38900, stackOverflowQuestions: 24500, stars: 96100, forks: 61500, openIssues: 1450 }),
      project("pytorch", { lastCommitAt: "2018-03-07T22:00:00Z", mergedPullRequests: 420, repositoryCount: 4500, stackOverflowQuestions: 980, stars: 11600, forks: 2650, openIssues: 720 }),
      project("mxnet", { lastCommitAt: "2018-03-06T12:00:00Z", mergedPullRequests: 160, repositoryCount: 1850, stackOverflowQuestions: 620, stars: 13200, forks: 4850, openIssues: 880, numericsLastCommitAt: "2018-02-10T00:00:00Z", numericsMergedPullRequests: 2 }),
      project("cntk", { lastCommitAt: "2018-02-26T09:30:00Z", mergedPullRequests: 35, repositoryCount: 710, stackOverflowQuestions: 510, stars: 14600, forks: 3810, openIssues: 610 }),
      project("theano", { lastCommitAt: "2017-11-15T00:00:00Z", mergedPullRequests: 1, repositoryCount: 2110, stackOverflowQuestions: 1805, stars: 8050, forks: 2400, openIssues: 652 }),
    ]),
  );
}

export function snapshot3(): Snapshot {
  return buildSnapshot(
    parts("2018-03-22T00:00:00Z", [
      project("tensorflow", { lastCommitAt: "2018-03-21T20:00:00Z", mergedPullRequests: 300, repositoryCount: 40500, stackOverflowQuestions: 25400, stars: 98000, forks: 62500, openIssues: 1500 }),
      project("pytorch", { lastCommitAt: "2018-03-21T23:30:00Z", mergedPullRequests: 455, repositoryCount: 5100, stackOverflowQuestions: 1150, stars: 12800, forks: 2950, openIssues: 760 }),
      project("mxnet", { lastCommitAt: "2018-03-19T12:00:00Z", mergedPullRequests: 170, repositoryCount: 1950, stackOverflowQuestions: 660, stars: 13600, forks: 4950, openIssues: 870, numericsLastCommitAt: "2018-03-01T00:00:00Z", numericsMergedPullRequests: 3 }),
      project("cntk", { lastCommitAt: "2018-03-01T09:30:00Z", mergedPullRequests: 30, repositoryCount: 720, stackOverflowQuestions: null, stars: 14700, forks: 3820, openIssues: 615 }, {
        errors: [{ field: "stackOverflowQuestions", message: "Stack Exchange API unavailable after 3 retries (HTTP 503)" }],
      }),
      project("chainer", { lastCommitAt: "2018-03-21T08:00:00Z", mergedPullRequests: 120, repositoryCount: 600, stackOverflowQuestions: 150, stars: 3600, forks: 950, openIssues: 300 }, {
        warnings: [{ field: "stackOverflowQuestions", message: "Stack Overflow tag chainer-v4 does not exist (counted 0)" }],
      }),
    ]),
  );
}

export function fixtureHistory(): Snapshot[] {
  return [snapshot1(), snapshot2(), snapshot3()];
}

/** A temp folder with snapshots/<cohort>/<date>.json for each snapshot and config/ (the fixture config, or `rubric`'s); returns the folder. */
export async function historyDir(snapshots: readonly Snapshot[] = fixtureHistory(), rubric: Rubric = RUBRIC_V1): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-test-"));
  await writeHistory(path.join(dir, "snapshots"), snapshots);
  await writeFixtureConfig(path.join(dir, "config"), rubric);
  return dir;
}

export async function writeHistory(snapshotsDir: string, snapshots: readonly Snapshot[]): Promise<void> {
  const folder = path.join(snapshotsDir, COHORT);
  await mkdir(folder, { recursive: true });
  for (const s of snapshots) await writeFile(path.join(folder, `${s.asOf.slice(0, 10)}.json`), serializeSnapshot(s));
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with a fake Io in `cwd`. */
export async function run(cwd: string, argv: string[], opts: { isTTY?: boolean; env?: NodeJS.ProcessEnv; columns?: number } = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const io: Io = {
    stdout: (t) => void (stdout += typeof t === "string" ? t : decoder.decode(t)),
    stderr: (t) => void (stderr += t),
    env: opts.env ?? {},
    cwd,
    signal: new AbortController().signal,
    isTTY: opts.isTTY ?? false,
    columns: opts.columns,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

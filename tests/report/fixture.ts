/**
 * A realistic history for the report: the 13 frameworks of Coveo's oss-showdown (hand ratings as in
 * config/deep-learning-2018.yaml, ops counts invented), 30 daily snapshots from 2026-10-23 to
 * 2026-11-21 with three days missing (11-02, 11-09, 11-10), figures evolving smoothly from a seeded
 * random walk, PyTorch overtaking TensorFlow, and the latest run with one fetch error and one warning.
 *
 * The snapshots hold facts only (schema 2, built with buildSnapshot); the rubric and the ratings live
 * in a config made here (never the shipped config/): `fixtureConfig()` for the pure rendering tests,
 * which score with `scored()`, and `projectDir()`, a folder with snapshots/ and config/ for the CLI.
 * Editing the config (another rubric, another rating) rescores the same snapshots. Deterministic: the
 * same options give the same snapshots.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ProjectConfig } from "../../src/config/cohort.js";
import type { Rubric } from "../../src/config/rubric.js";
import type { Ratings } from "../../src/config/ratings.js";
import type { About } from "../../src/config/context.js";
import type { ConfigInfo } from "../../src/report/index.js";
import { Scorer, type ScoringConfig } from "../../src/score/snapshot.js";
import type { ScoredSnapshot } from "../../src/score/types.js";
import { buildSnapshot } from "../../src/snapshot/build.js";
import type { ProjectFacts, Snapshot } from "../../src/snapshot/schema.js";
import { serializeSnapshot } from "../../src/snapshot/store.js";
import { writeConfig, type ConfigProject } from "../support/config.js";
import { mulberry32 } from "../support/random.js";

export const COHORT = "deep-learning-2018";

const OPS = [
  "dense", "conv1d", "conv2d", "conv3d", "conv-transpose", "depthwise-conv", "dilated-conv", "max-pool", "avg-pool", "upsample",
  "dropout", "batch-norm", "layer-norm", "lrn", "embedding", "rnn", "lstm", "gru", "bidirectional", "attention", "relu",
  "leaky-relu", "elu", "softmax", "hierarchical-softmax", "cross-entropy", "ctc-loss", "sgd-momentum", "adagrad", "adadelta",
  "rmsprop", "adam",
];

export function rubric(version = 1, activityWeight = 1): Rubric {
  return {
    version,
    name: "Coveo Deep Learning Showdown",
    categories: [
      {
        id: "community",
        name: "Support & Community",
        weight: 1,
        criteria: [
          { id: "sponsor", weight: 1, normalize: { by: "scale", max: 2 } },
          { id: "activity", weight: activityWeight, normalize: { by: "cohortMax" } },
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
          { id: "ops", weight: 1, normalize: { by: "scale", max: 32 }, sample: OPS.map((id) => ({ id, why: `The ${id} operation.` })) },
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
}

interface Base {
  id: string;
  name: string;
  repository: string;
  tag: string;
  ratings: Ratings;
  /** Merged PRs per 30 days at the start and the end of the history. */
  prs: [number, number];
  repos: number;
  questions: number;
  /** Days since the last commit at the start; null: commits daily. */
  stale: number | null;
  stars: number;
}

const os3 = ["linux", "macos", "windows"];
const PROJECTS: Base[] = [
  { id: "tensorflow", name: "TensorFlow", repository: "tensorflow/tensorflow", tag: "tensorflow", prs: [980, 900], repos: 128_000, questions: 82_000, stale: null, stars: 190_000, ratings: { sponsor: 2, documentation: 3, graph: 1, numerics: { maturity: 4, easeOfUse: 3 }, ops: 30, languages: { python: 1, "c++": 0.5, java: 0.5, go: 0.5, javascript: 0.5, swift: 0.25 }, scalability: 2, os: [...os3, "android", "ios"], aws: 2, onnx: 1 } },
  { id: "pytorch", name: "PyTorch", repository: "pytorch/pytorch", tag: "pytorch", prs: [520, 1010], repos: 96_000, questions: 27_000, stale: null, stars: 92_000, ratings: { sponsor: 2, documentation: 3, graph: 2, numerics: { maturity: 4, easeOfUse: 5 }, ops: 29.5, languages: { python: 1, "c++": 0.25 }, scalability: 2, os: os3, aws: 2, onnx: 2 } },
  { id: "mxnet", name: "Apache MXNet (with Gluon)", repository: "apache/mxnet", tag: "mxnet", prs: [0, 0], repos: 6_400, questions: 1_900, stale: 610, stars: 20_700, ratings: { sponsor: 2, documentation: 2, graph: 2, numerics: { maturity: 4, easeOfUse: 4 }, ops: 30, languages: { python: 1, scala: 0.75, r: 0.75, julia: 0.75, "c++": 0.5, perl: 0.5, clojure: 0.25 }, scalability: 2, os: [...os3, "android", "ios"], aws: 3, onnx: 2 } },
  { id: "caffe", name: "Caffe", repository: "BVLC/caffe", tag: "caffe", prs: [0, 0], repos: 14_500, questions: 4_800, stale: 840, stars: 34_200, ratings: { sponsor: 1, documentation: 2, graph: 1, ops: 18, languages: { "c++": 0.75, python: 0.75, matlab: 0.5 }, scalability: 1, os: ["linux", "macos"], aws: 2, onnx: 1 } },
  { id: "caffe2", name: "Caffe2", repository: "facebookarchive/caffe2", tag: "caffe2", prs: [0, 0], repos: 1_300, questions: 420, stale: 2_400, stars: 8_400, ratings: { sponsor: 2, documentation: 2, graph: 1, ops: 24, languages: { python: 1, "c++": 0.75 }, scalability: 2, os: [...os3, "android", "ios"], aws: 2, onnx: 2 } },
  { id: "theano", name: "Theano", repository: "Theano/Theano", tag: "theano", prs: [2, 1], repos: 5_200, questions: 2_400, stale: 45, stars: 9_900, ratings: { sponsor: 1, documentation: 3, graph: 1, numerics: { maturity: 4, easeOfUse: 2 }, ops: 21, languages: { python: 1 }, scalability: 1, os: os3, aws: 2, onnx: 0 } },
  { id: "cntk", name: "CNTK", repository: "microsoft/CNTK", tag: "cntk", prs: [0, 0], repos: 1_700, questions: 560, stale: 1_200, stars: 17_500, ratings: { sponsor: 2, documentation: 2, graph: 1, numerics: { maturity: 3, easeOfUse: 2 }, ops: 27, languages: { python: 1, "c++": 0.75, "c#": 0.75, java: 0.5 }, scalability: 2, os: ["linux", "windows"], aws: 2, onnx: 2 } },
  { id: "chainer", name: "Chainer", repository: "chainer/chainer", tag: "chainer", prs: [3, 5], repos: 2_600, questions: 330, stale: 20, stars: 5_900, ratings: { sponsor: 1, documentation: 2, graph: 2, numerics: { maturity: 4, easeOfUse: 5 }, ops: 28, languages: { python: 1 }, scalability: 2, os: ["linux"], aws: 2, onnx: 2 } },
  { id: "deeplearning4j", name: "Deeplearning4J", repository: "deeplearning4j/deeplearning4j", tag: "deeplearning4j", prs: [24, 30], repos: 3_100, questions: 1_400, stale: null, stars: 13_700, ratings: { sponsor: 1, documentation: 2, graph: 1, numerics: { maturity: 3, easeOfUse: 3 }, ops: 28.5, languages: { java: 1, scala: 0.5, python: 0.25 }, scalability: 2, os: [...os3, "android"], aws: 1, onnx: 0 } },
  { id: "paddlepaddle", name: "PaddlePaddle", repository: "PaddlePaddle/Paddle", tag: "paddlepaddle", prs: [640, 700], repos: 8_800, questions: 310, stale: null, stars: 22_800, ratings: { sponsor: 2, documentation: 1, graph: 1, ops: 26, languages: { python: 1, "c++": 0.5 }, scalability: 2, os: ["linux", "macos", "android", "ios"], aws: 1, onnx: 1 } },
  { id: "bigdl", name: "BigDL", repository: "intel/BigDL", tag: "bigdl", prs: [0, 0], repos: 900, questions: 0, stale: 400, stars: 2_600, ratings: { sponsor: 1, documentation: 2, graph: 1, numerics: { maturity: 2, easeOfUse: 2 }, ops: 27, languages: { scala: 1, python: 0.75 }, scalability: 2, os: os3, aws: 1, onnx: 0 } },
  { id: "neon", name: "Neon", repository: "NervanaSystems/neon", tag: "neon", prs: [0, 0], repos: 700, questions: 60, stale: 2_300, stars: 3_900, ratings: { sponsor: 1, documentation: 2, graph: 1, numerics: { maturity: 2, easeOfUse: 2 }, ops: 19, languages: { python: 1 }, scalability: 0, os: ["linux", "macos"], aws: 0, onnx: 0 } },
  { id: "torch", name: "Torch", repository: "torch/torch7", tag: "torch", prs: [0, 0], repos: 6_900, questions: 1_700, stale: 2_700, stars: 9_000, ratings: { sponsor: 0, documentation: 1, graph: 0, numerics: { maturity: 4, easeOfUse: 3 }, ops: 25, languages: { lua: 1 }, scalability: 1, os: ["linux", "macos"], aws: 1, onnx: 0 } },
];

const random = mulberry32;

/** Which projects, under which names: the same options for the snapshots and the config. */
export interface CohortOptions {
  /** Only these project ids (default: all 13). */
  only?: readonly string[];
  /** Display names to use instead (e.g. hostile ones, to test escaping). */
  names?: Readonly<Record<string, string>>;
  /** Each project this many times (the copies as "<id>-2", "<id>-3"..., each with a repository of its own): a larger cohort. */
  copies?: number;
}

export interface FixtureOptions extends CohortOptions {
  /** Last day (UTC date). */
  end?: string;
  days?: number;
  /** Dates with no snapshot. */
  missing?: readonly string[];
  /** Project that joins the cohort on a date (absent before). */
  joins?: { id: string; on: string };
  seed?: number;
}

export const DEFAULT_MISSING = ["2026-11-02", "2026-11-09", "2026-11-10"];

function dayString(end: string, back: number): string {
  return new Date(Date.parse(`${end}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
}

/** The cohort's projects with their display names, copies included. */
function bases(options: CohortOptions): Base[] {
  return PROJECTS.filter((p) => !options.only || options.only.includes(p.id)).flatMap((p) =>
    Array.from({ length: options.copies ?? 1 }, (_, k): Base => {
      const copy = k === 0 ? p : { ...p, id: `${p.id}-${k + 1}`, name: `${p.name} ${k + 1}`, repository: `${p.repository}-${k + 1}` };
      return { ...copy, name: options.names?.[p.id] ?? copy.name };
    }),
  );
}

function sourcesOfBase(p: Base): ProjectFacts["sources"] {
  return { repository: p.repository, stackOverflowTags: [p.tag], repositoryQuery: `${p.tag} in:name,description,topics` };
}

/** What collect observed each day: schema 2 snapshots (facts only), oldest first. */
export function history(options: FixtureOptions = {}): Snapshot[] {
  const end = options.end ?? "2026-11-21";
  const days = options.days ?? 30;
  const missing = new Set(options.missing ?? DEFAULT_MISSING);
  const rand = random(options.seed ?? 2018);
  const cohort = bases(options);
  // Random-walk state per project: a slowly drifting multiplier on the base figures.
  const drift = new Map(cohort.map((p) => [p.id, 1]));
  const out: Snapshot[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const date = dayString(end, back);
    const t = (days - 1 - back) / Math.max(1, days - 1);
    const asOf = `${date}T06:00:00.000Z`;
    for (const p of cohort) drift.set(p.id, drift.get(p.id)! * (1 + (rand() - 0.45) * 0.01));
    if (missing.has(date)) continue;
    const last = back === 0;
    const projects: ProjectFacts[] = cohort
      .filter((p) => !(options.joins && options.joins.id === p.id && date < options.joins.on))
      .map((p) => {
        const d = drift.get(p.id)!;
        const prs = Math.round((p.prs[0] + (p.prs[1] - p.prs[0]) * t) * (0.96 + rand() * 0.08));
        const lastCommit = p.stale === null ? Date.parse(asOf) - (2 + rand() * 20) * 3_600_000 : Date.parse(`${dayString(end, days - 1)}T12:00:00Z`) - p.stale * 86_400_000;
        const facts: ProjectFacts = {
          id: p.id,
          name: p.name,
          sources: sourcesOfBase(p),
          raw: {
            lastCommitAt: new Date(lastCommit).toISOString().replace(/\.\d{3}Z$/, "Z"),
            mergedPullRequests: prs,
            repositoryCount: Math.round(p.repos * d * (1 + 0.02 * t)),
            stackOverflowQuestions: Math.round(p.questions * (1 + 0.004 * t)),
            stars: Math.round(p.stars * (1 + 0.01 * t)),
            forks: Math.round(p.stars * 0.4),
            openIssues: Math.round(p.stars * 0.01),
            archived: p.stale !== null && p.stale > 300,
          },
          errors: [],
          warnings: [],
        };
        if (last && p.id === "paddlepaddle") {
          facts.raw.stackOverflowQuestions = null;
          facts.errors.push({ field: "stackOverflowQuestions", message: "GET /2.3/tags/paddlepaddle/info: HTTP 503 after 3 retries" });
        }
        if (p.id === "bigdl") facts.warnings.push({ field: "stackOverflowQuestions", message: "Stack Overflow has no tag bigdl; counted 0" });
        return facts;
      });
    out.push(
      buildSnapshot({
        cohort: COHORT,
        asOf,
        generatedAt: `${date}T06:04:31.250Z`,
        tool: { name: "showdown", version: "0.1.0" },
        windowDays: 30,
        requests: { github: projects.length * 2 + 1, githubSearch: projects.length * 2, stackExchange: 1 },
        projects,
      }),
    );
  }
  return out;
}

/** The hand-rating sources of the cohort config, as config/<cohort>.yaml would cite them. */
export function sourcesOf(id: string, ratings: Ratings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(ratings)) {
    // One rating left uncited, so the report shows what an unsourced rating looks like.
    if (id === "neon" && key === "aws") continue;
    out[key] = `coveo-deep-learning-showdown.txt: ${key} of ${id}, as stated in the article`;
  }
  return out;
}

/** A project of the fixture config: its sources, hand ratings and the source of each rating. */
export type FixtureProject = ConfigProject & { sources: Record<string, string> };

/** The article the fixture's sources cite by its file name, as a cohort's `references` names it. */
export const REFERENCES = [{ id: "coveo-deep-learning-showdown.txt", title: "Deep Learning Showdown", author: "Coveo", year: 2018, url: "https://source.coveo.com/2018/08/14/deep-learning-showdown/" }];
export const COHORT_NOTES = "Ratings as of autumn 2018; see https://source.coveo.com/2018/08/14/deep-learning-showdown/ for the rubric.";

/** Coveo's "belligerents" lines for three projects (the others have none: the report shows a dash). */
const ABOUT: Record<string, About> = {
  tensorflow: { sponsoredBy: "Google Brain", firstRelease: 2015, line: "GCP support.", source: "coveo-deep-learning-showdown.txt (The Belligerents)" },
  pytorch: { sponsoredBy: "Facebook's FAIR", firstRelease: 2017, line: "Still 0.x, but 1.0 is coming very soon. Also, dynamic auto-diff!", source: "coveo-deep-learning-showdown.txt (The Belligerents)" },
  torch: { sponsoredBy: "Ronan, Clément, Koray, & Soumith", firstRelease: 2002, source: "coveo-deep-learning-showdown.txt (The Belligerents)" },
};

/** The config's projects (every project the history may hold, so that scoring leaves none out), with a source for every rating but one. */
export function configProjects(options: CohortOptions = {}): FixtureProject[] {
  return bases(options).map((p) => ({
    id: p.id,
    name: p.name,
    ...sourcesOfBase(p),
    ratings: p.ratings,
    sources: sourcesOf(p.id, p.ratings),
    ...(ABOUT[p.id] ? { about: ABOUT[p.id] } : {}),
    ...(p.id === "theano" ? { notes: "Development stopped after 1.0 (Nov 2017)." } : {}),
  }));
}

/** The same projects with some ratings edited: id -> the ratings that change. */
export function withRatings(projects: readonly FixtureProject[], edits: Readonly<Record<string, Ratings>>): FixtureProject[] {
  return projects.map((p) => (edits[p.id] ? { ...p, ratings: { ...p.ratings, ...edits[p.id] } } : p));
}

/** The config as the tests edit it: the rubric, and the projects as written to the cohort file. */
export interface FixtureConfig {
  rubric: Rubric;
  projects: readonly FixtureProject[];
}

/** The config as it is now: the rubric (default v1, activity weighted 1) and the projects. */
export function fixtureConfig(options: CohortOptions & { rubric?: Rubric; projects?: readonly FixtureProject[] } = {}): FixtureConfig {
  return { rubric: options.rubric ?? rubric(), projects: options.projects ?? configProjects(options) };
}

/** The config as loadCohort gives it to the Scorer (ratings inline in each project). */
export function scoringConfig(config: FixtureConfig = fixtureConfig()): ScoringConfig {
  return { rubric: config.rubric, projects: config.projects.map(({ ratings, ...p }): ProjectConfig => ({ ...p, ...ratings })) };
}

/** Every snapshot scored under the config, as the report scores them when it reads them. */
export function scored(snapshots: readonly Snapshot[], config: FixtureConfig = fixtureConfig()): ScoredSnapshot[] {
  const scorer = new Scorer(scoringConfig(config));
  return snapshots.map((s) => scorer.score(s));
}

/** Where projectDir writes the cohort file, as the report shows it. */
export const CONFIG_FILE = `config/${COHORT}.json`;
export const DESCRIPTION = "Coveo's Deep Learning Showdown cohort (2018): its 13 frameworks.";

/** What the report knows of the config (as `oss-showdown report` passes it) when it is projectDir's. */
export function configInfo(config: FixtureConfig = fixtureConfig()): ConfigInfo {
  return {
    file: CONFIG_FILE,
    description: DESCRIPTION,
    notes: COHORT_NOTES,
    references: REFERENCES,
    projects: config.projects.map((p) => ({ id: p.id, repository: p.repository, sources: p.sources, notes: p.notes, about: p.about, landing: undefined })),
  };
}

/** Writes the config (rubric.json and <cohort>.json) into `configDir`; returns it. */
export function writeFixtureConfig(configDir: string, config: FixtureConfig = fixtureConfig()): Promise<string> {
  return writeConfig(configDir, COHORT, config.rubric, config.projects, { description: DESCRIPTION, notes: COHORT_NOTES, references: REFERENCES });
}

/** Writes snapshots/<cohort>/<date>.json for each snapshot under `dir`. */
export async function writeSnapshots(dir: string, snapshots: readonly Snapshot[]): Promise<void> {
  const folder = path.join(dir, "snapshots", COHORT);
  await mkdir(folder, { recursive: true });
  for (const s of snapshots) await writeFile(path.join(folder, `${s.asOf.slice(0, 10)}.json`), serializeSnapshot(s));
}

/**
 * A project folder: snapshots/<cohort>/<date>.json for each snapshot and config/ holding the config
 * (the fixture's by default; with `config: false`, config/ is left empty). Returns the folder.
 */
export async function projectDir(snapshots: readonly Snapshot[], config: FixtureConfig | false = fixtureConfig()): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-report-"));
  await writeSnapshots(dir, snapshots);
  await mkdir(path.join(dir, "config"));
  if (config !== false) await writeFixtureConfig(path.join(dir, "config"), config);
  return dir;
}

/**
 * A fast, conservative check of a snapshot's shape: true only when the zod schema (schema.ts) would
 * accept the data AND would give it back unchanged (keys already in the schema's order, no default to
 * fill in), so that the data can be used, and serialized, as is. False means "not known to be so":
 * the caller then runs the zod schema, which gives the verdict and the messages. So the result of
 * reading or writing a snapshot never depends on this check, only its speed does.
 *
 * Why: zod takes ~30 ms per snapshot of 1,000 projects (most of it in the ratings' unions and the
 * score records), this ~1 ms; a year of daily snapshots is read by history, export and report.
 *
 * It mirrors schema.ts, config/ratings.ts and config/criteria.ts by hand (the rubric, one per file, is
 * checked by zod itself). SHAPES_MATCH below compares its field lists with the zod schemas' at load:
 * when schema.ts gains or loses a field, the fast check turns itself off (every snapshot goes through
 * zod) until this file is updated, and tests/snapshot/check.test.ts fails to say so.
 */
import { CRITERIA } from "../config/criteria.js";
import { Ratings } from "../config/ratings.js";
import { Rubric } from "../config/rubric.js";
import { CriterionScore, Issue, ProjectSnapshot, ProjectSources, Raw, Requests, SCHEMA_VERSION, Scores, Snapshot } from "./schema.js";

/** Each strict object's fields in schema order; `?` marks an optional one. */
const FIELDS = {
  snapshot: ["schemaVersion", "cohort", "asOf", "generatedAt", "tool", "rubric", "windowDays", "requests", "projects"],
  tool: ["name", "version"],
  requests: ["github", "githubSearch", "githubGraphql?", "stackExchange"],
  project: ["id", "name", "sources", "raw", "ratings", "errors", "warnings", "scores"],
  sources: ["repository", "stackOverflowTags", "repositoryQuery", "numericsRepository?"],
  raw: [
    "lastCommitAt",
    "mergedPullRequests",
    "repositoryCount",
    "stackOverflowQuestions",
    "stars",
    "forks",
    "openIssues",
    "archived",
    "numericsLastCommitAt?",
    "numericsMergedPullRequests?",
  ],
  issue: ["field", "message"],
  scores: ["criteria", "categories", "overall", "rank", "tier"],
  criterionScore: ["value", "normalized"],
  ratings: ["sponsor?", "documentation?", "graph?", "numerics?", "ops?", "languages?", "scalability?", "os?", "aws?", "onnx?"],
  numerics: ["maturity", "easeOfUse"],
} as const;

interface Shape {
  keys: readonly string[];
  required: readonly boolean[];
}

function shape(fields: readonly string[]): Shape {
  return { keys: fields.map((f) => f.replace(/\?$/, "")), required: fields.map((f) => !f.endsWith("?")) };
}

const SHAPE = Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [k, shape(v)])) as Record<keyof typeof FIELDS, Shape>;

/** The zod schemas the lists above mirror, to compare field names and optionality. */
function zodFields(schema: { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }): string[] {
  return Object.entries(schema.shape).map(([key, s]) => (s.safeParse(undefined).success ? `${key}?` : key));
}

/** Whether this file's field lists are those of schema.ts (see the header). */
export function shapeMismatches(): string[] {
  const pairs: [string, readonly string[], string[]][] = [
    ["Snapshot", FIELDS.snapshot, zodFields(Snapshot)],
    ["Snapshot.tool", FIELDS.tool, zodFields(Snapshot.shape.tool)],
    ["Requests", FIELDS.requests, zodFields(Requests)],
    ["ProjectSnapshot", FIELDS.project, zodFields(ProjectSnapshot)],
    ["ProjectSources", FIELDS.sources, zodFields(ProjectSources)],
    ["Raw", FIELDS.raw, zodFields(Raw)],
    ["Issue", FIELDS.issue, zodFields(Issue)],
    ["Scores", FIELDS.scores, zodFields(Scores)],
    ["CriterionScore", FIELDS.criterionScore, zodFields(CriterionScore)],
    ["Ratings", FIELDS.ratings, zodFields(Ratings)],
  ];
  return pairs.filter(([, mine, theirs]) => mine.join() !== theirs.join()).map(([name, mine, theirs]) => `${name}: check.ts has ${mine.join(", ")}; schema has ${theirs.join(", ")}`);
}

const SHAPES_MATCH = shapeMismatches().length === 0 && SCHEMA_VERSION === 1;

type Obj = Record<string, unknown>;

function isPlain(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * The object's own keys are a subsequence of the shape's (so in schema order, none unknown) holding
 * every required one. A key whose value is undefined counts as absent only where it is optional.
 */
function keysInOrder(o: Obj, s: Shape): boolean {
  let at = 0;
  for (const key in o) {
    while (at < s.keys.length && s.keys[at] !== key) {
      if (s.required[at]) return false;
      at++;
    }
    if (at === s.keys.length) return false;
    if (o[key] === undefined && s.required[at]) return false;
    at++;
  }
  for (; at < s.keys.length; at++) if (s.required[at]) return false;
  return true;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isUnit = (v: unknown): boolean => typeof v === "number" && v >= 0 && v <= 1;
const isPositiveInt = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/** zod's z.iso.datetime({ offset: true }) pattern (zod 4), as the schema checks it. */
const ISO =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const isInstant = (v: unknown): boolean => typeof v === "string" && ISO.test(v);

/**
 * A plain object usable as a record: zod copies a record key by key into a new object, where an own
 * "__proto__" key (JSON.parse makes one) would not survive.
 */
const isRecord = (v: unknown): v is Obj => isPlain(v) && !Object.hasOwn(v, "__proto__");

function isStrings(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const s of v) if (typeof s !== "string") return false;
  return true;
}

function isIssues(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const i of v) if (!isPlain(i) || !keysInOrder(i, SHAPE.issue) || !isString(i.field) || !isString(i.message)) return false;
  return true;
}

function isSources(v: unknown): boolean {
  return (
    isPlain(v) &&
    keysInOrder(v, SHAPE.sources) &&
    isString(v.repository) &&
    isStrings(v.stackOverflowTags) &&
    isString(v.repositoryQuery) &&
    (v.numericsRepository === undefined || isString(v.numericsRepository))
  );
}

function isRaw(v: unknown): boolean {
  if (!isPlain(v) || !keysInOrder(v, SHAPE.raw)) return false;
  const countOrNull = (x: unknown) => x === null || isCount(x);
  const instantOrNull = (x: unknown) => x === null || isInstant(x);
  return (
    instantOrNull(v.lastCommitAt) &&
    countOrNull(v.mergedPullRequests) &&
    countOrNull(v.repositoryCount) &&
    countOrNull(v.stackOverflowQuestions) &&
    countOrNull(v.stars) &&
    countOrNull(v.forks) &&
    countOrNull(v.openIssues) &&
    (v.archived === null || typeof v.archived === "boolean") &&
    (v.numericsLastCommitAt === undefined || instantOrNull(v.numericsLastCommitAt)) &&
    (v.numericsMergedPullRequests === undefined || countOrNull(v.numericsMergedPullRequests))
  );
}

/** A whole number from 0 (or 1) to max: the rating scales. */
const scale = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const between = (v: unknown, min: number, max: number) => isNumber(v) && v >= min && v <= max;

/** Strings, none empty, none twice (os is a handful). */
function isDistinctNames(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== "string" || s === "") return false;
    for (let j = 0; j < i; j++) if (v[j] === s) return false;
  }
  return true;
}

/** config/ratings.ts's rules: every rating optional, each on its scale. */
function isRatings(v: unknown): boolean {
  if (!isPlain(v) || !keysInOrder(v, SHAPE.ratings)) return false;
  const { sponsor, documentation, graph, numerics, ops, languages, scalability, os, aws, onnx } = v;
  if (sponsor !== undefined && !scale(sponsor, 0, 2)) return false;
  if (documentation !== undefined && !scale(documentation, 1, 3)) return false;
  if (graph !== undefined && !scale(graph, 0, 2)) return false;
  if (numerics !== undefined) {
    if (!isPlain(numerics) || !keysInOrder(numerics, SHAPE.numerics) || !between(numerics.maturity, 0, 5) || !between(numerics.easeOfUse, 0, 5)) return false;
  }
  if (ops !== undefined) {
    if (typeof ops === "number") {
      if (!(ops >= 0 && Number.isInteger(ops * 2))) return false;
    } else {
      if (!isRecord(ops)) return false;
      // for...in rather than Object.values: nothing allocated (a plain object inherits no enumerable key).
      for (const k in ops) {
        const x = ops[k];
        if (!(x === 0 || x === 0.5 || x === 1)) return false;
      }
    }
  }
  if (languages !== undefined) {
    if (!isRecord(languages) || Object.hasOwn(languages, "")) return false;
    for (const k in languages) if (!between(languages[k], 0, 1)) return false;
  }
  if (scalability !== undefined && !scale(scalability, 0, 2)) return false;
  if (os !== undefined && !isDistinctNames(os)) return false;
  if (aws !== undefined && !scale(aws, 0, 3)) return false;
  if (onnx !== undefined && !scale(onnx, 0, 2)) return false;
  return true;
}

const CRITERION = new Set<string>(CRITERIA);

function isScores(v: unknown): boolean {
  if (!isPlain(v) || !keysInOrder(v, SHAPE.scores)) return false;
  const { criteria, categories } = v;
  if (!isPlain(criteria)) return false;
  for (const id in criteria) {
    const c = criteria[id];
    if (!CRITERION.has(id) || !isPlain(c) || !keysInOrder(c, SHAPE.criterionScore) || !isNumber(c.value) || !isUnit(c.normalized)) return false;
  }
  if (!isRecord(categories)) return false;
  for (const id in categories) {
    const x = categories[id];
    if (!(x === null || isUnit(x))) return false;
  }
  return (v.overall === null || isUnit(v.overall)) && isPositiveInt(v.rank) && (v.tier === null || isPositiveInt(v.tier));
}

function isProject(p: unknown): boolean {
  return (
    isPlain(p) &&
    keysInOrder(p, SHAPE.project) &&
    isString(p.id) &&
    isString(p.name) &&
    isSources(p.sources) &&
    isRaw(p.raw) &&
    isRatings(p.ratings) &&
    isIssues(p.errors) &&
    isIssues(p.warnings) &&
    isScores(p.scores)
  );
}

/** The last rubric found valid and unchanged by zod, by its JSON: every snapshot of a history has the same few. */
const rubricsSeen = new Set<string>();

function isRubric(v: unknown): boolean {
  if (!isPlain(v)) return false;
  const text = JSON.stringify(v);
  if (rubricsSeen.has(text)) return true;
  const result = Rubric.safeParse(v);
  if (!result.success || JSON.stringify(result.data) !== text) return false;
  if (rubricsSeen.size > 16) rubricsSeen.clear();
  rubricsSeen.add(text);
  return true;
}

/** The fast check of a part: true when zod would accept it unchanged as that part of a snapshot. */
export const isCanonicalPart = {
  rubric: (v: unknown): boolean => SHAPES_MATCH && isRubric(v),
  ratings: (v: unknown): boolean => SHAPES_MATCH && isRatings(v),
  scores: (v: unknown): boolean => SHAPES_MATCH && isScores(v),
};

/**
 * True when `data` is a valid snapshot of the current schema version that zod would return unchanged
 * (see the header); false when not known to be so.
 */
export function isCanonicalSnapshot(data: unknown): data is Snapshot {
  if (!SHAPES_MATCH || !isPlain(data) || !keysInOrder(data, SHAPE.snapshot)) return false;
  const { tool, requests, projects } = data;
  if (
    data.schemaVersion !== SCHEMA_VERSION ||
    !isString(data.cohort) ||
    !isInstant(data.asOf) ||
    !isInstant(data.generatedAt) ||
    !isPlain(tool) ||
    !keysInOrder(tool, SHAPE.tool) ||
    !isString(tool.name) ||
    !isString(tool.version) ||
    !isPositiveInt(data.windowDays) ||
    !isPlain(requests) ||
    !keysInOrder(requests, SHAPE.requests) ||
    !isCount(requests.github) ||
    !isCount(requests.githubSearch) ||
    (requests.githubGraphql !== undefined && !isCount(requests.githubGraphql)) ||
    !isCount(requests.stackExchange) ||
    !Array.isArray(projects)
  ) {
    return false;
  }
  for (const p of projects) if (!isProject(p)) return false;
  return isRubric(data.rubric);
}

/**
 * Whether JSON.stringify would write `a` and `b` the same, for plain data (objects, arrays, strings,
 * numbers, booleans, null): the same keys in the same order and equal values. Shared parts are not
 * walked, so comparing a snapshot with a re-scored copy of it costs only what was replaced.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return !Number.isFinite(a) && !Number.isFinite(b); // both written as null
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Obj;
  const y = b as Obj;
  // The keys JSON writes (undefined values are left out), in order, side by side.
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < kx.length && x[kx[i]!] === undefined) i++;
    while (j < ky.length && y[ky[j]!] === undefined) j++;
    if (i === kx.length || j === ky.length) return i === kx.length && j === ky.length;
    if (kx[i] !== ky[j] || !sameJson(x[kx[i]!], y[ky[j]!])) return false;
    i++;
    j++;
  }
}

import type { Rubric } from "../config/rubric.js";
import type { CohortScores } from "../score/index.js";
import type { ScoredProject } from "../score/types.js";
import { RAW_FIELDS, type ProjectFacts, type RawField } from "../snapshot/schema.js";

/**
 * The names of the numbers a snapshot holds for each project, shared by `history --metric`, the
 * columns of `export` and the metric column of `export --long`:
 *
 *   overall, rank, tier          the project's standing
 *   <category id>                a category score (e.g. community)
 *   <criterion id>               a criterion's normalized score (e.g. activity); also <id>.normalized
 *   <criterion id>.value         a criterion's value before normalization (e.g. activity.value)
 *   <raw field>                  a fetched figure (e.g. stars, mergedPullRequests, lastCommitAt)
 *
 * Standing names win over raw fields, raw fields over criteria, criteria over categories.
 */
export type Metric =
  | { name: string; kind: "overall" | "rank" | "tier" }
  | { name: string; kind: "category"; category: string }
  | { name: string; kind: "criterion"; criterion: string; part: "value" | "normalized" }
  | { name: string; kind: "figure"; field: RawField };

export type MetricValue = number | string | boolean | null;

const STANDING = ["rank", "tier", "overall"] as const;

/** The category ids of any of the rubrics, in first-seen order. */
export function categoryIds(rubrics: Iterable<Rubric>): string[] {
  const ids = new Set<string>();
  for (const r of rubrics) for (const c of r.categories) ids.add(c.id);
  return [...ids];
}

/** The criterion ids of any of the rubrics, in first-seen order. */
export function criterionIds(rubrics: Iterable<Rubric>): string[] {
  const ids = new Set<string>();
  for (const r of rubrics) for (const c of r.categories) for (const k of c.criteria) ids.add(k.id);
  return [...ids];
}

/** The metric a name means, or undefined. `categories`, `criteria`: the ids that exist. */
export function resolveMetric(name: string, categories: readonly string[], criteria: readonly string[]): Metric | undefined {
  if ((STANDING as readonly string[]).includes(name)) return { name, kind: name as (typeof STANDING)[number] };
  if ((RAW_FIELDS as readonly string[]).includes(name)) return { name, kind: "figure", field: name as RawField };
  const [head, part, ...rest] = name.split(".");
  if (rest.length === 0 && criteria.includes(head!) && (part === undefined || part === "value" || part === "normalized")) {
    return { name, kind: "criterion", criterion: head!, part: part === "value" ? "value" : "normalized" };
  }
  if (categories.includes(name)) return { name, kind: "category", category: name };
  return undefined;
}

/** Every metric name, for messages: standing, categories, criteria, figures. */
export function metricNames(categories: readonly string[], criteria: readonly string[]): string[] {
  return [...STANDING, ...categories, ...criteria.flatMap((c) => [c, `${c}.value`]), ...RAW_FIELDS];
}

/** A project's value of a metric: null when it has none (no score, no rating, a figure not fetched). */
export function metricValue(p: ScoredProject, m: Metric): MetricValue {
  switch (m.kind) {
    case "overall":
      return p.scores.overall;
    case "rank":
      return p.scores.rank;
    case "tier":
      return p.scores.tier;
    case "category":
      return p.scores.categories[m.category] ?? null;
    case "criterion":
      return p.scores.criteria[m.criterion]?.[m.part] ?? null;
    case "figure":
      return p.raw[m.field] ?? null;
  }
}

/** Where a metric's values lie in a snapshot's score columns, found once per snapshot (see columnValue). */
export interface MetricColumn {
  kind: Metric["kind"];
  /** Scores by input position; undefined: the rubric has no such category or criterion. */
  numbers?: Float64Array | Int32Array;
  field?: RawField;
}

export function metricColumn(scores: CohortScores, m: Metric): MetricColumn {
  switch (m.kind) {
    case "overall":
      return { kind: m.kind, numbers: scores.overall };
    case "rank":
      return { kind: m.kind, numbers: scores.rank };
    case "tier":
      return { kind: m.kind, numbers: scores.tier };
    case "category":
      return { kind: m.kind, numbers: scores.categories.find((c) => c.id === m.category)?.score };
    case "criterion": {
      const c = scores.criteria.find((k) => k.id === m.criterion);
      return { kind: m.kind, numbers: c?.[m.part] };
    }
    case "figure":
      return { kind: m.kind, field: m.field };
  }
}

/** metricValue of the project at input position i of the columns (`facts` is that project's). */
export function columnValue(c: MetricColumn, facts: ProjectFacts, i: number): MetricValue {
  if (c.kind === "figure") return facts.raw[c.field!] ?? null;
  if (c.numbers === undefined) return null;
  const v = c.numbers[i]!;
  return c.kind === "tier" ? (v === 0 ? null : v) : Number.isNaN(v) ? null : v;
}

/**
 * The columns of one snapshot, in order: rank, tier, overall, each category of its rubric, each
 * criterion's value and normalized score (rubric order), each raw figure.
 */
export function snapshotMetrics(rubric: Rubric): Metric[] {
  const metrics: Metric[] = STANDING.map((name) => ({ name, kind: name }));
  for (const c of rubric.categories) metrics.push({ name: c.id, kind: "category", category: c.id });
  for (const c of rubric.categories) {
    for (const k of c.criteria) {
      metrics.push({ name: `${k.id}.value`, kind: "criterion", criterion: k.id, part: "value" });
      metrics.push({ name: `${k.id}.normalized`, kind: "criterion", criterion: k.id, part: "normalized" });
    }
  }
  for (const field of RAW_FIELDS) metrics.push({ name: field, kind: "figure", field });
  return metrics;
}

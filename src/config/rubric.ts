import { z } from "zod";
import { SLUG } from "../slug.js";
import { figuresOf, parseExpression, ExpressionError, type Expr, type FigureType } from "../rubric/expression.js";
import { LEGACY_CRITERIA } from "./legacy-criteria.js";
import { EXPRESSION_NAMES, FIGURE_TYPES, REPOSITORY_FIGURES } from "./figures.js";

const weight = z.custom<number>((w) => typeof w === "number" && Number.isFinite(w) && w >= 0, {
  error: (i) => `expected a finite number >= 0, got ${typeof i.input === "number" ? String(i.input) : JSON.stringify(i.input)}`,
});
/** A criterion's weight may be negative (criticality_score weighs time since the last update -1). */
const signedWeight = z.custom<number>((w) => typeof w === "number" && Number.isFinite(w), {
  error: (i) => `expected a finite number, got ${typeof i.input === "number" ? String(i.input) : JSON.stringify(i.input)}`,
});
const positive = (what: string) =>
  z.custom<number>((v) => typeof v === "number" && Number.isFinite(v) && v > 0, { error: (i) => `expected ${what} (a number > 0), got ${JSON.stringify(i.input)}` });

/**
 * How a criterion's value becomes a score in [0, 1]:
 *   fixed (or its old name scale)  (value - min) / (max - min), min 0 unless given
 *   cohortMax                      value / the cohort's largest value (0 when that is 0)
 *   threshold                      log(1 + value) / log(1 + max(value, threshold)), criticality_score's form
 *   percentile                     the share of the cohort's other values below it (ties count half)
 */
export const Normalization = z.discriminatedUnion(
  "by",
  [
    z.strictObject({ by: z.literal("fixed"), max: z.number({ error: "fixed needs max: the top of the scale" }), min: z.number().optional() }),
    z.strictObject({ by: z.literal("scale"), max: positive("max, the top of the scale") }),
    z.strictObject({ by: z.literal("cohortMax") }),
    z.strictObject({ by: z.literal("threshold"), threshold: positive("threshold: the value from which a criterion scores 1") }),
    z.strictObject({ by: z.literal("percentile") }),
  ],
  { error: (i) => `expected fixed, cohortMax, threshold or percentile, got ${JSON.stringify((i.input as { by?: unknown } | undefined)?.by ?? i.input)}` },
);

export const KINDS = ["rating", "checklist", "weightedSet", "list", "metric", "composite"] as const;
export type Kind = (typeof KINDS)[number];

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const id = z.string().regex(ID, { error: (i) => `expected a name of letters, digits, - and _ starting with a letter, got ${JSON.stringify(i.input)}` });

export const ChecklistItem = z.strictObject({
  id: z.string().regex(SLUG, "expected a lowercase slug such as conv2d"),
  why: z.string().min(1),
});

/** A hand rating's scale: every value from min to max (in steps of `step` when given), or only the labelled ones. */
export const Scale = z.strictObject({
  min: z.number(),
  max: z.number(),
  step: positive("step").optional(),
  labels: z.record(z.string(), z.string().min(1)).optional(),
});
export type Scale = z.infer<typeof Scale>;

/** The fields a criterion of each kind takes, shared by composite parts (which have no weight or normalization). */
const kindFields = {
  name: z.string().min(1).optional(),
  /** What the value is, in one line, for the report and explain. */
  description: z.string().min(1).optional(),
  kind: z.enum(KINDS, { error: (i) => `expected kind: ${KINDS.join(", ")}, got ${JSON.stringify(i.input)}` }).optional(),
  /** rating: its scale. */
  scale: Scale.optional(),
  /** checklist: the sample of items each project is checked against (`sample`: its name in rubric version 1). */
  items: z.array(ChecklistItem).optional(),
  sample: z.array(ChecklistItem).optional(),
  /** metric: an expression over the raw figures. */
  expression: z.string().min(1).optional(),
  /** metric: read the figures of another repository of the project (numerics: its numerics library's, when it has one). */
  repository: z.enum(Object.keys(REPOSITORY_FIGURES) as [string, ...string[]], { error: (i) => `expected repository: ${Object.keys(REPOSITORY_FIGURES).join(", ")}, got ${JSON.stringify(i.input)}` }).optional(),
};

export const Part = z.strictObject({ id, ...kindFields });
export type Part = z.infer<typeof Part>;

export const Criterion = z.strictObject({
  id,
  ...kindFields,
  weight: signedWeight.default(1),
  normalize: Normalization,
  direction: z.enum(["higher", "lower"], { error: "expected direction: higher or lower (which is better)" }).optional(),
  /** Overrides the rubric's `missing` for this criterion. */
  missing: z.enum(["skip", "zero"], { error: "expected missing: skip or zero" }).optional(),
  /** composite: the parts summed, in order. */
  parts: z.array(Part).min(1).optional(),
});

export const Category = z.strictObject({
  id: z.string().regex(SLUG, "expected a lowercase slug such as community"),
  name: z.string().min(1),
  weight: weight.default(1),
  criteria: z.array(Criterion).min(1),
});

export const Rubric = z
  .strictObject({
    version: z.number().int().positive(),
    name: z.string().min(1),
    description: z.string().min(1).optional(),
    /** A criterion a project has no value for: left out of its category's mean (skip), or counted 0. */
    missing: z.enum(["skip", "zero"], { error: "expected missing: skip or zero" }).optional(),
    /**
     * A project with no criterion at all in some category: no overall score (unscored, ranked after
     * every scored project), or the mean of the categories it has (partial).
     */
    incomplete: z.enum(["unscored", "partial"], { error: "expected incomplete: unscored or partial" }).optional(),
    /** Where each figure or formula comes from: one line per criterion or note. */
    sources: z.record(z.string(), z.string().min(1)).optional(),
    categories: z.array(Category).min(1),
  })
  .superRefine((rubric, ctx) => {
    for (const p of rubricProblems(rubric)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  });

export type Rubric = z.infer<typeof Rubric>;
export type Criterion = z.infer<typeof Criterion>;
export type Normalization = z.infer<typeof Normalization>;

/** A criterion or part with its kind known (a version 1 criterion takes its declaration from LEGACY_CRITERIA). */
export interface Declared {
  id: string;
  kind: Kind;
  name?: string;
  description?: string;
  scale?: Scale;
  items?: { id: string; why: string }[];
  expression?: string;
  repository?: string;
  parts?: Declared[];
}

export interface DeclaredCriterion extends Declared {
  weight: number;
  normalize: Normalization;
  direction: "higher" | "lower";
  missing: "skip" | "zero";
  category: string;
}

/** A part or criterion as declared, from its own fields or, without a kind, the legacy table. */
export function declared(c: Part | Criterion): Declared {
  const legacy = c.kind === undefined ? LEGACY_CRITERIA[c.id] : undefined;
  const base = (legacy ?? c) as Part;
  const items = c.items ?? c.sample ?? base.items;
  const out: Declared = { id: c.id, kind: base.kind! };
  if (c.name ?? base.name) out.name = c.name ?? base.name;
  if (c.description ?? base.description) out.description = c.description ?? base.description;
  if (c.scale ?? base.scale) out.scale = c.scale ?? base.scale;
  if (items) out.items = items;
  if (c.expression ?? base.expression) out.expression = c.expression ?? base.expression;
  if (c.repository ?? base.repository) out.repository = c.repository ?? base.repository;
  const parts = (c as Criterion).parts ?? (base as Criterion).parts;
  if (parts) out.parts = parts.map(declared);
  return out;
}

const declaredCache = new WeakMap<object, DeclaredCriterion[]>();

/** Every criterion of a rubric, declared, in rubric order (category by category). */
export function declaredCriteria(rubric: Rubric): DeclaredCriterion[] {
  let out = declaredCache.get(rubric);
  if (out) return out;
  out = [];
  for (const category of rubric.categories) {
    for (const c of category.criteria) {
      out.push({ ...declared(c), weight: c.weight ?? 1, normalize: c.normalize, direction: c.direction ?? "higher", missing: c.missing ?? rubric.missing ?? "skip", category: category.id });
    }
  }
  declaredCache.set(rubric, out);
  return out;
}

/** A rubric in showdown 0.1's form: every criterion named from the built-in list, none with a kind. */
export function isLegacyForm(rubric: Rubric): boolean {
  return rubric.categories.every((c) => c.criteria.every((k) => k.kind === undefined));
}

/** Kinds whose value comes from the cohort file, by hand (a composite when any of its parts does). */
export function isRated(d: Declared): boolean {
  return d.kind === "metric" ? false : d.kind === "composite" ? (d.parts ?? []).some(isRated) : true;
}

/** The criteria of a rubric rated by hand in the cohort file. */
export function ratedCriteria(rubric: Rubric): DeclaredCriterion[] {
  return declaredCriteria(rubric).filter(isRated);
}

/** The figure catalogue a metric of a repository reads: its own figures, or those another repository maps them to. */
function figuresFor(repository: string | undefined, figures: Readonly<Record<string, FigureType>>): Record<string, FigureType> {
  if (repository === undefined) return figures as Record<string, FigureType>;
  const mapped: Record<string, FigureType> = {};
  for (const [own, other] of Object.entries(REPOSITORY_FIGURES[repository] ?? {})) if (figures[other] !== undefined) mapped[own] = figures[other];
  if (figures.windowDays !== undefined) mapped.windowDays = figures.windowDays;
  return mapped;
}

/** The parsed expression of a metric, checked against the figures; throws ExpressionError. */
export function metricExpression(d: Declared, figures: Readonly<Record<string, FigureType>> = EXPRESSION_NAMES): Expr {
  return parseExpression(d.expression ?? "", figuresFor(d.repository, figures));
}

function metricsOf(d: Declared): Declared[] {
  return d.kind === "metric" ? [d] : d.kind === "composite" ? (d.parts ?? []).flatMap(metricsOf) : [];
}

/**
 * The raw figures a rubric's metrics read (a metric of another repository: that repository's figures
 * as well as the project's own, which stand in when the project has no such repository). What a cohort
 * needs fetched; figures of an expression that does not parse are left out (validate reports it).
 */
export function rubricFigures(rubric: Rubric, figures: Readonly<Record<string, FigureType>> = EXPRESSION_NAMES): Set<string> {
  const used = new Set<string>();
  for (const c of declaredCriteria(rubric)) {
    for (const m of metricsOf(c)) {
      let names: Set<string>;
      try {
        names = figuresOf(metricExpression(m, figures));
      } catch {
        continue;
      }
      for (const name of names) {
        if (figures === EXPRESSION_NAMES && FIGURE_TYPES[name] === undefined) continue; // windowDays: the snapshot's, not fetched
        used.add(name);
        const other = m.repository === undefined ? undefined : REPOSITORY_FIGURES[m.repository]?.[name];
        if (other !== undefined) used.add(other);
      }
    }
  }
  return used;
}

/** The items of a rubric's checklist criterion (Coveo's ops sample), or [] when it has none. */
export function checklistItems(rubric: Rubric, criterion = "ops"): string[] {
  const c = declaredCriteria(rubric).find((k) => k.id === criterion && k.kind === "checklist");
  return (c?.items ?? []).map((s) => s.id);
}

/** Keys of a project entry that are not ratings, so no criterion may take their names. */
export const PROJECT_KEYS = ["id", "name", "repository", "stackOverflowTags", "repositoryQuery", "numericsRepository", "sources", "notes", "landing", "tags"];
const RESERVED = new Set([...PROJECT_KEYS, "rank", "tier", "overall"]);

interface RawProblem {
  path: (string | number)[];
  message: string;
}

/** What each kind needs and forbids, for one criterion or part. */
function kindProblems(c: Part & { parts?: Part[] }, path: (string | number)[], isPart: boolean): RawProblem[] {
  const out: RawProblem[] = [];
  if (c.kind === undefined) {
    const legacy = isPart ? undefined : LEGACY_CRITERIA[c.id];
    if (legacy !== undefined) {
      // showdown 0.1's form: only ops takes (and needs) its sample.
      const sample = c.items ?? c.sample;
      if (legacy.kind === "checklist" && (sample ?? []).length === 0) out.push({ path: [...path, "sample"], message: `${c.id} needs the sample of items it is rated against` });
      if (legacy.kind !== "checklist" && sample !== undefined) out.push({ path: [...path, c.items ? "items" : "sample"], message: `only a checklist takes items; ${c.id} is a ${legacy.kind}` });
      return out;
    }
    out.push({ path: [...path, "kind"], message: `criterion ${c.id} needs a kind: ${KINDS.join(", ")} (see docs/rubric.md)` });
    return out;
  }
  const only: Record<Kind, string[]> = { rating: ["scale"], checklist: ["items", "sample"], weightedSet: [], list: [], metric: ["expression", "repository"], composite: ["parts"] };
  for (const field of ["scale", "items", "sample", "expression", "repository", "parts"] as const) {
    if (c[field as keyof typeof c] !== undefined && !only[c.kind].includes(field)) out.push({ path: [...path, field], message: `a ${c.kind} takes no ${field}; remove it (or change kind)` });
  }
  if (c.kind === "rating") {
    if (c.scale === undefined) out.push({ path: [...path, "scale"], message: "a rating needs its scale, e.g. scale: { min: 0, max: 2 }" });
    else {
      if (!(c.scale.max > c.scale.min)) out.push({ path: [...path, "scale"], message: `max (${c.scale.max}) must be above min (${c.scale.min})` });
      for (const key of Object.keys(c.scale.labels ?? {})) {
        const v = Number(key);
        if (key.trim() === "" || !Number.isFinite(v) || v < c.scale.min || v > c.scale.max) out.push({ path: [...path, "scale", "labels", key], message: `a label's key is a value of the scale, from ${c.scale.min} to ${c.scale.max}` });
      }
    }
  }
  if (c.kind === "checklist") {
    const items = c.items ?? c.sample ?? [];
    if (items.length === 0) out.push({ path: [...path, "items"], message: "a checklist needs the items it is rated against, e.g. items: [{ id: conv2d, why: ... }]" });
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) out.push({ path: [...path, c.items ? "items" : "sample", i, "id"], message: `item ${item.id} is listed twice` });
      seen.add(item.id);
    });
  }
  if (c.kind === "metric") {
    if (c.expression === undefined) out.push({ path: [...path, "expression"], message: "a metric needs an expression over the figures, e.g. log10(1 + stars)" });
    else {
      try {
        metricExpression(declared(c));
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        out.push({ path: [...path, "expression"], message: error.message });
      }
    }
  }
  if (c.kind === "composite") {
    if (isPart) out.push({ path: [...path, "kind"], message: "a composite's part cannot be a composite" });
    else if (c.parts === undefined) out.push({ path: [...path, "parts"], message: "a composite needs its parts, e.g. two ratings and a metric" });
    else {
      const seen = new Set<string>();
      c.parts.forEach((part, i) => {
        if (seen.has(part.id)) out.push({ path: [...path, "parts", i, "id"], message: `part ${part.id} appears twice` });
        seen.add(part.id);
        out.push(...kindProblems(part, [...path, "parts", i], true));
      });
    }
  }
  return out;
}

/** The checks that need the whole rubric: unique ids, each criterion's kind fields and normalization. */
export function rubricProblems(rubric: z.infer<typeof Rubric> | Rubric): RawProblem[] {
  const out: RawProblem[] = [];
  const seenCategory = new Set<string>();
  const seenCriterion = new Set<string>();
  rubric.categories.forEach((category, ci) => {
    if (seenCategory.has(category.id)) out.push({ path: ["categories", ci, "id"], message: `duplicate category ${category.id}` });
    seenCategory.add(category.id);
    let weights = 0;
    category.criteria.forEach((criterion, ki) => {
      const path = ["categories", ci, "criteria", ki];
      weights += criterion.weight ?? 1;
      if (seenCriterion.has(criterion.id)) out.push({ path: [...path, "id"], message: `criterion ${criterion.id} appears twice; a criterion belongs to one category` });
      seenCriterion.add(criterion.id);
      if (RESERVED.has(criterion.id) || EXPRESSION_NAMES[criterion.id] !== undefined) out.push({ path: [...path, "id"], message: `${criterion.id} is already the name of a project field, a figure or a standing; name the criterion differently (e.g. ${criterion.id}Score)` });
      const problems = kindProblems(criterion as Part & { parts?: Part[] }, path, false);
      out.push(...problems);
      if (problems.length > 0) return;
      const d = declared(criterion);
      if (criterion.normalize.by === "fixed" && !(criterion.normalize.max > (criterion.normalize.min ?? 0))) {
        out.push({ path: [...path, "normalize", "max"], message: `max (${criterion.normalize.max}) must be above min (${criterion.normalize.min ?? 0})` });
      }
      // Units: a fixed scale must hold every value the rating or checklist can take.
      const by = criterion.normalize;
      const top = d.kind === "rating" ? d.scale!.max : d.kind === "checklist" ? d.items!.length : undefined;
      if (top !== undefined && (by.by === "fixed" || by.by === "scale") && by.max < top && criterion.kind !== undefined) {
        out.push({ path: [...path, "normalize", "max"], message: `${by.max} is below the top of ${criterion.id}'s ${d.kind === "rating" ? "scale" : "items"} (${top}): every value above would score 1; use max: ${top}` });
      }
      if (d.kind === "rating" && by.by === "fixed" && (by.min ?? 0) > d.scale!.min) {
        out.push({ path: [...path, "normalize", "min"], message: `${by.min} is above the bottom of ${criterion.id}'s scale (${d.scale!.min}); use min: ${d.scale!.min} or leave it out` });
      }
      if (d.kind === "checklist" && (criterion.normalize.by === "fixed" || criterion.normalize.by === "scale") && criterion.normalize.max !== d.items!.length && criterion.kind === undefined) {
        out.push({ path: [...path, "normalize"], message: `ops is scored out of its sample: expected {by: scale, max: ${d.items!.length}}` });
      }
    });
    if (!(weights > 0)) out.push({ path: ["categories", ci, "criteria"], message: `the criteria's weights add up to ${weights}; they must add up to more than 0` });
  });
  return out;
}

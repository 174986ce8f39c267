import { declaredCriteria, metricExpression, type Declared, type DeclaredCriterion, type Rubric } from "../config/rubric.js";
import { EXPRESSION_NAMES, REPOSITORY_FIGURES } from "../config/figures.js";
import type { RatingValue, Ratings } from "../config/ratings.js";
import { evaluateColumns, figuresOf, type Expr, type FigureType } from "../rubric/expression.js";

/** What a criterion is computed from: one project's fetched figures and hand ratings (those in force at asOf). */
export interface CriterionInput {
  raw: Readonly<Record<string, unknown>>;
  ratings: Ratings;
  errors: readonly { field: string }[];
}

// Sums of a rating's entries, by the rating: every snapshot of a history is scored with the same
// config's ratings, and summing a 32-item checklist for 1,000 projects each time adds up.
const sums = new WeakMap<object, number>();

function sumOf(entries: Readonly<Record<string, number>>): number {
  let sum = sums.get(entries);
  if (sum === undefined) sums.set(entries, (sum = Object.values(entries).reduce((s, v) => s + v, 0)));
  return sum;
}

/** The number a hand rating of a kind stands for: the rating, the checklist's or set's sum, the list's length. */
export function ratingNumber(d: Declared, v: RatingValue | undefined): number {
  if (v === undefined) return NaN;
  switch (d.kind) {
    case "rating":
      return v as number;
    case "checklist":
      return typeof v === "number" ? v : sumOf(v as Record<string, number>);
    case "weightedSet":
      return sumOf(v as Record<string, number>);
    case "list":
      return (v as string[]).length;
    default:
      return NaN;
  }
}

/** A metric compiled once: its tree, and the figures it reads (mapped to another repository's, if it names one). */
interface CompiledMetric {
  expr: Expr;
  figures: string[];
  mapped?: Readonly<Record<string, string>>;
}

type Part = { d: Declared; metric?: CompiledMetric };

/** A criterion compiled once per rubric: how its value column is computed for a cohort at an asOf. */
export interface CompiledCriterion {
  d: DeclaredCriterion;
  parts: Part[];
}

function compileMetric(d: Declared, figures: Readonly<Record<string, FigureType>>): CompiledMetric {
  const expr = metricExpression(d, figures);
  const mapped = d.repository === undefined ? undefined : REPOSITORY_FIGURES[d.repository];
  return { expr, figures: [...figuresOf(expr)], ...(mapped ? { mapped } : {}) };
}

const compiled = new WeakMap<object, CompiledCriterion[]>();

/**
 * A rubric's criteria as column operations, compiled once (and kept for the rubric object): each
 * metric's expression parsed, each part in order. `figures`: the figures expressions may read.
 */
export function compileRubric(rubric: Rubric, figures: Readonly<Record<string, FigureType>> = EXPRESSION_NAMES): CompiledCriterion[] {
  const cached = figures === EXPRESSION_NAMES ? compiled.get(rubric) : undefined;
  if (cached) return cached;
  const out = declaredCriteria(rubric).map((d): CompiledCriterion => {
    const parts = d.kind === "composite" ? d.parts! : [d];
    return { d, parts: parts.map((p) => ({ d: p, ...(p.kind === "metric" ? { metric: compileMetric(p, figures) } : {}) })) };
  });
  if (figures === EXPRESSION_NAMES) compiled.set(rubric, out);
  return out;
}

/**
 * A figure's values over the cohort: a number as is (true: 1), a date as milliseconds. Missing (NaN):
 * a figure not fetched, or null because fetching it failed. A date that is null without an error is
 * known to be absent (no commit yet): -Infinity, so that weeksSince gives Infinity and 1/max(1, ·) 0.
 */
function figureColumn(inputs: readonly CriterionInput[], field: string, isDate: boolean): Float64Array {
  const out = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const v = input.raw[field];
    if (typeof v === "number") out[i] = v;
    else if (typeof v === "string") out[i] = Date.parse(v);
    else if (typeof v === "boolean") out[i] = v ? 1 : 0;
    else if (v === null && isDate && !input.errors.some((e) => e.field === field)) out[i] = -Infinity;
    else out[i] = NaN;
  }
  return out;
}

/** Figure columns of one cohort at one asOf, each built once however many metrics read it. */
export class FigureColumns {
  private readonly cache = new Map<string, Float64Array>();
  constructor(
    private readonly inputs: readonly CriterionInput[],
    private readonly types: Readonly<Record<string, FigureType>>,
    /** The snapshot's window, which expressions read as windowDays (NaN: unknown). */
    private readonly windowDays = NaN,
  ) {}

  get(field: string): Float64Array {
    let c = this.cache.get(field);
    if (c === undefined) {
      c = field === "windowDays" && this.types === EXPRESSION_NAMES ? new Float64Array(this.inputs.length).fill(this.windowDays) : figureColumn(this.inputs, field, this.types[field] === "date");
      this.cache.set(field, c);
    }
    return c;
  }

  /** The columns a metric of another repository reads: that repository's figures, or the project's own where it has none of them. */
  mapped(m: CompiledMetric): (name: string) => Float64Array {
    const map = m.mapped!;
    const own = new Uint8Array(this.inputs.length);
    for (let i = 0; i < this.inputs.length; i++) own[i] = m.figures.every((f) => this.inputs[i]!.raw[map[f] ?? f] === undefined) ? 1 : 0;
    return (name) => {
      const key = `${map[name]}|${name}`;
      let c = this.cache.get(key);
      if (c === undefined) {
        const theirs = this.get(map[name] ?? name);
        const mine = this.get(name);
        c = new Float64Array(this.inputs.length);
        for (let i = 0; i < c.length; i++) c[i] = own[i] ? mine[i]! : theirs[i]!;
        this.cache.set(key, c);
      }
      return c;
    };
  }
}

/** One criterion's values over the cohort (NaN: the project has none), its parts summed in order. */
export function criterionColumn(c: CompiledCriterion, inputs: readonly CriterionInput[], columns: FigureColumns, asOfMs: number): Float64Array {
  const n = inputs.length;
  const id = c.d.id;
  let total: Float64Array | undefined;
  for (const part of c.parts) {
    let values: Float64Array;
    if (part.metric) {
      values = evaluateColumns(part.metric.expr, n, part.metric.mapped ? columns.mapped(part.metric) : (f) => columns.get(f), asOfMs);
    } else {
      values = new Float64Array(n);
      const composite = c.d.kind === "composite";
      for (let i = 0; i < n; i++) {
        const r = inputs[i]!.ratings[id];
        values[i] = ratingNumber(part.d, composite ? (r as Record<string, number> | undefined)?.[part.d.id] : r);
      }
    }
    // A metric may return a shared figure column: the criterion's own column is a copy.
    if (total === undefined) total = part.metric ? values.slice() : values;
    else for (let i = 0; i < n; i++) total[i] = total[i]! + values[i]!;
  }
  return total!;
}

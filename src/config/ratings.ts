import type { Problem } from "../errors.js";
import { formatPath } from "./issues.js";
import type { Declared, Scale } from "./rubric.js";

/**
 * A project's hand ratings: criterion id -> its value, in the shape its kind takes:
 *   rating       a number on the criterion's scale
 *   checklist    item -> 1, 0.5 (trivial to write) or 0; or a count of items (halves allowed)
 *   weightedSet  entry -> its weight from 0 to 1
 *   list         the entries, each once
 *   composite    rated part -> its value
 * In the cohort file a rating may instead be a dated list (see DatedEntry); scoring reads the ratings
 * in force at a snapshot's asOf (ratingsAt), so these are plain values.
 */
export type RatingValue = number | string[] | Record<string, number>;
export type Ratings = Record<string, RatingValue>;

/** One entry of a dated rating: the value from the day it took effect (00:00 UTC), and why. */
export interface DatedEntry {
  value: RatingValue;
  from: string;
  source: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A dated list: a list of objects (a list kind's own value is a list of names). */
export function isDated(v: unknown): v is DatedEntry[] {
  return Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "object" && e !== null && !Array.isArray(e));
}

function list(values: readonly number[]): string {
  return values.length > 1 ? `${values.slice(0, -1).join(", ")} or ${values.at(-1)}` : String(values[0]);
}

/** The values a scale allows, when they are few enough to list (labels, or steps). */
function scaleValues(s: Scale): number[] | undefined {
  if (s.labels) return Object.keys(s.labels).map(Number).sort((a, b) => a - b);
  if (s.step === undefined) return undefined;
  const n = Math.round((s.max - s.min) / s.step);
  if (n > 10) return undefined;
  return Array.from({ length: n + 1 }, (_, i) => s.min + i * s.step!);
}

const shown = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));

function numberProblem(s: Scale, v: unknown): string | undefined {
  const allowed = scaleValues(s);
  if (allowed) return typeof v === "number" && allowed.includes(v) ? undefined : `expected ${list(allowed)}, got ${shown(v)}`;
  if (typeof v === "number" && Number.isFinite(v) && v >= s.min && v <= s.max) {
    if (s.step === undefined || Number.isInteger(Math.round(((v - s.min) / s.step) * 1e9) / 1e9)) return undefined;
    return `expected a number from ${s.min} to ${s.max} in steps of ${s.step}, got ${shown(v)}`;
  }
  return `expected a number from ${s.min} to ${s.max}, got ${shown(v)}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with one (undated) value of a criterion: [path below the value, message][]. */
function valueProblems(d: Declared, v: unknown): [(string | number)[], string][] {
  switch (d.kind) {
    case "rating": {
      const p = numberProblem(d.scale!, v);
      return p ? [[[], p]] : [];
    }
    case "checklist": {
      const items = (d.items ?? []).map((i) => i.id);
      if (typeof v === "number") {
        if (v >= 0 && Number.isInteger(v * 2) && v <= items.length) return [];
        return [[[], v > items.length ? `expected at most ${items.length} (the number of items of ${d.id}), got ${v}` : `expected a count of items in steps of 0.5, or a checklist, got ${v}`]];
      }
      if (!isRecord(v)) return [[[], `expected a checklist (item: 1, 0.5 or 0) or a count of items, got ${shown(v)}`]];
      const out: [(string | number)[], string][] = [];
      const known = new Set(items);
      for (const [item, x] of Object.entries(v)) {
        if (!known.has(item)) out.push([[item], `not in the rubric's ${d.id} items (known: ${items.join(", ")})`]);
        else if (x !== 0 && x !== 0.5 && x !== 1) out.push([[item], `expected 0, 0.5 or 1, got ${shown(x)}`]);
      }
      return out;
    }
    case "weightedSet": {
      if (!isRecord(v)) return [[[], `expected entries with a weight from 0 to 1 each, e.g. { python: 1, r: 0.5 }, got ${shown(v)}`]];
      const out: [(string | number)[], string][] = [];
      for (const [key, x] of Object.entries(v)) {
        if (key === "") out.push([[key], "an entry needs a name"]);
        else if (typeof x !== "number" || !(x >= 0 && x <= 1)) out.push([[key], `expected a number from 0 to 1, got ${shown(x)}`]);
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && x !== "")) return [[[], `expected a list of names, e.g. [linux, macos], got ${shown(v)}`]];
      return new Set(v).size === v.length ? [] : [[[], "lists an entry twice"]];
    }
    case "composite": {
      const rated = (d.parts ?? []).filter((p) => p.kind !== "metric");
      if (!isRecord(v)) return [[[], `expected the rated parts ${rated.map((p) => p.id).join(", ")}, e.g. { ${rated.map((p) => `${p.id}: 1`).join(", ")} }, got ${shown(v)}`]];
      const out: [(string | number)[], string][] = [];
      for (const part of rated) {
        if (v[part.id] === undefined) out.push([[part.id], `required: the ${part.id} part of ${d.id}`]);
        else for (const [path, message] of valueProblems(part, v[part.id])) out.push([[part.id, ...path], message]);
      }
      for (const key of Object.keys(v)) if (!rated.some((p) => p.id === key)) out.push([[key], `not a rated part of ${d.id} (parts: ${rated.map((p) => p.id).join(", ")})`]);
      return out;
    }
    case "metric":
      return [[[], `${d.id} is computed from the figures (a metric), not rated by hand; remove it`]];
  }
}

/** The problems of one project's value for a criterion (undated, or a dated list), as lines of `file`. */
export function ratingProblems(file: string, at: (string | number)[], d: Declared, v: unknown): Problem[] {
  const out = (path: (string | number)[], message: string) => ({ file, path: formatPath([...at, ...path]), message });
  if (!isDated(v)) return valueProblems(d, v).map(([path, message]) => out(path, message));
  const problems: Problem[] = [];
  let previous: string | undefined;
  v.forEach((entry, i) => {
    const e = entry as unknown as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!["value", "from", "source"].includes(key)) problems.push(out([i, key], "unknown field; a dated entry has value, from and source"));
    if (e.value === undefined) problems.push(out([i, "value"], `required: the rating from this date on`));
    else for (const [path, message] of valueProblems(d, e.value)) problems.push(out([i, "value", ...path], message));
    if (typeof e.source !== "string" || e.source.trim() === "") problems.push(out([i, "source"], "required: where this rating comes from (an article by title, author, year and URL, or a docs or issue URL)"));
    const from = e.from instanceof Date ? e.from.toISOString().slice(0, 10) : e.from;
    if (typeof from !== "string" || !DATE.test(from) || Number.isNaN(Date.parse(from)) || new Date(from).toISOString().slice(0, 10) !== from) {
      problems.push(out([i, "from"], `expected the date it took effect as YYYY-MM-DD, got ${shown(e.from)}`));
      return;
    }
    if (previous !== undefined && from <= previous) {
      problems.push(out([i, "from"], `${from} is not after the entry before it (${previous}): list the entries oldest first, one per date, none overlapping`));
    }
    previous = from;
  });
  return problems;
}

/** A dated list's dates as milliseconds, oldest first, and the value of each. */
export interface DatedRating {
  from: number[];
  values: RatingValue[];
}

export function datedRating(entries: readonly DatedEntry[]): DatedRating {
  const date = (f: unknown) => (f instanceof Date ? f.getTime() : Date.parse(`${String(f)}T00:00:00Z`));
  return { from: entries.map((e) => date(e.from)), values: entries.map((e) => e.value) };
}

/** The index of the entry in force at asOf (-1: before the first, unrated). */
export function entryAt(d: DatedRating, asOfMs: number): number {
  let k = -1;
  while (k + 1 < d.from.length && d.from[k + 1]! <= asOfMs) k++;
  return k;
}

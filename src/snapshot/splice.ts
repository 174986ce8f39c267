/**
 * A canonical snapshot's text (serializeSnapshot's: 2-space JSON of a snapshot in schema order, and a
 * final newline) re-scored in place: where its rubric, each project's ratings and each project's scores
 * lie, and the text with some of those replaced.
 *
 * Why: re-scoring a year of 1,000-project snapshots after a rubric edit rewrites hundreds of 3 MB files.
 * Parsing each (15 ms) and serializing it again (10 ms) is most of that; the parts that change are a
 * third of the text, and mostly only the categories, overall, rank and tier (a weight was edited).
 * The result is JSON.stringify of the re-scored snapshot byte for byte, as long as the text was
 * canonical: JSON.stringify writes a value nested at indentation L as it writes it alone, each line
 * break followed by L more spaces. Only a text known to be canonical may be given (a digest's
 * `canonical`); locate() still checks the layout it relies on and gives up on anything else. Pure.
 */
import { isAscii } from "node:buffer";
import type { Rubric } from "../config/rubric.js";
import type { Ratings } from "../config/ratings.js";
import type { Scores } from "./schema.js";

/** [start, end) of a value in the text. */
export type Span = readonly [number, number];

export interface ProjectSpans {
  ratings: Span;
  /** The value of scores.criteria. */
  criteria: Span;
  /** From the value of scores.categories to the end of scores: categories, overall, rank, tier. */
  tail: Span;
}

export interface Spans {
  rubric: Span;
  projects: ProjectSpans[];
}

// In a canonical text a key at indentation L is preceded by a line break and L spaces: the snapshot's
// keys at 2, a project's at 6 (projects[i] opens at 4), its scores' at 8. A value nested deeper has
// only deeper lines, so the first such key after a position is the one sought, whatever strings the
// values hold (JSON.stringify escapes line breaks within strings).
const RUBRIC = '\n  "rubric": ';
const WINDOW_DAYS = ',\n  "windowDays": ';
const PROJECTS = '\n  "projects": [';
const RATINGS = '\n      "ratings": ';
const ERRORS = ',\n      "errors": ';
const CRITERIA = '\n      "scores": {\n        "criteria": ';
const CATEGORIES = ',\n        "categories": ';
const PROJECT_END = "\n    }";
const END = "\n  ]\n}\n";

/**
 * Where the rubric and the `count` projects' ratings and scores lie in a canonical snapshot text;
 * undefined when the text is not laid out so (then it is not canonical, whatever its digest says).
 */
export function locate(text: string, count: number): Spans | undefined {
  const r = text.indexOf(RUBRIC);
  if (r < 0) return undefined;
  const rubric: Span = [r + RUBRIC.length, text.indexOf(WINDOW_DAYS, r)];
  if (rubric[1] < 0) return undefined;
  let at = text.indexOf(PROJECTS, rubric[1]);
  if (at < 0) return undefined;
  at += PROJECTS.length;
  if (count === 0) return text.slice(at) === "]\n}\n" ? { rubric, projects: [] } : undefined;
  const projects: ProjectSpans[] = [];
  for (let i = 0; i < count; i++) {
    const ratingsKey = text.indexOf(RATINGS, at);
    if (ratingsKey < 0) return undefined;
    const ratingsEnd = text.indexOf(ERRORS, ratingsKey);
    const criteriaKey = text.indexOf(CRITERIA, ratingsEnd);
    if (ratingsEnd < 0 || criteriaKey < 0) return undefined;
    const criteriaEnd = text.indexOf(CATEGORIES, criteriaKey);
    const end = text.indexOf(PROJECT_END, criteriaEnd);
    if (criteriaEnd < 0 || end < 0) return undefined;
    projects.push({
      ratings: [ratingsKey + RATINGS.length, ratingsEnd],
      criteria: [criteriaKey + CRITERIA.length, criteriaEnd],
      tail: [criteriaEnd + CATEGORIES.length, end],
    });
    at = end + PROJECT_END.length;
    // Projects follow each other (",\n    {"); the last ends the array.
    if (i < count - 1 ? !text.startsWith(",\n    {", at) : text.length !== at + END.length || !text.endsWith(END)) return undefined;
  }
  return { rubric, projects };
}

/** New text for some parts; undefined: keep the part's text as it is. */
export interface Edits {
  rubric?: string;
  ratings: readonly (string | undefined)[];
  criteria: readonly (string | undefined)[];
  tail: readonly (string | undefined)[];
}

/**
 * Calls `take` with each piece of the edited text in order until it returns false, and returns whether
 * it never did: the stretch of the text before an edit (`from`: where it starts in the text), then the
 * edit (`from` -1), and so on, then the rest of the text.
 */
function everyPiece(text: string, spans: Spans, edits: Edits, take: (piece: string, from: number) => boolean): boolean {
  let at = 0;
  const put = (span: Span, part: string | undefined) => {
    if (part === undefined) return true;
    const from = at;
    at = span[1];
    return take(text.slice(from, span[0]), from) && take(part, -1);
  };
  if (!put(spans.rubric, edits.rubric)) return false;
  for (let i = 0; i < spans.projects.length; i++) {
    const p = spans.projects[i]!;
    if (!put(p.ratings, edits.ratings[i]) || !put(p.criteria, edits.criteria[i]) || !put(p.tail, edits.tail[i])) return false;
  }
  return take(text.slice(at), at);
}

/** The text with the located parts replaced by their edits. */
export function edit(text: string, spans: Spans, edits: Edits): string {
  const out: string[] = [];
  everyPiece(text, spans, edits, (piece) => out.push(piece) > 0);
  return out.join("");
}

/**
 * edit() as UTF-8 bytes, given the text's own bytes: for an ASCII text (a character a byte, as JSON.stringify
 * writes but for non-ASCII names) the unedited stretches are copied byte for byte rather than joined
 * into a string and encoded again.
 */
export function editBytes(bytes: Buffer, text: string, spans: Spans, edits: Edits): Buffer {
  if (!isAscii(bytes)) return Buffer.from(edit(text, spans, edits), "utf8");
  let room = bytes.length;
  everyPiece(text, spans, edits, (piece, from) => ((room += from < 0 ? piece.length * 3 : 0), true));
  const out = Buffer.allocUnsafe(room);
  let at = 0;
  everyPiece(text, spans, edits, (piece, from) => {
    at += from < 0 ? out.write(piece, at, "utf8") : bytes.copy(out, at, from, from + piece.length);
    return true;
  });
  return out.subarray(0, at);
}

/** Whether edit(text, spans, edits) is `expected`, without making it. */
export function editIs(text: string, spans: Spans, edits: Edits, expected: string): boolean {
  let at = 0;
  const same = everyPiece(text, spans, edits, (piece) => {
    // A slice compared, not startsWith: the slice shares the text and compares as memory (10 times faster).
    const ok = expected.slice(at, at + piece.length) === piece;
    at += piece.length;
    return ok;
  });
  return same && at === expected.length;
}

/** JSON.stringify(value, null, 2) as it appears nested at `indent` spaces. */
function nested(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll("\n", "\n" + indent);
}

/** Each part's canonical text, where it sits in a snapshot (what edit() puts in its span). */
export const partText = {
  rubric: (rubric: Rubric): string => nested(rubric, "  "),
  ratings: (ratings: Ratings): string => nested(ratings, "      "),
  criteria: (criteria: Scores["criteria"]): string => nested(criteria, "        "),
  tail: (s: Scores): string =>
    `${categoriesText(s.categories)},\n        "overall": ${numberText(s.overall)},\n        "rank": ${numberText(s.rank)},\n        "tier": ${numberText(s.tier)}\n      }`,
};

/** JSON.stringify of a number or null (a non-finite number is null in JSON). */
function numberText(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? String(v) : "null";
}

const keyTexts = new Map<string, string>();

/**
 * nested(categories, 8 spaces), written out: it is in every project of every file rewritten, and
 * JSON.stringify with indentation plus the re-indentation cost twice as much. A key without a value
 * (undefined) is left out, as JSON.stringify leaves it out.
 */
function categoriesText(categories: Scores["categories"]): string {
  let out = "";
  for (const id of Object.keys(categories)) {
    const v = categories[id];
    if (v === undefined) continue;
    let key = keyTexts.get(id);
    if (key === undefined) keyTexts.set(id, (key = JSON.stringify(id)));
    out += `${out === "" ? "{\n" : ",\n"}          ${key}: ${numberText(v)}`;
  }
  return out === "" ? "{}" : `${out}\n        }`;
}

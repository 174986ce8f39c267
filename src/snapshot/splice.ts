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
 * Walks the edited text in order until a callback returns false, and returns whether none did: each
 * unedited stretch of the old text as [from, to), and each edit's text, in between.
 */
function everyPiece(spans: Spans, edits: Edits, length: number, copy: (from: number, to: number) => boolean, put: (part: string) => boolean): boolean {
  let at = 0;
  const one = (span: Span, part: string | undefined) => {
    if (part === undefined) return true;
    const from = at;
    at = span[1];
    return copy(from, span[0]) && put(part);
  };
  if (!one(spans.rubric, edits.rubric)) return false;
  for (let i = 0; i < spans.projects.length; i++) {
    const p = spans.projects[i]!;
    if (!one(p.ratings, edits.ratings[i]) || !one(p.criteria, edits.criteria[i]) || !one(p.tail, edits.tail[i])) return false;
  }
  return copy(at, length);
}

/** The text with the located parts replaced by their edits. */
export function edit(text: string, spans: Spans, edits: Edits): string {
  const out: string[] = [];
  everyPiece(spans, edits, text.length, (from, to) => out.push(text.slice(from, to)) > 0, (part) => out.push(part) > 0);
  return out.join("");
}

/**
 * edit() as UTF-8 bytes, given the text's own bytes, and where the parts lie in the new bytes when
 * they are ASCII (packSpans's form; a byte a character, so those are also the new text's spans, and
 * the next edit needs no locate()). For an ASCII text (as JSON.stringify writes it, but for non-ASCII
 * names) the unedited stretches are copied byte for byte rather than joined into a string and encoded
 * again. Without `text`, the bytes are known to be ASCII (the spans came from a digest of them).
 */
export function editBytes(bytes: Buffer, spans: Uint32Array, edits: Edits, text?: string): { bytes: Buffer; spans?: Uint32Array } {
  if (text !== undefined && !isAscii(bytes)) return { bytes: Buffer.from(edit(text, unpacked(spans), edits), "utf8") };
  let room = bytes.length + (edits.rubric?.length ?? 0) * 3;
  for (const parts of [edits.ratings, edits.criteria, edits.tail]) for (const part of parts) room += (part?.length ?? 0) * 3;
  const editor = new ByteEditor(bytes, spans, Buffer.allocUnsafe(room));
  editor.part(0, edits.rubric);
  for (let i = 0, k = 2; k < spans.length; i++, k += 6) {
    editor.part(k, edits.ratings[i]);
    editor.part(k + 2, edits.criteria[i]);
    editor.part(k + 4, edits.tail[i]);
  }
  return editor.end();
}

/** editBytes's state (a class, not a closure made per file: V8 optimizes each closure anew). */
class ByteEditor {
  private readonly packed: Uint32Array;
  // at: where the new bytes are written up to; from: where the old ones are copied from. A part left
  // as it is moves by what the edits before it added or removed (at - from).
  private at = 0;
  private from = 0;
  private ascii = true;

  constructor(
    private readonly bytes: Buffer,
    private readonly spans: Uint32Array,
    private readonly out: Buffer,
  ) {
    this.packed = new Uint32Array(spans.length);
  }

  /** The part whose span starts at spans[k]: kept (undefined) or written anew. */
  part(k: number, part: string | undefined): void {
    const { spans, packed } = this;
    if (part === undefined) {
      packed[k] = spans[k]! + this.at - this.from;
      packed[k + 1] = spans[k + 1]! + this.at - this.from;
      return;
    }
    this.at += this.bytes.copy(this.out, this.at, this.from, spans[k]!);
    packed[k] = this.at;
    const written = this.out.write(part, this.at, "utf8");
    // UTF-8 writes a non-ASCII character as two bytes or more.
    if (written !== part.length) this.ascii = false;
    this.at += written;
    packed[k + 1] = this.at;
    this.from = spans[k + 1]!;
  }

  end(): { bytes: Buffer; spans?: Uint32Array } {
    this.at += this.bytes.copy(this.out, this.at, this.from, this.bytes.length);
    return { bytes: this.out.subarray(0, this.at), spans: this.ascii ? this.packed : undefined };
  }
}

/** Whether edit(text, spans, edits) is `expected`, without making it. */
export function editIs(text: string, spans: Spans, edits: Edits, expected: string): boolean {
  let at = 0;
  // Slices compared, not startsWith: a slice shares its string and compares as memory (10 times faster).
  const same = (piece: string) => {
    const ok = expected.slice(at, at + piece.length) === piece;
    at += piece.length;
    return ok;
  };
  return everyPiece(spans, edits, text.length, (from, to) => same(text.slice(from, to)), same) && at === expected.length;
}

// The end of each key (what spansFit checks), and the bytes that follow the parts.
const keyEnd = (key: string) => Buffer.from(key.slice(-12));
const KEYS = { rubric: keyEnd(RUBRIC), ratings: keyEnd(RATINGS), criteria: keyEnd(CRITERIA), categories: keyEnd(CATEGORIES) };
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Spans as a digest keeps them: the rubric's start and end, then each project's ratings, criteria and tail. */
export function packSpans(spans: Spans): Uint32Array {
  const packed = new Uint32Array(2 + spans.projects.length * 6);
  packed.set(spans.rubric, 0);
  spans.projects.forEach((p, i) => {
    packed.set(p.ratings, 2 + i * 6);
    packed.set(p.criteria, 4 + i * 6);
    packed.set(p.tail, 6 + i * 6);
  });
  return packed;
}

/** Packed spans as Spans (for edit(): a text that is not ASCII). */
function unpacked(packed: Uint32Array): Spans {
  const projects: ProjectSpans[] = [];
  for (let k = 2; k < packed.length; k += 6) projects.push({ ratings: [packed[k]!, packed[k + 1]!], criteria: [packed[k + 2]!, packed[k + 3]!], tail: [packed[k + 4]!, packed[k + 5]!] });
  return { rubric: [packed[0]!, packed[1]!], projects };
}

/**
 * Whether packed spans (a digest's) fit `bytes` (those the digest is of): `count` projects' parts, in
 * order, each right after the end of its key and before what follows it in a canonical text. A cheap
 * check, against a mistake of ours rather than the file's: the digest names these very bytes.
 */
export function spansFit(packed: Uint32Array, bytes: Buffer, count: number): boolean {
  if (packed.length !== 2 + count * 6) return false;
  if (!after(bytes, packed[0]!, KEYS.rubric) || !(packed[0]! <= packed[1]!) || !before(bytes, packed[1]!, COMMA)) return false;
  for (let k = 2; k < packed.length; k += 6) {
    if (!(packed[k - 1]! <= packed[k]!)) return false;
    for (let j = k; j < k + 5; j++) if (!(packed[j]! <= packed[j + 1]!)) return false;
    if (!after(bytes, packed[k]!, KEYS.ratings) || !before(bytes, packed[k + 1]!, COMMA)) return false;
    if (!after(bytes, packed[k + 2]!, KEYS.criteria) || !before(bytes, packed[k + 3]!, COMMA)) return false;
    if (!after(bytes, packed[k + 4]!, KEYS.categories) || !before(bytes, packed[k + 5]!, NEWLINE)) return false;
  }
  return true;
}

// Plain functions, not closures made per file: V8 optimizes each closure it is given anew.
function after(bytes: Buffer, at: number, key: Uint8Array): boolean {
  if (at < key.length || at > bytes.length) return false;
  for (let k = 0, from = at - key.length; k < key.length; k++) if (bytes[from + k] !== key[k]) return false;
  return true;
}

function before(bytes: Buffer, at: number, c: number): boolean {
  return at < bytes.length && bytes[at] === c;
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

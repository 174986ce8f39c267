/**
 * A snapshot's digest: every number of every project as columns (typed arrays), its ids, names,
 * errors and (for score) ratings, the snapshot's head (cohort, asOf, rubric...) and whether it is laid
 * out as scoring lays it out.
 * It is what history, export --long, report and score read of each snapshot of a long history.
 *
 * Why: a year of daily snapshots of 1,000 projects is a gigabyte of 2-space JSON, and turning it into
 * objects (JSON.parse) is most of what those commands cost: ~15 ms a file, against ~0.5 ms to load a
 * digest. digest-store.ts keeps one per file in .cache/digests/, under the SHA-256 of the file's bytes,
 * so that a snapshot is parsed and validated once, and its digest serves every later command until a
 * byte of it changes. Pure: no I/O.
 */
import type { CriterionId } from "../config/criteria.js";
import type { Rubric } from "../config/rubric.js";
import { snapshotMetrics, type Metric, type MetricValue } from "../metrics/metric.js";
import type { Issue, ProjectSnapshot, Raw, RawField, Scores, Snapshot } from "./schema.js";

/** Bump when what a digest holds, or how it is derived or checked, changes: older digests are then ignored. */
export const DIGEST_FORMAT = 3;

export type SnapshotHead = Omit<Snapshot, "projects">;

export interface Digest {
  head: SnapshotHead;
  ids: string[];
  names: string[];
  /**
   * The columns, in order: snapshotMetrics(head.rubric) (the export's columns), then any category or
   * criterion score a project has that its rubric does not name.
   */
  columns: Metric[];
  /** Per cell (column-major: column j, project i at j * n + i): what kind of value it holds (see Tag). */
  tags: Uint8Array;
  /** Per cell: the number, 1/0 for a boolean, or the index of a string in `strings`. */
  nums: Float64Array;
  strings: string[];
  /** Each project's errors (mostly empty). */
  errors: Issue[][];
  /** The category ids the projects' scores have, in the order first met (what the report iterates). */
  categoryOrder: string[];
  /**
   * Each project's ratings as JSON, one line each (JSON.stringify writes no newline), split when
   * needed; null when not kept (only score needs them, and writing them is a third of a digest's cost).
   */
  ratingsText: string | null;
  /**
   * Whether the projects and their scores are laid out as scoring them with the snapshot's own rubric
   * lays them out: projects by id, each category of the rubric in its order, criteria in the rubric's
   * order, nothing else. Then scores equal value for value are equal text (see sameScores).
   */
  scoredInOrder: boolean;
  /**
   * Whether JSON.parse of the file's bytes was the validated snapshot as it is (no migration, keys in
   * schema order): then, the bytes being those the digest was made from, they need no second check.
   */
  parsedAsIs: boolean;
  /**
   * Whether the file's bytes are known to be serializeSnapshot's text of the snapshot (score wrote
   * them, or proved them so while rewriting the file): then score may edit the text in place (splice.ts).
   */
  canonical: boolean;
  /**
   * Where the rubric and each project's ratings, criteria and other scores lie in the file's bytes
   * (splice.ts's packSpans), for canonical ASCII bytes whose spans are known (score located or wrote
   * them): the next rewrite edits the bytes without decoding and searching the text. null otherwise.
   */
  spans: Uint32Array | null;
}

/** What a cell holds. Absent (an optional field, a criterion without a score) differs from null only for score. */
export const Tag = { absent: 0, null: 1, number: 2, string: 3, true: 4, false: 5 } as const;

/** A metric's identity, the same for equal metrics whatever their display name (activity = activity.normalized). */
export function metricKey(m: Metric): string {
  switch (m.kind) {
    case "overall":
    case "rank":
    case "tier":
      return m.kind;
    case "category":
      return `category:${m.category}`;
    case "criterion":
      return `criterion:${m.criterion}.${m.part}`;
    case "figure":
      return `figure:${m.field}`;
  }
}

// The readers and writers of cells below are plain functions and methods, not closures made per
// snapshot: V8 optimizes each closure it is given anew, and score reads hundreds of snapshots a run.

/** A score metric (not a figure) read off a project's scores: undefined where they have no such key. */
function scoreValue(m: Exclude<Metric, { kind: "figure" }>, s: Scores): number | null | undefined {
  switch (m.kind) {
    case "overall":
      return s.overall;
    case "rank":
      return s.rank;
    case "tier":
      return s.tier;
    case "category":
      return Object.hasOwn(s.categories, m.category) ? s.categories[m.category] : undefined;
    case "criterion":
      return s.criteria[m.criterion]?.[m.part];
  }
}

/** A metric read off a project: undefined where it has no such key (metricValue reads that as null). */
function projectValue(m: Metric, p: ProjectSnapshot): MetricValue | undefined {
  return m.kind === "figure" ? p.raw[m.field] : scoreValue(m, p.scores);
}

/** The columns of a snapshot's projects under its rubric, in what order its categories come, and whether it is scored in order (see Digest). */
function layout(rubric: Rubric, projects: readonly Pick<ProjectSnapshot, "id" | "scores">[]): Pick<Digest, "columns" | "categoryOrder" | "scoredInOrder"> {
  const columns = snapshotMetrics(rubric);
  const rubricCategories = new Set(rubric.categories.map((c) => c.id));
  const rubricCriteria = new Set<string>(rubric.categories.flatMap((c) => c.criteria.map((k) => k.id)));
  const rubricCount = rubricCriteria.size;
  const categoryOrder: string[] = [];
  const seenCategories = new Set<string>();
  // The order scoring writes the categories in: the rubric's, but as an object orders its keys (an
  // integer-like id such as "2" comes first).
  const categoryIds = Object.keys(Object.fromEntries(rubric.categories.map((c) => [c.id, true])));
  const criterionRank = new Map<string, number>([...rubricCriteria].map((id, r) => [id, r]));
  let scoredInOrder = rubricCategories.size === rubric.categories.length && rubricCount === rubric.categories.reduce((k, c) => k + c.criteria.length, 0);
  let previous: string | undefined;
  for (const p of projects) {
    if (previous !== undefined && p.id < previous) scoredInOrder = false;
    previous = p.id;
    let c = 0;
    for (const id in p.scores.categories) {
      if (id !== categoryIds[c++]) scoredInOrder = false;
      if (seenCategories.has(id)) continue;
      seenCategories.add(id);
      categoryOrder.push(id);
      if (!rubricCategories.has(id)) columns.push({ name: id, kind: "category", category: id });
    }
    if (c !== categoryIds.length) scoredInOrder = false;
    let last = -1;
    for (const id in p.scores.criteria) {
      const r = criterionRank.get(id);
      if (r !== undefined && r > last && r < rubricCount) {
        last = r;
        continue;
      }
      scoredInOrder = false;
      if (r !== undefined) continue;
      criterionRank.set(id, criterionRank.size);
      for (const part of ["value", "normalized"] as const) columns.push({ name: `${id}.${part}`, kind: "criterion", criterion: id as CriterionId, part });
    }
  }
  return { columns, categoryOrder, scoredInOrder };
}

/** Writes cells: what kind of value each is, and the number (or string index) it holds. */
class CellWriter {
  constructor(
    private readonly tags: Uint8Array,
    private readonly nums: Float64Array,
    private readonly strings: string[],
    private readonly stringIndex: Map<string, number>,
  ) {}

  put(k: number, v: MetricValue | undefined): void {
    if (typeof v === "number") {
      this.tags[k] = Tag.number;
      this.nums[k] = v;
    } else if (v === undefined) this.tags[k] = Tag.absent;
    else if (v === null) this.tags[k] = Tag.null;
    else if (typeof v === "boolean") {
      this.tags[k] = v ? Tag.true : Tag.false;
      this.nums[k] = v ? 1 : 0;
    } else {
      let s = this.stringIndex.get(v);
      if (s === undefined) this.stringIndex.set(v, (s = this.strings.push(v) - 1));
      this.tags[k] = Tag.string;
      this.nums[k] = s;
    }
  }
}

/** The digest of a (validated) snapshot; parsedAsIs: see Digest; ratings: keep the ratings (ratingsText). */
export function digestOf(snapshot: Snapshot, parsedAsIs = false, ratings = true): Digest {
  const { projects, ...head } = snapshot;
  const n = projects.length;
  const { columns, categoryOrder, scoredInOrder } = layout(snapshot.rubric, projects);
  const tags = new Uint8Array(columns.length * n);
  const nums = new Float64Array(columns.length * n);
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  // One pass over the projects, every column of each: the cells of a year of snapshots are 16 million.
  const cells = new CellWriter(tags, nums, strings, stringIndex);
  for (let i = 0; i < n; i++) {
    const p = projects[i]!;
    for (let j = 0; j < columns.length; j++) cells.put(j * n + i, projectValue(columns[j]!, p));
  }
  return {
    head,
    ids: projects.map((p) => p.id),
    names: projects.map((p) => p.name),
    columns,
    tags,
    nums,
    strings,
    errors: projects.map((p) => p.errors),
    categoryOrder,
    ratingsText: ratings ? projects.map((p) => JSON.stringify(p.ratings)).join("\n") : null,
    scoredInOrder,
    parsedAsIs,
    canonical: false,
    spans: null,
  };
}

/**
 * The digest of the snapshot `digest` is of, re-scored as rescore() does (snapshot/build.ts) with
 * `rubric`, each project's new ratings (as JSON) and new scores: digestOf of the re-scored snapshot,
 * written as JSON (parsedAsIs), without the snapshot. undefined when its projects are not in id order
 * (rescore would reorder them).
 */
export function rescoredDigest(digest: Digest, rubric: Rubric, ratingsJson: readonly string[], scores: ReadonlyMap<string, Scores>): Digest | undefined {
  const { ids } = digest;
  for (let i = 1; i < ids.length; i++) if (ids[i]! < ids[i - 1]!) return undefined;
  const n = ids.length;
  const projects: { id: string; scores: Scores }[] = [];
  for (const id of ids) projects.push({ id, scores: scores.get(id)! });
  const { columns, categoryOrder, scoredInOrder } = layout(rubric, projects);
  const tags = new Uint8Array(columns.length * n);
  const nums = new Float64Array(columns.length * n);
  // Only the figures are strings (dates), numbered in the order digestOf meets them, project by project
  // and figure by figure: as they were in the old digest, whose figures these are. So its strings and
  // its figure columns are taken as they are; the scores written below are never strings, so need no
  // index of those strings.
  const strings = [...digest.strings];
  const cells = new CellWriter(tags, nums, strings, new Map());
  // The scores: the criteria (numbers only) by what each project has, as looking each up by name
  // costs more; the others column by column.
  const criterionColumns = new Map<string, number>();
  const scoreColumns: { j: number; m: Exclude<Metric, { kind: "figure" }> }[] = [];
  for (let j = 0; j < columns.length; j++) {
    const m = columns[j]!;
    if (m.kind === "criterion") {
      if (m.part === "value") criterionColumns.set(m.criterion, j);
    } else if (m.kind !== "figure") {
      scoreColumns.push({ j, m });
    } else {
      const from = columnOf(digest, m);
      if (from < 0) continue;
      tags.set(digest.tags.subarray(from * n, from * n + n), j * n);
      nums.set(digest.nums.subarray(from * n, from * n + n), j * n);
    }
  }
  putScores(cells, projects, scoreColumns, criterionColumns);
  return {
    head: { ...digest.head, rubric },
    ids,
    names: digest.names,
    columns,
    tags,
    nums,
    strings,
    errors: digest.errors,
    categoryOrder,
    ratingsText: ratingsJson.join("\n"),
    scoredInOrder,
    parsedAsIs: true,
    canonical: false,
    spans: null,
  };
}

/**
 * rescoredDigest's loop over the projects, on its own: optimized while it runs (on stack), a function
 * lacks feedback for what follows its loop, and V8 dropped rescoredDigest's code for that again and again.
 */
function putScores(cells: CellWriter, projects: readonly { scores: Scores }[], scoreColumns: readonly { j: number; m: Exclude<Metric, { kind: "figure" }> }[], criterionColumns: ReadonlyMap<string, number>): void {
  const n = projects.length;
  for (let i = 0; i < n; i++) {
    const s = projects[i]!.scores;
    for (const { j, m } of scoreColumns) cells.put(j * n + i, scoreValue(m, s));
    // A criterion a project has not stays absent (a new array's 0); layout gave every one a column,
    // its normalized part right after its value.
    const criteria = s.criteria;
    for (const id in criteria) {
      const c = criteria[id as CriterionId];
      if (c === undefined) continue;
      const j = criterionColumns.get(id)!;
      cells.put(j * n + i, c.value);
      cells.put((j + 1) * n + i, c.normalized);
    }
  }
}

/** The column of a metric in the digest, or -1 when no project has it (every value null). */
export function columnOf(digest: Digest, m: Metric): number {
  const key = metricKey(m);
  return digest.columns.findIndex((c) => metricKey(c) === key);
}

/** Project i's value in column j, as metricValue gives it (null where it has none). */
export function valueAt(digest: Digest, j: number, i: number): MetricValue {
  if (j < 0) return null;
  const k = j * digest.ids.length + i;
  switch (digest.tags[k]) {
    case Tag.number:
      return digest.nums[k]!;
    case Tag.string:
      return digest.strings[digest.nums[k]!]!;
    case Tag.true:
      return true;
    case Tag.false:
      return false;
    default:
      return null;
  }
}

/** Project i's raw figures, with absent optional fields left out (as in the snapshot). */
export function rawAt(digest: Digest, i: number): Raw {
  return rawOf(digest, figureColumns(digest), i);
}

/** Every project's raw figures (rawAt), the figure columns looked up once. */
export function rawsOf(digest: Digest): Raw[] {
  const figures = figureColumns(digest);
  const raws: Raw[] = [];
  for (let i = 0; i < digest.ids.length; i++) raws.push(rawOf(digest, figures, i));
  return raws;
}

function figureColumns(digest: Digest): { field: RawField; j: number }[] {
  return digest.columns.flatMap((m, j) => (m.kind === "figure" ? [{ field: m.field, j }] : []));
}

function rawOf(digest: Digest, figures: readonly { field: RawField; j: number }[], i: number): Raw {
  const raw: Record<string, MetricValue> = {};
  const n = digest.ids.length;
  for (const { field, j } of figures) if (digest.tags[j * n + i] !== Tag.absent) raw[field] = valueAt(digest, j, i);
  return raw as Raw;
}

/** Every project's ratings as JSON, as in the snapshot. */
export function ratingsJsonOf(digest: Digest): string[] {
  if (digest.ratingsText === null) throw new Error("a digest without ratings (read it with ratings)");
  return digest.ids.length === 0 ? [] : digest.ratingsText.split("\n");
}

/**
 * Whether project i's scores in the digest are `scores`, key for key and value for value, for a digest
 * scored in order (scoredInOrder) with the same rubric as `scores` were computed with: what sameJson
 * would say of the two, from the columns.
 */
export function sameScores(digest: Digest, i: number, scores: Scores): boolean {
  return sameScoresIn(digest, i, [scores]);
}

/** sameScores for every project: `scores` in the digest's project order. */
export function sameAllScores(digest: Digest, scores: readonly Scores[]): boolean {
  return sameScoresIn(digest, 0, scores);
}

// Column by column (score does this for 365,000 projects): one metric per column, nothing allocated per
// cell. In a digest scored in order, the criteria are compared project by project (CriteriaMatcher):
// one reader per criterion column would look each criterion up by name, the slowest read here.
// `scores`: those of projects from, from + 1...
function sameScoresIn(digest: Digest, from: number, scores: readonly Scores[]): boolean {
  const n = digest.ids.length;
  const to = from + scores.length;
  const { tags, nums, scoredInOrder } = digest;
  for (let j = 0; j < digest.columns.length; j++) {
    const m = digest.columns[j]!;
    if (m.kind === "figure" || (scoredInOrder && m.kind === "criterion")) continue;
    for (let i = from; i < to; i++) {
      const v = scoreValue(m, scores[i - from]!);
      const k = j * n + i;
      const tag = tags[k];
      if (v === undefined ? tag !== Tag.absent : v === null ? tag !== Tag.null : tag !== Tag.number || nums[k] !== v) return false;
    }
  }
  if (!scoredInOrder) return true;
  const criteria = new CriteriaMatcher(digest);
  for (let i = from; i < to; i++) if (!criteria.same(i, scores[i - from]!.criteria)) return false;
  return true;
}

/**
 * A test of whether project i's criteria scores in the digest (one scored in order: see scoredInOrder)
 * are `criteria`, key for key in the same order and value for value: then their text in the file is
 * that of `criteria` (what splice.ts keeps rather than writes again).
 */
export class CriteriaMatcher {
  private readonly n: number;
  private readonly tags: Uint8Array;
  private readonly nums: Float64Array;
  /** Scored in order: a project's criteria are some of the rubric's, in the rubric's order. */
  private readonly ids: string[];
  private readonly value: number[];
  private readonly normalized: number[];

  constructor(digest: Digest) {
    this.n = digest.ids.length;
    this.tags = digest.tags;
    this.nums = digest.nums;
    this.ids = digest.head.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id));
    this.value = this.ids.map((criterion) => columnOf(digest, { name: "", kind: "criterion", criterion: criterion as CriterionId, part: "value" }));
    this.normalized = this.ids.map((criterion) => columnOf(digest, { name: "", kind: "criterion", criterion: criterion as CriterionId, part: "normalized" }));
  }

  same(i: number, criteria: Scores["criteria"]): boolean {
    const { ids, value, normalized } = this;
    let r = 0;
    // for...in, not Object.keys: nothing allocated, and criteria[key] is then a fast read.
    for (const key in criteria) {
      const c = criteria[key as CriterionId];
      while (r < ids.length && !this.has(r, i)) r++;
      if (r === ids.length || ids[r] !== key || c === undefined || !this.is(value[r]!, i, c.value) || !this.is(normalized[r]!, i, c.normalized)) return false;
      r++;
    }
    for (; r < ids.length; r++) if (this.has(r, i)) return false;
    return true;
  }

  private has(r: number, i: number): boolean {
    const j = this.value[r]!;
    return j >= 0 && this.tags[j * this.n + i] !== Tag.absent;
  }

  private is(j: number, i: number, v: number): boolean {
    return j >= 0 && this.tags[j * this.n + i] === Tag.number && this.nums[j * this.n + i] === v;
  }
}

/** The projects' indices in rank order (equal ranks in snapshot order), as the exports list them. */
export function byRank(digest: Digest): number[] {
  const rank = columnOf(digest, { name: "rank", kind: "rank" });
  const order = digest.ids.map((_, i) => i);
  return order.sort((a, b) => (valueAt(digest, rank, a) as number) - (valueAt(digest, rank, b) as number));
}

// The file format: "SDG" and the format number, the JSON head's length (uint32 LE), the JSON head, the
// ratings text (UTF-8, its length in the head), padding to 8 bytes, the tags, padding to 8 bytes, the
// numbers (float64, little-endian), the spans if any (uint32, little-endian). The head records the
// lengths, so a truncated or foreign file is recognized and ignored.
const MAGIC = [0x53, 0x44, 0x47, DIGEST_FORMAT] as const;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

type StoredHead = Omit<Digest, "tags" | "nums" | "ratingsText" | "spans"> & { source: string; tool: string; cells: number; ratingsBytes: number | null; spanCount: number | null };

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The digest as bytes, naming the snapshot bytes it was made from (`source`: their SHA-256) and the
 * tool version that made it, both checked on decode.
 */
export function encodeDigest(digest: Digest, source: string, tool: string): Buffer {
  const { tags, nums, ratingsText, spans, ...rest } = digest;
  const ratings = Buffer.from(ratingsText ?? "", "utf8");
  const ratingsBytes = ratingsText === null ? null : ratings.length;
  const spanCount = spans === null ? null : spans.length;
  const head = Buffer.from(JSON.stringify({ ...rest, source, tool, cells: tags.length, ratingsBytes, spanCount } satisfies StoredHead), "utf8");
  const tagsAt = pad8(8 + head.length + ratings.length);
  const numsAt = pad8(tagsAt + tags.length);
  const spansAt = numsAt + nums.length * 8;
  const out = Buffer.alloc(spansAt + (spanCount ?? 0) * 4);
  out.set(MAGIC, 0);
  out.writeUInt32LE(head.length, 4);
  out.set(head, 8);
  out.set(ratings, 8 + head.length);
  out.set(tags, tagsAt);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(nums.buffer, nums.byteOffset, nums.byteLength), numsAt);
  else nums.forEach((v, k) => out.writeDoubleLE(v, numsAt + k * 8));
  if (spans && LITTLE_ENDIAN) out.set(new Uint8Array(spans.buffer, spans.byteOffset, spans.byteLength), spansAt);
  else if (spans) for (let k = 0; k < spans.length; k++) out.writeUInt32LE(spans[k]!, spansAt + k * 4);
  return out;
}

/**
 * The digest in `bytes`, if they are a whole digest of this format made by this tool version from the
 * snapshot bytes whose SHA-256 is `source`; undefined otherwise (the caller then reads the snapshot).
 */
export function decodeDigest(bytes: Uint8Array, source: string, tool: string): Digest | undefined {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 8 || MAGIC.some((b, i) => buf[i] !== b)) return undefined;
    const headLength = buf.readUInt32LE(4);
    if (8 + headLength > buf.length) return undefined;
    const stored = JSON.parse(buf.toString("utf8", 8, 8 + headLength)) as StoredHead;
    if (stored.source !== source || stored.tool !== tool) return undefined;
    const { cells, ratingsBytes, spanCount } = stored;
    if (!Number.isInteger(cells) || cells !== stored.columns.length * stored.ids.length || !(ratingsBytes === null || Number.isInteger(ratingsBytes))) return undefined;
    if (!(spanCount === null || Number.isInteger(spanCount))) return undefined;
    const ratingsAt = 8 + headLength;
    const tagsAt = pad8(ratingsAt + (ratingsBytes ?? 0));
    const numsAt = pad8(tagsAt + cells);
    const spansAt = numsAt + cells * 8;
    if (buf.length !== spansAt + (spanCount ?? 0) * 4) return undefined;
    const tags = buf.subarray(tagsAt, tagsAt + cells);
    let nums: Float64Array;
    if (LITTLE_ENDIAN && (buf.byteOffset + numsAt) % 8 === 0) nums = new Float64Array(buf.buffer, buf.byteOffset + numsAt, cells);
    else {
      nums = new Float64Array(cells);
      for (let k = 0; k < cells; k++) nums[k] = buf.readDoubleLE(numsAt + k * 8);
    }
    const { source: _s, tool: _t, cells: _c, ratingsBytes: _r, spanCount: _n, ...digest } = stored;
    const ratingsText = ratingsBytes === null ? null : buf.toString("utf8", ratingsAt, ratingsAt + ratingsBytes);
    let spans: Uint32Array | null = null;
    if (spanCount !== null) {
      spans = new Uint32Array(spanCount);
      for (let k = 0; k < spanCount; k++) spans[k] = buf.readUInt32LE(spansAt + k * 4);
    }
    return { ...digest, ratingsText, tags: new Uint8Array(tags.buffer, tags.byteOffset, tags.length), nums, spans };
  } catch {
    return undefined;
  }
}

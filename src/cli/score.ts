import { isAscii } from "node:buffer";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { ProjectConfig } from "../config/cohort.js";
import type { Rubric } from "../config/rubric.js";
import { loadCohort } from "../config/load.js";
import type { Ratings } from "../config/ratings.js";
import { scoreCohort, type ScoreInput } from "../score/index.js";
import { ratingsOf, rescore } from "../snapshot/build.js";
import { isCanonicalPart, isCanonicalSnapshot, sameJson } from "../snapshot/check.js";
import { codeHash, sha256 } from "../hash.js";
import { TOOL } from "../tool.js";
import { CriteriaMatcher, DIGEST_FORMAT, digestOf, ratingsJsonOf, rawsOf, rescoredDigest, sameAllScores, type Digest } from "../snapshot/digest.js";
import { editBytes, editIs, locate, packSpans, partText, spansFit, type Edits, type Spans } from "../snapshot/splice.js";
import { configCacheDir, digestDir, loadVerdicts, readStamped, saveDigest, saveVerdicts, snapshotOfDigested, type Verdicts } from "../snapshot/digest-store.js";
import { mapSnapshots, readThreads, type DigestInput, type SnapshotTask } from "../snapshot/parallel.js";
import type { Scores, Snapshot } from "../snapshot/schema.js";
import { commitAtomic, decodeSnapshot, listSnapshots, flusher, prepareAtomic, readSnapshotBytes, serializeSnapshot, tempPath, textOf } from "../snapshot/store.js";
import { READER_ENV_HELP, COMMON_HELP, COMMON_OPTIONS, EXIT, flag, str, type Command } from "./command.js";

interface RescoreArg {
  rubric: Rubric;
  projects: readonly ProjectConfig[];
  /** Only say whether it changed; write nothing. */
  check: boolean;
  /** The SHA-256 of bytes known to be up to date, and out of date, under this rubric and config (Verdicts). */
  upToDate: readonly string[];
  outOfDate: readonly string[];
}

interface Rescored {
  changed: boolean;
  /** The new content, written beside the file (see prepareAtomic), for commitAtomic to put in place. */
  tmp?: string;
  /** The SHA-256 of the bytes this verdict is of (none when the file changed while it was read). */
  source?: string;
  /** The SHA-256 of the new content. */
  written?: string;
}

/**
 * What every file's re-scoring shares, made once per thread: the rubric's JSON, each configured
 * project's ratings, and whether both are as zod would give them back (canonical: always, for a config
 * that loaded; checked rather than assumed, since the shortcuts below rely on it).
 */
interface Prepared {
  rubricJson: string;
  config: Map<string, { ratings: Ratings; ratingsJson: string; text?: string }>;
  canonical: boolean;
  /** The rubric's text in a snapshot, once needed (see splice.ts). */
  rubricText?: string;
  upToDate: ReadonlySet<string>;
  outOfDate: ReadonlySet<string>;
}
const prepared = new WeakMap<RescoreArg, Prepared>();
function prepare(arg: RescoreArg): Prepared {
  let p = prepared.get(arg);
  if (!p) {
    const config = new Map(
      arg.projects.map((c) => {
        const ratings = ratingsOf(c);
        return [c.id, { ratings, ratingsJson: JSON.stringify(ratings) }] as const;
      }),
    );
    const canonical = isCanonicalPart.rubric(arg.rubric) && [...config.values()].every((c) => isCanonicalPart.ratings(c.ratings));
    prepared.set(arg, (p = { rubricJson: JSON.stringify(arg.rubric), config, canonical, upToDate: new Set(arg.upToDate), outOfDate: new Set(arg.outOfDate) }));
  }
  return p;
}

/**
 * A file that changes, as rescoreFile sees it: its digest, its projects' ratings as stored and as they
 * become (JSON), and its new scores in project order.
 */
interface Change {
  digest: Digest;
  source: string;
  stored: readonly string[];
  ratingsJson: readonly string[];
  scores: readonly Scores[];
  sameRubric: boolean;
}

/**
 * When these very bytes (by SHA-256) were judged under this very config before: the same verdict,
 * without re-scoring, nor even loading the file's digest. The task's bySource: asked before every
 * rescoreFile, which is only given the files it does not answer.
 */
export function verdictOf(source: string, _file: string, arg: RescoreArg): Rescored | undefined {
  const { upToDate, outOfDate } = prepare(arg);
  if (upToDate.has(source)) return { changed: false, source };
  if (arg.check && outOfDate.has(source)) return { changed: true, source };
  return undefined;
}

/**
 * One snapshot file re-scored (run on a reader thread, see snapshot/parallel.ts), from its digest.
 * The digest tells, without parsing the file, whether the rubric, every project's ratings and every
 * score stay as they are: then the file is unchanged. When they do not, and the new parts are canonical
 * (so the file's new text is JSON.stringify of them, as its old text is of the old), the file changes:
 * --check says so without parsing it either. A file known to be canonical has its new text made by
 * editing the old one (splice.ts). Otherwise it is parsed and decided by rescoreSnapshot.
 */
export async function rescoreFile({ digest, source, bytes, digests, snapshot, stamp }: DigestInput, file: string, arg: RescoreArg): Promise<Rescored> {
  const { rubricJson, config, canonical } = prepare(arg);
  const stored = ratingsJsonOf(digest);
  const raws = rawsOf(digest);
  // Loops, not callbacks, for what is done per project: V8 optimizes a callback made anew for each file anew.
  const inputs: ScoreInput[] = [];
  const ratingsJson: string[] = [];
  let sameRatings = true;
  for (let i = 0; i < digest.ids.length; i++) {
    const id = digest.ids[i]!;
    const c = config.get(id);
    inputs.push({ id, raw: raws[i]!, ratings: c?.ratings ?? (JSON.parse(stored[i]!) as Ratings), errors: digest.errors[i]! });
    ratingsJson.push(c?.ratingsJson ?? stored[i]!);
    if (ratingsJson[i] !== stored[i]) sameRatings = false;
  }
  const scores = scoreCohort(inputs, arg.rubric, digest.head.asOf);
  const inOrder: Scores[] = [];
  for (const id of digest.ids) inOrder.push(scores.get(id)!);
  const sameRubric = JSON.stringify(digest.head.rubric) === rubricJson;
  const unchanged = digest.scoredInOrder && sameRubric && sameRatings && sameAllScores(digest, inOrder);
  if (unchanged) return { changed: false, source };
  let newCanonical = canonical;
  for (let i = 0; newCanonical && i < inOrder.length; i++) newCanonical = isCanonicalPart.scores(inOrder[i]!);
  // Laid out as scoring lays it out, and the new parts canonical: then the rubric, a rating or a score
  // differs in the file's JSON, so its text changes. Anything odder is left to the parsed snapshot.
  if (arg.check && newCanonical && digest.scoredInOrder) return { changed: true, source };
  const change: Change = { digest, source, stored, ratingsJson, scores: inOrder, sameRubric };
  // The new file's digest, from this one's: cheaper than from the re-scored snapshot.
  const newDigest = () => rescoredDigest(digest, arg.rubric, ratingsJson, scores);
  if (snapshot) return { ...(await rescoreSnapshot(snapshot, file, arg, scores, newCanonical, digests, newDigest, bytes && { ...change, bytes })), source };
  // The file was not read (its stamp told its content): read it now. Should it have changed since
  // (its stamp is not the same once read, and its hash not either), it is re-scored from what it
  // holds now, as a file without a digest.
  const read = bytes ? { bytes, same: true } : stamp ? await readStamped(file, stamp) : { bytes: await readSnapshotBytes(file), same: false };
  const now = read.bytes;
  if (!read.same && sha256(now) !== source) return rescoreSnapshot(decodeSnapshot(file, now), file, arg, undefined, false, digests);
  if (digest.canonical && digest.scoredInOrder && newCanonical && !arg.check) {
    // Where the parts lie: kept in the digest (ASCII bytes: no need to decode them), else sought.
    const kept = digest.spans && spansFit(digest.spans, now, digest.ids.length) ? digest.spans : undefined;
    const text = kept ? undefined : textOf(now);
    const located = kept ? undefined : locate(text!, digest.ids.length);
    const spans = kept ?? (located && packSpans(located));
    if (spans) {
      const edited = editBytes(now, spans, editsTo(change, arg), text);
      return { ...(await writeRescored(file, edited.bytes, digests, newDigest, edited.spans)), source };
    }
  }
  return { ...(await rescoreSnapshot(snapshotOfDigested(file, now, digest), file, arg, scores, newCanonical, digests, newDigest, { ...change, bytes: now })), source };
}

/** The texts of a file's parts, project by project (i), as splice.ts writes them. */
interface PartTexts {
  rubric(): string;
  ratings(i: number): string;
  criteria(i: number): string;
  tail(i: number): string;
}

/**
 * The edits of a changed file's parts, with each part's text from `texts` (the re-scored file's, or the
 * old one's to prove the old text canonical): none where the part is the same before and after (the
 * rubric, a project's ratings, its criteria), a text always for the rest of each project's scores.
 * One decision for both uses, so that what an edit keeps is what a proof took as kept.
 */
function editsOf({ digest, stored, ratingsJson, scores, sameRubric }: Change, texts: PartTexts): Edits {
  const sameCriteria = new CriteriaMatcher(digest);
  const ratings: (string | undefined)[] = [];
  const criteria: (string | undefined)[] = [];
  const tail: string[] = [];
  // Loops, and texts as methods: V8 optimizes a callback made anew for each file anew.
  for (let i = 0; i < ratingsJson.length; i++) ratings.push(ratingsJson[i] === stored[i] ? undefined : texts.ratings(i));
  for (let i = 0; i < scores.length; i++) {
    criteria.push(sameCriteria.same(i, scores[i]!.criteria) ? undefined : texts.criteria(i));
    tail.push(texts.tail(i));
  }
  return { rubric: sameRubric ? undefined : texts.rubric(), ratings, criteria, tail };
}

/** The texts of the re-scored file's parts. Changed ratings are the config's (a project not in it keeps those stored). */
class RescoredTexts implements PartTexts {
  constructor(
    private readonly p: Prepared,
    private readonly arg: RescoreArg,
    private readonly change: Change,
  ) {}
  rubric(): string {
    return (this.p.rubricText ??= partText.rubric(this.arg.rubric));
  }
  ratings(i: number): string {
    const c = this.p.config.get(this.change.digest.ids[i]!)!;
    return (c.text ??= partText.ratings(c.ratings));
  }
  criteria(i: number): string {
    return partText.criteria(this.change.scores[i]!.criteria);
  }
  tail(i: number): string {
    return partText.tail(this.change.scores[i]!);
  }
}

/** The texts of the parts of a snapshot as it is. */
class StoredTexts implements PartTexts {
  constructor(private readonly snapshot: Snapshot) {}
  rubric(): string {
    return partText.rubric(this.snapshot.rubric);
  }
  ratings(i: number): string {
    return partText.ratings(this.snapshot.projects[i]!.ratings);
  }
  criteria(i: number): string {
    return partText.criteria(this.snapshot.projects[i]!.scores.criteria);
  }
  tail(i: number): string {
    return partText.tail(this.snapshot.projects[i]!.scores);
  }
}

/** The edits that make a canonical file's text that of the file re-scored (see splice.ts). */
function editsTo(change: Change, arg: RescoreArg): Edits {
  return editsOf(change, new RescoredTexts(prepare(arg), arg, change));
}

/**
 * Whether `old` (a file's text) is serializeSnapshot's text of `snapshot` (parsed from it as it is, its
 * projects in id order), given `text`, that of the re-scored snapshot: that text with the parts that
 * differ put back as they were must be the file's. Proven once, while the file is rewritten, this lets
 * the next rewrite of the same bytes edit them in place (say, after `git checkout` of the history).
 */
function provenCanonical(old: string, snapshot: Snapshot, text: string, spans: Spans, change: Change): boolean {
  if (snapshot.projects.length !== change.scores.length) return false;
  return editIs(text, spans, editsOf(change, new StoredTexts(snapshot)), old);
}

/**
 * A snapshot re-scored: unchanged when the re-scored snapshot serializes to the same text, else its
 * new content is written to a temp file beside it (unless checking), and its digest saved for the next
 * command. Comparing the data first spares serializing the unchanged ones. newCanonical: the new
 * rubric, ratings and scores are known to be canonical, so the re-scored snapshot is. change: the
 * file's bytes were read and its digest is `change.digest`, which the rewrite may prove canonical.
 */
async function rescoreSnapshot(
  snapshot: Snapshot,
  file: string,
  arg: RescoreArg,
  scores: ReadonlyMap<string, Scores> | undefined,
  newCanonical: boolean,
  digests: string | null,
  newDigest?: () => Digest | undefined,
  change?: Change & { bytes: Buffer },
): Promise<Rescored> {
  const rescored = rescore(snapshot, arg.rubric, arg.projects, scores);
  // The read snapshot is valid and in schema order (what serializeSnapshot writes as it is), and so is
  // the re-scored one, built from it and the validated config: then equal data is equal text, and
  // different data different text. Should the re-scored one not be, the serializations decide.
  if (sameJson(snapshot, rescored)) return { changed: false };
  const canonical = newCanonical || isCanonicalSnapshot(rescored);
  let text: string | undefined;
  if (!canonical) {
    text = serializeSnapshot(rescored);
    if (text === serializeSnapshot(snapshot)) return { changed: false };
  }
  if (arg.check) return { changed: true };
  // serializeSnapshot's output for a snapshot in schema order, without checking it a second time.
  text ??= JSON.stringify(rescored, null, 2) + "\n";
  const { digest, source, bytes } = change ?? {};
  // The new text's parts, for its digest (the next rewrite of it then needs no search).
  const spans = digests !== null && canonical ? locate(text, rescored.projects.length) : undefined;
  if (spans && digest && !digest.canonical && digest.parsedAsIs && digest.scoredInOrder) {
    const old = textOf(bytes!);
    // Proven canonical, the old bytes get their parts' spans too (when ASCII, so byte offsets).
    if (provenCanonical(old, snapshot, text, spans, change!)) {
      const oldSpans = isAscii(bytes!) ? locate(old, snapshot.projects.length) : undefined;
      await saveDigest(digests!, file, { ...digest, canonical: true, spans: oldSpans ? packSpans(oldSpans) : null }, source!);
    }
  }
  const content = Buffer.from(text, "utf8");
  // ASCII (UTF-8 takes a byte a character): the text's spans are also the bytes'.
  const packed = spans && content.length === text.length ? packSpans(spans) : undefined;
  return writeRescored(file, content, canonical ? digests : null, () => newDigest?.() ?? digestOf(rescored, true), packed);
}

/**
 * Writes a file's new content beside it, and the digest of that content (known to be canonical) for
 * the next command, with where its parts lie when known (packed spans: only for ASCII content). digests
 * null: none.
 */
async function writeRescored(file: string, content: Buffer, digests: string | null, newDigest: () => Digest | undefined, spans?: Uint32Array): Promise<Rescored> {
  // Flushed to disk by the command (which has it renamed into place only once every one is).
  const tmp = await prepareAtomic(file, content, { sync: false });
  const digest = digests === null ? undefined : newDigest();
  // What the file will hold once renamed into place: its digest spares the next command parsing it.
  const written = sha256(content);
  if (digest) await saveDigest(digests!, file, { ...digest, canonical: true, spans: spans ?? null }, written);
  return { changed: true, tmp, written };
}

// The folders (beside this command's) whose code decides a verdict: scoring, the snapshot and its
// digests, the config schemas, the metrics a digest's columns are.
const DECIDING = ["../score/", "../snapshot/", "../config/", "../metrics/"];

/** The verdicts of a run: each file's bytes as read, and the new bytes of each file rewritten (up to date). */
function verdictsOf(config: string, plan: readonly Rescored[]): Verdicts {
  const verdicts: Verdicts = { config, upToDate: [], outOfDate: [] };
  for (const { changed, source, written } of plan) {
    if (source) (changed ? verdicts.outOfDate : verdicts.upToDate).push(source);
    if (written) verdicts.upToDate.push(written);
  }
  return verdicts;
}

export const score: Command = {
  name: "score",
  summary: "recompute the scores of saved snapshots from their raw figures and the current config (offline)",
  help: `Usage: showdown score [options]

Re-scores every snapshot of the cohort with the current rubric and hand ratings from config/, keeping
each snapshot's raw figures, dates and errors. Files whose scores do not change are not rewritten.
Prints the path of each rewritten snapshot.

With the digest cache (below), a file's bytes once found up to date or out of date under the same
rubric and cohort config are not re-scored to be judged again, and a file score wrote itself is
rewritten by editing its scores in place rather than parsing and serializing it whole.

Options:
  --check            change nothing; exit 1 if any snapshot's scores are out of date
${COMMON_HELP}

${READER_ENV_HELP}
`,
  options: { ...COMMON_OPTIONS, check: { type: "boolean", default: false } },
  maxPositionals: 0,
  async run(args, io) {
    const cohortName = str(args, "cohort")!;
    const { cohort, rubric } = await loadCohort(path.resolve(io.cwd, str(args, "config")!), cohortName, { cache: configCacheDir(io.env, io.cwd) });
    const files = await listSnapshots(path.resolve(io.cwd, str(args, "snapshots")!), cohort.cohort);
    const check = flag(args, "check");
    let stale = 0;
    // Validate and rescore everything before changing anything: a bad file stops the run with every
    // file untouched. The new contents wait in temp files beside their snapshots meanwhile, so that
    // memory does not grow with the history; they are renamed into place once all are ready.
    const digests = digestDir(io.env, io.cwd);
    // Everything a verdict depends on but the file's bytes: the rubric, the config's projects (their
    // ratings), and the code that decides (the tool's version, the digest format, and the code itself,
    // which a version does not always change while it is being worked on).
    const config = sha256(JSON.stringify({ tool: TOOL.version, format: DIGEST_FORMAT, code: codeHash(import.meta.url, DECIDING), rubric, projects: cohort.projects }));
    const known = digests !== null && files.length > 0 ? await loadVerdicts(digests, files[0]!, config) : undefined;
    const arg: RescoreArg = { rubric, projects: cohort.projects, check, upToDate: known?.upToDate ?? [], outOfDate: known?.outOfDate ?? [] };
    const task: SnapshotTask = { module: import.meta.url, name: "rescoreFile", arg, input: "digest", ratings: true, bySource: "verdictOf" };
    const plan: ({ file: string } & Rescored)[] = [];
    const discard = () => Promise.all(files.map((f) => rm(tempPath(f), { force: true }).catch(() => {})));
    try {
      const options = { skipInvalid: false, onSkip() {}, threads: readThreads(io.env, files.length), digests };
      // Every new content on disk before the first rename. Each is flushed as soon as it is written,
      // while the reader threads re-score the next files: the disk and the CPUs work at the same time.
      const flushing = flusher();
      try {
        for await (const { file, result } of mapSnapshots<Rescored>(files, task, options)) {
          plan.push({ file, ...result });
          if (result.tmp) flushing.add(result.tmp, file);
        }
      } catch (error) {
        // A failed run still waits for its flushes before its temp files are removed.
        await flushing.done().catch(() => {});
        throw error;
      }
      await flushing.done();
      for (const { file, changed, tmp } of plan) {
        const shown = path.relative(io.cwd, file);
        if (!changed) continue;
        stale++;
        if (check) {
          io.stderr(`${shown}: scores are out of date with config/; run 'npx showdown score'\n`);
        } else {
          await commitAtomic(tmp!, file);
          io.stdout(`${shown}\n`);
        }
      }
      // Every file judged (and the rewritten ones in place): what was found, for the next run.
      if (digests !== null && files.length > 0) await saveVerdicts(digests, files[0]!, verdictsOf(config, plan));
    } finally {
      // Temp files not renamed into place: a failed run (or a file that failed to rename) leaves none.
      if (!check) await discard();
    }
    io.stderr(`${cohort.cohort}: ${files.length} snapshot(s), ${stale} ${check ? "out of date" : "rescored"}, ${files.length - stale} unchanged\n`);
    return check && stale > 0 ? EXIT.error : EXIT.ok;
  },
};

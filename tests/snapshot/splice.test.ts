/**
 * splice.ts edits a canonical snapshot's text in place when score rewrites it: the result must be
 * serializeSnapshot of the re-scored snapshot byte for byte, for every kind of change a rubric or
 * config edit makes, and locate() must refuse texts not laid out as serializeSnapshot lays them out.
 */
import { describe, expect, it } from "vitest";
import type { ProjectConfig } from "../../src/config/cohort.js";
import type { Rubric } from "../../src/config/rubric.js";
import { rescore } from "../../src/snapshot/build.js";
import { CriteriaMatcher, digestOf } from "../../src/snapshot/digest.js";
import type { Scores, Snapshot } from "../../src/snapshot/schema.js";
import { edit, editBytes, editIs, locate, packSpans, partText, spansFit, type Edits } from "../../src/snapshot/splice.js";

const ASCII = /^[\x00-\x7f]*$/;
import { serializeSnapshot } from "../../src/snapshot/store.js";
import { fixtureHistory } from "../helpers/history.js";
import { history, rubric } from "../report/fixture.js";

const ODD_NAMES = { pytorch: '=HYPERLINK("x")', mxnet: "Ĉaffè «深度» 🚀", caffe: 'tab\there, "quoted"\nand a new line\n      "ratings": {', torch: "" };

function samples(): Snapshot[] {
  const built = [...fixtureHistory(), ...history({ days: 4, missing: ["2026-11-19"], names: ODD_NAMES, joins: { id: "chainer", on: "2026-11-20" } })];
  return [...built, { ...built[0]!, projects: [] }];
}

/** A config for the snapshot's projects: some ratings changed (one to a non-ASCII key), one project left out. */
function configOf(s: Snapshot, changeRatings: boolean): ProjectConfig[] {
  return s.projects.slice(1).map((p, i) => {
    const ratings = structuredClone(p.ratings);
    if (changeRatings && i % 3 === 0) ratings.documentation = ratings.documentation === 3 ? 2 : 3;
    if (changeRatings && i % 4 === 1) ratings.languages = { ...ratings.languages, "c++ «ü»": 0.5 };
    return { id: p.id, name: p.name, ...ratings } as unknown as ProjectConfig;
  });
}

/** Rubric edits: a weight, a criterion dropped, a category added with an integer-like id, categories reordered. */
function rubrics(base: Rubric): Record<string, Rubric> {
  const dropped = structuredClone(base);
  dropped.categories[0]!.criteria = dropped.categories[0]!.criteria.filter((k) => k.id !== "ecosystem");
  const added = structuredClone(base);
  const moved = added.categories[2]!.criteria.pop()!;
  added.categories.push({ id: "2", name: "Two «ü»", weight: 0.5, criteria: [moved] });
  const reordered = structuredClone(base);
  reordered.categories.reverse();
  return { same: base, weight: rubric(base.version + 1, 3), dropped, added, reordered };
}

/** What score's editsTo gives: the parts that differ, written anew; the criteria kept where the digest says they are the same. */
function editsTo(s: Snapshot, rescored: Snapshot): Edits {
  const criteria = new CriteriaMatcher(digestOf(s));
  return {
    rubric: JSON.stringify(s.rubric) === JSON.stringify(rescored.rubric) ? undefined : partText.rubric(rescored.rubric),
    ratings: rescored.projects.map((p, i) => (JSON.stringify(p.ratings) === JSON.stringify(s.projects[i]!.ratings) ? undefined : partText.ratings(p.ratings))),
    criteria: rescored.projects.map((p, i) => (criteria.same(i, p.scores.criteria) ? undefined : partText.criteria(p.scores.criteria))),
    tail: rescored.projects.map((p) => partText.tail(p.scores)),
  };
}

describe("splice", () => {
  it("edits a canonical text into serializeSnapshot of the re-scored snapshot, for every rubric and ratings edit", () => {
    let compared = 0;
    let kept = 0;
    let spansChecked = 0;
    for (const s of samples()) {
      const text = serializeSnapshot(s);
      const spans = locate(text, s.projects.length);
      expect(spans).toBeDefined();
      for (const [what, r] of Object.entries(rubrics(s.rubric))) {
        for (const changeRatings of [false, true]) {
          const rescored = rescore(s, r, configOf(s, changeRatings));
          const edits = editsTo(s, rescored);
          kept += edits.criteria.filter((c) => c === undefined).length;
          const expected = serializeSnapshot(rescored);
          expect(edit(text, spans!, edits), `${s.asOf} ${what} ${changeRatings}`).toBe(expected);
          // editBytes gives its bytes, from the old text's (ASCII, or not: the odd names).
          const edited = editBytes(Buffer.from(text, "utf8"), packSpans(spans!), edits, text);
          expect(edited.bytes.equals(Buffer.from(expected, "utf8"))).toBe(true);
          // Where the parts lie in the new bytes, when both texts are ASCII: where locate() finds them.
          // Kept in a digest, they are given back for those bytes, and serve the next edit without the text.
          expect(edited.spans !== undefined).toBe(ASCII.test(text) && ASCII.test(expected));
          if (edited.spans) {
            const located = locate(expected, rescored.projects.length)!;
            expect(edited.spans).toEqual(packSpans(located));
            expect(spansFit(edited.spans, edited.bytes, rescored.projects.length)).toBe(true);
            const back = editsTo(rescored, s);
            expect(editBytes(edited.bytes, edited.spans, back).bytes.toString("latin1")).toBe(edit(expected, located, back));
            spansChecked++;
          }
          // editIs says the same without making the text, and no to any other.
          expect(editIs(text, spans!, edits, expected)).toBe(true);
          const others = [text, expected.slice(0, -1), expected + "\n", expected.replace('"rubric": ', '"rubric":  '), expected.replace('"tier": ', '"tier":  ')];
          for (const other of others.filter((o) => o !== expected)) expect(editIs(text, spans!, edits, other)).toBe(false);
          compared++;
        }
      }
    }
    expect(compared).toBe(samples().length * 10);
    expect(spansChecked).toBeGreaterThan(10);
    // The criteria were kept as they were for most projects (a weight edit changes none of them).
    expect(kept).toBeGreaterThan(100);
    // Both kinds of text were there: ASCII only, and with non-ASCII names.
    const ascii = samples().map((s) => /^[\x00-\x7f]*$/.test(serializeSnapshot(s)));
    expect(ascii).toContain(true);
    expect(ascii).toContain(false);
  });

  it("takes spans kept in a digest back only where each part still sits after its key", () => {
    const s = samples().find((x) => ASCII.test(serializeSnapshot(x)))!;
    const bytes = Buffer.from(serializeSnapshot(s), "latin1");
    const n = s.projects.length;
    const packed = packSpans(locate(bytes.toString("latin1"), n)!);
    expect(spansFit(packed, bytes, n)).toBe(true);
    expect(spansFit(packed, bytes, n - 1)).toBe(false);
    for (let k = 0; k < packed.length; k++) {
      for (const by of [-1, 1]) {
        const moved = packed.slice();
        moved[k]! += by;
        expect(spansFit(moved, bytes, n), `${k} ${by}`).toBe(false);
      }
    }
    // Another file's spans, for other bytes: refused.
    const other = Buffer.from(serializeSnapshot({ ...s, cohort: s.cohort + "-longer-name" }), "latin1");
    expect(spansFit(packed, other, n)).toBe(false);
  });

  it("writes every part anew, or none, with the same result", () => {
    for (const s of samples()) {
      const text = serializeSnapshot(s);
      const spans = locate(text, s.projects.length)!;
      const none: Edits = { ratings: [], criteria: [], tail: [] };
      expect(edit(text, spans, none)).toBe(text);
      const all: Edits = {
        rubric: partText.rubric(s.rubric),
        ratings: s.projects.map((p) => partText.ratings(p.ratings)),
        criteria: s.projects.map((p) => partText.criteria(p.scores.criteria)),
        tail: s.projects.map((p) => partText.tail(p.scores)),
      };
      expect(edit(text, spans, all)).toBe(text);
    }
  });

  it("locates each part where it is", () => {
    const s = samples()[3]!;
    const text = serializeSnapshot(s);
    const spans = locate(text, s.projects.length)!;
    expect(text.slice(...spans.rubric)).toBe(partText.rubric(s.rubric));
    s.projects.forEach((p, i) => {
      expect(text.slice(...spans.projects[i]!.ratings)).toBe(partText.ratings(p.ratings));
      expect(text.slice(...spans.projects[i]!.criteria)).toBe(partText.criteria(p.scores.criteria));
      expect(text.slice(...spans.projects[i]!.tail)).toBe(partText.tail(p.scores));
    });
  });

  it("refuses texts not laid out as serializeSnapshot lays them out, or with another number of projects", () => {
    const s = samples()[1]!;
    const text = serializeSnapshot(s);
    const n = s.projects.length;
    const variants: Record<string, string> = {
      compact: JSON.stringify(s) + "\n",
      "4 spaces": JSON.stringify(s, null, 4) + "\n",
      tabs: JSON.stringify(s, null, "\t") + "\n",
      "no final newline": text.slice(0, -1),
      "CRLF line ends": text.replaceAll("\n", "\r\n"),
      truncated: text.slice(0, text.length / 2),
      "trailing text": text + "\n",
    };
    for (const [what, t] of Object.entries(variants)) expect(locate(t, n), what).toBeUndefined();
    expect(locate(text, n - 1)).toBeUndefined();
    expect(locate(text, n + 1)).toBeUndefined();
    const empty = serializeSnapshot({ ...s, projects: [] });
    expect(locate(empty, 0)).toEqual({ rubric: expect.any(Array), projects: [] });
    expect(locate(empty, 1)).toBeUndefined();
    expect(locate(text, 0)).toBeUndefined();
  });
});

describe("partText.tail", () => {
  it("is the scores' text from categories on, as JSON.stringify writes it nested in a project", () => {
    // In schema order, as in a snapshot.
    const scores = (categories: Scores["categories"], overall: number | null, rank: number, tier: number | null): Scores => ({ criteria: {}, categories, overall, rank, tier });
    const cases: Scores[] = [
      scores({}, 0.5, 1, 1),
      scores({ community: null, api: 0.25, "2": 1, 'odd "id" «ü»\n': 0 }, null, 3, null),
      scores({ community: 1e-7, api: 0.1 + 0.2 }, -0, 1000, 2),
    ];
    for (const s of cases) {
      const whole = JSON.stringify({ scores: s }, null, 2).replaceAll("\n", "\n    ");
      const from = whole.indexOf('"categories": ') + '"categories": '.length;
      expect(partText.tail(s)).toBe(whole.slice(from, whole.lastIndexOf("\n    }")));
    }
  });
});

describe("CriteriaMatcher", () => {
  it("is true for each project's own criteria, false after any change to them, their order included", () => {
    const s = history({ days: 1, missing: [] })[0]!;
    const matcher = new CriteriaMatcher(digestOf(s));
    s.projects.forEach((p, i) => expect(matcher.same(i, p.scores.criteria)).toBe(true));
    const i = 2;
    const own = s.projects[i]!.scores.criteria;
    const changes: Record<string, (c: Snapshot["projects"][number]["scores"]["criteria"]) => void> = {
      "a value by an ulp": (c) => (c.ecosystem!.value += Number.EPSILON * 8),
      "a normalized score": (c) => (c.sponsor!.normalized = c.sponsor!.normalized === 1 ? 0.5 : 1),
      "a criterion removed": (c) => delete c.onnx,
      "the last criterion added again at the front": (c) => {
        const { onnx, ...rest } = c;
        for (const k of Object.keys(c)) delete c[k as keyof typeof c];
        Object.assign(c, { onnx }, rest);
      },
    };
    for (const [what, change] of Object.entries(changes)) {
      const c = structuredClone(own);
      change(c);
      expect(JSON.stringify(c), what).not.toBe(JSON.stringify(own));
      expect(matcher.same(i, c), what).toBe(false);
    }
    // The digest's project without a criterion the new scores have.
    const t = structuredClone(s);
    delete t.projects[i]!.scores.criteria.onnx;
    expect(new CriteriaMatcher(digestOf(t)).same(i, own)).toBe(false);
  });
});

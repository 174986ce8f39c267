/**
 * `score` saves the digest of each file it rewrites, derived from the file's old digest and the new
 * scores (rescoredDigest) rather than from the re-scored snapshot: it must be exactly digestOf of the
 * re-scored snapshot, or every later command would read wrong figures.
 */
import { describe, expect, it } from "vitest";
import type { ProjectConfig } from "../../src/config/cohort.js";
import { rescore } from "../../src/snapshot/build.js";
import { digestOf, rescoredDigest } from "../../src/snapshot/digest.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { fixtureHistory } from "../helpers/history.js";
import { history, rubric } from "../report/fixture.js";

/** A config for the snapshot's projects: ratings changed for some, one project left out (it keeps its own). */
function configOf(s: Snapshot): ProjectConfig[] {
  return s.projects.slice(1).map((p, i) => {
    const ratings = { ...p.ratings };
    if (i % 3 === 0) ratings.documentation = ratings.documentation === 3 ? 2 : 3;
    if (i % 4 === 1) delete ratings.aws;
    return { id: p.id, name: p.name, ...ratings } as unknown as ProjectConfig;
  });
}

describe("rescoredDigest", () => {
  const snapshots = [...fixtureHistory(), ...history({ days: 12, rubricChangeOn: "2026-11-15", joins: { id: "chainer", on: "2026-11-13" } })];

  it("is digestOf the re-scored snapshot, for a changed rubric, changed ratings and a project not in the config", () => {
    let compared = 0;
    for (const s of snapshots) {
      for (const newRubric of [rubric(2, 2), s.rubric]) {
        const projects = configOf(s);
        const rescored = rescore(s, newRubric, projects);
        const scores = new Map(rescored.projects.map((p) => [p.id, p.scores]));
        const ratingsJson = rescored.projects.map((p) => JSON.stringify(p.ratings));
        const derived = rescoredDigest(digestOf(s), newRubric, ratingsJson, scores);
        expect(derived).toEqual(digestOf(rescored, true));
        compared++;
      }
    }
    expect(compared).toBe(snapshots.length * 2);
  });

  it("declines a snapshot whose projects are not in id order (rescore reorders them)", () => {
    const s = snapshots[0]!;
    const shuffled: Snapshot = { ...s, projects: [...s.projects].reverse() };
    const rescored = rescore(shuffled, s.rubric, configOf(s));
    const scores = new Map(rescored.projects.map((p) => [p.id, p.scores]));
    expect(rescoredDigest(digestOf(shuffled), s.rubric, rescored.projects.map((p) => JSON.stringify(p.ratings)), scores)).toBeUndefined();
    expect(digestOf(shuffled).scoredInOrder).toBe(false);
    expect(digestOf(s).scoredInOrder).toBe(true);
  });
});

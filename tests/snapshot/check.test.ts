/**
 * The fast snapshot check (src/snapshot/check.ts) may only ever say "valid and unchanged by zod" when
 * the zod schema agrees: every mutation of a few snapshots below is put to both.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isCanonicalSnapshot, shapeMismatches } from "../../src/snapshot/check.js";
import { rescore } from "../../src/snapshot/build.js";
import { Snapshot } from "../../src/snapshot/schema.js";
import { serializeSnapshot } from "../../src/snapshot/store.js";
import { fixtureHistory, RUBRIC_V1 } from "../helpers/history.js";
import { history as reportHistory } from "../report/fixture.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Holds for any data: fast => zod accepts it and gives back the same JSON. */
function agree(data: unknown): boolean {
  const fast = isCanonicalSnapshot(data);
  if (fast) {
    const zod = Snapshot.safeParse(data);
    expect(zod.success, "the fast check accepted what zod refuses").toBe(true);
    expect(JSON.stringify(zod.data), "the fast check accepted data zod would change").toBe(JSON.stringify(data));
  }
  return fast;
}

/** Every path to a value inside `data` (objects and arrays included, the root excluded). */
function paths(data: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (data === null || typeof data !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function parentOf(root: Json, p: (string | number)[]): Record<string | number, unknown> {
  let at: unknown = root;
  for (const k of p.slice(0, -1)) at = (at as Record<string | number, unknown>)[k];
  return at as Record<string | number, unknown>;
}

const REPLACEMENTS: unknown[] = [
  null,
  undefined,
  "",
  "x",
  "2026-02-30T00:00:00Z",
  "2026-01-01T00:00Z",
  "2026-01-01T00:00:00+01:00",
  -1,
  0,
  0.5,
  1,
  1.5,
  2,
  7,
  1e300,
  NaN,
  Infinity,
  true,
  [],
  ["a", "a"],
  {},
  { value: 1, normalized: 0.5 },
];

/** Every way of damaging `base` at every path: replaced values, removed keys, added keys, reordered keys. */
function* mutations(base: Json): Generator<unknown> {
  for (const p of paths(base)) {
    const key = p.at(-1)!;
    for (const value of REPLACEMENTS) {
      const copy = structuredClone(base);
      parentOf(copy, p)[key] = value;
      yield copy;
    }
    const removed = structuredClone(base);
    const parent = parentOf(removed, p);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    yield removed;
    const target = parentOf(structuredClone(base), [...p, "_"]);
    if (target && typeof target === "object" && !Array.isArray(target)) {
      const extra = structuredClone(base);
      (parentOf(extra, [...p, "_"]) as Record<string, unknown>).unknownField = 1;
      yield extra;
      const reordered = structuredClone(base);
      const holder = parentOf(reordered, p);
      const entries = Object.entries(holder[key] as object).reverse();
      holder[key] = Object.fromEntries(entries);
      yield reordered;
    }
  }
}

describe("fast snapshot check", () => {
  it("mirrors every field of schema.ts (update check.ts when the schema changes)", () => {
    expect(shapeMismatches()).toEqual([]);
  });

  it("accepts what showdown writes: built, rescored, stored", async () => {
    for (const s of [...fixtureHistory(), ...reportHistory({ days: 3 })]) {
      const stored = JSON.parse(serializeSnapshot(s)) as unknown;
      expect(agree(stored)).toBe(true);
      expect(agree(rescore(stored as Snapshot, RUBRIC_V1, []))).toBe(true);
    }
    const folder = path.join(import.meta.dirname, "..", "fixtures", "history", "deep-learning-2018");
    for (const f of await readdir(folder)) expect(agree(JSON.parse(await readFile(path.join(folder, f), "utf8")))).toBe(true);
  });

  it("never accepts what zod refuses or would change, whatever the damage", () => {
    const bases = fixtureHistory().map((s) => JSON.parse(serializeSnapshot(s)) as Json);
    // A snapshot with optional figures, sources and GraphQL requests present.
    const full = structuredClone(bases[0]!) as { requests: Record<string, number> };
    full.requests = { github: 1, githubSearch: 2, githubGraphql: 3, stackExchange: 4 };
    let accepted = 0;
    let tried = 0;
    for (const base of [bases[2]!, full as Json]) {
      for (const m of mutations(base)) {
        tried++;
        if (agree(m)) accepted++;
      }
    }
    // Most damage is caught by the fast check itself; what it accepts, zod accepted unchanged.
    expect(tried).toBeGreaterThan(5000);
    expect(accepted).toBeLessThan(tried / 2);
  });

  it("refuses non-objects, other versions and a rubric zod would complete", () => {
    for (const v of [null, 1, "x", [], new Date()]) expect(isCanonicalSnapshot(v)).toBe(false);
    const s = JSON.parse(serializeSnapshot(fixtureHistory()[0]!)) as Snapshot & { schemaVersion: number };
    expect(isCanonicalSnapshot({ ...s, schemaVersion: 2 })).toBe(false);
    const noWeight = structuredClone(s) as unknown as { rubric: { categories: { weight?: number }[] } };
    delete noWeight.rubric.categories[0]!.weight;
    expect(Snapshot.safeParse(noWeight).success).toBe(true); // zod fills in weight 1 ...
    expect(isCanonicalSnapshot(noWeight)).toBe(false); // ... so the data is not used as it is
  });
});

import { describe, expect, it } from "vitest";
import { jenksTiers } from "../../src/score/tiers.js";

describe("jenksTiers", () => {
  it("finds the natural breaks between clusters; tier 1 holds the highest values", () => {
    expect(jenksTiers([1, 2, 3, 10, 11, 12, 20, 21, 22])).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1]);
  });
  it("does not depend on input order", () => {
    expect(jenksTiers([21, 1, 12, 2, 22, 10, 3, 20, 11])).toEqual([1, 3, 2, 3, 1, 2, 3, 1, 2]);
  });
  it("keeps equal values in one class, weighting each by how often it occurs", () => {
    // {1,1,2} SSD 2/3, {8,9,9} SSD 2/3, {20} 0: total 4/3, the optimum
    expect(jenksTiers([1, 1, 2, 8, 9, 9, 20])).toEqual([3, 3, 3, 2, 2, 2, 1]);
  });
  it("breaks exact ties toward the smaller top class", () => {
    // {1}{2}{3,4}, {1}{2,3}{4} and {1,2}{3}{4} all cost 0.5
    expect(jenksTiers([1, 2, 3, 4])).toEqual([3, 3, 2, 1]);
  });
  it("gives each distinct value its own tier when there are fewer than three", () => {
    expect(jenksTiers([0.5, 0.2, 0.5])).toEqual([1, 2, 1]);
    expect(jenksTiers([0.7])).toEqual([1]);
    expect(jenksTiers([])).toEqual([]);
    expect(jenksTiers([1, 1, 1, 5, 5, 9])).toEqual([3, 3, 3, 2, 2, 1]);
  });
  it("matches a brute-force search over every 3-class partition", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 4 + (round % 9) }, () => Math.round(rand() * 100) / 100);
      const sorted = [...new Set(values)].sort((a, b) => a - b);
      if (sorted.length < 4) continue;
      const ssd = (xs: number[]) => { const m = xs.reduce((s, x) => s + x, 0) / xs.length; return xs.reduce((s, x) => s + (x - m) ** 2, 0); };
      const members = (lo: number, hi: number) => values.filter((v) => v >= sorted[lo]! && v <= sorted[hi - 1]!);
      let best = Infinity;
      for (let i = 1; i < sorted.length - 1; i++) for (let j = i + 1; j < sorted.length; j++) {
        best = Math.min(best, ssd(members(0, i)) + ssd(members(i, j)) + ssd(members(j, sorted.length)));
      }
      const tiers = jenksTiers(values);
      const classes = [3, 2, 1].map((t) => values.filter((_, k) => tiers[k] === t));
      expect(classes.every((c) => c.length > 0)).toBe(true);
      expect(classes.reduce((s, c) => s + ssd(c), 0)).toBeCloseTo(best, 9);
    }
  });
});

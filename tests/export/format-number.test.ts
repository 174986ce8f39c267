import { describe, expect, it } from "vitest";
import { formatNumber } from "../../src/export/csv.js";
import { mulberry32 } from "../support/random.js";

/** What --precision always meant: toFixed's rounding of the exact value, then the shortest form. */
function reference(value: number, precision: number): string {
  const v = Number(value.toFixed(precision));
  return String(Object.is(v, -0) ? 0 : v);
}

describe("formatNumber with a precision", () => {
  it("writes what toFixed and String write, for every precision, magnitude and sign", () => {
    const random = mulberry32(20261207);
    const differing: string[] = [];
    const check = (value: number, precision: number) => {
      const got = formatNumber(value, precision);
      if (got !== reference(value, precision)) differing.push(`${value} at ${precision}: ${got} vs ${reference(value, precision)}`);
    };
    for (let i = 0; i < 200_000; i++) check((random() - 0.3) * 10 ** (random() * 14 - 7), i % 16);
    // Halves in decimal, which a double holds only approximately: the cases rounding can get wrong.
    for (let i = 0; i < 50_000; i++) {
      const precision = i % 8;
      const half = (Math.floor(random() * 1e7) + 0.5) / 10 ** precision;
      check(half, precision);
      check(-half, precision);
    }
    for (const v of [0, -0, 1, -1, 0.5, -0.5, 1.005, 2.675, 1.45, 4.35, 0.00005, 0.99995, 9.99995, 1e-7, -1e-7, 2 ** 31, 2 ** 53, 1e21, NaN, Infinity, -Infinity]) {
      for (let p = 0; p <= 15; p++) check(v, p);
    }
    expect(differing.slice(0, 5)).toEqual([]);
  });

  it("rounds halves away from zero and drops trailing zeros", () => {
    expect(formatNumber(0.12345, 4)).toBe(reference(0.12345, 4));
    expect(formatNumber(2.5, 0)).toBe("3");
    expect(formatNumber(-2.5, 0)).toBe("-3");
    expect(formatNumber(0.10004, 4)).toBe("0.1");
    expect(formatNumber(-0.00001, 4)).toBe("0");
    expect(formatNumber(0.70005, 4, ",")).toBe(reference(0.70005, 4).replace(".", ","));
  });
});

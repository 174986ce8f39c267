import { describe, expect, it } from "vitest";
import { COLOR, visibleLength } from "../../src/format/color.js";
import { layoutTable } from "../../src/format/table.js";

describe("visibleLength", () => {
  it("counts the columns a string takes: ANSI codes none, a character (even outside the BMP) one", () => {
    expect(visibleLength("0.7123 (+0.0042)")).toBe(16);
    expect(visibleLength("")).toBe(0);
    expect(visibleLength(COLOR.green("+0.0042"))).toBe(7);
    expect(visibleLength(`0.5 (${COLOR.red("-1")})`)).toBe(8);
    expect(visibleLength("Café «torch»")).toBe(12);
    expect(visibleLength("🔥 fire")).toBe(6);
    // A tab or other control character is not plain: measured the slow way, as before.
    expect(visibleLength("a\tb")).toBe(3);
  });
});

describe("layoutTable", () => {
  it("pads each column to its widest cell, colours not counted, right or left as asked", () => {
    const rows = [
      ["date", "a", "b"],
      ["2026-11-20", COLOR.green("+12"), "Café"],
      ["2026-11-21", "7", "🔥"],
    ];
    expect(layoutTable(rows, ["left", "right", "left"])).toEqual([
      "date          a  b",
      `2026-11-20  ${COLOR.green("+12")}  Café`,
      "2026-11-21    7  🔥",
    ]);
  });
});

/**
 * A config's YAML (src/config/yaml.ts): YAML 1.2's core schema as the spec writes it (where js-yaml's
 * own reads some numbers differently), duplicate keys and alias bombs refused with a line and column
 * or a reason.
 */
import { describe, expect, it } from "vitest";
import { MAX_ALIASES, parseYaml, YamlProblem } from "../../src/config/yaml.js";

const value = (text: string) => (parseYaml(`v: ${text}\n`) as { v: unknown }).v;

function refusal(text: string): YamlProblem {
  try {
    parseYaml(text);
  } catch (error) {
    if (error instanceof YamlProblem) return error;
    throw error;
  }
  throw new Error(`read: ${JSON.stringify(text)}`);
}

describe("YAML of a config", () => {
  it("reads scalars by YAML 1.2's core schema", () => {
    const cases: [string, unknown][] = [
      ["12", 12], ["-3", -3], ["+7", 7], ["0o17", 15], ["0x1F", 31], ["0777", 777],
      ["1.5", 1.5], ["+.5", 0.5], ["-.5", -0.5], ["1.", 1], ["1e3", 1000], ["-1.5E-3", -0.0015],
      [".inf", Infinity], ["-.Inf", -Infinity], ["+.INF", Infinity],
      ["true", true], ["True", true], ["FALSE", false], ["~", null], ["null", null], ["NULL", null], ["", null],
      // Not numbers, booleans or dates in YAML 1.2: text.
      ["0b11", "0b11"], ["+0x1", "+0x1"], ["1_000", "1_000"], ["yes", "yes"], ["on", "on"], ["tRUE", "tRUE"], ["2018-01-01", "2018-01-01"], ["12:30", "12:30"],
      ['"0x1F"', "0x1F"], ["'true'", "true"], ["!!str 12", "12"],
    ];
    expect(cases.map(([text]) => value(text))).toEqual(cases.map(([, v]) => v));
    expect(value(".nan")).toBeNaN();
    expect(parseYaml("")).toBeNull();
    expect(parseYaml("# only a comment\n")).toBeNull();
  });

  it("refuses a duplicate key and a syntax error with their line and column", () => {
    expect({ ...refusal("a: 1\nb: 2\na: 3\n") }).toEqual({ line: 3, column: 1, reason: "duplicated mapping key" });
    expect({ ...refusal("cohort: e\n  description: : x\n") }).toMatchObject({ line: 2, column: 14 });
    expect({ ...refusal("a:\n\t- 1\n") }).toMatchObject({ line: 2, reason: expect.stringMatching(/tab/) });
  });

  it("reads a few aliases, and refuses ones that expand too far", () => {
    const data = parseYaml("base: &b { weight: 1, normalize: { by: scale, max: 3 } }\none: *b\ntwo: *b\n") as Record<string, unknown>;
    expect(data.two).toEqual({ weight: 1, normalize: { by: "scale", max: 3 } });
    // A billion laughs: nine lists of nine, eight levels deep.
    const bomb = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`).join("\n") + "\n";
    expect(refusal(bomb).reason).toBe(`its aliases expand to more than ${MAX_ALIASES} copies; write the values out instead`);
    // At the limit and just over: one list, then MAX_ALIASES or one more copies of it.
    const copies = (n: number) => `l: &l [x]\nall: [${Array(n).fill("*l").join(", ")}]\n`;
    expect((parseYaml(copies(MAX_ALIASES)) as { all: unknown[] }).all).toHaveLength(MAX_ALIASES);
    expect(refusal(copies(MAX_ALIASES + 1)).line).toBeUndefined();
  });
});

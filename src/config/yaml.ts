/**
 * A config file's YAML as plain data. js-yaml parses a large cohort several times faster than the
 * `yaml` package did (docs/performance.md), with YAML 1.2's core schema as the spec and `yaml` read
 * it: js-yaml's own CORE_SCHEMA reads `0b1` and `+0x1` as numbers and `+.5` as text. Duplicate keys
 * are refused, and aliases that expand too far (a "billion laughs" file) too.
 */
import { FAILSAFE_SCHEMA, load, Type, YAMLException } from "js-yaml";

/** A plain scalar of the core schema: its tag, the text it matches and the value it stands for. */
function coreType(tag: string, test: RegExp, construct: (text: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${tag}`, { kind: "scalar", resolve: (text: string | null) => test.test(text ?? ""), construct: (text: string | null) => construct(text ?? "") });
}

const CORE = FAILSAFE_SCHEMA.extend({
  implicit: [
    coreType("null", /^(?:~|[Nn]ull|NULL)?$/, () => null),
    coreType("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (t) => t[0] === "t" || t[0] === "T"),
    coreType("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (t) => (t.startsWith("0o") ? parseInt(t.slice(2), 8) : t.startsWith("0x") ? parseInt(t.slice(2), 16) : parseInt(t, 10))),
    coreType("float", /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/, (t) =>
      /nan$/i.test(t) ? NaN : /inf$/i.test(t) ? (t[0] === "-" ? -Infinity : Infinity) : parseFloat(t),
    ),
  ],
});

/** Copies a file's aliases may expand to (each object or list reached again counts); a real config uses a few. */
export const MAX_ALIASES = 100;

/** Why a text is not YAML this tool reads: a syntax error's line, column and reason, or an alias bomb. */
export class YamlProblem extends Error {
  constructor(
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Whether reading the data, aliases expanded, would visit objects and lists more than MAX_ALIASES extra times. */
function expandsTooFar(data: unknown): boolean {
  const seen = new Set<object>();
  let copies = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    // An object met again is an alias's copy: its insides are walked again, as reading them would.
    if (seen.has(v) && ++copies > MAX_ALIASES) return true;
    seen.add(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return false;
}

/** The data of a YAML text (null for an empty one); YamlProblem when it cannot be read. */
export function parseYaml(text: string): unknown {
  let data: unknown;
  try {
    data = load(text, { schema: CORE });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    return problem(error);
  }
  if (expandsTooFar(data)) throw new YamlProblem(undefined, undefined, `its aliases expand to more than ${MAX_ALIASES} copies; write the values out instead`);
  return data ?? null;
}

function problem(error: YAMLException): never {
  const mark = (error as YAMLException & { mark?: { line: number; column: number } }).mark;
  throw new YamlProblem(mark ? mark.line + 1 : undefined, mark ? mark.column + 1 : undefined, error.reason || error.message.split("\n")[0]!);
}

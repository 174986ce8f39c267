/**
 * The metric expressions of a rubric: arithmetic over a project's raw figures, parsed by this small
 * recursive-descent parser into a tree. A rubric is data from the user, so nothing here evaluates text
 * as code: the only names an expression can reach are the figures it is given and the functions below.
 *
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := number | figure | function "(" expr ("," expr)* ")" | "(" expr ")"
 */

/** What a figure holds: a count or measure, or a date (usable only inside a *Since function). */
export type FigureType = "number" | "date";

export type Expr =
  | { op: "num"; value: number }
  | { op: "fig"; name: string }
  | { op: "neg"; arg: Expr }
  | { op: "+" | "-" | "*" | "/"; left: Expr; right: Expr }
  | { op: "call"; fn: FunctionName; args: Expr[] };

/** The functions, with their arity (-1: one or more) and the type of argument they take. */
export const FUNCTIONS = {
  log10: { arity: 1, takes: "number" },
  ln: { arity: 1, takes: "number" },
  sqrt: { arity: 1, takes: "number" },
  abs: { arity: 1, takes: "number" },
  floor: { arity: 1, takes: "number" },
  round: { arity: 1, takes: "number" },
  max: { arity: -1, takes: "number" },
  min: { arity: -1, takes: "number" },
  /** Fractional weeks, days or 30-day months from a date figure to asOf; Infinity when there is no date. */
  weeksSince: { arity: 1, takes: "date" },
  daysSince: { arity: 1, takes: "date" },
  monthsSince: { arity: 1, takes: "date" },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export class ExpressionError extends Error {}

type Token = { kind: "num"; value: number; at: number } | { kind: "name"; value: string; at: number } | { kind: "punct"; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ExpressionError(`unexpected "${c}" at character ${i + 1}`);
      tokens.push({ kind: "num", value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: "name", value: m[0], at: i });
      i += m[0].length;
    } else if ("+-*/(),".includes(c)) {
      tokens.push({ kind: "punct", value: c, at: i });
      i++;
    } else {
      throw new ExpressionError(`unexpected "${c}" at character ${i + 1}; use numbers, figure names, + - * / ( ) and the functions ${Object.keys(FUNCTIONS).join(", ")}`);
    }
  }
  return tokens;
}

/**
 * Parses an expression and checks it against the figures it may use (name -> type): an unknown name,
 * a date used as a number or a number given to a *Since function is an ExpressionError.
 */
export function parseExpression(text: string, figures: Readonly<Record<string, FigureType>>): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = () => (peek() ? `at character ${peek()!.at + 1}` : "at the end");
  const isPunct = (v: string) => peek()?.kind === "punct" && peek()!.value === v;
  const expect = (v: string) => {
    if (!isPunct(v)) throw new ExpressionError(`expected "${v}" ${where()}`);
    pos++;
  };

  function expr(): Expr {
    let left = term();
    while (isPunct("+") || isPunct("-")) {
      const op = tokens[pos++]!.value as "+" | "-";
      left = { op, left, right: term() };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    while (isPunct("*") || isPunct("/")) {
      const op = tokens[pos++]!.value as "*" | "/";
      left = { op, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    if (isPunct("-")) {
      pos++;
      return { op: "neg", arg: unary() };
    }
    return primary();
  }
  function primary(): Expr {
    const t = peek();
    if (t === undefined) throw new ExpressionError("incomplete expression: a value is missing at the end");
    if (t.kind === "num") {
      pos++;
      return { op: "num", value: t.value };
    }
    if (t.kind === "name") {
      pos++;
      if (isPunct("(")) {
        // Own keys only: "toString" or "constructor" must not reach an object's prototype.
        if (!Object.hasOwn(FUNCTIONS, t.value)) throw new ExpressionError(`unknown function ${t.value}; known: ${Object.keys(FUNCTIONS).join(", ")}`);
        const fn = t.value as FunctionName;
        pos++;
        const args = [argument(fn)];
        while (isPunct(",")) {
          pos++;
          args.push(argument(fn));
        }
        expect(")");
        const arity = FUNCTIONS[fn].arity;
        if (arity !== -1 && args.length !== arity) throw new ExpressionError(`${fn} takes ${arity} argument, got ${args.length}`);
        return { op: "call", fn, args };
      }
      const type = Object.hasOwn(figures, t.value) ? figures[t.value] : undefined;
      if (type === undefined) throw new ExpressionError(`unknown figure ${t.value}; known: ${Object.keys(figures).join(", ")}`);
      if (type === "date") throw new ExpressionError(`${t.value} is a date: use it inside weeksSince(), daysSince() or monthsSince()`);
      return { op: "fig", name: t.value };
    }
    if (t.value === "(") {
      pos++;
      const inner = expr();
      expect(")");
      return inner;
    }
    throw new ExpressionError(`unexpected "${t.value}" ${where()}`);
  }
  function argument(fn: FunctionName): Expr {
    if (FUNCTIONS[fn].takes === "number") return expr();
    const t = peek();
    if (t?.kind !== "name" || !Object.hasOwn(figures, t.value) || figures[t.value] !== "date") {
      throw new ExpressionError(`${fn} takes a date figure (${Object.keys(figures).filter((f) => figures[f] === "date").join(", ") || "none known"}), ${where()}`);
    }
    pos++;
    return { op: "fig", name: t.value };
  }

  const tree = expr();
  if (pos < tokens.length) throw new ExpressionError(`unexpected "${tokens[pos]!.value}" ${where()}`);
  return tree;
}

/** The figures an expression reads. */
export function figuresOf(e: Expr, into: Set<string> = new Set()): Set<string> {
  switch (e.op) {
    case "num":
      break;
    case "fig":
      into.add(e.name);
      break;
    case "neg":
      figuresOf(e.arg, into);
      break;
    case "call":
      for (const a of e.args) figuresOf(a, into);
      break;
    default:
      figuresOf(e.left, into);
      figuresOf(e.right, into);
  }
  return into;
}

/** The tree written back as text, with the parentheses its structure needs. */
export function formatExpression(e: Expr): string {
  const prec = (x: Expr) => (x.op === "+" || x.op === "-" ? 1 : x.op === "*" || x.op === "/" ? 2 : 3);
  switch (e.op) {
    case "num":
      return String(e.value);
    case "fig":
      return e.name;
    case "neg":
      return `-${prec(e.arg) < 3 ? `(${formatExpression(e.arg)})` : formatExpression(e.arg)}`;
    case "call":
      return `${e.fn}(${e.args.map(formatExpression).join(", ")})`;
    default: {
      const l = formatExpression(e.left);
      const r = formatExpression(e.right);
      const p = prec(e);
      return `${prec(e.left) < p ? `(${l})` : l} ${e.op} ${prec(e.right) <= p ? `(${r})` : r}`;
    }
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
const SINCE = { weeksSince: 7 * DAY_MS, daysSince: DAY_MS, monthsSince: 30 * DAY_MS } as const;

/**
 * Evaluates a tree over columns: `column(name)` gives a figure's values, one per project (NaN: missing;
 * for dates, milliseconds since the epoch, -Infinity: known to have none). A missing input makes the
 * result NaN, as IEEE arithmetic carries it. Each project's value is computed with the same operations,
 * in the same order, as the formula written for one project would.
 */
export function evaluateColumns(e: Expr, n: number, column: (name: string) => Float64Array, asOfMs: number): Float64Array {
  const out = new Float64Array(n);
  switch (e.op) {
    case "num":
      out.fill(e.value);
      return out;
    case "fig":
      return column(e.name);
    case "neg": {
      const a = evaluateColumns(e.arg, n, column, asOfMs);
      for (let i = 0; i < n; i++) out[i] = -a[i]!;
      return out;
    }
    case "call": {
      if (Object.hasOwn(SINCE, e.fn)) {
        const unit = SINCE[e.fn as keyof typeof SINCE];
        const dates = column((e.args[0] as { name: string }).name);
        for (let i = 0; i < n; i++) out[i] = (asOfMs - dates[i]!) / unit;
        return out;
      }
      const args = e.args.map((a) => evaluateColumns(a, n, column, asOfMs));
      const a = args[0]!;
      switch (e.fn) {
        case "log10":
          for (let i = 0; i < n; i++) out[i] = Math.log10(a[i]!);
          break;
        case "ln":
          for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!);
          break;
        case "sqrt":
          for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]!);
          break;
        case "abs":
          for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]!);
          break;
        case "floor":
          for (let i = 0; i < n; i++) out[i] = Math.floor(a[i]!);
          break;
        case "round":
          for (let i = 0; i < n; i++) out[i] = Math.round(a[i]!);
          break;
        case "max":
        case "min": {
          const f = e.fn === "max" ? Math.max : Math.min;
          out.set(a);
          for (const b of args.slice(1)) for (let i = 0; i < n; i++) out[i] = f(out[i]!, b[i]!);
          break;
        }
      }
      return out;
    }
    default: {
      const l = evaluateColumns(e.left, n, column, asOfMs);
      const r = evaluateColumns(e.right, n, column, asOfMs);
      if (e.op === "+") for (let i = 0; i < n; i++) out[i] = l[i]! + r[i]!;
      else if (e.op === "-") for (let i = 0; i < n; i++) out[i] = l[i]! - r[i]!;
      else if (e.op === "*") for (let i = 0; i < n; i++) out[i] = l[i]! * r[i]!;
      else for (let i = 0; i < n; i++) out[i] = l[i]! / r[i]!;
      return out;
    }
  }
}

/**
 * The expression written out with one project's values in place of its figures ("1 / max(1, 2.5
 * weeks) + 170"). `value(name)` gives a figure's number, or for a date the interval to asOf in the
 * function's unit (Infinity: no date); `show` formats a number.
 */
export function fillExpression(e: Expr, value: (name: string, fn?: FunctionName) => number, show: (x: number) => string): string {
  const fill = (x: Expr): Expr => {
    if (x.op === "fig") return { op: "fig", name: show(value(x.name)) };
    if (x.op === "call" && Object.hasOwn(SINCE, x.fn)) {
      const v = value((x.args[0] as { name: string }).name, x.fn);
      const unit = x.fn.slice(0, -"Since".length);
      return { op: "fig", name: Number.isFinite(v) ? `${show(v)} ${unit}` : `∞ ${unit} (no date)` };
    }
    if (x.op === "call") return { ...x, args: x.args.map(fill) };
    if (x.op === "neg") return { op: "neg", arg: fill(x.arg) };
    if (x.op === "num") return x;
    return { op: x.op, left: fill(x.left), right: fill(x.right) };
  };
  return formatExpression(fill(e));
}

/** A *Since function's interval from a date (milliseconds; -Infinity: none) to asOf. */
export function since(fn: FunctionName, dateMs: number, asOfMs: number): number {
  return (asOfMs - dateMs) / SINCE[fn as keyof typeof SINCE];
}

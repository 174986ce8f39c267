/**
 * The few SVG building blocks every chart shares: deterministic markup (attributes in the order given,
 * coordinates with at most 2 decimals), an accessible root element, text measurement for layout and
 * "nice" axis ticks. Pure: no DOM, no I/O.
 */
import { escapeXml, fixed } from "../format.js";
import { rounded } from "../../format/rounded.js";

export const FONT = `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif`;

/** A coordinate or length: at most 2 decimals, no trailing zeros, never "-0". */
export function n(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite coordinate: ${x}`);
  if (!(Math.abs(x) < 1e21)) {
    // toFixed writes such numbers in exponent form; never a coordinate, but kept exact.
    const s = fixed(x, 2);
    return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  }
  // toFixed(2) without its trailing zeros, written faster: a chart has millions of coordinates.
  return rounded(x, 2);
}

export type Attrs = Record<string, string | number | undefined | null | false>;

function attrs(a: Attrs): string {
  let out = "";
  for (const k in a) {
    const v = a[k];
    if (v === undefined || v === null || v === false) continue;
    out += ` ${k}="${typeof v === "number" ? n(v) : escapeXml(v)}"`;
  }
  return out;
}

/** An element; children are markup already (use `text()` for text). Empty elements self-close. */
export function el(name: string, a: Attrs = {}, ...children: (string | false | null | undefined)[]): string {
  // A loop, not filter and join: charts make hundreds of thousands of elements.
  let inner = "";
  for (const c of children) if (typeof c === "string") inner += c;
  return inner ? `<${name}${attrs(a)}>${inner}</${name}>` : `<${name}${attrs(a)}/>`;
}

/** Escaped text content. */
export function text(s: string): string {
  return escapeXml(s);
}

export interface RootOptions {
  /** Unique in the page: prefixes the ids of <title> and <desc>. */
  id: string;
  width: number;
  height: number;
  /** The accessible name (<title>): what the chart shows. */
  title: string;
  /** The text alternative (<desc>): the data in words. */
  desc: string;
  /** Extra attributes, e.g. data-* hooks for tests. */
  data?: Attrs;
  /** Fill behind the chart (white by default, so standalone files read on dark pages); null for none. */
  background?: string | null;
}

/**
 * The root <svg>: role="img", labelled by its <title> and described by its <desc>, with its own
 * xmlns so that the same markup works inline in HTML and as a standalone .svg file.
 */
export function svgRoot(o: RootOptions, ...children: string[]): string {
  return (
    el(
      "svg",
      {
        xmlns: "http://www.w3.org/2000/svg",
        width: o.width,
        height: o.height,
        viewBox: `0 0 ${n(o.width)} ${n(o.height)}`,
        role: "img",
        "aria-labelledby": `${o.id}-title`,
        "aria-describedby": `${o.id}-desc`,
        id: o.id,
        "font-family": FONT,
        ...o.data,
      },
      el("title", { id: `${o.id}-title` }, text(o.title)),
      el("desc", { id: `${o.id}-desc` }, text(o.desc)),
      o.background === null ? "" : el("rect", { width: o.width, height: o.height, fill: o.background ?? "#ffffff" }),
      ...children,
    ) + "\n"
  );
}

// Advance widths in em of DejaVu Sans, the widest of the usual sans-serif fonts: layout computed with
// them leaves room for any of the fonts in FONT, so labels never collide in a real browser.
const WIDTHS: Record<string, number> = {
  " ": 0.318, "!": 0.4, '"': 0.46, "#": 0.838, $: 0.636, "%": 0.95, "&": 0.78, "'": 0.275, "(": 0.39, ")": 0.39,
  "*": 0.5, "+": 0.838, ",": 0.318, "-": 0.361, ".": 0.318, "/": 0.337, ":": 0.337, ";": 0.337, "<": 0.838,
  "=": 0.838, ">": 0.838, "?": 0.531, "@": 1.0, "[": 0.39, "\\": 0.337, "]": 0.39, "^": 0.838, _: 0.5, "`": 0.5,
  "{": 0.636, "|": 0.337, "}": 0.636, "~": 0.838,
  A: 0.684, B: 0.686, C: 0.698, D: 0.77, E: 0.632, F: 0.575, G: 0.775, H: 0.752, I: 0.295, J: 0.295, K: 0.656,
  L: 0.557, M: 0.863, N: 0.748, O: 0.787, P: 0.603, Q: 0.787, R: 0.695, S: 0.635, T: 0.611, U: 0.732, V: 0.684,
  W: 0.989, X: 0.685, Y: 0.611, Z: 0.685,
  a: 0.613, b: 0.635, c: 0.55, d: 0.635, e: 0.615, f: 0.352, g: 0.635, h: 0.634, i: 0.278, j: 0.278, k: 0.579,
  l: 0.278, m: 0.974, n: 0.634, o: 0.612, p: 0.635, q: 0.635, r: 0.411, s: 0.521, t: 0.392, u: 0.634, v: 0.592,
  w: 0.818, x: 0.592, y: 0.592, z: 0.525,
};

/** Estimated rendered width of a string in px at a font size (bold is ~8% wider). */
export function textWidth(s: string, fontSize: number, bold = false): number {
  let em = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) em += ASCII_WIDTHS[c]!;
    else {
      // A pair of surrogates is one character, of a wide script.
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
      em += c > 0x2e80 ? 1.0 : 0.75; // CJK and other wide scripts; other letters and symbols (arrows, dashes, accented capitals)
    }
  }
  return em * fontSize * (bold ? 1.08 : 1);
}

/** WIDTHS by character code, digits included; 0.75 em for the rest of ASCII. */
const ASCII_WIDTHS = Float64Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return /[0-9]/.test(ch) ? 0.636 : (WIDTHS[ch] ?? 0.75);
});

/** The longest prefix of `s` that fits in maxWidth, with "…" when cut. */
export function truncate(s: string, maxWidth: number, fontSize: number, bold = false): string {
  if (textWidth(s, fontSize, bold) <= maxWidth) return s;
  const chars = [...s];
  while (chars.length > 0 && textWidth(chars.join("") + "…", fontSize, bold) > maxWidth) chars.pop();
  return chars.join("").trimEnd() + "…";
}

/** Greedy word wrap into lines of at most maxWidth (a word longer than a line is truncated). */
export function wrap(s: string, maxWidth: number, fontSize: number, maxLines = 2, bold = false): string[] {
  const words = s.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, fontSize, bold) <= maxWidth || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = truncate(lines.slice(maxLines - 1).join(" ") + " …", maxWidth, fontSize, bold);
    return kept.map((l) => truncate(l, maxWidth, fontSize, bold));
  }
  return lines.map((l) => truncate(l, maxWidth, fontSize, bold));
}

/** Tick step of 1, 2 or 5 × 10^k giving about `count` intervals over [min, max]. */
export function niceStep(min: number, max: number, count: number): number {
  const span = max - min;
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  return m * power;
}

/** Ticks at multiples of a nice step inside [min, max], ends included when they fall on a step. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const step = niceStep(min, max, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** The decimals needed to write ticks of a step exactly (0.25 -> 2, 5 -> 0). */
export function stepDigits(step: number): number {
  for (let d = 0; d < 8; d++) if (Math.abs(Number(step.toFixed(d)) - step) < step * 1e-6) return d;
  return 8;
}

/** A domain extended outwards to whole nice steps, e.g. [0.613, 0.842] -> [0.6, 0.85]. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  const step = niceStep(min, max, count);
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step].map((v) => Number(v.toPrecision(12))) as [number, number];
}

/** Linear map from a domain to a range. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/**
 * Text for the report: fixed number formats (the same input always gives the same bytes, whatever the
 * machine's locale) and escaping for HTML/SVG and Markdown. Pure.
 */

/** `x.toFixed(digits)` without "-0.000". */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return s.charCodeAt(0) === 45 /* - */ && /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Thousands grouped with commas, independent of locale: 1234567.5 -> "1,234,567.5". */
function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A score in [0, 1] as shown everywhere in the report: 3 decimals (0.842); "–" when there is none. */
export function score(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : fixed(x, 3);
}

/**
 * A criterion value or raw figure: grouped, at most `maxDigits` decimals, trailing zeros dropped
 * (38,000; 412.14; 5.2). "–" when there is none.
 */
export function figure(x: number | null | undefined, maxDigits = 2): string {
  if (x === null || x === undefined) return "–";
  const s = fixed(x, maxDigits);
  const [int, frac] = s.split(".") as [string, string | undefined];
  const sign = int.startsWith("-") ? "-" : "";
  const digits = group(int.replace("-", ""));
  const tail = frac ? frac.replace(/0+$/, "") : "";
  return `${sign}${digits}${tail ? "." + tail : ""}`;
}

/** A signed change with fixed decimals, or "" when below what that many decimals can show. */
export function signed(delta: number, digits: number): string {
  const body = fixed(Math.abs(delta), digits);
  if (/^[0.]+$/.test(body)) return "";
  return (delta > 0 ? "+" : "−") + body;
}

/** The UTC date of an instant, YYYY-MM-DD. */
export function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Whole days since 1970-01-01 of a YYYY-MM-DD (UTC): the report's time axis. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "21 Nov" (or "21 Nov 2026" with the year), fixed English month names: no locale involved. */
export function shortDate(day: number, withYear = false): string {
  const d = new Date(day * 86_400_000);
  const text = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return withYear ? `${text} ${d.getUTCFullYear()}` : text;
}

const XML_SPECIAL = /[&<>"']/;

/** Escapes text for HTML and SVG (text and attribute values alike). */
export function escapeXml(text: string): string {
  // Most text (colours, numbers, ids, class names) has nothing to escape: one test instead of five passes.
  if (!XML_SPECIAL.test(text)) return text;
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Escapes text for inline Markdown (GitHub's), so that it renders as exactly the text given, also
 * inside a table cell: characters with an inline meaning (emphasis, code, links, HTML, entities, tables,
 * strikethrough, math) are backslash-escaped, ":name:" emoji codes are broken, line breaks become
 * spaces. Other text (numbers, dates, dashes) is left readable. Where the text starts a line, also
 * pass the line through escapeLineStart.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]<>&|~$]/g, (c) => `\\${c}`)
    .replace(/:(?=[\w+-]*[a-z][\w+-]*:)/gi, "\\:");
}

/** Escapes what would start a block (heading, list, setext underline) at the start of a line of Markdown. */
export function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)([#+\-=])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/** A file-name-safe form of an id: lowercase a-z, 0-9 and "-" (ids come from snapshots, not trusted). */
export function safeName(id: string): string {
  const s = id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return s || "project";
}

export type Direction = "up" | "down" | "same" | "none" | "new";

export interface Delta {
  /** "▲ +0.012", "▼ −0.004", "=" (unchanged at this precision), "new", or "" (not comparable). */
  text: string;
  dir: Direction;
}

/** A score's change since the previous snapshot, with an arrow so the sign is never colour alone. */
export function scoreDelta(delta: number | null, isNew: boolean): Delta {
  if (isNew) return { text: "new", dir: "new" };
  if (delta === null) return { text: "", dir: "none" };
  const s = signed(delta, 3);
  if (!s) return { text: "=", dir: "same" };
  return delta > 0 ? { text: `▲ ${s}`, dir: "up" } : { text: `▼ ${s}`, dir: "down" };
}

/** A rank's change: positive is a move up (to a smaller rank number). */
export function rankDelta(places: number | null, isNew: boolean): Delta {
  if (isNew) return { text: "new", dir: "new" };
  if (places === null) return { text: "", dir: "none" };
  if (places === 0) return { text: "=", dir: "same" };
  return places > 0 ? { text: `▲ ${places}`, dir: "up" } : { text: `▼ ${-places}`, dir: "down" };
}

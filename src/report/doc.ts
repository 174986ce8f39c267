/**
 * The report's content as a small document tree, written once (content.ts) and rendered twice: to HTML
 * (html.ts) and to GitHub Markdown (markdown.ts), so that both say the same thing. Text here is plain;
 * each renderer escapes it for its format.
 */
import type { Chart } from "./charts.js";

export type Tone = "up" | "down" | "muted";

export type Inline =
  | string
  /** `href`: a link (http or https only; anything else renders as plain text). `badge`: a small label beside a name. */
  | { text: string; strong?: boolean; em?: boolean; code?: boolean; tone?: Tone; small?: boolean; href?: string; badge?: "archived" | "mirror" }
  /** A word-sized chart (sparkline): inline <svg> in HTML, an <img> in Markdown. */
  | { chart: Chart }
  /** A proportion bar (HTML only; Markdown shows the number beside it already). */
  | { meter: number; colour: string }
  | { br: true };

export type Align = "left" | "right" | "center";

export interface TableGroup {
  /** A heading row spanning the table, e.g. "Tier 1 · 4 projects". */
  heading?: Inline[];
  /** Colour of the group's band (HTML). */
  colour?: string;
  rows: Inline[][][];
}

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; id?: string; text: string }
  | { kind: "paragraph"; content: Inline[]; role?: "lede" | "meta" | "note" }
  | { kind: "list"; items: Inline[][] }
  | { kind: "definitions"; items: { term: string; detail: Inline[] }[] }
  | { kind: "table"; name: string; head: Inline[][]; align: Align[]; groups: TableGroup[]; data?: Record<string, string> }
  /** Charts: "full" one per row, "grid" side by side; a chart's `phone` drawing replaces it on a phone's screen (HTML only). */
  | { kind: "figures"; layout: "full" | "grid" | "radar" | "rankings"; charts: Chart[] }
  | { kind: "details"; summary: string; blocks: Block[] }
  | { kind: "podium"; places: { rank: number; name: string; score: string; tier: string }[] }
  | { kind: "nav"; items: { id: string; text: string }[] }
  | { kind: "section"; id: string; blocks: Block[] };

export function strong(text: string): Inline {
  return { text, strong: true };
}

export function code(text: string): Inline {
  return { text, code: true };
}

export function para(...content: Inline[]): Block {
  return { kind: "paragraph", content };
}

/**
 * Only http(s) addresses and a cohort's own folder ("deep-learning-2018/") become links: a config or
 * snapshot cannot make the page run a javascript: URL.
 */
export function safeHref(href: string | undefined): string | undefined {
  return href !== undefined && /^(https?:\/\/[^\s"'<>]+|[a-z0-9][a-z0-9-]*\/)$/.test(href) ? href : undefined;
}

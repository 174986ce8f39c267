/**
 * Renders the document as GitHub-flavoured Markdown: the charts are the SVG files beside it (linked
 * with relative paths), tables are GFM tables, collapsible parts are <details>. Every text from config
 * or snapshots is escaped so that it renders as the text it is. Pure.
 */
import { oneLine } from "../format/plain.js";
import type { Chart } from "./charts.js";
import { safeHref, type Block, type Inline } from "./doc.js";
import { escapeLineStart, escapeMarkdown as md, escapeXml } from "./format.js";

/** An <img> of a chart file; "|" as an entity, since a GFM table splits cells on it even inside HTML. */
function img(c: Chart): string {
  // On one line: a line break in an alt text would end the Markdown table row it sits in.
  const attr = (s: string) => escapeXml(oneLine(s)).replace(/\|/g, "&#124;");
  return `<img src="${attr(c.file)}" alt="${attr(c.alt)}" width="${c.width}" height="${c.height}">`;
}

function inline(parts: readonly Inline[]): string {
  return parts.map(one).join("").trim();
}

function one(part: Inline): string {
  if (typeof part === "string") return md(part);
  if ("chart" in part) return img(part.chart);
  if ("meter" in part) return "";
  if ("br" in part) return "<br>";
  let s = md(part.text);
  if (!s) return "";
  if (part.code) s = "`" + part.text.replace(/`/g, "'").replace(/[\r\n]+/g, " ") + "`";
  if (part.em || part.badge) s = `*${s}*`;
  if (part.strong) s = `**${s}**`;
  const href = safeHref(part.href);
  // Parentheses and spaces encoded so that the address cannot end the link early.
  if (href) s = `[${s}](${href.replace(/[()<>\s|]/g, (c) => encodeURIComponent(c))})`;
  return s;
}

function cell(parts: readonly Inline[]): string {
  return inline(parts) || " ";
}

function block(b: Block): string {
  switch (b.kind) {
    case "heading":
      // "#" escaped too: a heading's trailing "#"s would otherwise be dropped as a closing sequence.
      return `${"#".repeat(b.level)} ${md(b.text).replace(/#/g, "\\#")}`;
    case "paragraph":
      return escapeLineStart(inline(b.content));
    case "list":
      return b.items.map((i) => `- ${escapeLineStart(inline(i))}`).join("\n");
    case "definitions":
      return b.items.map((i) => `- **${md(i.term)}**: ${inline(i.detail)}`).join("\n");
    case "table": {
      const sep = b.align.map((a) => (a === "right" ? "---:" : a === "center" ? ":---:" : "---"));
      const lines = [`| ${b.head.map(cell).join(" | ")} |`, `| ${sep.join(" | ")} |`];
      for (const g of b.groups) {
        if (g.heading) lines.push(`| ${[`**${inline(g.heading)}**`, ...b.head.slice(1).map(() => " ")].join(" | ")} |`);
        for (const r of g.rows) lines.push(`| ${r.map(cell).join(" | ")} |`);
      }
      return lines.join("\n");
    }
    case "figures":
      // Images on one line flow side by side as far as the page is wide.
      return b.layout === "full" ? b.charts.map(img).join("\n\n") : b.charts.map(img).join("\n");
    case "details":
      return `<details>\n<summary>${escapeXml(oneLine(b.summary))}</summary>\n\n${b.blocks.map(block).join("\n\n")}\n\n</details>`;
    case "podium":
      return b.places.map((p) => `${["🥇", "🥈", "🥉"][p.rank - 1] ?? ""} **${md(p.name)}** ${md(p.score)}`).join(" · ");
    case "nav":
      return b.items.map((i) => `[${md(i.text)}](#${i.id})`).join(" · ");
    case "section":
      return b.blocks.map(block).join("\n\n");
  }
}

export function renderMarkdown(doc: { title: string; header: Block[]; body: Block[]; footer: Inline[] }): string {
  return [...doc.header, ...doc.body].map(block).join("\n\n") + "\n\n---\n\n" + inline(doc.footer) + "\n";
}

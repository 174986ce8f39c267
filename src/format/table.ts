import { oneLine } from "./plain.js";
import { visibleLength } from "./color.js";

export type Align = "left" | "right";

/**
 * Lays rows out in columns separated by two spaces, padded to the widest cell (ANSI codes do not
 * count towards width). Trailing spaces are trimmed. Returns one string per row, no newlines.
 */
export function layoutTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const widths: number[] = [];
  // Each cell's width, measured once (a history table has hundreds of thousands of cells).
  const lengths = rows.map((row) => row.map(visibleLength));
  for (const row of lengths) {
    row.forEach((length, i) => {
      widths[i] = Math.max(widths[i] ?? 0, length);
    });
  }
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - lengths[r]![i]!);
        return align[i] === "right" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/**
 * Text from data (a project's name, an API's message) inside Markdown: on one line, and every
 * character Markdown or HTML would act on backslash-escaped (a table's pipes are markdownCell's), so that `</details>`, `<!--` or `**`
 * in a name show as written instead of breaking the page (as the HTML report escapes HTML).
 */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>&~$]/g, (c) => `\\${c}`);
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const rule = header.map((_, i) => (align[i] === "right" ? "---:" : "---"));
  return [header, rule, ...rows].map((row, r) => `| ${row.map((c) => (r === 1 ? c : markdownCell(c))).join(" | ")} |`);
}

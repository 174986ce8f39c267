/**
 * GitHub Actions workflow commands (`::warning title=...::message`), escaped as the runner expects
 * (the same rules as @actions/core). Printed on stdout, they become annotations on the run.
 */

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "notice" | "warning" | "error";

/** One annotation, as a line for stdout. */
export function annotation(level: AnnotationLevel, title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}\n`;
}

/** "a, b, c and 12 more": a list kept short enough for an annotation. */
export function shortList(items: string[], max = 20): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

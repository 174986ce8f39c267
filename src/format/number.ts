/**
 * How numbers are shown to people (terminal, Markdown). Machine formats (JSON, CSV) keep full precision
 * and never go through here.
 */

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });

/** A figure or criterion value: thousands grouped, at most 4 decimals (12,000; 57.3185). */
export function formatValue(value: number): string {
  return GROUPED.format(value);
}

/** A score in [0, 1], always 4 decimals (0.7123). */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? "-" : score.toFixed(4);
}

/** A signed difference: +0.0623, -12, 0 (never "-0"). `digits` fixes the decimals (scores). */
export function formatDelta(delta: number | null | undefined, digits?: number): string {
  if (delta === null || delta === undefined) return "";
  const body = digits === undefined ? formatValue(Math.abs(delta)) : Math.abs(delta).toFixed(digits);
  if (/^[0.,]+$/.test(body)) return digits === undefined ? "0" : body;
  return (delta > 0 ? "+" : "-") + body;
}

/** A relative change as a signed percentage with one decimal: +12.5%. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "";
  return formatDelta(ratio * 100, 1) + "%";
}

/** Any raw figure: numbers grouped, ISO instants as is, null as "-" (not known). */
export function formatFigure(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return formatValue(value);
  return String(value);
}

/** A number inside a formula: at most 4 decimals, no grouping (so commas never read as separators). */
export function formatPlain(value: number): string {
  const rounded = Number(value.toFixed(4));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

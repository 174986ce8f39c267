import type { Declared } from "../config/rubric.js";

const fmt = (x: number) => String(Number(x.toFixed(4)));

/** A rating's scale in words: "0 individual, 1 sponsor with few resources, 2 with many", or "1 to 3". */
function scaleText(d: Declared): string {
  const s = d.scale!;
  const labels = Object.entries(s.labels ?? {});
  return labels.length > 0 ? labels.map(([v, l]) => `${v} ${l}`).join(", ") : `${fmt(s.min)} to ${fmt(s.max)}`;
}

/** What a criterion or part is, in words: its description, or one made from its kind. */
export function formulaText(d: Declared): string {
  if (d.description) return d.description;
  switch (d.kind) {
    case "rating":
      return `hand rating: ${scaleText(d)}`;
    case "checklist":
      return `items of the rubric's ${d.items?.length ?? 0}-item checklist met (1 each, 0.5 where nearly)`;
    case "weightedSet":
      return "sum over entries of their weight (0 to 1)";
    case "list":
      return "number of entries";
    case "metric":
      return d.expression ?? "";
    case "composite":
      return (d.parts ?? []).map((p) => (p.kind === "metric" ? formulaText(p) : (p.name ?? p.id))).join(" + ");
  }
}


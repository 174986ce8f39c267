import { PLAIN, type Style } from "../format/color.js";
import { formatFigure, formatPlain as n, formatScore } from "../format/number.js";
import { layoutTable } from "../format/table.js";
import type { Explanation, WeightedMean } from "./derive.js";

const indent = (lines: string[], by = "  ") => lines.map((l) => by + l);

function mean(m: WeightedMean, label: string): string {
  const out = m.filled === null ? `${label}: no score (nothing in it has a score)` : `${label} = ${m.filled}`;
  return m.leftOut.length > 0 ? `${out}  (left out, no score: ${m.leftOut.join(", ")})` : out;
}

/** The terminal rendering of an explanation, top (figures) to bottom (tier). */
export function renderExplanation(e: Explanation, style: Style = PLAIN): string {
  const out: string[] = [];
  out.push(style.bold(`${e.id} (${e.name})`) + ` in ${e.cohort}, as of ${e.asOf}, rubric "${e.rubric.name}" v${e.rubric.version}`);

  out.push("", style.bold("Sources"));
  const sources: string[][] = [
    ["repository", e.sources.repository],
    ["Stack Overflow tags", e.sources.stackOverflowTags.join(", ") || "none"],
    ["repository query", e.sources.repositoryQuery ?? "none"],
  ];
  if (e.sources.numericsRepository) sources.push(["numerics repository", e.sources.numericsRepository]);
  out.push(...indent(layoutTable(sources)));

  out.push("", style.bold(`Raw figures`) + ` (merged pull requests: the ${e.windowDays}-day window ending at asOf)`);
  const heads = layoutTable(e.figures.map((f) => [f.field, f.error === null ? formatFigure(f.value) : style.yellow("- not fetched")]));
  e.figures.forEach((f, i) => {
    out.push(`  ${heads[i]}`);
    if (f.error !== null) out.push(style.yellow(`      error: ${f.error}`));
    out.push(`      ${f.request}  ${style.dim(`→ ${f.detail}`)}`);
  });
  for (const w of e.warnings) out.push(`  ${style.yellow("warning")} ${w.field}: ${w.message}`);

  out.push("", style.bold("Criteria") + " (value, then score = value / maximum, clamped to [0, 1])");
  for (const c of e.criteria) {
    out.push(`  ${style.bold(c.id)} (${c.category}, weight ${n(c.weight)}): ${c.formula}`);
    if (c.score === null) {
      out.push(`    no value: ${c.missing}; left out of ${c.category}`);
      continue;
    }
    out.push(`    ${c.id} = ${c.filled}`);
    const by = c.normalization.by;
    const max =
      by === "scale" || by === "fixed"
        ? `scale maximum ${n(c.normalization.max)}`
        : by === "threshold"
          ? `threshold ${n(c.normalization.max)}`
          : by === "percentile"
            ? "cohort percentile"
            : `cohort maximum ${n(c.normalization.max)}${c.normalization.heldBy.length ? ` (${c.normalization.heldBy.join(", ")})` : ""}`;
    out.push(`    score = ${c.normalization.filled}  [${max}]`);
  }

  out.push("", style.bold("Categories") + " (weighted mean of the criteria scores the project has)");
  for (const c of e.categories) out.push(`  ${mean(c, `${c.id} (weight ${n(c.weight)})`)}`);
  out.push("", style.bold("Overall") + " (weighted mean of the category scores)");
  out.push(`  ${mean(e.overall, "overall")}`);

  out.push("", style.bold("Rank") + ` ${e.rank.rank} of ${e.rank.of} (overall high to low, ties by id)`);
  const near = [e.rank.above && `above: ${e.rank.above.id} ${formatScore(e.rank.above.overall)}`, e.rank.below && `below: ${e.rank.below.id} ${formatScore(e.rank.below.overall)}`].filter(Boolean);
  if (near.length) out.push(`  ${near.join("; ")}`);
  const range = (t: { min: number; max: number }) => (t.min === t.max ? formatScore(t.min) : `${formatScore(t.min)}–${formatScore(t.max)}`);
  const tiers = e.tier.tiers.map((t) => `tier ${t.tier}: ${range(t)} (${t.projects} project${t.projects === 1 ? "" : "s"})`).join("; ");
  out.push(
    style.bold("Tier") +
      (e.tier.tier === null ? " none (no overall score)" : ` ${e.tier.tier} of ${e.tier.tiers.length} (Jenks natural breaks of the overall scores)`),
  );
  if (tiers) out.push(`  ${tiers}`);
  return out.join("\n") + "\n";
}

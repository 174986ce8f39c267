/**
 * How the report names and explains each criterion: from the rubric's declaration (its name and
 * description, or words made from its kind; see src/rubric/describe.ts).
 */
import { declaredCriteria, isRated, type Rubric } from "../config/rubric.js";
import { formulaText } from "../rubric/describe.js";

export interface CriterionText {
  name: string;
  /** What the value is, in one line. */
  what: string;
  /** The value is a sum of logarithms: the bars' raw axis is a log scale. */
  log: boolean;
  /** A hand rating from the cohort config (a composite: partly rated). */
  rated: boolean;
}

export function criterionText(id: string, rubric: Rubric, windowDays: number): CriterionText {
  const d = declaredCriteria(rubric).find((k) => k.id === id);
  if (d === undefined) return { name: id, what: "", log: false, rated: false };
  const name = d.name ?? id.charAt(0).toUpperCase() + id.slice(1);
  const what = formulaText(d).replaceAll("the window", `the last ${windowDays} days`);
  const log = d.kind === "metric" && /\b(log10|ln)\(/.test(d.expression ?? "");
  return { name, what, log, rated: isRated(d) };
}

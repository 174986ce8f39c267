/**
 * How the report names and explains each criterion (the formulas are in src/score/ and
 * docs/methodology.md; the config's rubric says which criteria count and how they are weighted).
 */
import type { CriterionId } from "../config/criteria.js";
import type { Rubric } from "../config/rubric.js";
import { opsSample } from "../config/rubric.js";

export interface CriterionText {
  name: string;
  /** What the value is, in one line. */
  what: string;
  /** The value is a sum of logarithms: the bars' raw axis is a log scale. */
  log: boolean;
  /** A hand rating from the cohort config (numerics: half rated, half fetched). */
  rated: boolean;
}

export function criterionText(id: CriterionId, rubric: Rubric, windowDays: number): CriterionText {
  switch (id) {
    case "sponsor":
      return { name: "Sponsor", what: "hand rating: 0 individual, 1 sponsor with few resources, 2 with many", log: false, rated: true };
    case "activity":
      return { name: "Activity", what: `1 / max(1, weeks since the last commit) + pull requests merged in the last ${windowDays} days`, log: false, rated: false };
    case "ecosystem":
      return { name: "Ecosystem", what: "log10(1 + GitHub repositories) + log10(1 + Stack Overflow questions)", log: true, rated: false };
    case "documentation":
      return { name: "Documentation", what: "hand rating, 1 to 3", log: false, rated: true };
    case "graph":
      return { name: "Graph", what: "hand rating: 2 dynamic, 1 symbolic, 0 neither", log: false, rated: true };
    case "numerics":
      return { name: "Numerics", what: "maturity (0–5) + ease of use (0–5) + activity of the numerics library's repository", log: false, rated: true };
    case "ops":
      return { name: "Operations", what: `operations of the ${opsSample(rubric).length}-operation sample built in (0.5 where trivial to write)`, log: false, rated: true };
    case "languages":
      return { name: "Languages", what: "sum over official language bindings of their maturity (0 to 1 each)", log: false, rated: true };
    case "scalability":
      return { name: "Scalability", what: "hand rating: 0 none, 1 third-party, 2 built in", log: false, rated: true };
    case "os":
      return { name: "Operating systems", what: "number of operating systems officially supported", log: false, rated: true };
    case "aws":
      return { name: "AWS", what: "hand rating: 0 no information, 1 example, 2 supported, 3 endorsed", log: false, rated: true };
    case "onnx":
      return { name: "ONNX", what: "hand rating: 0 none, 1 community, 2 built in", log: false, rated: true };
  }
}

import type { CriterionId } from "../config/criteria.js";
import { weeksBetween } from "../score/activity.js";
import { formatPlain as n } from "../format/number.js";
import type { Issue, RawField } from "../snapshot/schema.js";
import type { CriterionScore, ScoredProject as ProjectSnapshot, ScoredSnapshot as Snapshot } from "../score/types.js";
import { apiOf, figureSources } from "./requests.js";

/** How every number of one project in one snapshot follows from its figures, ratings and the rubric. */
export interface Explanation {
  id: string;
  name: string;
  cohort: string;
  asOf: string;
  windowDays: number;
  rubric: { name: string; version: number };
  sources: ProjectSnapshot["sources"];
  figures: FigureExplanation[];
  warnings: Issue[];
  criteria: CriterionExplanation[];
  categories: WeightedMean[];
  overall: WeightedMean;
  rank: { rank: number; of: number; above: Neighbour | null; below: Neighbour | null };
  tier: { tier: number | null; tiers: { tier: number; min: number; max: number; projects: number }[] };
}

export interface FigureExplanation {
  field: RawField;
  value: string | number | boolean | null;
  request: string;
  detail: string;
  /** Why the figure is null, when fetching it failed. */
  error: string | null;
}

export interface CriterionExplanation {
  id: CriterionId;
  category: string;
  weight: number;
  /** What the value is, in words with symbols: "1/max(1, weeks since the last commit) + merged pull requests". */
  formula: string;
  /** The same with the project's numbers and the result: "1/max(1, 3.1429 weeks) + 57 = 57.3182"; null without a value. */
  filled: string | null;
  /** Why there is no value (and the criterion is left out of its category). */
  missing: string | null;
  /** The score (null when the project has no value). */
  score: CriterionScore | null;
  normalization: {
    by: "scale" | "cohortMax";
    max: number;
    /** cohortMax: the projects holding the maximum. */
    heldBy: string[];
    /** "57.3182 / 80.1 = 0.7156"; null without a value. */
    filled: string | null;
  };
}

export interface WeightedMean {
  id: string;
  name: string;
  weight: number;
  parts: { id: string; weight: number; score: number }[];
  /** Criteria or categories without a score, left out of the mean. */
  leftOut: string[];
  /** "(1×1 + 1×0.7156) / (1 + 1) = 0.8578", or null when nothing has a score. */
  filled: string | null;
  /** The category's score. */
  score: number | null;
}

export interface Neighbour {
  id: string;
  rank: number;
  overall: number | null;
}

function activityFilled(last: string | null, merged: number, asOf: string): string {
  if (last === null) return `0 (no commit before asOf) + ${merged}`;
  return `1/max(1, ${n(weeksBetween(last, asOf))} weeks) + ${merged}`;
}

function errorOf(project: ProjectSnapshot, field: RawField): string | undefined {
  const e = project.errors.find((i) => i.field === field);
  return e && `${field} could not be fetched (${e.message})`;
}

/** The formula of a criterion, filled in for one project, or why it has no value. */
function formulaOf(id: CriterionId, p: ProjectSnapshot, asOf: string): { formula: string; filled: string | null; missing: string | null; final?: boolean } {
  const { raw, ratings } = p;
  const none = (missing: string, formula: string) => ({ formula, filled: null, missing });
  const rated = (formula: string) =>
    ratings[id as keyof typeof ratings] === undefined ? none(`no ${id} rating in the cohort config`, formula) : { formula, filled: `${ratings[id as keyof typeof ratings] as number} (hand rating)`, missing: null, final: true };
  switch (id) {
    case "activity": {
      const formula = "1/max(1, weeks since the last commit) + pull requests merged in the window";
      const why = (raw.mergedPullRequests === null && (errorOf(p, "mergedPullRequests") ?? "mergedPullRequests is unknown")) || (raw.lastCommitAt === null && errorOf(p, "lastCommitAt"));
      if (why) return none(why, formula);
      return { formula, filled: activityFilled(raw.lastCommitAt, raw.mergedPullRequests!, asOf), missing: null };
    }
    case "ecosystem": {
      const formula = "log10(1 + GitHub repositories) + log10(1 + Stack Overflow questions)";
      for (const field of ["repositoryCount", "stackOverflowQuestions"] as const) {
        if (raw[field] === null) return none(errorOf(p, field) ?? `${field} is unknown`, formula);
      }
      const r = raw.repositoryCount!;
      const q = raw.stackOverflowQuestions!;
      return { formula, filled: `log10(1 + ${r}) + log10(1 + ${q}) = ${n(Math.log10(1 + r))} + ${n(Math.log10(1 + q))}`, missing: null };
    }
    case "numerics": {
      const own = raw.numericsMergedPullRequests === undefined;
      const where = own ? "the project's own repository" : `${p.sources.numericsRepository ?? "its numerics repository"}`;
      const formula = `maturity + ease of use + activity of the numerics library (${where})`;
      if (!ratings.numerics) return none("no numerics rating in the cohort config", formula);
      const commitField: RawField = own ? "lastCommitAt" : "numericsLastCommitAt";
      const mergedField: RawField = own ? "mergedPullRequests" : "numericsMergedPullRequests";
      const merged = raw[mergedField];
      const last = raw[commitField];
      if (typeof merged !== "number") return none(errorOf(p, mergedField) ?? `${mergedField} is unknown`, formula);
      if (last === null && errorOf(p, commitField)) return none(errorOf(p, commitField)!, formula);
      const act = activityFilled(typeof last === "string" ? last : null, merged, asOf);
      return { formula, filled: `${ratings.numerics.maturity} + ${ratings.numerics.easeOfUse} + (${act})`, missing: null };
    }
    case "ops": {
      const formula = "operations of the rubric's sample built in (1 each, 0.5 where trivial to write)";
      if (ratings.ops === undefined) return none("no ops rating in the cohort config", formula);
      if (typeof ratings.ops === "number") return { formula, filled: `${ratings.ops} (hand count)`, missing: null, final: true };
      const items = Object.entries(ratings.ops);
      return { formula, filled: items.length === 0 ? "0 (empty checklist)" : items.map(([op, v]) => `${v} (${op})`).join(" + "), missing: null };
    }
    case "languages": {
      const formula = "sum over language bindings of their maturity (0 to 1)";
      if (ratings.languages === undefined) return none("no languages rating in the cohort config", formula);
      const items = Object.entries(ratings.languages);
      return { formula, filled: items.length === 0 ? "0 (no bindings)" : items.map(([lang, v]) => `${v} (${lang})`).join(" + "), missing: null };
    }
    case "os": {
      const formula = "number of operating systems officially supported";
      if (ratings.os === undefined) return none("no os rating in the cohort config", formula);
      return { formula, filled: `count of [${ratings.os.join(", ")}]`, missing: null };
    }
    case "sponsor":
      return rated("0 individual, 1 sponsor with few resources, 2 with many");
    case "documentation":
      return rated("1 to 3, qualitative");
    case "graph":
      return rated("2 dynamic, 1 symbolic, 0 neither");
    case "scalability":
      return rated("0 none, 1 third-party, 2 built in");
    case "aws":
      return rated("0 no information, 1 example, 2 supported, 3 endorsed");
    case "onnx":
      return rated("0 none, 1 community, 2 built in");
  }
}

function weightedMean(id: string, name: string, weight: number, parts: WeightedMean["parts"], leftOut: string[], score: number | null): WeightedMean {
  const total = parts.reduce((s, x) => s + x.weight, 0);
  let filled: string | null = null;
  if (parts.length > 0 && total > 0) {
    const sum = parts.map((x) => `${n(x.weight)}×${n(x.score)}`).join(" + ");
    const weights = parts.map((x) => n(x.weight)).join(" + ");
    filled = `(${sum}) / (${weights}) = ${score === null ? "-" : n(score)}`;
  } else if (parts.length > 0) {
    filled = "every weight is 0: no score";
  }
  return { id, name, weight, parts, leftOut, filled, score };
}

/**
 * How one project's numbers in a snapshot were derived: figures and their requests, each criterion's
 * formula with the values filled in, its normalization, the weighted means, rank and tier. Pure.
 * Throws a plain Error for an unknown id (callers check first).
 */
export function explainProject(snapshot: Snapshot, id: string): Explanation {
  const p = snapshot.projects.find((x) => x.id === id);
  if (!p) throw new Error(`no project ${id}`);
  const { asOf } = snapshot;

  const figures: FigureExplanation[] = figureSources(p, asOf, snapshot.windowDays, apiOf(snapshot.requests)).map((s) => ({
    ...s,
    value: p.raw[s.field] ?? null,
    error: p.raw[s.field] === null ? (p.errors.find((e) => e.field === s.field)?.message ?? null) : null,
  }));

  const criteria: CriterionExplanation[] = [];
  const categories: WeightedMean[] = [];
  for (const category of snapshot.rubric.categories) {
    const parts: WeightedMean["parts"] = [];
    const leftOut: string[] = [];
    for (const c of category.criteria) {
      const score = p.scores.criteria[c.id] ?? null;
      const { formula, filled, missing, final } = formulaOf(c.id, p, asOf);
      let max: number;
      let heldBy: string[] = [];
      if (c.normalize.by === "scale") {
        max = c.normalize.max;
      } else {
        const values = snapshot.projects.flatMap((x) => {
          const v = x.scores.criteria[c.id]?.value;
          return v === undefined ? [] : [{ id: x.id, v }];
        });
        max = Math.max(0, ...values.map((x) => x.v));
        heldBy = values.filter((x) => x.v === max && max > 0).map((x) => x.id);
      }
      let normalizedFilled: string | null = null;
      if (score !== null) {
        const ratio = max === 0 ? "0 (the maximum is 0)" : score.value / max > 1 ? `min(1, ${n(score.value)} / ${n(max)})` : `${n(score.value)} / ${n(max)}`;
        normalizedFilled = `${ratio} = ${n(score.normalized)}`;
        parts.push({ id: c.id, weight: c.weight, score: score.normalized });
      } else {
        leftOut.push(c.id);
      }
      criteria.push({
        id: c.id,
        category: category.id,
        weight: c.weight,
        formula,
        filled: filled === null || score === null ? null : final ? filled : `${filled} = ${n(score.value)}`,
        missing: score === null ? (missing ?? "no value") : null,
        score,
        normalization: { by: c.normalize.by, max, heldBy, filled: normalizedFilled },
      });
    }
    categories.push(weightedMean(category.id, category.name, category.weight, parts, leftOut, p.scores.categories[category.id] ?? null));
  }
  const overall = weightedMean(
    "overall",
    "Overall",
    1,
    categories.filter((c) => c.score !== null).map((c) => ({ id: c.id, weight: c.weight, score: c.score! })),
    categories.filter((c) => c.score === null).map((c) => c.id),
    p.scores.overall,
  );

  const byRank = [...snapshot.projects].sort((a, b) => a.scores.rank - b.scores.rank);
  const neighbour = (rank: number): Neighbour | null => {
    const x = byRank.find((q) => q.scores.rank === rank);
    return x ? { id: x.id, rank, overall: x.scores.overall } : null;
  };
  const tiers = new Map<number, { min: number; max: number; projects: number }>();
  for (const x of snapshot.projects) {
    if (x.scores.tier === null || x.scores.overall === null) continue;
    const t = tiers.get(x.scores.tier) ?? { min: Infinity, max: -Infinity, projects: 0 };
    tiers.set(x.scores.tier, { min: Math.min(t.min, x.scores.overall), max: Math.max(t.max, x.scores.overall), projects: t.projects + 1 });
  }

  return {
    id: p.id,
    name: p.name,
    cohort: snapshot.cohort,
    asOf,
    windowDays: snapshot.windowDays,
    rubric: { name: snapshot.rubric.name, version: snapshot.rubric.version },
    sources: p.sources,
    figures,
    warnings: p.warnings,
    criteria,
    categories,
    overall,
    rank: { rank: p.scores.rank, of: snapshot.projects.length, above: neighbour(p.scores.rank - 1), below: neighbour(p.scores.rank + 1) },
    tier: {
      tier: p.scores.tier,
      tiers: [...tiers].sort((a, b) => a[0] - b[0]).map(([tier, t]) => ({ tier, ...t })),
    },
  };
}

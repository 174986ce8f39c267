/**
 * Criteria declared in the rubric, by kind: expressions over the figures (parsed by our own parser),
 * every normalization, direction, missing data, and the figures a rubric needs fetched.
 */
import { describe, expect, it } from "vitest";
import { ExpressionError, parseExpression, type FigureType } from "../../src/rubric/expression.js";
import { Rubric, rubricFigures } from "../../src/config/rubric.js";
import { FIGURE_TYPES } from "../../src/config/figures.js";
import { scoreCohort, scoreColumns, type ScoreInput } from "../../src/score/index.js";
import { scoreboardTable } from "../../src/scoreboard/index.js";
import { explainProject } from "../../src/explain/derive.js";
import { Scorer } from "../../src/score/snapshot.js";

const asOf = "2026-11-21T00:00:00.000Z";
const DAY = 24 * 3600 * 1000;

function parseError(text: string, figures: Record<string, FigureType> = FIGURE_TYPES as Record<string, FigureType>): string {
  try {
    parseExpression(text, figures);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return (error as Error).message;
  }
  throw new Error(`parsed: ${text}`);
}

describe("metric expressions", () => {
  it("refuses unknown figures, syntax errors and dates used as numbers, each in one sentence", () => {
    expect(parseError("log10(1 + starz)")).toMatch(/^unknown figure starz; known: lastCommitAt, mergedPullRequests, /);
    expect(parseError("1 + (stars")).toBe('expected ")" at the end');
    expect(parseError("stars +")).toBe("incomplete expression: a value is missing at the end");
    expect(parseError("stars forks")).toBe('unexpected "forks" at character 7');
    expect(parseError("lastCommitAt + 1")).toBe("lastCommitAt is a date: use it inside weeksSince(), daysSince() or monthsSince()");
    expect(parseError("weeksSince(stars)")).toMatch(/^weeksSince takes a date figure \(lastCommitAt, createdAt, latestReleaseAt, numericsLastCommitAt\), at character 12/);
    expect(parseError("log10(stars, forks)")).toBe("log10 takes 1 argument, got 2");
  });

  it("reaches nothing but the figures and its own functions: no property, global, string or code", () => {
    expect(parseError("process.env.HOME")).toBe('unexpected "." at character 8');
    expect(parseError("process")).toMatch(/^unknown figure process;/);
    expect(parseError("toString(1)")).toMatch(/^unknown function toString;/);
    expect(parseError("weeksSince(constructor)")).toMatch(/^weeksSince takes a date figure/);
    expect(parseError("constructor")).toMatch(/^unknown figure constructor;/);
    expect(parseError("__proto__")).toMatch(/^unknown figure __proto__;/);
    expect(parseError("Math")).toMatch(/^unknown figure Math;/);
    expect(parseError('require("fs")')).toMatch(/^unexpected """ at character 9/);
    expect(parseError("require(1)")).toMatch(/^unknown function require;/);
    expect(parseError("eval(1)")).toMatch(/^unknown function eval;/);
    expect(parseError("stars; forks")).toMatch(/^unexpected ";" at character 6/);
    expect(parseError("`stars`")).toMatch(/^unexpected "`"/);
    expect(parseError("stars[0]")).toMatch(/^unexpected "\["/);
  });
});

const raw = (over: Record<string, unknown>) => ({ lastCommitAt: null, mergedPullRequests: null, repositoryCount: null, stackOverflowQuestions: null, stars: null, forks: null, openIssues: null, archived: null, ...over });
const project = (id: string, over: Record<string, unknown>, ratings: ScoreInput["ratings"] = {}): ScoreInput => ({ id, raw: raw(over), ratings, errors: [] });

/** A rubric of one category holding the given criteria. */
const oneCategory = (criteria: unknown[], extra: Record<string, unknown> = {}) => Rubric.parse({ version: 1, name: "t", ...extra, categories: [{ id: "all", name: "All", criteria }] });

describe("criteria declared by kind", () => {
  it("computes a metric over the figures, with the arithmetic and functions written", () => {
    const r = oneCategory([{ id: "reach", kind: "metric", expression: "ln(1 + stars) * 2 - forks / 4 + daysSince(lastCommitAt)", normalize: { by: "cohortMax" } }]);
    const s = scoreCohort([project("a", { stars: 99, forks: 8, lastCommitAt: new Date(Date.parse(asOf) - 3 * DAY).toISOString() })], r, asOf);
    expect(s.get("a")!.criteria.reach!.value).toBe(Math.log(100) * 2 - 2 + 3);
  });

  it("sums a composite's parts: ratings and a metric of another repository (the project's own when it has none)", () => {
    const r = oneCategory([
      {
        id: "numerics",
        kind: "composite",
        parts: [
          { id: "maturity", kind: "rating", scale: { min: 0, max: 5 } },
          { id: "activity", kind: "metric", repository: "numerics", expression: "mergedPullRequests * 10" },
        ],
        normalize: { by: "fixed", max: 100 },
      },
    ]);
    const s = scoreCohort(
      [
        project("own", { mergedPullRequests: 2 }, { numerics: { maturity: 3 } }),
        project("other", { mergedPullRequests: 2, numericsMergedPullRequests: 5, numericsLastCommitAt: null }, { numerics: { maturity: 4 } }),
        project("unrated", { mergedPullRequests: 2 }),
      ],
      r,
      asOf,
    );
    expect(s.get("own")!.criteria.numerics).toEqual({ value: 23, normalized: 0.23 });
    expect(s.get("other")!.criteria.numerics).toEqual({ value: 54, normalized: 0.54 });
    expect(s.get("unrated")!.criteria.numerics).toBeUndefined();
  });

  it("normalizes by a fixed scale with a minimum, by threshold and by percentile rank, higher or lower better", () => {
    const r = oneCategory([
      { id: "doc", kind: "rating", scale: { min: 1, max: 3 }, normalize: { by: "fixed", min: 1, max: 3 } },
      { id: "popular", kind: "metric", expression: "stars", normalize: { by: "threshold", threshold: 1000 } },
      { id: "forkRank", kind: "metric", expression: "forks", normalize: { by: "percentile" } },
      { id: "backlog", kind: "metric", expression: "openIssues", normalize: { by: "cohortMax" }, direction: "lower" },
    ]);
    const projects = [
      project("a", { stars: 9, forks: 10, openIssues: 50 }, { doc: 2 }),
      project("b", { stars: 5000, forks: 30, openIssues: 100 }, { doc: 3 }),
      project("c", { stars: 999, forks: 10, openIssues: 0 }, { doc: 1 }),
      project("d", { stars: 0, forks: 40, openIssues: 25 }, { doc: 1 }),
    ];
    const s = scoreCohort(projects, r, asOf);
    const n = (id: string, k: string) => s.get(id)!.criteria[k]!.normalized;
    expect([n("a", "doc"), n("b", "doc"), n("c", "doc")]).toEqual([0.5, 1, 0]);
    expect(n("a", "popular")).toBe(Math.log(10) / Math.log(1001));
    expect(n("b", "popular")).toBe(1); // above the threshold: log(1 + x) / log(1 + x)
    expect(n("d", "popular")).toBe(0);
    // forks 10, 30, 10, 40: the two 10s tie below everyone (half of their own tie), 30 above two, 40 above three.
    expect(["a", "b", "c", "d"].map((id) => n(id, "forkRank"))).toEqual([0.5 / 3, 2 / 3, 0.5 / 3, 1]);
    expect(["a", "b", "c", "d"].map((id) => n(id, "backlog"))).toEqual([0.5, 0, 1, 0.75]);
  });

  it("leaves a missing value out of the category (skip) or counts it 0 (zero), as the rubric says", () => {
    const criteria = [
      { id: "doc", kind: "rating", scale: { min: 0, max: 2 }, normalize: { by: "fixed", max: 2 } },
      { id: "reach", kind: "metric", expression: "stars", normalize: { by: "fixed", max: 10 } },
    ];
    const projects = [project("a", { stars: null }, { doc: 2 }), project("b", { stars: 5 }, { doc: 2 })];
    expect(scoreCohort(projects, oneCategory(criteria), asOf).get("a")!.overall).toBe(1);
    expect(scoreCohort(projects, oneCategory(criteria, { missing: "zero" }), asOf).get("a")!.overall).toBe(0.5);
    const perCriterion = oneCategory(criteria.map((c) => (c.id === "reach" ? { ...c, missing: "zero" } : c)));
    expect(scoreCohort(projects, perCriterion, asOf).get("a")!.overall).toBe(0.5);
    expect(scoreCohort(projects, perCriterion, asOf).get("b")!.overall).toBe(0.75);
  });
});

describe("the figures a rubric uses", () => {
  it("are the figures its metrics read, another repository's included, and none for a rubric of ratings", () => {
    const coveo = Rubric.parse({
      version: 1,
      name: "legacy",
      categories: [{ id: "c", name: "C", criteria: ["sponsor", "activity", "ecosystem", "numerics"].map((id) => ({ id, normalize: { by: "cohortMax" } })) }],
    });
    expect([...rubricFigures(coveo)].sort()).toEqual(["lastCommitAt", "mergedPullRequests", "numericsLastCommitAt", "numericsMergedPullRequests", "repositoryCount", "stackOverflowQuestions"]);
    const stars = oneCategory([
      { id: "reach", kind: "metric", expression: "log10(1 + stars) + forks", normalize: { by: "cohortMax" } },
      { id: "doc", kind: "rating", scale: { min: 0, max: 1 }, normalize: { by: "fixed", max: 1 } },
    ]);
    expect([...rubricFigures(stars)].sort()).toEqual(["forks", "stars"]);
    // windowDays is the snapshot's own, not a figure to fetch.
    expect([...rubricFigures(oneCategory([{ id: "rate", kind: "metric", expression: "forks / windowDays", normalize: { by: "cohortMax" } }]))]).toEqual(["forks"]);
    expect(rubricFigures(oneCategory([{ id: "doc", kind: "rating", scale: { min: 0, max: 1 }, normalize: { by: "fixed", max: 1 } }])).size).toBe(0);
  });
});

describe("OpenSSF criticality_score's formula as a rubric", () => {
  // github.com/ossf/criticality_score README (Python version, 2020): parameters, weights and thresholds,
  // and `criticality_score --repo github.com/kubernetes/kubernetes` printing these signals and 0.98514.
  const SIGNALS: [string, number, number, number][] = [
    ["created_since", 78, 1, 120],
    ["updated_since", 0, -1, 120],
    ["contributor_count", 3649, 2, 5000],
    ["org_count", 5, 1, 10],
    ["commit_frequency", 105.9, 1, 1000],
    ["recent_releases_count", 77, 0.5, 26],
    ["closed_issues_count", 3333, 0.5, 5000],
    ["updated_issues_count", 5489, 0.5, 5000],
    ["comment_frequency", 5.4, 1, 15],
    ["dependents_count", 403529, 2, 500000],
  ];
  it("recomputes kubernetes' published score from its published signal values", () => {
    const figures = Object.fromEntries(SIGNALS.map(([name]) => [name, "number" as const]));
    // Not through Rubric.parse, which knows only the figures a snapshot holds: these signals are the test's own.
    const rubric: Rubric = {
      version: 1,
      name: "criticality",
      categories: [{ id: "criticality", name: "Criticality", weight: 1, criteria: SIGNALS.map(([name, , weight, threshold]) => ({ id: `${name}_score`, kind: "metric" as const, expression: name, weight, normalize: { by: "threshold" as const, threshold } })) }],
    };
    const kubernetes: ScoreInput = { id: "kubernetes", raw: Object.fromEntries(SIGNALS.map(([name, value]) => [name, value])), ratings: {}, errors: [] };
    const overall = scoreColumns([kubernetes], rubric, asOf, figures).overall[0]!;
    expect(Math.round(overall * 1e5) / 1e5).toBe(0.98514);
  });

  it("mirrors a lower-is-better value inside its threshold, as its scorer's smaller_is_better does", () => {
    const r = oneCategory([{ id: "updatedSince", kind: "metric", expression: "openIssues", direction: "lower", normalize: { by: "threshold", threshold: 120 } }]);
    const s = scoreCohort([0, 10, 120, 400].map((v) => project(`p${v}`, { openIssues: v })), r, asOf);
    expect([0, 10, 120, 400].map((v) => s.get(`p${v}`)!.criteria.updatedSince!.normalized)).toEqual([1, Math.log(111) / Math.log(121), 0, 0]);
  });
});

describe("an incomplete project in the score table", () => {
  it("reads incomplete, ranked after the complete ones", () => {
    const r = Rubric.parse({
      version: 1,
      name: "t",
      categories: [
        { id: "a", name: "A", criteria: [{ id: "doc", kind: "rating", scale: { min: 0, max: 2 }, normalize: { by: "fixed", max: 2 } }] },
        { id: "b", name: "B", criteria: [{ id: "reach", kind: "metric", expression: "stars", normalize: { by: "cohortMax" } }] },
      ],
    });
    const snapshot = scoreCohort([project("full", { stars: 1 }, { doc: 1 }), project("half", { stars: null }, { doc: 2 })], r, asOf);
    const board = {
      cohort: "c",
      asOf,
      rubric: { name: "t", version: 1 },
      projects: ["full", "half"].map((id) => ({ id, name: id, ...snapshot.get(id)! })).sort((x, y) => x.rank - y.rank),
    };
    const lines = scoreboardTable(board, new Map()).split("\n");
    expect(lines[2]!.split(/\s{2,}/).slice(0, 4)).toEqual(["1", "full", "1", "0.7500"]);
    expect(lines[3]!.split(/\s{2,}/).slice(0, 4)).toEqual(["2", "half", "-", "incomplete"]);
  });
});

describe("explain, for criteria declared in the rubric", () => {
  it("fills a metric with the figures, a weighted set with its entries, and shows each normalization", () => {
    const rubric = Rubric.parse({
      version: 1,
      name: "t",
      categories: [
        {
          id: "all",
          name: "All",
          criteria: [
            { id: "reach", kind: "metric", expression: "log10(1 + stars) + weeksSince(lastCommitAt)", normalize: { by: "threshold", threshold: 10 } },
            { id: "langs", kind: "weightedSet", normalize: { by: "percentile" } },
            { id: "stale", kind: "metric", expression: "daysSince(lastCommitAt)", direction: "lower", normalize: { by: "threshold", threshold: 30 } },
            { id: "weekly", kind: "metric", expression: "stars / (windowDays / 7)", normalize: { by: "cohortMax" } },
          ],
        },
      ],
    });
    const facts = (id: string, stars: number) => ({
      id,
      name: id,
      sources: { repository: `o/${id}`, stackOverflowTags: [id], repositoryQuery: id },
      raw: { ...raw({ stars, lastCommitAt: new Date(Date.parse(asOf) - 14 * DAY).toISOString() }) } as never,
      errors: [],
      warnings: [],
    });
    const snapshot = { schemaVersion: 2 as const, cohort: "c", asOf, generatedAt: asOf, tool: { name: "t", version: "0" }, windowDays: 30, requests: { github: 0, githubSearch: 0, stackExchange: 0 }, projects: [facts("a", 99), facts("b", 9)] };
    const projects = [
      { id: "a", name: "a", repository: "o/a", stackOverflowTags: ["a"], repositoryQuery: "a", langs: { python: 1, rust: 0.5 } },
      { id: "b", name: "b", repository: "o/b", stackOverflowTags: ["b"], repositoryQuery: "b", langs: { python: 1 } },
    ];
    const e = explainProject(new Scorer({ rubric, projects }).score(snapshot), "a");
    const by = (id: string) => e.criteria.find((c) => c.id === id)!;
    expect(by("reach").formula).toBe("log10(1 + stars) + weeksSince(lastCommitAt)");
    expect(by("reach").filled).toBe("log10(1 + 99) + 2 weeks = 4");
    expect(by("reach").normalization.filled).toBe(`log(1 + 4) / log(1 + max(4, 10)) = ${Number((Math.log(5) / Math.log(11)).toFixed(4))}`);
    expect(by("langs").filled).toBe("1 (python) + 0.5 (rust) = 1.5");
    expect(by("langs").normalization).toMatchObject({ by: "percentile", filled: "share of the cohort's other values below (ties half) = 1" });
    expect(by("stale").filled).toBe("14 days = 14");
    expect(by("weekly").filled).toBe(`99 / (30 / 7) = ${Number((99 / (30 / 7)).toFixed(4))}`); // the snapshot's window
    expect(by("stale").normalization.filled).toBe(`log(1 + 30 - min(14, 30)) / log(1 + 30) = ${Number((Math.log(17) / Math.log(31)).toFixed(4))}`);
  });
});

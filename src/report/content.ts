/**
 * What the report says, section by section, as a document tree (doc.ts) that both the HTML page and
 * REPORT.md are rendered from. Pure.
 */
import { declaredCriteria, isRated, type Declared, type Rubric } from "../config/rubric.js";
import type { Ratings } from "../config/ratings.js";
import { SPARK_SPAN, type ReportCharts } from "./charts.js";
import { criterionText } from "./criteria-text.js";
import { code, para, strong, type Align, type Block, type Inline, type TableGroup } from "./doc.js";
import { figure, rankDelta, score, scoreDelta, utcDate, type Delta } from "./format.js";
import { citer } from "./cite.js";
import { criteriaWithoutValue, missingFigures, noValueReason, type ProjectView, type ReportModel } from "./model.js";
import { categoryColour, tierColour } from "./palette.js";

export interface ReportDoc {
  title: string;
  header: Block[];
  body: Block[];
  footer: Inline[];
}

const SECTIONS = [
  { id: "podium", text: "Podium" },
  { id: "projects", text: "Projects" },
  { id: "rankings", text: "Rankings" },
  { id: "radar-plots", text: "Radar plots" },
  { id: "criteria", text: "Criteria" },
  { id: "trends", text: "Trends" },
  { id: "methodology", text: "Methodology" },
] as const;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function delta(d: Delta): Inline {
  if (!d.text) return "";
  return { text: d.text, tone: d.dir === "up" ? "up" : d.dir === "down" ? "down" : "muted", small: true };
}

function tierLabel(tier: number | null): string {
  return tier === null ? "No tier" : `Tier ${tier}`;
}

/** The project's name linked to its repository on GitHub, with a badge when it is archived or a mirror. */
function projectName(p: ProjectView, bold = true): Inline[] {
  const out: Inline[] = [{ text: p.name, strong: bold, ...(p.url ? { href: p.url } : {}) }];
  if (p.archived) out.push(" ", { text: "archived", badge: "archived", small: true });
  if (p.mirror) out.push(" ", { text: "mirror", badge: "mirror", small: true });
  return out;
}

function header(model: ReportModel, cite: (line: string) => Inline[]): Block[] {
  const n = model.dates.length;
  const description = model.config.description;
  const prev = model.previous ? model.dates.at(-2)! : null;
  return [
    { kind: "heading", level: 1, text: `${model.rubric.name}: ${model.cohort}` },
    ...(description ? [{ kind: "paragraph", role: "lede", content: [description] } as Block] : []),
    ...(model.config.notes ? [{ kind: "paragraph", role: "note", content: cite(model.config.notes) } as Block] : []),
    {
      kind: "paragraph",
      role: "meta",
      content: [
        "As of ",
        strong(model.date),
        ` · ${plural(model.projects.length, "project")} · ${plural(n, "snapshot")}${n > 1 ? ` from ${model.dates[0]} to ${model.date}` : ""}`,
        prev ? ` · changes are since ${prev}` : " · the first snapshot: no changes to show yet",
      ],
    },
    { kind: "nav", items: SECTIONS.map((s) => ({ id: s.id, text: s.text })) },
  ];
}

/** The top three with an overall score, as the podium shows them. */
export function podiumOf(snapshot: ReportModel["latest"]): { rank: number; name: string; score: string; tier: string }[] {
  return [...snapshot.projects]
    .sort((a, b) => a.scores.rank - b.scores.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((p) => p.scores.overall !== null)
    .slice(0, 3)
    .map((p) => ({ rank: p.scores.rank, name: p.name, score: score(p.scores.overall), tier: tierLabel(p.scores.tier) }));
}

function podiumSection(model: ReportModel, charts: ReportCharts): Block {
  const prev = model.previous !== null;
  const head: Inline[][] = [["Rank"], ["Project"], ["Overall"], ...model.categories.map((c) => [c.name]), [`Trend, ${plural(model.dates.length, "snapshot")}`]];
  const align: Align[] = ["right", "left", "left", ...model.categories.map((): Align => "left"), "left"];
  const groups: TableGroup[] = [];
  for (const p of model.projects) {
    const s = p.snapshot.scores;
    const name = tierLabel(s.tier);
    let group = groups.at(-1);
    if (!group || (group.heading as Inline[] | undefined)?.[0] !== name) {
      const members = model.projects.filter((q) => q.snapshot.scores.tier === s.tier).map((q) => q.snapshot.scores.overall).filter((v): v is number => v !== null);
      const range = members.length ? (members.length === 1 ? ` · overall ${score(members[0])}` : ` · overall ${score(Math.min(...members))} to ${score(Math.max(...members))}`) : "";
      const count = model.projects.filter((q) => q.snapshot.scores.tier === s.tier).length;
      group = { heading: [name, ` · ${plural(count, "project")}${range}`], colour: tierColour(s.tier), rows: [] };
      groups.push(group);
    }
    const isNew = prev && p.change === null;
    const cells: Inline[][] = [
      [strong(String(s.rank)), ...(prev ? [" ", delta(rankDelta(p.change?.rank ?? null, isNew))] : [])],
      projectName(p),
      [
        { meter: s.overall ?? 0, colour: "#1a1a1a" },
        strong(score(s.overall)),
        ...(prev ? [" ", delta(scoreDelta(p.change?.overall ?? null, isNew))] : []),
      ],
      ...model.categories.map((c): Inline[] => [
        { meter: s.categories[c.id] ?? 0, colour: categoryColour(c.index) },
        score(s.categories[c.id]),
        ...(prev ? [" ", delta(scoreDelta(p.change?.categories[c.id] ?? null, isNew))] : []),
      ]),
      [{ chart: charts.sparklines.get(p.id)! }],
    ];
    group.rows.push(cells);
  }
  return {
    kind: "section",
    id: "podium",
    blocks: [
      { kind: "heading", level: 2, text: "Podium" },
      { kind: "podium", places: podiumOf(model.latest) },
      { kind: "figures", layout: "full", charts: [charts.podium] },
      para(
        `Scoreboard: rank, overall and category scores (0 to 1) as of ${model.date}`,
        prev
          ? `, each with its change since ${model.dates.at(-2)} (▲ up, ▼ down, = unchanged at 3 decimals, "new" for a project that was not in that snapshot)`
          : "",
        `, and the trend of the overall score over the whole history (each on its own scale, at least ${SPARK_SPAN} tall; a break is a missing snapshot).`,
      ),
      { kind: "table", name: "scoreboard", head, align, groups, data: { chart: "scoreboard" } },
      ...(model.departed.length
        ? [para(`Left the cohort: ${model.departed.map((d) => `${d.name} (last in the snapshot of ${d.lastSeen})`).join(", ")}.`)]
        : []),
    ],
  };
}

/** Who is behind each project, its first release and what it is: Coveo's "belligerents" table, from the config. */
function projectsSection(model: ReportModel, cite: (line: string) => Inline[]): Block {
  const rows = model.projects.map((p): Inline[][] => {
    const about = p.config?.about;
    const line: Inline[] = about?.line ? [about.line] : [];
    if (p.config?.notes) line.push(...(line.length ? [{ br: true } as Inline] : []), { text: p.config.notes, small: true, tone: "muted" });
    return [projectName(p), [about?.sponsoredBy ?? "–"], [about?.firstRelease === undefined ? "–" : String(about.firstRelease)], line.length ? line : ["–"]];
  });
  const sources = [...new Set(model.projects.map((p) => p.config?.about?.source).filter((x): x is string => x !== undefined))];
  const badges = [
    model.projects.some((p) => p.archived) ? "“archived” is GitHub's flag on the repository in the latest snapshot" : "",
    model.projects.some((p) => p.mirror) ? "“mirror” a repository that takes no pull requests on GitHub (its landing rule is none), so its activity is not measured by them" : "",
  ].filter(Boolean);
  return {
    kind: "section",
    id: "projects",
    blocks: [
      { kind: "heading", level: 2, text: "Projects" },
      para(
        "Who is behind each project, the year of its first public release and what it is, in one line, with the cohort file's notes; each name links to its repository",
        badges.length ? `. ${badges.join("; ")}.` : ".",
      ),
      { kind: "table", name: "projects", head: [["Project"], ["Sponsored by"], ["First release"], ["In one line"]], align: ["left", "left", "right", "left"], groups: [{ rows }] },
      // One source in a line; several (one per project, as a cohort of today has them), one per item.
      ...(sources.length === 1 ? [{ kind: "paragraph", role: "note", content: ["Sources: ", ...cite(sources[0]!)] } as Block] : []),
      ...(sources.length > 1 ? [{ kind: "paragraph", role: "note", content: ["Sources:"] } as Block, { kind: "list", items: sources.map((x) => cite(x)) } as Block] : []),
    ],
  };
}

/** One chart per category ranking the projects by that category's score, as Coveo ranked each round. */
function rankingsSection(model: ReportModel, charts: ReportCharts): Block {
  return {
    kind: "section",
    id: "rankings",
    blocks: [
      { kind: "heading", level: 2, text: "Rankings by category" },
      para(`The projects ranked by each category's score (0 to 1), one chart per category; overall is their ${model.categories.every((c) => c.weight === model.categories[0]!.weight) ? "mean" : "weighted mean"}.`),
      { kind: "figures", layout: "rankings", charts: charts.rankings },
    ],
  };
}

function radarSection(model: ReportModel, charts: ReportCharts): Block {
  return {
    kind: "section",
    id: "radar-plots",
    blocks: [
      { kind: "heading", level: 2, text: "Radar plots" },
      para(
        `One plot per project, in rank order, over the ${plural(model.categories.length, "category", "categories")}: `,
        model.categories.map((c) => c.name).join(", "),
        ". Every plot has the same scale, 0 at the centre to 1 at the rim (rings every 0.25); the filled shape is the project, the dashed grey outline the cohort median.",
      ),
      { kind: "figures", layout: "radar", charts: model.projects.map((p) => charts.radars.get(p.id)!) },
      {
        kind: "details",
        summary: `The same over all ${model.criteria.length} criteria`,
        blocks: [
          para("Normalized score of each criterion (0 to 1), clockwise by category; a criterion a project has no value for is left out of its outline."),
          { kind: "figures", layout: "radar", charts: model.projects.map((p) => charts.criteriaRadars.get(p.id)!) },
        ],
      },
    ],
  };
}

function criteriaSection(model: ReportModel, charts: ReportCharts): Block {
  const blocks: Block[] = [
    { kind: "heading", level: 2, text: "Criteria" },
    para(
      "One chart per criterion, projects in rank order. The bar is the normalized score (0 to 1, top axis); the scale under it reads the same bar in the criterion's own units, and the columns give the raw value. ",
      "Ecosystem is a sum of logarithms and labelled as a log scale.",
    ),
  ];
  for (const c of model.categories) {
    const ks = model.criteria.filter((k) => k.category.id === c.id);
    if (ks.length === 0) continue;
    blocks.push({ kind: "heading", level: 3, text: `${c.name} (weight ${figure(c.weight)})` });
    blocks.push({ kind: "figures", layout: "grid", charts: ks.map((k) => charts.bars.get(k.id)!) });
  }
  return { kind: "section", id: "criteria", blocks };
}

function trendsSection(model: ReportModel, charts: ReportCharts): Block {
  const gaps = model.gaps.map((g) => (g.count === 1 ? g.from : `${g.from} to ${g.to} (${g.count})`));
  return {
    kind: "section",
    id: "trends",
    blocks: [
      { kind: "heading", level: 2, text: "Trends" },
      para(
        `${plural(model.dates.length, "snapshot")} from ${model.dates[0]} to ${model.date}, expected ${model.cadence === 1 ? "every day" : `every ${model.cadence} days`}. `,
        gaps.length ? `No snapshot for ${gaps.join(", ")}: the lines break there.` : "No snapshot is missing.",
        " Every date is scored under the rubric and ratings of the config as they are now: a line moves with the collected figures only.",
      ),
      { kind: "figures", layout: "full", charts: charts.trends },
    ],
  };
}

/** A hand rating as the report shows it, in the shape of its kind. */
function ratingText(d: Declared, ratings: Ratings): string {
  const v = ratings[d.id];
  if (v === undefined) return "not rated";
  switch (d.kind) {
    case "composite":
      return (d.parts ?? [])
        .filter((p) => p.kind !== "metric")
        .map((p) => `${(p.name ?? p.id).toLowerCase()} ${figure((v as Record<string, number>)[p.id] ?? null)}`)
        .join(", ");
    case "checklist": {
      const total = typeof v === "number" ? v : Object.values(v as Record<string, number>).reduce((s, x) => s + x, 0);
      return `${figure(total)} of ${d.items?.length ?? 0}`;
    }
    case "weightedSet":
      return Object.entries(v as Record<string, number>).map(([l, m]) => `${l} ${figure(m)}`).join(", ") || "none";
    case "list":
      return (v as string[]).join(", ") || "none";
    default:
      return figure(v as number);
  }
}

/** How a criterion's value becomes its score, in a table cell. */
function normalizedBy(by: ReportModel["criteria"][number]["normalize"], denominator: number): string {
  switch (by.by) {
    case "scale":
    case "fixed":
      return by.by === "fixed" && (by.min ?? 0) !== 0 ? `(v − ${figure(by.min!)}) ÷ ${figure(by.max - by.min!)} (scale)` : `÷ ${figure(by.max)} (scale)`;
    case "cohortMax":
      return `÷ cohort max (${figure(denominator)})`;
    case "threshold":
      return `log(1 + v) ÷ log(1 + max(v, ${figure(by.threshold)}))`;
    case "percentile":
      return "cohort percentile";
  }
}

function methodologySection(model: ReportModel, cite: (line: string) => Inline[]): Block {
  const latest = model.latest;
  const blocks: Block[] = [{ kind: "heading", level: 2, text: "Methodology" }];

  const tools = [...new Set([latest.tool].map((t) => `${t.name} ${t.version}`))];
  blocks.push({
    kind: "definitions",
    items: [
      { term: "Cohort", detail: [model.cohort, ` (${model.config.file})`] },
      { term: "As of", detail: [latest.asOf, ` (figures counted at this instant; the snapshot was written at ${latest.generatedAt})`] },
      { term: "History", detail: [`${plural(model.dates.length, "snapshot")}, ${model.dates[0]} to ${model.date}`, model.gaps.length ? `; ${plural(model.gaps.reduce((s, g) => s + g.count, 0), "expected snapshot")} missing` : "; none missing"] },
      { term: "Rubric", detail: [`${model.rubric.name}, version ${model.rubric.version}`, "; the config's, which scores every snapshot of the history"] },
      { term: "Collected by", detail: [`${tools.join(", ")}; merged pull requests counted over ${latest.windowDays} days; ${latest.requests.github} GitHub requests, ${latest.requests.githubSearch} GitHub searches, ${latest.requests.githubGraphql ?? 0} GitHub GraphQL requests, ${latest.requests.stackExchange} Stack Exchange requests`] },
    ],
  });

  blocks.push({ kind: "heading", level: 3, text: "Rubric used" });
  blocks.push(
    para(
      "Each criterion is normalized to 0–1 as its row of the table below says; a category's score is the weighted mean of its criteria; overall is the weighted mean of the categories. ",
      "Ranks order the overall scores; tiers split them into 3 classes by Jenks natural breaks. ",
      missingText(model.rubric),
    ),
  );
  const rubricGroups: TableGroup[] = model.categories.map((c) => ({
    heading: [c.name, ` · weight ${figure(c.weight)}`],
    colour: categoryColour(c.index),
    rows: model.criteria
      .filter((k) => k.category.id === c.id)
      .map((k) => {
        const t = criterionText(k.id, model.rubric, latest.windowDays);
        return [
          [strong(t.name), " ", code(k.id)],
          [t.what, ...(t.log ? [" ", { text: "(log scale)", em: true } as Inline] : [])],
          [figure(k.weight)],
          [normalizedBy(k.normalize, k.denominator)],
        ];
      }),
  }));
  blocks.push({ kind: "table", name: "rubric", head: [["Criterion"], ["Value"], ["Weight"], ["Normalized by"]], align: ["left", "left", "right", "left"], groups: rubricGroups });

  // Sources of the hand ratings.
  blocks.push({ kind: "heading", level: 3, text: "Sources of the hand ratings" });
  const declared = new Map(declaredCriteria(model.rubric).map((d) => [d.id, d]));
  const rated = model.criteria.filter((k) => isRated(declared.get(k.id)!)).map((k) => k.id);
  blocks.push(para("From ", code(model.config.file), " (", code("projects[].sources"), "), one line per rating; the rating shown is the config's, which scores every snapshot of the history."));
  const sourcesOf = new Map(model.config.projects.map((p) => [p.id, p.sources ?? {}]));
  for (const p of model.projects) {
    const sources = sourcesOf.get(p.id);
    const has = rated.filter((k) => p.snapshot.ratings[k] !== undefined);
    const cited = has.filter((k) => sources?.[k]);
    const items: Inline[][] = rated.map((k) => {
      const t = criterionText(k, model.rubric, latest.windowDays);
      const rating = ratingText(declared.get(k)!, p.snapshot.ratings);
      const source = sources?.[k];
      if (p.snapshot.ratings[k] === undefined) return [strong(t.name), ": ", { text: "not rated (no value for this criterion)", em: true, tone: "muted" }];
      return [
        strong(t.name),
        ` = ${rating}: `,
        ...(source ? cite(source) : [{ text: sources ? "no source given" : "project not in the cohort config", em: true, tone: "muted" } as Inline]),
      ];
    });
    const summary = `${p.name}: ${cited.length} of ${plural(has.length, "rating")} sourced`;
    blocks.push({ kind: "details", summary, blocks: [{ kind: "list", items }] });
  }

  // Data problems of the latest run.
  blocks.push({ kind: "heading", level: 3, text: "Data problems in this run" });
  const problems: Inline[][][] = [];
  for (const p of model.projects) {
    const s = p.snapshot;
    for (const e of s.errors) problems.push([[p.name], [{ text: "error", tone: "down", strong: true }], [code(e.field)], [e.message]]);
    for (const w of s.warnings) problems.push([[p.name], [{ text: "warning", strong: true }], [code(w.field)], [w.message]]);
    for (const m of missingFigures(s)) {
      if (m.error) continue; // already listed with its error
      problems.push([[p.name], [{ text: "missing", strong: true }], [code(m.field)], ["no value recorded"]]);
    }
    const none = criteriaWithoutValue(model, s);
    if (none.length) {
      problems.push([[p.name], [{ text: "no value", tone: "muted" }], [none.join(", ")], [`${none.map((k) => `${k}: ${noValueReason(k, s)}`).join("; ")}; left out of the category mean`]]);
    }
  }
  for (const sk of model.skipped) problems.push([["(history)"], [{ text: "skipped", tone: "down", strong: true }], [sk.file], [sk.problem]]);
  const errorCount = model.projects.reduce((s, p) => s + p.snapshot.errors.length, 0);
  const warningCount = model.projects.reduce((s, p) => s + p.snapshot.warnings.length, 0);
  blocks.push(
    para(
      `Snapshot of ${model.date}: ${plural(errorCount, "error")} (figures that could not be fetched), ${plural(warningCount, "warning")}`,
      model.skipped.length ? `; ${plural(model.skipped.length, "snapshot file")} of the history could not be read and ${model.skipped.length === 1 ? "is" : "are"} left out` : "",
      ".",
    ),
  );
  if (problems.length) {
    blocks.push({ kind: "table", name: "problems", head: [["Project"], ["Kind"], ["Field"], ["Message"]], align: ["left", "left", "left", "left"], groups: [{ rows: problems }] });
  } else {
    blocks.push(para("Every figure was fetched and every criterion has a value."));
  }
  return { kind: "section", id: "methodology", blocks };
}

export function buildDoc(model: ReportModel, charts: ReportCharts): ReportDoc {
  const cite = citer(model.config.references);
  return {
    title: `${model.rubric.name}: ${model.cohort}, ${model.date}`,
    header: header(model, cite),
    body: [
      podiumSection(model, charts),
      projectsSection(model, cite),
      rankingsSection(model, charts),
      radarSection(model, charts),
      criteriaSection(model, charts),
      trendsSection(model, charts),
      methodologySection(model, cite),
    ],
    footer: [
      `Made by ${model.tool.name} ${model.tool.version} from the ${plural(model.dates.length, "snapshot")} of ${model.cohort} up to ${utcDate(model.latest.asOf)}. `,
      "The same snapshots always give the same page: nothing in it depends on when or where it was built.",
    ],
  };
}

/** What the rubric does with a value a project does not have, and with a category it has none in (its `missing` and `incomplete`). */
function missingText(rubric: Rubric): string {
  const counted = declaredCriteria(rubric).some((c) => c.missing === "zero");
  const skipped = declaredCriteria(rubric).some((c) => c.missing === "skip");
  const missing = counted && skipped ? "A missing value counts 0 where the rubric says so, and is otherwise left out of its category's mean. " : counted ? "A missing value counts 0. " : "A missing value is left out of its category's mean, never counted as 0. ";
  const incomplete = rubric.incomplete === "partial" ? "A project with no value in a whole category is scored on the categories it has." : "A project with no value in a whole category has no overall score and is ranked after the others (incomplete).";
  return missing + incomplete;
}

/** The pure report: model, page and Markdown from scored snapshots, without touching disk. */
import { describe, expect, it } from "vitest";
import { renderReport, type ReportInput } from "../../src/report/index.js";
import { buildModel, seriesPoints, summaryOf } from "../../src/report/model.js";
import { escapeLineStart, escapeMarkdown, escapeXml, figure, rankDelta, score, scoreDelta, signed } from "../../src/report/format.js";
import type { ScoredSnapshot } from "../../src/score/types.js";
import { COHORT, CONFIG_FILE, configInfo, fixtureConfig, history, rubric, scored, withRatings, configProjects } from "./fixture.js";

const TOOL = { name: "showdown", version: "0.1.0" };

function input(snapshots: ReportInput["snapshots"], config: ReportInput["config"] = configInfo()): ReportInput {
  return { cohort: COHORT, snapshots, skipped: [], config, tool: TOOL };
}

function files(i: ReportInput): Map<string, string> {
  return new Map(renderReport(i).map((f) => [f.path, f.content]));
}

describe("formats", () => {
  it("writes numbers the same way on every machine", () => {
    expect(score(0.84249)).toBe("0.842");
    expect(score(null)).toBe("–");
    expect(figure(1234567.891)).toBe("1,234,567.89");
    expect(figure(5.2)).toBe("5.2");
    expect(figure(-1234)).toBe("-1,234");
    expect(signed(-0.0004, 3)).toBe("");
    expect(signed(0.0123, 3)).toBe("+0.012");
    expect(scoreDelta(-0.0042, false)).toEqual({ text: "▼ −0.004", dir: "down" });
    expect(scoreDelta(0.0001, false)).toEqual({ text: "=", dir: "same" });
    expect(scoreDelta(null, true)).toEqual({ text: "new", dir: "new" });
    expect(rankDelta(2, false)).toEqual({ text: "▲ 2", dir: "up" });
  });

  it("escapes text for HTML/SVG and for Markdown", () => {
    expect(escapeXml(`<script>"a" & 'b'</script>`)).toBe("&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
    expect(escapeMarkdown("<script>alert(1)</script>")).toBe("\\<script\\>alert(1)\\</script\\>");
    expect(escapeMarkdown("a|b *c* _d_ [e](f) `g` ~h~ $i$ &amp;")).toBe("a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\~h\\~ \\$i\\$ \\&amp;");
    expect(escapeMarkdown(":rocket: 2026-11-21 0.842")).toBe("\\:rocket: 2026-11-21 0.842");
    expect(escapeMarkdown("two\nlines")).toBe("two lines");
    expect(escapeLineStart("=cmd")).toBe("\\=cmd");
    expect(escapeLineStart("# not a heading")).toBe("\\# not a heading");
    expect(escapeLineStart("1. not a list")).toBe("1\\. not a list");
    expect(escapeLineStart("- not a list")).toBe("\\- not a list");
  });
});

describe("model", () => {
  const snapshots = scored(history());
  const model = buildModel(input(snapshots));

  it("orders projects by rank, and knows the previous snapshot and the gaps", () => {
    expect(model.projects.map((p) => p.snapshot.scores.rank)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(model.date).toBe("2026-11-21");
    expect(model.previous?.asOf.slice(0, 10)).toBe("2026-11-20");
    expect(model.cadence).toBe(1);
    expect(model.gaps).toEqual([
      { from: "2026-11-02", to: "2026-11-02", count: 1 },
      { from: "2026-11-09", to: "2026-11-10", count: 2 },
    ]);
    expect(model.dates).toHaveLength(27);
  });

  it("computes changes since the previous snapshot", () => {
    const before = new Map(snapshots.at(-2)!.projects.map((p) => [p.id, p]));
    for (const p of model.projects) {
      const b = before.get(p.id)!;
      expect(p.change!.overall).toBeCloseTo(p.snapshot.scores.overall! - b.scores.overall!, 12);
      expect(p.change!.rank).toBe(b.scores.rank - p.snapshot.scores.rank);
    }
  });

  it("keeps a missing snapshot as a gap in every series (no point is invented)", () => {
    for (const s of model.series) {
      for (const id of s.values.keys()) {
        expect(seriesPoints(model, s, id).map((p) => p.x)).toEqual(model.days);
      }
    }
    expect(model.days).not.toContain(model.days[0]! + 10); // 2026-11-02
  });

  it("draws the same trends from summaries as from the full snapshots", () => {
    const summarized = buildModel(input([...snapshots.slice(0, -2).map(summaryOf), ...snapshots.slice(-2)]));
    expect(summarized.series).toEqual(model.series);
    expect(summarized.departed).toEqual(model.departed);
  });

  it("scores every date under the config's rubric: an edited rubric rescores the whole history, and marks no date", () => {
    const facts = history({ only: ["tensorflow", "pytorch", "chainer", "theano"], days: 8, missing: [] });
    const v2 = fixtureConfig({ only: ["tensorflow", "pytorch", "chainer", "theano"], rubric: rubric(2, 2) });
    const m = buildModel(input(scored(facts, v2)));
    expect(m.rubric).toEqual(rubric(2, 2));
    // Each point of the trend is the score of that date's facts under the rubric of today.
    const overall = seriesPoints(m, m.series[0]!, "pytorch").map((p) => p.y);
    expect(overall).toEqual(scored(facts, v2).map((s) => s.projects.find((p) => p.id === "pytorch")!.scores.overall));
    const v1 = buildModel(input(scored(facts, fixtureConfig({ only: ["tensorflow", "pytorch", "chainer", "theano"] }))));
    expect(seriesPoints(v1, v1.series[0]!, "pytorch").map((p) => p.y)).not.toEqual(overall);
    // Nothing marked on the trends, and the methodology names the one rubric.
    const out = files(input(scored(facts, v2)));
    for (const [f, content] of out) if (f.startsWith("svg/trend-")) expect(content, f).not.toContain('class="marker"');
    expect(out.get("index.html")).toContain("Coveo Deep Learning Showdown, version 2; the config&#39;s, which scores every snapshot of the history");
    expect(out.get("REPORT.md")).not.toMatch(/rubric changed/i);
  });

  it("scores only the projects of the config, and notes projects that join or leave", () => {
    const joined = history({ joins: { id: "chainer", on: "2026-11-05" }, only: ["tensorflow", "pytorch", "chainer", "theano"] });
    const m = buildModel(input(scored(joined, fixtureConfig({ only: ["tensorflow", "pytorch", "chainer", "theano"] }))));
    const chainer = seriesPoints(m, m.series[0]!, "chainer");
    expect(chainer[0]!.y).toBeNull(); // not in the cohort yet: a gap, not a 0
    expect(chainer.at(-1)!.y).not.toBeNull();
    // A project whose facts are in the snapshots but which the config no longer lists is left out.
    const trimmed = buildModel(input(scored(joined, fixtureConfig({ only: ["tensorflow", "pytorch", "chainer"] }))));
    expect(trimmed.projects.map((p) => p.id).sort()).toEqual(["chainer", "pytorch", "tensorflow"]);
    expect(trimmed.departed).toEqual([]);
    expect(trimmed.series[0]!.values.has("theano")).toBe(false);
    const left = buildModel(input(scored([...history({ only: ["tensorflow", "pytorch", "theano"], days: 3, missing: [], end: "2026-11-20" }), ...history({ only: ["tensorflow", "pytorch"], days: 1, missing: [] })])));
    expect(left.departed.map((d) => d.id)).toEqual(["theano"]);
    expect(left.departed[0]!.lastSeen).toBe("2026-11-20");
  });
});

describe("rendered report", () => {
  const snapshots = scored(history());
  const config = configInfo();
  const out = files(input(snapshots, config));
  const html = out.get("index.html")!;
  const md = out.get("REPORT.md")!;

  it("writes the page, the Markdown and one SVG per chart", () => {
    const svgs = [...out.keys()].filter((f) => f.endsWith(".svg"));
    // podium + 3 category rankings + 13 radars + 13 criteria radars + 12 criteria + 4 trends + 13 sparklines
    expect(svgs).toHaveLength(1 + 3 + 13 + 13 + 12 + 4 + 13);
    expect([...out.keys()].slice(-2)).toEqual(["REPORT.md", "index.html"]);
    for (const f of svgs) expect(md.includes(`src="${f}"`), f).toBe(true);
  });

  it("gives the same bytes for the same snapshots, whatever their order", () => {
    const again = files(input([...scored(history())].reverse(), structuredClone(config)));
    expect([...again.keys()]).toEqual([...out.keys()]);
    for (const [k, v] of out) expect(again.get(k), k).toBe(v);
  });

  it("gives other bytes for the same snapshots once a rating is edited in the config: every date is rescored", () => {
    const edited = fixtureConfig({ projects: withRatings(configProjects(), { tensorflow: { sponsor: 0, documentation: 1 } }) });
    const rescored = scored(history(), edited);
    const again = files(input(rescored, configInfo(edited)));
    expect([...again.keys()].sort()).toEqual([...out.keys()].sort()); // the charts come in rank order
    expect(again.get("index.html")).not.toBe(html);
    expect(again.get("svg/criterion-sponsor.svg")).not.toBe(out.get("svg/criterion-sponsor.svg"));
    const tensorflow = (s: ScoredSnapshot) => s.projects.find((p) => p.id === "tensorflow")!.scores.overall!;
    expect(again.get("svg/radar-tensorflow.svg")).toContain(`overall ${score(tensorflow(rescored.at(-1)!))}`);
    // The whole trend moves down, not only the latest date.
    const overall = (m: ReturnType<typeof buildModel>) => seriesPoints(m, m.series[0]!, "tensorflow");
    const before = overall(buildModel(input(snapshots)));
    const after = overall(buildModel(input(rescored)));
    after.forEach((p, i) => expect(p.y!, `point ${i}`).toBeLessThan(before[i]!.y!));
    expect(again.get("REPORT.md")).toContain("**Sponsor** = 0: [“Deep Learning Showdown”, Coveo, 2018](https://source.coveo.com/2018/08/14/deep-learning-showdown/): sponsor of tensorflow");
  });

  it("is self-contained: no script, nothing to fetch", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|srcset)=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    // Links go to the page's own sections, or out to a repository or a cited article: following one is the reader's choice.
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.filter((h) => !h.startsWith("#") && !/^https:\/\/(github\.com\/[\w.-]+\/[\w.-]+|source\.coveo\.com\/[\w./-]+)$/.test(h))).toEqual([]);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "").replace(/<a href="[^"]*">/g, "")).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toContain("Content-Security-Policy");
  });

  it("shows projects in the same order everywhere", () => {
    const ranked = [...snapshots.at(-1)!.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => p.id);
    const radarOrder = [...html.matchAll(/data-chart="radar" data-project="([^"]+)"/g)].map((m) => m[1]);
    expect(radarOrder).toEqual(ranked);
    for (const k of ["activity", "ecosystem", "onnx"]) {
      const chart = /<svg[^>]*data-criterion="(\w+)"[\s\S]*?<\/svg>/g;
      const svg = [...html.matchAll(chart)].find((m) => m[1] === k)![0];
      expect([...svg.matchAll(/class="row" data-project="([^"]+)"/g)].map((m) => m[1]), k).toEqual(ranked);
    }
    const podium = out.get("svg/podium.svg")!;
    expect([...podium.matchAll(/class="row" data-project="([^"]+)"/g)].map((m) => m[1])).toEqual(ranked);
  });

  it("labels the log-scaled criterion as such", () => {
    expect(out.get("svg/criterion-ecosystem.svg")).toContain("Ecosystem (log scale)");
    expect(out.get("svg/criterion-ecosystem.svg")).toContain("a log scale");
  });

  it("tells the methodology: rubric, weights, dates, sources and data problems", () => {
    for (const text of ["Rubric used", "Coveo Deep Learning Showdown, version 1", "÷ cohort max", "Sources of the hand ratings", CONFIG_FILE, ": sponsor of pytorch, as stated in the article", "no source given", "HTTP 503 after 3 retries", "Stack Overflow has no tag bigdl", "2026-11-21T06:00:00.000Z", "2026-11-02", "2026-11-09 to 2026-11-10"]) {
      expect(html, text).toContain(text);
      expect(md, text).toContain(escapeMarkdown(text));
    }
    expect(html).toContain("Neon: 9 of 10 ratings sourced");
    expect(md).toContain("the rating shown is the config's, which scores every snapshot of the history");
  });

  it("says what the rubric does with missing values: left out by default, counted 0 and partial when it says so", () => {
    expect(html).toContain("A missing value is left out of its category&#39;s mean, never counted as 0.");
    expect(html).toContain("has no overall score and is ranked after the others (incomplete)");
    const only = ["tensorflow", "pytorch", "chainer"];
    const zero = { ...rubric(1), missing: "zero" as const, incomplete: "partial" as const };
    const page = files(input(scored(history({ only, days: 3, missing: [] }), fixtureConfig({ only, rubric: zero })))).get("index.html")!;
    expect(page).toContain("A missing value counts 0.");
    expect(page).toContain("is scored on the categories it has");
    expect(page).not.toContain("never counted as 0");
  });

  it("renders hostile names as text in the page, the charts and the Markdown", () => {
    const names = { tensorflow: "<script>alert(1)</script>", pytorch: "=cmd|' /C calc'!A0", mxnet: "# [x](javascript:alert(1)) *y*" };
    const only = ["tensorflow", "pytorch", "mxnet"];
    const evil = files(input(scored(history({ only, names, days: 3, missing: [] }), fixtureConfig({ only, names }))));
    for (const [path, content] of evil) {
      expect(content, path).not.toContain("<script>");
      expect(content, path).not.toMatch(/(href|src)\s*=\s*["']?javascript:/i);
    }
    expect(evil.get("index.html")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(evil.get("svg/radar-tensorflow.svg")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const md = evil.get("REPORT.md")!;
    expect(md).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(md).toContain("=cmd\\|' /C calc'!A0");
    expect(md).toContain("# \\[x\\](javascript:alert(1)) \\*y\\*"); // "#" means nothing mid-line
    // A table row still has its 7 cells: the "|" in a name does not split it.
    const row = md.split("\n").find((l) => l.startsWith("| ") && l.includes("=cmd"))!;
    expect(row.split(/(?<!\\)\|/).length - 2, row).toBe(7);
  });
});


describe("methodology: the run's requests", () => {
  it("counts GraphQL requests beside REST and Stack Exchange ones (0 for snapshots from before they were recorded)", () => {
    const snapshots: ScoredSnapshot[] = scored(history());
    const newest = snapshots.at(-1)!;
    const withGraphql = [...snapshots.slice(0, -1), { ...newest, requests: { github: 0, githubSearch: 0, githubGraphql: 3, stackExchange: 1 } }];
    expect(files(input(withGraphql)).get("REPORT.md")).toContain("0 GitHub requests, 0 GitHub searches, 3 GitHub GraphQL requests, 1 Stack Exchange requests");
    const { githubGraphql: _omitted, ...older } = { ...newest.requests, githubGraphql: undefined };
    const legacy = [...snapshots.slice(0, -1), { ...newest, requests: older }];
    expect(files(input(legacy)).get("REPORT.md")).toContain(`${older.github} GitHub requests, ${older.githubSearch} GitHub searches, 0 GitHub GraphQL requests`);
  });
});

describe("context: links, badges, projects, rankings, citations", () => {
  const snapshots = scored(history());
  const latest = snapshots.at(-1)!;
  const mirrored = configInfo();
  // A mirror: the config's landing rule says the repository takes no pull requests.
  const config = { ...mirrored, projects: mirrored.projects.map((p) => (p.id === "deeplearning4j" ? { ...p, landing: "none" } : p)) };
  const out = files(input(snapshots, config));
  const html = out.get("index.html")!;
  const md = out.get("REPORT.md")!;
  const scoreboardRow = (id: string) => {
    const name = latest.projects.find((p) => p.id === id)!.name;
    return html.split("\n").find((l) => l.startsWith("<tr>") && l.includes(`>${escapeXml(name)}</`) && l.includes("<svg"))!;
  };

  it("links every project's name to its repository, in the scoreboard and the projects table", () => {
    for (const p of latest.projects) {
      const link = `<a href="https://github.com/${p.sources.repository}"><strong>${escapeXml(p.name)}</strong></a>`;
      expect(scoreboardRow(p.id), p.id).toContain(link);
      expect(md, p.id).toContain(`[**${escapeMarkdown(p.name)}**](https://github.com/${p.sources.repository})`);
    }
    expect(html.match(/<table class="projects"[^>]*>[\s\S]*?<\/table>/)![0].match(/<a href="https:\/\/github\.com\//g)).toHaveLength(latest.projects.length);
  });

  it("marks archived repositories (GitHub's flag) and mirrors (landing rule none), and no other", () => {
    for (const p of latest.projects) {
      expect(scoreboardRow(p.id).includes("badge-archived"), p.id).toBe(p.raw.archived === true);
      expect(scoreboardRow(p.id).includes("badge-mirror"), p.id).toBe(p.id === "deeplearning4j");
    }
    expect(latest.projects.some((p) => p.raw.archived)).toBe(true);
    // Without a landing rule in the config (before issue 17's field exists) nothing is a mirror.
    expect(files(input(snapshots)).get("index.html")).not.toContain(`class="badge badge-mirror"`);
  });

  it("shows the belligerents: sponsor, first release and one line from the config, a dash where it has none, with their source linked", () => {
    const table = html.match(/<table class="projects"[^>]*>[\s\S]*?<\/table>/)![0];
    const row = (name: string) => table.split("\n").find((l) => l.includes(`>${escapeXml(name)}</`))!;
    // Each cell but the name is labelled with its column, for the phone's layout (a card per row).
    expect(row("TensorFlow")).toMatch(/Google Brain<\/td><td role="cell" class="r" data-label="First release">2015<\/td><td role="cell" data-label="In one line">GCP support\.<\/td>/);
    expect(row("Torch")).toMatch(/<td role="cell" class="r" data-label="First release">2002<\/td><td role="cell" data-label="In one line">–<\/td>/);
    expect(row("Caffe")).toMatch(/<td role="cell" data-label="Sponsored by">–<\/td><td role="cell" class="r" data-label="First release">–<\/td><td role="cell" data-label="In one line">–<\/td>/);
    // Shown as cards on a phone, it says it is a table all the same: every element of it has its role.
    const tags = [...table.matchAll(/<(table|thead|tbody|tr|th|td)\b([^>]*)>/g)];
    expect(tags.length).toBeGreaterThan(20);
    const roles = { table: "table", thead: "rowgroup", tbody: "rowgroup", tr: "row", th: "columnheader", td: "cell" } as const;
    expect(tags.filter(([, tag, attrs]) => !attrs!.includes(` role="${roles[tag as keyof typeof roles]}"`)).map(([t]) => t)).toEqual([]);
    // The scoreboard stays a table on every screen: no roles needed.
    expect(html.match(/<table class="scoreboard"[^>]*>[\s\S]*?<\/table>/)![0]).not.toMatch(/<(table|thead|tbody|tr|th|td)\b[^>]* role=/);
    expect(row("Theano")).toContain("Development stopped after 1.0 (Nov 2017).");
    expect(html).toContain('Sources: <a href="https://source.coveo.com/2018/08/14/deep-learning-showdown/">“Deep Learning Showdown”, Coveo, 2018</a> (The Belligerents)');
    expect(md).toContain("| [**TensorFlow**](https://github.com/tensorflow/tensorflow) | Google Brain | 2015 | GCP support. |");
  });

  it("lists the belligerents' sources one per item when the projects cite different ones", () => {
    const own = { ...config, projects: config.projects.map((p) => (p.id === "torch" ? { ...p, about: { ...p.about!, source: "Torch: github.com/torch/torch7, its README." } } : p)) };
    const page = files(input(snapshots, own)).get("index.html")!;
    expect(page).toContain(
      '<p class="note">Sources:</p>\n<ul>\n<li><a href="https://source.coveo.com/2018/08/14/deep-learning-showdown/">“Deep Learning Showdown”, Coveo, 2018</a> (The Belligerents)</li>\n<li>Torch: <a href="https://github.com/torch/torch7">github.com/torch/torch7</a>, its README.</li>\n</ul>',
    );
  });

  it("gives the cohort's notes under the title, with their address linked", () => {
    expect(html).toContain('<p class="note">Ratings as of autumn 2018; see <a href="https://source.coveo.com/2018/08/14/deep-learning-showdown/">https://source.coveo.com/2018/08/14/deep-learning-showdown/</a> for the rubric.</p>');
  });

  it("ranks the projects in each category, highest score first", () => {
    const categories = latest.rubric.categories;
    for (const c of categories) {
      const svg = out.get(`svg/ranking-${c.id}.svg`)!;
      const order = [...svg.matchAll(/<g class="row" data-project="([^"]+)"/g)].map((m) => m[1]);
      const expected = [...latest.projects]
        .sort((a, b) => (b.scores.categories[c.id] ?? -1) - (a.scores.categories[c.id] ?? -1) || a.scores.rank - b.scores.rank)
        .map((p) => p.id);
      expect(order, c.id).toEqual(expected);
      expect(html).toContain(`data-chart="ranking" data-category="${c.id}"`);
      expect(md).toContain(`src="svg/ranking-${c.id}.svg"`);
    }
  });

  it("cites the articles the sources name by id as title, author and year, linked; keeps other text as it is", () => {
    expect(html).toContain('<strong>Sponsor</strong> = 2: <a href="https://source.coveo.com/2018/08/14/deep-learning-showdown/">“Deep Learning Showdown”, Coveo, 2018</a>: sponsor of tensorflow, as stated in the article');
    expect(html).not.toContain("coveo-deep-learning-showdown.txt");
  });

  it("links only http(s) addresses: a javascript: URL in a source or a hostile repository stays text", () => {
    const hostile = {
      ...config,
      projects: config.projects.map((p) => (p.id === "tensorflow" ? { ...p, sources: { ...p.sources, sponsor: "javascript:alert(1) and https://example.org/a\"b" } } : p)),
    };
    const page = files(input(snapshots, hostile)).get("index.html")!;
    expect(page).not.toMatch(/href="javascript/i);
    expect(page).toContain('javascript:alert(1) and <a href="https://example.org/a">https://example.org/a</a>&quot;b');
  });
});

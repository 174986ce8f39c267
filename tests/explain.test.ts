import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COHORT, RUBRIC_V1, RUBRIC_V2, fixtureProjects, historyDir, run, snapshot2, snapshot3, writeFixtureConfig } from "./helpers/history.js";
import type { Rubric } from "../src/config/rubric.js";
import { explainProject } from "../src/explain/derive.js";
import { Scorer } from "../src/score/snapshot.js";
import type { Snapshot } from "../src/snapshot/schema.js";

/** The formula convention under test: at most 4 decimals, trailing zeros dropped. */
const r4 = (x: number) => String(Number(x.toFixed(4)));
const WEEK = 7 * 86_400_000;
const asOf = "2018-03-22T00:00:00Z";
const weeks = (from: string) => (Date.parse(asOf) - Date.parse(from)) / WEEK;

/** A snapshot scored as explain scores it: under the fixture config with `rubric`. */
const scored = (s: Snapshot, rubric: Rubric) => new Scorer({ rubric, projects: fixtureProjects().map(({ ratings, ...p }) => ({ ...p, ...ratings })) }).score(s);

// The config of `dir` has rubric v2 (activity weighs 2, no aws), the derivations below follow it;
// `v1Dir` has the same snapshots and ratings under rubric v1.
let dir: string;
let v1Dir: string;
beforeAll(async () => {
  dir = await historyDir(undefined, RUBRIC_V2);
  v1Dir = await historyDir(undefined, RUBRIC_V1);
});
afterAll(async () => {
  for (const d of [dir, v1Dir]) await rm(d, { recursive: true, force: true });
});

describe("oss-showdown explain", () => {
  it("fills each criterion's formula with the project's values, computed here independently", async () => {
    const r = await run(dir, ["explain", "mxnet"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = r.stdout;

    // activity: the last commit is 2.5 days old, so the recency term is capped at 1.
    const mxActivity = 1 / Math.max(1, weeks("2018-03-19T12:00:00Z")) + 170;
    expect(mxActivity).toBe(171);
    expect(out).toContain(`activity = 1 / max(1, ${r4(weeks("2018-03-19T12:00:00Z"))} weeks) + 170 = 171`);
    // The cohort maximum: pytorch's last commit is half an hour old, 455 merged pull requests.
    const ptActivity = 1 / Math.max(1, weeks("2018-03-21T23:30:00Z")) + 455;
    expect(out).toContain(`score = 171 / ${r4(ptActivity)} = ${r4(mxActivity / ptActivity)}  [cohort maximum ${r4(ptActivity)} (pytorch)]`);

    // ecosystem: log10(1 + repositories) + log10(1 + questions), divided by tensorflow's.
    const eco = Math.log10(1 + 1950) + Math.log10(1 + 660);
    const ecoMax = Math.log10(1 + 40500) + Math.log10(1 + 25400);
    expect(out).toContain(`ecosystem = log10(1 + 1950) + log10(1 + 660) = ${r4(eco)}`);
    expect(out).toContain(`score = ${r4(eco)} / ${r4(ecoMax)} = ${r4(eco / ecoMax)}  [cohort maximum ${r4(ecoMax)} (tensorflow)]`);

    // numerics from the separate numerics repository: last commit exactly 3 weeks before asOf.
    expect(weeks("2018-03-01T00:00:00Z")).toBe(3);
    const numerics = 3 + 3 + (1 / 3 + 3);
    expect(out).toContain(`numerics (api, weight 1): maturity + ease of use + activity of the numerics library's repository`);
    expect(out).toContain(`numerics = 3 + 3 + (1 / max(1, 3 weeks) + 3) = ${r4(numerics)}`);

    // Hand ratings over a fixed scale, and a sum of bindings over the cohort maximum (tensorflow's 3).
    expect(out).toContain("documentation = 2 (hand rating)\n    score = 2 / 3 = 0.6667  [scale maximum 3]");
    expect(out).toContain("languages = 1 (python) + 0.5 (scala) + 0.5 (r) + 0.5 (julia) = 2.5\n    score = 2.5 / 3 = 0.8333  [cohort maximum 3 (tensorflow)]");
    expect(out).toContain("os = count of [linux, macos, windows] = 3");

    // community = weighted mean of sponsor (1), activity (2, as the config's rubric v2 weighs it), ecosystem (1), documentation (1).
    const parts = [
      { w: 1, s: 2 / 2 },
      { w: 2, s: mxActivity / ptActivity },
      { w: 1, s: eco / ecoMax },
      { w: 1, s: 2 / 3 },
    ];
    const community = parts.reduce((t, p) => t + p.w * p.s, 0) / 5;
    const stored = scored(snapshot3(), RUBRIC_V2).projects.find((p) => p.id === "mxnet")!.scores;
    expect(community).toBeCloseTo(stored.categories.community!, 12);
    expect(out).toContain(`community (weight 1) = (${parts.map((p) => `${p.w}×${r4(p.s)}`).join(" + ")}) / (1 + 2 + 1 + 1) = ${r4(community)}`);
    const api = (1 + numerics / (4 + 5 + (1 + 455)) + 4 / 4) / 3; // graph 2/2, numerics / pytorch's, ops 4/4
    expect(out).toContain(`api (weight 1) = (1×1 + 1×${r4(numerics / 465)} + 1×1) / (1 + 1 + 1) = ${r4(api)}`);
    const platform = (2.5 / 3 + 1 + 1 + 1) / 4; // aws is not in rubric v2
    expect(out).not.toMatch(/^\s*aws\b/m);
    const overall = (community + api + platform) / 3;
    expect(overall).toBeCloseTo(stored.overall!, 12);
    expect(out).toContain(`overall = (1×${r4(community)} + 1×${r4(api)} + 1×${r4(platform)}) / (1 + 1 + 1) = ${r4(overall)}`);
    expect(out).toContain(`Rank ${stored.rank} of 5 (overall high to low, ties by id)`);
    expect(out).toContain(`Tier ${stored.tier} of 3 (Jenks natural breaks of the overall scores)`);
  });

  it("names the source and API request of every raw figure", async () => {
    const out = (await run(dir, ["explain", "mxnet"])).stdout;
    expect(out).toMatch(/repository\s+apache\/incubator-mxnet\n\s+Stack Overflow tags\s+mxnet, apache-mxnet\n\s+repository query\s+mxnet in:name,description\n\s+numerics repository\s+dmlc\/mshadow/);
    expect(out).toMatch(/stars\s+13,600\n\s+GET \/repos\/apache\/incubator-mxnet  → stargazers_count/);
    // The merged window: the 30 days ending at asOf, (since, until] in whole seconds as the collector asks.
    expect(out).toMatch(/mergedPullRequests\s+170\n\s+GET \/search\/issues\?q=repo:apache\/incubator-mxnet\+is:pr\+is:merged\+merged:2018-02-20T00:00:01Z\.\.2018-03-22T00:00:00Z/);
    expect(out).toContain(
      "GET /repos/apache/incubator-mxnet/commits?sha=<default branch>&per_page=1  → committer date of the newest commit (asked again with &until=2018-03-22T00:00:00Z when that one is after asOf)",
    );
    expect(out).toContain("GET /search/repositories?q=mxnet+in:name,description");
    expect(out).toContain("GET /2.3/tags/mxnet;apache-mxnet/info?site=stackoverflow");
    expect(out).toMatch(/numericsMergedPullRequests\s+3\n\s+GET \/search\/issues\?q=repo:dmlc\/mshadow\+is:pr/);
  });

  it("names the GraphQL fields for a snapshot collected through GraphQL (requests.githubGraphql > 0)", () => {
    const snap = scored(snapshot3(), RUBRIC_V2);
    const rest = explainProject(snap, "mxnet").figures;
    const graphql = explainProject({ ...snap, requests: { ...snap.requests, githubGraphql: 1 } }, "mxnet").figures;
    expect(graphql.map((f) => [f.field, f.value])).toEqual(rest.map((f) => [f.field, f.value]));
    const by = (field: string) => graphql.find((f) => f.field === field)!;
    expect(by("stars")).toMatchObject({ request: expect.stringMatching(/^POST \/graphql repository\(owner: "apache", name: "incubator-mxnet"\) \{ stargazerCount /), detail: "stargazerCount" });
    expect(by("openIssues").detail).toBe("issues.totalCount + pullRequests.totalCount (open)");
    expect(by("lastCommitAt").request).toContain('history(first: 1, until: "2018-03-22T00:00:00Z")');
    expect(by("numericsMergedPullRequests").request).toBe('POST /graphql search(type: ISSUE, query: "repo:dmlc/mshadow is:pr is:merged merged:2018-02-20T00:00:01Z..2018-03-22T00:00:00Z", first: 0)');
    expect(by("repositoryCount")).toEqual({ field: "repositoryCount", value: 1950, request: 'POST /graphql search(type: REPOSITORY, query: "mxnet in:name,description", first: 0)', detail: "repositoryCount (repositories matching the query)", error: null });
    expect(by("stackOverflowQuestions").request).toBe(rest.find((f) => f.field === "stackOverflowQuestions")!.request);
  });

  it("explains a figure that could not be fetched and the criterion left out", async () => {
    const out = (await run(dir, ["explain", "cntk"])).stdout;
    expect(out).toMatch(/stackOverflowQuestions\s+- not fetched\n\s+error: Stack Exchange API unavailable after 3 retries \(HTTP 503\)/);
    expect(out).toContain(
      "ecosystem (community, weight 1): log10(1 + GitHub repositories) + log10(1 + Stack Overflow questions)\n" +
        "    no value: stackOverflowQuestions could not be fetched (Stack Exchange API unavailable after 3 retries (HTTP 503)); left out of community",
    );
    expect(out).toMatch(/community \(weight 1\) = \(1×1 \+ 2×[0-9.]+ \+ 1×0\.6667\) \/ \(1 \+ 2 \+ 1\) = [0-9.]+  \(left out, no score: ecosystem\)/);
    const a = 1 / weeks("2018-03-01T09:30:00Z") + 30;
    expect(out).toContain(`activity = 1 / max(1, ${r4(weeks("2018-03-01T09:30:00Z"))} weeks) + 30 = ${r4(a)}`);
  });

  it("explains an older snapshot, with a checklist of ops", async () => {
    const r = await run(v1Dir, ["explain", "pytorch", "2018-03-08"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("as of 2018-03-08T00:00:00Z");
    expect(r.stdout).toContain("ops = 1 (dense) + 1 (conv2d) + 1 (lstm) + 0.5 (adam) = 3.5\n    score = 3.5 / 4 = 0.875  [scale maximum 4]");
    expect(r.stdout).toContain("aws = 2 (hand rating)\n    score = 2 / 3 = 0.6667  [scale maximum 3]");
    const stored = scored(snapshot2(), RUBRIC_V1).projects.find((p) => p.id === "pytorch")!.scores;
    expect(r.stdout).toContain(`Rank ${stored.rank} of 5`);
  });

  it("explains with the config as it is now: the same snapshot under the edited rubric", async () => {
    const v1 = (await run(v1Dir, ["explain", "pytorch", "2018-03-08"])).stdout;
    const v2 = (await run(dir, ["explain", "pytorch", "2018-03-08"])).stdout;
    expect(v1).toContain('rubric "Coveo Deep Learning Showdown (fixture)" v1');
    expect(v2).toContain('rubric "Coveo Deep Learning Showdown (fixture)" v2');
    // Rubric v2 has no aws and weighs activity twice; the raw figures are as they were.
    expect(v1).toMatch(/^\s*aws = 2 \(hand rating\)/m);
    expect(v2).not.toMatch(/^\s*aws\b/m);
    expect(v1).toMatch(/^\s*activity \(community, weight 1\)/m);
    expect(v2).toMatch(/^\s*activity \(community, weight 2\)/m);
    const figures = (out: string) => out.slice(out.indexOf("\nSources"), out.indexOf("\nCriteria"));
    expect(figures(v2)).toContain("mergedPullRequests      420");
    expect(figures(v2)).toBe(figures(v1));
    const overall = scored(snapshot2(), RUBRIC_V2).projects.find((p) => p.id === "pytorch")!.scores.overall!;
    expect(v2).toMatch(new RegExp(`^\\s*overall = .* = ${r4(overall).replace(".", "\\.")}$`, "m"));
  });

  it("names the known ids for an unknown one, in one line", async () => {
    const r = await run(dir, ["explain", "keras"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`oss-showdown: no project "keras" scored in snapshots/${COHORT}/2018-03-22.json: only projects both in the snapshot and in the cohort config are (ids: chainer, cntk, mxnet, pytorch, tensorflow)\n`);
    const none = await run(dir, ["explain"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("explain needs a project ID");
  });

  it("does not explain a project the config does not list, though the snapshot holds its figures", async () => {
    const without = await historyDir();
    try {
      expect((await run(without, ["explain", "theano", "2018-03-08"])).code).toBe(0);
      await writeFixtureConfig(path.join(without, "config"), RUBRIC_V1, fixtureProjects().filter((p) => p.id !== "theano"));
      const r = await run(without, ["explain", "theano", "2018-03-08"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`oss-showdown: no project "theano" scored in snapshots/${COHORT}/2018-03-08.json: only projects both in the snapshot and in the cohort config are (ids: cntk, mxnet, pytorch, tensorflow)\n`);
    } finally {
      await rm(without, { recursive: true, force: true });
    }
  });
});

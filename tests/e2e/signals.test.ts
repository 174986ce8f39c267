/**
 * A cohort asks only what its rubric reads (issue 18, item 3): the figures its metrics name, beside
 * those asked whatever the rubric; Stack Overflow tags are needed only by a rubric that reads
 * stackOverflowQuestions. Both GitHub APIs, against the loopback stand-in, requests counted at the server.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { runInProcess } from "../support/io.js";
import { Snapshot } from "../../src/snapshot/schema.js";
import { TAGS_NEED_GRAPHQL } from "../../src/collect.js";

const TOKEN = "ghp_signalsSecretToken0123456789abcdefAB";
const AS_OF = "2026-11-21T06:00:00.000Z";

/** A rubric of metrics only, one per expression. */
function rubricYaml(expressions: string[]): string {
  const criteria = expressions.map((e, i) => `      - { id: m${i}, kind: metric, expression: ${JSON.stringify(e)}, normalize: { by: cohortMax } }`).join("\n");
  return `version: 1\nname: Signals\ncategories:\n  - id: all\n    name: All\n    criteria:\n${criteria}\n`;
}

/** Two projects with no Stack Overflow tags; one names a numerics library, the other has no repository query. */
const NO_TAGS = `cohort: sig
description: Projects without Stack Overflow tags.
windowDays: 30
projects:
  - { id: alpha, name: Alpha, repository: alpha-org/alpha, repositoryQuery: "alpha", numericsRepository: num-org/num }
  - { id: beta, name: Beta, repository: beta-org/beta, stackOverflowTags: [] }
`;

function data(): ReplicaData {
  return {
    repos: [
      { fullName: "alpha-org/alpha", id: 1, stars: 120, forks: 30, openIssues: 12, commits: ["2026-11-07T06:00:00Z", "2026-10-01T00:00:00Z"], mergedAt: ["2026-11-10T12:00:00Z"] },
      { fullName: "beta-org/beta", id: 2, stars: 50, forks: 5, openIssues: 3, commits: ["2026-11-20T06:00:00Z"], mergedAt: [] },
      { fullName: "num-org/num", id: 3, stars: 10, forks: 1, openIssues: 0, commits: ["2026-10-24T06:00:00Z"], mergedAt: [] },
    ],
    repositorySearch: { alpha: 99, beta: 9 },
    tags: {},
  };
}

async function project(rubric: string, cohort: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-signals-"));
  await mkdir(path.join(dir, "config"));
  await writeFile(path.join(dir, "config", "rubric.yaml"), rubric);
  await writeFile(path.join(dir, "config", "sig.yaml"), cohort);
  return dir;
}

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

/** The GraphQL queries posted to the replica, in order. */
let posted: string[] = [];

async function collect(api: "rest" | "graphql", dir: string, dataset: ReplicaData, extra: string[] = []) {
  posted = [];
  replica = await startReplica(dataset, { fault: (ctx) => void (ctx.route === "POST /graphql" && posted.push((JSON.parse(ctx.body) as { query: string }).query)) });
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: AS_OF };
  const result = await runInProcess(["collect", "--api", api, "--cohort", "sig", "--as-of", AS_OF, ...extra], { cwd: dir, env });
  const snapshot = result.code === 0 ? Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", "2026-11-21.json"), "utf8"))) : undefined;
  return { result, snapshot, requests: replica.requests };
}

describe.each(["rest", "graphql"] as const)("a rubric that reads neither Stack Overflow nor repository searches nor a numerics library (--api %s)", (api) => {
  it("validates without tags, and collects with no Stack Exchange request, no repository search and no request for the numerics library", async () => {
    const dir = await project(rubricYaml(["log10(1 + stars) + commits"]), NO_TAGS);
    const validated = await runInProcess(["validate"], { cwd: dir });
    expect(validated.stderr).toBe("");
    expect(validated.stdout).toBe("sig: 2 projects, ok\n");
    expect(validated.code).toBe(0);

    const { result, snapshot, requests } = await collect(api, dir, data());
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(requests.filter((r) => r.api === "stackexchange")).toEqual([]);
    // No search at all: neither the repository count nor the merged-PR count (and its bot-landed check) is read.
    expect(requests.filter((r) => r.route.startsWith("GET /search/"))).toEqual([]);
    expect(posted.filter((q) => q.includes("search("))).toEqual([]);
    expect(posted).toHaveLength(api === "graphql" ? 1 : 0);
    expect(requests.filter((r) => r.path.includes("num-org"))).toEqual([]);
    const alpha = snapshot!.projects[0]!;
    // Figures not asked are left out, not null: null keeps meaning "asked and failed".
    expect(Object.keys(alpha.raw).sort()).toEqual(["archived", "commits", "forks", "lastCommitAt", "openIssues", "stars"]);
    expect(alpha.raw).toMatchObject({ stars: 120, commits: 1, lastCommitAt: "2026-11-07T06:00:00Z" });
    expect(alpha.errors).toEqual([]);
    expect(alpha.sources.stackOverflowTags).toEqual([]);
    expect(snapshot!.projects[1]!.sources).toEqual({ repository: "beta-org/beta", stackOverflowTags: [] });
    expect(replica!.graphqlInvalid).toEqual([]);
    // Nor any request for a signal the rubric does not read.
    expect(requests.filter((r) => /\/(contributors|pulls|releases)\b/.test(r.path) || /is%3Aissue|is:issue/.test(r.path))).toEqual([]);
  });
});

describe("Stack Overflow tags under a rubric that reads stackOverflowQuestions", () => {
  it("validate refuses a project without tags in one line naming the file, the path and the fix", async () => {
    const dir = await project(rubricYaml(["log10(1 + stackOverflowQuestions)"]), NO_TAGS);
    const result = await runInProcess(["validate"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('oss-showdown: config/sig.yaml: projects[0].stackOverflowTags: rubric "Signals" reads stackOverflowQuestions: list the project\'s Stack Overflow tags, e.g. stackOverflowTags: [alpha]\n');
    expect(result.stderr).toContain("config/sig.yaml: projects[1].stackOverflowTags: rubric");
    // collect refuses the same cohort before sending anything.
    const collected = await collect("rest", dir, data());
    expect(collected.result.code).toBe(1);
    expect(collected.requests).toEqual([]);
  });

  it("a project without a repository query is refused likewise under a rubric that reads repositoryCount", async () => {
    const dir = await project(rubricYaml(["log10(1 + repositoryCount)"]), NO_TAGS);
    const result = await runInProcess(["validate"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('oss-showdown: config/sig.yaml: projects[1].repositoryQuery: rubric "Signals" reads repositoryCount: give the GitHub repository search that counts the project\'s ecosystem, e.g. repositoryQuery: "beta in:name,description,topics"\n');
  });
});

describe("collect --dry-run", () => {
  it("lists the figures the rubric makes it ask, and plans no Stack Exchange request without them", async () => {
    const dir = await project(rubricYaml(["log10(1 + stars) + commits"]), NO_TAGS);
    const result = await runInProcess(["collect", "--dry-run", "--api", "rest", "--cohort", "sig", "--as-of", AS_OF], { cwd: dir, env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("figures asked: lastCommitAt, commits, stars, forks, openIssues, archived (whatever the rubric); no other (the rubric's metrics read none)\n");
    expect(result.stdout).toContain("  stack exchange   0 ");
    expect(result.stdout).toMatch(/github core {6}6 /);
    expect(result.stdout).toContain("  github search    0 (0 merged-PR searches, one per repository whose count is read, + 0 repository counts");
  });
});

/** Every new signal, each in its own metric. */
const SIGNALS_RUBRIC = rubricYaml([
  "daysSince(createdAt)",
  "openPullRequests + contributors",
  "releases + 1 / max(1, weeksSince(latestReleaseAt))",
  "issuesOpened + issuesClosed",
]);

const TWO = `cohort: sig
description: Two projects.
windowDays: 30
projects:
  - { id: alpha, name: Alpha, repository: alpha-org/alpha, repositoryQuery: "alpha" }
  - { id: beta, name: Beta, repository: beta-org/old-beta, repositoryQuery: "beta" }
`;

/** The window is (2026-10-22T06:00:00Z, 2026-11-21T06:00:00Z]. */
function signalData(): ReplicaData {
  return {
    repos: [
      {
        fullName: "alpha-org/alpha", id: 1, stars: 120, forks: 30, openIssues: 12, openPullRequests: 7, contributors: 42, createdAt: "2016-05-01T00:00:00Z",
        commits: ["2026-11-07T06:00:00Z"], mergedAt: [],
        releases: [
          { createdAt: "2026-11-01T00:00:00Z", publishedAt: "2026-11-02T00:00:00Z" }, // in the window
          { createdAt: "2026-11-15T00:00:00Z", publishedAt: "2026-11-16T00:00:00Z" }, // in the window: the newest by asOf
          { createdAt: "2026-11-20T00:00:00Z", publishedAt: "2026-11-22T00:00:00Z" }, // published after asOf
          { createdAt: "2026-10-01T00:00:00Z", publishedAt: "2026-10-02T00:00:00Z" }, // before the window
          { createdAt: "2026-11-19T00:00:00Z", publishedAt: null }, // a draft
        ],
        issues: [
          { createdAt: "2026-11-01T00:00:00Z", closedAt: null }, // opened
          { createdAt: "2026-10-01T00:00:00Z", closedAt: "2026-11-05T00:00:00Z" }, // closed
          { createdAt: "2026-11-10T00:00:00Z", closedAt: "2026-11-12T00:00:00Z" }, // opened and closed
          { createdAt: "2026-09-01T00:00:00Z", closedAt: "2026-11-20T00:00:00Z" }, // closed
          { createdAt: "2026-10-22T06:00:00Z", closedAt: "2026-11-21T06:00:01Z" }, // both just outside
          { createdAt: "2026-11-21T07:00:00Z", closedAt: null }, // after asOf
        ],
      },
      // Renamed: its details and its searches follow the rename.
      { fullName: "beta-org/beta", id: 2, formerNames: ["beta-org/old-beta"], stars: 5, forks: 1, openIssues: 0, contributors: 3, createdAt: "2020-01-01T00:00:00Z", commits: ["2026-11-20T06:00:00Z"], mergedAt: [] },
    ],
    repositorySearch: {},
    tags: {},
  };
}

describe.each(["rest", "graphql"] as const)("every signal as of asOf (--api %s)", (api) => {
  it("collects each figure the rubric reads, exact, and the figures of now only when asOf is recent", async () => {
    const dir = await project(SIGNALS_RUBRIC, TWO);
    const { result, snapshot, requests } = await collect(api, dir, signalData());
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    const [alpha, beta] = snapshot!.projects;
    expect(alpha!.raw).toMatchObject({ createdAt: "2016-05-01T00:00:00Z", openPullRequests: 7, contributors: 42, releases: 2, latestReleaseAt: "2026-11-16T00:00:00Z", issuesOpened: 2, issuesClosed: 3 });
    expect(alpha!.errors).toEqual([]);
    expect(beta!.raw).toMatchObject({ createdAt: "2020-01-01T00:00:00Z", openPullRequests: 0, contributors: 3, releases: 0, latestReleaseAt: null, issuesOpened: 0, issuesClosed: 0 });
    expect(beta!.errors).toEqual([]);
    expect(beta!.warnings.map((w) => w.message)).toContain("beta-org/beta had published no release by 2026-11-21");
    // Not read by the rubric: not asked.
    expect("repositoryCount" in alpha!.raw || "stackOverflowQuestions" in alpha!.raw).toBe(false);
    expect(requests.filter((r) => r.api === "stackexchange")).toEqual([]);
    const count = (pattern: RegExp) => requests.filter((r) => pattern.test(r.path)).length;
    // Contributors have no GraphQL field: one REST request a repository in both modes.
    expect(count(/\/contributors\?/)).toBe(2);
    expect(count(/\/pulls\?/)).toBe(api === "rest" ? 2 : 0);
    expect(count(/\/releases\?/)).toBe(api === "rest" ? 2 : 0);
    expect(count(/^\/search\/issues\?.*is%3Aissue/)).toBe(api === "rest" ? 4 : 0);
    expect(replica!.graphqlInvalid).toEqual([]);

    // explain names each figure's request, through the API the snapshot was collected with.
    const explained = await runInProcess(["explain", "--cohort", "sig", "beta"], { cwd: dir });
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain("GET /repos/beta-org/beta/contributors?anon=true&per_page=1");
    expect(explained.stdout).toContain(api === "rest" ? "GET /repos/beta-org/beta/releases?per_page=100" : "releases(first: 100, orderBy: { field: CREATED_AT, direction: DESC })");
    expect(explained.stdout).toMatch(/repo:beta-org\/beta[ +]is:issue[ +]closed:2026-10-22T06:00:01Z\.\.2026-11-21T06:00:00Z/);
    expect(explained.stdout).not.toContain("stackOverflowQuestions");
    expect(explained.stdout).toContain("Stack Overflow tags  none\n");
  });

  it("as of a past date: the figures of now only are left out with the snapshot's warning and not asked; the others are as of that date", async () => {
    const dir = await project(SIGNALS_RUBRIC, TWO);
    replica = await startReplica(signalData());
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: "2026-12-21T06:00:00.000Z" };
    const result = await runInProcess(["collect", "--api", api, "--cohort", "sig", "--as-of", AS_OF], { cwd: dir, env });
    expect(result.code).toBe(0);
    const snap = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", "2026-11-21.json"), "utf8")));
    const alpha = snap.projects[0]!;
    expect(alpha.raw).toMatchObject({ createdAt: "2016-05-01T00:00:00Z", openPullRequests: null, contributors: null, releases: 2, latestReleaseAt: "2026-11-16T00:00:00Z", issuesOpened: 2, issuesClosed: 3 });
    expect(alpha.errors).toEqual([]);
    expect(snap.warnings).toEqual([`stars, forks, openIssues, archived, openPullRequests, contributors left out: GitHub reports them only as they are now, and this snapshot is as of ${AS_OF}, more than a day before the run`]);
    expect(replica.requests.filter((r) => /\/(contributors|pulls)\?/.test(r.path))).toEqual([]);
  });
});

describe("collect --dry-run with every signal", () => {
  it.each([
    ["rest", /github core {6}12 \(3 per repository: the repository, its last commit and its commits in the window; \+ 6 for the rubric's signals/],
    ["graphql", /github core {6}2 \(contributors, one per repository: GraphQL has no field for them\)/],
  ] as const)("--api %s: lists them and what they cost", async (api, core) => {
    const dir = await project(SIGNALS_RUBRIC, TWO);
    const result = await runInProcess(["collect", "--dry-run", "--api", api, "--cohort", "sig", "--as-of", AS_OF], { cwd: dir, env: { GITHUB_TOKEN: TOKEN, SHOWDOWN_NOW: AS_OF } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("; createdAt, openPullRequests, contributors, releases, latestReleaseAt, issuesOpened, issuesClosed (read by the rubric's metrics)\n");
    expect(result.stdout).toMatch(core);
    if (api === "rest") expect(result.stdout).toContain("github search    4 (0 merged-PR searches, one per repository whose count is read, + 0 repository counts + 4 PR searches of landing rules and the bot-landed check and issue searches of issuesOpened/issuesClosed)");
  });
});

describe("backfill with every signal", () => {
  it.each(["rest", "graphql"] as const)("--api %s: each date's snapshot has the signals as of that date, those of now only left out", async (api) => {
    const dir = await project(SIGNALS_RUBRIC, TWO);
    replica = await startReplica(signalData());
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: "2026-12-21T06:00:00.000Z" };
    const result = await runInProcess(["backfill", "--cohort", "sig", "--from", "2026-11-03", "--to", "2026-11-17", "--every", "week", "--api", api], { cwd: dir, env });
    expect(result.code).toBe(0);
    const at = async (date: string) => Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", `${date}.json`), "utf8"))).projects[0]!.raw;
    // 00:00 UTC of each date: windows (10-04, 11-03], (10-11, 11-10], (10-18, 11-17].
    expect(await at("2026-11-03")).toMatchObject({ releases: 1, latestReleaseAt: "2026-11-02T00:00:00Z", issuesOpened: 2, issuesClosed: 0, contributors: null });
    expect(await at("2026-11-10")).toMatchObject({ releases: 1, latestReleaseAt: "2026-11-02T00:00:00Z", issuesOpened: 3, issuesClosed: 1, openPullRequests: null });
    expect(await at("2026-11-17")).toMatchObject({ releases: 2, latestReleaseAt: "2026-11-16T00:00:00Z", issuesOpened: 3, issuesClosed: 2, createdAt: "2016-05-01T00:00:00Z" });
    expect(replica.requests.filter((r) => /\/(contributors|pulls)\?/.test(r.path))).toEqual([]);
  });
});

describe("a run that failed one signal, run again", () => {
  it.each(["rest", "graphql"] as const)("--api %s: asks only that one again, from the run cache", async (api) => {
    const dir = await project(SIGNALS_RUBRIC, TWO);
    let down = true;
    replica = await startReplica(signalData(), { fault: (ctx) => (down && ctx.route === "GET /repos/{owner}/{repo}/contributors" ? { status: 503, body: { message: "Service Unavailable" } } : undefined) });
    const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: AS_OF, SHOWDOWN_RETRIES: "0" };
    const args = ["collect", "--api", api, "--cohort", "sig", "--as-of", AS_OF];
    const first = await runInProcess(args, { cwd: dir, env });
    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(/missing contributors: GET \/repos\/alpha-org\/alpha\/contributors\?anon=true: 503/);
    const before = replica.requests.length;
    down = false;
    const again = await runInProcess(args, { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(replica.requests.slice(before).map((r) => r.route).sort()).toEqual(["GET /repos/{owner}/{repo}/contributors", "GET /repos/{owner}/{repo}/contributors"]);
    const snap = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", "2026-11-21.json"), "utf8")));
    expect(snap.projects.map((p) => p.raw.contributors)).toEqual([42, 3]);
    expect(snap.projects[0]!.raw).toMatchObject({ releases: 2, issuesClosed: 3, openPullRequests: 7 });
  });
});

describe("tags in the window", () => {
  const data = (): ReplicaData => {
    const d = signalData();
    d.repos[0]!.tags = [
      { committedAt: "2026-11-01T00:00:00Z" }, // lightweight, in the window
      { committedAt: "2026-10-01T00:00:00Z", taggedAt: "2026-11-05T00:00:00Z" }, // annotated: tagged in the window
      { committedAt: "2026-11-10T00:00:00Z", taggedAt: "2026-11-22T00:00:00Z" }, // tagged after asOf
      { committedAt: "2026-09-01T00:00:00Z" }, // before the window
    ];
    return d;
  };

  it("--api graphql: counts them by the tagger's date, else the commit's, in one connection", async () => {
    const dir = await project(rubricYaml(["tags"]), TWO);
    const { result, snapshot } = await collect("graphql", dir, data());
    expect(result.code).toBe(0);
    expect(snapshot!.projects.map((p) => p.raw.tags)).toEqual([2, 0]);
    expect(posted.join("\n")).toContain('refs(refPrefix: "refs/tags/", first: 100, orderBy: { field: TAG_COMMIT_DATE, direction: DESC })');
    expect(replica!.graphqlInvalid).toEqual([]);
  });

  it("--api rest: null with an error saying to use GraphQL, and no request for them", async () => {
    const dir = await project(rubricYaml(["tags"]), TWO);
    const { result, requests } = await collect("rest", dir, data());
    expect(result.code).toBe(2);
    const snap = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", "2026-11-21.json"), "utf8")));
    expect(snap.projects.map((p) => p.raw.tags)).toEqual([null, null]);
    expect(snap.projects[0]!.errors).toEqual([{ field: "tags", message: TAGS_NEED_GRAPHQL }]);
    expect(requests.filter((r) => /\/(tags|git)\b/.test(r.path))).toEqual([]);
  });
});

describe("the same signals through both APIs", () => {
  it("REST and GraphQL write the same figures, errors and warnings", async () => {
    const raws = [];
    for (const api of ["rest", "graphql"] as const) {
      const dir = await project(SIGNALS_RUBRIC, TWO);
      const { snapshot } = await collect(api, dir, signalData());
      raws.push(snapshot!.projects.map((p) => ({ raw: p.raw, errors: p.errors, warnings: p.warnings })));
      await replica!.close();
      replica = undefined;
    }
    expect(raws[1]).toEqual(raws[0]);
  });
});

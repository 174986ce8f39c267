import { afterEach, describe, expect, it } from "vitest";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { runCli, tempProject } from "../support/cli.js";
import { Snapshot } from "../../src/snapshot/schema.js";
import { Scoreboard } from "../../src/scoreboard/index.js";

const TOKEN = "ghp_e2eSecretToken0123456789abcdefABCDEF";
const SE_KEY = "se-key-secret-42";
const AS_OF = "2026-11-21T06:00:00.000Z";

const COHORT = `
cohort: e2e
description: Three projects covering a rename, an empty repository and a missing tag.
windowDays: 30
projects:
  - id: alpha
    name: Alpha
    repository: alpha-org/alpha
    stackOverflowTags: [alpha, alpha-lang]
    repositoryQuery: "alpha in:readme"
    sponsor: 2
    graph: 2
    os: [linux, macos, windows]
    sources: { sponsor: "test" }
  - id: beta
    name: Beta
    repository: beta-org/old-beta
    stackOverflowTags: [beta]
    repositoryQuery: "topic:beta"
    numericsRepository: beta-org/beta-numerics
    numerics: { maturity: 4, easeOfUse: 2 }
    sponsor: 1
    graph: 1
    os: [linux]
  - id: gamma
    name: "=Gamma"
    repository: gamma-org/gamma
    stackOverflowTags: [gamma-nonexistent]
    repositoryQuery: "gamma"
    sponsor: 0
`;

function data(): ReplicaData {
  return {
    repos: [
      {
        fullName: "alpha-org/alpha", id: 101, stars: 1200, forks: 300, openIssues: 42,
        // The newest commit is after asOf and must not count.
        commits: ["2026-11-07T06:00:00Z", "2026-11-21T07:00:00Z", "2026-10-01T00:00:00Z"],
        // (asOf - 30 days, asOf]: the first and last are just outside, the others inside.
        mergedAt: ["2026-10-22T06:00:00Z", "2026-10-22T06:00:01Z", "2026-11-10T12:00:00Z", "2026-11-21T06:00:00Z", "2026-11-21T06:00:01Z"],
      },
      {
        fullName: "beta-org/beta", id: 202, defaultBranch: "master", stars: 50, forks: 5, openIssues: 3, archived: true,
        formerNames: ["beta-org/old-beta"],
        commits: ["2026-11-20T06:00:00Z"], mergedAt: ["2026-11-01T00:00:00Z"],
      },
      { fullName: "beta-org/beta-numerics", id: 203, stars: 10, forks: 1, openIssues: 0, commits: ["2026-10-24T06:00:00Z"], mergedAt: [] },
      { fullName: "gamma-org/gamma", id: 303, stars: 0, forks: 0, openIssues: 0, commits: [], mergedAt: [] },
    ],
    repositorySearch: { "alpha in:readme": 999, "topic:beta": 9, gamma: 0 },
    tags: { alpha: 60, "alpha-lang": 39, beta: 9 },
  };
}

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

async function collect(api: "rest" | "graphql", dataset: ReplicaData, cohort = COHORT) {
  replica = await startReplica(dataset);
  const dir = await tempProject("e2e", cohort);
  const result = await runCli(["collect", "--api", api, "--cohort", "e2e", "--as-of", AS_OF], {
    cwd: dir,
    env: { GITHUB_TOKEN: TOKEN, STACKEXCHANGE_KEY: SE_KEY, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: AS_OF },
  });
  return { dir, result, replica };
}

/** The scoreboard `oss-showdown score --format json` prints for the collected snapshot (scored now from config/). */
async function scoreboard(dir: string): Promise<Scoreboard> {
  const result = await runCli(["score", "--cohort", "e2e", "--format", "json"], { cwd: dir });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return Scoreboard.parse(JSON.parse(result.stdout));
}

// Each GitHub API, REST and GraphQL, against the same data.
describe.each(["rest", "graphql"] as const)("oss-showdown collect --api %s against a loopback replica of both APIs", (api) => {
  it("writes the exact figures (facts only), prints the path, and score scores them from the config", async () => {
    const { dir, result, replica } = await collect(api, data());
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(path.join("snapshots", "e2e", "2026-11-21.json") + "\n");

    const text = await readFile(path.join(dir, "snapshots", "e2e", "2026-11-21.json"), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    const snap = Snapshot.parse(JSON.parse(text));
    expect(snap.schemaVersion).toBe(2);
    expect(snap.asOf).toBe(AS_OF);
    expect(snap.projects.map((p) => p.id)).toEqual(["alpha", "beta", "gamma"]);
    const [alpha, beta, gamma] = snap.projects;
    // Nothing derived from the config is stored: no rubric, ratings or scores.
    expect(text).not.toMatch(/"(rubric|ratings|scores)"/);
    const board = await scoreboard(dir);
    const scores = (id: string) => board.projects.find((p) => p.id === id)!;
    expect(board.asOf).toBe(AS_OF);

    expect(alpha!.raw).toEqual({
      lastCommitAt: "2026-11-07T06:00:00Z", mergedPullRequests: 3, repositoryCount: 999, stackOverflowQuestions: 99,
      stars: 1200, forks: 300, openIssues: 42, archived: false, commits: 1,
    });
    expect(alpha!.errors).toEqual([]);
    // 14 days = 2 weeks: 1/2 + 3 merged; ecosystem log10(1000) + log10(100) = 5
    expect(scores("alpha").criteria.activity!.value).toBe(3.5);
    expect(scores("alpha").criteria.ecosystem!.value).toBeCloseTo(5, 12);

    // Renamed: followed, recorded under its new name, with a note to update the config.
    expect(beta!.sources.repository).toBe("beta-org/beta");
    expect(beta!.warnings).toContainEqual({ field: "repository", message: "beta-org/old-beta was renamed to beta-org/beta; update the config" });
    expect(beta!.raw).toMatchObject({ lastCommitAt: "2026-11-20T06:00:00Z", mergedPullRequests: 1, archived: true, numericsLastCommitAt: "2026-10-24T06:00:00Z", numericsMergedPullRequests: 0 });
    // numerics = 4 + 2 + 1/max(1, 4 weeks) + 0
    expect(scores("beta").criteria.numerics!.value).toBe(6.25);

    // Empty repository: a known fact, noted, counted as none. A tag that does not exist counts 0 (no
    // note: /search/advanced cannot tell it from a tag without questions).
    expect(gamma!.raw.lastCommitAt).toBeNull();
    expect(gamma!.raw.stackOverflowQuestions).toBe(0);
    expect(gamma!.errors).toEqual([]);
    // Not a silent 0: a tag without questions (here one that does not exist) is said, in the snapshot as in the export.
    expect(gamma!.warnings.map((w) => w.field)).toEqual(["lastCommitAt", "stackOverflowQuestions"]);
    expect(gamma!.warnings[1]!.message).toMatch(/^no Stack Overflow question tagged gamma-nonexistent by /);
    expect(scores("gamma").criteria.activity!.value).toBe(0);

    expect(board.projects.map((p) => p.rank)).toEqual([1, 2, 3]);
    expect(board.projects[0]!.id).toBe("alpha");

    // The snapshot's request counts are what the server saw; every GitHub request was authenticated.
    const gh = replica.requests.filter((r) => r.api === "github");
    expect(snap.requests).toEqual({
      github: gh.filter((r) => r.route.startsWith("GET") && !r.route.includes("/search/")).length,
      githubSearch: gh.filter((r) => r.route.includes("/search/")).length,
      githubGraphql: gh.filter((r) => r.route === "POST /graphql").length,
      stackExchange: 3,
    });
    // GraphQL: one POST for the cohort, one more for the renamed repository's searches under its new name.
    // Stack Exchange: one /search/advanced a project (its tags as one OR, as of asOf).
    if (api === "graphql") expect(snap.requests).toEqual({ github: 0, githubSearch: 0, githubGraphql: 2, stackExchange: 3 });
    expect(gh.every((r) => r.authorization === `token ${TOKEN}` || r.authorization === `bearer ${TOKEN}`)).toBe(true);
    expect(replica.requests.find((r) => r.api === "stackexchange")!.path).toContain(`key=${SE_KEY}`);

    // Secrets never reach the output or the file.
    for (const secret of [TOKEN, SE_KEY]) {
      expect(result.stderr + result.stdout + text).not.toContain(secret);
    }
    expect(result.stderr).toMatch(api === "rest" ? /^requests: github \d+, .*; github search \d+, /m : /^requests: github graphql 2, cost 2 points, /m);
  });

  it("writes the others and exits 2 when one project's repository cannot be fetched", async () => {
    const broken = data();
    broken.repos = broken.repos.filter((r) => r.fullName !== "alpha-org/alpha");
    const { dir, result } = await collect(api, broken);
    expect(result.code).toBe(2);
    const snap = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "e2e", "2026-11-21.json"), "utf8")));
    const alpha = snap.projects.find((p) => p.id === "alpha")!;
    expect(alpha.raw).toMatchObject({ lastCommitAt: null, mergedPullRequests: null, stars: null, forks: null, openIssues: null, archived: null, repositoryCount: 999, stackOverflowQuestions: 99 });
    expect(alpha.errors.map((e) => e.field)).toEqual(["lastCommitAt", "mergedPullRequests", "commits", "stars", "forks", "openIssues", "archived"]);
    expect(alpha.errors[0]!.message).toMatch(api === "rest" ? /404 Not Found/ : /NOT_FOUND/);
    const board = await scoreboard(dir);
    const alphaScores = board.projects.find((p) => p.id === "alpha")!;
    expect(alphaScores.criteria.activity).toBeUndefined();
    expect(alphaScores.criteria.ecosystem).toBeDefined();
    expect(snap.projects.find((p) => p.id === "beta")!.errors).toEqual([]);
    expect(result.stderr).toMatch(/✗ alpha/);
  });

  it("writes nothing and exits 1 when no figure at all can be fetched", async () => {
    replica = await startReplica(data(), { fault: () => ({ status: 404, body: { message: "Not Found" } }) });
    const dir = await tempProject("e2e", COHORT);
    const result = await runCli(["collect", "--api", api, "--cohort", "e2e", "--as-of", AS_OF], {
      cwd: dir,
      env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl },
    });
    expect(result.code).toBe(1);
    expect(await readdir(dir)).toEqual(["config"]);
  });
});

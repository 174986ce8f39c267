/**
 * `collect --api rest` and `--api graphql` against the same loopback replica: the same snapshot (but
 * `generatedAt` and `requests`) for a cohort with a renamed repository, an empty one, a missing one, a
 * missing tag and a numerics repository that is another project's own; the request counts GraphQL
 * needs for the default cohort and for 1,000 projects, counted at the server; GHES's /api/graphql.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData, type ReplicaOptions, type ReplicaRepo } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed } from "../support/spawn.js";
import { runInProcess } from "../support/io.js";
import { allFiles, AS_OF, cohortYaml, comparable, env, expectedRaw, FAST, generated, readSnapshotIn, SMALL, smallData, type TestProject } from "../reliability/model.js";
import { mulberry32 } from "../support/faults.js";
import type { Snapshot } from "../../src/snapshot/schema.js";
import { SEARCH_SPACING_MS } from "../../src/fetch/stackexchange.js";

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.close()));
});

async function replicaFor(data: ReplicaData, options: ReplicaOptions = {}): Promise<Replica> {
  const r = await startReplica(data, { searchLimit: 100_000, coreLimit: 100_000, ...options });
  replicas.push(r);
  return r;
}

/**
 * Runs collect in a fresh folder; the requests the server saw during this run only. In-process unless
 * `spawned`: a big run in its own process does not queue behind the stand-in's work on one thread.
 */
async function collect(replica: Replica, yaml: string, args: string[], extraEnv: Record<string, string> = {}, spawned = false) {
  const dir = await tempProject("rel", yaml);
  const before = replica.requests.length;
  const result = await (spawned ? runCliTimed : runInProcess)(["collect", "--cohort", "rel", "--as-of", AS_OF, ...args], { cwd: dir, env: env(replica, { ...FAST, ...extraEnv }) });
  expect(result.stderr).not.toContain("unexpected error");
  expect(replica.graphqlInvalid).toEqual([]);
  const seen = replica.requests.slice(before);
  const snap = (await readSnapshotIn(dir, "rel").catch(() => undefined))?.snap;
  return { dir, result, snap, seen };
}

const github = (seen: Replica["requests"]) => seen.filter((r) => r.api === "github");
const stackExchange = (seen: Replica["requests"]) => seen.filter((r) => r.api === "stackexchange");

/** The snapshot with error messages left out: they may name the API that failed; the fields may not differ. */
function facts(snap: Snapshot): unknown {
  return comparable({ ...snap, projects: snap.projects.map((p) => ({ ...p, errors: p.errors.map((e) => ({ field: e.field, message: "" })) })) });
}

// Every case the two paths must agree on, in one cohort: the reliability tests' three (a rename, an
// empty repository, a tag that does not exist) and more.
const PROJECTS: TestProject[] = [
  SMALL[0]!,
  // Renamed, with a numerics repository that was renamed too.
  { ...SMALL[1]!, numericsRepository: "beta-org/old-numerics" },
  SMALL[2]!,
  // A repository that does not exist.
  { id: "delta", name: "Delta", repository: "delta-org/missing", stackOverflowTags: ["delta"], repositoryQuery: "topic:delta" },
  // Keras and TensorFlow: this numerics repository is alpha's own; both share a repository search too.
  { id: "kappa", name: "Kappa", repository: "kappa-org/kappa", stackOverflowTags: ["kappa", "alpha"], repositoryQuery: "alpha in:readme", numericsRepository: "alpha-org/alpha" },
  // A numerics repository that does not exist, and one that is empty.
  { id: "lambda", name: "Lambda", repository: "lambda-org/lambda", stackOverflowTags: ["lambda"], repositoryQuery: "topic:lambda", numericsRepository: "lambda-org/no-such-numerics" },
  { id: "mu", name: "Mu", repository: "mu-org/mu", stackOverflowTags: ["mu"], repositoryQuery: "topic:mu", numericsRepository: "gamma-org/gamma" },
];

function data(): ReplicaData {
  const d = smallData();
  Object.assign(d.repos.find((r) => r.fullName === "beta-org/beta-numerics")!, { fullName: "beta-org/numerics", formerNames: ["beta-org/old-numerics"], mergedAt: ["2026-11-02T00:00:00Z"] });
  d.repos.push(
    // Its only commit is after asOf: no last commit as of asOf, but not empty.
    { fullName: "kappa-org/kappa", id: 505, stars: 77, forks: 7, openIssues: 10, commits: ["2026-11-21T06:00:01Z"], mergedAt: ["2026-11-20T00:00:00Z", "2026-11-19T00:00:00Z"] },
    { fullName: "lambda-org/lambda", id: 606, stars: 5, forks: 0, openIssues: 1, commits: ["2025-01-01T00:00:00Z"], mergedAt: [] },
    { fullName: "mu-org/mu", id: 707, stars: 9, forks: 9, openIssues: 9, commits: ["2026-11-11T11:11:11Z"], mergedAt: ["2026-11-11T11:11:11Z"] },
  );
  Object.assign(d.repositorySearch, { "topic:delta": 4, "topic:lambda": 1, "topic:mu": 2 });
  Object.assign(d.tags, { delta: 3, kappa: 5, lambda: 1, mu: 2 });
  return d;
}

describe("--api rest and --api graphql against the same replica", () => {
  it("write the same snapshot: figures, nulls, error fields, warnings and sources; exit 2 for the missing repositories", async () => {
    const replica = await replicaFor(data());
    const yaml = cohortYaml("rel", PROJECTS);
    // A timeout long enough that a slow answer on a busy machine is not asked twice: the counts below are exact.
    const patient = { SHOWDOWN_HTTP_TIMEOUT_MS: "10000" };
    const rest = await collect(replica, yaml, ["--api", "rest"], patient);
    const graphql = await collect(replica, yaml, ["--api", "graphql"], patient);
    expect([rest.result.code, graphql.result.code]).toEqual([2, 2]);
    expect(facts(graphql.snap!)).toEqual(facts(rest.snap!));

    // What they agree on is right, not just equal.
    const by = (id: string) => graphql.snap!.projects.find((p) => p.id === id)!;
    for (const id of ["alpha", "beta", "gamma", "kappa", "mu"]) {
      const p = PROJECTS.find((q) => q.id === id)!;
      expect(by(id).raw, id).toEqual(expectedRaw(replica.data, p));
      expect(by(id).errors, id).toEqual([]);
    }
    expect(by("beta").sources).toMatchObject({ repository: "beta-org/beta", numericsRepository: "beta-org/numerics" });
    expect(by("beta").warnings).toEqual([
      { field: "repository", message: "beta-org/old-beta was renamed to beta-org/beta; update the config" },
      { field: "numericsRepository", message: "beta-org/old-numerics was renamed to beta-org/numerics; update the config" },
    ]);
    // A tag that does not exist counts 0, with a warning: /search/advanced cannot tell it from a tag without questions.
    expect(by("gamma").warnings).toEqual([
      { field: "lastCommitAt", message: "gamma-org/gamma is empty (no commits)" },
      { field: "stackOverflowQuestions", message: expect.stringMatching(/^no Stack Overflow question tagged gamma-nonexistent by \d{4}-\d{2}-\d{2}: is the tag spelt as on the site\? \(counted 0\)$/) },
    ]);
    expect(by("mu").warnings).toEqual([{ field: "numericsLastCommitAt", message: "gamma-org/gamma is empty (no commits)" }]);
    expect(by("kappa").raw).toMatchObject({ lastCommitAt: null, numericsLastCommitAt: "2026-11-07T06:00:00Z", numericsMergedPullRequests: 3 });
    expect(by("delta").raw).toMatchObject({ lastCommitAt: null, mergedPullRequests: null, stars: null, forks: null, openIssues: null, archived: null, repositoryCount: 4, stackOverflowQuestions: 3 });
    expect(by("delta").errors.map((e) => e.field)).toEqual(["lastCommitAt", "mergedPullRequests", "commits", "stars", "forks", "openIssues", "archived"]);
    expect(by("delta").errors[0]!.message).toMatch(/^github graphql: repository delta-org\/missing: NOT_FOUND: Could not resolve to a Repository with the name 'delta-org\/missing'\. \(does the repository exist\? is it private\?\)$/);
    expect(rest.snap!.projects.find((p) => p.id === "delta")!.errors[0]!.message).toMatch(/^GET \/repos\/delta-org\/missing: 404 Not Found/);
    expect(by("lambda").errors.map((e) => e.field)).toEqual(["numericsLastCommitAt", "numericsMergedPullRequests", "numericsCommits"]);

    // The same renames in both summaries.
    for (const run of [rest, graphql]) {
      expect(run.result.stderr).toContain("renamed: beta: beta-org/old-beta was renamed to beta-org/beta; update repository in config/rel.yaml");
      expect(run.result.stderr).toContain("renamed: beta: beta-org/old-numerics was renamed to beta-org/numerics; update numericsRepository in config/rel.yaml");
    }

    // Each snapshot's request counts are what the server saw of that run.
    const count = (seen: Replica["requests"]) => ({
      github: github(seen).filter((r) => r.route.startsWith("GET") && !r.route.includes("/search/")).length,
      githubSearch: github(seen).filter((r) => r.route.includes("/search/")).length,
      githubGraphql: github(seen).filter((r) => r.route === "POST /graphql").length,
      stackExchange: stackExchange(seen).length,
    });
    expect(rest.snap!.requests).toEqual(count(rest.seen));
    expect(graphql.snap!.requests).toEqual(count(graphql.seen));
    // One POST for everything, a second for the renamed repositories' searches under their new names
    // (merged counts, beta's bot-landed check); no REST at all.
    expect(graphql.snap!.requests).toEqual({ github: 0, githubSearch: 0, githubGraphql: 2, stackExchange: 7 });
    // alpha-org/alpha is both alpha's and kappa's: asked once by either API.
    expect(rest.seen.filter((r) => r.path === "/repos/alpha-org/alpha")).toHaveLength(1);
    // filter=total answers carry no quota fields: the summary names none.
    expect(graphql.result.stderr).toMatch(/^requests: github graphql 2, cost 2 points, 4,998\/5,000 points left until 00:00:00Z \(authenticated\); stack exchange 7 \(app key\)$/m);
  });

  it("without a token auto is REST, and --api graphql is refused with exit 1 before anything is sent", async () => {
    const replica = await replicaFor(data());
    const yaml = cohortYaml("rel", PROJECTS);
    const noToken = { GITHUB_TOKEN: "", GH_TOKEN: "", PATH: "/nonexistent" }; // and no gh to ask
    const refused = await collect(replica, yaml, ["--api", "graphql"], noToken);
    expect(refused.result.code).toBe(1);
    expect(refused.result.stderr).toMatch(/^oss-showdown: --api graphql: GitHub's GraphQL API needs a token/m);
    expect(refused.seen).toEqual([]);
    const auto = await collect(replica, yaml, [], { ...noToken, SHOWDOWN_RETRIES: "0" });
    expect(auto.result.stderr).toContain("through GitHub's REST API (no token: unauthenticated, slow)");
    expect(github(auto.seen).some((r) => r.route === "POST /graphql")).toBe(false);
  });

  it("--api with anything else is refused with exit 1", async () => {
    const replica = await replicaFor(data());
    const bad = await collect(replica, cohortYaml("rel", PROJECTS), ["--api", "soap"]);
    expect(bad.result.code).toBe(1);
    expect(bad.result.stderr).toBe(`oss-showdown: --api: expected auto, graphql or rest, got "soap"; see 'oss-showdown collect --help'\n`);
    expect(bad.seen).toEqual([]);
  });
});

/** Replica data for a real cohort file: every repository, search and tag it names, with seeded figures. */
function dataFor(projects: TestProject[], seed: number): ReplicaData {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * max);
  const at = Date.parse(AS_OF);
  const when = (days: number) => new Date(at - int(days * 86_400) * 1000).toISOString().replace(".000Z", "Z");
  const repos = new Map<string, ReplicaRepo>();
  const out: ReplicaData = { repos: [], repositorySearch: {}, tags: {} };
  for (const p of projects) {
    for (const fullName of [p.repository, p.numericsRepository].filter((r): r is string => r !== undefined)) {
      if (repos.has(fullName.toLowerCase())) continue;
      const repo: ReplicaRepo = { fullName, id: 1 + repos.size, stars: int(200_000), forks: int(50_000), openIssues: int(5000), commits: [when(400), when(30)], mergedAt: Array.from({ length: int(30) }, () => when(40)) };
      repos.set(fullName.toLowerCase(), repo);
      out.repos.push(repo);
    }
    out.repositorySearch[p.repositoryQuery!] = int(100_000);
    for (const t of p.stackOverflowTags) out.tags[t] = int(100_000);
  }
  return out;
}

/**
 * The default cohort (config/deep-learning-2018.yaml) as shipped when this test was written: its 16
 * projects' sources, in file order (the 13 original frameworks first). Copied, not read, so that a fork
 * that replaces config/ runs this test as is.
 */
const DEFAULT_COHORT: TestProject[] = [
  { id: "bigdl", name: "BigDL", repository: "intel/BigDL", stackOverflowTags: ["bigdl"], repositoryQuery: "bigdl in:name,description,topics" },
  { id: "caffe", name: "Caffe", repository: "BVLC/caffe", stackOverflowTags: ["caffe"], repositoryQuery: "caffe in:name,description,topics" },
  { id: "caffe2", name: "Caffe2", repository: "facebookarchive/caffe2", stackOverflowTags: ["caffe2"], repositoryQuery: "caffe2 in:name,description,topics" },
  { id: "chainer", name: "Chainer", repository: "chainer/chainer", stackOverflowTags: ["chainer"], repositoryQuery: "chainer in:name,description,topics language:python", numericsRepository: "cupy/cupy" },
  { id: "cntk", name: "CNTK", repository: "microsoft/CNTK", stackOverflowTags: ["cntk"], repositoryQuery: "cntk in:name,description,topics" },
  { id: "deeplearning4j", name: "Deeplearning4J", repository: "deeplearning4j/deeplearning4j", stackOverflowTags: ["deeplearning4j"], repositoryQuery: "deeplearning4j in:name,description,topics" },
  { id: "mxnet", name: "Apache MXNet (with Gluon)", repository: "apache/mxnet", stackOverflowTags: ["mxnet"], repositoryQuery: "mxnet in:name,description,topics" },
  { id: "neon", name: "Neon", repository: "NervanaSystems/neon", stackOverflowTags: ["nervana"], repositoryQuery: "neon nervana in:name,description,readme language:python" },
  { id: "paddlepaddle", name: "PaddlePaddle", repository: "PaddlePaddle/Paddle", stackOverflowTags: ["paddlepaddle"], repositoryQuery: "paddlepaddle in:name,description,topics" },
  { id: "pytorch", name: "PyTorch", repository: "pytorch/pytorch", stackOverflowTags: ["pytorch"], repositoryQuery: "pytorch in:name,description,topics" },
  { id: "tensorflow", name: "TensorFlow", repository: "tensorflow/tensorflow", stackOverflowTags: ["tensorflow"], repositoryQuery: "tensorflow in:name,description,topics" },
  { id: "torch", name: "Torch", repository: "torch/torch7", stackOverflowTags: ["torch"], repositoryQuery: "torch in:name,description,topics language:lua" },
  { id: "theano", name: "Theano", repository: "Theano/Theano", stackOverflowTags: ["theano"], repositoryQuery: "theano in:name,description,topics" },
  { id: "keras", name: "Keras", repository: "keras-team/keras", stackOverflowTags: ["keras"], repositoryQuery: "keras in:name,description,topics", numericsRepository: "tensorflow/tensorflow" },
  { id: "dynet", name: "DyNet", repository: "clab/dynet", stackOverflowTags: ["dynet"], repositoryQuery: "dynet in:name,description,topics" },
  { id: "dsstne", name: "DSSTNE", repository: "amazon-archives/amazon-dsstne", stackOverflowTags: ["dsstne"], repositoryQuery: "dsstne in:name,description,topics" },
];

describe("requests needed through GraphQL, counted at the server", () => {
  it.each([
    ["the 16-project default cohort (as shipped with config/deep-learning-2018.yaml)", undefined],
    ["its 13 original frameworks", 13],
  ])("%s: at most 3 GitHub requests and 1 Stack Exchange request per project, every figure exact", async (_name, first) => {
    const projects = DEFAULT_COHORT.slice(0, first ?? DEFAULT_COHORT.length);
    expect(projects).toHaveLength(first ?? 16);
    // Every answer takes a second: the round trips the run's time is made of.
    const latencyMs = 1000;
    const replica = await replicaFor(dataFor(projects, 2018), { latencyMs });
    const run = await collect(replica, cohortYaml("rel", projects), [], { SHOWDOWN_HTTP_TIMEOUT_MS: "10000" });
    expect(run.result.code).toBe(0);
    for (const p of projects) expect(run.snap!.projects.find((q) => q.id === p.id)!.raw, p.id).toEqual(expectedRaw(replica.data, p));
    const posts = github(run.seen);
    expect(posts.every((r) => r.route === "POST /graphql")).toBe(true);
    expect(posts.length).toBeLessThanOrEqual(3);
    expect(stackExchange(run.seen)).toHaveLength(projects.length);
    expect(run.snap!.requests).toEqual({ github: 0, githubSearch: 0, githubGraphql: posts.length, stackExchange: projects.length });
    // No request waits on another it does not depend on: Stack Exchange and GitHub are asked at once,
    // so every GitHub request and the first Stack Exchange one arrive before any answer could have come
    // back (a dependent one would arrive a whole round trip later). The other Stack Exchange requests
    // wait for the first answer (it may ask for a backoff), then start 50 ms apart, under the API's 30 a
    // second: none waits a second round trip. An ordering check, not a speed target.
    const start = Math.min(...run.seen.map((r) => r.at));
    const se = stackExchange(run.seen).map((r) => r.at - start);
    for (const r of posts) expect(r.at - start).toBeLessThan(latencyMs);
    expect(se[0]).toBeLessThan(latencyMs);
    expect(Math.max(...se)).toBeLessThan(2 * latencyMs + projects.length * SEARCH_SPACING_MS);
    console.log(`${projects.length} projects: ${posts.length} GitHub GraphQL request(s), ${stackExchange(run.seen).length} Stack Exchange request(s)`);
  });

  it("a 1,000-project cohort: at most 66 GitHub requests and one Stack Exchange request per project, every figure exact; as --dry-run planned", { timeout: 120_000 }, async () => {
    const { projects, data: d } = generated(1000, 1000);
    const replica = await replicaFor(d);
    const yaml = cohortYaml("rel", projects);
    const plan = await collect(replica, yaml, ["--dry-run"]);
    const planned = Number(/^ {2}github graphql +(\d+) POSTs /m.exec(plan.result.stdout)?.[1]);
    // A timeout long enough that no query is split or sent again on a busy machine: the POSTs counted are the ones needed.
    const run = await collect(replica, yaml, ["--api", "graphql"], { SHOWDOWN_HTTP_TIMEOUT_MS: "20000" }, true);
    const tags = new Set(projects.flatMap((p) => p.stackOverflowTags)).size;
    const posts = github(run.seen);
    expect(posts.every((r) => r.route === "POST /graphql")).toBe(true);
    // 1,100 repositories, 1,000 repository counts and 1,000 searches of closed PRs (the bot-landed
    // check) are 3,100 groups, 62 POSTs of 50, and the renamed repositories' searches under their new names.
    expect(posts.length).toBeLessThanOrEqual(66);
    // One request a project (a retry after a slow answer aside): each project's tags asked once.
    expect(new Set(stackExchange(run.seen).map((r) => r.path)).size).toBe(projects.length);
    expect(stackExchange(run.seen).length).toBeLessThanOrEqual(projects.length + 5);
    // The plan cannot know the 40 renamed repositories' second searches: they ride along in queries not
    // yet sent, or (when every query is already out, which depends on timing) in a few more.
    expect(posts.length - planned).toBeGreaterThanOrEqual(0);
    expect(plan.result.stdout).toContain(`  stack exchange   ${projects.length.toLocaleString("en-US")} (one /search/advanced a project: its tags as one OR, as of asOf)`);
    expect(run.result.code).toBe(0);
    for (const p of projects) {
      const got = run.snap!.projects.find((q) => q.id === p.id)!;
      expect(got.raw, p.id).toEqual(expectedRaw(d, p));
    }
    console.log(`1,000 projects (${tags} tags): ${posts.length} GitHub GraphQL requests, ${stackExchange(run.seen).length} Stack Exchange requests`);
  });
});

describe("the GraphQL endpoint", () => {
  it("is derived from a GHES GITHUB_API_URL (https://HOST/api/v3 -> https://HOST/api/graphql)", async () => {
    const replica = await replicaFor(data());
    expect(replica.githubUrl).toMatch(/\/api\/v3$/);
    const run = await collect(replica, cohortYaml("rel", PROJECTS.slice(0, 1)), ["--api", "graphql"]);
    expect(run.result.code).toBe(0);
    expect(github(run.seen).map((r) => `${r.route.split(" ")[0]} ${r.received}`)).toEqual(["POST /api/graphql"]);
  });

  it("is GITHUB_GRAPHQL_URL when set, whatever GITHUB_API_URL says", async () => {
    const replica = await replicaFor(data());
    const run = await collect(replica, cohortYaml("rel", PROJECTS.slice(0, 1)), [], { GITHUB_API_URL: "http://127.0.0.1:9/nowhere", GITHUB_GRAPHQL_URL: replica.graphqlUrl });
    expect(run.result.code).toBe(0);
    expect(run.snap!.projects[0]!.raw).toEqual(expectedRaw(replica.data, PROJECTS[0]!));
  });
});

describe("collect --dry-run", () => {
  it.each(["graphql", "rest"] as const)("--api %s: prints the planned requests per API and the budget they need; sends nothing, writes nothing, exit 0", async (api) => {
    const sent: string[] = [];
    const replica = await replicaFor(data(), { onRequest: (r) => sent.push(`${r.route} ${r.path}`) });
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    // An old run's cache: a real run would prune it; a dry run touches nothing.
    await mkdir(path.join(dir, ".cache", "runs"), { recursive: true });
    const stale = path.join(dir, ".cache", "runs", "rel--2020-01-01T000000.000Z.jsonl");
    await writeFile(stale, "{}\n");
    await utimes(stale, new Date("2020-01-02"), new Date("2020-01-02"));
    const before = await allFiles(dir);

    const result = await runInProcess(["collect", "--cohort", "rel", "--dry-run", "--api", api], { cwd: dir, env: env(replica) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(sent).toEqual([]);
    expect(await allFiles(dir)).toEqual(before);

    const out = result.stdout;
    // 7 projects: 9 repositories (alpha-org/alpha is alpha's and kappa's), 6 distinct searches, 8 distinct tags.
    expect(out).toMatch(/^rel: dry run, nothing sent or written: 7 projects as of .*, 9 repositories \(7 own, 2 only a numerics library's; each asked once\), 6 repository searches, 8 Stack Overflow tags$/m);
    expect(out).toContain(`GitHub API: ${api === "graphql" ? "GraphQL" : "REST"} (token from GITHUB_TOKEN)`);
    expect(out).toContain("  stack exchange   7 (one /search/advanced a project: its tags as one OR, as of asOf)");
    expect(out).toContain("  stack exchange   7 of 10,000 a day (STACKEXCHANGE_KEY): fits in one day's budget");
    if (api === "graphql") {
      // 9 repository groups (7 with details: 5 connections, 2 without: 3) + 6 repository searches + 7 searches
      // of closed PRs (the bot-landed check; alpha-org/alpha is asked for alpha and kappa alike) = 54 connections: 1 point.
      expect(out).toMatch(/^ {2}github graphql +1 POST of up to 50 groups \(22 groups: .*\), about 1 point; /m);
      expect(out).toMatch(/^ {2}github search +0 /m);
      expect(out).toContain("  graphql          1 of 5,000 points an hour: fits in one hour's budget");
    } else {
      expect(out).toMatch(/^ {2}github core +27 \(3 per repository/m);
      expect(out).toMatch(/^ {2}github search +22 \(9 merged-PR searches, one per repository, \+ 6 repository counts \+ 7 PR searches of landing rules and the bot-landed check\)$/m);
      expect(out).toContain("  core             27 of 5,000 an hour: fits in one hour's budget");
      expect(out).toContain("  search           22 at 30 a minute: fits in one minute's budget");
    }
  });

  it("the search budget alone: a 100-project cohort through REST without a token waits at least 20 minutes", async () => {
    const { projects } = generated(100, 7);
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await runInProcess(["collect", "--cohort", "rel", "--dry-run"], { cwd: dir, env: { GITHUB_TOKEN: "", GH_TOKEN: "", PATH: "/nonexistent" } });
    expect(result.code).toBe(0);
    // 110 repositories (10 numerics), 100 repository searches and 100 searches of closed PRs: 310 searches at 10 a minute.
    expect(result.stdout).toContain("GitHub API: REST (no token: unauthenticated)");
    expect(result.stdout).toContain("  core             330 of 60 an hour (unauthenticated): 6 hours' budgets: at least 5 hours of waiting for resets");
    expect(result.stdout).toContain("  search           310 at 10 a minute (unauthenticated): 31 minutes' budgets: at least 30 minutes of waiting for resets");
  });

  it("still checks the config: an invalid cohort is one error line, exit 1", async () => {
    const dir = await tempProject("rel", "cohort: rel\nprojects: []\n");
    const result = await runInProcess(["collect", "--cohort", "rel", "--dry-run"], { cwd: dir, env: { GITHUB_TOKEN: "x" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^oss-showdown: config\/rel\.yaml: /);
  });
});

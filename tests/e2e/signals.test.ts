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
import { runCli } from "../support/cli.js";
import { Snapshot } from "../../src/snapshot/schema.js";

const TOKEN = "ghp_signalsSecretToken0123456789abcdefAB";
const AS_OF = "2026-11-21T06:00:00.000Z";

/** A rubric of metrics only, one per expression. */
function rubricYaml(expressions: string[]): string {
  const criteria = expressions.map((e, i) => `      - { id: m${i}, kind: metric, expression: ${JSON.stringify(e)}, normalize: { by: cohortMax } }`).join("\n");
  return `version: 1\nname: Signals\ncategories:\n  - id: all\n    name: All\n    criteria:\n${criteria}\n`;
}

/** Two projects with no Stack Overflow tags; one names a numerics library. */
const NO_TAGS = `cohort: sig
description: Projects without Stack Overflow tags.
windowDays: 30
projects:
  - { id: alpha, name: Alpha, repository: alpha-org/alpha, repositoryQuery: "alpha", numericsRepository: num-org/num }
  - { id: beta, name: Beta, repository: beta-org/beta, repositoryQuery: "beta", stackOverflowTags: [] }
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

async function collect(api: "rest" | "graphql", dir: string, dataset: ReplicaData, extra: string[] = []) {
  replica = await startReplica(dataset);
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: AS_OF };
  const result = await runCli(["collect", "--api", api, "--cohort", "sig", "--as-of", AS_OF, ...extra], { cwd: dir, env });
  const snapshot = result.code === 0 ? Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "sig", "2026-11-21.json"), "utf8"))) : undefined;
  return { result, snapshot, requests: replica.requests };
}

describe.each(["rest", "graphql"] as const)("a rubric that reads neither Stack Overflow nor repository searches nor a numerics library (--api %s)", (api) => {
  it("validates without tags, and collects with no Stack Exchange request, no repository search and no request for the numerics library", async () => {
    const dir = await project(rubricYaml(["log10(1 + stars) + commits"]), NO_TAGS);
    const validated = await runCli(["validate"], { cwd: dir });
    expect(validated.stderr).toBe("");
    expect(validated.stdout).toBe("sig: 2 projects, ok\n");
    expect(validated.code).toBe(0);

    const { result, snapshot, requests } = await collect(api, dir, data());
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(requests.filter((r) => r.api === "stackexchange")).toEqual([]);
    expect(requests.filter((r) => r.route === "GET /search/repositories")).toEqual([]);
    expect(requests.filter((r) => r.path.includes("num-org"))).toEqual([]);
    const alpha = snapshot!.projects[0]!;
    // Figures not asked are left out, not null: null keeps meaning "asked and failed".
    expect(Object.keys(alpha.raw).sort()).toEqual(["archived", "commits", "forks", "lastCommitAt", "mergedPullRequests", "openIssues", "stars"]);
    expect(alpha.raw).toMatchObject({ stars: 120, commits: 1, mergedPullRequests: 1 });
    expect(alpha.errors).toEqual([]);
    expect(alpha.sources.stackOverflowTags).toEqual([]);
    expect(replica!.graphqlInvalid).toEqual([]);
  });
});

describe("Stack Overflow tags under a rubric that reads stackOverflowQuestions", () => {
  it("validate refuses a project without tags in one line naming the file, the path and the fix", async () => {
    const dir = await project(rubricYaml(["log10(1 + stackOverflowQuestions)"]), NO_TAGS);
    const result = await runCli(["validate"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('oss-showdown: config/sig.yaml: projects[0].stackOverflowTags: rubric "Signals" reads stackOverflowQuestions: list the project\'s Stack Overflow tags, e.g. stackOverflowTags: [alpha]\n');
    expect(result.stderr).toContain("config/sig.yaml: projects[1].stackOverflowTags: rubric");
    // collect refuses the same cohort before sending anything.
    const collected = await collect("rest", dir, data());
    expect(collected.result.code).toBe(1);
    expect(collected.requests).toEqual([]);
  });
});

describe("collect --dry-run", () => {
  it("lists the figures the rubric makes it ask, and plans no Stack Exchange request without them", async () => {
    const dir = await project(rubricYaml(["log10(1 + stars) + commits"]), NO_TAGS);
    const result = await runCli(["collect", "--dry-run", "--api", "rest", "--cohort", "sig", "--as-of", AS_OF], { cwd: dir, env: { GITHUB_TOKEN: TOKEN } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("figures asked: lastCommitAt, mergedPullRequests, commits, stars, forks, openIssues, archived (whatever the rubric); no other (the rubric's metrics read none)\n");
    expect(result.stdout).toContain("  stack exchange   0 ");
    expect(result.stdout).toMatch(/github core {6}6 /);
  });
});

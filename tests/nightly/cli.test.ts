/**
 * `oss-showdown nightly` in-process, on a two-project cohort against the loopback replica: the options,
 * and the ways committing and pushing can go wrong (no repository, no remote, a remote that refuses
 * every push, a rebase that conflicts, a cohort that cannot be collected).
 */
import { afterEach, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { TEST_RUBRIC_YAML } from "../support/cli.js";
import { run } from "../support/io.js";
import { Snapshot } from "../../src/snapshot/schema.js";

const AS_OF = "2026-11-19T05:17:00.000Z";
const FILE = "snapshots/mini/2026-11-19.json";

const COHORT = `
cohort: mini
description: Two projects.
projects:
  - id: alpha
    name: Alpha
    repository: alpha-org/alpha
    stackOverflowTags: [alpha]
    repositoryQuery: "alpha"
    sponsor: 2
    graph: 2
    os: [linux]
  - id: beta
    name: Beta
    repository: beta-org/beta
    stackOverflowTags: [beta]
    repositoryQuery: "beta"
    sponsor: 1
    graph: 1
    os: [linux]
`;

const DATA: ReplicaData = {
  repos: [
    { fullName: "alpha-org/alpha", id: 1, stars: 10, forks: 1, openIssues: 0, commits: ["2026-11-18T00:00:00Z"], mergedAt: ["2026-11-10T00:00:00Z"] },
    { fullName: "beta-org/beta", id: 2, stars: 5, forks: 1, openIssues: 0, commits: ["2026-10-18T00:00:00Z"], mergedAt: [] },
  ],
  repositorySearch: { alpha: 100, beta: 10 },
  tags: { alpha: 50, beta: 5 },
};

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-c", "user.name=Test Person", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout),
    );
  });
}

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

/** A project folder with a copy of the rubric and the mini cohort; with `repo`, a git clone of a bare origin. */
async function project(repo: "none" | "local" | "origin"): Promise<{ dir: string; work: string; origin?: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-nightly-cli-"));
  const work = path.join(dir, "work");
  await mkdir(path.join(work, "config"), { recursive: true });
  await writeFile(path.join(work, "config", "rubric.yaml"), TEST_RUBRIC_YAML);
  await writeFile(path.join(work, "config", "mini.yaml"), COHORT);
  if (repo === "none") return { dir, work };
  await writeFile(path.join(work, ".gitignore"), "nightly-out/\n");
  await git(["init", "--quiet"], work);
  await git(["add", "."], work);
  await git(["commit", "--quiet", "-m", "config"], work);
  if (repo === "local") return { dir, work };
  const origin = path.join(dir, "origin.git");
  await git(["init", "--quiet", "--bare", origin], dir);
  await git(["remote", "add", "origin", origin], work);
  await git(["push", "--quiet", "origin", "main"], work);
  return { dir, work, origin };
}

async function nightly(cwd: string, args: string[], env: Record<string, string> = {}) {
  replica ??= await startReplica(DATA);
  return run(["nightly", ...args], cwd, {
    PATH: process.env.PATH,
    HOME: cwd,
    GITHUB_TOKEN: "ghp_cliTestToken0123456789",
    GITHUB_API_URL: replica.githubUrl,
    STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
    // Refused pushes are tried again 10 ms apart, not 1 s: the tests count attempts, not time.
    SHOWDOWN_RETRY_BASE_MS: "10",
    ...env,
  });
}

describe("oss-showdown nightly", () => {
  it("lists the cohorts it would collect: every cohort of config/, or each --cohort", async () => {
    const { work } = await project("none");
    await writeFile(path.join(work, "config", "another.yaml"), COHORT.replace("cohort: mini", "cohort: another"));
    const result = await run(["nightly", "--list-cohorts"], work);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("another\nmini\n");
    expect((await run(["nightly", "--list-cohorts", "--cohort", "mini", "--cohort", "mini"], work)).stdout).toBe("mini\n");
    const empty = await mkdtemp(path.join(os.tmpdir(), "showdown-nightly-cli-"));
    await mkdir(path.join(empty, "config"));
    const none = await run(["nightly", "--list-cohorts"], empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^oss-showdown: config: no cohort files here/);
  });

  it("publishes a front page listing every cohort with its podium, linked to its report, in the report's style", async () => {
    const { work } = await project("none");
    await writeFile(path.join(work, "config", "second.yaml"), COHORT.replace("cohort: mini", "cohort: second").replace("description: Two projects.", "description: The same two, again."));
    const result = await nightly(work, ["--as-of", AS_OF]);
    expect(result.code, result.stderr).toBe(0);
    const page = await readFile(path.join(work, "nightly-out", "report", "index.html"), "utf8");
    for (const [cohort, description] of [["mini", "Two projects."], ["second", "The same two, again."]]) {
      expect(existsSync(path.join(work, "nightly-out", "report", cohort!, "index.html"))).toBe(true);
      const section = page.match(new RegExp(`<section id="cohort-${cohort}">[\\s\\S]*?</section>`))![0];
      expect(section).toContain(`<h2>${cohort}</h2>`);
      expect(section).toContain(description);
      expect(section).toContain("As of 2026-11-19 · 2 projects · 1 snapshot");
      // The podium: Alpha first, Beta second (sponsor 2 against 1, more of every figure).
      expect(section).toMatch(/<div class="place place-1"[^>]*><div class="who">Alpha<\/div><div class="score">\d\.\d{3} · Tier \d<\/div>/);
      expect(section).toMatch(/<div class="place place-2"[^>]*><div class="who">Beta<\/div>/);
      expect(section).toContain(`<a href="${cohort}/"><strong>The full report of ${cohort}`);
    }
    expect(page).toContain('<nav aria-label="Sections"><a href="#cohort-mini">mini</a><a href="#cohort-second">second</a></nav>');
    expect(page).toContain("<style>"); // styled like the reports, and as self-contained
    expect(page).not.toMatch(/<script|\bsrc=/i);
  });

  it("without --commit, collects, writes the summary, the CSV and the report, and touches no repository", async () => {
    const { dir, work } = await project("none");
    const stepSummary = path.join(dir, "step-summary.md");
    await writeFile(stepSummary, "earlier step\n");
    const result = await nightly(work, ["--as-of", AS_OF], { GITHUB_STEP_SUMMARY: stepSummary });
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(existsSync(path.join(work, FILE))).toBe(true);
    const summary = await readFile(path.join(work, "nightly-out", "summary.md"), "utf8");
    expect(summary).toContain("Not committed (run without --commit).");
    expect(await readFile(stepSummary, "utf8")).toBe(`earlier step\n${summary}`);
    expect(await readdir(path.join(work, "nightly-out", "csv", "mini"))).toEqual(["history.csv", "latest.csv"]);
    expect(existsSync(path.join(work, "nightly-out", "report", "mini", "index.html"))).toBe(true);
    expect(summary).toContain("CSV export: `mini/latest.csv`, `mini/history.csv`.");
    expect(summary).toContain("HTML report: `mini`.");
    // The snapshot holds facts only; the summary's scoreboard is scored from the config.
    const text = await readFile(path.join(work, FILE), "utf8");
    expect(Snapshot.parse(JSON.parse(text)).schemaVersion).toBe(2);
    expect(text).not.toMatch(/"(rubric|ratings|scores)"/);
    expect(summary).toMatch(/^\| 1 \|  \| Alpha \| 1 \| \d\.\d{3} \|  \|$/m);
    expect(summary).toContain("First snapshot of this cohort: nothing to compare with.");
  });

  it("diffs against the previous snapshot, a schema 1 one too, scored under today's config", async () => {
    const { work } = await project("none");
    expect((await nightly(work, ["--as-of", "2026-11-18T05:17:00.000Z"])).code).toBe(0);
    // Make the first night's file what an older oss-showdown wrote: schema 1, with its day's derived parts.
    const first = path.join(work, "snapshots/mini/2026-11-18.json");
    const facts = JSON.parse(await readFile(first, "utf8")) as Record<string, unknown> & { projects: Record<string, unknown>[] };
    const v1 = { ...facts, schemaVersion: 1, rubric: { version: 0, name: "old" }, projects: facts.projects.map((p) => ({ ...p, ratings: { sponsor: 0 }, scores: { rank: 9 } })) };
    await writeFile(first, JSON.stringify(v1, null, 2) + "\n");
    // Today's config rates alpha differently from the day it was collected.
    const cohortFile = path.join(work, "config", "mini.yaml");
    await writeFile(cohortFile, (await readFile(cohortFile, "utf8")).replace("sponsor: 2", "sponsor: 0"));

    const result = await nightly(work, ["--as-of", AS_OF]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await readFile(path.join(work, "nightly-out", "summary.md"), "utf8");
    expect(summary).toContain("compared with 2026-11-18.");
    expect(summary).toContain("What changed");
    expect(summary).toContain("### Showdown diff");
    // Both days scored under the same (today's) ratings: the moves are the figures', not the config's.
    expect(summary).toMatch(/^\| \d \| – \| Alpha \|/m);
    expect(summary).toMatch(/^\| \d \| – \| Beta \|/m);
    // The older file is read, never rewritten.
    expect(await readFile(first, "utf8")).toBe(JSON.stringify(v1, null, 2) + "\n");
  });

  it("says why there is no diff when the previous snapshot is damaged, and still succeeds", async () => {
    const { work } = await project("none");
    await mkdir(path.join(work, "snapshots", "mini"), { recursive: true });
    await writeFile(path.join(work, "snapshots/mini/2026-11-18.json"), '{"schemaVersion": 2, "cohort": "mi');
    const result = await nightly(work, ["--as-of", AS_OF]);
    expect(result.code, result.stderr).toBe(0);
    const summary = await readFile(path.join(work, "nightly-out", "summary.md"), "utf8");
    expect(summary).toMatch(/^_The diff against 2026-11-18 could not be made: snapshots\/mini\/2026-11-18\.json: invalid JSON \(truncated or damaged\?\)/m);
    expect(existsSync(path.join(work, FILE))).toBe(true);
  });

  it("takes --as-of and the threshold from the environment, and names a bad one", async () => {
    const { work } = await project("none");
    const ok = await nightly(work, [], { SHOWDOWN_AS_OF: "2026-11-18", SHOWDOWN_MAX_MISSING: "5%" });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("as of 2026-11-18T00:00:00.000Z; missing figures allowed up to 5%");
    expect(existsSync(path.join(work, "snapshots/mini/2026-11-18.json"))).toBe(true);
    const badEnv = await nightly(work, [], { SHOWDOWN_MAX_MISSING: "lots" });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/^oss-showdown: SHOWDOWN_MAX_MISSING: expected a share of missing figures from 0 to 1/m);
    const badFlag = await nightly(work, ["--max-missing", "2"], { SHOWDOWN_MAX_MISSING: "0.1" });
    expect(badFlag.stderr).toMatch(/^oss-showdown: --max-missing: expected a share/m);
  });

  it("refuses --commit outside a git repository before fetching anything", async () => {
    const { work } = await project("none");
    const result = await nightly(work, ["--commit", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--commit: .* is not in a git repository/);
    expect(replica!.requests).toHaveLength(0);
  });

  it("commits without pushing when there is no remote", async () => {
    const { work } = await project("local");
    const result = await nightly(work, ["--push", "--as-of", AS_OF]);
    expect(result.code, result.stderr).toBe(0);
    expect(await git(["log", "-1", "--format=%s|%an", "main"], work)).toBe("snapshot: 2026-11-19 (first snapshot)|github-actions[bot]\n");
    expect(result.stderr).toContain("no remote origin; not pushed");
    expect(await readFile(path.join(work, "nightly-out", "summary.md"), "utf8")).toContain("no remote origin, so not pushed.");
  });

  it("gives up after --push-attempts when the remote refuses every push, keeping the commit and saving the snapshots", async () => {
    const { work, origin } = await project("origin");
    const hook = path.join(origin!, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const outputs = path.join(work, "..", "outputs");
    await writeFile(outputs, "");
    const result = await nightly(work, ["--push", "--push-attempts", "2", "--as-of", AS_OF], { GITHUB_OUTPUT: outputs });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/push to origin\/main refused/g)).toHaveLength(2);
    expect(result.stderr).not.toContain("ghp_cliTestToken");
    expect(result.stdout).toMatch(/^::error title=Snapshot not pushed::could not push to origin\/main after 2 attempts: .*pre-receive hook declined/m);
    expect(await git(["log", "-1", "--format=%s", "main"], work)).toBe("snapshot: 2026-11-19 (first snapshot)\n");
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");
    expect(await readFile(outputs, "utf8")).toMatch(/^committed=true$[\s\S]*^pushed=false$/m);
    // The night is not lost: the snapshot is saved for the workflow's artifact, and the summary says where.
    expect(await readFile(path.join(work, "nightly-out", "unpushed", "mini", "2026-11-19.json"), "utf8")).toBe(await readFile(path.join(work, FILE), "utf8"));
    expect(await readFile(path.join(work, "nightly-out", "summary.md"), "utf8")).toContain("**The snapshots were not pushed**: they are saved in `nightly-out/unpushed/` and uploaded as the artifact `showdown-snapshots`");
  });

  it("stops, with the rebase aborted, when the branch moved with a conflicting snapshot", async () => {
    const { dir, work, origin } = await project("origin");
    const other = path.join(dir, "other");
    await git(["clone", "--quiet", origin!, other], dir);
    await mkdir(path.join(other, "snapshots", "mini"), { recursive: true });
    await writeFile(path.join(other, FILE), "{}\n");
    await git(["add", "."], other);
    await git(["commit", "--quiet", "-m", "someone else's snapshot"], other);
    await git(["push", "--quiet", "origin", "main"], other);

    const result = await nightly(work, ["--push", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=Snapshot not pushed::could not rebase onto origin\/main: /m);
    expect(existsSync(path.join(work, ".git", "rebase-merge")) || existsSync(path.join(work, ".git", "rebase-apply"))).toBe(false);
    expect(await git(["log", "-1", "--format=%s", "main"], work)).toBe("snapshot: 2026-11-19 (first snapshot)\n");
    expect(await git(["log", "-1", "--format=%s", "main"], origin!)).toBe("someone else's snapshot\n");
  });

  it("does not collect a cohort a collect run holds the lock of: one line naming it, nothing written", async () => {
    const { work } = await project("none");
    await mkdir(path.join(work, ".cache", "locks"), { recursive: true });
    await writeFile(path.join(work, ".cache", "locks", "mini.lock"), JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: "2026-11-19T05:00:00.000Z" }));
    const result = await nightly(work, ["--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`::error title=mini%3A not collected::mini is being collected by pid ${process.pid} on ${os.hostname()} since 2026-11-19T05:00:00.000Z`);
    expect(existsSync(path.join(work, FILE))).toBe(false);
    expect(replica?.requests ?? []).toEqual([]);
  });

  it("commits the cohorts it could collect and fails for the one it could not", async () => {
    const { work } = await project("local");
    await writeFile(path.join(work, "config", "broken.yaml"), "cohort: broken\nprojects: [\n");
    const result = await nightly(work, ["--commit", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=broken%3A not collected::config\/broken\.yaml: invalid YAML/m);
    const message = await git(["log", "-1", "--format=%B", "main"], work);
    expect(message).toMatch(/^snapshot: 2026-11-19 \(first snapshot\)\n\nmini: 2 projects, first snapshot, 0 of 18 figures missing\nbroken: not collected \(config\/broken\.yaml: invalid YAML/);
    expect(await git(["show", "--name-only", "--format=", "HEAD"], work)).toBe(`${FILE}\n`);
  });

  it("refuses a detached HEAD with --push before collecting anything (GITHUB_REF_NAME unset)", async () => {
    const { work, origin } = await project("origin");
    await git(["checkout", "--quiet", "--detach"], work);
    const result = await nightly(work, ["--push", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("oss-showdown: --push: HEAD is detached and GITHUB_REF_NAME names no branch, so nothing could be pushed; check out a branch, or pass --data-branch NAME; see 'oss-showdown nightly --help'\n");
    expect(replica!.requests).toHaveLength(0);
    expect(existsSync(path.join(work, "snapshots"))).toBe(false);
    expect(await git(["log", "--format=%s", "HEAD"], work)).toBe("config\n");
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");
  });

  it("never lets a branch name from the environment reach git as an option (--upload-pack)", async () => {
    const { dir, work, origin } = await project("origin");
    await git(["checkout", "--quiet", "--detach"], work);
    const pwned = path.join(dir, "pwned");
    // A branch name git would read as an option, were it not checked: it runs a command.
    const result = await nightly(work, ["--push", "--push-attempts", "2", "--as-of", AS_OF], {
      GITHUB_REF_TYPE: "branch",
      GITHUB_REF_NAME: `--upload-pack=touch ${pwned};false`,
    });
    expect(existsSync(pwned)).toBe(false); // on the main of 2026-12-07 05:00 UTC, git ran the command
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oss-showdown: --push: cannot push to branch "--upload-pack=touch .*" \(HEAD or GITHUB_REF_NAME\): it starts with '-', which git would read as an option; see 'oss-showdown nightly --help'\n$/);
    expect(replica!.requests).toHaveLength(0);
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");
    // Names git's own rules refuse are refused too.
    const spaced = await nightly(work, ["--push", "--as-of", AS_OF], { GITHUB_REF_TYPE: "branch", GITHUB_REF_NAME: "a..b" });
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toContain('cannot push to branch "a..b" (HEAD or GITHUB_REF_NAME): git check-ref-format refuses it as a branch name');
    expect(replica!.requests).toHaveLength(0);
  });

  it("refuses a cohort that is not in config/ and a data branch git would not accept: one line, exit 1, nothing fetched or pushed", async () => {
    const { work, origin } = await project("origin");
    for (const [args, env, line] of [
      [[], { SHOWDOWN_COHORTS: "mini, nope" }, `oss-showdown: SHOWDOWN_COHORTS: "nope" is not a cohort of config (cohorts: mini); see 'oss-showdown nightly --help'\n`],
      [["--cohort", "../mini"], {}, `oss-showdown: --cohort: "../mini" is not a cohort of config (cohorts: mini); see 'oss-showdown nightly --help'\n`],
      [["--data-branch=-f"], {}, `oss-showdown: --data-branch "-f": not a branch name git accepts (it starts with '-', which git would read as an option); see 'oss-showdown nightly --help'\n`],
      [[], { SHOWDOWN_DATA_BRANCH: "data:x" }, `oss-showdown: --data-branch "data:x": not a branch name git accepts (git check-ref-format refuses it as a branch name); see 'oss-showdown nightly --help'\n`],
    ] as const) {
      const result = await nightly(work, ["--push", "--as-of", AS_OF, ...args], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(line);
    }
    expect(replica!.requests).toHaveLength(0);
    expect(existsSync(path.join(work, "snapshots"))).toBe(false);
    expect(await git(["for-each-ref", "--format=%(refname)"], origin!)).toBe("refs/heads/main\n");
  });

  it("collects only the cohorts SHOWDOWN_COHORTS names", async () => {
    const { work } = await project("none");
    await writeFile(path.join(work, "config", "another.yaml"), COHORT.replace("cohort: mini", "cohort: another"));
    const result = await nightly(work, ["--as-of", AS_OF], { SHOWDOWN_COHORTS: "another" });
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(path.join(work, "snapshots"))).toEqual(["another"]);
  });
});

describe("oss-showdown nightly --data-branch, --pull-request", () => {
  /** A main that refuses every push, as a protected branch does; other branches are accepted. */
  async function protect(origin: string) {
    const hook = path.join(origin, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/main ]; then echo 'main is protected' >&2; exit 1; fi\ndone\n");
    await chmod(hook, 0o755);
  }
  const NEXT = "2026-11-20T05:17:00.000Z";

  /**
   * GitHub's refusal of a large file, as its pre-receive check words it: a push that brings a blob
   * over `limit` bytes is refused (https://docs.github.com/en/repositories/working-with-files/managing-large-files/about-large-files-on-github).
   */
  async function refuseLargeFiles(origin: string, limit: number) {
    const hook = path.join(origin, "hooks", "pre-receive");
    await writeFile(
      hook,
      "#!/bin/sh\nwhile read old new ref; do\n" +
        '  if [ "$old" = 0000000000000000000000000000000000000000 ]; then range="$new"; else range="$old..$new"; fi\n' +
        `  big=$(git rev-list --objects "$range" | git cat-file --batch-check='%(objecttype) %(objectsize) %(rest)' | awk '$1 == "blob" && $2 > ${limit} { print $3 " is " $2 " bytes" }')\n` +
        '  if [ -n "$big" ]; then echo "error: GH001: Large files detected. File $big; this exceeds the file size limit" >&2; exit 1; fi\n' +
        "done\n",
    );
    await chmod(hook, 0o755);
  }

  it("leaves an export larger than a file may be off the data branch (yesterday's copy too), so the push is not refused", async () => {
    const { work, origin } = await project("origin");
    const first = await nightly(work, ["--push", "--data-branch", "data", "--as-of", AS_OF]);
    expect(first.code, first.stderr).toBe(0);
    expect((await git(["ls-tree", "-r", "--name-only", "data"], origin!)).split("\n").filter(Boolean)).toEqual(["csv/mini/history.csv", "csv/mini/latest.csv", FILE]);
    // A limit the first night's history.csv just reaches: the second night's (two nights) is over it,
    // its latest.csv and snapshot are not.
    const size = async (f: string) => (await stat(path.join(work, "nightly-out", f))).size;
    const limit = await size("csv/mini/history.csv");
    expect(Math.max(await size("csv/mini/latest.csv"), await size(`data/${FILE}`))).toBeLessThan(limit);
    await refuseLargeFiles(origin!, limit);

    // Without the limit the push is refused, as GitHub would refuse it: nothing lands.
    const refused = await nightly(work, ["--push", "--push-attempts", "1", "--data-branch", "data", "--as-of", "2026-11-20T05:17:00.000Z"], { SHOWDOWN_MAX_FILE_BYTES: String(100 * 1024 * 1024) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("GH001: Large files detected");
    expect(await git(["log", "--format=%s", "data"], origin!)).toBe("snapshot: 2026-11-19 (first snapshot)\n");

    // With it: history.csv leaves the branch, the rest lands, and the run says so.
    const second = await nightly(work, ["--push", "--data-branch", "data", "--as-of", "2026-11-20T05:17:00.000Z"], { SHOWDOWN_MAX_FILE_BYTES: String(limit) });
    expect(second.code, second.stderr).toBe(0);
    expect((await git(["ls-tree", "-r", "--name-only", "data"], origin!)).split("\n").filter(Boolean)).toEqual(["csv/mini/latest.csv", FILE, "snapshots/mini/2026-11-20.json"]);
    expect((await git(["show", "data:csv/mini/latest.csv"], origin!)).split("\n")[1]).toMatch(/^2026-11-20,/);
    expect(second.stdout).toMatch(/^::warning title=mini%3A history\.csv left off the data branch::csv\/mini\/history\.csv is \d+ bytes, more than the \d+ bytes a file may take on the data branch/m);
    expect(await readFile(path.join(work, "nightly-out", "summary.md"), "utf8")).toContain("(but `csv/mini/history.csv`: too large for it)");
    // It is still written for the artifact, whole.
    const text = await readFile(path.join(work, "nightly-out", "csv", "mini", "history.csv"), "utf8");
    expect(new Set(text.split("\n").slice(1).filter(Boolean).map((l) => l.split(",")[0]))).toEqual(new Set(["2026-11-19", "2026-11-20"]));
  });

  it("creates an orphan branch on the first night and adds to it the next, never touching main", async () => {
    const { dir, work, origin } = await project("origin");
    await protect(origin!);
    const outputs = path.join(dir, "outputs");
    await writeFile(outputs, "");
    const first = await nightly(work, ["--push", "--data-branch", "showdown-data", "--as-of", AS_OF], { GITHUB_OUTPUT: outputs });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("nightly: data branch showdown-data: not there yet; the first commit creates it");
    const tip1 = (await git(["rev-parse", "showdown-data"], origin!)).trim();
    // An orphan: one commit, no parent, holding the snapshot and the two CSV files only.
    expect(await git(["rev-list", "--parents", "showdown-data"], origin!)).toBe(`${tip1}\n`);
    expect((await git(["ls-tree", "-r", "--name-only", "showdown-data"], origin!)).split("\n").filter(Boolean)).toEqual(["csv/mini/history.csv", "csv/mini/latest.csv", FILE]);
    expect(await git(["log", "-1", "--format=%s|%an", "showdown-data"], origin!)).toBe("snapshot: 2026-11-19 (first snapshot)|github-actions[bot]\n");
    // main, the checkout's HEAD, index and working tree are as they were.
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");
    expect(await git(["log", "--format=%s", "HEAD"], work)).toBe("config\n");
    expect(await git(["status", "--porcelain"], work)).toBe("");
    expect(existsSync(path.join(work, "snapshots"))).toBe(false);
    const out = await readFile(outputs, "utf8");
    expect(out).toMatch(/^pushed=true$/m);
    expect(out).toMatch(/^changed=true$/m);
    expect(out).toContain(`snapshot-paths=nightly-out/data/${FILE}\n`);

    // Someone adds a file to the branch meanwhile: the next night builds on it (no force push).
    const other = path.join(dir, "other");
    await git(["clone", "--quiet", "--branch", "showdown-data", origin!, other], dir);
    await writeFile(path.join(other, "NOTES.md"), "notes\n");
    await git(["add", "NOTES.md"], other);
    await git(["commit", "--quiet", "-m", "notes"], other);
    await git(["push", "--quiet", "origin", "showdown-data"], other);
    const tip2 = (await git(["rev-parse", "showdown-data"], origin!)).trim();

    const second = await nightly(work, ["--push", "--as-of", NEXT], { SHOWDOWN_DATA_BRANCH: "showdown-data" });
    expect(second.code, second.stderr).toBe(0);
    expect(await git(["log", "--format=%s", "showdown-data"], origin!)).toBe("snapshot: 2026-11-20 (0 rank changes)\nnotes\nsnapshot: 2026-11-19 (first snapshot)\n");
    expect((await git(["rev-parse", "showdown-data~1"], origin!)).trim()).toBe(tip2);
    const files = (await git(["ls-tree", "-r", "--name-only", "showdown-data"], origin!)).split("\n").filter(Boolean);
    expect(files).toEqual(["NOTES.md", "csv/mini/history.csv", "csv/mini/latest.csv", FILE, "snapshots/mini/2026-11-20.json"]);
    // history.csv holds both nights, latest.csv the second.
    const history = await git(["show", "showdown-data:csv/mini/history.csv"], origin!);
    expect(new Set(history.split("\n").slice(1).filter(Boolean).map((l) => l.split(",")[0]))).toEqual(new Set(["2026-11-19", "2026-11-20"]));
    expect((await git(["show", "showdown-data:csv/mini/latest.csv"], origin!)).split("\n")[1]).toMatch(/^2026-11-20,/);
    // The diff was against the first night's snapshot, read from the branch.
    expect(await readFile(path.join(work, "nightly-out", "summary.md"), "utf8")).toContain("2026-11-19");
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");

    // The same figures again: nothing committed.
    const again = await nightly(work, ["--push", "--as-of", NEXT], { SHOWDOWN_DATA_BRANCH: "showdown-data" });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("same figures as the committed snapshots/mini/2026-11-20.json");
    expect(await git(["rev-list", "--count", "showdown-data"], origin!)).toBe("3\n");
  });

  it("without a remote, commits to the local branch; a refused push saves the snapshots and fails", async () => {
    const local = await project("local");
    const result = await nightly(local.work, ["--commit", "--data-branch", "data", "--as-of", AS_OF]);
    expect(result.code, result.stderr).toBe(0);
    expect(await git(["log", "--format=%s", "data"], local.work)).toBe("snapshot: 2026-11-19 (first snapshot)\n");
    expect(await git(["log", "--format=%s", "main"], local.work)).toBe("config\n");

    const { work, origin } = await project("origin");
    const hook = path.join(origin!, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n");
    await chmod(hook, 0o755);
    const refused = await nightly(work, ["--push", "--push-attempts", "1", "--data-branch", "data", "--as-of", AS_OF]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^::error title=Snapshot not pushed::could not push to origin\/data after 1 attempt: /m);
    expect(existsSync(path.join(work, "nightly-out", "unpushed", "mini", "2026-11-19.json"))).toBe(true);
    expect(await git(["for-each-ref", "--format=%(refname)"], origin!)).toBe("refs/heads/main\n");
  });
  it("stops, never overwriting, when the same day's snapshot reached the data branch while it collected", async () => {
    const { dir, work, origin } = await project("origin");
    // The branch exists; while the night fetches, another run pushes the same day's snapshot to it.
    const other = path.join(dir, "other");
    await git(["init", "--quiet", other], dir);
    await writeFile(path.join(other, "README.md"), "data\n");
    await git(["add", "."], other);
    await git(["commit", "--quiet", "-m", "start"], other);
    await git(["push", "--quiet", origin!, "HEAD:refs/heads/data"], other);
    await mkdir(path.join(other, "snapshots", "mini"), { recursive: true });
    await writeFile(path.join(other, FILE), "{}\n");
    await git(["add", "."], other);
    await git(["commit", "--quiet", "-m", "someone else's night"], other);
    let pushed = false;
    replica = await startReplica(DATA, {
      onRequest: () => {
        if (pushed) return;
        pushed = true;
        // Synchronously: the branch has moved before the night's first answer arrives.
        execFileSync("git", ["push", "--quiet", origin!, "HEAD:refs/heads/data"], { cwd: other });
      },
    });
    const result = await nightly(work, ["--push", "--data-branch", "data", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error title=Snapshot not pushed::origin\/data moved meanwhile with another snapshots\/mini\/2026-11-19\.json; not pushed over it$/m);
    expect(await git(["log", "--format=%s", "data"], origin!)).toBe("someone else's night\nstart\n");
    expect(await git(["show", `data:${FILE}`], origin!)).toBe("{}\n");
    expect(existsSync(path.join(work, "nightly-out", "unpushed", "mini", "2026-11-19.json"))).toBe(true);
  });
  it("--pull-request: a new branch for the night and a pull request into main, which stays protected", async () => {
    const { dir, work, origin } = await project("origin");
    await protect(origin!);
    const outputs = path.join(dir, "outputs");
    await writeFile(outputs, "");
    const result = await nightly(work, ["--pull-request", "--as-of", AS_OF], { GITHUB_REPOSITORY: "acme/cohorts", GITHUB_OUTPUT: outputs });
    expect(result.code, result.stderr).toBe(0);
    const [branch, ...more] = (await git(["for-each-ref", "--format=%(refname:short)", "refs/heads/showdown/"], origin!)).split("\n").filter(Boolean);
    expect(more).toEqual([]);
    expect(branch).toMatch(/^showdown\/snapshot-2026-11-19-[0-9a-f]{7}$/);
    expect(await git(["log", "--format=%s", branch!], origin!)).toBe("snapshot: 2026-11-19 (first snapshot)\nconfig\n");
    expect(await git(["log", "--format=%s", "main"], origin!)).toBe("config\n");
    // The pull request, asked with the token, from that branch into main, titled as the commit.
    expect(replica!.pulls).toEqual([{ number: 1, repository: "acme/cohorts", title: "snapshot: 2026-11-19 (first snapshot)", head: branch, base: "main", body: expect.stringContaining("mini: 2 projects") }]);
    const post = replica!.requests.find((r) => r.route === "POST /repos/{owner}/{repo}/pulls")!;
    expect(post.authorization).toBe("Bearer ghp_cliTestToken0123456789");
    expect(await readFile(outputs, "utf8")).toContain("pull-request=https://github.com/acme/cohorts/pull/1\n");
    expect(await readFile(path.join(work, "nightly-out", "summary.md"), "utf8")).toContain(`opened pull request [#1](https://github.com/acme/cohorts/pull/1) into main.`);

    // Without a repository to ask, or with a data branch too: refused before anything is fetched.
    const requests = replica!.requests.length;
    const none = await nightly(work, ["--pull-request", "--as-of", AS_OF]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`oss-showdown: --pull-request: GITHUB_REPOSITORY must name the repository as owner/name (GitHub Actions sets it), got ""; see 'oss-showdown nightly --help'\n`);
    const both = await nightly(work, ["--pull-request", "--data-branch", "data", "--as-of", AS_OF], { GITHUB_REPOSITORY: "acme/cohorts" });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^oss-showdown: --pull-request and --data-branch go separately/);
    expect(replica!.requests.length).toBe(requests);
  });
});

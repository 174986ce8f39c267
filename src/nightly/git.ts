/**
 * The git side of the nightly run, through the git executable: find the repository, tell whether a
 * snapshot changed since HEAD, commit with the bot identity, push with a bounded rebase-and-retry.
 */
import { execFile } from "node:child_process";
import { realpath } from "node:fs/promises";
import path from "node:path";

/** The identity GitHub shows as github-actions[bot] (its user id is 41898282). */
export const BOT_IDENTITY = { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Git {
  /** Runs git in the repository; `env` adds variables (e.g. GIT_INDEX_FILE) to the job's. */
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<GitResult>;
  /** The repository's top folder (real path). */
  root: string;
  /** The environment git runs with (for redacting its output). */
  env: NodeJS.ProcessEnv;
}

const TIMEOUT_MS = 5 * 60_000;

/** Hides credentials that git may echo: tokens from the environment and user:password@ in URLs. */
export function redact(text: string, env: NodeJS.ProcessEnv): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, "$1***@");
  for (const name of ["GITHUB_TOKEN", "GH_TOKEN", "SHOWDOWN_TOKEN"]) {
    const secret = env[name];
    if (secret && secret.length >= 8) out = out.split(secret).join("***");
  }
  return out;
}

function exec(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      // Never wait for a password prompt: an unattended run fails instead.
      { cwd, env: { ...env, GIT_TERMINAL_PROMPT: "0" }, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = e ? (typeof e.code === "number" ? e.code : e.code === "ENOENT" ? 127 : 1) : 0;
        resolve({ code, stdout, stderr: e?.code === "ENOENT" ? "git: command not found" : redact(stderr, env) });
      },
    );
  });
}

/** The repository `cwd` is in, or undefined when it is in none (or git is missing). */
export async function openRepository(cwd: string, env: NodeJS.ProcessEnv): Promise<Git | undefined> {
  const top = await exec(["rev-parse", "--show-toplevel"], cwd, env);
  if (top.code !== 0) return undefined;
  const root = await realpath(top.stdout.trim());
  return { root, env, run: (args, extra) => exec(args, root, extra ? { ...env, ...extra } : env) };
}

/**
 * Why `name` cannot be a branch to push to, or undefined when it can: git's own rules (`git
 * check-ref-format`), and no leading "-", which git would read as an option.
 */
export async function badBranchName(name: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (name.startsWith("-")) return "it starts with '-', which git would read as an option";
  // "refs/heads/..." cannot be read as an option (and check-ref-format takes no "--").
  const check = await exec(["check-ref-format", `refs/heads/${name}`], cwd, env);
  if (check.code === 127) return "git is not installed";
  return check.code === 0 ? undefined : "git check-ref-format refuses it as a branch name";
}

/** Why `name` cannot be a remote to push to, or undefined: a leading "-" would be read as an option. */
export function badRemoteName(name: string): string | undefined {
  return name === "" || name.startsWith("-") ? "a remote's name cannot be empty or start with '-'" : undefined;
}

/** `file` relative to the repository, with forward slashes, as git names it. */
export async function repoPath(git: Git, file: string): Promise<string> {
  const real = await realpath(file).catch(() => path.resolve(file));
  return path.relative(git.root, real).split(path.sep).join("/");
}

/** The line of git's output that says what went wrong (not its hints), else its last lines. */
export function reason(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  // The server's own lines too ("remote: error: GH001: Large files detected. ...").
  const telling = lines.filter((l) => /\[(remote )?rejected\]|^(remote: )?(error|fatal):|CONFLICT/.test(l) && !l.startsWith("hint:"));
  return (telling.length > 0 ? telling : lines.slice(-2)).join(" / ").replace(/^!\s+/, "");
}

/**
 * True when the snapshot at `rel` differs from HEAD's in anything but when it was generated and the
 * request counts, i.e. when committing it records something new. A file HEAD lacks has changed.
 */
export async function snapshotChanged(git: Git, rel: string, text: string, rev = "HEAD"): Promise<boolean> {
  const head = await git.run(["show", `${rev}:${rel}`, "--"]);
  if (head.code !== 0) return true;
  const strip = (t: string) => {
    try {
      const { generatedAt: _g, requests: _r, ...rest } = JSON.parse(t) as Record<string, unknown>;
      return JSON.stringify(rest);
    } catch {
      return t;
    }
  };
  return strip(head.stdout) !== strip(text);
}

/** Puts a file back as HEAD has it (an unchanged rerun), so that a later rebase finds a clean tree. */
export async function restore(git: Git, rel: string): Promise<void> {
  await git.run(["checkout", "HEAD", "--", rel]);
}

const identityArgs = (id: { name: string; email: string }) => ["-c", `user.name=${id.name}`, "-c", `user.email=${id.email}`];

/** Commits exactly `files` (other staged changes stay out) with the bot identity; returns the commit's SHA. */
export async function commitFiles(git: Git, files: string[], message: string, identity = BOT_IDENTITY): Promise<string> {
  const add = await git.run(["add", "--", ...files]);
  if (add.code !== 0) throw new Error(`git add failed: ${reason(add.stderr)}`);
  const commit = await git.run([...identityArgs(identity), "commit", "--quiet", "--no-verify", "-m", message, "--", ...files]);
  if (commit.code !== 0) throw new Error(`git commit failed: ${reason(commit.stderr + "\n" + commit.stdout)}`);
  return (await git.run(["rev-parse", "HEAD"])).stdout.trim();
}

/** The branch to push: the checked-out one, else the one the Actions run is for. */
export async function currentBranch(git: Git, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const head = await git.run(["symbolic-ref", "--quiet", "--short", "--", "HEAD"]);
  if (head.code === 0 && head.stdout.trim()) return head.stdout.trim();
  if (env.GITHUB_REF_TYPE === "branch" && env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
  return undefined;
}

export async function hasRemote(git: Git, remote: string): Promise<boolean> {
  const remotes = await git.run(["remote"]);
  return remotes.code === 0 && remotes.stdout.split("\n").map((r) => r.trim()).includes(remote);
}

export interface PushOptions {
  remote: string;
  branch: string;
  /** Pushes tried in all, at least 1. */
  attempts: number;
  /** Wait before the rebase after the first failed push; doubled after each. */
  backoffMs: number;
  log(line: string): void;
  identity?: { name: string; email: string };
  sleep?: (ms: number) => Promise<void>;
}

export interface PushResult {
  pushed: boolean;
  attempts: number;
  /** The pushed commit (after any rebase). */
  sha?: string;
  error?: string;
}

/**
 * Pushes HEAD to remote/branch. When the push is refused (the branch moved since checkout), pulls with
 * --rebase and pushes again, up to `attempts` pushes. A rebase that conflicts is aborted, leaving the
 * local commit as it was, and the push is given up.
 */
export async function pushWithRetry(git: Git, options: PushOptions): Promise<PushResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const target = `${options.remote}/${options.branch}`;
  for (let attempt = 1; ; attempt++) {
    const push = await git.run(["push", "--porcelain", "--", options.remote, `HEAD:refs/heads/${options.branch}`]);
    if (push.code === 0) return { pushed: true, attempts: attempt, sha: (await git.run(["rev-parse", "HEAD"])).stdout.trim() };
    const why = redact(reason(`${push.stdout}\n${push.stderr}`), git.env);
    options.log(`push to ${target} refused (attempt ${attempt} of ${options.attempts}): ${why}`);
    if (attempt >= options.attempts) return { pushed: false, attempts: attempt, error: `could not push to ${target} after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${why}` };
    await sleep(options.backoffMs * 2 ** (attempt - 1));
    const pull = await git.run([...identityArgs(options.identity ?? BOT_IDENTITY), "pull", "--rebase", "--quiet", "--", options.remote, options.branch]);
    if (pull.code !== 0) {
      await git.run(["rebase", "--abort"]);
      return { pushed: false, attempts: attempt, error: `could not rebase onto ${target}: ${redact(reason(`${pull.stdout}\n${pull.stderr}`), git.env)}` };
    }
    options.log(`rebased onto ${target}; pushing again`);
  }
}

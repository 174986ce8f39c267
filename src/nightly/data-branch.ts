/**
 * The data branch (`nightly --data-branch NAME`): snapshots and exports committed to a branch of their
 * own, an orphan created by the first run, so that the checked-out branch (a protected main) is never
 * written to, as github-repo-stats keeps its data. Works through git's plumbing with a private index
 * file: the checkout's working tree, index and HEAD are left as they are. Never force-pushes: a push
 * refused because the branch moved is made again on the new tip, unless a snapshot we write changed
 * there too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BOT_IDENTITY, reason, redact, type Git } from "./git.js";

export interface DataBranch {
  git: Git;
  branch: string;
  /** Fetched from and pushed to; undefined: the local branch only (commit without push). */
  remote?: string;
  /** The commit the next one builds on; undefined while the branch does not exist. */
  tip?: string;
}

const firstLine = (text: string) => text.split("\n").map((l) => l.trim()).find((l) => /^(fatal|error):/.test(l)) ?? text.trim().split("\n").at(-1) ?? "";

/** The branch's tip on the remote (fetched), or undefined when the remote has no such branch. */
async function remoteTip(git: Git, remote: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const listed = await git.run(["ls-remote", "--heads", "--", remote, ref]);
  if (listed.code !== 0) throw new Error(`could not read ${remote}: ${redact(firstLine(listed.stderr), git.env)}`);
  if (!listed.stdout.split("\n").some((l) => l.endsWith(`\t${ref}`))) return undefined;
  const fetched = await git.run(["fetch", "--quiet", "--no-tags", "--", remote, ref]);
  if (fetched.code !== 0) throw new Error(`could not fetch ${ref} from ${remote}: ${redact(firstLine(fetched.stderr), git.env)}`);
  return (await git.run(["rev-parse", "--verify", "FETCH_HEAD^{commit}"])).stdout.trim();
}

async function localTip(git: Git, branch: string): Promise<string | undefined> {
  const r = await git.run(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Finds the branch's tip: the remote's when pushing there, else the local branch's. */
export async function openDataBranch(git: Git, branch: string, remote: string | undefined): Promise<DataBranch> {
  const tip = remote === undefined ? await localTip(git, branch) : await remoteTip(git, remote, branch);
  return { git, branch, remote, tip };
}

/** Runs `work` with a private index file, removed afterwards. */
async function withIndex<T>(work: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-index-"));
  try {
    return await work({ GIT_INDEX_FILE: path.join(dir, "index") });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function must(git: Git, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<string> {
  const r = await git.run(args, env);
  if (r.code !== 0) throw new Error(`${what} failed: ${redact(firstLine(r.stderr), git.env)}`);
  return r.stdout;
}

/** Writes the tip's files into `dir` (an empty or missing folder); nothing when the branch does not exist yet. */
export async function checkOutData(data: DataBranch, dir: string): Promise<void> {
  if (!data.tip) return;
  const tip = data.tip;
  await withIndex(async (env) => {
    await must(data.git, ["read-tree", tip], env, "git read-tree");
    await must(data.git, ["checkout-index", "--all", "--force", `--prefix=${dir}${path.sep}`], env, "git checkout-index");
  });
}

/**
 * A commit of the branch: `files` (paths relative to `dir`) as they are in `dir`, on top of `parent`,
 * without `removed` (paths the parent may have).
 */
async function makeCommit(data: DataBranch, parent: string | undefined, dir: string, files: readonly string[], removed: readonly string[], message: string): Promise<string | undefined> {
  const { git } = data;
  return withIndex(async (env) => {
    await must(git, parent ? ["read-tree", parent] : ["read-tree", "--empty"], env, "git read-tree");
    const blobs = (await must(git, ["hash-object", "-w", "--no-filters", "--", ...files.map((f) => path.join(dir, f))], env, "git hash-object")).trim().split("\n");
    await must(git, ["update-index", "--add", ...files.flatMap((f, i) => ["--cacheinfo", `100644,${blobs[i]},${f}`])], env, "git update-index");
    if (removed.length > 0) await must(git, ["update-index", "--force-remove", "--", ...removed], env, "git update-index");
    const tree = (await must(git, ["write-tree"], env, "git write-tree")).trim();
    if (parent && (await must(git, ["rev-parse", `${parent}^{tree}`], env, "git rev-parse")).trim() === tree) return undefined;
    const identity = {
      GIT_AUTHOR_NAME: BOT_IDENTITY.name,
      GIT_AUTHOR_EMAIL: BOT_IDENTITY.email,
      GIT_COMMITTER_NAME: BOT_IDENTITY.name,
      GIT_COMMITTER_EMAIL: BOT_IDENTITY.email,
    };
    return (await must(git, ["commit-tree", ...(parent ? ["-p", parent] : []), "-m", message, tree], { ...env, ...identity }, "git commit-tree")).trim();
  });
}

/** The blob of `file` at `commit`, or "" when it has none. */
async function blob(git: Git, commit: string | undefined, file: string): Promise<string> {
  if (!commit) return "";
  const r = await git.run(["rev-parse", "--verify", "--quiet", `${commit}:${file}`]);
  return r.code === 0 ? r.stdout.trim() : "";
}

export interface DataCommitOptions {
  /** Paths relative to `dir` to commit as they are there. */
  files: readonly string[];
  /** Files whose change on the branch meanwhile stops the push (the snapshots); the others (exports) are ours. */
  owned: readonly string[];
  /** Paths taken off the branch (exports too large for it). */
  removed?: readonly string[];
  dir: string;
  message: string;
  /** Pushes tried in all, at least 1 (only with a remote). */
  attempts: number;
  backoffMs: number;
  log(line: string): void;
  sleep?: (ms: number) => Promise<void>;
}

export interface DataCommitResult {
  /** The commit, or undefined when the branch already has these files. */
  sha?: string;
  /** Pushed to the remote, or (without a remote) the local branch moved to it. */
  stored: boolean;
  attempts: number;
  error?: string;
}

/**
 * Commits the files on the branch and pushes that commit (or, without a remote, moves the local
 * branch to it, only from the tip it was built on). When the push is refused because the branch
 * moved, fetches the new tip and builds the commit again on it, up to `attempts` pushes; a snapshot
 * of ours that the other commit also wrote stops it instead.
 */
export async function commitData(data: DataBranch, options: DataCommitOptions): Promise<DataCommitResult> {
  const { git, branch, remote } = data;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ref = `refs/heads/${branch}`;
  let parent = data.tip;
  for (let attempt = 1; ; attempt++) {
    const sha = await makeCommit(data, parent, options.dir, options.files, options.removed ?? [], options.message);
    if (sha === undefined) return { stored: true, attempts: attempt };
    if (remote === undefined) {
      // Compare-and-swap: only from the tip the commit was built on (all zeros: the branch must not exist).
      const moved = await git.run(["update-ref", "-m", "oss-showdown nightly", ref, sha, parent ?? "0".repeat(40)]);
      if (moved.code === 0) return { sha, stored: true, attempts: attempt };
      return { sha, stored: false, attempts: attempt, error: `could not move ${branch} to the new commit: ${firstLine(moved.stderr)}` };
    }
    const target = `${remote}/${branch}`;
    const push = await git.run(["push", "--porcelain", "--", remote, `${sha}:${ref}`]);
    if (push.code === 0) {
      data.tip = sha;
      return { sha, stored: true, attempts: attempt };
    }
    const why = redact(reason(`${push.stdout}\n${push.stderr}`), git.env);
    options.log(`push to ${target} refused (attempt ${attempt} of ${options.attempts}): ${why}`);
    if (attempt >= options.attempts) return { sha, stored: false, attempts: attempt, error: `could not push to ${target} after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${why}` };
    await sleep(options.backoffMs * 2 ** (attempt - 1));
    let tip: string | undefined;
    try {
      tip = await remoteTip(git, remote, branch);
    } catch (error) {
      return { sha, stored: false, attempts: attempt, error: (error as Error).message };
    }
    for (const file of options.owned) {
      if ((await blob(git, parent, file)) !== (await blob(git, tip, file))) {
        return { sha, stored: false, attempts: attempt, error: `${target} moved meanwhile with another ${file}; not pushed over it` };
      }
    }
    parent = tip;
    options.log(`${target} moved; committing again on top of it`);
  }
}

import path from "node:path";
import { listCohorts } from "../config/load.js";
import { parseAsOf } from "../asof.js";
import { ConfigError, UsageError } from "../errors.js";
import { httpTuning, wholeNumber } from "../collect-run.js";
import { MAX_FILE_BYTES, runNightly } from "../nightly/run.js";
import { DEFAULT_MAX_MISSING, parseThreshold } from "../nightly/threshold.js";
import { EXIT, flag, str, type Command } from "./command.js";

function whole(text: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

export const nightly: Command = {
  name: "nightly",
  summary: "what the nightly GitHub Action runs: collect every cohort, summarize, export, commit and push",
  help: `Usage: oss-showdown nightly [options]

Runs the nightly job (.github/workflows/nightly.yml) in one command:
  1. collects every cohort in config/ (or each --cohort) as of one instant, like
     'oss-showdown collect';
  2. diffs each new snapshot against the cohort's previous one ('oss-showdown diff'), exports CSV
     ('oss-showdown export') to OUT/csv/, and builds the HTML report ('oss-showdown report') to
     OUT/report/; every snapshot is scored when read, under the config as it is now;
  3. writes the job summary (per cohort: status, scoreboard, what changed, missing figures) to
     OUT/summary.md and appends it to $GITHUB_STEP_SUMMARY;
  4. prints a warning annotation (::warning::) for each cohort with missing figures, an error one for
     each cohort that could not be collected or whose share of missing figures is above --max-missing;
  5. with --commit, commits the snapshots that changed (nothing when the figures are the same as
     HEAD's) as github-actions[bot], message 'snapshot: DATE (N rank changes)'; with --push, pushes,
     and when the branch moved meanwhile, pulls with --rebase and pushes again (--push-attempts).
     With --data-branch NAME, the snapshots and CSV files are committed to that branch instead (an
     orphan created by the first run, so a protected main is never written to), read from and
     written to OUT/data; the checked-out branch, its index and working tree are left alone.
     Nothing is ever force-pushed. When the push does not happen, the night's snapshots are copied
     to OUT/unpushed/ (the workflow uploads them as an artifact) and the summary says so.

Each cohort's CSV: OUT/csv/COHORT/latest.csv (today, wide) and history.csv (every date, long), also
beside its report (on Pages) and, with --data-branch, on that branch under csv/COHORT/.

Options:
  --cohort NAME          collect this cohort only (repeatable; default every cohort in config/)
  --data-branch NAME     commit snapshots and exports to branch NAME, not the checked-out one
  --pull-request         push the commit to a new branch showdown/snapshot-DATE-SHA and open a pull
                         request into the checked-out branch (implies --push; needs a token with
                         pull-requests: write, and GITHUB_REPOSITORY)
  --as-of ISO            count as of this instant (default now), e.g. 2026-11-21 or 2026-11-21T06:00:00Z
  --max-missing SHARE    fail when a cohort's share of missing figures is above SHARE: 0 to 1 or a
                         percentage (default ${DEFAULT_MAX_MISSING}); what was collected is still committed
  --out DIR              where the summary, CSV files and report go (default nightly-out)
  --commit               commit the new snapshots (needs a git repository)
  --push                 also push them (implies --commit; skipped when the remote does not exist)
  --remote NAME          remote to push to (default origin)
  --push-attempts N      pushes to try, with a pull --rebase between them, 1 s apart, then 2 s, 4 s
                         (SHOWDOWN_RETRY_BASE_MS sets the first wait) (default 4)
  --concurrency N        projects fetched at once per cohort (default 4)
  --list-cohorts         print the cohorts a run would collect, one a line, and exit
  --config DIR           config folder (default ./config)
  --snapshots DIR        snapshots folder (default ./snapshots)
  -h, --help             show this help

Environment:
  SHOWDOWN_COHORTS         --cohort when the flag is not given: names separated by spaces or commas
  SHOWDOWN_DATA_BRANCH     --data-branch when the flag is not given (empty: the checked-out branch)
  SHOWDOWN_PULL_REQUEST    'true': --pull-request
  SHOWDOWN_AS_OF           --as-of when the flag is not given (empty: now)
  SHOWDOWN_MAX_MISSING     --max-missing when the flag is not given
  SHOWDOWN_PAGES           'true': the report is published to GitHub Pages; the summary links to it
  SHOWDOWN_MAX_FILE_BYTES  an export larger than this is left off the data branch, with a warning
                           (default 52428800, GitHub's 50 MiB recommended maximum; at most 100 MiB)
  GITHUB_STEP_SUMMARY      file the summary is appended to (set by GitHub Actions)
  GITHUB_OUTPUT            file the step outputs are appended to: committed, commit, pushed, changed,
                           report, rank-changes, missing-share, failed-cohorts, snapshot-paths,
                           pull-request (its address)
  GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID   link the summary to this run's artifacts
  GITHUB_TOKEN, GH_TOKEN, STACKEXCHANGE_KEY, GITHUB_API_URL, STACKEXCHANGE_API_URL   as for collect

Exit codes: 0 every cohort collected, none above --max-missing, committed and pushed as asked;
1 a cohort could not be collected, or one is above --max-missing, or the commit or push failed
(the cohorts that were collected are committed all the same), or, before anything is fetched, a
cohort that is not in config/, a branch name git refuses (or one starting with '-'), a detached
HEAD with --push and no --data-branch; 130 interrupted (nothing committed).
`,
  options: {
    config: { type: "string", default: "config" },
    snapshots: { type: "string", default: "snapshots" },
    cohort: { type: "string", multiple: true },
    "data-branch": { type: "string" },
    "pull-request": { type: "boolean", default: false },
    "as-of": { type: "string" },
    "max-missing": { type: "string" },
    out: { type: "string", default: "nightly-out" },
    commit: { type: "boolean", default: false },
    push: { type: "boolean", default: false },
    remote: { type: "string", default: "origin" },
    "push-attempts": { type: "string" },
    concurrency: { type: "string" },
    "list-cohorts": { type: "boolean", default: false },
  },
  maxPositionals: 0,
  async run(args, io) {
    const configDir = path.resolve(io.cwd, str(args, "config")!);
    const snapshotsDir = path.resolve(io.cwd, str(args, "snapshots")!);
    const outDir = path.resolve(io.cwd, str(args, "out")!);
    const flagged = (args.values.cohort as string[] | undefined) ?? [];
    const fromEnv = io.env.SHOWDOWN_COHORTS?.split(/[\s,]+/).filter(Boolean) ?? [];
    const asked = flagged.length > 0 ? flagged : fromEnv;
    const known = await listCohorts(configDir);
    if (known.length === 0) throw new ConfigError([{ file: configDir, path: "", message: "no cohort files here (config/<cohort>.yaml); nothing to collect" }]);
    // An unknown name stops the run before anything is fetched or pushed, like any bad input.
    const unknown = asked.find((c) => !known.includes(c));
    if (unknown !== undefined) {
      const source = flagged.length > 0 ? "--cohort" : "SHOWDOWN_COHORTS";
      throw new UsageError(`${source}: ${JSON.stringify(unknown)} is not a cohort of ${path.relative(io.cwd, configDir) || "."} (cohorts: ${known.join(", ")})`);
    }
    const cohorts = asked.length > 0 ? [...new Set(asked)] : known;
    if (flag(args, "list-cohorts")) {
      io.stdout(cohorts.map((c) => `${c}\n`).join(""));
      return EXIT.ok;
    }

    const now = new Date();
    const asOfText = str(args, "as-of") ?? (io.env.SHOWDOWN_AS_OF?.trim() || undefined);
    const asOf = asOfText === undefined ? now.toISOString() : parseAsOf(asOfText, now);
    const maxMissingText = str(args, "max-missing") ?? (io.env.SHOWDOWN_MAX_MISSING?.trim() || undefined);
    const maxMissing = maxMissingText === undefined ? DEFAULT_MAX_MISSING : parseThreshold(maxMissingText, str(args, "max-missing") !== undefined ? "--max-missing" : "SHOWDOWN_MAX_MISSING");
    const pullRequest = flag(args, "pull-request") || io.env.SHOWDOWN_PULL_REQUEST?.trim() === "true";
    const push = pullRequest || flag(args, "push");
    const commit = push || flag(args, "commit");
    const remote = str(args, "remote")!;
    const pushAttempts = whole(str(args, "push-attempts"), "push-attempts", 1, 10, 4);
    // A refused push is retried after the same first delay as an HTTP request (1 s unless tuned).
    const pushBackoffMs = httpTuning(io.env).retryBaseMs;
    const concurrencyText = str(args, "concurrency");
    const concurrency = concurrencyText === undefined ? undefined : whole(concurrencyText, "concurrency", 1, 64, 4);

    const dataBranch = str(args, "data-branch") ?? (io.env.SHOWDOWN_DATA_BRANCH?.trim() || undefined);

    // Up to GitHub's refusal line (a pushed file over 100 MiB is refused).
    const maxFileBytes = wholeNumber(io.env.SHOWDOWN_MAX_FILE_BYTES?.trim() || undefined, "SHOWDOWN_MAX_FILE_BYTES", MAX_FILE_BYTES, 1, 100 * 1024 * 1024);

    return runNightly({ cohorts, configDir, snapshotsDir, outDir, asOf, maxMissing, commit, push, remote, pushAttempts, pushBackoffMs, concurrency, dataBranch, pullRequest, maxFileBytes }, io);
  },
};

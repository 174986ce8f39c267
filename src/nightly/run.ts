/**
 * The nightly job (`oss-showdown nightly`, the GitHub Action): every cohort collected as of one instant,
 * scored under its config, compared with its previous snapshot, exported and reported; the job
 * summary, annotations and step outputs written; the snapshots committed and pushed.
 */
import { appendFile, copyFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadCohort, type LoadedCohort } from "../config/load.js";
import { resolveApi, runCollect, type CollectOutcome } from "../collect-run.js";
import { compareSnapshots } from "../diff/compare.js";
import { renderDiffMarkdown } from "../diff/markdown.js";
import { ShowdownError, UsageError } from "../errors.js";
import { CsvEncoder, DEFAULT_PRECISION, type CsvOptions } from "../export/csv.js";
import { longCsv, longCsvTask, wideTable } from "../export/rows.js";
import { resultsInOrder } from "../score/parallel.js";
import { findToken } from "../fetch/token.js";
import { renderLanding, type LandingCohort } from "../report/landing.js";
import { writeReport } from "../report/write.js";
import { Scorer } from "../score/snapshot.js";
import { listSnapshots, readSnapshot, snapshotPath, writeAtomic } from "../snapshot/store.js";
import { TOOL } from "../tool.js";
import { plain } from "../format/plain.js";
import { annotation, shortList } from "./annotations.js";
import { commitMessage, outcomeLine } from "./commit-message.js";
import { checkOutData, commitData, openDataBranch, type DataBranch } from "./data-branch.js";
import { openPullRequest, REPOSITORY } from "./pull-request.js";
import { badBranchName, badRemoteName, commitFiles, currentBranch, hasRemote, openRepository, pushWithRetry, repoPath, restore, snapshotChanged, type Git } from "./git.js";
import { plural, type CohortOutcome } from "./outcome.js";
import { renderSummary, type CohortSummary } from "./summary.js";
import { missingFigures, overThreshold, percent } from "./threshold.js";

/** The job's exit codes (the CLI's: see its --help). */
const CODE = { ok: 0, error: 1, interrupted: 130 } as const;

/** What the job touches outside its options. */
export interface NightlyIo {
  /** Annotations (workflow commands) go to stdout; the log to stderr. */
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

export interface NightlyJob {
  cohorts: readonly string[];
  configDir: string;
  snapshotsDir: string;
  outDir: string;
  asOf: string;
  /** The share of missing figures above which a cohort fails the run. */
  maxMissing: number;
  commit: boolean;
  push: boolean;
  remote: string;
  pushAttempts: number;
  /** The wait before the second push, doubled before each one after. */
  pushBackoffMs: number;
  concurrency: number | undefined;
  /**
   * Commit the snapshots and exports to this branch (an orphan created on the first run) instead
   * of the checked-out one; its files are read from and written to OUT/data.
   */
  dataBranch?: string;
  /** Push the commit to a branch of its own and open a pull request into the checked-out branch. */
  pullRequest?: boolean;
  /** An export larger than this is left off the data branch (default MAX_FILE_BYTES). */
  maxFileBytes?: number;
}

/**
 * The largest export committed to the data branch: GitHub's recommended maximum for a file. It warns
 * above it and refuses a push with a file over 100 MiB, which a long history.csv of a large cohort
 * would reach (https://docs.github.com/en/repositories/working-with-files/managing-large-files/about-large-files-on-github).
 */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The CSV files published per cohort (on the data branch and Pages): spreadsheets import them by URL. */
const CSV_OPTIONS: CsvOptions = { delimiter: ",", decimal: ".", bom: false, precision: DEFAULT_PRECISION };
export const LATEST_CSV = "latest.csv";
export const HISTORY_CSV = "history.csv";

/** Where snapshots go when the push did not happen; the workflow uploads this folder as an artifact. */
export const UNPUSHED_DIR = "unpushed";

/** GitHub refuses a step summary over 1 MiB; past this the diffs are left out of it. */
const SUMMARY_LIMIT = 1_000_000;

/** Where a path is shown: relative to the working folder when inside it. */
function shown(io: NightlyIo, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** A failure's one line, paths as the user would type them. */
function failure(io: NightlyIo, error: unknown): string {
  if (!(error instanceof ShowdownError)) throw error;
  return error.message.split(io.cwd + path.sep).join("").split("\n")[0]!;
}

/** This run's page, and Pages' address on github.com (on GHES it depends on the instance). */
function links(env: NodeJS.ProcessEnv): { run?: string; pages?: string } {
  const server = (env.GITHUB_SERVER_URL || "").replace(/\/+$/, "");
  const repo = env.GITHUB_REPOSITORY;
  const run = server && repo && env.GITHUB_RUN_ID ? `${server}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  let pages: string | undefined;
  if (server === "https://github.com" && repo && repo.includes("/")) {
    const [owner, name] = repo.split("/") as [string, string];
    pages = name.toLowerCase() === `${owner.toLowerCase()}.github.io` ? `https://${name.toLowerCase()}/` : `https://${owner.toLowerCase()}.github.io/${name}/`;
  }
  return { run, pages };
}

/** Appends `key=value` lines to $GITHUB_OUTPUT, for later steps and jobs. */
async function setOutputs(io: NightlyIo, outputs: Record<string, string>): Promise<void> {
  const file = io.env.GITHUB_OUTPUT;
  if (!file) return;
  // A value of several lines goes between delimiters, as the runner reads them (a line never equals the delimiter).
  const line = ([k, v]: [string, string]) => (v.includes("\n") ? `${k}<<SHOWDOWN_EOF\n${v.replace(/^SHOWDOWN_EOF$/gm, "")}\nSHOWDOWN_EOF\n` : `${k}=${v}\n`);
  await appendFile(file, Object.entries(outputs).map(line).join(""));
}

/** What must hold before anything is fetched: a repository to commit to, a branch to push to, valid names. */
async function checkGit(job: NightlyJob, io: NightlyIo): Promise<{ git?: Git; branch?: string }> {
  const { commit, push, remote, dataBranch } = job;
  if (job.pullRequest) {
    if (dataBranch !== undefined) throw new UsageError("--pull-request and --data-branch go separately: a data branch takes the commits without review, a pull request asks for one");
    const repository = io.env.GITHUB_REPOSITORY ?? "";
    if (!REPOSITORY.test(repository)) throw new UsageError(`--pull-request: GITHUB_REPOSITORY must name the repository as owner/name (GitHub Actions sets it), got ${JSON.stringify(repository)}`);
  }
  if (dataBranch !== undefined) {
    const bad = await badBranchName(dataBranch, io.cwd, io.env);
    if (bad) throw new UsageError(`--data-branch ${JSON.stringify(dataBranch)}: not a branch name git accepts (${bad})`);
  }
  if (!commit && dataBranch === undefined) return {};
  const git = await openRepository(io.cwd, io.env);
  if (!git) throw new UsageError(`${commit ? "--commit" : "--data-branch"}: ${io.cwd} is not in a git repository (or git is not installed)`);
  if (!push) return { git };
  const badRemote = badRemoteName(remote);
  if (badRemote) throw new UsageError(`--remote ${JSON.stringify(remote)}: ${badRemote}`);
  if (dataBranch !== undefined) return { git };
  const branch = await currentBranch(git, io.env);
  if (!branch) throw new UsageError("--push: HEAD is detached and GITHUB_REF_NAME names no branch, so nothing could be pushed; check out a branch, or pass --data-branch NAME");
  const bad = await badBranchName(branch, io.cwd, io.env);
  if (bad) throw new UsageError(`--push: cannot push to branch ${JSON.stringify(branch)} (HEAD or GITHUB_REF_NAME): ${bad}`);
  return { git, branch };
}

/** The data branch's files, fetched and written to `dir` (emptied first): the history the night adds to. */
async function openData(git: Git, job: NightlyJob, dir: string): Promise<DataBranch> {
  const remote = job.push && (await hasRemote(git, job.remote)) ? job.remote : undefined;
  let data: DataBranch;
  try {
    data = await openDataBranch(git, job.dataBranch!, remote);
  } catch (error) {
    throw new ShowdownError(`--data-branch ${job.dataBranch}: ${(error as Error).message}`);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await checkOutData(data, dir);
  return data;
}

/** A size as people read it: "73.2 MiB", or bytes under one MiB. */
function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Writes the cohort's latest.csv (wide, today) and history.csv (long, every date) to `dir`. */
async function writeCohortCsv(dir: string, cohort: string, snapshotsDir: string, scorer: Scorer, latest: ReturnType<Scorer["score"]>, io: NightlyIo): Promise<string[]> {
  const files = [path.join(dir, LATEST_CSV), path.join(dir, HISTORY_CSV)];
  await writeAtomic(files[0]!, new CsvEncoder(CSV_OPTIONS).encode(wideTable(latest)));
  const onSkip = (e: { file: string; problem: string }) => io.stderr(`oss-showdown export: skipping ${shown(io, e.file)}: ${e.problem}\n`);
  const parts = resultsInOrder(await listSnapshots(snapshotsDir, cohort), cohort, scorer.config, longCsvTask(CSV_OPTIONS), { skipInvalid: true, onSkip });
  await writeAtomic(files[1]!, longCsv(parts, CSV_OPTIONS, undefined, io.signal));
  return files;
}

/** Runs the job; its exit code (0, 1 or 130). */
export async function runNightly(job: NightlyJob, io: NightlyIo): Promise<number> {
  const log = (line: string) => io.stderr(`nightly: ${line}\n`);
  const { cohorts, configDir, outDir, asOf, maxMissing, commit, push, remote, pushAttempts, pushBackoffMs, concurrency } = job;
  const date = asOf.slice(0, 10);
  // Fail before fetching anything when the snapshots could not be committed or pushed anyway.
  const checked = await checkGit(job, io);
  const git = commit ? checked.git : undefined;
  const dataDir = path.join(outDir, "data");
  const data = job.dataBranch !== undefined ? await openData(checked.git!, job, dataDir) : undefined;
  const snapshotsDir = data ? path.join(dataDir, "snapshots") : job.snapshotsDir;
  if (data) log(`data branch ${data.branch}: ${data.tip ? `at ${data.tip.slice(0, 7)}${data.remote ? ` on ${data.remote}` : ""}` : "not there yet; the first commit creates it"}`);

  log(`collecting ${plural(cohorts.length, "cohort")} (${cohorts.join(", ")}) as of ${asOf}; missing figures allowed up to ${percent(maxMissing)}`);
  await mkdir(outDir, { recursive: true });

  const summaries: CohortSummary[] = [];
  const csvFiles: string[] = [];
  const reports: LandingCohort[] = [];
  /** Night's snapshot files, by cohort. */
  const nightFiles = new Map<string, string>();
  /** Exports to commit on the data branch, relative to its folder, and those too large for it. */
  const dataExports: string[] = [];
  const dataTooLarge: string[] = [];

  const token = await findToken(io.env);
  if (job.pullRequest && token === undefined) throw new UsageError("--pull-request: no token to open the pull request with (GITHUB_TOKEN, GH_TOKEN or 'gh auth login')");
  for (const cohort of cohorts) {
    const file = snapshotPath(snapshotsDir, cohort, asOf);
    const previousFile = (await listSnapshots(snapshotsDir, cohort)).filter((f) => path.basename(f, ".json") < date).at(-1);
    const outcome: CohortOutcome = { cohort, status: "failed", projects: 0, previousDate: null, rankChanges: null, overThreshold: false };
    const summary: CohortSummary = { outcome };
    summaries.push(summary);
    let loaded: LoadedCohort | undefined;
    let collected: CollectOutcome;
    try {
      loaded = await loadCohort(configDir, cohort);
      collected = await runCollect({
        loaded,
        snapshotsDir,
        asOf,
        pinned: true,
        api: resolveApi("auto", token !== undefined),
        token,
        concurrency: concurrency ?? 4,
        maxWait: 900,
        env: io.env,
        cwd: io.cwd,
        signal: io.signal,
        stderr: io.stderr,
      });
    } catch (error) {
      collected = { code: CODE.error, error: failure(io, error) };
      io.stderr(`oss-showdown collect: ${collected.error}\n`);
    }
    if (collected.code === CODE.interrupted || io.signal.aborted) {
      log("interrupted; nothing committed");
      return CODE.interrupted;
    }
    if (!loaded || !collected.snapshot) {
      outcome.error = collected.error ?? `collect exited with code ${collected.code}`;
      io.stdout(annotation("error", `${cohort}: not collected`, `${outcome.error}. Nothing was written or committed for this cohort.`));
      log(outcomeLine(outcome));
      continue;
    }

    const scorer = new Scorer({ rubric: loaded.rubric, projects: loaded.cohort.projects });
    const snapshot = scorer.score(collected.snapshot);
    summary.snapshot = snapshot;
    // As git names it: on the data branch, or in the repository.
    outcome.file = data ? path.relative(dataDir, file).split(path.sep).join("/") : git ? await repoPath(git, file) : shown(io, file);
    outcome.projects = snapshot.projects.length;
    outcome.missing = missingFigures(collected.snapshot);
    outcome.status = outcome.missing.missing.length > 0 ? "partial" : "complete";
    outcome.overThreshold = overThreshold(outcome.missing, maxMissing);

    if (previousFile) {
      outcome.previousDate = path.basename(previousFile, ".json");
      try {
        summary.previous = scorer.score(await readSnapshot(previousFile, cohort));
        const diff = compareSnapshots(summary.previous, snapshot, { old: shown(io, previousFile), new: shown(io, file) });
        outcome.rankChanges = diff.summary.rankChanges;
        summary.diffMarkdown = renderDiffMarkdown(diff);
      } catch (error) {
        summary.diffNote = `The diff against ${outcome.previousDate} could not be made: ${failure(io, error)}.`;
      }
    } else {
      summary.diffNote = "First snapshot of this cohort: nothing to compare with.";
    }

    nightFiles.set(cohort, file);
    let csv: string[] = [];
    try {
      csv = await writeCohortCsv(path.join(outDir, "csv", cohort), cohort, snapshotsDir, scorer, snapshot, io);
      csvFiles.push(...csv);
      if (data) {
        for (const f of csv) {
          const rel = path.posix.join("csv", cohort, path.basename(f));
          const { size } = await stat(f);
          if (size > (job.maxFileBytes ?? MAX_FILE_BYTES)) {
            // On the branch it would make every push fail one day: it leaves (yesterday's copy too).
            await rm(path.join(dataDir, rel), { force: true });
            dataTooLarge.push(rel);
            const why = `${rel} is ${megabytes(size)}, more than the ${megabytes(job.maxFileBytes ?? MAX_FILE_BYTES)} a file may take on the data branch (GitHub refuses a push with a file over 100 MiB): left off ${data.branch}; it is in the showdown-csv artifact`;
            log(why);
            io.stdout(annotation("warning", `${cohort}: ${path.basename(f)} left off the data branch`, why));
            continue;
          }
          await mkdir(path.dirname(path.join(dataDir, rel)), { recursive: true });
          await copyFile(f, path.join(dataDir, rel));
          dataExports.push(rel);
        }
      }
    } catch (error) {
      io.stdout(annotation("warning", `${cohort}: no CSV export`, failure(io, error)));
    }

    try {
      const built = await writeReport({
        loaded,
        snapshotsDir,
        out: path.join(outDir, "report", cohort),
        shown: (f) => shown(io, f),
        onSkip: (f, problem) => io.stderr(`oss-showdown report: skipping ${f}: ${problem}\n`),
        signal: io.signal,
        tool: TOOL,
      });
      if (built) {
        reports.push({ cohort, description: loaded.cohort.description, date: built.latest, projects: built.projects, snapshots: built.snapshots, podium: built.podium });
        // Beside the report on Pages: the same CSV under a stable address.
        for (const f of csv) await copyFile(f, path.join(outDir, "report", cohort, path.basename(f)));
      }
    } catch (error) {
      io.stdout(annotation("warning", `${cohort}: no HTML report`, failure(io, error)));
    }

    const m = outcome.missing;
    if (m.missing.length > 0) {
      const list = shortList(m.missing.map((f) => `${f.project}.${f.field}`));
      const level = outcome.overThreshold ? "error" : "warning";
      const verdict = outcome.overThreshold ? `above the ${percent(maxMissing)} threshold, so the run fails` : `within the ${percent(maxMissing)} threshold`;
      io.stdout(annotation(level, `${cohort}: ${m.missing.length} figure${m.missing.length === 1 ? "" : "s"} missing`, `${m.missing.length} of ${m.total} figures missing (${percent(m.share)}), ${verdict}; the snapshot has the rest: ${list}`));
    }
    log(outcomeLine(outcome));
    if (io.signal.aborted) return CODE.interrupted;
  }

  const outcomes = summaries.map((s) => s.outcome);
  const written = outcomes.filter((o) => o.status !== "failed");

  // The report's front page when there are several cohorts (each cohort's report is in its folder).
  if (reports.length > 0) {
    const index = path.join(outDir, "report", "index.html");
    if (!(await stat(index).catch(() => undefined))) await writeAtomic(index, renderLanding(reports, TOOL));
  }

  // Commit and push what was collected, even when the run is going to fail on missing figures.
  let commitLine = commit ? "" : "Not committed (run without --commit).";
  const gitOutputs: Record<string, string> = { committed: "false", pushed: "false", commit: "", changed: "false", "pull-request": "" };
  let gitFailed = false;
  let toPush = false;
  if (git) {
    // What HEAD (or the data branch's tip) holds is compared with what was written, file by file.
    const rev = data ? data.tip : "HEAD";
    const changed: string[] = [];
    const committed: CohortOutcome[] = [];
    for (const o of written) {
      const text = await readFile(nightFiles.get(o.cohort)!, "utf8");
      if (rev === undefined || (await snapshotChanged(git, o.file!, text, rev))) {
        changed.push(o.file!);
        committed.push(o);
      } else {
        if (!data) await restore(git, o.file!);
        log(`${o.cohort}: same figures as the committed ${o.file}; left as it was`);
      }
    }
    gitOutputs.changed = String(changed.length > 0);
    toPush = push && changed.length > 0;
    if (changed.length === 0) {
      commitLine = written.length === 0 ? "Nothing was collected, so nothing was committed." : "Nothing changed since the last commit, so nothing was committed.";
    } else {
      const { run } = links(io.env);
      const trailer = `Collected by ${TOOL.name} ${TOOL.version} ('${TOOL.name} nightly') as of ${asOf}.${run ? `\nRun: ${run}` : ""}`;
      const message = commitMessage(date, committed, outcomes.filter((o) => !committed.includes(o)), trailer);
      const subject = message.split("\n")[0];
      if (data) {
        const result = await commitData(data, { files: [...changed, ...dataExports], owned: changed, removed: dataTooLarge, dir: dataDir, message, attempts: data.remote ? pushAttempts : 1, backoffMs: pushBackoffMs, log });
        if (result.sha) {
          gitOutputs.committed = String(result.stored);
          gitOutputs.commit = result.sha;
        }
        const where = `${data.remote ? `${data.remote}/` : ""}${data.branch}`;
        if (!result.stored) {
          gitFailed = true;
          commitLine = `**Not committed to ${where}**: ${result.error}.`;
          io.stdout(annotation("error", "Snapshot not pushed", result.error ?? "commit failed"));
        } else if (result.sha) {
          log(`committed ${result.sha.slice(0, 7)} ${subject} to ${where}`);
          commitLine = `Committed \`${result.sha.slice(0, 7)}\` “${subject}” to ${data.remote ? `${where} and pushed it` : `the local branch ${data.branch}`}${result.attempts > 1 ? ` (after ${result.attempts - 1} new tip${result.attempts > 2 ? "s" : ""})` : ""}`;
          commitLine += push && !data.remote ? `; no remote ${remote}, so not pushed.` : ".";
          if (data.remote) gitOutputs.pushed = "true";
        } else {
          commitLine = `${where} already holds these files, so nothing was committed.`;
        }
      } else {
        try {
          const sha = await commitFiles(git, changed, message);
          gitOutputs.committed = "true";
          gitOutputs.commit = sha;
          log(`committed ${sha.slice(0, 7)} ${subject}`);
          commitLine = `Committed \`${sha.slice(0, 7)}\` “${subject}”`;
          if (push) {
            const branch = checked.branch!;
            if (!(await hasRemote(git, remote))) {
              commitLine += `; no remote ${remote}, so not pushed.`;
              log(`no remote ${remote}; not pushed`);
            } else if (job.pullRequest) {
              // A branch of its own, new (so nothing is ever pushed over), and a pull request from it.
              const head = `showdown/snapshot-${date}-${sha.slice(0, 7)}`;
              const pushed = await pushWithRetry(git, { remote, branch: head, attempts: 1, backoffMs: 0, log });
              const opened = pushed.pushed
                ? await openPullRequest({ apiUrl: io.env.GITHUB_API_URL || "https://api.github.com", repository: io.env.GITHUB_REPOSITORY!, token: token!.value, head, base: branch, title: subject!, body: message, signal: io.signal, env: io.env })
                : { error: pushed.error ?? "push failed" };
              if (pushed.pushed) gitOutputs.pushed = "true";
              if ("url" in opened) {
                gitOutputs["pull-request"] = opened.url;
                commitLine += `, pushed to ${remote}/${head} and opened pull request [#${opened.number}](${opened.url}) into ${branch}.`;
                log(`opened pull request #${opened.number} from ${head} into ${branch}: ${opened.url}`);
              } else {
                gitFailed = true;
                commitLine += pushed.pushed ? `; pushed to ${remote}/${head}, but **no pull request**: ${opened.error}.` : `; **not pushed**: ${opened.error}.`;
                io.stdout(annotation("error", pushed.pushed ? "No pull request" : "Snapshot not pushed", opened.error));
              }
            } else {
              const pushed = await pushWithRetry(git, { remote, branch, attempts: pushAttempts, backoffMs: pushBackoffMs, log });
              if (pushed.pushed) {
                gitOutputs.pushed = "true";
                gitOutputs.commit = pushed.sha ?? sha;
                commitLine = `Committed \`${gitOutputs.commit.slice(0, 7)}\` “${subject}” and pushed to ${remote}/${branch}${pushed.attempts > 1 ? ` (after ${pushed.attempts - 1} rebase${pushed.attempts > 2 ? "s" : ""})` : ""}.`;
                log(`pushed to ${remote}/${branch}`);
              } else {
                gitFailed = true;
                commitLine += `; **not pushed**: ${pushed.error}.`;
                io.stdout(annotation("error", "Snapshot not pushed", pushed.error ?? "push failed"));
              }
            }
          } else {
            commitLine += ".";
          }
        } catch (error) {
          gitFailed = true;
          commitLine = `**Not committed**: ${(error as Error).message}.`;
          io.stdout(annotation("error", "Snapshot not committed", (error as Error).message));
        }
      }
    }
  }

  // A night whose push did not happen is not lost: its snapshots go to OUT/unpushed/, which the
  // workflow uploads as an artifact (a rerun could not fetch the same figures again).
  const unpushed = toPush && gitOutputs.pushed !== "true";
  if (unpushed) {
    for (const file of nightFiles.values()) {
      const copy = path.join(outDir, UNPUSHED_DIR, path.relative(snapshotsDir, file));
      await mkdir(path.dirname(copy), { recursive: true });
      await copyFile(file, copy);
    }
    log(`not pushed: the snapshots are saved in ${shown(io, path.join(outDir, UNPUSHED_DIR))}`);
  }

  // Where the CSV and the report are.
  const { run, pages } = links(io.env);
  const outputs: string[] = [];
  const where = run ? ` (artifacts of [this run](${run}#artifacts))` : "";
  if (unpushed) {
    outputs.push(`**The snapshots were not pushed**: they are saved in \`${shown(io, path.join(outDir, UNPUSHED_DIR))}/\` and uploaded as the artifact \`showdown-snapshots\`${where}. Download and commit them: a rerun cannot fetch the same figures again.`);
  }
  if (csvFiles.length > 0) outputs.push(`CSV export: ${csvFiles.map((f) => `\`${path.relative(path.join(outDir, "csv"), f).split(path.sep).join("/")}\``).join(", ")}${where}${data ? ` and on the branch ${data.branch} under csv/${dataTooLarge.length > 0 ? ` (but ${dataTooLarge.map((f) => `\`${f}\``).join(", ")}: too large for it)` : ""}` : ""}.`);
  if (reports.length > 0) {
    outputs.push(`HTML report: ${reports.map((c) => `\`${c.cohort}\``).join(", ")}${where}.`);
    if (io.env.SHOWDOWN_PAGES === "true") outputs.push(`Published to GitHub Pages by the \`pages\` job${pages ? `: ${pages}` : ""} (its exact address is in that job's summary).`);
  }

  let summaryText = renderSummary({ date, asOf, maxMissing, cohorts: summaries, commitLine, outputs });
  if (Buffer.byteLength(summaryText) > SUMMARY_LIMIT) {
    const trimmed = summaries.map((s) => (s.diffMarkdown ? { ...s, diffMarkdown: undefined, diffNote: "The diff is too long for the job summary: run 'oss-showdown diff' on the two snapshots." } : s));
    summaryText = renderSummary({ date, asOf, maxMissing, cohorts: trimmed, commitLine, outputs });
  }
  // No control character or secret from answers or config reaches the summary (plain()).
  await writeFile(path.join(outDir, "summary.md"), plain(summaryText));
  if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, plain(summaryText));

  const failed = outcomes.filter((o) => o.status === "failed");
  const over = outcomes.filter((o) => o.overThreshold);
  const maxShare = Math.max(0, ...written.map((o) => o.missing!.share));
  await setOutputs(io, {
    ...gitOutputs,
    report: String(reports.length > 0),
    "rank-changes": String(written.reduce((s, o) => s + (o.rankChanges ?? 0), 0)),
    "missing-share": String(Number(maxShare.toFixed(4))),
    "failed-cohorts": failed.map((o) => o.cohort).join(","),
    "snapshot-paths": [...nightFiles.values()].map((f) => shown(io, f)).join("\n"),
  });

  for (const o of over) log(`${o.cohort}: ${percent(o.missing!.share)} of figures missing, above --max-missing ${percent(maxMissing)}: failing the run`);
  if (failed.length > 0) log(`not collected: ${failed.map((o) => o.cohort).join(", ")}: failing the run`);
  log(`summary in ${shown(io, path.join(outDir, "summary.md"))}`);
  return failed.length > 0 || over.length > 0 || gitFailed ? CODE.error : CODE.ok;
}

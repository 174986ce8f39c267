/**
 * The nightly job (`showdown nightly`, the GitHub Action): every cohort collected as of one instant,
 * scored under its config, compared with its previous snapshot, exported and reported; the job
 * summary, annotations and step outputs written; the snapshots committed and pushed.
 */
import { appendFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadCohort, type LoadedCohort } from "../config/load.js";
import { resolveApi, runCollect, type CollectOutcome } from "../collect-run.js";
import { compareSnapshots } from "../diff/compare.js";
import { renderDiffMarkdown } from "../diff/markdown.js";
import { ShowdownError, UsageError } from "../errors.js";
import { CsvEncoder } from "../export/csv.js";
import { wideTable } from "../export/rows.js";
import { findToken } from "../fetch/token.js";
import { writeReport } from "../report/write.js";
import { Scorer } from "../score/snapshot.js";
import { listSnapshots, readSnapshot, snapshotPath, writeAtomic } from "../snapshot/store.js";
import { TOOL } from "../tool.js";
import { annotation, shortList } from "./annotations.js";
import { commitMessage, outcomeLine } from "./commit-message.js";
import { commitFiles, currentBranch, hasRemote, openRepository, pushWithRetry, repoPath, restore, snapshotChanged, type Git } from "./git.js";
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
  concurrency: number | undefined;
}

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
  await appendFile(file, Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/\n/g, " ")}\n`).join(""));
}

/** Runs the job; its exit code (0, 1 or 130). */
export async function runNightly(job: NightlyJob, io: NightlyIo): Promise<number> {
  const { cohorts, configDir, snapshotsDir, outDir, asOf, maxMissing, commit, push, remote, pushAttempts, concurrency } = job;
  const date = asOf.slice(0, 10);
  // Fail before fetching anything when the snapshots could not be committed anyway.
  let git: Git | undefined;
  if (commit) {
    git = await openRepository(io.cwd, io.env);
    if (!git) throw new UsageError(`--commit: ${io.cwd} is not in a git repository (or git is not installed)`);
  }

  const log = (line: string) => io.stderr(`nightly: ${line}\n`);
  log(`collecting ${plural(cohorts.length, "cohort")} (${cohorts.join(", ")}) as of ${asOf}; missing figures allowed up to ${percent(maxMissing)}`);
  await mkdir(outDir, { recursive: true });

  const summaries: CohortSummary[] = [];
  const csvFiles: string[] = [];
  const reports: string[] = [];

  const token = await findToken(io.env);
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
      io.stderr(`showdown collect: ${collected.error}\n`);
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
    outcome.file = git ? await repoPath(git, file) : shown(io, file);
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

    const csv = path.join(outDir, "csv", `${cohort}-${date}.csv`);
    try {
      await writeAtomic(csv, new CsvEncoder({ delimiter: ",", bom: false }).encode(wideTable(snapshot)));
      csvFiles.push(csv);
    } catch (error) {
      io.stdout(annotation("warning", `${cohort}: no CSV export`, failure(io, error)));
    }

    try {
      const built = await writeReport({
        loaded,
        snapshotsDir,
        out: path.join(outDir, "report", cohort),
        shown: (f) => shown(io, f),
        onSkip: (f, problem) => io.stderr(`showdown report: skipping ${f}: ${problem}\n`),
        signal: io.signal,
        tool: TOOL,
      });
      if (built) reports.push(cohort);
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

  // The report's landing page when there are several cohorts (each cohort's report is in its folder).
  if (reports.length > 0) {
    const index = path.join(outDir, "report", "index.html");
    if (!(await stat(index).catch(() => undefined))) {
      const items = reports.map((c) => `<li><a href="${encodeURI(c)}/">${c.replace(/[<>&"]/g, "")}</a></li>`).join("\n");
      await writeFile(index, `<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Showdown ${date}</title>\n<h1>Showdown, ${date}</h1>\n<ul>\n${items}\n</ul>\n</html>\n`);
    }
  }

  // Commit and push what was collected, even when the run is going to fail on missing figures.
  let commitLine = commit ? "" : "Not committed (run without --commit).";
  const gitOutputs: Record<string, string> = { committed: "false", pushed: "false", commit: "" };
  let gitFailed = false;
  if (git) {
    const changed: string[] = [];
    const committed: CohortOutcome[] = [];
    for (const o of written) {
      const text = await readFile(path.join(git.root, o.file!), "utf8");
      if (await snapshotChanged(git, o.file!, text)) {
        changed.push(o.file!);
        committed.push(o);
      } else {
        await restore(git, o.file!);
        log(`${o.cohort}: same figures as the committed ${o.file}; left as it was`);
      }
    }
    if (changed.length === 0) {
      commitLine = written.length === 0 ? "Nothing was collected, so nothing was committed." : "Nothing changed since the last commit, so nothing was committed.";
    } else {
      const { run } = links(io.env);
      const trailer = `Collected by ${TOOL.name} ${TOOL.version} ('showdown nightly') as of ${asOf}.${run ? `\nRun: ${run}` : ""}`;
      const message = commitMessage(date, committed, outcomes.filter((o) => !committed.includes(o)), trailer);
      try {
        const sha = await commitFiles(git, changed, message);
        gitOutputs.committed = "true";
        gitOutputs.commit = sha;
        log(`committed ${sha.slice(0, 7)} ${message.split("\n")[0]}`);
        commitLine = `Committed \`${sha.slice(0, 7)}\` “${message.split("\n")[0]}”`;
        if (push) {
          const branch = await currentBranch(git, io.env);
          if (!(await hasRemote(git, remote))) {
            commitLine += `; no remote ${remote}, so not pushed.`;
            log(`no remote ${remote}; not pushed`);
          } else if (!branch) {
            gitFailed = true;
            commitLine += "; not pushed: HEAD is detached and GITHUB_REF_NAME names no branch.";
            io.stdout(annotation("error", "Snapshot not pushed", "HEAD is detached and GITHUB_REF_NAME names no branch"));
          } else {
            const pushed = await pushWithRetry(git, { remote, branch, attempts: pushAttempts, backoffMs: 1000, log });
            if (pushed.pushed) {
              gitOutputs.pushed = "true";
              gitOutputs.commit = pushed.sha ?? sha;
              commitLine = `Committed \`${gitOutputs.commit.slice(0, 7)}\` “${message.split("\n")[0]}” and pushed to ${remote}/${branch}${pushed.attempts > 1 ? ` (after ${pushed.attempts - 1} rebase${pushed.attempts > 2 ? "s" : ""})` : ""}.`;
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

  // Where the CSV and the report are.
  const { run, pages } = links(io.env);
  const outputs: string[] = [];
  const where = run ? ` (artifacts of [this run](${run}#artifacts))` : "";
  if (csvFiles.length > 0) outputs.push(`CSV export: ${csvFiles.map((f) => `\`${path.basename(f)}\``).join(", ")}${where}.`);
  if (reports.length > 0) {
    outputs.push(`HTML report: ${reports.map((c) => `\`${c}\``).join(", ")}${where}.`);
    if (io.env.SHOWDOWN_PAGES === "true") outputs.push(`Published to GitHub Pages by the \`pages\` job${pages ? `: ${pages}` : ""} (its exact address is in that job's summary).`);
  }

  let summaryText = renderSummary({ date, asOf, maxMissing, cohorts: summaries, commitLine, outputs });
  if (Buffer.byteLength(summaryText) > SUMMARY_LIMIT) {
    const trimmed = summaries.map((s) => (s.diffMarkdown ? { ...s, diffMarkdown: undefined, diffNote: "The diff is too long for the job summary: run 'showdown diff' on the two snapshots." } : s));
    summaryText = renderSummary({ date, asOf, maxMissing, cohorts: trimmed, commitLine, outputs });
  }
  await writeFile(path.join(outDir, "summary.md"), summaryText);
  if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, summaryText);

  const failed = outcomes.filter((o) => o.status === "failed");
  const over = outcomes.filter((o) => o.overThreshold);
  const maxShare = Math.max(0, ...written.map((o) => o.missing!.share));
  await setOutputs(io, {
    ...gitOutputs,
    report: String(reports.length > 0),
    "rank-changes": String(written.reduce((s, o) => s + (o.rankChanges ?? 0), 0)),
    "missing-share": String(Number(maxShare.toFixed(4))),
    "failed-cohorts": failed.map((o) => o.cohort).join(","),
  });

  for (const o of over) log(`${o.cohort}: ${percent(o.missing!.share)} of figures missing, above --max-missing ${percent(maxMissing)}: failing the run`);
  if (failed.length > 0) log(`not collected: ${failed.map((o) => o.cohort).join(", ")}: failing the run`);
  log(`summary in ${shown(io, path.join(outDir, "summary.md"))}`);
  return failed.length > 0 || over.length > 0 || gitFailed ? CODE.error : CODE.ok;
}

import { appendFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { listCohorts, loadCohort, type LoadedCohort } from "../config/load.js";
import { parseAsOf } from "../asof.js";
import { resolveApi, runCollect, type CollectOutcome } from "../collect-run.js";
import { compareSnapshots } from "../diff/compare.js";
import { renderDiffMarkdown } from "../diff/markdown.js";
import { ConfigError, ShowdownError, UsageError } from "../errors.js";
import { CsvEncoder } from "../export/csv.js";
import { wideTable } from "../export/rows.js";
import { findToken } from "../fetch/token.js";
import { writeReport } from "../report/write.js";
import { Scorer } from "../score/snapshot.js";
import { listSnapshots, readSnapshot, snapshotPath, writeAtomic } from "../snapshot/store.js";
import { TOOL } from "../tool.js";
import { annotation, shortList } from "../nightly/annotations.js";
import { commitMessage, outcomeLine } from "../nightly/commit-message.js";
import { commitFiles, currentBranch, hasRemote, openRepository, pushWithRetry, repoPath, restore, snapshotChanged, type Git } from "../nightly/git.js";
import { plural, type CohortOutcome } from "../nightly/outcome.js";
import { renderSummary, type CohortSummary } from "../nightly/summary.js";
import { DEFAULT_MAX_MISSING, missingFigures, overThreshold, parseThreshold, percent } from "../nightly/threshold.js";
import { EXIT, flag, str, type Command, type Io } from "./command.js";

/** GitHub refuses a step summary over 1 MiB; past this the diffs are left out of it. */
const SUMMARY_LIMIT = 1_000_000;

/** Where a path is shown: relative to the working folder when inside it. */
function shown(io: Io, file: string): string {
  const rel = path.relative(io.cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** A failure's one line, paths as the user would type them. */
function failure(io: Io, error: unknown): string {
  if (!(error instanceof ShowdownError)) throw error;
  return error.message.split(io.cwd + path.sep).join("").split("\n")[0]!;
}

function whole(text: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
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
async function setOutputs(io: Io, outputs: Record<string, string>): Promise<void> {
  const file = io.env.GITHUB_OUTPUT;
  if (!file) return;
  await appendFile(file, Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/\n/g, " ")}\n`).join(""));
}

export const nightly: Command = {
  name: "nightly",
  summary: "what the nightly GitHub Action runs: collect every cohort, summarize, export, commit and push",
  help: `Usage: showdown nightly [options]

Runs the nightly job (.github/workflows/nightly.yml) in one command:
  1. collects every cohort in config/ (or each --cohort) as of one instant, like 'showdown collect';
  2. diffs each new snapshot against the cohort's previous one ('showdown diff'), exports it as CSV
     ('showdown export') to OUT/csv/, and builds the HTML report ('showdown report') to OUT/report/;
     every snapshot is scored when read, under the config as it is now;
  3. writes the job summary (per cohort: status, scoreboard, what changed, missing figures) to
     OUT/summary.md and appends it to $GITHUB_STEP_SUMMARY;
  4. prints a warning annotation (::warning::) for each cohort with missing figures, an error one for
     each cohort that could not be collected or whose share of missing figures is above --max-missing;
  5. with --commit, commits the snapshots that changed (nothing when the figures are the same as
     HEAD's) as github-actions[bot], message 'snapshot: DATE (N rank changes)'; with --push, pushes,
     and when the branch moved meanwhile, pulls with --rebase and pushes again (--push-attempts).

Options:
  --cohort NAME          collect this cohort only (repeatable; default every cohort in config/)
  --as-of ISO            count as of this instant (default now), e.g. 2026-11-21 or 2026-11-21T06:00:00Z
  --max-missing SHARE    fail when a cohort's share of missing figures is above SHARE: 0 to 1 or a
                         percentage (default ${DEFAULT_MAX_MISSING}); what was collected is still committed
  --out DIR              where the summary, CSV files and report go (default nightly-out)
  --commit               commit the new snapshots (needs a git repository)
  --push                 also push them (implies --commit; skipped when the remote does not exist)
  --remote NAME          remote to push to (default origin)
  --push-attempts N      pushes to try, with a pull --rebase between them (default 4)
  --concurrency N        projects fetched at once per cohort (default 4)
  --list-cohorts         print the cohorts a run would collect, one a line, and exit
  --config DIR           config folder (default ./config)
  --snapshots DIR        snapshots folder (default ./snapshots)
  -h, --help             show this help

Environment:
  SHOWDOWN_AS_OF           --as-of when the flag is not given (empty: now)
  SHOWDOWN_MAX_MISSING     --max-missing when the flag is not given
  SHOWDOWN_PAGES           'true': the report is published to GitHub Pages; the summary links to it
  GITHUB_STEP_SUMMARY      file the summary is appended to (set by GitHub Actions)
  GITHUB_OUTPUT            file the step outputs are appended to: committed, commit, pushed, report,
                           rank-changes, missing-share, failed-cohorts
  GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID   link the summary to this run's artifacts
  GITHUB_TOKEN, GH_TOKEN, STACKEXCHANGE_KEY, GITHUB_API_URL, STACKEXCHANGE_API_URL   as for collect

Exit codes: 0 every cohort collected, none above --max-missing, committed and pushed as asked;
1 a cohort could not be collected, or one is above --max-missing, or the commit or push failed
(the cohorts that were collected are committed all the same); 130 interrupted (nothing committed).
`,
  options: {
    config: { type: "string", default: "config" },
    snapshots: { type: "string", default: "snapshots" },
    cohort: { type: "string", multiple: true },
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
    const asked = (args.values.cohort as string[] | undefined) ?? [];
    const cohorts = asked.length > 0 ? [...new Set(asked)] : await listCohorts(configDir);
    if (cohorts.length === 0) throw new ConfigError([{ file: configDir, path: "", message: "no cohort files here (config/<cohort>.yaml); nothing to collect" }]);
    if (flag(args, "list-cohorts")) {
      io.stdout(cohorts.map((c) => `${c}\n`).join(""));
      return EXIT.ok;
    }

    const now = new Date();
    const asOfText = str(args, "as-of") ?? (io.env.SHOWDOWN_AS_OF?.trim() || undefined);
    const asOf = asOfText === undefined ? now.toISOString() : parseAsOf(asOfText, now);
    const date = asOf.slice(0, 10);
    const maxMissingText = str(args, "max-missing") ?? (io.env.SHOWDOWN_MAX_MISSING?.trim() || undefined);
    const maxMissing = maxMissingText === undefined ? DEFAULT_MAX_MISSING : parseThreshold(maxMissingText, str(args, "max-missing") !== undefined ? "--max-missing" : "SHOWDOWN_MAX_MISSING");
    const push = flag(args, "push");
    const commit = push || flag(args, "commit");
    const remote = str(args, "remote")!;
    const pushAttempts = whole(str(args, "push-attempts"), "push-attempts", 1, 10, 4);
    const concurrencyText = str(args, "concurrency");
    const concurrency = concurrencyText === undefined ? undefined : whole(concurrencyText, "concurrency", 1, 64, 4);

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
        collected = { code: EXIT.error, error: failure(io, error) };
        io.stderr(`showdown collect: ${collected.error}\n`);
      }
      if (collected.code === EXIT.interrupted || io.signal.aborted) {
        log("interrupted; nothing committed");
        return EXIT.interrupted;
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
      if (io.signal.aborted) return EXIT.interrupted;
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
    return failed.length > 0 || over.length > 0 || gitFailed ? EXIT.error : EXIT.ok;
  },
};

import { access, constants, stat } from "node:fs/promises";
import path from "node:path";
import { loadCohort } from "../config/load.js";
import { parseAsOf } from "../asof.js";
import { collectCohort, Interrupted } from "../collect.js";
import { buildSnapshot } from "../snapshot/build.js";
import { snapshotPath, writeSnapshot } from "../snapshot/store.js";
import { createGitHub } from "../fetch/github.js";
import { createStackExchange } from "../fetch/stackexchange.js";
import { githubApiUrl, stackExchangeApiUrl } from "../fetch/endpoints.js";
import { findToken } from "../fetch/token.js";
import { WriteError, UsageError } from "../errors.js";
import { TOOL } from "../tool.js";
import { COMMON_HELP, COMMON_OPTIONS, EXIT, str, type Command } from "./command.js";
import { projectLine, summaryLines } from "./progress.js";

/** Fails before any request when the snapshot could not be written anyway. */
async function assertWritable(file: string): Promise<void> {
  let dir = path.dirname(file);
  // The cohort folder may not exist yet: check the nearest folder that does.
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw new WriteError(`${dir}: is not a folder; snapshots cannot be written there`);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  await access(dir, constants.W_OK).catch(() => {
    throw new WriteError(`${dir}: not writable; fix its permissions or pass --snapshots DIR`);
  });
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new UsageError(`--${name}: expected a whole number from 1 to 64, got ${JSON.stringify(text)}`);
  return value;
}

export const collect: Command = {
  name: "collect",
  summary: "fetch every project's figures, score them and write the snapshot (what `npm start` runs)",
  help: `Usage: showdown collect [options]

Fetches each project's GitHub and Stack Overflow figures, scores the cohort and writes
snapshots/<cohort>/YYYY-MM-DD.json (the UTC date of --as-of; a rerun that day replaces it).
Progress goes to stderr; the snapshot's path to stdout.

Options:
  --as-of ISO        count commits and merges as of this instant (default now),
                     e.g. 2026-11-21 (00:00 UTC) or 2026-11-21T06:00:00Z
  --concurrency N    projects fetched at once (default 4)
${COMMON_HELP}

Environment:
  GITHUB_TOKEN, GH_TOKEN   GitHub token (else 'gh auth token'; else unauthenticated, 60 requests/hour)
  STACKEXCHANGE_KEY        Stack Exchange app key (raises the daily quota from 300 to 10,000)
  GITHUB_API_URL           GitHub API base (default https://api.github.com; set by Actions, GHES too)
  STACKEXCHANGE_API_URL    Stack Exchange API base (default https://api.stackexchange.com)

Exit codes: 0 complete, 2 written with some figures missing (see errors in the snapshot),
1 nothing written, 130 stopped by Ctrl-C (nothing written).
`,
  options: { ...COMMON_OPTIONS, "as-of": { type: "string" }, concurrency: { type: "string" } },
  maxPositionals: 0,
  async run(args, io) {
    const now = new Date();
    const asOf = str(args, "as-of") === undefined ? now.toISOString() : parseAsOf(str(args, "as-of")!, now);
    const concurrency = positiveInt(str(args, "concurrency"), "concurrency", 4);
    const { cohort, rubric } = await loadCohort(path.resolve(io.cwd, str(args, "config")!), str(args, "cohort")!);
    const file = snapshotPath(path.resolve(io.cwd, str(args, "snapshots")!), cohort.cohort, asOf);
    await assertWritable(file);

    const token = await findToken(io.env);
    const log = (line: string) => io.stderr(`${line}\n`);
    const github = createGitHub({ baseUrl: githubApiUrl(io.env), token: token?.value, userAgent: `${TOOL.name}/${TOOL.version}`, log });
    const stackExchange = createStackExchange({ baseUrl: stackExchangeApiUrl(io.env), key: io.env.STACKEXCHANGE_KEY || undefined, log });
    io.stderr(`${cohort.cohort}: collecting ${cohort.projects.length} projects as of ${asOf} (${token ? `token from ${token.from}` : "no token: unauthenticated, slow"})\n`);

    let collected;
    try {
      collected = await collectCohort(cohort, {
        github,
        stackExchange,
        asOf,
        concurrency,
        signal: io.signal,
        onProject: (p, done, total) => io.stderr(projectLine(p, done, total)),
      });
    } catch (error) {
      if (error instanceof Interrupted) return EXIT.interrupted;
      throw error;
    }
    if (io.signal.aborted) return EXIT.interrupted;

    const stats = github.stats();
    io.stderr(summaryLines(cohort.cohort, collected.projects, stats, collected, token ? "authenticated" : "unauthenticated"));
    const fetched = collected.projects.some((p) => Object.entries(p.raw).some(([k, v]) => v !== null && !p.errors.some((e) => e.field === k)));
    if (!fetched) {
      io.stderr(`showdown: no figure could be fetched; nothing written (is the network or the API reachable?)\n`);
      return EXIT.error;
    }
    const snapshot = buildSnapshot({
      cohort: cohort.cohort,
      asOf,
      generatedAt: new Date().toISOString(),
      tool: TOOL,
      rubric,
      windowDays: cohort.windowDays,
      requests: { github: stats.core, githubSearch: stats.search, stackExchange: collected.stackExchange.requests },
      projects: collected.projects,
    });
    await writeSnapshot(file, snapshot);
    io.stdout(`${path.relative(io.cwd, file) || file}\n`);
    return collected.projects.some((p) => p.errors.length > 0) ? EXIT.partial : EXIT.ok;
  },
};

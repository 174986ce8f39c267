/**
 * `npm run bench`: what collect costs against a loopback stand-in for both APIs with a per-request
 * latency, for generated cohorts of several sizes in REST and GraphQL modes; and what the offline
 * commands cost over a long generated history. Prints one table for each; docs/performance.md has
 * this machine's figures. Every measured command is the built CLI (dist/cli.js) in a child process.
 */
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Replica, ReplicaData, ReplicaOptions } from "../tests/support/replica.js";
import { benchProjects, opsSampleOf, random as mulberry32, realRubric, replicaData, ROOT, writeConfig, writeHistory } from "./bench-data.js";
import { CLI, median, megabytes, rssSource, runMeasured, seconds, table, type Measured } from "./bench-measure.js";

const USAGE = `Usage: npm run bench -- [options]

  --latency MS       per-request latency of the loopback API stand-in (default 100)
  --sizes LIST       cohort sizes for collect (default 13,100,1000)
  --modes LIST       collect modes: rest, graphql (default rest,graphql)
  --history DAYS     snapshots in the offline history (default 365)
  --projects N       projects in each snapshot of the offline history (default 1000)
  --runs N           runs of each measurement; medians are shown (default: 1 for collect, 3 offline)
  --collect-only     only the collect table
  --offline-only     only the offline table
  --backfill-only    only the backfill table (the default cohort's monthly backfill 2016-01-01 to
                     2026-11-01 and a nightly collect, requests counted by the stand-in)
  --work DIR         generate the history there and keep it (reused when it matches); default a
                     temporary folder, removed at the end
  -h, --help`;

const { values: opts } = parseArgs({
  options: {
    latency: { type: "string", default: "100" },
    sizes: { type: "string", default: "13,100,1000" },
    modes: { type: "string", default: "rest,graphql" },
    history: { type: "string", default: "365" },
    projects: { type: "string", default: "1000" },
    runs: { type: "string" },
    "collect-only": { type: "boolean", default: false },
    "offline-only": { type: "boolean", default: false },
    "backfill-only": { type: "boolean", default: false },
    work: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

function whole(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`bench: --${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
    process.exit(1);
  }
  return n;
}

const AS_OF = "2026-11-21T06:00:00Z";
const TOKEN = "ghp_benchToken0123456789abcdefABCDEFabcd";
/** Budgets the stand-in never runs out of: the bench measures the collector, not a rate limit. */
const UNLIMITED: ReplicaOptions = { coreLimit: 1e9, searchLimit: 1e9, graphqlLimit: 1e9, stackExchangeQuota: 1e9 };

type Api = "GitHub REST" | "GitHub search" | "GitHub GraphQL" | "Stack Exchange";
const APIS: Api[] = ["GitHub REST", "GitHub search", "GitHub GraphQL", "Stack Exchange"];

function apiOf(request: { api: string; route: string }): Api {
  if (request.api === "stackexchange") return "Stack Exchange";
  if (/graphql/i.test(request.api) || /graphql/i.test(request.route)) return "GitHub GraphQL";
  return request.route.startsWith("GET /search/") ? "GitHub search" : "GitHub REST";
}


/** Why GraphQL mode cannot be measured here, or undefined when it can. */
async function graphqlUnavailable(): Promise<string | undefined> {
  const help = execFileSync(process.execPath, [CLI, "collect", "--help"], { encoding: "utf8" });
  if (!/--api\b/.test(help)) return "this build's collect has no --api flag";
  try {
    // The stand-in answers GraphQL by running each query against GitHub's published schema.
    (await import("../tests/fixtures/graphql/fake-github.js")).githubSchema();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

interface CollectRow {
  mode: string;
  size: number;
  requests?: Record<Api, number>;
  runs: Measured[];
  note?: string;
}

async function benchCollect(sizes: number[], modes: string[], latencyMs: number, runs: number): Promise<CollectRow[]> {
  const { startReplica } = await import("../tests/support/replica.js");
  const unavailable = await graphqlUnavailable();
  const rubric = await realRubric();
  const rows: CollectRow[] = [];
  for (const size of sizes) {
    const projects = benchProjects(size, opsSampleOf(rubric));
    for (const mode of modes) {
      if (mode === "graphql" && unavailable !== undefined) {
        rows.push({ mode, size, runs: [], note: "not available" });
        console.error(`bench: collect ${size} projects, graphql: not available (${unavailable})`);
        continue;
      }
      const row: CollectRow = { mode, size, runs: [] };
      for (let run = 0; run < runs; run++) {
        const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-bench-collect-"));
        let replica: Replica | undefined;
        try {
          await writeConfig(path.join(dir, "config"), "bench", projects);
          replica = await startReplica(replicaData(projects, AS_OF), { ...UNLIMITED, latencyMs });
          const args = ["collect", "--cohort", "bench", "--as-of", AS_OF, ...(unavailable === undefined ? ["--api", mode] : [])];
          console.error(`bench: collect ${size} projects, ${mode}, ${latencyMs} ms latency (run ${run + 1} of ${runs})`);
          const measured = await runMeasured(args, {
            cwd: dir,
            scratch: dir,
            env: {
              GITHUB_TOKEN: TOKEN,
              STACKEXCHANGE_KEY: "bench-key",
              GITHUB_API_URL: replica.githubUrl,
              STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
              SHOWDOWN_CACHE_DIR: path.join(dir, ".cache"),
            },
          });
          if (measured.code !== 0) console.error(`bench: collect exited ${measured.code}:\n${measured.stderr.split("\n").slice(-6).join("\n")}`);
          const counts = Object.fromEntries(APIS.map((a) => [a, 0])) as Record<Api, number>;
          for (const r of replica.requests) counts[apiOf(r)]++;
          row.requests = counts;
          row.runs.push(measured);
        } finally {
          await replica?.close();
          await rm(dir, { recursive: true, force: true });
        }
      }
      rows.push(row);
    }
  }
  return rows;
}

function collectTable(rows: CollectRow[], latencyMs: number): string {
  const header = ["mode", "projects", ...APIS.map((a) => a.replace("GitHub ", "GH ").replace("Stack Exchange", "SE")), "total", "per project", "wall s", "peak RSS MB", "exit"];
  const body = rows.map((r) => {
    if (!r.requests || r.runs.length === 0) return [r.mode, String(r.size), ...APIS.map(() => "-"), "-", "-", "-", "-", r.note ?? "-"];
    const total = APIS.reduce((s, a) => s + r.requests![a], 0);
    return [
      r.mode,
      String(r.size),
      ...APIS.map((a) => String(r.requests![a])),
      String(total),
      (total / r.size).toFixed(2),
      seconds(median(r.runs.map((m) => m.ms))),
      megabytes(median(r.runs.map((m) => m.rss))),
      [...new Set(r.runs.map((m) => String(m.code)))].join("/"),
    ];
  });
  const runs = Math.max(0, ...rows.map((r) => r.runs.length));
  return `collect, ${latencyMs} ms per request (median of ${runs} run(s); requests as logged by the stand-in)\n${table([header, ...body])}`;
}

/** The default cohort's file, as shipped: the backfill bench asks for what it names. */
const DEFAULT_COHORT = "deep-learning-2018";
const BACKFILL = { from: "2016-01-01", to: "2026-11-01", now: "2026-11-21T06:00:00Z" };

interface BackfillRow {
  label: string;
  projectDates: number;
  github: number;
  stackExchange: number;
  code: number | null;
  ms: number;
  /** Most requests allowed per project-date: GitHub, Stack Exchange. */
  target: [number, number];
}

/**
 * Replica data for every repository, search and tag a cohort file names: histories over the years
 * (a commit every few days since 2014, merges and bot-closed PRs in every month), repositories and
 * questions with creation dates spread over the years, so every date of a backfill has figures.
 */
function backfillData(projects: { repository: string; numericsRepository?: string; repositoryQuery: string; stackOverflowTags: string[] }[]): ReplicaData {
  const start = Date.parse("2014-01-01T00:00:00Z");
  const end = Date.parse(BACKFILL.now);
  const day = 86_400_000;
  const rng = mulberry32(17);
  const dates = (every: number) => {
    const out: string[] = [];
    for (let t = start + Math.floor(rng() * every * day); t < end; t += every * day) out.push(new Date(t).toISOString().replace(".000Z", "Z"));
    return out;
  };
  const names = [...new Set(projects.flatMap((p) => [p.repository, ...(p.numericsRepository ? [p.numericsRepository] : [])]))];
  const data: ReplicaData = { repos: [], repositorySearch: {}, repositoryCreated: {}, tags: {}, questions: [] };
  names.forEach((fullName, i) => {
    data.repos.push({
      fullName, id: 100 + i, stars: 1000 * (i + 1), forks: 100 * (i + 1), openIssues: 10 * (i + 1),
      commits: dates(2 + (i % 5)), mergedAt: dates(1 + (i % 3)),
      pulls: dates(3).map((closedAt) => ({ closedAt, labels: i % 4 === 0 ? ["Merged"] : [] })),
    });
  });
  for (const p of projects) data.repositoryCreated![p.repositoryQuery] = dates(20);
  for (const p of projects) for (const createdAt of dates(10)) data.questions!.push({ tags: p.stackOverflowTags, createdAt });
  return data;
}

async function benchBackfill(): Promise<BackfillRow[]> {
  const { startReplica } = await import("../tests/support/replica.js");
  const { parse } = await import("yaml");
  const cohortText = await readFile(path.join(ROOT, "config", `${DEFAULT_COHORT}.yaml`), "utf8");
  const projects = (parse(cohortText) as { projects: Parameters<typeof backfillData>[0] }).projects;
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-bench-backfill-"));
  const rows: BackfillRow[] = [];
  let replica: Replica | undefined;
  try {
    await cp(path.join(ROOT, "config"), path.join(dir, "config"), { recursive: true });
    replica = await startReplica(backfillData(projects), UNLIMITED);
    const env = {
      GITHUB_TOKEN: TOKEN,
      STACKEXCHANGE_KEY: "bench-key",
      GITHUB_API_URL: replica.githubUrl,
      STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
      SHOWDOWN_CACHE_DIR: path.join(dir, ".cache"),
      SHOWDOWN_NOW: BACKFILL.now,
    };
    const runs: { label: string; args: string[]; dates: number; target: [number, number] }[] = [
      {
        label: `backfill ${BACKFILL.from}..${BACKFILL.to} monthly`,
        args: ["backfill", "--cohort", DEFAULT_COHORT, "--from", BACKFILL.from, "--to", BACKFILL.to, "--every", "month", "--api", "graphql"],
        dates: (2026 - 2016) * 12 + 11,
        target: [0.1, 1],
      },
      { label: "nightly collect", args: ["collect", "--cohort", DEFAULT_COHORT, "--as-of", BACKFILL.now, "--api", "graphql"], dates: 1, target: [3, 1] },
    ];
    for (const r of runs) {
      const before = replica.requests.length;
      console.error(`bench: ${r.label} of ${DEFAULT_COHORT} (${projects.length} projects)`);
      const m = await runMeasured(r.args, { cwd: dir, scratch: dir, env });
      if (m.code !== 0) console.error(`bench: ${r.label} exited ${m.code}:\n${m.stderr.split("\n").slice(-6).join("\n")}`);
      const seen = replica.requests.slice(before);
      rows.push({
        label: r.label,
        projectDates: projects.length * r.dates,
        github: seen.filter((q) => q.api === "github").length,
        stackExchange: seen.filter((q) => q.api === "stackexchange").length,
        code: m.code,
        ms: m.ms,
        target: r.target,
      });
    }
  } finally {
    await replica?.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

function backfillTable(rows: BackfillRow[]): string {
  const header = ["run", "project-dates", "GitHub", "per project-date", "target", "SE", "per project-date", "target", "wall s", "exit", "verdict"];
  const body = rows.map((r) => {
    const gh = r.github / r.projectDates;
    const se = r.stackExchange / r.projectDates;
    const met = gh <= r.target[0] && se <= r.target[1];
    return [r.label, String(r.projectDates), String(r.github), gh.toFixed(3), `<= ${r.target[0]}`, String(r.stackExchange), se.toFixed(3), `<= ${r.target[1]}`, seconds(r.ms), String(r.code), met ? "met" : "missed"];
  });
  return `backfill and nightly collect of ${DEFAULT_COHORT} through GraphQL (requests as logged by the stand-in; issue 17's targets)\n${table([header, ...body])}`;
}

const MARKER = ".bench-history.json";

interface OfflineRow {
  label: string;
  runs: Measured[];
}

async function benchOffline(days: number, size: number, runs: number, work: string | undefined): Promise<{ rows: OfflineRow[]; bytes: number; generatedMs: number }> {
  const dir = work ? path.resolve(work) : await mkdtemp(path.join(os.tmpdir(), "showdown-bench-history-"));
  const rubric = await realRubric();
  const projects = benchProjects(size, opsSampleOf(rubric), days);
  const key = JSON.stringify({ days, size, schema: 2 });
  const snapshots = path.join(dir, "snapshots");
  let generatedMs = 0;
  try {
    const reuse = existsSync(path.join(dir, MARKER)) && (await readFile(path.join(dir, MARKER), "utf8")) === key;
    if (!reuse) {
      await rm(snapshots, { recursive: true, force: true });
      await writeConfig(path.join(dir, "config"), "bench", projects, rubric);
      const started = performance.now();
      await writeHistory({
        dir: snapshots,
        cohort: "bench",
        projects,
        days,
        onDay: (d) => {
          if (d % 30 === 29 || d === days - 1) console.error(`bench: generated ${d + 1} of ${days} snapshots`);
        },
      });
      generatedMs = performance.now() - started;
      await writeFile(path.join(dir, MARKER), key);
    }
    const folder = path.join(snapshots, "bench");
    let bytes = 0;
    for (const f of await readdir(folder)) bytes += (await stat(path.join(folder, f))).size;

    // Every command reads the snapshots and scores them under config/: there is no cache to warm.
    const commands: { label: string; args: string[] }[] = [
      { label: "score", args: ["score"] },
      { label: "score --all --format json", args: ["score", "--all", "--format", "json"] },
      { label: "diff", args: ["diff"] },
      { label: "explain", args: ["explain", projects[0]!.config.id] },
      { label: "history --metric overall", args: ["history", "--metric", "overall"] },
      { label: "export", args: ["export"] },
      { label: "export --long", args: ["export", "--long"] },
      { label: "report", args: ["report", "--out", path.join(dir, "report")] },
    ];
    const rows: OfflineRow[] = [];
    for (const c of commands) {
      const row: OfflineRow = { label: c.label, runs: [] };
      for (let run = 0; run < runs; run++) {
        console.error(`bench: ${c.label} over ${days} x ${size} (run ${run + 1} of ${runs})`);
        const m = await runMeasured([...c.args, "--cohort", "bench"], { cwd: dir, scratch: dir });
        if (m.code !== 0) console.error(`bench: ${c.label} exited ${m.code}:\n${m.stderr.split("\n").slice(-6).join("\n")}`);
        row.runs.push(m);
      }
      rows.push(row);
    }
    return { rows, bytes, generatedMs };
  } finally {
    if (!work) await rm(dir, { recursive: true, force: true });
  }
}

const WALL_TARGET_MS = 5000;
const RSS_TARGET = 500 * 1048576;

function offlineTable(rows: OfflineRow[], days: number, size: number, bytes: number): string {
  const header = ["command", "median s", "min-max s", "peak RSS MB", "output MB", "exit", "target (<5 s, <500 MB)"];
  const verdict = (ms: number, rss: number) => (ms < WALL_TARGET_MS && rss < RSS_TARGET ? "met" : `missed${ms >= WALL_TARGET_MS ? " (time)" : ""}${rss >= RSS_TARGET ? " (memory)" : ""}`);
  const body = rows.map((r) => {
    const ms = median(r.runs.map((m) => m.ms));
    const rss = Math.max(...r.runs.map((m) => m.rss));
    const walls = r.runs.map((m) => m.ms);
    return [
      r.label,
      seconds(ms),
      `${seconds(Math.min(...walls))}-${seconds(Math.max(...walls))}`,
      megabytes(rss),
      megabytes(median(r.runs.map((m) => m.outBytes))),
      [...new Set(r.runs.map((m) => String(m.code)))].join("/"),
      verdict(ms, rss),
    ];
  });
  const runs = Math.max(...rows.map((r) => r.runs.length));
  return (
    `offline, ${days} snapshots x ${size} projects (${megabytes(bytes)} MB of JSON), every snapshot scored when read; ` +
    `median of ${runs} run(s), peak RSS the largest\n${table([header, ...body])}`
  );
}

async function main(): Promise<void> {
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (!existsSync(CLI)) {
    console.error(`bench: ${CLI} is missing: run 'npm run build' first ('npm run bench' does)`);
    process.exit(1);
  }
  const latency = whole("latency", opts.latency, 0);
  const sizes = opts.sizes.split(",").map((s) => whole("sizes", s.trim(), 1));
  const modes = opts.modes.split(",").map((m) => m.trim());
  for (const m of modes) {
    if (m !== "rest" && m !== "graphql") {
      console.error(`bench: unknown mode ${JSON.stringify(m)} (rest, graphql)`);
      process.exit(1);
    }
  }
  const days = whole("history", opts.history, 2);
  const size = whole("projects", opts.projects, 1);
  const runs = opts.runs === undefined ? undefined : whole("runs", opts.runs, 1);
  const out: string[] = [
    `command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "?"}), ${megabytes(os.totalmem())} MB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`,
    `peak RSS from: ${await rssSource()}`,
  ];
  // The machine's load before and after: other processes' work inflates the figures, and so does a
  // host that gives this machine less than its cores (what the load average of a VM does not show).
  const load = () => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  if (!opts["offline-only"] && !opts["backfill-only"]) {
    const before = load();
    const table = collectTable(await benchCollect(sizes, modes, latency, runs ?? 1), latency);
    out.push("", table, `(before: ${before})`, `(after: ${load()})`);
  }
  if (!opts["offline-only"] && !opts["collect-only"]) {
    const before = load();
    out.push("", backfillTable(await benchBackfill()), `(before: ${before})`, `(after: ${load()})`);
  }
  if (!opts["collect-only"] && !opts["backfill-only"]) {
    const before = load();
    const { rows, bytes, generatedMs } = await benchOffline(days, size, runs ?? 3, opts.work);
    out.push("", offlineTable(rows, days, size, bytes), `(before: ${before})`, `(after: ${load()})`);
    if (generatedMs > 0) out.push(`(history generated in ${seconds(generatedMs)} s, not counted)`);
  }
  console.log(out.join("\n"));
}

await main();

/**
 * What the reliability tests compare against: cohorts and replica data (a small hand-made one and
 * generated ones of any size), and the exact raw figures a correct collector must derive from them,
 * computed independently of src/ from the replica's data.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import type { ReplicaData, ReplicaRepo, Replica } from "../support/replica.js";
import { mulberry32 } from "../support/faults.js";
import { Snapshot } from "../../src/snapshot/schema.js";
import type { ConfigProject } from "../support/config.js";

export const TOKEN = "ghp_reliabilitySecret0123456789abcdefABCD";
export const SE_KEY = "se-reliability-key-(42)";
export const AS_OF = "2026-11-21T06:00:00.000Z";

/** A project of a generated cohort: its config entry without ratings. */
export type TestProject = Omit<ConfigProject, "ratings" | "sources">;

export function cohortYaml(cohort: string, projects: TestProject[]): string {
  return stringify({ cohort, description: "Reliability test cohort.", windowDays: 30, projects });
}

/** Three projects: a rename with a numerics repository, an empty repository, a tag that does not exist. */
export const SMALL: TestProject[] = [
  { id: "alpha", name: "Alpha", repository: "alpha-org/alpha", stackOverflowTags: ["alpha", "alpha-lang"], repositoryQuery: "alpha in:readme" },
  { id: "beta", name: "Beta", repository: "beta-org/old-beta", stackOverflowTags: ["beta"], repositoryQuery: "topic:beta", numericsRepository: "beta-org/beta-numerics" },
  { id: "gamma", name: "Gamma", repository: "gamma-org/gamma", stackOverflowTags: ["gamma-nonexistent"], repositoryQuery: "gamma" },
];

export function smallData(): ReplicaData {
  return {
    repos: [
      {
        fullName: "alpha-org/alpha", id: 101, stars: 1200, forks: 300, openIssues: 42,
        commits: ["2026-11-07T06:00:00Z", "2026-11-21T07:00:00Z", "2026-10-01T00:00:00Z"],
        mergedAt: ["2026-10-22T06:00:00Z", "2026-10-22T06:00:01Z", "2026-11-10T12:00:00Z", "2026-11-21T06:00:00Z", "2026-11-21T06:00:01Z"],
      },
      {
        fullName: "beta-org/beta", id: 202, defaultBranch: "master", stars: 50, forks: 5, openIssues: 3, archived: true,
        formerNames: ["beta-org/old-beta"], commits: ["2026-11-20T06:00:00Z"], mergedAt: ["2026-11-01T00:00:00Z"],
      },
      { fullName: "beta-org/beta-numerics", id: 203, stars: 10, forks: 1, openIssues: 0, commits: ["2026-10-24T06:00:00Z"], mergedAt: [] },
      { fullName: "gamma-org/gamma", id: 303, stars: 0, forks: 0, openIssues: 0, commits: [], mergedAt: [] },
    ],
    repositorySearch: { "alpha in:readme": 999, "topic:beta": 9, gamma: 0 },
    tags: { alpha: 60, "alpha-lang": 39, beta: 9 },
  };
}

/**
 * A cohort of `n` projects with seeded figures: every 10th has a numerics repository, every 25th was
 * renamed, every 50th is empty, some tags are shared and some do not exist.
 */
export function generated(n: number, seed: number, asOf = AS_OF): { projects: TestProject[]; data: ReplicaData } {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * max);
  const at = Date.parse(asOf);
  const instant = (maxDaysBack: number, maxDaysAhead = 0) => new Date(at - int(maxDaysBack * 86_400) * 1000 + int(maxDaysAhead * 86_400) * 1000).toISOString().replace(".000Z", "Z");
  const projects: TestProject[] = [];
  const data: ReplicaData = { repos: [], repositorySearch: {}, tags: {} };
  const repo = (fullName: string, id: number, extra: Partial<ReplicaRepo> = {}): ReplicaRepo => ({
    fullName,
    id,
    stars: int(200_000),
    forks: int(50_000),
    openIssues: int(5000),
    archived: int(20) === 0,
    ...(int(3) === 0 ? { defaultBranch: "master" } : {}),
    commits: Array.from({ length: 1 + int(4) }, () => instant(400, int(2) === 0 ? 5 : 0)),
    mergedAt: Array.from({ length: int(40) }, () => instant(45, 2)),
    ...extra,
  });
  for (let i = 0; i < n; i++) {
    const id = `p${String(i).padStart(3, "0")}`;
    const name = `org-${i}/repo-${i}`;
    const renamed = i % 25 === 7;
    const current = renamed ? `org-${i}/repo-${i}-new` : name;
    data.repos.push(repo(current, 1000 + i, { ...(renamed ? { formerNames: [name] } : {}), ...(i % 50 === 13 ? { commits: [], mergedAt: [] } : {}) }));
    const tags = [`tag-${i}`, ...(i % 3 === 0 ? [`shared-${i % 7}`] : [])];
    for (const t of tags) if (i % 17 !== 5 || !t.startsWith("tag-")) data.tags[t] = int(100_000);
    const query = `topic:topic-${i}`;
    data.repositorySearch[query] = int(300_000);
    const project: TestProject = { id, name: `Project ${i}`, repository: name, stackOverflowTags: tags, repositoryQuery: query };
    if (i % 10 === 4) {
      project.numericsRepository = `num-${i}/numerics`;
      data.repos.push(repo(project.numericsRepository, 5000 + i));
    }
    projects.push(project);
  }
  return { projects, data };
}

function findRepo(data: ReplicaData, fullName: string): ReplicaRepo | undefined {
  const key = fullName.toLowerCase();
  return data.repos.find((r) => r.fullName.toLowerCase() === key || (r.formerNames ?? []).some((f) => f.toLowerCase() === key));
}

function newest(repo: ReplicaRepo, until: number): string | null {
  const eligible = repo.commits.filter((d) => Date.parse(d) <= until).sort((a, b) => Date.parse(b) - Date.parse(a));
  return eligible[0] ?? null;
}

/** (asOf - window, asOf] at whole seconds, as GitHub's merged:A..B with both ends inclusive. */
function inWindow(dates: readonly string[], asOf: string, windowDays: number): number {
  const start = Math.floor((Date.parse(asOf) - windowDays * 86_400_000) / 1000) * 1000 + 1000;
  const end = Math.floor(Date.parse(asOf) / 1000) * 1000;
  return dates.filter((d) => Date.parse(d) >= start && Date.parse(d) <= end).length;
}

function merged(repo: ReplicaRepo, asOf: string, windowDays: number): number {
  return inWindow(repo.mergedAt, asOf, windowDays);
}

/** Distinct questions carrying any of the tags, asked by asOf: the replica's tag counts are questions of one tag each, from 2010. */
function questions(data: ReplicaData, tags: readonly string[], asOf: string): number {
  const wanted = new Set(tags);
  const fromTags = Date.parse(asOf) >= Date.parse("2010-01-01T00:00:00Z") ? [...wanted].reduce((s, t) => s + (data.tags[t] ?? 0), 0) : 0;
  return fromTags + (data.questions ?? []).filter((q) => q.tags.some((t) => wanted.has(t)) && Date.parse(q.createdAt) <= Date.parse(asOf)).length;
}

/** The exact raw figures of a project whose repositories all exist. */
export function expectedRaw(data: ReplicaData, p: TestProject, asOf = AS_OF, windowDays = 30): Record<string, unknown> {
  const repo = findRepo(data, p.repository);
  if (!repo) throw new Error(`no repository ${p.repository} in the data`);
  const raw: Record<string, unknown> = {
    lastCommitAt: newest(repo, Date.parse(asOf)),
    mergedPullRequests: merged(repo, asOf, windowDays),
    repositoryCount: data.repositorySearch[p.repositoryQuery!] ?? 0,
    stackOverflowQuestions: questions(data, p.stackOverflowTags, asOf),
    stars: repo.stars,
    forks: repo.forks,
    openIssues: repo.openIssues,
    archived: repo.archived ?? false,
    commits: inWindow(repo.commits, asOf, windowDays),
  };
  if (p.numericsRepository) {
    const numerics = findRepo(data, p.numericsRepository)!;
    raw.numericsLastCommitAt = newest(numerics, Date.parse(asOf));
    raw.numericsMergedPullRequests = merged(numerics, asOf, windowDays);
    raw.numericsCommits = inWindow(numerics.commits, asOf, windowDays);
  }
  return raw;
}

export function env(replica: Pick<Replica, "githubUrl" | "stackExchangeUrl">, extra: Record<string, string> = {}): Record<string, string> {
  // SHOWDOWN_NOW: the run happens at AS_OF, so the figures that exist only as of now are asked.
  return { GITHUB_TOKEN: TOKEN, STACKEXCHANGE_KEY: SE_KEY, GITHUB_API_URL: replica.githubUrl, STACKEXCHANGE_API_URL: replica.stackExchangeUrl, SHOWDOWN_NOW: AS_OF, ...extra };
}

/** Fast failure handling for tests: short timeouts and retry delays (documented in docs/reliability.md). */
/**
 * Short back-off and Stack Exchange spacing, and an HTTP timeout no answer of the stand-in reaches even on a loaded machine: a
 * test that wants a timeout sets a short one itself (a real timer, so a busy stand-in could trip it).
 */
export const FAST = { SHOWDOWN_HTTP_TIMEOUT_MS: "20000", SHOWDOWN_RETRY_BASE_MS: "10", SHOWDOWN_SE_SPACING_MS: "1" };

export async function readSnapshotIn(dir: string, cohort: string, asOf = AS_OF): Promise<{ text: string; snap: Snapshot }> {
  const text = await readFile(path.join(dir, "snapshots", cohort, `${asOf.slice(0, 10)}.json`), "utf8");
  return { text, snap: Snapshot.parse(JSON.parse(text)) };
}

/** Every file under dir (recursively) with its content, for secret scans. */
export async function allFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, file), await readFile(file, "utf8"));
  }
  return out;
}

/** The snapshot without what legitimately differs between two runs of the same figures. */
export function comparable(snap: Snapshot): unknown {
  const { generatedAt: _g, requests: _r, ...rest } = snap;
  return rest;
}

/** The path the server saw as one figure's request (status 200 or 304), keyed without the API prefix. */
export function figureRequests(replica: Replica): string[] {
  return replica.requests.filter((r) => r.status === 200 || r.status === 304).map((r) => `${r.api} ${r.path}`);
}

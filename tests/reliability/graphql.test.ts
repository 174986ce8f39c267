/**
 * GitHub's GraphQL API through the CLI (`--api graphql`, the default with a token) against the
 * replica's /api/graphql, which runs every query against GitHub's schema: a rate limit that arrives
 * with HTTP 200, a budget that would run out, a stopped run resumed, transient failures, and the
 * token kept out of everything. (The REST path's failures are in github.test.ts.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { startReplica, RESET_EPOCH, type Replica, type ReplicaData, type ReplicaOptions } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed, startCli, type Running } from "../support/spawn.js";
import { runInProcess } from "../support/io.js";
import { connectionReset, graphqlRateLimited, serverError } from "../support/faults.js";
import { allFiles, AS_OF, cohortYaml, comparable, env, expectedRaw, FAST, generated, readSnapshotIn, SE_KEY, TOKEN, type TestProject } from "./model.js";
import { RAW_FIELDS, type Snapshot } from "../../src/snapshot/schema.js";

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.close()));
});

/** What one POST asked for, read from its variables: repositories (as configured) and searches. */
interface Post {
  attempt: number;
  repositories: string[];
  searches: string[];
}

function parsePost(body: string, attempt: number): Post {
  const variables = (JSON.parse(body) as { variables: Record<string, string> }).variables;
  const repositories: string[] = [];
  const searches: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    const i = /^o(\d+)$/.exec(name)?.[1];
    if (i !== undefined) repositories.push(`${value}/${variables[`n${i}`]}`);
    const s = /^s(\d+)$/.exec(name)?.[1];
    if (s !== undefined && variables[`o${s}`] === undefined) searches.push(value);
  }
  return { attempt, repositories, searches };
}

/** A replica that records every POST it is sent (before any fault), and the fault to answer with. */
async function replicaFor(data: ReplicaData, fault?: (post: Post) => ReturnType<NonNullable<ReplicaOptions["fault"]>>, options: ReplicaOptions = {}) {
  const posts: Post[] = [];
  const replica = await startReplica(data, {
    ...options,
    fault: (ctx) => {
      if (ctx.route !== "POST /graphql") return undefined;
      const post = parsePost(ctx.body, ctx.attempt);
      posts.push(post);
      return fault?.(post);
    },
  });
  replicas.push(replica);
  return { replica, posts };
}

/** In-process unless `spawned`: a real process where secrets are checked (in-process, a secret an earlier run registered would hide one this run forgot). */
async function collect(replica: Replica, dir: string, extra: Record<string, string> = {}, spawned = false) {
  // A timeout long enough that a slow answer on a busy machine is not sent again: the POSTs counted are the ones needed.
  const result = await (spawned ? runCliTimed : runInProcess)(["collect", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000", ...extra }) });
  expect(result.stderr).not.toContain("unexpected error");
  expect(replica.graphqlInvalid).toEqual([]);
  return result;
}

const githubRequests = (replica: Replica) => replica.requests.filter((r) => r.api === "github");

/** Every figure exactly as the replica's data says, and no error. */
function expectExact(snap: Snapshot, data: ReplicaData, projects: TestProject[]): void {
  for (const p of projects) {
    const got = snap.projects.find((q) => q.id === p.id)!;
    expect(got.raw, p.id).toEqual(expectedRaw(data, p));
    expect(got.errors, p.id).toEqual([]);
  }
}

const REPO_FIELDS = ["lastCommitAt", "mergedPullRequests", "commits", "stars", "forks", "openIssues", "archived"] as const;
const NUMERICS_FIELDS = ["numericsLastCommitAt", "numericsMergedPullRequests", "numericsCommits"] as const;

describe("a GraphQL rate limit that arrives with HTTP 200", () => {
  it("keeps the figures fetched before it, makes the rest errors (no request after it), exit 2; the same --as-of after the reset fetches only those", async () => {
    // 60 projects: 66 repositories and 60 searches, three POSTs; the second is refused.
    const { projects, data } = generated(60, 21);
    // The first POST's answer comes 500 ms late, so the refusal reaches the client first, as the test
    // assumes: answered first, the first POST would let a third go out before the refusal arrived.
    const { replica, posts } = await replicaFor(data, (post) => (post.attempt === 2 ? graphqlRateLimited(RESET_EPOCH) : post.attempt === 1 ? { delayMs: 500 } : undefined));
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    // A timeout long enough that no POST is sent twice: the second POST is the one refused.
    const result = await collect(replica, dir, { SHOWDOWN_HTTP_TIMEOUT_MS: "10000" });
    expect(result.code).toBe(2);

    // The two first POSTs went out together; nothing after the rate limit.
    expect(githubRequests(replica).map((r) => r.route)).toEqual(["POST /graphql", "POST /graphql"]);
    const answered = new Set(posts[0]!.repositories);
    expect(answered.size).toBe(50);
    const { snap } = await readSnapshotIn(dir, "rel");
    const resetAt = new Date(RESET_EPOCH * 1000).toISOString();
    let missing = 0;
    for (const p of projects) {
      const got = snap.projects.find((q) => q.id === p.id)!;
      const want = expectedRaw(data, p);
      const renamed = data.repos.some((r) => r.formerNames?.includes(p.repository));
      const kept: string[] = ["stackOverflowQuestions"];
      // A renamed repository's merged count is asked again under its new name: that search was not sent.
      if (answered.has(p.repository)) kept.push(...REPO_FIELDS.filter((f) => f !== "mergedPullRequests" || !renamed));
      if (p.numericsRepository && answered.has(p.numericsRepository)) kept.push(...NUMERICS_FIELDS);
      for (const field of RAW_FIELDS.filter((f) => f in want)) {
        if (kept.includes(field)) {
          expect(got.raw[field], `${p.id} ${field}`).toEqual(want[field]);
        } else {
          expect(got.raw[field], `${p.id} ${field}`).toBeNull();
          const error = got.errors.find((e) => e.field === field);
          expect(error?.message, `${p.id} ${field}`).toMatch(
            new RegExp(`^github graphql: (POST ${replica.graphqlUrl}: RATE_LIMITED: API rate limit exceeded for user ID 1\\. \\(resets at ${resetAt}|not sent: 0 points left, .* the limit resets at ${resetAt})`),
          );
          missing += 1;
        }
      }
      expect(got.errors).toHaveLength(Object.keys(want).length - kept.length);
    }
    expect(missing).toBeGreaterThan(60); // every repository count, and the second and third POSTs' repositories
    expect(result.stderr).toMatch(/^github graphql: rate limit used up; it resets in \d+ s, more than the 900 s allowed \(--max-wait\); no more GraphQL requests this run$/m);
    expect(result.stderr).toContain(`stopped: the GitHub GraphQL rate limit is used up until 00:00:00Z, more than --max-wait away; ${missing} figures not fetched: run again with --as-of ${AS_OF} after the reset to fetch only those`);
    // 45 repositories with their details and 5 numerics repositories: 240 connections, 2 points.
    expect(result.stderr).toMatch(/^requests: github graphql 2, cost 2 points, 0\/5,000 points left until 00:00:00Z \(authenticated\); stack exchange 60 /m);
    expect(snap.requests).toEqual({ github: 0, githubSearch: 0, githubGraphql: 2, stackExchange: 60 });

    // After the reset: only what is missing is asked for, and the snapshot is complete.
    posts.length = 0;
    const again = await collect(replica, dir);
    expect(again.code).toBe(0);
    expectExact((await readSnapshotIn(dir, "rel")).snap, data, projects);
    // No repository answered the first time is asked again; of a renamed one only its searches under the
    // new name: the merged count, and the bot-landed check (closed unmerged PRs) of one with no landing rule.
    const asked = posts.flatMap((p) => p.repositories);
    expect(asked.filter((name) => answered.has(name))).toEqual([]);
    expect(asked).toHaveLength(66 - answered.size);
    const renamedBefore = data.repos.filter((r) => r.formerNames?.some((f) => answered.has(f)));
    expect(renamedBefore.length).toBeGreaterThan(0);
    const searches = posts.flatMap((p) => p.searches);
    for (const r of renamedBefore) {
      expect(searches.filter((q) => q.startsWith(`repo:${r.fullName} `)).map((q) => q.replace(/ (merged|closed):\S+$/, "")), r.fullName).toEqual([
        `repo:${r.fullName} is:pr is:merged`,
        `repo:${r.fullName} is:pr is:closed is:unmerged`,
      ]);
    }
    expect(again.stderr).toMatch(/; \d+ answers from the run cache$/m);
  });

  it("the 2026 form (type RATE_LIMIT, no data field) too", async () => {
    const { projects, data } = generated(3, 4);
    const { replica } = await replicaFor(data, () => graphqlRateLimited(RESET_EPOCH, "2026"));
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await collect(replica, dir);
    // Only the Stack Overflow counts: written (exit 2), every GitHub figure an error naming the limit.
    expect(result.code).toBe(2);
    const { snap } = await readSnapshotIn(dir, "rel");
    for (const p of snap.projects) expect(p.errors.every((e) => /RATE_LIMIT: API rate limit already exceeded/.test(e.message))).toBe(true);
    expect(githubRequests(replica)).toHaveLength(1);
  });
});

describe("the GraphQL budget", () => {
  it("is read from every answer, and no query is sent that would spend the last points: stopped before GitHub refuses anything, exit 2", async () => {
    // 12 points an hour; 10 are kept in reserve. Two queries go out before the first answer tells.
    const { projects, data } = generated(120, 3);
    // The second answer comes 500 ms late, so the client reads the first (10 left, 2 in flight) before it.
    const { replica } = await replicaFor(data, (post) => (post.attempt === 2 ? { delayMs: 500 } : undefined), { graphqlLimit: 12 });
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await collect(replica, dir);
    expect(result.code).toBe(2);
    expect(githubRequests(replica).map((r) => r.status)).toEqual([200, 200]);
    const { snap } = await readSnapshotIn(dir, "rel");
    const errors = snap.projects.flatMap((p) => p.errors);
    expect(errors.length).toBeGreaterThan(0);
    // Each query of 50 repositories costs 2 points: 8 are left, and the next (1 or 2) would eat into the 10 kept.
    for (const e of errors) {
      expect(e.message).toMatch(/^github graphql: not sent: 8 points left, the next query costs about [12] and 10 are kept in reserve; the limit resets at 2100-01-01T00:00:00(\.000)?Z, in \d+ s, more than the 900 s allowed$/);
    }
    expect(result.stderr).toMatch(/^requests: github graphql 2, cost 4 points, 8\/12 points left until 00:00:00Z \(authenticated\); /m);
  });
});

describe("transient failures", () => {
  it("a 502 (a query too heavy) is sent again in halves, a reset connection is retried: every figure exact, exit 0", async () => {
    const { projects, data } = generated(30, 8);
    const { replica } = await replicaFor(data, (post) => (post.attempt === 1 ? serverError(502) : post.attempt === 2 ? connectionReset : undefined));
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await collect(replica, dir);
    expect(result.code).toBe(0);
    expectExact((await readSnapshotIn(dir, "rel")).snap, data, projects);
    expect(result.stderr).toMatch(/^github graphql: a query of 50 groups timed out \(.*502.*\); sending it in halves of 25 and 25$/m);
  });
});

describe("a GraphQL run stopped part way", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("%s at the third POST: exit 130, nothing written; the same --as-of again sends only what is missing and writes an uninterrupted run's snapshot", async (signal) => {
    // 120 projects: 132 repositories and 120 searches, 6 POSTs (and one for renamed repositories' counts).
    const { projects, data } = generated(120, 12);
    const yaml = cohortYaml("rel", projects);
    const clean = await replicaFor(data, undefined, { latencyMs: 20 });
    const cleanDir = await tempProject("rel", yaml);
    expect((await collect(clean.replica, cleanDir)).code).toBe(0);
    const expected = (await readSnapshotIn(cleanDir, "rel")).snap;

    const ref: { running?: Running } = {};
    const stopped = await replicaFor(data, undefined, {
      latencyMs: 20,
      onRequest: (r, all) => {
        if (r.route === "POST /graphql" && all.filter((q) => q.route === "POST /graphql").length === 3) ref.running!.child.kill(signal);
      },
    });
    const dir = await tempProject("rel", yaml);
    ref.running = startCli(["collect", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(stopped.replica, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000" }) });
    const first = await ref.running.done;
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(new RegExp(`^oss-showdown: \\d+ answers kept in .cache/runs/rel--${AS_OF.replace(/:/g, "")}\\.jsonl; run again with --as-of ${AS_OF} to go on from there$`, "m"));
    // Those under way when the signal came finished (the signal takes a moment to arrive); no others were sent.
    const sentFirst = stopped.posts.length;
    expect(sentFirst).toBeGreaterThanOrEqual(3);
    expect(sentFirst).toBeLessThan(clean.posts.length - 1);

    const second = await collect(stopped.replica, dir);
    expect(second.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel");
    expect(comparable(snap)).toEqual(comparable(expected));
    // Nothing asked twice: every repository and search once over both runs.
    const asked = stopped.posts.flatMap((p) => [...p.repositories, ...p.searches]);
    expect(asked.filter((a, i) => asked.indexOf(a) !== i)).toEqual([]);
    expect(stopped.posts.length).toBeLessThanOrEqual(clean.posts.length + 1);
  });
});

describe("secrets", () => {
  it("a token quoted back in an alias error is scrubbed from output, snapshot and caches", async () => {
    const { projects, data } = generated(4, 6);
    const { replica } = await replicaFor(data, (post) =>
      post.attempt === 1
        ? { status: 200, body: { data: null, errors: [{ type: "FORBIDDEN", path: ["r0"], message: `token seen: ${TOKEN}` }] } }
        : undefined,
    );
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const result = await collect(replica, dir, {}, true);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("FORBIDDEN: token seen: ***");
    for (const [file, text] of [["output", result.stdout + result.stderr], ...(await allFiles(dir))]) {
      expect(text, file).not.toContain(TOKEN);
      expect(text, file).not.toContain(SE_KEY);
    }
    // The others were asked again without the one blamed, and are exact.
    const { snap } = await readSnapshotIn(dir, "rel");
    expect(snap.projects.filter((p) => p.errors.length > 0).map((p) => p.id)).toEqual([projects[0]!.id]);
  });
});

/**
 * Hostile answers (issue 20), through the CLI and the hostile proxy (tests/support/hostile.ts)
 * in front of the replica: each test rewrites one real answer and checks that only the figures it
 * fed are lost, named with the request and the value, and that the rest of the night is kept.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { startReplica, type Replica, type ReplicaData } from "../support/replica.js";
import { editJson, startHostileProxy, type HostileOptions, type HostileProxy } from "../support/hostile.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed } from "../support/spawn.js";
import { runInProcess } from "../support/io.js";
import { allFiles, AS_OF, cohortYaml, env, expectedRaw, FAST, generated, readSnapshotIn, SE_KEY, SMALL, smallData, TOKEN, type TestProject } from "./model.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const RUN_CACHE = path.join(".cache", "runs", `rel--${AS_OF.replace(/:/g, "")}.jsonl`);

interface Setup {
  data?: ReplicaData;
  projects?: TestProject[];
  proxy?: HostileOptions;
}

async function setup(s: Setup = {}): Promise<{ dir: string; replica: Replica; proxy: HostileProxy; data: ReplicaData; projects: TestProject[] }> {
  const data = s.data ?? smallData();
  const projects = s.projects ?? SMALL;
  const replica = await startReplica(data, { searchLimit: 100_000 });
  open.push(replica);
  const proxy = await startHostileProxy(replica, s.proxy);
  open.push(proxy);
  const dir = await tempProject("rel", cohortYaml("rel", projects));
  return { dir, replica, proxy, data, projects };
}

/** In-process unless `spawned`: a real process where secrets are checked, since in-process a secret an earlier run registered would hide one this run forgot. */
function collect(dir: string, proxy: HostileProxy, args: string[] = [], extra: Record<string, string> = {}, spawned = false) {
  // A timeout that a loaded machine does not reach: these tests count requests, and a retry after a timeout would add one.
  return (spawned ? runCliTimed : runInProcess)(["collect", "--cohort", "rel", "--as-of", AS_OF, ...args], { cwd: dir, env: env(proxy, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "20000", ...extra }) });
}

async function project(dir: string, id: string) {
  return (await readSnapshotIn(dir, "rel")).snap.projects.find((p) => p.id === id)!;
}

const cacheLines = async (dir: string) => (await readFile(path.join(dir, RUN_CACHE), "utf8")).split("\n").filter(Boolean);

describe("1. out-of-range figures", () => {
  it("a Stack Exchange count of -1 or 2.5: that figure is null with the request and the value, the rest kept, exit 2, not cached", async () => {
    let hostile = true;
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: editJson((req, body) => {
          if (!hostile || req.api !== "stackexchange") return undefined;
          // One /search/advanced a project (filter=total: { total } alone).
          if (req.path.includes("tagged=alpha;")) return { total: -1 };
          if (req.path.includes("tagged=beta&")) return { total: 2.5 };
          return body;
        }),
      },
    });
    const first = await collect(dir, proxy, ["--api", "rest"]);
    expect(first.stderr).not.toContain("unexpected error");
    expect(first.code).toBe(2);
    const alpha = await project(dir, "alpha");
    expect(alpha.raw).toEqual({ ...expectedRaw(data, projects[0]!), stackOverflowQuestions: null });
    expect(alpha.errors).toEqual([{ field: "stackOverflowQuestions", message: expect.stringMatching(/^stackexchange: total -1 is not a count .*\(GET \/2\.3\/search\/advanced tagged=alpha;alpha-lang\)$/) }]);
    const beta = await project(dir, "beta");
    expect(beta.raw.stackOverflowQuestions).toBeNull();
    expect(beta.errors[0]!.message).toMatch(/total 2\.5 is not a count .*tagged=beta\)$/);
    // The bad answers were not kept: the next run asks for them again and gets the real counts.
    expect((await cacheLines(dir)).filter((l) => l.includes('"questions alpha;alpha-lang') || l.includes('"questions beta '))).toEqual([]);
    hostile = false;
    const second = await collect(dir, proxy, ["--api", "rest"]);
    expect(second.code).toBe(0);
    expect((await project(dir, "alpha")).raw.stackOverflowQuestions).toBe(99);
    expect((await project(dir, "beta")).raw.stackOverflowQuestions).toBe(9);
  });

  it("REST: a total_count of 1e308 or -3 and a date after asOf: null with the request and the value, exit 2, rerun asks again", async () => {
    let hostile = true;
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: (req, answer) => {
          if (!hostile || req.api !== "github") return undefined;
          if (req.path.startsWith("/search/repositories")) return { text: answer.text.replace(/"total_count":\d+/, '"total_count":1e308') };
          if (req.path.startsWith("/search/issues") && req.path.includes("beta-numerics")) return { text: answer.text.replace(/"total_count":\d+/, '"total_count":-3') };
          if (req.path.startsWith("/repos/alpha-org/alpha/commits")) return { text: answer.text.replace(/"date":"[^"]+"/g, '"date":"2031-01-01T00:00:00Z"') };
          return undefined;
        },
      },
    });
    const first = await collect(dir, proxy, ["--api", "rest"]);
    expect(first.stderr).not.toContain("unexpected error");
    expect(first.code).toBe(2);
    const alpha = await project(dir, "alpha");
    expect(alpha.raw).toEqual({ ...expectedRaw(data, projects[0]!), repositoryCount: null, lastCommitAt: null });
    expect(alpha.errors.map((e) => e.field)).toEqual(["lastCommitAt", "repositoryCount"]);
    expect(alpha.errors[0]!.message).toMatch(/GET \/repos\/alpha-org\/alpha\/commits.*2031-01-01T00:00:00Z is after/);
    expect(alpha.errors[1]!.message).toMatch(/GET \/search\/repositories \(q: alpha in:readme created:<=2026-11-21T06:00:00Z\).*1e\+308 is not a count/);
    const beta = await project(dir, "beta");
    expect(beta.raw.numericsMergedPullRequests).toBeNull();
    expect(beta.errors.find((e) => e.field === "numericsMergedPullRequests")!.message).toMatch(/GET \/search\/issues .*-3 is not a count/);
    expect((await cacheLines(dir)).filter((l) => l.includes("1e+308") || l.includes("2031-") || l.includes(":-3"))).toEqual([]);
    hostile = false;
    const second = await collect(dir, proxy, ["--api", "rest"]);
    expect(second.code).toBe(0);
    for (const p of projects) expect((await project(dir, p.id)).raw).toEqual(expectedRaw(data, p));
  });

  it("GraphQL: a committedDate that is not a date and a negative star count fail those figures only", async () => {
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: editJson((req, body) => {
          if (req.api !== "graphql") return undefined;
          const d = (body as { data: Record<string, { nameWithOwner?: string; stargazerCount?: number; defaultBranchRef?: { target?: { history?: { nodes: { committedDate: string }[] } } } }> }).data;
          for (const value of Object.values(d ?? {})) {
            if (value?.nameWithOwner === "alpha-org/alpha") value.defaultBranchRef!.target!.history!.nodes[0]!.committedDate = "not a date";
            if (value?.nameWithOwner === "beta-org/beta") value.stargazerCount = -5;
          }
          return body;
        }),
      },
    });
    const result = await collect(dir, proxy, ["--api", "graphql"]);
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(2);
    const alpha = await project(dir, "alpha");
    expect(alpha.raw).toEqual({ ...expectedRaw(data, projects[0]!), lastCommitAt: null });
    expect(alpha.errors).toEqual([{ field: "lastCommitAt", message: expect.stringMatching(/repository alpha-org\/alpha.*"not a date" is not a date-time/) }]);
    const beta = await project(dir, "beta");
    expect(beta.raw).toEqual({ ...expectedRaw(data, projects[1]!), stars: null });
    expect(beta.errors).toEqual([{ field: "stars", message: expect.stringMatching(/-5 is not a count/) }]);
    expect((await cacheLines(dir)).filter((l) => l.includes("not a date") || l.includes("-5"))).toEqual([]);
  });
});

describe("2. waits past --max-wait", () => {
  it("a Stack Exchange backoff of 86400 s is not waited for: the API stops for the run, its figures missing, exit 2", async () => {
    // Enough projects that Stack Exchange requests remain after the first: the assertions need one answered and some never sent.
    const { projects, data } = generated(12, 5);
    const { dir, proxy, replica } = await setup({
      data,
      projects,
      proxy: { rewrite: editJson((req, body) => (req.api === "stackexchange" ? { ...(body as object), backoff: 86_400 } : undefined)) },
    });
    const result = await collect(dir, proxy, ["--api", "rest", "--max-wait", "5"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/stackexchange: the API asked to back off 86400 s, more than the 5 s allowed \(--max-wait\); no more Stack Exchange requests this run/);
    // One batch answered (its counts kept), the second never sent.
    expect(replica.requests.filter((r) => r.api === "stackexchange")).toHaveLength(1);
    const snap = (await readSnapshotIn(dir, "rel")).snap;
    const missing = snap.projects.filter((p) => p.raw.stackOverflowQuestions === null);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(projects.length);
    for (const p of missing) expect(p.errors.find((e) => e.field === "stackOverflowQuestions")!.message).toContain("--max-wait");
  });
});

describe("3. response size caps", () => {
  // 32 MB of spaces in 32 KB: made once, so that the proxy answers within the tests' short timeout.
  const BOMB = gzipSync(Buffer.alloc(32 * 1024 * 1024, " "));
  const bomb = () => BOMB;

  it("a gzip bomb from GitHub REST and from Stack Exchange: an error for that request's figures, not retried, the rest kept", async () => {
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: (req, answer) => {
          const headers = { ...answer.headers, "content-encoding": "gzip", "content-type": "application/json; charset=utf-8" };
          if (req.api === "github" && req.path === "/repos/alpha-org/alpha") return { headers, bytes: bomb() };
          if (req.api === "stackexchange") return { headers, bytes: bomb() };
          return undefined;
        },
      },
    });
    // Each project's Stack Exchange bomb is inflated up to the cap in the CLI: a timeout long enough that
    // this work does not make other requests time out and be sent again.
    const result = await collect(dir, proxy, ["--api", "rest"], { SHOWDOWN_HTTP_TIMEOUT_MS: "10000" });
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(2);
    expect(proxy.seen.filter((r) => r.path === "/repos/alpha-org/alpha")).toHaveLength(1);
    // One request a project, none retried (the first alone: its error is no throttle, so the others follow).
    const se = proxy.seen.filter((r) => r.api === "stackexchange");
    expect(new Set(se.map((r) => r.path)).size).toBe(se.length);
    const alpha = await project(dir, "alpha");
    expect(alpha.errors.find((e) => e.field === "stars")!.message).toMatch(/GET \/repos\/alpha-org\/alpha: answer larger than 1,048,576 bytes \(SHOWDOWN_MAX_RESPONSE_BYTES_GITHUB\)/);
    expect(alpha.errors.find((e) => e.field === "stackOverflowQuestions")!.message).toMatch(/answer larger than 1,048,576 bytes \(SHOWDOWN_MAX_RESPONSE_BYTES_STACKEXCHANGE\)/);
    // The merged count has its own request: kept.
    expect(alpha.raw.mergedPullRequests).toBe(expectedRaw(data, projects[0]!).mergedPullRequests);
    expect((await project(dir, "gamma")).raw.repositoryCount).toBe(0);
  });

  it("a gzip bomb from GitHub GraphQL: the figures of that POST are errors, it is not sent again, Stack Exchange's counts are kept", async () => {
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: (req, answer) =>
          req.api === "graphql" ? { headers: { ...answer.headers, "content-encoding": "gzip", "content-type": "application/json; charset=utf-8" }, bytes: bomb() } : undefined,
      },
    });
    const result = await collect(dir, proxy, ["--api", "graphql"], { SHOWDOWN_MAX_RESPONSE_BYTES_GRAPHQL: "1048576" });
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(2);
    expect(proxy.seen.filter((r) => r.api === "graphql")).toHaveLength(1);
    const alpha = await project(dir, "alpha");
    expect(alpha.errors.find((e) => e.field === "stars")!.message).toMatch(/answer larger than 1,048,576 bytes \(SHOWDOWN_MAX_RESPONSE_BYTES_GRAPHQL\)/);
    expect(alpha.raw.stackOverflowQuestions).toBe(expectedRaw(data, projects[0]!).stackOverflowQuestions);
  });

  it("the caps can be raised: an answer of 300 KB passes a cap of 400,000 and fails one of 200,000", async () => {
    const pad = "x".repeat(300_000);
    const { dir, proxy } = await setup({
      proxy: { rewrite: editJson((req, body) => (req.api === "github" && req.path === "/repos/gamma-org/gamma" ? { ...(body as object), description: pad } : undefined)) },
    });
    const small = await collect(dir, proxy, ["--api", "rest"], { SHOWDOWN_MAX_RESPONSE_BYTES_GITHUB: "200000" });
    expect(small.code).toBe(2);
    expect((await project(dir, "gamma")).raw.stars).toBeNull();
    const large = await collect(dir, proxy, ["--api", "rest"], { SHOWDOWN_MAX_RESPONSE_BYTES_GITHUB: "400000" });
    expect(large.code).toBe(0);
    expect((await project(dir, "gamma")).raw.stars).toBe(0);
  });
});

describe("11. GraphQL partial answers", () => {
  it("a field error on the star count keeps the repository's last commit, merged count and other details", async () => {
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: editJson((req, body) => {
          if (req.api !== "graphql") return undefined;
          const b = body as { data: Record<string, { nameWithOwner?: string; stargazerCount?: number | null }>; errors?: unknown[] };
          const alias = Object.keys(b.data ?? {}).find((k) => b.data[k]?.nameWithOwner === "alpha-org/alpha");
          if (!alias) return undefined;
          b.data[alias]!.stargazerCount = null;
          return { ...b, errors: [...(b.errors ?? []), { type: "INTERNAL", path: [alias, "stargazerCount"], message: "Something went wrong" }] };
        }),
      },
    });
    const result = await collect(dir, proxy, ["--api", "graphql"]);
    expect(result.code).toBe(2);
    const alpha = await project(dir, "alpha");
    expect(alpha.raw).toEqual({ ...expectedRaw(data, projects[0]!), stars: null });
    expect(alpha.errors).toEqual([{ field: "stars", message: expect.stringContaining("Something went wrong") }]);
  });

  it("a truncated answer is retried like a 5xx, then every figure is exact", async () => {
    let cut = 0;
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: (req, answer) => {
          if (req.api !== "graphql" || cut > 0) return undefined;
          cut += 1;
          return { text: answer.text.slice(0, Math.floor(answer.text.length / 2)) };
        },
      },
    });
    const result = await collect(dir, proxy, ["--api", "graphql"]);
    expect(result.stderr).not.toContain("no data");
    expect(result.code).toBe(0);
    for (const p of projects) expect((await project(dir, p.id)).raw).toEqual(expectedRaw(data, p));
    expect(proxy.seen.filter((r) => r.api === "graphql").length).toBeGreaterThanOrEqual(2);
  });
});

describe("12. searches behind another base path", () => {
  it("a GitHub API under /ghe/rest: searches are counted and paced as search, not core", async () => {
    const { dir, proxy, data, projects } = await setup({ proxy: { githubPrefix: "/ghe/rest" } });
    const result = await collect(dir, proxy, ["--api", "rest"]);
    expect(result.code).toBe(0);
    const snap = (await readSnapshotIn(dir, "rel")).snap;
    const searches = proxy.seen.filter((r) => r.api === "github" && r.path.startsWith("/search/")).length;
    expect(searches).toBeGreaterThan(0);
    expect(snap.requests.githubSearch).toBe(searches);
    expect(snap.requests.github).toBe(proxy.seen.filter((r) => r.api === "github").length - searches);
    for (const p of projects) expect((await project(dir, p.id)).raw).toEqual(expectedRaw(data, p));
  });
});

/** No line a GitHub Actions runner would take for a workflow command, and no control character but line breaks. */
function expectInert(where: string, text: string) {
  expect(text.split(/\r?\n/).filter((line) => line.trimStart().startsWith("::")), where).toEqual([]);
  expect(text, where).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
}

describe("4. names and messages from answers", () => {
  it("a repository name with a line break and escape codes is refused for that project; an error text's are flattened; nothing starts a workflow command", async () => {
    const evil = "alpha-org/alpha\n::error::pwned\u001b[31m";
    const { dir, proxy, data, projects } = await setup({
      proxy: {
        rewrite: (req, answer) => {
          if (req.api === "github" && req.path === "/repos/alpha-org/alpha") return { text: answer.text.replace('"full_name":"alpha-org/alpha"', `"full_name":${JSON.stringify(evil)}`) };
          if (req.api === "stackexchange") {
            return { status: 400, text: JSON.stringify({ error_id: 400, error_name: "bad_parameter", error_message: "tags\n::set-output name=x::y\u001b[2J<!--" }) };
          }
          return undefined;
        },
      },
    });
    const result = await collect(dir, proxy, ["--api", "rest"]);
    expect(result.code).toBe(2);
    const alpha = await project(dir, "alpha");
    expect(alpha.sources.repository).toBe("alpha-org/alpha");
    expect(alpha.raw.stars).toBeNull();
    expect(alpha.errors.find((e) => e.field === "stars")!.message).toContain("is not a GitHub owner/name");
    // The other projects' GitHub figures are untouched (every project's Stack Exchange request failed).
    expect((await project(dir, "gamma")).raw).toEqual({ ...expectedRaw(data, projects[2]!), stackOverflowQuestions: null });
    const beta = await project(dir, "beta");
    expect(beta.errors.find((e) => e.field === "stackOverflowQuestions")!.message).toBe("stackexchange: bad_parameter: tags ::set-output name=x::y [2J<!-- (GET /2.3/search/advanced tagged=beta)");
    expectInert("stdout", result.stdout);
    expectInert("stderr", result.stderr);
    for (const [file, text] of await allFiles(dir)) expectInert(file, text);
  });

  it("diff --format markdown: a project name with </details>, <!-- and a line break shows as written and breaks nothing", async () => {
    const name = "Alpha\n::error::x </details><!-- **b**";
    const withName = SMALL.map((p) => (p.id === "alpha" ? { ...p, name } : p));
    const { dir, proxy } = await setup({ projects: withName });
    expect((await collect(dir, proxy, ["--api", "rest"])).code).toBe(0);
    const later = "2026-11-28T06:00:00.000Z";
    const second = await runInProcess(["collect", "--api", "rest", "--cohort", "rel", "--as-of", later], { cwd: dir, env: env(proxy, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "20000" }) });
    expect(second.code).toBe(0);
    const diff = await runInProcess(["diff", "--cohort", "rel", "--format", "markdown", "--all"], { cwd: dir, env: {} });
    expect(diff.code).toBe(0);
    expectInert("diff", diff.stdout);
    expect(diff.stdout).not.toMatch(/(^|[^\\])<!--/m);
    expect(diff.stdout.split("</details>").length).toBe(diff.stdout.split("<details>").length);
    expect(diff.stdout).toContain("Alpha ::error::x \\</details\\>\\<!-- \\*\\*b\\*\\*");
  });
});

describe("5. a secret echoed back in data", () => {
  it.each(["rest", "graphql"] as const)("%s: a token in a renamed repository's name reaches no output, snapshot, cache or export", async (api) => {
    const { dir, proxy } = await setup({
      proxy: {
        rewrite: (req, answer) => {
          if (!answer.text.includes("alpha-org/alpha")) return undefined;
          if ((req.api === "github" && req.path === "/repos/alpha-org/alpha") || req.api === "graphql") {
            return { text: answer.text.replace(/"(full_name|nameWithOwner)":"alpha-org\/alpha"/g, `"$1":"alpha-org/${TOKEN}"`) };
          }
          return undefined;
        },
      },
    });
    const result = await collect(dir, proxy, ["--api", api], {}, true);
    expect([0, 2]).toContain(result.code);
    // The answer did carry it: the name is recorded, scrubbed.
    expect((await project(dir, "alpha")).sources.repository).toBe("alpha-org/***");
    const csv = await runCliTimed(["export", "--cohort", "rel", "--out", "out.csv"], { cwd: dir, env: { GITHUB_TOKEN: TOKEN } });
    expect(csv.code).toBe(0);
    for (const [where, text] of [["stdout", result.stdout], ["stderr", result.stderr], ["export", csv.stdout + csv.stderr], ...(await allFiles(dir))] as const) {
      expect(text, where).not.toContain(TOKEN);
      expect(text, where).not.toContain(SE_KEY);
    }
  });
});

import { describe, expect, it } from "vitest";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cachedBatchGitHub, cachedGitHub, cachedStackExchange, RunCache, runCachePath } from "../../src/fetch/cache.js";
import type { BatchGitHub, RepoFigures } from "../../src/fetch/graphql.js";
import { EtagStore } from "../../src/fetch/etags.js";
import { FetchError, type GitHubSource, type SearchCount, type TagCounts } from "../../src/fetch/types.js";

const RUN = { cohort: "c", asOf: "2026-11-21T06:00:00.000Z" };
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "showdown-cache-"));

/** A GitHub source that counts calls and answers from a table. */
function source(answers: Record<string, () => unknown>) {
  const calls: string[] = [];
  const call = (key: string) => {
    calls.push(key);
    try {
      return Promise.resolve(answers[key]!());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const gh: GitHubSource = {
    repository: (n) => call(`repository ${n}`) as never,
    lastCommitAt: (n, b, u) => call(`lastCommit ${n} ${b} ${u ?? "head"}`) as never,
    mergedPullRequests: (n, s, u) => call(`merged ${n} ${s} ${u}`) as never,
    commitCount: (n, b, s, u) => call(`commits ${n} ${b} ${s} ${u}`) as never,
    issueCount: (q) => call(`issueCount ${q}`) as never,
    repositoryCount: (q) => call(`repositoryCount ${q}`) as never,
    listCount: (n, l) => call(`${l} ${n}`) as never,
    releases: (n, s, u) => call(`releases ${n} ${s} ${u}`) as never,
    stats: () => ({ core: 0, search: 0, budget: {} }),
  };
  return { gh, calls };
}

describe("the run cache", () => {
  it("records answers and definitive errors as they arrive; a restart asks only for the rest", async () => {
    const file = runCachePath(tmp(), RUN);
    const answers = {
      "repository o/a": () => ({ fullName: "o/a", defaultBranch: "main", stars: 1, forks: 2, openIssues: 3, archived: false }),
      "repository o/gone": () => {
        throw new FetchError("not-found", "GET /repos/o/gone: 404 Not Found", 404);
      },
      "repositoryCount q": () => {
        throw new FetchError("unavailable", "GET /search/repositories (q: q): 502 Bad Gateway", 502);
      },
    };
    const first = source(answers);
    const cache = RunCache.open(file, RUN);
    expect(existsSync(file)).toBe(false); // nothing written before the first answer
    const gh = cachedGitHub(first.gh, cache);
    expect((await gh.repository("o/a")).stars).toBe(1);
    await expect(gh.repository("o/gone")).rejects.toThrow("404");
    await expect(gh.repositoryCount("q")).rejects.toThrow("502");
    // Asked again in the same run: shared, not re-sent.
    await gh.repository("o/a");
    expect(first.calls).toEqual(["repository o/a", "repository o/gone", "repositoryCount q"]);

    const lines = readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { run: { version: 1, ...RUN, pinned: true } },
      { k: "repository o/a", v: { fullName: "o/a", defaultBranch: "main", stars: 1, forks: 2, openIssues: 3, archived: false } },
      { k: "repository o/gone", e: { kind: "not-found", message: "GET /repos/o/gone: 404 Not Found", status: 404 } },
    ]);

    const second = source({ ...answers, "repositoryCount q": () => ({ count: 7, incomplete: false }) });
    const resumed = RunCache.open(file, RUN);
    expect(resumed.resumed).toBe(2);
    const gh2 = cachedGitHub(second.gh, resumed);
    expect((await gh2.repository("o/a")).forks).toBe(2);
    const gone = await gh2.repository("o/gone").catch((e: unknown) => e);
    expect(gone).toEqual(new FetchError("not-found", "GET /repos/o/gone: 404 Not Found", 404));
    expect((gone as FetchError).kind).toBe("not-found");
    expect(await gh2.repositoryCount("q")).toEqual({ count: 7, incomplete: false });
    expect(second.calls).toEqual(["repositoryCount q"]);
    expect(resumed.hits).toBe(2);
  });

  it("ignores a line cut short by a kill, and a file of another run", async () => {
    const dir = tmp();
    const file = runCachePath(dir, RUN);
    const cache = RunCache.open(file, RUN);
    cache.put({ k: "tag a", v: 5 });
    appendFileSync(file, '{"k":"tag b","v":');
    const reopened = RunCache.open(file, RUN);
    expect(reopened.size).toBe(1);
    expect(reopened.get("tag a")).toEqual({ k: "tag a", v: 5 });

    writeFileSync(file, `{"run":{"version":1,"cohort":"other","asOf":"${RUN.asOf}"}}\n{"k":"tag a","v":6}\n`);
    const lines: string[] = [];
    const other = RunCache.open(file, RUN, (l) => lines.push(l));
    expect(other.size).toBe(0);
    expect(lines).toEqual([`oss-showdown: ${file}: not this run's cache; starting afresh`]);
  });

  it("keeps the stopped run's choice of asking for the last commit with or without `until`", () => {
    const file = runCachePath(tmp(), RUN);
    const unpinned = RunCache.open(file, { ...RUN, pinned: false });
    unpinned.put({ k: "tag a", v: 1 });
    expect(RunCache.open(file, { ...RUN, pinned: true }).pinned).toBe(false);
  });

  it("caches tag counts and missing tags, not failed batches", async () => {
    const cache = RunCache.memory(RUN);
    const asked: string[][] = [];
    const se = cachedStackExchange(
      {
        async tagCounts(tags) {
          asked.push([...tags]);
          const r: TagCounts = {
            counts: new Map(tags.includes("a") ? [["a", 5]] : []),
            missing: tags.filter((t) => t === "b"),
            failed: new Map(tags.includes("c") ? [["c", "stackexchange: HTTP 503"]] : []),
            requests: 1,
            quotaRemaining: 9,
            quotaMax: 10,
          };
          return r;
        },
        questionCount: () => Promise.reject(new Error("not asked")),
      },
      cache,
    );
    await se.tagCounts(["a", "b", "c"]);
    const again = await se.tagCounts(["a", "b", "c"]);
    expect(asked).toEqual([["a", "b", "c"], ["c"]]);
    expect(again.counts.get("a")).toBe(5);
    expect(again.missing).toEqual(["b"]);
  });

  it("removes its file, and the folders it leaves empty", () => {
    const dir = tmp();
    const file = runCachePath(path.join(dir, ".cache"), RUN);
    const cache = RunCache.open(file, RUN);
    cache.put({ k: "tag a", v: 1 });
    cache.remove();
    expect(existsSync(path.join(dir, ".cache"))).toBe(false);
  });
});

describe("the run cache of a GraphQL run", () => {
  const W = { since: "2026-10-22T06:00:00.000Z", until: RUN.asOf };
  const figures = (fullName: string, merged: RepoFigures["mergedPullRequests"]): RepoFigures => ({
    fullName,
    info: { fullName, defaultBranch: "main", stars: 1, forks: 2, openIssues: 3, archived: false },
    lastCommitAt: "2026-11-01T00:00:00Z",
    empty: false,
    commits: 7,
    mergedPullRequests: merged,
  });

  /** A batch client that answers from a table and logs every call, synchronously as it is made. */
  function batch(answers: Record<string, RepoFigures | SearchCount | FetchError>) {
    const calls: string[] = [];
    const answer = <T,>(keys: string[], each?: (i: number, r: T) => void) => {
      const results = keys.map((k) => answers[k] as T);
      results.forEach((r, i) => each?.(i, r));
      return Promise.resolve(results);
    };
    const source: BatchGitHub = {
      repositories: (requests, each) => {
        calls.push(`repositories ${requests.map((r) => r.fullName).join(",")}`);
        return answer(requests.map((r) => r.fullName), each);
      },
      mergedPullRequests: (requests, each) => {
        calls.push(`merged ${requests.map((r) => r.fullName).join(",")}`);
        return answer(requests.map((r) => `merged ${r.fullName}`), each);
      },
      repositoryCounts: (queries, each) => {
        calls.push(`counts ${queries.join(",")}`);
        return answer(queries, each);
      },
      issueCounts: (queries, each) => {
        calls.push(`issues ${queries.join(",")}`);
        return answer(queries, each);
      },
      stats: () => ({ graphql: calls.length }),
    };
    return { source, calls };
  }

  it("keeps each repository's figures and its merged count apart: a restart asks only what is missing, in calls made together", async () => {
    const file = runCachePath(tmp(), RUN);
    const requests = ["o/a", "old/b", "o/gone", "o/flaky"].map((fullName) => ({ fullName, ...W, info: true }));
    const first = batch({
      "o/a": figures("o/a", { count: 4, incomplete: false }),
      // Renamed; its count under the new name was not answered (the run was stopped before that POST).
      "old/b": figures("new/b", new FetchError("aborted", "github graphql: not sent: the run was stopped")),
      "o/gone": new FetchError("not-found", "github graphql: repository o/gone: NOT_FOUND"),
      "o/flaky": new FetchError("unavailable", "github graphql: POST …: 502"),
      q: { count: 9, incomplete: false },
    });
    const gh = cachedBatchGitHub(first.source, RunCache.open(file, RUN));
    await Promise.all([gh.repositories(requests), gh.repositoryCounts(["q"])]);
    expect(first.calls).toEqual(["repositories o/a,old/b,o/gone,o/flaky", "counts q"]);

    const again = RunCache.open(file, RUN);
    const second = batch({ "o/flaky": figures("o/flaky", { count: 1, incomplete: false }), "merged new/b": { count: 7, incomplete: false } });
    const cached = cachedBatchGitHub(second.source, again);
    const heard: number[] = [];
    const pending = Promise.all([cached.repositories(requests, (i) => heard.push(i)), cached.repositoryCounts(["q"])]);
    // Both asked at once (before any answer), only for what is missing: the flaky repository whole, b's count alone.
    expect(second.calls).toEqual(["repositories o/flaky", "merged new/b"]);
    const [repos, counts] = await pending;
    expect(repos[0]).toEqual(figures("o/a", { count: 4, incomplete: false }));
    expect(repos[1]).toEqual(figures("new/b", { count: 7, incomplete: false }));
    expect(repos[2]).toMatchObject({ kind: "not-found", message: "github graphql: repository o/gone: NOT_FOUND" });
    expect(repos[3]).toEqual(figures("o/flaky", { count: 1, incomplete: false }));
    expect(counts).toEqual([{ count: 9, incomplete: false }]);
    expect(heard.sort()).toEqual([0, 1, 2, 3]);
    // o/a's two lines, b's figures, o/gone's error, q.
    expect(again.hits).toBe(5);
  });

  it("shares the lines REST writes for the same facts: a repository search's count and a merged count", async () => {
    const cache = RunCache.memory(RUN);
    const rest = source({ "repositoryCount q": () => ({ count: 3, incomplete: false }), [`merged o/a ${W.since} ${W.until}`]: () => ({ count: 2, incomplete: false }) });
    const gh = cachedGitHub(rest.gh, cache);
    await gh.repositoryCount("q");
    await gh.mergedPullRequests("o/a", W.since, W.until);
    const graphql = batch({});
    const cached = cachedBatchGitHub(graphql.source, cache);
    expect(await cached.repositoryCounts(["q"])).toEqual([{ count: 3, incomplete: false }]);
    expect(await cached.mergedPullRequests([{ fullName: "o/a", ...W }])).toEqual([{ count: 2, incomplete: false }]);
    expect(graphql.calls).toEqual([]);
  });
});

describe("the ETag store", () => {
  it("round-trips atomically, drops entries unused for long, and holds bodies and URLs only", () => {
    const file = path.join(tmp(), ".cache", "etags.json");
    const store = EtagStore.load(file);
    store.set("https://api.github.com/repos/o/a", { etag: '"abc"', body: '{"id":1}', contentType: "application/json" });
    expect(store.save()).toBeUndefined();
    const data = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(data.entries)).toEqual(["https://api.github.com/repos/o/a"]);
    data.entries["https://api.github.com/old"] = { etag: '"x"', body: "{}", usedAt: "2020-01-01T00:00:00.000Z" };
    writeFileSync(file, JSON.stringify(data));
    const again = EtagStore.load(file);
    expect(again.get("https://api.github.com/repos/o/a")?.etag).toBe('"abc"');
    again.touch("https://api.github.com/repos/o/a");
    again.save();
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).entries)).toEqual(["https://api.github.com/repos/o/a"]);
  });
});

import { describe, expect, it } from "vitest";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cachedGitHub, cachedStackExchange, RunCache, runCachePath } from "../../src/fetch/cache.js";
import { EtagStore } from "../../src/fetch/etags.js";
import { FetchError, type GitHubSource, type TagCounts } from "../../src/fetch/types.js";

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
    repositoryCount: (q) => call(`repositoryCount ${q}`) as never,
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
    expect(lines).toEqual([`showdown: ${file}: not this run's cache; starting afresh`]);
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

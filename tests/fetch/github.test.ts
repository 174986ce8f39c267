import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHub, mergedQuery, type GitHubOptions } from "../../src/fetch/github.js";
import { FetchError } from "../../src/fetch/types.js";
import { EtagStore } from "../../src/fetch/etags.js";
import { fakeClock, FAKE_START, isSettled, type FakeClock } from "../support/clock.js";

interface Fixture {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function fixture<T = Fixture>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/github/${name}`, import.meta.url), "utf8")) as T;
}

const API = "https://api.github.com";
const TOKEN = "ghp_SeCrEt0123456789abcdefABCDEF012345";

/** Every wait (resets, retry-after, retries) on a fake clock: `clock.waits` says what was waited, nothing really waits. */
function client(extra: Partial<GitHubOptions> & { clock?: FakeClock } = {}) {
  const lines: string[] = [];
  const clock = extra.clock ?? fakeClock();
  const github = createGitHub({
    baseUrl: API,
    token: TOKEN,
    userAgent: "showdown-test/1.0",
    log: (line) => lines.push(line),
    ...extra,
    clock,
  });
  return { github, lines, clock };
}

/** An x-ratelimit-reset `seconds` after the clock's now. */
function resetIn(clock: FakeClock, seconds: number): number {
  return Math.floor(clock.now() / 1000) + seconds;
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("mergedQuery", () => {
  it("turns (since, until] into whole-second bounds", () => {
    expect(mergedQuery("pytorch/pytorch", "2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z")).toBe(
      "repo:pytorch/pytorch is:pr is:merged merged:2024-01-01T00:00:01Z..2024-12-31T23:59:59Z",
    );
  });

  it("floors milliseconds before adding the second", () => {
    expect(mergedQuery("a/b", "2024-03-10T12:34:56.789Z", "2024-06-01T00:00:00.999Z")).toBe(
      "repo:a/b is:pr is:merged merged:2024-03-10T12:34:57Z..2024-06-01T00:00:00Z",
    );
  });

  it("normalises offsets to UTC", () => {
    expect(mergedQuery("a/b", "2024-01-01T01:00:00+01:00", "2024-07-01T02:00:00+02:00")).toBe(
      "repo:a/b is:pr is:merged merged:2024-01-01T00:00:01Z..2024-07-01T00:00:00Z",
    );
  });

  it("rejects a date that does not parse", () => {
    expect(() => mergedQuery("a/b", "yesterday", "2024-01-01T00:00:00Z")).toThrow(FetchError);
  });
});

describe("repository", () => {
  it("reads the figures, sending the token and user agent", async () => {
    const f = fixture("repo.json");
    const scope = nock(API)
      .matchHeader("authorization", `token ${TOKEN}`)
      .matchHeader("user-agent", /^showdown-test\/1\.0 /)
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(f.status, f.body as object, f.headers);
    const { github } = client();
    expect(await github.repository("octokit-fixture-org/hello-world")).toEqual({
      fullName: "octokit-fixture-org/hello-world",
      defaultBranch: "master",
      stars: 1234,
      forks: 567,
      openIssues: 89,
      archived: false,
      createdAt: "2017-09-15T21:43:08Z",
    });
    expect(scope.isDone()).toBe(true);
  });

  it("follows a rename's 301 and reports the new name", async () => {
    const f = fixture<{ moved: Fixture & { path: string }; final: Fixture & { path: string } }>("repo-renamed.json");
    const scope = nock(API)
      .get(f.moved.path)
      .reply(f.moved.status, f.moved.body as object, f.moved.headers)
      .get(f.final.path)
      .reply(f.final.status, f.final.body as object, f.final.headers);
    const { github } = client();
    const info = await github.repository("octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod");
    expect(info).toEqual({
      fullName: "octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod-newname",
      defaultBranch: "main",
      stars: 7,
      forks: 3,
      openIssues: 2,
      archived: true,
      createdAt: "2022-07-19T04:40:33Z",
    });
    expect(scope.isDone()).toBe(true);
  });

  it("maps 404 to not-found with a hint and does not retry it", async () => {
    const f = fixture("not-found-404.json");
    const scope = nock(API).get("/repos/duckdb/does-not-exist-xyz").reply(f.status, f.body as object, f.headers);
    const { github } = client();
    const error = await failure(github.repository("duckdb/does-not-exist-xyz"));
    expect(error.kind).toBe("not-found");
    expect(error.status).toBe(404);
    expect(error.message).toBe("GET /repos/duckdb/does-not-exist-xyz: 404 Not Found (does the repository exist? is it private?)");
    expect(github.stats().core).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it("rejects a name without exactly one slash before any request", async () => {
    const { github } = client();
    const error = await failure(github.repository("pytorch"));
    expect(error.kind).toBe("invalid");
    expect(github.stats().core).toBe(0);
  });
});

describe("lastCommitAt", () => {
  it("asks for one commit on the branch until the instant and returns its committer date", async () => {
    const f = fixture("commits.json");
    const scope = nock(API)
      .get("/repos/octocat/Hello-World/commits")
      .query({ sha: "master", until: "2024-06-01T00:00:00Z", per_page: "1" })
      .reply(f.status, f.body as object, f.headers);
    const { github } = client();
    expect(await github.lastCommitAt("octocat/Hello-World", "master", "2024-06-01T00:00:00Z")).toBe("2024-05-31T17:03:05Z");
    expect(scope.isDone()).toBe(true);
  });

  it("returns null when no commit precedes the instant", async () => {
    const scope = nock(API)
      .get("/repos/octocat/Hello-World/commits")
      .query({ sha: "main", until: "2005-01-01T00:00:00Z", per_page: "1" })
      .reply(200, [], { "content-type": "application/json; charset=utf-8" });
    const { github } = client();
    expect(await github.lastCommitAt("octocat/Hello-World", "main", "2005-01-01T00:00:00Z")).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it("maps 409 to empty", async () => {
    const f = fixture("empty-409.json");
    const scope = nock(API).get("/repos/OWNER/EMPTY/commits").query(true).reply(f.status, f.body as object, f.headers);
    const { github } = client();
    const error = await failure(github.lastCommitAt("OWNER/EMPTY", "main", "2024-06-01T00:00:00Z"));
    expect(error.kind).toBe("empty");
    expect(error.status).toBe(409);
    expect(error.message).toBe("GET /repos/OWNER/EMPTY/commits: 409 Git Repository is empty.");
    expect(github.stats().core).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});

describe("search", () => {
  it("counts merged pull requests with the exact query", async () => {
    const f = fixture("search-issues.json");
    const scope = nock(API)
      .get("/search/issues")
      .query({ q: "repo:pytorch/pytorch is:pr is:merged merged:2024-01-01T00:00:01Z..2024-06-01T00:00:00Z", per_page: "1" })
      .reply(f.status, f.body as object, f.headers);
    const { github } = client();
    expect(await github.mergedPullRequests("pytorch/pytorch", "2024-01-01T00:00:00.000Z", "2024-06-01T00:00:00Z")).toEqual({
      count: 1234,
      incomplete: false,
    });
    expect(scope.isDone()).toBe(true);
  });

  it("asks again once when incomplete_results is true, then passes the flag on", async () => {
    const f = fixture("search-repositories.json");
    const scope = nock(API)
      .get("/search/repositories")
      .query({ q: "pytorch in:name,description,readme", per_page: "1" })
      .times(2)
      .reply(f.status, f.body as object, f.headers);
    const { github, lines } = client();
    expect(await github.repositoryCount("pytorch in:name,description,readme")).toEqual({ count: 4082, incomplete: true });
    expect(lines).toEqual(["github: GET /search/repositories (q: pytorch in:name,description,readme): incomplete_results; asking again"]);
    expect(github.stats().search).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it("takes the complete answer when asking again gets one", async () => {
    const f = fixture("search-repositories.json");
    const scope = nock(API)
      .get("/search/repositories")
      .query(true)
      .reply(f.status, f.body as object, f.headers)
      .get("/search/repositories")
      .query(true)
      .reply(f.status, { ...(f.body as object), total_count: 4100, incomplete_results: false }, f.headers);
    const { github } = client();
    expect(await github.repositoryCount("pytorch")).toEqual({ count: 4100, incomplete: false });
    expect(scope.isDone()).toBe(true);
  });

  it("refuses a 200 whose body is not a search result", async () => {
    const scope = nock(API).get("/search/repositories").query(true).reply(200, "<html>captive portal</html>", { "content-type": "text/html" });
    const { github } = client();
    const error = await failure(github.repositoryCount("pytorch"));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe("GET /search/repositories (q: pytorch): unexpected response (no total_count)");
    expect(scope.isDone()).toBe(true);
  });

  it("maps 422 to invalid with GitHub's explanation, without retrying", async () => {
    const f = fixture("search-422.json");
    const scope = nock(API).get("/search/issues").query(true).reply(f.status, f.body as object, f.headers);
    const { github } = client();
    const error = await failure(github.mergedPullRequests("nobody/nothing", "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"));
    expect(error.kind).toBe("invalid");
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      "GET /search/issues (q: repo:nobody/nothing is:pr is:merged merged:2024-01-01T00:00:01Z..2024-06-01T00:00:00Z): " +
        "422 Validation Failed: The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
    );
    expect(github.stats()).toMatchObject({ core: 0, search: 1 });
    expect(scope.isDone()).toBe(true);
  });
});

describe("retries", () => {
  it("retries a 500 and succeeds on the second attempt", async () => {
    const f = fixture("repo.json");
    const scope = nock(API)
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(500, { message: "Server Error" }, { "content-type": "application/json; charset=utf-8" })
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(f.status, f.body as object, f.headers);
    const { github, clock } = client();
    expect((await github.repository("octokit-fixture-org/hello-world")).stars).toBe(1234);
    expect(github.stats().core).toBe(2);
    // One back-off before the retry: the upper half of the 1 s base (jittered).
    expect(clock.waits).toEqual([expect.any(Number)]);
    expect(clock.waits[0]).toBeGreaterThanOrEqual(500);
    expect(clock.waits[0]).toBeLessThanOrEqual(1000);
    expect(scope.isDone()).toBe(true);
  });

  it("gives up after the configured retries and reports unavailable", async () => {
    const scope = nock(API)
      .get("/repos/a/b")
      .times(3)
      .reply(502, "<html><body>Bad gateway</body></html>", { "content-type": "text/html" });
    const { github, clock } = client({ retries: 2, random: () => 1 });
    const error = await failure(github.repository("a/b"));
    // Back-off doubling between the 3 attempts (jitter at its top here), none after the last.
    expect(clock.waits).toEqual([1000, 2000]);
    expect(error.kind).toBe("unavailable");
    expect(error.status).toBe(502);
    expect(error.message).toBe("GET /repos/a/b: 502 Bad Gateway");
    expect(github.stats().core).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a connection error", async () => {
    const f = fixture("repo.json");
    const scope = nock(API)
      .get("/repos/octokit-fixture-org/hello-world")
      .replyWithError({ code: "ECONNRESET", message: "socket hang up" })
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(f.status, f.body as object, f.headers);
    const { github, clock } = client();
    expect((await github.repository("octokit-fixture-org/hello-world")).forks).toBe(567);
    expect(github.stats().core).toBe(2);
    expect(clock.waits).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });

  it("times out a slow response and reports unavailable without a status", async () => {
    // The answer would come (a 200 without figures), but only after the timeout: it is never read.
    const scope = nock(API).get("/repos/slow/repo").delay(500).reply(200, {});
    const { github } = client({ timeoutMs: 50, retries: 0 });
    const error = await failure(github.repository("slow/repo"));
    expect(error.kind).toBe("unavailable");
    expect(error.status).toBeUndefined();
    expect(error.message).toBe("GET /repos/slow/repo: no response (timeout: no complete answer within 50 ms)");
    expect(github.stats().core).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});

describe("rate limits", () => {
  it("waits out a primary rate limit whose reset is a second away, then retries", async () => {
    const f = fixture("rate-limit-403.json");
    const ok = fixture("repo.json");
    const clock = fakeClock();
    const reset = resetIn(clock, 1);
    const sentAt: number[] = [];
    const scope = nock(API)
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(() => {
        sentAt.push(clock.now());
        return [f.status, f.body as object, { ...f.headers, "x-ratelimit-reset": String(reset) }];
      })
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(() => {
        sentAt.push(clock.now());
        return [ok.status, ok.body as object, ok.headers];
      });
    const { github, lines } = client({ clock });
    expect((await github.repository("octokit-fixture-org/hello-world")).openIssues).toBe(89);
    expect(lines).toEqual(["github: core rate limit reached; waiting 2 s for its reset at 2026-01-01T00:00:01Z"]);
    // One wait: from the 403 until the reset, plus the 1 s margin for clocks that differ.
    expect(clock.waits).toEqual([reset * 1000 + 1000 - FAKE_START]);
    // Two requests, the retry only once the reset (and the margin) had passed.
    expect(sentAt).toEqual([FAKE_START, reset * 1000 + 1000]);
    expect(github.stats().core).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it("gives up at once when the reset is further away than allowed", async () => {
    const f = fixture("rate-limit-403.json");
    const clock = fakeClock();
    const reset = resetIn(clock, 3600);
    const scope = nock(API)
      .get("/repos/a/b")
      .reply(f.status, f.body as object, { ...f.headers, "x-ratelimit-reset": String(reset) });
    const { github, lines } = client({ maxRateLimitWaitSeconds: 900, clock });
    const error = await failure(github.repository("a/b"));
    expect(error.kind).toBe("rate-limited");
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      `GET /repos/a/b: 403 ${(f.body as { message: string }).message} (resets at ${new Date(reset * 1000).toISOString()})`,
    );
    expect(lines).toEqual([
      "github: core rate limit reached; it resets in 3600 s, more than the 900 s allowed (--max-wait); no more core requests this run",
    ]);
    expect(clock.waits).toEqual([]);
    expect(github.stats().core).toBe(1);
    expect(github.stats().stopped).toEqual({ core: { resetAt: new Date(reset * 1000).toISOString() } });
    expect(scope.isDone()).toBe(true);
    // The rest of the run sends nothing more to core, and says why.
    const next = await failure(github.repository("c/d"));
    expect(next.kind).toBe("rate-limited");
    expect(next.message).toBe(`GET /repos/c/d: not requested: the GitHub core rate limit is used up until ${new Date(reset * 1000).toISOString().replace(".000Z", "Z")}, more than --max-wait away`);
    expect(github.stats().core).toBe(1);
  });

  it("waits retry-after on a secondary rate limit, then retries", async () => {
    const f = fixture("secondary-403.json");
    const ok = fixture("search-repositories.json");
    const scope = nock(API)
      .get("/search/repositories")
      .query(true)
      .reply(f.status, f.body as object, { ...f.headers, "retry-after": "1" })
      .get("/search/repositories")
      .query(true)
      .reply(ok.status, ok.body as object, ok.headers);
    const { github, lines, clock } = client({ incompleteRetries: 0 });
    expect(await github.repositoryCount("topic:deep-learning")).toEqual({ count: 4082, incomplete: true });
    expect(lines).toEqual(["github: search secondary rate limit reached; waiting 1 s"]);
    expect(clock.waits).toEqual([1000]);
    expect(github.stats()).toMatchObject({ core: 0, search: 2 });
    expect(scope.isDone()).toBe(true);
  });

  it("reports rate-limited when the secondary limit persists past the retries", async () => {
    const f = fixture("secondary-403.json");
    const scope = nock(API)
      .get("/repos/a/b")
      .times(3)
      .reply(f.status, f.body as object, { ...f.headers, "retry-after": "1" });
    const { github, lines, clock } = client({ retries: 2 });
    const error = await failure(github.repository("a/b"));
    expect(clock.waits).toEqual([1000, 1000]);
    expect(error.kind).toBe("rate-limited");
    expect(error.message).toMatch(/^GET \/repos\/a\/b: 403 You have exceeded a secondary rate limit\. /);
    expect(lines).toEqual([
      "github: core secondary rate limit reached; waiting 1 s",
      "github: core secondary rate limit reached; waiting 1 s",
      "github: core secondary rate limit reached 3 times; giving up",
    ]);
    expect(github.stats().core).toBe(3);
    expect(scope.isDone()).toBe(true);
  });
});

describe("secondary rate limit without retry-after", () => {
  it("waits 60 s (GitHub's advice), doubling on repeats, then retries", async () => {
    const f = fixture("secondary-403.json");
    const ok = fixture("repo.json");
    const scope = nock(API)
      .get("/repos/a/b")
      .times(2)
      .reply(429, f.body as object, { "content-type": "application/json; charset=utf-8" })
      .get("/repos/a/b")
      .reply(ok.status, ok.body as object, ok.headers);
    const { github, lines, clock } = client();
    expect((await github.repository("a/b")).stars).toBe(1234);
    expect(lines).toEqual(["github: core secondary rate limit reached; waiting 60 s", "github: core secondary rate limit reached; waiting 120 s"]);
    expect(clock.waits).toEqual([60_000, 120_000]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("conditional requests", () => {
  it("sends the saved ETag and answers a 304 with the saved body, as a 200", async () => {
    const f = fixture("repo.json");
    const etags = EtagStore.memory();
    const scope = nock(API)
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(200, f.body as object, { ...f.headers, etag: '"v1"' })
      .get("/repos/octokit-fixture-org/hello-world")
      .matchHeader("if-none-match", '"v1"')
      .reply(304, "", { etag: '"v1"', "x-ratelimit-remaining": "4990", "x-ratelimit-limit": "5000", "x-ratelimit-reset": "1700000000" });
    const { github } = client({ etags });
    const first = await github.repository("octokit-fixture-org/hello-world");
    expect(etags.get(`${API}/repos/octokit-fixture-org/hello-world`)?.etag).toBe('"v1"');
    // Another run: a new client with the same store.
    const again = client({ etags });
    expect(await again.github.repository("octokit-fixture-org/hello-world")).toEqual(first);
    expect(again.github.stats()).toMatchObject({ core: 1, notModified: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it("saves only what is read: a search's count, a repository's figures, a commit's date", async () => {
    const search = fixture("search-issues.json");
    const repo = fixture("repo.json");
    const commits = fixture("commits.json");
    nock(API)
      .get("/search/issues")
      .query(true)
      .reply(200, search.body as object, { ...search.headers, etag: '"s"' })
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(200, repo.body as object, { ...repo.headers, etag: '"r"' })
      .get("/repos/octocat/Hello-World/commits")
      .query(true)
      .reply(200, commits.body as object, { ...commits.headers, etag: '"c"' });
    const etags = EtagStore.memory();
    const { github } = client({ etags });
    await github.mergedPullRequests("pytorch/pytorch", "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z");
    await github.repository("octokit-fixture-org/hello-world");
    await github.lastCommitAt("octocat/Hello-World", "master", "2024-06-01T00:00:00Z");
    const saved = (path: string) => JSON.parse(etags.get(`${API}${path}`)!.body);
    expect(saved(`/search/issues?q=${encodeURIComponent(mergedQuery("pytorch/pytorch", "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"))}&per_page=1`)).toEqual({ total_count: 1234, incomplete_results: false, items: [] });
    expect(saved("/repos/octokit-fixture-org/hello-world")).toEqual({
      id: expect.any(Number), full_name: "octokit-fixture-org/hello-world", default_branch: "master", stargazers_count: 1234, forks_count: 567, open_issues_count: 89, archived: false, created_at: "2017-09-15T21:43:08Z",
    });
    expect(saved("/repos/octocat/Hello-World/commits?sha=master&until=2024-06-01T00%3A00%3A00Z&per_page=1")).toEqual([{ sha: expect.any(String), commit: { committer: { date: "2024-05-31T17:03:05Z" } } }]);
  });

  it("never stores the Authorization header or the token", async () => {
    const f = fixture("repo.json");
    const etags = EtagStore.memory();
    nock(API).get("/repos/a/b").reply(200, f.body as object, { ...f.headers, etag: '"v1"' });
    await client({ etags }).github.repository("a/b");
    const entry = JSON.stringify(etags.get(`${API}/repos/a/b`));
    expect(entry).not.toContain(TOKEN);
    expect(entry.toLowerCase()).not.toContain("authorization");
  });
});

describe("a stopped run", () => {
  it("sends nothing more: calls fail as aborted, and a wait for a reset ends at once", async () => {
    const controller = new AbortController();
    const f = fixture("rate-limit-403.json");
    const clock = fakeClock({ auto: false });
    const scope = nock(API)
      .get("/repos/a/b")
      .reply(f.status, f.body as object, { ...f.headers, "x-ratelimit-reset": String(resetIn(clock, 300)) });
    const { github } = client({ signal: controller.signal, clock });
    const waiting = failure(github.repository("a/b"));
    // Stopped while waiting for the reset 300 s away (+ the margin).
    await clock.sleeping();
    expect(clock.waits).toEqual([301_000]);
    controller.abort();
    expect(await isSettled(waiting)).toBe(true);
    const error = await waiting;
    expect(error.kind).toBe("aborted");
    expect(error.message).toBe("GET /repos/a/b: stopped before the request was sent");
    // The wait ended, not the time.
    expect(clock.now()).toBe(FAKE_START);
    expect((await failure(github.repository("c/d"))).kind).toBe("aborted");
    expect(github.stats().core).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});

describe("stats", () => {
  it("counts requests per resource, retries included, and keeps the last budget of each", async () => {
    const repo = fixture("repo.json");
    const search = fixture("search-issues.json");
    const scope = nock(API)
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(503, { message: "Service Unavailable" }, { "content-type": "application/json; charset=utf-8" })
      .get("/repos/octokit-fixture-org/hello-world")
      .reply(repo.status, repo.body as object, repo.headers)
      .get("/search/issues")
      .query(true)
      .reply(search.status, search.body as object, search.headers);
    const { github } = client();
    expect(github.stats()).toEqual({ core: 0, search: 0, budget: {}, notModified: 0, stopped: {} });
    await github.repository("octokit-fixture-org/hello-world");
    await github.mergedPullRequests("octokit-fixture-org/hello-world", "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z");
    expect(github.stats()).toEqual({
      core: 2,
      search: 1,
      notModified: 0,
      stopped: {},
      budget: {
        core: { remaining: 4962, limit: 5000, resetAt: "2022-07-19T05:36:39.000Z" },
        search: { remaining: 29, limit: 30, resetAt: "2022-07-19T04:42:07.000Z" },
      },
    });
    expect(scope.isDone()).toBe(true);
  });

  it("takes the budget from a failed response too", async () => {
    const f = fixture("not-found-404.json");
    const scope = nock(API).get("/repos/x/y").reply(f.status, f.body as object, f.headers);
    const { github } = client();
    await failure(github.repository("x/y"));
    expect(github.stats().budget).toEqual({ core: { remaining: 4990, limit: 5000, resetAt: "2024-06-01T12:00:00.000Z" } });
    expect(scope.isDone()).toBe(true);
  });
});

describe("the token", () => {
  function expectNoToken(error: FetchError): void {
    for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 10 }), error.stack ?? ""]) {
      expect(text).not.toContain(TOKEN);
    }
  }

  it("never appears in a 401's error", async () => {
    const scope = nock(API)
      .get("/repos/a/b")
      .reply(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" }, {
        "content-type": "application/json; charset=utf-8",
      });
    const { github } = client();
    const error = await failure(github.repository("a/b"));
    expect(error.kind).toBe("auth");
    expect(error.message).toBe("GET /repos/a/b: 401 Bad credentials (is the GitHub token valid?)");
    expectNoToken(error);
    expect(scope.isDone()).toBe(true);
  });

  it("is scrubbed even when a connection error quotes it", async () => {
    const scope = nock(API).get("/repos/a/b").replyWithError(`proxy refused Authorization: token ${TOKEN}`);
    const { github } = client({ retries: 0 });
    const error = await failure(github.repository("a/b"));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("proxy refused Authorization: token ***");
    expectNoToken(error);
    expect(scope.isDone()).toBe(true);
  });
});

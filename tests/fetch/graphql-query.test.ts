import { describe, expect, it } from "vitest";
import { mergedQuery } from "../../src/fetch/github.js";
import {
  buildBatchQuery,
  connectionsOf,
  estimateCost,
  parseBatch,
  parseRateLimit,
  repositoryItem,
  type BatchItem,
  type RepoFigures,
  type RepositoryItem,
} from "../../src/fetch/graphql-query.js";
import { FetchError } from "../../src/fetch/types.js";
import { answer, schemaProblems, type FakeWorld } from "../fixtures/graphql/fake-github.js";

const WINDOW = { since: "2025-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z" };

function repo(fullName: string, info = true): RepositoryItem {
  const item = repositoryItem({ fullName, ...WINDOW, info });
  if (item instanceof FetchError) throw item;
  return item;
}

const ODD = [
  'say "hello" in:readme',
  "back\\slash\\\\ and \\\"escaped quote",
  '"} } rateLimit { cost } x: search(query: "',
  "new\nline\ttab",
  "ünïcödé 深度学习 🚀",
  "$o0 ${not} #comment",
];

describe("buildBatchQuery validates against GitHub's schema", () => {
  const cases: [string, BatchItem[]][] = [
    ["one repository with info", [repo("pytorch/pytorch")]],
    ["one repository without info", [repo("numpy/numpy", false)]],
    ["a project with its numerics repository and its count", [repo("pytorch/pytorch"), repo("numpy/numpy", false), { kind: "search", type: "REPOSITORY", query: "pytorch" }]],
    ["counts only", [{ kind: "search", type: "REPOSITORY", query: "a" }, { kind: "search", type: "ISSUE", query: "repo:a/b is:pr" }]],
    ["odd search strings", ODD.map((query) => ({ kind: "search" as const, type: "REPOSITORY" as const, query }))],
    ["odd owner and name", [repo('we"ird/na\\me'), repo("o/n.git-1_x", false)]],
    ["50 groups", Array.from({ length: 50 }, (_, i) => repo(`owner${i}/repo${i}`, i % 2 === 0))],
  ];
  for (const [name, items] of cases) {
    it(name, () => {
      const built = buildBatchQuery(items);
      expect(schemaProblems(built.query)).toEqual([]);
    });
  }

  it("passes user strings as variables, verbatim, never in the query text", () => {
    const items: BatchItem[] = [...ODD.map((query) => ({ kind: "search" as const, type: "REPOSITORY" as const, query })), repo('we"ird/na\\me')];
    const built = buildBatchQuery(items);
    ODD.forEach((query, i) => expect(built.variables[`s${i}`]).toBe(query));
    expect(built.variables[`o${ODD.length}`]).toBe('we"ird');
    expect(built.variables[`n${ODD.length}`]).toBe("na\\me");
    for (const text of [...ODD, 'we"ird', "na\\me", "2026-01-01"]) expect(built.query).not.toContain(text);
    // Run it: every variable coerces to the declared type, and the odd strings reach search untouched.
    const world: FakeWorld = { repos: { 'we"ird/na\\me': { nameWithOwner: 'we"ird/na\\me' } }, searches: Object.fromEntries([...ODD, mergedQuery('we"ird/na\\me', WINDOW.since, WINDOW.until)].map((q, i) => [q, i + 1])) };
    const result = answer(world, { query: built.query, variables: built.variables });
    expect(result.errors).toBeUndefined();
    expect(parseBatch(items, result.data as Record<string, unknown>, [], undefined).slice(0, ODD.length)).toEqual(ODD.map((_, i) => ({ count: i + 1, incomplete: false })));
  });

  it("asks for info fields only when asked to", () => {
    const without = buildBatchQuery([repo("numpy/numpy", false)]).query;
    for (const field of ["stargazerCount", "forkCount", "isArchived", "issues(", "pullRequests("]) expect(without).not.toContain(field);
    const withInfo = buildBatchQuery([repo("pytorch/pytorch")]).query;
    for (const field of ["stargazerCount", "forkCount", "isArchived", "issues(states: OPEN)", "pullRequests(states: OPEN)"]) expect(withInfo).toContain(field);
  });

  it("asks for rateLimit in every query and shares one variable per distinct instant (until, and since + 1 s)", () => {
    const built = buildBatchQuery([repo("a/b"), repo("c/d", false), repositoryItem({ fullName: "e/f", since: WINDOW.since, until: "2024-01-01T00:00:00Z", info: false }) as RepositoryItem]);
    expect(built.query).toContain("rateLimit { cost remaining resetAt limit nodeCount }");
    const after = new Date(Date.parse(WINDOW.since) + 1000).toISOString();
    expect(Object.entries(built.variables).filter(([k]) => k.startsWith("t"))).toEqual([
      ["t0", WINDOW.until],
      ["t1", after],
      ["t2", "2024-01-01T00:00:00Z"],
    ]);
    expect(built.variables.s0).toBe(mergedQuery("a/b", WINDOW.since, WINDOW.until));
  });
});

describe("cost", () => {
  it("counts connections per group and rounds like GitHub", () => {
    expect(connectionsOf(repo("a/b"))).toBe(5);
    expect(connectionsOf(repo("a/b", false))).toBe(3);
    expect(connectionsOf({ kind: "search", type: "REPOSITORY", query: "x" })).toBe(1);
    expect(estimateCost(12)).toBe(1); // minimum 1
    expect(estimateCost(250)).toBe(3); // 50 groups with info
    expect(estimateCost(149)).toBe(1);
    expect(estimateCost(150)).toBe(2);
    const fifty = buildBatchQuery(Array.from({ length: 50 }, (_, i) => repo(`o/r${i}`)));
    expect(fifty.connections).toBe(250);
  });
});

describe("repositoryItem", () => {
  it("refuses a name that is not owner/name", () => {
    for (const bad of ["pytorch", "a/b/c", "/b", "a/"]) {
      const item = repositoryItem({ fullName: bad, ...WINDOW, info: true });
      expect(item).toBeInstanceOf(FetchError);
      expect((item as FetchError).kind).toBe("invalid");
    }
  });

  it("refuses a window that does not parse", () => {
    const item = repositoryItem({ fullName: "a/b", since: "yesterday", until: WINDOW.until, info: true });
    expect((item as FetchError).kind).toBe("invalid");
  });

  it("reuses github.ts's merged-PR query", () => {
    expect(repo("a/b").merged).toBe("repo:a/b is:pr is:merged merged:2025-01-01T00:00:01Z..2026-01-01T00:00:00Z");
  });
});

describe("parseBatch", () => {
  const items: BatchItem[] = [repo("a/full"), repo("a/empty"), repo("a/old", false), repo("a/gone"), { kind: "search", type: "REPOSITORY", query: "x" }];
  const world: FakeWorld = {
    repos: {
      "a/full": { nameWithOwner: "a/full", stars: 10, forks: 3, openIssues: 7, openPullRequests: 5, archived: true, defaultBranch: "dev", commits: ["2026-02-01T00:00:00Z", "2025-12-31T23:59:59Z", "2025-06-01T00:00:00Z"] },
      "a/empty": { nameWithOwner: "a/empty", stars: 1, defaultBranch: null },
      "a/old": { nameWithOwner: "a/old", commits: ["2026-03-01T00:00:00Z"] },
    },
    searches: { [repo("a/full").merged!]: 42, [repo("a/empty").merged!]: 0, [repo("a/old").merged!]: 2, [repo("a/gone").merged!]: 0, x: 9 },
  };
  const built = buildBatchQuery(items);
  const response = answer(world, { query: built.query, variables: built.variables });
  const results = parseBatch(items, response.data as Record<string, unknown>, (response.errors ?? []) as never[], undefined);

  it("sums open issues and open pull requests, as REST's open_issues_count", () => {
    expect(results[0]).toEqual({
      fullName: "a/full",
      info: { fullName: "a/full", defaultBranch: "dev", stars: 10, forks: 3, openIssues: 12, archived: true },
      lastCommitAt: "2025-12-31T23:59:59Z",
      empty: false,
      // In the window: 2025-06-01 and 2025-12-31T23:59:59; 2026-02-01 is after until.
      commits: 2,
      mergedPullRequests: { count: 42, incomplete: false },
    });
  });

  it("reports an empty repository (defaultBranchRef null) as empty, with no last commit", () => {
    expect(results[1]).toMatchObject({ fullName: "a/empty", lastCommitAt: null, empty: true, info: { defaultBranch: null, stars: 1, openIssues: 0 } });
  });

  it("gives null, not empty, when no commit is at or before until", () => {
    expect(results[2]).toEqual({ fullName: "a/old", lastCommitAt: null, empty: false, commits: 0, mergedPullRequests: { count: 2, incomplete: false } });
    expect((results[2] as RepoFigures).info).toBeUndefined();
  });

  it("fails only the missing repository, as not-found", () => {
    const gone = results[3] as FetchError;
    expect(gone).toBeInstanceOf(FetchError);
    expect(gone.kind).toBe("not-found");
    expect(gone.message).toBe(
      "github graphql: repository a/gone: NOT_FOUND: Could not resolve to a Repository with the name 'a/gone'. (does the repository exist? is it private?)",
    );
    expect(results[4]).toEqual({ count: 9, incomplete: false });
  });

  it("fails only the part an inner error sits in", () => {
    const data = {
      r0: { nameWithOwner: "a/b", stargazerCount: 1, forkCount: 1, isArchived: false, issues: { totalCount: 1 }, pullRequests: { totalCount: 1 }, defaultBranchRef: { name: "main", target: { history: null } } },
      m0: null,
    };
    const errors = [
      { path: ["r0", "defaultBranchRef", "target", "history"], message: "timedout" },
      { type: "INVALID", path: ["m0"], message: "The listed users and repositories cannot be searched" },
    ];
    const [result] = parseBatch([repo("a/b")], data, errors, undefined) as RepoFigures[];
    expect(result?.info?.openIssues).toBe(2);
    expect(result?.lastCommitAt).toBeInstanceOf(FetchError);
    expect((result?.lastCommitAt as FetchError).kind).toBe("unavailable");
    expect((result?.mergedPullRequests as FetchError).kind).toBe("invalid");
    expect((result?.mergedPullRequests as FetchError).message).toContain("cannot be searched");
  });

  it("scrubs the token from messages GitHub echoes", () => {
    const [result] = parseBatch([repo("a/b")], { r0: null }, [{ type: "FORBIDDEN", path: ["r0"], message: "token ghp_x is not allowed" }], "ghp_x");
    expect((result as FetchError).message).toBe("github graphql: repository a/b: FORBIDDEN: token *** is not allowed");
  });

  it("reads rateLimit", () => {
    expect(parseRateLimit({ rateLimit: { cost: 2, remaining: 10, resetAt: "2026-01-01T00:00:00Z", limit: 5000, nodeCount: 50 } })).toEqual({ cost: 2, remaining: 10, resetAt: "2026-01-01T00:00:00Z", limit: 5000, nodeCount: 50 });
    expect(parseRateLimit({ rateLimit: null })).toBeUndefined();
    expect(parseRateLimit(null)).toBeUndefined();
  });
});

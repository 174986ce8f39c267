/**
 * Without a network (here: a loopback port nobody listens on, so every connection is refused), no
 * request reaches any API: none is counted as sent, none spends a rate-limit budget, and the calls
 * fail at once as unavailable rather than wait for resets that GitHub never counted.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createGitHub } from "../../src/fetch/github.js";
import { createGraphqlGitHub } from "../../src/fetch/graphql.js";
import { createStackExchange } from "../../src/fetch/stackexchange.js";
import { FetchError } from "../../src/fetch/types.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed } from "../support/spawn.js";
import { cohortYaml, generated } from "./model.js";

/** A loopback address where nothing listens. */
async function closedPort(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  return `http://127.0.0.1:${port}`;
}

describe("no network", () => {
  it("GitHub REST: 12 searches without a token (24 attempts, against the 10 a minute assumed) fail at once, none counted", async () => {
    const lines: string[] = [];
    const github = createGitHub({ baseUrl: await closedPort(), userAgent: "test", log: (l) => lines.push(l), retries: 1, retryBaseMs: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => github.repositoryCount(`topic:t${i}`)));
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      const error = (o as PromiseRejectedResult).reason as FetchError;
      expect(error.kind).toBe("unavailable");
      expect(error.message).toMatch(/ECONNREFUSED/);
    }
    // Counted, the attempts would have "spent" the budget and waited a minute for its reset.
    expect(lines.filter((l) => /rate limit/.test(l))).toEqual([]);
    expect(lines.filter((l) => /retry 1\/1/.test(l))).toHaveLength(12);
    expect(github.stats()).toMatchObject({ core: 0, search: 0, budget: {}, stopped: {} });
  });

  it("GitHub GraphQL: the POST fails as unavailable, none counted", async () => {
    const github = createGraphqlGitHub({ graphqlUrl: `${await closedPort()}/graphql`, token: "ghp_noNetwork0123456789", userAgent: "test", retries: 0 });
    const [result] = await github.repositoryCounts(["topic:a"]);
    expect(result).toBeInstanceOf(FetchError);
    expect((result as FetchError).kind).toBe("unavailable");
    expect(github.stats().graphql).toBe(0);
  });

  it("Stack Exchange: the batch fails, none counted", async () => {
    const lines: string[] = [];
    const se = createStackExchange({ baseUrl: await closedPort(), log: (l) => lines.push(l), retries: 1, retryDelayMs: 1 });
    const result = await se.tagCounts(["pytorch", "tensorflow"]);
    expect(result.requests).toBe(0);
    expect([...result.failed.keys()]).toEqual(["pytorch", "tensorflow"]);
    expect(result.counts.size).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^stackexchange: .*ECONNREFUSED.*; retrying$/)]);
  });
});

describe("no network, through the CLI", () => {
  it("a cohort whose every request is retried at once prints no MaxListenersExceededWarning: one line per failure, exit 1", async () => {
    const { projects } = generated(30, 3);
    const dir = await tempProject("rel", cohortYaml("rel", projects));
    const base = await closedPort();
    const result = await runCliTimed(["collect", "--cohort", "rel", "--api", "rest", "--concurrency", "16"], {
      cwd: dir,
      // Waits long enough to overlap: every one of them listens to the run's signal (Ctrl-C ends it).
      env: { GITHUB_TOKEN: "ghp_noNetwork0123456789", GITHUB_API_URL: `${base}/api/v3`, STACKEXCHANGE_API_URL: `${base}/se`, SHOWDOWN_RETRY_BASE_MS: "300", SHOWDOWN_RETRIES: "1" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/retry 1\/1/);
    expect(result.stderr).not.toMatch(/Warning/);
  });
});

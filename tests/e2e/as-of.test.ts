/**
 * Figures that mean the same at any date (issue 17), through the CLI against the loopback
 * stand-in, which models what the figures depend on: pull requests a bot closes with a label beside
 * those GitHub merges (and into which base), a mirror without pull requests, commit histories over
 * years, repositories' creation dates behind `created:`, questions' creation dates behind `todate`
 * and several tags on one question. Then `backfill`: what it writes, skips, plans and refuses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { startReplica, type Replica, type ReplicaData, type ReplicaOptions } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { startCli, type Running } from "../support/spawn.js";
import { runInProcess } from "../support/io.js";
import { cohortYaml, comparable, env, FAST, readSnapshotIn, type TestProject } from "../reliability/model.js";
import { Snapshot } from "../../src/snapshot/schema.js";

const AS_OF = "2024-06-01T00:00:00.000Z";
/** The run happens long after AS_OF: stars, forks, open issues and archived cannot be asked about it. */
const LATER = "2026-11-21T06:00:00Z";
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const at = (text: string) => Date.parse(text);

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.close()));
});

type Project = TestProject & { landing?: unknown; sources?: Record<string, string> };

const PROJECTS: Project[] = [
  {
    id: "bot", name: "Bot", repository: "bot-org/bot", stackOverflowTags: ["bot", "bot-lang"], repositoryQuery: "topic:bot",
    landing: { label: "Merged" }, sources: { landing: "github.com/bot-org/bot/issues/1: a bot lands PRs and closes them with the label Merged" },
  },
  { id: "mirror", name: "Mirror", repository: "mirror-org/mirror", stackOverflowTags: ["mirror"], repositoryQuery: "topic:mirror", landing: "none", sources: { landing: "its README: a read-only mirror" } },
  { id: "noisy", name: "Noisy", repository: "noisy-org/noisy", stackOverflowTags: ["noisy"], repositoryQuery: "topic:noisy" },
  {
    id: "based", name: "Based", repository: "based-org/based", stackOverflowTags: ["based"], repositoryQuery: "topic:based",
    landing: { base: "main" }, sources: { landing: "its CONTRIBUTING: release branches take cherry-picks only" },
  },
];

/** A commit every `everyDays` days from 2015 to 2026: a history over years. */
function history(everyDays: number): string[] {
  const out: string[] = [];
  for (let t = at("2015-01-03T10:00:00Z"); t < at("2026-11-01T00:00:00Z"); t += everyDays * DAY) out.push(iso(t));
  return out;
}

function inWindow(dates: readonly string[], asOf: string, days = 30): number {
  const end = at(asOf);
  return dates.filter((d) => at(d) > end - days * DAY && at(d) <= end).length;
}

function data(): ReplicaData {
  const w = (daysBefore: number) => iso(at(AS_OF) - daysBefore * DAY);
  return {
    repos: [
      {
        fullName: "bot-org/bot", id: 1, stars: 900, forks: 90, openIssues: 9, commits: history(3),
        // GitHub-merged: release cherry-picks, one of them labelled Merged too (counted once).
        mergedAt: [w(2), w(40)],
        pulls: [
          { closedAt: w(3), mergedAt: w(3), labels: ["Merged"] },
          // Landed by the bot: closed unmerged with the label, 12 in the window and 3 before it.
          ...Array.from({ length: 15 }, (_, i) => ({ closedAt: w(1 + i * 2.5), labels: ["Merged"] })),
          // Closed unmerged without the label (rejected), and one still open with it.
          { closedAt: w(5) }, { closedAt: w(6), labels: ["bug"] }, { closedAt: null, labels: ["Merged"] },
        ],
      },
      { fullName: "mirror-org/mirror", id: 2, stars: 50, forks: 5, openIssues: 0, commits: history(7), mergedAt: [] },
      {
        fullName: "noisy-org/noisy", id: 3, stars: 10, forks: 1, openIssues: 1, commits: history(10), mergedAt: [w(4), w(8)],
        pulls: Array.from({ length: 25 }, (_, i) => ({ closedAt: w(1 + i) })),
      },
      {
        fullName: "based-org/based", id: 4, stars: 7, forks: 0, openIssues: 0, commits: history(5), mergedAt: [w(1), w(2)],
        pulls: [{ closedAt: w(3), mergedAt: w(3), base: "release-1.0" }, { closedAt: w(9), mergedAt: w(9), base: "main" }],
      },
    ],
    repositorySearch: {},
    // Repositories that exist now, by creation date: created: counts those made by asOf.
    repositoryCreated: {
      "topic:bot": ["2014-05-01T00:00:00Z", "2019-01-01T00:00:00Z", "2024-05-31T23:59:59Z", "2024-06-01T00:00:01Z", "2025-01-01T00:00:00Z"],
      "topic:mirror": ["2020-01-01T00:00:00Z"],
      "topic:noisy": [],
      "topic:based": ["2024-06-02T00:00:00Z"],
    },
    tags: {},
    questions: [
      { tags: ["bot", "bot-lang"], createdAt: "2016-02-01T00:00:00Z" }, // both tags: counted once
      { tags: ["bot"], createdAt: "2020-02-01T00:00:00Z" },
      { tags: ["bot-lang", "python"], createdAt: "2024-05-31T12:00:00Z" },
      { tags: ["bot"], createdAt: "2024-06-01T00:00:01Z" }, // after asOf
      { tags: ["mirror"], createdAt: "2023-01-01T00:00:00Z" },
      { tags: ["python"], createdAt: "2019-01-01T00:00:00Z" },
    ],
  };
}

async function replicaFor(d: ReplicaData = data(), options: ReplicaOptions = {}): Promise<Replica> {
  const r = await startReplica(d, { searchLimit: 100_000, coreLimit: 100_000, ...options });
  replicas.push(r);
  return r;
}

async function run(replica: Replica, dir: string, args: string[], now = LATER, seSpacingMs = FAST.SHOWDOWN_SE_SPACING_MS) {
  const before = replica.requests.length;
  // A timeout long enough that no request is sent twice: the counts below are the requests needed.
  const result = await runInProcess(args, { cwd: dir, env: env(replica, { ...FAST, SHOWDOWN_HTTP_TIMEOUT_MS: "10000", SHOWDOWN_SE_SPACING_MS: seSpacingMs, SHOWDOWN_NOW: now }) });
  expect(result.stderr).not.toContain("unexpected error");
  expect(replica.graphqlInvalid).toEqual([]);
  return { result, seen: replica.requests.slice(before) };
}

describe("figures as of a past date", () => {
  it.each(["graphql", "rest"] as const)("--api %s: landing rules, commits, created: and todate counts; current-only figures left out with one warning, exit 0", async (api) => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const { result } = await run(replica, dir, ["collect", "--cohort", "rel", "--as-of", AS_OF, "--api", api]);
    expect(result.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel", AS_OF);
    const by = (id: string) => snap.projects.find((p) => p.id === id)!;
    const repos = replica.data.repos;

    // Merged in the window: w(2) and the labelled w(3); bot-landed with the label: 12 (not the open one,
    // nor the rejected ones, nor the labelled PR GitHub merged a second time).
    expect(by("bot").raw.mergedPullRequests).toBe(2 + 12);
    expect(by("bot").sources.landing).toEqual({ label: "Merged" });
    expect(by("bot").raw.commits).toBe(inWindow(repos[0]!.commits, AS_OF));
    expect(by("bot").raw.commits).toBe(10);
    // Created at or before asOf: 2014, 2019 and a second before.
    expect(by("bot").raw.repositoryCount).toBe(3);
    // Distinct questions with bot or bot-lang by asOf: the 2016 one (both tags) once, 2020, 2024-05-31.
    expect(by("bot").raw.stackOverflowQuestions).toBe(3);
    expect(by("bot").warnings).toEqual([]);

    // A mirror: not applicable, noted, not an error; its other figures as usual.
    expect(by("mirror").raw.mergedPullRequests).toBeNull();
    expect(by("mirror").errors).toEqual([]);
    expect(by("mirror").warnings).toEqual([{ field: "mergedPullRequests", message: "mirror-org/mirror takes no pull requests on GitHub (landing: none): not applicable, left out of the criteria that need it" }]);
    expect(by("mirror").raw).toMatchObject({ repositoryCount: 1, stackOverflowQuestions: 1, commits: inWindow(repos[1]!.commits, AS_OF) });

    // No rule, 25 closed unmerged against 2 merged: the warning suggests one, in the snapshot and the summary.
    expect(by("noisy").raw.mergedPullRequests).toBe(2);
    expect(by("noisy").warnings).toEqual([
      { field: "mergedPullRequests", message: expect.stringMatching(/^noisy-org\/noisy looks bot-landed: 25 pull requests closed unmerged in the window against 2 merged; .*landing: \{ label: NAME \}/) },
      // Its tag has no question in the stand-in: a 0 with a warning, never a silent one.
      { field: "stackOverflowQuestions", message: "no Stack Overflow question tagged noisy by 2024-06-01: is the tag spelt as on the site? (counted 0)" },
    ]);
    expect(result.stderr).toMatch(/^landing: noisy: noisy-org\/noisy looks bot-landed/m);

    // base: main: the release-branch merge is not counted.
    expect(by("based").raw.mergedPullRequests).toBe(3);
    expect(by("based").raw.repositoryCount).toBe(0);

    // Stars, forks, open issues and archived exist only as of now: left out, one warning for the snapshot.
    for (const p of snap.projects) expect(p.raw).toMatchObject({ stars: null, forks: null, openIssues: null, archived: null });
    expect(snap.projects.flatMap((p) => p.errors)).toEqual([]);
    expect(snap.warnings).toEqual([`stars, forks, openIssues, archived left out: GitHub reports them only as they are now, and this snapshot is as of ${AS_OF}, more than a day before the run`]);
    expect(result.stderr).toContain("left out: stars, forks, openIssues, archived left out");
  });

  it.each(["graphql", "rest"] as const)("--api %s: a renamed repository's landing searches use its new name, as its merged-PR search does", async (api) => {
    // bot and noisy were renamed since the config was written: a search does not follow a rename
    // (REST answers 422 for the old name, GraphQL finds nothing).
    const d = data();
    d.repos[0] = { ...d.repos[0]!, fullName: "bot-org/bot-v2", formerNames: ["bot-org/bot"] };
    d.repos[2] = { ...d.repos[2]!, fullName: "noisy-org/noisy-v2", formerNames: ["noisy-org/noisy"] };
    const replica = await replicaFor(d);
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const { result } = await run(replica, dir, ["collect", "--cohort", "rel", "--as-of", AS_OF, "--api", api]);
    expect(result.code).toBe(0);
    const { snap } = await readSnapshotIn(dir, "rel", AS_OF);
    const by = (id: string) => snap.projects.find((p) => p.id === id)!;
    expect(by("bot").raw.mergedPullRequests).toBe(2 + 12);
    expect(by("bot").errors).toEqual([]);
    expect(by("bot").warnings).toEqual([{ field: "repository", message: "bot-org/bot was renamed to bot-org/bot-v2; update the config" }]);
    expect(by("noisy").raw.mergedPullRequests).toBe(2);
    expect(by("noisy").warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^noisy-org\/noisy looks bot-landed: 25 pull requests closed unmerged/));
    // GraphQL: the searches under the new names (merged, labelled, closed unmerged) share one more POST.
    if (api === "graphql") expect(snap.requests.githubGraphql).toBe(2);
  });

  it("a run within a day of asOf asks for the current figures too; both APIs write the same facts", async () => {
    const replica = await replicaFor();
    const snaps: unknown[] = [];
    for (const api of ["graphql", "rest"]) {
      const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
      const { result } = await run(replica, dir, ["collect", "--cohort", "rel", "--as-of", AS_OF, "--api", api], "2024-06-01T20:00:00Z");
      expect(result.code).toBe(0);
      const { snap } = await readSnapshotIn(dir, "rel", AS_OF);
      expect(snap.warnings).toBeUndefined();
      expect(snap.projects.find((p) => p.id === "bot")!.raw).toMatchObject({ stars: 900, forks: 90, archived: false });
      snaps.push(comparable(snap));
    }
    expect(snaps[0]).toEqual(snaps[1]);
  });

  it("REST counts commits from the Link header's last page, as GraphQL's totalCount does", async () => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS.slice(0, 1)));
    const { seen } = await run(replica, dir, ["collect", "--cohort", "rel", "--as-of", AS_OF, "--api", "rest"]);
    const counted = seen.filter((r) => r.route.endsWith("/commits") && r.path.includes("since="));
    expect(counted).toHaveLength(1);
    expect(counted[0]!.path).toMatch(/per_page=1/);
    const { snap } = await readSnapshotIn(dir, "rel", AS_OF);
    expect(snap.projects[0]!.raw.commits).toBe(10);
  });
});

describe("showdown backfill", () => {
  it("writes each missing date as collect --as-of would, sharing POSTs across dates; keeps what exists; --force fetches again", async () => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const args = ["backfill", "--cohort", "rel", "--from", "2024-03-01", "--to", "2024-06-01", "--every", "month", "--api", "graphql"];
    const first = await run(replica, dir, args);
    expect(first.result.code).toBe(0);
    const files = (await readdir(path.join(dir, "snapshots", "rel"))).sort();
    expect(files).toEqual(["2024-03-01.json", "2024-04-01.json", "2024-05-01.json", "2024-06-01.json"]);
    expect(first.result.stdout.trim().split("\n")).toEqual(files.map((f) => `snapshots/rel/${f}`));
    expect(first.result.stderr).toMatch(/^backfill: 4\/4 dates \(to 2024-06-01\), 4 written; requests: github \d+, stack exchange 16; /m);
    // Four dates of 4 projects in one POST: their repositories and searches share it.
    const posts = first.seen.filter((r) => r.api === "github");
    expect(posts.map((r) => r.route)).toEqual(["POST /graphql"]);
    expect(first.seen.filter((r) => r.api === "stackexchange")).toHaveLength(16);

    // Each one is what collect --as-of writes for its date.
    for (const file of files) {
      const asOf = `${file.slice(0, 10)}T00:00:00.000Z`;
      const other = await tempProject("rel", cohortYaml("rel", PROJECTS));
      const collected = await run(replica, other, ["collect", "--cohort", "rel", "--as-of", asOf, "--api", "graphql"]);
      expect(collected.result.code).toBe(0);
      const a = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "rel", file), "utf8")));
      expect(comparable(a), file).toEqual(comparable((await readSnapshotIn(other, "rel", asOf)).snap));
    }

    // Again: nothing to do, nothing sent, nothing rewritten.
    const written = await readFile(path.join(dir, "snapshots", "rel", "2024-04-01.json"), "utf8");
    const again = await run(replica, dir, args);
    expect(again.result.code).toBe(0);
    expect(again.seen).toEqual([]);
    expect(again.result.stderr).toContain("rel: 4 of 4 dates already have a snapshot; kept (--force to fetch them again)");
    expect(await readFile(path.join(dir, "snapshots", "rel", "2024-04-01.json"), "utf8")).toBe(written);

    // A date removed is the only one fetched; --force fetches them all.
    await writeFile(path.join(dir, "snapshots", "rel", "2024-04-01.json"), "");
    const { rm } = await import("node:fs/promises");
    await rm(path.join(dir, "snapshots", "rel", "2024-04-01.json"));
    const one = await run(replica, dir, args);
    expect(one.result.stdout.trim()).toBe("snapshots/rel/2024-04-01.json");
    expect(one.seen.filter((r) => r.api === "stackexchange")).toHaveLength(4);
    const forced = await run(replica, dir, [...args, "--force"]);
    expect(forced.result.code).toBe(0);
    expect(forced.result.stdout.trim().split("\n")).toHaveLength(4);
  });

  // 14 daily dates: a first group of 12 (DATES_PER_CHUNK) and a second of 2; 4 projects, so 56 Stack Exchange requests.
  const RESUME_ARGS = ["backfill", "--cohort", "rel", "--from", "2024-05-19", "--to", "2024-06-01", "--every", "day", "--api", "graphql"];
  const RESUME_DATES = Array.from({ length: 14 }, (_, i) => iso(at("2024-05-19T00:00:00Z") + i * DAY).slice(0, 10));
  /** The date a Stack Exchange request asks about, from its todate. */
  const seDate = (p: string) => new Date(Number(new URL(p, "http://x").searchParams.get("todate")) * 1000).toISOString().slice(0, 10);
  /** Stack Exchange answers (200) per date. */
  function seAnswered(seen: Replica["requests"]): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of seen) if (r.api === "stackexchange" && r.status === 200) out.set(seDate(r.path), (out.get(seDate(r.path)) ?? 0) + 1);
    return out;
  }
  const snapshotFiles = async (dir: string) => (await readdir(path.join(dir, "snapshots", "rel")).catch(() => [] as string[])).sort();
  const readAll = async (dir: string) => new Map(await Promise.all((await snapshotFiles(dir)).map(async (f) => [f, await readFile(path.join(dir, "snapshots", "rel", f), "utf8")] as const)));

  /** Each backfilled snapshot is what collect --as-of writes for its date (another stand-in: its quota is its own). */
  async function expectAsCollected(dir: string) {
    const replica = await replicaFor();
    for (const file of await snapshotFiles(dir)) {
      const asOf = `${file.slice(0, 10)}T00:00:00.000Z`;
      const other = await tempProject("rel", cohortYaml("rel", PROJECTS));
      expect((await run(replica, other, ["collect", "--cohort", "rel", "--as-of", asOf, "--api", "graphql"])).result.code).toBe(0);
      const a = Snapshot.parse(JSON.parse(await readFile(path.join(dir, "snapshots", "rel", file), "utf8")));
      expect(comparable(a), file).toEqual(comparable((await readSnapshotIn(other, "rel", asOf)).snap));
    }
  }

  it("stopped by Stack Exchange's quota: exit 2 naming when to run again, only complete dates written; after the reset the same command writes exactly the rest", async () => {
    // The GraphQL POSTs' bodies, to tell which dates' GitHub figures each one asked for.
    const bodies: string[] = [];
    const replica = await replicaFor(data(), {
      stackExchangeQuota: 30,
      fault: (ctx) => {
        if (ctx.api === "github") bodies.push(ctx.body ?? "");
        return undefined;
      },
    });
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));

    // Stack Exchange searches 50 ms apart, as in a real run: the test counts the requests refused once
    // the quota is spent, those that started before the first refusal came back.
    const first = await run(replica, dir, RESUME_ARGS, LATER, "50");
    expect(first.result.code).toBe(2);
    expect(first.result.stderr).toMatch(
      /^oss-showdown: stopped: Stack Exchange refused: stackexchange: throttle_violation: too many requests from this IP, more requests available in \d+ seconds .*; its quota resets at 00:00 UTC; \d+ dates not written: run the same backfill again after that to fetch only those$/m,
    );
    // The quota's 30 answers, then one refusal: nothing more is sent to Stack Exchange.
    const answered = seAnswered(first.seen);
    expect([...answered.values()].reduce((a, b) => a + b, 0)).toBe(30);
    expect(first.seen.filter((r) => r.api === "stackexchange" && r.status !== 200)).toHaveLength(1);
    // Written: exactly the dates whose 4 projects all got their answer; the others are not.
    const complete = RESUME_DATES.filter((d) => answered.get(d) === 4);
    expect(complete.length).toBeGreaterThan(0);
    expect(complete.length).toBeLessThan(RESUME_DATES.length);
    expect(await snapshotFiles(dir)).toEqual(complete.map((d) => `${d}.json`));
    expect(first.result.stdout.trim().split("\n")).toEqual(complete.map((d) => `snapshots/rel/${d}.json`));
    expect(first.result.stderr).toContain(`; ${RESUME_DATES.length - complete.length} dates not written:`);
    const kept = await readAll(dir);
    const postsBefore = bodies.length;

    // A new day: the same command fetches only what is missing and writes only the missing dates.
    replica.resetStackExchangeQuota();
    const second = await run(replica, dir, RESUME_ARGS);
    expect(second.result.code).toBe(0);
    const missing = RESUME_DATES.filter((d) => !complete.includes(d));
    expect(second.result.stdout.trim().split("\n")).toEqual(missing.map((d) => `snapshots/rel/${d}.json`));
    expect(second.result.stderr).toContain(`rel: ${complete.length} of ${RESUME_DATES.length} dates already have a snapshot; kept`);
    expect(await snapshotFiles(dir)).toEqual(RESUME_DATES.map((d) => `${d}.json`));
    for (const [file, text] of kept) expect(await readFile(path.join(dir, "snapshots", "rel", file), "utf8"), file).toBe(text);
    // Each date's Stack Exchange figures answered once over both runs: none asked again.
    const again = seAnswered(second.seen);
    for (const d of RESUME_DATES) expect({ d, n: (answered.get(d) ?? 0) + (again.get(d) ?? 0), second: again.get(d) ?? 0 }).toEqual({ d, n: 4, second: 4 - (answered.get(d) ?? 0) });
    expect(second.seen.filter((r) => r.api === "stackexchange" && r.status !== 200)).toEqual([]);
    // GitHub: the first run stopped after the first group; the second took that group's figures from the run caches and asked only the second group's.
    const asked = (body: string) => RESUME_DATES.filter((d) => body.includes(d));
    const secondGroup = RESUME_DATES.slice(12);
    expect(first.seen.filter((r) => r.api === "github").length).toBeGreaterThan(0);
    expect(new Set(bodies.slice(0, postsBefore).flatMap(asked))).toEqual(new Set(RESUME_DATES.slice(0, 12)));
    expect(new Set(bodies.slice(postsBefore).flatMap(asked))).toEqual(new Set(secondGroup));
    expect(existsSync(path.join(dir, ".cache", "runs")) ? await readdir(path.join(dir, ".cache", "runs")) : []).toEqual([]);

    await expectAsCollected(dir);
  });

  it("Ctrl-C during a backfill: exit 130, every file written whole; the same command again writes the rest, nothing asked twice", async () => {
    const ref: { running?: Running } = {};
    let sent = false;
    const replica = await replicaFor(data(), {
      // Stopped in the second group of dates, once the first group's 48 Stack Exchange answers are in.
      onRequest: (_r, all) => {
        if (!sent && all.filter((q) => q.api === "stackexchange").length >= 50) {
          sent = true;
          ref.running!.child.kill("SIGINT");
        }
      },
    });
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const running = (ref.running = startCli(RESUME_ARGS, { cwd: dir, env: env(replica, { ...FAST, SHOWDOWN_NOW: LATER }) }));
    const first = await running.done;
    expect(sent).toBe(true);
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/^oss-showdown: stopped; \d+ snapshots written, answers kept in .*: run the same backfill again to go on$/m);
    // The first group was written before the second began: those 12, and not the second's 2.
    const written = await snapshotFiles(dir);
    expect(written).toEqual(RESUME_DATES.slice(0, 12).map((d) => `${d}.json`));
    expect(first.stdout.trim().split("\n")).toEqual(RESUME_DATES.slice(0, 12).map((d) => `snapshots/rel/${d}.json`));
    // No half-written file: each one a whole snapshot, and nothing else beside them (no temporary file).
    for (const [file, text] of await readAll(dir)) expect(() => Snapshot.parse(JSON.parse(text)), file).not.toThrow();
    const kept = await readAll(dir);

    const second = await run(replica, dir, RESUME_ARGS);
    expect(second.result.code).toBe(0);
    expect(second.result.stdout.trim().split("\n")).toEqual(RESUME_DATES.slice(12).map((d) => `snapshots/rel/${d}.json`));
    expect(await snapshotFiles(dir)).toEqual(RESUME_DATES.map((d) => `${d}.json`));
    for (const [file, text] of kept) expect(await readFile(path.join(dir, "snapshots", "rel", file), "utf8"), file).toBe(text);
    // Over both runs each Stack Exchange figure was answered once (whether the second run had any left
    // to ask depends on how fast the signal landed: the second group's few may all be in before it).
    const answered = seAnswered(replica.requests);
    for (const d of RESUME_DATES) expect({ d, n: answered.get(d) }).toEqual({ d, n: 4 });
    await expectAsCollected(dir);
  });

  it("--dry-run prints the requests per API and the budget; sends and writes nothing", async () => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const { result, seen } = await run(replica, dir, ["backfill", "--cohort", "rel", "--from", "2016-01-01", "--to", "2024-06-01", "--dry-run", "--api", "graphql"]);
    expect(result.code).toBe(0);
    expect(seen).toEqual([]);
    // 2016-01 to 2024-06: 102 months.
    expect(result.stdout).toMatch(/^rel: backfill dry run, nothing sent or written: 102 dates to collect \(0 already have a snapshot\), 4 projects: 408 project-dates$/m);
    expect(result.stdout).toMatch(/^ {2}github graphql +\d+ POSTs of up to 50 groups, 12 dates at a time/m);
    expect(result.stdout).toContain("  stack exchange   408 (one /search/advanced a project and date)");
    expect(result.stdout).toContain("  stack exchange   408 of 10,000 a day (STACKEXCHANGE_KEY): fits in one day's quota");
    expect(await readdir(dir)).toEqual(["config"]);
  });

  it.each([
    [["--from", "2024-06-01", "--to", "2024-04-01"], /^oss-showdown: --from: 2024-06-01 is after --to 2024-04-01; swap them/],
    [["--from", "2007-12-31", "--to", "2024-04-01"], /^oss-showdown: --from: 2007-12-31 is before 2008-01-01/],
    [["--from", "2024-01-01", "--to", "2030-01-01"], /^oss-showdown: --to: 2030-01-01 is in the future/],
    [["--from", "2024-02-30", "--to", "2024-04-01"], /^oss-showdown: --from: expected a date YYYY-MM-DD/],
    [["--from", "2024-01-01", "--to", "2024-04-01", "--every", "year"], /^oss-showdown: --every: expected day, week or month/],
    [["--to", "2024-04-01"], /^oss-showdown: --from: required/],
  ])("bad flags %j: one line naming the flag and the fix, exit 1, nothing sent or written", async (flags, message) => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", PROJECTS));
    const { result, seen } = await run(replica, dir, ["backfill", "--cohort", "rel", ...flags]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(seen).toEqual([]);
    expect(await readdir(dir)).toEqual(["config"]);
  });
});

describe("landing rules in the config", () => {
  it.each([
    [{ landing: { label: "Merged" } }, /sources\.landing: a landing rule needs a source/],
    [{ landing: "squash" }, /landing: expected merged, none, \{ label: NAME \} or \{ base: BRANCH \}/],
    [{ landing: {}, sources: { landing: "x" } }, /landing: .*give a label, a base branch or both|landing: expected merged, none/],
  ])("%j: one line naming the file and field, exit 1, nothing sent", async (extra, message) => {
    const replica = await replicaFor();
    const dir = await tempProject("rel", cohortYaml("rel", [{ ...PROJECTS[2]!, ...extra } as Project]));
    const { result, seen } = await run(replica, dir, ["collect", "--cohort", "rel", "--as-of", AS_OF]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^oss-showdown: config\/rel\.yaml: projects\[0\]\./);
    expect(result.stderr).toMatch(message);
    expect(seen).toEqual([]);
  });
});

/**
 * The GitHub token (and the Stack Exchange key) never appear in output, errors, the snapshot, the
 * caches or the CSV export, even when the server quotes them back in a failing answer.
 */
import { afterEach, expect, it } from "vitest";
import { startReplica, type Replica } from "../support/replica.js";
import { tempProject } from "../support/cli.js";
import { runCliTimed, startCli, type Running } from "../support/spawn.js";
import { allFiles, AS_OF, cohortYaml, env, FAST, generated, SE_KEY, SMALL, smallData, TOKEN } from "./model.js";

let replica: Replica | undefined;
afterEach(async () => {
  await replica?.close();
  replica = undefined;
});

function expectClean(where: string, text: string, cacheFile: boolean) {
  expect(text, where).not.toContain(TOKEN);
  expect(text, where).not.toContain(SE_KEY);
  expect(text, where).not.toContain(encodeURIComponent(SE_KEY));
  if (cacheFile) expect(text.toLowerCase(), where).not.toContain("authorization");
}

it("in output, errors quoting the token, the snapshot, the caches and the CSV export", async () => {
  // Failing answers that quote the request's Authorization header back.
  replica = await startReplica(smallData(), {
    fault: (ctx) => {
      const quoted = `token seen: ${ctx.headers.authorization}`;
      if (ctx.path === "/repos/gamma-org/gamma") return { status: 404, body: { message: `Not Found (${quoted})` } };
      if (ctx.path.startsWith("/search/repositories?q=alpha")) return { status: 422, body: { message: "Validation Failed", errors: [{ message: quoted }] } };
      if (ctx.path.startsWith("/repos/beta-org/beta-numerics")) return { status: 502, body: { message: quoted } };
      return undefined;
    },
  });
  const dir = await tempProject("rel", cohortYaml("rel", SMALL));
  const outputs: string[] = [];
  const collect = async () => {
    const r = await runCliTimed(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica!, { ...FAST, SHOWDOWN_RETRIES: "1" }) });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const first = await collect();
  expect(first.code).toBe(2);
  expect(first.stderr).toContain("token seen: token ***"); // scrubbed, not dropped: the message stays useful
  await collect(); // a second run: conditional requests from the saved ETags, the kept run cache
  const csv = await runCliTimed(["export", "--cohort", "rel"], { cwd: dir });
  expect(csv.code).toBe(0);
  outputs.push(csv.stdout, csv.stderr);

  for (const text of outputs) expectClean("output", text, false);
  const files = await allFiles(dir);
  expect([...files.keys()].filter((f) => f.startsWith(".cache")).sort()).toEqual([".cache/etags.json", `.cache/runs/rel--${AS_OF.replace(/:/g, "")}.jsonl`]);
  for (const [file, text] of files) expectClean(file, text, file.startsWith(".cache"));
  // The server did get the token: it was sent, just never written anywhere.
  expect(replica.requests.some((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
});

it("in the run cache of a stopped run", async () => {
  const { projects, data } = generated(10, 9);
  const ref: { running?: Running } = {};
  replica = await startReplica(data, {
    searchLimit: 1000,
    latencyMs: 2,
    onRequest: (_r, all) => {
      if (all.length === 15) ref.running!.child.kill("SIGINT");
    },
  });
  const dir = await tempProject("rel", cohortYaml("rel", projects));
  const running = (ref.running = startCli(["collect", "--api", "rest", "--cohort", "rel", "--as-of", AS_OF], { cwd: dir, env: env(replica, FAST) }));
  const result = await running.done;
  expect(result.code).toBe(130);
  expectClean("output", result.stdout + result.stderr, false);
  const files = await allFiles(dir);
  expect([...files.keys()].some((f) => f.startsWith(".cache/runs/"))).toBe(true);
  for (const [file, text] of files) expectClean(file, text, file.startsWith(".cache"));
});

/**
 * The package as a user gets it: `npm pack` of this checkout (dist/ is built by `npm test`'s
 * pretest), installed into an empty folder with no network, then `npx oss-showdown --help` and a
 * full `collect` against the loopback replica from there.
 *
 * No network: `npm ci --offline` with a lockfile for the empty folder made from this checkout's own
 * (the tarball, plus the entries of its runtime dependencies with their `resolved` and `integrity`),
 * so every dependency comes from npm's cache by the same keys `npm ci` of this checkout stored them
 * under; `--offline` forbids any request, and a proxy that refuses connections would stop one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CLI, ROOT, TEST_RUBRIC_YAML } from "./support/cli.js";
import { startReplica, type Replica } from "./support/replica.js";
import { Snapshot } from "../src/snapshot/schema.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: "false", ...env }, maxBuffer: 64 << 20, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === "number" ? ((error as NodeJS.ErrnoException).code as unknown as number) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  files: string[];
  exports: Record<string, string>;
  dependencies: Record<string, string>;
};
const lock = JSON.parse(await readFile(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; link?: boolean; devOptional?: boolean }> };

let dir: string;
let tarball: string;
let files: string[];
let app: string;
let install: Run;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
  dir = await mkdtemp(path.join(os.tmpdir(), "showdown-package-"));
  const packed = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dir, info!.filename);
  files = info!.files.map((f) => f.path);

  // An empty folder that depends on the tarball alone, locked to this checkout's runtime dependencies.
  app = path.join(dir, "app");
  await mkdir(app);
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    "": { name: "app", dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: "MIT", dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== "" && !entry.dev && !entry.devOptional && !entry.link) packages[key] = entry;
  await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, dependencies: { [pkg.name]: spec } }, null, 2));
  await writeFile(path.join(app, "package-lock.json"), JSON.stringify({ name: "app", lockfileVersion: 3, requires: true, packages }, null, 2));
  install = await sh("npm", ["ci", "--offline", "--no-audit", "--no-fund"], app, { npm_config_proxy: "http://127.0.0.1:9", npm_config_https_proxy: "http://127.0.0.1:9" });
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("is oss-showdown with a bin of the same name, the engines and files it needs, and no importable internals", () => {
    expect(pkg.name).toBe("oss-showdown");
    expect(pkg.bin).toEqual({ "oss-showdown": "dist/cli.js" });
    expect(pkg.engines.node).toBe(">=20.19");
    expect(pkg.exports).toEqual({ "./package.json": "./package.json" });
    // The built CLI, its config examples, the Action and the docs a user reads; no sources, tests or caches.
    expect(files).toContain("dist/cli.js");
    for (const f of ["package.json", "README.md", "CHANGELOG.md", "action.yml"]) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith("config/") && f.endsWith(".yaml"))).toBe(true);
    expect(files.filter((f) => !/^(dist|config)\//.test(f)).sort()).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "action.yml", "package.json"]);
    expect(files.filter((f) => f.startsWith("dist/")).every((f) => f.endsWith(".js"))).toBe(true);
    // No package depends on itself any more (the old "showdown": "file:." link).
    expect(Object.keys(lock.packages).some((k) => k === "node_modules/showdown" || k === `node_modules/${pkg.name}`)).toBe(false);
  });

  it("installs from its tarball into an empty folder without the network", () => {
    expect(install.stderr).not.toMatch(/ENOTCACHED|ECONNREFUSED/);
    expect(install.code, `${install.stderr}\n(the dependencies come from npm's cache: run 'npm ci' in this checkout first)`).toBe(0);
    expect(existsSync(path.join(app, "node_modules", ".bin", "oss-showdown"))).toBe(true);
  });

  it("runs as npx oss-showdown: --help, --version, and importing its internals is refused", async () => {
    const help = await sh("npx", ["--no-install", "oss-showdown", "--help"], app);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain(`oss-showdown ${pkg.version}`);
    expect(help.stdout).toMatch(/^Usage: oss-showdown <command>/m);
    expect(help.stdout).not.toMatch(/(?<!oss-)showdown (collect|<command>)/);
    const version = await sh("npx", ["--no-install", "oss-showdown", "--version"], app);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const imported = await sh("node", ["--input-type=module", "-e", "await import('oss-showdown/dist/cli.js')"], app);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("collects a cohort against the loopback replica from there", { timeout: 120_000 }, async () => {
    let replica: Replica | undefined;
    try {
      replica = await startReplica({
        repos: [{ fullName: "acme/widget", id: 1, stars: 42, forks: 3, openIssues: 1, commits: ["2026-11-18T00:00:00Z"], mergedAt: ["2026-11-10T00:00:00Z"] }],
        repositorySearch: { widget: 7 },
        tags: { widget: 12 },
      });
      await mkdir(path.join(app, "config"));
      await writeFile(path.join(app, "config", "rubric.yaml"), TEST_RUBRIC_YAML);
      await writeFile(path.join(app, "config", "widgets.yaml"), "cohort: widgets\ndescription: One widget.\nprojects:\n  - id: widget\n    name: Widget\n    repository: acme/widget\n    stackOverflowTags: [widget]\n    repositoryQuery: widget\n    sponsor: 1\n");
      const collect = await sh("npx", ["--no-install", "oss-showdown", "collect", "--cohort", "widgets", "--as-of", "2026-11-19"], app, {
        GITHUB_TOKEN: "ghp_packageTestToken0123456789",
        GITHUB_API_URL: replica.githubUrl,
        STACKEXCHANGE_API_URL: replica.stackExchangeUrl,
        // The run happens on asOf's day: stars, forks and open issues are asked (they exist only as of now).
        SHOWDOWN_NOW: "2026-11-19T06:00:00Z",
      });
      expect(collect.code, collect.stderr).toBe(0);
      expect(await readdir(path.join(app, "snapshots", "widgets"))).toEqual(["2026-11-19.json"]);
      const snapshot = Snapshot.parse(JSON.parse(await readFile(path.join(app, "snapshots", "widgets", "2026-11-19.json"), "utf8")));
      expect(snapshot.tool).toEqual({ name: "oss-showdown", version: pkg.version });
      expect(snapshot.projects[0]!.raw).toMatchObject({ stars: 42, forks: 3, openIssues: 1, repositoryCount: 7, stackOverflowQuestions: 12, mergedPullRequests: 1 });
      expect(replica.requests.length).toBeGreaterThan(0);
      const score = await sh("npx", ["--no-install", "oss-showdown", "score", "--cohort", "widgets"], app);
      expect(score.code, score.stderr).toBe(0);
      expect(score.stdout).toContain("Widget");
    } finally {
      await replica?.close();
    }
  });
});

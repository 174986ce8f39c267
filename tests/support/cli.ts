import { execFile } from "node:child_process";
import { cp, mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist", "cli.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with only the environment given (plus PATH). */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** A temporary project folder with the real rubric and a cohort file written from `cohort`. */
export async function tempProject(cohortName: string, cohortYaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-"));
  await mkdir(path.join(dir, "config"));
  await cp(path.join(ROOT, "config", "rubric.yaml"), path.join(dir, "config", "rubric.yaml"));
  await writeFile(path.join(dir, "config", `${cohortName}.yaml`), cohortYaml);
  return dir;
}

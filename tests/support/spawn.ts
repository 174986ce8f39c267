import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { CLI, type RunResult } from "./cli.js";

export interface Running {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<RunResult & { ms: number }>;
}

/** Starts the built CLI without waiting for it, so a test can signal it mid-run. */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Running {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (stdout += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const done = new Promise<RunResult & { ms: number }>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, done };
}

/** Runs the built CLI to the end, with its duration. */
export function runCliTimed(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunResult & { ms: number }> {
  return startCli(args, options).done;
}

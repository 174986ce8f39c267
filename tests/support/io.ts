import { setMaxListeners } from "node:events";
import { main } from "../../src/cli.js";
import type { RunResult } from "./cli.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with a fake terminal. */
export async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const signal = new AbortController().signal;
  // A run's waits each listen to the signal, as in src/cli.ts: many at a time is its concurrency, not a leak.
  setMaxListeners(0, signal);
  const code = await main(argv, {
    stdout: (t) => void (stdout += typeof t === "string" ? t : decoder.decode(t)),
    stderr: (t) => void (stderr += t),
    env,
    cwd,
    signal,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/**
 * Runs the CLI in-process with what runCliTimed (spawn.ts) gives the built one: the arguments, only the
 * environment given (plus PATH), output to a pipe. It saves a process start and module load per run;
 * keep spawning where the process boundary is under test (signals, exit status of the process).
 */
export async function runInProcess(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunResult & { code: number }> {
  const result = await run(args, options.cwd, { PATH: process.env.PATH ?? "", ...options.env });
  return { ...result, signal: null };
}

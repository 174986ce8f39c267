/**
 * Runs the `run:` steps of a GitHub Actions job locally, the way a runner does: each script written
 * to a file and run with `bash --noprofile --norc -eo pipefail FILE` (the `shell: bash` template) in
 * the workspace, with the workflow's, the job's and the step's `env:` on top of the runner's variables,
 * stopping at the first failing step. `${{ ... }}` expressions are evaluated against test contexts by a
 * deliberately small evaluator (context paths, string literals, `||`): anything else throws, so a
 * workflow that grows an expression this harness cannot honour fails the test instead of being faked.
 * `uses:` steps (checkout, setup-node, uploads) are not run; the test stands in for what they do.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";

export interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  shell?: string;
  "working-directory"?: string;
  "continue-on-error"?: boolean | string;
}

export interface WorkflowJob {
  env?: Record<string, string>;
  steps: WorkflowStep[];
  defaults?: { run?: { shell?: string } };
  [key: string]: unknown;
}

export interface Workflow {
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, WorkflowJob>;
  [key: string]: unknown;
}

export async function loadWorkflow(file: string): Promise<Workflow> {
  return parse(await readFile(file, "utf8")) as Workflow;
}

/** Context name -> nested values, e.g. { secrets: { GITHUB_TOKEN: "..." }, inputs: { "as-of": "" } }. */
export type Contexts = Record<string, unknown>;

function lookup(contexts: Contexts, dotted: string): string {
  let value: unknown = contexts;
  for (const key of dotted.split(".")) {
    if (value === null || typeof value !== "object") return "";
    if (value === contexts && !(key in contexts)) throw new Error(`expression uses context ${JSON.stringify(key)}, which the test does not provide`);
    value = (value as Record<string, unknown>)[key];
  }
  // GitHub turns a missing property into null, which interpolates as ''.
  return value === undefined || value === null ? "" : String(value);
}

/** Evaluates one expression of the forms `a.b.c`, `'literal'` and `x || y || ...`. */
export function evaluate(expression: string, contexts: Contexts): string {
  const operands = expression.split("||").map((s) => s.trim());
  for (const operand of operands) {
    let value: string;
    if (/^'(?:[^']|'')*'$/.test(operand)) value = operand.slice(1, -1).replace(/''/g, "'");
    else if (/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/.test(operand)) value = lookup(contexts, operand);
    else throw new Error(`expression ${JSON.stringify(expression)}: this test harness only evaluates context paths, 'strings' and ||`);
    if (value !== "") return value;
  }
  return "";
}

/** Substitutes every `${{ ... }}` in a string. */
export function substitute(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => evaluate(expr.trim(), contexts));
}

export interface StepResult {
  name: string;
  id?: string;
  /** "ran", or why it did not: a `uses:` step, skipped by the test, or after a failure. */
  status: "ran" | "uses" | "skipped" | "not reached";
  code?: number;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
}

export interface RunJobOptions {
  cwd: string;
  /** The runner's variables (GITHUB_*, RUNNER_*, PATH, HOME...). */
  runnerEnv: Record<string, string>;
  contexts: Contexts;
  /** Ids of `run:` steps the test stands in for (e.g. `npm ci`, replaced by a link to the built tree). */
  skip?: string[];
  timeoutMs?: number;
}

/** $GITHUB_OUTPUT as the runner reads it: `name=value` lines, and `name<<DELIMITER` ... `DELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    const block = /^([^=]+?)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, k + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${block[2]} for ${block[1]}`);
      out[block[1]!] = lines.slice(k + 1, end).join("\n");
      k = end;
      continue;
    }
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function bash(file: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Runs a job's `run:` steps in order, as a runner would; returns what each step did. */
export async function runJob(workflow: Workflow, jobId: string, options: RunJobOptions): Promise<StepResult[]> {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  const shell = job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
  if (shell !== "bash") throw new Error(`job ${jobId}: expected defaults.run.shell: bash (bash -eo pipefail), got ${String(shell)}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "showdown-runner-"));
  const results: StepResult[] = [];
  let failed = false;
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run ?? `step ${index}`;
    const base = { name, id: step.id, stdout: "", stderr: "", outputs: {} };
    if (step.uses !== undefined) {
      results.push({ ...base, status: "uses" });
      continue;
    }
    if (failed) {
      results.push({ ...base, status: "not reached" });
      continue;
    }
    if (step.id !== undefined && options.skip?.includes(step.id)) {
      results.push({ ...base, status: "skipped" });
      continue;
    }
    if (step.if !== undefined) throw new Error(`step ${name}: run steps with an if: condition are not supported by this harness`);
    if (step.shell !== undefined || step["working-directory"] !== undefined) throw new Error(`step ${name}: shell/working-directory overrides are not supported by this harness`);
    const env: Record<string, string> = { ...options.runnerEnv };
    for (const layer of [workflow.env, job.env, step.env]) {
      for (const [k, v] of Object.entries(layer ?? {})) env[k] = substitute(String(v), options.contexts);
    }
    const outputFile = path.join(tmp, `output-${index}`);
    await writeFile(outputFile, "");
    env.GITHUB_OUTPUT = outputFile;
    const script = path.join(tmp, `step-${index}.sh`);
    await writeFile(script, substitute(step.run!, options.contexts));
    const run = await bash(script, options.cwd, env, options.timeoutMs ?? 120_000);
    results.push({ ...base, status: "ran", code: run.code, stdout: run.stdout, stderr: run.stderr, outputs: parseOutputs(await readFile(outputFile, "utf8")) });
    if (run.code !== 0) failed = true;
  }
  return results;
}

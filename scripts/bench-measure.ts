/**
 * Runs the built CLI as a child process and measures it: wall time (spawn to exit, Node's start-up
 * included, as a user sees it) and peak resident memory. Peak RSS comes from GNU time (`/usr/bin/time
 * -v`, "Maximum resident set size") when it is installed, else from the child itself: a preloaded
 * module (bench-rss.mjs) writes process.resourceUsage().maxRSS on exit.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./bench-data.js";

export const CLI = path.join(ROOT, "dist", "cli.js");
const GNU_TIME = "/usr/bin/time";
const RSS_PRELOAD = path.join(ROOT, "scripts", "bench-rss.mjs");

export interface Measured {
  code: number | null;
  ms: number;
  /** Peak resident set size in bytes. */
  rss: number;
  stderr: string;
  /** Bytes written to stdout. */
  outBytes: number;
}

let gnuTime: boolean | undefined;
/** Whether /usr/bin/time is GNU time (which has -v and -o). */
async function hasGnuTime(): Promise<boolean> {
  if (gnuTime !== undefined) return gnuTime;
  if (!existsSync(GNU_TIME)) return (gnuTime = false);
  gnuTime = await new Promise<boolean>((resolve) => {
    const child = spawn(GNU_TIME, ["-v", "true"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (t: string) => (err += t));
    child.on("error", () => resolve(false));
    child.on("close", () => resolve(err.includes("Maximum resident set size")));
  });
  return gnuTime;
}

export async function rssSource(): Promise<string> {
  return (await hasGnuTime()) ? "/usr/bin/time -v (Maximum resident set size)" : "process.resourceUsage().maxRSS of the child, reported on exit";
}

/**
 * Runs `node dist/cli.js ...args` in cwd with exactly `env` (plus PATH). stdout goes to a file (so
 * that a large export costs what writing it costs, and nothing in this process), which is removed.
 */
export async function runMeasured(args: string[], options: { cwd: string; env?: Record<string, string>; scratch: string }): Promise<Measured> {
  const stats = path.join(options.scratch, `.bench-${process.pid}-${Date.now()}.rss`);
  const outFile = path.join(options.scratch, `.bench-${process.pid}-${Date.now()}.out`);
  const gnu = await hasGnuTime();
  const node = [...(gnu ? [] : ["--import", pathToFileURL(RSS_PRELOAD).href]), CLI, ...args];
  const [command, argv] = gnu ? [GNU_TIME, ["-v", "-o", stats, process.execPath, ...node]] : [process.execPath, node];
  const env = { PATH: process.env.PATH ?? "", ...options.env, ...(gnu ? {} : { SHOWDOWN_BENCH_RSS_FILE: stats }) };
  const out = openSync(outFile, "w");
  const started = performance.now();
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(command, argv, { cwd: options.cwd, env, stdio: ["ignore", out, "pipe"] });
      let err = "";
      child.stderr!.setEncoding("utf8").on("data", (t: string) => (err += t));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stderr: err }));
    });
    const ms = performance.now() - started;
    const text = await readFile(stats, "utf8").catch(() => "");
    const kb = gnu ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)?.[1] ?? NaN) : Number(text.trim());
    return { code, ms, rss: kb * 1024, stderr, outBytes: statSync(outFile).size };
  } finally {
    closeSync(out);
    await rm(stats, { force: true });
    await rm(outFile, { force: true });
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Aligned text table: the first column left, the others right. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd())
    .join("\n");
}

export const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
export const megabytes = (bytes: number) => (Number.isFinite(bytes) ? String(Math.round(bytes / 1048576)) : "?");

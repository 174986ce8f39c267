/**
 * Preloaded into a measured CLI run (`node --import .../bench-rss.mjs dist/cli.js ...`) where GNU time
 * is not installed: writes the process's peak resident set size, in kilobytes, to the file named by
 * SHOWDOWN_BENCH_RSS_FILE as it exits.
 */
import { writeFileSync } from "node:fs";
import process from "node:process";

const file = process.env.SHOWDOWN_BENCH_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));

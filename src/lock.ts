/**
 * One collect of a cohort at a time (issue 20): two runs of the same cohort (two `collect`s, or
 * `collect` and `nightly`) would share the run cache and race for the snapshot. Each run holds
 * <cache>/locks/<cohort>.lock, created exclusively, holding its pid, host and start time. A lock
 * whose process is gone (same host, no such pid) is stale: it is taken over with a note.
 */
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ShowdownError } from "./errors.js";

/** Another run holds the cohort's lock: exit 1, nothing written. */
export class LockedError extends ShowdownError {}

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface Lock {
  file: string;
  release(): void;
}

export function lockPath(cacheDir: string, cohort: string): string {
  return path.join(cacheDir, "locks", `${cohort}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof h.pid === "number" && typeof h.host === "string" && typeof h.startedAt === "string" ? (h as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the cohort's lock, or throws LockedError naming the holder. `shown` turns the lock's path
 * into what the user would type; `log` hears of a stale lock taken over.
 */
export function acquireLock(cacheDir: string, cohort: string, now: Date, shown: (file: string) => string, log: (line: string) => void): Lock {
  const file = lockPath(cacheDir, cohort);
  const mine: Holder = { pid: process.pid, host: os.hostname(), startedAt: now.toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(mine) + "\n", { flag: "wx" });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" || attempt > 0) {
        // As with the run cache: a folder that cannot be written costs the check, not the run.
        log(`oss-showdown: ${shown(file)}: cannot take the lock (${code ?? (error as Error).message}); a second run of ${cohort} at the same time would not be noticed`);
        return { file, release: () => {} };
      }
      const holder = readHolder(file);
      // A lock torn by a crash between create and write, or whose process is gone: stale.
      const stale = !holder || (holder.host === mine.host && !alive(holder.pid));
      if (!stale) {
        throw new LockedError(
          `${cohort} is being collected by pid ${holder.pid} on ${holder.host} since ${holder.startedAt} (lock ${shown(file)}); ` +
            `wait for it to finish, or delete the lock if that process is gone`,
        );
      }
      log(`oss-showdown: ${shown(file)}: removed a stale lock${holder ? ` of pid ${holder.pid} (gone), started ${holder.startedAt}` : ""}`);
      rmSync(file, { force: true });
    }
  }
  return {
    file,
    release() {
      if (readHolder(file)?.pid !== mine.pid) return;
      rmSync(file, { force: true });
      try {
        rmdirSync(path.dirname(file));
        rmdirSync(path.dirname(path.dirname(file)));
      } catch {
        // not empty: other cohorts' locks, the caches
      }
    },
  };
}

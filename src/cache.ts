/**
 * The caches' folder and their files. Everything in it is an accelerator, never the only copy: a file
 * there that cannot be written, or is missing or damaged when read, changes nothing but the time taken.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "./fs-here.js";
import path from "node:path";

/** SHOWDOWN_CACHE_DIR, default .cache in the working folder. */
export function cacheRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  return path.resolve(cwd, env.SHOWDOWN_CACHE_DIR || ".cache");
}

/**
 * Writes a cache file through a uniquely named temp file and a rename, so a reader never sees half of
 * one, without flushing it to disk; a failure (read-only folder, disk full) is ignored.
 */
export async function writeCacheFile(file: string, content: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    // The folder is made only when missing: score saves hundreds of digests into one folder.
    await writeFile(tmp, content).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, content);
    });
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/** The JSON in a cache file, or undefined when it is missing or damaged. */
export async function readCacheJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

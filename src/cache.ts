import path from "node:path";

/** SHOWDOWN_CACHE_DIR, default .cache in the working folder: where collect keeps its run cache and ETags. */
export function cacheRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  return path.resolve(cwd, env.SHOWDOWN_CACHE_DIR || ".cache");
}

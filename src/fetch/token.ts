import { execFile } from "node:child_process";
import { registerSecret } from "../format/plain.js";

export interface Token {
  value: string;
  /** Where it came from, for the summary line; never the token itself. */
  from: "GITHUB_TOKEN" | "GH_TOKEN" | "gh auth token";
}

/**
 * The GitHub token: GITHUB_TOKEN, then GH_TOKEN, then the GitHub CLI's stored login. Without one the
 * tool runs unauthenticated (60 core requests an hour and 10 searches a minute: docs.github.com/en/rest/search/search#rate-limit).
 */
export async function findToken(env: NodeJS.ProcessEnv, useGh = true): Promise<Token | undefined> {
  if (env.GITHUB_TOKEN?.trim()) return { value: env.GITHUB_TOKEN.trim(), from: "GITHUB_TOKEN" };
  if (env.GH_TOKEN?.trim()) return { value: env.GH_TOKEN.trim(), from: "GH_TOKEN" };
  if (!useGh) return undefined;
  const fromGh = await new Promise<string>((resolve) => {
    execFile("gh", ["auth", "token"], { timeout: 5000, env }, (error, stdout) => resolve(error ? "" : String(stdout).trim()));
  });
  registerSecret(fromGh);
  return fromGh ? { value: fromGh, from: "gh auth token" } : undefined;
}

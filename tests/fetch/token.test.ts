import { describe, expect, it } from "vitest";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findToken } from "../../src/fetch/token.js";

async function fakeGh(script: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gh-"));
  await writeFile(path.join(dir, "gh"), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(dir, "gh"), 0o755);
  return dir;
}

describe("findToken", () => {
  it("prefers GITHUB_TOKEN, then GH_TOKEN", async () => {
    expect(await findToken({ GITHUB_TOKEN: " a ", GH_TOKEN: "b" }, false)).toEqual({ value: "a", from: "GITHUB_TOKEN" });
    expect(await findToken({ GITHUB_TOKEN: "", GH_TOKEN: "b" }, false)).toEqual({ value: "b", from: "GH_TOKEN" });
  });
  it("falls back to the GitHub CLI's stored login", async () => {
    const dir = await fakeGh('[ "$1 $2" = "auth token" ] && echo gho_fromcli');
    expect(await findToken({ PATH: dir })).toEqual({ value: "gho_fromcli", from: "gh auth token" });
  });
  it("runs unauthenticated when gh is absent or not logged in", async () => {
    const dir = await fakeGh('echo "no oauth token found" >&2; exit 1');
    expect(await findToken({ PATH: dir })).toBeUndefined();
    expect(await findToken({ PATH: "/nonexistent" })).toBeUndefined();
  });
});

import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { codeHash } from "../src/hash.js";

describe("codeHash", () => {
  it("changes with any byte of the module or of a module of its kind in the folders, not with other files", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-codehash-"));
    await mkdir(path.join(dir, "cli"));
    await mkdir(path.join(dir, "score"));
    const module = pathToFileURL(path.join(dir, "cli", "score.js"));
    await writeFile(path.join(dir, "cli", "score.js"), "export const a = 1;\n");
    await writeFile(path.join(dir, "score", "index.js"), "export const b = 2;\n");
    await writeFile(path.join(dir, "score", "tiers.js"), "export const c = 3;\n");
    const hash = () => codeHash(module, ["../score/"]);
    const first = hash();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(hash()).toBe(first);
    // Not of its kind (source maps, declarations, a file in another folder): the same.
    await writeFile(path.join(dir, "score", "index.js.map"), "{}");
    await writeFile(path.join(dir, "score", "index.d.ts"), "export {};");
    await writeFile(path.join(dir, "cli", "other.js"), "export const d = 4;\n");
    expect(hash()).toBe(first);
    // A byte of a module in the folder, of the module itself, a module added: another hash each time.
    const seen = new Set([first]);
    for (const [file, text] of [
      ["score/tiers.js", "export const c = 4;\n"],
      ["cli/score.js", "export const a = 2;\n"],
      ["score/new.js", ""],
    ] as const) {
      await writeFile(path.join(dir, file), text);
      const h = hash();
      expect(seen.has(h), file).toBe(false);
      seen.add(h);
    }
    // The same code moved from one module to another is other code.
    await writeFile(path.join(dir, "score", "new.js"), "export const c = 4;\n");
    await writeFile(path.join(dir, "score", "tiers.js"), "");
    expect(seen.has(hash())).toBe(false);
  });
});

/**
 * The parsed-YAML cache of readDataFile (LoadOptions.cache): the data of a YAML file is kept as JSON
 * under the hash of its text, and used only for that exact text, and only when JSON holds it exactly.
 */
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCohort, readDataFile } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { sha256 } from "../../src/hash.js";
import { TOOL } from "../../src/tool.js";

async function temp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "showdown-data-cache-"));
}

const YAML = `cohort: demo
projects:
  - id: a
    name: "A é"
    tags: [x, y]
    ops: 24.5
`;

describe("readDataFile's cache", () => {
  it("keeps the data of a YAML file under the hash of its text and reads it back equal", async () => {
    const dir = await temp();
    const file = path.join(dir, "c.yaml");
    const cache = path.join(dir, "cache");
    await writeFile(file, YAML);
    const first = await readDataFile(file, { cache });
    expect(first).toEqual({ cohort: "demo", projects: [{ id: "a", name: "A é", tags: ["x", "y"], ops: 24.5 }] });
    const kept = path.join(cache, `${sha256(`${TOOL.version}\n${YAML}`)}.json`);
    expect(JSON.parse(await readFile(kept, "utf8"))).toEqual(first);
    // Read from the cache: a hand-changed cache entry shows it is what is returned.
    await writeFile(kept, JSON.stringify({ cohort: "from-cache" }));
    expect(await readDataFile(file, { cache })).toEqual({ cohort: "from-cache" });
    // Without a cache it is parsed as ever.
    expect(await readDataFile(file)).toEqual(first);
  });

  it("parses again when the text changes, and when the cached entry is damaged", async () => {
    const dir = await temp();
    const file = path.join(dir, "c.yaml");
    const cache = path.join(dir, "cache");
    await writeFile(file, YAML);
    await readDataFile(file, { cache });
    await writeFile(file, YAML.replace("24.5", "25"));
    expect(((await readDataFile(file, { cache })) as { projects: { ops: number }[] }).projects[0]!.ops).toBe(25);
    expect((await readdir(cache)).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    for (const f of await readdir(cache)) await writeFile(path.join(cache, f), "{ damaged");
    expect(((await readDataFile(file, { cache })) as { projects: { ops: number }[] }).projects[0]!.ops).toBe(25);
  });

  it("does not keep data JSON cannot hold (.inf, -0), nor a file with a syntax error", async () => {
    const dir = await temp();
    const cache = path.join(dir, "cache");
    const inf = path.join(dir, "inf.yaml");
    await writeFile(inf, "a: .inf\nb: -0\n");
    for (let i = 0; i < 2; i++) {
      const data = (await readDataFile(inf, { cache })) as { a: number; b: number };
      expect(data.a).toBe(Number.POSITIVE_INFINITY);
      expect(Object.is(data.b, -0)).toBe(true);
    }
    const bad = path.join(dir, "bad.yaml");
    await writeFile(bad, "a: [1, 2\n");
    await expect(readDataFile(bad, { cache })).rejects.toThrow(ConfigError);
    await expect(readDataFile(bad, { cache })).rejects.toThrow(/invalid YAML at line/);
    expect(await readdir(cache).catch(() => [])).toEqual([]);
  });

  it("is used by loadCohort for the cohort and its rubric, with validation as ever", async () => {
    const dir = await temp();
    const cache = path.join(dir, "cache");
    const loaded = await loadCohort(path.resolve("config"), "deep-learning-2018", { cache });
    expect((await readdir(cache)).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    expect(await loadCohort(path.resolve("config"), "deep-learning-2018", { cache })).toEqual(loaded);
    expect(await loadCohort(path.resolve("config"), "deep-learning-2018")).toEqual(loaded);
  });
});

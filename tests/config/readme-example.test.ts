/**
 * README's "Score your own field" example is complete: its two files, as written there, pass
 * validate and score their project.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCohort } from "../../src/config/load.js";
import { ROOT } from "../support/cli.js";
import { run } from "../support/io.js";

describe("README: score your own field", () => {
  it("gives a rubric and a cohort that validate and load, with a rating, a checklist and a metric", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Score your own field"));
    const blocks = [...section.matchAll(/```yaml\n# config\/(\S+)\n([\s\S]*?)```/g)].slice(0, 2);
    expect(blocks.map((b) => b[1])).toEqual(["rubric-bundlers.yaml", "bundlers.yaml"]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-readme-"));
    await mkdir(path.join(dir, "config"));
    for (const [, name, text] of blocks) await writeFile(path.join(dir, "config", name!), text!);
    const result = await run(["validate"], dir);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("bundlers: 1 project, ok\n");
    expect(result.code).toBe(0);
    const { rubric } = await loadCohort(path.join(dir, "config"), "bundlers");
    expect(rubric.categories.flatMap((c) => c.criteria.map((k) => k.kind))).toEqual(["rating", "checklist", "metric"]);
  });
});

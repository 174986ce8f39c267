import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { listCohorts, loadCohort } from "../../src/config/load.js";
import { checklistItems } from "../../src/config/rubric.js";
import { reviewCohort } from "../../src/config/validate.js";
import { ROOT } from "../support/cli.js";

// Checks every cohort in config/ must pass, whatever its projects: a new cohort file gets them too.
const configDir = path.join(ROOT, "config");
const cohorts = await listCohorts(configDir);

describe("every cohort in config/", () => {
  it("is found (a config folder holds at least one cohort)", () => {
    expect(cohorts.length).toBeGreaterThan(0);
  });

  it("is listed in the README's table of cohorts with a one-line description", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    // A fork that replaced config/ but not this README (whose table names none of its cohorts) is not held to it.
    const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)`(?: \(default\))? \| /gm)].map((m) => m[1]);
    if (!cohorts.some((name) => listed.includes(name))) return;
    for (const name of cohorts) expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\`(?: \\(default\\))? \\| .{20,} \\|$`, "m"));
  });

  describe.each(cohorts)("%s", (name) => {
    it("gives every rating of the rubric a source, or a source saying why it is left out", async () => {
      const review = reviewCohort(await loadCohort(configDir, name));
      expect(review.problems).toEqual([]);
    });

    it("cites where its repository, tags, query and numerics library come from, each one it gives", async () => {
      const { cohort } = await loadCohort(configDir, name);
      for (const p of cohort.projects) {
        const given = { repository: true, stackOverflowTags: p.stackOverflowTags.length > 0, repositoryQuery: p.repositoryQuery !== undefined, numericsRepository: p.numericsRepository !== undefined };
        for (const [key, has] of Object.entries(given)) if (has) expect(p.sources?.[key]?.trim(), `${p.id}.sources.${key}`).toBeTruthy();
      }
    });

    it("checks every operation of the rubric's sample in each ops checklist (when the rubric has one)", async () => {
      const { cohort, rubric } = await loadCohort(configDir, name);
      const sample = [...checklistItems(rubric, "ops")].sort();
      if (sample.length === 0) return;
      for (const p of cohort.projects) {
        expect(typeof p.ops, `${p.id}.ops should be a checklist`).toBe("object");
        expect(Object.keys(p.ops as Record<string, number>).sort(), p.id).toEqual(sample);
      }
    });

    it("gives each project a repository of its own", async () => {
      const { cohort } = await loadCohort(configDir, name);
      const repos = cohort.projects.map((p) => p.repository.toLowerCase());
      expect(repos.filter((r, i) => repos.indexOf(r) !== i)).toEqual([]);
    });
  });
});

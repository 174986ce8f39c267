import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { listCohorts, loadCohort } from "../../src/config/load.js";
import { ROOT } from "../support/cli.js";

// The comparison articles live in ../shared/sources beside the checkout (on CI too), not in the repo.
const SOURCES = path.resolve(ROOT, "..", "shared", "sources");

/** Folds typography and spacing so that a quote copied from the article matches it. */
const fold = (text: string) => text.replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, " ").trim().toLowerCase();

/** The local copy of each article, by its title (shared/README.md's table). */
const FILES: Record<string, string> = {
  "Deep Learning Showdown": "coveo-deep-learning-showdown.txt",
  "Choosing a Machine Learning Framework in 2018": "choosing-a-machine-learning-framework-in-2018.txt",
  "Comparison of AI Frameworks": "comparison-of-ai-frameworks.txt",
  "Machine Learning Frameworks Comparison": "machine-learning-frameworks-comparison.txt",
  "Comparison of deep learning frameworks": "comparison-of-deep-learning-frameworks-paper.txt",
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `REFERENCE: 'quote'` (optionally `REFERENCE Table 2: 'quote'`), REFERENCE one of the cohort's
 * reference ids; a quote ends at ' before a space, punctuation or the end.
 */
const citation = (ids: readonly string[]) => new RegExp(`(${ids.map(escape).join("|")})(?: [^:']{1,40})?:\\s*'(.+?)'(?=[;,.)]*(?:\\s|$))`, "g");

/** Every source line of a project: its `sources`, and each dated rating's entries. */
function sourceLines(p: Record<string, unknown> & { sources?: Record<string, string> }): [string, string][] {
  const lines = Object.entries(p.sources ?? {});
  for (const [key, value] of Object.entries(p)) {
    if (Array.isArray(value)) value.forEach((e: unknown, i) => typeof (e as { source?: unknown })?.source === "string" && lines.push([`${key}[${i}]`, (e as { source: string }).source]));
  }
  return lines;
}

describe("citations of the comparison articles", () => {
  it("can read the articles", () => {
    expect(existsSync(SOURCES), `${SOURCES} is missing: the tests need shared/ beside the checkout`).toBe(true);
  });

  it("quote every article verbatim ('...' marks an elision)", async () => {
    const articles = new Map(readdirSync(SOURCES).map((f) => [f, fold(readFileSync(path.join(SOURCES, f), "utf8"))]));
    const configDir = path.join(ROOT, "config");
    const misquoted: string[] = [];
    let checked = 0;
    const cohorts = await listCohorts(configDir);
    for (const name of cohorts) {
      const { cohort } = await loadCohort(configDir, name);
      const fileOf = new Map((cohort.references ?? []).map((r) => [r.id, FILES[r.title]]));
      if (fileOf.size === 0) continue;
      for (const p of cohort.projects) {
        for (const [key, text] of sourceLines(p)) {
          for (const [, id, quote] of text.matchAll(citation([...fileOf.keys()]))) {
            checked++;
            const file = fileOf.get(id!);
            const article = file === undefined ? undefined : articles.get(file);
            const parts = fold(quote!).split(/\s*(?:\.\.\.|…)\s*/).filter(Boolean);
            if (!article) misquoted.push(`${name} ${p.id}.sources.${key}: no local copy of ${id}`);
            else if (!parts.every((part) => article.includes(part))) misquoted.push(`${name} ${p.id}.sources.${key}: not in ${file}: '${quote}'`);
          }
        }
      }
    }
    expect(misquoted).toEqual([]);
    // The shipped cohorts cite the articles over 50 times; a fork's may cite none.
    if (cohorts.includes("deep-learning-2018")) expect(checked).toBeGreaterThan(50);
  });

  it("finds a citation written as the cohorts write them (so that none goes unchecked)", () => {
    const text = "Coveo, “Deep Learning Showdown” (2018): 'TensorFlow Google Brain 2015'; also Jukic (2020) Table 2: 'a quote, with a comma'.";
    expect([...text.matchAll(citation(["Coveo, “Deep Learning Showdown” (2018)", "Jukic (2020)"]))].map(([, id, quote]) => [id, quote])).toEqual([
      ["Coveo, “Deep Learning Showdown” (2018)", "TensorFlow Google Brain 2015"],
      ["Jukic (2020)", "a quote, with a comma"],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { listCohorts, loadCohort } from "../../src/config/load.js";
import { ROOT } from "../support/cli.js";

// The comparison articles live in ../shared/sources beside the checkout (on CI too), not in the repo.
const SOURCES = path.resolve(ROOT, "..", "shared", "sources");

/** Folds typography and spacing so that a quote copied from the article matches it. */
const fold = (text: string) => text.replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, " ").trim().toLowerCase();

/** `article.txt: 'quote'` (optionally `article.txt Table 2: 'quote'`); a quote ends at ' before a space, punctuation or the end. */
const CITATION = /([a-z0-9-]+\.txt)(?: [^:']{1,40})?:\s*'(.+?)'(?=[;,.)]*(?:\s|$))/g;

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
      for (const p of cohort.projects) {
        for (const [key, text] of Object.entries(p.sources ?? {})) {
          for (const [, file, quote] of text!.matchAll(CITATION)) {
            checked++;
            const article = articles.get(file!);
            const parts = fold(quote!).split(/\s*(?:\.\.\.|…)\s*/).filter(Boolean);
            if (!article) misquoted.push(`${name} ${p.id}.sources.${key}: no article ${file}`);
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
    const text = "coveo-deep-learning-showdown.txt: 'TensorFlow Google Brain 2015'; also paper.txt Table 2: 'a quote, with a comma'.";
    expect([...text.matchAll(CITATION)].map(([, file, quote]) => [file, quote])).toEqual([
      ["coveo-deep-learning-showdown.txt", "TensorFlow Google Brain 2015"],
      ["paper.txt", "a quote, with a comma"],
    ]);
  });
});

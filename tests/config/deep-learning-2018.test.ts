import { beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCohort, type LoadedCohort } from "../../src/config/load.js";
import { opsSample } from "../../src/config/rubric.js";
import { RATED } from "../../src/config/criteria.js";
import { REPOSITORY } from "../../src/slug.js";

const configDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../config");

const EXPECTED_IDS = [
  // Coveo's 13
  "bigdl",
  "caffe",
  "caffe2",
  "chainer",
  "cntk",
  "deeplearning4j",
  "mxnet",
  "neon",
  "paddlepaddle",
  "pytorch",
  "tensorflow",
  "torch",
  "theano",
  // named as contenders in the other articles
  "keras",
  "dynet",
  "dsstne",
];

/**
 * Projects without a numerics rating: the three Coveo could not rate ("I wasn't able to determine a
 * numerics score for Caffé, Caffé2, and PaddlePaddle"), and DSSTNE, skipped on the same ground (no
 * numerics library exposed to users).
 */
const NO_NUMERICS = ["caffe", "caffe2", "paddlepaddle", "dsstne"];

let loaded: LoadedCohort;
beforeAll(async () => {
  loaded = await loadCohort(configDir, "deep-learning-2018");
});

describe("the deep-learning-2018 cohort", () => {
  it("loads and holds the 16 expected projects", () => {
    expect(loaded.cohort.cohort).toBe("deep-learning-2018");
    expect(loaded.cohort.projects.map((p) => p.id).sort()).toEqual([...EXPECTED_IDS].sort());
  });

  it("rates every project on every hand-rated criterion of the rubric, numerics aside for the unratable ones", () => {
    const rubricCriteria = loaded.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id as string));
    const rated = RATED.filter((id) => rubricCriteria.includes(id));
    expect(rated.length).toBeGreaterThan(0);
    for (const p of loaded.cohort.projects) {
      for (const key of rated) {
        const value = p[key];
        if (key === "numerics" && NO_NUMERICS.includes(p.id)) {
          expect(value, `${p.id}.numerics should be omitted`).toBeUndefined();
          continue;
        }
        expect(value, `${p.id}.${key}`).toBeDefined();
        const source = p.sources?.[key];
        expect(typeof source === "string" && source.trim().length > 0, `${p.id}.sources.${key}`).toBe(true);
      }
    }
  });

  it("gives every present rating, and the repository, tags and query, a non-empty source", () => {
    for (const p of loaded.cohort.projects) {
      const keys = [...RATED.filter((k) => p[k] !== undefined), "repository", "stackOverflowTags", "repositoryQuery"] as const;
      for (const key of keys) {
        const source = p.sources?.[key];
        expect(typeof source === "string" && source.trim().length > 0, `${p.id}.sources.${key}`).toBe(true);
      }
      if (p.numericsRepository !== undefined) expect(p.sources?.numericsRepository?.trim(), `${p.id}.sources.numericsRepository`).toBeTruthy();
    }
  });

  it("lists all 32 sample operations in each ops checklist", () => {
    const sample = opsSample(loaded.rubric);
    expect(sample).toHaveLength(32);
    for (const p of loaded.cohort.projects) {
      expect(typeof p.ops, `${p.id}.ops should be a checklist`).toBe("object");
      expect(Object.keys(p.ops as Record<string, number>).sort(), p.id).toEqual([...sample].sort());
    }
  });

  it("gives each project its own repository, in owner/name form", () => {
    const repos = loaded.cohort.projects.map((p) => p.repository.toLowerCase());
    expect(new Set(repos).size).toBe(repos.length);
    for (const p of loaded.cohort.projects) {
      expect(p.repository, p.id).toMatch(REPOSITORY);
      if (p.numericsRepository !== undefined) expect(p.numericsRepository, p.id).toMatch(REPOSITORY);
    }
  });

  it("keeps every repository query within GitHub's 256-character limit", () => {
    for (const p of loaded.cohort.projects) {
      expect(p.repositoryQuery.length, p.id).toBeGreaterThan(0);
      expect(p.repositoryQuery.length, p.id).toBeLessThanOrEqual(256);
    }
  });

  it("follows the ratings Coveo's text states outright", () => {
    const byId = new Map(loaded.cohort.projects.map((p) => [p.id, p]));
    expect(byId.get("tensorflow")?.graph).toBe(1); // symbolic despite eager mode
    expect(byId.get("pytorch")?.graph).toBe(2);
    expect(byId.get("mxnet")?.graph).toBe(2); // Gluon
    expect(Object.keys(byId.get("mxnet")?.languages ?? {}).length).toBeGreaterThan(6); // "over 6 language bindings"
    expect(byId.get("mxnet")?.languages).toHaveProperty("perl");
    expect(byId.get("mxnet")?.aws).toBe(3); // AWS "framework of choice"
    expect(byId.get("tensorflow")?.onnx).toBeLessThan(2);
    expect(byId.get("deeplearning4j")?.onnx).toBe(0);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCohort, type LoadedCohort } from "../../src/config/load.js";
import { opsSample } from "../../src/config/rubric.js";
import { RATED } from "../../src/config/criteria.js";
import { REPOSITORY } from "../../src/slug.js";

const configDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../config");

const EXPECTED_IDS = [
  "pytorch",
  "tensorflow",
  "jax",
  "flax",
  "keras",
  "mxnet",
  "paddlepaddle",
  "mindspore",
  "mlx",
  "tinygrad",
  "onnxruntime",
  "burn",
  "candle",
  "deeplearning4j",
];

let loaded: LoadedCohort;
beforeAll(async () => {
  loaded = await loadCohort(configDir, "deep-learning-2026");
});

const byId = (id: string) => {
  const p = loaded.cohort.projects.find((q) => q.id === id);
  if (p === undefined) throw new Error(`no project ${id}`);
  return p;
};

describe("the deep-learning-2026 cohort", () => {
  it("loads and holds the expected projects", () => {
    expect(loaded.cohort.cohort).toBe("deep-learning-2026");
    expect(loaded.cohort.projects.map((p) => p.id).sort()).toEqual([...EXPECTED_IDS].sort());
  });

  it("rates every project on every hand-rated criterion of the rubric, each with a non-empty source", () => {
    const rubricCriteria = loaded.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id as string));
    const rated = RATED.filter((id) => rubricCriteria.includes(id));
    expect(rated.length).toBeGreaterThan(0);
    for (const p of loaded.cohort.projects) {
      for (const key of rated) {
        expect(p[key], `${p.id}.${key}`).toBeDefined();
        const source = p.sources?.[key];
        expect(typeof source === "string" && source.trim().length > 0, `${p.id}.sources.${key}`).toBe(true);
      }
    }
  });

  it("sources the repository, tags and query too, and the numerics repository where one is given", () => {
    for (const p of loaded.cohort.projects) {
      for (const key of ["repository", "stackOverflowTags", "repositoryQuery"] as const) {
        expect(p.sources?.[key]?.trim(), `${p.id}.sources.${key}`).toBeTruthy();
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

  it("points at the current repositories, and Flax's numerics at JAX", () => {
    expect(byId("jax").repository).toBe("jax-ml/jax");
    expect(byId("jax").numericsRepository).toBeUndefined(); // JAX's numerics are its own
    expect(byId("flax").numericsRepository).toBe("jax-ml/jax");
    expect(byId("mindspore").repository).toBe("mindspore-ai/mindspore");
    expect(byId("deeplearning4j").repository).toBe("deeplearning4j/deeplearning4j");
  });

  it("rates the retired MXNet as it stands today", () => {
    const mxnet = byId("mxnet");
    expect(mxnet.sponsor).toBe(0);
    expect(mxnet.aws).toBeLessThan(3); // no longer AWS's "framework of choice"
    expect(mxnet.notes).toMatch(/Attic/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCohort, type LoadedCohort } from "../../src/config/load.js";

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
// A data check of the shipped cohort: a fork that replaces config/ with its own cohorts has none to check.
const shipped = existsSync(path.join(configDir, "deep-learning-2026.yaml"));

beforeAll(async () => {
  if (shipped) loaded = await loadCohort(configDir, "deep-learning-2026");
});

const byId = (id: string) => {
  const p = loaded.cohort.projects.find((q) => q.id === id);
  if (p === undefined) throw new Error(`no project ${id}`);
  return p;
};

describe.skipIf(!shipped)("the deep-learning-2026 cohort", () => {
  it("loads and holds the expected projects", () => {
    expect(loaded.cohort.cohort).toBe("deep-learning-2026");
    expect(loaded.cohort.projects.map((p) => p.id).sort()).toEqual([...EXPECTED_IDS].sort());
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

  it("has the belligerents' sponsor and one line for every project, and a first release only where a source gives it (the notes name the others)", () => {
    const notes = loaded.cohort.notes ?? "";
    for (const p of loaded.cohort.projects) {
      const about = p.about!;
      expect(about.sponsoredBy, p.id).toBeTruthy();
      expect(about.line, p.id).toBeTruthy();
      expect(about.source, p.id).toMatch(/Sponsor: .*Line: /);
      if (about.firstRelease !== undefined) {
        // Its source quotes the year.
        expect(about.source, p.id).toMatch(new RegExp(`First release: .*${about.firstRelease}`));
      } else {
        expect(about.source, p.id).toContain("First release left out: no source found here.");
        expect(notes, p.id).toContain(p.name);
      }
    }
    expect(loaded.cohort.projects.filter((p) => p.about?.firstRelease !== undefined).map((p) => p.id)).toEqual(["pytorch", "tensorflow", "flax", "mxnet", "paddlepaddle", "mindspore", "mlx", "candle", "deeplearning4j"]);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCohort, type LoadedCohort } from "../../src/config/load.js";
import { ratedCriteria } from "../../src/config/rubric.js";
import { isDated } from "../../src/config/ratings.js";
import { ratingsOf } from "../../src/score/snapshot.js";

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
// A data check of the shipped cohort: a fork that replaces config/ with its own cohorts has none to check.
const shipped = existsSync(path.join(configDir, "deep-learning-2018.yaml"));

beforeAll(async () => {
  if (shipped) loaded = await loadCohort(configDir, "deep-learning-2018");
});

describe.skipIf(!shipped)("the deep-learning-2018 cohort", () => {
  it("loads and holds the 16 expected projects", () => {
    expect(loaded.cohort.cohort).toBe("deep-learning-2018");
    expect(loaded.cohort.projects.map((p) => p.id).sort()).toEqual([...EXPECTED_IDS].sort());
  });

  it("rates every project on every hand-rated criterion, numerics aside for the unratable ones", () => {
    const rated = ratedCriteria(loaded.rubric).map((d) => d.id);
    expect(rated.length).toBeGreaterThan(0);
    for (const p of loaded.cohort.projects) {
      for (const key of rated) {
        const value = p[key];
        if (key === "numerics" && NO_NUMERICS.includes(p.id)) {
          expect(value, `${p.id}.numerics should be omitted`).toBeUndefined();
          continue;
        }
        expect(value, `${p.id}.${key}`).toBeDefined();
        // A dated rating cites a source in each entry.
        const sources = isDated(value) ? value.map((e) => e.source) : [p.sources?.[key]];
        for (const source of sources) expect(typeof source === "string" && source.trim().length > 0, `${p.id}.sources.${key}`).toBe(true);
      }
    }
  });

  it("follows the ratings Coveo's text states outright, in force on the day of its article", () => {
    const byId = new Map(loaded.cohort.projects.map((p) => [p.id, ratingsOf(p, loaded.rubric, "2018-08-14T00:00:00Z")]));
    expect(byId.get("tensorflow")?.graph).toBe(1); // symbolic despite eager mode
    expect(byId.get("pytorch")?.graph).toBe(2);
    expect(byId.get("mxnet")?.graph).toBe(2); // Gluon
    expect(Object.keys(byId.get("mxnet")?.languages ?? {}).length).toBeGreaterThan(6); // "over 6 language bindings"
    expect(byId.get("mxnet")?.languages).toHaveProperty("perl");
    expect(byId.get("mxnet")?.aws).toBe(3); // AWS "framework of choice"
    expect(byId.get("tensorflow")?.onnx).toBeLessThan(2);
    expect(byId.get("deeplearning4j")?.onnx).toBe(0);
  });

  it("changes the dated ratings on the day the facts did", () => {
    const at = (id: string, asOf: string) => ratingsOf(loaded.cohort.projects.find((p) => p.id === id)!, loaded.rubric, asOf);
    expect(at("tensorflow", "2019-09-29T00:00:00Z").graph).toBe(1);
    expect(at("tensorflow", "2019-09-30T00:00:00Z").graph).toBe(2); // TensorFlow 2.0: eager by default
    expect(at("pytorch", "2017-12-04T00:00:00Z").onnx).toBe(0);
    expect(at("pytorch", "2017-12-05T00:00:00Z").onnx).toBe(2); // PyTorch 0.3.0: torch.onnx
    expect(at("mxnet", "2023-08-31T00:00:00Z").sponsor).toBe(2);
    expect(at("mxnet", "2023-09-01T00:00:00Z").sponsor).toBe(0); // retired to the Apache Attic
  });
});

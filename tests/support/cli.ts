import { execFile } from "node:child_process";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist", "cli.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with only the environment given (plus PATH). */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does it first)`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/**
 * The shipped rubric's shape, copied here so that no test reads config/ (a fork replaces it): the
 * three categories and twelve criteria of the Coveo rubric, with its 32-operation ops sample.
 */
export const TEST_RUBRIC_YAML = `version: 1
name: Coveo Deep Learning Showdown (test copy)
categories:
  - id: community
    name: Support & Community
    weight: 1
    criteria:
      - id: sponsor
        weight: 1
        normalize: { by: scale, max: 2 }
      - id: activity
        weight: 1
        normalize: { by: cohortMax }
      - id: ecosystem
        weight: 1
        normalize: { by: cohortMax }
      - id: documentation
        weight: 1
        normalize: { by: scale, max: 3 }
  - id: api
    name: API & Internals
    weight: 1
    criteria:
      - id: graph
        weight: 1
        normalize: { by: scale, max: 2 }
      - id: numerics
        weight: 1
        normalize: { by: cohortMax }
      - id: ops
        weight: 1
        normalize: { by: scale, max: 32 }
        sample:
          - { id: dense, why: "Fully connected layer: the output of almost every network." }
          - { id: conv1d, why: "Temporal convolution for audio and text." }
          - { id: conv2d, why: "The workhorse of vision models (named by Coveo: run-of-the-mill convolutional layers)." }
          - { id: conv3d, why: "Video and volumetric (medical) data." }
          - { id: conv-transpose, why: "Learned upsampling in decoders, GANs and segmentation." }
          - { id: depthwise-conv, why: "Depthwise-separable convolutions of MobileNet and Xception." }
          - { id: dilated-conv, why: "Atrous convolution of WaveNet and DeepLab." }
          - { id: max-pool, why: "Standard spatial down-sampling." }
          - { id: avg-pool, why: "Average and global average pooling heads of ResNet-style models." }
          - { id: upsample, why: "Nearest/bilinear resize in U-Nets and feature pyramids." }
          - { id: dropout, why: "The default regulariser." }
          - { id: batch-norm, why: "Needed to train deep CNNs." }
          - { id: layer-norm, why: "Normalisation for RNNs and Transformers." }
          - { id: lrn, why: "Local response normalisation of AlexNet and GoogLeNet, still in model zoos." }
          - { id: embedding, why: "Lookup tables for words and categorical features." }
          - { id: rnn, why: "The plain recurrent cell." }
          - { id: lstm, why: "The recurrent layer of 2018 (named by Coveo)." }
          - { id: gru, why: "The lighter gated recurrent alternative." }
          - { id: bidirectional, why: "Bidirectional recurrence for tagging and translation encoders." }
          - { id: attention, why: "Attention / multi-head attention of seq2seq and Transformer models." }
          - { id: relu, why: "The default activation." }
          - { id: leaky-relu, why: "Leaky/parametric ReLU of GANs and deep CNNs." }
          - { id: elu, why: "ELU/SELU self-normalising activations." }
          - { id: softmax, why: "Output layer of every classifier." }
          - { id: hierarchical-softmax, why: "Large-vocabulary output layer; Coveo's example of a rare but useful op." }
          - { id: cross-entropy, why: "The classification loss." }
          - { id: ctc-loss, why: "Connectionist temporal classification for speech and OCR." }
          - { id: sgd-momentum, why: "SGD with (Nesterov) momentum, the baseline optimiser." }
          - { id: adagrad, why: "Per-parameter learning rates for sparse features." }
          - { id: adadelta, why: "Adagrad without a global learning rate." }
          - { id: rmsprop, why: "The optimiser of many RL and RNN papers." }
          - { id: adam, why: "The default optimiser of most 2018 papers." }
  - id: platform
    name: Platform
    weight: 1
    criteria:
      - id: languages
        weight: 1
        normalize: { by: cohortMax }
      - id: scalability
        weight: 1
        normalize: { by: scale, max: 2 }
      - id: os
        weight: 1
        normalize: { by: cohortMax }
      - id: aws
        weight: 1
        normalize: { by: scale, max: 3 }
      - id: onnx
        weight: 1
        normalize: { by: scale, max: 2 }
`;

/** A temporary project folder with TEST_RUBRIC_YAML as config/rubric.yaml and a cohort file written from `cohort`. */
export async function tempProject(cohortName: string, cohortYaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "showdown-"));
  await mkdir(path.join(dir, "config"));
  await writeFile(path.join(dir, "config", "rubric.yaml"), TEST_RUBRIC_YAML);
  await writeFile(path.join(dir, "config", `${cohortName}.yaml`), cohortYaml);
  return dir;
}

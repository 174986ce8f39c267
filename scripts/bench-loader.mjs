/**
 * Lets `node --import ./scripts/bench-loader.mjs scripts/bench.ts` run the bench from its TypeScript
 * source with the project's own TypeScript (a devDependency; no other loader is installed). Each .ts
 * module is transpiled on load (types erased, nothing checked: `npm run typecheck` does that), and a
 * `./x.js` import from a .ts module finds `./x.ts`, as tsc's NodeNext resolution does.
 *
 * Running from source, rather than from a compiled copy, keeps import.meta.url where the file is: the
 * loopback stand-in (tests/support/replica.ts) reads fixtures relative to itself, and GitHub's GraphQL
 * schema from shared/ beside the checkout.
 */
import { isMainThread } from "node:worker_threads";
import { register } from "node:module";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// The hooks run on a loader thread of their own, which imports this same module again.
if (isMainThread) register(import.meta.url);

let ts;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fromTs = context.parentURL?.endsWith(".ts") && specifier.startsWith(".") && specifier.endsWith(".js");
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !fromTs) throw error;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  ts ??= (await import("typescript")).default;
  const file = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}

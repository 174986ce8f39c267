import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** SHA-256 of the bytes (or of the text's UTF-8), in hex: what the caches file things under. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A hash of a module's code and of the modules of the same kind (.js built, .ts under the tests) in
 * folders relative to it: what a cache of decisions made by that code is keyed with, since the code
 * can change while the tool's version does not (as it is being worked on).
 */
export function codeHash(module: string | URL, folders: readonly string[]): string {
  const self = fileURLToPath(module);
  const extension = path.extname(self);
  const files = [
    self,
    ...folders.flatMap((folder) => {
      const dir = fileURLToPath(new URL(folder, module));
      return readdirSync(dir).filter((f) => f.endsWith(extension)).sort().map((f) => path.join(dir, f));
    }),
  ];
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${path.relative(path.dirname(self), f)}\n`).update(readFileSync(f));
  return hash.digest("hex");
}

import { createHash } from "node:crypto";

/** SHA-256 of the bytes (or of the text's UTF-8), in hex: what the caches file things under. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

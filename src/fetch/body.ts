/**
 * Reads a response body with a size cap (issue 20: a 1.1 MB gzip answer took 2.4 GB). The cap holds
 * for the body as sent (content-length, compressed) and as decoded, counted while it streams in, so
 * a compressed bomb is stopped at the cap rather than decoded whole. Over the cap is not a transient
 * failure: the caller reports it for that request's figures and does not ask again.
 */
import { FetchError } from "./types.js";

/** A cap, and the setting that changes it (named in the error). */
export interface BodyCap {
  bytes: number;
  setting: string;
}

/** Default caps, per API; docs/reliability.md lists them. */
export const DEFAULT_CAPS = {
  github: { bytes: 1024 * 1024, setting: "SHOWDOWN_MAX_RESPONSE_BYTES_GITHUB" },
  graphql: { bytes: 8 * 1024 * 1024, setting: "SHOWDOWN_MAX_RESPONSE_BYTES_GRAPHQL" },
  stackexchange: { bytes: 1024 * 1024, setting: "SHOWDOWN_MAX_RESPONSE_BYTES_STACKEXCHANGE" },
} as const satisfies Record<string, BodyCap>;

export function tooLarge(cap: BodyCap): FetchError {
  return new FetchError("too-large", `answer larger than ${cap.bytes.toLocaleString("en-US")} bytes (${cap.setting}); not asked again`);
}

/** The body as text, or a FetchError "too-large" once more than `cap.bytes` arrived (the rest is not read). */
export async function readCapped(response: Response, cap: BodyCap): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap.bytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(cap);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap.bytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(cap);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

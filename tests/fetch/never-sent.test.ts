import { describe, expect, it } from "vitest";
import { neverSent } from "../../src/fetch/network.js";

// As fetch (undici) rejects: a TypeError "fetch failed" whose cause is the socket's error.
const failed = (cause: unknown) => new TypeError("fetch failed", { cause });
const coded = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe("neverSent: whether a failed fetch never reached the server (its rate-limit budget unspent)", () => {
  it("no address, refused, unreachable: never sent", () => {
    for (const code of ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]) expect(neverSent(failed(coded(code))), code).toBe(true);
  });
  it("every address of the host refused (an AggregateError without a code of its own): never sent", () => {
    expect(neverSent(failed(new AggregateError([coded("ECONNREFUSED"), coded("ENETUNREACH")])))).toBe(true);
    expect(neverSent(failed(new AggregateError([coded("ECONNREFUSED"), coded("ECONNRESET")])))).toBe(false);
    expect(neverSent(failed(new AggregateError([])))).toBe(false);
  });
  it("a connection reset or timed out, a TLS failure, a timeout, anything else: it may have been received", () => {
    for (const code of ["ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "CERT_HAS_EXPIRED"]) expect(neverSent(failed(coded(code))), code).toBe(false);
    expect(neverSent(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toBe(false);
    expect(neverSent(new TypeError("fetch failed"))).toBe(false);
    expect(neverSent("not an error")).toBe(false);
  });
});

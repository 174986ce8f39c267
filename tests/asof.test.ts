import { describe, expect, it } from "vitest";
import { parseAsOf } from "../src/asof.js";
import { UsageError } from "../src/errors.js";

const now = new Date("2026-12-07T00:00:00Z");

describe("parseAsOf", () => {
  it("refuses dates and times that do not exist, rather than rolling them over", () => {
    // Date would read these as 2026-03-02, 2026-03-01, 2025-03-01 and so on.
    for (const text of ["2026-02-30", "2025-02-29", "2026-04-31", "2026-02-28T24:00:00Z", "2026-02-28T10:60:00Z", "2026-02-28T10:00:61Z", "2026-02-28T10:00:00+24:00", "2026-02-28T10:00:00+05:60"]) {
      expect(() => parseAsOf(text, now), text).toThrow(UsageError);
      expect(() => parseAsOf(text, now), text).toThrow(`--as-of: expected an ISO-8601 date or date-time with offset, e.g. 2026-11-21 or 2026-11-21T06:00:00Z, got ${JSON.stringify(text)}`);
    }
  });

  it("reads every instant that does exist, in UTC", () => {
    expect(parseAsOf("2024-02-29", now)).toBe("2024-02-29T00:00:00.000Z");
    expect(parseAsOf("2026-02-28T23:30:00-05:00", now)).toBe("2026-03-01T04:30:00.000Z");
    expect(parseAsOf("2026-12-31T23:59:59Z", new Date("2027-01-01T00:00:00Z"))).toBe("2026-12-31T23:59:59.000Z");
    expect(parseAsOf("2026-06-01T00:00+14:00", now)).toBe("2026-05-31T10:00:00.000Z");
  });
});

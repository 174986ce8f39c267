import { describe, expect, it } from "vitest";
import { RELEASES_PAGE, summarizeReleases } from "../../src/fetch/releases.js";

const SINCE = "2026-10-22T06:00:00Z";
const UNTIL = "2026-11-21T06:00:00Z";
const day = (d: string) => `2026-${d}T00:00:00Z`;

describe("releases in a window, from the newest page", () => {
  it("counts those published in (since, until], skips drafts, and takes the newest published by until", () => {
    const s = summarizeReleases([{ publishedAt: day("11-22") }, { publishedAt: null }, { publishedAt: day("11-16") }, { publishedAt: UNTIL }, { publishedAt: SINCE }, { publishedAt: day("10-02") }], SINCE, UNTIL);
    expect(s).toEqual({ inWindow: 2, latestAt: UNTIL, complete: true });
  });

  it("no release by until: latestAt null, complete", () => {
    expect(summarizeReleases([{ publishedAt: day("11-22") }], SINCE, UNTIL)).toEqual({ inWindow: 0, latestAt: null, complete: true });
  });

  it("a full page whose oldest is still in the window: a lower bound (complete false)", () => {
    const page = Array.from({ length: RELEASES_PAGE }, (_, i) => ({ publishedAt: new Date(Date.parse(UNTIL) - (i + 1) * 60_000).toISOString() }));
    expect(summarizeReleases(page, SINCE, UNTIL)).toMatchObject({ inWindow: RELEASES_PAGE, complete: false });
    // A full page reaching back before the window holds all of it.
    page[RELEASES_PAGE - 1] = { publishedAt: day("10-01") };
    expect(summarizeReleases(page, SINCE, UNTIL)).toMatchObject({ inWindow: RELEASES_PAGE - 1, complete: true });
  });
});

/**
 * The report as a reader sees it: headless Chromium (Debian's `chromium` package, driven by
 * playwright-core) opens index.html from disk and we check what is on the screen. Screenshots go to
 * test-output/ (gitignored) for people to look at.
 *
 * Chromium is required: .ci/run installs it. Without it this test fails (it does not skip), saying so.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { run } from "../support/io.js";
import { ROOT } from "../support/cli.js";
import { COHORT, fixtureConfig, history, projectDir, scored, type FixtureConfig } from "./fixture.js";
import type { Snapshot } from "../../src/snapshot/schema.js";

const CHROMIUM = process.env.SHOWDOWN_CHROMIUM ?? "/usr/bin/chromium";
const OUTPUT = path.join(ROOT, "test-output");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let profile: string;
let context: BrowserContext;
const cleanup: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the report's browser test needs it. Install it with ` +
        `'apt-get update && apt-get install -y chromium' (.ci/run does this), or set SHOWDOWN_CHROMIUM to its path.`,
    );
  }
  profile = await mkdtemp(path.join(os.tmpdir(), "showdown-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 1000 },
    deviceScaleFactor: 1,
  });
  await mkdir(OUTPUT, { recursive: true });
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const dir of [profile, ...cleanup]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  url: string;
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
}

/** Writes the report of a history with the CLI (scored under `config`), then opens its index.html from disk. */
async function openReport(snapshots: Snapshot[], config: FixtureConfig = fixtureConfig(), viewport?: { width: number; height: number }): Promise<Opened> {
  const dir = await projectDir(snapshots, config);
  cleanup.push(dir);
  const result = await run(["report", "--out", "site"], dir);
  expect(result.stderr).not.toMatch(/error/i);
  expect(result.code).toBe(0);
  const url = pathToFileURL(path.join(dir, "site", "index.html")).href;
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, url, requests, consoleErrors, dialogs };
}

/**
 * Text that collides: pairs of <text> boxes in the same chart that overlap, and text that sticks out
 * of its chart. Runs in the page (a string, so the test needs no DOM types).
 */
const COLLISIONS = `(() => {
  const out = [];
  for (const svg of document.querySelectorAll("svg")) {
    const frame = svg.getBoundingClientRect();
    const boxes = [...svg.querySelectorAll("text")].map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() })).filter((b) => b.r.width > 0);
    for (const b of boxes) {
      if (b.r.left < frame.left - 1 || b.r.right > frame.right + 1 || b.r.top < frame.top - 1 || b.r.bottom > frame.bottom + 1) out.push(svg.id + ": outside: " + b.t);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 2) out.push(svg.id + ": " + JSON.stringify(boxes[i].t) + " overlaps " + JSON.stringify(boxes[j].t));
      }
    }
  }
  return out;
})()`;

describe("report in a browser", () => {
  it("shows every project's radar and bars, loads nothing but the file, logs no error", async () => {
    const snapshots = history();
    const { page, url, requests, consoleErrors } = await openReport(snapshots);
    const latest = scored(snapshots).at(-1)!;
    const criteria = latest.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id));

    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    await expect(page.title()).resolves.toBe(`Coveo Deep Learning Showdown: ${COHORT}, 2026-11-21`);

    expect(await page.locator('svg[data-chart="radar"]').count()).toBe(13);
    expect(await page.locator('svg[data-chart="criterion"]').count()).toBe(criteria.length);
    for (const p of latest.projects) {
      expect(await page.locator(`svg[data-chart="radar"][data-project="${p.id}"]`).isVisible(), `radar of ${p.id}`).toBe(true);
      for (const k of criteria) {
        const row = page.locator(`svg[data-chart="criterion"][data-criterion="${k}"] g.row[data-project="${p.id}"]`);
        expect(await row.count(), `${k} row of ${p.id}`).toBe(1);
        // A bar where the project has a value (paddlepaddle's ecosystem failed to fetch: a note instead).
        expect(await row.locator("rect.bar").count(), `${k} bar of ${p.id}`).toBe(p.scores.criteria[k] ? 1 : 0);
      }
      expect(await page.locator(`svg[data-chart="sparkline"][data-project="${p.id}"]`).count()).toBe(1);
    }
    await expect(page.locator('g.row[data-project="paddlepaddle"]', { hasText: "figure missing" }).first().isVisible()).resolves.toBe(true);

    // The podium: rank 1 first, tiers labelled; the scoreboard lists everyone in rank order.
    const ranked = [...latest.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => p.name);
    const names = await page.locator("table.scoreboard tbody tr:not(.group) td:nth-child(2) a").allTextContents();
    expect(names).toEqual(ranked);
    await expect(page.locator(".podium .place-1 .who").textContent()).resolves.toBe(ranked[0]);
    // The podium chart at full width; its phone drawing is hidden.
    expect(await page.locator('svg[data-chart="podium"]').isVisible()).toBe(true);
    expect(await page.locator('svg[data-chart="podium-phone"]').isVisible()).toBe(false);

    // Every chart is an image with an accessible name and description.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll("svg")].filter((s) => s.getAttribute("role") !== "img" || !s.querySelector(":scope > title")?.textContent || !s.querySelector(":scope > desc")?.textContent).map((s) => s.id)`);
    expect(unlabelled).toEqual([]);

    // Trends: one per category and overall, with a gap where snapshots are missing.
    expect(await page.locator('svg[data-chart="trend"]').count()).toBe(4);
    const d = await page.locator('svg[data-metric="overall"] g.series[data-project="tensorflow"] path').getAttribute("d");
    expect(d!.match(/M/g)).toHaveLength(3); // 11-02 and 11-09..10 missing: three runs

    // Nothing collides, also in the collapsed parts (the radars over every criterion).
    await page.evaluate(`document.querySelectorAll("details").forEach((d) => { d.open = true; })`);
    expect(await page.locator('svg[data-chart="criteria-radar"]').first().isVisible()).toBe(true);
    expect(await page.evaluate(COLLISIONS)).toEqual([]);
    await page.locator('svg[data-chart="criteria-radar"][data-project="pytorch"]').screenshot({ path: path.join(OUTPUT, "report-criteria-radar.png") });
    await page.evaluate(`document.querySelectorAll("details").forEach((d) => { d.open = false; })`);

    // The top of the page (header, podium, scoreboard): the picture docs/report-screenshot.png shows.
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: path.join(OUTPUT, "report.png"), clip: { x: 0, y: 0, width: 1280, height: 1500 }, fullPage: true });
    await page.screenshot({ path: path.join(OUTPUT, "report-full.png"), fullPage: true });
    await page.locator("#radar-plots").screenshot({ path: path.join(OUTPUT, "report-radars.png") });
    await page.locator("#criteria").screenshot({ path: path.join(OUTPUT, "report-criteria.png") });
    await page.locator("#trends").screenshot({ path: path.join(OUTPUT, "report-trends.png") });
    await page.close();
  }, 120_000);

  it.each([420, 360])("reads on a phone (%i px): no chart text under 11 px, nothing wider than the screen, rank, name and overall in view", async (width) => {
    const snapshots = history();
    // Deeplearning4J as a mirror (landing rule none, with its source), to see its badge.
    const projects = fixtureConfig().projects.map((p) => (p.id === "deeplearning4j" ? { ...p, landing: "none" as const, sources: { ...p.sources, landing: "a mirror for this test" } } : p));
    const { page, requests, url, consoleErrors } = await openReport(snapshots, fixtureConfig({ projects }), { width, height: 900 });
    const latest = scored(snapshots).at(-1)!;
    const badges = await page.locator("table.scoreboard .badge-mirror").evaluateAll((els: { closest(s: string): { children: { textContent: string | null }[] } | null }[]) => els.map((e) => e.closest("tr")!.children[1]!.textContent));
    expect(badges).toEqual(["Deeplearning4J mirror"]);
    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    await page.evaluate(`document.querySelectorAll("details").forEach((d) => { d.open = true; })`);
    // Each chart text's size as drawn: its computed font size times the scale its chart is drawn at.
    const sizes = (await page.evaluate(`[...document.querySelectorAll("svg")].flatMap((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll("text")].filter((t) => t.getBoundingClientRect().width > 0).map((t) => ({ chart: svg.id, text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale }));
    })`)) as { chart: string; text: string; px: number }[];
    expect(sizes.length).toBeGreaterThan(1000);
    expect(new Set(sizes.map((s) => s.chart.replace(/-[a-z0-9]+$/, ""))).size).toBeGreaterThan(5);
    expect(sizes.filter((s) => s.px < 11 - 0.01).slice(0, 10)).toEqual([]); // 0.01: the width attribute is rounded, the viewBox not
    // The page does not scroll sideways, and nothing in it does but the scoreboard's categories: every
    // element lies within the screen (the scoreboard's scrolling frame does, its table not), and no
    // other frame is wider inside than out.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(width);
    const outside = (await page.evaluate(`(() => {
      const scroller = document.querySelector("table.scoreboard").parentElement;
      const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.getAttribute("class") ? "." + e.getAttribute("class").replace(/ /g, ".") : "");
      const out = [];
      for (const e of document.body.querySelectorAll("*")) {
        if (scroller.contains(e) && e !== scroller) continue;
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < -0.5 || r.right > ${width + 0.5}) out.push(name(e) + ": " + Math.round(r.left) + ".." + Math.round(r.right));
        // (A 1 px box is a visually hidden one, the stacked tables' headers kept for screen readers.)
        if (e !== scroller && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "visible") out.push(name(e) + ": scrolls " + e.scrollWidth + " > " + e.clientWidth);
      }
      return out;
    })()`)) as string[];
    expect(outside.slice(0, 10)).toEqual([]);
    // Every wide chart is drawn again for the phone and shown instead: the criteria (labels above the
    // bars, raw columns under them), the trends (fewer dates, the lines named by the legend).
    const criteria = latest.rubric.categories.flatMap((c) => c.criteria.map((k) => k.id));
    for (const [wide, phone, count] of [["criterion", "criterion-phone", criteria.length], ["trend", "trend-phone", 4], ["podium", "podium-phone", 1]] as const) {
      const shown = (chart: string) => page.locator(`svg[data-chart="${chart}"]`).evaluateAll((els: { getBoundingClientRect(): { width: number } }[]) => els.map((e) => e.getBoundingClientRect().width > 0));
      expect(await shown(phone), phone).toEqual(Array(count).fill(true));
      expect(await shown(wide), wide).toEqual(Array(count).fill(false));
    }
    expect(await page.locator('svg[data-chart="criterion-phone"][data-criterion="activity"] g.row').count()).toBe(13);
    const texts = await page.locator('svg[data-chart="criterion-phone"][data-criterion="activity"] g.row[data-project="tensorflow"] > text').allTextContents();
    // (Each column's name stays with its value: a line breaks between pairs.)
    expect(texts.join(" | ")).toMatch(/^\d+\. TensorFlow \| [\d.]+ \| merged PRs [\d,]+ · last commit .+ ago( · | \| )value [\d,.]+$/);
    // The phone's trends draw the wide charts' lines (reused, not written twice), mapped onto their own plot:
    // each line spans the dates it has a value for, inside the chart, and the overall one breaks where tensorflow's does.
    const lines = (await page.evaluate(`[...document.querySelectorAll('svg[data-chart="trend-phone"]')].flatMap((svg) => {
      const f = svg.getBoundingClientRect();
      return [...svg.querySelectorAll("g.series use")].map((u) => {
        const r = u.getBoundingClientRect();
        const target = document.querySelector(u.getAttribute("href"));
        return { chart: svg.id, target: target ? target.tagName + " in " + target.ownerSVGElement.id : "none", inside: r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom, width: Math.round(r.width) };
      });
    })`)) as { chart: string; target: string; inside: boolean; width: number }[];
    expect(lines).toHaveLength(4 * 13);
    for (const l of lines) {
      expect(l.target, l.chart).toBe(`path in ${l.chart.replace(/-phone$/, "")}`);
      expect(l.inside, l.chart).toBe(true);
      expect(l.width, l.chart).toBeGreaterThan(200); // each project has values from the first date to the last
    }
    // The category rankings fit the screen whole: no frame to scroll.
    const fits = (selector: string) => page.evaluate(`[...document.querySelectorAll('${selector}')].filter((s) => s.getBoundingClientRect().width > 0).map((s) => { const f = s.closest("figure"); return f.scrollWidth <= f.clientWidth && s.getBoundingClientRect().right <= ${width}; })`);
    expect(await fits('svg[data-chart="ranking"]')).toEqual([true, true, true]);
    // The podium chart is drawn again at the phone's width (overall only), in place of the wide one.
    expect(await fits('svg[data-chart="podium-phone"]')).toEqual([true]);
    expect(await page.locator('svg[data-chart="podium"]').isVisible()).toBe(false);
    const phoneRows = await page.locator('svg[data-chart="podium-phone"] g.row').evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => r.getAttribute("data-project")));
    expect(phoneRows).toEqual([...latest.projects].sort((a, b) => a.scores.rank - b.scores.rank).map((p) => p.id));
    // Nothing collides on the small screen either (the podium's legend wraps).
    expect(await page.evaluate(COLLISIONS)).toEqual([]);
    // The scoreboard: rank, name and overall of every row on screen, before and after its categories are scrolled to the end.
    const inView = `[...document.querySelectorAll("table.scoreboard tbody tr:not(.group)")].flatMap((tr) => [...tr.children].slice(0, 3).map((td) => { const r = td.getBoundingClientRect(); return r.left >= 0 && r.right <= ${width} && r.width > 0 ? "ok" : tr.children[1].textContent + ": " + Math.round(r.left) + ".." + Math.round(r.right); }))`;
    const scroller = page.locator(".table:has(table.scoreboard)");
    expect(await scroller.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth)).toBe(true); // the categories do not fit
    for (const end of [false, true]) {
      if (end) await scroller.evaluate((el: { scrollLeft: number; scrollWidth: number }) => void (el.scrollLeft = el.scrollWidth));
      const cells = (await page.evaluate(inView)) as string[];
      expect(cells).toHaveLength(13 * 3);
      expect(cells.filter((c) => c !== "ok")).toEqual([]);
    }
    expect(await scroller.evaluate((el: { scrollLeft: number }) => el.scrollLeft)).toBeGreaterThan(0);
    await page.evaluate(`document.querySelectorAll("details").forEach((d) => { d.open = false; })`);
    await page.screenshot({ path: path.join(OUTPUT, `report-phone-${width}.png`), fullPage: true });
    await page.close();
  }, 120_000);

  it("renders hostile names as text: no script runs, nothing is loaded", async () => {
    const names = { tensorflow: "<script>alert(1)</script>", pytorch: "=cmd|' /C calc'!A0", mxnet: '"><img src=x onerror=alert(2)>' };
    const only = ["tensorflow", "pytorch", "mxnet", "theano"];
    const snapshots = history({ only, names, days: 5, missing: [] });
    const { page, url, requests, consoleErrors, dialogs } = await openReport(snapshots, fixtureConfig({ only, names }));
    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    for (const name of Object.values(names)) {
      expect(await page.getByText(name, { exact: true }).first().isVisible(), name).toBe(true);
    }
    // The sources of the hand ratings are listed under the hostile names too, as text.
    await expect(page.locator("#methodology").textContent()).resolves.toContain(`${names.tensorflow}: 10 of 10 ratings sourced`);
    expect(await page.evaluate(COLLISIONS)).toEqual([]);
    await page.screenshot({ path: path.join(OUTPUT, "report-hostile.png"), fullPage: true });
    await page.close();
  }, 60_000);
});

/**
 * Renders the document as one self-contained HTML page: inline CSS and SVG, no script, no font, no
 * image or link that would make the browser fetch anything (a Content-Security-Policy forbids it too),
 * readable without JavaScript. Pure.
 */
import type { Chart } from "./charts.js";
import { safeHref, type Block, type Inline } from "./doc.js";
import { escapeXml as esc } from "./format.js";

const CSS = `
:root { --ink: #1a1a1a; --muted: #5c5c5c; --line: #e2e2dc; --bg: #f7f7f4; --card: #ffffff; --up: #0072B2; --down: #D55E00; --accent: #0072B2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 24px 72px; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 22px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 26px 0 10px; }
section { margin-top: 44px; }
p { margin: 8px 0; max-width: 78ch; }
p.lede { font-size: 17px; color: #333; }
p.meta { color: var(--muted); max-width: none; }
p.note { color: var(--muted); font-size: 14px; }
a { color: var(--accent); overflow-wrap: anywhere; }
main { overflow-wrap: break-word; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; padding: 0 6px; border-radius: 999px; vertical-align: 1px; white-space: nowrap; }
.badge-archived { background: #f1e6d0; color: #6b4a00; }
.badge-mirror { background: #e3ecf5; color: #1d4f7a; }
table.projects td:first-child { white-space: nowrap; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; background: #ecece6; padding: 1px 4px; border-radius: 3px; }
nav { margin: 18px 0 0; display: flex; flex-wrap: wrap; gap: 8px; }
nav a { text-decoration: none; color: var(--ink); background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 3px 12px; font-size: 14px; }
nav a:hover, nav a:focus { border-color: var(--accent); color: var(--accent); }
figure { margin: 0; }
.figure { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px; margin: 14px 0; overflow-x: auto; }
.figure svg, .card svg { display: block; max-width: none; height: auto; margin: 0 auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(518px, 100%), 1fr)); grid-auto-flow: row dense; gap: 14px; margin: 14px 0; }
.rankings { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(372px, 100%), 1fr)); gap: 14px; margin: 14px 0; }
.rankings .figure { margin: 0; }
.grid .wide { grid-column: 1 / -1; }
.grid .figure { margin: 0; }
.radar { display: grid; grid-template-columns: repeat(auto-fill, minmax(254px, 1fr)); gap: 12px; margin: 14px 0; }
.radar.wide { grid-template-columns: repeat(auto-fill, minmax(min(334px, 100%), 1fr)); }
.card { overflow-x: auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 6px; }
table { border-collapse: collapse; width: 100%; background: var(--card); font-variant-numeric: tabular-nums; }
.table { border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; margin: 14px 0; background: var(--card); }
th, td { padding: 7px 10px; text-align: left; vertical-align: middle; border-bottom: 1px solid #eeeee8; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); background: #fbfbf9; border-bottom: 1px solid var(--line); }
td.r, th.r { text-align: right; }
table.scoreboard td { white-space: nowrap; }
table.scoreboard td:nth-child(2) { white-space: normal; min-width: 9em; }
td.c, th.c { text-align: center; }
tr.group th { background: #f3f3ee; font-size: 13px; color: var(--ink); border-left: 5px solid var(--band, #999); }
tbody tr:last-child td { border-bottom: 0; }
td small, .small { font-size: 12px; }
td svg { display: block; }
.up { color: var(--up); }
.down { color: var(--down); }
.muted { color: var(--muted); }
.meter { display: inline-block; width: 48px; height: 8px; background: #ecece6; border-radius: 4px; margin-right: 8px; vertical-align: middle; overflow: hidden; }
.meter > span { display: block; height: 100%; border-radius: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 12px 0; }
dt { font-weight: 600; }
dd { margin: 0; }
ul { padding-left: 22px; }
li { margin: 3px 0; }
details { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 8px 14px; margin: 10px 0; }
details > summary { cursor: pointer; font-weight: 600; }
details[open] > summary { margin-bottom: 6px; }
.podium { display: flex; justify-content: center; align-items: flex-end; gap: 14px; margin: 22px 0 8px; }
.place { width: 220px; text-align: center; }
.place .who { font-weight: 700; font-size: 17px; line-height: 1.25; overflow-wrap: anywhere; }
.place .score { color: var(--muted); font-size: 14px; margin: 2px 0 8px; }
.place .step { border-radius: 10px 10px 0 0; color: #fff; font-size: 34px; font-weight: 800; display: flex; align-items: center; justify-content: center; }
.place-1 .step { height: 118px; background: #0072B2; }
.place-2 .step { height: 88px; background: #3d8fc4; }
.place-3 .step { height: 64px; background: #6aaad6; }
footer { margin-top: 56px; padding-top: 14px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
.figure.phone { display: none; }
@media (max-width: 640px) {
  main { padding: 18px 12px 48px; }
  .figure.phone { display: block; }
  .figure.not-phone { display: none; }
  h1 { font-size: 24px; }
  .grid { grid-template-columns: 1fr; }
  .place { width: 31%; }
  .place .step { font-size: 26px; }
  th, td { padding: 6px 6px; }
  /* The scoreboard scrolls sideways under rank, name and overall, which stay in view. */
  table.scoreboard :is(thead th, td):nth-child(-n+3) { position: sticky; z-index: 1; background: var(--card); }
  table.scoreboard thead th:nth-child(-n+3) { background: #fbfbf9; }
  table.scoreboard :is(thead th, td):nth-child(1) { left: 0; width: 52px; min-width: 52px; max-width: 52px; white-space: normal; }
  table.scoreboard :is(thead th, td):nth-child(2) { left: 52px; width: 128px; min-width: 128px; max-width: 128px; white-space: normal; }
  table.scoreboard :is(thead th, td):nth-child(3) { left: 180px; box-shadow: 4px 0 4px -3px rgba(0, 0, 0, 0.25); }
  table.scoreboard td:nth-child(3) .meter { display: none; }
  table.scoreboard td small { white-space: nowrap; }
  /* Other tables: a card per row, each cell under the one before, named by its column. */
  table:not(.scoreboard) thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table:not(.scoreboard), table:not(.scoreboard) :is(tbody, tr, td, th) { display: block; }
  table:not(.scoreboard) tr { border-bottom: 1px solid #eeeee8; padding: 6px 0; }
  table:not(.scoreboard) tr.group { padding: 0; }
  table:not(.scoreboard) td { border: 0; padding: 2px 10px; text-align: left; overflow-wrap: anywhere; white-space: normal; }
  table:not(.scoreboard) td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; }
}
/* The narrowest phones (360 px): thinner margins and frames, so that a phone's chart (320 px) fits. */
@media (max-width: 400px) {
  main { padding: 16px 8px 40px; }
  .figure, .card { padding: 4px; }
  details { padding: 6px 4px; }
}
@media print { body { background: #fff; } nav { display: none; } details { border: 0; } }
`.trim();

function inline(parts: readonly Inline[]): string {
  return parts.map(one).join("");
}

/** The words of inline content, without markup (a cell's column name). */
function plain(parts: readonly Inline[]): string {
  return parts.map((p) => (typeof p === "string" ? p : "text" in p ? p.text : "")).join("");
}

function one(part: Inline): string {
  if (typeof part === "string") return esc(part);
  if ("chart" in part) return part.chart.svg.trimEnd();
  if ("meter" in part) {
    const pct = Math.max(0, Math.min(100, part.meter * 100)).toFixed(1);
    return `<span class="meter" aria-hidden="true"><span style="width:${pct}%;background:${esc(part.colour)}"></span></span>`;
  }
  if ("br" in part) return "<br>";
  let s = esc(part.text);
  if (part.code) s = `<code>${s}</code>`;
  if (part.em) s = `<em>${s}</em>`;
  if (part.strong) s = `<strong>${s}</strong>`;
  if (part.small) s = `<small>${s}</small>`;
  if (part.tone) s = `<span class="${part.tone}">${s}</span>`;
  if (part.badge) s = `<span class="badge badge-${part.badge}">${s}</span>`;
  const href = safeHref(part.href);
  if (href) s = `<a href="${esc(href)}">${s}</a>`;
  return s;
}

/** A chart in its frame; with a phone drawing, both, each shown on its own kind of screen. */
function figure(c: Chart, kind: string): string {
  if (!c.phone) return `<figure class="${kind}">${c.svg.trimEnd()}</figure>`;
  return `<figure class="${kind} not-phone">${c.svg.trimEnd()}</figure>\n<figure class="${kind} phone">${c.phone().trimEnd()}</figure>`;
}

const ALIGN = { left: "", right: ' class="r"', center: ' class="c"' } as const;

/**
 * A block's HTML in pieces, so that a page of thousands of charts is written as it is produced rather
 * than held as one string (and its copies, one per level of nesting). `wide` holds, innermost last, a
 * flag per enclosing <details> whose first radar grid is to be the wide kind.
 */
function* blockParts(b: Block, wide: { pending: boolean }[] = []): Generator<string> {
  switch (b.kind) {
    case "heading": {
      const id = b.id ? ` id="${esc(b.id)}"` : "";
      yield `<h${b.level}${id}>${esc(b.text)}</h${b.level}>`;
      return;
    }
    case "paragraph":
      yield `<p${b.role ? ` class="${b.role}"` : ""}>${inline(b.content)}</p>`;
      return;
    case "list":
      yield `<ul>\n${b.items.map((i) => `<li>${inline(i)}</li>`).join("\n")}\n</ul>`;
      return;
    case "definitions":
      yield `<dl>\n${b.items.map((i) => `<dt>${esc(i.term)}</dt><dd>${inline(i.detail)}</dd>`).join("\n")}\n</dl>`;
      return;
    case "table": {
      const data = Object.entries(b.data ?? {}).map(([k, v]) => ` data-${k}="${esc(v)}"`).join("");
      // On a phone every table but the scoreboard (whose first columns stay put while the rest scroll)
      // turns each row into a card, its cells one under the other, named by their column.
      const stack = b.name !== "scoreboard";
      const labels = b.head.map((h, i) => (stack && i > 0 ? ` data-label="${esc(plain(h))}"` : ""));
      // A table shown as blocks loses its table semantics in some browsers (Safari): its roles say them.
      const role = (name: string) => (stack ? ` role="${name}"` : "");
      const head = `<thead${role("rowgroup")}><tr${role("row")}>${b.head.map((h, i) => `<th scope="col"${role("columnheader")}${ALIGN[b.align[i] ?? "left"]}>${inline(h)}</th>`).join("")}</tr></thead>`;
      yield `<div class="table"><table class="${esc(b.name)}"${role("table")}${data}>\n${head}\n`;
      for (const [n, g] of b.groups.entries()) {
        const heading = g.heading
          ? `<tr class="group"${role("row")}${g.colour ? ` style="--band:${esc(g.colour)}"` : ""}><th colspan="${b.head.length}" scope="rowgroup"${role("rowheader")}>${inline(g.heading)}</th></tr>\n`
          : "";
        yield `${n > 0 ? "\n" : ""}<tbody${role("rowgroup")}>\n${heading}`;
        for (const [i, r] of g.rows.entries()) yield `${i > 0 ? "\n" : ""}<tr${role("row")}>${r.map((c, i) => `<td${role("cell")}${ALIGN[b.align[i] ?? "left"]}${labels[i]}>${inline(c)}</td>`).join("")}</tr>`;
        yield "\n</tbody>";
      }
      yield "\n</table></div>";
      return;
    }
    case "figures": {
      if (b.layout === "full") {
        for (const [i, c] of b.charts.entries()) yield `${i > 0 ? "\n" : ""}${figure(c, "figure")}`;
        return;
      }
      let kind: string = b.layout;
      if (kind === "radar") {
        // What `inner.replace('<div class="radar">', ...)` of each <details> did: the innermost
        // enclosing one still waiting for its first radar grid takes this one.
        const taker = wide.findLast((w) => w.pending);
        if (taker) {
          taker.pending = false;
          kind = "radar wide";
        }
      }
      yield `<div class="${kind}">\n`;
      for (const [i, c] of b.charts.entries()) yield `${i > 0 ? "\n" : ""}${figure(c, b.layout === "radar" ? "card" : c.wide ? "figure wide" : "figure")}`;
      yield "\n</div>";
      return;
    }
    case "details": {
      const inner = [...wide, { pending: b.blocks.some((x) => x.kind === "figures" && x.layout === "radar") }];
      yield `<details><summary>${esc(b.summary)}</summary>\n`;
      for (const [i, x] of b.blocks.entries()) {
        if (i > 0) yield "\n";
        yield* blockParts(x, inner);
      }
      yield "\n</details>";
      return;
    }
    case "podium": {
      // Second, first, third: the order of a real podium.
      const order = [2, 1, 3].map((r) => b.places.find((p) => p.rank === r)).filter((p) => p !== undefined);
      yield `<div class="podium" role="list" aria-label="Top three">\n${order
        .map((p) => `<div class="place place-${p.rank}" role="listitem"><div class="who">${esc(p.name)}</div><div class="score">${esc(p.score)} · ${esc(p.tier)}</div><div class="step" aria-label="rank ${p.rank}">${p.rank}</div></div>`)
        .join("\n")}\n</div>`;
      return;
    }
    case "nav":
      yield `<nav aria-label="Sections">${b.items.map((i) => `<a href="#${esc(i.id)}">${esc(i.text)}</a>`).join("")}</nav>`;
      return;
    case "section":
      yield `<section id="${esc(b.id)}">\n`;
      for (const [i, x] of b.blocks.entries()) {
        if (i > 0) yield "\n";
        yield* blockParts(x, wide);
      }
      yield "\n</section>";
      return;
  }
}

type Page = { title: string; header: Block[]; body: Block[]; footer: Inline[] };

/** The page in pieces, in order (see blockParts); renderHtml joins them. */
export function* htmlParts(doc: Page): Generator<string> {
  yield [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing is loaded from anywhere: only the inline stylesheet, style attributes and inline SVG.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="color-scheme" content="light">',
    `<title>${esc(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    "</head>",
    "<body>",
    "<main>",
    "<header>\n",
  ].join("\n");
  for (const [i, b] of doc.header.entries()) {
    if (i > 0) yield "\n";
    yield* blockParts(b);
  }
  yield "\n</header>\n";
  for (const b of doc.body) {
    yield* blockParts(b);
    yield "\n";
  }
  yield [`<footer>${inline(doc.footer)}</footer>`, "</main>", "</body>", "</html>", ""].join("\n");
}

export function renderHtml(doc: Page): string {
  return [...htmlParts(doc)].join("");
}

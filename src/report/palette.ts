/**
 * Colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), chosen so that its
 * colours stay distinct under the common forms of colour blindness. Colour never carries meaning
 * alone: every coloured mark also has a label, a sign or a dash pattern.
 */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** Categories, in the rubric's order (cycled when a rubric has more). */
export const CATEGORY_COLOURS = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple, OKABE_ITO.skyBlue, OKABE_ITO.vermillion];

/** Tiers 1, 2, 3 (then grey): used for the band beside each tier, always with its "Tier N" label. */
export const TIER_COLOURS = [OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.reddishPurple];
export const NO_TIER = "#999999";

/** Improvement and decline: blue and vermillion (not green/red), always with ▲/▼ and a sign. */
export const UP = OKABE_ITO.blue;
export const DOWN = OKABE_ITO.vermillion;

/** The project radar, and the cohort-median reference drawn under it. */
export const RADAR = OKABE_ITO.blue;
export const REFERENCE = "#6b6b6b";

export const INK = "#1a1a1a";
export const MUTED = "#5c5c5c";
export const GRID = "#d9d9d9";
export const AXIS = "#8c8c8c";

/** Line styles for many series: 7 Okabe–Ito colours (yellow is too light on white) × 3 dash patterns. */
const LINE_COLOURS = [OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple, OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.black];
const DASHES = [undefined, "6 3", "2 2.5"];

export interface LineStyle {
  colour: string;
  /** stroke-dasharray, undefined for solid. */
  dash: string | undefined;
}

/** The style of the i-th series: all 7 colours solid first, then dashed, then dotted. */
export function lineStyle(i: number): LineStyle {
  return { colour: LINE_COLOURS[i % LINE_COLOURS.length]!, dash: DASHES[Math.floor(i / LINE_COLOURS.length) % DASHES.length] };
}

export function categoryColour(i: number): string {
  return CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!;
}

export function tierColour(tier: number | null): string {
  return tier === null ? NO_TIER : TIER_COLOURS[tier - 1] ?? NO_TIER;
}

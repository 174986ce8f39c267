import { z } from "zod";

/**
 * What a reader needs besides the scores: who is behind a project, when it first came out and what it
 * is in one line (the "belligerents" table of Coveo's article), and the articles a cohort's sources
 * cite, with the address a reader can open.
 */
export const About = z.strictObject({
  /** The primary association: the company, lab or people behind it. */
  sponsoredBy: z.string().min(1).optional(),
  /** Year of the first public release. */
  firstRelease: z.number().int().min(1950).max(2100).optional(),
  /** What it is, in one line. */
  line: z.string().min(1).max(200, "keep it to one line (200 characters)").optional(),
  /** Where these facts come from: an article by title, author, year and URL, or the project's docs. */
  source: z.string().min(1, "say where these facts come from (an article or the project's docs, with its URL)"),
});

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, { error: (i) => `expected an http(s) URL, got ${JSON.stringify(i.input)}` });

/** An article the sources cite by `id` (e.g. the file name of a local copy), shown as its title linked to `url`. */
export const Reference = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  author: z.string().min(1).optional(),
  year: z.number().int().min(1950).max(2100).optional(),
  url: httpUrl.optional(),
});

export type About = z.infer<typeof About>;
export type Reference = z.infer<typeof Reference>;

/**
 * A source line as the report shows it: the articles it names by id (a cohort's `references`) as
 * their title, author and year linked to their address, and the web addresses it quotes as links.
 * Pure.
 */
import type { Reference } from "../config/context.js";
import type { Inline } from "./doc.js";

// An address with its scheme, or a bare host with a dot and a known top-level domain, and its path.
const URL_PATTERN = String.raw`https?:\/\/[^\s'"<>)\]]+|\b(?:[a-z0-9-]+\.)+(?:com|org|io|ai|net|dev|edu|cn|gov|uk|de)(?:\/[^\s'"<>)\]]*)?`;

/** "“Deep Learning Showdown”, Coveo, 2018": how an article is named, with its link when it has one. */
export function citation(ref: Reference): Inline {
  const text = [`“${ref.title}”`, ref.author, ref.year === undefined ? undefined : String(ref.year)].filter((x) => x !== undefined).join(", ");
  return ref.url ? { text, href: ref.url } : text;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function citer(references: readonly Reference[] = []): (line: string) => Inline[] {
  const byId = new Map(references.map((r) => [r.id, r]));
  // Longer ids first, so that one id that starts another is not matched inside it.
  const ids = [...byId.keys()].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp([...ids, URL_PATTERN].join("|"), "gi");
  return (line) => {
    const out: Inline[] = [];
    let at = 0;
    for (const m of line.matchAll(pattern)) {
      let match = m[0];
      const ref = byId.get(match);
      if (!ref) match = match.replace(/[.,:;!?]+$/, ""); // the sentence's punctuation, not the address's
      if (m.index > at) out.push(line.slice(at, m.index));
      out.push(ref ? citation(ref) : { text: match, href: /^https?:/i.test(match) ? match : `https://${match}` });
      at = m.index + match.length;
    }
    if (at < line.length) out.push(line.slice(at));
    return out;
  };
}

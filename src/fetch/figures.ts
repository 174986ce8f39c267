/**
 * What an API answer must look like before it becomes a figure (issue 20): a count is a safe whole
 * number >= 0, a date a real instant no later than a day after asOf (clocks differ, a commit's date
 * is the committer's). One bad value costs that figure only: the collector records `null` with an
 * error naming the request and the value, and the run cache never keeps it (`soundAnswer`).
 *
 * Figures are checked against their field's schema in the snapshot (schema.ts), so a field added
 * there is checked here without more code.
 */
import { Raw, type RawField } from "../snapshot/schema.js";

const DAY_MS = 86_400_000;

/** A value as it appears in a message: short, on one line. */
export function shown(value: unknown): string {
  const text = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const COUNT = `a whole number from 0 to ${Number.MAX_SAFE_INTEGER.toLocaleString("en-US")}`;

export function countProblem(value: unknown): string | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? undefined : `${shown(value)} is not a count (${COUNT})`;
}

/** Why `value` is not an instant at or before asOf + 1 day; undefined when it is one. */
export function instantProblem(value: unknown, asOf: string): string | undefined {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (typeof value !== "string" || Number.isNaN(ms) || !Raw.shape.lastCommitAt.safeParse(value).success) return `${shown(value)} is not a date-time`;
  const latest = Date.parse(asOf) + DAY_MS;
  return ms > latest ? `${value} is after asOf + 1 day (${new Date(latest).toISOString()})` : undefined;
}

// GitHub's rules: an owner (user or organization) is letters, digits and hyphens, at most 39, not
// starting with a hyphen; a repository name is letters, digits, ".", "-" and "_", at most 100, not "." or "..".
const OWNER = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** Why `value` is not a GitHub owner/name; undefined when it is one. */
export function nameProblem(value: unknown): string | undefined {
  const [owner, repo, ...rest] = typeof value === "string" ? value.split("/") : [];
  const ok = rest.length === 0 && owner !== undefined && repo !== undefined && OWNER.test(owner) && REPO.test(repo) && repo !== "." && repo !== "..";
  return ok ? undefined : `${shown(value)} is not a GitHub owner/name`;
}

/** Why `value` cannot be the figure `field` of a snapshot as of `asOf`; undefined when it can. */
export function figureProblem(field: RawField, value: unknown, asOf: string): string | undefined {
  if (value === null) return undefined;
  if (typeof value === "string") return instantProblem(value, asOf) ?? (Raw.shape[field].safeParse(value).success ? undefined : `${shown(value)} is not a valid ${field}`);
  if (typeof value === "number") return countProblem(value) ?? (Raw.shape[field].safeParse(value).success ? undefined : `${shown(value)} is not a valid ${field}`);
  return Raw.shape[field].safeParse(value).success ? undefined : `${shown(value)} is not a valid ${field}`;
}

/**
 * Whether an answer may be kept in the run cache: every number in it a count and every date in it
 * (a string answer, or a field named ...At) an instant as above, every fullName a GitHub owner/name. Any answer of any client is checked
 * the same way, so a new kind of answer is checked without more code.
 */
export function soundAnswer(value: unknown, asOf: string, key?: string): boolean {
  if (value === null || value === undefined || typeof value === "boolean") return true;
  if (typeof value === "number") return countProblem(value) === undefined;
  if (typeof value === "string") {
    if (key === "fullName") return nameProblem(value) === undefined;
    return key === undefined || key.endsWith("At") ? instantProblem(value, asOf) === undefined : true;
  }
  if (Array.isArray(value)) return value.every((v) => soundAnswer(v, asOf, ""));
  if (typeof value === "object") return Object.entries(value).every(([k, v]) => soundAnswer(v, asOf, k));
  return false;
}

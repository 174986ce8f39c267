import type { z } from "zod";
import type { Problem } from "../errors.js";

/** `projects[3].sponsor` from zod's ["projects", 3, "sponsor"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return `number ${String(value)}`; // JSON would print Infinity and NaN as null
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** zod's type names in words for the person editing the file. */
const PLAIN: Record<string, string> = { record: "a mapping (name: value)", object: "a mapping (key: value)", array: "a list", string: "text", number: "a number", boolean: "true or false" };

/** One Problem per zod issue, worded for the person editing the file. */
export function zodProblems(file: string, error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ file, path: formatPath([...issue.path, key]), message: "unknown field (misspelt, or not a criterion this rubric knows)" });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_type") {
      const expected = PLAIN[issue.expected] ?? issue.expected;
      message = issue.input === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${describe(issue.input)}`;
    }
    problems.push({ file, path: formatPath(issue.path), message });
  }
  return problems;
}

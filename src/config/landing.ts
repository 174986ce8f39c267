import { z } from "zod";

/**
 * How a project's pull requests land, which decides what its `mergedPullRequests` figure counts:
 * - "merged" (the default): PRs GitHub marks merged in the window;
 * - { label: NAME }: PRs closed unmerged with that label in the window (a bot pushes the change and
 *   closes the PR, as pytorchmergebot does), plus PRs merged in the window, without overlap;
 * - "none": the repository takes no PRs on GitHub (a mirror): the figure is not applicable;
 * and an optional base branch (`{ base: main }`, or with a label) restricts the count.
 */
export const Landing = z.union(
  [
    z.literal("merged"),
    z.literal("none"),
    z
      .strictObject({
        label: z.string().trim().min(1, "expected a label name").max(50, "GitHub labels are at most 50 characters").regex(/^[^"]+$/, "a label with a double quote cannot be searched for").optional(),
        base: z.string().trim().min(1, "expected a branch name").optional(),
      })
      .refine((l) => l.label !== undefined || l.base !== undefined, "give a label, a base branch or both, e.g. { label: Merged }"),
  ],
  { error: 'expected merged, none, { label: NAME } or { base: BRANCH } (a label and base together are allowed)' },
);
export type Landing = z.infer<typeof Landing>;

/** The rule in force: the default when the project declares none. */
export function landingRule(landing: Landing | undefined): { kind: "merged" | "label" | "none"; label?: string; base?: string } {
  if (landing === undefined || landing === "merged") return { kind: "merged" };
  if (landing === "none") return { kind: "none" };
  return { kind: landing.label === undefined ? "merged" : "label", ...(landing.label !== undefined ? { label: landing.label } : {}), ...(landing.base !== undefined ? { base: landing.base } : {}) };
}

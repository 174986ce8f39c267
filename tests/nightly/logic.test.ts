import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { annotation, shortList } from "../../src/nightly/annotations.js";
import { commitMessage, outcomeLine } from "../../src/nightly/commit-message.js";
import { redact } from "../../src/nightly/git.js";
import type { CohortOutcome } from "../../src/nightly/outcome.js";
import { renderSummary, scoreboard } from "../../src/nightly/summary.js";
import { missingFigures, overThreshold, parseThreshold, percent } from "../../src/nightly/threshold.js";
import type { ProjectConfig } from "../../src/config/cohort.js";
import { Scorer } from "../../src/score/snapshot.js";
import { RUBRIC_V1, fixtureProjects, snapshot1, snapshot2, snapshot3 } from "../helpers/history.js";

// The job summary shows snapshots scored under the config, as nightly scores them when read.
const scorer = new Scorer({ rubric: RUBRIC_V1, projects: fixtureProjects().map(({ ratings, ...p }): ProjectConfig => ({ ...p, ...ratings })) });
const scored1 = () => scorer.score(snapshot1());
const scored2 = () => scorer.score(snapshot2());
const scored3 = () => scorer.score(snapshot3());

function outcome(partial: Partial<CohortOutcome> & { cohort: string }): CohortOutcome {
  return { status: "complete", projects: 5, previousDate: "2026-11-20", rankChanges: 0, overThreshold: false, missing: { total: 40, missing: [], share: 0 }, ...partial };
}

describe("missing figures and the threshold", () => {
  it("counts each null figure that has an error, out of every figure the projects carry", () => {
    const s3 = snapshot3();
    const report = missingFigures(s3);
    // 5 projects x 8 figures, plus mxnet's two numerics figures.
    expect(report.total).toBe(42);
    expect(report.missing).toEqual([{ project: "cntk", field: "stackOverflowQuestions", message: "Stack Exchange API unavailable after 3 retries (HTTP 503)" }]);
    expect(report.share).toBeCloseTo(1 / 42, 12);
    expect(missingFigures(snapshot1()).missing).toEqual([]);
  });

  it("does not count a null figure without an error (an empty repository's last commit) nor a warning", () => {
    const s = snapshot1();
    s.projects[0]!.raw.lastCommitAt = null;
    s.projects[0]!.warnings.push({ field: "lastCommitAt", message: "empty repository" });
    s.projects[1]!.errors.push({ field: "repository", message: "not a figure" });
    expect(missingFigures(s).missing).toEqual([]);
  });

  it("parses a share or a percentage, and names the source of a bad one", () => {
    expect(parseThreshold("0.2", "x")).toBe(0.2);
    expect(parseThreshold(" 20% ", "x")).toBe(0.2);
    expect(parseThreshold("0", "x")).toBe(0);
    expect(parseThreshold("1", "x")).toBe(1);
    expect(parseThreshold(".5", "x")).toBe(0.5);
    for (const bad of ["", "abc", "1.5", "-0.1", "150%", "0.2.1", "NaN"]) {
      expect(() => parseThreshold(bad, "SHOWDOWN_MAX_MISSING")).toThrow(UsageError);
    }
    expect(() => parseThreshold("2", "SHOWDOWN_MAX_MISSING")).toThrow(/^SHOWDOWN_MAX_MISSING: expected a share/);
  });

  it("fails only strictly above the threshold", () => {
    const r = { total: 10, missing: [], share: 0.2 };
    expect(overThreshold(r, 0.2)).toBe(false);
    expect(overThreshold({ ...r, share: 0.21 }, 0.2)).toBe(true);
    expect(overThreshold({ ...r, share: 0 }, 0)).toBe(false);
    expect(percent(1 / 3)).toBe("33.3%");
    expect(percent(0.2)).toBe("20%");
  });
});

describe("the commit message", () => {
  it("sums rank changes across cohorts in the subject and lists each cohort in the body", () => {
    const a = outcome({ cohort: "a", rankChanges: 2 });
    const b = outcome({ cohort: "b", rankChanges: 1 });
    const message = commitMessage("2026-11-21", [a, b], [], "Collected by showdown.");
    expect(message).toBe(
      [
        "snapshot: 2026-11-21 (3 rank changes)",
        "",
        "a: 5 projects, 2 rank changes since 2026-11-20, 0 of 40 figures missing",
        "b: 5 projects, 1 rank change since 2026-11-20, 0 of 40 figures missing",
        "",
        "Collected by showdown.",
        "",
      ].join("\n"),
    );
  });

  it("says first snapshot, singular and plural, and the missing figures", () => {
    expect(commitMessage("2026-11-21", [outcome({ cohort: "a", rankChanges: null, previousDate: null })]).split("\n")[0]).toBe("snapshot: 2026-11-21 (first snapshot)");
    expect(commitMessage("2026-11-21", [outcome({ cohort: "a", rankChanges: 1 })]).split("\n")[0]).toBe("snapshot: 2026-11-21 (1 rank change)");
    expect(commitMessage("2026-11-21", [outcome({ cohort: "a", rankChanges: 0 })]).split("\n")[0]).toBe("snapshot: 2026-11-21 (0 rank changes)");
    const partial = outcome({ cohort: "a", status: "partial", rankChanges: 0, missing: { total: 40, share: 0.05, missing: [{ project: "p", field: "stars", message: "503" }, { project: "p", field: "forks", message: "503" }] } });
    expect(commitMessage("2026-11-21", [partial]).split("\n")[0]).toBe("snapshot: 2026-11-21 (0 rank changes, 2 figures missing)");
    const mixed = commitMessage("2026-11-21", [outcome({ cohort: "a", rankChanges: 4 }), outcome({ cohort: "new", rankChanges: null, previousDate: null })]);
    expect(mixed.split("\n")[0]).toBe("snapshot: 2026-11-21 (4 rank changes, first snapshot of new)");
  });

  it("lists failed and unchanged cohorts in the body, not the subject", () => {
    const failed = outcome({ cohort: "f", status: "failed", error: "config/f.yaml: projects[0].sponsor: expected 0, 1 or 2\nmore", missing: undefined, rankChanges: null });
    const same = outcome({ cohort: "s", rankChanges: 5 });
    const message = commitMessage("2026-11-21", [outcome({ cohort: "a", rankChanges: 1 })], [failed, same]);
    const lines = message.split("\n");
    expect(lines[0]).toBe("snapshot: 2026-11-21 (1 rank change)");
    expect(lines).toContain("f: not collected (config/f.yaml: projects[0].sponsor: expected 0, 1 or 2)");
    expect(lines).toContain("Unchanged since the last commit: s.");
    expect(outcomeLine(failed)).not.toContain("more");
  });
});

describe("annotations", () => {
  it("escapes the title's and the message's special characters as the runner expects", () => {
    expect(annotation("warning", "a: 2, b", "50% done\nnext\r")).toBe("::warning title=a%3A 2%2C b::50%25 done%0Anext%0D\n");
    expect(annotation("error", "t", "x: y, z")).toBe("::error title=t::x: y, z\n");
  });

  it("keeps long lists short", () => {
    expect(shortList(["a", "b"], 3)).toBe("a, b");
    expect(shortList(["a", "b", "c", "d", "e"], 3)).toBe("a, b, c and 2 more");
  });
});

describe("redaction of git output", () => {
  it("hides tokens from the environment and credentials in URLs", () => {
    const env = { GITHUB_TOKEN: "ghs_abcdefghijklmnop" };
    expect(redact("fatal: https://x-access-token:ghs_abcdefghijklmnop@github.com/a/b denied; ghs_abcdefghijklmnop", env)).toBe("fatal: https://***@github.com/a/b denied; ***");
  });
});

describe("the job summary", () => {
  it("has a scoreboard in rank order with each project's move since the previous snapshot", () => {
    const before = scored1();
    const after = scored2();
    const rows = scoreboard(after, before);
    expect(rows[0]).toBe("| Rank | Move | Project | Tier | Overall | Missing |");
    expect(rows).toHaveLength(2 + after.projects.length);
    const ranks = rows.slice(2).map((r) => Number(r.split("|")[1]));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    for (const p of after.projects) {
      const was = before.projects.find((q) => q.id === p.id)!.scores.rank;
      const row = rows.find((r) => r.includes(`| ${p.name} |`))!;
      const move = row.split("|")[2]!.trim();
      expect(move).toBe(was === p.scores.rank ? "–" : was > p.scores.rank ? `▲${was - p.scores.rank}` : `▼${p.scores.rank - was}`);
    }
    // A project that joined; and without a previous snapshot, no moves at all.
    const joined = scoreboard(scored3(), scored2()).find((r) => r.includes("| Chainer |"))!;
    expect(joined.split("|")[2]!.trim()).toBe("new");
    expect(scoreboard(after).slice(2).every((r) => r.split("|")[2]!.trim() === "")).toBe(true);
  });

  it("escapes a project's name as text: </details>, <!--, a pipe and a line break change nothing around it", () => {
    const after = scored2();
    const hostile = "Evil </details><!-- **x** | y\n::error::z";
    const renamed = { ...after, projects: after.projects.map((p, i) => (i === 0 ? { ...p, name: hostile } : p)) };
    const row = scoreboard(renamed).find((r) => r.includes("Evil"))!;
    expect(row).toBe(`| ${after.projects[0]!.scores.rank} |  | Evil \\</details\\>\\<!-- \\*\\*x\\*\\* \\| y ::error::z | ${row.split(" | ").slice(3).join(" | ")}`);
    // Six cells: no pipe of the name splits the row.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  it("shows per cohort the status, the scoreboard, the missing figures and the diff one heading down", () => {
    const s3 = snapshot3();
    const missing = missingFigures(s3);
    const text = renderSummary({
      date: "2018-03-22",
      asOf: s3.asOf,
      maxMissing: 0.2,
      commitLine: "Committed `abc1234`.",
      outputs: ["CSV export: `x.csv`."],
      cohorts: [
        {
          outcome: outcome({ cohort: "deep-learning-2018", status: "partial", projects: 5, missing, file: "snapshots/deep-learning-2018/2018-03-22.json", previousDate: "2018-03-08", rankChanges: 1 }),
          snapshot: scorer.score(s3),
          previous: scored2(),
          diffMarkdown: "## Showdown diff: x\n\nbody\n",
        },
        { outcome: outcome({ cohort: "broken", status: "failed", error: "config/broken.yaml: invalid YAML", missing: undefined, rankChanges: null, previousDate: null }) },
      ],
    });
    expect(text).toMatch(/^# Showdown nightly: 2018-03-22\n/);
    expect(text).toContain("Committed `abc1234`.");
    expect(text).toContain("## deep-learning-2018");
    expect(text).toContain("⚠️ within the 20% threshold. 1 of 42 figures missing (2.4%)");
    expect(text).toContain("| Microsoft Cognitive Toolkit |");
    expect(text).toContain("⚠️ 1 |");
    expect(text).toContain("- `cntk` stackOverflowQuestions: Stack Exchange API unavailable after 3 retries (HTTP 503)");
    expect(text).toContain("### Showdown diff: x");
    expect(text).toContain("## broken\n\n❌ **Not collected**: config/broken.yaml: invalid YAML.");
    expect(text).toContain("## Outputs\n\n- CSV export: `x.csv`.");
  });
});

/**
 * The CLI keeps the README's and the docs' promises: every option they show a command with, in a
 * command line (`showdown diff --all`) or in a command's table of options in docs/, is one its parser
 * accepts; every option a command has is in such a table; `help COMMAND` prints that
 * command's own help.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, loadCommand } from "../../src/cli/commands.js";
import type { Command } from "../../src/cli/command.js";
import { run } from "../support/io.js";

const ROOT = path.join(import.meta.dirname, "..", "..");

async function documents(): Promise<{ file: string; text: string }[]> {
  const docs = (await readdir(path.join(ROOT, "docs"))).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
  return Promise.all(["README.md", ...docs].map(async (file) => ({ file, text: await readFile(path.join(ROOT, file), "utf8") })));
}

/** `showdown NAME args` wherever a document writes a command line: in code, inline or in a block. */
function commandLines(text: string): { command: string; options: string[]; line: string }[] {
  const out: { command: string; options: string[]; line: string }[] = [];
  for (const m of text.matchAll(/\b(?:npx )?(?:oss-)?showdown ([a-z]+)\b([^`\n|#)›]*)/g)) {
    if (!COMMAND_NAMES.includes(m[1]!)) continue;
    out.push({ command: m[1]!, options: [...m[2]!.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((o) => o[1]!), line: m[0].trim() });
  }
  return out;
}

/** A document's sections (## headings outside code): the commands a heading names and the options its tables list. */
function optionTables(text: string): { commands: string[]; options: string[]; heading: string }[] {
  return text
    .replace(/^```[\s\S]*?^```/gm, "")
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const heading = section.split("\n", 1)[0]!;
      const commands = [...heading.matchAll(/`(?:(?:oss-)?showdown )?([a-z]+)/g)].map((m) => m[1]!).filter((c) => COMMAND_NAMES.includes(c));
      const options = [...section.matchAll(/^\| `--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
      return { commands, options, heading };
    })
    .filter((s) => s.commands.length > 0);
}

/** Parses `--NAME` (with a value when it takes one) and --help: 0 when the parser accepts it. */
async function accepts(command: Command, option: string): Promise<boolean> {
  const spec = command.options[option];
  const args = [`--${option}`, ...(spec?.type === "string" ? ["x"] : [])];
  const r = await run([command.name, ...args, "--help"], "/");
  return r.code === 0 && r.stdout === command.help;
}

describe("documented options", () => {
  it("every command line in the README and docs/ uses options its command accepts", async () => {
    const lines = (await documents()).flatMap(({ file, text }) => commandLines(text).map((l) => ({ ...l, file })));
    expect(lines.length).toBeGreaterThan(30);
    expect(new Set(lines.map((l) => l.command))).toEqual(new Set(COMMAND_NAMES));
    const refused: string[] = [];
    for (const l of lines) {
      const command = (await loadCommand(l.command))!;
      for (const o of l.options) if (o !== "help" && !(await accepts(command, o))) refused.push(`${l.file}: ${l.line}: --${o}`);
    }
    expect(refused).toEqual([]);
  });

  it("docs/ has a table of each command's options, and every one is accepted", async () => {
    const tables = (await documents()).filter((d) => d.file.startsWith("docs")).flatMap((d) => optionTables(d.text));
    const documented = new Map<string, Set<string>>(COMMAND_NAMES.map((c) => [c, new Set()]));
    for (const t of tables) for (const c of t.commands) for (const o of t.options) documented.get(c)!.add(o);
    const problems: string[] = [];
    for (const name of COMMAND_NAMES) {
      const command = (await loadCommand(name))!;
      for (const o of documented.get(name)!) if (!(await accepts(command, o))) problems.push(`${name}: --${o} is documented but refused`);
      for (const o of Object.keys(command.options)) if (!documented.get(name)!.has(o)) problems.push(`${name}: --${o} is accepted but in no table of docs/`);
    }
    expect(problems).toEqual([]);
  });

  it("a misspelt option is refused, so the checks above can fail", async () => {
    const diff = (await loadCommand("diff"))!;
    expect(await accepts(diff, "al")).toBe(false);
    expect(await accepts(diff, "all")).toBe(true);
  });
});

describe("help COMMAND", () => {
  it("prints each command's own help, as COMMAND --help does", async () => {
    for (const name of COMMAND_NAMES) {
      const command = (await loadCommand(name))!;
      const r = await run(["help", name], "/");
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toBe(command.help);
      expect(r.stdout).toBe((await run([name, "--help"], "/")).stdout);
    }
    const unknown = await run(["help", "colect"], "/");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^oss-showdown: unknown command "colect"/);
  });
});

describe("README", () => {
  it("is under 200 lines and opens with what the tool answers and the report's picture, said to be made from the stand-in's figures", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThan(200);
    const top = readme.split(/^## /m)[0]!;
    expect(top).toMatch(/\*\*Which open-source projects .*\?\*\*/s);
    expect(top).toContain("](docs/report-screenshot.png)");
    expect(top).toMatch(/made from the test stand-in's invented figures[^*]*not\s+real ones/);
  });
});

import type { Command } from "./command.js";

// Each command's module is imported only when that command runs: all of them at once (octokit, the
// report's charts, the YAML parser) cost more at every start than the one a run needs.
const LOADERS: Record<string, () => Promise<Command>> = {
  collect: async () => (await import("./collect.js")).collect,
  score: async () => (await import("./score.js")).score,
  backfill: async () => (await import("./backfill.js")).backfill,
  validate: async () => (await import("./validate.js")).validate,
  diff: async () => (await import("./diff.js")).diff,
  explain: async () => (await import("./explain.js")).explain,
  history: async () => (await import("./history.js")).history,
  export: async () => (await import("./export.js")).exportCommand,
  nightly: async () => (await import("./nightly.js")).nightly,
  report: async () => (await import("./report.js")).report,
  migrate: async () => (await import("./migrate.js")).migrate,
};

/** Every subcommand's name, in the order `oss-showdown --help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The command of that name, its module loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name]!() : undefined;
}

/** Every subcommand, in the order `oss-showdown --help` lists them. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_NAMES.map((name) => LOADERS[name]!()));
}

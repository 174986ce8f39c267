import type { ParseArgsConfig } from "node:util";

/** Everything a command touches outside its arguments, so tests can run commands in-process. */
export interface Io {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C / SIGTERM: long commands stop and write nothing. */
  signal: AbortSignal;
  /** True when stdout is a terminal (colour, tables). */
  isTTY: boolean;
  /** The terminal's width in characters, when stdout is one (wide tables are cut to fit). */
  columns?: number;
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for `oss-showdown --help`. */
  summary: string;
  /** The full `oss-showdown NAME --help` text, options included. */
  help: string;
  options: Options;
  /** At most this many positionals. */
  maxPositionals: number;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Exit codes, documented in the README and `--help`. */
export const EXIT = { ok: 0, error: 1, partial: 2, interrupted: 130 } as const;

/** Options every command that reads the project's files takes. */
export const COMMON_OPTIONS = {
  config: { type: "string", default: "config" },
  snapshots: { type: "string", default: "snapshots" },
  cohort: { type: "string", default: "deep-learning-2018" },
} as const satisfies Options;

export const COMMON_HELP = `  --cohort NAME      cohort to use (default deep-learning-2018; see config/)
  --config DIR       config folder (default ./config)
  --snapshots DIR    snapshots folder (default ./snapshots)
  -h, --help         show this help`;

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** The width output should fit: the terminal's, else $COLUMNS, else none (a pipe or a file takes any width). */
export function outputWidth(io: Pick<Io, "columns" | "env">): number | undefined {
  if (io.columns !== undefined && io.columns > 0) return io.columns;
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : undefined;
}

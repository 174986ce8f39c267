#!/usr/bin/env node
import { setMaxListeners } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import { ShowdownError, UsageError, ConfigError } from "./errors.js";
import { EXIT, type Command, type Io } from "./cli/command.js";
import { COMMAND_NAMES, loadCommand, loadCommands } from "./cli/commands.js";
import { TOOL } from "./tool.js";
import { plain, registerSecret } from "./format/plain.js";

async function mainHelp(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return `${TOOL.name} ${TOOL.version}: collect, score and compare open-source projects with the Deep Learning Showdown rubric

Usage: oss-showdown <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'oss-showdown help <command>' (or 'oss-showdown <command> --help') for a command's options.
Exit codes: 0 done, 1 error (nothing written), 2 partial (some figures missing), 130 interrupted.
`;
}

function parse(command: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > command.maxPositionals) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[command.maxPositionals])}`);
    }
    return { values, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // node's messages name the flag: "Unknown option '--foo'", "Option '--as-of <value>' argument missing".
    throw new UsageError((error as Error).message.split("\n")[0]!.replace(/\. To specify a positional.*$/, ""));
  }
}

/** The environment variables that hold secrets: scrubbed from all output and files. */
const SECRET_VARIABLES = ["GITHUB_TOKEN", "GH_TOKEN", "STACKEXCHANGE_KEY"] as const;

/** Runs one CLI invocation; returns the exit code instead of exiting, for in-process tests. */
export async function main(argv: string[], given: Io): Promise<number> {
  // Everything printed goes through plain(): no control characters from answers or config, no secret.
  for (const name of SECRET_VARIABLES) registerSecret(given.env[name]?.trim());
  // A terminal gets the colours' escape codes; data's own were removed where it came in (oneLine).
  const clean = <T,>(t: T) => (typeof t === "string" ? plain(t, given.isTTY) : t);
  const io: Io = { ...given, stdout: (t) => given.stdout(clean(t)), stderr: (t) => given.stderr(clean(t)) };
  const [name, ...rest] = argv;
  // `oss-showdown help COMMAND` is `oss-showdown COMMAND --help`.
  if (name === "help" && rest.length > 0) return main([rest[0]!, "--help"], given);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(await mainHelp());
    return name === undefined ? EXIT.error : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${TOOL.version}\n`);
    return EXIT.ok;
  }
  let command: Command | undefined;
  try {
    command = await loadCommand(name);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMAND_NAMES.join(", ")})`);
    const args = parse(command, rest);
    if (args.values.help === true) {
      io.stdout(command.help);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    // Paths are shown as the user would type them: relative to where the command runs.
    const shown = (text: string) => text.split(io.cwd.endsWith(path.sep) ? io.cwd : io.cwd + path.sep).join("");
    if (error instanceof ConfigError) {
      for (const line of shown(error.message).split("\n")) io.stderr(`oss-showdown: ${line}\n`);
    } else if (error instanceof UsageError) {
      io.stderr(`oss-showdown: ${error.message}; see 'oss-showdown ${command ? `${command.name} ` : ""}--help'\n`);
    } else if (error instanceof ShowdownError) {
      io.stderr(`oss-showdown: ${shown(error.message)}\n`);
    } else {
      io.stderr(`oss-showdown: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    }
    return EXIT.error;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === (await import("node:url")).pathToFileURL((await import("node:fs")).realpathSync(process.argv[1])).href;
if (isEntry) {
  const controller = new AbortController();
  // Every wait of the run (back-off, rate-limit reset) listens to this signal, so that Ctrl-C ends it at
  // once, and removes its listener when it ends: many at a time is the run's concurrency, not a leak.
  setMaxListeners(0, controller.signal);
  let interrupted = false;
  const stop = () => {
    if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C does not wait
    interrupted = true;
    process.stderr.write("\noss-showdown: stopping; nothing will be written\n");
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // `oss-showdown export | head`: the reader has gone, which is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT.ok);
    throw error;
  });
  const code = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  process.exitCode = interrupted ? EXIT.interrupted : code;
}

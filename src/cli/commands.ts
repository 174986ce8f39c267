import type { Command } from "./command.js";
import { collect } from "./collect.js";
import { score } from "./score.js";

/** Every subcommand, in the order `showdown --help` lists them. */
export const COMMANDS: Command[] = [collect, score];

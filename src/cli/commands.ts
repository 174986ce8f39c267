import type { Command } from "./command.js";
import { collect } from "./collect.js";
import { score } from "./score.js";
import { validate } from "./validate.js";
import { diff } from "./diff.js";
import { explain } from "./explain.js";
import { history } from "./history.js";
import { exportCommand } from "./export.js";
import { nightly } from "./nightly.js";
import { report } from "./report.js";

/** Every subcommand, in the order `showdown --help` lists them. */
export const COMMANDS: Command[] = [collect, score, validate, diff, explain, history, exportCommand, nightly, report];

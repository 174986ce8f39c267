import type { Io } from "../cli/command.js";

/** ANSI styling that is the identity when colour is off, so renderers never branch on it. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => (text === "" ? text : `\u001b[${open}m${text}\u001b[${close}m`);

export const COLOR: Style = { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
const id = (text: string) => text;
export const PLAIN: Style = { bold: id, dim: id, green: id, red: id, yellow: id };

/** Colour only on a terminal, and never when NO_COLOR is set to anything but "" (https://no-color.org). */
export function styleFor(io: Pick<Io, "isTTY" | "env">): Style {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  return io.isTTY && !noColor ? COLOR : PLAIN;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

// Printable ASCII only: no escape code, no character that takes other than one column.
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** The width a string takes in a terminal: ANSI codes take none. */
export function visibleLength(text: string): number {
  // Most cells are plain ASCII (a history table has hundreds of thousands): their length is their width.
  if (PLAIN_ASCII.test(text)) return text.length;
  return [...text.replace(ANSI, "")].length;
}

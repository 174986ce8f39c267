import { stringify } from "csv-stringify/sync";
import { rounded } from "../format/rounded.js";

/** A CSV cell before encoding: numbers stay numbers (so a negative number is never taken for a formula). */
export type Cell = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** One character; "," by default, ";" for spreadsheets of comma-decimal locales. */
  delimiter: string;
  /** The decimal mark of numbers: "." (default) or "," (never the delimiter: see checkDecimal). */
  decimal?: Decimal;
  /** Start the output with a UTF-8 byte order mark, so Excel reads it as UTF-8. */
  bom: boolean;
  /** Round numbers to this many decimals; undefined keeps full precision (the shortest exact form). */
  precision?: number;
}

export type Decimal = "." | ",";

/** Decimals of the scores when none are asked for: four are enough to rank and chart them. */
export const DEFAULT_PRECISION = 4;

/**
 * A number as written: full precision, or rounded to `precision` decimals without trailing zeros,
 * with `decimal` as the decimal mark.
 */
export function formatNumber(value: number, precision?: number, decimal: Decimal = "."): string {
  const text = precision === undefined ? String(Object.is(value, -0) ? 0 : value) : rounded(value, precision);
  return decimal === "." ? text : text.replace(".", decimal);
}

const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/**
 * An instant as spreadsheets read a date and time, "YYYY-MM-DD HH:MM:SS" in UTC (the header says
 * so): Excel and Sheets keep "2026-10-25T13:17:48Z" as text.
 */
export function formatTime(iso: string): string {
  const m = ISO_UTC.exec(iso) ?? ISO_UTC.exec(new Date(iso).toISOString());
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** Why `decimal` cannot go with `delimiter`, or undefined: a number's decimal mark would split its cell. */
export function checkDecimal(decimal: string, delimiter: string): string | undefined {
  if (decimal !== "." && decimal !== ",") return `--decimal must be "." or ",", got ${JSON.stringify(decimal)}`;
  if (decimal === delimiter) return `--decimal ${JSON.stringify(decimal)} is also the delimiter: pass --delimiter ";" (or tab) with it`;
  return undefined;
}

/**
 * Text that csv-stringify writes unchanged whatever the options (no quote, no line break, no
 * whitespace, no formula lead), provided it does not contain the delimiter.
 */
const PLAIN_TEXT = /^[A-Za-z0-9_.:/][A-Za-z0-9_.:/+-]*$/;
/** A time as formatTime writes it: csv-stringify leaves an inner space as it is. */
const PLAIN_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * Encodes rows as CSV with csv-stringify, one chunk at a time so that a long export streams: the first
 * chunk carries the BOM (when asked). Spreadsheet-safe: a text cell starting with =, +, -, @, tab or
 * carriage return (or their full-width forms) is prefixed with a single quote, so that it is not run as
 * a formula; numbers are not text and are never prefixed. Booleans are written true/false, null and
 * undefined as empty.
 *
 * Speed: a row whose every cell is a number, a boolean, empty or plain text (ids, metric names, ISO
 * dates) without the delimiter is joined directly, which is exactly what csv-stringify would write for
 * it (tests/export.test.ts checks this); any other row goes through csv-stringify. A long export of a
 * year of daily snapshots is millions of such rows.
 */
export class CsvEncoder {
  private first = true;
  constructor(private readonly options: CsvOptions) {}

  /** The delimiter between fields. */
  get delimiter(): string {
    return this.options.delimiter;
  }

  /**
   * One cell as the fast path writes it, or undefined when its row must go through csv-stringify
   * (text that needs quoting or a formula guard, or that contains the delimiter).
   */
  cell(cell: Cell): string | undefined {
    let text: string;
    if (cell === null || cell === undefined || cell === "") return "";
    else if (typeof cell === "number") text = formatNumber(cell, this.options.precision, this.options.decimal);
    else if (typeof cell === "boolean") text = cell ? "true" : "false";
    else if (PLAIN_TEXT.test(cell) || PLAIN_TIME.test(cell)) text = cell;
    else return undefined;
    return text.includes(this.options.delimiter) ? undefined : text;
  }

  private fast(row: readonly Cell[]): string | undefined {
    const { delimiter } = this.options;
    let line = "";
    for (let i = 0; i < row.length; i++) {
      const text = this.cell(row[i]);
      if (text === undefined) return undefined;
      line += i === 0 ? text : delimiter + text;
    }
    return line + "\n";
  }

  private slow(rows: Cell[][], bom: boolean): string {
    return stringify(rows, {
      delimiter: this.options.delimiter,
      bom,
      escape_formulas: true,
      cast: {
        number: (v) => formatNumber(v, this.options.precision, this.options.decimal),
        boolean: (v) => (v ? "true" : "false"),
      },
    });
  }

  encode(rows: readonly (readonly Cell[])[]): string {
    if (rows.length === 0) return "";
    const parts: string[] = [];
    if (this.options.bom && this.first) parts.push("\ufeff");
    this.first = false;
    for (const row of rows) parts.push(this.fast(row) ?? this.slow([row as Cell[]], false));
    return parts.join("");
  }

  /** The same rows through csv-stringify alone (the reference the fast path must match). */
  encodeSlowly(rows: readonly (readonly Cell[])[]): string {
    const text = rows.length === 0 ? "" : this.slow(rows as Cell[][], this.options.bom && this.first);
    if (rows.length > 0) this.first = false;
    return text;
  }
}

/** Checks a --delimiter value: one character, not a quote or a line break. "\t" or "tab" mean a tab. */
export function parseDelimiter(value: string): string | undefined {
  const d = value === "\\t" || value === "tab" ? "\t" : value;
  return [...d].length === 1 && !['"', "\n", "\r", "'"].includes(d) ? d : undefined;
}

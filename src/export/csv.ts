import { stringify } from "csv-stringify/sync";

/** A CSV cell before encoding: numbers stay numbers (so a negative number is never taken for a formula). */
export type Cell = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** One character; "," by default, ";" for spreadsheets of comma-decimal locales. Decimals are always ".". */
  delimiter: string;
  /** Start the output with a UTF-8 byte order mark, so Excel reads it as UTF-8. */
  bom: boolean;
  /** Round numbers to this many decimals; undefined keeps full precision (the shortest exact form). */
  precision?: number;
}

/** A number as written: full precision, or rounded to `precision` decimals without trailing zeros. */
export function formatNumber(value: number, precision?: number): string {
  const v = precision === undefined ? value : Number(value.toFixed(precision));
  return String(Object.is(v, -0) ? 0 : v);
}

/**
 * Text that csv-stringify writes unchanged whatever the options (no quote, no line break, no
 * whitespace, no formula lead), provided it does not contain the delimiter.
 */
const PLAIN_TEXT = /^[A-Za-z0-9_.:/][A-Za-z0-9_.:/+-]*$/;

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
    else if (typeof cell === "number") text = formatNumber(cell, this.options.precision);
    else if (typeof cell === "boolean") text = cell ? "true" : "false";
    else if (PLAIN_TEXT.test(cell)) text = cell;
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
        number: (v) => formatNumber(v, this.options.precision),
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

/**
 * A number rounded to `precision` decimals as toFixed rounds (the exact value, halves away from 0),
 * then written in its shortest form ("1.50" -> "1.5", "-0" -> "0"): CSV's --precision and the
 * coordinates of the report's charts.
 */
export function rounded(value: number, precision: number): string {
  return roundedQuickly(value, precision) ?? roundedExactly(value, precision);
}

/** What rounded writes: toFixed's rounding (the exact value, halves away from 0), then the shortest form. */
function roundedExactly(value: number, precision: number): string {
  const v = Number(value.toFixed(precision));
  return String(Object.is(v, -0) ? 0 : v);
}

const POWERS = Array.from({ length: 16 }, (_, p) => 10 ** p);

/**
 * roundedExactly without toFixed and a second parse, which were most of a long export's time; the
 * same text (tests/export/format-number.test.ts compares them). Scaled, the value is off its exact
 * product by at most 2^-22 while under 2^31; a fraction that close to a half is left to roundedExactly, as are larger
 * values, NaN, infinities and results under 1e-6. Undefined then.
 */
function roundedQuickly(value: number, precision: number): string | undefined {
  const scale = POWERS[precision]!;
  const scaled = Math.abs(value) * scale;
  if (!(scaled < 2 ** 31)) return undefined;
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  if (Math.abs(fraction - 0.5) < 1e-6) return undefined;
  const n = fraction < 0.5 ? whole : whole + 1;
  if (n === 0) return "0";
  if (n < scale / 1e6) return undefined; // under 1e-6, String() writes an exponent
  const sign = value < 0 ? "-" : "";
  const integer = Math.floor(n / scale);
  let decimals = n - integer * scale;
  if (decimals === 0) return sign + integer;
  let digits = precision;
  while (decimals % 10 === 0) {
    decimals /= 10;
    digits--;
  }
  return `${sign}${integer}.${String(decimals).padStart(digits, "0")}`;
}

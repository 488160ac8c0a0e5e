// Decimal numbers as instruments write them ("3.6550000E+000", "-0,5", "12"), parsed from bytes
// without making a string: the hot path of every text reader. The result is exactly Number(text)
// (with a decimal comma read as a point): one correctly rounded operation when the digits allow it
// (Clinger's fast path), else Number() itself on the cell's text.

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** 2^53: integers below it are exact doubles. */
const EXACT_BELOW = 9007199254740992;

/**
 * Parse the number in b[start, end): optional blanks, sign, digits with '.' (or ',' when
 * `decimalComma`, for locale exports separated by tabs or ';'), optional exponent. Returns NaN for
 * anything else (empty cells, text, "NaN", any byte outside ASCII) so the caller can report the
 * line and column.
 */
export function parseNumberBytes(b: Buffer, start: number, end: number, decimalComma: boolean): number {
  let i = start;
  let c = 0;
  while (i < end && ((c = b[i]) === 32 || c === 9)) i++;
  while (end > i && ((c = b[end - 1]) === 32 || c === 9 || c === 13)) end--;
  if (i >= end) return NaN;
  const from = i;
  c = b[i];
  const neg = c === 45;
  if (neg || c === 43) i++;
  let m = 0;
  const intStart = i;
  for (; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
  }
  let digits = i - intStart;
  let exp = 0;
  if (i < end && ((c = b[i]) === 46 || (c === 44 && decimalComma))) {
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
    }
    exp = fracStart - i;
    digits -= exp;
  }
  if (digits === 0) return NaN;
  if (i < end) {
    c = b[i];
    if (c !== 101 && c !== 69) return NaN; // e, E
    const e = exponent(b, i + 1, end);
    if (e !== e) return NaN;
    exp += e;
  }
  return scaled(m, exp, neg, b, from, end);
}

/** The exponent's digits in b[i, end), signed; NaN unless that is all there is. Capped far beyond any double. */
function exponent(b: Buffer, i: number, end: number): number {
  if (i >= end) return NaN;
  const c = b[i];
  const neg = c === 45;
  if (neg || c === 43) i++;
  if (i >= end) return NaN;
  let e = 0;
  for (; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    if (e < 100000) e = e * 10 + d;
  }
  return neg ? -e : e;
}

/**
 * m · 10^exp with the sign, exactly as Number() rounds it. m was summed exactly while it stayed
 * below 2^53 (a sum that reached 2^53 cannot round back below it) and 10^k is exact up to 10^22,
 * so one multiplication or division rounds once, as the conversion must (Clinger's fast path).
 * Other cases go through Number() on the text b[from, end).
 */
function scaled(m: number, exp: number, neg: boolean, b: Buffer, from: number, end: number): number {
  if (m === 0) return neg ? -0 : 0;
  if (m >= EXACT_BELOW) {
    // Often only trailing zeros took m past 2^53 (EC-Lab's 16 digits, "9.237500000000000E+001"):
    // the same number with them moved into the exponent.
    m = withoutTrailingZeros(b, from, end);
    exp += trailingZeros;
  }
  if (m < EXACT_BELOW) {
    if (exp >= 0) {
      if (exp <= 22) return neg ? -(m * POW10[exp]) : m * POW10[exp];
      if (exp <= 22 + 15) {
        const mm = m * POW10[exp - 22]; // exact while it stays below 2^53
        if (mm < EXACT_BELOW) return neg ? -(mm * 1e22) : mm * 1e22;
      }
    } else if (exp >= -22) return neg ? -(m / POW10[-exp]) : m / POW10[-exp];
  }
  return slowNumber(b, from, end);
}

/** The zeros withoutTrailingZeros dropped. */
let trailingZeros = 0;

/**
 * The mantissa's digits in b[from, end) (a sign, digits with one point, an exponent) as an
 * integer without its trailing zeros, their count left in `trailingZeros`. Exact while below 2^53,
 * as the first sum was.
 */
function withoutTrailingZeros(b: Buffer, from: number, end: number): number {
  let m = 0;
  let zeros = 0;
  for (let i = from; i < end; i++) {
    const d = b[i] - 48;
    if (d === 0) zeros++;
    else if (d > 0 && d <= 9) {
      for (; zeros > 0; zeros--) m *= 10;
      m = m * 10 + d;
    } else if (d === 101 - 48 || d === 69 - 48) break; // e, E; a sign or point is stepped over
  }
  trailingZeros = zeros;
  return m;
}

/**
 * The fast path of a row's cells: the number that starts at b[start], in one pass. Where it ends
 * is the caller's to judge: a number alone in its cell ends at the cell's end (the separator, the
 * line break, or the CR of a CRLF); any other byte there means the cell holds more than a number.
 * The value is left in `value` (a returned double would be boxed on the heap, one allocation per
 * cell, where a field is overwritten in place).
 */
export class CellScanner {
  /** The number just scanned. */
  value = 0.5;

  /**
   * Where the number at b[start] ends (the first byte that cannot continue it), with its value in
   * `value`; -1 when no number starts there (no digits, an exponent without any), for
   * parseNumberBytes to judge. Kept small enough for V8 to inline it into the row loop
   * (TableBuilder.separatedRows): under 460 bytes of bytecode (node --print-bytecode
   * --print-bytecode-filter=scan shows 426); a call per cell cost that loop about 8%.
   */
  scan(b: Buffer, start: number, decimalComma: boolean): number {
    let i = start;
    let c = b[i];
    const neg = c === 45;
    if (neg || c === 43) i++;
    let m = 0;
    const intStart = i;
    for (;; i++) {
      const d = b[i] - 48;
      if (!(d >= 0 && d <= 9)) break; // also past the buffer's end (undefined - 48 is NaN)
      m = m * 10 + d;
    }
    let digits = i - intStart;
    let exp = 0;
    if ((c = b[i]) === 46 || (c === 44 && decimalComma)) {
      const fracStart = ++i;
      for (;; i++) {
        const d = b[i] - 48;
        if (!(d >= 0 && d <= 9)) break;
        m = m * 10 + d;
      }
      exp = fracStart - i;
      digits -= exp;
    }
    if (digits === 0) return -1;
    if ((b[i] | 32) === 101) { // e, E
      c = b[++i];
      const eneg = c === 45;
      if (eneg || c === 43) i++;
      let e = 0;
      const eStart = i;
      for (;; i++) {
        const d = b[i] - 48;
        if (!(d >= 0 && d <= 9)) break;
        e = e * 10 + d; // uncapped: a long exponent only grows (to Infinity) and takes scaled()'s slow path
      }
      if (i === eStart) return -1;
      exp += eneg ? -e : e;
    }
    // EXACT_BELOW written as a literal: a module constant's every load is checked, in bytes this
    // method has few to spare. Then scaled()'s first case, written out (a double returned from a
    // call not inlined is boxed).
    if (m < 9007199254740992 && exp >= -22 && exp <= 22) {
      const p = POW10;
      const v = exp < 0 ? m / p[-exp] : m * p[exp];
      this.value = neg ? -v : v;
    } else this.value = scaled(m, exp, neg, b, start, i);
    return i;
  }
}

/** Number() on the cell's ASCII text, a decimal comma made a point: long mantissas, far exponents. */
function slowNumber(b: Buffer, from: number, end: number): number {
  const text = b.toString('latin1', from, end);
  return Number(text.includes(',') ? text.replace(',', '.') : text);
}

let scratch = Buffer.allocUnsafe(64);

/**
 * parseNumberBytes on s[start, end) (the same grammar and the same result). A character outside
 * ASCII cannot belong to a number, so the cell is then NaN without looking further.
 */
export function parseNumber(s: string, start: number, end: number, decimalComma: boolean): number {
  const n = end - start;
  if (n <= 0) return NaN;
  if (n > scratch.length) scratch = Buffer.allocUnsafe(Math.max(n, 2 * scratch.length));
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(start + k);
    if (c > 127) return NaN;
    scratch[k] = c;
  }
  return parseNumberBytes(scratch, 0, n, decimalComma);
}

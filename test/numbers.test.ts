// The hand-written decimal parser against Number(): properties over random decimal strings
// (signs, leading zeros, long mantissas, exponents near and past the fast path's limits, decimal
// commas, blanks), the row scanner's fast path against the full parser, and every cell of every
// text fixture. The seed is fixed (NUMBERS_SEED overrides it), so a failure repeats.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { CellScanner, parseNumber, parseNumberBytes } from '../server/readers/numbers';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const SEED = Number(process.env.NUMBERS_SEED ?? 20240314);
const RUNS = 20000;

/** What Number() reads from a cell of our grammar: blanks dropped, a decimal comma made a point. */
function reference(cell: string): number {
  return Number(cell.trim().replace(',', '.'));
}

const GRAMMAR = /^[ \t]*[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?[ \t\r]*$/;

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Digit strings that lean on the hard cases: zeros, runs of nines, 15 to 20 significant digits. */
const mantissaDigits = fc.oneof(
  digits(0, 25),
  digits(15, 20),
  fc.tuple(fc.constantFrom('9', '8', '1'), digits(14, 17)).map(([a, b]) => a + b),
  digits(0, 4).map((d) => `90071992547409${d}`), // around 2^53 = 9007199254740992, where m stops being exact
  fc.tuple(digits(0, 3), fc.constantFrom('0000000000', '9999999999', '00000000000000000000')).map(([a, b]) => a + b),
);
const exponentPart = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.oneof(digits(1, 3), fc.integer({ min: 0, max: 400 }).map(String), fc.constantFrom('000', '022', '023', '037', '038', '308', '324', '99999999'))).map((p) => p.join('')),
);

/** A decimal as instruments write it, with the point or comma the locale uses. */
const decimal = fc.record({
  lead: fc.constantFrom('', ' ', '\t', '  '),
  sign: fc.constantFrom('', '-', '+'),
  int: mantissaDigits,
  point: fc.constantFrom('', '.', ','),
  frac: mantissaDigits,
  exp: exponentPart,
  trail: fc.constantFrom('', ' ', '\t', '\r', ' \r'),
}).map((p) => `${p.lead}${p.sign}${p.int}${p.point}${p.point ? p.frac : ''}${p.exp}${p.trail}`);

/** A number the way a formatter writes one: Number's own shortest digits, toExponential, toFixed, EC-Lab's %E. */
const formatted = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 })).map(([v, d, how]) => {
  if (how === 0) return String(v);
  if (how === 1) return v.toExponential(d);
  if (how === 2) return Math.abs(v) < 1e21 ? v.toFixed(d) : String(v);
  const s = v.toExponential(d);
  const e = Number(s.slice(s.indexOf('e') + 1));
  return `${s.slice(0, s.indexOf('e'))}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(3, '0')}`;
});

const same = (a: number, b: number) => Object.is(a, b);

describe('numbers: the decimal parser is Number()', () => {
  it('random decimal strings: equal to Number() of the text (decimal comma as a point), bit for bit', () => {
    fc.assert(fc.property(decimal, (s) => {
      const got = parseNumber(s, 0, s.length, true);
      if (!GRAMMAR.test(s)) return Number.isNaN(got);
      return same(got, reference(s));
    }), { seed: SEED, numRuns: RUNS });
  });

  it('numbers as formatters write them, from any double: read back exactly', () => {
    fc.assert(fc.property(formatted, (s) => same(parseNumber(s, 0, s.length, false), Number(s))), { seed: SEED, numRuns: RUNS });
  });

  it('without decimal commas a comma is not a number; with them "1,5" is 1.5', () => {
    fc.assert(fc.property(decimal.filter((s) => s.includes(',')), (s) => Number.isNaN(parseNumber(s, 0, s.length, false))), { seed: SEED, numRuns: 2000 });
    assert.equal(parseNumber('-1,5E-003', 0, 9, true), -1.5e-3);
  });

  it('anything that is not a decimal is NaN (letters, a second point, a lone sign or exponent, non-ASCII)', () => {
    const junk = fc.string({ unit: fc.constantFrom(...'0123456789.,eE+- \tabxµ²\u00a0'), maxLength: 12 });
    fc.assert(fc.property(junk, (s) => {
      const got = parseNumber(s, 0, s.length, true);
      return GRAMMAR.test(s) ? same(got, reference(s)) : Number.isNaN(got);
    }), { seed: SEED, numRuns: RUNS });
  });

  it('the limits of the fast path: 2^53 in the mantissa, 10^22 in the scale, subnormals, overflow', () => {
    for (const s of ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740993e-16', '0.9007199254740993', '9.007199254740993E-001', '9007199254740993e7', '90071992547409930e-6', '1e22', '1e23', '123e35', '1e37', '1e38',
      '4.9e-324', '2e-324', '1e-400', '1.7976931348623157e308', '1.8e308', '0e999999', '-0', '-0.0e-5', '0.000000000000000000000001234']) {
      assert.ok(same(parseNumber(s, 0, s.length, false), Number(s)), s);
    }
  });

  it('the row scanner gives what the full parser gives for a cell that is its number, or hands the cell over', () => {
    const scanner = new CellScanner();
    fc.assert(fc.property(decimal, fc.constantFrom(9, 44, 59), (cell, sep) => {
      if (cell.includes(String.fromCharCode(sep))) return true; // then it is two cells
      const b = Buffer.from(`${cell}${String.fromCharCode(sep)}1`, 'latin1');
      const end = scanner.scan(b, 0, sep !== 44);
      const full = parseNumberBytes(b, 0, cell.length, sep !== 44);
      if (end !== cell.length) return end < cell.length; // parseNumberBytes decides (the cell is more than the number scanned)
      return same(scanner.value, full);
    }), { seed: SEED, numRuns: RUNS });
  });

  it('every cell of every text fixture', () => {
    const scanner = new CellScanner();
    let cells = 0;
    for (const name of fs.readdirSync(FIXTURES)) {
      const bytes = fs.readFileSync(path.join(FIXTURES, name));
      if (bytes.includes(0)) continue; // binary
      const text = bytes.toString('latin1');
      for (const line of text.split(/\r?\n|\r/)) {
        for (const cell of line.split(/[\t;,]| +/)) {
          for (const comma of [false, true]) {
            const got = parseNumber(cell, 0, cell.length, comma);
            const expected = GRAMMAR.test(cell) && (comma || !cell.includes(',')) ? reference(cell) : NaN;
            assert.ok(same(got, expected), `${name}: '${cell}' gave ${got}, Number() ${expected}`);
            const b = Buffer.from(`${cell}\t`, 'latin1');
            const end = scanner.scan(b, 0, comma);
            if (end === cell.length) assert.ok(same(scanner.value, got), `${name}: '${cell}' scanned as ${scanner.value}`);
          }
          cells++;
        }
      }
    }
    assert.ok(cells > 5000, `only ${cells} cells`);
  });
});

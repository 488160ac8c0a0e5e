// The row loop (TableBuilder.addRows: cutting, the number scanner, stepping over columns not kept)
// against a frozen copy of it as it was before it was made faster (helpers/tableReference): random
// tables of every separator, decimal commas, LF, CRLF and CR line ends, short, long and blank
// rows, junk, NaN, infinities, h:m:s and dates, exponent forms, mantissas past 2^53, lone CRs,
// trailing separators, columns kept or not in runs, unit factors and offsets, leading fields
// skipped, rows handed over in chunks of whole lines and continued after a first finish; and
// EC-Lab's own rows as the pandas bench writes them. Both builders must give the same table: every
// value bit for bit, the same rows, lines and problems. The seed is fixed (TABLEREF_SEED overrides it).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { ColumnSpec } from '../server/readers/columns';
import { Built, TableBuilder, WHITESPACE } from '../server/readers/table';
import { TableBuilder as ReferenceBuilder } from './helpers/tableReference/table';
import { ecLabNumber, writeMptGcpl } from './helpers/dataFiles';

const SEED = Number(process.env.TABLEREF_SEED ?? 5150);

const spec = (kind: ColumnSpec['kind'], factor: number, offset = 0, parse: ColumnSpec['parse'] = 'number', name: string = kind): ColumnSpec => ({
  name, kind, sourceUnit: 'u', factor, offset, flipSign: factor < 0, parse, priority: 1,
});

/** Columns as the readers resolve them: plain, decimal prefixes (mV, mA), mAh, °C, -Im(Z), h:m:s, dates, a state flag. */
const SPECS: ColumnSpec[] = [
  spec('time', 1), spec('voltage', 1), spec('voltage', 1e-3), spec('current', 1e-3), spec('current', 1e-6), spec('charge', 3.6),
  spec('other', 1), spec('temperature', 1, 273.15), spec('zImag', -1), spec('time', 1, 0, 'duration'), spec('stepTime', 1),
  spec('other', 1, 0, 'datetime', 'Date'), spec('other', 1, 0, 'state', 'State'), spec('cycle', 1), spec('frequency', 1e3),
];

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** A cell's text (a decimal point; made a comma for decimal-comma tables). */
const numberArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String) },
  { weight: 4, arbitrary: fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(7, 15)).map(([v, d]) => ecLabNumber(v, d)) },
  // EC-Lab's 16 digits whose mantissa passes 2^53 only by its trailing zeros (9.2375 s), and ones that truly do
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('9', '8', '1'), digits(0, 6), fc.integer({ min: 0, max: 3 })).map(([a, b, e]) => `${a}.${b.padEnd(15, '0')}E+00${e}`) },
  { weight: 1, arbitrary: fc.tuple(digits(1, 22), digits(0, 22), fc.constantFrom('', 'e5', 'E-3', 'e+22', 'e-22', 'e23', 'e-400', 'e400', 'E+000', 'e0099999999')).map(([a, b, e]) => `${a}${b ? `.${b}` : ''}${e}`) },
  { weight: 2, arbitrary: fc.integer({ min: -100000, max: 100000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('+1.5', '.5', '5.', '-0', '0', '-0.0E+000', '00012', '1e', '1e+', '1.2.3', '-', '+', '.', 'e5', '1,5', '1.5,0') },
);
const junkArb = fc.constantFrom('', ' ', 'NaN', 'nan', '-NaN', 'inf', 'Inf', '-Infinity', 'x', 'µA', '0:01:30', '1:02:03.5', '2024-01-02 10:00:00',
  'charge', 'D', 'C', 'Rest', 'CC_DChg', ' 4 ', '5\r', '\r', '7 ', ' 8', '\u00e9t\u00e9', '漢字', '"q"', '1\r2');

interface Case {
  specs: ColumnSpec[];
  keep: boolean[] | undefined;
  sep: number;
  decimalComma: boolean;
  skipFields: number;
  expectedFields: boolean;
  brk: number;
  bytes: Buffer;
  /** Where the first builder stops and its continuation takes over (a line index), or -1. */
  splitAt: number;
  /** Line indices where a chunk ends. */
  chunkEnds: number[];
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  cols: fc.array(fc.integer({ min: 0, max: SPECS.length - 1 }), { minLength: 1, maxLength: 18 }),
  keepMode: fc.constantFrom('all', 'random', 'runs'),
  keepBits: fc.array(fc.boolean(), { minLength: 18, maxLength: 18 }),
  sep: fc.constantFrom(9, 9, 59, 44, WHITESPACE),
  decimalComma: fc.boolean(),
  skipFields: fc.constantFrom(0, 0, 0, 1),
  expectedFields: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
  rows: fc.array(fc.oneof(
    { weight: 14, arbitrary: fc.tuple(fc.array(fc.oneof({ weight: 6, arbitrary: numberArb }, { weight: 1, arbitrary: junkArb }), { minLength: 0, maxLength: 22 }), fc.integer({ min: -3, max: 2 })) },
    { weight: 1, arbitrary: fc.constantFrom<[string[], number]>([[''], 0], [['time/s', 'Ewe/V'], 0], [['  '], 0], [['', '', ''], 0]) },
  ), { minLength: 1, maxLength: 70 }),
  trailing: fc.boolean(),
  lastBreak: fc.boolean(),
  splitAt: fc.integer({ min: -40, max: 69 }),
  chunkEnds: fc.array(fc.integer({ min: 0, max: 69 }), { maxLength: 5 }),
}).map((r) => {
  const specs = r.cols.map((k) => SPECS[k]);
  const n = specs.length;
  let keep: boolean[] | undefined;
  if (r.keepMode === 'random') keep = specs.map((_, c) => r.keepBits[c]);
  else if (r.keepMode === 'runs') keep = specs.map((_, c) => r.keepBits[Math.floor(c / 4)]); // runs of four
  const sepText = r.sep === WHITESPACE ? ' ' : String.fromCharCode(r.sep);
  const decimalComma = r.decimalComma && r.sep !== 44;
  const lines = r.rows.map(([cells, extra], k) => {
    // Mostly rows of the width the columns ask (the leading skipped fields included), some shorter or longer.
    const width = Math.max(0, (k % 5 === 0 ? cells.length : n + r.skipFields) + extra);
    const row = Array.from({ length: width }, (_, c) => cells.length ? cells[c % cells.length] : '');
    const text = row.map((cell) => (decimalComma ? cell.replace('.', ',') : cell)).join(r.sep === WHITESPACE ? (k % 3 ? ' ' : ' \t ') : sepText);
    return text + (r.trailing && r.sep !== WHITESPACE ? sepText : '');
  });
  const brk = r.eol === '\r' ? 13 : 10;
  const eolOf = (k: number) => (r.eol === 'mixed' ? (k % 3 === 1 ? '\r\n' : '\n') : r.eol);
  let text = '';
  lines.forEach((l, k) => { text += l + (k < lines.length - 1 || r.lastBreak ? eolOf(k) : ''); });
  return {
    specs, keep, sep: r.sep, decimalComma, skipFields: r.skipFields, expectedFields: r.expectedFields, brk,
    bytes: Buffer.from(text, 'utf8'), splitAt: r.splitAt < lines.length ? r.splitAt : -1, chunkEnds: r.chunkEnds,
  };
});

/** The table's lines as byteLines hands them over: blocks of whole lines, each block's buffer ending at its last break; the last line without one given its break in a copy. */
function blocks(bytes: Buffer, brk: number, chunkEnds: number[]): { buf: Buffer; start: number; end: number; line: number }[] {
  const starts = [0];
  for (let i = bytes.indexOf(brk); i >= 0; i = bytes.indexOf(brk, i + 1)) starts.push(i + 1);
  const ends = new Set(chunkEnds.filter((k) => k + 1 < starts.length).map((k) => starts[k + 1]));
  const out: { buf: Buffer; start: number; end: number; line: number }[] = [];
  let from = 0;
  let line = 1;
  const lineCount = (a: number, b: number) => { let k = 0; for (let i = a; i < b; i++) if (bytes[i] === brk) k++; return k; };
  const complete = starts[starts.length - 1];
  for (const end of [...[...ends].sort((a, b) => a - b), complete]) {
    if (end <= from) continue;
    out.push({ buf: bytes.subarray(0, end), start: from, end, line });
    line += lineCount(from, end);
    from = end;
  }
  if (from < bytes.length) {
    const last = Buffer.alloc(bytes.length - from + 1);
    bytes.copy(last, 0, from);
    last[last.length - 1] = brk;
    out.push({ buf: last, start: 0, end: last.length, line });
  }
  return out;
}

type AnyBuilder = TableBuilder | ReferenceBuilder;

/** What a finished builder gave, for comparing: values as their bytes (NaN payloads, -0), every row's line. */
function essence(built: Built | ReturnType<ReferenceBuilder['finish']>) {
  return {
    rows: built.rows,
    problems: built.problems,
    fileColumns: built.fileColumns,
    columns: built.columns.map((c) => ({ name: c.name, kind: c.kind, unit: c.sourceUnit, bytes: Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength).toString('hex') })),
    lines: Array.from({ length: built.rows + 2 }, (_, r) => built.lineOfRow(r - 1)),
  };
}

function readCase(t: Case, make: (specs: ColumnSpec[], opts: ConstructorParameters<typeof TableBuilder>[1]) => AnyBuilder) {
  const opts = {
    file: 'f.txt', columnLine: 1, sep: t.sep, decimalComma: t.decimalComma, keep: t.keep,
    skipFields: t.skipFields || undefined, expectedFields: t.expectedFields ? t.specs.length : undefined, expectedRows: 4,
  };
  const text = (b: Buffer, s: number, e: number) => b.toString('utf8', s, e);
  let builder = make(t.specs, opts);
  const results = [];
  let lines = 0;
  for (const blk of blocks(t.bytes, t.brk, t.chunkEnds)) {
    if (t.splitAt >= 0 && results.length === 0 && lines >= t.splitAt) {
      results.push(essence(builder.finish()));
      builder = builder.continuation(3);
    }
    lines += builder.addRows(blk.buf, blk.start, blk.end, blk.line, t.brk, text);
  }
  results.push(essence(builder.finish()));
  return results;
}

describe('table rows: the row loop gives what it gave before it was made faster', () => {
  it('random tables: separators, decimal commas, line ends, ragged and junk rows, columns kept or not, continuations', () => {
    fc.assert(fc.property(caseArb, (t) => {
      const now = readCase(t, (s, o) => new TableBuilder(s, o));
      const before = readCase(t, (s, o) => new ReferenceBuilder(s, o));
      assert.deepEqual(now, before);
    }), { seed: SEED, numRuns: 1500 });
  });

  it('EC-Lab GCPL rows as the pandas bench writes them (16 columns, CRLF, decimal point and comma), the cycling columns and all', function () {
    this.timeout(60000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-tableref-'));
    try {
      for (const decimalComma of [false, true]) {
        const file = path.join(tmp, `gcpl-${decimalComma}.mpt`);
        const written = writeMptGcpl(file, 30000, { latin1: true, wide: true, decimalComma });
        const bytes = fs.readFileSync(file);
        let start = 0;
        for (let k = 1; k < written.columnLine; k++) start = bytes.indexOf(10, start) + 1;
        const names = bytes.toString('latin1', start, bytes.indexOf(13, start)).split('\t');
        start = bytes.indexOf(10, start) + 1;
        // Each column read as plain numbers, mA, mAh...; all kept, every third not kept, or the columns a cycling run keeps (time, Ewe, I, half cycle, Q, cycle).
        const specs = names.map((name, c) => ({ ...SPECS[[0, 1, 3, 5, 6, 13][c % 6]], name }));
        for (const keep of [undefined, specs.map((_, c) => c % 3 !== 1), specs.map((_, c) => [7, 9, 10, 13, 14, 15].includes(c))]) {
          const run = (make: (s: ColumnSpec[], o: ConstructorParameters<typeof TableBuilder>[1]) => AnyBuilder) => {
            const b = make(specs, { file, columnLine: written.columnLine, sep: 9, decimalComma, expectedFields: specs.length, expectedRows: 1000, keep });
            b.addRows(bytes, start, bytes.length, written.columnLine + 1, 10, (buf, s, e) => buf.toString('latin1', s, e));
            return essence(b.finish());
          };
          const now = run((s, o) => new TableBuilder(s, o));
          assert.equal(now.rows, 30000);
          assert.deepEqual(now, run((s, o) => new ReferenceBuilder(s, o)));
        }
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

// The data lines as bytes (byteLines.ts, TableBuilder.addRows) against the same lines as text:
// a UTF-16 file is decoded and read line by line through addLine, the same table written as
// UTF-8 or Windows-1252 goes through the byte path in blocks. Random tables with every line end,
// blank and junk lines, lone CRs, trailing separators, short and long rows, non-ASCII text,
// decimal commas, at sizes that cross the 1 MiB chunks: both reads must give the same table.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { DataTable, readDataFile, ReadOptions } from '../server/readers/index';

const SEED = Number(process.env.BYTELINES_SEED ?? 7041);

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bytelines-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/** What a table is, for comparing two reads: everything but the encoding it was read in. */
function essence(t: DataTable) {
  const meta = { ...t.meta };
  delete meta.encoding;
  return {
    format: t.format, technique: t.technique, rows: t.rows, meta, problems: t.problems,
    columns: t.columns.map((c) => ({ name: c.name, kind: c.kind, unit: c.sourceUnit, values: Array.from(c.values) })),
    lines: Array.from({ length: t.rows + 2 }, (_, r) => t.lineOfRow(r - 1)),
    fileColumns: t.fileColumns,
  };
}

const cellArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => String(v)) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 9 })).map(([m, e]) => `${(m / 1e4).toFixed(4)}E-00${e}`) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'NaN', 'x', 'µA', '1.2.3', '-', 'inf', '0:01:30', '3,5', ' 4 ', '5\r', '\u00e9t\u00e9', '漢字') },
);

interface Table { sep: string; eol: string; lines: string[] }

/** A table: a column line, then rows of 3 to 6 cells under 5 columns, with the odd blank or junk line. */
const tableArb: fc.Arbitrary<Table> = fc.record({
  sep: fc.constantFrom('\t', ';', ','),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  rows: fc.array(fc.oneof(
    { weight: 12, arbitrary: fc.array(cellArb, { minLength: 3, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom([''], ['time/s', 'Ewe/V'], ['\t\t'], ['  ']) },
  ), { minLength: 2, maxLength: 60 }),
  trailing: fc.boolean(),
  lastEol: fc.boolean(),
}).map(({ sep, eol, rows, trailing, lastEol }) => {
  const header = ['time/s', 'Ewe/V', 'I/mA', 'Temperature/°C', 'Note'];
  const clean = (cell: string) => cell.split(sep).join(' ').replace(/[\r\n]/g, eol === '\r' ? ' ' : '\r');
  const lines = [header.join(sep), ...rows.map((r) => r.map((cell) => clean(sep === ',' ? cell.replace(',', '.') : cell)).join(sep) + (trailing ? sep : ''))];
  return { sep, eol, lines: lastEol ? [...lines, ''] : lines };
});

function write(file: string, t: Table, encoding: 'utf8' | 'latin1' | 'utf16le'): void {
  const text = t.lines.join(t.eol);
  const body = encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding);
  fs.writeFileSync(file, body);
}

async function readBoth(t: Table, k: number, encoding: 'utf8' | 'latin1', options: ReadOptions = {}): Promise<[unknown, unknown]> {
  const asText = path.join(tmp, `t${k}-16.csv`), asBytes = path.join(tmp, `t${k}-8.csv`);
  write(asText, t, 'utf16le');
  write(asBytes, t, encoding);
  const read = async (file: string) => {
    try {
      return essence(await readDataFile(file, options));
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  return [await read(asBytes), await read(asText)];
}

describe('byte lines: the same table as the text path', () => {
  it('random tables, UTF-8 and Windows-1252 bytes against UTF-16 text, all columns and some', async function () {
    this.timeout(60000);
    let k = 0;
    await fc.assert(fc.asyncProperty(tableArb, fc.constantFrom<'utf8' | 'latin1'>('utf8', 'latin1'), fc.boolean(), async (t, encoding, someKinds) => {
      if (encoding === 'latin1' && t.lines.some((l) => /[^\u0000-\u00ff]/.test(l))) encoding = 'utf8';
      const [bytes, text] = await readBoth(t, k++, encoding, someKinds ? { kinds: ['time', 'current'] } : {});
      assert.deepEqual(bytes, text);
    }), { seed: SEED, numRuns: 300 });
  });

  it('rows across chunk boundaries, the last line without a break', async function () {
    this.timeout(60000);
    for (const eol of ['\n', '\r\n', '\r']) {
      const lines = ['time/s\tEwe/V\tI/mA'];
      for (let i = 0; i < 120000; i++) lines.push(i % 9973 === 0 ? `${i}\t3,3O\t-0,5` : `${i * 10.25}\t${(3 + i / 1e6).toFixed(7)}\t${i % 2 ? '-' : ''}5.0000000E-001`);
      const [bytes, text] = await readBoth({ sep: '\t', eol, lines }, 1000 + eol.length, 'utf8');
      assert.deepEqual(bytes, text, JSON.stringify(eol));
      assert.equal((bytes as { rows: number }).rows, 120000);
    }
  });
});

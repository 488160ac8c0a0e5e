// ReadOptions.kinds: the text readers keep only the columns of the kinds asked for and step over
// the other cells unread. What they keep must be exactly the full read's (values, rows, lines),
// problems may only lose those about columns not read, and the file's column names stay known.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ColumnKind, DataError, DataTable, readDataFile, requireColumns } from '../server/readers/index';
import { columnsOfFile } from '../server/readers/types';
import { isStateColumn } from '../server/readers/table';
import { PROTOCOL_HANDLERS } from '../server/results/protocols';
import { kindsToRead, PROTOCOL_KINDS } from '../server/results/protocols/kinds';
import { readCached } from '../server/results/tableCache';
import type { RunJob } from '../server/results/jobs';
import { WIDE_GCPL_COLUMNS, writeMptGcpl, writeText } from './helpers/dataFiles';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const DC_AND_SPECTRUM: ColumnKind[] = ['time', 'voltage', 'current', 'frequency', 'zReal', 'zImag'];

let tmp = '';
const tmpFile = (name: string): string => path.join(tmp, name);
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-kinds-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/** A problem that names one of these columns (by name in quotes, or "column k (name)"). */
const names = (p: { message: string }, cols: string[]) => cols.some((n) => p.message.includes(`'${n}'`) || p.message.includes(`(${n})`));

/**
 * Read the file in full and with `kinds`; the partial read must be the full one cut down to the
 * columns of those kinds (and `extra`, columns kept for another reason). Returns both.
 */
async function sameAsFull(file: string, kinds: ColumnKind[], extra: string[] = []): Promise<{ full: DataTable; part: DataTable }> {
  const full = await readDataFile(file);
  const part = await readDataFile(file, { kinds });
  const wanted = full.columns.filter((c) => kinds.includes(c.kind) || extra.includes(c.name));
  assert.deepEqual(part.columns.map((c) => c.name), wanted.map((c) => c.name), file);
  for (const c of wanted) {
    const p = part.columns.find((x) => x.name === c.name)!;
    assert.equal(p.kind, c.kind);
    assert.equal(p.sourceUnit, c.sourceUnit);
    assert.deepEqual(Array.from(p.values), Array.from(c.values), `${file}: ${c.name}`);
  }
  assert.equal(part.rows, full.rows, file);
  for (let r = -1; r <= full.rows; r++) assert.equal(part.lineOfRow(r), full.lineOfRow(r), `${file}: line of row ${r}`);
  assert.equal(part.format, full.format);
  assert.equal(part.technique, full.technique);
  assert.deepEqual(part.meta, full.meta);
  const skipped = full.columns.filter((c) => !wanted.includes(c)).map((c) => c.name);
  assert.deepEqual(part.problems, full.problems.filter((p) => !names(p, skipped)), file);
  assert.deepEqual(columnsOfFile(part).map((c) => [c.name, c.kind]), full.columns.map((c) => [c.name, c.kind]));
  return { full, part };
}

describe('reading only the kinds asked for', () => {
  it('EC-Lab GCPL, 16 columns, decimal commas: the 6 a cycling run reads are the full read\'s, the other 10 are not in the table', async () => {
    const p = tmpFile('wide.mpt');
    const w = writeMptGcpl(p, 3000, { wide: true, decimalComma: true, latin1: true });
    const { full, part } = await sameAsFull(p, [...PROTOCOL_KINDS.cycling]);
    assert.equal(full.columns.length, 16);
    // The trace, the instrument's cycle and half cycle, and its capacity counter (Q charge/discharge).
    assert.deepEqual(part.columns.map((c) => c.name), ['time/s', 'Ewe/V', 'I/mA', 'half cycle', 'Q charge/discharge/mA.h', 'cycle number']);
    assert.deepEqual(part.fileColumns!.map((c) => c.name), WIDE_GCPL_COLUMNS);
    assert.equal(part.columns[0].values[2999], w.row(2999).time);
    assert.deepEqual(part.problems, []);
  });

  it('a cut last row is skipped with the same problem', async () => {
    const p = tmpFile('wide-cut.mpt');
    writeMptGcpl(p, 500, { wide: true, truncateLast: true });
    const { part } = await sameAsFull(p, ['time', 'voltage', 'current']);
    assert.equal(part.rows, 499);
    assert.match(part.problems[0].message, /only \d+ of 16 values, the row is cut short/);
  });

  it('irregular rows: whether a row is data does not depend on which columns are read', async () => {
    const p = tmpFile('irregular.csv');
    writeText(p, [
      'time/s,Ewe/V,I/mA,Temperature/°C,Note',
      '0,3.30,0.5,25.0,a',
      '10,3.31,0.5,x25,b', // text in a column not read
      '20,3.3O,0.5,25.2,c', // text in a column read
      '30,,0.5,,d',
      '40,3.34,0.5,NaN,e',
      'time/s,Ewe/V,I/mA,Temperature/°C,Note', // a repeated header: not a data row
      '',
      ',,,25.5,f', // only a cell not read holds a number: kept, with NaN where read
      '50,3.35,0.5,25.6,g,extra',
      '60,3.36', // cut short
      '70,3.37,0.5,inf,h',
      '80,3.38,0.5,0:01:30,i',
    ]);
    const { full, part } = await sameAsFull(p, ['time', 'voltage', 'current']);
    assert.equal(full.rows, 9);
    assert.ok(full.problems.some((x) => /'x25' is not a number/.test(x.message)));
    assert.ok(!part.problems.some((x) => /x25|Temperature\/°C'/.test(x.message)));
    assert.ok(part.problems.some((x) => /'3\.3O' is not a number/.test(x.message)));
    assert.ok(part.problems.some((x) => /only 2 of 5 values/.test(x.message)));
    assert.ok(part.problems.some((x) => /not a data row/.test(x.message)));
    // No column of the kinds asked for: no table columns, but the same rows.
    const none = await sameAsFull(p, ['frequency']);
    assert.deepEqual(none.part.columns, []);
  });

  it('quoted CSV (csv-parse), blank-separated columns, semicolons with decimal commas, UTF-16', async () => {
    const quoted = tmpFile('quoted.csv');
    writeText(quoted, ['"Time (s)","Voltage (V)","Current (mA)","Note"', '0,3.30,0.1,"start, rest"', '10,3.31,0.1,"two', 'lines"', '20,3.32,0.1,""']);
    await sameAsFull(quoted, ['voltage']);
    const blanks = tmpFile('blanks.txt');
    writeText(blanks, ['time/s   Ewe/V   I/mA   T/°C', '0   3.30  0.5  25', '10  3.31  0.5  x', '20  3.32  0.5  26']);
    await sameAsFull(blanks, ['time', 'current']);
    const de = tmpFile('de.csv');
    writeText(de, ['Zeit [s];Spannung [V];Strom [mA];Temperatur [°C]', '0;3,3011;0,000;25,0', '1,5;3,4102;0,500;x', '3;3,4777;0,500;25,3'], { eol: '\r\n', encoding: 'latin1' });
    await sameAsFull(de, ['voltage', 'time']);
    const utf16 = tmpFile('utf16.txt');
    writeText(utf16, ['Time (s)\tVoltage (V)\tCurrent (mA)\tRemark', '0\t3,25\t1\tµ-Zelle', '10\t3,5\t1\tµ', '20\t3,75\t-1\t°C'], { encoding: 'utf16le', bom: true, eol: '\r\n' });
    await sameAsFull(utf16, ['voltage']);
  });

  it('an unsigned current keeps the state column it is signed by (Maccor)', async () => {
    const p = tmpFile('maccor.txt');
    writeText(p, [
      "Today's Date 01/15/2025  Date of Test:\t01/15/2025\t Filename:\tC:\\Data\\EX-1.001 Procedure: cc 2.0-4.8V\tComment/Barcode: cell 7",
      'Rec#\tCyc#\tStep\tTest (Min)\tStep (Min)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time',
      '1\t0\t1\t0.0000\t0.0000\t0.0000000000\t0.0000000000\t0.0000000000\t2.31400000\tR\t0\t11:49:32',
      '2\t0\t3\t1.0000\t1.0000\t0.0000101667\t0.0000243187\t0.0006100000\t2.46700000\tC\t5\t11:50:32',
      '3\t0\t4\t2.0000\t1.0000\t0.0000101667\t0.0000243187\t0.0006100000\t2.71700000\tD\t5\t11:51:32',
    ], { eol: '\r\n' });
    const { part } = await sameAsFull(p, ['time', 'current'], ['State']);
    assert.deepEqual(Array.from(part.columns.find((c) => c.kind === 'current')!.values), [0, 0.00061, -0.00061]);
    assert.match(part.meta.currentSign, /state column/);
  });

  it('every text fixture, read for the DC and impedance kinds (the ZPlot and Gamry readers read every column)', async () => {
    for (const name of fs.readdirSync(FIXTURES)) {
      const file = path.join(FIXTURES, name);
      if (name.endsWith('.md') || fs.readFileSync(file).includes(0)) continue;
      const full = await readDataFile(file);
      if (full.format === 'zplot' || full.format === 'gamry') {
        const part = await readDataFile(file, { kinds: DC_AND_SPECTRUM });
        assert.deepEqual(part.columns.map((c) => [c.name, Array.from(c.values)]), full.columns.map((c) => [c.name, Array.from(c.values)]), name);
      } else {
        // Cyclers with unsigned current (Maccor State, Neware Step Type) also keep the state column that signs it.
        const signing = ['maccor', 'neware', 'land'].includes(full.format) ? full.columns.filter(isStateColumn).map((c) => c.name) : [];
        await sameAsFull(file, DC_AND_SPECTRUM, signing);
      }
    }
  });

  it('without kinds every column is read and the table has no separate list of the file\'s columns', async () => {
    const p = tmpFile('all.mpt');
    writeMptGcpl(p, 10, { wide: true });
    const t = await readDataFile(p);
    assert.equal(t.columns.length, 16);
    assert.equal(t.fileColumns, undefined);
    assert.equal(columnsOfFile(t), t.columns);
  });

  it('requireColumns names every column of the file, and sees impedance columns that were not read', async () => {
    const p = tmpFile('names.mpt');
    const w = writeMptGcpl(p, 10, { wide: true });
    const t = await readDataFile(p, { kinds: ['time', 'voltage', 'current'] });
    let e: unknown;
    try { requireColumns(t, ['frequency'], 'the EIS fit'); } catch (x) { e = x; }
    assert.ok(e instanceof DataError);
    assert.equal(e.line, w.columnLine);
    assert.match(e.message, new RegExp(`have no such column: ${WIDE_GCPL_COLUMNS.join(', ').replace(/[()/.]/g, '\\$&')}$`));
    const eis = await readDataFile(path.join(FIXTURES, 'exampleDataBioLogic.mpt'), { kinds: ['time', 'voltage', 'current'] });
    assert.ok(!eis.columns.some((c) => c.kind === 'frequency'));
    assert.throws(() => requireColumns(eis, ['time', 'voltage', 'current'], 'cycling analysis', ['frequency']), /holds impedance \(EIS\) data \('freq\/Hz' at line 61\)/);
  });
});

describe('the kinds each protocol reads', () => {
  it('every protocol with a handler says which kinds it reads, DC and impedance alike', () => {
    for (const type of Object.keys(PROTOCOL_HANDLERS)) {
      const kinds = kindsToRead(type);
      assert.ok(kinds, type);
      for (const k of DC_AND_SPECTRUM) assert.ok(kinds.includes(k), `${type} reads ${k}`);
    }
    assert.equal(kindsToRead('no-such-type'), undefined);
    assert.equal(kindsToRead('constructor'), undefined);
  });

  it('the table cache keeps a table per set of kinds', async () => {
    const p = tmpFile('cached.mpt');
    writeMptGcpl(p, 50, { wide: true });
    const job = (type: string) => ({ protocol: { type } }) as RunJob;
    const signal = new AbortController().signal;
    const cycling = (await readCached(p, job('cycling'), signal)).table;
    const eis = (await readCached(p, job('eis'), signal)).table;
    assert.ok(cycling.columns.some((c) => c.kind === 'cycle'));
    assert.ok(!eis.columns.some((c) => c.kind === 'cycle'));
    assert.equal((await readCached(p, job('rate'), signal)).table, cycling);
    assert.equal((await readCached(p, job('strip'), signal)).table, eis);
  });
});

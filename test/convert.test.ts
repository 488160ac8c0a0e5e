// cellspec convert, run as a user runs it (a separate process on files on disk): the Battery Data
// Format's column names, values against the readers' columns and arithmetic done here (mA/1000,
// the running total of a per-step counter), the Parquet form read back with hyparquet, folders,
// refusals, a broken file in a batch; and the mapping itself on small tables.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bdfTable } from '../server/convert/bdf';
import { readDataFile } from '../server/readers';
import { Column, ColumnKind, DataTable } from '../server/readers/types';
import { writeBinary, writeMptGcpl } from './helpers/dataFiles';
import { fixture, float32Close, readParquetReference } from './helpers/references';

const CLI = path.resolve('bin/cellspec');
const EIS_MPT = 'exampleDataBioLogic.mpt';
const NDAX = 'newarenda_TESTCELL0001-Test_Data_Collection_Ndc17.ndax';
const MPR = 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr';

function run(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [CLI, 'convert', ...args], { cwd, encoding: 'utf8', timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-convert-'));

/** A CSV the converter wrote (no quoted cells in these files): column name -> values, '' as NaN. */
function parseCsv(text: string): { header: string[]; columns: Record<string, string[]> } {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = lines[0].split(',');
  const columns: Record<string, string[]> = Object.fromEntries(header.map((h) => [h, [] as string[]]));
  for (const line of lines.slice(1)) line.split(',').forEach((cell, i) => columns[header[i]].push(cell));
  return { header, columns };
}

const num = (s: string): number => (s === '' ? NaN : Number(s));

function kindOf(t: DataTable, k: ColumnKind): Column {
  const c = t.columns.find((x) => x.kind === k);
  assert.ok(c, `no ${k} column in ${t.file}`);
  return c;
}

function close(a: number, b: number, rel = 1e-12): boolean {
  return (a !== a && b !== b) || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/** The running total of a counter that restarts (what charging_capacity_ah must be), summed here independently. */
function runningTotal(v: Float64Array): number[] {
  const out: number[] = [];
  let total = 0, last = 0;
  for (const x of v) {
    total += x >= last ? x - last : x;
    last = x;
    out.push(total);
  }
  return out;
}

describe('cellspec convert', function () {
  this.timeout(60000);

  it('writes an EC-Lab EIS .mpt as a BDF table on standard output', async () => {
    const r = run([fixture(EIS_MPT)]);
    assert.equal(r.status, 0, r.out);
    const { header, columns } = parseCsv(r.stdout);
    assert.deepEqual(header.slice(0, 9), ['test_time_second', 'voltage_volt', 'current_ampere', 'cycle_count', 'frequency_hertz',
      'real_impedance_ohm', 'imaginary_impedance_ohm', 'absolute_impedance_ohm', 'phase_degree']);
    // The instrument's other columns follow, named as EC-Lab names them.
    assert.ok(header.includes('Cs/µF') && header.includes('|Ewe|/V'), header.join(','));
    // Independently of our reader: the numbers as the file writes them (tab-separated after the header block).
    const text = fs.readFileSync(fixture(EIS_MPT), 'latin1').split(/\r?\n/);
    const at = text.findIndex((l) => l.startsWith('freq/Hz'));
    const names = text[at].split('\t');
    const rows = text.slice(at + 1).filter((l) => l.trim()).map((l) => l.split('\t').map(Number));
    const col = (n: string) => rows.map((x) => x[names.indexOf(n)]);
    assert.equal(columns.frequency_hertz.length, rows.length);
    col('freq/Hz').forEach((f, i) => assert.equal(num(columns.frequency_hertz[i]), f));
    col('-Im(Z)/Ohm').forEach((z, i) => assert.equal(num(columns.imaginary_impedance_ohm[i]), -z, 'Im(Z), the sign of the impedance itself'));
    col('<I>/mA').forEach((mA, i) => assert.ok(close(num(columns.current_ampere[i]), mA / 1000), `${columns.current_ampere[i]} A vs ${mA} mA`));
    // Converted values carry the source's digits, not the conversion's noise.
    assert.equal(columns.current_ampere[2], '-0.000043362688');
  });

  it('writes a synthetic GCPL .mpt: A = mA/1000, times and voltages as written', () => {
    const dir = tempDir();
    const file = path.join(dir, 'gcpl.mpt');
    const written = writeMptGcpl(file, 2000);
    const r = run([file, '-o', path.join(dir, 'gcpl.csv')]);
    assert.equal(r.status, 0, r.out);
    const { header, columns } = parseCsv(fs.readFileSync(path.join(dir, 'gcpl.csv'), 'utf8'));
    assert.deepEqual(header, ['test_time_second', 'voltage_volt', 'current_ampere', 'cycle_count']);
    for (const i of [0, 1, 359, 360, 1999]) {
      const w = written.row(i);
      assert.equal(num(columns.test_time_second[i]), w.time);
      assert.equal(num(columns.voltage_volt[i]), w.ewe);
      assert.equal(columns.current_ampere[i], String(w.iMa / 1000));
      assert.equal(num(columns.cycle_count[i]), w.cycle);
    }
  });

  it('writes a Neware .ndax: step columns, labels, and the cumulative capacity of a per-step counter', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'cell.csv');
    const r = run([fixture(NDAX), '-o', out]);
    assert.equal(r.status, 0, r.out);
    const t = await readDataFile(fixture(NDAX));
    const { header, columns } = parseCsv(fs.readFileSync(out, 'utf8'));
    for (const name of ['test_time_second', 'unix_time_second', 'step_time_second', 'voltage_volt', 'current_ampere', 'cycle_count',
      'step_count', 'step_id', 'record_index', 'step_type', 'charging_capacity_ah', 'discharging_capacity_ah', 'surface_temperature_celsius']) {
      assert.ok(header.includes(name), `${name} missing from ${header.join(',')}`);
    }
    assert.equal(columns.voltage_volt.length, t.rows);
    const current = kindOf(t, 'current').values, qc = kindOf(t, 'chargeCapacity').values;
    const qcAh = runningTotal(qc).map((c) => c / 3600);
    const qcMah = Array.from(qc, (c) => c / 3.6);
    for (let i = 0; i < t.rows; i++) {
      assert.ok(float32Close(num(columns.current_ampere[i]), current[i]), `row ${i}: ${columns.current_ampere[i]} vs ${current[i]} A`);
      assert.ok(close(num(columns.charging_capacity_ah[i]), qcAh[i], 1e-6), `row ${i}: ${columns.charging_capacity_ah[i]} vs ${qcAh[i]} Ah`);
      // The instrument's own counter stays, in its unit (mAh = Ah·1000).
      assert.ok(close(num(columns['Charge_Capacity/mAh'][i]), qcMah[i], 1e-6));
      assert.ok(['Rest', 'CC_Chg', 'CC_DChg'].includes(columns.step_type[i]), columns.step_type[i]);
    }
    // The counter restarts; the BDF term never falls.
    assert.ok(qc.some((x, i) => i > 0 && x < qc[i - 1]));
    assert.ok(columns.charging_capacity_ah.every((x, i) => i === 0 || num(x) >= num(columns.charging_capacity_ah[i - 1])));
    const kelvin = kindOf(t, 'temperature').values[0];
    assert.ok(close(num(columns.surface_temperature_celsius[0]), kelvin - 273.15, 1e-6));
  });

  it('writes Parquet that reads back with the same values as the CSV', async () => {
    const dir = tempDir();
    for (const name of [NDAX, MPR]) {
      const csv = path.join(dir, `${name}.csv`), pq = path.join(dir, `${name}.parquet`);
      assert.equal(run([fixture(name), '-o', csv]).status, 0);
      const r = run(['--parquet', fixture(name), '-o', pq]);
      assert.equal(r.status, 0, r.out);
      const back = await readParquetReference(pq);
      const { header, columns } = parseCsv(fs.readFileSync(csv, 'utf8'));
      assert.deepEqual(Object.keys(back.columns), header);
      assert.equal(back.rows, columns[header[0]].length);
      for (const h of header) {
        const isText = h === 'step_type';
        back.columns[h].forEach((v, i) => {
          const expected = isText ? columns[h][i] : num(columns[h][i]);
          if (v === null) assert.ok(expected !== expected || expected === '', `${name} ${h} row ${i}: null vs ${columns[h][i]}`);
          else assert.equal(v, expected, `${name} ${h} row ${i}`);
        });
      }
    }
    // The reader's voltages, within the instrument's float32.
    const t = await readDataFile(fixture(MPR));
    const back = await readParquetReference(path.join(dir, `${MPR}.parquet`));
    kindOf(t, 'voltage').values.forEach((v, i) => assert.ok(float32Close(back.columns.voltage_volt[i] as number, v)));
  });

  it('converts a folder into a folder, subfolders kept, other files left alone', () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(path.join(data, 'cell2'), { recursive: true });
    fs.copyFileSync(fixture(EIS_MPT), path.join(data, 'eis.mpt'));
    fs.copyFileSync(fixture(NDAX), path.join(data, 'cell2', 'cycling.ndax'));
    fs.writeFileSync(path.join(data, 'README.md'), 'notes\n');
    const r = run(['-o', 'archive', 'data'], dir);
    assert.equal(r.status, 0, r.out);
    assert.ok(fs.existsSync(path.join(dir, 'archive', 'eis.mpt.csv')));
    assert.ok(fs.existsSync(path.join(dir, 'archive', 'cell2', 'cycling.ndax.csv')));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'archive')).sort(), ['cell2', 'eis.mpt.csv']);
    assert.match(r.out, /2 files converted/);
    // Again with the pool of one and of two workers: the same files and lines.
    const one = run(['--jobs', '1', '--json', '-o', 'a1', 'data'], dir), two = run(['--jobs', '2', '--json', '-o', 'a2', 'data'], dir);
    assert.equal(one.stdout.replace(/a1/g, 'a2'), two.stdout);
    assert.equal(fs.readFileSync(path.join(dir, 'a1', 'eis.mpt.csv'), 'utf8'), fs.readFileSync(path.join(dir, 'archive', 'eis.mpt.csv'), 'utf8'));
    const lines = two.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; input: string; rows: number });
    assert.deepEqual(lines.map((l) => [l.ok, path.basename(l.input)]), [[true, 'cycling.ndax'], [true, 'eis.mpt']]);
  });

  it('refuses to overwrite an input', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.mpt');
    fs.copyFileSync(fixture(EIS_MPT), file);
    const before = fs.readFileSync(file);
    const r = run([file, '-o', file]);
    assert.equal(r.status, 2, r.out);
    assert.match(r.out, /refusing to write .*x\.mpt: it is an input/);
    assert.deepEqual(fs.readFileSync(file), before);
    // A folder converted into itself: x.mpt's output would be the input x.mpt.csv.
    fs.writeFileSync(path.join(dir, 'x.mpt.csv'), 'test_time_second,voltage_volt\n0,1\n1,2\n2,3\n');
    const again = run(['-o', dir, dir]);
    assert.equal(again.status, 2, again.out);
    assert.match(again.out, /x\.mpt: error: refusing to write .*x\.mpt\.csv: it is an input/);
    assert.equal(fs.readFileSync(path.join(dir, 'x.mpt.csv'), 'utf8'), 'test_time_second,voltage_volt\n0,1\n1,2\n2,3\n');
  });

  it('names a broken file in a batch, converts the others, exits 2', () => {
    const dir = tempDir();
    fs.copyFileSync(fixture(EIS_MPT), path.join(dir, 'good.mpt'));
    writeBinary(path.join(dir, 'broken.mpr'), 4000);
    const r = run(['-o', path.join(dir, 'out'), path.join(dir, 'good.mpt'), path.join(dir, 'broken.mpr')]);
    assert.equal(r.status, 2, r.out);
    assert.match(r.out, /broken\.mpr:\d+: error: /);
    assert.ok(fs.existsSync(path.join(dir, 'out', 'good.mpt.csv')));
    assert.ok(!fs.existsSync(path.join(dir, 'out', 'broken.mpr.csv')));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), ['good.mpt.csv'], 'no temporary file left behind');
  });

  it('refuses what it cannot do with a usage error (exit 2)', () => {
    const dir = tempDir();
    fs.copyFileSync(fixture(EIS_MPT), path.join(dir, 'a.mpt'));
    fs.copyFileSync(fixture(EIS_MPT), path.join(dir, 'b.mpt'));
    assert.match(run(['a.mpt', 'b.mpt'], dir).out, /several inputs .*-o FOLDER/);
    assert.match(run(['--parquet', 'a.mpt'], dir).out, /--parquet writes binary files/);
    assert.match(run(['--format', 'excel', 'a.mpt'], dir).out, /--format excel: not a format/);
    assert.equal(run(['no-such.mpt'], dir).status, 2);
    assert.equal(run([], dir).status, 2);
    assert.equal(fs.readdirSync(dir).sort().join(','), 'a.mpt,b.mpt');
  });

  it('writes files every run can read again: the readers know the BDF names', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'gcpl.mpr.csv');
    assert.equal(run([fixture(MPR), '-o', out]).status, 0);
    const original = await readDataFile(fixture(MPR)), again = await readDataFile(out);
    assert.equal(again.rows, original.rows);
    for (const k of ['time', 'voltage', 'current', 'cycle', 'step'] as ColumnKind[]) {
      const a = kindOf(original, k).values, b = kindOf(again, k).values;
      a.forEach((v, i) => assert.ok(float32Close(b[i], v), `${k} row ${i}: ${b[i]} vs ${v}`));
    }
  });
});

describe('BDF mapping', () => {
  const table = (columns: Partial<Column>[], format: DataTable['format'] = 'csv'): DataTable => {
    const cols = columns.map((c) => ({ name: c.name ?? c.kind!, kind: c.kind ?? 'other', sourceUnit: c.sourceUnit ?? '', values: c.values ?? new Float64Array(), labels: c.labels }));
    return { file: 'x', format, rows: cols[0].values.length, columns: cols, lineOfRow: (i) => i + 1, meta: {}, problems: [] };
  };
  const f = (...v: number[]) => Float64Array.from(v);

  it('converts K to °C and C to Ah without the conversion\'s noise', () => {
    const t = bdfTable(table([
      { kind: 'time', values: f(0, 1, 2) },
      { name: 'T/°C', kind: 'temperature', sourceUnit: '°C', values: f(25.3 + 273.15, 26.1 + 273.15, 30 + 273.15) },
      { name: 'Q discharge/mA.h', kind: 'dischargeCapacity', sourceUnit: 'mA.h', values: f(0, 1.234 * 3.6, 2.5 * 3.6) },
    ]));
    const byName = Object.fromEntries(t.columns.map((c) => [c.name, Array.from(c.values)]));
    assert.deepEqual(byName.surface_temperature_celsius, [25.3, 26.1, 30]);
    assert.deepEqual(byName.discharging_capacity_ah, [0, 0.001234, 0.0025]);
  });

  it('does not call a counter that falls within a step cumulative, nor a falling cycle a cycle_count', () => {
    const t = bdfTable(table([
      { kind: 'time', values: f(0, 1, 2, 3) },
      { kind: 'step', name: 'Ns', values: f(1, 1, 1, 1) },
      { kind: 'cycle', name: 'cycle number', values: f(1, 2, 2, 1) },
      { kind: 'chargeCapacity', name: 'Q charge', sourceUnit: 'A.s', values: f(0, 5, 3, 6) },
    ]));
    const names = t.columns.map((c) => c.name);
    assert.ok(!names.includes('charging_capacity_ah') && names.includes('Q charge/A.s'), names.join(','));
    assert.ok(!names.includes('cycle_count') && names.includes('cycle number'), names.join(','));
    assert.equal(t.notes.length, 2, t.notes.join('\n'));
  });

  it('accumulates a counter that restarts at step changes, and keeps the counter', () => {
    const t = bdfTable(table([
      { kind: 'time', values: f(0, 1, 2, 3, 4) },
      { kind: 'step', name: 'Step_Index', values: f(1, 1, 2, 3, 3) },
      { kind: 'chargeCapacity', name: 'Charge_Capacity', sourceUnit: 'Ah', values: f(0, 3600, 0, 1800, 3600) },
    ], 'arbin'));
    const q = t.columns.find((c) => c.name === 'charging_capacity_ah')!;
    assert.deepEqual(Array.from(q.values), [0, 1, 1, 1.5, 2]);
    assert.deepEqual(Array.from(t.columns.find((c) => c.name === 'Charge_Capacity/Ah')!.values), [0, 1, 0, 0.5, 1]);
    assert.ok(!t.columns.some((c) => c.name === 'step_count'), 'only Neware numbers its steps in order');
  });

  it('leaves out the instrument columns when asked', () => {
    const t = bdfTable(table([{ kind: 'time', values: f(0, 1) }, { name: 'Ece/V', sourceUnit: 'V', values: f(0.1, 0.2) }]), { instrumentColumns: false });
    assert.deepEqual(t.columns.map((c) => c.name), ['test_time_second']);
  });
});

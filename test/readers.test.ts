import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { classifyColumn, splitNameUnit } from '../server/readers/columns';
import { DataError, DataTable, ReadOptions, column, describeDataError, readDataFile, requireColumns } from '../server/readers/index';
import { parseDateTime, parseDuration, parseNumber } from '../server/readers/text';
import { GCPL_COLUMNS, ecLabNumber, landRow, writeBinary, writeLandXlsx, writeMptGcpl, writeText, writeWorkbook } from './helpers/dataFiles';
import { spectrum } from './helpers/traces';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const fixture = (name: string): string => path.join(FIXTURES, name);

let tmp = '';
const tmpFile = (name: string): string => path.join(tmp, name);

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-readers-'));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function col(t: DataTable, kind: Parameters<typeof column>[1]) {
  const c = column(t, kind);
  assert.ok(c, `no ${kind} column in ${t.file} (columns: ${t.columns.map((x) => `${x.name}:${x.kind}`).join(', ')})`);
  return c;
}

function close(actual: number, expected: number, rel = 1e-12, what = ''): void {
  const tol = Math.max(Math.abs(expected) * rel, 1e-300);
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≠ ${expected}`);
}

/** Reading must fail with a DataError; returns it for further checks. */
async function dataError(file: string, options?: ReadOptions): Promise<DataError> {
  try {
    await readDataFile(file, options);
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.equal(typeof e.line, 'number');
    return e;
  }
  assert.fail(`reading ${file} should have failed`);
}

function thrown(f: () => void): DataError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DataError');
}

describe('readers: number and time parsing', () => {
  const num = (s: string, comma = false) => parseNumber(s, 0, s.length, comma);

  it('parses plain, exponent and EC-Lab numbers exactly as Number does', () => {
    for (const s of ['0', '-0.5', '+3.25', '1.000000000000000E+000', '7.836904905780102E-001', '-2.8677555E-004', '1e5', '.5', '5.', '3.600000000000000E+003', '123456789012345678901', '1e-310', '2.5e308']) {
      assert.equal(num(s), Number(s), s);
    }
  });

  it('agrees with Number on many random values (correct rounding)', () => {
    let x = 42;
    const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 20000; i++) {
      const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      for (const s of [String(v), v.toExponential(7), v.toExponential(15), v.toFixed(6), ecLabNumber(v, 9)]) {
        assert.equal(num(s), Number(s), s);
      }
    }
  });

  it('accepts a decimal comma only when asked (tab- or ;-separated locale exports)', () => {
    assert.equal(num('3,301', true), 3.301);
    assert.equal(num('-1,5E-003', true), -1.5e-3);
    assert.ok(Number.isNaN(num('3,301', false)));
  });

  it('returns NaN for junk, so the caller can name line and column', () => {
    for (const s of ['', '  ', 'abc', '1.2.3', '1e', '1e+', '--1', '12abc', '0x10', 'NaN', '1,2,3']) assert.ok(Number.isNaN(num(s, true)), s);
    assert.equal(parseNumber('ab\t12.5\tcd', 3, 7, false), 12.5);
    assert.equal(num('  42  '), 42);
  });

  it('reads h:m:s durations and date-times', () => {
    assert.equal(parseDuration('0:00:10.000', false), 10);
    assert.equal(parseDuration('125:03:04', false), 125 * 3600 + 184);
    assert.equal(parseDuration('1-02:03:04', false), 86400 + 7384);
    assert.equal(parseDuration('2d 01:00:00', false), 2 * 86400 + 3600);
    assert.equal(parseDuration('00:01:02,5', true), 62.5);
    assert.ok(Number.isNaN(parseDuration('ten seconds', false)));
    assert.equal(parseDateTime('2024-03-14 10:00:30') - parseDateTime('2024-03-14 09:30:00'), 1830);
    assert.equal(parseDateTime('2024/3/15 0:00:00') - parseDateTime('2024/3/14 23:59:59'), 1);
    assert.equal(parseDateTime('03/14/2024 10:00:00') - parseDateTime('14.03.2024 09:00:00'), 3600);
  });
});

describe('readers: column names', () => {
  const spec = (h: string) => classifyColumn(h);

  it('maps EC-Lab names to kinds and SI factors', () => {
    const cases: [string, string, number][] = [
      ['time/s', 'time', 1], ['Ewe/V', 'voltage', 1], ['<Ewe>/V', 'voltage', 1], ['Ecell/V', 'voltage', 1],
      ['I/mA', 'current', 1e-3], ['<I>/mA', 'current', 1e-3], ['control/V/mA', 'other', 1],
      ['Q charge/discharge/mA.h', 'charge', 3.6], ['(Q-Qo)/mA.h', 'charge', 3.6], ['Q discharge/mA.h', 'dischargeCapacity', 3.6],
      ['cycle number', 'cycle', 1], ['Ns', 'step', 1], ['freq/Hz', 'frequency', 1], ['Re(Z)/Ohm', 'zReal', 1],
      ['-Im(Z)/Ohm', 'zImag', -1], ['|Z|/Ohm', 'other', 1], ['|Ewe|/V', 'other', 1], ['Cs/µF', 'other', 1], ['dq/mA.h', 'other', 1],
      ['Ece/V', 'other', 1], ['half cycle', 'halfCycle', 1], ['ox/red', 'other', 1],
    ];
    for (const [h, kind, factor] of cases) {
      const s = spec(h);
      assert.equal(s.kind, kind, h);
      close(s.factor, factor, 1e-12, h);
    }
    assert.equal(spec('-Im(Z)/Ohm').flipSign, true);
    assert.equal(spec('Q charge/discharge/mA.h').sourceUnit, 'mA.h');
  });

  it('reads units in brackets, slashes and words, and converts to SI', () => {
    const cases: [string, string, number, number?][] = [
      ['Voltage (V)', 'voltage', 1], ['Current (mA)', 'current', 1e-3], ['Time (h)', 'time', 3600], ['Capacity (mAh)', 'charge', 3.6],
      ['Zeit [min]', 'time', 60], ['Strom [µA]', 'current', 1e-6], ['Freq (kHz)', 'frequency', 1e3], ['Z\' (kOhm)', 'zReal', 1e3],
      ['Temperature (°C)', 'temperature', 1, 273.15], ['Temperature(C)', 'temperature', 1, 273.15], ['T/K', 'time', NaN],
      ['Test_Time(s)', 'time', 1], ['Current(A)', 'current', 1], ['Charge_Capacity(Ah)', 'chargeCapacity', 3600],
      ['电压/V', 'voltage', 1], ['电流/mA', 'current', 1e-3], ['容量/mAh', 'charge', 3.6], ['循环号', 'cycle', 1],
      ['Amp-hr', 'charge', 3600], ['Amps', 'current', 1], ['Test (Min)', 'time', 60], ['Step (Sec)', 'stepTime', 1],
      ['SpeCap/mAh/g', 'other', 1], ['Capacitance_DChg(mAh)', 'dischargeCapacity', 3.6], ['dV/dt', 'other', 1],
    ];
    for (const [h, kind, factor, offset] of cases) {
      const s = spec(h);
      if (Number.isNaN(factor)) { assert.notEqual(s.kind, 'temperature', h); continue; }
      assert.equal(s.kind, kind, h);
      close(s.factor, factor, 1e-12, h);
      if (offset !== undefined) assert.equal(s.offset, offset, h);
    }
    assert.deepEqual(splitNameUnit("Z'(a)"), { name: "Z'(a)", unit: '' });
    assert.deepEqual(splitNameUnit('SpeCap/mAh/g'), { name: 'SpeCap', unit: 'mAh/g' });
    assert.equal(spec('绝对时间').parse, 'datetime');
    assert.equal(spec('相对时间(h:min:s.ms)').parse, 'duration');
  });
});

describe('readers: real instrument files', () => {
  it('BioLogic EC-Lab PEIS .mpt (Latin-1, 61 header lines, trailing tab)', async () => {
    const t = await readDataFile(fixture('exampleDataBioLogic.mpt'));
    assert.equal(t.format, 'biologic-mpt');
    assert.equal(t.technique, 'PEIS');
    assert.equal(t.rows, 43);
    assert.equal(t.meta['Electrode surface area'], '0.001 cm²');
    assert.equal(t.meta['Characteristic mass'], '0.001 g');
    assert.equal(t.meta['Acquisition started on'], '02/04/2018 10:02:46');
    assert.equal(t.meta.encoding, 'windows-1252');
    assert.equal(t.meta.columnLine, '61');
    assert.equal(t.columns.length, 18);
    assert.ok(t.columns.some((c) => c.name === 'Cs/µF'));
    const f = col(t, 'frequency'), re = col(t, 'zReal'), im = col(t, 'zImag');
    assert.equal(f.name, 'freq/Hz');
    assert.equal(f.values[0], 1000.3201);
    assert.equal(f.values[42], 0.01689554);
    assert.equal(re.values[0], 65.470886);
    assert.equal(im.name, '-Im(Z)/Ohm');
    assert.equal(im.values[0], -0.38998979); // "-Im(Z)" flipped to Im(Z)
    assert.equal(im.values[42], -2.3458567);
    close(col(t, 'current').values[0], -4.8041187e-5, 1e-12, 'current in A');
    assert.equal(col(t, 'current').name, '<I>/mA');
    assert.equal(col(t, 'voltage').name, '<Ewe>/V');
    assert.equal(col(t, 'time').values[42], 288.5022309564229);
    assert.equal(col(t, 'cycle').values[0], 1);
    assert.equal(t.lineOfRow(0), 62);
    assert.equal(t.lineOfRow(42), 104);
    assert.deepEqual(t.problems, []);
    requireColumns(t, ['frequency', 'zReal', 'zImag'], 'the EIS fit');
  });

  it('the .mpt without freq/Hz is rejected for EIS with a message naming line and columns', async () => {
    const t = await readDataFile(fixture('exampleDataBioLogic_MissingFreq.mpt'));
    assert.equal(t.rows, 43);
    assert.equal(column(t, 'frequency'), undefined);
    // 18 values under 17 names: the reader says the columns may be misaligned.
    const mis = t.problems.find((p) => /18 values but line 61 names 17 columns/.test(p.message));
    assert.ok(mis, JSON.stringify(t.problems));
    assert.equal(mis.line, 62);
    const e = thrown(() => requireColumns(t, ['frequency', 'zReal', 'zImag'], 'the EIS fit'));
    assert.equal(e.line, 61);
    assert.equal(e.file, fixture('exampleDataBioLogic_MissingFreq.mpt'));
    assert.match(e.message, /the EIS fit needs frequency \(e\.g\. freq\/Hz\)/);
    assert.match(e.message, /line 61/);
    assert.match(e.message, /Re\(Z\)\/Ohm, -Im\(Z\)\/Ohm/);
    assert.match(describeDataError(e), /exampleDataBioLogic_MissingFreq\.mpt:61: /);
  });

  it('Arbin CSV (CRLF; bare names in s, A, V, Ah, °C)', async () => {
    const t = await readDataFile(fixture('arbin_FastCharge_000025_CH8.csv'));
    assert.equal(t.format, 'arbin');
    assert.equal(t.rows, 248);
    const time = col(t, 'time');
    assert.equal(time.name, 'Test_Time');
    assert.equal(time.values[0], 10.0024);
    assert.equal(time.values[247], 1800.0104);
    assert.equal(col(t, 'voltage').values[0], 3.3011441);
    assert.equal(col(t, 'voltage').values[247], 3.3009677);
    assert.equal(col(t, 'current').values[0], 0);
    assert.equal(col(t, 'chargeCapacity').name, 'Charge_Capacity');
    assert.equal(col(t, 'chargeCapacity').sourceUnit, 'Ah');
    assert.equal(col(t, 'dischargeCapacity').name, 'Discharge_Capacity');
    assert.equal(col(t, 'cycle').name, 'Cycle_Index');
    assert.equal(col(t, 'step').name, 'Step_Index');
    close(col(t, 'temperature').values[0], 30.109268 + 273.15, 1e-12, 'K');
    close(col(t, 'temperature').values[247], 28.995434 + 273.15, 1e-12, 'K');
    assert.equal(t.columns.find((c) => c.name === 'DateTime')?.kind, 'other'); // Test_Time wins
    assert.equal(t.lineOfRow(0), 2);
    assert.equal(t.lineOfRow(247), 249);
    assert.deepEqual(t.problems, []);
  });

  it('three-column EIS CSV without a header (f, Re, Im)', async () => {
    const t = await readDataFile(fixture('exampleData.csv'));
    assert.equal(t.format, 'eis-csv');
    assert.equal(t.rows, 66);
    assert.equal(col(t, 'frequency').values[0], 3.162299999999999833e-3);
    assert.equal(col(t, 'frequency').values[65], 1e4);
    assert.equal(col(t, 'zReal').values[0], 4.949989776405060160e-2);
    assert.equal(col(t, 'zImag').values[0], -2.043869854441892481e-2);
    assert.equal(Array.from(col(t, 'zImag').values).filter((v) => v <= 0).length, 57); // the peer test keeps 57
    assert.equal(t.lineOfRow(65), 66);
  });

  it('whitespace-separated EIS triples (pyDRTtools)', async () => {
    const t = await readDataFile(fixture('pyDRTtools_LIB_data.txt'));
    assert.equal(t.format, 'eis-csv');
    assert.equal(t.rows, 107);
    assert.equal(col(t, 'frequency').values[0], 999.040405);
    assert.equal(col(t, 'zReal').values[0], 0.112362966);
    assert.equal(col(t, 'zImag').values[0], 0.00318273902); // inductive at high frequency: positive
    assert.equal(col(t, 'zImag').values[106], -0.0137396762);
    assert.equal(col(t, 'frequency').values[106], 0.00500083202);
  });

  it('ZPlot .z', async () => {
    const t = await readDataFile(fixture('exampleDataZPlot.z'));
    assert.equal(t.format, 'zplot');
    assert.equal(t.technique, 'PEIS');
    assert.equal(t.rows, 21);
    assert.equal(t.meta.Date, '10-12-2018');
    assert.equal(t.meta['Experiment Type'], 'Sweep Frequency, Control Voltage');
    assert.equal(col(t, 'frequency').values[0], 3e5);
    assert.equal(col(t, 'frequency').values[20], 3e3);
    assert.equal(col(t, 'zReal').name, "Z'(a)");
    assert.equal(col(t, 'zReal').values[0], 147.77);
    assert.equal(col(t, 'zImag').values[0], -11.335);
    assert.equal(col(t, 'zImag').values[20], -137.13);
    assert.equal(col(t, 'time').values[20], 19.98);
    assert.equal(t.lineOfRow(0), 124);
  });

  it('Gamry .DTA: the ZCURVE table, with the units row', async () => {
    const t = await readDataFile(fixture('exampleDataGamry.DTA'));
    assert.equal(t.format, 'gamry');
    assert.equal(t.technique, 'EISPOT');
    assert.equal(t.meta.table, 'ZCURVE');
    assert.equal(t.meta.AREA, '1.00000E+000 cm^2');
    assert.equal(t.meta.DATE, '4/23/2018');
    assert.equal(t.rows, 72);
    assert.equal(col(t, 'frequency').values[0], 200015.6);
    assert.equal(col(t, 'frequency').values[71], 0.0158898);
    assert.equal(col(t, 'zReal').values[0], 825.8584);
    assert.equal(col(t, 'zImag').values[0], -1367.239);
    assert.equal(col(t, 'current').name, 'Idc');
    assert.equal(col(t, 'voltage').name, 'Vdc');
    assert.equal(t.columns.find((c) => c.name === 'Zphz')?.sourceUnit, '°');
    assert.equal(t.lineOfRow(0), 449);
    assert.equal(t.lineOfRow(71), 520);
  });

  it('Maccor AC-impedance export (CRLF, short rows, Polar(V) is not a voltage)', async () => {
    const t = await readDataFile(fixture('maccor_eis_4267-66-6519.EDA0001.041'));
    assert.equal(t.format, 'maccor');
    assert.equal(t.technique, 'EIS');
    assert.equal(t.rows, 60);
    assert.equal(t.meta['Start Date'], 'Wednesday, November 2, 2016');
    assert.equal(col(t, 'frequency').values[0], 999999);
    assert.equal(col(t, 'frequency').values[59], 1.25892);
    assert.equal(col(t, 'zReal').values[0], 0.773446);
    assert.equal(col(t, 'zImag').values[0], -0.849201);
    assert.equal(col(t, 'time').values[59], 347.1);
    assert.equal(t.columns.find((c) => c.name === 'Polar(V)')?.kind, 'other');
    assert.equal(col(t, 'voltage').name, 'V-DC');
    assert.equal(col(t, 'voltage').values[0], 3.909893);
    assert.equal(t.lineOfRow(0), 13);
    assert.deepEqual(t.problems, []);
  });

  it('detects by content, not by extension', async () => {
    const p = tmpFile('looks-like.csv');
    fs.copyFileSync(fixture('exampleDataBioLogic.mpt'), p);
    assert.equal((await readDataFile(p)).format, 'biologic-mpt');
    const q = tmpFile('impedance.mpt');
    fs.copyFileSync(fixture('exampleDataZPlot.z'), q);
    assert.equal((await readDataFile(q)).format, 'zplot');
  });
});

describe('readers: generated files', () => {
  it('EC-Lab GCPL with decimal commas, Latin-1 header and CRLF', async () => {
    const p = tmpFile('gcpl-fr.mpt');
    const w = writeMptGcpl(p, 2000, { decimalComma: true, latin1: true, eol: '\r\n' });
    const t = await readDataFile(p);
    assert.equal(t.format, 'biologic-mpt');
    assert.equal(t.technique, 'GCPL');
    assert.equal(t.rows, 2000);
    assert.equal(t.meta['Electrode surface area'], '1.131 cm²');
    assert.equal(t.meta['Characteristic mass'], '12.500 mg');
    assert.equal(t.meta.Comments, '20 µm Li foil, 75 MPa');
    assert.equal(t.meta.encoding, 'windows-1252');
    assert.deepEqual(t.columns.map((c) => c.kind), ['time', 'voltage', 'current', 'cycle']);
    for (const i of [0, 1, 359, 360, 1999]) {
      const r = w.row(i);
      assert.equal(col(t, 'time').values[i], r.time);
      assert.equal(col(t, 'voltage').values[i], r.ewe);
      close(col(t, 'current').values[i], r.iMa * 1e-3, 1e-15, 'A');
      assert.equal(col(t, 'cycle').values[i], r.cycle);
      assert.equal(t.lineOfRow(i), w.columnLine + 1 + i);
    }
    assert.equal(col(t, 'current').values[360], -0.5e-3);
    assert.deepEqual(t.problems, []);
  });

  it('EC-Lab export without the header block (starts with the column line; LF; trailing tabs)', async () => {
    const p = tmpFile('gcpl-noheader.txt');
    const w = writeMptGcpl(p, 500, { headerless: true, eol: '\n', trailingTab: true });
    const t = await readDataFile(p);
    assert.equal(t.format, 'biologic-mpt');
    assert.equal(t.technique, undefined);
    assert.equal(t.rows, 500);
    assert.equal(t.meta.columnLine, '1');
    assert.deepEqual(t.columns.map((c) => c.name), GCPL_COLUMNS);
    assert.equal(col(t, 'voltage').values[499], w.row(499).ewe);
    assert.equal(t.lineOfRow(0), 2);
    assert.deepEqual(t.problems, []);
  });

  it('classic-Mac CR line ends', async () => {
    const p = tmpFile('gcpl-cr.mpt');
    const w = writeMptGcpl(p, 300, { eol: '\r' });
    const t = await readDataFile(p);
    assert.equal(t.rows, 300);
    assert.equal(col(t, 'time').values[299], w.row(299).time);
  });

  it('TSV with Voltage (V), Current (mA), Time (h)', async () => {
    const p = tmpFile('table.tsv');
    writeText(p, [
      'Cell\tLi|LPSC|NCM9 #3',
      'Operator\tA. Researcher',
      '',
      'Time (h)\tVoltage (V)\tCurrent (mA)\tCapacity (mAh)',
      '0\t3.012\t0.25\t0',
      '0.5\t3.655\t0.25\t0.125',
      '1.0\t3.702\t0.25\t0.25',
      '1.5\t3.741\t-0.25\t0.375',
    ]);
    const t = await readDataFile(p);
    assert.equal(t.format, 'csv');
    assert.equal(t.rows, 4);
    assert.equal(t.meta.Cell, 'Li|LPSC|NCM9 #3');
    assert.equal(t.meta.columnLine, '4');
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 1800, 3600, 5400]);
    assert.deepEqual(Array.from(col(t, 'current').values), [0.25e-3, 0.25e-3, 0.25e-3, -0.25e-3]);
    close(col(t, 'charge').values[3], 0.375 * 3.6, 1e-15, 'A·s');
    assert.equal(col(t, 'voltage').sourceUnit, 'V');
    assert.equal(col(t, 'time').sourceUnit, 'h');
    assert.equal(t.lineOfRow(0), 5);
  });

  it('semicolon CSV with decimal commas (German export)', async () => {
    const p = tmpFile('export-de.csv');
    writeText(p, [
      'Zeit [min];Spannung [V];Strom [mA];Kapazität [mAh];Temperatur [°C]',
      '0;3,3011;0,000;0,000;25,0',
      '1,5;3,4102;0,500;0,0125;25,1',
      '3;3,4777;0,500;0,0250;25,3',
    ], { eol: '\r\n', encoding: 'latin1' });
    const t = await readDataFile(p);
    assert.equal(t.format, 'csv');
    assert.equal(t.meta.encoding, 'windows-1252');
    assert.equal(t.rows, 3);
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 90, 180]);
    assert.deepEqual(Array.from(col(t, 'voltage').values), [3.3011, 3.4102, 3.4777]);
    close(col(t, 'current').values[1], 0.5e-3, 1e-15, 'A');
    close(col(t, 'charge').values[2], 0.025 * 3.6, 1e-15, 'A·s');
    assert.equal(col(t, 'charge').name, 'Kapazität [mAh]');
    close(col(t, 'temperature').values[2], 298.45, 1e-12, 'K');
  });

  it('quoted CSV through csv-parse (separators and line breaks inside quotes)', async () => {
    const p = tmpFile('quoted.csv');
    writeText(p, [
      '"Time (s)","Voltage (V)","Current (mA)","Note"',
      '0,3.30,0.1,"start, rest"',
      '10,3.31,0.1,"two',
      'lines"',
      '20,3.32,0.1,""',
    ]);
    const t = await readDataFile(p);
    assert.equal(t.rows, 3);
    assert.deepEqual(Array.from(col(t, 'voltage').values), [3.3, 3.31, 3.32]);
    assert.equal(t.lineOfRow(0), 2);
    assert.equal(t.lineOfRow(1), 4); // the record ends on line 4
    assert.equal(t.lineOfRow(2), 5);
  });

  it('the spec mapping names columns the reader cannot guess, with units', async () => {
    const p = tmpFile('custom.csv');
    writeText(p, [
      'U_cell,I_set,t_rel,Q',
      '3012.5,250,0,0',
      '3655.0,250,0.5,0.125',
    ]);
    const guess = await readDataFile(p);
    assert.equal(column(guess, 'voltage'), undefined);
    const mapping = { voltage: 'U_cell (mV)', current: 'I_set (µA)', time: 't_rel [h]', charge: 'Q (mAh)' };
    const t = await readDataFile(p, { mapping });
    assert.equal(col(t, 'voltage').name, 'U_cell');
    assert.equal(col(t, 'voltage').sourceUnit, 'mV');
    assert.deepEqual(Array.from(col(t, 'voltage').values), [3.0125, 3.655]);
    assert.deepEqual(Array.from(col(t, 'current').values), [250e-6, 250e-6]);
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 1800]);
    close(col(t, 'charge').values[1], 0.45, 1e-15, 'A·s');
    // A mapping to a column the file does not have is fatal, at the column line.
    const e = await dataError(p, { mapping: { voltage: 'Ewe/V' } });
    assert.equal(e.line, 1);
    assert.match(e.message, /maps voltage to the column 'Ewe\/V'.*no such column.*U_cell, I_set, t_rel, Q/);
    // A mapping with the wrong dimension is fatal too.
    const d = await dataError(p, { mapping: { voltage: 'I_set (mA)' } });
    assert.match(d.message, /'mA' is not a unit of voltage/);
  });

  it('a header-less t, V, I file is not taken for EIS; the spec maps its columns by position name', async () => {
    const p = tmpFile('triples.csv');
    writeText(p, ['0,3.301,0.5', '10,3.402,0.5', '20,3.455,0.5', '30,3.488,0.5', '40,3.501,0.5']);
    const t = await readDataFile(p);
    assert.equal(t.format, 'csv');
    assert.deepEqual(t.columns.map((c) => c.kind), ['other', 'other', 'other']);
    assert.match(t.problems[0].message, /no column names: the columns are called 'column 1', 'column 2', 'column 3'/);
    const m = await readDataFile(p, { mapping: { time: 'column 1', voltage: 'column 2', current: 'column 3 (mA)' } });
    assert.deepEqual(Array.from(col(m, 'current').values), [5e-4, 5e-4, 5e-4, 5e-4, 5e-4]);
    assert.equal(col(m, 'voltage').values[4], 3.501);
    // Forcing the format skips detection.
    const f = await readDataFile(fixture('exampleData.csv'), { format: 'csv' });
    assert.equal(f.format, 'csv');
    assert.equal(column(f, 'frequency'), undefined);
  });

  it('the spec mapping overrides the guess (Ecell instead of Ewe)', async () => {
    const p = tmpFile('ecell.mpt');
    writeText(p, ['time/s\tEwe/V\tEcell/V\tI/mA', '0\t3.1\t3.2\t1', '1\t3.15\t3.25\t1']);
    const guess = await readDataFile(p);
    assert.equal(col(guess, 'voltage').name, 'Ewe/V');
    const t = await readDataFile(p, { mapping: { voltage: 'Ecell/V' } });
    assert.equal(col(t, 'voltage').name, 'Ecell/V');
    assert.deepEqual(Array.from(col(t, 'voltage').values), [3.2, 3.25]);
    assert.equal(t.columns.find((c) => c.name === 'Ewe/V')?.kind, 'other');
  });

  it('LAND workbook: the Record sheet, continued in Record1; h:m:s test time', async () => {
    const p = tmpFile('land.xlsx');
    const rows = writeLandXlsx(p, 300, { splitAt: 200 });
    const t = await readDataFile(p);
    assert.equal(t.format, 'land');
    assert.equal(t.rows, 300);
    assert.equal(t.meta.sheet, 'Record, Record1');
    assert.equal(t.meta.columnLine, '2');
    assert.equal(col(t, 'time').name, 'TestTime');
    assert.equal(col(t, 'time').values[299], rows[299].seconds);
    assert.equal(col(t, 'voltage').values[0], rows[0].voltage);
    close(col(t, 'current').values[60], rows[60].currentMa * 1e-3, 1e-15, 'A');
    assert.ok(col(t, 'current').values[60] < 0);
    close(col(t, 'charge').values[10], rows[10].capacityMah * 3.6, 1e-12, 'A·s');
    assert.equal(col(t, 'cycle').values[299], rows[299].cycle);
    assert.equal(t.lineOfRow(0), 3);
    assert.equal(t.lineOfRow(199), 202);
    assert.equal(t.lineOfRow(200), 1); // Record1 starts with data
    assert.deepEqual(t.problems.filter((x) => x.severity === 'error'), []);
  });

  it('LAND workbook with Chinese headers (.xls)', async () => {
    const p = tmpFile('land-zh.xls');
    const rows = writeLandXlsx(p, 120, { chinese: true, bookType: 'xls' });
    const t = await readDataFile(p);
    assert.equal(t.format, 'land');
    assert.equal(t.rows, 120);
    assert.equal(col(t, 'time').name, '测试时间');
    assert.equal(col(t, 'time').values[119], rows[119].seconds);
    assert.equal(col(t, 'voltage').name, '电压/V');
    close(col(t, 'current').values[119], rows[119].currentMa * 1e-3, 1e-15, 'A');
    assert.equal(col(t, 'cycle').name, '循环');
  });

  it('Neware workbook (BTS 8: record sheet, Total Time, signed current in A)', async () => {
    const p = tmpFile('neware.xlsx');
    writeWorkbook(p, {
      unit: [['Channel', '5-3'], ['Active material', '12.5 mg']],
      cycle: [['Cycle Index', 'Chg. Cap.(Ah)', 'DChg. Cap.(Ah)'], [1, 0.0021, 0.0020]],
      record: [
        ['DataPoint', 'Cycle Index', 'Step Index', 'Step Type', 'Time', 'Total Time', 'Current(A)', 'Voltage(V)', 'Capacity(Ah)', 'Chg. Cap.(Ah)', 'DChg. Cap.(Ah)', 'Date'],
        [1, 1, 1, 'Rest', '00:00:00', '00:00:00', 0, 3.0012, 0, 0, 0, '2024-03-14 09:30:00'],
        [2, 1, 2, 'CC Chg', '00:00:00', '00:10:00', 0.0002, 3.1012, 0, 0, 0, '2024-03-14 09:40:00'],
        [3, 1, 2, 'CC Chg', '01:00:00', '01:10:00', 0.0002, 4.1990, 0.0002, 0.0002, 0, '2024-03-14 10:40:00'],
        [4, 1, 3, 'CC DChg', '00:30:00', '01:40:00', -0.0002, 3.8, 0.0001, 0.0002, 0.0001, '2024-03-14 11:10:00'],
      ],
    });
    const t = await readDataFile(p);
    assert.equal(t.format, 'neware');
    assert.equal(t.meta.sheet, 'record');
    assert.equal(t.rows, 4);
    assert.equal(col(t, 'time').name, 'Total Time');
    assert.equal(col(t, 'time').sourceUnit, 'h:m:s');
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 600, 4200, 6000]);
    assert.deepEqual(Array.from(col(t, 'current').values), [0, 0.0002, 0.0002, -0.0002]);
    assert.equal(col(t, 'chargeCapacity').name, 'Chg. Cap.(Ah)');
    close(col(t, 'dischargeCapacity').values[3], 0.36, 1e-12, 'A·s');
    assert.equal(t.lineOfRow(0), 2);
  });

  it('LAND text export', async () => {
    const p = tmpFile('land.txt');
    const lines = ['Index\tTestTime/Sec\tStepTime/Sec\tCycle-Index\tStep-Index\tCurrent/mA\tVoltage/V\tCapacity/mAh\tSysTime'];
    for (let i = 0; i < 50; i++) {
      const r = landRow(i);
      lines.push([r.index, r.seconds, r.seconds, r.cycle, r.step, r.currentMa, r.voltage, r.capacityMah, r.sysTime].join('\t'));
    }
    writeText(p, lines, { eol: '\r\n' });
    const t = await readDataFile(p);
    assert.equal(t.format, 'land');
    assert.equal(t.rows, 50);
    assert.equal(col(t, 'time').name, 'TestTime/Sec');
    assert.equal(col(t, 'time').values[49], 49 * 60);
    assert.equal(col(t, 'cycle').name, 'Cycle-Index');
    assert.equal(col(t, 'step').name, 'Step-Index');
    close(col(t, 'current').values[0], 0.2e-3, 1e-15, 'A');
  });

  it('Neware CSV (BTS, English): Realtime as the time axis, Time(h:min:s.ms) is step time', async () => {
    const p = tmpFile('neware.csv');
    writeText(p, [
      'Record ID,Realtime,Time(h:min:s.ms),Step ID,Cycle ID,Current(mA),Voltage(V),Capacitance_Chg(mAh),Capacitance_DChg(mAh)',
      '1,2024-03-14 09:30:00,0:00:00.000,1,1,0.2000,3.0012,0.0000,0.0000',
      '2,2024-03-14 09:31:00,0:01:00.000,1,1,0.2000,3.1010,0.0033,0.0000',
      '3,2024-03-14 09:32:00,0:00:00.000,2,1,-0.2000,4.1990,0.0067,0.0000',
      '4,2024-03-14 09:33:30,0:01:30.000,2,1,-0.2000,4.1002,0.0067,0.0050',
    ]);
    const t = await readDataFile(p);
    assert.equal(t.format, 'neware');
    assert.equal(t.rows, 4);
    assert.equal(col(t, 'time').name, 'Realtime');
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 60, 120, 210]);
    assert.equal(t.columns.find((c) => c.name === 'Time(h:min:s.ms)')?.kind, 'stepTime');
    assert.deepEqual(Array.from(t.columns.find((c) => c.name === 'Time(h:min:s.ms)')!.values), [0, 60, 0, 90]);
    close(col(t, 'dischargeCapacity').values[3], 0.005 * 3.6, 1e-12, 'A·s');
    assert.equal(col(t, 'cycle').name, 'Cycle ID');
    assert.deepEqual(t.problems, []);
  });

  it('Neware CSV with Chinese headers and an unsigned current signed by the step type', async () => {
    const p = tmpFile('neware-zh.csv');
    writeText(p, [
      '数据序号,循环号,工步号,工步类型,时间,总时间,电流(A),电压(V),充电容量(Ah),放电容量(Ah),日期',
      '1,1,1,恒流充电,00:00:00,00:00:00,0.0002,3.0012,0,0,2024-03-14 09:30:00',
      '2,1,1,恒流充电,00:10:00,00:10:00,0.0002,3.5012,0.0000333,0,2024-03-14 09:40:00',
      '3,1,2,恒流放电,00:00:00,00:10:10,0.0002,4.1990,0.0000333,0,2024-03-14 09:40:10',
      '4,1,2,恒流放电,00:10:00,00:20:10,0.0002,3.6990,0.0000333,0.0000333,2024-03-14 09:50:10',
    ], { bom: true });
    const t = await readDataFile(p);
    assert.equal(t.format, 'neware');
    assert.equal(col(t, 'time').name, '总时间');
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 600, 610, 1210]);
    assert.deepEqual(Array.from(col(t, 'current').values), [0.0002, 0.0002, -0.0002, -0.0002]);
    assert.match(t.meta.currentSign, /state column/);
    assert.equal(col(t, 'cycle').name, '循环号');
    assert.equal(col(t, 'step').name, '工步号');
  });

  it('Maccor cycler text export: unsigned Amps signed by State, Test (Min), Amp-hr', async () => {
    const p = tmpFile('maccor.txt');
    writeText(p, [
      "Today's Date 01/15/2025  Date of Test:\t01/15/2025\t Filename:\tC:\\Data\\EX-1.001 Procedure: cc 2.0-4.8V\tComment/Barcode: cell 7",
      'Rec#\tCyc#\tStep\tTest (Min)\tStep (Min)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time',
      '1\t0\t1\t0.0000\t0.0000\t0.0000000000\t0.0000000000\t0.0000000000\t2.31400000\tR\t0\t11:49:32',
      '2\t0\t3\t1.0000\t1.0000\t0.0000101667\t0.0000243187\t0.0006100000\t2.46700000\tC\t5\t11:50:32',
      '3\t0\t4\t2.0000\t1.0000\t0.0000101667\t0.0000243187\t0.0006100000\t2.71700000\tD\t5\t11:51:32',
      '4\t0\t4\t3.0000\t2.0000\t0.0000203333\t0.0000496540\t0.0006100000\t2.56700000\tS\t5\t11:52:32',
    ], { eol: '\r\n' });
    const t = await readDataFile(p);
    assert.equal(t.format, 'maccor');
    assert.equal(t.meta['Date of Test'], '01/15/2025');
    assert.equal(t.meta.Procedure, 'cc 2.0-4.8V');
    assert.equal(t.rows, 4);
    assert.deepEqual(Array.from(col(t, 'time').values), [0, 60, 120, 180]);
    assert.deepEqual(Array.from(col(t, 'current').values), [0, 0.00061, -0.00061, -0.00061]);
    close(col(t, 'charge').values[1], 0.0000101667 * 3600, 1e-12, 'A·s');
    assert.equal(col(t, 'cycle').name, 'Cyc#');
    assert.equal(col(t, 'stepTime').name, 'Step (Min)'); // a step column written in minutes is the step time
  });

  it('UTF-16 files (LE with BOM, BE with BOM, LE without BOM)', async () => {
    const lines = ['Time (s)\tVoltage (V)\tCurrent (mA)\tRemark', '0\t3,25\t1\tµ-Zelle', '10\t3,5\t1\tµ', '20\t3,75\t-1\t°C'];
    for (const [name, encoding, bom] of [['le.txt', 'utf16le', true], ['be.txt', 'utf16be', true], ['le-nobom.txt', 'utf16le', false]] as const) {
      const p = tmpFile(name);
      writeText(p, lines, { encoding, bom, eol: '\r\n' });
      const t = await readDataFile(p);
      assert.equal(t.meta.encoding, encoding === 'utf16le' ? 'utf-16le' : 'utf-16be', name);
      assert.equal(t.rows, 3, name);
      assert.deepEqual(Array.from(col(t, 'voltage').values), [3.25, 3.5, 3.75], name);
      assert.deepEqual(Array.from(col(t, 'current').values), [1e-3, 1e-3, -1e-3], name);
    }
  });

  it('a file that turns out not to be UTF-8 after the first megabyte is read as Windows-1252 from there', async () => {
    const p = tmpFile('late-latin1.mpt');
    const w = writeMptGcpl(p, 40000, { eol: '\n' });
    // Windows-1252 bytes: 0x96 is an en dash, 0xF6 is ö.
    fs.appendFileSync(p, Buffer.concat([Buffer.from('Pause '), Buffer.from([0x96]), Buffer.from(' Zelle ge'), Buffer.from([0xf6]), Buffer.from('ffnet\n')]));
    const t = await readDataFile(p);
    assert.equal(t.rows, 40000);
    assert.equal(col(t, 'time').values[39999], w.row(39999).time);
    assert.equal(t.meta.encoding, 'windows-1252');
    const lastLine = w.columnLine + 40001;
    const skipped = t.problems.find((x) => x.line === lastLine);
    assert.ok(skipped, JSON.stringify(t.problems));
    assert.match(skipped.message, /not a data row \('Pause – Zelle geöffnet'\)/);
    assert.ok(t.problems.some((x) => /not UTF-8 from line/.test(x.message)));
  });
});

// Issue: impedance columns that were not recognised (Im(Z) filled with zeros), header-less
// spectra refused as DC data, ZPlot exports without their comment block.
describe('readers: impedance columns and header-less spectra', () => {
  // R0 = 10 Ω, R1 = 50 Ω ∥ 50 µF: Im(Z) < 0 at every frequency (capacitive).
  const sweep = spectrum({ r0: 10, arcs: [{ r: 50, c: 5e-5 }], fHigh: 1e5, fLow: 0.1, perDecade: 5 });
  const rows = (f: (k: number) => (string | number)[], sep: string) => sweep.frequency.map((_, k) => f(k).join(sep));
  const modulus = (k: number) => Math.hypot(sweep.zReal[k], sweep.zImag[k]);
  const phase = (k: number) => (Math.atan2(sweep.zImag[k], sweep.zReal[k]) * 180) / Math.PI;
  function sameSpectrum(t: DataTable, what: string, rel = 1e-12): void {
    assert.equal(t.rows, sweep.frequency.length, what);
    sweep.frequency.forEach((f, k) => {
      close(col(t, 'frequency').values[k], f, rel, `${what} f[${k}]`);
      close(col(t, 'zReal').values[k], sweep.zReal[k], rel, `${what} Re[${k}]`);
      close(col(t, 'zImag').values[k], sweep.zImag[k], rel, `${what} Im[${k}]`);
    });
  }

  it('recognises the common spellings of Re(Z) and Im(Z), and their sign', () => {
    const imag: [string, number][] = [
      ['Imag', 1], ['Zimg', 1], ["Z''", 1], ["-Z''", -1], ['Z"', 1], ['-Z"', -1], ['Im(Z)', 1], ['-Im(Z)', -1], ['Zi', 1], ['-Zi', -1],
      ['Zimag', 1], ['Z_imag', 1], ['Z imag', 1], ['Imaginary', 1], ['Im Z', 1], ['-Imag', -1], ['Imag(Z)', 1], ['-Zimg', -1],
      ['Zimg (Ohm)', 1], ["-Z'' (Ω)", -1], ['Z″', 1], ['-Z″ (Ohm)', -1], ["Z''/Ohm", 1], ['Im(Z) [Ohm]', 1], ["Z'' (kOhm)", 1e3], ['Z" (ohm)', 1],
    ];
    const real: [string, number][] = [
      ['Real', 1], ['Zreal', 1], ["Z'", 1], ['Z′', 1], ['Re(Z)', 1], ['Zr', 1], ['Z_real', 1], ['Zre', 1], ['Real(Z)', 1], ['Re Z', 1], ["Z' (Ohm)", 1], ['Zreal (mOhm)', 1e-3],
    ];
    for (const [h, factor] of imag) {
      const s = classifyColumn(h);
      assert.equal(s.kind, 'zImag', h);
      close(s.factor, factor, 1e-12, h);
      assert.equal(s.flipSign, factor < 0, h);
    }
    for (const [h, factor] of real) {
      const s = classifyColumn(h);
      assert.equal(s.kind, 'zReal', h);
      close(s.factor, factor, 1e-12, h);
    }
    assert.equal(classifyColumn('Freq').kind, 'frequency');
  });

  it('a CSV with Freq, Real, Imag gives Im(Z) as written (it was filled with zeros)', async () => {
    const p = tmpFile('freq-real-imag.csv');
    writeText(p, ['Freq,Real,Imag', ...rows((k) => [sweep.frequency[k], sweep.zReal[k], sweep.zImag[k]], ',')]);
    const t = await readDataFile(p);
    sameSpectrum(t, 'Freq, Real, Imag');
    assert.deepEqual(t.problems, []);
  });

  it('an export whose imaginary column is Zimg, written positive for the capacitive arc, gives Im(Z) < 0 and says so', async () => {
    const p = tmpFile('zimg.txt');
    writeText(p, ['Frequency (Hz)\tZreal (Ohm)\tZimg (Ohm)', ...rows((k) => [sweep.frequency[k], sweep.zReal[k], -sweep.zImag[k]], '\t')]);
    const t = await readDataFile(p);
    sameSpectrum(t, 'Zimg');
    const w = t.problems.find((x) => /Zimg/.test(x.message));
    assert.ok(w && w.severity === 'warning' && /read as −Im\(Z\)/.test(w.message), JSON.stringify(t.problems));
  });

  it('header-less spectra of 3 to 6 columns are told by their shape (Autolab without column names)', async () => {
    // Autolab (NOVA) columns: Freq (Hz), Z' (Ω), -Z'' (Ω), Z (Ω), -Phase (°), Time (s).
    const layouts: [string, (k: number) => number[], string][] = [
      ['f, Re, -Im, |Z|, -phase, t', (k) => [sweep.frequency[k], sweep.zReal[k], -sweep.zImag[k], modulus(k), -phase(k), 10 * k + 1], '\t'],
      ['f, Re, Im, |Z|, phase', (k) => [sweep.frequency[k], sweep.zReal[k], sweep.zImag[k], modulus(k), phase(k)], ';'],
      ['f, Re, -Im, |Z|', (k) => [sweep.frequency[k], sweep.zReal[k], -sweep.zImag[k], modulus(k)], ','],
      ['f, Re, -Im', (k) => [sweep.frequency[k], sweep.zReal[k], -sweep.zImag[k]], ' '],
    ];
    for (const [what, row, sep] of layouts) {
      const p = tmpFile(`headerless-${row(0).length}.txt`);
      writeText(p, rows((k) => row(k).map((x) => x.toPrecision(12)), sep));
      const t = await readDataFile(p);
      assert.equal(t.format, 'eis-csv', what);
      sameSpectrum(t, what, 1e-11);
      assert.equal(t.technique, 'EIS', what);
    }
    // Rising frequencies work as well.
    const up = tmpFile('headerless-rising.txt');
    writeText(up, [...rows((k) => [sweep.frequency[k], sweep.zReal[k], sweep.zImag[k], modulus(k)].map((x) => x.toPrecision(12)), '\t')].reverse());
    const r = await readDataFile(up);
    assert.equal(r.format, 'eis-csv');
    close(col(r, 'zImag').values[0], sweep.zImag[sweep.zImag.length - 1], 1e-11, 'Im at the lowest frequency');
  });

  it('a header-less DC table of 4 to 6 columns is still not taken for a spectrum', async () => {
    const p = tmpFile('headerless-dc.txt');
    // t, V falling (a discharge), I, Q: the voltage falls but does not sweep decades.
    writeText(p, Array.from({ length: 40 }, (_, k) => [k * 60, (4.2 - 0.03 * k).toFixed(4), -0.001, (-0.001 * k * 60).toFixed(4)].join('\t')));
    const t = await readDataFile(p);
    assert.equal(t.format, 'csv');
    assert.equal(column(t, 'frequency'), undefined);
  });

  it('a ZPlot export without its comment block (tab- or comma-separated) is read, detected or forced', async () => {
    const lines = fs.readFileSync(fixture('exampleDataZPlot.z'), 'latin1').split(/\r?\n/);
    const columnLine = lines.findIndex((l) => /Freq\(Hz\)/.test(l));
    const body = lines.slice(columnLine).filter((l) => l.trim());
    const variants: [string, string[]][] = [
      ['tab, End Comments', body],
      ['comma, End Comments', body.map((l) => l.trim().split('\t').join(','))],
      ['comma, no End Comments', body.filter((l) => !/End Comments/.test(l)).map((l) => l.trim().split('\t').join(','))],
      ['blanks, End Comments', body.map((l) => l.trim().split('\t').join('   '))],
    ];
    for (const [what, text] of variants) {
      const p = tmpFile('zplot-bare.z');
      writeText(p, text);
      for (const options of [{}, { format: 'zplot' as const }]) {
        const t = await readDataFile(p, options);
        assert.equal(t.format, 'zplot', `${what} ${JSON.stringify(options)}`);
        assert.equal(t.rows, 21, what);
        assert.equal(col(t, 'frequency').values[0], 3e5, what);
        assert.equal(col(t, 'zReal').values[0], 147.77, what);
        assert.equal(col(t, 'zImag').values[20], -137.13, what);
      }
    }
  });
});

describe('readers: bad input', () => {
  it('an empty file', async () => {
    const p = tmpFile('empty.mpt');
    fs.writeFileSync(p, '');
    const e = await dataError(p);
    assert.equal(e.line, 0);
    assert.match(e.message, /empty file/);
    const b = tmpFile('blank.csv');
    fs.writeFileSync(b, '\n\n  \n');
    assert.match((await dataError(b)).message, /only blank lines/);
  });

  it('a missing file', async () => {
    const e = await dataError(tmpFile('no-such-file.mpt'));
    assert.match(e.message, /no such file/);
  });

  it('a truncated file: the cut row is a problem naming its line, the rows before are kept', async () => {
    const p = tmpFile('truncated.mpt');
    const w = writeMptGcpl(p, 1000, { truncateLast: true });
    const t = await readDataFile(p);
    assert.equal(t.rows, 999);
    assert.equal(col(t, 'time').values[998], w.row(998).time);
    const last = w.columnLine + 1000;
    assert.equal(t.problems.length, 1);
    assert.equal(t.problems[0].line, last);
    assert.equal(t.problems[0].severity, 'error');
    assert.match(t.problems[0].message, new RegExp(`line ${last}: only 2 of 4 values, the row is cut short`));
  });

  it('a header with no data rows', async () => {
    const p = tmpFile('header-only.mpt');
    writeMptGcpl(p, 0);
    const e = await dataError(p);
    assert.match(e.message, /no data rows below the column line \(line \d+\)/);
    assert.ok(e.line > 0);
  });

  it('text where a number belongs: a problem with line and column, the row kept with NaN', async () => {
    const p = tmpFile('junk.csv');
    writeText(p, [
      'Time (s),Voltage (V),Current (mA)',
      '0,3.30,1.0',
      '10,3.3O,1.0', // a letter O
      '20,3.32,1.0',
    ]);
    const t = await readDataFile(p);
    assert.equal(t.rows, 3);
    assert.ok(Number.isNaN(col(t, 'voltage').values[1]));
    assert.equal(col(t, 'voltage').values[2], 3.32);
    assert.deepEqual(t.problems, [{ line: 3, severity: 'error', message: "line 3, column 2 (Voltage (V)): '3.3O' is not a number" }]);
  });

  it('NaN and empty cells: one warning per column naming the first line', async () => {
    const p = tmpFile('nan.tsv');
    writeText(p, [
      'time/s\tEwe/V\tI/mA',
      '0\t3.30\t1.0',
      '10\tNaN\t1.0',
      '20\tnan\t',
      '30\t3.31\t1.0',
    ]);
    const t = await readDataFile(p);
    assert.equal(t.rows, 4);
    assert.ok(Number.isNaN(col(t, 'voltage').values[1]));
    assert.ok(Number.isNaN(col(t, 'current').values[2]));
    const nan = t.problems.find((x) => /Ewe\/V/.test(x.message));
    assert.deepEqual(nan, { line: 3, severity: 'warning', message: "column 'Ewe/V': 2 cells written as NaN (first at line 3)" });
    const empty = t.problems.find((x) => /I\/mA/.test(x.message));
    assert.deepEqual(empty, { line: 4, severity: 'warning', message: "column 'I/mA': 1 empty cell (first at line 4)" });
  });

  it('lines that are not data in the middle are skipped with a warning naming them', async () => {
    const p = tmpFile('repeated-header.csv');
    writeText(p, ['Time (s),Voltage (V)', '0,3.3', '1,3.4', 'Time (s),Voltage (V)', '2,3.5']);
    const t = await readDataFile(p);
    assert.equal(t.rows, 3);
    assert.deepEqual(t.problems.map((x) => x.line), [4]);
    assert.equal(t.lineOfRow(2), 5);
  });

  it('missing columns: requireColumns names the purpose, the kinds and the column line', async () => {
    const p = tmpFile('dc.mpt');
    const w = writeMptGcpl(p, 10);
    const t = await readDataFile(p);
    requireColumns(t, ['time', 'voltage', 'current'], 'cycling analysis');
    const e = thrown(() => requireColumns(t, ['frequency', 'zReal', 'zImag'], 'the EIS fit'));
    assert.equal(e.line, w.columnLine);
    assert.match(e.message, new RegExp(`the EIS fit needs frequency \\(e\\.g\\. freq/Hz\\), zReal \\(e\\.g\\. Re\\(Z\\)/Ohm\\), zImag \\(e\\.g\\. -Im\\(Z\\)/Ohm\\), but the columns at line ${w.columnLine} have no such column: time/s, Ewe/V, I/mA, cycle number`));
  });

  it('an EIS file where DC data is required', async () => {
    const z = await readDataFile(fixture('exampleDataZPlot.z'));
    const e = thrown(() => requireColumns(z, ['time', 'voltage', 'current'], 'cycling analysis'));
    assert.match(e.message, /cycling analysis needs current \(e\.g\. I\/mA\)/);
    assert.equal(e.line, 122);
    // The PEIS .mpt has time, <Ewe> and <I>: only the impedance columns give it away.
    const mpt = await readDataFile(fixture('exampleDataBioLogic.mpt'));
    const d = thrown(() => requireColumns(mpt, ['time', 'voltage', 'current'], 'cycling analysis', ['frequency']));
    assert.equal(d.line, 61);
    assert.match(d.message, /cycling analysis cannot use this file: it holds impedance \(EIS\) data \('freq\/Hz' at line 61\), technique PEIS/);
  });

  it('binary garbage, and an EC-Lab .mpr magic followed by garbage (named .mpt: content decides)', async () => {
    const p = tmpFile('data.mpt');
    writeBinary(p, 20000);
    const e = await dataError(p);
    assert.equal(e.line, 0);
    assert.match(e.message, /data module/);
    const q = tmpFile('noise.csv');
    writeBinary(q, 5000, 'x');
    assert.match((await dataError(q)).message, /^binary file, not a text export, nor a binary file of a known instrument/);
    const r = tmpFile('controls.txt');
    fs.writeFileSync(r, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))));
    assert.match((await dataError(r)).message, /^binary file, not a text export/);
  });

  it('prose is not a data file', async () => {
    const p = tmpFile('notes.txt');
    writeText(p, ['Cell 7 was assembled at 75 MPa.', 'It shorted after two cycles.']);
    const e = await dataError(p);
    assert.equal(e.line, 1);
    assert.match(e.message, /no table of numbers/);
  });

  it('a file over maxBytes', async () => {
    const p = tmpFile('big.mpt');
    const w = writeMptGcpl(p, 20000);
    const e = await dataError(p, { maxBytes: 100_000 });
    assert.equal(e.line, 0);
    assert.match(e.message, new RegExp(`^file too large: [\\d.]+ KiB \\(${w.bytes.toLocaleString('en')} bytes\\); files must be smaller than 97\\.7 KiB \\(100,000 bytes\\)$`));
  });

  it('a file of exactly the limit is refused: the limit is exclusive, and the message says so', async () => {
    const p = tmpFile('exact.csv');
    fs.writeFileSync(p, Buffer.alloc(4096, 0x31));
    const e = await dataError(p, { maxBytes: 4096 });
    assert.match(e.message, /^file too large: 4\.00 KiB \(4,096 bytes\); files must be smaller than 4\.00 KiB \(4,096 bytes\)$/);
  });

  it('a NUL byte far past the head is binary data at its line, not numbers', async () => {
    const p = tmpFile('nul-late.csv');
    const rows = ['time/s,Ewe/V,I/mA', ...Array.from({ length: 20000 }, (_, i) => `${i},3.1,0.5`)];
    rows[15000] = '15000,3.1\u00000.5';
    fs.writeFileSync(p, rows.join('\n') + '\n');
    const e = await dataError(p);
    assert.equal(e.line, 15001);
    assert.match(e.message, /binary data \(a NUL byte\) in line 15001/);
  });

  it('a line of megabytes is refused at its line, without reading it again and again', async () => {
    const p = tmpFile('long-line.csv');
    fs.writeFileSync(p, 'time/s,Ewe/V,I/mA\n1,2,3\n' + '1,'.repeat(3 << 20) + '\n');
    const e = await dataError(p);
    assert.equal(e.line, 3);
    assert.match(e.message, /line 3 is longer than 1 MiB without a line break/);
  });

  it('a workbook whose parts inflate past the limit is refused before it is inflated', async () => {
    const { zipSync } = await import('fflate');
    const zip = Buffer.from(zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(1000) }));
    // Declare 600 MiB for the sheet in the central directory (what a zip bomb's directory says).
    const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(600 * 2 ** 20, cd + 24);
    const p = tmpFile('bomb.xlsx');
    fs.writeFileSync(p, zip);
    const e = await dataError(p);
    assert.match(e.message, /the workbook inflates to 600 MiB .* more than the 512 MiB a workbook may hold/);
  });

  it('a cancelled read rejects with the AbortError, not a DataError', async () => {
    const p = tmpFile('abort.mpt');
    writeMptGcpl(p, 50000);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(readDataFile(p, { signal: ac.signal }), (e: Error) => e.name === 'AbortError' && !(e instanceof DataError));
  });

  it('a read cancelled while it runs rejects with the AbortError', async () => {
    const p = tmpFile('abort-late.mpt');
    writeMptGcpl(p, 200000);
    const ac = new AbortController();
    const reading = readDataFile(p, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(reading, (e: Error) => e.name === 'AbortError');
  });

  it('a workbook with no table', async () => {
    const p = tmpFile('empty.xlsx');
    writeWorkbook(p, { Notes: [['just a note']] });
    const e = await dataError(p);
    assert.match(e.message, /no sheet with a table of numbers/);
  });

  it('never throws anything but DataError on mangled copies of the fixtures', async () => {
    const names = fs.readdirSync(FIXTURES).filter((n) => !n.endsWith('.md'));
    let x = 7;
    const rnd = (n: number) => (x = (x * 1103515245 + 12345) & 0x7fffffff) % n;
    for (const name of names) {
      const bytes = fs.readFileSync(fixture(name));
      for (let k = 0; k < 6; k++) {
        const b = Buffer.from(bytes.subarray(0, rnd(bytes.length) + 1));
        for (let j = 0; j < 5; j++) b[rnd(b.length)] = 32 + rnd(90);
        const p = tmpFile(`mangled-${k}-${name}`);
        fs.writeFileSync(p, b);
        try {
          const t = await readDataFile(p);
          for (const pr of t.problems) assert.equal(typeof pr.line, 'number');
        } catch (e) {
          assert.ok(e instanceof DataError, `${name} #${k}: ${String(e)}`);
        }
      }
    }
  });
});

describe('readers: performance', () => {
  it('reads a 1,000,000-row EC-Lab GCPL file (MB/s printed, not asserted)', async function () {
    this.timeout(120000);
    const p = tmpFile('million.mpt');
    const w = writeMptGcpl(p, 1_000_000, { latin1: true });
    const start = process.hrtime.bigint();
    const t = await readDataFile(p);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    assert.equal(t.rows, 1_000_000);
    assert.equal(col(t, 'time').values[999_999], w.row(999_999).time);
    assert.equal(col(t, 'voltage').values[500_000], w.row(500_000).ewe);
    assert.equal(t.lineOfRow(999_999), w.columnLine + 1_000_000);
    assert.deepEqual(t.problems, []);
    const mbps = w.bytes / 1e6 / seconds;
    console.log(`      ${(w.bytes / 1e6).toFixed(1)} MB, ${t.rows} rows in ${seconds.toFixed(2)} s: ${mbps.toFixed(0)} MB/s`);
    fs.rmSync(p);
  });
});

// Arbin .res (an Access database read with mdb-reader): the real fixture against cellpy's reading
// of it, the same file edited into the situations other files bring (rows out of order, several
// tests, a missing table, damage), Arbin's auxiliary tables on an in-memory database, and seeded
// mangling in a worker thread whose watchdog turns a hang into a failure.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ResDatabase, auxChannel, parseArbinRes, readArbinDatabase, readArbinRes } from '../server/readers/arbinRes';
import { ColumnKind, DataError, DataTable, ReadOptions } from '../server/readers/types';
import { ReferenceTable, fixture, readParquetReference } from './helpers/references';
import { rng } from './helpers/traces';

const RES = fixture('cellpy_20160805_test001_45_cc_01.res');
const GOLDEN = fixture('cellpy_20160805_test001_45_cc_01.res.golden.parquet');
const PAGE = 4096; // Jet 4 page size
const OLE_EPOCH = Date.UTC(1899, 11, 30) / 1000;

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-arbin-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

function col(t: DataTable, name: string) {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name} (columns: ${t.columns.map((x) => x.name).join(', ')})`);
  return c;
}

function kindOf(t: DataTable, kind: ColumnKind) {
  const c = t.columns.find((x) => x.kind === kind);
  assert.ok(c, `no ${kind} column`);
  return c;
}

function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.equal(e.line, 0);
    return e;
  }
  assert.fail('expected a DataError');
}

/** Equal as stored (the instrument's float32/double values), up to the rounding of a unit conversion. */
function same(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * cellpy's raw columns (its golden Parquet) and ours: cellpy keeps Arbin's units (Ah, Wh) and
 * writes DateTime as a naive timestamp of the same wall-clock time (read here as UTC seconds).
 */
const CORRESPONDENCE: { golden: string; ours: string; toCellpy: (v: number) => number; tol?: number }[] = [
  { golden: 'data_point', ours: 'Data_Point', toCellpy: (v) => v },
  { golden: 'test_time', ours: 'Test_Time', toCellpy: (v) => v }, // s
  { golden: 'step_time', ours: 'Step_Time', toCellpy: (v) => v }, // s
  { golden: 'date_time', ours: 'DateTime', toCellpy: (v) => v, tol: 1e-3 }, // s since 1970; cellpy keeps µs
  { golden: 'step_index', ours: 'Step_Index', toCellpy: (v) => v },
  { golden: 'cycle_index', ours: 'Cycle_Index', toCellpy: (v) => v },
  { golden: 'is_fc_data', ours: 'Is_FC_Data', toCellpy: (v) => v },
  { golden: 'current', ours: 'Current', toCellpy: (v) => v }, // A
  { golden: 'voltage', ours: 'Voltage', toCellpy: (v) => v }, // V
  { golden: 'charge_capacity', ours: 'Charge_Capacity', toCellpy: (v) => v / 3600 }, // A·s -> Ah
  { golden: 'discharge_capacity', ours: 'Discharge_Capacity', toCellpy: (v) => v / 3600 },
  { golden: 'charge_energy', ours: 'Charge_Energy', toCellpy: (v) => v / 3600 }, // J -> Wh
  { golden: 'discharge_energy', ours: 'Discharge_Energy', toCellpy: (v) => v / 3600 },
  { golden: 'dv_dt', ours: 'dV/dt', toCellpy: (v) => v },
  { golden: 'internal_resistance', ours: 'Internal_Resistance', toCellpy: (v) => v },
  { golden: 'ac_impedance', ours: 'AC_Impedance', toCellpy: (v) => v },
  { golden: 'aci_phase_angle', ours: 'ACI_Phase_Angle', toCellpy: (v) => v },
];
/** cellpy numbers the tests it loaded from 0; Arbin's Test_ID (1 here) is our meta.testId. */
const NOT_COMPARED = ['test_id'];

/** Compare our rows [0, n) with cellpy's rows [from, from + n), every corresponding column. */
function assertSameAsCellpy(t: DataTable, golden: ReferenceTable, from = 0): void {
  for (const c of CORRESPONDENCE) {
    const ours = col(t, c.ours).values;
    const theirs = golden.columns[c.golden];
    assert.ok(theirs, `cellpy has no ${c.golden}`);
    for (let i = 0; i < t.rows; i++) {
      const a = c.toCellpy(ours[i]), b = Number(theirs[from + i]);
      const ok = c.tol !== undefined ? Math.abs(a - b) <= c.tol : same(a, b);
      assert.ok(ok, `${c.ours} row ${i}: ours ${a} (cellpy's units) ≠ cellpy's ${c.golden} ${b}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Editing the fixture the way other files differ from it. Jet 4 facts used: a data page starts
// 01 01, holds its table-definition page at byte 4, its row count at 12 and the row starts at
// 14 + 2i (low 13 bits; 0x8000 deleted, 0x4000 overflow); a row starts with its u16 column
// count, then the fixed-length columns (Test_ID, then Data_Point, for Channel_Normal_Table).

/** Byte offsets of Channel_Normal_Table's rows, page by page. */
function normalRows(b: Buffer): number[] {
  const pages = b.length / PAGE;
  const marker = Buffer.from('Is_FC_Data', 'utf16le'); // a column only Channel_Normal_Table has
  let definition = -1;
  for (let p = 1; p < pages && definition < 0; p++) {
    if (b[p * PAGE] === 2 && b.subarray(p * PAGE, (p + 1) * PAGE).includes(marker)) definition = p;
  }
  assert.ok(definition > 0, 'no table definition of Channel_Normal_Table');
  const rows: number[] = [];
  for (let p = 1; p < pages; p++) {
    const at = p * PAGE;
    if (b[at] !== 1 || b.readUInt32LE(at + 4) !== definition) continue;
    for (let i = 0; i < b.readUInt16LE(at + 12); i++) {
      const start = b.readUInt16LE(at + 14 + 2 * i);
      if (!(start & 0xc000)) rows.push(at + (start & 0x1fff));
    }
  }
  return rows;
}
const testIdAt = (row: number): number => row + 2;
const dataPointAt = (row: number): number => row + 6;

/** The fixture with Channel_Normal_Table's rows checked to be where normalRows says. */
function editableFixture(): { bytes: Buffer; rows: number[] } {
  const bytes = Buffer.from(fs.readFileSync(RES));
  const rows = normalRows(bytes);
  assert.equal(rows.length, 10261);
  assert.ok(rows.every((r) => bytes.readInt32LE(testIdAt(r)) === 1), 'Test_ID is not where expected');
  const points = rows.map((r) => bytes.readInt32LE(dataPointAt(r))).sort((a, b) => a - b);
  assert.ok(points.every((p, i) => p === i + 1), 'Data_Point is not where expected');
  return { bytes, rows };
}

/** Replace a table's name in the catalog (MSysObjects, whose definition is page 2). */
function renameTable(b: Buffer, from: string, to: string): void {
  assert.equal(from.length, to.length);
  const needle = Buffer.from(from, 'utf16le');
  let renamed = 0;
  for (let p = 1; p < b.length / PAGE; p++) {
    const at = p * PAGE;
    if (b[at] !== 1 || b.readUInt32LE(at + 4) !== 2) continue;
    for (let i = b.indexOf(needle, at); i >= 0 && i < at + PAGE; i = b.indexOf(needle, i + 1)) {
      Buffer.from(to, 'utf16le').copy(b, i);
      renamed++;
    }
  }
  assert.ok(renamed > 0, `${from} not found in the catalog`);
}

describe('Arbin .res: the fixture against cellpy', () => {
  let golden: ReferenceTable;
  let table: DataTable;
  before(async () => {
    golden = await readParquetReference(GOLDEN);
    table = await readArbinRes(RES);
  });

  it('reads all 10,261 data points, every column cellpy has equal to it', () => {
    assert.equal(table.format, 'arbin-res');
    assert.equal(golden.rows, 10261);
    assert.equal(table.rows, golden.rows);
    const accounted = new Set([...CORRESPONDENCE.map((c) => c.golden), ...NOT_COMPARED]);
    assert.deepEqual(Object.keys(golden.columns).filter((n) => !accounted.has(n)), [], 'a cellpy column without a correspondence');
    assertSameAsCellpy(table, golden);
    assert.deepEqual(table.problems, []);
    for (const c of table.columns) assert.equal(c.values.length, table.rows, c.name);
    assert.equal(table.lineOfRow(5), 0);
  });

  it('gives the kinds and SI units of the contract', () => {
    const kinds: [ColumnKind, string, string][] = [
      ['index', 'Data_Point', ''], ['time', 'Test_Time', 's'], ['stepTime', 'Step_Time', 's'], ['step', 'Step_Index', ''],
      ['cycle', 'Cycle_Index', ''], ['current', 'Current', 'A'], ['voltage', 'Voltage', 'V'],
      ['chargeCapacity', 'Charge_Capacity', 'Ah'], ['dischargeCapacity', 'Discharge_Capacity', 'Ah'],
      ['chargeEnergy', 'Charge_Energy', 'Wh'], ['dischargeEnergy', 'Discharge_Energy', 'Wh'],
    ];
    for (const [kind, name, unit] of kinds) {
      const c = kindOf(table, kind);
      assert.equal(c.name, name);
      assert.equal(c.sourceUnit, unit);
    }
    assert.equal(kindOf(table, 'dateTime').name, 'DateTime');
    for (const name of ['dV/dt', 'Internal_Resistance', 'AC_Impedance', 'ACI_Phase_Angle', 'Is_FC_Data']) assert.equal(col(table, name).kind, 'other');
    assert.ok(!table.columns.some((c) => c.name === 'Test_ID'), 'Test_ID is a fact of the test, not a column');
    // The last point's discharge capacity: 0.000239313155618 Ah in cellpy's table is 0.8615 A·s.
    const q = kindOf(table, 'dischargeCapacity').values;
    assert.ok(Math.abs(q[table.rows - 1] - 0.000239313155618 * 3600) < 1e-12);
  });

  it("states Global_Table's facts: one test, its name, channel, start, schedule, versions and mass", () => {
    assert.deepEqual(
      { ...table.meta, timeZone: undefined },
      {
        testId: '1',
        testName: '20160805_sic006_45_cc_01-01-003',
        channelIndex: '3',
        startTime: '2016-08-05T16:16:23',
        timeZone: undefined,
        scheduleFile: 'SiNODE\\24h_rest_3cyc_C20_100cyc_c10_MR.sdu',
        scheduleVersion: 'Schedule Version 4.32',
        softwareVersion: '4.32 Build: 130904',
        serialNumber: '176075',
        creator: 'hfa',
        activeMass: '0.000852838 g',
        specificCapacity: '3.579 Ah/g',
        resultsFileVersion: 'Results File 5.26',
      });
    assert.match(table.meta.timeZone, /local time/);
    // The start and the first point agree: its DateTime less its Test_Time is the start.
    const start = Date.UTC(2016, 7, 5, 16, 16, 23) / 1000;
    const first = kindOf(table, 'dateTime').values[0] - kindOf(table, 'time').values[0];
    assert.ok(Math.abs(first - start) < 1, `first point at ${first}, start ${start}`);
  });

  it('reads the same bytes the same way without the file (parseArbinRes)', () => {
    const again = parseArbinRes(fs.readFileSync(RES), 'copy.res');
    assert.equal(again.file, 'copy.res');
    assert.deepEqual(again.columns.map((c) => c.name), table.columns.map((c) => c.name));
    assert.deepEqual(kindOf(again, 'voltage').values, kindOf(table, 'voltage').values);
  });
});

describe('Arbin .res: other files\' layouts, made from the fixture', () => {
  let golden: ReferenceTable;
  before(async () => { golden = await readParquetReference(GOLDEN); });

  it('puts rows stored out of Data_Point order back in order', () => {
    const { bytes, rows } = editableFixture();
    // Swap the contents of two rows of one page (all columns are fixed-length: equal sizes).
    const [a, b, c] = [rows[1], rows[2], rows[3]];
    assert.equal(a - b, b - c, 'rows of unequal length');
    const len = a - b;
    const copyA = Buffer.from(bytes.subarray(a, a + len));
    bytes.copy(bytes, a, b, b + len);
    copyA.copy(bytes, b);
    assert.ok(bytes.readInt32LE(dataPointAt(a)) > bytes.readInt32LE(dataPointAt(b)), 'the swap did not disorder the rows');
    const t = parseArbinRes(bytes, 'disordered.res');
    assert.equal(t.rows, 10261);
    assertSameAsCellpy(t, golden);
  });

  it('reads one test of several: the first by default, with a warning that names the others and how to choose', () => {
    const { bytes, rows } = editableFixture();
    for (const r of rows) if (bytes.readInt32LE(dataPointAt(r)) > 6000) bytes.writeInt32LE(2, testIdAt(r));
    const first = parseArbinRes(bytes, 'two-tests.res');
    assert.equal(first.rows, 6000);
    assert.equal(first.meta.testId, '1');
    assert.equal(first.meta.tests, '2');
    assertSameAsCellpy(first, golden, 0);
    assert.equal(first.problems.length, 1);
    const w = first.problems[0];
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /holds 2 tests; read Test_ID 1 "20160805_sic006_45_cc_01-01-003" \(channel index 3, 6,000 points\)/);
    assert.match(w.message, /Test_ID 2 \(4,261 points\)/);
    assert.match(w.message, /channel to its Test_ID \(channel: 2\), its test name, or its channel index as CH<n>/);

    const second = parseArbinRes(bytes, 'two-tests.res', { channel: '2' });
    assert.equal(second.rows, 4261);
    assert.equal(second.meta.testId, '2');
    assert.equal(second.meta.testName, undefined, 'test 2 is not in Global_Table');
    assertSameAsCellpy(second, golden, 6000);
    assert.deepEqual(second.problems, [], 'a chosen test needs no warning');

    assert.equal(parseArbinRes(bytes, 'two-tests.res', { channel: 'CH3' }).meta.testId, '1');
    assert.equal(parseArbinRes(bytes, 'two-tests.res', { channel: '20160805_SIC006_45_cc_01-01-003' }).meta.testId, '1');
    assert.equal(parseArbinRes(bytes, 'two-tests.res', { channel: 'test 2' }).rows, 4261);
    const e = dataError(() => parseArbinRes(bytes, 'two-tests.res', { channel: 'CH9' }));
    assert.match(e.message, /no test "CH9" in this file; it holds Test_ID 1 .*; Test_ID 2 \(4,261 points\)/);
  });

  it('refuses an Access database without Channel_Normal_Table, naming the tables it has', () => {
    const { bytes } = editableFixture();
    renameTable(bytes, 'Channel_Normal_Table', 'Channel_Normal_Tabl_');
    const e = dataError(() => parseArbinRes(bytes, 'other.mdb'));
    assert.match(e.message, /not an Arbin result file: it has no Channel_Normal_Table .*its tables: .*Global_Table/);
  });
});

// ---------------------------------------------------------------------------------------------
// An in-memory database with what the fixture lacks: two tests on two channels, auxiliary inputs.

type Rows = Record<string, unknown>[];
function fakeDatabase(tables: Record<string, { columns: [string, string][]; rows: Rows }>): ResDatabase {
  return {
    tableNames: () => Object.keys(tables),
    columns: (n) => tables[n].columns.map(([name, type]) => ({ name, type })),
    rowCount: (n) => tables[n].rows.length,
    rows: (n, cols, offset, limit) => tables[n].rows.slice(offset, offset + limit)
      .map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))),
  };
}

const day = (isoUtc: string): number => Date.parse(isoUtc) / 1000 / 86400 - OLE_EPOCH / 86400;

function twoChannelDatabase(): ResDatabase {
  const point = (test: number, dp: number, t: number, v: number, i: number, q: number) => ({
    Test_ID: test, Data_Point: dp, Test_Time: t, DateTime: day('2024-03-01T10:00:00Z') + t / 86400,
    Current: i, Voltage: v, Charge_Capacity: q,
  });
  return fakeDatabase({
    Global_Table: {
      columns: [['Test_ID', 'long'], ['Test_Name', 'text'], ['Channel_Index', 'integer'], ['Start_DateTime', 'double'], ['MASS', 'float'], ['Comments', 'memo']],
      rows: [
        { Test_ID: 1, Test_Name: 'cell A', Channel_Index: 3, Start_DateTime: day('2024-03-01T09:00:00Z'), MASS: 0 },
        { Test_ID: 2, Test_Name: 'cell B', Channel_Index: 1, Start_DateTime: day('2024-03-01T10:00:00Z'), MASS: 0.0125 },
      ],
    },
    Channel_Normal_Table: {
      columns: [['Test_ID', 'long'], ['Data_Point', 'long'], ['Test_Time', 'double'], ['DateTime', 'double'],
        ['Current', 'float'], ['Voltage', 'float'], ['Charge_Capacity', 'double'], ['Note', 'text']],
      rows: [point(2, 3, 20, 3.9, 0.001, 0.002), point(1, 1, 0, 3.0, 0, 0), point(2, 1, 0, 3.7, 0.001, 0),
        point(1, 2, 10, 3.1, 0, 0), point(2, 2, 10, 3.8, 0.001, 0.001)],
    },
    Auxiliary_Table: {
      columns: [['Test_ID', 'long'], ['Data_Point', 'long'], ['Auxiliary_Index', 'integer'], ['Data_Type', 'integer'], ['X', 'float'], ['dX_dt', 'float']],
      rows: [
        { Test_ID: 2, Data_Point: 1, Auxiliary_Index: 0, Data_Type: 1, X: 25, dX_dt: 0.1 },
        { Test_ID: 2, Data_Point: 3, Auxiliary_Index: 0, Data_Type: 1, X: 26.5, dX_dt: 0.2 },
        { Test_ID: 2, Data_Point: 1, Auxiliary_Index: 0, Data_Type: 0, X: 3.75 },
        { Test_ID: 2, Data_Point: 2, Auxiliary_Index: 0, Data_Type: 0, X: 3.65 },
        { Test_ID: 2, Data_Point: 9, Auxiliary_Index: 0, Data_Type: 0, X: 1 },
        { Test_ID: 1, Data_Point: 1, Auxiliary_Index: 0, Data_Type: 1, X: 99 },
      ],
    },
    Aux_Global_Data_Table: {
      columns: [['Channel_Index', 'integer'], ['Auxiliary_Index', 'integer'], ['Data_Type', 'integer'], ['Nickname', 'text'], ['Unit', 'text']],
      rows: [
        { Channel_Index: 3, Auxiliary_Index: 0, Data_Type: 1, Nickname: 'chamber', Unit: 'K' },
        { Channel_Index: 1, Auxiliary_Index: 0, Data_Type: 1, Nickname: 'cell surface', Unit: 'C' },
        { Channel_Index: 1, Auxiliary_Index: 0, Data_Type: 0, Nickname: '', Unit: 'V' },
      ],
    },
  });
}

describe('Arbin .res: tests, channels and auxiliary inputs (in-memory database)', () => {
  const read = (options?: ReadOptions) => readArbinDatabase(twoChannelDatabase(), 'two.res', options);

  it('joins temperature (K) and voltage inputs of the chosen test on Data_Point, NaN where none was logged', () => {
    const t = read({ channel: 'cell B' });
    assert.equal(t.meta.testId, '2');
    assert.equal(t.meta.channelIndex, '1');
    assert.equal(t.meta.startTime, '2024-03-01T10:00:00');
    assert.equal(t.meta.activeMass, '0.0125 g');
    assert.deepEqual([...kindOf(t, 'index').values], [1, 2, 3]);
    assert.deepEqual([...kindOf(t, 'voltage').values], [3.7, 3.8, 3.9]);
    assert.deepEqual([...kindOf(t, 'chargeCapacity').values], [0, 3.6, 7.2]); // Ah × 3600
    const dt = kindOf(t, 'dateTime').values;
    assert.ok(Math.abs(dt[2] - (Date.UTC(2024, 2, 1, 10, 0, 20) / 1000)) < 1e-3);

    const temp = col(t, 'Aux_Temperature_1 (cell surface)');
    assert.equal(temp.kind, 'temperature');
    assert.equal(temp.sourceUnit, '°C');
    assert.ok(Math.abs(temp.values[0] - 298.15) < 1e-9 && Number.isNaN(temp.values[1]) && Math.abs(temp.values[2] - 299.65) < 1e-9);
    const rate = col(t, 'Aux_Temperature_1 (cell surface) dX/dt');
    assert.equal(rate.kind, 'other');
    assert.deepEqual([...rate.values].map((v) => (Number.isNaN(v) ? null : v)), [0.1, null, 0.2]);
    const aux = col(t, 'Aux_Voltage_1');
    assert.equal(aux.kind, 'auxVoltage');
    assert.deepEqual([...aux.values].map((v) => (Number.isNaN(v) ? null : v)), [3.75, 3.65, null]);
    assert.ok(!t.columns.some((c) => c.name === 'Aux_Voltage_1 dX/dt'), 'no rate column when none was logged');

    const messages = t.problems.map((p) => p.message).join('\n');
    assert.match(messages, /1 auxiliary values name a Data_Point that this test does not have/);
    assert.match(messages, /columns that are not numbers were left out: Note \(text\)/);
  });

  it('reads the first test by default and says which channel option picks the other', () => {
    const t = read();
    assert.equal(t.meta.testId, '1');
    assert.equal(t.rows, 2);
    assert.equal(t.meta.activeMass, undefined, 'MASS 0 means not set');
    assert.equal(col(t, 'Aux_Temperature_1 (chamber)').values[0], 99, 'a K input is kept in K');
    const w = t.problems.find((p) => /holds 2 tests/.test(p.message));
    assert.ok(w);
    assert.match(w.message, /read Test_ID 1 "cell A" \(channel index 3, 2 points\)\. The others: Test_ID 2 "cell B" \(channel index 1, 3 points\)/);
  });

  it('reads a plain number as a Test_ID first, and says how to ask for the channel instead', () => {
    const t = read({ channel: '1' });
    assert.equal(t.meta.testId, '1');
    assert.match(t.problems.map((p) => p.message).join('\n'), /read as Test_ID 1; for the test on channel index 1 write "CH1"/);
    assert.equal(read({ channel: 'CH1' }).meta.testId, '2');
    assert.equal(read({ channel: 'channel 3' }).meta.testId, '1');
    assert.equal(read({ channel: '3' }).meta.testId, '1', 'no Test_ID 3, no test named 3: channel index 3');
  });

  it('names aux inputs by data type and unit, converting °C, °F and mV', () => {
    assert.deepEqual({ ...auxChannel(1, 0, 'C'), toSI: undefined }, { name: 'Aux_Temperature_1', kind: 'temperature', sourceUnit: '°C', toSI: undefined });
    assert.equal(auxChannel(1, 1, '').toSI(0), 273.15);
    assert.ok(Math.abs(auxChannel(1, 0, '°F').toSI(212) - 373.15) < 1e-9);
    assert.equal(auxChannel(0, 2, 'mV').toSI(1500), 1.5);
    assert.equal(auxChannel(0, 2, 'mV').name, 'Aux_Voltage_3');
    assert.deepEqual({ ...auxChannel(4, 0, 'psi'), toSI: undefined }, { name: 'Aux_Type4_1', kind: 'other', sourceUnit: 'psi', toSI: undefined });
  });

  it('refuses a test that has no data points, and a table without data-point columns', () => {
    const db = twoChannelDatabase();
    const empty: ResDatabase = { ...db, rowCount: (n) => (n === 'Channel_Normal_Table' ? 0 : db.rowCount(n)) };
    assert.match(dataError(() => readArbinDatabase(empty, 'e.res')).message, /holds no data points/);
    const odd: ResDatabase = { ...db, columns: (n) => (n === 'Channel_Normal_Table' ? [{ name: 'Test_ID', type: 'long' }, { name: 'Foo', type: 'double' }] : db.columns(n)) };
    assert.match(dataError(() => readArbinDatabase(odd, 'o.res')).message, /none of Arbin's Test_Time, Voltage or Current columns; its columns: Test_ID, Foo/);
  });
});

// ---------------------------------------------------------------------------------------------
// Files that are not (whole) Arbin databases.

describe('Arbin .res: files it must refuse with a DataError', () => {
  it('a text export renamed .res', async () => {
    const f = path.join(tmp, 'export.res');
    fs.writeFileSync(f, 'Data_Point,Test_Time(s),Voltage(V)\r\n1,0,3.1\r\n');
    try {
      await readArbinRes(f);
      assert.fail('read a text file as .res');
    } catch (e) {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /not an Arbin \.res file: it is a text file \(starting 'Data_Point,Test_Time\(s\),Voltage\(V\) 1,0,3\.1'\), not a Microsoft Access \(Jet\) database/);
    }
  });

  it('an SQLite database and an empty file', () => {
    assert.match(dataError(() => parseArbinRes(Buffer.from('SQLite format 3\0' + '\0'.repeat(100), 'latin1'), 'x.res')).message, /SQLite database/);
    assert.match(dataError(() => parseArbinRes(Buffer.alloc(0), 'x.res')).message, /the file is empty/);
  });

  it('a file cut inside a page, and one cut at a page boundary', () => {
    const b = fs.readFileSync(RES);
    const mid = dataError(() => parseArbinRes(b.subarray(0, 123457), 'cut.res'));
    assert.match(mid.message, /truncated: its 123457 bytes end inside page 30 \(byte offset 122880; a complete file is a whole number of 4096-byte pages\)/);
    const atPage = dataError(() => parseArbinRes(b.subarray(0, 100 * PAGE), 'cut.res'));
    assert.match(atPage.message, /truncated or damaged: .* needs page \d+ \(byte offset \d+\), past the end of the file \(409600 bytes\)/);
  });
});

// ---------------------------------------------------------------------------------------------
// Damage, in a worker: a reader stuck in a loop would stop this thread's timers too.

type Damage = { truncate?: number; bytes?: [number, number][]; u32?: [number, number] };
interface Outcome { index: number; result: 'table' | 'DataError' | 'other'; message: string }

/** Read the fixture with each damage applied, in a worker thread; fail if it stops answering. */
function readDamaged(cases: Damage[], watchdogMs: number): Promise<Outcome[]> {
  const reader = path.join(__dirname, '..', 'server', 'readers', 'arbinRes.js');
  const types = path.join(__dirname, '..', 'server', 'readers', 'types.js');
  const code = `
    const { parentPort, workerData } = require('worker_threads');
    const fs = require('fs');
    const { parseArbinRes } = require(workerData.reader);
    const { DataError } = require(workerData.types);
    const original = fs.readFileSync(workerData.file);
    workerData.cases.forEach((d, index) => {
      let b = Buffer.from(original);
      if (d.truncate !== undefined) b = b.subarray(0, d.truncate);
      for (const [at, v] of d.bytes || []) b[at] = v;
      if (d.u32) b.writeUInt32LE(d.u32[1], d.u32[0]);
      let result = 'table', message = '';
      try { parseArbinRes(b, 'damaged.res'); }
      catch (e) { result = e instanceof DataError ? 'DataError' : 'other'; message = String(e && e.stack || e); }
      parentPort.postMessage({ index, result, message });
    });`;
  return new Promise((resolve, reject) => {
    const outcomes: Outcome[] = [];
    const worker = new Worker(code, { eval: true, workerData: { reader, types, file: RES, cases } });
    let timer: NodeJS.Timeout;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        const i = outcomes.length;
        reject(new Error(`reading damaged copy ${i} (${JSON.stringify(cases[i]).slice(0, 200)}) did not finish within ${watchdogMs} ms`));
      }, watchdogMs);
    };
    arm();
    worker.on('message', (o: Outcome) => {
      outcomes.push(o);
      if (outcomes.length === cases.length) { clearTimeout(timer); void worker.terminate(); resolve(outcomes); } else arm();
    });
    worker.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** A seeded generator (mulberry32), so that a failing case can be replayed. */
const random = rng;

describe('Arbin .res: damaged copies (seeded)', function () {
  this.timeout(300_000);
  const WATCHDOG_MS = 60_000; // per copy: a hang, not slowness

  it('a table definition whose continuation loops back gives a DataError, not a hang', async () => {
    // Page 2 is the catalog's table definition; its next-page pointer (byte 4) set to itself.
    const [o] = await readDamaged([{ u32: [2 * PAGE + 4, 2] }], WATCHDOG_MS);
    assert.equal(o.result, 'DataError', o.message);
    assert.match(o.message, /table definition on page 2 continues in a loop back to page 2/);
  });

  it('truncations and byte changes anywhere, and in the page headers, give a table or a DataError', async () => {
    const size = fs.statSync(RES).size;
    const rnd = random(20160805);
    const int = (n: number): number => Math.floor(rnd() * n);
    const cases: Damage[] = [];
    for (let i = 0; i < 60; i++) {
      const cut = int(size);
      cases.push({ truncate: i % 2 ? cut : cut - (cut % PAGE) });
    }
    for (let i = 0; i < 60; i++) cases.push({ bytes: Array.from({ length: 1 + int(40) }, () => [int(size), int(256)] as [number, number]) });
    // Page headers hold the page type, owner, row count and row offsets: where damage misleads most.
    for (let i = 0; i < 80; i++) {
      cases.push({ bytes: Array.from({ length: 1 + int(8) }, () => [int(size / PAGE) * PAGE + int(64), int(256)] as [number, number]) });
    }
    const outcomes = await readDamaged(cases, WATCHDOG_MS);
    const others = outcomes.filter((o) => o.result === 'other');
    assert.deepEqual(others.map((o) => `${JSON.stringify(cases[o.index]).slice(0, 120)}: ${o.message}`), []);
    const refused = outcomes.filter((o) => o.result === 'DataError').length;
    assert.ok(refused >= 60, `only ${refused} of ${cases.length} damaged copies were refused`);
  });
});

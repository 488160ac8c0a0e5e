// The Maccor and Neware text readers on exports the cyclers wrote, taken from peer projects' test
// folders (test/fixtures/SOURCES.md). Every expected number below was read off the file's text.
import { strict as assert } from 'assert';
import * as path from 'path';
import { Column, ColumnKind, DataTable, column, readDataFile } from '../server/readers/index';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const read = (name: string): Promise<DataTable> => readDataFile(path.join(FIXTURES, name));
const AH = 3600; // C per A·h

function col(t: DataTable, kind: ColumnKind): Column {
  const c = column(t, kind);
  assert.ok(c, `no ${kind} column (columns: ${t.columns.map((x) => `${x.name}:${x.kind}`).join(', ')})`);
  return c;
}

/** The column of `kind` is the one the file calls `name`, read from `unit`. */
function named(t: DataTable, kind: ColumnKind, name: string, unit: string): Float64Array {
  const c = col(t, kind);
  assert.equal(c.name, name, `${kind} column`);
  assert.equal(c.sourceUnit, unit, `${kind} unit`);
  return c.values;
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} ± ${tol}`);
}

/** ∫|I| dt over rows [from, to] by the trapezoid rule, in C. */
function chargeThrough(t: Float64Array, i: Float64Array, from: number, to: number): number {
  let q = 0;
  for (let k = from + 1; k <= to; k++) q += 0.5 * (Math.abs(i[k]) + Math.abs(i[k - 1])) * (t[k] - t[k - 1]);
  return q;
}

describe('real Maccor exports', () => {
  it('cellpy maccor_001 (a prefix): d hh:mm:ss test times, a discharge signed negative by State D, its capacity matching ∫I dt', async () => {
    const t = await read('cellpy_maccor_001_prefix.txt');
    assert.equal(t.format, 'maccor');
    assert.equal(t.rows, 8);
    assert.equal(t.meta.columnLine, '4');
    assert.equal(t.meta['Date of Test'], '11 December 2020, 12:22:12 PM');
    assert.equal(t.meta.Filename, 'M50_Validation_0deg_01');
    assert.equal(t.meta.Procedure, 'M50_Validation.000');
    const time = named(t, 'time', 'TestTime', 'h:m:s');
    const stepTime = named(t, 'stepTime', 'StepTime', 'h:m:s');
    const v = named(t, 'voltage', 'Volts', 'V');
    const i = named(t, 'current', 'Amps', 'A');
    const q = named(t, 'charge', 'Amp-hr', 'Ah');
    assert.deepEqual(Array.from(col(t, 'step').values), [1, 1, 2, 2, 2, 2, 2, 2]);
    // Row 3: "  0d 00:00:5.05000019073486", "  0d 00:00:0.0500000007450581", 0.50401 A, state D.
    close(time[2], 5.05000019073486, 1e-9, 'test time of row 3');
    close(stepTime[2], 0.0500000007450581, 1e-12, 'step time of row 3');
    close(time[7], 120.879999995231628, 1e-9, 'test time of row 8 ("0d 00:02:0.879999995231628")');
    assert.equal(v[0], 3.4625);
    assert.equal(v[7], 3.39406);
    assert.deepEqual(Array.from(i.slice(0, 2)), [0, 0], 'rest (R)');
    assert.equal(i[2], -0.50401, 'Amps are unsigned; State D makes them a discharge');
    assert.ok(i.slice(2).every((x) => x < 0), 'every D row is negative');
    assert.match(t.meta.currentSign, /state column/);
    close(q[7], 0.01609 * AH, 1e-9, 'Amp-hr of row 8 in C');
    // The step capacity grows as the current integrates: rows 4 → 8, 0.00060 → 0.01609 Ah, against
    // ∫|I| dt ≈ 0.5 A × 111.6 s. Amp-hr is written to 1e-5 Ah (0.036 C): allow two steps of that.
    close((q[7] - q[3]), chargeThrough(time, i, 3, 7), 0.08, 'ΔAmp-hr vs ∫|I| dt');
    assert.deepEqual(t.problems, []);
  });

  it('beep PreDiag_000229 (a prefix): "Test (Sec)" and "Step (Sec)", N/A cells, the header facts of the other title layout', async () => {
    const t = await read('beep_PreDiag_000229_000229_truncated_prefix.034');
    assert.equal(t.format, 'maccor');
    assert.equal(t.rows, 10);
    assert.equal(t.meta['Date of Test'], '12/16/2019');
    assert.equal(t.meta.Procedure, 'PreDiag_000229.000');
    assert.equal(t.meta['Comment/Barcode'], '000229');
    const time = named(t, 'time', 'Test (Sec)', 'Sec');
    named(t, 'stepTime', 'Step (Sec)', 'Sec');
    assert.deepEqual(Array.from(time), [0, 30, 60, 90, 120, 150, 180, 210, 240, 270]);
    const v = named(t, 'voltage', 'Volts', 'V');
    assert.equal(v[0], 3.45922026);
    assert.equal(v[8], 3.45929656);
    assert.ok(named(t, 'current', 'Amps', 'A').every((x) => x === 0), 'a rest (state R)');
    assert.deepEqual(Array.from(col(t, 'cycle').values), new Array(10).fill(0));
    // "N/A" in the waveform columns is an empty value, not a broken row.
    assert.deepEqual(t.problems, []);
  });

  it('navani maccor_example.txt: Amps the export already signed stay signed once (C positive, D negative)', async () => {
    const t = await read('navani_maccor_example.txt');
    assert.equal(t.format, 'maccor');
    assert.equal(t.rows, 37);
    const time = named(t, 'time', 'Test (Min)', 'Min');
    assert.equal(time[36], 37 * 60);
    const i = col(t, 'current').values;
    const step = col(t, 'step').values;
    for (let k = 0; k < t.rows; k++) {
      const expected = step[k] === 1 ? 0 : step[k] === 3 ? 0.00061 : -0.00061;
      assert.equal(i[k], expected, `row ${k + 1}, step ${step[k]}`);
    }
    close(col(t, 'charge').values[36], 0.0001626667 * AH, 1e-12, 'last Amp-hr');
  });
});

describe('real Neware text exports', () => {
  it('cellpy neware_uio.csv (a prefix): Cumulative Time is the test time, Time the step time, energies per direction', async () => {
    const t = await read('cellpy_neware_uio_prefix.csv');
    assert.equal(t.format, 'neware');
    assert.equal(t.rows, 10);
    const time = named(t, 'time', 'Cumulative Time', 'h:m:s');
    const stepTime = named(t, 'stepTime', 'Time', 'h:m:s');
    assert.deepEqual(Array.from(time), [0, 60, 120, 180, 240, 300, 360, 420, 480, 540]);
    assert.deepEqual(Array.from(stepTime), Array.from(time), 'the first step starts the test');
    const v = named(t, 'voltage', 'Voltage(V)', 'V');
    assert.equal(v[0], 2.917);
    assert.equal(v[9], 2.9203);
    named(t, 'current', 'Current(A)', 'A');
    named(t, 'charge', 'Capacity(Ah)', 'Ah');
    named(t, 'chargeCapacity', 'Chg. Cap.(Ah)', 'Ah');
    named(t, 'dischargeCapacity', 'DChg. Cap.(Ah)', 'Ah');
    named(t, 'chargeEnergy', 'Chg. Energy(Wh)', 'Wh');
    named(t, 'dischargeEnergy', 'DChg. Energy(Wh)', 'Wh');
    assert.deepEqual(Array.from(col(t, 'cycle').values), new Array(10).fill(1));
    assert.deepEqual(t.problems, []);
  });

  it('cellpy nw_regular_export (a prefix): the nested cycle/step/record export; records carry cycle, step and step type; CC charge positive, CC discharge negative', async () => {
    const t = await read('cellpy_nw_regular_export_ife_example_prefix.csv');
    assert.equal(t.format, 'neware');
    assert.equal(t.meta.columnLine, '3', 'the record header is the third header line');
    assert.equal(t.rows, 186, 'records 1–186; the cycle and step rows are not records');
    const time = named(t, 'time', 'Total Time', 'h:m:s');
    const stepTime = named(t, 'stepTime', 'Time', 'h:m:s');
    const i = named(t, 'current', 'Current(A)', 'A');
    const v = named(t, 'voltage', 'Voltage(V)', 'V');
    const q = named(t, 'charge', 'Capacity(Ah)', 'Ah');
    const step = col(t, 'step');
    assert.equal(step.name, 'Step Index');
    // Step 1 Rest: records 1–11; 2 CC Chg: 12–21; 3 Rest: 22–174; 4 CC DChg: 175–186 (the prefix ends there).
    const expectedSteps = [...new Array(11).fill(1), ...new Array(10).fill(2), ...new Array(153).fill(3), ...new Array(12).fill(4)];
    assert.deepEqual(Array.from(step.values), expectedSteps);
    assert.deepEqual(Array.from(col(t, 'cycle').values), new Array(186).fill(1));
    // Record 12 opens the CC Chg step: 0.50000 A at 4.3734 V; record 21 closes it at 4.7000 V,
    // Total Time 00:03:11, 0.022564143 Ah (the step row and the cycle row say 0.02256 Ah).
    assert.equal(i[11], 0.5);
    assert.equal(v[11], 4.3734);
    assert.equal(time[20], 191);
    assert.equal(stepTime[20], 171);
    assert.equal(v[20], 4.7);
    close(q[20], 0.022564143 * AH, 1e-9, 'capacity at the end of the CC charge');
    close(q[20], 0.02256 * AH, 0.000005 * AH, 'the step row\'s capacity');
    assert.ok(i.slice(11, 21).every((x) => x > 0), 'charge is positive');
    assert.ok(i.slice(0, 11).every((x) => x === 0) && i.slice(21, 174).every((x) => x === 0), 'rests are zero');
    // Record 175 opens the CC DChg step at -0.50000 A, 4.3366 V, Total Time 00:08:11.
    assert.equal(i[174], -0.5);
    assert.equal(v[174], 4.3366);
    assert.equal(time[174], 491);
    assert.ok(i.slice(174).every((x) => x < 0), 'discharge is negative');
    close(q[185], 0.039515667 * AH, 1e-9, 'capacity of record 186 (per step, unsigned)');
    // From the second record of a step on the current is regulated at ±0.47417 A: ∫|I| dt against
    // the capacity column, within the 1 s resolution of the time stamps (±0.47 C).
    close(q[20] - q[12], chargeThrough(stepTime, i, 12, 20), 0.5, 'charge: ΔCapacity vs ∫I dt (30 → 171 s)');
    close(q[185] - q[175], chargeThrough(stepTime, i, 175, 185), 0.5, 'discharge: ΔCapacity vs ∫|I| dt (30 → 300 s)');
    assert.deepEqual(t.problems, []);
  });
});

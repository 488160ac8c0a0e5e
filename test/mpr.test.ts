// The EC-Lab .mpr reader on real files: cellpy's reading of biol.mpr value by value, the navani
// files against what can be checked independently (point counts, monotonic time, the voltage
// window the file name states, the charge against the integral of the current), files damaged in
// memory (unknown column ids, truncations, byte flips: fuzzed in a worker with a hang watchdog),
// and small synthetic files for the layouts the fixtures do not have (impedance, linked
// techniques, loops, an unknown data header size, ids the peer readers disagree on).
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { parseMpr, readMpr } from '../server/readers/mpr';
import { Column, ColumnKind, DataError, DataTable, column } from '../server/readers/types';
import { fixture, float32Close, readParquetReference } from './helpers/references';

const CELLPY = 'cellpy_biol.mpr';
const OCV = 'navani_00_test_01_OCV_C01.mpr';
const MB = 'navani_00_test_02_MB_C01.mpr';
const GCPL = 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr';
const FIXTURES = [CELLPY, OCV, MB, GCPL];

const bytesOf = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(fixture(name)));
const read = (name: string): DataTable => parseMpr(bytesOf(name), name);

function named(t: DataTable, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `no column '${name}' in ${t.file} (columns: ${t.columns.map((x) => x.name).join(', ')})`);
  return c;
}

function kind(t: DataTable, k: ColumnKind): Column {
  const c = column(t, k);
  assert.ok(c, `no ${k} column in ${t.file} (columns: ${t.columns.map((x) => `${x.name}:${x.kind}`).join(', ')})`);
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

const warnings = (t: DataTable): string[] => t.problems.filter((p) => p.severity === 'warning').map((p) => p.message);

// ---------------------------------------------------------------------------------------------
// Where things are in a real file, found the way the format defines them (for patching copies)

interface ModuleAt { name: string; at: number; start: number; length: number; layout: 'old' | 'new' }

/** The modules of a file, walked by their headers (an independent little walker, not the reader's). */
function modulesOf(b: Uint8Array): ModuleAt[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: ModuleAt[] = [];
  for (let at = 52; at + 57 <= b.length;) {
    const h = at + 6;
    const name = Buffer.from(b.subarray(h, h + 10)).toString('latin1').trimEnd();
    const layout = dv.getUint32(h + 35, true) === 0xffffffff ? 'new' : 'old';
    const length = dv.getUint32(layout === 'new' ? h + 39 : h + 35, true);
    const start = h + (layout === 'new' ? 59 : 51);
    out.push({ name, at, start, length, layout });
    at = start + length;
  }
  return out;
}

const dataModule = (b: Uint8Array): ModuleAt => modulesOf(b).find((m) => m.name === 'VMP data')!;

/** Byte offset (in the file) of the i-th column id of the data module. */
function idOffset(b: Uint8Array, i: number): number {
  const m = dataModule(b);
  return m.start + (m.layout === 'new' ? 6 : 5) + 2 * i;
}

function patchU16(b: Uint8Array, at: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint16(at, v, true);
}

// ---------------------------------------------------------------------------------------------
// Synthetic files: the module structure written from the format's description

interface SynthModule { name: string; version?: number; version2?: number; layout?: 'old' | 'new'; date?: string; data: Uint8Array }

function pad(s: string, n: number): Uint8Array {
  return Uint8Array.from(Buffer.from(s.padEnd(n, ' ').slice(0, n), 'latin1'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function u32s(...v: number[]): Uint8Array {
  const b = new Uint8Array(4 * v.length);
  v.forEach((x, i) => new DataView(b.buffer).setUint32(4 * i, x, true));
  return b;
}

function buildMpr(modules: SynthModule[]): Uint8Array {
  const head = concat([pad('BIO-LOGIC MODULAR FILE\x1a', 48), new Uint8Array(4)]);
  const parts = [head];
  for (const m of modules) {
    const header = m.layout === 'new'
      ? concat([pad(m.name, 10), pad(m.name, 25), u32s(0xffffffff, m.data.length, m.version ?? 0, m.version2 ?? 10), pad(m.date ?? '02/03/24', 8)])
      : concat([pad(m.name, 10), pad(m.name, 25), u32s(m.data.length, m.version ?? 0), pad(m.date ?? '02/03/24', 8)]);
    parts.push(Uint8Array.from(Buffer.from('MODULE', 'latin1')), header, m.data);
  }
  return concat(parts);
}

type Field = { id: number; type: 'f32' | 'f64' | 'u8' | 'u16' | 'u32' };
const WIDTH = { f32: 4, f64: 8, u8: 1, u16: 2, u32: 4 };

/** A version-2 style data module (2-byte ids from byte 5) with records from `dataAt`. */
function dataBytes(fields: Field[], rows: number[][], dataAt = 405, flagsFirst = false): Uint8Array {
  const rec = fields.reduce((a, f) => a + WIDTH[f.type], flagsFirst ? 1 : 0);
  const b = new Uint8Array(dataAt + rows.length * rec);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, rows.length, true);
  const ids = flagsFirst ? [1, ...fields.map((f) => f.id)] : fields.map((f) => f.id);
  b[4] = ids.length;
  ids.forEach((id, i) => dv.setUint16(5 + 2 * i, id, true));
  rows.forEach((r, k) => {
    let p = dataAt + k * rec;
    let j = 0;
    if (flagsFirst) b[p++] = r[j++];
    for (const f of fields) {
      const v = r[j++];
      if (f.type === 'f64') dv.setFloat64(p, v, true);
      else if (f.type === 'f32') dv.setFloat32(p, v, true);
      else if (f.type === 'u32') dv.setUint32(p, v, true);
      else if (f.type === 'u16') dv.setUint16(p, v, true);
      else b[p] = v;
      p += WIDTH[f.type];
    }
  });
  return b;
}

/** A settings module: the technique id first, the rest zero. */
const settingsBytes = (techniqueId: number): Uint8Array => { const b = new Uint8Array(1200); b[0] = techniqueId; return b; };

/** A log module with an OLE date at 585 and a Pascal string version at 951. */
function logBytes(ole: number, version: string): Uint8Array {
  const b = new Uint8Array(1200);
  new DataView(b.buffer).setFloat64(585, ole, true);
  b[951] = version.length;
  b.set(Buffer.from(version, 'latin1'), 952);
  return b;
}

/** An R0 + (R1 || C) impedance: Re, -Im (positive for the capacitive arc). */
function rc(f: number): [number, number] {
  const R0 = 10, R1 = 100, C = 1e-5, w = 2 * Math.PI * f;
  const d = 1 + (w * R1 * C) ** 2;
  return [R0 + R1 / d, (w * R1 * R1 * C) / d];
}

// ---------------------------------------------------------------------------------------------

function registerTests(): void {
  describe('mpr: cellpy biol.mpr against cellpy\'s reading', function () {
    this.timeout(60000);
    let t: DataTable;
    let ref: Awaited<ReturnType<typeof readParquetReference>>;
    before(async () => {
      t = await readMpr(fixture(CELLPY), {});
      ref = await readParquetReference(fixture(`${CELLPY}.golden.parquet`));
    });

    it('reads every point the file holds, as the reference has them', () => {
      assert.equal(t.format, 'biologic-mpr');
      assert.equal(t.rows, 23561);
      assert.equal(ref.rows, t.rows);
      assert.equal(t.meta.points, '23561');
      assert.deepEqual(t.problems, []);
      assert.equal(t.lineOfRow(100), 0);
    });

    it('matches cellpy column by column, to float32 precision', () => {
      // cellpy's names and units: test_time s, voltage V, current mA (cellpy keeps EC-Lab's mA
      // here), capacities mA.h and energies W.h as stored, step_index = Ns + 1, data_point =
      // row + 1, its charge/discharge capacities the sign-split of Q charge/discharge, flags the
      // packed byte. Not compared: cycle_index, step_time, sub_step_time and test_id, which cellpy
      // makes up itself (cycle_index is 1 throughout, though z cycle counts to 4).
      const v = (name: string) => named(t, name).values;
      const Q = v('Q charge/discharge/mA.h').map((x) => x / 3.6); // A·s -> mA.h
      const flags = (k: number) => v('mode')[k] | (v('ox/red')[k] << 2) | (v('error')[k] << 3) | (v('control changes')[k] << 4) |
        (v('Ns changes')[k] << 5) | (v('counter inc.')[k] << 7);
      const ours: Record<string, (k: number) => number> = {
        test_time: (k) => v('time/s')[k],
        voltage: (k) => v('Ewe/V')[k],
        current: (k) => v('I/mA')[k] * 1000,
        Ns: (k) => v('Ns')[k],
        step_index: (k) => v('Ns')[k] + 1,
        sub_step_index: (k) => v('Ns')[k] + 1,
        data_point: (k) => k + 1,
        Irange: (k) => v('I Range')[k],
        mode: (k) => v('mode')[k],
        ox_red: (k) => v('ox/red')[k],
        error: (k) => v('error')[k],
        control_changes: (k) => v('control changes')[k],
        Ns_changes: (k) => v('Ns changes')[k],
        counter_inc: (k) => v('counter inc.')[k],
        // Bit 6 is no column id EC-Lab lists (yadg: a stop bit on the last point).
        flags: (k) => flags(k),
        control: (k) => v('control/mA')[k],
        dQ: (k) => v('dq/mA.h')[k],
        QminusQnull: (k) => v('(Q-Qo)/mA.h')[k],
        QChargeDischarge: (k) => Q[k],
        discharge_capacity: (k) => Math.max(Q[k], 0),
        charge_capacity: (k) => Math.min(Q[k], 0),
        Energy_charge: (k) => v('|Energy|/W.h')[k],
        charge_energy: (k) => v('Energy charge/W.h')[k] / 3600,
        discharge_energy: (k) => v('Energy discharge/W.h')[k] / 3600,
        capacitance_charge: (k) => v('Capacitance charge/µF')[k],
        capacitance_discharge: (k) => v('Capacitance discharge/µF')[k],
        frequency: (k) => v('freq/Hz')[k],
        amplitude: (k) => v('|Z|/Ohm')[k],
        aci_phase_angle: (k) => v('Phase(Z)/deg')[k],
        reference_voltage: (k) => v('Ece/V')[k],
        avEce: (k) => v('<Ece>/V')[k],
        absEce: (k) => v('|Ece|/V')[k],
        ref_aci_phase_angle: (k) => v('Phase(Zce)/deg')[k],
        absZce: (k) => v('|Zce|/Ohm')[k],
        ReZce: (k) => v('Re(Zce)/Ohm')[k],
        neg_ImZce: (k) => v('-Im(Zce)/Ohm')[k],
        phaseDiffZ: (k) => v('Phase(Zwe-ce)/deg')[k],
        absDiffZ: (k) => v('|Zwe-ce|/Ohm')[k],
        ReDiffZ: (k) => v('Re(Zwe-ce)/Ohm')[k],
        neg_ImZwe_ce: (k) => v('-Im(Zwe-ce)/Ohm')[k],
        half_cycle: (k) => v('half cycle')[k],
        z_cycle: (k) => v('z cycle')[k],
      };
      const bit6 = (k: number) => (ref.columns.flags[k] as number) & ~0x40;
      for (const [name, f] of Object.entries(ours)) {
        const r = ref.columns[name];
        assert.ok(r, `cellpy has no column ${name}`);
        for (let k = 0; k < t.rows; k++) {
          const want = name === 'flags' ? bit6(k) : (r[k] as number);
          const got = f(k);
          if (!float32Close(got, want)) assert.fail(`${name}, point ${k + 1}: ours ${got}, cellpy ${want}`);
        }
      }
    });

    it('takes the start date cellpy takes (the settings module\'s) and the time from the log', () => {
      // cellpy's date_time is the settings date at midnight plus time/s.
      const dt = ref.columns.date_time as number[];
      assert.equal(dt[0], Date.parse(`${t.meta['settings date']}T00:00:00Z`) / 1000);
      const time = named(t, 'time/s').values;
      for (const k of [1, 100, 5000, t.rows - 1]) assert.ok(Math.abs(dt[k] - dt[0] - time[k]) < 2e-3, `date_time at ${k}`);
      assert.equal(t.meta.startTime, '2017-03-15T10:22:54.000');
      assert.equal(t.meta['EC-Lab version'], '11.10');
      assert.equal(t.meta['data module version'], '2');
    });

    it('names the kinds as the .mpt text reader does, in SI', () => {
      assert.equal(t.technique, 'MB');
      assert.equal(kind(t, 'time').name, 'time/s');
      assert.equal(kind(t, 'voltage').name, 'Ewe/V');
      assert.equal(kind(t, 'current').name, 'I/mA');
      assert.equal(kind(t, 'current').sourceUnit, 'mA');
      assert.equal(kind(t, 'step').name, 'Ns');
      assert.equal(kind(t, 'halfCycle').name, 'half cycle');
      assert.equal(kind(t, 'frequency').name, 'freq/Hz');
      assert.equal(kind(t, 'chargeEnergy').name, 'Energy charge/W.h');
      assert.equal(kind(t, 'dischargeEnergy').name, 'Energy discharge/W.h');
      const mode = kind(t, 'stepType');
      assert.equal(mode.name, 'mode');
      assert.deepEqual(mode.labels, { 1: 'CC', 3: 'rest' });
      for (const n of ['ox/red', 'error', 'control changes', 'Ns changes', 'counter inc.']) assert.equal(named(t, n).kind, 'other', n);
      // Energy in J: 3600 × the W.h stored (the golden test compares the stored values).
      const e = kind(t, 'chargeEnergy').values;
      const abs = named(t, '|Energy|/W.h').values;
      assert.ok(float32Close(e[t.rows - 1], abs[t.rows - 1] * 3600));
    });
  });

  describe('mpr: the spec\'s column mapping', () => {
    it('maps a kind to a column by its EC-Lab name, and names the data module when the column is missing', () => {
      const t = parseMpr(bytesOf(CELLPY), CELLPY, { mapping: { voltage: 'Ece/V' } });
      assert.equal(kind(t, 'voltage').name, 'Ece/V');
      assert.equal(named(t, 'Ewe/V').kind, 'other');
      const e = dataError(() => parseMpr(bytesOf(CELLPY), CELLPY, { mapping: { voltage: 'Ecell/V' } }));
      assert.match(e.message, /'Ecell\/V'/);
      assert.match(e.message, /the data module has no such column/);
    });
  });

  describe('mpr: the navani files, checked independently', function () {
    this.timeout(60000);

    it('reads the 11.50 OCV file: its two points, the rest mode, the technique', () => {
      const t = read(OCV);
      assert.equal(t.rows, 2);
      assert.equal(t.technique, 'OCV');
      assert.equal(t.meta['EC-Lab version'], '11.50');
      assert.equal(t.meta['data module version'], '11');
      assert.equal(t.meta.startTime.slice(0, 10), t.meta['settings date']);
      assert.deepEqual(kind(t, 'stepType').labels, { 3: 'rest' });
      assert.deepEqual(t.problems, []);
      const time = kind(t, 'time').values;
      assert.ok(time[1] > time[0]);
      const v = kind(t, 'voltage').values;
      for (const x of v) assert.ok(x > -5 && x < 5, `Ewe ${x}`);
    });

    it('reads the 11.50 Modulo Bat file, (Q-Qo) the running sum of dq', () => {
      const t = read(MB);
      assert.equal(t.technique, 'MB');
      assert.equal(t.rows, Number(t.meta.points));
      assert.equal(t.rows, 11);
      const dq = named(t, 'dq/mA.h').values, q = named(t, '(Q-Qo)/mA.h').values;
      let sum = 0;
      for (let k = 0; k < t.rows; k++) { sum += dq[k]; assert.ok(Math.abs(sum - q[k]) < 1e-9, `point ${k}`); }
      assert.ok(kind(t, 'current').values.every((i) => Math.abs(i) < 0.1), 'a plausible current (A)');
    });

    describe('the 5-cycle GCPL file, 2-3.8 V at C/24', () => {
      let t: DataTable;
      before(() => { t = read(GCPL); });

      it('holds as many points as the data module says, in time order, inside 2-3.8 V', () => {
        assert.equal(t.technique, 'GCPL');
        assert.equal(t.meta['EC-Lab version'], '11.32');
        assert.equal(t.meta['data module version'], '3');
        assert.equal(t.rows, 46102);
        assert.equal(t.rows, Number(t.meta.points));
        // The module's length is its records exactly: 406 header bytes + points × 53.
        const m = dataModule(bytesOf(GCPL));
        assert.equal(m.length, 406 + t.rows * 53);
        const time = kind(t, 'time').values;
        for (let k = 1; k < t.rows; k++) assert.ok(time[k] >= time[k - 1], `time decreases at point ${k + 1}`);
        const v = kind(t, 'voltage').values;
        const lo = Math.min(...v), hi = Math.max(...v);
        assert.ok(lo >= 2.0 - 0.005 && hi <= 3.8 + 0.005, `Ewe from ${lo} to ${hi}`);
        assert.ok(lo < 2.01 && hi > 3.79, 'the cycles reach both limits');
      });

      it('(Q-Qo) is the trapezoid integral of the current P/Ewe over time', () => {
        // The file stores no current; P/W and Ewe/V are recorded separately, so P/Ewe is an
        // independent current to integrate.
        const time = kind(t, 'time').values, P = named(t, 'P/W').values, E = named(t, 'Ewe/V').values;
        const Q = named(t, '(Q-Qo)/mA.h').values;
        let q = 0, worst = 0, span = 0;
        for (let k = 1; k < t.rows; k++) {
          q += ((P[k - 1] / E[k - 1] + P[k] / E[k]) / 2) * (time[k] - time[k - 1]) / 3.6; // A·s -> mA.h
          worst = Math.max(worst, Math.abs(q - Q[k]));
          span = Math.max(span, Math.abs(Q[k]));
        }
        assert.ok(worst < 1e-3 * span, `largest difference ${worst} mA.h of ${span}`);
      });

      it('derives the average current dq/Δt, which equals P/Ewe, at C/24', () => {
        // P/W is EC-Lab's own record of the average current times Ewe.
        const I = kind(t, 'current');
        assert.equal(I.name, '<I>/mA');
        assert.match(t.meta['<I>/mA'], /derived/);
        const P = named(t, 'P/W').values, E = named(t, 'Ewe/V').values;
        let cc = 0;
        for (let k = 1; k < t.rows; k++) {
          const i = P[k] / E[k];
          if (Math.abs(i) < 1e-6) continue;
          cc++;
          assert.ok(Math.abs(I.values[k] - i) <= 1e-5 * Math.abs(i), `point ${k + 1}: ${I.values[k]} vs ${i}`);
        }
        assert.ok(cc > 40000);
        // C/24: one current magnitude (0.0888 mA) on the CC points, except the few whose interval
        // straddles a step change; at C/24 a half cycle passes at most 24 h of that current.
        let at = 0;
        for (let k = 0; k < t.rows; k++) if (Math.abs(Math.abs(I.values[k]) - 8.88e-5) < 0.005 * 8.88e-5) at++;
        assert.ok(at >= 0.999 * cc, `${at} of ${cc} CC points at 0.0888 mA`);
        const nominal = 24 * 3600 * 8.88e-5; // A·s
        const q = kind(t, 'charge');
        assert.equal(q.name, 'Q charge/discharge/mA.h');
        for (const x of q.values) assert.ok(Math.abs(x) <= nominal, `${x} A·s passed in a half cycle`);
      });

      it('counts cycles as the current alternates: the first discharge, then 1 + 5 repeats', () => {
        // "5cycles" is EC-Lab's nc cycles (repeats): cycle 0 is the rest and the first discharge,
        // cycles 1-6 each a charge and a discharge, as counted from the sign of P (independent of
        // the half cycle column the cycle number is derived from).
        const cyc = kind(t, 'cycle');
        assert.equal(cyc.name, 'cycle number');
        const P = named(t, 'P/W').values;
        let charges = 0, last = 0;
        for (let k = 0; k < t.rows; k++) {
          const s = Math.sign(P[k]);
          if (s > 0 && last <= 0) charges++;
          if (s !== 0) last = s;
          assert.equal(cyc.values[k], charges, `point ${k + 1}`);
        }
        assert.equal(charges, 6);
        // Each charge ends at 3.8 V, each discharge at 2.0 V.
        const v = kind(t, 'voltage').values, half = kind(t, 'halfCycle').values;
        for (let k = 1; k < t.rows; k++) {
          if (half[k] === half[k - 1] || half[k - 1] === 0) continue;
          const end = v[k - 1];
          assert.ok(Math.abs(end - 3.8) < 0.01 || Math.abs(end - 2.0) < 0.01, `half cycle ${half[k - 1]} ends at ${end} V`);
        }
      });
    });
  });

  describe('mpr: unknown column ids', () => {
    it('names the id and the versions, and reads the rest when the record size gives the width', () => {
      const b = bytesOf(GCPL);
      const ref = parseMpr(b, GCPL);
      const ids = ref.meta['column ids'].split(', ').map(Number);
      patchU16(b, idOffset(b, ids.indexOf(70)), 999); // P/W, 4 bytes
      const t = parseMpr(b, GCPL);
      const w = warnings(t).find((m) => m.includes('999'));
      assert.ok(w, `no warning names id 999: ${JSON.stringify(t.problems)}`);
      assert.match(w, /column id 999/);
      assert.match(w, /data module version 3/);
      assert.match(w, /EC-Lab 11\.32/);
      assert.match(w, /4 bytes/);
      assert.equal(t.rows, ref.rows);
      assert.deepEqual(named(t, 'column id 999').values, named(ref, 'P/W').values);
      assert.deepEqual(kind(t, 'voltage').values, kind(ref, 'voltage').values);
    });

    it('does the same in the 11.50 layout', () => {
      const b = bytesOf(MB);
      const ref = parseMpr(b, MB);
      const ids = ref.meta['column ids'].split(', ').map(Number);
      patchU16(b, idOffset(b, ids.indexOf(467)), 4321); // Q charge/discharge, 8 bytes
      const t = parseMpr(b, MB);
      const w = warnings(t).find((m) => m.includes('4321'));
      assert.ok(w);
      assert.match(w, /data module version 11/);
      assert.match(w, /EC-Lab 11\.50/);
      assert.match(w, /8 bytes/);
      assert.deepEqual(named(t, 'column id 4321').values, named(ref, 'Q charge/discharge/mA.h').values.map((x) => x / 3.6));
    });

    it('throws a DataError naming the ids and versions when two unknown widths cannot be told apart', () => {
      const b = bytesOf(GCPL);
      const ids = parseMpr(b, GCPL).meta['column ids'].split(', ').map(Number);
      patchU16(b, idOffset(b, ids.indexOf(70)), 998);
      patchU16(b, idOffset(b, ids.indexOf(467)), 999);
      const e = dataError(() => parseMpr(b, GCPL));
      assert.match(e.message, /\b998\b/);
      assert.match(e.message, /\b999\b/);
      assert.match(e.message, /data module version 3/);
      assert.match(e.message, /EC-Lab 11\.32/);
      assert.match(e.message, /cannot be read/);
    });
  });

  describe('mpr: damaged files', function () {
    this.timeout(60000);

    it('keeps the records before the cut of a truncated file, and says so', () => {
      const full = read(GCPL);
      const b = bytesOf(GCPL);
      const m = dataModule(b);
      const cut = m.start + 406 + 1000 * 53 + 20; // inside record 1001
      const t = parseMpr(b.subarray(0, cut), GCPL);
      assert.equal(t.rows, 1000);
      assert.ok(warnings(t).some((w) => /cut short/.test(w)), JSON.stringify(t.problems));
      assert.ok(warnings(t).some((w) => /1000 whole records/.test(w) && /record 1001/.test(w)), JSON.stringify(t.problems));
      assert.deepEqual(kind(t, 'voltage').values, kind(full, 'voltage').values.subarray(0, 1000));
      // The log module is gone with the cut: no start time, no version, but the technique stays.
      assert.equal(t.meta.startTime, undefined);
      assert.equal(t.technique, 'GCPL');
    });

    it('rejects what is no .mpr file, and files cut before their data', () => {
      assert.match(dataError(() => parseMpr(Buffer.from('EC-Lab ASCII FILE\r\n'), 'x.mpr')).message, /not an EC-Lab \.mpr file/);
      const b = bytesOf(OCV);
      assert.match(dataError(() => parseMpr(b.subarray(0, 40), OCV)).message, /file header/);
      assert.match(dataError(() => parseMpr(b.subarray(0, dataModule(b).at), OCV)).message, /no data module/);
      assert.match(dataError(() => parseMpr(b.subarray(0, dataModule(b).start + 500), OCV)).message, /cut before the first data record/);
    });

    it('follows the next module header when a length runs past the end', () => {
      const b = bytesOf(GCPL);
      const m = dataModule(b);
      // The data module's length field (old layout: at +6+35) made huge.
      new DataView(b.buffer).setUint32(m.at + 6 + 35, 0x7fffffff, true);
      const t = parseMpr(b, GCPL);
      assert.equal(t.rows, 46102);
      assert.ok(warnings(t).some((w) => /next module begins/.test(w)), JSON.stringify(t.problems));
      assert.equal(t.meta['EC-Lab version'], '11.32', 'the log module after it is still found');
    });

    it('skips a module it does not know, naming it; a damaged short name is told by the long one', () => {
      const b = bytesOf(OCV);
      const log = modulesOf(b).find((m) => m.name === 'VMP LOG')!;
      b.set(pad('VMP L\x07G', 10), log.at + 6);
      const damaged = parseMpr(b, OCV);
      assert.equal(damaged.meta['EC-Lab version'], '11.50');
      assert.ok(warnings(damaged).some((w) => /long name 'VMP LOG'/.test(w)), JSON.stringify(damaged.problems));
      b.set(pad('VMP Zfit', 10), log.at + 6);
      b.set(pad('VMP impedance fit', 25), log.at + 16);
      const t = parseMpr(b, OCV);
      assert.equal(t.rows, 2);
      assert.equal(t.meta['EC-Lab version'], undefined);
      assert.ok(warnings(t).some((w) => /module 'VMP Zfit'/.test(w) && /skipped/.test(w)), JSON.stringify(t.problems));
    });
  });

  describe('mpr: layouts the fixtures do not have (synthetic files)', () => {
    const OLE_2024_02_03_NOON = 45325.5;

    it('reads impedance with Im(Z) negative for the capacitive arc, and names linked techniques', () => {
      const freqs = [1e5, 1e4, 1e3, 100, 10, 1];
      const rows = freqs.map((f, k) => [k * 2.5, f, ...rc(f), Math.hypot(...rc(f))]);
      const data = dataBytes([{ id: 4, type: 'f64' }, { id: 32, type: 'f32' }, { id: 37, type: 'f32' }, { id: 38, type: 'f32' }, { id: 36, type: 'f32' }], rows);
      const b = buildMpr([
        { name: 'VMP Set', data: settingsBytes(0x1d) }, { name: 'VMP Set', data: settingsBytes(0x04) },
        { name: 'VMP data', version: 2, data }, { name: 'VMP LOG', data: logBytes(OLE_2024_02_03_NOON, '11.61') },
      ]);
      const t = parseMpr(b, 'peis.mpr');
      assert.equal(t.technique, 'PEIS, GCPL');
      assert.equal(t.meta.startTime, '2024-02-03T12:00:00.000');
      assert.equal(t.meta['EC-Lab version'], '11.61');
      const f = kind(t, 'frequency').values, re = kind(t, 'zReal').values, im = kind(t, 'zImag');
      assert.equal(im.name, '-Im(Z)/Ohm');
      freqs.forEach((fr, k) => {
        const [r, mi] = rc(fr);
        assert.ok(float32Close(f[k], fr) && float32Close(re[k], r) && float32Close(im.values[k], -mi), `point ${k}`);
        assert.ok(im.values[k] < 0);
      });
      assert.equal(named(t, '|Z|/Ohm').kind, 'other');
    });

    it('reads a data header of a size no known version has, from the module\'s size, with a warning', () => {
      const rows = [[0, 3.1], [1, 3.2], [2, 3.3]];
      const data = dataBytes([{ id: 4, type: 'f64' }, { id: 6, type: 'f32' }], rows, 512);
      const t = parseMpr(buildMpr([{ name: 'VMP data', version: 7, data }]), 'v7.mpr');
      assert.deepEqual(Array.from(kind(t, 'voltage').values), [3.1, 3.2, 3.3].map(Math.fround));
      assert.ok(warnings(t).some((w) => /begin at byte 512/.test(w)), JSON.stringify(t.problems));
    });

    it('decides ids the peer readers disagree on by the record size', () => {
      const rows = [[0, 1.5], [1, 2.5]];
      const wide = parseMpr(buildMpr([{ name: 'VMP data', version: 2, data: dataBytes([{ id: 4, type: 'f64' }, { id: 498, type: 'f64' }], rows) }]), 'a.mpr');
      assert.deepEqual(Array.from(kind(wide, 'chargeCapacity').values), [1.5 * 3.6, 2.5 * 3.6]);
      assert.equal(kind(wide, 'chargeCapacity').name, 'Q charge/mA.h');
      const narrow = parseMpr(buildMpr([{ name: 'VMP data', version: 2, data: dataBytes([{ id: 4, type: 'f64' }, { id: 498, type: 'f32' }], rows) }]), 'b.mpr');
      assert.deepEqual(Array.from(named(narrow, '|Ece h2|/V').values), [1.5, 2.5]);
      for (const t of [wide, narrow]) assert.ok(warnings(t).some((w) => /498/.test(w) && /disagree/.test(w)));
    });

    it('unpacks the flags byte, reads the loop module and the 11.50 header', () => {
      // mode 1 (CC) with ox/red, then mode 2 (CV) with counter inc.
      const rows = [[0x01 | 0x04, 0, 4.0], [0x02 | 0x80, 1, 4.1]];
      const data = dataBytes([{ id: 4, type: 'f64' }, { id: 6, type: 'f32' }], rows, 405, true);
      const loop = u32s(3, 0, 1, 2, 0, 0);
      const t = parseMpr(buildMpr([{ name: 'VMP data', version: 2, data }, { name: 'VMP loop', data: loop }]), 'flags.mpr');
      assert.deepEqual(Array.from(named(t, 'mode').values), [1, 2]);
      assert.deepEqual(named(t, 'mode').labels, { 1: 'CC', 2: 'CV' });
      assert.equal(t.meta['loop starts'], '0, 1, 2');
      assert.equal(t.meta.loops, '3');
      // The same records behind an 11.50 header: 2-byte column count, ids from byte 6, records at 1007.
      const b1150 = new Uint8Array(1007 + 2 * 13);
      const dv = new DataView(b1150.buffer);
      dv.setUint32(0, 2, true);
      dv.setUint16(4, 3, true);
      [1, 4, 6].forEach((id, i) => dv.setUint16(6 + 2 * i, id, true));
      b1150.set(data.subarray(405), 1007);
      const t2 = parseMpr(buildMpr([{ name: 'VMP data', layout: 'new', version: 0, version2: 11, data: b1150 }]), 'new.mpr');
      assert.deepEqual(Array.from(kind(t2, 'voltage').values), [4.0, 4.1].map(Math.fround));
      assert.deepEqual(Array.from(named(t2, 'mode').values), [1, 2]);
      assert.deepEqual(t2.problems, []);
    });
  });

  describe('mpr: fuzzed truncations and byte flips (in a worker, with a hang watchdog)', function () {
    const WATCHDOG_MS = 240000;
    this.timeout(WATCHDOG_MS + 10000);
    for (const name of FIXTURES) {
      it(`${name}: parseMpr throws only DataErrors and always returns`, async () => {
        const r = await runFuzz(name, WATCHDOG_MS);
        assert.ok(r.ok, r.error);
        assert.ok(r.cases! >= 200, `${r.cases} cases`);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The fuzzing itself runs in a worker, so that a hang fails the test instead of freezing mocha.

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x3b10_c0de;
interface FuzzResult { ok: boolean; cases?: number; dataErrors?: number; error?: string }

function runFuzz(name: string, watchdogMs: number): Promise<FuzzResult> {
  return new Promise((resolve) => {
    const w = new Worker(__filename, { workerData: { name, seed: SEED } });
    const timer = setTimeout(() => {
      void w.terminate();
      resolve({ ok: false, error: `no answer within ${watchdogMs / 1000} s: parseMpr hangs on some input of ${name}` });
    }, watchdogMs);
    w.on('message', (m: FuzzResult) => { clearTimeout(timer); void w.terminate(); resolve(m); });
    w.on('error', (e) => { clearTimeout(timer); resolve({ ok: false, error: String(e?.stack ?? e) }); });
  });
}

function fuzzMain(): void {
  const { name, seed } = workerData as { name: string; seed: number };
  const original = bytesOf(name);
  // Flips land anywhere, or near the module headers and the data header, where they matter most.
  const hot = modulesOf(original).flatMap((m) => [m.at, m.start]);
  const position = fc.oneof(
    fc.integer({ min: 0, max: original.length - 1 }),
    fc.tuple(fc.constantFrom(...hot), fc.integer({ min: 0, max: 1100 })).map(([a, d]) => Math.min(original.length - 1, a + d)),
  );
  let cases = 0, dataErrors = 0;
  const check = (bytes: Uint8Array, what: string): void => {
    cases++;
    try {
      const t = parseMpr(bytes, name);
      if (!(t.rows > 0) || t.columns.some((c) => c.values.length !== t.rows)) throw new Error(`inconsistent table: ${t.rows} rows`);
    } catch (e) {
      if (e instanceof DataError) { dataErrors++; return; }
      throw new Error(`${what}: ${(e as Error)?.stack ?? String(e)}`);
    }
  };
  const numRuns = original.length > 1e6 ? 120 : 250;
  const truncations = fc.check(fc.property(fc.integer({ min: 0, max: original.length }), (cut) => check(original.subarray(0, cut), `cut at byte ${cut}`)), { seed, numRuns });
  const flips = fc.check(fc.property(fc.array(fc.tuple(position, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (changes) => {
    const b = original.slice();
    for (const [at, v] of changes) b[at] = v;
    check(b, `bytes set ${JSON.stringify(changes)}`);
  }), { seed: seed + 1, numRuns });
  const failed = [truncations, flips].find((r) => r.failed);
  parentPort!.postMessage(failed
    ? { ok: false, error: `seed ${seed}: ${String(failed.errorInstance)} (counterexample ${JSON.stringify(failed.counterexample)})` }
    : { ok: true, cases, dataErrors });
}

if (isMainThread) registerTests(); else fuzzMain();

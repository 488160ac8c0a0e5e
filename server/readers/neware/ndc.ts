// Neware .ndc parts, the binary members of an .ndax. Byte 0 is the part's file type (1 data,
// 5 auxiliary, 7 steps, 18 run info), byte 2 its ndc version. After a file header page come pages
// of fixed-size rows (layouts from NewareNDA and fastnda, checked against the fixtures):
//   ndc 2:  512-byte pages of five 94-byte records from byte 5; an empty slot has index 0.
//   ndc 5+: 4096-byte pages: type (file type + 1) in bytes 0-1, the number of rows in bytes 2-3,
//           a bit per row slot from byte 4 (set = the slot holds a row), rows from byte 132.
// ndc 2 and 5 data rows are whole records (integers scaled by the current range, as in .nda);
// from ndc 11 on, data.ndc holds only voltage and current (one row per data point, the index is
// the slot's position), and the rest is in the run info (times, capacities, energies, Unix time,
// the running step number; a row only where something changed) and step parts (per step: the
// program's step id, its type and loop count).
import { DataProblem } from '../types';
import { i64, u64, wallClockSeconds } from './binary';
import { Records, warn } from './records';
import { RangeScale } from './scale';

export const NDC_DATA = 1, NDC_AUX = 5, NDC_STEP = 7, NDC_RUNINFO = 18;

export interface NdcHeader { filetype: number; version: number }

export function ndcHeader(b: Uint8Array): NdcHeader | undefined {
  return b.length >= 4 ? { filetype: b[0], version: b[2] } : undefined;
}

interface PageLayout { page: number; start: number; rowSize: number; perPage: number; bitmask: boolean }

function pageLayout(version: number, rowSize: number): PageLayout {
  if (version < 5) return { page: 512, start: 5, rowSize, perPage: Math.floor((512 - 5 - 1) / rowSize), bitmask: false };
  return { page: 4096, start: 132, rowSize, perPage: Math.floor((4096 - 132 - 1) / rowSize), bitmask: true };
}

/** Byte offsets of the rows the pages mark as present (rows cut by the end of the bytes are left out). */
function rowOffsets(b: Uint8Array, filetype: number, L: PageLayout, part: string, problems: DataProblem[]): Uint32Array {
  const pages = Math.max(0, Math.ceil((b.length - L.page) / L.page)); // after the file header, the last one perhaps cut
  const out = new Uint32Array(pages * L.perPage);
  let n = 0, badType = 0, badCount = 0, firstBad = -1;
  for (let p = 0; p < pages; p++) {
    const base = L.page * (p + 1);
    if (L.bitmask) {
      const type = b[base] | (b[base + 1] << 8);
      if (type !== filetype + 1) {
        let empty = true;
        for (let i = base; i < Math.min(b.length, base + 132) && empty; i++) empty = b[i] === 0;
        if (!empty) { if (badType++ === 0) firstBad = p + 1; }
        continue;
      }
      const count = b[base + 2] | (b[base + 3] << 8);
      let set = 0;
      for (let k = 0; k < L.perPage; k++) {
        if (!((b[base + 4 + (k >> 3)] >> (k & 7)) & 1)) continue;
        set++;
        const at = base + L.start + k * L.rowSize;
        if (at + L.rowSize <= b.length) out[n++] = at;
      }
      if (set !== count && base + L.page <= b.length) badCount++;
    } else {
      for (let k = 0; k < L.perPage; k++) {
        const at = base + L.start + k * L.rowSize;
        if (at + L.rowSize <= b.length) out[n++] = at;
      }
    }
  }
  if (badType) warn(problems, `${part}: ${badType} page(s) of the wrong type (first: page ${firstBad}, byte ${firstBad * L.page}) were skipped as damaged`);
  if (badCount) warn(problems, `${part}: in ${badCount} page(s) the row count disagrees with the row marks; the marked rows were read`);
  return out.subarray(0, n);
}

/** Position of a row among all slots (0-based): the data point number minus one in ndc 11 and later. */
function slotOf(at: number, L: PageLayout): number {
  const p = Math.floor(at / L.page) - 1;
  return p * L.perPage + (at - L.page * (p + 1) - L.start) / L.rowSize;
}

export const isSupported = (filetype: number, version: number): boolean => {
  const full = version === 2 || version === 5;
  const split = version === 11 || version === 14 || version === 16 || version === 17;
  if (filetype === NDC_DATA || filetype === NDC_AUX) return full || split;
  if (filetype === NDC_STEP || filetype === NDC_RUNINFO) return split;
  return false;
};

// ---------------------------------------------------------------------------------------------
// Data: whole records (ndc 2, 5)

/** ndc 2 rows are ndc 5 rows 7 bytes further in. */
const fullShift = (version: number) => (version < 5 ? 7 : 0);

export function readFullData(b: Uint8Array, version: number, scale: RangeScale, part: string, problems: DataProblem[]): Records {
  const L = pageLayout(version, version < 5 ? 94 : 87);
  const rows = rowOffsets(b, NDC_DATA, L, part, problems);
  const rec = new Records(rows.length);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const s = fullShift(version);
  for (let j = 0; j < rows.length; j++) {
    const at = rows[j] + s;
    if (s === 0 && b[at] !== 0x55) continue;
    const index = dv.getUint32(at + 1, true);
    if (index === 0) continue;
    const f = scale.factor(dv.getInt32(at + 75, true)) * 1e-3; // integer -> A, and mA·s -> A·s
    const k = rec.n++;
    rec.index[k] = index;
    rec.stepIndex[k] = b[at + 9];
    rec.stepType[k] = b[at + 10];
    rec.stepMark[k] = dv.getUint32(at + 5, true); // loop count
    rec.stepTime[k] = u64(dv, at + 16) / 1000;
    rec.voltage[k] = dv.getInt32(at + 24, true) * 1e-4;
    rec.current[k] = dv.getInt32(at + 28, true) * f;
    rec.chargeCapacity[k] = i64(dv, at + 36) * f;
    rec.dischargeCapacity[k] = i64(dv, at + 44) * f;
    rec.chargeEnergy[k] = i64(dv, at + 52) * f;
    rec.dischargeEnergy[k] = i64(dv, at + 60) * f;
    rec.dateTime[k] = wallClockSeconds(dv.getUint16(at + 68, true), b[at + 70], b[at + 71], b[at + 72], b[at + 73], b[at + 74]);
  }
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Data: voltage and current only (ndc 11 and later)

/** Index, voltage (V) and current (A) of each data point, in new Records the run info then completes. */
export function readVoltageCurrent(b: Uint8Array, version: number, part: string, problems: DataProblem[]): Records {
  const L = pageLayout(version, 8);
  const rows = rowOffsets(b, NDC_DATA, L, part, problems);
  const n = rows.length;
  const r = new Records(n);
  const { index, voltage, current } = r;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Units by version: ndc 11 V in 0.1 mV and I in mA; 14 and 17 V and A; 16 V in 0.1 mV, I in mA.
  const vScale = version === 11 || version === 16 ? 1e-4 : 1;
  const iScale = version === 14 || version === 17 ? 1 : 1e-3;
  for (let j = 0; j < n; j++) {
    const at = rows[j];
    index[j] = slotOf(at, L) + 1;
    voltage[j] = dv.getFloat32(at, true) * vScale;
    current[j] = dv.getFloat32(at + 4, true) * iScale;
  }
  r.n = n;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Run info (file type 18) and steps (file type 7)

export interface RunInfo {
  n: number;
  index: Float64Array;
  /** s */
  stepTime: Float64Array;
  /** A·s, J */
  chargeCapacity: Float64Array; dischargeCapacity: Float64Array; chargeEnergy: Float64Array; dischargeEnergy: Float64Array;
  /** The logging interval, s. */
  dt: Float64Array;
  /** s since 1970 (UTC). */
  dateTime: Float64Array;
  /** The running step number: row number of the step part. */
  step: Float64Array;
}

export function readRunInfo(b: Uint8Array, version: number, part: string, problems: DataProblem[]): RunInfo {
  const L = pageLayout(version, version === 11 ? 47 : version === 14 ? 55 : 100);
  const rows = rowOffsets(b, NDC_RUNINFO, L, part, problems);
  const n = rows.length;
  const make = () => new Float64Array(n);
  const r: RunInfo = {
    n: 0, index: make(), stepTime: make(), chargeCapacity: make(), dischargeCapacity: make(), chargeEnergy: make(),
    dischargeEnergy: make(), dt: make(), dateTime: make(), step: make(),
  };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Capacities and energies: mAs and mWs in ndc 11 and 16, Ah and Wh in 14 and 17.
  const q = version === 14 || version === 17 ? 3600 : 1e-3;
  for (let j = 0; j < n; j++) {
    const at = rows[j];
    const index = dv.getUint32(at + 41, true);
    if (index === 0) continue;
    const k = r.n++;
    r.index[k] = index;
    r.stepTime[k] = dv.getUint32(at, true) / 1000;
    r.chargeCapacity[k] = dv.getFloat32(at + 5, true) * q;
    r.dischargeCapacity[k] = dv.getFloat32(at + 9, true) * q;
    r.chargeEnergy[k] = dv.getFloat32(at + 13, true) * q;
    r.dischargeEnergy[k] = dv.getFloat32(at + 17, true) * q;
    r.dt[k] = dv.getInt32(at + 29, true) / 1000;
    r.dateTime[k] = dv.getUint32(at + 33, true) + dv.getUint16(at + 45, true) / 1000;
    r.step[k] = dv.getUint32(at + 37, true);
  }
  return r;
}

export interface Steps {
  n: number;
  /** Per step, in the order they ran (the run info's step number - 1). */
  stepIndex: Float64Array; stepType: Float64Array; loop: Float64Array;
}

export function readSteps(b: Uint8Array, version: number, part: string, problems: DataProblem[]): Steps {
  const L = pageLayout(version, version >= 16 ? 100 : 37);
  const rows = rowOffsets(b, NDC_STEP, L, part, problems);
  const n = rows.length;
  const s: Steps = { n, stepIndex: new Float64Array(n), stepType: new Float64Array(n), loop: new Float64Array(n) };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let j = 0; j < n; j++) {
    const at = rows[j];
    s.loop[j] = dv.getUint32(at, true);
    s.stepIndex[j] = dv.getUint32(at + 4, true);
    s.stepType[j] = b[at + 24];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Auxiliary channels (file type 5)

export interface AuxValues {
  /** What the values are: a voltage (V) and a temperature (°C) per record, or one value named by TestInfo.xml. */
  quantity: 'voltage' | 'temperature' | 'setpoint' | 'value';
  index: Float64Array;
  value: Float64Array;
}

export function readAux(b: Uint8Array, version: number, part: string, problems: DataProblem[]): AuxValues[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (version === 2 || version === 5) {
    const L = pageLayout(version, version < 5 ? 94 : 87);
    const rows = rowOffsets(b, NDC_AUX, L, part, problems);
    const s = fullShift(version);
    const idx: number[] = [], v: number[] = [], t: number[] = [], sp: number[] = [];
    let setpoints = false;
    for (const row of rows) {
      const at = row + s;
      const id = b[at];
      if (s === 0 && id !== 0x65 && id !== 0x74) continue;
      const index = dv.getUint32(at + 1, true);
      if (index === 0) continue;
      idx.push(index);
      v.push(dv.getInt32(at + 24, true) * 1e-4);
      t.push(dv.getInt16(at + 34, true) / 10);
      const setpoint = dv.getInt16(at + 36, true) / 10;
      sp.push(setpoint);
      if (setpoint !== 0) setpoints = true;
    }
    const index = Float64Array.from(idx);
    const out: AuxValues[] = [
      { quantity: 'voltage', index, value: Float64Array.from(v) },
      { quantity: 'temperature', index, value: Float64Array.from(t) },
    ];
    if (setpoints) out.push({ quantity: 'setpoint', index, value: Float64Array.from(sp) });
    return out;
  }
  if (version === 14 || version === 17) {
    const L = pageLayout(version, 4);
    const rows = rowOffsets(b, NDC_AUX, L, part, problems);
    const index = new Float64Array(rows.length), value = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) {
      index[j] = slotOf(rows[j], L) + 1;
      value[j] = dv.getFloat32(rows[j], true);
    }
    return [{ quantity: 'value', index, value }];
  }
  // ndc 11 and 16: the first row's identifier says which rows the part holds.
  const first = 4096 + 132;
  const id = b.length > first ? b[first] : 0;
  if (id === 0x65) {
    const L = pageLayout(version, 7);
    const rows = rowOffsets(b, NDC_AUX, L, part, problems);
    const n = rows.length;
    const index = new Float64Array(n), v = new Float64Array(n), t = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const at = rows[j];
      index[j] = slotOf(at, L) + 1;
      v[j] = dv.getFloat32(at + 1, true) * 1e-4;
      t[j] = dv.getInt16(at + 5, true) / 10;
    }
    return [{ quantity: 'voltage', index, value: v }, { quantity: 'temperature', index, value: t }];
  }
  if (id === 0x74 && version === 11) {
    const L = pageLayout(version, 88);
    const rows = rowOffsets(b, NDC_AUX, L, part, problems);
    const idx: number[] = [], t: number[] = [];
    for (const at of rows) {
      if (b[at] !== 0x74) continue;
      const index = dv.getUint32(at + 1, true);
      if (index === 0) continue;
      idx.push(index);
      t.push(dv.getInt16(at + 35, true) / 10);
    }
    return [{ quantity: 'temperature', index: Float64Array.from(idx), value: Float64Array.from(t) }];
  }
  warn(problems, `${part}: its rows start with 0x${id.toString(16)}, a kind of ndc ${version} auxiliary row that is not read; the channel is left out`);
  return [];
}

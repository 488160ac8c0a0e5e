// The columns every Neware layout fills, record by record, into preallocated Float64Arrays, and
// the one place that turns them into a DataTable: order by index, the running step number, the
// charge-first cycle, test and step time from whichever of the two the layout stores, auxiliary
// channels joined by index, SI units and step-type labels.
import { Column, ColumnKind, DataError, DataProblem, DataTable, FormatId } from '../types';
import { chargeFirstCycles, stepTypeLabels } from './steps';

/** Per-record values as the layouts decode them (NaN where a layout does not store the field). */
export class Records {
  n = 0;
  readonly index: Float64Array;
  /** The step's id in the step program (Step_Index), repeated by every loop. */
  readonly stepIndex: Float64Array;
  readonly stepType: Float64Array;
  /** A per-step marker that changes at every new step: a jump counter or the running step number. */
  readonly stepMark: Float64Array;
  /** s since the start of the step / of the test. */
  readonly stepTime: Float64Array;
  readonly testTime: Float64Array;
  /** V, and A (positive = charge, as Neware signs it). */
  readonly voltage: Float64Array;
  readonly current: Float64Array;
  /** A·s and J, each counted from zero per step as Neware does. */
  readonly chargeCapacity: Float64Array;
  readonly dischargeCapacity: Float64Array;
  readonly chargeEnergy: Float64Array;
  readonly dischargeEnergy: Float64Array;
  /** s since 1970-01-01T00:00:00Z. */
  readonly dateTime: Float64Array;

  constructor(readonly capacity: number) {
    const make = () => new Float64Array(capacity);
    this.index = make(); this.stepIndex = make(); this.stepType = make(); this.stepMark = make();
    this.stepTime = make(); this.testTime = make(); this.voltage = make(); this.current = make();
    this.chargeCapacity = make(); this.dischargeCapacity = make(); this.chargeEnergy = make();
    this.dischargeEnergy = make(); this.dateTime = make();
  }

  all(): Float64Array[] {
    return [this.index, this.stepIndex, this.stepType, this.stepMark, this.stepTime, this.testTime, this.voltage,
      this.current, this.chargeCapacity, this.dischargeCapacity, this.chargeEnergy, this.dischargeEnergy, this.dateTime];
  }
}

/** Values of one auxiliary quantity (T1, V1, ...), keyed by the data record's index. */
export class AuxSeries {
  n = 0;
  index: Float64Array;
  value: Float64Array;
  constructor(
    readonly name: string, readonly kind: ColumnKind, readonly sourceUnit: string,
    /** From the stored unit to SI (°C -> K is an offset). */
    readonly toSI: (v: number) => number,
    /** Records that carry both a voltage and a temperature leave the unused one at 0: such a series is left out. */
    readonly dropIfAllZero = false,
    capacity = 1024,
  ) {
    this.index = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  push(index: number, value: number): void {
    if (this.n === this.index.length) {
      const grow = (a: Float64Array) => { const b = new Float64Array(a.length * 2); b.set(a); return b; };
      this.index = grow(this.index);
      this.value = grow(this.value);
    }
    this.index[this.n] = index;
    this.value[this.n++] = value;
  }
}

export const celsiusToKelvin = (c: number): number => c + 273.15;
export const identity = (v: number): number => v;

/** Which of the time fields the layout stores; the other is derived. */
export interface TimeFields { stepTime: boolean; testTime: boolean }

export interface TableParts {
  file: string;
  format: FormatId;
  /** What to call the file in messages ("the .nda", "the .ndax"). */
  noun: string;
  records: Records;
  aux: AuxSeries[];
  stored: TimeFields;
  meta: Record<string, string>;
  problems: DataProblem[];
  /** False when the layout stores no step type (an .ndax without its step part). */
  hasStepTypes?: boolean;
}

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

export function warn(problems: DataProblem[], message: string): void {
  problems.push({ line: 0, message, severity: 'warning' });
}

/** Sort the records by index when they are not in order, and drop repeated indices (keeping the first). */
function orderByIndex(r: Records, parts: TableParts): void {
  const idx = r.index;
  let ordered = true;
  for (let i = 1; i < r.n; i++) if (!(idx[i] > idx[i - 1])) { ordered = false; break; }
  if (ordered) return;
  const perm = new Uint32Array(r.n);
  for (let i = 0; i < r.n; i++) perm[i] = i;
  let outOfOrder = 0;
  for (let i = 1; i < r.n; i++) if (idx[i] < idx[i - 1]) outOfOrder++;
  if (outOfOrder) perm.sort((a, b) => idx[a] - idx[b] || a - b);
  // Keep the first record of each index (Neware rewrites a record when a test resumes).
  let kept = 0;
  for (let i = 0; i < r.n; i++) {
    if (kept > 0 && idx[perm[i]] === idx[perm[kept - 1]]) continue;
    perm[kept++] = perm[i];
  }
  const dropped = r.n - kept;
  const tmp = new Float64Array(kept);
  for (const col of r.all()) {
    for (let i = 0; i < kept; i++) tmp[i] = col[perm[i]];
    col.set(tmp);
  }
  r.n = kept;
  if (outOfOrder) warn(parts.problems, `${parts.noun}: ${outOfOrder} record(s) were out of order and were sorted by their index`);
  if (dropped) warn(parts.problems, `${parts.noun}: ${dropped} record(s) repeat an index already read and were left out`);
}

/** The running step number: 1, then +1 whenever the step id or the step marker changes (written over the markers). */
function stepNumbers(r: Records): Float64Array {
  const mark = r.stepMark, id = r.stepIndex;
  let step = 0, prevMark = NaN, prevId = NaN;
  for (let i = 0; i < r.n; i++) {
    const m = mark[i], s = id[i];
    if (i === 0 || !same(s, prevId) || !same(m, prevMark)) step++;
    prevMark = m;
    prevId = s;
    mark[i] = step;
  }
  return mark.subarray(0, r.n);
}

/**
 * Test time from step time: each step adds its last step time to the ones before (a step's last
 * record is logged when it ends, and the next step's clock starts from 0 there).
 */
function testTimeFromStepTime(r: Records, step: Float64Array): void {
  let offset = 0;
  let lastStepTime = 0;
  for (let i = 0; i < r.n; i++) {
    if (i > 0 && step[i] !== step[i - 1]) offset += lastStepTime;
    const t = r.stepTime[i];
    if (t === t) lastStepTime = t;
    r.testTime[i] = offset + t;
  }
}

/** Step time from test time: the time since the last record of the step before. */
function stepTimeFromTestTime(r: Records, step: Float64Array): void {
  let start = 0;
  for (let i = 0; i < r.n; i++) {
    if (i > 0 && step[i] !== step[i - 1]) start = r.testTime[i - 1];
    r.stepTime[i] = r.testTime[i] - start;
  }
}

/** The aux values in data-row order (NaN where a row has none), joined on the index. */
function alignAux(a: AuxSeries, dataIndex: Float64Array, n: number): Float64Array {
  // One value per data row, in the same order (BTS 9.1): convert in place.
  if (a.n === n) {
    let sameRows = true;
    for (let i = 0; i < n && sameRows; i++) sameRows = a.index[i] === dataIndex[i];
    if (sameRows) {
      const v = a.value.subarray(0, n);
      for (let i = 0; i < n; i++) v[i] = a.toSI(v[i]);
      return v;
    }
  }
  const out = new Float64Array(n).fill(NaN);
  let order: Uint32Array | undefined;
  for (let i = 1; i < a.n; i++) {
    if (a.index[i] < a.index[i - 1]) {
      order = new Uint32Array(a.n);
      for (let k = 0; k < a.n; k++) order[k] = k;
      order.sort((x, y) => a.index[x] - a.index[y] || x - y);
      break;
    }
  }
  let j = 0;
  for (let k = 0; k < a.n; k++) {
    const at = order ? order[k] : k;
    const key = a.index[at];
    while (j < n && dataIndex[j] < key) j++;
    if (j === n) break;
    if (dataIndex[j] === key && out[j] !== out[j]) out[j] = a.toSI(a.value[at]);
  }
  return out;
}

const col = (name: string, kind: ColumnKind, sourceUnit: string, values: Float64Array, labels?: Record<number, string>): Column =>
  labels ? { name, kind, sourceUnit, values, labels } : { name, kind, sourceUnit, values };

export function buildTable(parts: TableParts): DataTable {
  const r = parts.records;
  if (r.n === 0) throw new DataError(parts.file, 0, `${parts.noun} holds no data records`);
  orderByIndex(r, parts);
  const n = r.n;
  const cut = (a: Float64Array) => (a.length === n ? a : a.subarray(0, n));

  const step = stepNumbers(r);
  if (!parts.stored.testTime) testTimeFromStepTime(r, step);
  if (!parts.stored.stepTime) stepTimeFromTestTime(r, step);

  const columns: Column[] = [col('Index', 'index', '', cut(r.index))];
  const hasTypes = parts.hasStepTypes !== false;
  if (hasTypes) columns.push(col('Cycle', 'cycle', '', chargeFirstCycles(cut(r.stepType))));
  columns.push(col('Step', 'step', '', step));
  if (hasTypes) columns.push(col('Step_Index', 'other', '', cut(r.stepIndex)));
  if (hasTypes) {
    const types = cut(r.stepType);
    const { labels, unknown } = stepTypeLabels(types);
    if (unknown.length) warn(parts.problems, `${parts.noun}: step type code(s) ${unknown.join(', ')} are not in Neware's table of step types; they are labelled Unknown_<code>`);
    columns.push(col('Status', 'stepType', '', types, labels));
  }
  // Binary records write no units: sourceUnit is the unit BTSDA shows for the quantity.
  columns.push(
    col('Test_Time', 'time', 's', cut(r.testTime)),
    col('Step_Time', 'stepTime', 's', cut(r.stepTime)),
    col('Voltage', 'voltage', 'V', cut(r.voltage)),
    col('Current', 'current', 'mA', cut(r.current)),
    col('Charge_Capacity', 'chargeCapacity', 'mAh', cut(r.chargeCapacity)),
    col('Discharge_Capacity', 'dischargeCapacity', 'mAh', cut(r.dischargeCapacity)),
    col('Charge_Energy', 'chargeEnergy', 'mWh', cut(r.chargeEnergy)),
    col('Discharge_Energy', 'dischargeEnergy', 'mWh', cut(r.dischargeEnergy)),
    col('Timestamp', 'dateTime', 's', cut(r.dateTime)),
  );
  for (const a of parts.aux) {
    if (a.n === 0 || (a.dropIfAllZero && a.value.subarray(0, a.n).every((v) => v === 0))) continue;
    columns.push(col(a.name, a.kind, a.sourceUnit, alignAux(a, r.index, n)));
  }
  return {
    file: parts.file, format: parts.format, rows: n, columns, lineOfRow: () => 0, meta: parts.meta, problems: parts.problems,
  };
}

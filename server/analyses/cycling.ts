// Galvanostatic cycling of full cells (domain.md: capacity bookkeeping, full-cell and rate
// protocols), in stages: half-cycles and their charges (halfCycles.ts: the file's capacity counter,
// or the current integral), cycles, then coulombic efficiency, retention against a stated reference
// cycle, mean CE and failure (CE leaving its band, or a soft short during charge).
import { formatNumber, formatQuantity, formatSI } from '../domain/format';
import {
  Estimate, PlotSeries, Result, Samples, checkNumber, cleanColumns, est, failure, guarded, isSamples, meanEstimate, series,
} from './common';
import { RowColumns, RowFindings, RowResume, resumeRows, scanRows } from './cyclingRows';
import { CapacityCounter, CapacityFrom, halfCycleCapacities } from './halfCycles';

export type { CapacityCounter, CapacityFrom } from './halfCycles';

export interface CyclingInput {
  time: Samples;     // s
  voltage: Samples;  // V
  current: Samples;  // A
  /** The instrument's cycle number; when absent, cycles are split at current sign changes. */
  cycle?: Samples;
  /** The instrument's half-cycle index (EC-Lab's "half cycle"): a half-cycle also ends where it changes. */
  halfCycle?: Samples;
  /**
   * The instrument's capacity counter (C), when the file has one: one column for both directions
   * ((Q-Qo), Q charge/discharge, a cycler's Capacity) or one per direction (Charge_Capacity,
   * Discharge_Capacity). Per-half-cycle charges come from it instead of the current integral when
   * it agrees with the integral within 10 %; `name` names it in the derivation.
   */
  counter?: CapacityCounter;
  activeMass: number; // kg of cathode active material
  area: number;       // m²
  /** The sign of a charging current as the instrument records it (default +1: positive = charge). */
  chargeSign?: 1 | -1;
  /** Formation cycles before the regular ones (default 0). Cycle numbers in these options are
   *  1-based positions in the data, whatever the instrument's own numbering (kept as `label`). */
  precycles?: number;
  /** 1-based cycle that retention is measured against (default: the first after the precycles). */
  referenceCycle?: number;
  /** CE outside [lo, hi] after the precycles is a failure (default [0.95, 1.05]). */
  ceBand?: readonly [number, number];
  /** 1-based inclusive cycles of the mean CE (default: reference cycle to the last complete one). */
  meanCeRange?: readonly [number, number];
  /** A drop of the (5-sample median) voltage below its running maximum during a charge larger than this is a soft short (V, default 0.03). */
  softShortDrop?: number;
  /** |I| below this fraction of the typical flowing |I| is rest (default 0.01). */
  restFraction?: number;
}

/** A charge in three normalisations. */
export interface Capacity {
  total: Estimate;   // C
  perMass: Estimate; // C/kg of active material
  perArea: Estimate; // C/m²
}

export interface CycleResult {
  /** 1-based position in the data. */
  cycle: number;
  /** The instrument's cycle number, when a cycle column was given. */
  label?: number;
  start: number; // s
  end: number;   // s
  charge: Capacity;
  discharge: Capacity;
  /** Whether the cycle has both a charge and a full discharge (the last may be cut short by the data). */
  complete: boolean;
  /** discharge / charge (''), complete cycles only. */
  ce?: Estimate;
  /** discharge / discharge of the reference cycle (''), complete cycles only. */
  retention?: Estimate;
  /** Median |I| while current flows (A). */
  current: Estimate;
  /** A sharp voltage drop during charge: time (s) and depth (V). */
  softShort?: { time: number; drop: number };
}

export interface CyclingEvent {
  cycle: number;
  kind: 'ce-out-of-band' | 'soft-short';
  time: number; // s
  detail: string;
}

export interface CyclingValues {
  cycles: CycleResult[];
  chargeSign: 1 | -1;
  precycles: number;
  /** Where the per-cycle charges come from: the file's capacity counter, or the integral of the current. */
  capacityFrom: CapacityFrom;
  /** The reference cycle of the retention (1-based); absent when no complete cycle qualifies. */
  referenceCycle?: number;
  /** Mean CE (±SE) over meanCeRange. */
  meanCe?: Estimate;
  meanCeRange?: [number, number];
  /** Retention of the last complete cycle (''). */
  finalRetention?: Estimate;
  /** The first failure, when there is one. */
  failure?: CyclingEvent;
  events: CyclingEvent[];
}

export type CyclingResult = Result<CyclingValues>;

/** The version of the cycling analysis's results: results kept on disk by an older one are not used (bump on any change to what it finds). */
export const CYCLING_ANALYSIS_VERSION = 1;

/**
 * Splits the data into half-cycles and cycles, takes the charge of each half-cycle from the
 * file's capacity counter or the trapezoids of the signed current (halfCycles.ts: never across an
 * unsampled gap where the current changes), then CE, retention and failure. Without a cycle column
 * a cycle is a charge followed by a discharge: a new one starts when charging resumes after a
 * discharge. With one, each contiguous run of one cycle number is a cycle, in whatever order the
 * instrument puts charge and discharge.
 */
export function cyclingSummary(input: CyclingInput): CyclingResult {
  return guarded('the cycling analysis', () => runCycling(input, undefined, false).result);
}

/** What the analysis of a run still being recorded keeps to read on when rows are added (opaque). */
export type CyclingResume = RowResume;

/**
 * The cycling summary of a run whose columns grow (a file still being written): exactly what
 * cyclingSummary gives for the same columns, with what it takes to analyse them again after rows
 * are appended. Given the previous call's `resume` (the columns it saw must be the first rows of
 * these), only the rows from the start of the last cycle on are read again, unless a global
 * threshold now classifies an earlier row otherwise (cyclingRows.ts). `previous` is used up.
 */
export function cyclingSummaryResumable(input: CyclingInput, previous?: CyclingResume): { result: CyclingResult; resume?: CyclingResume } {
  let resume: CyclingResume | undefined;
  const result = guarded('the cycling analysis', () => {
    const r = runCycling(input, previous, true);
    resume = r.resume;
    return r.result;
  });
  return { result, resume: result.ok ? resume : undefined };
}

interface Settings { sign: 1 | -1; ceBand: readonly [number, number]; dropLimit: number; restFraction: number }

function runCycling(input: CyclingInput, previous: CyclingResume | undefined, keep: boolean): { result: CyclingResult; resume?: CyclingResume } {
  if (!input || typeof input !== 'object') return { result: failure('no input given') };
  const settings = readSettings(input);
  if (typeof settings === 'string') return { result: failure(settings) };
  const rows = (previous && resumed(input, settings, previous)) || scanned(input, settings, keep);
  if ('error' in rows) return { result: failure(rows.error, rows.warnings) };
  const { found, warnings, counter } = rows;
  const charges = halfCycleCapacities({ capacity: found.integral, gaps: found.gaps }, found.halves, counter, warnings);
  const cycles = buildCycles(found, charges.capacity, input);
  const stats = cycleStatistics(cycles, input, settings, warnings);
  return { result: describe(cycles, stats, charges, input, settings, warnings), resume: rows.resume };
}

function readSettings(input: CyclingInput): Settings | string {
  const bad = checkNumber('activeMass', input.activeMass, { positive: true }) ?? checkNumber('area', input.area, { positive: true });
  if (bad) return bad;
  const sign = input.chargeSign ?? 1;
  if (sign !== 1 && sign !== -1) return 'chargeSign must be 1 or -1';
  const ceBand = input.ceBand ?? [0.95, 1.05];
  if (!(Number.isFinite(ceBand[0]) && Number.isFinite(ceBand[1]) && ceBand[0] < ceBand[1])) return 'ceBand must be [lo, hi] with lo < hi';
  const dropLimit = input.softShortDrop ?? 0.03;
  if (!(dropLimit > 0)) return 'softShortDrop must be positive (V)';
  return { sign, ceBand, dropLimit, restFraction: input.restFraction ?? 0.01 };
}

type Rows = { found: RowFindings; warnings: string[]; counter?: CapacityCounter; resume?: CyclingResume } | { error: string; warnings: string[] };

/** Clean columns (rows with a non-finite value left out) and the row pass over all of them. */
function scanned(input: CyclingInput, settings: Settings, keep: boolean): Rows {
  const named: [string, unknown][] = [['time', input.time], ['voltage', input.voltage], ['current', input.current]];
  if (input.cycle !== undefined) named.push(['cycle', input.cycle]);
  // The row pass only reads the columns: clean typed ones need no copy.
  const c = cleanColumns(named, 2, 0, { shareWhenClean: true });
  if ('error' in c) return { error: c.error, warnings: [] };
  const [t, v, i] = c.cols;
  const n = t.length;
  const allKept = n === input.time.length;
  // Optional columns follow the rows kept by cleanColumns.
  const kept = (a: Samples | undefined): Float64Array | undefined => {
    if (!a || a.length !== input.time.length) return undefined;
    if (allKept) return a instanceof Float64Array ? a : Float64Array.from(a);
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = a[c.rows[k]];
    return out;
  };
  const cols: RowColumns = { t, v, i, cycle: c.cols[3], halfIndex: kept(input.halfCycle) };
  // Only a run without left-out rows reads on: its rows are the caller's rows.
  const r = scanRows(cols, n, settings, keep && allKept);
  if ('error' in r) return { error: r.error, warnings: c.warnings };
  return { found: r.found, warnings: c.warnings, counter: counterOf(input, kept), resume: r.resume };
}

/** The row pass read on from `previous`, when the columns are the rows it saw and more (all finite, typed). */
function resumed(input: CyclingInput, settings: Settings, previous: CyclingResume): Rows | undefined {
  const n = input.time?.length;
  const typed = (a: unknown) => a === undefined || (a instanceof Float64Array && a.length === n);
  if (!(isSamples(input.time) && typed(input.time) && typed(input.voltage) && typed(input.current) && typed(input.cycle))) return undefined;
  const counter = input.counter;
  if (counter && !(typed(counter.both) && typed(counter.charge) && typed(counter.discharge))) return undefined;
  if (input.halfCycle !== undefined && !typed(input.halfCycle)) return undefined;
  const cols: RowColumns = {
    t: input.time as Float64Array, v: input.voltage as Float64Array, i: input.current as Float64Array,
    cycle: input.cycle as Float64Array | undefined, halfIndex: input.halfCycle as Float64Array | undefined,
  };
  const r = resumeRows(cols, n, settings, previous);
  if (!r) return undefined;
  return { found: r.found, warnings: [], counter: counterOf(input, (a) => a as Float64Array | undefined), resume: r.resume };
}

function counterOf(input: CyclingInput, kept: (a: Samples | undefined) => Float64Array | undefined): CapacityCounter | undefined {
  return input.counter && {
    name: input.counter.name, both: kept(input.counter.both as Samples | undefined), charge: kept(input.counter.charge as Samples | undefined), discharge: kept(input.counter.discharge as Samples | undefined),
  };
}

/** The cycles: charge and discharge summed over their half-cycles, times, current, soft shorts. */
function buildCycles(f: RowFindings, charge: number[], input: CyclingInput): CycleResult[] {
  const m = f.start.length;
  const qc = new Float64Array(m), qd = new Float64Array(m);
  f.halves.forEach((h, j) => { if (h.sign > 0) qc[h.cycle] += charge[j]; else qd[h.cycle] += charge[j]; });
  const mk = (q: number): Capacity => ({ total: est(q, 'C'), perMass: est(q / input.activeMass, 'C/kg'), perArea: est(q / input.area, 'C/m²') });
  let maxQ = -Infinity; // Math.max of all of them (NaN when one is), without spreading a long array
  for (let j = 0; j < m; j++) maxQ = Math.max(maxQ, qc[j], qd[j]);
  return Array.from({ length: m }, (_, j) => {
    const short = f.softShort[j];
    return {
      cycle: j + 1, label: f.labels?.[j], start: f.start[j], end: f.end[j],
      charge: mk(qc[j]), discharge: mk(qd[j]), complete: qc[j] > 1e-3 * maxQ && qd[j] > 1e-3 * maxQ,
      current: est(f.current[j], 'A'), softShort: short && { time: short.time, drop: short.drop },
    };
  });
}

interface Statistics { precycles: number; ref: number; refCycle?: CycleResult; range?: [number, number]; meanCe?: Estimate; events: CyclingEvent[] }

/** Completeness of the last cycle, CE, retention against the reference cycle, mean CE, failures. */
function cycleStatistics(cycles: CycleResult[], input: CyclingInput, settings: Settings, warnings: string[]): Statistics {
  checkCompleteness(cycles, warnings);
  for (const x of cycles) if (x.complete) x.ce = est(x.discharge.total.value / x.charge.total.value, '');
  const precycles = Math.max(0, Math.floor(input.precycles ?? 0));
  if (input.precycles === undefined && cycles.length >= 2 && cycles[0].current.value < 0.5 * cycles[1].current.value) {
    warnings.push(`Cycle 1 runs at a lower current (${formatSI(cycles[0].current.value, 'A')}) than cycle 2 (${formatSI(cycles[1].current.value, 'A')}): if it is a formation precycle, declare it in the protocol (precycle 1 at its C-rate) so that retention refers to cycle 2.`);
  }
  const { ref, refCycle } = referenceCycle(cycles, input.referenceCycle !== undefined ? Math.floor(input.referenceCycle) : precycles + 1, warnings);
  if (refCycle) {
    const q0 = refCycle.discharge.total.value;
    for (const x of cycles) if (x.complete) x.retention = est(x.discharge.total.value / q0, '');
  }
  const { range, meanCe } = meanCoulombicEfficiency(cycles, input.meanCeRange, refCycle, warnings);
  return { precycles, ref, refCycle, range, meanCe, events: failures(cycles, precycles, settings.ceBand) };
}

function checkCompleteness(cycles: CycleResult[], warnings: string[]): void {
  const m = cycles.length;
  const maxQ = Math.max(...cycles.map((c) => Math.max(c.charge.total.value, c.discharge.total.value)));
  const lastC = cycles[m - 1];
  const prevComplete = [...cycles.slice(0, -1)].reverse().find((x) => x.complete);
  if (lastC.complete && prevComplete && lastC.discharge.total.value < 0.5 * prevComplete.discharge.total.value) {
    lastC.complete = false;
    warnings.push(`The last cycle (${lastC.cycle}) delivered under half the discharge of cycle ${prevComplete.cycle}: the data seem to end mid-discharge, so it is left out of CE and retention.`);
  } else if (!lastC.complete && m > 1) {
    warnings.push(`The last cycle (${lastC.cycle}) lacks a ${lastC.charge.total.value > 1e-3 * maxQ ? 'discharge' : 'charge'}: it is left out of CE and retention.`);
  }
  const incompleteInside = cycles.slice(0, -1).filter((x) => !x.complete).map((x) => x.cycle);
  if (incompleteInside.length > 0) warnings.push(`Cycle${incompleteInside.length > 1 ? 's' : ''} ${incompleteInside.slice(0, 10).join(', ')} lack${incompleteInside.length > 1 ? '' : 's'} a charge or a discharge.`);
}

function referenceCycle(cycles: CycleResult[], asked: number, warnings: string[]): { ref: number; refCycle?: CycleResult } {
  const refCycle: CycleResult | undefined = cycles[asked - 1];
  if (refCycle && refCycle.complete) return { ref: asked, refCycle };
  const next = cycles.find((x) => x.cycle > asked && x.complete);
  warnings.push(next
    ? `Reference cycle ${asked} is ${refCycle ? 'incomplete' : 'not in the data'}: retention refers to cycle ${next.cycle} instead.`
    : `Reference cycle ${asked} is ${refCycle ? 'incomplete' : 'not in the data'} and no later cycle is complete: no retention.`);
  return { ref: next ? next.cycle : asked, refCycle: next };
}

function meanCoulombicEfficiency(cycles: CycleResult[], asked: CyclingInput['meanCeRange'], refCycle: CycleResult | undefined, warnings: string[]): { range?: [number, number]; meanCe?: Estimate } {
  const completeCycles = cycles.filter((x) => x.complete);
  const lastComplete = completeCycles[completeCycles.length - 1];
  let range: [number, number] | undefined;
  if (asked) {
    const [a, b] = asked;
    if (Number.isFinite(a) && Number.isFinite(b) && a <= b) range = [Math.floor(a), Math.floor(b)];
    else warnings.push('meanCeRange must be [first, last] cycle numbers with first ≤ last: ignored.');
  } else if (refCycle && lastComplete) {
    range = [refCycle.cycle, lastComplete.cycle];
  }
  if (!range) return {};
  const ces = cycles.filter((x) => x.cycle >= range![0] && x.cycle <= range![1] && x.ce).map((x) => x.ce!.value);
  if (ces.length > 0) return { range, meanCe: meanEstimate(ces, '') };
  warnings.push(`No complete cycle in ${range[0]}–${range[1]}: no mean CE.`);
  return { range };
}

/** Failure: CE out of band after the precycles, or a soft short in any cycle; in order. */
function failures(cycles: CycleResult[], precycles: number, [ceLo, ceHi]: readonly [number, number]): CyclingEvent[] {
  const events: CyclingEvent[] = [];
  for (const x of cycles) {
    if (x.softShort) {
      events.push({ cycle: x.cycle, kind: 'soft-short', time: x.softShort.time, detail: `the voltage fell ${formatNumber(x.softShort.drop * 1e3)} mV below its running maximum while charging at ${formatQuantity(x.softShort.time, 'h')} (${formatNumber(x.softShort.time)} s)` });
    }
    if (x.ce && x.cycle > precycles && (x.ce.value < ceLo || x.ce.value > ceHi)) {
      events.push({ cycle: x.cycle, kind: 'ce-out-of-band', time: x.end, detail: `CE ${formatNumber(x.ce.value * 100)} % outside ${formatNumber(ceLo * 100)}–${formatNumber(ceHi * 100)} %` });
    }
  }
  return events.sort((a, b) => a.cycle - b.cycle || a.time - b.time);
}

function describe(cycles: CycleResult[], st: Statistics, charges: { from: CapacityFrom; gaps: number }, input: CyclingInput, settings: Settings, warnings: string[]): CyclingResult {
  const completeCycles = cycles.filter((x) => x.complete);
  const lastComplete = completeCycles[completeCycles.length - 1];
  const fail = st.events[0];
  const points: PlotSeries[] = [
    series('discharge capacity', 'markers', '', 'C/kg', { x: completeCycles.map((x) => x.cycle), y: completeCycles.map((x) => x.discharge.perMass.value) }),
    series('coulombic efficiency', 'markers', '', '', { x: completeCycles.map((x) => x.cycle), y: completeCycles.map((x) => x.ce!.value) }),
  ];
  if (fail) points.push(series('failure', 'markers', '', '', { x: [fail.cycle], y: [cycles[fail.cycle - 1].ce?.value ?? 0] }));
  const finalRetention = lastComplete?.retention;
  const split = input.cycle !== undefined ? 'by the cycle column' : `at current sign changes (charge = ${settings.sign > 0 ? 'positive' : 'negative'} current as recorded)`;
  const from = charges.from.method === 'counter'
    ? `capacities from the file's counter ${charges.from.column} (its change over each half-cycle)`
    : `capacities by trapezoids of the current${charges.gaps ? `, not across the ${charges.gaps} unsampled gap${charges.gaps > 1 ? 's' : ''} where the current changes` : ''}`;
  const { ref, refCycle, meanCe, range } = st;
  return {
    ok: true, cycles, chargeSign: settings.sign, precycles: st.precycles, capacityFrom: charges.from, referenceCycle: refCycle ? ref : undefined, meanCe, meanCeRange: range,
    finalRetention, failure: fail, events: st.events,
    derivation: `${cycles.length} cycles split ${split}; ${from}, per ${formatSI(input.activeMass, 'kg')} active and ${formatSI(input.area, 'm²')}; CE = discharge/charge${refCycle ? `; retention vs cycle ${ref}${finalRetention ? ` = ${formatNumber(finalRetention.value * 100, 3)} % at cycle ${lastComplete!.cycle}` : ''}` : ''}${meanCe ? `; mean CE ${formatNumber(meanCe.value * 100)} % over cycles ${range![0]}–${range![1]}` : ''}; ${fail ? `first failure at cycle ${fail.cycle}: ${fail.detail}` : 'no failure'}.`,
    warnings, points,
  };
}

// ---------------------------------------------------------------------------------------------

export interface RateSegment {
  /** C-rate of the segment (per hour), as the caller planned it. */
  rate: number;
  /** 1-based inclusive cycle range. */
  firstCycle: number;
  lastCycle: number;
}

export interface RateRow {
  rate: number;
  firstCycle: number;
  lastCycle: number;
  /** Complete cycles averaged. */
  n: number;
  /** Mean discharge capacity ± SE (C/kg, C/m², C). */
  discharge: Capacity;
}

export interface RateValues {
  rows: RateRow[];
  /** Last segment over the first when both run at the same rate (''): recovery after the rate test. */
  recovery?: Estimate;
}

export type RateResult = Result<RateValues>;

/** Mean discharge capacity per C-rate segment of a cycling summary. */
export function rateTable(summary: { cycles: readonly CycleResult[] }, segments: readonly RateSegment[]): RateResult {
  return guarded('the rate table', () => runRate(summary, segments));
}

function runRate(summary: { cycles: readonly CycleResult[] }, segments: readonly RateSegment[]): RateResult {
  if (!summary || !Array.isArray(summary.cycles)) return failure('rateTable needs the cycles of a cyclingSummary');
  if (!Array.isArray(segments) || segments.length === 0) return failure('rateTable needs at least one segment { rate, firstCycle, lastCycle }');
  const warnings: string[] = [];
  const rows: RateRow[] = [];
  for (const s of segments) {
    if (!(Number.isFinite(s?.rate) && s.rate > 0 && Number.isFinite(s.firstCycle) && Number.isFinite(s.lastCycle) && s.firstCycle <= s.lastCycle)) {
      return failure(`a segment must have a positive rate and firstCycle ≤ lastCycle (got ${JSON.stringify(s)})`);
    }
    const sel = summary.cycles.filter((x) => x.complete && x.cycle >= s.firstCycle && x.cycle <= s.lastCycle);
    if (sel.length === 0) { warnings.push(`No complete cycle in ${s.firstCycle}–${s.lastCycle} (${s.rate} C): the segment is left out.`); continue; }
    if (sel.length < s.lastCycle - s.firstCycle + 1) warnings.push(`Segment ${s.rate} C averages ${sel.length} of its ${s.lastCycle - s.firstCycle + 1} cycles (the others are missing or incomplete).`);
    rows.push({
      rate: s.rate, firstCycle: s.firstCycle, lastCycle: s.lastCycle, n: sel.length,
      discharge: {
        total: meanEstimate(sel.map((x) => x.discharge.total.value), 'C'),
        perMass: meanEstimate(sel.map((x) => x.discharge.perMass.value), 'C/kg'),
        perArea: meanEstimate(sel.map((x) => x.discharge.perArea.value), 'C/m²'),
      },
    });
  }
  if (rows.length === 0) return failure('no segment has a complete cycle', warnings);
  let recovery: Estimate | undefined;
  const first = rows[0], last = rows[rows.length - 1];
  if (rows.length >= 2 && last.rate === first.rate) {
    const a = last.discharge.perMass, b = first.discharge.perMass;
    const r = a.value / b.value;
    const se = a.stderr !== undefined && b.stderr !== undefined ? r * Math.hypot(a.stderr / a.value, b.stderr / b.value) : undefined;
    recovery = est(r, '', se);
  }
  return {
    ok: true, rows, recovery,
    derivation: `Mean ± SE of the discharge capacity of the complete cycles in each segment of the rate test (its cycles as the protocol's rates and cycles-each lay them out)${recovery ? `; back at ${first.rate} C the cell recovers ${formatNumber(recovery.value * 100)} % of its first ${first.rate} C capacity` : ''}.`,
    warnings,
    points: [series('discharge capacity by rate', 'markers', '', 'C/kg', { x: rows.map((r) => r.rate), y: rows.map((r) => r.discharge.perMass.value) })],
  };
}

// The cycling analysis as it was before the selection quantile and the resumable row pass (the
// straightforward path: sorts for every quantile, arrays per cycle): the reference the faster
// analysis must agree with exactly (test/cyclingIncremental.test.ts).
// Galvanostatic cycling of full cells (domain.md: capacity bookkeeping, full-cell and rate
// protocols), in stages: half-cycles and their charges (halfCycles.ts: the file's capacity counter,
// or the current integral), cycles, then coulombic efficiency, retention against a stated reference
// cycle, mean CE and failure (CE leaving its band, or a soft short during charge).
import { formatNumber, formatQuantity, formatSI } from '../../../server/domain/format';
import {
  Estimate, PlotSeries, Result, Samples, checkNumber, est, failure, guarded, meanEstimate, series,
} from '../../../server/analyses/common';
import type { CapacityCounter, CapacityFrom, CyclingInput, CycleResult, CyclingEvent, CyclingValues, Capacity } from '../../../server/analyses/cycling';
import { HalfCycle, halfCycleCapacities, segmentHalfCycles } from './halfCycles';
import { cleanColumns, median, restThreshold } from './sorting';

export type CyclingResult = Result<CyclingValues>;

/**
 * Splits the data into half-cycles and cycles, takes the charge of each half-cycle from the
 * file's capacity counter or the trapezoids of the signed current (halfCycles.ts: never across an
 * unsampled gap where the current changes), then CE, retention and failure. Without a cycle column
 * a cycle is a charge followed by a discharge: a new one starts when charging resumes after a
 * discharge. With one, each contiguous run of one cycle number is a cycle, in whatever order the
 * instrument puts charge and discharge.
 */
export function referenceCyclingSummary(input: CyclingInput): CyclingResult {
  return guarded('the cycling analysis', () => runCycling(input));
}

interface Settings { sign: 1 | -1; ceBand: readonly [number, number]; dropLimit: number; restFraction: number }

/** The samples as the stages use them: time, voltage, current signed so that charge is positive (rest zeroed), state, cycle. */
interface Prepared { t: Float64Array; v: Float64Array; abs: Float64Array; si: Float64Array; state: Int8Array; cyc: Int32Array; labels?: number[]; halfIndex?: Float64Array; counter?: CapacityCounter }

function runCycling(input: CyclingInput): CyclingResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const settings = readSettings(input);
  if (typeof settings === 'string') return failure(settings);
  const prepared = prepareSamples(input, settings);
  if ('error' in prepared) return failure(prepared.error, prepared.warnings);
  const { samples: x, warnings } = prepared;
  const halves = segmentHalfCycles(x.state, x.cyc, x.halfIndex);
  const charges = halfCycleCapacities(x.t, x.si, halves, x.counter, warnings);
  const cycles = buildCycles(x, halves, charges.capacity, input, settings);
  const stats = cycleStatistics(cycles, input, settings, warnings);
  return describe(cycles, stats, charges, input, settings, warnings);
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

/** Clean columns, the signed current and its state (+1 charge, -1 discharge, 0 rest), the cycle of each sample. */
function prepareSamples(input: CyclingInput, settings: Settings): { samples: Prepared; warnings: string[] } | { error: string; warnings: string[] } {
  const named: [string, unknown][] = [['time', input.time], ['voltage', input.voltage], ['current', input.current]];
  if (input.cycle !== undefined) named.push(['cycle', input.cycle]);
  const c = cleanColumns(named, 2, 0);
  if ('error' in c) return { error: c.error, warnings: [] };
  const [t, v, iRaw] = c.cols;
  const warnings = c.warnings;
  const n = t.length;
  const si = new Float64Array(n), abs = new Float64Array(n);
  for (let k = 0; k < n; k++) { si[k] = settings.sign * iRaw[k]; abs[k] = Math.abs(iRaw[k]); }
  const thr = restThreshold(abs, settings.restFraction);
  if (!(thr > 0)) return { error: 'no current flows in the data (|I| is zero throughout)', warnings };
  const state = new Int8Array(n);
  for (let k = 0; k < n; k++) { state[k] = si[k] > thr ? 1 : si[k] < -thr ? -1 : 0; if (state[k] === 0) si[k] = 0; }
  const { cyc, labels } = cycleOfSamples(state, c.cols[3]);
  // Optional columns follow the rows kept by cleanColumns.
  const kept = (a: Samples | undefined) => (a && a.length === input.time.length ? Float64Array.from(c.rows, (r) => a[r]) : undefined);
  const counter = input.counter && {
    name: input.counter.name, both: kept(input.counter.both as Samples | undefined), charge: kept(input.counter.charge as Samples | undefined), discharge: kept(input.counter.discharge as Samples | undefined),
  };
  return { samples: { t, v, abs, si, state, cyc, labels, halfIndex: kept(input.halfCycle), counter }, warnings };
}

/** 0-based cycle of each sample: runs of the cycle column, or a new cycle when charging resumes after a discharge. */
function cycleOfSamples(state: Int8Array, cycCol: Float64Array | undefined): { cyc: Int32Array; labels?: number[] } {
  const n = state.length;
  const cyc = new Int32Array(n);
  if (cycCol) {
    const labels: number[] = [];
    let idx = -1;
    for (let k = 0; k < n; k++) {
      if (k === 0 || cycCol[k] !== cycCol[k - 1]) { idx++; labels.push(cycCol[k]); }
      cyc[k] = idx;
    }
    return { cyc, labels };
  }
  let idx = -1, last = 0;
  for (let k = 0; k < n; k++) {
    if (state[k] !== 0) {
      if (idx < 0 || (state[k] === 1 && last === -1)) idx++;
      last = state[k];
    }
    cyc[k] = Math.max(idx, 0);
  }
  return { cyc };
}

/** The cycles: charge and discharge summed over their half-cycles, times, current, soft shorts. */
function buildCycles(x: Prepared, halves: HalfCycle[], charge: number[], input: CyclingInput, settings: Settings): CycleResult[] {
  const n = x.t.length;
  const m = x.cyc[n - 1] + 1;
  const qc = new Float64Array(m), qd = new Float64Array(m);
  halves.forEach((h, j) => { if (h.sign > 0) qc[h.cycle] += charge[j]; else qd[h.cycle] += charge[j]; });
  const start = new Float64Array(m).fill(NaN), end = new Float64Array(m);
  const flowing: number[][] = Array.from({ length: m }, () => []);
  for (let k = 0; k < n; k++) {
    const j = x.cyc[k];
    if (Number.isNaN(start[j])) start[j] = x.t[k];
    end[j] = x.t[k];
    if (x.state[k] !== 0) flowing[j].push(x.abs[k]);
  }
  const softShort = softShorts(x, m, settings.dropLimit);
  const mk = (q: number): Capacity => ({ total: est(q, 'C'), perMass: est(q / input.activeMass, 'C/kg'), perArea: est(q / input.area, 'C/m²') });
  const maxQ = Math.max(...qc, ...qd);
  return Array.from({ length: m }, (_, j) => ({
    cycle: j + 1, label: x.labels?.[j], start: start[j], end: end[j],
    charge: mk(qc[j]), discharge: mk(qd[j]), complete: qc[j] > 1e-3 * maxQ && qd[j] > 1e-3 * maxQ,
    current: est(flowing[j].length ? median(flowing[j]) : 0, 'A'), softShort: softShort[j],
  }));
}

/** Soft shorts: the 5-sample median voltage falls below its running maximum during a charge run. */
function softShorts(x: Prepared, m: number, dropLimit: number): ({ time: number; drop: number } | undefined)[] {
  const out: ({ time: number; drop: number } | undefined)[] = new Array(m).fill(undefined);
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 3 && !out[x.cyc[run[0]]]) {
      const filtered = run.map((_, p) => median(run.slice(Math.max(0, p - 2), p + 3).map((k) => x.v[k])));
      // Charging voltage only rises (or holds, under CV): a fall below the running maximum is a leak.
      let hi = -Infinity;
      for (let p = 0; p < run.length; p++) {
        hi = Math.max(hi, filtered[p]);
        if (hi - filtered[p] > dropLimit) { out[x.cyc[run[0]]] = { time: x.t[run[p]], drop: hi - filtered[p] }; break; }
      }
    }
    run = [];
  };
  for (let k = 0; k < x.t.length; k++) {
    if (x.state[k] === 1 && (run.length === 0 || x.cyc[k] === x.cyc[run[0]])) run.push(k);
    else { flush(); if (x.state[k] === 1) run.push(k); }
  }
  flush();
  return out;
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


// Incremental capacity dQ/dV of the half-cycles of a full cell (domain.md, toolkit 6): the charge
// passed while the voltage lies in each bin of a voltage grid, divided by the bin width, smoothed by
// a Savitzky–Golay filter; its peaks (the plateaus of the voltage curve) per half-cycle and cycle.
// Binning the charge, rather than differentiating V(Q), copes with voltage noise: a sample that
// jitters back and forth only spreads its charge over neighbouring bins.
import { formatNumber, formatQuantity } from '../domain/format';
import {
  Estimate, PlotSeries, Result, Samples, checkNumber, cleanColumns, est, failure, guarded, restThreshold, series,
} from './common';
import { segmentHalfCycles } from './halfCycles';
import { inverseNormal, leastSquaresQR } from './linalg';
import { savitzkyGolay } from './savitzkyGolay';

export interface IncrementalCapacityInput {
  time: Samples;     // s
  voltage: Samples;  // V
  current: Samples;  // A
  /** The instrument's cycle number; without it a cycle starts where charging follows a discharge. */
  cycle?: Samples;
  /** Width of the smoothing window (V); the grid step is a tenth of it. */
  width: number;
  /** kg of active material: dQ/dV per mass (C/kg/V); else the cell's (C/V). */
  activeMass?: number;
  /** A peak must stand this fraction of the half-cycle's largest dQ/dV above its surroundings (0.05). */
  prominence?: number;
  /** The sign of a charging current as recorded (+1). */
  chargeSign?: 1 | -1;
}

export interface IncrementalPeak {
  /** Peak position (V): the vertex of a least-squares parabola through the unsmoothed bins of one window around the smoothed maximum, with its standard error. */
  voltage: Estimate;
  /** dQ/dV at the peak (C/kg/V or C/V). */
  height: Estimate;
  /** Height above the higher of the two valleys beside it (same unit). */
  prominence: number;
}

export interface IncrementalHalfCycle {
  /** 1-based cycle and the direction of the half-cycle. */
  cycle: number;
  direction: 'charge' | 'discharge';
  /** Its voltage range (V); the smoothed curve itself is in the result's points, one series per half-cycle. */
  from: number;
  to: number;
  peaks: IncrementalPeak[];
}

export interface IncrementalCapacityValues {
  /** The unit of dQ/dV: per mass of active material, or of the cell. */
  unit: 'C/kg/V' | 'C/V';
  step: number;   // V, grid step
  window: number; // points of the Savitzky–Golay window
  halfCycles: IncrementalHalfCycle[];
  /** Per cycle, the peak positions of its charge and discharge (V), for the hover and the JSON. */
  cycles: { cycle: number; charge: number[]; discharge: number[] }[];
}

export type IncrementalCapacityResult = Result<IncrementalCapacityValues>;

/** Smoothing polynomial degree: cubic keeps peak heights better than a quadratic for a given window. */
const ORDER = 3;
/** Bins per smoothing window. */
const BINS_PER_WIDTH = 10;

export function incrementalCapacity(input: IncrementalCapacityInput): IncrementalCapacityResult {
  return guarded('incrementalCapacity', () => run(input));
}

function run(input: IncrementalCapacityInput): IncrementalCapacityResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('width', input.width, { positive: true }) ?? (input.activeMass !== undefined ? checkNumber('activeMass', input.activeMass, { positive: true }) : undefined);
  if (bad) return failure(bad);
  const named: [string, unknown][] = [['time', input.time], ['voltage', input.voltage], ['current', input.current]];
  if (input.cycle !== undefined) named.push(['cycle', input.cycle]);
  const c = cleanColumns(named, 3, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const sign = input.chargeSign ?? 1;
  const abs = Float64Array.from(i, Math.abs);
  const thr = restThreshold(abs, 0.01);
  if (!(thr > 0)) return failure('no current flows in the data (|I| is zero throughout)', warnings);
  const state = Int8Array.from(i, (x) => (sign * x > thr ? 1 : sign * x < -thr ? -1 : 0));
  const cyc = cycleIndex(state, c.cols[3]);
  const step = input.width / BINS_PER_WIDTH;
  const half = BINS_PER_WIDTH / 2;
  const mass = input.activeMass;
  const halves: IncrementalHalfCycle[] = [];
  const curves: PlotSeries[] = [];
  for (const h of segmentHalfCycles(state, cyc)) {
    if (h.last - h.first < 2 * half) continue;
    const curve = binnedDqdv(t, v, abs, h.first, h.last, step);
    if (curve.voltage.length < 2 * half + 1) continue;
    const raw = curve.dqdv.map((q) => q / (mass ?? 1));
    const smooth = savitzkyGolay(raw, half, ORDER);
    const direction = h.sign > 0 ? 'charge' : 'discharge';
    halves.push({ cycle: h.cycle + 1, direction, from: curve.voltage[0] - step / 2, to: curve.voltage[curve.voltage.length - 1] + step / 2, peaks: findPeaks(curve.voltage, smooth, raw, half, input.prominence ?? 0.05, mass ? 'C/kg/V' : 'C/V', input.width) });
    curves.push(series(`cycle ${h.cycle + 1} ${direction}`, 'line', 'V', mass ? 'C/kg/V' : 'C/V', { x: curve.voltage, y: Array.from(smooth) }));
  }
  if (!halves.length) return failure(`no half-cycle spans the ${2 * half + 1} voltage bins of ${formatQuantity(step, 'mV')} that one smoothing window of ${formatQuantity(input.width, 'mV')} needs`, warnings);
  const byCycle = new Map<number, { cycle: number; charge: number[]; discharge: number[] }>();
  for (const h of halves) {
    const row = byCycle.get(h.cycle) ?? { cycle: h.cycle, charge: [], discharge: [] };
    row[h.direction].push(...h.peaks.map((p) => p.voltage.value));
    byCycle.set(h.cycle, row);
  }
  const unit = mass ? 'C/kg/V' : 'C/V';
  const first = halves[0];
  return {
    ok: true, unit, step, window: 2 * half + 1, halfCycles: halves, cycles: [...byCycle.values()],
    derivation: `dQ/dV of ${halves.length} half-cycles: the charge passed while V lies in each ${formatQuantity(step, 'mV')} bin (each sample interval's ∫|I|dt spread evenly over the voltages it spans), divided by the bin width${mass ? ` and the ${formatQuantity(mass, 'mg')} of active material` : ''}, smoothed by a Savitzky–Golay filter of ${2 * half + 1} points (${formatQuantity(input.width, 'mV')}, cubic); peaks are local maxima standing ≥ ${formatNumber((input.prominence ?? 0.05) * 100)} % of the half-cycle's largest dQ/dV above the valleys beside them (the higher of two within ${formatQuantity(input.width, 'mV')}), placed at the vertex of a least-squares parabola through the unsmoothed bins of one window around each maximum (standard error from its covariance). Cycle ${first.cycle} ${first.direction}: peaks at ${first.peaks.map((p) => `${formatNumber(p.voltage.value, 4)} V`).join(', ') || 'none'}.`,
    warnings,
    points: curves,
  };
}

/** 0-based cycle of each sample: runs of the cycle column, or a new cycle when charging follows a discharge. */
function cycleIndex(state: Int8Array, column: Float64Array | undefined): Int32Array {
  const cyc = new Int32Array(state.length);
  let idx = column ? 0 : -1, last = 0;
  for (let k = 0; k < state.length; k++) {
    if (column) { if (k > 0 && column[k] !== column[k - 1]) idx++; }
    else if (state[k] !== 0) {
      if (idx < 0 || (state[k] === 1 && last === -1)) idx++;
      last = state[k];
    }
    cyc[k] = Math.max(idx, 0);
  }
  return cyc;
}

/** The charge per voltage bin of one half-cycle over the bin width (C/V), on bins of `step` from its lowest voltage. */
function binnedDqdv(t: Float64Array, v: Float64Array, abs: Float64Array, first: number, last: number, step: number): { voltage: number[]; dqdv: number[] } {
  let lo = Infinity, hi = -Infinity;
  for (let k = first; k <= last; k++) { lo = Math.min(lo, v[k]); hi = Math.max(hi, v[k]); }
  const start = Math.floor(lo / step) * step;
  const n = Math.max(1, Math.ceil((hi - start) / step + 1e-9));
  const q = new Float64Array(n);
  const bin = (x: number) => Math.min(n - 1, Math.max(0, Math.floor((x - start) / step)));
  for (let k = first; k < last; k++) {
    const dq = ((abs[k] + abs[k + 1]) / 2) * (t[k + 1] - t[k]);
    const a = Math.min(v[k], v[k + 1]), b = Math.max(v[k], v[k + 1]);
    const ba = bin(a), bb = bin(b);
    if (ba === bb || b - a <= 0) { q[ba] += dq; continue; }
    // Evenly over [a, b]: each bin gets the share of the span inside it.
    for (let j = ba; j <= bb; j++) {
      const from = Math.max(a, start + j * step), to = Math.min(b, start + (j + 1) * step);
      if (to > from) q[j] += (dq * (to - from)) / (b - a);
    }
  }
  return { voltage: Array.from({ length: n }, (_, j) => start + (j + 0.5) * step), dqdv: Array.from(q, (x) => x / step) };
}

/**
 * Local maxima with their prominence; the position by a parabola through the maximum and its
 * neighbours. Of two maxima closer than the smoothing window only the higher is a peak: noise can
 * split one peak, and the filter cannot resolve two so close.
 */
function findPeaks(x: number[], y: Float64Array, raw: number[], half: number, fraction: number, unit: string, separation: number): IncrementalPeak[] {
  let highest = 0;
  for (const value of y) highest = Math.max(highest, value);
  const peaks: IncrementalPeak[] = [];
  for (let k = 1; k < y.length - 1; k++) {
    if (!(y[k] > y[k - 1] && y[k] >= y[k + 1])) continue;
    let left = y[k], right = y[k];
    for (let j = k - 1; j >= 0 && y[j] <= y[k]; j--) left = Math.min(left, y[j]);
    for (let j = k + 1; j < y.length && y[j] <= y[k]; j++) right = Math.min(right, y[j]);
    const prominence = y[k] - Math.max(left, right);
    if (prominence < fraction * highest) continue;
    const denom = y[k - 1] - 2 * y[k] + y[k + 1];
    const shift = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y[k - 1] - y[k + 1])) / denom)) : 0;
    const step = x[k + 1] - x[k];
    const top = rawVertex(x, raw, k, half);
    peaks.push({ voltage: top ?? est(x[k] + shift * step, 'V'), height: est(y[k] - 0.25 * (y[k - 1] - y[k + 1]) * shift, unit), prominence });
  }
  return peaks.filter((p) => !peaks.some((q) => q !== p && Math.abs(q.voltage.value - p.voltage.value) < separation && q.height.value > p.height.value));
}

/**
 * The vertex of a least-squares parabola through the unsmoothed bins of one window around bin k,
 * with its standard error from the parabola's covariance (x0 = −c1/(2 c2), by the delta method):
 * the peak position's uncertainty from the scatter of the bins. Undefined when the parabola does
 * not open downwards or its vertex leaves the window.
 */
function rawVertex(x: number[], raw: number[], k: number, half: number): Estimate | undefined {
  const from = Math.max(0, k - half), to = Math.min(raw.length - 1, k + half), n = to - from + 1;
  if (n < 5) return undefined;
  const u = Float64Array.from({ length: n }, (_, j) => x[from + j] - x[k]);
  const cols = [new Float64Array(n).fill(1), u, Float64Array.from(u, (v) => v * v)];
  const y = Float64Array.from({ length: n }, (_, j) => raw[from + j]);
  const c = leastSquaresQR(cols, y), inv = inverseNormal(cols);
  if (!c || !inv || !(c[2] < 0)) return undefined;
  const x0 = -c[1] / (2 * c[2]);
  if (Math.abs(x0) > Math.abs(u[n - 1] - u[0]) / 2) return undefined;
  let sse = 0;
  for (let j = 0; j < n; j++) sse += (y[j] - c[0] - c[1] * u[j] - c[2] * u[j] * u[j]) ** 2;
  const s2 = sse / (n - 3);
  const g1 = -1 / (2 * c[2]), g2 = c[1] / (2 * c[2] * c[2]);
  const variance = s2 * (g1 * g1 * inv[4] + 2 * g1 * g2 * inv[5] + g2 * g2 * inv[8]);
  return est(x[k] + x0, 'V', Math.sqrt(Math.max(0, variance)));
}

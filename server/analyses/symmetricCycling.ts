// Long-term plating/stripping of a symmetric Li|SSE|Li cell at a fixed current density and areal
// capacity per half-cycle (domain.md, toolkit 4): the overpotential of each half-cycle (mean |V| of
// its plateau), the area-specific resistance ASR = η / i, and the short: |V| collapsing toward
// 0 V (often noisy), with its time, the capacity cycled by then and its cycle; hours cycled.
import { formatEstimate, formatNumber, formatQuantity } from '../domain/format';
import {
  Estimate, PlotSeries, Result, Samples, checkNumber, cleanColumns, decimate, est, failure, guarded, median, restThreshold, series,
} from './common';

export interface SymmetricCyclingInput {
  time: Samples;    // s
  voltage: Samples; // V
  current: Samples; // A, alternating sign
  area: number;     // m²
  /** Planned current density (A/m²) and capacity per half-cycle (C/m²), to compare with. */
  plannedCurrentDensity?: number;
  plannedCapacity?: number;
  /** A sample has collapsed when |V| < this fraction of the overpotential before it (0.3) ... */
  collapseFraction?: number;
  /** ... and a short needs this share of collapsed samples in one window (0.5) ... */
  sustainFraction?: number;
  /** ... of this share of a half-cycle (0.1), at least 8 samples. */
  windowFraction?: number;
}

export interface SymmetricHalfCycle {
  /** 1-based half-cycle and cycle (two half-cycles, one of each sign, per cycle). */
  index: number;
  cycle: number;
  /** Sign of the current as recorded. */
  sign: 1 | -1;
  start: number; // s
  end: number;   // s
  /** Median |I| / area (A/m²) and the charge passed per area (C/m²). */
  currentDensity: Estimate;
  capacity: Estimate;
  /** Mean |V| over the plateau (the half-cycle after its first tenth; before the short, in the half-cycle that shorts) (V). */
  overpotential: Estimate;
  /** η / i (Ω·m²). */
  asr: Estimate;
  /** The half-cycle in which the short began. */
  shorted?: boolean;
}

export interface SymmetricCyclingValues {
  halfCycles: SymmetricHalfCycle[];
  shorted: boolean;
  /** When the short began (s on the file's clock), the capacity plated and stripped by then (C/m², summed over half-cycles), its cycle and half-cycle. */
  short?: { time: Estimate; cumulativeCapacity: Estimate; cycle: number; halfCycle: number; voltageAfter: Estimate };
  /** Cycled until the short, else until the data end (s). */
  duration: Estimate;
  /** Capacity plated and stripped over that time (C/m²). */
  cumulativeCapacity: Estimate;
  /** ASR of the first and last half-cycle before the short (Ω·m²). */
  firstAsr: Estimate;
  lastAsr: Estimate;
}

export type SymmetricCyclingResult = Result<SymmetricCyclingValues>;

const MIN_WINDOW = 8;
/** The overpotentials of this many half-cycles before are the reference a collapse is judged against. */
const REFERENCE_HALVES = 5;

export function symmetricCycling(input: SymmetricCyclingInput): SymmetricCyclingResult {
  return guarded('symmetricCycling', () => run(input));
}

interface Half { first: number; last: number; sign: 1 | -1 }

function run(input: SymmetricCyclingInput): SymmetricCyclingResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('area', input.area, { positive: true });
  if (bad) return failure(bad);
  const collapse = input.collapseFraction ?? 0.3, sustain = input.sustainFraction ?? 0.5, windowFraction = input.windowFraction ?? 0.1;
  const c = cleanColumns([['time', input.time], ['voltage', input.voltage], ['current', input.current]], 4, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const thr = restThreshold(Float64Array.from(i, Math.abs), 0.05);
  if (!(thr > 0)) return failure('no current flows in the data (|I| is zero throughout)', warnings);
  const halves = splitHalves(i, thr);
  if (halves.length < 2) return failure(`symmetric cycling needs half-cycles of both signs; the data have ${halves.length}`, warnings);
  const area = input.area;
  const w = Math.max(MIN_WINDOW, Math.round(windowFraction * median(halves.map((h) => h.last - h.first + 1))));
  const need = Math.ceil(sustain * w);
  const out: SymmetricHalfCycle[] = [];
  const history: number[] = [];
  const window: boolean[] = [];
  let count = 0, shortAt = -1, shortHalf = -1;
  for (let h = 0; h < halves.length && shortAt < 0; h++) {
    const { first, last } = halves[h];
    const early = median(Array.from(v.slice(first, first + Math.max(3, Math.ceil((last - first + 1) / 4))), Math.abs));
    const reference = history.length ? median(history.slice(-REFERENCE_HALVES)) : early;
    // The first sample of a half-cycle may catch the voltage swinging through 0 V: not judged.
    for (let k = first + 1; k <= last; k++) {
      const down = Math.abs(v[k]) < collapse * reference;
      window.push(down);
      if (down) count++;
      if (window.length > w && window[window.length - 1 - w]) count--;
      if (window.length >= w && count >= need) {
        shortAt = startOfCollapse(v, collapse * reference, Math.max(first + 1, k - w + 1), k);
        shortHalf = h;
        break;
      }
    }
    out.push(describeHalf(t, v, i, halves[h], h, area, shortAt >= 0 ? shortAt : last + 1));
    if (shortAt >= 0) out[h].shorted = true;
    else history.push(out[h].overpotential.value);
  }
  const planned = input.plannedCurrentDensity, plannedQ = input.plannedCapacity;
  const j = median(out.map((h) => h.currentDensity.value));
  if (planned !== undefined && Math.abs(j - planned) > 0.05 * planned) warnings.push(`The cell was cycled at ${formatQuantity(j, 'mA/cm²')}, not the planned ${formatQuantity(planned, 'mA/cm²')}.`);
  const complete = out.filter((h) => !h.shorted).slice(0, -1);
  const q = complete.length ? median(complete.map((h) => h.capacity.value)) : undefined;
  if (plannedQ !== undefined && q !== undefined && Math.abs(q - plannedQ) > 0.05 * plannedQ) warnings.push(`Each half-cycle passed ${formatQuantity(q, 'mAh/cm²')}, not the planned ${formatQuantity(plannedQ, 'mAh/cm²')}.`);
  const t0 = t[halves[0].first];
  const end = shortAt >= 0 ? shortAt : halves[halves.length - 1].last;
  const cumulative = cumulativeCharge(t, i, halves[0].first, end) / area;
  const before = out.filter((h) => !h.shorted);
  if (!before.length) return failure('the cell shorts in its first half-cycle: no overpotential before the short', warnings);
  const short = shortAt >= 0 ? {
    time: est(t[shortAt], 's'), cumulativeCapacity: est(cumulative, 'C/m²'), cycle: out[shortHalf].cycle, halfCycle: shortHalf + 1,
    voltageAfter: est(median(Array.from(v.slice(shortAt, halves[shortHalf].last + 1), Math.abs)), 'V'),
  } : undefined;
  const points: PlotSeries[] = [
    series('voltage', 'line', 's', 'V', decimate(t, v, 4000)),
    series('ASR', 'markers', 's', 'Ω·m²', { x: before.map((h) => (h.start + h.end) / 2), y: before.map((h) => h.asr.value) }),
  ];
  if (short) points.push(series('short', 'markers', 's', 'V', { x: [short.time.value], y: [0] }));
  const criterion = `|V| below ${collapse} × the median overpotential of the ${REFERENCE_HALVES} half-cycles before in ≥ ${Math.round(sustain * 100)} % of a window of ${w} samples`;
  return {
    ok: true, halfCycles: out, shorted: !!short, short,
    duration: est(t[end] - t0, 's'), cumulativeCapacity: est(cumulative, 'C/m²'),
    firstAsr: before[0].asr, lastAsr: before[before.length - 1].asr,
    derivation: `${out.length} half-cycles split at the sign changes of the current; η = mean |V| of each plateau (after its first tenth), ASR = η / i with i its median |I|/area: ${formatEstimate(before[0].asr)} in half-cycle 1 (η ${formatQuantity(before[0].overpotential.value, 'mV')} at ${formatEstimate(before[0].currentDensity)}), ${formatEstimate(before[before.length - 1].asr)} in half-cycle ${before[before.length - 1].index}. ${short ? `Short (${criterion}) from ${formatQuantity(t[shortAt], 'h')}, in cycle ${short.cycle}, after ${formatEstimate(short.cumulativeCapacity)} plated and stripped` : `No short (${criterion}) within the data`}; ${formatQuantity(t[end] - t0, 'h')} cycled.`,
    warnings, points,
  };
}

/** Runs of one sign of current; rests between them belong to neither. */
function splitHalves(i: Float64Array, thr: number): Half[] {
  const out: Half[] = [];
  for (let k = 0; k < i.length; k++) {
    if (Math.abs(i[k]) <= thr) continue;
    const s = i[k] > 0 ? 1 : -1;
    const last = out[out.length - 1];
    if (last && last.sign === s && last.last >= k - 3) last.last = k;
    else out.push({ first: k, last: k, sign: s });
  }
  return out.filter((h) => h.last - h.first >= 3);
}

function describeHalf(t: Float64Array, v: Float64Array, i: Float64Array, h: Half, index: number, area: number, stop: number): SymmetricHalfCycle {
  const plateauFrom = t[h.first] + 0.1 * (t[h.last] - t[h.first]);
  const abs: number[] = [];
  for (let k = h.first; k < Math.min(stop, h.last + 1); k++) if (t[k] >= plateauFrom) abs.push(Math.abs(v[k]));
  if (!abs.length) for (let k = h.first; k < Math.min(stop, h.last + 1); k++) abs.push(Math.abs(v[k]));
  const eta = abs.reduce((s, x) => s + x, 0) / abs.length;
  const j = median(Array.from(i.slice(h.first, h.last + 1), (x) => Math.abs(x) / area));
  return {
    index: index + 1, cycle: Math.floor(index / 2) + 1, sign: h.sign, start: t[h.first], end: t[h.last],
    currentDensity: est(j, 'A/m²'), capacity: est(cumulativeCharge(t, i, h.first, h.last) / area, 'C/m²'),
    overpotential: est(eta, 'V'), asr: est(eta / j, 'Ω·m²'),
  };
}

/** ∫|I| dt by trapezoids from sample a to b (C). */
function cumulativeCharge(t: Float64Array, i: Float64Array, a: number, b: number): number {
  let q = 0;
  for (let k = a; k < b; k++) q += ((Math.abs(i[k]) + Math.abs(i[k + 1])) / 2) * (t[k + 1] - t[k]);
  return q;
}

/** The first collapsed sample of the window that is followed by a collapsed majority of the next four. */
function startOfCollapse(v: Float64Array, limit: number, from: number, to: number): number {
  for (let k = from; k <= to; k++) {
    if (Math.abs(v[k]) >= limit) continue;
    let down = 0, seen = 0;
    for (let r = k + 1; r <= Math.min(k + 4, v.length - 1); r++) { seen++; if (Math.abs(v[r]) < limit) down++; }
    if (seen === 0 || 2 * down >= seen) return k;
  }
  return from;
}

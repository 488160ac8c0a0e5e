// The row pass of the cycling analysis (cycling.ts): each sample's state (charge, discharge, rest)
// against the rest threshold, its cycle, the half-cycles and their trapezoid charges, and per cycle
// its times, median current and soft short. It reads from a settled row on: every cycle before the
// last one is settled (rows added later cannot change it) as long as the two global thresholds it
// was found with classify the earlier rows the same way: the rest threshold (a fraction of the
// median flowing |I| of ALL rows) and the gap limit (a multiple of the 90th percentile of the
// sampling intervals within half-cycles). A run still being recorded keeps the settled cycles and
// what it takes to recompute both thresholds without sorting again (orderStatistics.ts), and on
// each append reads on from the first row of its last cycle; when a threshold moved across a value
// of the earlier rows, or a new row is not finite or goes back in time, it reads from the start.
import { quantileInPlace, restThresholdOf } from './common';
import { GAP_FACTOR, HalfCycle, integrateHalfCycles, stepHalfCycle } from './halfCycles';
import { SortedBag } from './orderStatistics';

/** The columns the pass reads, every row finite (cycling.ts cleans them first). */
export interface RowColumns {
  t: ArrayLike<number>; v: ArrayLike<number>; i: ArrayLike<number>;
  cycle?: ArrayLike<number>; halfIndex?: ArrayLike<number>;
}

export interface RowSettings { sign: 1 | -1; dropLimit: number; restFraction: number }

export interface SoftShort { time: number; drop: number }

/** What the rows say, per half-cycle and per cycle (indexed by the 0-based cycle). */
export interface RowFindings {
  halves: HalfCycle[];
  /** Each half-cycle's charge by the trapezoids of the current (C). */
  integral: number[];
  /** Unsampled gaps where the state changes (not integrated across). */
  gaps: number;
  start: number[];
  end: number[];
  /** Median |I| while current flows (A), 0 for a cycle without. */
  current: number[];
  softShort: (SoftShort | undefined)[];
  /** The cycle column's value of each cycle, when there is a cycle column. */
  labels?: number[];
}

/** The settled cycles (those before the one row `from` opens) and the pass's counters just before `from`. */
interface Settled extends RowFindings { from: number; idx: number; last: number }

/** A value interval [below, above) of a threshold within which it classifies the rows seen the same way. */
interface Invariance { below: number; above: number }

/** What an append needs to read on (opaque to callers). */
export interface RowResume {
  key: string;
  /** The row the last pass read from (0: the whole run). */
  readFrom: number;
  rows: number;
  /** The first and last row as read (t, v, I): the grown columns must start with the same rows. */
  firstRow: number[];
  lastRow: number[];
  maxAbs: number;
  /** |I| of every row above 1 % of the largest |I| at the time (the rest threshold's median). */
  flowing: SortedBag;
  rest: Invariance;
  /** The sampling intervals within the settled half-cycles (the gap limit's percentile). */
  inside: SortedBag;
  /** Over the intervals at half-cycle boundaries up to the settled row. */
  gap: Invariance;
  settled: Settled;
}

const NOTHING_SETTLED: Settled = { from: 0, idx: -1, last: 0, halves: [], integral: [], gaps: 0, start: [], end: [], current: [], softShort: [] };

export function resumeKey(c: RowColumns, s: RowSettings): string {
  return JSON.stringify([s.sign, s.dropLimit, s.restFraction, !!c.cycle, !!c.halfIndex]);
}

/** The whole pass from the first row; with `keep`, what an append needs to read on. */
export function scanRows(c: RowColumns, n: number, s: RowSettings, keep: boolean): { found: RowFindings; resume?: RowResume } | { error: string } {
  const { thr, maxAbs, flowing } = restThresholdOf(c.i, n, s.restFraction);
  if (!(thr > 0)) return { error: 'no current flows in the data (|I| is zero throughout)' };
  const rest = keep ? restInvariance(c.i, 0, n, thr, { below: -Infinity, above: Infinity }) : undefined;
  const pass = passFrom(c, n, s, thr, NOTHING_SETTLED, keep ? { inside: undefined, gap: { below: -Infinity, above: Infinity } } : undefined);
  if (pass.moved) throw new Error('a first pass has no settled rows to move across'); // cannot happen: no earlier limit
  if (!keep) return { found: pass.found };
  const resume: RowResume = {
    key: resumeKey(c, s), readFrom: 0, rows: n, firstRow: rowAt(c, 0), lastRow: rowAt(c, n - 1), maxAbs, flowing: new SortedBag(flowing), rest: rest!,
    inside: new SortedBag(pass.settledInside!), gap: pass.gap!, settled: pass.settled!,
  };
  return { found: pass.found, resume };
}

/**
 * The pass over grown columns from where `prev` settled, when the rows it saw are unchanged and
 * classified the same; undefined when it cannot read on (the caller scans from the start). `prev`
 * is used up: its state moves into the returned one.
 */
export function resumeRows(c: RowColumns, n: number, s: RowSettings, prev: RowResume): { found: RowFindings; resume: RowResume } | undefined {
  const n0 = prev.rows;
  if (prev.key !== resumeKey(c, s) || n < n0 || !sameRow(rowAt(c, 0), prev.firstRow) || !sameRow(rowAt(c, n0 - 1), prev.lastRow)) return undefined;
  for (let k = n0; k < n; k++) {
    if (!(Number.isFinite(c.t[k]) && Number.isFinite(c.v[k]) && Number.isFinite(c.i[k]) && (!c.cycle || Number.isFinite(c.cycle[k])))) return undefined;
    if (c.t[k] < c.t[k - 1]) return undefined;
  }
  // The rest threshold of all rows, from the bag of flowing |I| and the new rows.
  let maxAbs = prev.maxAbs;
  for (let k = n0; k < n; k++) { const a = Math.abs(c.i[k]); if (a > maxAbs) maxAbs = a; }
  const floor = 0.01 * maxAbs;
  const added: number[] = [];
  for (let k = n0; k < n; k++) { const a = Math.abs(c.i[k]); if (a > floor) added.push(a); }
  prev.flowing.add(Float64Array.from(added));
  prev.flowing.forget(floor);
  const thr = s.restFraction * prev.flowing.quantile(0.5, floor);
  if (!(prev.rest.below <= thr && thr < prev.rest.above)) return undefined;
  const rest = restInvariance(c.i, n0, n, thr, prev.rest);
  const pass = passFrom(c, n, s, thr, prev.settled, { inside: prev.inside, gap: prev.gap });
  if (pass.moved || !pass.settled) return undefined;
  return {
    found: pass.found,
    resume: { key: prev.key, readFrom: prev.settled.from, rows: n, firstRow: prev.firstRow, lastRow: rowAt(c, n - 1), maxAbs, flowing: prev.flowing, rest, inside: prev.inside, gap: pass.gap!, settled: pass.settled },
  };
}

function rowAt(c: RowColumns, k: number): number[] { return [c.t[k], c.v[k], c.i[k], c.cycle ? c.cycle[k] : 0]; }
function sameRow(a: number[], b: number[]): boolean { return a.every((x, j) => Object.is(x, b[j])); }

/** `prev` narrowed by rows from..to−1: the thresholds that still tell their |I| flowing (above) from rest the same way. */
function restInvariance(i: ArrayLike<number>, from: number, to: number, thr: number, prev: Invariance): Invariance {
  let { below, above } = prev;
  for (let k = from; k < to; k++) {
    const a = Math.abs(i[k]);
    if (a > thr) { if (a < above) above = a; } else if (a > below) below = a;
  }
  return { below, above };
}

interface Tracking { inside: SortedBag | undefined; gap: Invariance }

type PassResult = { moved: true } | {
  moved?: undefined;
  found: RowFindings;
  /** With tracking: the new settled state (undefined when the gap limit moved across a settled interval). */
  settled?: Settled;
  settledInside?: Float64Array;
  gap?: Invariance;
};

/**
 * Rows from settled.from to n − 1 (and the interval into them from the row before): states,
 * cycles, half-cycles, per-cycle figures, then the trapezoids with the gap limit of all
 * half-cycles (settled ones from `track.inside`, when given).
 */
function passFrom(c: RowColumns, n: number, s: RowSettings, thr: number, settled: Settled, track: Tracking | undefined): PassResult {
  const P = settled.from;
  const m0 = settled.start.length, h0 = settled.halves.length;
  // Local rows from `base`: the row before P too, for the interval into P.
  const base = P > 0 ? P - 1 : 0;
  const len = n - base;
  const state = new Int8Array(len), cyc = new Int32Array(len), owner = new Int32Array(len).fill(-1);
  const si = new Float64Array(len);
  for (let k = base; k < n; k++) {
    const x = s.sign * c.i[k];
    const st = x > thr ? 1 : x < -thr ? -1 : 0;
    state[k - base] = st;
    si[k - base] = st === 0 ? 0 : x;
  }
  if (P > 0) {
    const lastHalf = settled.halves[h0 - 1];
    if (lastHalf && lastHalf.last === P - 1) owner[0] = h0 - 1;
    cyc[0] = m0 - 1;
  }
  // Cycles, half-cycles, per-cycle times; a cycle's start row and the counters before it.
  let idx = settled.idx, last = settled.last;
  const halves: HalfCycle[] = [];
  const start: number[] = [], end: number[] = [], labels: number[] | undefined = c.cycle ? [] : undefined;
  let lastStart = { row: P, idx: settled.idx, last: settled.last };
  let open: HalfCycle | undefined;
  for (let k = P; k < n; k++) {
    const r = k - base, st = state[r];
    const idxBefore = idx, lastBefore = last;
    let j: number;
    if (c.cycle) {
      if (k === 0 || c.cycle[k] !== c.cycle[k - 1]) { idx++; labels!.push(c.cycle[k]); }
      j = idx;
    } else {
      if (st !== 0) {
        if (idx < 0 || (st === 1 && last === -1)) idx++;
        last = st;
      }
      j = Math.max(idx, 0);
    }
    cyc[r] = j;
    if (j - m0 === start.length) {
      start.push(c.t[k]);
      end.push(c.t[k]);
      lastStart = { row: k, idx: idxBefore, last: lastBefore };
    } else end[j - m0] = c.t[k];
    open = stepHalfCycle(open, halves, k, st, j, c.halfIndex);
    if (open) owner[r] = h0 + halves.length - 1;
  }
  const cycles = start.length; // cycles m0 .. m0 + cycles − 1
  const current = cycleCurrents(c.i, state, cyc, base, P, n, m0, cycles);
  const softShort = softShorts(c, state, cyc, base, P, n, m0, cycles, s.dropLimit);

  // The gap limit: the 90th percentile of the sampling intervals within all half-cycles.
  const lastCycle = m0 + cycles - 1;
  const settling = track ? halves.filter((h) => h.cycle < lastCycle).length : 0;
  let insideCount = 0, settlingInside = 0;
  for (let j = 0; j < halves.length; j++) {
    const w = halves[j].last - halves[j].first;
    insideCount += w;
    if (j < settling) settlingInside += w;
  }
  const inside = new Float64Array(insideCount);
  for (let j = 0, o = 0; j < halves.length; j++) for (let k = halves[j].first; k < halves[j].last; k++) inside[o++] = c.t[k + 1] - c.t[k];
  const settledInside = track ? inside.slice(0, settlingInside) : undefined;
  let q: number;
  if (track?.inside) {
    const total = track.inside.size + insideCount;
    q = total ? track.inside.quantile(0.9, -Infinity, inside.sort()) : Infinity;
  } else q = insideCount ? quantileInPlace(inside, 0.9) : Infinity;
  const gapLimit = GAP_FACTOR * q;
  // The gap limit moved across an interval of the settled rows: they must be integrated again.
  if (track?.inside && !(track.gap.below <= gapLimit && gapLimit < track.gap.above)) return { moved: true };

  // The trapezoids, into the new half-cycles only; the intervals up to the next settled row narrow the gap invariance.
  const nextFrom = lastStart.row;
  const capacity = new Array<number>(halves.length).fill(0);
  let gap = track?.gap;
  let settlingGaps = 0;
  const boundary = track ? (k: number, dt: number) => {
    if (k <= nextFrom - 1) {
      if (dt > gapLimit) { if (dt < gap!.above) gap = { below: gap!.below, above: dt }; } else if (dt > gap!.below) gap = { below: dt, above: gap!.above };
    }
    if (k < nextFrom - 1 && dt > gapLimit) settlingGaps++;
  } : undefined;
  const allHalves = h0 ? [...settled.halves, ...halves] : halves;
  const gaps = integrateHalfCycles(c.t, si, owner, base, allHalves, h0, gapLimit, capacity, boundary);
  const found = concat(settled, { halves, integral: capacity, gaps, start, end, current, softShort, labels });
  if (!track) return { found };
  const settledCycles = lastCycle - m0;
  const next: Settled = {
    from: nextFrom, idx: lastStart.idx, last: lastStart.last,
    ...concat(settled, {
      halves: halves.slice(0, settling), integral: capacity.slice(0, settling), gaps: settlingGaps,
      start: start.slice(0, settledCycles), end: end.slice(0, settledCycles), current: current.slice(0, settledCycles),
      softShort: softShort.slice(0, settledCycles), labels: labels?.slice(0, settledCycles),
    }),
  };
  // The settled rows' own intervals join the percentile's bag (the first scan starts one).
  if (track.inside) track.inside.add(settledInside!);
  return { found, settled: next, settledInside, gap };
}

function concat(a: RowFindings, b: RowFindings): RowFindings {
  if (a.start.length === 0 && a.halves.length === 0) return b;
  return {
    halves: [...a.halves, ...b.halves], integral: [...a.integral, ...b.integral], gaps: a.gaps + b.gaps,
    start: [...a.start, ...b.start], end: [...a.end, ...b.end], current: [...a.current, ...b.current], softShort: [...a.softShort, ...b.softShort],
    labels: a.labels || b.labels ? [...(a.labels ?? []), ...(b.labels ?? [])] : undefined,
  };
}

/** Median |I| of the flowing samples of each cycle from P on (cycles are runs of rows). */
function cycleCurrents(i: ArrayLike<number>, state: Int8Array, cyc: Int32Array, base: number, P: number, n: number, m0: number, cycles: number): number[] {
  const out = new Array<number>(cycles).fill(0);
  let scratch = new Float64Array(1024), count = 0, j = m0;
  const close = () => { out[j - m0] = count ? quantileInPlace(scratch.subarray(0, count), 0.5) : 0; count = 0; };
  for (let k = P; k < n; k++) {
    const r = k - base;
    if (cyc[r] !== j) { close(); j = cyc[r]; }
    if (state[r] !== 0) {
      if (count === scratch.length) { const grown = new Float64Array(count * 2); grown.set(scratch); scratch = grown; }
      scratch[count++] = Math.abs(i[k]);
    }
  }
  if (n > P) close();
  return out;
}

/**
 * Soft shorts: in a run of charging samples of one cycle (three or more), the 5-sample median
 * voltage falls below its running maximum by more than `dropLimit`; the first per cycle.
 */
function softShorts(c: RowColumns, state: Int8Array, cyc: Int32Array, base: number, P: number, n: number, m0: number, cycles: number, dropLimit: number): (SoftShort | undefined)[] {
  const out: (SoftShort | undefined)[] = new Array(cycles).fill(undefined);
  const win = new Float64Array(5);
  let runFrom = -1, runLen = 0;
  const flush = () => {
    const j = cyc[runFrom - base] - m0;
    if (runLen >= 3 && !out[j]) {
      // Charging voltage only rises (or holds, under CV): a fall below the running maximum is a leak.
      let hi = -Infinity;
      for (let p = 0; p < runLen; p++) {
        const f = windowMedian(c.v, runFrom + Math.max(0, p - 2), runFrom + Math.min(runLen, p + 3), win);
        hi = Math.max(hi, f);
        if (hi - f > dropLimit) { out[j] = { time: c.t[runFrom + p], drop: hi - f }; break; }
      }
    }
    runLen = 0;
  };
  for (let k = P; k < n; k++) {
    const r = k - base;
    if (state[r] === 1 && (runLen === 0 || cyc[r] === cyc[runFrom - base])) {
      if (runLen === 0) runFrom = k;
      runLen++;
    } else {
      if (runLen > 0) flush();
      if (state[r] === 1) { runFrom = k; runLen = 1; }
    }
  }
  if (runLen > 0) flush();
  return out;
}

/** The median of v[from..to−1] (3 to 5 values), as median() computes it: sorted, then the middle (or the mean of the two middle ones). */
function windowMedian(v: ArrayLike<number>, from: number, to: number, w: Float64Array): number {
  const L = to - from;
  for (let a = 0; a < L; a++) {
    const x = v[from + a];
    let b = a;
    while (b > 0 && w[b - 1] > x) { w[b] = w[b - 1]; b--; }
    w[b] = x;
  }
  const pos = 0.5 * (L - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return w[lo] + (w[hi] - w[lo]) * (pos - lo);
}

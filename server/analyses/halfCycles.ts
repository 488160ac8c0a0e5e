// The half-cycles of a galvanostatic trace and the charge each one passed. A half-cycle is a run of
// samples with current of one sign in one cycle (and one half-cycle index, when the file numbers
// them); rests lie between. Its charge comes from the instrument's own counter when the file has one
// ((Q-Qo), Q charge/discharge, a cycler's Charge_Capacity and Discharge_Capacity), else from the
// trapezoids of the current. The integral never crosses a gap where the state changes (the current
// changes sign, stops or starts, or the half-cycle index changes): what flowed in an unsampled gap
// is unknown, and a trapezoid across it adds current to both neighbours.
import { formatNumber } from '../domain/format';
import { median, splitTrapezoid } from './common';

export interface HalfCycle {
  /** Sample indices of its first and last sample. */
  first: number;
  last: number;
  /** +1 charge, -1 discharge (as signed for the analysis). */
  sign: 1 | -1;
  /** 0-based cycle it belongs to. */
  cycle: number;
}

/** The instrument's capacity counter, in C: one column for both directions, or one per direction. */
export interface CapacityCounter {
  name: string;
  both?: ArrayLike<number>;
  charge?: ArrayLike<number>;
  discharge?: ArrayLike<number>;
}

export interface CapacityFrom {
  method: 'counter' | 'integral';
  /** The counter's column(s), when it was used. */
  column?: string;
}

/** Runs of one state (±1) and one cycle (and one half-cycle index); rest samples (0) belong to none. */
export function segmentHalfCycles(state: Int8Array, cyc: Int32Array, halfIndex?: ArrayLike<number>): HalfCycle[] {
  const out: HalfCycle[] = [];
  let open: HalfCycle | undefined;
  for (let k = 0; k < state.length; k++) open = stepHalfCycle(open, out, k, state[k], cyc[k], halfIndex);
  return out;
}

/**
 * Row k (its state s and cycle) into the half-cycles: it extends the open one when it continues
 * it (same sign and cycle, the next row, the same half-cycle index), else opens the next (pushed
 * on `out`; none at rest). Returns the half-cycle open after it. The one rule, for every pass.
 */
export function stepHalfCycle(open: HalfCycle | undefined, out: HalfCycle[], k: number, s: number, cycle: number, halfIndex?: ArrayLike<number>): HalfCycle | undefined {
  if (open && s === open.sign && cycle === open.cycle && open.last === k - 1 && (!halfIndex || halfIndex[k] === halfIndex[k - 1])) {
    open.last = k;
    return open;
  }
  const next: HalfCycle | undefined = s === 0 ? undefined : { first: k, last: k, sign: s as 1 | -1, cycle };
  if (next) out.push(next);
  return next;
}

/** Longer than this many typical sampling intervals (the 90th percentile within half-cycles), an interval is a gap. */
export const GAP_FACTOR = 1.5;

/**
 * Trapezoids of the signed current within each half-cycle, and across the interval to its
 * neighbour (a rest sample, or a half-cycle of the other sign split at the zero of the current)
 * when that interval is no longer than the sampling (`gapLimit`): not across a gap. Over the
 * intervals from row `from` to the last row, added to the charges of halves[firstHalf..]
 * (capacity[j − firstHalf]) only: those before were settled by the intervals before (the row
 * pass of cycling.ts reads on from a settled cycle this way). `si` and `owner` (the half-cycle of
 * each row, −1 at rest) hold rows from..n−1. `boundary` hears each interval between two
 * half-cycles or a half-cycle and rest (those `gapLimit` decides on). Returns the gaps met.
 */
export function integrateHalfCycles(
  t: ArrayLike<number>, si: Float64Array, owner: Int32Array, from: number, halves: HalfCycle[], firstHalf: number,
  gapLimit: number, capacity: number[], boundary?: (k: number, dt: number) => void,
): number {
  let gaps = 0;
  const add = (j: number, q: number) => { if (j >= firstHalf) capacity[j - firstHalf] += q; };
  for (let r = 0; r + 1 < owner.length; r++) {
    const k = from + r;
    const a = owner[r], b = owner[r + 1], dt = t[k + 1] - t[k];
    if (a < 0 && b < 0) continue;
    if (a === b) { add(a, Math.abs(((si[r] + si[r + 1]) / 2) * dt)); continue; }
    boundary?.(k, dt);
    if (dt > gapLimit) { gaps++; continue; }
    if (a >= 0 && b >= 0 && halves[a].sign !== halves[b].sign) {
      const [p, q] = splitTrapezoid(si[r], si[r + 1], dt); // p ≥ 0 the charge part, q ≤ 0 the discharge part
      add(a, halves[a].sign > 0 ? p : -q);
      add(b, halves[b].sign > 0 ? p : -q);
    } else if (a >= 0 && b >= 0) {
      // One sign, but a new cycle or half-cycle index: half of the interval to each.
      const q = Math.abs(((si[r] + si[r + 1]) / 2) * dt) / 2;
      add(a, q); add(b, q);
    } else {
      add(a >= 0 ? a : b, Math.abs(((si[r] + si[r + 1]) / 2) * dt));
    }
  }
  return gaps;
}

/**
 * Each half-cycle's charge from the counter: its value at the half-cycle's last sample less the
 * value it started from, which is the value at the sample before the half-cycle (a counter that
 * runs on: (Q-Qo), Arbin's per-test capacities), or zero when the counter restarts with the
 * half-cycle (its first value lies nearer zero than the one before: Q charge/discharge, per-step
 * and per-cycle capacities). Undefined when the counter has no finite value where it is needed.
 */
export function countHalfCycles(counter: CapacityCounter, halves: HalfCycle[]): number[] | undefined {
  const out: number[] = [];
  for (const h of halves) {
    const q = counter.both ?? (h.sign > 0 ? counter.charge : counter.discharge);
    if (!q) return undefined;
    const first = q[h.first], last = q[h.last];
    // Before the file's first sample the counter stood at zero (it counts from the start of the
    // experiment), unless it is already far from zero there (a file that starts mid-experiment).
    const before = h.first > 0 ? q[h.first - 1] : Math.abs(first) < 0.1 * Math.abs(last - first) ? 0 : first;
    if (![first, last, before].every(Number.isFinite)) return undefined;
    const restarts = Math.abs(first) < Math.abs(first - before);
    out.push(Math.abs(last - (restarts ? 0 : before)));
  }
  return out;
}

/** The counter disagrees with the integral by more than this factor: its unit or meaning is not what it seems. */
const COUNTER_TOLERANCE = 0.1;

/** The counter's charges when it agrees with the current (median ratio within 10 %), else the integral's. */
export function halfCycleCapacities(integral: { capacity: number[]; gaps: number }, halves: HalfCycle[], counter: CapacityCounter | undefined, warnings: string[]):
  { capacity: number[]; from: CapacityFrom; gaps: number } {
  if (!counter) return { ...integral, from: { method: 'integral' } };
  const counted = countHalfCycles(counter, halves);
  if (!counted) {
    warnings.push(`The capacity column ${counter.name} has no value at some half-cycle ends: capacities from the trapezoids of the current instead.`);
    return { ...integral, from: { method: 'integral' } };
  }
  const big = Math.max(...integral.capacity, 0);
  const ratios = counted.map((q, j) => q / integral.capacity[j]).filter((r, j) => integral.capacity[j] > 0.01 * big && Number.isFinite(r));
  const ratio = ratios.length ? median(Float64Array.from(ratios)) : NaN;
  if (!(Math.abs(ratio - 1) <= COUNTER_TOLERANCE)) {
    warnings.push(`The capacity column ${counter.name} gives ${formatNumber(ratio, 3)} times the charge of the current integral: its unit or meaning is not what the reader took it for, so capacities come from the trapezoids of the current.`);
    return { ...integral, from: { method: 'integral' } };
  }
  return { capacity: counted, from: { method: 'counter', column: counter.name }, gaps: integral.gaps };
}

// The half-cycle stage as it was (reference for the differential tests).
// The half-cycles of a galvanostatic trace and the charge each one passed. A half-cycle is a run of
// samples with current of one sign in one cycle (and one half-cycle index, when the file numbers
// them); rests lie between. Its charge comes from the instrument's own counter when the file has one
// ((Q-Qo), Q charge/discharge, a cycler's Charge_Capacity and Discharge_Capacity), else from the
// trapezoids of the current. The integral never crosses a gap where the state changes (the current
// changes sign, stops or starts, or the half-cycle index changes): what flowed in an unsampled gap
// is unknown, and a trapezoid across it adds current to both neighbours.
import { formatNumber } from '../../../server/domain/format';
import { splitTrapezoid } from '../../../server/analyses/common';
import type { CapacityCounter, CapacityFrom } from '../../../server/analyses/halfCycles';
import { median, quantile } from './sorting';

export interface HalfCycle {
  /** Sample indices of its first and last sample. */
  first: number;
  last: number;
  /** +1 charge, -1 discharge (as signed for the analysis). */
  sign: 1 | -1;
  /** 0-based cycle it belongs to. */
  cycle: number;
}

/** Runs of one state (±1) and one cycle (and one half-cycle index); rest samples (0) belong to none. */
export function segmentHalfCycles(state: Int8Array, cyc: Int32Array, halfIndex?: ArrayLike<number>): HalfCycle[] {
  const out: HalfCycle[] = [];
  let open: HalfCycle | undefined;
  for (let k = 0; k < state.length; k++) {
    const s = state[k];
    const continues = open && s === open.sign && cyc[k] === open.cycle && open.last === k - 1 && (!halfIndex || halfIndex[k] === halfIndex[k - 1]);
    if (continues) { open!.last = k; continue; }
    open = s === 0 ? undefined : { first: k, last: k, sign: s as 1 | -1, cycle: cyc[k] };
    if (open) out.push(open);
  }
  return out;
}

/** Longer than this many typical sampling intervals (the 90th percentile within half-cycles), an interval is a gap. */
const GAP_FACTOR = 1.5;

/**
 * Trapezoids of the signed current within each half-cycle, and across the interval to its
 * neighbour (a rest sample, or a half-cycle of the other sign split at the zero of the current)
 * when that interval is no longer than the sampling: not across a gap.
 */
export function integrateHalfCycles(t: Float64Array, si: Float64Array, halves: HalfCycle[]): { capacity: number[]; gaps: number } {
  const n = t.length;
  const owner = new Int32Array(n).fill(-1);
  halves.forEach((h, j) => owner.fill(j, h.first, h.last + 1));
  const inside: number[] = [];
  for (const h of halves) for (let k = h.first; k < h.last; k++) inside.push(t[k + 1] - t[k]);
  const gapLimit = GAP_FACTOR * (inside.length ? quantile(Float64Array.from(inside), 0.9) : Infinity);
  const capacity = new Array<number>(halves.length).fill(0);
  let gaps = 0;
  for (let k = 0; k + 1 < n; k++) {
    const a = owner[k], b = owner[k + 1], dt = t[k + 1] - t[k];
    if (a < 0 && b < 0) continue;
    if (a === b) { capacity[a] += Math.abs(((si[k] + si[k + 1]) / 2) * dt); continue; }
    if (dt > gapLimit) { gaps++; continue; }
    if (a >= 0 && b >= 0 && halves[a].sign !== halves[b].sign) {
      const [p, q] = splitTrapezoid(si[k], si[k + 1], dt); // p ≥ 0 the charge part, q ≤ 0 the discharge part
      capacity[a] += halves[a].sign > 0 ? p : -q;
      capacity[b] += halves[b].sign > 0 ? p : -q;
    } else if (a >= 0 && b >= 0) {
      // One sign, but a new cycle or half-cycle index: half of the interval to each.
      const q = Math.abs(((si[k] + si[k + 1]) / 2) * dt) / 2;
      capacity[a] += q; capacity[b] += q;
    } else {
      capacity[a >= 0 ? a : b] += Math.abs(((si[k] + si[k + 1]) / 2) * dt);
    }
  }
  return { capacity, gaps };
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
export function halfCycleCapacities(t: Float64Array, si: Float64Array, halves: HalfCycle[], counter: CapacityCounter | undefined, warnings: string[]):
  { capacity: number[]; from: CapacityFrom; gaps: number } {
  const integral = integrateHalfCycles(t, si, halves);
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

// Order statistics of a multiset that grows (the values of a run still being recorded): the
// quantile of all values so far without sorting them again at every addition. The values sit in
// one large sorted array and a small sorted one that takes the additions and is merged into the
// large one when it has grown to an eighth of it (each value is copied a bounded number of times).
// Values at or below a floor can be left out of a query (and are dropped at the next merge once
// the caller says they never count again).

export class SortedBag {
  private base: Float64Array;
  private baseSorted: boolean;
  private delta: Float64Array = new Float64Array(0);
  /** Values at or below this never count again (the caller raised its floor): dropped at merges. */
  private dropFloor = -Infinity;

  /** `values` (no NaN) is taken over, in any order: it is sorted when first queried. */
  constructor(values: Float64Array) {
    this.base = values;
    this.baseSorted = values.length < 2;
  }

  get size(): number { return this.base.length + this.delta.length; }

  /** Adds the values (no NaN), in any order; `values` is not kept. */
  add(values: Float64Array): void {
    if (values.length === 0) return;
    const added = Float64Array.from(values).sort();
    const merged = mergeSorted(this.delta, added, -Infinity);
    if (merged.length > 4096 + this.base.length / 8) {
      this.base = mergeSorted(this.sortedBase(), merged, this.dropFloor);
      this.delta = new Float64Array(0);
    } else {
      this.delta = merged;
    }
  }

  /** From now on no value at or below `floor` is asked for. */
  forget(floor: number): void {
    if (floor > this.dropFloor) this.dropFloor = floor;
  }

  /**
   * The q-quantile (linear interpolation between ranks, as quantile() in common.ts) of the values
   * above `floor` together with `extra` (sorted, no NaN, not kept): NaN when there are none.
   */
  quantile(q: number, floor = -Infinity, extra: Float64Array = new Float64Array(0)): number {
    const base = this.sortedBase();
    const b0 = lowerBoundAbove(base, floor);
    // The additions and `extra` as one small sorted array (the additions alone when there is no extra).
    const small = extra.length ? mergeSorted(this.delta, extra, floor) : this.delta;
    const s0 = lowerBoundAbove(small, floor);
    const n = base.length - b0 + small.length - s0;
    if (n === 0) return NaN;
    const pos = q * (n - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
    if (!(lo >= 0 && hi <= n - 1)) return NaN;
    const low = kthOfTwo(base, b0, small, s0, lo), high = hi === lo ? low : kthOfTwo(base, b0, small, s0, hi);
    return low + (high - low) * (pos - lo);
  }

  private sortedBase(): Float64Array {
    if (!this.baseSorted) { this.base.sort(); this.baseSorted = true; }
    return this.base;
  }
}

/** The first index of sorted `a` whose value is above `floor`. */
export function lowerBoundAbove(a: Float64Array, floor: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] > floor) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** The sorted union of sorted a and b, their values above `floor` only. */
function mergeSorted(a: Float64Array, b: Float64Array, floor: number): Float64Array {
  const i0 = lowerBoundAbove(a, floor), j0 = lowerBoundAbove(b, floor);
  const out = new Float64Array(a.length - i0 + b.length - j0);
  let i = i0, j = j0, o = 0;
  while (i < a.length && j < b.length) out[o++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[o++] = a[i++];
  while (j < b.length) out[o++] = b[j++];
  return out;
}

/** The value of rank k (0-based) in the union of sorted a[aFrom..] and sorted b[bFrom..]. */
export function kthOfTwo(a: Float64Array, aFrom: number, b: Float64Array, bFrom: number, k: number): number {
  const na = a.length - aFrom, nb = b.length - bFrom;
  // Take i values from a and k + 1 − i from b: the least i whose next a-value is not below the b-value taken last.
  let lo = Math.max(0, k + 1 - nb), hi = Math.min(k + 1, na);
  while (lo < hi) {
    const i = (lo + hi) >>> 1;
    if (a[aFrom + i] < b[bFrom + k - i]) lo = i + 1; else hi = i;
  }
  const i = lo, j = k + 1 - i;
  const fromA = i > 0 ? a[aFrom + i - 1] : -Infinity, fromB = j > 0 ? b[bFrom + j - 1] : -Infinity;
  return fromA > fromB ? fromA : fromB;
}

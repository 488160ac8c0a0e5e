// The statistics of the analyses as they were before the selection quantile: a quantile by sorting
// a copy of the whole column. The reference the faster code must agree with exactly.
import { formatNumber } from '../../../server/domain/format';
import { isSamples, Samples } from '../../../server/analyses/common';

export interface Columns {
  cols: Float64Array[];
  /** Index in the caller's arrays of each kept row. */
  rows: Uint32Array;
  warnings: string[];
}

/**
 * Checks that the named columns are arrays of one length, drops the rows where any of them is
 * not finite (with a warning), and requires `minRows` rows to remain. When `timeIndex` is given,
 * that column must not go backwards.
 */
export function cleanColumns(
  named: [string, unknown][], minRows: number, timeIndex?: number,
): Columns | { error: string } {
  for (const [name, c] of named) {
    if (!isSamples(c)) return { error: `${name} must be an array of numbers` };
  }
  const arrays = named.map(([, c]) => c as Samples);
  const n = arrays[0].length;
  for (let j = 1; j < arrays.length; j++) {
    if (arrays[j].length !== n) {
      return { error: `${named[0][0]} has ${n} values but ${named[j][0]} has ${arrays[j].length}: columns must be the same length` };
    }
  }
  if (n === 0) return { error: 'no data: the columns are empty' };
  const keep = new Uint32Array(n);
  let m = 0, firstBad = -1;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const a of arrays) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) { ok = false; break; }
    }
    if (ok) keep[m++] = i;
    else if (firstBad < 0) firstBad = i;
  }
  const warnings: string[] = [];
  // Rows are counted from 1, as instruments and spreadsheets count them.
  if (m < n) warnings.push(`Left out ${n - m} of ${n} rows with a missing or non-finite value (the first at data row ${firstBad + 1}).`);
  if (m < minRows) {
    return { error: `${m} usable row${m === 1 ? '' : 's'} (at least ${minRows} needed)${m < n ? `; ${n - m} rows had missing or non-finite values` : ''}` };
  }
  const rows = keep.slice(0, m);
  const cols = arrays.map((a) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = a[rows[i]];
    return out;
  });
  if (timeIndex !== undefined) {
    const t = cols[timeIndex];
    for (let i = 1; i < m; i++) {
      if (t[i] < t[i - 1]) {
        return { error: `${named[timeIndex][0]} goes backwards at data row ${rows[i] + 1} (${formatNumber(t[i - 1])} s then ${formatNumber(t[i])} s): join or sort the data first` };
      }
    }
  }
  return { cols, rows, warnings };
}

export function sortedCopy(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a).sort();
}

/** Linear-interpolated quantile q in [0, 1] of the values (NaN for none). */
export function quantile(a: ArrayLike<number>, q: number): number {
  if (a.length === 0) return NaN;
  const s = sortedCopy(a);
  const pos = q * (s.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function median(a: ArrayLike<number>): number {
  return quantile(a, 0.5);
}

/**
 * Threshold under which |x| counts as "no current": a fraction of the typical flowing |x| (the
 * median of the values above 1 % of the largest), so long rests do not hide the current.
 */
export function restThreshold(absValues: Float64Array, fraction: number): number {
  let max = 0;
  for (const x of absValues) if (x > max) max = x;
  if (!(max > 0)) return 0;
  return fraction * median(absValues.filter((x) => x > 0.01 * max));
}


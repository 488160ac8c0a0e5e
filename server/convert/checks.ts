// What the Battery Data Format's definitions ask of a column's values, and the running total of a
// counter that restarts (instruments' per-step or per-cycle capacities). NaN (a missing value)
// is skipped by every check.

export function isIntegral(v: Float64Array): boolean {
  for (const x of v) if (x === x && !Number.isInteger(x)) return false;
  return true;
}

export function isNonDecreasing(v: Float64Array): boolean {
  let last = -Infinity;
  for (const x of v) {
    if (x !== x) continue;
    if (x < last) return false;
    last = x;
  }
  return true;
}

/** cycle_count: "a non-negative integer and monotonically non-decreasing within a test". */
export function isCycleCount(v: Float64Array): boolean {
  for (const x of v) if (x < 0) return false;
  return isNonDecreasing(v);
}

/** step_count: "incremented by one each time a new step begins ... never resets and never repeats". */
export function isStepCount(v: Float64Array): boolean {
  return growsByAtMostOne(v, false);
}

/** record_index: "incremented by one for each recorded record". */
export function isRecordIndex(v: Float64Array): boolean {
  return growsByAtMostOne(v, true);
}

function growsByAtMostOne(v: Float64Array, everyRow: boolean): boolean {
  let last = NaN;
  for (const x of v) {
    if (x !== x) continue;
    if (last === last && (everyRow ? x !== last + 1 : x !== last && x !== last + 1)) return false;
    last = x;
  }
  return true;
}

/**
 * The running total of a counter that restarts from zero where a step or cycle begins: at each
 * fall the counter had started again, so what it shows adds to what it had reached. Undefined
 * when it falls anywhere else (not a counter, or noise), or when no boundaries are known.
 */
export function accumulateCounter(v: Float64Array, boundaries: Uint8Array | undefined): { values: Float64Array; restarts: number } | undefined {
  if (!boundaries) return undefined;
  const out = new Float64Array(v.length);
  let base = 0, last = NaN, lastRow = -1, restarts = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) { out[i] = NaN; continue; }
    if (x < last) {
      if (!changedSince(boundaries, lastRow, i)) return undefined;
      base += last;
      restarts++;
    }
    out[i] = base + x;
    last = x;
    lastRow = i;
  }
  return { values: out, restarts };
}

/** A step or cycle change in the rows after `from` up to `to`. */
function changedSince(boundaries: Uint8Array, from: number, to: number): boolean {
  for (let i = from + 1; i <= to; i++) if (boundaries[i]) return true;
  return false;
}

// Linear least squares by Householder QR: better conditioned than the normal equations (the
// condition number of A enters once, not squared), for columns that are nearly dependent.

/** Below this norm (of a unit column's part not yet reduced) a column counts as dependent. */
const RANK_TOLERANCE = 1e-13;

/**
 * Least squares min ‖A x − b‖ by Householder QR, A given as columns (each of length m, m ≥ k).
 * Columns are scaled to unit norm first. Returns undefined if A is rank-deficient.
 */
export function leastSquaresQR(cols: Float64Array[], b: Float64Array): Float64Array | undefined {
  const k = cols.length, m = b.length;
  if (k === 0 || m < k) return undefined;
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const v = norm(cols[j]);
    if (!(v > 0) || !Number.isFinite(v)) return undefined;
    norms[j] = v;
  }
  // The scaled columns one after another in one array (column q at q·m), reduced in place: half
  // the time of an array per column (Lin-KK's solves are most of its time). Every operation is as
  // before, in the same order, so the results are the same to the last bit.
  const R = new Float64Array(k * m);
  for (let j = 0; j < k; j++) {
    const c = cols[j], d = norms[j], o = j * m;
    for (let i = 0; i < m; i++) R[o + i] = c[i] / d;
  }
  const y = Float64Array.from(b);
  for (let j = 0; j < k; j++) {
    const oj = j * m;
    let alpha = 0;
    for (let i = j; i < m; i++) alpha += R[oj + i] * R[oj + i];
    alpha = Math.sqrt(alpha);
    if (alpha < RANK_TOLERANCE) return undefined;
    if (R[oj + j] > 0) alpha = -alpha;
    // v = x − alpha e_j, stored in place; H = I − 2 v vᵀ / vᵀv, applied to the later columns and y.
    R[oj + j] -= alpha;
    let vv = 0;
    for (let i = j; i < m; i++) vv += R[oj + i] * R[oj + i];
    for (let q = j + 1; q < k; q++) reflect(R, oj, R, q * m, j, m, vv);
    reflect(R, oj, y, 0, j, m, vv);
    // Column j of R is now alpha at row j (the Householder vector is kept below; only R[j][j] is read back).
    R[oj + j] = alpha;
  }
  const x = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = y[j];
    for (let q = j + 1; q < k; q++) s -= R[q * m + j] * x[q];
    x[j] = s / R[j * m + j];
  }
  for (let j = 0; j < k; j++) x[j] /= norms[j];
  return x;
}

/** c ← H c on rows j … m−1 of the column at `oc` in c, H the reflection by the vector at `ov` in v. */
function reflect(v: Float64Array, ov: number, c: Float64Array, oc: number, j: number, m: number, vv: number): void {
  let s = 0;
  for (let i = j; i < m; i++) s += v[ov + i] * c[oc + i];
  const f = (2 * s) / vv;
  for (let i = j; i < m; i++) c[oc + i] -= f * v[ov + i];
}

function norm(c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * c[i];
  return Math.sqrt(s);
}

// The Householder QR least squares as it was before it kept its columns in one array
// (server/analyses/linalg/qr.ts, 2026-12-01), frozen: the oracle test/linalg.test.ts checks the
// rewritten one against, value for value.

/** Below this norm (of a unit column's part not yet reduced) a column counts as dependent. */
const RANK_TOLERANCE = 1e-13;

/**
 * Least squares min ‖A x − b‖ by Householder QR, A given as columns (each of length m, m ≥ k).
 * Columns are scaled to unit norm first. Returns undefined if A is rank-deficient.
 */
export function leastSquaresQRReference(cols: Float64Array[], b: Float64Array): Float64Array | undefined {
  const k = cols.length, m = b.length;
  if (k === 0 || m < k) return undefined;
  const norms = cols.map(norm);
  if (norms.some((v) => !(v > 0) || !Number.isFinite(v))) return undefined;
  // Plain loops: Float64Array.from with a mapping function was a third of Lin-KK's time.
  const R = cols.map((c, j) => scaled(c, norms[j]));
  const y = Float64Array.from(b);
  for (let j = 0; j < k; j++) {
    const cj = R[j];
    let alpha = 0;
    for (let i = j; i < m; i++) alpha += cj[i] * cj[i];
    alpha = Math.sqrt(alpha);
    if (alpha < RANK_TOLERANCE) return undefined;
    if (cj[j] > 0) alpha = -alpha;
    // v = x − alpha e_j, stored in place; H = I − 2 v vᵀ / vᵀv
    cj[j] -= alpha;
    let vv = 0;
    for (let i = j; i < m; i++) vv += cj[i] * cj[i];
    const apply = (c: Float64Array): void => {
      let s = 0;
      for (let i = j; i < m; i++) s += cj[i] * c[i];
      const f = (2 * s) / vv;
      for (let i = j; i < m; i++) c[i] -= f * cj[i];
    };
    for (let q = j + 1; q < k; q++) apply(R[q]);
    apply(y);
    // Column j of R is now alpha at row j (the Householder vector is kept below; only R[j][j] is read back).
    cj[j] = alpha;
  }
  const x = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = y[j];
    for (let q = j + 1; q < k; q++) s -= R[q][j] * x[q];
    x[j] = s / R[j][j];
  }
  for (let j = 0; j < k; j++) x[j] /= norms[j];
  return x;
}

function norm(c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * c[i];
  return Math.sqrt(s);
}

/** c / divisor, element by element (a division, as before: the same values to the last bit). */
function scaled(c: Float64Array, divisor: number): Float64Array {
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] / divisor;
  return out;
}

// Normal equations of linear least squares: AᵀA and Aᵀb, and the inverse of JᵀJ that gives the
// covariance of a nonlinear fit.
import { cholesky, choleskySolveInPlace } from './cholesky';
import { Matrix } from './dense';

/** AᵀA (cols × cols, symmetric) and Aᵀb for a row-major A (rows × cols); skips zero entries of A. */
export function normalEquations(A: Matrix, b: ArrayLike<number>, rows: number, cols: number): { AtA: Matrix; Atb: Float64Array } {
  const AtA = new Float64Array(cols * cols), Atb = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols, br = b[r];
    for (let p = 0; p < cols; p++) {
      const ap = A[o + p];
      if (ap === 0) continue;
      Atb[p] += ap * br;
      for (let q = p; q < cols; q++) AtA[p * cols + q] += ap * A[o + q];
    }
  }
  for (let p = 0; p < cols; p++) for (let q = 0; q < p; q++) AtA[p * cols + q] = AtA[q * cols + p];
  return { AtA, Atb };
}

/** Below this reciprocal condition estimate of the column-normalised JᵀJ its inverse is refused. */
const MIN_RCOND = 1e-14;

/**
 * The inverse of JᵀJ for the columns of J (each of length m), computed on the column-normalised
 * matrix for conditioning. Undefined when JᵀJ is singular to working precision (a parameter the
 * data cannot determine, or two that trade off exactly): when its Cholesky factorisation fails,
 * or when the estimate (min l_ii / max l_ii)² of its reciprocal condition number is below 10⁻¹⁴.
 */
export function inverseNormal(cols: Float64Array[]): Float64Array | undefined {
  const k = cols.length;
  if (k === 0) return new Float64Array(0);
  const norms = cols.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  if (norms.some((v) => !(v > 0) || !Number.isFinite(v))) return undefined;
  const N = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      const ca = cols[a], cb = cols[b];
      for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
      s /= norms[a] * norms[b];
      N[a * k + b] = s; N[b * k + a] = s;
    }
  }
  const L = cholesky(N, k);
  if (!L) return undefined;
  let dmin = Infinity, dmax = 0;
  for (let i = 0; i < k; i++) { dmin = Math.min(dmin, L[i * k + i]); dmax = Math.max(dmax, L[i * k + i]); }
  if ((dmin / dmax) ** 2 < MIN_RCOND) return undefined;
  const inv = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    col.fill(0); col[c] = 1;
    choleskySolveInPlace(L, k, col);
    for (let r = 0; r < k; r++) inv[r * k + c] = col[r] / (norms[r] * norms[c]);
  }
  return inv;
}

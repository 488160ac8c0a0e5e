// Normal equations of linear least squares: AᵀA and Aᵀb, and the inverse of JᵀJ that gives the
// covariance of a nonlinear fit.
import { cholesky, choleskySolveInPlace } from './cholesky';
import { Matrix } from './dense';

/**
 * AᵀA (cols × cols, symmetric) and Aᵀb for a row-major A (rows × cols). Each entry is a dot product
 * of two columns, summed over the rows in order: for finite entries the same sums, bit for bit, as
 * accumulating the rows one by one. A is transposed first, so the loops run over contiguous memory,
 * and four entries of a row of AᵀA are summed together (four independent additions in flight).
 */
export function normalEquations(A: Matrix, b: ArrayLike<number>, rows: number, cols: number): { AtA: Matrix; Atb: Float64Array } {
  const AtA = new Float64Array(cols * cols), Atb = new Float64Array(cols);
  const At = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let p = 0; p < cols; p++) At[p * rows + r] = A[o + p];
  }
  for (let p = 0; p < cols; p++) {
    const op = p * rows;
    let sb = 0;
    for (let r = 0; r < rows; r++) sb += At[op + r] * b[r];
    Atb[p] = sb;
    let q = p;
    for (; q + 3 < cols; q += 4) {
      const o1 = q * rows, o2 = o1 + rows, o3 = o2 + rows, o4 = o3 + rows;
      let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
      for (let r = 0; r < rows; r++) {
        const a = At[op + r];
        s1 += a * At[o1 + r]; s2 += a * At[o2 + r]; s3 += a * At[o3 + r]; s4 += a * At[o4 + r];
      }
      AtA[p * cols + q] = s1; AtA[p * cols + q + 1] = s2; AtA[p * cols + q + 2] = s3; AtA[p * cols + q + 3] = s4;
      AtA[q * cols + p] = s1; AtA[(q + 1) * cols + p] = s2; AtA[(q + 2) * cols + p] = s3; AtA[(q + 3) * cols + p] = s4;
    }
    for (; q < cols; q++) {
      const oq = q * rows;
      let s = 0;
      for (let r = 0; r < rows; r++) s += At[op + r] * At[oq + r];
      AtA[p * cols + q] = s; AtA[q * cols + p] = s;
    }
  }
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

// Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix, and the triangular
// solves that use the factor. Only the lower triangle of A is read.
//
// The one policy for near-singular matrices: the pivot of column j (a_jj − Σ_k<j l_jk², the square
// of l_jj) must be finite and larger than PIVOT_TOLERANCE times a_jj itself. A smaller pivot is
// rounding noise, so the matrix is not positive definite to working precision and `cholesky`
// returns undefined; what to do then is the caller's decision (Levenberg–Marquardt raises its
// damping, the covariance is left out). A caller that would rather regularise than fail asks for
// it explicitly with `choleskyJittered`.
import { Matrix } from './dense';

/** A pivot below this fraction of its diagonal entry counts as zero. */
export const PIVOT_TOLERANCE = 1e-15;

/**
 * The lower Cholesky factor L (upper triangle zero) of a (n × n), or undefined if a is not positive
 * definite (see above). Column by column; the entries of a column below the diagonal four rows at
 * a time (four independent sums in flight, each over k in order as one row alone).
 */
export function cholesky(a: Matrix, n: number): Matrix | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const oj = j * n, ajj = a[oj + j];
    let s = ajj;
    for (let k = 0; k < j; k++) s -= L[oj + k] * L[oj + k];
    if (!(s > PIVOT_TOLERANCE * Math.abs(ajj)) || !Number.isFinite(s)) return undefined;
    const d = Math.sqrt(s);
    L[oj + j] = d;
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const o1 = i * n, o2 = o1 + n, o3 = o2 + n, o4 = o3 + n;
      let t1 = a[o1 + j], t2 = a[o2 + j], t3 = a[o3 + j], t4 = a[o4 + j];
      for (let k = 0; k < j; k++) {
        const l = L[oj + k];
        t1 -= L[o1 + k] * l; t2 -= L[o2 + k] * l; t3 -= L[o3 + k] * l; t4 -= L[o4 + k] * l;
      }
      L[o1 + j] = t1 / d; L[o2 + j] = t2 / d; L[o3 + j] = t3 / d; L[o4 + j] = t4 / d;
    }
    for (; i < n; i++) {
      const oi = i * n;
      let t = a[oi + j];
      for (let k = 0; k < j; k++) t -= L[oi + k] * L[oj + k];
      L[oi + j] = t / d;
    }
  }
  return L;
}

const JITTER_FIRST = 1e-13; // relative to the largest |a_ii|
const JITTER_ATTEMPTS = 12;  // the last adds 1e-3 × the largest |a_ii|

/**
 * The Cholesky factor of a + δI with the smallest δ in 0, 10⁻¹³·max|a_ii|, 10⁻¹²·max|a_ii| … 10⁻³·max|a_ii|
 * that passes the pivot policy; throws if none does.
 */
export function choleskyJittered(a: Matrix, n: number): Matrix {
  let diag = 0;
  for (let i = 0; i < n; i++) diag = Math.max(diag, Math.abs(a[i * n + i]));
  let jitter = 0;
  for (let attempt = 0; attempt < JITTER_ATTEMPTS; attempt++) {
    let shifted = a;
    if (attempt > 0) {
      jitter = jitter === 0 ? JITTER_FIRST * (diag || 1) : jitter * 10;
      shifted = Float64Array.from(a);
      for (let i = 0; i < n; i++) shifted[i * n + i] += jitter;
    }
    const L = cholesky(shifted, n);
    if (L) return L;
  }
  throw new Error('the normal equations are not positive definite');
}

/** Solves L y = b in place (L lower triangular). */
export function forwardSolve(L: Matrix, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** Solves Lᵀ x = y in place (L lower triangular). */
export function backSolveT(L: Matrix, n: number, y: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
}

/** Solves L Lᵀ x = b for x, in place. */
export function choleskySolveInPlace(L: Matrix, n: number, b: Float64Array): void {
  forwardSolve(L, n, b);
  backSolveT(L, n, b);
}

/** Solves M x = b for a symmetric positive-definite M (n × n); undefined if M is not (see above). */
export function solveSpd(M: Matrix, b: ArrayLike<number>, n: number): Float64Array | undefined {
  const L = cholesky(M, n);
  if (!L) return undefined;
  const x = Float64Array.from(b);
  choleskySolveInPlace(L, n, x);
  return x;
}

/**
 * C ← L⁻¹ C for a square C (n × n), row by row: row i minus l_ik · row k for k < i in order, then
 * divided by l_ii. Four rows k are subtracted in one pass over row i (the same operations in the
 * same order, for finite entries the same values; a zero l_ik subtracts a zero). `upperOnly`: only
 * the upper triangle (j ≥ i), for a C whose L⁻¹ C is known to be symmetric (the lower triangle is
 * left as it was): column j of L⁻¹ C needs only column j of C and its rows k < i, which row k has
 * for j ≥ i > k. A third of the work.
 */
export function forwardColumns(L: Matrix, C: Matrix, n: number, upperOnly = false): void {
  for (let i = 0; i < n; i++) {
    const oi = i * n, li = L[oi + i], j0 = upperOnly ? i : 0;
    let k = 0;
    for (; k + 3 < i; k += 4) {
      const l1 = L[oi + k], l2 = L[oi + k + 1], l3 = L[oi + k + 2], l4 = L[oi + k + 3];
      const o1 = k * n, o2 = o1 + n, o3 = o2 + n, o4 = o3 + n;
      for (let j = j0; j < n; j++) C[oi + j] = C[oi + j] - l1 * C[o1 + j] - l2 * C[o2 + j] - l3 * C[o3 + j] - l4 * C[o4 + j];
    }
    for (; k < i; k++) {
      const l = L[oi + k], ok = k * n;
      for (let j = j0; j < n; j++) C[oi + j] -= l * C[ok + j];
    }
    for (let j = j0; j < n; j++) C[oi + j] /= li;
  }
}


// Frozen copy of server/analyses/linalg/cholesky.ts at f53d985, the DRT reference's linear algebra
// (test/helpers/drtReference/drt.ts; test/drtReference.test.ts).
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

/** The lower Cholesky factor L (upper triangle zero) of a (n × n), or undefined if a is not positive definite (see above). */
export function cholesky(a: Matrix, n: number): Matrix | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const ajj = a[j * n + j];
    let s = ajj;
    for (let k = 0; k < j; k++) s -= L[j * n + k] * L[j * n + k];
    if (!(s > PIVOT_TOLERANCE * Math.abs(ajj)) || !Number.isFinite(s)) return undefined;
    const d = Math.sqrt(s);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / d;
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

/** C ← L⁻¹ C for a square C (n × n). */
export function forwardColumns(L: Matrix, C: Matrix, n: number): void {
  for (let i = 0; i < n; i++) {
    const li = L[i * n + i];
    for (let k = 0; k < i; k++) {
      const l = L[i * n + k];
      if (l === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] -= l * C[k * n + j];
    }
    for (let j = 0; j < n; j++) C[i * n + j] /= li;
  }
}

// Frozen copy of server/analyses/linalg/normal.ts at f53d985, the DRT reference's linear algebra
// (test/helpers/drtReference/drt.ts; test/drtReference.test.ts).
// Normal equations of linear least squares: AᵀA and Aᵀb, and the inverse of JᵀJ that gives the
// covariance of a nonlinear fit.
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

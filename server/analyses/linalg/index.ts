// Dense linear algebra shared by the analyses (the circuit fit's Levenberg–Marquardt steps and
// covariance, the DRT's Tikhonov problem, NNLS and GCV, the Lin-KK least squares). Small problems
// (tens to a few hundred unknowns), no dependencies. Matrices are row-major Float64Array with
// their sizes passed alongside (dense.ts).
//
// Near-singular matrices: one policy, in cholesky.ts. `cholesky` refuses a matrix whose pivot
// falls below 1e-15 of its diagonal entry; `choleskyJittered` is the explicit request to
// regularise instead (a growing multiple of the identity). The other rank decisions are the
// callers' and are named where they are made: `leastSquaresQR` refuses a column whose unreduced
// part is below 1e-13 (on unit columns), `inverseNormal` a reciprocal condition below 1e-14.
export type { Matrix } from './dense';
export { dot, mirrorUpper, principalSubmatrix, transposeInPlace } from './dense';
export {
  PIVOT_TOLERANCE, backSolveT, cholesky, choleskyJittered, choleskySolveInPlace, forwardColumns,
  forwardSolve, solveSpd,
} from './cholesky';
export { inverseNormal, normalEquations } from './normal';
export { leastSquaresQR } from './qr';
export type { SymmetricEigen } from './eigen';
export { symmetricEigen, symmetricEigenProjected } from './eigen';
export type { NnlsSolution } from './nnls';
export { nnlsQp } from './nnls';

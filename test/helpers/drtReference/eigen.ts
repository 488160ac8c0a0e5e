// Frozen copy of server/analyses/linalg/eigen.ts at f53d985, the DRT reference's linear algebra
// (test/helpers/drtReference/drt.ts; test/drtReference.test.ts).
// Eigen-decomposition of a symmetric matrix: Householder tridiagonalisation and the implicit QL
// algorithm (EISPACK tred2/tql2 as in JAMA).
import { Matrix } from './dense';

export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  values: Float64Array;
  /** Eigenvectors as the columns (row-major n × n); only the tridiagonalising Q with `project`. */
  vectors: Matrix;
  /** Vᵀ·project, when a vector to project was given. */
  projected?: Float64Array;
}

/**
 * A = V D Vᵀ for a symmetric A (n × n). With `project`, the QL rotations are applied to the vector
 * Qᵀ·project instead of to the matrix of eigenvectors (three times cheaper): `projected` is then
 * Vᵀ·project and `vectors` is only the tridiagonalising Q.
 */
export function symmetricEigen(a: Matrix, n: number, project?: ArrayLike<number>): SymmetricEigen {
  const V = Float64Array.from(a), d = new Float64Array(n), e = new Float64Array(n);
  householderTridiagonalise(V, d, e, n);
  accumulateTransformations(V, d, e, n);
  let z: Float64Array | undefined;
  if (project) {
    z = new Float64Array(n);
    for (let j = 0; j < n; j++) { let t = 0; for (let k = 0; k < n; k++) t += V[k * n + j] * project[k]; z[j] = t; }
  }
  implicitQL(V, d, e, n, z);
  return z ? { values: d, vectors: V, projected: z } : { values: d, vectors: V };
}

/** tred2, first part: reduces V (a copy of A) to tridiagonal form by Householder reflections; d, e ← the reflections' data. */
function householderTridiagonalise(V: Matrix, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) { d[j] = V[(i - 1) * n + j]; V[i * n + j] = 0; V[j * n + i] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) { g += V[k * n + j] * d[k]; e[k] += V[k * n + j] * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
}

/** tred2, second part: V ← the orthogonal Q of the reduction; d, e ← the diagonal and subdiagonal (e[0] = 0). */
function accumulateTransformations(V: Matrix, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = V[(n - 1) * n + j]; V[(n - 1) * n + j] = 0; }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

const MAX_QL_ITERATIONS = 60; // per eigenvalue

/** tql2: diagonalises the tridiagonal (d, e) by implicit QL, rotating V (or only z when given); d ← the eigenvalues. */
function implicitQL(V: Matrix, d: Float64Array, e: Float64Array, n: number, z: Float64Array | undefined): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) { if (Math.abs(e[m]) <= eps * tst1) break; m++; }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_QL_ITERATIONS) throw new Error('the eigen-decomposition did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (z) rotate(z, i, i + 1, c, s);
          else for (let k = 0; k < n; k++) rotate(V, k * n + i, k * n + i + 1, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** The Givens rotation of the pair (v[i], v[j]) by cosine c and sine s. */
function rotate(v: Float64Array, i: number, j: number, c: number, s: number): void {
  const h = v[j];
  v[j] = s * v[i] + c * h;
  v[i] = c * v[i] - s * h;
}

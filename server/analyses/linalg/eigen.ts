// Eigen-decomposition of a symmetric matrix: Householder tridiagonalisation and the implicit QL
// algorithm (EISPACK tred2/tql2 as in JAMA).
import { Matrix, transposeInPlace } from './dense';

export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  values: Float64Array;
  /** Eigenvectors as the columns (row-major n × n). */
  vectors: Matrix;
}

/** A = V D Vᵀ for a symmetric A (n × n). */
export function symmetricEigen(a: Matrix, n: number): SymmetricEigen {
  const V = transposed(a, n), d = new Float64Array(n), e = new Float64Array(n);
  householderTridiagonalise(V, d, e, n);
  transposeInPlace(V, n); // tred2's own layout, for the accumulation
  accumulateTransformations(V, d, e, n);
  implicitQL(V, d, e, n, undefined);
  return { values: d, vectors: V };
}

/**
 * The eigenvalues of a symmetric A = V D Vᵀ (n × n) and Vᵀh, without V: the Householder
 * reflections of the tridiagonalisation and then the QL rotations are applied to h alone (what
 * the DRT's GCV needs; a third of the work of forming V).
 */
export function symmetricEigenProjected(a: Matrix, n: number, h: ArrayLike<number>): { values: Float64Array; projected: Float64Array } {
  const V = transposed(a, n), d = new Float64Array(n), e = new Float64Array(n);
  householderTridiagonalise(V, d, e, n);
  const z = Float64Array.from(h);
  // Q = P_{n−1} ⋯ P_1 (P_i = I − u uᵀ/d_i on the first i coordinates, u in row i), so Qᵀh = P_1 ⋯ P_{n−1} h.
  for (let i = n - 1; i > 0; i--) {
    const hi = d[i];
    if (hi === 0) continue;
    const o = i * n;
    let g = 0;
    for (let k = 0; k < i; k++) g += V[o + k] * z[k];
    g /= hi;
    for (let k = 0; k < i; k++) z[k] -= g * V[o + k];
  }
  for (let j = 0; j < n; j++) d[j] = V[j * n + j];
  e[0] = 0;
  implicitQL(V, d, e, n, z);
  return { values: d, projected: z };
}

/** Aᵀ as a new matrix. */
function transposed(a: Matrix, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/**
 * tred2, first part, on the transpose of its usual layout (V holds Aᵀ and every V[a][b] of tred2
 * is V[b][a] here, so its inner loops run along rows): reduces V to tridiagonal form by
 * Householder reflections, the reflection of step i stored in row i (columns < i) with d[i] its
 * uᵀu/2; e ← the subdiagonal (from e[1]), the diagonal left on V's. The same operations in the
 * same order as tred2: transposing V back gives its result bit for bit.
 */
function householderTridiagonalise(V: Matrix, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) { d[j] = V[j * n + i - 1]; V[j * n + i] = 0; V[i * n + j] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // e ← (the lower triangle of V) · d, rows j and j + 1 together (two sums in flight; e[k]
      // still gets row j's term before row j + 1's).
      let j = 0;
      for (; j + 1 < i; j += 2) {
        const f0 = d[j], f1 = d[j + 1], o0 = j * n, o1 = o0 + n;
        V[i * n + j] = f0;
        let g0 = e[j] + V[o0 + j] * f0;
        g0 += V[o0 + j + 1] * d[j + 1]; e[j + 1] += V[o0 + j + 1] * f0;
        V[i * n + j + 1] = f1;
        let g1 = e[j + 1] + V[o1 + j + 1] * f1;
        for (let k = j + 2; k <= i - 1; k++) {
          const v0 = V[o0 + k], v1 = V[o1 + k], dk = d[k];
          g0 += v0 * dk; g1 += v1 * dk;
          e[k] = e[k] + v0 * f0 + v1 * f1;
        }
        e[j] = g0; e[j + 1] = g1;
      }
      for (; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        const o = j * n;
        g = e[j] + V[o + j] * f;
        for (let k = j + 1; k <= i - 1; k++) { g += V[o + k] * d[k]; e[k] += V[o + k] * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const o = j * n;
        for (let k = j; k <= i - 1; k++) V[o + k] -= f * e[k] + g * d[k];
        d[j] = V[o + i - 1];
        V[o + i] = 0;
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

// Dense matrices and vectors: a matrix is a row-major Float64Array (entry (i, j) of an n-column
// matrix at i·n + j); sizes are passed alongside.

/** A row-major dense matrix. */
export type Matrix = Float64Array;

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function transposeInPlace(C: Matrix, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const t = C[i * n + j]; C[i * n + j] = C[j * n + i]; C[j * n + i] = t; }
}

/** The lower triangle of a square C ← its upper. */
export function mirrorUpper(C: Matrix, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C[i * n + j] = C[j * n + i];
}

/** The rows and columns `idx` of a square n × n matrix, as a k × k matrix (k = idx.length). */
export function principalSubmatrix(H: Matrix, n: number, idx: readonly number[]): Matrix {
  const k = idx.length;
  const S = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) S[a * k + c] = H[idx[a] * n + idx[c]];
  return S;
}

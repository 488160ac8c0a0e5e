// The Savitzky–Golay smoothing filter (Savitzky & Golay, Anal. Chem. 36, 1964): each point is
// replaced by the value at that point of the least-squares polynomial of degree `order` through the
// 2·half + 1 points around it. Near the ends, where the window would leave the data, the polynomial
// of the first (last) full window is evaluated at the point instead, so no point is dropped.
import { inverseNormal } from './linalg';

/** Weights w such that Σ w_j y_j over a window of `size` points is the fitted polynomial at position `at` (0-based in the window). */
function weights(size: number, order: number, at: number): Float64Array {
  const centre = (size - 1) / 2;
  const cols = Array.from({ length: order + 1 }, (_, p) => Float64Array.from({ length: size }, (_, j) => ((j - centre) / Math.max(1, centre)) ** p));
  const inv = inverseNormal(cols);
  if (!inv) throw new Error(`a Savitzky–Golay window of ${size} points cannot carry a polynomial of degree ${order}`);
  const k = order + 1;
  const x = (at - centre) / Math.max(1, centre);
  const w = new Float64Array(size);
  // w_j = Σ_p x^p · ((AᵀA)⁻¹ Aᵀ)_{p j}
  for (let j = 0; j < size; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) {
      let row = 0;
      for (let q = 0; q < k; q++) row += inv[p * k + q] * cols[q][j];
      s += x ** p * row;
    }
    w[j] = s;
  }
  return w;
}

/**
 * Smooths y (equally spaced) with a window of 2·half + 1 points and a polynomial of degree
 * `order` (< 2·half + 1). A series shorter than the window is returned as it is.
 */
export function savitzkyGolay(y: ArrayLike<number>, half: number, order: number): Float64Array {
  const n = y.length, size = 2 * half + 1;
  const out = Float64Array.from(y);
  if (n < size || half < 1) return out;
  const centre = weights(size, order, half);
  for (let i = half; i < n - half; i++) {
    let s = 0;
    for (let j = 0; j < size; j++) s += centre[j] * y[i - half + j];
    out[i] = s;
  }
  for (let i = 0; i < half; i++) {
    const head = weights(size, order, i), tail = weights(size, order, size - 1 - i);
    let a = 0, b = 0;
    for (let j = 0; j < size; j++) { a += head[j] * y[j]; b += tail[j] * y[n - size + j]; }
    out[i] = a;
    out[n - 1 - i] = b;
  }
  return out;
}

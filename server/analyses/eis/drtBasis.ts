// The DRT's expansion γ(y) = Σ_m c_m exp(-(ε (y − y_m))²) in y = ln τ (see drt.ts): the centres,
// the impedance of one basis function (a Debye kernel integral), the Gram matrix of its derivative
// (the penalty), and γ and its integrals for given coefficients.
import { erf } from '../special';

const LN10 = Math.log(10);
const SQRT_PI = Math.sqrt(Math.PI);
const MAX_BASIS = 160;

export interface RbfBasis {
  nb: number;            // radial basis functions
  centres: Float64Array; // ln τ, ascending, uniform
  spacing: number;       // Δ between centres (ln τ)
  eps: number;           // shape parameter (1/ln τ)
  /** Centres added before the first datum's τ (and after the last); 0 when the grid was widened to MAX_BASIS. */
  ext: number;
}

/** γ = scale · Σ_m x[n0 + m] φ_m in the unknowns x (nv of them: n0 unpenalised, then the nb coefficients). */
export interface Expansion extends RbfBasis {
  n0: number;
  nv: number;
  scale: number; // Ω per unit of x
}

/**
 * Centres on the measured ln τ (yData, ascending; uniform spacing Δ = their mean step), extended by
 * half a decade each side; at most MAX_BASIS (then a wider spacing over the same extended range).
 * ε = coeff · 2√ln2 / Δ, so one RBF's FWHM is Δ / coeff.
 */
export function rbfBasis(yData: number[], coeff: number): RbfBasis {
  const n = yData.length;
  const yMin = yData[0], yMax = yData[n - 1];
  const half = 0.5 * LN10;
  let spacing = (yMax - yMin) / (n - 1);
  let ext = Math.max(1, Math.round(half / spacing));
  let nb = n + 2 * ext;
  let first = yMin - ext * spacing;
  if (nb > MAX_BASIS) {
    nb = MAX_BASIS;
    spacing = (yMax - yMin + 2 * half) / (nb - 1);
    first = yMin - half;
    ext = 0;
  }
  const centres = new Float64Array(nb);
  for (let m = 0; m < nb; m++) centres[m] = first + m * spacing;
  const eps = (coeff * 2 * Math.sqrt(Math.LN2)) / spacing;
  return { nb, centres, spacing, eps, ext };
}

/** The trapezoid rule of the kernel integrals: step ≤ 0.5/ε over ±6.5/ε; weights h·exp(−ε²t²) and eᵗ. */
function kernelNodes(eps: number): { wq: Float64Array; es: Float64Array } {
  const h = Math.min(0.5 / eps, 0.25), S = 6.5 / eps;
  const K = Math.ceil(S / h);
  const wq = new Float64Array(2 * K + 1), es = new Float64Array(2 * K + 1);
  for (let k = -K; k <= K; k++) {
    const t = k * h;
    wq[k + K] = h * Math.exp(-((eps * t) ** 2));
    es[k + K] = Math.exp(t);
  }
  return { wq, es };
}

/**
 * d ↦ ∫ exp(-ε² s²) K(d + s) ds for the real and imaginary Debye kernels K (d = ln ωτ_m), by the
 * trapezoid rule with step ≤ 0.5/ε over ±6.5/ε (spectrally accurate, < 1e-13).
 */
function debyeKernel(eps: number): (d: number) => [number, number] {
  const { wq, es } = kernelNodes(eps);
  return (d: number): [number, number] => {
    const e0 = Math.exp(d);
    let re = 0, im = 0;
    for (let k = 0; k < wq.length; k++) {
      const E = e0 * es[k];
      const inv = wq[k] / (1 + E * E);
      re += inv;
      im -= inv * E;
    }
    return [re, im];
  };
}

/**
 * The trapezoid sums of debyeKernel and their first three derivatives in d, at d = o · spacing for
 * o = oFirst … oFirst + count − 1: eight numbers per offset (re and its derivatives, then im and
 * its). With u = d + s, E = eᵘ, S = sech u = 2E/(1 + E²) and T = tanh u = (E² − 1)/(1 + E²), the
 * kernels are (1 − T)/2 and −S/2, their derivatives −S²/2, S²T, S⁴ − 2S²T² and ST/2,
 * S(2S² − 1)/2, −ST(5S² − T²)/2.
 */
function kernelTable(wq: Float64Array, es: Float64Array, spacing: number, oFirst: number, count: number): Float64Array {
  const out = new Float64Array(8 * count);
  for (let c = 0; c < count; c++) {
    const e0 = Math.exp((oFirst + c) * spacing);
    let re = 0, im = 0, re1 = 0, re2 = 0, re3 = 0, im1 = 0, im2 = 0, im3 = 0;
    for (let k = 0; k < wq.length; k++) {
      const E = e0 * es[k], E2 = E * E, w = wq[k];
      const inv = w / (1 + E2); // as debyeKernel
      re += inv;
      im -= inv * E;
      const g = 1 / (1 + E2), S = 2 * E * g, T = (E2 - 1) * g, S2 = S * S, T2 = T * T, hw = 0.5 * w;
      re1 -= hw * S2;
      re2 += w * S2 * T;
      re3 += w * S2 * (S2 - 2 * T2);
      im1 += hw * S * T;
      im2 += hw * S * (2 * S2 - 1);
      im3 -= hw * S * T * (5 * S2 - T2);
    }
    const o = 8 * c;
    out[o] = re; out[o + 1] = re1; out[o + 2] = re2; out[o + 3] = re3;
    out[o + 4] = im; out[o + 5] = im1; out[o + 6] = im2; out[o + 7] = im3;
  }
  return out;
}

/** The tabulated entries may differ from the direct trapezoid sums by at most this (the Taylor remainder). */
export const TAYLOR_TOLERANCE = 1e-15;
/** max |d⁴/du⁴| of the two kernels: 2.5, that of −sech u/2 at u = 0 ((1 − tanh u)/2 reaches 2.04). */
const KERNEL_D4_MAX = 2.5;

/**
 * Writes the RBF columns (n0 … n0 + nb − 1) of A (2n rows: real parts, then imaginary; nv columns).
 * ln(ω_i τ_m) = y_m − y_i: on a log-uniform sweep the centres sit on the data, and A depends on
 * m − i only (Toeplitz, as pyDRTtools exploits), so n + nb − 1 integrals instead of n · nb. A file's
 * sweep is log-uniform only to the rounding of its frequencies (a relative 5e-5 at 5 digits, 5e-8
 * at 8), so each entry, at d = (m − ext − i)Δ + δ, is the tabulated sum at (m − ext − i)Δ and its
 * first three derivatives in a Taylor step in δ: the same trapezoid sum the direct evaluation
 * gives, to within the remainder δ⁴/24 · Σ w · max|K⁗| (Σ w ≈ √π/ε, the quadrature weights), held
 * below TAYLOR_TOLERANCE (|δ| ≲ 4e-4 at ε = 3.6: frequencies to 5 digits or more). A sweep further
 * from uniform, or a basis widened to MAX_BASIS (centres off the data), takes the direct n · nb
 * evaluations.
 */
export function fillRbfColumns(A: Float64Array, nv: number, n0: number, basis: RbfBasis, omega: number[]): void {
  const n = omega.length, { nb, centres } = basis;
  if (basis.ext > 0 && fillTabulated(A, nv, n0, basis, omega)) return;
  const kernel = debyeKernel(basis.eps);
  for (let i = 0; i < n; i++) {
    const lw = Math.log(omega[i]);
    for (let m = 0; m < nb; m++) {
      const [re, im] = kernel(lw + centres[m]);
      A[i * nv + n0 + m] = re;
      A[(n + i) * nv + n0 + m] = im;
    }
  }
}

/** The tabulated path of fillRbfColumns; false (A untouched, no table built) where some |δ| is too large for it. */
function fillTabulated(A: Float64Array, nv: number, n0: number, basis: RbfBasis, omega: number[]): boolean {
  const n = omega.length, { nb, ext, spacing, centres, eps } = basis;
  const { wq, es } = kernelNodes(eps);
  let wSum = 0;
  for (let k = 0; k < wq.length; k++) wSum += wq[k];
  const maxDelta = ((24 * TAYLOR_TOLERANCE) / (wSum * KERNEL_D4_MAX)) ** 0.25;
  const off = n - 1 + ext; // offset o = m − ext − i runs from −off (m = 0, i = n − 1) to nb − 1 − ext
  // The direct path evaluates the sum at lw + centres[m]; δ is its distance from the table's point.
  // Every δ is checked before the table is built: a rough sweep pays for neither.
  const lw = omega.map(Math.log);
  for (let i = 0; i < n; i++) for (let m = 0; m < nb; m++) if (!(Math.abs(lw[i] + centres[m] - (m - ext - i) * spacing) <= maxDelta)) return false;
  const table = kernelTable(wq, es, spacing, -off, n + nb - 1);
  for (let i = 0; i < n; i++) {
    const rowRe = i * nv + n0, rowIm = (n + i) * nv + n0;
    for (let m = 0; m < nb; m++) {
      const o = m - ext - i;
      const delta = lw[i] + centres[m] - o * spacing;
      const t = 8 * (o + off), h = delta / 2, q = delta / 3;
      A[rowRe + m] = table[t] + delta * (table[t + 1] + h * (table[t + 2] + q * table[t + 3]));
      A[rowIm + m] = table[t + 4] + delta * (table[t + 5] + h * (table[t + 6] + q * table[t + 7]));
    }
  }
  return true;
}

/** Internals exposed for the tests only. */
export const drtBasisInternals = { fillTabulated };

/**
 * The penalty cᵀMc = ∫ (γ^(k))² dy: with G(d) = ∫ φ(y) φ(y − d) dy = √(π/2)/ε · exp(−ε²d²/2),
 * ∫ φ_m' φ_n' = −G''(d) = G (ε² − ε⁴d²) and ∫ φ_m'' φ_n'' = G''''(d) = G (ε⁸d⁴ − 6ε⁶d² + 3ε⁴).
 */
export function derivativeGram(basis: RbfBasis, derivative: 1 | 2): Float64Array {
  const { nb, eps, spacing } = basis;
  const gram = new Float64Array(nb * nb);
  const e2 = eps * eps;
  for (let p = 0; p < nb; p++) {
    for (let q = 0; q < nb; q++) {
      const d = (p - q) * spacing, d2 = d * d;
      const G = (Math.sqrt(Math.PI / 2) / eps) * Math.exp(-e2 * d2 / 2);
      gram[p * nb + q] = derivative === 1 ? G * (e2 - e2 * e2 * d2) : G * (e2 ** 4 * d2 * d2 - 6 * e2 ** 3 * d2 + 3 * e2 * e2);
    }
  }
  return gram;
}

/** γ (Ω) at ln τ = y. */
export function gammaAt(p: Expansion, x: Float64Array, y: number): number {
  let s = 0;
  // Only the centres within 7/ε contribute (exp(−49) below that): the centres are uniform.
  const reach = 7 / p.eps, c0 = p.centres[0];
  const mLo = Math.max(0, Math.ceil((y - reach - c0) / p.spacing));
  const mHi = Math.min(p.nb - 1, Math.floor((y + reach - c0) / p.spacing));
  for (let m = mLo; m <= mHi; m++) {
    const c = x[p.n0 + m];
    if (c === 0) continue;
    const d = y - p.centres[m];
    s += c * Math.exp(-((p.eps * d) ** 2));
  }
  return s * p.scale;
}

/**
 * γ (Ω) for two coefficient vectors x and x2 at each ln τ of y (into g and g2), as gammaAt gives
 * them: each basis function's value serves both.
 */
export function gammaAtEach(p: Expansion, x: Float64Array, x2: Float64Array, y: Float64Array, g: Float64Array, g2: Float64Array): void {
  const reach = 7 / p.eps, c0 = p.centres[0], { n0, eps, centres, spacing, scale } = p;
  for (let k = 0; k < y.length; k++) {
    const yk = y[k];
    const mLo = Math.max(0, Math.ceil((yk - reach - c0) / spacing));
    const mHi = Math.min(p.nb - 1, Math.floor((yk + reach - c0) / spacing));
    let s = 0, s2 = 0;
    for (let m = mLo; m <= mHi; m++) {
      const c = x[n0 + m], c2 = x2[n0 + m];
      if (c === 0 && c2 === 0) continue;
      const d = yk - centres[m];
      const phi = Math.exp(-((eps * d) ** 2));
      if (c !== 0) s += c * phi;
      if (c2 !== 0) s2 += c2 * phi;
    }
    g[k] = s * scale; g2[k] = s2 * scale;
  }
}

/** Weights w with wᵀx = ∫_a^b γ d ln τ (Ω); a, b may be ±Infinity. */
export function areaWeights(p: Expansion, a: number, b: number): Float64Array {
  const w = new Float64Array(p.nv);
  const k = (SQRT_PI / (2 * p.eps)) * p.scale;
  for (let m = 0; m < p.nb; m++) {
    const hi = b === Infinity ? 1 : erf(p.eps * (b - p.centres[m]));
    const lo = a === -Infinity ? -1 : erf(p.eps * (a - p.centres[m]));
    w[p.n0 + m] = k * (hi - lo);
  }
  return w;
}

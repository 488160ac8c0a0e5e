// The DRT as it was before the speed work on branch speed-drt (frozen copy of server/analyses/eis/drtBasis.ts
// at f53d985): the reference the faster DRT must agree with to rounding level (test/drtReference.test.ts).
// The DRT's expansion γ(y) = Σ_m c_m exp(-(ε (y − y_m))²) in y = ln τ (see drt.ts): the centres,
// the impedance of one basis function (a Debye kernel integral), the Gram matrix of its derivative
// (the penalty), and γ and its integrals for given coefficients.
import { erf } from '../../../server/analyses/special';

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

/**
 * d ↦ ∫ exp(-ε² s²) K(d + s) ds for the real and imaginary Debye kernels K (d = ln ωτ_m), by the
 * trapezoid rule with step ≤ 0.5/ε over ±6.5/ε (spectrally accurate, < 1e-13).
 */
function debyeKernel(eps: number): (d: number) => [number, number] {
  const h = Math.min(0.5 / eps, 0.25), S = 6.5 / eps;
  const K = Math.ceil(S / h);
  const wq = new Float64Array(2 * K + 1), es = new Float64Array(2 * K + 1);
  for (let k = -K; k <= K; k++) {
    const t = k * h;
    wq[k + K] = h * Math.exp(-((eps * t) ** 2));
    es[k + K] = Math.exp(t);
  }
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
 * Writes the RBF columns (n0 … n0 + nb − 1) of A (2n rows: real parts, then imaginary; nv columns).
 * ln(ω_i τ_m) = y_m − y_i: on a log-uniform sweep the centres sit on the data, and A depends on
 * m − i only (Toeplitz, as pyDRTtools exploits), so n + nb integrals instead of n · nb.
 */
export function fillRbfColumns(A: Float64Array, nv: number, n0: number, basis: RbfBasis, yData: number[], omega: number[]): void {
  const n = yData.length, { nb, ext, spacing, centres } = basis;
  const kernel = debyeKernel(basis.eps);
  const yMin = yData[0];
  let uniform = ext > 0;
  for (let i = 0; uniform && i < n; i++) if (Math.abs(yData[i] - (yMin + i * spacing)) > 1e-9 * spacing) uniform = false;
  if (uniform) {
    const off = n - 1 + ext; // index of offset o = m − ext − i in the table
    const table = new Float64Array(2 * (n + nb));
    for (let o = -off; o < nb - ext; o++) {
      const [re, im] = kernel(o * spacing);
      table[2 * (o + off)] = re; table[2 * (o + off) + 1] = im;
    }
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < nb; m++) {
        const t = 2 * (m - ext - i + off);
        A[i * nv + n0 + m] = table[t];
        A[(n + i) * nv + n0 + m] = table[t + 1];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const lw = Math.log(omega[i]);
      for (let m = 0; m < nb; m++) {
        const [re, im] = kernel(lw + centres[m]);
        A[i * nv + n0 + m] = re;
        A[(n + i) * nv + n0 + m] = im;
      }
    }
  }
}

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

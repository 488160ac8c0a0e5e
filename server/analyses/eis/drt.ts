// Distribution of relaxation times (DRT) of an impedance spectrum by Tikhonov regularisation on a
// Gaussian radial-basis discretisation of ln τ, after pyDRTtools (Wan, Saccoccio, Chen, Ciucci,
// Electrochim. Acta 184 (2015) 483; Ciucci & Chen, Electrochim. Acta 167 (2015) 439):
//
//   Z(ω) = R∞ + jωL + ∫ γ(ln τ) / (1 + jωτ) d ln τ,   γ(y) = Σ_m c_m exp(-(ε (y - y_m))²)
//
// Unknowns x = [R∞, L, c_1 … c_M] (L only with `inductance`), real and imaginary parts fitted
// together, unweighted: min ‖A x − Z‖² + λ cᵀ M c with M the Gram matrix of the first (or second)
// derivative of the expansion (analytic for Gaussians), x ≥ 0.
//
// Numerical choices (all stated in the derivation of a result):
// - The RBF centres are the measured τ = 1/(2πf) (a uniform grid in ln τ with the measured mean
//   spacing Δ, which for a log-spaced sweep is exactly the measured τ), extended by half a decade
//   each side, as pyDRTtools. ε = fwhmCoefficient · 2√ln2 / Δ, so the FWHM of one RBF is
//   Δ / fwhmCoefficient (0.5 → two grid steps). At most MAX_BASIS centres (wider spacing above).
// - The entries of A are ∫ exp(-ε² s²) K(ln(ω τ_m) + s) ds with K the real or imaginary Debye
//   kernel, by the trapezoid rule with step ≤ 0.5/ε over ±6.5/ε (spectrally accurate, < 1e-13).
// - λ by generalised cross-validation on the unconstrained ridge problem, as pyDRTtools: by default
//   its modified GCV (mGCV, Kim & Gu 2004; Maradesa et al., J. Electrochem. Soc. 170 (2023) 030502)
//   ‖(I − K)Z‖² / trace(I − ρK)² with ρ = 2 (1.3 below 50 stacked data), because plain GCV (ρ = 1,
//   `lambdaCriterion: 'gcv'`) is flat on DRT problems and on 1 %-noise spectra sometimes falls to
//   the smallest λ (a γ of spurious spikes). The unpenalised R∞ (and L) columns are projected out,
//   the penalised part is whitened by the Cholesky factor of M and diagonalised once (symmetric
//   eigen-decomposition), so each λ costs two matrix-vector products; log grid 1e-6 … 1 (4 per
//   decade), then golden section between the neighbours of the grid minimum.
// - The constrained problem at that λ is solved exactly by the Lawson–Hanson active-set NNLS on
//   the normal equations (H = AᵀA + λM, g = Aᵀb; "fast NNLS", Bro & de Jong 1997): a finite
//   method with no step-size parameter, cheap at ~80 unknowns.
// - Uncertainties: σ² = ‖residual‖² / (2N − effective dof); a linear functional wᵀx of the
//   solution (R∞, L, a peak area, the polarisation) gets the noise part σ² ‖A_P H_PP⁻¹ w_P‖² on
//   the final active set P, combined in quadrature with the change of the value when λ is
//   multiplied by 10 (the regularisation bias, dominant for clean data). A peak's τ gets the
//   output grid step in ln τ combined with its shift between λ and 10λ.
// - Peaks: maxima of γ on the output grid at least `peakThreshold` (5 %) of the largest γ high and
//   as prominent above the valleys to their neighbours; each peak's resistance is the exact
//   integral (erf) of the expansion between the minima of γ that separate it from its neighbours
//   (the outer peaks to ±∞), so the resistances add up to the polarisation.
import { formatNumber } from '../../domain/format';
import { Estimate, PlotSeries, Result, Samples, cleanColumns, est, failure, guarded, series } from '../common';

export interface DrtInput {
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive arc
  /** Regularisation parameter; chosen by GCV when absent. */
  lambda?: number;
  /**
   * How GCV scores λ when `lambda` is absent: 'mgcv' (default) is pyDRTtools' modified GCV,
   * ‖(I−K)Z‖²/(trace(I − ρK))² with ρ = 2 (1.3 below 50 stacked data), which does not fall to the
   * smallest λ on noisy data as plain GCV ('gcv', ρ = 1) sometimes does.
   */
  lambdaCriterion?: 'mgcv' | 'gcv';
  /** Peaks lower than this fraction of the largest γ are not reported (default 0.05). */
  peakThreshold?: number;
  rbf?: { shape?: 'gaussian'; fwhmCoefficient?: number /* default 0.5 as pyDRTtools */ };
  /** Order of the derivative penalised (default 1). */
  derivative?: 1 | 2;
  /** Fit a series inductance L ≥ 0 (default true). */
  inductance?: boolean;
  /**
   * Points of the output γ(τ) grid, log-spaced over the measured τ range extended by half a decade
   * each side (default 10 per measured point as pyDRTtools, at least 200 and at most 5000).
   */
  tauPoints?: number;
}

export interface DrtPeak {
  /** τ at the maximum of γ (s). */
  tau: Estimate;
  /** 1/(2πτ) (Hz). */
  frequency: number;
  /** ∫ γ d ln τ between the minima of γ that separate this peak from its neighbours (Ω). */
  resistance: Estimate;
  /** γ at the maximum (Ω). */
  gamma: number;
}

/** Data minus the DRT model at each measured frequency (highest frequency first). */
export interface DrtResiduals {
  frequency: number[]; // Hz
  real: number[];      // Ω
  imag: number[];      // Ω
}

export interface DrtValues {
  /** Output grid, ascending (s). */
  tau: number[];
  /** γ(τ) per unit ln τ (Ω). */
  gamma: number[];
  rInf: Estimate;
  /** Series inductance (H), when fitted. */
  inductance?: Estimate;
  lambda: number;
  lambdaMethod: 'gcv' | 'user';
  /** Peaks in order of τ. */
  peaks: DrtPeak[];
  /** ∫ γ d ln τ over all τ (Ω). */
  polarisation: Estimate;
  residuals: DrtResiduals;
  /** Root mean square of the real and imaginary residuals together (Ω). */
  rmse: Estimate;
}

export type DrtResult = Result<DrtValues>;

const LN10 = Math.log(10);
const SQRT_PI = Math.sqrt(Math.PI);
const MIN_POINTS = 5;
const MAX_BASIS = 160;
const GCV_LOG_MIN = -6, GCV_LOG_MAX = 0, GCV_PER_DECADE = 4;
const PEAK_THRESHOLD = 0.05;
const LAMBDA_STEP = 10;

/** The DRT of an impedance spectrum (see the header of this file for the method). */
export function computeDrt(input: DrtInput): DrtResult {
  return guarded('computeDrt', () => runDrt(input));
}

// ---------------------------------------------------------------------------------------------
// Input

interface Options {
  lambda?: number;
  criterion: 'mgcv' | 'gcv';
  peakThreshold: number;
  coeff: number;
  derivative: 1 | 2;
  inductance: boolean;
  tauPoints?: number;
}

function readOptions(input: DrtInput): Options | string {
  const o = input as unknown as Record<string, unknown>;
  let lambda: number | undefined;
  if (o.lambda !== undefined) {
    if (typeof o.lambda !== 'number' || !Number.isFinite(o.lambda) || !(o.lambda > 0)) return `lambda must be a positive finite number (got ${String(o.lambda)})`;
    lambda = o.lambda;
  }
  let coeff = 0.5;
  if (o.rbf !== undefined) {
    if (o.rbf === null || typeof o.rbf !== 'object') return 'rbf must be an object { shape?: "gaussian", fwhmCoefficient?: number }';
    const r = o.rbf as Record<string, unknown>;
    if (r.shape !== undefined && r.shape !== 'gaussian') return `only the gaussian radial basis function is implemented (got shape ${String(r.shape)})`;
    if (r.fwhmCoefficient !== undefined) {
      const c = r.fwhmCoefficient;
      if (typeof c !== 'number' || !Number.isFinite(c) || !(c > 0) || c > 10) return `rbf.fwhmCoefficient must be a number in (0, 10] (got ${String(c)})`;
      coeff = c;
    }
  }
  const d = o.derivative ?? 1;
  if (d !== 1 && d !== 2) return `derivative must be 1 or 2 (got ${String(d)})`;
  const ind = o.inductance ?? true;
  if (typeof ind !== 'boolean') return `inductance must be true or false (got ${String(ind)})`;
  let tauPoints: number | undefined;
  if (o.tauPoints !== undefined) {
    const t = o.tauPoints;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 10 || t > 100000) return `tauPoints must be a number between 10 and 100000 (got ${String(t)})`;
    tauPoints = Math.round(t);
  }
  const criterion = o.lambdaCriterion ?? 'mgcv';
  if (criterion !== 'mgcv' && criterion !== 'gcv') return `lambdaCriterion must be 'mgcv' or 'gcv' (got ${String(criterion)})`;
  const peakThreshold = o.peakThreshold ?? PEAK_THRESHOLD;
  if (typeof peakThreshold !== 'number' || !Number.isFinite(peakThreshold) || peakThreshold < 0 || peakThreshold >= 1) return `peakThreshold must be a fraction in [0, 1) (got ${String(peakThreshold)})`;
  return { lambda, criterion, peakThreshold, coeff, derivative: d, inductance: ind, tauPoints };
}

interface Spectrum {
  f: number[];  // Hz, strictly descending
  re: number[]; // Ω
  im: number[]; // Ω
}

function readSpectrum(input: DrtInput, warnings: string[]): Spectrum | string {
  const c = cleanColumns([['frequency', input.frequency], ['zReal', input.zReal], ['zImag', input.zImag]], 1);
  if ('error' in c) return c.error;
  warnings.push(...c.warnings);
  const [fc, rc, ic] = c.cols;
  const idx: number[] = [];
  let nonPositive = 0;
  for (let k = 0; k < fc.length; k++) { if (fc[k] > 0) idx.push(k); else nonPositive++; }
  if (nonPositive > 0) warnings.push(`Left out ${nonPositive} point${nonPositive > 1 ? 's' : ''} with a frequency ≤ 0.`);
  let ascending = true, descending = true;
  for (let k = 1; k < idx.length; k++) {
    if (fc[idx[k]] < fc[idx[k - 1]]) ascending = false;
    if (fc[idx[k]] > fc[idx[k - 1]]) descending = false;
  }
  if (!ascending && !descending) warnings.push('The frequencies were not in order; the points were sorted by frequency.');
  idx.sort((a, b) => fc[b] - fc[a]);
  const out: Spectrum = { f: [], re: [], im: [] };
  let merged = 0;
  for (let k = 0; k < idx.length;) {
    let j = k + 1;
    while (j < idx.length && fc[idx[k]] - fc[idx[j]] <= 1e-9 * fc[idx[k]]) j++;
    let f = 0, re = 0, im = 0;
    for (let q = k; q < j; q++) { f += fc[idx[q]]; re += rc[idx[q]]; im += ic[idx[q]]; }
    out.f.push(f / (j - k)); out.re.push(re / (j - k)); out.im.push(im / (j - k));
    merged += j - k - 1;
    k = j;
  }
  if (merged > 0) warnings.push(`${merged} point${merged > 1 ? 's' : ''} repeated a frequency already measured; the impedances at each repeated frequency were averaged.`);
  if (out.f.length < MIN_POINTS) {
    return `a DRT needs at least ${MIN_POINTS} distinct positive frequencies (got ${out.f.length})`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The discretised problem

interface Problem {
  n: number;          // measured frequencies
  rows: number;       // 2n: real parts then imaginary parts
  nb: number;         // radial basis functions
  n0: number;         // unpenalised unknowns: R∞ (and L)
  nv: number;         // n0 + nb
  A: Float64Array;    // rows × nv, row-major
  b: Float64Array;    // rows, impedance / scale
  AtA: Float64Array;  // nv × nv
  Atb: Float64Array;  // nv
  gram: Float64Array; // nb × nb penalty on the RBF coefficients
  centres: Float64Array; // ln τ of the RBF centres
  eps: number;        // RBF shape parameter (1/ln τ)
  spacing: number;    // Δ between centres (ln τ)
  scale: number;      // Ω per unit of b
  omegaMax: number;   // rad/s, scale of the L column
}

function buildProblem(s: Spectrum, opt: Options): Problem {
  const n = s.f.length, rows = 2 * n;
  const n0 = opt.inductance ? 2 : 1;
  // ln τ of the data, ascending (the frequencies are descending).
  const yData = s.f.map((f) => -Math.log(2 * Math.PI * f));
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
  const eps = (opt.coeff * 2 * Math.sqrt(Math.LN2)) / spacing;
  const nv = n0 + nb;

  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.hypot(s.re[i], s.im[i]));
  const b = new Float64Array(rows);
  for (let i = 0; i < n; i++) { b[i] = s.re[i] / scale; b[n + i] = s.im[i] / scale; }

  const omega = s.f.map((f) => 2 * Math.PI * f);
  const omegaMax = omega[0];
  const A = new Float64Array(rows * nv);
  for (let i = 0; i < n; i++) {
    A[i * nv] = 1;
    if (opt.inductance) A[(n + i) * nv + 1] = omega[i] / omegaMax;
  }
  // Quadrature nodes of ∫ exp(-ε² s²) K(d + s) ds.
  const h = Math.min(0.5 / eps, 0.25), S = 6.5 / eps;
  const K = Math.ceil(S / h);
  const wq = new Float64Array(2 * K + 1), es = new Float64Array(2 * K + 1);
  for (let k = -K; k <= K; k++) {
    const t = k * h;
    wq[k + K] = h * Math.exp(-((eps * t) ** 2));
    es[k + K] = Math.exp(t);
  }
  const kernel = (d: number): [number, number] => {
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
  // ln(ω_i τ_m) = y_m − y_i: on a log-uniform sweep the centres sit on the data, and A depends
  // on m − i only (Toeplitz, as pyDRTtools exploits), so n + nb integrals instead of n · nb.
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
  const AtA = new Float64Array(nv * nv), Atb = new Float64Array(nv);
  for (let r = 0; r < rows; r++) {
    const o = r * nv, br = b[r];
    for (let p = 0; p < nv; p++) {
      const ap = A[o + p];
      if (ap === 0) continue;
      Atb[p] += ap * br;
      for (let q = p; q < nv; q++) AtA[p * nv + q] += ap * A[o + q];
    }
  }
  for (let p = 0; p < nv; p++) for (let q = 0; q < p; q++) AtA[p * nv + q] = AtA[q * nv + p];

  // Gram matrix of the derivative: with G(d) = ∫ φ(y) φ(y − d) dy = √(π/2)/ε · exp(−ε²d²/2),
  // ∫ φ_m' φ_n' = −G''(d) = G (ε² − ε⁴d²) and ∫ φ_m'' φ_n'' = G''''(d) = G (ε⁸d⁴ − 6ε⁶d² + 3ε⁴).
  const gram = new Float64Array(nb * nb);
  const e2 = eps * eps;
  for (let p = 0; p < nb; p++) {
    for (let q = 0; q < nb; q++) {
      const d = (p - q) * spacing, d2 = d * d;
      const G = (Math.sqrt(Math.PI / 2) / eps) * Math.exp(-e2 * d2 / 2);
      gram[p * nb + q] = opt.derivative === 1 ? G * (e2 - e2 * e2 * d2) : G * (e2 ** 4 * d2 * d2 - 6 * e2 ** 3 * d2 + 3 * e2 * e2);
    }
  }
  return { n, rows, nb, n0, nv, A, b, AtA, Atb, gram, centres, eps, spacing, scale, omegaMax };
}

// ---------------------------------------------------------------------------------------------
// λ by generalised cross-validation (unconstrained ridge, as pyDRTtools)

interface Gcv {
  rows: number;
  /** ‖(I − K) b‖² and trace(K) of the ridge solution at λ (K the influence matrix). */
  evaluate(lambda: number): { rss: number; trace: number };
}

function gcvSetup(p: Problem): Gcv {
  const { rows, nb, n0, nv, A, b, AtA, Atb } = p;
  // Project out the unpenalised columns u_j (R∞: 1 on the real rows; L: ω/ω_max on the imaginary
  // rows; orthogonal to each other) with P = I − Σ u uᵀ/‖u‖², and work with the projected normal
  // equations: C = (PA1)ᵀ(PA1) = A1ᵀA1 − Σ (uᵀA1)ᵀ(uᵀA1)/‖u‖², h0 = (PA1)ᵀb = A1ᵀb − Σ (uᵀA1)ᵀ(uᵀb)/‖u‖².
  const Pb = Float64Array.from(b);
  const C = new Float64Array(nb * nb), h = new Float64Array(nb);
  for (let a = 0; a < nb; a++) {
    h[a] = Atb[n0 + a];
    for (let c = 0; c < nb; c++) C[a * nb + c] = AtA[(n0 + a) * nv + n0 + c];
  }
  for (let j = 0; j < n0; j++) {
    const uu = AtA[j * nv + j];
    const uA = new Float64Array(nb);
    for (let m = 0; m < nb; m++) uA[m] = AtA[j * nv + n0 + m] / uu;
    const ub = Atb[j] / uu;
    for (let a = 0; a < nb; a++) {
      const ka = AtA[j * nv + n0 + a];
      h[a] -= ka * ub;
      for (let c = 0; c < nb; c++) C[a * nb + c] -= ka * uA[c];
    }
    for (let r = 0; r < rows; r++) Pb[r] -= A[r * nv + j] * ub;
  }
  const L = Float64Array.from(p.gram);
  choleskyJittered(L, nb);
  // B = L⁻¹ C L⁻ᵀ (the whitened normal matrix), h ← L⁻¹ h0.
  forwardColumns(L, C, nb);           // C ← L⁻¹ C
  transposeInPlace(C, nb);            // C ← (L⁻¹ C)ᵀ = C L⁻ᵀ
  forwardColumns(L, C, nb);           // C ← L⁻¹ C L⁻ᵀ
  for (let a = 0; a < nb; a++) for (let c = 0; c < a; c++) { const v = (C[a * nb + c] + C[c * nb + a]) / 2; C[a * nb + c] = v; C[c * nb + a] = v; }
  forwardSolve(L, nb, h);
  // With B = V D Vᵀ and q = Vᵀh, the ridge solution is y = V (D + λ)⁻¹ q, trace K = n0 + Σ d/(d+λ),
  // and ‖Pb − Ã y‖² = ‖Pb‖² − Σ q² (d + 2λ)/(d + λ)² (no division by a small d).
  const { values: d, projected } = symmetricEigen(C, nb, h);
  const q = projected!;
  for (let k = 0; k < nb; k++) if (d[k] < 0) d[k] = 0;
  let bb = 0;
  for (let r = 0; r < rows; r++) bb += Pb[r] * Pb[r];
  return {
    rows,
    evaluate(lambda: number): { rss: number; trace: number } {
      let trace = n0, fit = 0;
      for (let k = 0; k < nb; k++) {
        const dl = d[k] + lambda;
        trace += d[k] / dl;
        fit += (q[k] * q[k] * (d[k] + 2 * lambda)) / (dl * dl);
      }
      return { rss: Math.max(bb - fit, 0), trace };
    },
  };
}

function chooseLambda(p: Problem, criterion: 'mgcv' | 'gcv', warnings: string[]): { lambda: number; note: string } {
  const gcv = gcvSetup(p);
  const n = gcv.rows;
  // pyDRTtools' compute_mGCV: ρ = 1.3 below 50 stacked data, else 2; plain GCV is ρ = 1.
  const rho = criterion === 'gcv' ? 1 : n < 50 ? 1.3 : 2;
  const score = (lambda: number): number => {
    const { rss, trace } = gcv.evaluate(lambda);
    const den = n - rho * trace;
    return den > 0 ? (n * rss) / (den * den) : Infinity;
  };
  const steps = (GCV_LOG_MAX - GCV_LOG_MIN) * GCV_PER_DECADE;
  const grid: number[] = [];
  for (let k = 0; k <= steps; k++) grid.push(score(10 ** (GCV_LOG_MIN + k / GCV_PER_DECADE)));
  let best = 0;
  for (let k = 1; k <= steps; k++) if (grid[k] < grid[best]) best = k;
  const finite = grid.filter(Number.isFinite);
  const top = finite.length > 0 ? Math.max(...finite) : NaN;
  if (!(top > 0) || !Number.isFinite(grid[best]) || grid[best] >= top * (1 - 1e-9)) {
    const lambda = 10 ** ((GCV_LOG_MIN + GCV_LOG_MAX) / 2);
    warnings.push(`GCV cannot choose λ (its score is flat over ${formatNumber(10 ** GCV_LOG_MIN)} … ${formatNumber(10 ** GCV_LOG_MAX)}: the spectrum has no relaxation the model resolves); λ = ${formatNumber(lambda)}, the middle of the range, was used.`);
    return { lambda, note: `GCV flat; λ = ${formatNumber(lambda)} (middle of the search range)` };
  }
  // Golden section on log10 λ between the grid neighbours of the minimum.
  let lo = GCV_LOG_MIN + Math.max(0, best - 1) / GCV_PER_DECADE;
  let hi = GCV_LOG_MIN + Math.min(steps, best + 1) / GCV_PER_DECADE;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo), c = lo + g * (hi - lo);
  let fa = score(10 ** a), fc = score(10 ** c);
  for (let it = 0; it < 25 && hi - lo > 1e-3; it++) {
    if (fa < fc) { hi = c; c = a; fc = fa; a = hi - g * (hi - lo); fa = score(10 ** a); }
    else { lo = a; a = c; fa = fc; c = lo + g * (hi - lo); fc = score(10 ** c); }
  }
  let t = (lo + hi) / 2;
  if (!(score(10 ** t) <= grid[best])) t = GCV_LOG_MIN + best / GCV_PER_DECADE;
  const lambda = 10 ** t;
  if (best === 0) warnings.push(`GCV has its minimum at the smallest λ searched (${formatNumber(10 ** GCV_LOG_MIN)}): the data are nearly noise-free, and γ may carry small spurious features; pass lambda to regularise more.`);
  if (best === steps) warnings.push(`GCV has its minimum at the largest λ searched (${formatNumber(10 ** GCV_LOG_MAX)}): γ is heavily smoothed, and close peaks may be merged.`);
  const name = criterion === 'gcv' ? 'GCV' : `modified GCV (ρ = ${rho})`;
  return { lambda, note: `λ = ${formatNumber(lambda)} by ${name} (${steps + 1} values over ${formatNumber(10 ** GCV_LOG_MIN)} … ${formatNumber(10 ** GCV_LOG_MAX)}, refined by golden section)` };
}

// ---------------------------------------------------------------------------------------------
// The constrained solution

interface Solution {
  x: Float64Array;       // scaled unknowns
  passive: Uint8Array;   // 1 where x > 0 (free)
  converged: boolean;    // false if the iteration limit stopped the active-set method
}

function solveAt(p: Problem, lambda: number, start?: Uint8Array): Solution {
  const { nv, n0, nb } = p;
  const H = Float64Array.from(p.AtA);
  for (let a = 0; a < nb; a++) for (let c = 0; c < nb; c++) H[(n0 + a) * nv + n0 + c] += lambda * p.gram[a * nb + c];
  return nnlsQp(H, p.Atb, nv, start);
}

function resistanceOnly(p: Problem): Solution {
  const x = new Float64Array(p.nv), passive = new Uint8Array(p.nv);
  x[0] = Math.max(0, p.Atb[0] / p.AtA[0]);
  passive[0] = x[0] > 0 ? 1 : 0;
  return { x, passive, converged: true };
}

/**
 * min ½ xᵀHx − gᵀx subject to x ≥ 0, H symmetric positive definite (n × n, row-major): the
 * Lawson–Hanson active-set method on the normal equations (Bro & de Jong's fast NNLS).
 */
function nnlsQp(H: Float64Array, g: ArrayLike<number>, n: number, start?: Uint8Array): Solution {
  const x = new Float64Array(n), passive = new Uint8Array(n), blocked = new Uint8Array(n);
  const w = new Float64Array(n);
  let big = 0;
  for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(g[i]), Math.abs(H[i * n + i]));
  const tol = 1e-13 * (big || 1);
  // Warm start: from the given passive set (default: all variables), drop the variables whose
  // unconstrained value is not positive until none is left; that point is feasible and optimal on
  // its passive set, which is all the Lawson–Hanson iteration needs.
  if (start) passive.set(start); else passive.fill(1);
  for (let round = 0; round < 20; round++) {
    let any = false;
    for (let i = 0; i < n; i++) if (passive[i]) { any = true; break; }
    if (!any) break;
    const s = subSolve(H, g, passive, n);
    let dropped = 0;
    for (let i = 0; i < n; i++) if (passive[i] && !(s[i] > 0)) { passive[i] = 0; dropped++; }
    if (dropped === 0) { x.set(s); break; }
    if (round === 19) passive.fill(0);
  }
  for (let i = 0; i < n; i++) {
    let v = g[i];
    for (let k = 0; k < n; k++) if (x[k] !== 0) v -= H[i * n + k] * x[k];
    w[i] = v;
  }
  let converged = false;
  for (let outer = 0; outer < 4 * n; outer++) {
    let j = -1, wmax = tol;
    for (let i = 0; i < n; i++) if (!passive[i] && !blocked[i] && w[i] > wmax) { wmax = w[i]; j = i; }
    if (j < 0) { converged = true; break; }
    passive[j] = 1;
    let s = subSolve(H, g, passive, n);
    if (!(s[j] > 0)) { passive[j] = 0; blocked[j] = 1; continue; } // rounding: this variable cannot enter
    for (let inner = 0; ; inner++) {
      if (inner >= 4 * n) return { x, passive, converged: false }; // x is feasible
      let alpha = Infinity, k = -1;
      for (let i = 0; i < n; i++) {
        if (passive[i] && s[i] <= 0) {
          const a = x[i] / (x[i] - s[i]);
          if (a < alpha) { alpha = a; k = i; }
        }
      }
      if (k < 0) break;
      for (let i = 0; i < n; i++) if (passive[i]) x[i] += alpha * (s[i] - x[i]);
      x[k] = 0;
      for (let i = 0; i < n; i++) if (passive[i] && x[i] <= 0) { passive[i] = 0; x[i] = 0; }
      s = subSolve(H, g, passive, n);
    }
    for (let i = 0; i < n; i++) x[i] = passive[i] ? s[i] : 0;
    blocked.fill(0);
    for (let i = 0; i < n; i++) {
      let v = g[i];
      for (let k = 0; k < n; k++) if (x[k] !== 0) v -= H[i * n + k] * x[k];
      w[i] = v;
    }
  }
  return { x, passive, converged };
}

/** The unconstrained minimiser over the passive variables (zero elsewhere). */
function subSolve(H: Float64Array, g: ArrayLike<number>, passive: Uint8Array, n: number): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (passive[i]) idx.push(i);
  const k = idx.length;
  const S = new Float64Array(k * k), r = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    r[a] = g[idx[a]];
    for (let c = 0; c < k; c++) S[a * k + c] = H[idx[a] * n + idx[c]];
  }
  choleskyJittered(S, k);
  forwardSolve(S, k, r);
  backSolveT(S, k, r);
  const out = new Float64Array(n);
  for (let a = 0; a < k; a++) out[idx[a]] = r[a];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dense linear algebra (row-major Float64Array)

/** In-place Cholesky factor (lower) of a symmetric positive-definite matrix; false if not SPD. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const dj = a[j * n + j];
    let s = dj;
    for (let k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
    if (!(s > 1e-15 * Math.abs(dj))) return false;
    const d = Math.sqrt(s);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = t / d;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
  return true;
}

/** Cholesky, adding a growing multiple of the identity until it succeeds. */
function choleskyJittered(a: Float64Array, n: number): void {
  const orig = Float64Array.from(a);
  let diag = 0;
  for (let i = 0; i < n; i++) diag = Math.max(diag, Math.abs(orig[i * n + i]));
  let jitter = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    if (attempt > 0) {
      a.set(orig);
      jitter = jitter === 0 ? 1e-13 * (diag || 1) : jitter * 10;
      for (let i = 0; i < n; i++) a[i * n + i] += jitter;
    }
    if (cholesky(a, n)) return;
  }
  throw new Error('the normal equations are not positive definite');
}

/** Solves L y = b in place (L lower triangular). */
function forwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** Solves Lᵀ x = y in place (L lower triangular). */
function backSolveT(L: Float64Array, n: number, y: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
}

/** C ← L⁻¹ C for a square C (n × n). */
function forwardColumns(L: Float64Array, C: Float64Array, n: number): void {
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

function transposeInPlace(C: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const t = C[i * n + j]; C[i * n + j] = C[j * n + i]; C[j * n + i] = t; }
}

/**
 * Eigen-decomposition A = V D Vᵀ of a symmetric matrix: Householder tridiagonalisation and the
 * implicit QL algorithm (EISPACK tred2/tql2 as in JAMA). Returns the eigenvalues (unsorted) and
 * the eigenvectors as the columns of `vectors` (row-major n × n). With `project`, the QL rotations
 * are applied to the vector Qᵀ·project instead of to the matrix of eigenvectors (three times
 * cheaper): `projected` is then Vᵀ·project and `vectors` is only the tridiagonalising Q.
 */
function symmetricEigen(a: Float64Array, n: number, project?: ArrayLike<number>): { values: Float64Array; vectors: Float64Array; projected?: Float64Array } {
  const V = Float64Array.from(a), d = new Float64Array(n), e = new Float64Array(n);
  // tred2
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
  let z: Float64Array | undefined;
  if (project) {
    z = new Float64Array(n);
    for (let j = 0; j < n; j++) { let t = 0; for (let k = 0; k < n; k++) t += V[k * n + j] * project[k]; z[j] = t; }
  }
  // tql2
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
        if (++iter > 60) throw new Error('the eigen-decomposition did not converge');
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
          if (z) {
            h = z[i + 1];
            z[i + 1] = s * z[i] + c * h;
            z[i] = c * z[i] - s * h;
          } else {
            for (let k = 0; k < n; k++) {
              h = V[k * n + i + 1];
              V[k * n + i + 1] = s * V[k * n + i] + c * h;
              V[k * n + i] = c * V[k * n + i] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return z ? { values: d, vectors: V, projected: z } : { values: d, vectors: V };
}

/** The error function (Maclaurin series below 2.5, Laplace continued fraction above; |err| < 1e-14). */
function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    const x2 = ax * ax;
    let term = ax, sum = ax;
    for (let k = 1; k < 200; k++) {
      term *= -x2 / k;
      const t = term / (2 * k + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / SQRT_PI) * sum;
  } else if (ax > 6.5) {
    r = 1;
  } else {
    let t = ax;
    for (let k = 80; k >= 1; k--) t = ax + k / 2 / t;
    r = 1 - Math.exp(-ax * ax) / (SQRT_PI * t);
  }
  return x < 0 ? -r : r;
}

/** Internals exposed for the tests only. */
export const drtInternals = { nnlsQp, symmetricEigen, erf };

// ---------------------------------------------------------------------------------------------
// Results from a solution

/** γ (Ω) at ln τ = y. */
function gammaAt(p: Problem, x: Float64Array, y: number): number {
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
function areaWeights(p: Problem, a: number, b: number): Float64Array {
  const w = new Float64Array(p.nv);
  const k = (SQRT_PI / (2 * p.eps)) * p.scale;
  for (let m = 0; m < p.nb; m++) {
    const hi = b === Infinity ? 1 : erf(p.eps * (b - p.centres[m]));
    const lo = a === -Infinity ? -1 : erf(p.eps * (a - p.centres[m]));
    w[p.n0 + m] = k * (hi - lo);
  }
  return w;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Noise propagation σ²‖A_P H_PP⁻¹ w_P‖² of linear functionals of the solution. */
function noiseVariance(p: Problem, lambda: number, sol: Solution, sigma2: number): (w: Float64Array) => number {
  const idx: number[] = [];
  for (let i = 0; i < p.nv; i++) if (sol.passive[i]) idx.push(i);
  const k = idx.length;
  if (k === 0) return () => 0;
  const S = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let c = 0; c < k; c++) {
      const i = idx[a], j = idx[c];
      let v = p.AtA[i * p.nv + j];
      if (i >= p.n0 && j >= p.n0) v += lambda * p.gram[(i - p.n0) * p.nb + (j - p.n0)];
      S[a * k + c] = v;
    }
  }
  choleskyJittered(S, k);
  return (w) => {
    const z = new Float64Array(k);
    for (let a = 0; a < k; a++) z[a] = w[idx[a]];
    forwardSolve(S, k, z);
    backSolveT(S, k, z);
    let q = 0;
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += p.AtA[idx[a] * p.nv + idx[c]] * z[c];
      q += z[a] * s;
    }
    return sigma2 * Math.max(q, 0);
  };
}

interface PeakFound { k: number; y: number; gamma: number; edge: boolean }

/**
 * Maxima of γ on the output grid at least `fraction` of the largest γ high and as prominent
 * (above the higher of the valleys that separate them from their neighbours: a ripple on a
 * flank is not a peak), refined by a parabola through the three grid points around each.
 */
function findPeaks(p: Problem, x: Float64Array, yGrid: Float64Array, gamma: Float64Array, fraction: number, from = 0, to = yGrid.length): PeakFound[] {
  let max = 0;
  for (let k = from; k < to; k++) max = Math.max(max, gamma[k]);
  if (!(max > 0)) return [];
  const thr = fraction * max;
  let ks: number[] = [];
  for (let k = from; k < to; k++) {
    const g = gamma[k];
    if (!(g >= thr) || g <= 0) continue;
    const left = k > from ? gamma[k - 1] : -Infinity, right = k + 1 < to ? gamma[k + 1] : -Infinity;
    if (g > left && g >= right) ks.push(k);
  }
  // Merge the less prominent of two neighbours until every valley is deep enough.
  for (let changed = true; changed && ks.length > 1;) {
    changed = false;
    let worst = -1, worstProm = Infinity;
    for (let j = 0; j + 1 < ks.length; j++) {
      let valley = Infinity;
      for (let k = ks[j]; k <= ks[j + 1]; k++) valley = Math.min(valley, gamma[k]);
      const prom = Math.min(gamma[ks[j]], gamma[ks[j + 1]]) - valley;
      if (prom < thr && prom < worstProm) { worstProm = prom; worst = j; }
    }
    if (worst >= 0) {
      ks = ks.filter((_, j) => j !== (gamma[ks[worst]] < gamma[ks[worst + 1]] ? worst : worst + 1));
      changed = true;
    }
  }
  const h = yGrid.length > 1 ? yGrid[1] - yGrid[0] : 0;
  return ks.map((k) => {
    const g = gamma[k];
    let y = yGrid[k];
    if (k > from && k + 1 < to) {
      const den = gamma[k - 1] - 2 * g + gamma[k + 1];
      if (den < 0) y += Math.max(-0.5, Math.min(0.5, (0.5 * (gamma[k - 1] - gamma[k + 1])) / den)) * h;
    }
    return { k, y, gamma: Math.max(g, gammaAt(p, x, y)), edge: k === 0 || k === yGrid.length - 1 };
  });
}

// ---------------------------------------------------------------------------------------------
// The analysis

function runDrt(input: DrtInput): DrtResult {
  if (!input || typeof input !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const opt = readOptions(input);
  if (typeof opt === 'string') return failure(opt);
  const warnings: string[] = [];
  const spec = readSpectrum(input, warnings);
  if (typeof spec === 'string') return failure(spec, warnings);
  const n = spec.f.length;
  let zMax = 0, imMax = 0, inductive = 0;
  for (let i = 0; i < n; i++) {
    zMax = Math.max(zMax, Math.hypot(spec.re[i], spec.im[i]));
    imMax = Math.max(imMax, Math.abs(spec.im[i]));
    if (spec.im[i] > 0) inductive++;
  }
  if (!(zMax > 0)) return failure('the impedance is zero at every frequency', warnings);
  const decades = Math.log10(spec.f[0] / spec.f[n - 1]);
  if (decades < 2) warnings.push(`The spectrum spans only ${formatNumber(decades, 3)} decades of frequency: the DRT resolves processes only within it, and its ends are unreliable.`);
  if (n / decades < 4) warnings.push(`Only ${formatNumber(n / decades, 2)} points per decade: the DRT is coarse (pyDRTtools expects about 10).`);
  const flatIm = imMax <= 1e-12 * zMax;
  if (flatIm) warnings.push('The imaginary part is zero at every frequency: the spectrum has no relaxation, so γ is zero and R∞ is the mean of Re(Z).');
  if (inductive > 0) {
    if (inductive > n / 2) warnings.push(`Im(Z) is positive (inductive) at ${inductive} of ${n} frequencies: check the sign convention (zImag must be negative for a capacitive arc).`);
    else if (opt.inductance) warnings.push(`Im(Z) is positive (inductive) at ${inductive} frequenc${inductive > 1 ? 'ies' : 'y'}; they were kept, and the series inductance L absorbs them.`);
    else warnings.push(`Im(Z) is positive (inductive) at ${inductive} frequenc${inductive > 1 ? 'ies' : 'y'}, and no inductance is fitted (inductance: false): the DRT cannot represent them, and they add to the residuals.`);
  }

  if (opt.coeff > 0.75) warnings.push(`rbf.fwhmCoefficient ${formatNumber(opt.coeff)} makes each RBF narrower than ${formatNumber(1 / opt.coeff, 2)} grid steps: γ ripples between the centres, and a peak may split (pyDRTtools uses 0.5).`);
  const p = buildProblem(spec, opt);
  let lambda: number, lambdaNote: string;
  if (opt.lambda !== undefined) {
    lambda = opt.lambda;
    lambdaNote = `λ = ${formatNumber(lambda)} as given`;
  } else if (flatIm) {
    lambda = 1e-3;
    lambdaNote = 'no relaxation to resolve (Im Z = 0), so γ = 0 and λ (0.001) is not used';
  } else {
    ({ lambda, note: lambdaNote } = chooseLambda(p, opt.criterion, warnings));
  }
  // A spectrum with no imaginary part has no relaxation (any γ > 0 makes Im Z < 0): R∞ alone.
  const sol = flatIm ? resistanceOnly(p) : solveAt(p, lambda);
  const sol10 = flatIm ? sol : solveAt(p, lambda * LAMBDA_STEP, sol.passive);
  const x = sol.x, x10 = sol10.x;
  if (!sol.converged) warnings.push('The non-negative least-squares solver stopped at its iteration limit: γ may not be the exact minimiser.');

  // Model and residuals.
  const { rows, nv, A, b, scale } = p;
  const fit = new Float64Array(rows);
  let rss = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let q = 0; q < nv; q++) s += A[r * nv + q] * x[q];
    fit[r] = s;
    rss += (b[r] - s) ** 2;
  }
  const rmse = Math.sqrt(rss / rows) * scale;
  // Degrees of freedom of the fit: the free (positive) unknowns, an upper bound of the effective
  // number, so σ² errs on the large side.
  let dofEff = 0;
  for (let i = 0; i < nv; i++) if (sol.passive[i]) dofEff++;
  dofEff = Math.min(dofEff, rows - 1);
  const sigma2 = rss / Math.max(rows - dofEff, 1);
  const noise = noiseVariance(p, lambda, sol, sigma2);
  const withErr = (w: Float64Array, unit: string): Estimate => {
    const v = dot(w, x), v10 = dot(w, x10);
    return est(v, unit, Math.sqrt(noise(w) + (v10 - v) ** 2));
  };

  const wR = new Float64Array(nv); wR[0] = scale;
  const rInf = withErr(wR, 'Ω');
  let inductance: Estimate | undefined;
  if (opt.inductance) {
    const wL = new Float64Array(nv); wL[1] = scale / p.omegaMax;
    inductance = withErr(wL, 'H');
  }
  const polarisation = withErr(areaWeights(p, -Infinity, Infinity), 'Ω');

  // γ on the output grid: the measured τ range extended by half a decade each side.
  const K = opt.tauPoints ?? Math.min(Math.max(10 * n, 200), 5000);
  const yLo = -Math.log(2 * Math.PI * spec.f[0]) - 0.5 * LN10, yHi = -Math.log(2 * Math.PI * spec.f[n - 1]) + 0.5 * LN10;
  const yGrid = new Float64Array(K), gamma = new Float64Array(K), gamma10 = new Float64Array(K);
  const hGrid = (yHi - yLo) / (K - 1);
  for (let k = 0; k < K; k++) {
    yGrid[k] = yLo + k * hGrid;
    gamma[k] = Math.max(0, gammaAt(p, x, yGrid[k]));
    gamma10[k] = Math.max(0, gammaAt(p, x10, yGrid[k]));
  }

  // Peaks, their areas between the separating minima, and their shift between λ and 10λ.
  const found = flatIm ? [] : findPeaks(p, x, yGrid, gamma, opt.peakThreshold);
  const bounds: number[] = [-Infinity];
  const boundK: number[] = [0];
  for (let j = 0; j + 1 < found.length; j++) {
    let kMin = found[j].k;
    for (let k = found[j].k; k <= found[j + 1].k; k++) if (gamma[k] < gamma[kMin]) kMin = k;
    bounds.push(yGrid[kMin]); boundK.push(kMin);
  }
  bounds.push(Infinity); boundK.push(K);
  const yDataLo = yLo + 0.5 * LN10, yDataHi = yHi - 0.5 * LN10;
  let outside = 0, atEdge = 0;
  const peaks: DrtPeak[] = found.map((pk, j) => {
    const resistance = withErr(areaWeights(p, bounds[j], bounds[j + 1]), 'Ω');
    const alt = findPeaks(p, x10, yGrid, gamma10, 0, boundK[j], boundK[j + 1]);
    let shift = 0;
    if (alt.length > 0) {
      const top = alt.reduce((a, c) => (c.gamma > a.gamma ? c : a));
      shift = top.y - pk.y;
    }
    const tau = Math.exp(pk.y);
    const sLn = Math.sqrt(hGrid * hGrid + shift * shift);
    if (pk.edge) atEdge++;
    else if (pk.y < yDataLo || pk.y > yDataHi) outside++;
    return { tau: est(tau, 's', tau * sLn), frequency: 1 / (2 * Math.PI * tau), resistance, gamma: pk.gamma };
  });
  if (atEdge > 0) warnings.push(`${atEdge} peak${atEdge > 1 ? 's' : ''} of γ lie${atEdge > 1 ? '' : 's'} at the end of the τ range: a process (or a diffusion or blocking tail) extends beyond the measured frequencies; its τ and resistance are not resolved.`);
  if (outside > 0) warnings.push(`${outside} peak${outside > 1 ? 's' : ''} of γ lie${outside > 1 ? '' : 's'} outside the measured τ range (in the half-decade extension): treat ${outside > 1 ? 'their' : 'its'} τ and resistance with caution.`);

  // Residuals, highest frequency first.
  const residuals: DrtResiduals = { frequency: [...spec.f], real: [], imag: [] };
  let sumAbs = 0;
  for (let i = 0; i < n; i++) {
    residuals.real.push((b[i] - fit[i]) * scale);
    residuals.imag.push((b[n + i] - fit[n + i]) * scale);
    sumAbs += Math.hypot(spec.re[i], spec.im[i]);
  }
  const relRmse = rmse / (sumAbs / n);
  if (relRmse > 0.05) warnings.push(`The DRT model leaves residuals of ${formatNumber(relRmse * 100, 2)} % of the mean |Z|: the spectrum may not be Kramers–Kronig consistent (drift, non-linearity) or holds features outside the model (e.g. an open diffusion or blocking tail).`);

  const points: PlotSeries[] = [
    series('DRT γ(τ)', 'line', 's', 'Ω', { x: Array.from(yGrid, Math.exp), y: Array.from(gamma) }),
    series('spectrum (−Im Z against Re Z)', 'markers', 'Ω', 'Ω', { x: [...spec.re], y: spec.im.map((v) => -v) }),
    series('DRT model (−Im Z against Re Z)', 'line', 'Ω', 'Ω', { x: Array.from(fit.subarray(0, n), (v) => v * scale), y: Array.from(fit.subarray(n), (v) => -v * scale) }),
  ];
  if (peaks.length > 0) points.push(series('DRT peaks', 'markers', 's', 'Ω', { x: peaks.map((q) => q.tau.value), y: peaks.map((q) => q.gamma) }));

  const peakText = peaks.length === 0 ? 'no peak' : `${peaks.length} peak${peaks.length > 1 ? 's' : ''} (${peaks.map((q) => `τ = ${formatNumber(q.tau.value)} s, ${formatNumber(q.frequency)} Hz, ${formatNumber(q.resistance.value)} Ω`).join('; ')})`;
  const derivation =
    `Tikhonov DRT on ${p.nb} Gaussian RBFs in ln τ (spacing ${formatNumber(p.spacing, 3)}, FWHM coefficient ${opt.coeff}) from ${formatNumber(Math.exp(p.centres[0]))} to ${formatNumber(Math.exp(p.centres[p.nb - 1]))} s, ` +
    `${n} frequencies (real and imaginary parts, unweighted), R∞${opt.inductance ? ' and a series L' : ''} as extra unknowns, ${opt.derivative === 1 ? 'first' : 'second'}-derivative penalty; ${lambdaNote}; ` +
    `non-negative solution by Lawson–Hanson NNLS: R∞ = ${formatNumber(rInf.value)} Ω${inductance ? `, L = ${formatNumber(inductance.value)} H` : ''}, polarisation ∫γ d ln τ = ${formatNumber(polarisation.value)} Ω, ${peakText} (peaks above ${formatNumber(opt.peakThreshold * 100)} % of the maximum; areas between the separating minima); ` +
    `RMS residual ${formatNumber(rmse)} Ω. Standard errors: noise propagation on the active set combined with the change at ${LAMBDA_STEP}·λ; τ at least the grid step ${formatNumber(hGrid, 3)} in ln τ.`;

  return {
    ok: true,
    tau: Array.from(yGrid, Math.exp),
    gamma: Array.from(gamma),
    rInf,
    ...(inductance ? { inductance } : {}),
    lambda,
    lambdaMethod: opt.lambda !== undefined ? 'user' : 'gcv',
    peaks,
    polarisation,
    residuals,
    rmse: est(rmse, 'Ω'),
    derivation,
    warnings,
    points,
  };
}

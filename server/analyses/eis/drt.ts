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
//   output grid step in ln τ combined with its shift between λ and 10λ. R∞ or L held at 0 by the
//   non-negativity constraint is flagged (rInfAtBound, inductanceAtBound) and gets no symmetric
//   standard error but a one-sided 95 % upper limit, 1.645 σ with the unknown released.
// - Peaks: maxima of γ on the output grid at least `peakThreshold` (5 %) of the largest γ high and
//   as prominent above the valleys to their neighbours; each peak's resistance is the exact
//   integral (erf) of the expansion between the minima of γ that separate it from its neighbours
//   (the outer peaks to ±∞), so the resistances add up to the polarisation.
//
// Files: drtInput.ts (options, spectrum), drtBasis.ts (the RBF expansion), drtProblem.ts (the
// discretised problem, its NNLS solution and noise), drtLambda.ts (GCV), drtPeaks.ts; the general
// linear algebra (Cholesky, eigen-decomposition, NNLS) is ../linalg.
import { formatNumber } from '../../domain/format';
import { Estimate, PlotSeries, Result, Samples, est, failure, guarded, series } from '../common';
import { dot, nnlsQp, symmetricEigen, symmetricEigenProjected } from '../linalg';
import { erf } from '../special';
import { areaWeights } from './drtBasis';
import { Options, Spectrum, readOptions, readSpectrum } from './drtInput';
import { chooseLambda } from './drtLambda';
import { GammaGrid, findPeaks, gammaGrid, peakEstimates } from './drtPeaks';
import { Problem, Solution, buildProblem, noiseVariance, resistanceOnly, solveAt } from './drtProblem';

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
  /**
   * R∞ sits at its non-negativity bound (0 Ω): the data do not determine it (γ at the short-τ end
   * took the high-frequency resistance); it then carries no standard error but `rInfUpper`.
   */
  rInfAtBound: boolean;
  /** Series inductance (H), when fitted. */
  inductance?: Estimate;
  /** L sits at its bound (0 H): no lead inductance is resolved; no standard error but `inductanceUpper`. */
  inductanceAtBound?: boolean;
  /**
   * One-sided 95 % upper limits of R∞ (Ω) and L (H) when they sit at the bound: 1.645 σ, σ the
   * noise propagated with the unknown released from its bound.
   */
  rInfUpper?: number;
  inductanceUpper?: number;
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

const LAMBDA_STEP = 10;
/** The one-sided 95 % quantile of the standard normal. */
const ONE_SIDED_95 = 1.645;

/** The DRT of an impedance spectrum (see the header of this file for the method). */
export function computeDrt(input: DrtInput): DrtResult {
  return guarded('the DRT', () => runDrt(input));
}

/** Internals exposed for the tests only. */
export const drtInternals = { nnlsQp, symmetricEigen, symmetricEigenProjected, erf };

function runDrt(input: DrtInput): DrtResult {
  if (!input || typeof input !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const opt = readOptions(input);
  if (typeof opt === 'string') return failure(opt);
  const warnings: string[] = [];
  const spec = readSpectrum(input, warnings);
  if (typeof spec === 'string') return failure(spec, warnings);
  const shape = inspectSpectrum(spec, opt, warnings);
  if (typeof shape === 'string') return failure(shape, warnings);
  const { flatIm } = shape;

  if (opt.coeff > 0.75) warnings.push(`rbf.fwhmCoefficient ${formatNumber(opt.coeff)} makes each RBF narrower than ${formatNumber(1 / opt.coeff, 2)} grid steps: γ ripples between the centres, and a peak may split (pyDRTtools uses 0.5).`);
  const p = buildProblem(spec, opt);
  const { lambda, note: lambdaNote } = pickLambda(p, opt, flatIm, warnings);
  // A spectrum with no imaginary part has no relaxation (any γ > 0 makes Im Z < 0): R∞ alone.
  const sol = flatIm ? resistanceOnly(p) : solveAt(p, lambda);
  const sol10 = flatIm ? sol : solveAt(p, lambda * LAMBDA_STEP, sol.passive);
  if (!sol.converged) warnings.push('The non-negative least-squares solver stopped at its iteration limit: γ may not be the exact minimiser.');

  const { fit, rmse, withErr, upperLimit } = fitStatistics(p, lambda, sol, sol10);
  const wR = new Float64Array(p.nv); wR[0] = p.scale;
  // An unknown held at 0 by the non-negativity constraint has no symmetric standard error.
  const rInfAtBound = !sol.passive[0];
  const rInf = rInfAtBound ? est(0, 'Ω') : withErr(wR, 'Ω');
  const bounds: Pick<DrtValues, 'rInfUpper' | 'inductanceAtBound' | 'inductanceUpper'> = rInfAtBound ? { rInfUpper: upperLimit(wR, 0) } : {};
  let inductance: Estimate | undefined;
  if (opt.inductance) {
    const wL = new Float64Array(p.nv); wL[1] = p.scale / p.omegaMax;
    bounds.inductanceAtBound = !sol.passive[1];
    inductance = bounds.inductanceAtBound ? est(0, 'H') : withErr(wL, 'H');
    if (bounds.inductanceAtBound) bounds.inductanceUpper = upperLimit(wL, 1);
  }
  boundWarnings(rInfAtBound, bounds, flatIm, lambda, warnings);
  const polarisation = withErr(areaWeights(p, -Infinity, Infinity), 'Ω');

  const n = spec.f.length;
  const grid = gammaGrid(p, spec.f, opt.tauPoints ?? Math.min(Math.max(10 * n, 200), 5000), sol.x, sol10.x);
  const found = flatIm ? [] : findPeaks(p, sol.x, grid.y, grid.gamma, opt.peakThreshold);
  const peaks = peakEstimates(p, grid, found, sol10.x, withErr, warnings);
  const residuals = drtResiduals(p, spec, fit, rmse, warnings);

  const derivation = describe(p, opt, n, lambdaNote, { rInf, inductance, polarisation, peaks, rmse, hGrid: grid.step, bounds: { rInfAtBound, ...bounds } });
  const tau = Array.from(grid.y, Math.exp);
  return {
    ok: true,
    tau,
    gamma: Array.from(grid.gamma),
    rInf,
    rInfAtBound,
    ...(inductance ? { inductance } : {}),
    ...bounds,
    lambda,
    lambdaMethod: opt.lambda !== undefined ? 'user' : 'gcv',
    peaks,
    polarisation,
    residuals,
    rmse: est(rmse, 'Ω'),
    derivation,
    warnings,
    points: plots(p, spec, fit, grid, tau, peaks),
  };
}

/** Warns about what limits the DRT of this spectrum; fails if it is zero everywhere. */
function inspectSpectrum(spec: Spectrum, opt: Options, warnings: string[]): { flatIm: boolean } | string {
  const n = spec.f.length;
  let zMax = 0, imMax = 0, inductive = 0;
  for (let i = 0; i < n; i++) {
    zMax = Math.max(zMax, Math.hypot(spec.re[i], spec.im[i]));
    imMax = Math.max(imMax, Math.abs(spec.im[i]));
    if (spec.im[i] > 0) inductive++;
  }
  if (!(zMax > 0)) return 'the impedance is zero at every frequency';
  const decades = Math.log10(spec.f[0] / spec.f[n - 1]);
  if (decades < 2) warnings.push(`The spectrum spans only ${formatNumber(decades, 3)} decades of frequency: the DRT resolves processes only within it, and its ends are unreliable.`);
  if (n / decades < 4) warnings.push(`Only ${formatNumber(n / decades, 2)} points per decade: the DRT is coarse (pyDRTtools expects about 10).`);
  const flatIm = imMax <= 1e-12 * zMax;
  if (flatIm) warnings.push('The imaginary part is zero at every frequency: the spectrum has no relaxation, so γ is zero and R∞ is the mean of Re(Z).');
  if (inductive > 0) {
    if (inductive > n / 2) warnings.push(`Im(Z) is positive (inductive) at ${inductive} of ${n} frequencies: check the sign of the file's imaginary column (Im(Z) is negative on a capacitive arc; a column holding −Im(Z) must say so in its name, e.g. -Im(Z)/Ohm).`);
    else if (opt.inductance) warnings.push(`Im(Z) is positive (inductive) at ${inductive} frequenc${inductive > 1 ? 'ies' : 'y'}; they were kept, and the series inductance L absorbs them.`);
    else warnings.push(`Im(Z) is positive (inductive) at ${inductive} frequenc${inductive > 1 ? 'ies' : 'y'}, and no inductance is fitted (inductance: false): the DRT cannot represent them, and they add to the residuals.`);
  }
  return { flatIm };
}

/** λ as given, a placeholder when there is nothing to regularise, else by GCV. */
function pickLambda(p: Problem, opt: Options, flatIm: boolean, warnings: string[]): { lambda: number; note: string } {
  if (opt.lambda !== undefined) return { lambda: opt.lambda, note: `λ = ${formatNumber(opt.lambda)} as given` };
  if (flatIm) return { lambda: 1e-3, note: 'no relaxation to resolve (Im Z = 0), so γ = 0 and λ (0.001) is not used' };
  return chooseLambda(p, opt.criterion, warnings);
}

interface FitStatistics {
  /** A x (scaled), rows. */
  fit: Float64Array;
  /** RMS residual (Ω). */
  rmse: number;
  /** A linear functional wᵀx with its standard error: noise and the change at 10λ in quadrature. */
  withErr: (w: Float64Array, unit: string) => Estimate;
  /** For unknown j held at its bound 0: the one-sided 95 % upper limit of wᵀx, with j released. */
  upperLimit: (w: Float64Array, j: number) => number;
}

function fitStatistics(p: Problem, lambda: number, sol: Solution, sol10: Solution): FitStatistics {
  const { rows, nv, A, b, scale } = p;
  const x = sol.x, x10 = sol10.x;
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
  const upperLimit = (w: Float64Array, j: number): number => {
    const released = Uint8Array.from(sol.passive);
    released[j] = 1;
    return ONE_SIDED_95 * Math.sqrt(noiseVariance(p, lambda, { ...sol, passive: released }, sigma2)(w));
  };
  return { fit, rmse, withErr, upperLimit };
}

/** R∞ or L held at 0 by the non-negativity constraint: not determined by the data, said in words. */
function boundWarnings(rInfAtBound: boolean, b: Pick<DrtValues, 'rInfUpper'>, flatIm: boolean, lambda: number, warnings: string[]): void {
  if (rInfAtBound && !flatIm) {
    warnings.push(`R∞ sits at its bound 0 Ω (≤ ${formatNumber(b.rInfUpper ?? 0, 2)} Ω at 95 %): the DRT put the high-frequency resistance into γ at the short-τ end (λ = ${formatNumber(lambda, 3)}), so it does not determine R∞; use the high-frequency intercept for R_ohm, or set drt-lambda in the eis protocol to regularise more.`);
  }
  // L at 0 is a legitimate answer (no lead inductance), flagged in the result and the derivation only.
}

/** Data minus model, highest frequency first; warns when they are large. */
function drtResiduals(p: Problem, spec: Spectrum, fit: Float64Array, rmse: number, warnings: string[]): DrtResiduals {
  const { n, b, scale } = p;
  const residuals: DrtResiduals = { frequency: [...spec.f], real: [], imag: [] };
  let sumAbs = 0;
  for (let i = 0; i < n; i++) {
    residuals.real.push((b[i] - fit[i]) * scale);
    residuals.imag.push((b[n + i] - fit[n + i]) * scale);
    sumAbs += Math.hypot(spec.re[i], spec.im[i]);
  }
  const relRmse = rmse / (sumAbs / n);
  if (relRmse > 0.05) warnings.push(`The DRT model leaves residuals of ${formatNumber(relRmse * 100, 2)} % of the mean |Z|: the spectrum may not be Kramers–Kronig consistent (drift, non-linearity) or holds features outside the model (e.g. an open diffusion or blocking tail).`);
  return residuals;
}

function plots(p: Problem, spec: Spectrum, fit: Float64Array, grid: GammaGrid, tau: number[], peaks: DrtPeak[]): PlotSeries[] {
  const { n, scale } = p;
  const points: PlotSeries[] = [
    series('DRT γ(τ)', 'line', 's', 'Ω', { x: [...tau], y: Array.from(grid.gamma) }),
    series('spectrum (−Im Z against Re Z)', 'markers', 'Ω', 'Ω', { x: [...spec.re], y: spec.im.map((v) => -v) }),
    series('DRT model (−Im Z against Re Z)', 'line', 'Ω', 'Ω', { x: Array.from(fit.subarray(0, n), (v) => v * scale), y: Array.from(fit.subarray(n), (v) => -v * scale) }),
  ];
  if (peaks.length > 0) points.push(series('DRT peaks', 'markers', 's', 'Ω', { x: peaks.map((q) => q.tau.value), y: peaks.map((q) => q.gamma) }));
  return points;
}

interface Outcome {
  rInf: Estimate; inductance?: Estimate; polarisation: Estimate; peaks: DrtPeak[]; rmse: number; hGrid: number;
  bounds: Pick<DrtValues, 'rInfAtBound' | 'rInfUpper' | 'inductanceAtBound' | 'inductanceUpper'>;
}

function describe(p: Problem, opt: Options, n: number, lambdaNote: string, o: Outcome): string {
  const { rInf, inductance, polarisation, peaks, rmse, hGrid, bounds } = o;
  const atBound = (upper: number | undefined, unit: string) => ` (at its bound, ≤ ${formatNumber(upper ?? 0, 2)} ${unit} at 95 %)`;
  const peakText = peaks.length === 0 ? 'no peak' : `${peaks.length} peak${peaks.length > 1 ? 's' : ''} (${peaks.map((q) => `τ = ${formatNumber(q.tau.value)} s, ${formatNumber(q.frequency)} Hz, ${formatNumber(q.resistance.value)} Ω`).join('; ')})`;
  return (
    `Tikhonov DRT on ${p.nb} Gaussian RBFs in ln τ (spacing ${formatNumber(p.spacing, 3)}, FWHM coefficient ${opt.coeff}) from ${formatNumber(Math.exp(p.centres[0]))} to ${formatNumber(Math.exp(p.centres[p.nb - 1]))} s, ` +
    `${n} frequencies (real and imaginary parts, unweighted), R∞${opt.inductance ? ' and a series L' : ''} as extra unknowns, ${opt.derivative === 1 ? 'first' : 'second'}-derivative penalty; ${lambdaNote}; ` +
    `non-negative solution by Lawson–Hanson NNLS: R∞ = ${formatNumber(rInf.value)} Ω${bounds.rInfAtBound ? atBound(bounds.rInfUpper, 'Ω') : ''}${inductance ? `, L = ${formatNumber(inductance.value)} H${bounds.inductanceAtBound ? atBound(bounds.inductanceUpper, 'H') : ''}` : ''}, polarisation ∫γ d ln τ = ${formatNumber(polarisation.value)} Ω, ${peakText} (peaks above ${formatNumber(opt.peakThreshold * 100)} % of the maximum; areas between the separating minima); ` +
    `RMS residual ${formatNumber(rmse)} Ω. Standard errors: noise propagation on the active set combined with the change at ${LAMBDA_STEP}·λ; τ at least the grid step ${formatNumber(hGrid, 3)} in ln τ.`
  );
}

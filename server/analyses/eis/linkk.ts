// The Lin-KK test (Schönleber, Klotz, Ivers-Tiffée, Electrochim. Acta 131 (2014) 20–27): a
// spectrum that obeys the Kramers–Kronig relations (linear, causal, stable, time-invariant) can be
// fitted by a series of M RC elements, Z = R0 + jωL + 1/(jωC) + Σ R_k/(1 + jωτ_k), with the τ_k
// fixed and log-spaced from 1/ω_max to 1/ω_min. Then the R_k enter linearly: one weighted linear
// least-squares solve (Re and Im together, weights 1/|Z|) per M. M grows until μ = 1 − Σ|R_k<0| /
// Σ|R_k≥0| falls below c = 0.85 (more elements would start to fit the noise), and the fit is
// close to the best (that with the most elements, or a smaller M that did better; see searchM: with
// sharp arcs μ can dip early); the search stops there, as impedance.py's linKK does, instead of
// fitting every M. The residuals
// (Z − Z_fit)/|Z| should be small and scattered; a drifting cell (one that changed during the
// sweep, which runs from fast to slow) leaves residuals that are large or trend at low frequency.
import { formatNumber } from '../../domain/format';
import { Estimate, Result, Samples, est, failure, guarded, series } from '../common';
import { leastSquaresQR } from '../linalg';
import { PreparedSpectrum, prepareSpectrum } from './spectrum';

export interface LinKKSpec {
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive arc
  /** The μ threshold (default 0.85, Schönleber's choice). */
  c?: number;
  /** Largest number of RC elements tried (default 50, at most N − 2). */
  maxElements?: number;
  /** Fit a series inductance (default true: it absorbs cable inductance at high frequency). */
  inductance?: boolean;
  /**
   * Fit a series capacitance: needed when −Im(Z) rises toward low frequency (a blocking electrode,
   * a diffusion tail), whose time constants lie beyond the measured range. 'auto' (the default)
   * adds it when −Im(Z) rises over the three lowest frequencies.
   */
  capacitance?: boolean | 'auto';
  dropInductive?: boolean;
  /** Residual level (relative to |Z|) above which a spectrum is suspect (default 0.01). */
  threshold?: number;
  /** Fit every M up to M_max before choosing, instead of stopping at the first that qualifies (the reference the tests compare with). */
  everyM?: boolean;
}

export interface LinKKValues {
  /** Number of RC elements chosen by the μ criterion. */
  elements: number;
  mu: number;
  /** Time constants (s) and resistances (Ω) of the RC elements. */
  tau: number[];
  resistances: number[];
  rSeries: Estimate;
  inductance?: Estimate;
  capacitance?: Estimate;
  /** Per point, highest frequency first: (Z − Z_fit)/|Z| for Re and Im. */
  residuals: { frequency: number[]; real: number[]; imag: number[] };
  /** RMS of all residuals (Re and Im), relative. */
  rms: Estimate;
  /** Largest |residual|, relative. */
  maxAbs: Estimate;
  /** Mean Re and Im residual over the lowest-frequency part (the last third, at least 5 points). */
  lowFrequencyMean: { real: number; imag: number };
  /** True when no check below flagged the spectrum. */
  passed: boolean;
  /** Point-to-point scatter of the residuals (noise estimate), relative. */
  scatter: Estimate;
  /** The checks that failed: 'systematic' (residuals above the threshold, and smooth rather than random), 'low-frequency-trend'. */
  flags: ('systematic' | 'low-frequency-trend')[];
  nPoints: number;
}

export type LinKKResult = Result<LinKKValues>;

/** The Lin-KK validity test of an impedance spectrum; never throws. */
export function linKK(spec: LinKKSpec): LinKKResult {
  return guarded('the Lin-KK test', () => runLinKK(spec));
}

function runLinKK(spec: LinKKSpec): LinKKResult {
  if (!spec || typeof spec !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const c = spec.c ?? 0.85;
  if (!(c > 0 && c < 1)) return failure(`c must be between 0 and 1 (got ${String(spec.c)})`);
  const threshold = spec.threshold ?? 0.01;
  if (!(threshold > 0)) return failure(`threshold must be positive (got ${String(spec.threshold)})`);
  const useL = spec.inductance ?? true;
  const prep = prepareSpectrum(spec.frequency, spec.zReal, spec.zImag, {
    dropInductive: spec.dropInductive,
    inductiveNote: useL ? 'the series inductance of the test model accounts for them' : 'the test model has no inductance for them',
  });
  if ('error' in prep) return failure(prep.error, prep.warnings);
  const warnings = prep.warnings;
  const N = prep.frequency.length;
  if (N < 8) return failure(`${N} usable points: the Lin-KK test needs at least 8`, warnings);

  const model = testModel(spec, prep, useL);
  const chosen = spec.everyM ? chooseFromEveryM(model, c, warnings) : searchM(model, c, warnings);
  if (!chosen) return failure('the Lin-KK model could not be solved (the spectrum is degenerate)', warnings);
  const res = residualsOf(model, chosen);
  const check = kkChecks(res, threshold);
  warnChecks(prep.frequency, res, check, threshold, warnings);
  return result(model, chosen, res, check, c, prep.frequency, warnings);
}

/** The weighted linear test model: R (, L) (, C) and RC elements, rows Re (k) and Im (N + k) each divided by |Z_k|. */
interface TestModel {
  N: number;
  b: Float64Array;
  /** The R, L and C columns (in that order, as used). */
  fixedCols: Float64Array[];
  extra: number;
  useL: boolean;
  useC: boolean;
  /** Largest number of RC elements tried. */
  mMax: number;
  tMin: number;
  tMax: number;
  /** The column of an RC element of time constant τ. */
  rcCol(tau: number): Float64Array;
  /** M time constants log-spaced over tMin … tMax. */
  taus(M: number): number[];
}

function testModel(spec: LinKKSpec, prep: PreparedSpectrum, useL: boolean): TestModel {
  const N = prep.frequency.length;
  // A series capacitance when asked, or ('auto') when −Im(Z) rises over the three lowest frequencies.
  const useC = spec.capacitance === 'auto' || spec.capacitance === undefined
    ? -prep.im[N - 1] > -prep.im[N - 2] && -prep.im[N - 2] > -prep.im[N - 3] && -prep.im[N - 1] > 0
    : spec.capacitance === true;
  const w = Float64Array.from(prep.frequency, (f) => 2 * Math.PI * f);
  const zr = prep.re, zi = prep.im;
  const mod = Float64Array.from(zr, (v, k) => Math.hypot(v, zi[k]) || 1);
  const extra = 1 + (useL ? 1 : 0) + (useC ? 1 : 0);
  const asked = typeof spec.maxElements === 'number' && Number.isFinite(spec.maxElements) ? Math.floor(spec.maxElements) : 50;
  const mMax = Math.max(1, Math.min(asked, N - 2, 2 * N - extra - 1));
  const tMin = 1 / w[0], tMax = 1 / w[N - 1];

  const b = new Float64Array(2 * N);
  for (let k = 0; k < N; k++) { b[k] = zr[k] / mod[k]; b[N + k] = zi[k] / mod[k]; }
  const fixedCols: Float64Array[] = [];
  const col0 = new Float64Array(2 * N);
  for (let k = 0; k < N; k++) col0[k] = 1 / mod[k];
  fixedCols.push(col0);
  if (useL) { const cl = new Float64Array(2 * N); for (let k = 0; k < N; k++) cl[N + k] = w[k] / mod[k]; fixedCols.push(cl); }
  if (useC) { const cc = new Float64Array(2 * N); for (let k = 0; k < N; k++) cc[N + k] = -1 / (w[k] * mod[k]); fixedCols.push(cc); }
  const rcCol = (tau: number): Float64Array => {
    const col = new Float64Array(2 * N);
    for (let k = 0; k < N; k++) {
      const x = w[k] * tau, d = 1 + x * x;
      col[k] = 1 / d / mod[k]; col[N + k] = -x / d / mod[k];
    }
    return col;
  };
  const taus = (M: number): number[] => (M === 1 ? [Math.sqrt(tMin * tMax)] : Array.from({ length: M }, (_, k) => tMin * (tMax / tMin) ** (k / (M - 1))));
  return { N, b, fixedCols, extra, useL, useC, mMax, tMin, tMax, rcCol, taus };
}

interface MFit { M: number; mu: number; x: Float64Array; tau: number[]; rms: number }

/** The weighted fit with M RC elements: μ and the residual RMS; undefined when the columns are linearly dependent. */
function fitM(model: TestModel, M: number): MFit | undefined {
  const { N, b, fixedCols, extra } = model;
  const tau = model.taus(M);
  const cols = [...fixedCols, ...tau.map(model.rcCol)];
  const x = leastSquaresQR(cols, b);
  if (!x) return undefined;
  let pos = 0, neg = 0;
  for (let k = 0; k < M; k++) { const r = x[extra + k]; if (r >= 0) pos += r; else neg -= r; }
  let sq = 0;
  for (let i = 0; i < 2 * N; i++) {
    let v = b[i];
    for (let j = 0; j < cols.length; j++) v -= cols[j][i] * x[j];
    sq += v * v;
  }
  return { M, mu: pos > 0 ? 1 - neg / pos : -Infinity, x, tau, rms: Math.sqrt(sq / (2 * N)) };
}

/** A fit close enough to the best: RMS within a factor 1.2, plus 0.02 % of |Z|. */
const adequate = (q: MFit, best: number): boolean => q.rms <= 1.2 * best + 2e-4;

/**
 * The reference fit, that with the most RC elements whose columns are still independent: M_max
 * if it solves, else found by bisection between 1 and M_max (a handful of solves, each stopping
 * at the first dependent column).
 */
function referenceFit(model: TestModel): MFit | undefined {
  const top = fitM(model, model.mMax);
  if (top) return top;
  let lo: MFit | undefined, hi = model.mMax;
  let from = 0;
  while (hi - from > 1) {
    const mid = Math.floor((from + hi) / 2);
    const q = fitM(model, mid);
    if (q) { lo = q; from = mid; } else hi = mid;
  }
  return lo;
}

/**
 * Schönleber's rule (and impedance.py's linKK) grows M until μ ≤ c. With sharp (Debye) arcs μ can
 * dip below c while too few elements still miss the spectrum, so an M also needs an adequate fit:
 * against the best of the reference fit (the most elements) and the fits with fewer elements. So
 * M grows from 1 and stops at the first that qualifies: a handful of solves instead of every M
 * (chooseFromEveryM applies the same rule to every fit, the reference the tests compare with).
 */
function searchM(model: TestModel, c: number, warnings: string[]): MFit | undefined {
  const ref = referenceFit(model);
  if (!ref) return undefined;
  const fits: MFit[] = [];
  let best = ref.rms;
  for (let M = 1; M < ref.M; M++) {
    const q = fitM(model, M);
    if (!q) continue;
    fits.push(q);
    best = Math.min(best, q.rms);
    if (q.mu <= c && adequate(q, best)) return q;
  }
  if (ref.mu <= c && adequate(ref, best)) return ref;
  return fallback([...fits, ref], c, warnings);
}

/** Every M up to the reference fitted first, then the rule of searchM applied to them in order. */
function chooseFromEveryM(model: TestModel, c: number, warnings: string[]): MFit | undefined {
  const ref = referenceFit(model);
  if (!ref) return undefined;
  const fits: MFit[] = [];
  for (let M = 1; M < ref.M; M++) { const q = fitM(model, M); if (q) fits.push(q); }
  fits.push(ref);
  const chosen = fits.find((q, i) => q.mu <= c && adequate(q, Math.min(ref.rms, ...fits.slice(0, i + 1).map((f) => f.rms))));
  return chosen ?? fallback(fits, c, warnings);
}

/** No M qualified: the first adequate against the best of all, with a warning. */
function fallback(fits: MFit[], c: number, warnings: string[]): MFit {
  const best = Math.min(...fits.map((q) => q.rms));
  const chosen = fits.find((q) => adequate(q, best)) ?? fits[fits.length - 1];
  warnings.push(`μ did not fall to ${c} with an adequate fit up to M = ${fits[fits.length - 1].M} RC elements; the test used M = ${chosen.M}.`);
  return chosen;
}

interface Residuals { resRe: number[]; resIm: number[]; rms: number; maxAbs: number }

/** (Z − Z_fit)/|Z| per point (the rows are already relative to |Z|). */
function residualsOf(model: TestModel, chosen: MFit): Residuals {
  const { N, b } = model;
  const { x, tau } = chosen;
  const resRe: number[] = [], resIm: number[] = [];
  let sq = 0, maxAbs = 0;
  const cols = [...model.fixedCols, ...tau.map(model.rcCol)];
  for (let k = 0; k < N; k++) {
    let fr = 0, fi = 0;
    for (let j = 0; j < cols.length; j++) { fr += cols[j][k] * x[j]; fi += cols[j][N + k] * x[j]; }
    const dr = b[k] - fr, di = b[N + k] - fi;
    resRe.push(dr); resIm.push(di);
    sq += dr * dr + di * di;
    maxAbs = Math.max(maxAbs, Math.abs(dr), Math.abs(di));
  }
  return { resRe, resIm, rms: Math.sqrt(sq / (2 * N)), maxAbs };
}

interface Checks {
  flags: LinKKValues['flags'];
  /** Points off by more than the threshold. */
  over: number;
  scatter: number;
  /** The lowest-frequency points the trend is judged on, and the mean residuals there. */
  nLow: number;
  lfRe: number;
  lfIm: number;
}

/**
 * Systematic: more than a fifth of the points off by more than the threshold, and the residuals
 * smooth rather than random (RMS above 1.3 × their point-to-point scatter; white noise gives a
 * ratio near 1, so a merely noisy spectrum is warned about, not flagged). Trend: over the
 * lowest-frequency third, the mean residual of Re or Im exceeds three standard errors of that
 * mean (from the scatter of the high-frequency half) and either half the threshold, or a quarter
 * of it with at least 80 % of those residuals of one sign.
 */
function kkChecks(res: Residuals, threshold: number): Checks {
  const { resRe, resIm, rms } = res;
  const N = resRe.length;
  const flags: LinKKValues['flags'] = [];
  const over = resRe.filter((v, k) => Math.max(Math.abs(v), Math.abs(resIm[k])) > threshold).length;
  // Point-to-point scatter (successive differences): white noise gives rms ≈ scatter, a
  // systematic (smooth) deviation gives rms well above it.
  let dsq = 0;
  for (let k = 1; k < N; k++) dsq += (resRe[k] - resRe[k - 1]) ** 2 + (resIm[k] - resIm[k - 1]) ** 2;
  const scatter = Math.sqrt(dsq / (4 * (N - 1)));
  if (over > 0.2 * N && rms > 1.3 * scatter) flags.push('systematic');
  const nLow = Math.max(5, Math.floor(N / 3));
  const lowMean = (a: number[]): number => a.slice(N - nLow).reduce((s, v) => s + v, 0) / nLow;
  const hiHalf = [...resRe.slice(0, Math.floor(N / 2)), ...resIm.slice(0, Math.floor(N / 2))];
  const noise = Math.sqrt(hiHalf.reduce((s, v) => s + v * v, 0) / Math.max(hiHalf.length, 1));
  const lfRe = lowMean(resRe), lfIm = lowMean(resIm);
  const significant = (3 * noise) / Math.sqrt(nLow);
  const coherent = (a: number[], m: number): boolean => a.slice(N - nLow).filter((v) => Math.sign(v) === Math.sign(m)).length >= 0.8 * nLow;
  const trend = (a: number[], m: number): boolean => Math.abs(m) > significant
    && (Math.abs(m) > threshold / 2 || (Math.abs(m) > threshold / 4 && coherent(a, m)));
  if (trend(resRe, lfRe) || trend(resIm, lfIm)) flags.push('low-frequency-trend');
  return { flags, over, scatter, nLow, lfRe, lfIm };
}

function warnChecks(frequency: Float64Array, res: Residuals, check: Checks, threshold: number, warnings: string[]): void {
  const { flags, over, scatter, nLow, lfRe, lfIm } = check;
  const N = frequency.length;
  if (flags.includes('systematic')) {
    warnings.push(`Lin-KK: ${over} of ${N} points deviate systematically by more than ${formatNumber(threshold * 100, 2)} % of |Z| from a Kramers–Kronig-compliant model (RMS ${formatNumber(res.rms * 100, 2)} %): the spectrum is not valid for a circuit fit (drift during the sweep, or non-linearity).`);
  } else if (scatter > threshold) {
    warnings.push(`Lin-KK: the residuals scatter by ${formatNumber(scatter * 100, 2)} % of |Z| from point to point: a noisy spectrum (not a Kramers–Kronig violation); parameters fitted to it carry large errors.`);
  }
  if (flags.includes('low-frequency-trend')) {
    const lf = frequency[N - nLow];
    warnings.push(`Lin-KK: the residuals trend below ${formatNumber(lf)} Hz (mean ${formatNumber(lfRe * 100, 2)} % in Re, ${formatNumber(lfIm * 100, 2)} % in Im over the lowest ${nLow} points): the cell probably changed during the slow end of the sweep (drift); do not fit the low-frequency part as if it were stationary.`);
  }
}

function result(model: TestModel, chosen: MFit, res: Residuals, check: Checks, c: number, frequency: Float64Array, warnings: string[]): LinKKResult {
  const { useL, useC, extra, tMin, tMax } = model;
  const { M, mu, x, tau } = chosen;
  const { resRe, resIm, rms, maxAbs } = res;
  const { flags, scatter, lfRe, lfIm } = check;
  const passed = flags.length === 0;
  const rSeries = est(x[0], 'Ω');
  let q = 1;
  const inductance = useL ? est(x[q++], 'H') : undefined;
  const invC = useC ? x[q++] : undefined;
  const capacitance = invC !== undefined && invC !== 0 ? est(1 / invC, 'F') : undefined;
  const resistances = Array.from(x.slice(extra));
  const freq = Array.from(frequency);
  return {
    ok: true,
    elements: M, mu, tau, resistances, rSeries,
    ...(inductance ? { inductance } : {}), ...(capacitance ? { capacitance } : {}),
    residuals: { frequency: freq, real: resRe, imag: resIm },
    rms: est(rms, ''), maxAbs: est(maxAbs, ''), scatter: est(scatter, ''),
    lowFrequencyMean: { real: lfRe, imag: lfIm },
    passed, flags, nPoints: frequency.length,
    derivation: `Lin-KK (Schönleber 2014): ${M} RC elements with τ log-spaced over ${formatNumber(tMin)}–${formatNumber(tMax)} s plus R${useL ? ', L' : ''}${useC ? ', C' : ''}, linear least squares on Re and Im weighted by 1/|Z|; M is the first with μ ≤ ${c} (μ = ${formatNumber(mu, 3)}) whose residual RMS is within 1.2× (+0.02 %) of the best of the fits with fewer elements and the fit with the most (up to ${model.mMax}, as many as stay linearly independent). Residuals (Z − Z_fit)/|Z|: RMS ${formatNumber(rms * 100, 2)} %, largest ${formatNumber(maxAbs * 100, 2)} %; ${passed ? 'no systematic deviation' : `flagged: ${flags.join(', ')}`}.`,
    warnings,
    points: [
      series('Lin-KK residual Re', 'markers', 'Hz', '', { x: freq, y: resRe }),
      series('Lin-KK residual Im', 'markers', 'Hz', '', { x: freq, y: resIm }),
    ],
  };
}

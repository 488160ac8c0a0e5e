// The DRT's input: its options, checked, and the spectrum, cleaned (see drt.ts for the method).
import type { DrtInput } from './drt';
import { cleanColumns } from '../common';

export const MIN_POINTS = 5;
export const PEAK_THRESHOLD = 0.05;

export interface Options {
  lambda?: number;
  criterion: 'mgcv' | 'gcv';
  peakThreshold: number;
  coeff: number;
  derivative: 1 | 2;
  inductance: boolean;
  tauPoints?: number;
}

/** The options with their defaults, or the message for the first invalid one. */
export function readOptions(input: DrtInput): Options | string {
  const o = input as unknown as Record<string, unknown>;
  let lambda: number | undefined;
  if (o.lambda !== undefined) {
    if (typeof o.lambda !== 'number' || !Number.isFinite(o.lambda) || !(o.lambda > 0)) return `drt-lambda (λ) must be a positive finite number (got ${String(o.lambda)})`;
    lambda = o.lambda;
  }
  const coeff = readFwhmCoefficient(o.rbf);
  if (typeof coeff === 'string') return coeff;
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

/** The FWHM coefficient of the `rbf` option (default 0.5 as pyDRTtools), or the message why it is invalid. */
function readFwhmCoefficient(rbf: unknown): number | string {
  if (rbf === undefined) return 0.5;
  if (rbf === null || typeof rbf !== 'object') return 'rbf must be an object { shape?: "gaussian", fwhmCoefficient?: number }';
  const r = rbf as Record<string, unknown>;
  if (r.shape !== undefined && r.shape !== 'gaussian') return `only the gaussian radial basis function is implemented (got shape ${String(r.shape)})`;
  if (r.fwhmCoefficient === undefined) return 0.5;
  const c = r.fwhmCoefficient;
  if (typeof c !== 'number' || !Number.isFinite(c) || !(c > 0) || c > 10) return `rbf.fwhmCoefficient must be a number in (0, 10] (got ${String(c)})`;
  return c;
}

export interface Spectrum {
  f: number[];  // Hz, strictly descending
  re: number[]; // Ω
  im: number[]; // Ω
}

/**
 * The spectrum at the frequencies > 0, highest first, each repeated frequency averaged (every
 * step warned about); or the message why too little of it is left.
 */
export function readSpectrum(input: DrtInput, warnings: string[]): Spectrum | string {
  const c = cleanColumns([['frequency', input.frequency], ['Re(Z)', input.zReal], ['Im(Z)', input.zImag]], 1);
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

// The DRT as it was before the speed work on branch speed-drt (frozen copy of server/analyses/eis/drtPeaks.ts
// at f53d985): the reference the faster DRT must agree with to rounding level (test/drtReference.test.ts).
// The DRT's peaks (see drt.ts): maxima of γ on the output grid, their areas between the minima that
// separate them, and their uncertainties.
import { Estimate, est } from '../../../server/analyses/common';
import { areaWeights, gammaAt } from './drtBasis';
import { Problem } from './drtProblem';
import type { DrtPeak } from './drt';

const LN10 = Math.log(10);

/** γ on the output grid (uniform in ln τ) at λ and at 10λ. */
export interface GammaGrid {
  y: Float64Array;       // ln τ, ascending
  gamma: Float64Array;   // Ω
  gamma10: Float64Array; // Ω, at 10λ
  step: number;          // grid step in ln τ
  yLo: number;           // the grid's ends: the measured range extended by half a decade each side
  yHi: number;
}

/** γ at K points over the measured τ range extended by half a decade each side (f: Hz, highest first). */
export function gammaGrid(p: Problem, f: number[], K: number, x: Float64Array, x10: Float64Array): GammaGrid {
  const n = f.length;
  const yLo = -Math.log(2 * Math.PI * f[0]) - 0.5 * LN10, yHi = -Math.log(2 * Math.PI * f[n - 1]) + 0.5 * LN10;
  const y = new Float64Array(K), gamma = new Float64Array(K), gamma10 = new Float64Array(K);
  const step = (yHi - yLo) / (K - 1);
  for (let k = 0; k < K; k++) {
    y[k] = yLo + k * step;
    gamma[k] = Math.max(0, gammaAt(p, x, y[k]));
    gamma10[k] = Math.max(0, gammaAt(p, x10, y[k]));
  }
  return { y, gamma, gamma10, step, yLo, yHi };
}

export interface PeakFound { k: number; y: number; gamma: number; edge: boolean }

/**
 * Maxima of γ on the output grid at least `fraction` of the largest γ high and as prominent
 * (above the higher of the valleys that separate them from their neighbours: a ripple on a
 * flank is not a peak), refined by a parabola through the three grid points around each.
 */
export function findPeaks(p: Problem, x: Float64Array, yGrid: Float64Array, gamma: Float64Array, fraction: number, from = 0, to = yGrid.length): PeakFound[] {
  let max = 0;
  for (let k = from; k < to; k++) max = Math.max(max, gamma[k]);
  if (!(max > 0)) return [];
  const thr = fraction * max;
  const ks = mergeShallow(localMaxima(gamma, thr, from, to), gamma, thr);
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

/** Grid indices in [from, to) where γ ≥ thr (and > 0) has a local maximum. */
function localMaxima(gamma: Float64Array, thr: number, from: number, to: number): number[] {
  const ks: number[] = [];
  for (let k = from; k < to; k++) {
    const g = gamma[k];
    if (!(g >= thr) || g <= 0) continue;
    const left = k > from ? gamma[k - 1] : -Infinity, right = k + 1 < to ? gamma[k + 1] : -Infinity;
    if (g > left && g >= right) ks.push(k);
  }
  return ks;
}

/** Drops the lower of two neighbouring maxima until every valley between them is at least thr deep. */
function mergeShallow(ks: number[], gamma: Float64Array, thr: number): number[] {
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
  return ks;
}

/**
 * The peaks with their resistances (areas between the separating minima, the outer ones to ±∞,
 * with the standard error `withErr` gives a linear functional) and τ (standard error: the grid
 * step combined with the shift of the peak between λ and 10λ); warns of peaks at or beyond the
 * measured range.
 */
export function peakEstimates(p: Problem, grid: GammaGrid, found: PeakFound[], x10: Float64Array, withErr: (w: Float64Array, unit: string) => Estimate, warnings: string[]): DrtPeak[] {
  const { y: yGrid, gamma } = grid;
  const bounds: number[] = [-Infinity];
  const boundK: number[] = [0];
  for (let j = 0; j + 1 < found.length; j++) {
    let kMin = found[j].k;
    for (let k = found[j].k; k <= found[j + 1].k; k++) if (gamma[k] < gamma[kMin]) kMin = k;
    bounds.push(yGrid[kMin]); boundK.push(kMin);
  }
  bounds.push(Infinity); boundK.push(yGrid.length);
  const yDataLo = grid.yLo + 0.5 * LN10, yDataHi = grid.yHi - 0.5 * LN10;
  let outside = 0, atEdge = 0;
  const peaks: DrtPeak[] = found.map((pk, j) => {
    const resistance = withErr(areaWeights(p, bounds[j], bounds[j + 1]), 'Ω');
    const alt = findPeaks(p, x10, yGrid, grid.gamma10, 0, boundK[j], boundK[j + 1]);
    let shift = 0;
    if (alt.length > 0) {
      const top = alt.reduce((a, c) => (c.gamma > a.gamma ? c : a));
      shift = top.y - pk.y;
    }
    const tau = Math.exp(pk.y);
    const sLn = Math.sqrt(grid.step * grid.step + shift * shift);
    if (pk.edge) atEdge++;
    else if (pk.y < yDataLo || pk.y > yDataHi) outside++;
    return { tau: est(tau, 's', tau * sLn), frequency: 1 / (2 * Math.PI * tau), resistance, gamma: pk.gamma };
  });
  if (atEdge > 0) warnings.push(`${atEdge} peak${atEdge > 1 ? 's' : ''} of γ lie${atEdge > 1 ? '' : 's'} at the end of the τ range: a process (or a diffusion or blocking tail) extends beyond the measured frequencies; its τ and resistance are not resolved.`);
  if (outside > 0) warnings.push(`${outside} peak${outside > 1 ? 's' : ''} of γ lie${outside > 1 ? '' : 's'} outside the measured τ range (in the half-decade extension): treat ${outside > 1 ? 'their' : 'its'} τ and resistance with caution.`);
  return peaks;
}

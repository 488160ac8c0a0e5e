// Sand's equation fit (domain.md eq. 1): 1/√t0 = 2 i / (c0 F √(π D_eff)), so t0^-1/2 is linear
// in the current density through the origin, and D_eff = (2 / (c0 F √π · slope))².
import { formatEstimate, formatNumber, formatSI } from '../domain/format';
import { FARADAY } from '../domain/physics';
import { Estimate, Result, est, failure, guarded, series, tTestP } from './common';

export interface SandPoint {
  currentDensity: number; // A/m²
  t0: number;             // s
}

/** A straight-line fit of t0^-1/2 (s^-1/2) against i (A/m²). */
export interface SandLine {
  slope: Estimate;      // s^-1/2·m²/A
  intercept: Estimate;  // s^-1/2 (0 for the fit through the origin)
  /** Coefficient of determination: centred for the free fit, uncentred (about 0) through the origin. */
  r2: Estimate;
  /** Residual degrees of freedom (n − 2 free, n − 1 through the origin). */
  dof: number;
  /** D_eff from the slope with σ_D = 2·D·σ_slope/slope (m²/s); absent when the slope is not positive. */
  dEff?: Estimate;
}

export interface SandValues {
  n: number;
  /** Ordinary least squares with a free intercept. */
  free: SandLine;
  /** The fit through the origin that Sand's law predicts. */
  origin: SandLine;
  /** Two-sided Student t-test of intercept = 0 at 95 % (needs n ≥ 3). */
  interceptTest?: { t: number; dof: number; p: number; significant: boolean };
}

export type SandResult = Result<SandValues>;

const SLOPE_UNIT = 's^-1/2·m²/A';
const Y_UNIT = 's^-1/2';

/** D_eff from a slope of t0^-1/2 against i (m²/s). */
export function sandDiffusivity(slope: number, c0: number): number {
  return (2 / (c0 * FARADAY * Math.sqrt(Math.PI) * slope)) ** 2;
}

/** Fits t0^-1/2 against i by least squares, with a free intercept and through the origin. */
export function sandFit(points: readonly SandPoint[], c0: number): SandResult {
  return guarded('the Sand fit', () => run(points, c0));
}

function run(points: readonly SandPoint[], c0: number): SandResult {
  if (typeof c0 !== 'number' || !Number.isFinite(c0) || c0 <= 0) return failure(`c0 must be a positive concentration in mol/m³ (got ${String(c0)})`);
  if (!Array.isArray(points)) return failure('points must be an array of { currentDensity, t0 }');
  const warnings: string[] = [];
  const x: number[] = [], y: number[] = [];
  let dropped = 0, negated = 0;
  for (const p of points) {
    const i = p?.currentDensity, t0 = p?.t0;
    if (typeof i !== 'number' || typeof t0 !== 'number' || !Number.isFinite(i) || !Number.isFinite(t0) || i === 0 || t0 <= 0) { dropped++; continue; }
    if (i < 0) negated++;
    x.push(Math.abs(i)); y.push(1 / Math.sqrt(t0));
  }
  if (dropped > 0) warnings.push(`Left out ${dropped} point${dropped > 1 ? 's' : ''} with a missing, zero or non-finite current density or a non-positive t0.`);
  if (negated > 0) warnings.push(`Used |i| for ${negated} negative current densit${negated > 1 ? 'ies' : 'y'} (stripping current as signed by the instrument).`);
  const n = x.length;
  if (n < 2) return failure(`a Sand fit needs at least 2 points with distinct current densities (got ${n} usable)`, warnings);
  const xm = x.reduce((a, b) => a + b, 0) / n, ym = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0, syy = 0, sx2 = 0, sxy0 = 0, sy2 = 0;
  for (let k = 0; k < n; k++) {
    sxx += (x[k] - xm) ** 2; sxy += (x[k] - xm) * (y[k] - ym); syy += (y[k] - ym) ** 2;
    sx2 += x[k] ** 2; sxy0 += x[k] * y[k]; sy2 += y[k] ** 2;
  }
  if (!(sxx > 1e-24 * sx2)) return failure('all current densities are equal: the slope of t0^-1/2 against i is undefined', warnings);

  // Free intercept.
  const b = sxy / sxx, a = ym - b * xm;
  let sse = 0;
  for (let k = 0; k < n; k++) sse += (y[k] - a - b * x[k]) ** 2;
  const dof = n - 2;
  const s2 = dof > 0 ? sse / dof : undefined;
  const seB = s2 !== undefined ? Math.sqrt(s2 / sxx) : undefined;
  const seA = s2 !== undefined ? Math.sqrt(s2 * (1 / n + (xm * xm) / sxx)) : undefined;
  const free: SandLine = {
    slope: est(b, SLOPE_UNIT, seB), intercept: est(a, Y_UNIT, seA),
    r2: est(syy > 0 ? 1 - sse / syy : 1, ''), dof, dEff: diffusivity(b, seB, c0),
  };

  // Through the origin.
  const b0 = sxy0 / sx2;
  let sse0 = 0;
  for (let k = 0; k < n; k++) sse0 += (y[k] - b0 * x[k]) ** 2;
  const dof0 = n - 1;
  const seB0 = Math.sqrt(sse0 / dof0 / sx2);
  const origin: SandLine = {
    slope: est(b0, SLOPE_UNIT, seB0), intercept: est(0, Y_UNIT), r2: est(1 - sse0 / sy2, ''), dof: dof0,
    dEff: diffusivity(b0, seB0, c0),
  };

  if (n === 2) {
    warnings.push('With 2 points the free line passes through both exactly: no residual degrees of freedom, so its slope, intercept and D_eff have no standard error (the fit through the origin has 1 and keeps its own).');
  }
  if (b <= 0 || b0 <= 0) {
    warnings.push('t0^-1/2 does not grow with the current density (slope ≤ 0): the data do not follow Sand\'s law and D_eff is not given for that fit.');
  }
  let interceptTest: SandValues['interceptTest'];
  if (seA !== undefined && dof > 0) {
    const tStat = seA > 0 ? a / seA : (a === 0 ? 0 : Infinity);
    const p = tTestP(tStat, dof);
    interceptTest = { t: tStat, dof, p, significant: p < 0.05 };
    if (p < 0.05) {
      warnings.push(`The intercept ${formatNumber(a)} ± ${formatNumber(seA)} s^-1/2 differs from zero (t = ${formatNumber(tStat, 3)} with ${dof} dof, p = ${formatNumber(p, 2)} < 0.05, two-sided Student t-test at 95 %): Sand's law predicts a line through the origin, so t0 carries an offset (an ohmic drop reaching the cutoff early, a rest or onset counted in t0, or a current-dependent mechanism). Compare D_eff from both fits.`);
    }
  }

  const xMax = Math.max(...x);
  // In the units and digits of the summary beside it (cm²/s).
  const dText = (l: SandLine) => (l.dEff ? formatEstimate(l.dEff) : 'not defined');
  return {
    ok: true, n, free, origin, interceptTest,
    derivation: `Least squares of t0^-1/2 against i over ${n} points; D_eff = (2/(c0·F·√π·slope))² with c0 = ${formatSI(c0, 'mol/m³')} and σ_D = 2·D·σ_slope/slope: free intercept ${dText(free)} (R² = ${formatNumber(free.r2.value, 4)}), through the origin ${dText(origin)}.`,
    warnings,
    points: [
      series('t0^-1/2', 'markers', 'A/m²', Y_UNIT, { x: [...x], y: [...y] }),
      series('free fit', 'line', 'A/m²', Y_UNIT, { x: [0, xMax], y: [a, a + b * xMax] }),
      series('fit through origin', 'line', 'A/m²', Y_UNIT, { x: [0, xMax], y: [0, b0 * xMax] }),
    ],
  };
}

function diffusivity(slope: number, seSlope: number | undefined, c0: number): Estimate | undefined {
  if (!(slope > 0)) return undefined;
  const d = sandDiffusivity(slope, c0);
  return est(d, 'm²/s', seSlope !== undefined ? (2 * d * seSlope) / slope : undefined);
}

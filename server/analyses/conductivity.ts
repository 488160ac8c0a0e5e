// Ionic conductivity of a solid electrolyte pellet between ion-blocking electrodes (domain.md,
// toolkit 1): σ = L / (R_b A). R_b, the bulk (+ grain-boundary) resistance, is where the arcs of the
// spectrum meet the blocking spike: with blocking electrodes no current crosses the interface, so
// the spectrum ends in a near-vertical capacitive line whose foot on the real axis is R_b.
import { formatNumber } from '../domain/format';
import { pelletConductivity } from '../domain/physics';
import { Estimate, Result, Samples, cleanColumns, est, failure, guarded, series } from './common';
import { leastSquaresQR } from './linalg';

export interface BlockingSpectrum {
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive spectrum
}

export interface BlockingInterceptValues {
  /** The foot of the blocking spike on the real axis (Ω), with the standard error of the line's intercept. */
  rB: Estimate;
  /** Whether an arc precedes the spike (a resolved bulk or grain-boundary semicircle). */
  arc: boolean;
  /** The angle of the spike to the real axis (degrees): 90 for an ideal blocking capacitor, α·90 for a CPE. */
  spikeAngle: number;
  /** Points of the line fitted to the spike's foot. */
  fitted: number;
}

export type BlockingInterceptResult = Result<BlockingInterceptValues>;

/** Points of the spike's foot the line goes through (fewer when the spectrum has fewer). */
const FOOT_POINTS = 5;
/** -Im(Z) above the running minimum by a quarter of it plus 2 % of |Z| there, twice in a row, is the arc: smaller rises are noise. */
const climbOf = (y: number, modulus: number) => 0.25 * Math.max(0, y) + 0.02 * modulus;
/** After an arc the spike's line starts where -Im(Z) has risen to this multiple of the valley. */
const ARC_CLEARANCE = 3;
/** Below this angle the low-frequency line is no blocking spike (a diffusion tail rises at 45°). */
const MIN_SPIKE_ANGLE = 60;

/**
 * R_b of a spectrum of an ion-blocking cell. From the lowest frequency up, -Im(Z) falls along the
 * spike to its foot (the valley before an arc, or the highest frequency when no arc is resolved);
 * Re(Z) is fitted as a straight line in -Im(Z) through up to 5 points of the spike from its foot
 * (after an arc, from where -Im(Z) has risen to three times the valley: at the valley the arc's
 * tail still adds to -Im(Z)) and taken at -Im(Z) = 0, so that one noisy point does not decide it.
 * The standard error is the line's; the overlap of a resolved arc with the spike can bias R_b by a
 * few tenths of a percent more (r-b fit with a circuit models both).
 */
export function blockingIntercept(input: BlockingSpectrum): BlockingInterceptResult {
  return guarded('blockingIntercept', () => run(input));
}

function run(input: BlockingSpectrum): BlockingInterceptResult {
  if (!input || typeof input !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const c = cleanColumns([['frequency', input.frequency], ['zReal', input.zReal], ['zImag', input.zImag]], 3);
  if ('error' in c) return failure(c.error);
  const warnings = c.warnings;
  const order = [...c.rows.keys()].filter((k) => c.cols[0][k] > 0).sort((a, b) => c.cols[0][b] - c.cols[0][a]);
  if (order.length < 3) return failure(`a spectrum needs at least 3 points with a positive frequency (got ${order.length})`, warnings);
  const re = order.map((k) => c.cols[1][k]), y = order.map((k) => -c.cols[2][k]);
  const n = re.length;
  // From the lowest frequency upwards while -Im(Z) keeps falling (within the noise): the spike.
  let foot = n - 1;
  const above = (k: number) => y[k] > y[foot] + climbOf(y[foot], Math.hypot(re[foot], y[foot]));
  for (let k = n - 2; k >= 0; k--) {
    if (y[k] < y[foot]) foot = k;
    else if (above(k) && (k === 0 || above(k - 1))) break;
  }
  const arc = foot > 0 && y.slice(0, foot).some((_, k) => above(k));
  // After an arc, its low-frequency tail still adds to -Im(Z) at the valley: the line starts
  // where the spike has risen to three times the valley, past the overlap.
  let from = foot;
  if (arc) while (from < n - 1 && y[from] < ARC_CLEARANCE * y[foot]) from++;
  const spike = Array.from({ length: Math.min(FOOT_POINTS, n - from) }, (_, j) => from + j);
  if (foot >= n - 1 || spike.length < 2) {
    return failure('no blocking spike: -Im(Z) does not rise towards the lowest frequency, so the spectrum ends on an arc (electrodes that pass ions, or a sweep that stops too early); give the protocol a circuit and r-b fit, or sweep to lower frequencies', warnings);
  }
  const xs = Float64Array.from(spike, (k) => y[k]), ys = Float64Array.from(spike, (k) => re[k]);
  const line = leastSquaresQR([Float64Array.from(xs, () => 1), xs], ys);
  if (!line) return failure('the foot of the spike is a single point in -Im(Z): its line cannot be fitted', warnings);
  const [a, b] = line;
  const m = spike.length;
  let sse = 0, sxx = 0;
  const xm = xs.reduce((s, x) => s + x, 0) / m;
  for (let j = 0; j < m; j++) { sse += (ys[j] - a - b * xs[j]) ** 2; sxx += (xs[j] - xm) ** 2; }
  const se = m > 2 ? Math.sqrt((sse / (m - 2)) * (1 / m + (xm * xm) / sxx)) : undefined;
  const angle = (Math.atan2(1, b) * 180) / Math.PI;
  if (angle < MIN_SPIKE_ANGLE) {
    warnings.push(`The low-frequency line rises at ${formatNumber(angle, 3)}° to the real axis, less steeply than a blocking spike (90° for an ideal capacitor, α·90° for a CPE): a diffusion tail (45°) or a partly blocking interface puts R_b elsewhere; check that the electrodes block ions.`);
  }
  if (!arc && foot === 0) warnings.push('The spike starts at the highest frequency measured: R_b may lie above the sweep (a higher top frequency would show the bulk arc or the axis).');
  if (a <= 0) return failure(`the spike's foot extrapolates to Re(Z) = ${formatNumber(a)} Ω ≤ 0 at -Im(Z) = 0: no bulk resistance can be read`, warnings);
  return {
    ok: true, rB: est(a, 'Ω', se), arc, spikeAngle: angle, fitted: m,
    derivation: `R_b = ${formatNumber(a)}${se !== undefined ? ` ± ${formatNumber(se, 2)}` : ''} Ω: Re(Z) fitted as a line in -Im(Z) through the ${m} points at the foot of the blocking spike (from ${formatNumber(c.cols[0][order[from]])} Hz down${arc ? `, past the arc: from where -Im(Z) is ${ARC_CLEARANCE} × its value in the valley` : ''}) and taken at -Im(Z) = 0; the spike rises at ${formatNumber(angle, 3)}°.`,
    warnings,
    points: [
      series('spectrum', 'markers', 'Ω', 'Ω', { x: re, y }),
      series('R_b', 'markers', 'Ω', 'Ω', { x: [a], y: [0] }),
    ],
  };
}

/** σ = L / (R_b A) (S/m) with σ_σ/σ = σ_R/R (L and A as the spec gives them, without error). */
export function conductivityEstimate(rB: Estimate, thickness: number, area: number): Estimate {
  const sigma = pelletConductivity(thickness, rB.value, area);
  return est(sigma, 'S/m', rB.stderr !== undefined ? (sigma * rB.stderr) / rB.value : undefined);
}

// Critical stripping (delithiation) capacity: strip at constant current until the voltage reaches
// the cutoff (domain.md: -0.4 V vs the LiIn counter electrode); t0 is the Sand depletion time.
import { formatNumber, formatQuantity, formatSI } from '../domain/format';
import {
  Estimate, Result, Samples, absolute, checkNumber, cleanColumns, decimate, est, failure, guarded,
  median, quantile, restThreshold, series,
} from './common';

export interface StrippingInput {
  time: Samples;     // s
  voltage: Samples;  // V
  current: Samples;  // A (either sign: the stripped charge is ∫|I| dt)
  area: number;      // m²
  cutoff: number;    // V
  /** 'falling' (default: the voltage goes down to the cutoff, as in the study) or 'rising'. */
  direction?: 'falling' | 'rising';
  /**
   * A crossing counts only when the voltage stays beyond the cutoff for this many consecutive
   * current-carrying samples (the crossing sample included; default 3) ...
   */
  persistSamples?: number;
  /** ... and for at least this long (s, default 0). Data that ends beyond the cutoff counts. */
  persistDuration?: number;
  /** |I| below this fraction of the typical flowing |I| is rest (default 0.05). */
  restFraction?: number;
}

export interface StrippingValues {
  /** Whether the cutoff was reached; when not, t0 and capacity are lower bounds (≥). */
  reached: boolean;
  /** Depletion time, counted from the first current-carrying sample (s). */
  t0: Estimate;
  /** Charge stripped by t0 per area, ∫|I|dt / area (C/m²). */
  capacity: Estimate;
  /** Time of the crossing on the file's clock (s); absent when not reached. */
  crossingTime?: Estimate;
  /** Time at which current started to flow on the file's clock (s). */
  startTime: Estimate;
  /** Median |I| / area while current flows, up to t0 (A/m²). */
  currentDensity: Estimate;
  /** Excursions beyond the cutoff too brief to count (file times, s). */
  ignoredExcursions: number[];
}

export type StrippingResult = Result<StrippingValues>;

/**
 * Finds the first lasting crossing of the cutoff and the capacity stripped by then.
 *
 * Criterion: the voltage of a current-carrying sample is at or beyond the cutoff and stays so for
 * `persistSamples` current-carrying samples spanning `persistDuration`, or until the flowing data
 * ends (a cycler that stops at the cutoff). The crossing time is interpolated linearly between
 * the last sample before the cutoff and the first beyond it; the capacity by trapezoids of |I|.
 */
export function criticalStripping(input: StrippingInput): StrippingResult {
  return guarded('the stripping analysis', () => run(input));
}

function run(input: StrippingInput): StrippingResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('area', input.area, { positive: true }) ?? checkNumber('cutoff', input.cutoff);
  if (bad) return failure(bad);
  const direction = input.direction ?? 'falling';
  if (direction !== 'falling' && direction !== 'rising') return failure(`direction must be 'falling' or 'rising'`);
  const persistN = Math.max(1, Math.floor(input.persistSamples ?? 3));
  const persistT = Math.max(0, input.persistDuration ?? 0);
  const restFraction = input.restFraction ?? 0.05;
  const c = cleanColumns([['time', input.time], ['voltage', input.voltage], ['current', input.current]], 2, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const { area, cutoff } = input;
  const n = t.length;

  const absI = absolute(i);
  const thr = restThreshold(absI, restFraction);
  if (!(thr > 0)) return failure('no current flows in the data (|I| is zero throughout)', warnings);
  const flowing = (k: number) => absI[k] > thr;
  let s = 0;
  while (s < n && !flowing(s)) s++;
  if (s >= n - 1) return failure('current flows in fewer than two samples', warnings);

  // Cumulative stripped charge per area from the start of flow (trapezoids of |I|).
  const q = new Float64Array(n);
  for (let k = s + 1; k < n; k++) q[k] = q[k - 1] + ((absI[k - 1] + absI[k]) / 2) * (t[k] - t[k - 1]) / area;

  const beyond = direction === 'falling' ? (k: number) => v[k] <= cutoff : (k: number) => v[k] >= cutoff;
  const ignored: number[] = [];
  let prev = -1, cross = -1;
  for (let k = s; k < n; k++) {
    if (!flowing(k)) continue;
    if (beyond(k)) {
      let count = 0, j = k, last = k;
      for (; j < n; j++) {
        if (!flowing(j)) continue;
        if (!beyond(j)) break;
        count++; last = j;
        if (count >= persistN && t[last] - t[k] >= persistT) break;
      }
      if (j >= n || (count >= persistN && t[last] - t[k] >= persistT)) { cross = k; break; }
      ignored.push(t[k]);
      k = last;
      continue;
    }
    prev = k;
  }

  // Sign consistency of the flowing part before the crossing (or the end).
  const stop = cross >= 0 ? cross : n - 1;
  let pos = 0, neg = 0;
  const flowJ: number[] = [];
  for (let k = s; k <= stop; k++) {
    if (!flowing(k)) continue;
    if (i[k] > 0) pos++; else neg++;
    flowJ.push(absI[k] / area);
  }
  if (pos > 0 && neg > 0) {
    warnings.push(`The current changes sign before the cutoff (${Math.min(pos, neg)} of ${pos + neg} samples have the minority sign): the capacity counts |I| of both.`);
  }
  const j = median(flowJ);
  // 2nd and 98th percentiles: a switching sample or two is not a varying current.
  const jMin = quantile(flowJ, 0.02), jMax = quantile(flowJ, 0.98);
  if (jMax - jMin > 0.1 * j) {
    warnings.push(`The current density is not constant (${formatSI(jMin, 'A/m²')} to ${formatSI(jMax, 'A/m²')} around a median of ${formatSI(j, 'A/m²')}): Sand's equation assumes a constant current.`);
  }
  if (ignored.length > 0) {
    warnings.push(`Ignored ${ignored.length} brief excursion${ignored.length > 1 ? 's' : ''} beyond the cutoff (first at ${formatNumber(ignored[0])} s) that lasted fewer than ${persistN} samples${persistT > 0 ? ` or ${formatNumber(persistT)} s` : ''}.`);
  }
  const held = `held beyond it for ≥ ${persistN} samples${persistT > 0 ? ` and ${formatNumber(persistT)} s` : ''} or to the end of the current`;
  const voltagePlot = series('voltage', 'line', 'C/m²', 'V', decimate(q, v, 4000, s, n));

  if (cross < 0) {
    // The end of stripping is the last current-carrying sample (a rest after it adds nothing).
    let e = n - 1;
    while (!flowing(e)) e--;
    const qEnd = q[e], tEnd = t[e] - t[s];
    return {
      ok: true, reached: false,
      t0: est(tEnd, 's'), capacity: est(qEnd, 'C/m²'), startTime: est(t[s], 's'), currentDensity: est(j, 'A/m²'),
      ignoredExcursions: ignored,
      derivation: `The voltage never crossed ${formatNumber(cutoff)} V (${held}): at least ${formatSI(qEnd, 'C/m²')} stripped in ${formatQuantity(tEnd, 'h')} (${formatNumber(tEnd)} s) from the start of current at ${formatNumber(t[s])} s (trapezoids of |I|/area).`,
      warnings: [...warnings, `The data ends before the cutoff: the capacity is a lower bound (≥ ${formatSI(qEnd, 'C/m²')}).`],
      points: [voltagePlot],
    };
  }

  let tc: number, qc: number;
  if (prev < 0) {
    tc = t[cross]; qc = q[cross];
    warnings.push(`The voltage is already beyond the cutoff at the first current-carrying sample (${formatNumber(v[cross])} V at ${formatNumber(t[cross])} s).`);
  } else {
    const f = (cutoff - v[prev]) / (v[cross] - v[prev]);
    tc = t[prev] + f * (t[cross] - t[prev]);
    qc = q[prev] + f * (q[cross] - q[prev]);
  }
  const t0 = tc - t[s];
  return {
    ok: true, reached: true,
    t0: est(t0, 's'), capacity: est(qc, 'C/m²'), crossingTime: est(tc, 's'), startTime: est(t[s], 's'),
    currentDensity: est(j, 'A/m²'), ignoredExcursions: ignored,
    derivation: `The voltage first crossed ${formatNumber(cutoff)} V at ${formatNumber(tc)} s (interpolated between the samples around it; ${held}), t0 = ${formatNumber(t0)} s (${formatQuantity(t0, 'h')}) after current started at ${formatNumber(t[s])} s; capacity = ∫|I|dt/area by trapezoids = ${formatSI(qc, 'C/m²')}.`,
    warnings,
    points: [voltagePlot, series('cutoff crossing', 'markers', 'C/m²', 'V', { x: [qc], y: [cutoff] })],
  };
}

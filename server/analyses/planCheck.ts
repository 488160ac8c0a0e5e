// Plan against data: did the experiment run at the planned current, inside the planned voltage
// window, for the planned number of cycles? Each check returns warnings for the editor.
import { formatNumber, formatSI } from '../domain/format';
import { Estimate, Result, Samples, absolute, checkNumber, cleanColumns, est, failure, guarded, median, restThreshold } from './common';

export interface PlanCheckValues {
  /** True when the data agree with the plan within the tolerance. */
  withinPlan: boolean;
  planned: Estimate;
  measured: Estimate;
}

export type PlanCheckResult = Result<PlanCheckValues>;

/**
 * Compares the planned current density with the median |I|/area of the current-carrying samples
 * (|I| above 5 % of the typical flowing |I|); warns past a relative tolerance (default 5 %).
 */
export function compareCurrent(plannedDensity: number, area: number, current: Samples, tolerance = 0.05): PlanCheckResult {
  return guarded('the current check against the plan', () => {
    const bad = checkNumber('planned current density', plannedDensity) ?? checkNumber('area', area, { positive: true }) ?? checkNumber('tolerance', tolerance, { positive: true });
    if (bad) return failure(bad);
    if (plannedDensity === 0) return failure('the planned current density is zero: nothing to compare');
    const c = cleanColumns([['current', current]], 1);
    if ('error' in c) return failure(c.error);
    const abs = absolute(c.cols[0]);
    const thr = restThreshold(abs, 0.05);
    const flowing = abs.filter((x) => x > thr);
    if (flowing.length === 0) return failure('no current flows in the data', c.warnings);
    const measured = median(flowing) / area, planned = Math.abs(plannedDensity);
    const rel = (measured - planned) / planned;
    const within = Math.abs(rel) <= tolerance;
    const warnings = [...c.warnings];
    if (!within) {
      warnings.push(`The data run at ${formatSI(measured, 'A/m²')} (median |I| ${formatSI(measured * area, 'A')} over ${formatSI(area, 'm²')}), ${formatNumber(Math.abs(rel) * 100, 3)} % ${rel > 0 ? 'above' : 'below'} the planned ${formatSI(planned, 'A/m²')} (tolerance ${formatNumber(tolerance * 100)} %): check the area or the programmed current.`);
    }
    return {
      ok: true, withinPlan: within, planned: est(planned, 'A/m²'), measured: est(measured, 'A/m²'),
      derivation: `Median |I| of the ${flowing.length} current-carrying samples / area = ${formatSI(measured, 'A/m²')} against the planned ${formatSI(planned, 'A/m²')} (${rel >= 0 ? '+' : ''}${formatNumber(rel * 100, 3)} %).`,
      warnings, points: [],
    };
  });
}

export interface WindowCheckValues extends PlanCheckValues {
  /** Lowest and highest voltage in the data (V). */
  min: Estimate;
  max: Estimate;
  /** Samples outside the window by more than the tolerance. */
  outside: number;
}

export type WindowCheckResult = Result<WindowCheckValues>;

/** Warns when the voltage leaves the planned window [lo, hi] by more than `tolerance` (default 0.02 V). */
export function compareWindow(window: readonly [number, number], voltage: Samples, tolerance = 0.02): WindowCheckResult {
  return guarded('the voltage-window check against the plan', () => {
    if (!Array.isArray(window) || window.length !== 2) return failure('the window must be [lo, hi] in V');
    const [lo, hi] = window;
    const bad = checkNumber('window low end', lo) ?? checkNumber('window high end', hi) ?? checkNumber('tolerance', tolerance);
    if (bad) return failure(bad);
    if (!(lo < hi)) return failure(`the window's low end ${lo} V must be below its high end ${hi} V`);
    const c = cleanColumns([['voltage', voltage]], 1);
    if ('error' in c) return failure(c.error);
    const v = c.cols[0];
    let vMin = Infinity, vMax = -Infinity, outside = 0;
    for (const x of v) {
      vMin = Math.min(vMin, x); vMax = Math.max(vMax, x);
      if (x < lo - tolerance || x > hi + tolerance) outside++;
    }
    const warnings = [...c.warnings];
    if (vMin < lo - tolerance) warnings.push(`The voltage falls to ${formatNumber(vMin)} V, ${formatNumber((lo - vMin) * 1e3)} mV below the planned window ${formatNumber(lo)}–${formatNumber(hi)} V.`);
    if (vMax > hi + tolerance) warnings.push(`The voltage rises to ${formatNumber(vMax)} V, ${formatNumber((vMax - hi) * 1e3)} mV above the planned window ${formatNumber(lo)}–${formatNumber(hi)} V.`);
    const within = outside === 0;
    return {
      ok: true, withinPlan: within, planned: est(hi - lo, 'V'), measured: est(vMax - vMin, 'V'),
      min: est(vMin, 'V'), max: est(vMax, 'V'), outside,
      derivation: `The voltage spans ${formatNumber(vMin)}–${formatNumber(vMax)} V against the planned ${formatNumber(lo)}–${formatNumber(hi)} V; ${outside} of ${v.length} samples lie outside it by more than ${formatNumber(tolerance * 1e3)} mV.`,
      warnings, points: [],
    };
  });
}

/** Warns when the data hold fewer (the cell stopped or failed early) or more cycles than planned. */
export function compareCycleCount(planned: number, measured: number): PlanCheckResult {
  return guarded('the cycle-count check against the plan', () => {
    const bad = checkNumber('planned cycles', planned, { positive: true }) ?? checkNumber('measured cycles', measured);
    if (bad) return failure(bad);
    if (measured < 0) return failure(`measured cycles must not be negative (got ${measured})`);
    const warnings: string[] = [];
    if (measured < planned) warnings.push(`The data hold ${measured} of the ${planned} planned cycles: the test stopped early, failed, or is still running.`);
    else if (measured > planned) warnings.push(`The data hold ${measured} cycles, more than the ${planned} planned.`);
    return {
      ok: true, withinPlan: measured === planned, planned: est(planned, ''), measured: est(measured, ''),
      derivation: `${measured} cycles in the data against ${planned} planned.`, warnings, points: [],
    };
  });
}

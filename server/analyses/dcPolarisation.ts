// Electronic conductivity by DC polarisation with ion-blocking electrodes (Hebb–Wagner, domain.md
// toolkit 5): under a constant voltage V the ionic current decays as the blocking interfaces
// polarise, and what remains, I_ss, is carried by electrons: σ_e = L · I_ss / (V · A).
import { formatNumber, formatQuantity } from '../domain/format';
import { electronicConductivity } from '../domain/physics';
import { Estimate, PlotSeries, Result, Samples, checkNumber, cleanColumns, decimate, est, failure, guarded, series } from './common';

export interface DcPolarisationInput {
  time: Samples;    // s
  voltage: Samples; // V
  current: Samples; // A
  area: number;     // m²
  thickness: number; // m, the pellet
  /** The planned voltage (V): the hold is where the voltage stays near it. */
  plannedVoltage?: number;
  /** I_ss is the mean current over this last fraction of the hold (0.1) ... */
  steadyFraction?: number;
  /** ... and it is steady when it differs from the mean over the fraction before by less than this (0.05), or than 3 standard errors. */
  steadyTolerance?: number;
}

export interface DcPolarisationValues {
  /** The hold: its start and end (s). */
  start: number;
  end: number;
  /** The mean voltage (V) and current (A, with its standard error) over the steady window. */
  voltage: Estimate;
  steadyCurrent: Estimate;
  /** The current at the start of the hold (A): I_0 / I_ss shows how ionic the cell is. */
  initialCurrent: Estimate;
  /** The relative change of the current from the window before to the steady window. */
  drift: number;
  /** σ_e = L I_ss / (V A) (S/m). */
  conductivity: Estimate;
}

export type DcPolarisationResult = Result<DcPolarisationValues>;

export function dcPolarisation(input: DcPolarisationInput): DcPolarisationResult {
  return guarded('dcPolarisation', () => run(input));
}

function run(input: DcPolarisationInput): DcPolarisationResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('area', input.area, { positive: true }) ?? checkNumber('thickness', input.thickness, { positive: true });
  if (bad) return failure(bad);
  const fraction = input.steadyFraction ?? 0.1, tolerance = input.steadyTolerance ?? 0.05;
  const c = cleanColumns([['time', input.time], ['voltage', input.voltage], ['current', input.current]], 10, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const hold = holdOf(v, input.plannedVoltage);
  if (!hold) return failure(input.plannedVoltage !== undefined ? `the voltage never holds near the planned ${formatNumber(input.plannedVoltage)} V` : 'no constant-voltage hold in the data', warnings);
  const { first, last } = hold;
  const span = t[last] - t[first];
  const steady = window(t, first, last, t[last] - fraction * span, t[last]);
  const prior = window(t, first, last, t[last] - 2 * fraction * span, t[last] - fraction * span);
  if (steady.length < 5 || prior.length < 5) return failure(`the hold has too few samples (${last - first + 1}) to judge its steady state`, warnings);
  const iss = meanWithError(steady.map((k) => i[k]), 'A'), before = meanWithError(prior.map((k) => i[k]), 'A');
  const vHold = meanWithError(steady.map((k) => v[k]), 'V');
  const drift = (before.value - iss.value) / iss.value;
  const noise = 3 * Math.hypot(iss.stderr ?? 0, before.stderr ?? 0);
  if (Math.abs(drift) > tolerance && Math.abs(before.value - iss.value) > noise) {
    const upper = electronicConductivity(input.thickness, Math.abs(iss.value), Math.abs(vHold.value), input.area);
    return failure(`no steady state: the current still changes by ${formatNumber(drift * 100, 3)} % from the last ${formatNumber(2 * fraction * 100)} % to the last ${formatNumber(fraction * 100)} % of the ${formatQuantity(span, 'h')} hold (${formatQuantity(before.value, 'nA')} → ${formatQuantity(iss.value, 'nA')}): hold longer; σ_e is below ${formatQuantity(upper, 'S/cm')}, the value from the last current`, warnings);
  }
  if (!(Math.abs(vHold.value) > 0)) return failure('the held voltage is zero', warnings);
  const sigma = electronicConductivity(input.thickness, Math.abs(iss.value), Math.abs(vHold.value), input.area);
  const initial = est(i[first], 'A');
  if (Math.sign(iss.value) !== Math.sign(vHold.value)) warnings.push('The steady current flows against the applied voltage: check the sign convention of the file.');
  const points: PlotSeries[] = [
    series('current', 'line', 's', 'A', decimate(t, i, 4000, first, last + 1)),
    series('steady state', 'line', 's', 'A', { x: [t[steady[0]], t[last]], y: [iss.value, iss.value] }),
  ];
  return {
    ok: true, start: t[first], end: t[last], voltage: vHold, steadyCurrent: iss, initialCurrent: initial, drift,
    conductivity: est(sigma, 'S/m', iss.stderr !== undefined ? (sigma * iss.stderr) / Math.abs(iss.value) : undefined),
    derivation: `σ_e = L·I_ss/(V·A) = ${formatQuantity(input.thickness, 'µm')} × ${formatQuantity(Math.abs(iss.value), 'nA')} / (${formatQuantity(Math.abs(vHold.value), 'V')} × ${formatQuantity(input.area, 'cm²')}) = ${formatQuantity(sigma, 'S/cm')}; I_ss is the mean current over the last ${formatNumber(fraction * 100)} % of the ${formatQuantity(span, 'h')} hold (standard error from its scatter), steady: it differs by ${formatNumber(drift * 100, 2)} % from the ${formatNumber(fraction * 100)} % before (limit ${formatNumber(tolerance * 100)} % or 3 standard errors); the current fell from ${formatQuantity(Math.abs(initial.value), 'nA')} at the start of the hold.`,
    warnings, points,
  };
}

/** The longest run of samples within 5 % (and 1 mV) of the planned voltage, or of the largest |V| when none is planned. */
function holdOf(v: Float64Array, planned: number | undefined): { first: number; last: number } | undefined {
  let target = planned;
  if (target === undefined) {
    let big = 0;
    for (const x of v) if (Math.abs(x) > Math.abs(big)) big = x;
    target = big;
  }
  if (!(Math.abs(target) > 0)) return undefined;
  const near = (x: number) => Math.abs(x - target!) <= 0.05 * Math.abs(target!) + 1e-3;
  let best: { first: number; last: number } | undefined, from = -1;
  for (let k = 0; k <= v.length; k++) {
    if (k < v.length && near(v[k])) { if (from < 0) from = k; continue; }
    if (from >= 0 && (!best || k - 1 - from > best.last - best.first)) best = { first: from, last: k - 1 };
    from = -1;
  }
  return best && best.last - best.first >= 9 ? best : undefined;
}

function window(t: Float64Array, first: number, last: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = first; k <= last; k++) if (t[k] >= from && t[k] <= to) out.push(k);
  return out;
}

function meanWithError(a: number[], unit: string): Estimate {
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
  return est(m, unit, sd / Math.sqrt(a.length));
}

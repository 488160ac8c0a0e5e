// Activation energy from a temperature series of conductivities (domain.md, toolkit 2):
// σT = A exp(−E_a / (k_B T)), so ln(σT) is linear in 1/T with slope −E_a/k_B (form sigma-T, the
// default); some papers fit ln σ instead (form sigma), whose E_a comes out about k_B T lower. Both
// are computed, the one asked for is reported, the other beside it.
import { formatEstimate, formatNumber } from '../domain/format';
import { ArrheniusForm, BOLTZMANN_EV, ROOM_TEMPERATURE } from '../domain/physics';
import { Estimate, Result, est, failure, guarded, series } from './common';
import { inverseNormal, leastSquaresQR } from './linalg';

export interface ArrheniusPoint {
  temperature: number;  // K
  conductivity: number; // S/m
  label?: string;
}

export interface ArrheniusLine {
  form: ArrheniusForm;
  /** E_a = −slope · k_B (eV), its standard error from the residuals (n − 2 degrees of freedom). */
  activationEnergy: Estimate;
  /** A = exp(intercept): S·K/m for sigma-T, S/m for sigma; its standard error is A · σ(intercept). */
  prefactor: Estimate;
  /** ln A and its standard error (the pre-factor is an extrapolation to 1/T = 0: far better read in logs). */
  lnPrefactor: Estimate;
  /** σ at 25 °C from the fit, with the standard error of the fitted line there (S/m). */
  conductivity25: Estimate;
  r2: number;
  dof: number;
}

export interface ArrheniusValues extends ArrheniusLine {
  n: number;
  /** The same data fitted in the other form. */
  other: ArrheniusLine;
  /** Whether 25 °C lies inside the measured temperatures (else σ(25 °C) is an extrapolation). */
  interpolated: boolean;
}

export type ArrheniusResult = Result<ArrheniusValues>;

/** Least squares of ln(σT) (or ln σ) against 1/T over at least 3 distinct temperatures. */
export function arrheniusFit(points: readonly ArrheniusPoint[], form: ArrheniusForm = 'sigma-T'): ArrheniusResult {
  return guarded('arrheniusFit', () => run(points, form));
}

function run(points: readonly ArrheniusPoint[], form: ArrheniusForm): ArrheniusResult {
  if (form !== 'sigma-T' && form !== 'sigma') return failure(`form must be 'sigma-T' or 'sigma' (got ${String(form)})`);
  if (!Array.isArray(points)) return failure('points must be an array of { temperature, conductivity }');
  const warnings: string[] = [];
  const usable = points.filter((p) => Number.isFinite(p?.temperature) && p.temperature > 0 && Number.isFinite(p.conductivity) && p.conductivity > 0);
  if (usable.length < points.length) warnings.push(`Left out ${points.length - usable.length} point${points.length - usable.length > 1 ? 's' : ''} without a positive temperature and conductivity.`);
  const distinct = new Set(usable.map((p) => p.temperature.toFixed(3))).size;
  if (distinct < 3) return failure(`an Arrhenius fit needs at least 3 different temperatures for E_a with a standard error (got ${distinct})`, warnings);
  const line = fitLine(usable, form);
  const other = fitLine(usable, form === 'sigma-T' ? 'sigma' : 'sigma-T');
  if (!line || !other) return failure('the temperatures are too close together for the slope of ln σ against 1/T', warnings);
  const ts = usable.map((p) => p.temperature);
  const interpolated = Math.min(...ts) <= ROOM_TEMPERATURE && ROOM_TEMPERATURE <= Math.max(...ts);
  if (!interpolated) warnings.push(`σ(25 °C) is extrapolated: the series runs from ${formatNumber(Math.min(...ts) - 273.15)} to ${formatNumber(Math.max(...ts) - 273.15)} °C.`);
  if (line.r2 < 0.99) warnings.push(`ln${form === 'sigma-T' ? '(σT)' : ' σ'} is not straight in 1/T (R² = ${formatNumber(line.r2, 4)}): a change of mechanism or phase, or temperatures that had not settled.`);
  const ea = (l: ArrheniusLine) => formatEstimate(l.activationEnergy);
  const xs = usable.map((p) => 1 / p.temperature);
  const y = (p: ArrheniusPoint) => (form === 'sigma-T' ? p.conductivity * p.temperature : p.conductivity);
  const xLo = Math.min(...xs), xHi = Math.max(...xs);
  const fitted = (x: number) => Math.exp(line.lnPrefactor.value - (line.activationEnergy.value / BOLTZMANN_EV) * x);
  const yUnit = form === 'sigma-T' ? 'S·K/m' : 'S/m';
  return {
    ok: true, ...line, n: usable.length, other, interpolated,
    derivation: `Least squares of ln${form === 'sigma-T' ? '(σT)' : ' σ'} against 1/T over ${usable.length} spectra at ${distinct} temperatures (${formatNumber(Math.min(...ts) - 273.15)} to ${formatNumber(Math.max(...ts) - 273.15)} °C): E_a = −slope · k_B = ${ea(line)} (k_B = ${formatNumber(BOLTZMANN_EV, 7)} eV/K, standard error from the residuals with ${line.dof} degrees of freedom), R² = ${formatNumber(line.r2, 5)}; σ(25 °C) from the line = ${formatEstimate(line.conductivity25)}, pre-factor ln A = ${formatEstimate(line.lnPrefactor)} (A in ${line.prefactor.unit}). Fitting ln${form === 'sigma-T' ? ' σ' : '(σT)'} instead gives E_a = ${ea(other)}.`,
    warnings,
    points: [
      series(form === 'sigma-T' ? 'σT' : 'σ', 'markers', '1/K', yUnit, { x: xs, y: usable.map(y) }),
      series('Arrhenius fit', 'line', '1/K', yUnit, { x: [xLo, xHi], y: [fitted(xLo), fitted(xHi)] }),
    ],
  };
}

/** ln y = a + b/T by least squares; E_a, A and σ(25 °C) with their standard errors from the covariance s²(XᵀX)⁻¹. */
function fitLine(points: readonly ArrheniusPoint[], form: ArrheniusForm): ArrheniusLine | undefined {
  const n = points.length;
  const one = new Float64Array(n).fill(1), x = Float64Array.from(points, (p) => 1 / p.temperature);
  const y = Float64Array.from(points, (p) => Math.log(form === 'sigma-T' ? p.conductivity * p.temperature : p.conductivity));
  const coef = leastSquaresQR([one, x], y);
  const inv = inverseNormal([one, x]);
  if (!coef || !inv) return undefined;
  const [a, b] = coef;
  let sse = 0, syy = 0;
  const ym = y.reduce((s, v) => s + v, 0) / n;
  for (let k = 0; k < n; k++) { sse += (y[k] - a - b * x[k]) ** 2; syy += (y[k] - ym) ** 2; }
  const dof = n - 2;
  const s2 = sse / dof;
  const [vaa, vab, vbb] = [inv[0] * s2, inv[1] * s2, inv[3] * s2];
  const x25 = 1 / ROOM_TEMPERATURE;
  const lnY25 = a + b * x25, varLn25 = vaa + 2 * vab * x25 + vbb * x25 * x25;
  const sigma25 = form === 'sigma-T' ? Math.exp(lnY25) / ROOM_TEMPERATURE : Math.exp(lnY25);
  const prefactor = Math.exp(a);
  return {
    form,
    activationEnergy: est(-b * BOLTZMANN_EV, 'eV', Math.sqrt(vbb) * BOLTZMANN_EV),
    prefactor: est(prefactor, form === 'sigma-T' ? 'S·K/m' : 'S/m', prefactor * Math.sqrt(vaa)),
    lnPrefactor: est(a, '', Math.sqrt(vaa)),
    conductivity25: est(sigma25, 'S/m', sigma25 * Math.sqrt(Math.max(0, varLn25))),
    r2: syy > 0 ? 1 - sse / syy : 1,
    dof,
  };
}

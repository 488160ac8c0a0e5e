// The circuit fit's verdict (fit.ts): the parameters with their standard errors, the residuals,
// the warnings (most serious first), the preview and the derivation, as the result.
import { formatNumber } from '../../domain/format';
import { PlotSeries, Success, est, series } from '../common';
import type { FitValues, FittedParameter } from './fit';
import type { FitSetup } from './fitChecks';
import type { FitModel } from './fitModel';
import type { Optimum } from './fitOptimum';
import { summaryResistances } from './fitResistances';
import type { Run } from './fitSolve';
import type { Starts } from './fitStarts';
import type { Uncertainty } from './fitUncertainty';

/** What the solve produced, for the verdict. */
export interface Solved {
  starts: Starts;
  runs: Run[];
  maxIterations: number;
  opt: Optimum;
  u: Uncertainty;
}

export function verdict(s: FitSetup, model: FitModel, solved: Solved): Success<FitValues> {
  const { circuit, weighting, fixedVal, warnings } = s;
  const { runs, opt, u } = solved;
  const { p, ssr, atBound, converged, status, iterations } = opt;
  const parameters: FittedParameter[] = circuit.parameters.map((info, i) => {
    const fixed = fixedVal[i] !== undefined;
    const out: FittedParameter = {
      name: info.name, unit: info.unit, description: info.description,
      value: est(p[i], info.unit, fixed ? undefined : u.stderrOf(i)), fixed, atBound: atBound[i] !== undefined,
    };
    if (atBound[i]) out.bound = atBound[i];
    return out;
  });
  const stats = residualSummary(s, model, p);
  const lead = leadWarnings(s, solved);
  qualityWarnings(s, opt, u, stats.relRms);
  const { rOhm, rCt, rTotal } = summaryResistances(s, model, p, u);
  const chi2Unit = weighting === 'unit' ? 'Ω²' : '';
  const values: FitValues = {
    circuit: circuit.source, parameters,
    rmse: est(stats.rmse, 'Ω'), chi2: est(ssr, chi2Unit),
    residuals: { frequency: stats.frequency, real: stats.resRe, imag: stats.resIm },
    converged, status, iterations, method: methodOf(s), weighting, nPoints: model.N, dof: u.dof, startsTried: runs.length,
    rOhm, ...(rCt ? { rCt } : {}), ...(rTotal ? { rTotal } : {}),
  };
  return { ok: true, ...values, derivation: describeFit(s, model, solved, stats), warnings: [...lead, ...warnings], points: preview(s, model, p, stats) };
}

interface ResidualSummary {
  frequency: number[];
  /** (Z − Z_fit)/|Z| per point. */
  resRe: number[];
  resIm: number[];
  /** √(Σ|Z_fit − Z|²/N), unweighted (Ω). */
  rmse: number;
  /** RMS of the relative residuals, Re and Im together. */
  relRms: number;
}

function residualSummary(s: FitSetup, model: FitModel, p: Float64Array): ResidualSummary {
  const { N, zr, zi, mr, mi } = model;
  model.evaluate(p, model.omega, mr, mi);
  let sq = 0;
  const resRe: number[] = [], resIm: number[] = [];
  let relSq = 0;
  for (let k = 0; k < N; k++) {
    const dr = zr[k] - mr[k], di = zi[k] - mi[k], mod = Math.hypot(zr[k], zi[k]) || 1;
    sq += dr * dr + di * di;
    resRe.push(dr / mod); resIm.push(di / mod);
    relSq += (dr * dr + di * di) / (mod * mod);
  }
  return { frequency: Array.from(s.spectrum.frequency), resRe, resIm, rmse: Math.sqrt(sq / N), relRms: Math.sqrt(relSq / (2 * N)) };
}

/** The warnings that decide whether the fit may be reported: no convergence, key parameters at a bound. */
function leadWarnings(s: FitSetup, solved: Solved): string[] {
  const { circuit, lo, hi } = s;
  const { p, atBound, held, keyAtBound } = solved.opt;
  const best = solved.runs[0];
  const lead: string[] = [];
  if (best && !best.lm.converged) {
    lead.push(`The fit did not converge within ${solved.maxIterations} iterations (${best.lm.reason}): the values are the last iterate, not an optimum, and carry no standard errors; do not report them as fitted.`);
  }
  if (keyAtBound.length > 0) {
    const unit = (i: number): string => (circuit.parameters[i].unit ? ' ' + circuit.parameters[i].unit : '');
    const bound = (i: number): string => `${atBound[i] === 'lower' ? formatNumber(lo[i]) : Number.isFinite(hi[i]) ? formatNumber(hi[i]) : '∞'}${unit(i)}`;
    const list = keyAtBound.map((i) => held[i]
      ? `${circuit.parameters[i].name} is at its ${atBound[i]} bound (${bound(i)})`
      : `${circuit.parameters[i].name} (${formatNumber(p[i])}${unit(i)}) can move to its ${atBound[i]} bound (${bound(i)}) without changing the fit`);
    lead.push(`${list.join('; ')}: the data do not support ${keyAtBound.length > 1 ? 'these elements' : 'this element'} (or the bounds exclude the optimum), so the fit is reported as not converged; simplify the circuit or widen the bounds.`);
  }
  return lead;
}

/** Warnings on a fit that may be reported: ideal capacitors, large residuals, poorly determined parameters. */
function qualityWarnings(s: FitSetup, opt: Optimum, u: Uncertainty, relRms: number): void {
  const { circuit, free, warnings } = s;
  const { p, atBound } = opt;
  const alphaAtOne = free.filter((i) => atBound[i] && !opt.isKey(i)).map((i) => circuit.parameters[i].name);
  if (alphaAtOne.length) warnings.push(`${alphaAtOne.join(', ')} reached 1 (an ideal capacitor); ${alphaAtOne.length > 1 ? 'they carry' : 'it carries'} no standard error.`);
  if (opt.converged && relRms > 0.05) warnings.push(`The fit leaves residuals of ${formatNumber(relRms * 100, 2)} % of |Z| (RMS): ${circuit.source} does not describe this spectrum well.`);
  for (const i of u.covIdx) {
    const se = u.stderrOf(i);
    if (se !== undefined && se > Math.abs(p[i])) {
      const unit = circuit.parameters[i].unit ? ` ${circuit.parameters[i].unit}` : '';
      warnings.push(`${circuit.parameters[i].name} is poorly determined (${formatNumber(p[i])} ± ${formatNumber(se)}${unit}: not significantly different from 0); the element may be unnecessary or the data may not reach its frequency range.`);
    }
  }
}

/** Data and fit in the Nyquist plane, residuals against frequency. */
function preview(s: FitSetup, model: FitModel, p: Float64Array, stats: ResidualSummary): PlotSeries[] {
  const { N, omega, zr, zi } = model;
  const decades = Math.log10(omega[0] / omega[N - 1]);
  const nFit = Math.max(100, Math.ceil(decades * 20) + 1);
  const wFit = Float64Array.from({ length: nFit }, (_, k) => omega[0] * (omega[N - 1] / omega[0]) ** (k / (nFit - 1)));
  const fr = new Float64Array(nFit), fi = new Float64Array(nFit);
  model.evaluate(p, wFit, fr, fi);
  return [
    series('spectrum', 'markers', 'Ω', 'Ω', { x: Array.from(zr), y: Array.from(zi, (v) => -v) }),
    series(`fit ${s.circuit.source}`, 'line', 'Ω', 'Ω', { x: Array.from(fr), y: Array.from(fi, (v) => -v) }),
    series('residual Re (relative to |Z|)', 'markers', 'Hz', '', { x: stats.frequency, y: stats.resRe }),
    series('residual Im (relative to |Z|)', 'markers', 'Hz', '', { x: stats.frequency, y: stats.resIm }),
  ];
}

function methodOf(s: FitSetup): string {
  return `complex nonlinear least squares (Re and Im together), Levenberg–Marquardt with box bounds (ln p for positive parameters, projection), ${s.weighting} weighting`;
}

function describeFit(s: FitSetup, model: FitModel, solved: Solved, stats: ResidualSummary): string {
  const { circuit } = s;
  const { ssr, status, iterations } = solved.opt;
  const N = model.N, f = s.spectrum.frequency;
  if (s.free.length === 0) return `Every parameter of ${circuit.source} is fixed: the model was evaluated at ${N} points, χ² = ${formatNumber(ssr)}.`;
  const chi2Unit = s.weighting === 'unit' ? 'Ω²' : '';
  const outcome = status === 'converged' ? `converged after ${iterations} iterations` : status === 'at-bound' ? `stopped with a parameter at a bound after ${iterations} iterations` : `not converged after ${iterations} iterations`;
  return `${circuit.source} fitted to ${N} points (${formatNumber(f[N - 1])}–${formatNumber(f[0])} Hz) by ${methodOf(s)}, from ${solved.starts.note}; best χ² = ${formatNumber(ssr)}${chi2Unit ? ' ' + chi2Unit : ''}, RMSE ${formatNumber(stats.rmse)} Ω (${formatNumber(stats.relRms * 100, 2)} % of |Z|), ${outcome}; standard errors from σ²(JᵀJ)⁻¹ with σ² = χ²/(2N − p) = χ²/${solved.u.dof}.`;
}

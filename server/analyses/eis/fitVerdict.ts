// The circuit fit's verdict (fit.ts): the parameters with their standard errors, correlations and
// whether the data determine them, the residuals, the warnings (most serious first, each with what
// to try), the preview and the derivation, as the result.
import { formatNumber } from '../../domain/format';
import { PlotSeries, Success, est, series } from '../common';
import type { FitValues, FittedParameter } from './fit';
import { parameterName, stopReason, whatToTry, withUnit } from './fitAdvice';
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
    if (!fixed) Object.assign(out, determination(s, opt, u, i));
    return out;
  });
  const stats = residualSummary(s, model, p);
  const lead = leadWarnings(s, solved);
  const undetermined = undeterminedWarning(s, u, parameters);
  qualityWarnings(s, opt, stats.relRms);
  const { rOhm, rCt, rTotal, rOhmIndex } = summaryResistances(s, model, p, u);
  const chi2Unit = weighting === 'unit' ? 'Ω²' : '';
  const values: FitValues = {
    circuit: circuit.source, parameters,
    rmse: est(stats.rmse, 'Ω'), chi2: est(ssr, chi2Unit),
    residuals: { frequency: stats.frequency, real: stats.resRe, imag: stats.resIm },
    converged, status, iterations, method: methodOf(s), weighting, nPoints: model.N, dof: u.dof, startsTried: runs.length,
    rOhm, rOhmDetermined: rOhmIndex !== undefined ? parameters[rOhmIndex].determined !== false : relativeError(rOhm) <= MAX_RELATIVE_ERROR,
    ...(rCt ? { rCt } : {}), ...(rTotal ? { rTotal } : {}), ...correlationsOf(s, u), ...(lead.length ? { statusNote: lead.join(' ') } : {}),
  };
  return { ok: true, ...values, derivation: describeFit(s, model, solved, stats), warnings: [...lead, ...undetermined, ...warnings], points: preview(s, model, p, stats) };
}

/** How the warning on parameters the data do not determine begins (the editor finds it by this). */
export const NOT_DETERMINED = 'Not determined by the data';

/** Above this magnitude of correlation two parameters are not told apart by the data. */
const MAX_CORRELATION = 0.99;
/** Above this standard error relative to the value a parameter is not determined. */
const MAX_RELATIVE_ERROR = 0.5;

const relativeError = (e: { value: number; stderr?: number }): number => (e.stderr !== undefined ? e.stderr / Math.abs(e.value) : Infinity);

/** Whether the data determine free parameter i, and why not (see FittedParameter.determined). */
function determination(s: FitSetup, opt: Optimum, u: Uncertainty, i: number): Pick<FittedParameter, 'determined' | 'why'> {
  const name = (k: number) => parameterName(s, k);
  if (opt.atBound[i]) return opt.isKey(i) ? { determined: false, why: `ended at its ${opt.atBound[i]} bound` } : { determined: true };
  if (u.singular.includes(i)) {
    const others = u.singular.filter((k) => k !== i).map(name);
    return { determined: false, why: others.length ? `cannot be told from ${others.join(', ')} (JᵀJ is singular)` : 'has no effect on the fitted impedance' };
  }
  if (!u.hasCovariance) return {};
  const reasons: string[] = [];
  const partners = u.covIdx.filter((j) => j !== i && Math.abs(u.correlation(i, j) ?? 0) > MAX_CORRELATION);
  if (partners.length) reasons.push(`trades off with ${partners.map((j) => `${name(j)} (r = ${formatNumber(u.correlation(i, j)!, 4)})`).join(' and ')}`);
  const se = u.stderrOf(i);
  const rel = se !== undefined ? se / Math.abs(opt.p[i]) : Infinity;
  if (rel > MAX_RELATIVE_ERROR) reasons.push(Number.isFinite(rel) ? `has a standard error of ${formatNumber(rel * 100, 2)} % of its value` : 'has no standard error');
  return reasons.length ? { determined: false, why: reasons.join(', and ') } : { determined: true };
}

/** The correlation matrix over the parameters in the covariance. */
function correlationsOf(s: FitSetup, u: Uncertainty): { correlations?: FitValues['correlations'] } {
  if (!u.hasCovariance || u.covIdx.length < 2) return {};
  const matrix = u.covIdx.map((i) => u.covIdx.map((j) => (i === j ? 1 : u.correlation(i, j) ?? 0)));
  return { correlations: { parameters: u.covIdx.map((i) => parameterName(s, i)), matrix } };
}

/**
 * The parameters of a fit that reached an optimum but that the data do not determine, with what
 * to try: their standard errors would otherwise read as if they described the cell.
 */
function undeterminedWarning(s: FitSetup, u: Uncertainty, parameters: FittedParameter[]): string[] {
  // Weakest first (the largest relative standard error): the remedy names it.
  const bad = parameters.map((q, i) => ({ q, i })).filter(({ q }) => q.determined === false && !q.atBound)
    .sort((a, b) => relativeError(b.q.value) - relativeError(a.q.value));
  if (!bad.length) return [];
  const list = bad.map(({ q }) => `${q.name} ${q.why}`).join('; ');
  const errors = u.hasCovariance ? 'Their values and standard errors do not' : 'No parameter has a standard error, and their values do not';
  return [`${NOT_DETERMINED}: ${bad.map(({ q }) => q.name).join(', ')}. ${list}. ${errors} describe the cell (an element whose arc lies outside the measured frequencies, or two elements doing one job); ${whatToTry(s, bad.map(({ i }) => i))}.`];
}

/**
 * A failed fit: a free parameter that left the numbers, or ran off towards an infinite bound until
 * the data no longer feel it (it grew without bound: the data do not contain its element), named
 * with what to try; undefined when none did. The two are one outcome: along such a path the sum
 * of squares keeps falling as the element vanishes from Z (a series C → ∞, a parallel R → ∞), and
 * whether the optimizer's last step landed past exp's overflow (θ > 709.8) or short of it is
 * rounding, not a property of the data.
 */
export function divergence(s: FitSetup, model: FitModel, free: Float64Array, start: number[]): string | undefined {
  const off = ranOff(s, model, free, start);
  const bad = s.free.filter((i, j) => !Number.isFinite(free[j]) || off.has(i));
  if (!bad.length) return undefined;
  const how = (i: number): string => {
    const v = free[s.free.indexOf(i)];
    const from = withUnit(s, i, start[s.free.indexOf(i)]);
    return `${parameterName(s, i)} ${Number.isNaN(v) ? 'became undefined' : v > 0 ? 'grew without bound' : 'fell without bound'} (from ${from} at the start)`;
  };
  return `the fit of ${s.circuit.source} diverged: ${bad.map(how).join('; ')}, so the data do not support ${bad.length > 1 ? 'these elements' : 'this element'}; ${whatToTry(s, bad)}`;
}

/**
 * Below this share of the weighted data (RMS over the points), a relative change of a parameter
 * is not felt: √ε, what a difference quotient of the residuals resolves in double precision.
 */
const UNFELT = Math.sqrt(2.220446049250313e-16);

/**
 * The free positive parameters (those fitted as θ = ln p, where a run-off happens: θ → ∞) that
 * moved up from their start towards an infinite upper bound and so left the data: at the end the data no longer feel them, ‖p ∂r/∂p‖ ≤ √ε ‖z‖ in the weights (the change
 * of the weighted residuals per relative change of p), while back at its start value (the others
 * as they ended) the parameter is felt. The second condition keeps out a parameter whose element
 * vanished by another's doing (the R of an R‖C collapsed to its lower bound takes the C with it):
 * that is the bound's warning (fitOptimum.ts), as is a parameter merely indistinguishable from its
 * bound (10⁻⁴ of |Z|), which the data still feel. A parameter both tests take (unfelt here, and
 * "can move to its bound" by fitOptimum's probe at 1000 p) is a divergence: fit.ts asks this first
 * and a failed fit gets no bound warnings.
 */
function ranOff(s: FitSetup, model: FitModel, free: Float64Array, start: number[]): Set<number> {
  const p = model.full(free);
  // Only positive parameters: ‖p ∂r/∂p‖ is a relative sensitivity, which says nothing of a plain
  // parameter that merely ended near 0.
  const towards = s.free.filter((i, j) => Number.isFinite(free[j]) && s.lo[i] >= 0 && free[j] > start[j] && s.hi[i] === Infinity);
  const felt = (q: Float64Array, i: number): boolean => influence(model, q, i) > UNFELT * model.dataNorm;
  return new Set(towards.filter((i) => {
    if (felt(p, i)) return false;
    const back = Float64Array.from(p);
    back[i] = start[s.free.indexOf(i)];
    return felt(back, i);
  }));
}

/** ‖p_i ∂r/∂p_i‖ at p: closed form, or central differences where it does not apply. */
function influence(model: FitModel, p: Float64Array, i: number): number {
  const m = 2 * model.N, J = [new Float64Array(m)];
  if (!model.jacobianAt(p, [i], [Math.abs(p[i])], J)) {
    const a = new Float64Array(m), b = new Float64Array(m), q = Float64Array.from(p), h = 1e-4;
    q[i] = p[i] * (1 + h); model.residualsAt(q, a);
    q[i] = p[i] * (1 - h); model.residualsAt(q, b);
    for (let k = 0; k < m; k++) J[0][k] = (a[k] - b[k]) / (2 * h);
  }
  return Math.sqrt(J[0].reduce((acc, x) => acc + x * x, 0));
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
  const { lo, hi } = s;
  const { p, atBound, held, keyAtBound } = solved.opt;
  const best = solved.runs[0];
  const lead: string[] = [];
  if (best && !best.lm.converged) {
    const q = solved.opt.unsorted;
    const away = runaways(s, q, best.start);
    const which = away.length ? ` ${away.map((i) => `${parameterName(s, i)} ran from ${withUnit(s, i, best.start[s.free.indexOf(i)])} to ${withUnit(s, i, q[i])}`).join('; ')}.` : '';
    // A runaway that also sits at a bound gets its remedy from the bound's warning below.
    const untreated = away.filter((i) => !keyAtBound.includes(i));
    lead.push(`The fit did not converge ${stopReason(best.lm.reason, solved.maxIterations)}: the values are the last iterate, not an optimum, and carry no standard errors; do not report them as fitted.${which}${untreated.length ? ` Try: ${whatToTry(s, untreated)}.` : ''}`);
  }
  if (keyAtBound.length > 0) {
    const bound = (i: number): string => (atBound[i] === 'lower' ? withUnit(s, i, lo[i]) : Number.isFinite(hi[i]) ? withUnit(s, i, hi[i]) : `∞${s.circuit.parameters[i].unit ? ' ' + s.circuit.parameters[i].unit : ''}`);
    const list = keyAtBound.map((i) => held[i]
      ? `${parameterName(s, i)} is at its ${atBound[i]} bound (${bound(i)})`
      : `${parameterName(s, i)} (${withUnit(s, i, p[i])}) can move to its ${atBound[i]} bound (${bound(i)}) without changing the fit`);
    // A bound the spec set that holds a parameter likely excludes the optimum; a default one (0, ∞) means the element is not in the data.
    const userBound = (i: number): boolean => (atBound[i] === 'lower' ? lo[i] !== 0 : hi[i] !== s.defaultHi[i]);
    const mine = keyAtBound.filter(userBound), natural = keyAtBound.filter((i) => !userBound(i));
    const remedies = [
      natural.length ? `the data do not support ${natural.map((i) => parameterName(s, i)).join(', ')}: ${whatToTry(s, natural)}` : '',
      mine.length ? `the bound of ${mine.map((i) => parameterName(s, i)).join(', ')} may exclude the optimum: widen it (${mine.map((i) => `bound ${parameterName(s, i)} lower .. upper`).join(', ')}) or remove it` : '',
    ].filter(Boolean);
    lead.push(`${list.join('; ')}, so the fit is reported as not converged; ${remedies.join('; ')}.`);
  }
  return lead;
}

/** Free parameters that moved more than three decades from their start: the ones running away. */
function runaways(s: FitSetup, p: Float64Array, start: number[]): number[] {
  const moved = (i: number): number => {
    const a = Math.abs(p[i]), b = Math.abs(start[s.free.indexOf(i)]);
    return a > 0 && b > 0 ? Math.abs(Math.log10(a / b)) : 0;
  };
  return s.free.filter((i) => moved(i) > 3).sort((a, b) => moved(b) - moved(a));
}

/** Warnings on a fit that may be reported: ideal capacitors, large residuals. */
function qualityWarnings(s: FitSetup, opt: Optimum, relRms: number): void {
  const { circuit, free, warnings } = s;
  const { atBound } = opt;
  const alphaAtOne = free.filter((i) => atBound[i] && !opt.isKey(i)).map((i) => circuit.parameters[i].name);
  if (alphaAtOne.length) warnings.push(`${alphaAtOne.join(', ')} reached 1 (an ideal capacitor); ${alphaAtOne.length > 1 ? 'they carry' : 'it carries'} no standard error.`);
  if (opt.converged && relRms > 0.05) warnings.push(`The fit leaves residuals of ${formatNumber(relRms * 100, 2)} % of |Z| (RMS): ${circuit.source} does not describe this spectrum well.`);
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
  return `${circuit.source} fitted to ${N} points (${formatNumber(f[N - 1])}–${formatNumber(f[0])} Hz) by ${methodOf(s)}, from ${solved.starts.note}; best χ² = ${formatNumber(ssr)}${chi2Unit ? ' ' + chi2Unit : ''}, RMSE ${formatNumber(stats.rmse)} Ω (${formatNumber(stats.relRms * 100, 2)} % of |Z|), ${outcome}; standard errors from σ²(JᵀJ)⁻¹ with σ² = χ²/(2N − p) = χ²/${solved.u.dof}; a parameter is not determined by the data when it correlates with another beyond ±${MAX_CORRELATION} or its standard error exceeds ${MAX_RELATIVE_ERROR * 100} % of its value.`;
}

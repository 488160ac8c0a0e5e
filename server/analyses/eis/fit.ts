// Equivalent-circuit fitting: complex nonlinear least squares on Re and Im together (as
// impedance.py's circuit_fit), by Levenberg–Marquardt with box bounds.
//
// Parameters and bounds. Every parameter has a box [lo, hi]; the default is [0, ∞) and [0, 1] for
// a CPE exponent (impedance.py's defaults). A parameter whose lower bound is ≥ 0 is fitted as
// θ = ln p (a transformation: steps are relative, so resistances of 10 mΩ and capacitances of
// 1 µF move alike); a lower bound of 0 is represented by 10⁻¹² × its starting value. Parameters
// that may be negative are fitted as they are. In θ the box is enforced by projection (lm.ts).
//
// When is a result good? `converged` is true only when the optimizer met its tolerance AND no key
// parameter ended at a bound. A key parameter is every fitted parameter except a CPE exponent at
// its upper bound 1 (an ideal capacitor, a legitimate answer). A parameter is "at a bound" when
// the projection holds it there, or when moving it onto the bound (or, for an open upper bound,
// 1000-fold beyond) leaves the weighted sum of squares unchanged to 1 part in 10⁶ or Z unchanged
// to 0.01 % of |Z| at every frequency: the data cannot tell it from the bound. A fit that did not converge is still returned (ok: true) so the
// preview can show what happened, but with `converged: false`, `status` saying why, a warning
// first in the list, and no standard errors: callers must not present it as a fitted result.
import { formatNumber } from '../../domain/format';
import { Estimate, Result, Samples, est, failure, guarded, series } from '../common';
import { Circuit, CircuitNode, parseCircuit } from '../../domain/circuit';
import { compileCircuit } from './circuitModel';
import { autoGuesses } from './guess';
import { LMResult, inverseNormal, levenbergMarquardt } from './lm';
import { prepareSpectrum } from './spectrum';

export type Weighting = 'unit' | 'modulus' | 'proportional';

export interface FitSpec {
  /** impedance.py syntax, e.g. "R0-p(R1,CPE1)-W1". */
  circuit: string;
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive arc
  /**
   * Starting values: an array in impedance.py order, either for all parameters or (as
   * impedance.py) for the free ones only, or a record by name (missing names are guessed).
   * Without it, starting values are guessed from the spectrum (guess.ts).
   */
  initialGuess?: readonly number[] | Record<string, number>;
  /** By name, [lower, upper]; or impedance.py's [lower[], upper[]] over the free parameters. */
  bounds?: Record<string, readonly [number, number]> | readonly [readonly number[], readonly number[]];
  /** Parameters held at a value, by name (impedance.py's `constants`). */
  fixed?: Record<string, number>;
  /**
   * How Re and Im residuals are weighted: 'unit' (none, as impedance.py), 'modulus' (each divided
   * by |Z|, the default: every point counts alike whatever its size), 'proportional' (Re residual
   * divided by |Re Z|, Im residual by |Im Z|, each floored at 1 % of |Z| so a point on the real
   * axis does not dominate).
   */
  weighting?: Weighting;
  /**
   * Number of starting points: with an initial guess, the guess then perturbed copies (default 1,
   * the guess alone); without, the automatic guesses then a grid of time constants (default 12).
   */
  starts?: number;
  /**
   * Leave out points with Im(Z) > 0 (default: keep them, with a warning). For a genuine inductive
   * tail (or add an L to the circuit); not for noise scattering around the real axis (bias).
   */
  dropInductive?: boolean;
  maxIterations?: number;
}

export interface FittedParameter {
  name: string;
  unit: string;
  description: string;
  value: Estimate;
  fixed: boolean;
  atBound: boolean;
  bound?: 'lower' | 'upper';
}

export interface FitValues {
  circuit: string;
  parameters: FittedParameter[];
  /** √(Σ|Z_fit − Z|²/N), unweighted (Ω), as impedance.py's rmse. */
  rmse: Estimate;
  /** Weighted sum of squared residuals, Re and Im (Ω² for unit weighting, else dimensionless). */
  chi2: Estimate;
  /** Per point, highest frequency first: (Z − Z_fit)/|Z| for Re and Im. */
  residuals: { frequency: number[]; real: number[]; imag: number[] };
  converged: boolean;
  status: 'converged' | 'not-converged' | 'at-bound';
  iterations: number;
  method: string;
  weighting: Weighting;
  /** Points fitted (after cleaning) and degrees of freedom 2N − p. */
  nPoints: number;
  dof: number;
  startsTried: number;
  /**
   * Series (ohmic) resistance: R of the circuit's first element when that is a series R, else
   * the high-frequency limit Re Z(ω → ∞) of the fitted model.
   */
  rOhm: Estimate;
  /** Sum of the resistances inside parallel blocks (charge transfer/interfacial); absent if none. */
  rCt?: Estimate;
}

export type FitResult = Result<FitValues>;

/** Fits an equivalent circuit to an impedance spectrum; never throws (see the header for when a result is good). */
export function fitCircuit(spec: FitSpec): FitResult {
  return guarded('fitCircuit', () => runFit(spec));
}

const DEFAULT_AUTO_STARTS = 12;

function runFit(spec: FitSpec): FitResult {
  if (!spec || typeof spec !== 'object') return failure('no fit specification given: expected { circuit, frequency, zReal, zImag }');
  const parsed = parseCircuit(spec.circuit);
  if (!parsed.ok) {
    return failure(`circuit '${String(spec.circuit)}': ${parsed.errors.map((e) => `${e.message} (at offset ${e.offset})`).join('; ')}`);
  }
  const circuit = parsed.circuit;
  const weighting: Weighting = spec.weighting ?? 'modulus';
  if (!['unit', 'modulus', 'proportional'].includes(weighting)) return failure(`weighting must be 'unit', 'modulus' or 'proportional' (got ${String(weighting)})`);
  const hasL = circuit.elements.some((e) => e.type === 'L');
  const prep = prepareSpectrum(spec.frequency, spec.zReal, spec.zImag, {
    dropInductive: spec.dropInductive,
    inductiveNote: hasL ? 'the circuit has an inductor for them' : 'the circuit has no inductor, so they pull the fit',
  });
  if ('error' in prep) return failure(prep.error, prep.warnings);
  const warnings = prep.warnings;
  const P = circuit.parameters.length;
  const index = new Map(circuit.parameters.map((p, i) => [p.name, i]));
  const known = circuit.parameters.map((p) => p.name).join(', ');

  // Fixed parameters.
  const fixedVal = new Array<number | undefined>(P).fill(undefined);
  for (const [name, v] of Object.entries(spec.fixed ?? {})) {
    const i = index.get(name);
    if (i === undefined) return failure(`fixed: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`, warnings);
    if (typeof v !== 'number' || !Number.isFinite(v)) return failure(`fixed: ${name} must be a finite number (got ${String(v)})`, warnings);
    fixedVal[i] = v;
  }
  const free = circuit.parameters.map((_, i) => i).filter((i) => fixedVal[i] === undefined);
  const nFree = free.length;

  // Bounds.
  const defaultHi = circuit.parameters.map((p) => (p.type === 'CPE' && p.index === 1 ? 1 : Infinity));
  const lo = circuit.parameters.map(() => 0), hi = [...defaultHi];
  if (spec.bounds !== undefined) {
    const b = spec.bounds;
    if (Array.isArray(b)) {
      const [lb, ub] = b as readonly [readonly number[], readonly number[]];
      if (!Array.isArray(lb) || !Array.isArray(ub) || lb.length !== nFree || ub.length !== nFree) {
        return failure(`bounds as [lower[], upper[]] need ${nFree} values each (the free parameters ${free.map((i) => circuit.parameters[i].name).join(', ')})`, warnings);
      }
      free.forEach((i, j) => { lo[i] = lb[j]; hi[i] = ub[j]; });
    } else if (typeof b === 'object' && b !== null) {
      for (const [name, pair] of Object.entries(b as Record<string, readonly [number, number]>)) {
        const i = index.get(name);
        if (i === undefined) return failure(`bounds: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`, warnings);
        if (!Array.isArray(pair) || pair.length !== 2) return failure(`bounds: ${name} must be [lower, upper]`, warnings);
        lo[i] = pair[0]; hi[i] = pair[1];
      }
    } else return failure('bounds must be a record { name: [lower, upper] } or [lower[], upper[]]', warnings);
    for (let i = 0; i < P; i++) {
      if (typeof lo[i] !== 'number' || typeof hi[i] !== 'number' || Number.isNaN(lo[i]) || Number.isNaN(hi[i]) || !(lo[i] < hi[i])) {
        return failure(`bounds of ${circuit.parameters[i].name} must be numbers with lower < upper (got [${lo[i]}, ${hi[i]}])`, warnings);
      }
    }
  }

  const N = prep.frequency.length;
  const needed = Math.max(5, nFree + 1);
  if (N < needed) {
    return failure(`${N} usable point${N === 1 ? '' : 's'} for ${nFree} free parameter${nFree === 1 ? '' : 's'} of ${circuit.source}: at least ${needed} needed`, warnings);
  }

  // The data, weights and residual function.
  const omega = Float64Array.from(prep.frequency, (f) => 2 * Math.PI * f);
  const zr = prep.re, zi = prep.im;
  const wr = new Float64Array(N), wi = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const mod = Math.hypot(zr[k], zi[k]) || 1;
    if (weighting === 'unit') { wr[k] = 1; wi[k] = 1; }
    else if (weighting === 'modulus') { wr[k] = 1 / mod; wi[k] = 1 / mod; }
    else { wr[k] = 1 / Math.max(Math.abs(zr[k]), 0.01 * mod); wi[k] = 1 / Math.max(Math.abs(zi[k]), 0.01 * mod); }
  }
  const evaluate = compileCircuit(circuit);
  const mr = new Float64Array(N), mi = new Float64Array(N);
  const residualsAt = (p: ArrayLike<number>, out: Float64Array): void => {
    evaluate(p, omega, mr, mi);
    for (let k = 0; k < N; k++) { out[k] = (mr[k] - zr[k]) * wr[k]; out[N + k] = (mi[k] - zi[k]) * wi[k]; }
  };
  const rbuf = new Float64Array(2 * N);
  const ssrAt = (p: ArrayLike<number>): number => {
    residualsAt(p, rbuf);
    let s = 0;
    for (let k = 0; k < 2 * N; k++) s += rbuf[k] * rbuf[k];
    return Number.isFinite(s) ? s : Infinity;
  };
  const full = (freeValues: ArrayLike<number>): Float64Array => {
    const p = new Float64Array(P);
    for (let i = 0; i < P; i++) p[i] = fixedVal[i] ?? NaN;
    free.forEach((i, j) => { p[i] = freeValues[j]; });
    return p;
  };

  // Starting points (free parameters only).
  let auto: { starts: number[][]; note: string } | undefined;
  const autoFor = (count: number) => (auto && auto.starts.length >= count ? auto : (auto = autoGuesses(circuit, { omega, re: zr, im: zi }, count)));
  let starts: number[][];
  let startNote: string;
  const given = spec.initialGuess;
  if (given !== undefined) {
    let guess: number[];
    if (Array.isArray(given)) {
      if (given.length === nFree) guess = [...given];
      else if (given.length === P) guess = free.map((i) => (given as number[])[i]);
      else return failure(`initialGuess has ${given.length} values; ${circuit.source} has ${P} parameters (${known})${nFree < P ? `, ${nFree} of them free` : ''}`, warnings);
    } else if (typeof given === 'object' && given !== null) {
      const rec = given as Record<string, number>;
      for (const name of Object.keys(rec)) {
        if (!index.has(name)) return failure(`initialGuess: '${name}' is not a parameter of ${circuit.source} (its parameters: ${known})`, warnings);
      }
      const a = autoFor(1).starts[0];
      guess = free.map((i) => (circuit.parameters[i].name in rec ? rec[circuit.parameters[i].name] : a[i]));
    } else return failure('initialGuess must be an array of numbers or a record by parameter name', warnings);
    const bad = guess.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) return failure(`initialGuess: ${circuit.parameters[free[bad]].name} must be a finite number (got ${String(guess[bad])})`, warnings);
    const count = positiveInt(spec.starts, 1);
    starts = [guess];
    const rand = gaussian(12345);
    for (let s = 1; s < count; s++) {
      starts.push(guess.map((v, j) => {
        const i = free[j];
        return lo[i] >= 0 ? v * Math.exp(0.7 * rand()) : v + 0.2 * Math.abs(v) * rand();
      }));
    }
    startNote = count > 1 ? `the given initial guess and ${count - 1} perturbed cop${count > 2 ? 'ies' : 'y'}` : 'the given initial guess';
  } else {
    const count = positiveInt(spec.starts, DEFAULT_AUTO_STARTS);
    const a = autoFor(count);
    starts = a.starts.map((p) => free.map((i) => p[i]));
    startNote = `${starts.length} automatic start${starts.length > 1 ? 's' : ''} (${a.note})`;
  }
  // Clip starting values into the bounds; a log parameter must start above its bound.
  let clipped = false;
  for (const s of starts) {
    free.forEach((i, j) => {
      let v = s[j];
      if (lo[i] >= 0 && !(v > lo[i])) {
        v = Number.isFinite(hi[i]) ? (lo[i] > 0 ? Math.sqrt(lo[i] * hi[i]) : (lo[i] + hi[i]) / 2) : lo[i] > 0 ? lo[i] * 10 : autoFor(1).starts[0][i];
        if (!(v > lo[i])) v = lo[i] + 1;
      }
      v = Math.min(Math.max(v, lo[i]), hi[i]);
      if (v !== s[j]) { clipped = true; s[j] = v; }
    });
  }
  if (clipped && given !== undefined) warnings.push('Some starting values were outside their bounds (or at a lower bound of a positive parameter) and were moved inside.');

  // The transformation θ ↔ p.
  const isLog = free.map((i) => lo[i] >= 0);
  const toTheta = (p: number[]): Float64Array => Float64Array.from(p, (v, j) => (isLog[j] ? Math.log(v) : v));
  const toP = (t: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(nFree);
    for (let j = 0; j < nFree; j++) out[j] = isLog[j] ? Math.exp(t[j]) : t[j];
    return out;
  };
  const maxIterations = positiveInt(spec.maxIterations, 400);
  const pBuf = new Float64Array(P);
  for (let i = 0; i < P; i++) pBuf[i] = fixedVal[i] ?? NaN;
  const problemFor = (start: number[]) => {
    const lower = new Float64Array(nFree), upper = new Float64Array(nFree);
    free.forEach((i, j) => {
      if (isLog[j]) {
        lower[j] = Math.log(lo[i] > 0 ? lo[i] : Math.abs(start[j]) * 1e-12);
        upper[j] = Math.log(hi[i]);
      } else { lower[j] = lo[i]; upper[j] = hi[i]; }
    });
    return {
      m: 2 * N, lower, upper,
      residuals: (t: Float64Array, out: Float64Array): void => {
        for (let j = 0; j < nFree; j++) pBuf[free[j]] = isLog[j] ? Math.exp(t[j]) : t[j];
        residualsAt(pBuf, out);
      },
    };
  };

  // Run: every start briefly, then the best few to convergence.
  interface Run { start: number[]; lm: LMResult; iterations: number }
  let runs: Run[];
  if (nFree === 0) {
    runs = [];
  } else if (starts.length === 1) {
    const lm = levenbergMarquardt(problemFor(starts[0]), toTheta(starts[0]), { maxIterations });
    runs = [{ start: starts[0], lm, iterations: lm.iterations }];
  } else {
    const first = Math.min(30, maxIterations);
    runs = starts.map((s) => {
      const lm = levenbergMarquardt(problemFor(s), toTheta(s), { maxIterations: first });
      return { start: s, lm, iterations: lm.iterations };
    });
    runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
    for (const r of runs.slice(0, 3)) {
      if (r.lm.converged || !Number.isFinite(r.lm.ssr) || maxIterations <= first) continue;
      const lm = levenbergMarquardt(problemFor(r.start), r.lm.x, { maxIterations: maxIterations - first });
      r.lm = lm;
      r.iterations += lm.iterations;
    }
    runs.sort((a, b) => a.lm.ssr - b.lm.ssr);
  }
  const best = runs[0];
  if (nFree > 0 && !best) return failure('no starting point could be formed for the fit', warnings);
  if (best && !Number.isFinite(best.lm.ssr)) {
    return failure(`the model ${circuit.source} could not be evaluated at any starting point (the impedance was not finite)`, warnings);
  }
  const pFree = best ? toP(best.lm.x) : new Float64Array(0);
  const p = full(pFree);
  const ssr = ssrAt(p);
  let converged = best ? best.lm.converged : true;
  let status: FitValues['status'] = converged ? 'converged' : 'not-converged';
  const iterations = best ? best.iterations : 0;

  // Bounds reached: held there by the projection, or indistinguishable from the bound (moving the
  // parameter onto it changes χ² by < 1 part in 10⁶, or changes Z by < 0.01 % of |Z| anywhere).
  const atBound: ('lower' | 'upper' | undefined)[] = new Array(P).fill(undefined);
  const held = new Array<boolean>(P).fill(false);
  const fitRe = new Float64Array(N), fitIm = new Float64Array(N);
  evaluate(p, omega, fitRe, fitIm);
  const same = (probe: Float64Array): boolean => {
    const s2 = ssrAt(probe); // leaves the probe's Z in mr, mi
    if (Number.isFinite(s2) && s2 <= ssr * (1 + 1e-6)) return true;
    let worst = 0;
    for (let k = 0; k < N; k++) worst = Math.max(worst, Math.hypot(mr[k] - fitRe[k], mi[k] - fitIm[k]) / (Math.hypot(zr[k], zi[k]) || 1));
    return Number.isFinite(worst) && worst < 1e-4;
  };
  free.forEach((i, j) => {
    if (!best) return;
    const prob = problemFor(best.start);
    const t = best.lm.x[j];
    const probe = Float64Array.from(p);
    if (t <= prob.lower[j] + 1e-9 || p[i] <= lo[i]) { atBound[i] = 'lower'; held[i] = true; return; }
    if (t >= prob.upper[j] - 1e-9 || p[i] >= hi[i]) { atBound[i] = 'upper'; held[i] = true; return; }
    if (Number.isFinite(lo[i])) { probe[i] = lo[i]; if (same(probe)) { atBound[i] = 'lower'; return; } probe[i] = p[i]; }
    if (!Number.isFinite(hi[i]) && p[i] > 0) { probe[i] = p[i] * 1e3; if (same(probe)) atBound[i] = 'upper'; }
  });
  // Interchangeable arcs (top-level R‖C or R‖CPE blocks of the same kind) are reported in order of
  // increasing time constant, the high-frequency arc first: swapping them leaves Z unchanged.
  for (const perm of arcOrder(circuit, p, (i) => fixedVal[i] !== undefined || lo[i] !== 0 || hi[i] !== defaultHi[i])) {
    const pv = Float64Array.from(p), ab = [...atBound];
    const hb = [...held];
    for (const [to, from] of perm) { p[to] = pv[from]; atBound[to] = ab[from]; held[to] = hb[from]; }
  }
  const isKey = (i: number): boolean => !(circuit.parameters[i].type === 'CPE' && circuit.parameters[i].index === 1 && atBound[i] === 'upper');
  const keyAtBound = free.filter((i) => atBound[i] && isKey(i));
  if (converged && keyAtBound.length > 0) { converged = false; status = 'at-bound'; }

  // Standard errors: σ²·(JᵀJ)⁻¹ over the free parameters not at a bound, σ² = χ²/(2N − p).
  const dof = 2 * N - nFree;
  const covIdx = free.filter((i) => !atBound[i]);
  let cov: Float64Array | undefined;
  let covNote = '';
  if (converged || status === 'at-bound') {
    if (dof > 0 && covIdx.length > 0) {
      const cols = covIdx.map((i) => {
        const h = 1e-6 * Math.max(Math.abs(p[i]), 1e-300);
        const a = Float64Array.from(p), b = Float64Array.from(p);
        a[i] += h; b[i] -= h;
        const ra = new Float64Array(2 * N), rb = new Float64Array(2 * N);
        residualsAt(a, ra); residualsAt(b, rb);
        return ra.map((v, k) => (v - rb[k]) / (2 * h));
      });
      const inv = inverseNormal(cols);
      if (inv) {
        const s2 = ssr / dof;
        cov = inv.map((v) => v * s2);
      } else covNote = 'The data do not determine every parameter (the Jacobian is singular at the optimum: a parameter has no effect, or two trade off exactly); standard errors are left out.';
    }
  }
  if (covNote) warnings.push(covNote);
  const stderrOf = (i: number): number | undefined => {
    if (!cov) return undefined;
    const k = covIdx.indexOf(i);
    return k < 0 ? undefined : Math.sqrt(Math.max(cov[k * covIdx.length + k], 0));
  };
  /** Standard error of a derived quantity q(p) by the gradient (central differences). */
  const propagate = (q: (pp: Float64Array) => number): number | undefined => {
    if (!cov) return undefined;
    const g = covIdx.map((i) => {
      const h = 1e-6 * Math.max(Math.abs(p[i]), 1e-300);
      const a = Float64Array.from(p), b = Float64Array.from(p);
      a[i] += h; b[i] -= h;
      return (q(a) - q(b)) / (2 * h);
    });
    let v = 0;
    for (let a = 0; a < g.length; a++) for (let b = 0; b < g.length; b++) v += g[a] * g[b] * cov[a * g.length + b];
    return Math.sqrt(Math.max(v, 0));
  };

  const parameters: FittedParameter[] = circuit.parameters.map((info, i) => {
    const fixed = fixedVal[i] !== undefined;
    const out: FittedParameter = {
      name: info.name, unit: info.unit, description: info.description,
      value: est(p[i], info.unit, fixed ? undefined : stderrOf(i)), fixed, atBound: atBound[i] !== undefined,
    };
    if (atBound[i]) out.bound = atBound[i];
    return out;
  });

  // Statistics and residuals.
  evaluate(p, omega, mr, mi);
  let sq = 0;
  const resRe: number[] = [], resIm: number[] = [];
  let relSq = 0;
  for (let k = 0; k < N; k++) {
    const dr = zr[k] - mr[k], di = zi[k] - mi[k], mod = Math.hypot(zr[k], zi[k]) || 1;
    sq += dr * dr + di * di;
    resRe.push(dr / mod); resIm.push(di / mod);
    relSq += (dr * dr + di * di) / (mod * mod);
  }
  const rmse = Math.sqrt(sq / N);
  const relRms = Math.sqrt(relSq / (2 * N));

  // Warnings, most serious first.
  const lead: string[] = [];
  if (best && !best.lm.converged) {
    lead.push(`The fit did not converge within ${maxIterations} iterations (${best.lm.reason}): the values are the last iterate, not an optimum, and carry no standard errors; do not report them as fitted.`);
  }
  if (keyAtBound.length > 0) {
    const bound = (i: number): string => `${atBound[i] === 'lower' ? formatNumber(lo[i]) : Number.isFinite(hi[i]) ? formatNumber(hi[i]) : '∞'}${circuit.parameters[i].unit ? ' ' + circuit.parameters[i].unit : ''}`;
    const list = keyAtBound.map((i) => held[i]
      ? `${circuit.parameters[i].name} is at its ${atBound[i]} bound (${bound(i)})`
      : `${circuit.parameters[i].name} (${formatNumber(p[i])}${circuit.parameters[i].unit ? ' ' + circuit.parameters[i].unit : ''}) can move to its ${atBound[i]} bound (${bound(i)}) without changing the fit`);
    lead.push(`${list.join('; ')}: the data do not support ${keyAtBound.length > 1 ? 'these elements' : 'this element'} (or the bounds exclude the optimum), so the fit is reported as not converged; simplify the circuit or widen the bounds.`);
  }
  const alphaAtOne = free.filter((i) => atBound[i] && !isKey(i)).map((i) => circuit.parameters[i].name);
  if (alphaAtOne.length) warnings.push(`${alphaAtOne.join(', ')} reached 1 (an ideal capacitor); ${alphaAtOne.length > 1 ? 'they carry' : 'it carries'} no standard error.`);
  if (converged && relRms > 0.05) warnings.push(`The fit leaves residuals of ${formatNumber(relRms * 100, 2)} % of |Z| (RMS): ${circuit.source} does not describe this spectrum well.`);
  for (const i of covIdx) {
    const se = stderrOf(i);
    if (se !== undefined && se > Math.abs(p[i])) {
      const u = circuit.parameters[i].unit ? ` ${circuit.parameters[i].unit}` : '';
      warnings.push(`${circuit.parameters[i].name} is poorly determined (${formatNumber(p[i])} ± ${formatNumber(se)}${u}: not significantly different from 0); the element may be unnecessary or the data may not reach its frequency range.`);
    }
  }

  // rOhm and rCt.
  const root = circuit.root;
  const firstR = root.kind === 'element' && root.type === 'R' ? root
    : root.kind === 'series' && root.children[0].kind === 'element' && root.children[0].type === 'R' ? root.children[0] : undefined;
  const hf = (pp: Float64Array): number => highFrequencyLimit(circuit, pp, omega[0], evaluate);
  const rOhm: Estimate = firstR
    ? est(p[firstR.firstParam], 'Ω', fixedVal[firstR.firstParam] === undefined ? stderrOf(firstR.firstParam) : undefined)
    : est(hf(p), 'Ω', propagate(hf));
  const ctIdx = resistorsInParallel(circuit.root);
  let rCt: Estimate | undefined;
  if (ctIdx.length > 0) {
    const sum = (pp: Float64Array): number => ctIdx.reduce((s, i) => s + pp[i], 0);
    rCt = est(sum(p), 'Ω', propagate(sum));
  }

  // Preview: data and fit in the Nyquist plane, residuals against frequency.
  const decades = Math.log10(omega[0] / omega[N - 1]);
  const nFit = Math.max(100, Math.ceil(decades * 20) + 1);
  const wFit = Float64Array.from({ length: nFit }, (_, k) => omega[0] * (omega[N - 1] / omega[0]) ** (k / (nFit - 1)));
  const fr = new Float64Array(nFit), fi = new Float64Array(nFit);
  evaluate(p, wFit, fr, fi);
  const freq = Array.from(prep.frequency);
  const points = [
    series('spectrum', 'markers', 'Ω', 'Ω', { x: Array.from(zr), y: Array.from(zi, (v) => -v) }),
    series(`fit ${circuit.source}`, 'line', 'Ω', 'Ω', { x: Array.from(fr), y: Array.from(fi, (v) => -v) }),
    series('residual Re (relative to |Z|)', 'markers', 'Hz', '', { x: freq, y: resRe }),
    series('residual Im (relative to |Z|)', 'markers', 'Hz', '', { x: freq, y: resIm }),
  ];

  const method = `complex nonlinear least squares (Re and Im together), Levenberg–Marquardt with box bounds (ln p for positive parameters, projection), ${weighting} weighting`;
  const chi2Unit = weighting === 'unit' ? 'Ω²' : '';
  const derivation = nFree === 0
    ? `Every parameter of ${circuit.source} is fixed: the model was evaluated at ${N} points, χ² = ${formatNumber(ssr)}.`
    : `${circuit.source} fitted to ${N} points (${formatNumber(prep.frequency[N - 1])}–${formatNumber(prep.frequency[0])} Hz) by ${method}, from ${startNote}; best χ² = ${formatNumber(ssr)}${chi2Unit ? ' ' + chi2Unit : ''}, RMSE ${formatNumber(rmse)} Ω (${formatNumber(relRms * 100, 2)} % of |Z|), ${status === 'converged' ? `converged after ${iterations} iterations` : status === 'at-bound' ? `stopped with a parameter at a bound after ${iterations} iterations` : `not converged after ${iterations} iterations`}; standard errors from σ²(JᵀJ)⁻¹ with σ² = χ²/(2N − p) = χ²/${dof}.`;

  const values: FitValues = {
    circuit: circuit.source, parameters,
    rmse: est(rmse, 'Ω'), chi2: est(ssr, chi2Unit),
    residuals: { frequency: freq, real: resRe, imag: resIm },
    converged, status, iterations, method, weighting, nPoints: N, dof, startsTried: runs.length,
    rOhm, ...(rCt ? { rCt } : {}),
  };
  return { ok: true, ...values, derivation, warnings: [...lead, ...warnings], points };
}

/** The R‖C and R‖CPE blocks directly in the top-level series, as [R index, C/Q index, kind]. */
function simpleArcs(circuit: Circuit): { r: number; c: number; kind: 'C' | 'CPE' }[] {
  const root = circuit.root;
  const blocks = root.kind === 'series' ? root.children : [root];
  const out: { r: number; c: number; kind: 'C' | 'CPE' }[] = [];
  for (const b of blocks) {
    if (b.kind !== 'parallel' || b.children.length !== 2) continue;
    const [x, y] = b.children;
    if (x.kind !== 'element' || y.kind !== 'element') continue;
    const r = x.type === 'R' ? x : y.type === 'R' ? y : undefined;
    const c = r === x ? y : x;
    if (!r || (c.type !== 'C' && c.type !== 'CPE')) continue;
    out.push({ r: r.firstParam, c: c.firstParam, kind: c.type });
  }
  return out;
}

/**
 * For each kind of simple arc with two or more blocks, the reassignment [to, from] of parameter
 * indices that sorts them by time constant (RC, or (RQ)^(1/α)); none if any of them is fixed or
 * has its own bounds (`pinned`).
 */
function arcOrder(circuit: Circuit, p: Float64Array, pinned: (i: number) => boolean): [number, number][][] {
  const arcs = simpleArcs(circuit);
  const out: [number, number][][] = [];
  for (const kind of ['C', 'CPE'] as const) {
    const group = arcs.filter((a) => a.kind === kind);
    if (group.length < 2) continue;
    const idx = (a: { r: number; c: number }): number[] => (kind === 'C' ? [a.r, a.c] : [a.r, a.c, a.c + 1]);
    if (group.some((a) => idx(a).some(pinned))) continue;
    const tau = (a: { r: number; c: number }): number => (kind === 'C' ? p[a.r] * p[a.c] : (p[a.r] * p[a.c]) ** (1 / p[a.c + 1]));
    const sorted = [...group].sort((a, b) => tau(a) - tau(b));
    const perm: [number, number][] = [];
    group.forEach((slot, k) => { const src = idx(sorted[k]); idx(slot).forEach((to, q) => perm.push([to, src[q]])); });
    if (perm.some(([to, from]) => to !== from)) out.push(perm);
  }
  return out;
}

/** Indices of the R parameters inside any parallel block. */
function resistorsInParallel(root: CircuitNode): number[] {
  const out: number[] = [];
  const walk = (n: CircuitNode, inside: boolean): void => {
    if (n.kind === 'element') { if (inside && n.type === 'R') out.push(n.firstParam); return; }
    n.children.forEach((c) => walk(c, inside || n.kind === 'parallel'));
  };
  walk(root, false);
  return out;
}

/**
 * Re Z(ω → ∞): capacitors, CPEs (α > 0) and Warburgs short, inductors open, resistors stay. An
 * all-open parallel block (only inductive branches) falls back to Re Z at 10⁶ × the highest
 * measured ω.
 */
export function highFrequencyLimit(circuit: Circuit, p: ArrayLike<number>, wMax: number, evaluate = compileCircuit(circuit)): number {
  let fallback = false;
  const lim = (n: CircuitNode): { re: number; open: boolean } => {
    if (n.kind === 'element') {
      const v = p[n.firstParam];
      switch (n.type) {
        case 'R': return { re: v, open: false };
        case 'L': return { re: 0, open: true };
        case 'CPE': return { re: p[n.firstParam + 1] > 0 ? 0 : 1 / v, open: false };
        default: return { re: 0, open: false };
      }
    }
    const kids = n.children.map(lim);
    if (n.kind === 'series') return { re: kids.reduce((s, k) => s + k.re, 0), open: kids.some((k) => k.open) };
    const closed = kids.filter((k) => !k.open);
    if (closed.length === 0) { fallback = true; return { re: 0, open: true }; }
    if (closed.some((k) => k.re === 0)) return { re: 0, open: false };
    return { re: 1 / closed.reduce((s, k) => s + 1 / k.re, 0), open: false };
  };
  const r = lim(circuit.root);
  if (!fallback) return r.re;
  const re = new Float64Array(1), im = new Float64Array(1);
  evaluate(p, [wMax * 1e6], re, im);
  return re[0];
}

/** A count option: a finite number ≥ 1 (rounded down), else the default. */
function positiveInt(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(1, Math.floor(v)) : fallback;
}

/** Seeded standard normal deviates (mulberry32 + Box–Muller), for reproducible perturbed starts. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

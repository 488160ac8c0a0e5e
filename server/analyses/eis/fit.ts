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
// to 0.01 % of |Z| at every frequency: the data cannot tell it from the bound. A fit that did not
// converge is still returned (ok: true) so the preview can show what happened, but with
// `converged: false`, `status` saying why, a warning first in the list, and no standard errors:
// callers must not present it as a fitted result. A converged fit may still hold parameters the
// data do not determine (R0 and an arc above the highest frequency trade off): each free parameter
// says whether they do (`determined`, from its correlations and relative standard error), the
// correlation matrix is reported, and a warning names them with what to try (fitAdvice.ts). A
// parameter that diverges (exp(θ) overflows, or it ran towards ∞ until the data no longer feel it)
// fails the fit with its name.
//
// The stages, one file each: fitChecks.ts (the specification checked, fixed and free parameters,
// bounds), fitStarts.ts (starting values), fitSolve.ts (multi-start Levenberg–Marquardt, lm.ts, on
// the weighted residuals of fitModel.ts, their Jacobian in closed form from circuitModel.ts),
// fitOptimum.ts (bounds reached, arcs in order, status), fitUncertainty.ts (covariance,
// correlations, standard errors), fitVerdict.ts (divergence, warnings, statistics, whether the
// data determine each parameter, preview, derivation; the summary resistances in
// fitResistances.ts, the remedies in fitAdvice.ts).
import { Estimate, Result, Samples, failure, guarded } from '../common';
import { checkFit } from './fitChecks';
import { thetaTransform, weightedModel } from './fitModel';
import { optimumOf } from './fitOptimum';
import { solveFromStarts } from './fitSolve';
import { positiveInt, startingValues } from './fitStarts';
import { uncertaintyOf } from './fitUncertainty';
import { divergence, verdict } from './fitVerdict';

export { highFrequencyLimit } from './fitResistances';

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
  /**
   * Whether the data determine this free parameter (absent for a fixed one, and for a fit without
   * a covariance that stopped short of an optimum): false when it ended at a bound, when its
   * correlation with another parameter exceeds 0.99 in magnitude, when its standard error exceeds
   * half its value, or when JᵀJ is singular in its direction. Its standard error then hides that
   * its value is not a property of the cell.
   */
  determined?: boolean;
  /** Why it is not determined, as a predicate of its name ("trades off with R1 (r = -0.9986)"). */
  why?: string;
}

/** Correlation matrix of the parameters in the covariance (the free ones not at a bound). */
export interface FitCorrelations {
  parameters: string[];
  /** matrix[a][b] = cov_ab / (σ_a σ_b), in the order of `parameters`. */
  matrix: number[][];
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
  /** Whether the data determine rOhm (its parameter's flag, or its standard error within half its value). */
  rOhmDetermined: boolean;
  /** Sum of the resistances inside parallel blocks (charge transfer/interfacial); absent if none. */
  rCt?: Estimate;
  /** Parameter correlations, when a covariance could be formed. */
  correlations?: FitCorrelations;
  /** Why the fit is not converged, and what to try, in words (absent when converged). */
  statusNote?: string;
  /** rOhm + rCt with the standard error of the sum: the bulk + grain-boundary R_b of an ion-blocking cell; absent without parallel blocks (R_b is then rOhm). */
  rTotal?: Estimate;
}

export type FitResult = Result<FitValues>;

/** Fits an equivalent circuit to an impedance spectrum; never throws (see the header for when a result is good). */
export function fitCircuit(spec: FitSpec): FitResult {
  return guarded('the circuit fit', () => runFit(spec));
}

const DEFAULT_MAX_ITERATIONS = 400;

function runFit(spec: FitSpec): FitResult {
  const setup = checkFit(spec);
  if ('error' in setup) return failure(setup.error, setup.warnings);
  const { circuit, free, warnings } = setup;
  const model = weightedModel(setup);
  const starts = startingValues(spec, setup, model);
  if (typeof starts === 'string') return failure(starts, warnings);

  const theta = thetaTransform(setup, model);
  const maxIterations = positiveInt(spec.maxIterations, DEFAULT_MAX_ITERATIONS);
  const runs = solveFromStarts(free.length, theta, starts.starts, maxIterations);
  const best = runs[0];
  if (free.length > 0 && !best) return failure('no starting point could be formed for the fit', warnings);
  if (best && !Number.isFinite(best.lm.ssr)) {
    return failure(`the model ${circuit.source} could not be evaluated at any starting point (the impedance was not finite)`, warnings);
  }

  const diverged = best ? divergence(setup, model, theta.toP(best.lm.x), best.start) : undefined;
  if (diverged) return failure(diverged, warnings);
  const opt = optimumOf(setup, model, theta, best);
  const u = uncertaintyOf(setup, model, opt);
  return verdict(setup, model, { starts, runs, maxIterations, opt, u });
}

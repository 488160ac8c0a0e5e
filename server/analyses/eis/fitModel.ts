// The circuit fit's objective (fit.ts): weighted residuals of the model against the spectrum, and
// the transformation θ = ln p of the positive parameters in which Levenberg–Marquardt works.
import { CircuitEvaluator, compileCircuit, compileCircuitDerivatives } from './circuitModel';
import type { FitSetup } from './fitChecks';
import { LMProblem } from './lm';

export interface FitModel {
  N: number;
  omega: Float64Array; // rad/s, highest first
  zr: Float64Array;
  zi: Float64Array;
  /** ‖z‖ in the weights: √Σ (zr·wr)² + (zi·wi)², the scale the weighted residuals are measured against. */
  dataNorm: number;
  evaluate: CircuitEvaluator;
  /** Z of the last parameters passed to residualsAt or ssrAt (scratch). */
  mr: Float64Array;
  mi: Float64Array;
  /** Weighted residuals at the full parameter vector p: Re in out[0, N), Im in out[N, 2N). */
  residualsAt(p: ArrayLike<number>, out: Float64Array): void;
  /** Weighted sum of squares at p (Infinity where not finite). */
  ssrAt(p: ArrayLike<number>): number;
  /**
   * J[j] ← scale[j] · ∂r/∂p_idx[j] of the weighted residuals at p (Re rows, then Im), from the
   * circuit's closed-form derivatives. False where they do not apply or a value is not finite
   * (J is then partly written): the caller differentiates numerically.
   */
  jacobianAt(p: ArrayLike<number>, idx: readonly number[], scale: ArrayLike<number>, J: Float64Array[]): boolean;
  /** The full parameter vector from the free values (fixed ones filled in). */
  full(freeValues: ArrayLike<number>): Float64Array;
}

/** Weights of the Re and Im residuals (see FitSpec.weighting). */
function weights(s: FitSetup): { wr: Float64Array; wi: Float64Array } {
  const { re: zr, im: zi } = s.spectrum, N = zr.length;
  const wr = new Float64Array(N), wi = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const mod = Math.hypot(zr[k], zi[k]) || 1;
    if (s.weighting === 'unit') { wr[k] = 1; wi[k] = 1; }
    else if (s.weighting === 'modulus') { wr[k] = 1 / mod; wi[k] = 1 / mod; }
    else { wr[k] = 1 / Math.max(Math.abs(zr[k]), 0.01 * mod); wi[k] = 1 / Math.max(Math.abs(zi[k]), 0.01 * mod); }
  }
  return { wr, wi };
}

export function weightedModel(s: FitSetup): FitModel {
  const N = s.spectrum.frequency.length, P = s.circuit.parameters.length;
  const omega = Float64Array.from(s.spectrum.frequency, (f) => 2 * Math.PI * f);
  const zr = s.spectrum.re, zi = s.spectrum.im;
  const { wr, wi } = weights(s);
  let dataSq = 0;
  for (let k = 0; k < N; k++) dataSq += (zr[k] * wr[k]) ** 2 + (zi[k] * wi[k]) ** 2;
  const evaluate = compileCircuit(s.circuit);
  const mr = new Float64Array(N), mi = new Float64Array(N);
  const residualsAt = (p: ArrayLike<number>, out: Float64Array): void => {
    evaluate(p, omega, mr, mi);
    for (let k = 0; k < N; k++) { out[k] = (mr[k] - zr[k]) * wr[k]; out[N + k] = (mi[k] - zi[k]) * wi[k]; }
  };
  const rbuf = new Float64Array(2 * N);
  const ssrAt = (p: ArrayLike<number>): number => {
    residualsAt(p, rbuf);
    let ssr = 0;
    for (let k = 0; k < 2 * N; k++) ssr += rbuf[k] * rbuf[k];
    return Number.isFinite(ssr) ? ssr : Infinity;
  };
  const derivatives = compileCircuitDerivatives(s.circuit);
  const dr = new Float64Array(N), di = new Float64Array(N);
  const dRe = Array.from({ length: P }, () => new Float64Array(N)), dIm = Array.from({ length: P }, () => new Float64Array(N));
  const jacobianAt = (p: ArrayLike<number>, idx: readonly number[], scale: ArrayLike<number>, J: Float64Array[]): boolean => {
    if (!derivatives(p, omega, dr, di, dRe, dIm)) return false;
    let check = 0;
    for (let j = 0; j < idx.length; j++) {
      const cr = dRe[idx[j]], ci = dIm[idx[j]], col = J[j], c = scale[j];
      for (let k = 0; k < N; k++) {
        const u = cr[k] * wr[k] * c, v = ci[k] * wi[k] * c;
        col[k] = u; col[N + k] = v;
        check += u * 0 + v * 0; // NaN once an entry is not finite
      }
    }
    return check === 0;
  };
  const full = (freeValues: ArrayLike<number>): Float64Array => {
    const p = new Float64Array(P);
    for (let i = 0; i < P; i++) p[i] = s.fixedVal[i] ?? NaN;
    s.free.forEach((i, j) => { p[i] = freeValues[j]; });
    return p;
  };
  return { N, omega, zr, zi, dataNorm: Math.sqrt(dataSq), evaluate, mr, mi, residualsAt, ssrAt, jacobianAt, full };
}

/** The free parameters in θ: ln p where the lower bound is ≥ 0, p itself otherwise. */
export interface ThetaTransform {
  toTheta(p: number[]): Float64Array;
  toP(t: ArrayLike<number>): Float64Array;
  /** The least-squares problem in θ from a start (a lower bound of 0 becomes ln(10⁻¹² |start|)). */
  problemFor(start: number[]): LMProblem;
}

export function thetaTransform(s: FitSetup, model: FitModel): ThetaTransform {
  const { free, lo, hi } = s, nFree = free.length, P = s.circuit.parameters.length;
  const isLog = free.map((i) => lo[i] >= 0);
  const toTheta = (p: number[]): Float64Array => Float64Array.from(p, (v, j) => (isLog[j] ? Math.log(v) : v));
  const toP = (t: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(nFree);
    for (let j = 0; j < nFree; j++) out[j] = isLog[j] ? Math.exp(t[j]) : t[j];
    return out;
  };
  const pBuf = new Float64Array(P), scale = new Float64Array(nFree);
  for (let i = 0; i < P; i++) pBuf[i] = s.fixedVal[i] ?? NaN;
  const problemFor = (start: number[]): LMProblem => {
    const lower = new Float64Array(nFree), upper = new Float64Array(nFree);
    free.forEach((i, j) => {
      if (isLog[j]) {
        lower[j] = Math.log(lo[i] > 0 ? lo[i] : Math.abs(start[j]) * 1e-12);
        upper[j] = Math.log(hi[i]);
      } else { lower[j] = lo[i]; upper[j] = hi[i]; }
    });
    const setP = (t: Float64Array): void => {
      for (let j = 0; j < nFree; j++) pBuf[free[j]] = isLog[j] ? Math.exp(t[j]) : t[j];
    };
    return {
      m: 2 * model.N, lower, upper,
      residuals: (t: Float64Array, out: Float64Array): void => { setP(t); model.residualsAt(pBuf, out); },
      // ∂r/∂θ = p ∂r/∂p for a parameter fitted as θ = ln p.
      jacobian: (t: Float64Array, J: Float64Array[]): boolean => {
        setP(t);
        for (let j = 0; j < nFree; j++) scale[j] = isLog[j] ? pBuf[free[j]] : 1;
        return model.jacobianAt(pBuf, free, scale, J);
      },
    };
  };
  return { toTheta, toP, problemFor };
}

// The circuit fit's standard errors (fit.ts): σ²·(JᵀJ)⁻¹ over the free parameters not at a bound,
// σ² = χ²/(2N − p), and their propagation to derived quantities.
import { inverseNormal } from '../linalg';
import type { FitSetup } from './fitChecks';
import type { FitModel } from './fitModel';
import type { Optimum } from './fitOptimum';

export interface Uncertainty {
  /** Degrees of freedom 2N − p. */
  dof: number;
  /** The parameters the covariance is over: the free ones not at a bound. */
  covIdx: number[];
  /** Standard error of parameter i; undefined without a covariance or for a parameter outside it. */
  stderrOf(i: number): number | undefined;
  /** Standard error of a derived quantity q(p) by its gradient (central differences). */
  propagate(q: (pp: Float64Array) => number): number | undefined;
}

const NOT_DETERMINED = 'The data do not determine every parameter (the Jacobian is singular at the optimum: a parameter has no effect, or two trade off exactly); standard errors are left out.';

/** The covariance when the optimizer converged (also with a parameter at a bound); warns when JᵀJ is singular. */
export function uncertaintyOf(s: FitSetup, model: FitModel, opt: Optimum): Uncertainty {
  const { p } = opt;
  const dof = 2 * model.N - s.free.length;
  const covIdx = s.free.filter((i) => !opt.atBound[i]);
  let cov: Float64Array | undefined;
  if ((opt.converged || opt.status === 'at-bound') && dof > 0 && covIdx.length > 0) {
    const inv = inverseNormal(jacobianColumns(model, p, covIdx));
    if (inv) {
      const s2 = opt.ssr / dof;
      cov = inv.map((v) => v * s2);
    } else s.warnings.push(NOT_DETERMINED);
  }
  const stderrOf = (i: number): number | undefined => {
    if (!cov) return undefined;
    const k = covIdx.indexOf(i);
    return k < 0 ? undefined : Math.sqrt(Math.max(cov[k * covIdx.length + k], 0));
  };
  const propagate = (q: (pp: Float64Array) => number): number | undefined => {
    if (!cov) return undefined;
    const g = covIdx.map((i) => {
      const h = relativeStep(p[i]);
      const a = Float64Array.from(p), b = Float64Array.from(p);
      a[i] += h; b[i] -= h;
      return (q(a) - q(b)) / (2 * h);
    });
    let v = 0;
    for (let a = 0; a < g.length; a++) for (let b = 0; b < g.length; b++) v += g[a] * g[b] * cov[a * g.length + b];
    return Math.sqrt(Math.max(v, 0));
  };
  return { dof, covIdx, stderrOf, propagate };
}

/** Central-difference step for a parameter of value v. */
function relativeStep(v: number): number {
  return 1e-6 * Math.max(Math.abs(v), 1e-300);
}

/** ∂r/∂p_i of the weighted residuals for each i in idx, by central differences. */
function jacobianColumns(model: FitModel, p: Float64Array, idx: number[]): Float64Array[] {
  const m = 2 * model.N;
  return idx.map((i) => {
    const h = relativeStep(p[i]);
    const a = Float64Array.from(p), b = Float64Array.from(p);
    a[i] += h; b[i] -= h;
    const ra = new Float64Array(m), rb = new Float64Array(m);
    model.residualsAt(a, ra); model.residualsAt(b, rb);
    return ra.map((v, k) => (v - rb[k]) / (2 * h));
  });
}

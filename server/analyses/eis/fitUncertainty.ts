// The circuit fit's standard errors (fit.ts): σ²·(JᵀJ)⁻¹ over the free parameters not at a bound,
// σ² = χ²/(2N − p), their correlations, and their propagation to derived quantities. When JᵀJ is
// singular there is no covariance; the parameters in its null space are the ones the data cannot
// determine (a parameter with no effect, or two that trade off exactly).
import { inverseNormal, symmetricEigen } from '../linalg';
import type { FitSetup } from './fitChecks';
import type { FitModel } from './fitModel';
import type { Optimum } from './fitOptimum';

export interface Uncertainty {
  /** Degrees of freedom 2N − p. */
  dof: number;
  /** The parameters the covariance is over: the free ones not at a bound. */
  covIdx: number[];
  /** Whether a covariance could be formed. */
  hasCovariance: boolean;
  /** Standard error of parameter i; undefined without a covariance or for a parameter outside it. */
  stderrOf(i: number): number | undefined;
  /** Correlation of parameters i and j (both in covIdx); undefined without a covariance. */
  correlation(i: number, j: number): number | undefined;
  /** With a singular JᵀJ: the parameters (of covIdx) that take part in its null space. */
  singular: number[];
  /** Standard error of a derived quantity q(p) by its gradient (central differences). */
  propagate(q: (pp: Float64Array) => number): number | undefined;
}

/** Eigenvalues of the column-normalised JᵀJ below this share of the largest span its null space. */
const NULL_EIGENVALUE = 1e-10;
/** A parameter takes part in a null direction when its component there is at least this. */
const NULL_COMPONENT = 0.1;

/** The covariance when the optimizer converged (also with a parameter at a bound). */
export function uncertaintyOf(s: FitSetup, model: FitModel, opt: Optimum): Uncertainty {
  const { p } = opt;
  const dof = 2 * model.N - s.free.length;
  const covIdx = s.free.filter((i) => !opt.atBound[i]);
  let cov: Float64Array | undefined;
  let singular: number[] = [];
  if ((opt.converged || opt.status === 'at-bound') && dof > 0 && covIdx.length > 0) {
    const cols = jacobianColumns(model, p, covIdx);
    const inv = inverseNormal(cols);
    if (inv) {
      const s2 = opt.ssr / dof;
      cov = inv.map((v) => v * s2);
    } else singular = nullSpaceMembers(cols).map((k) => covIdx[k]);
  }
  const k = covIdx.length;
  const variance = (a: number): number => Math.max(cov![a * k + a], 0);
  const stderrOf = (i: number): number | undefined => {
    if (!cov) return undefined;
    const a = covIdx.indexOf(i);
    return a < 0 ? undefined : Math.sqrt(variance(a));
  };
  const correlation = (i: number, j: number): number | undefined => {
    if (!cov) return undefined;
    const a = covIdx.indexOf(i), b = covIdx.indexOf(j);
    if (a < 0 || b < 0) return undefined;
    const d = Math.sqrt(variance(a) * variance(b));
    return d > 0 ? Math.max(-1, Math.min(1, cov[a * k + b] / d)) : undefined;
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
  return { dof, covIdx, hasCovariance: !!cov, stderrOf, correlation, singular, propagate };
}

/**
 * The columns (by position) that take part in the null space of JᵀJ: a column of zeros (the
 * parameter has no effect), and the large components of the eigenvectors of the column-normalised
 * JᵀJ whose eigenvalues vanish (the smallest one when none quite does).
 */
function nullSpaceMembers(cols: Float64Array[]): number[] {
  const k = cols.length;
  const norms = cols.map((c) => Math.sqrt(c.reduce((acc, v) => acc + v * v, 0)));
  const dead = norms.map((n, a) => (n > 0 && Number.isFinite(n) ? -1 : a)).filter((a) => a >= 0);
  if (dead.length) return dead;
  const N = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let acc = 0;
      for (let r = 0; r < cols[a].length; r++) acc += cols[a][r] * cols[b][r];
      N[a * k + b] = N[b * k + a] = acc / (norms[a] * norms[b]);
    }
  }
  const { values, vectors } = symmetricEigen(N, k);
  const max = Math.max(...values);
  let small = [...values.keys()].filter((e) => values[e] < NULL_EIGENVALUE * max);
  if (!small.length) small = [[...values.keys()].reduce((a, b) => (values[b] < values[a] ? b : a))];
  const members = new Set<number>();
  for (const e of small) for (let a = 0; a < k; a++) if (Math.abs(vectors[a * k + e]) >= NULL_COMPONENT) members.add(a);
  return [...members].sort((a, b) => a - b);
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

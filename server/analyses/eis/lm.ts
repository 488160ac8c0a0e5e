// Levenberg–Marquardt for small bounded least-squares problems (the damped steps are solved by
// the Cholesky factorisation of ../linalg). n (parameters) is small, m (residuals) a few hundred
// at most.
//
// Bounds are handled by projection with an active set: a parameter sitting on a bound whose
// gradient pushes it outwards is held for that iteration, the damped Gauss–Newton step is solved
// for the others, and the new point is clipped to the box. Damping is Marquardt's, scaled by the
// running maximum of the Jacobian's column norms (as MINPACK's lmder), so the method does not
// depend on the parameters' units; μ is updated by Nielsen's rule. A damped matrix that is not
// positive definite to working precision (../linalg/cholesky.ts) raises μ like a rejected step.
// The Jacobian is the problem's own when it has one (LMProblem.jacobian: the circuit fit's closed
// forms), else forward differences.
import { solveSpd } from '../linalg';

export interface LMProblem {
  /** Number of residuals. */
  m: number;
  /** Writes the residual vector at x into out (non-finite values mark x as infeasible). */
  residuals(x: Float64Array, out: Float64Array): void;
  /**
   * Optional: writes ∂r/∂x_j at x into J[j] (each of length m), returning false where it cannot
   * (non-finite values, a form that does not apply), where forward differences are used instead.
   * Without it the Jacobian is always by forward differences.
   */
  jacobian?(x: Float64Array, J: Float64Array[]): boolean;
  lower: Float64Array;
  upper: Float64Array;
}

export interface LMOptions {
  maxIterations?: number;
  /** Relative reduction of the sum of squares (actual and predicted) that counts as converged. */
  ftol?: number;
  /** Relative step size that counts as converged. */
  xtol?: number;
  /** Largest cosine between the residual vector and a free Jacobian column at convergence. */
  gtol?: number;
}

export interface LMResult {
  x: Float64Array;
  /** Sum of squared residuals at x. */
  ssr: number;
  iterations: number;
  /** Residual evaluations, an analytic Jacobian counting as one. */
  evaluations: number;
  converged: boolean;
  reason: 'ftol' | 'xtol' | 'gtol' | 'exact' | 'no-progress' | 'max-iterations' | 'infeasible-start';
}

const EPS = 2.220446049250313e-16;

function sumSq(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return Number.isFinite(s) ? s : Infinity;
}

/**
 * The Jacobian (column j = ∂r/∂x_j): the problem's own when it gives one (counted as one
 * evaluation), else forward differences, stepping away from a bound they would cross. Returns the
 * evaluations spent.
 */
function jacobian(p: LMProblem, x: Float64Array, r: Float64Array, J: Float64Array[], tmp: Float64Array, xt: Float64Array): number {
  if (p.jacobian && p.jacobian(x, J)) return 1;
  const n = x.length;
  xt.set(x);
  let evals = 0;
  for (let j = 0; j < n; j++) {
    let h = Math.sqrt(EPS) * Math.max(Math.abs(x[j]), 1);
    if (x[j] + h > p.upper[j]) h = -h;
    xt[j] = x[j] + h;
    p.residuals(xt, tmp);
    evals++;
    const col = J[j];
    for (let i = 0; i < r.length; i++) col[i] = (tmp[i] - r[i]) / h;
    xt[j] = x[j];
  }
  return evals;
}

export function levenbergMarquardt(p: LMProblem, x0: ArrayLike<number>, options: LMOptions = {}): LMResult {
  const n = x0.length, m = p.m;
  const maxIter = options.maxIterations ?? 400;
  const ftol = options.ftol ?? 1e-12, xtol = options.xtol ?? 1e-10, gtol = options.gtol ?? 1e-10;
  const x = Float64Array.from(x0, (v, j) => Math.min(Math.max(v, p.lower[j]), p.upper[j]));
  const r = new Float64Array(m), rNew = new Float64Array(m), tmp = new Float64Array(m), xt = new Float64Array(n);
  const J = Array.from({ length: n }, () => new Float64Array(m));
  p.residuals(x, r);
  let F = sumSq(r), evaluations = 1;
  const done = (iterations: number, converged: boolean, reason: LMResult['reason']): LMResult =>
    ({ x, ssr: F, iterations, evaluations, converged, reason });
  if (!Number.isFinite(F)) return done(0, false, 'infeasible-start');
  if (F === 0) return done(0, true, 'exact');

  const A = new Float64Array(n * n), g = new Float64Array(n), d = new Float64Array(n);
  const xNew = new Float64Array(n), step = new Float64Array(n), Js = new Float64Array(m);
  let mu = 1e-3, nu = 2;
  let needJ = true;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (needJ) {
      evaluations += jacobian(p, x, r, J, tmp, xt);
      normalMatrix(J, r, A, g, d);
      needJ = false;
    }
    const free = freeParameters(p, x, g);
    if (free.length === 0 || gradientCosine(A, g, free, F) <= gtol) return done(iter - 1, true, 'gtol');

    // Inner loop: raise μ until a step reduces the sum of squares.
    let accepted = false;
    for (let tries = 0; tries < 60 && !accepted; tries++) {
      if (!dampedStep(p, x, A, g, d, free, mu, xNew, step)) { mu *= nu; nu *= 2; continue; }
      const pred = F - linearModelSsr(J, r, step, Js);
      p.residuals(xNew, rNew);
      evaluations++;
      const Fnew = sumSq(rNew);
      const actual = F - Fnew;
      const { sn, xn } = scaledNorms(d, step, x);
      const rho = pred > 0 ? actual / pred : actual > 0 ? 1 : -1;
      if (actual > 0 && rho > 1e-4) {
        accepted = true;
        x.set(xNew); r.set(rNew);
        const Fold = F;
        F = Fnew;
        mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        needJ = true;
        if (F === 0) return done(iter, true, 'exact');
        if (actual <= ftol * Fold && pred <= ftol * Fold && rho <= 2) return done(iter, true, 'ftol');
        if (sn <= xtol * (xn + xtol)) return done(iter, true, 'xtol');
      } else {
        // A step that cannot reduce F any further at any damping: a minimum to rounding.
        if (sn <= xtol * (xn + xtol) || Math.abs(pred) <= EPS * F) return done(iter, true, 'no-progress');
        mu *= nu; nu *= 2;
      }
    }
    if (!accepted) return done(iter, true, 'no-progress');
  }
  return done(maxIter, false, 'max-iterations');
}

/**
 * A ← JᵀJ, g ← Jᵀr; d ← the running maximum of the column norms (the damping scale). Four dot
 * products share each pass over column a: r (for g_a), then the columns b ≥ a; each is summed in
 * the order of i as alone, so the entries are those of one product at a time to the bit.
 */
function normalMatrix(J: Float64Array[], r: Float64Array, A: Float64Array, g: Float64Array, d: Float64Array): void {
  const n = J.length, m = r.length;
  for (let a = 0; a < n; a++) {
    const ca = J[a];
    // Column b of a pass: r for b = a − 1, J[b] below n, ca past the end (those sums unused).
    for (let b = a - 1; b < n; b += 4) {
      const c0 = b < a ? r : J[b], c1 = b + 1 < n ? J[b + 1] : ca, c2 = b + 2 < n ? J[b + 2] : ca, c3 = b + 3 < n ? J[b + 3] : ca;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < m; i++) {
        const x = ca[i];
        s0 += x * c0[i]; s1 += x * c1[i]; s2 += x * c2[i]; s3 += x * c3[i];
      }
      if (b < a) g[a] = s0; else { A[a * n + b] = s0; A[b * n + a] = s0; }
      if (b + 1 < n) { A[a * n + b + 1] = s1; A[(b + 1) * n + a] = s1; }
      if (b + 2 < n) { A[a * n + b + 2] = s2; A[(b + 2) * n + a] = s2; }
      if (b + 3 < n) { A[a * n + b + 3] = s3; A[(b + 3) * n + a] = s3; }
    }
    d[a] = Math.max(d[a], Math.sqrt(A[a * n + a]));
  }
}

/** The parameters not held: held is one on a bound with the descent direction (−g) pointing out of the box. */
function freeParameters(p: LMProblem, x: Float64Array, g: Float64Array): number[] {
  const free: number[] = [];
  for (let j = 0; j < x.length; j++) {
    const atLo = x[j] <= p.lower[j] && g[j] > 0, atHi = x[j] >= p.upper[j] && g[j] < 0;
    if (!atLo && !atHi) free.push(j);
  }
  return free;
}

/** The largest cosine between the residual vector and a free Jacobian column. */
function gradientCosine(A: Float64Array, g: Float64Array, free: number[], F: number): number {
  const n = g.length;
  let gmax = 0;
  for (const j of free) {
    const cn = Math.sqrt(A[j * n + j]);
    if (cn > 0) gmax = Math.max(gmax, Math.abs(g[j]) / (cn * Math.sqrt(F)));
  }
  return gmax;
}

/**
 * The step of damping μ, (A + μ diag(d)²) h = −g over the free parameters, projected into the box:
 * xNew and step = xNew − x (0 for the held parameters). False if the damped matrix is not
 * positive definite.
 */
function dampedStep(p: LMProblem, x: Float64Array, A: Float64Array, g: Float64Array, d: Float64Array, free: number[], mu: number, xNew: Float64Array, step: Float64Array): boolean {
  const n = x.length, k = free.length;
  const M = new Float64Array(k * k), rhs = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const ja = free[a];
    rhs[a] = -g[ja];
    for (let b = 0; b < k; b++) M[a * k + b] = A[ja * n + free[b]];
    const dd = Math.max(d[ja], 1e-300);
    M[a * k + a] += mu * dd * dd;
  }
  const h = solveSpd(M, rhs, k);
  if (!h) return false;
  step.fill(0);
  for (let a = 0; a < k; a++) {
    const j = free[a];
    xNew[j] = Math.min(Math.max(x[j] + h[a], p.lower[j]), p.upper[j]);
  }
  for (let j = 0; j < n; j++) {
    if (!free.includes(j)) xNew[j] = x[j];
    step[j] = xNew[j] - x[j];
  }
  return true;
}

/** ‖r + J·step‖², the sum of squares the linear model predicts along the (projected) step; Js is scratch. */
function linearModelSsr(J: Float64Array[], r: Float64Array, step: Float64Array, Js: Float64Array): number {
  const m = r.length;
  Js.fill(0);
  for (let j = 0; j < step.length; j++) {
    if (step[j] === 0) continue;
    const c = J[j], s = step[j];
    for (let i = 0; i < m; i++) Js[i] += c[i] * s;
  }
  let lin = 0;
  for (let i = 0; i < m; i++) { const v = r[i] + Js[i]; lin += v * v; }
  return lin;
}

/** ‖D·step‖ and ‖D·x‖ (D = diag(d)), for the step-size test. */
function scaledNorms(d: Float64Array, step: Float64Array, x: Float64Array): { sn: number; xn: number } {
  let sn = 0, xn = 0;
  for (let j = 0; j < x.length; j++) { sn += (d[j] * step[j]) ** 2; xn += (d[j] * x[j]) ** 2; }
  return { sn: Math.sqrt(sn), xn: Math.sqrt(xn) };
}

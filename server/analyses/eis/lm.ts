// Levenberg–Marquardt for small bounded least-squares problems, and the dense linear algebra it
// needs (Cholesky, Householder QR). No dependencies; n (parameters) is small, m (residuals) a few
// hundred at most.
//
// Bounds are handled by projection with an active set: a parameter sitting on a bound whose
// gradient pushes it outwards is held for that iteration, the damped Gauss–Newton step is solved
// for the others, and the new point is clipped to the box. Damping is Marquardt's, scaled by the
// running maximum of the Jacobian's column norms (as MINPACK's lmder), so the method does not
// depend on the parameters' units; μ is updated by Nielsen's rule.

export interface LMProblem {
  /** Number of residuals. */
  m: number;
  /** Writes the residual vector at x into out (non-finite values mark x as infeasible). */
  residuals(x: Float64Array, out: Float64Array): void;
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

/** Forward-difference Jacobian (column j = ∂r/∂x_j), stepping away from a bound it would cross. */
function jacobian(p: LMProblem, x: Float64Array, r: Float64Array, J: Float64Array[], tmp: Float64Array, xt: Float64Array): number {
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
      for (let a = 0; a < n; a++) {
        const ca = J[a];
        let ga = 0;
        for (let i = 0; i < m; i++) ga += ca[i] * r[i];
        g[a] = ga;
        for (let b = a; b < n; b++) {
          const cb = J[b];
          let s = 0;
          for (let i = 0; i < m; i++) s += ca[i] * cb[i];
          A[a * n + b] = s; A[b * n + a] = s;
        }
        d[a] = Math.max(d[a], Math.sqrt(A[a * n + a]));
      }
      needJ = false;
    }
    // Active set: on a bound with the descent direction (−g) pointing out of the box.
    const free: number[] = [];
    for (let j = 0; j < n; j++) {
      const atLo = x[j] <= p.lower[j] && g[j] > 0, atHi = x[j] >= p.upper[j] && g[j] < 0;
      if (!atLo && !atHi) free.push(j);
    }
    let gmax = 0;
    for (const j of free) {
      const cn = Math.sqrt(A[j * n + j]);
      if (cn > 0) gmax = Math.max(gmax, Math.abs(g[j]) / (cn * Math.sqrt(F)));
    }
    if (free.length === 0 || gmax <= gtol) return done(iter - 1, true, 'gtol');

    // Inner loop: raise μ until a step reduces the sum of squares.
    const k = free.length;
    const M = new Float64Array(k * k), rhs = new Float64Array(k);
    let accepted = false;
    for (let tries = 0; tries < 60 && !accepted; tries++) {
      for (let a = 0; a < k; a++) {
        const ja = free[a];
        rhs[a] = -g[ja];
        for (let b = 0; b < k; b++) M[a * k + b] = A[ja * n + free[b]];
        const dd = Math.max(d[ja], 1e-300);
        M[a * k + a] += mu * dd * dd;
      }
      const h = choleskySolve(M, rhs, k);
      if (!h) { mu *= nu; nu *= 2; continue; }
      step.fill(0);
      for (let a = 0; a < k; a++) {
        const j = free[a];
        xNew[j] = Math.min(Math.max(x[j] + h[a], p.lower[j]), p.upper[j]);
      }
      for (let j = 0; j < n; j++) {
        if (!free.includes(j)) xNew[j] = x[j];
        step[j] = xNew[j] - x[j];
      }
      // Predicted reduction from the linear model along the (projected) step.
      Js.fill(0);
      for (let j = 0; j < n; j++) {
        if (step[j] === 0) continue;
        const c = J[j], s = step[j];
        for (let i = 0; i < m; i++) Js[i] += c[i] * s;
      }
      let lin = 0;
      for (let i = 0; i < m; i++) { const v = r[i] + Js[i]; lin += v * v; }
      const pred = F - lin;
      p.residuals(xNew, rNew);
      evaluations++;
      const Fnew = sumSq(rNew);
      const actual = F - Fnew;
      let sn = 0, xn = 0;
      for (let j = 0; j < n; j++) { sn += (d[j] * step[j]) ** 2; xn += (d[j] * x[j]) ** 2; }
      sn = Math.sqrt(sn); xn = Math.sqrt(xn);
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

// ---------------------------------------------------------------------------------------------
// Linear algebra (row-major dense matrices)

/** Solves M x = b for symmetric positive definite M (k×k); undefined if M is not. */
export function choleskySolve(M: Float64Array, b: ArrayLike<number>, k: number): Float64Array | undefined {
  const L = cholesky(M, k);
  if (!L) return undefined;
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let j = 0; j < i; j++) s -= L[i * k + j] * y[j];
    y[i] = s / L[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < k; j++) s -= L[j * k + i] * y[j];
    y[i] = s / L[i * k + i];
  }
  return y;
}

function cholesky(M: Float64Array, k: number): Float64Array | undefined {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i * k + j];
      for (let q = 0; q < j; q++) s -= L[i * k + q] * L[j * k + q];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j];
    }
  }
  return L;
}

/**
 * The inverse of JᵀJ for the columns of J (each of length m), computed on the column-normalised
 * matrix for conditioning. Undefined when JᵀJ is singular to working precision (a parameter the
 * data cannot determine, or two that trade off exactly).
 */
export function inverseNormal(cols: Float64Array[]): Float64Array | undefined {
  const k = cols.length;
  if (k === 0) return new Float64Array(0);
  const norms = cols.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  if (norms.some((v) => !(v > 0) || !Number.isFinite(v))) return undefined;
  const N = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      const ca = cols[a], cb = cols[b];
      for (let i = 0; i < ca.length; i++) s += ca[i] * cb[i];
      s /= norms[a] * norms[b];
      N[a * k + b] = s; N[b * k + a] = s;
    }
  }
  const L = cholesky(N, k);
  if (!L) return undefined;
  // Reciprocal condition estimate from the Cholesky diagonal: refuse near-singular matrices.
  let dmin = Infinity, dmax = 0;
  for (let i = 0; i < k; i++) { dmin = Math.min(dmin, L[i * k + i]); dmax = Math.max(dmax, L[i * k + i]); }
  if ((dmin / dmax) ** 2 < 1e-14) return undefined;
  const inv = new Float64Array(k * k);
  const e = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    e.fill(0); e[c] = 1;
    const col = choleskySolve(N, e, k);
    if (!col) return undefined;
    for (let r2 = 0; r2 < k; r2++) inv[r2 * k + c] = col[r2] / (norms[r2] * norms[c]);
  }
  return inv;
}

/**
 * Least squares min ‖A x − b‖ by Householder QR, A given as columns (each of length m, m ≥ k).
 * Columns are scaled to unit norm first. Returns undefined if A is rank-deficient.
 */
export function leastSquaresQR(cols: Float64Array[], b: Float64Array): Float64Array | undefined {
  const k = cols.length, m = b.length;
  if (k === 0 || m < k) return undefined;
  const norms = cols.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  if (norms.some((v) => !(v > 0) || !Number.isFinite(v))) return undefined;
  const R = cols.map((c, j) => Float64Array.from(c, (v) => v / norms[j]));
  const y = Float64Array.from(b);
  for (let j = 0; j < k; j++) {
    const cj = R[j];
    let alpha = 0;
    for (let i = j; i < m; i++) alpha += cj[i] * cj[i];
    alpha = Math.sqrt(alpha);
    if (alpha < 1e-13) return undefined;
    if (cj[j] > 0) alpha = -alpha;
    // v = x − alpha e_j, stored in place; H = I − 2 v vᵀ / vᵀv
    cj[j] -= alpha;
    let vv = 0;
    for (let i = j; i < m; i++) vv += cj[i] * cj[i];
    const apply = (c: Float64Array): void => {
      let s = 0;
      for (let i = j; i < m; i++) s += cj[i] * c[i];
      const f = (2 * s) / vv;
      for (let i = j; i < m; i++) c[i] -= f * cj[i];
    };
    for (let q = j + 1; q < k; q++) apply(R[q]);
    apply(y);
    // Column j of R is now alpha at row j (the Householder vector is kept below; only R[j][j] is read back).
    cj[j] = alpha;
  }
  const x = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = y[j];
    for (let q = j + 1; q < k; q++) s -= R[q][j] * x[q];
    x[j] = s / R[j][j];
  }
  for (let j = 0; j < k; j++) x[j] /= norms[j];
  return x;
}

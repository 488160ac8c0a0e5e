// Small least-squares fits in the Nyquist plane (x = Re Z, y = −Im Z) for the high-frequency
// intercept of contact.ts: a polynomial x(y) through the points around a zero crossing, and a
// circle through the first arc (an RC or R‖CPE arc is a circle). Each gives the intercept with the
// real axis and its standard error from the fit's own residuals (none when no degree of freedom
// is left over).

export interface Intercept {
  /** Re(Z) where the fitted curve meets −Im(Z) = 0 (Ω). */
  value: number;
  stderr?: number;
  /** Points fitted. */
  n: number;
}

/** Least squares x = b0 + b1 y (+ b2 y²); the intercept is b0. */
export function polynomialIntercept(x: readonly number[], y: readonly number[], degree: 1 | 2): Intercept | undefined {
  const n = x.length, p = degree + 1;
  if (n < p) return undefined;
  const scale = Math.max(...y.map(Math.abs)) || 1; // y / scale in [-1, 1], for conditioning
  const rows = y.map((v) => Array.from({ length: p }, (_, j) => (v / scale) ** j));
  const fit = leastSquares(rows, [...x]);
  if (!fit) return undefined;
  return { value: fit.coef[0], stderr: fit.cov ? Math.sqrt(fit.cov[0][0]) : undefined, n };
}

export interface CircleIntercept extends Intercept { xc: number; yc: number; r: number }

/**
 * The geometric circle fit (least squares of the distances to the circle, Gauss–Newton from the
 * algebraic Kåsa fit) and its left intersection with the real axis, xc − √(r² − yc²), with the
 * standard error propagated from the covariance of (xc, yc, r). Undefined when the circle does not
 * reach the axis or the fit is degenerate.
 */
export function circleIntercept(x: readonly number[], y: readonly number[]): CircleIntercept | undefined {
  const n = x.length;
  if (n < 3) return undefined;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  const scale = Math.max(...x.map((v) => Math.abs(v - mx)), ...y.map((v) => Math.abs(v - my))) || 1;
  const u = x.map((v) => (v - mx) / scale), w = y.map((v) => (v - my) / scale);
  const start = kasa(u, w);
  if (!start) return undefined;
  const { c, ssr } = refineCircle(u, w, start);
  const [xc, yc, r] = [mx + c[0] * scale, my + c[1] * scale, Math.abs(c[2]) * scale];
  const disc = r * r - yc * yc;
  if (!(disc >= 0) || !(r > 0)) return undefined;
  const s = Math.sqrt(disc);
  const value = xc - s;
  let stderr: number | undefined;
  if (n > 3 && s > 0) {
    const inv = inverse(normalEquations(u, w, c).jtj);
    if (inv) {
      const sigma2 = (ssr / (n - 3)) * scale * scale;
      const g = [1, yc / s, -r / s]; // ∂value/∂(xc, yc, r)
      let v = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += g[i] * inv[i][j] * g[j];
      if (v >= 0) stderr = Math.sqrt(sigma2 * v);
    }
  }
  return { value, stderr, n, xc, yc, r };
}

/** Gauss–Newton on the distances to the circle [xc, yc, r], with step halving; never worse than the start. */
function refineCircle(u: number[], w: number[], start: number[]): { c: number[]; ssr: number } {
  const ssrOf = (q: number[]) => u.reduce((s, _, i) => s + (Math.hypot(u[i] - q[0], w[i] - q[1]) - q[2]) ** 2, 0);
  let c = start, ssr = ssrOf(c);
  for (let iter = 0; iter < 50; iter++) {
    const { jtj, jtd } = normalEquations(u, w, c);
    const step = solve(jtj, jtd.map((v) => -v));
    if (!step) break;
    let t = 1, next = c, nextSsr = Infinity;
    for (; t > 1e-6; t /= 2) {
      next = c.map((v, k) => v + t * step[k]);
      nextSsr = ssrOf(next);
      if (nextSsr <= ssr) break;
    }
    if (!(nextSsr <= ssr)) break;
    const moved = Math.hypot(...step.map((x) => t * x));
    c = next; ssr = nextSsr;
    if (moved < 1e-12) break;
  }
  return { c, ssr };
}

/** Algebraic (Kåsa) circle: least squares of x² + y² + D x + E y + F = 0; [xc, yc, r]. */
function kasa(u: number[], w: number[]): number[] | undefined {
  const fit = leastSquares(u.map((_, i) => [u[i], w[i], 1]), u.map((_, i) => -(u[i] ** 2 + w[i] ** 2)), false);
  if (!fit) return undefined;
  const [D, E, F] = fit.coef;
  const r2 = (D * D + E * E) / 4 - F;
  return r2 > 0 ? [-D / 2, -E / 2, Math.sqrt(r2)] : undefined;
}

function normalEquations(u: number[], w: number[], c: number[]): { jtj: number[][]; jtd: number[] } {
  const jtj = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], jtd = [0, 0, 0];
  for (let i = 0; i < u.length; i++) {
    const rho = Math.hypot(u[i] - c[0], w[i] - c[1]) || 1e-300;
    const j = [-(u[i] - c[0]) / rho, -(w[i] - c[1]) / rho, -1];
    const d = rho - c[2];
    for (let a = 0; a < 3; a++) {
      jtd[a] += j[a] * d;
      for (let b = 0; b < 3; b++) jtj[a][b] += j[a] * j[b];
    }
  }
  return { jtj, jtd };
}

/** Ordinary least squares; the covariance σ²(AᵀA)⁻¹ when asked for and dof > 0. */
function leastSquares(rows: number[][], b: number[], withCov = true): { coef: number[]; cov?: number[][] } | undefined {
  const p = rows[0].length;
  const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0)), atb = new Array<number>(p).fill(0);
  rows.forEach((row, i) => {
    for (let a = 0; a < p; a++) {
      atb[a] += row[a] * b[i];
      for (let c = 0; c < p; c++) ata[a][c] += row[a] * row[c];
    }
  });
  const coef = solve(ata, atb);
  if (!coef) return undefined;
  const dof = rows.length - p;
  if (!withCov || dof <= 0) return { coef };
  const ssr = rows.reduce((s, row, i) => s + (b[i] - row.reduce((t, v, k) => t + v * coef[k], 0)) ** 2, 0);
  const inv = inverse(ata);
  return { coef, cov: inv?.map((r) => r.map((v) => (v * ssr) / dof)) };
}

/** Gaussian elimination with partial pivoting; undefined for a singular matrix. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  const tiny = 1e-14 * Math.max(...a.map((row) => Math.max(...row.map(Math.abs)))) || 1e-300;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    if (Math.abs(m[piv][col]) <= tiny) return undefined;
    [m[col], m[piv]] = [m[piv], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const k = m[r][col] / m[col][col];
      for (let q = col; q <= n; q++) m[r][q] -= k * m[col][q];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

function inverse(a: number[][]): number[][] | undefined {
  const n = a.length;
  const cols = Array.from({ length: n }, (_, j) => solve(a, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  if (cols.some((c) => !c)) return undefined;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cols[j]![i]));
}

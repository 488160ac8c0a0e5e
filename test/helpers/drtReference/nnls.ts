// Frozen copy of server/analyses/linalg/nnls.ts at f53d985, the DRT reference's linear algebra
// (test/helpers/drtReference/drt.ts; test/drtReference.test.ts).
// Non-negative least squares on the normal equations: min ½ xᵀHx − gᵀx subject to x ≥ 0 (for
// least squares ‖Ax − b‖², H = AᵀA and g = Aᵀb), by the Lawson–Hanson active-set method (Bro &
// de Jong's "fast NNLS", 1997): finite, with no step-size parameter, cheap at ~100 unknowns.
// The subproblems on the free variables are solved by Cholesky with jitter (a tiny multiple of
// the identity where the free columns are dependent to rounding: any solution of such a
// subproblem does, as the method only needs feasibility and descent).
import { choleskyJittered, choleskySolveInPlace } from './cholesky';
import { Matrix, principalSubmatrix } from './dense';

export interface NnlsSolution {
  x: Float64Array;
  /** 1 where x is free (positive), 0 where it is held at 0. */
  passive: Uint8Array;
  /** False if the iteration limit stopped the method (x is then feasible, not optimal). */
  converged: boolean;
}

const WARM_START_ROUNDS = 20;

/**
 * min ½ xᵀHx − gᵀx subject to x ≥ 0, H symmetric positive definite (n × n, row-major), starting
 * from the passive set `start` (default: all variables free).
 */
export function nnlsQp(H: Matrix, g: ArrayLike<number>, n: number, start?: Uint8Array): NnlsSolution {
  const passive = new Uint8Array(n), blocked = new Uint8Array(n);
  let big = 0;
  for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(g[i]), Math.abs(H[i * n + i]));
  const tol = 1e-13 * (big || 1);
  if (start) passive.set(start); else passive.fill(1);
  const x = warmStart(H, g, n, passive);
  const w = new Float64Array(n);
  negativeGradient(H, g, n, x, w);
  for (let outer = 0; outer < 4 * n; outer++) {
    let j = -1, wmax = tol;
    for (let i = 0; i < n; i++) if (!passive[i] && !blocked[i] && w[i] > wmax) { wmax = w[i]; j = i; }
    if (j < 0) return { x, passive, converged: true };
    passive[j] = 1;
    const s = subSolve(H, g, passive, n);
    if (!(s[j] > 0)) { passive[j] = 0; blocked[j] = 1; continue; } // rounding: this variable cannot enter
    if (!stepToFeasible(H, g, n, x, s, passive)) return { x, passive, converged: false }; // x is feasible
    blocked.fill(0);
    negativeGradient(H, g, n, x, w);
  }
  return { x, passive, converged: false };
}

/**
 * From the given passive set, drops the variables whose unconstrained value is not positive until
 * none is left; that point is feasible and optimal on its passive set, which is all the
 * Lawson–Hanson iteration needs. Updates `passive`; returns x (0 if no round settled).
 */
function warmStart(H: Matrix, g: ArrayLike<number>, n: number, passive: Uint8Array): Float64Array {
  const x = new Float64Array(n);
  for (let round = 0; round < WARM_START_ROUNDS; round++) {
    let any = false;
    for (let i = 0; i < n; i++) if (passive[i]) { any = true; break; }
    if (!any) break;
    const s = subSolve(H, g, passive, n);
    let dropped = 0;
    for (let i = 0; i < n; i++) if (passive[i] && !(s[i] > 0)) { passive[i] = 0; dropped++; }
    if (dropped === 0) { x.set(s); break; }
    if (round === WARM_START_ROUNDS - 1) passive.fill(0);
  }
  return x;
}

/**
 * The inner loop: moves x toward the subproblem solution s, dropping the variables that reach 0,
 * until s is feasible; then x ← s. False if the iteration limit stopped it (x stays feasible).
 */
function stepToFeasible(H: Matrix, g: ArrayLike<number>, n: number, x: Float64Array, s: Float64Array, passive: Uint8Array): boolean {
  for (let inner = 0; ; inner++) {
    if (inner >= 4 * n) return false;
    let alpha = Infinity, k = -1;
    for (let i = 0; i < n; i++) {
      if (passive[i] && s[i] <= 0) {
        const a = x[i] / (x[i] - s[i]);
        if (a < alpha) { alpha = a; k = i; }
      }
    }
    if (k < 0) break;
    for (let i = 0; i < n; i++) if (passive[i]) x[i] += alpha * (s[i] - x[i]);
    x[k] = 0;
    for (let i = 0; i < n; i++) if (passive[i] && x[i] <= 0) { passive[i] = 0; x[i] = 0; }
    s = subSolve(H, g, passive, n);
  }
  for (let i = 0; i < n; i++) x[i] = passive[i] ? s[i] : 0;
  return true;
}

/** w ← g − Hx (the negative gradient), skipping the zero entries of x. */
function negativeGradient(H: Matrix, g: ArrayLike<number>, n: number, x: Float64Array, w: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let v = g[i];
    for (let k = 0; k < n; k++) if (x[k] !== 0) v -= H[i * n + k] * x[k];
    w[i] = v;
  }
}

/** The unconstrained minimiser over the passive variables (zero elsewhere). */
function subSolve(H: Matrix, g: ArrayLike<number>, passive: Uint8Array, n: number): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (passive[i]) idx.push(i);
  const k = idx.length;
  const r = Float64Array.from(idx, (i) => g[i]);
  const L = choleskyJittered(principalSubmatrix(H, n, idx), k);
  choleskySolveInPlace(L, k, r);
  const out = new Float64Array(n);
  for (let a = 0; a < k; a++) out[idx[a]] = r[a];
  return out;
}

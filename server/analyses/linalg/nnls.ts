// Non-negative least squares on the normal equations: min ½ xᵀHx − gᵀx subject to x ≥ 0 (for
// least squares ‖Ax − b‖², H = AᵀA and g = Aᵀb), by the Lawson–Hanson active-set method (Bro &
// de Jong's "fast NNLS", 1997): finite, with no step-size parameter, cheap at ~100 unknowns.
// The subproblems on the free variables are solved by Cholesky, the factor updated as variables
// enter and leave (PassiveFactor below), with jitter (a tiny multiple of the identity) where the
// free columns are dependent to rounding: any solution of such a subproblem does, as the method
// only needs feasibility and descent.
import { PIVOT_TOLERANCE, cholesky, choleskyJittered } from './cholesky';
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
  const factor = new PassiveFactor(H, n);
  const x = warmStart(factor, g, n, passive);
  const w = new Float64Array(n);
  negativeGradient(H, g, n, x, w);
  for (let outer = 0; outer < 4 * n; outer++) {
    let j = -1, wmax = tol;
    for (let i = 0; i < n; i++) if (!passive[i] && !blocked[i] && w[i] > wmax) { wmax = w[i]; j = i; }
    if (j < 0) return { x, passive, converged: true };
    passive[j] = 1;
    const s = factor.solve(g, passive);
    if (!(s[j] > 0)) { passive[j] = 0; blocked[j] = 1; continue; } // rounding: this variable cannot enter
    if (!stepToFeasible(factor, g, n, x, s, passive)) return { x, passive, converged: false }; // x is feasible
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
function warmStart(factor: PassiveFactor, g: ArrayLike<number>, n: number, passive: Uint8Array): Float64Array {
  const x = new Float64Array(n);
  for (let round = 0; round < WARM_START_ROUNDS; round++) {
    let any = false;
    for (let i = 0; i < n; i++) if (passive[i]) { any = true; break; }
    if (!any) break;
    const s = factor.solve(g, passive);
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
function stepToFeasible(factor: PassiveFactor, g: ArrayLike<number>, n: number, x: Float64Array, s: Float64Array, passive: Uint8Array): boolean {
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
    s = factor.solve(g, passive);
  }
  for (let i = 0; i < n; i++) x[i] = passive[i] ? s[i] : 0;
  return true;
}

/** w ← g − Hx (the negative gradient), skipping the zero entries of x. */
function negativeGradient(H: Matrix, g: ArrayLike<number>, n: number, x: Float64Array, w: Float64Array): void {
  const nz: number[] = [];
  for (let k = 0; k < n; k++) if (x[k] !== 0) nz.push(k);
  const m = nz.length;
  let i = 0;
  for (; i + 1 < n; i += 2) { // two rows together (two sums in flight, each over k in order)
    const o1 = i * n, o2 = o1 + n;
    let v1 = g[i], v2 = g[i + 1];
    for (let a = 0; a < m; a++) { const k = nz[a], xk = x[k]; v1 -= H[o1 + k] * xk; v2 -= H[o2 + k] * xk; }
    w[i] = v1; w[i + 1] = v2;
  }
  for (; i < n; i++) {
    let v = g[i];
    for (let a = 0; a < m; a++) v -= H[i * n + nz[a]] * x[nz[a]];
    w[i] = v;
  }
}

/**
 * The Cholesky factor of H on the passive variables, kept from one subproblem to the next: the
 * Lawson–Hanson iteration frees or fixes one variable (or a few) at a time, so the factor is
 * updated (a variable appended as its last row, O(k²); one removed by deleting its row and
 * restoring the triangle with Givens rotations on the columns after it, O(k²)) instead of formed
 * again (O(k³)). The variables are in the order they entered, so the factor is that of a symmetric
 * permutation of the passive submatrix: the same solution to rounding. It is formed from scratch
 * on the first subproblem, and whenever a variable would enter with a pivot the policy of
 * cholesky.ts refuses (dependent to rounding): then, as without updates, the subproblem gets
 * choleskyJittered's factor, and the next one is formed from scratch again.
 */
class PassiveFactor {
  /** The variables of the factor, in its order. */
  private readonly order: number[] = [];
  private readonly member: Uint8Array;
  /** Row a of the factor in L[a·n … a·n + a]. */
  private readonly L: Float64Array;
  private valid = false;

  constructor(private readonly H: Matrix, private readonly n: number) {
    this.member = new Uint8Array(n);
    this.L = new Float64Array(n * n);
  }

  /** The unconstrained minimiser of ½xᵀHx − gᵀx over the passive variables (zero elsewhere). */
  solve(g: ArrayLike<number>, passive: Uint8Array): Float64Array {
    const { n } = this;
    let L = this.L, stride = n, order = this.order;
    if (this.valid) this.update(passive);
    if (!this.valid) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (passive[i]) idx.push(i);
      const k = idx.length;
      const S = principalSubmatrix(this.H, n, idx);
      const plain = cholesky(S, k);
      this.order.length = 0;
      this.member.fill(0);
      if (plain) {
        for (let a = 0; a < k; a++) {
          for (let c = 0; c <= a; c++) L[a * n + c] = plain[a * k + c];
          this.order.push(idx[a]); this.member[idx[a]] = 1;
        }
        this.valid = true;
      } else {
        L = choleskyJittered(S, k); stride = k; order = idx;
      }
    }
    const k = order.length;
    const r = new Float64Array(k);
    for (let a = 0; a < k; a++) r[a] = g[order[a]];
    for (let a = 0; a < k; a++) {
      const o = a * stride;
      let s = r[a];
      for (let c = 0; c < a; c++) s -= L[o + c] * r[c];
      r[a] = s / L[o + a];
    }
    for (let a = k - 1; a >= 0; a--) { // Lᵀ by rows of L: r[a] final, then taken from the r[c < a]
      const o = a * stride, ra = r[a] / L[o + a];
      r[a] = ra;
      for (let c = 0; c < a; c++) r[c] -= L[o + c] * ra;
    }
    const out = new Float64Array(n);
    for (let a = 0; a < k; a++) out[order[a]] = r[a];
    return out;
  }

  /** Removes the variables no longer passive, appends the new ones (ascending); valid ← false if one cannot enter. */
  private update(passive: Uint8Array): void {
    const { order, member } = this;
    for (let a = order.length - 1; a >= 0; a--) if (!passive[order[a]]) this.remove(a);
    for (let i = 0; i < this.n; i++) {
      if (passive[i] && !member[i] && !this.append(i)) { this.valid = false; return; }
    }
  }

  /** Appends variable j as the factor's last row; false if its pivot fails the policy of cholesky.ts. */
  private append(j: number): boolean {
    const { H, n, L, order } = this;
    const k = order.length, o = k * n;
    let d2 = H[j * n + j];
    for (let a = 0; a < k; a++) {
      const oa = a * n;
      let t = H[order[a] * n + j];
      for (let c = 0; c < a; c++) t -= L[oa + c] * L[o + c];
      t /= L[oa + a];
      L[o + a] = t;
      d2 -= t * t;
    }
    if (!(d2 > PIVOT_TOLERANCE * Math.abs(H[j * n + j])) || !Number.isFinite(d2)) return false;
    L[o + k] = Math.sqrt(d2);
    order.push(j); this.member[j] = 1;
    return true;
  }

  /** Removes the variable at position p: its row goes, and rotations of columns (c, c + 1) for c ≥ p restore the triangle. */
  private remove(p: number): void {
    const { n, L, order } = this;
    const k = order.length;
    for (let a = p; a < k - 1; a++) L.copyWithin(a * n, (a + 1) * n, (a + 1) * n + a + 2);
    for (let c = p; c < k - 1; c++) {
      const x = L[c * n + c], y = L[c * n + c + 1];
      const r = Math.sqrt(x * x + y * y), cs = x / r, sn = y / r;
      L[c * n + c] = r; L[c * n + c + 1] = 0;
      for (let a = c + 1; a < k - 1; a++) {
        const o = a * n, u = L[o + c], v = L[o + c + 1];
        L[o + c] = cs * u + sn * v;
        L[o + c + 1] = cs * v - sn * u;
      }
    }
    this.member[order[p]] = 0;
    order.splice(p, 1);
  }
}

/** Internals exposed for the tests only. */
export const nnlsInternals = { PassiveFactor };

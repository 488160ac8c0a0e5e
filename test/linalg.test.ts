// The dense linear algebra shared by the analyses (server/analyses/linalg): small cases computed by
// hand or by an independent route (the normal equations for QR, enumeration of the active sets
// for NNLS, closed-form eigenvalues), and the one policy for near-singular matrices.
import { strict as assert } from 'assert';
import {
  PIVOT_TOLERANCE, cholesky, choleskyJittered, forwardColumns, inverseNormal, leastSquaresQR, nnlsQp,
  normalEquations, principalSubmatrix, solveSpd, symmetricEigen,
} from '../server/analyses/linalg';
import { nnlsInternals } from '../server/analyses/linalg/nnls';
import { leastSquaresQRReference } from './helpers/qrReference';

// ---------------------------------------------------------------------------------------------
// Helpers

const mat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

function matVec(A: Float64Array, n: number, x: ArrayLike<number>): number[] {
  return Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; return s; });
}

/** L Lᵀ of a lower-triangular n × n factor. */
function llt(L: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k]; out[i * n + j] = s; }
  return out;
}

function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} against ${expected[i]}`);
  }
}

/** The columns of a row-major m × k matrix. */
const columns = (A: number[][]): Float64Array[] => A[0].map((_, j) => Float64Array.from(A, (row) => row[j]));

// ---------------------------------------------------------------------------------------------

describe('linalg: Cholesky', () => {
  // A = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [−1, 1, 2]], by hand.
  const A = mat([[4, 2, -2], [2, 10, 2], [-2, 2, 6]]);

  it('factors a 3×3 SPD matrix and solves it exactly (hand-computed)', () => {
    near(cholesky(A, 3)!, [2, 0, 0, 1, 3, 0, -1, 1, 2], 0, 'L');
    // x = [1, −1, 2] gives b = A x = [−2, −4, 8].
    near(solveSpd(A, [-2, -4, 8], 3)!, [1, -1, 2], 1e-15, 'x');
  });

  it('leaves its input alone and reads only the lower triangle', () => {
    const upperGarbage = Float64Array.from(A);
    upperGarbage[1] = 99; upperGarbage[2] = -99; upperGarbage[5] = 7;
    near(cholesky(upperGarbage, 3)!, cholesky(A, 3)!, 0, 'L');
    near(upperGarbage, [4, 99, -99, 2, 10, 7, -2, 2, 6], 0, 'input');
  });

  it('solves an ill-conditioned system (Hilbert 8, condition ~1.5e10) to the accuracy its condition allows', () => {
    const n = 8;
    const H = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = 1 / (i + j + 1);
    const ones = new Array(n).fill(1);
    const x = solveSpd(H, matVec(H, n, ones), n);
    assert.ok(x, 'Hilbert 8 is positive definite to working precision');
    near(x, ones, 1e-5, 'x'); // forward error ≲ cond · ε
    near(matVec(H, n, x), matVec(H, n, ones), 1e-14, 'H x'); // backward stable: the residual is at rounding
  });

  it('refuses a pivot below PIVOT_TOLERANCE of its diagonal entry, at any scale', () => {
    assert.equal(PIVOT_TOLERANCE, 1e-15);
    assert.equal(cholesky(mat([[1, 1], [1, 1]]), 2), undefined, 'singular: pivot 0');
    assert.equal(cholesky(mat([[1, 2], [2, 1]]), 2), undefined, 'indefinite: pivot −3');
    assert.equal(cholesky(mat([[1, NaN], [NaN, 1]]), 2), undefined, 'not finite');
    for (const scale of [1, 1e-200, 1e200]) {
      // Pivot 1 − (1 − δ)² ≈ 2δ: 2^-51 ≈ 4.4e-16 is refused, 2^-47 ≈ 7.1e-15 accepted.
      const refused = 1 - 2 ** -52, accepted = 1 - 2 ** -48;
      assert.equal(cholesky(mat([[scale, scale * refused], [scale * refused, scale]]), 2), undefined, `pivot 2^-51 at scale ${scale}`);
      assert.ok(cholesky(mat([[scale, scale * accepted], [scale * accepted, scale]]), 2), `pivot 2^-47 at scale ${scale}`);
    }
    assert.equal(solveSpd(mat([[1, 1], [1, 1]]), [1, 1], 2), undefined);
  });

  it('adds jitter only when asked, the smallest that passes', () => {
    const singular = mat([[1, 1], [1, 1]]);
    const L = choleskyJittered(singular, 2);
    near(llt(L, 2), [1 + 1e-13, 1, 1, 1 + 1e-13], 1e-16, 'L Lᵀ = A + 1e-13·I');
    near(choleskyJittered(A, 3), cholesky(A, 3)!, 0, 'no jitter on an SPD matrix');
    assert.throws(() => choleskyJittered(mat([[-1]]), 1), /the normal equations are not positive definite/);
  });

  it('forwardColumns computes L⁻¹ C', () => {
    const L = cholesky(A, 3)!;
    const C = mat([[1, 2, 3], [4, 5, 6], [7, 8, 10]]);
    const X = Float64Array.from(C);
    forwardColumns(L, X, 3);
    // L · X must give C back.
    const back = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) { let s = 0; for (let k = 0; k < 3; k++) s += L[i * 3 + k] * X[k * 3 + j]; back[i * 3 + j] = s; }
    near(back, C, 1e-15, 'L (L⁻¹ C)');
  });
});

describe('linalg: least squares', () => {
  it('QR fits a straight line through exact points', () => {
    const xs = [0, 1, 2, 3, 4];
    const x = leastSquaresQR(columns(xs.map((t) => [1, t])), Float64Array.from(xs, (t) => 2 + 3 * t));
    near(x!, [2, 3], 1e-14, 'intercept, slope');
  });

  it('QR agrees with the normal equations on a well-conditioned overdetermined system', () => {
    const m = 20, k = 4;
    const rows = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => Math.cos((i + 1) * (j + 1) * 0.7) + (i === j ? 2 : 0)));
    const b = Float64Array.from({ length: m }, (_, i) => Math.sin(i) + 0.1 * i);
    const qr = leastSquaresQR(columns(rows), b)!;
    const { AtA, Atb } = normalEquations(Float64Array.from(rows.flat()), b, m, k);
    near(qr, solveSpd(AtA, Atb, k)!, 1e-12, 'x');
  });

  it('QR refuses a rank-deficient matrix', () => {
    const c = Float64Array.from([1, 2, 3, 4]);
    assert.equal(leastSquaresQR([c, Float64Array.from(c, (v) => 2 * v)], Float64Array.from([1, 1, 1, 1])), undefined);
  });

  it('QR gives the values of the frozen reference to the last bit, the rank-deficient cases too (Lin-KK-like columns)', () => {
    // RC columns 1/(1 + jωτ) of 71 log-spaced frequencies, M = 1 … 60 log-spaced τ (the larger M
    // nearly dependent), with an R column, the data a seeded random vector; and scaled, shifted
    // and exactly duplicated columns.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const N = 71, m = 2 * N;
    const w = Array.from({ length: N }, (_, i) => 2 * Math.PI * 1e6 * 10 ** ((-7 * i) / (N - 1)));
    let refused = 0, solved = 0;
    for (let M = 1; M <= 60; M++) {
      const cols = [Float64Array.from({ length: m }, (_, i) => (i < N ? 1 : 0))];
      for (let j = 0; j < M; j++) {
        const tau = (1 / w[0]) * (w[0] / w[N - 1]) ** (M === 1 ? 0.5 : j / (M - 1));
        const c = new Float64Array(m);
        for (let k = 0; k < N; k++) { const x = w[k] * tau, d = 1 + x * x; c[k] = (1 / d) * (1 + random()); c[N + k] = -x / d; }
        cols.push(c);
      }
      if (M % 7 === 0) cols.push(Float64Array.from(cols[1]));
      const b = Float64Array.from({ length: m }, () => random() - 0.5);
      const expected = leastSquaresQRReference(cols, b), actual = leastSquaresQR(cols, b);
      if (expected === undefined) { refused++; assert.equal(actual, undefined, `M = ${M}`); continue; }
      solved++;
      assert.ok(actual && actual.length === expected.length, `M = ${M}`);
      for (let j = 0; j < expected.length; j++) assert.ok(Object.is(actual[j], expected[j]), `M = ${M}, x[${j}]: ${actual[j]} vs ${expected[j]}`);
    }
    assert.ok(refused > 5 && solved > 20, `${refused} refused, ${solved} solved: both kinds covered`);
  });

  it('the NNLS passive factor, updated as variables enter and leave, solves each subproblem as a fresh Cholesky solve does', () => {
    // A random SPD H (BᵀB + I/10, n = 14) and a walk of passive sets changing one to three
    // variables a step: each solve through the kept factor against solveSpd of the principal
    // submatrix, formed anew. A wrong append or removal (a row left, a rotation off) fails it.
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 14;
    const B = Float64Array.from({ length: n * n }, () => random() - 0.5);
    const H = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = i === j ? 0.1 : 0; for (let k = 0; k < n; k++) s += B[k * n + i] * B[k * n + j]; H[i * n + j] = s; }
    const g = Float64Array.from({ length: n }, () => random() - 0.5);
    const factor = new nnlsInternals.PassiveFactor(H, n);
    const passive = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) passive[i] = 1;
    let removed = 0, added = 0;
    for (let step = 0; step < 60; step++) {
      const x = factor.solve(g, passive);
      const idx = [...passive.keys()].filter((i) => passive[i]);
      const expected = solveSpd(principalSubmatrix(H, n, idx), idx.map((i) => g[i]), idx.length)!;
      idx.forEach((i, a) => assert.ok(Math.abs(x[i] - expected[a]) <= 1e-9 * (1 + Math.abs(expected[a])), `step ${step}, x[${i}] ${x[i]} vs ${expected[a]}`));
      for (let i = 0; i < n; i++) if (!passive[i]) assert.equal(x[i], 0);
      for (let c = 1 + Math.floor(random() * 3); c > 0; c--) {
        const i = Math.floor(random() * n);
        if (passive[i] && idx.length > 1) { passive[i] = 0; removed++; } else if (!passive[i]) { passive[i] = 1; added++; }
      }
    }
    assert.ok(removed > 20 && added > 20, `${removed} removals, ${added} appends`);
  });

  it('normalEquations forms AᵀA and Aᵀb (hand-computed)', () => {
    const { AtA, Atb } = normalEquations(mat([[1, 0], [1, 1], [1, 2]]), [1, 2, 4], 3, 2);
    near(AtA, [3, 3, 3, 5], 0, 'AᵀA');
    near(Atb, [7, 10], 0, 'Aᵀb');
  });

  it('inverseNormal inverts JᵀJ (hand-computed) and refuses dependent columns', () => {
    // J = [[1, 0], [1, 1], [1, 2]]: JᵀJ = [[3, 3], [3, 5]], inverse [[5, −3], [−3, 3]] / 6.
    near(inverseNormal(columns([[1, 0], [1, 1], [1, 2]]))!, [5 / 6, -0.5, -0.5, 0.5], 1e-15, '(JᵀJ)⁻¹');
    assert.equal(inverseNormal(columns([[1, 2], [1, 2], [1, 2.0000000001]])), undefined, 'nearly collinear');
    assert.equal(inverseNormal(columns([[1, 0], [1, 0]])), undefined, 'a zero column');
  });
});

describe('linalg: NNLS', () => {
  it('holds a variable at 0 when the unconstrained optimum is infeasible (hand-computed)', () => {
    // H = [[2, 1], [1, 2]], g = [1, −1]: unconstrained x = [1, −1]; with x₂ = 0, x₁ = g₁/H₁₁ = ½,
    // and the gradient g₂ − H₂₁x₁ = −1.5 < 0 keeps x₂ at its bound.
    const sol = nnlsQp(mat([[2, 1], [1, 2]]), [1, -1], 2);
    near(sol.x, [0.5, 0], 1e-15, 'x');
    assert.deepEqual(Array.from(sol.passive), [1, 0]);
    assert.equal(sol.converged, true);
  });

  it('is the unconstrained solution when that is feasible, from any warm start', () => {
    const H = mat([[4, 2, -2], [2, 10, 2], [-2, 2, 6]]), g = matVec(H, 3, [1, 0.5, 2]);
    for (const start of [undefined, Uint8Array.from([0, 0, 0]), Uint8Array.from([1, 0, 1])]) {
      near(nnlsQp(H, g, 3, start).x, [1, 0.5, 2], 1e-14, `x from ${start ? Array.from(start).join('') : 'all free'}`);
    }
  });

  it('finds the least-squares optimum over x ≥ 0 that enumerating every active set finds', () => {
    const m = 12, n = 5;
    const rows = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => Math.exp(-((i / 3 - j) ** 2) / 2)));
    const b = Float64Array.from({ length: m }, (_, i) => Math.sin(i / 2) + 0.3 * Math.cos(1.7 * i));
    const A = Float64Array.from(rows.flat());
    const { AtA, Atb } = normalEquations(A, b, m, n);
    const objective = (x: ArrayLike<number>): number => rows.reduce((s, row, i) => s + (row.reduce((t, a, j) => t + a * x[j], 0) - b[i]) ** 2, 0);
    // Independent route: least squares by QR on every subset of columns, keep the feasible ones.
    let best = Infinity, bestX: number[] = [];
    for (let mask = 1; mask < 1 << n; mask++) {
      const idx = [...Array(n).keys()].filter((j) => mask & (1 << j));
      const sub = leastSquaresQR(idx.map((j) => Float64Array.from(rows, (row) => row[j])), b);
      if (!sub || sub.some((v) => v < 0)) continue;
      const x = new Array(n).fill(0);
      idx.forEach((j, a) => { x[j] = sub[a]; });
      if (objective(x) < best) { best = objective(x); bestX = x; }
    }
    const sol = nnlsQp(AtA, Atb, n);
    assert.ok(sol.converged);
    assert.ok(Array.from(sol.passive).some((v) => v === 0), 'the case has an active constraint');
    near(sol.x, bestX, 1e-9, 'x');
    assert.ok(objective(sol.x) <= best * (1 + 1e-12), `objective ${objective(sol.x)} against ${best}`);
  });
});

describe('linalg: symmetric eigen-decomposition', () => {
  it('gives the closed-form eigenvalues of the second-difference matrix, with orthonormal eigenvectors', () => {
    const n = 3;
    const A = mat([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]);
    const { values, vectors } = symmetricEigen(A, n);
    near([...values].sort((a, b) => a - b), [2 - Math.SQRT2, 2, 2 + Math.SQRT2], 1e-15, 'λ');
    for (let k = 0; k < n; k++) {
      const v = Array.from({ length: n }, (_, i) => vectors[i * n + k]);
      near(matVec(A, n, v), v.map((x) => values[k] * x), 1e-15, `A v${k}`);
      for (let l = 0; l < n; l++) {
        const dotKL = v.reduce((s, x, i) => s + x * vectors[i * n + l], 0);
        assert.ok(Math.abs(dotKL - (k === l ? 1 : 0)) < 1e-15, `v${k}·v${l} = ${dotKL}`);
      }
    }
  });

  it('handles a diagonal matrix and a 1×1 one', () => {
    near([...symmetricEigen(mat([[3, 0], [0, -1]]), 2).values].sort((a, b) => a - b), [-1, 3], 0, 'diagonal');
    near(symmetricEigen(mat([[5]]), 1).values, [5], 0, '1×1');
  });
});

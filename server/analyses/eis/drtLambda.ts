// λ for the DRT by generalised cross-validation on the unconstrained ridge problem, as pyDRTtools
// (see drt.ts): the unpenalised columns are projected out, the penalised part whitened by the
// Cholesky factor of M and diagonalised once, so each λ costs O(nb).
import { formatNumber } from '../../domain/format';
import { choleskyJittered, forwardColumns, forwardSolve, mirrorUpper, symmetricEigenProjected, transposeInPlace } from '../linalg';
import { Problem } from './drtProblem';

const GCV_LOG_MIN = -6, GCV_LOG_MAX = 0, GCV_PER_DECADE = 4;
const GOLDEN_ITERATIONS = 25;

interface Gcv {
  rows: number;
  /** ‖(I − K) b‖² and trace(K) of the ridge solution at λ (K the influence matrix). */
  evaluate(lambda: number): { rss: number; trace: number };
}

/** The normal equations of the RBF coefficients with the unpenalised columns projected out. */
interface Projected {
  C: Float64Array;  // nb × nb
  h: Float64Array;  // nb
  Pb: Float64Array; // rows
}

/**
 * Projects out the unpenalised columns u_j (R∞: 1 on the real rows; L: ω/ω_max on the imaginary
 * rows; orthogonal to each other) with P = I − Σ u uᵀ/‖u‖²: C = (PA1)ᵀ(PA1) =
 * A1ᵀA1 − Σ (uᵀA1)ᵀ(uᵀA1)/‖u‖², h = (PA1)ᵀb = A1ᵀb − Σ (uᵀA1)ᵀ(uᵀb)/‖u‖², and Pb.
 */
function projectUnpenalised(p: Problem): Projected {
  const { rows, nb, n0, nv, A, b, AtA, Atb } = p;
  const Pb = Float64Array.from(b);
  const C = new Float64Array(nb * nb), h = new Float64Array(nb);
  for (let a = 0; a < nb; a++) {
    h[a] = Atb[n0 + a];
    for (let c = 0; c < nb; c++) C[a * nb + c] = AtA[(n0 + a) * nv + n0 + c];
  }
  for (let j = 0; j < n0; j++) {
    const uu = AtA[j * nv + j];
    const uA = new Float64Array(nb);
    for (let m = 0; m < nb; m++) uA[m] = AtA[j * nv + n0 + m] / uu;
    const ub = Atb[j] / uu;
    for (let a = 0; a < nb; a++) {
      const ka = AtA[j * nv + n0 + a];
      h[a] -= ka * ub;
      for (let c = 0; c < nb; c++) C[a * nb + c] -= ka * uA[c];
    }
    for (let r = 0; r < rows; r++) Pb[r] -= A[r * nv + j] * ub;
  }
  return { C, h, Pb };
}

function gcvSetup(p: Problem): Gcv {
  const { rows, nb, n0 } = p;
  const { C, h, Pb } = projectUnpenalised(p);
  const L = choleskyJittered(p.gram, nb);
  // B = L⁻¹ C L⁻ᵀ (the whitened normal matrix), h ← L⁻¹ h0.
  forwardColumns(L, C, nb);           // C ← L⁻¹ C
  transposeInPlace(C, nb);            // C ← (L⁻¹ C)ᵀ = C L⁻ᵀ
  forwardColumns(L, C, nb, true);     // C ← L⁻¹ C L⁻ᵀ, its upper triangle
  mirrorUpper(C, nb);                 // exactly symmetric
  forwardSolve(L, nb, h);
  // With B = V D Vᵀ and q = Vᵀh, the ridge solution is y = V (D + λ)⁻¹ q, trace K = n0 + Σ d/(d+λ),
  // and ‖Pb − Ã y‖² = ‖Pb‖² − Σ q² (d + 2λ)/(d + λ)² (no division by a small d).
  const { values: d, projected: q } = symmetricEigenProjected(C, nb, h);
  for (let k = 0; k < nb; k++) if (d[k] < 0) d[k] = 0;
  let bb = 0;
  for (let r = 0; r < rows; r++) bb += Pb[r] * Pb[r];
  return {
    rows,
    evaluate(lambda: number): { rss: number; trace: number } {
      let trace = n0, fit = 0;
      for (let k = 0; k < nb; k++) {
        const dl = d[k] + lambda;
        trace += d[k] / dl;
        fit += (q[k] * q[k] * (d[k] + 2 * lambda)) / (dl * dl);
      }
      return { rss: Math.max(bb - fit, 0), trace };
    },
  };
}

/** The (modified) GCV score of λ: n‖(I − K)b‖² / (n − ρ trace K)²; ρ as pyDRTtools' compute_mGCV (1.3 below 50 stacked data, else 2), 1 for plain GCV. */
function gcvScore(p: Problem, criterion: 'mgcv' | 'gcv'): { score: (lambda: number) => number; rho: number } {
  const gcv = gcvSetup(p);
  const n = gcv.rows;
  const rho = criterion === 'gcv' ? 1 : n < 50 ? 1.3 : 2;
  const score = (lambda: number): number => {
    const { rss, trace } = gcv.evaluate(lambda);
    const den = n - rho * trace;
    return den > 0 ? (n * rss) / (den * den) : Infinity;
  };
  return { score, rho };
}

/** Golden section on log10 λ between the grid neighbours of the grid minimum `best`; falls back to the grid point if no better. */
function refineLogLambda(score: (lambda: number) => number, grid: number[], best: number, steps: number): number {
  let lo = GCV_LOG_MIN + Math.max(0, best - 1) / GCV_PER_DECADE;
  let hi = GCV_LOG_MIN + Math.min(steps, best + 1) / GCV_PER_DECADE;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo), c = lo + g * (hi - lo);
  let fa = score(10 ** a), fc = score(10 ** c);
  for (let it = 0; it < GOLDEN_ITERATIONS && hi - lo > 1e-3; it++) {
    if (fa < fc) { hi = c; c = a; fc = fa; a = hi - g * (hi - lo); fa = score(10 ** a); }
    else { lo = a; a = c; fa = fc; c = lo + g * (hi - lo); fc = score(10 ** c); }
  }
  const t = (lo + hi) / 2;
  return score(10 ** t) <= grid[best] ? t : GCV_LOG_MIN + best / GCV_PER_DECADE;
}

/** λ minimising the GCV score over 10⁻⁶ … 1 (4 per decade, then golden section), with a note for the derivation. */
export function chooseLambda(p: Problem, criterion: 'mgcv' | 'gcv', warnings: string[]): { lambda: number; note: string } {
  const { score, rho } = gcvScore(p, criterion);
  const steps = (GCV_LOG_MAX - GCV_LOG_MIN) * GCV_PER_DECADE;
  const grid: number[] = [];
  for (let k = 0; k <= steps; k++) grid.push(score(10 ** (GCV_LOG_MIN + k / GCV_PER_DECADE)));
  let best = 0;
  for (let k = 1; k <= steps; k++) if (grid[k] < grid[best]) best = k;
  const finite = grid.filter(Number.isFinite);
  const top = finite.length > 0 ? Math.max(...finite) : NaN;
  if (!(top > 0) || !Number.isFinite(grid[best]) || grid[best] >= top * (1 - 1e-9)) {
    const lambda = 10 ** ((GCV_LOG_MIN + GCV_LOG_MAX) / 2);
    warnings.push(`GCV cannot choose λ (its score is flat over ${formatNumber(10 ** GCV_LOG_MIN)} … ${formatNumber(10 ** GCV_LOG_MAX)}: the spectrum has no relaxation the model resolves); λ = ${formatNumber(lambda)}, the middle of the range, was used: set drt-lambda in the eis protocol to choose it.`);
    return { lambda, note: `GCV flat; λ = ${formatNumber(lambda)} (middle of the search range)` };
  }
  const lambda = 10 ** refineLogLambda(score, grid, best, steps);
  if (best === 0) warnings.push(`λ is at the bottom of its search range: GCV has its minimum at the smallest λ searched (${formatNumber(10 ** GCV_LOG_MIN)}), so γ is barely regularised (fine for nearly noise-free data; otherwise γ carries spurious peaks, and R∞ and L trade off with γ at the ends of the τ range); set drt-lambda in the eis protocol (e.g. drt-lambda 1e-3) to regularise more.`);
  if (best === steps) warnings.push(`λ is at the top of its search range: GCV has its minimum at the largest λ searched (${formatNumber(10 ** GCV_LOG_MAX)}), so γ is heavily smoothed and close peaks may be merged; set drt-lambda in the eis protocol to a smaller value to resolve them.`);
  const name = criterion === 'gcv' ? 'GCV' : `modified GCV (ρ = ${rho})`;
  return { lambda, note: `λ = ${formatNumber(lambda)} by ${name} (${steps + 1} values over ${formatNumber(10 ** GCV_LOG_MIN)} … ${formatNumber(10 ** GCV_LOG_MAX)}, refined by golden section)` };
}

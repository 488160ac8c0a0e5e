// The DRT's discretised problem (see drt.ts): min ‖A x − b‖² + λ cᵀ M c over x = [R∞, (L), c] ≥ 0,
// its solution at a given λ, and the noise propagated to linear functionals of the solution.
import { NnlsSolution, choleskyJittered, choleskySolveInPlace, nnlsQp, normalEquations } from '../linalg';
import { Expansion, derivativeGram, fillRbfColumns, rbfBasis } from './drtBasis';
import { Options, Spectrum } from './drtInput';

export interface Problem extends Expansion {
  n: number;          // measured frequencies
  rows: number;       // 2n: real parts then imaginary parts
  A: Float64Array;    // rows × nv, row-major
  b: Float64Array;    // rows, impedance / scale
  AtA: Float64Array;  // nv × nv
  Atb: Float64Array;  // nv
  gram: Float64Array; // nb × nb penalty on the RBF coefficients
  omegaMax: number;   // rad/s, scale of the L column
}

export function buildProblem(s: Spectrum, opt: Options): Problem {
  const n = s.f.length, rows = 2 * n;
  const n0 = opt.inductance ? 2 : 1;
  // ln τ of the data, ascending (the frequencies are descending).
  const yData = s.f.map((f) => -Math.log(2 * Math.PI * f));
  const basis = rbfBasis(yData, opt.coeff);
  const nv = n0 + basis.nb;

  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.hypot(s.re[i], s.im[i]));
  const b = new Float64Array(rows);
  for (let i = 0; i < n; i++) { b[i] = s.re[i] / scale; b[n + i] = s.im[i] / scale; }

  const omega = s.f.map((f) => 2 * Math.PI * f);
  const omegaMax = omega[0];
  const A = new Float64Array(rows * nv);
  for (let i = 0; i < n; i++) {
    A[i * nv] = 1;
    if (opt.inductance) A[(n + i) * nv + 1] = omega[i] / omegaMax;
  }
  fillRbfColumns(A, nv, n0, basis, omega);
  const { AtA, Atb } = normalEquations(A, b, rows, nv);
  const gram = derivativeGram(basis, opt.derivative);
  // Every field named (no spread of the basis): a spread gave each Problem its own hidden class,
  // so the code reading it was deoptimised ("wrong map") on every spectrum and ran unoptimised.
  const { nb, centres, spacing, eps, ext } = basis;
  return { nb, centres, spacing, eps, ext, n, rows, n0, nv, A, b, AtA, Atb, gram, scale, omegaMax };
}

export type Solution = NnlsSolution;

/** The non-negative minimiser at λ (NNLS on H = AᵀA + λM, g = Aᵀb), from the passive set `start`. */
export function solveAt(p: Problem, lambda: number, start?: Uint8Array): Solution {
  const { nv, n0, nb } = p;
  const H = Float64Array.from(p.AtA);
  for (let a = 0; a < nb; a++) for (let c = 0; c < nb; c++) H[(n0 + a) * nv + n0 + c] += lambda * p.gram[a * nb + c];
  return nnlsQp(H, p.Atb, nv, start);
}

/** R∞ alone (γ = 0, L = 0): for a spectrum with no relaxation. */
export function resistanceOnly(p: Problem): Solution {
  const x = new Float64Array(p.nv), passive = new Uint8Array(p.nv);
  x[0] = Math.max(0, p.Atb[0] / p.AtA[0]);
  passive[0] = x[0] > 0 ? 1 : 0;
  return { x, passive, converged: true };
}

/** Noise propagation σ²‖A_P H_PP⁻¹ w_P‖² of linear functionals of the solution. */
export function noiseVariance(p: Problem, lambda: number, sol: Solution, sigma2: number): (w: Float64Array) => number {
  const idx: number[] = [];
  for (let i = 0; i < p.nv; i++) if (sol.passive[i]) idx.push(i);
  const k = idx.length;
  if (k === 0) return () => 0;
  const S = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let c = 0; c < k; c++) {
      const i = idx[a], j = idx[c];
      let v = p.AtA[i * p.nv + j];
      if (i >= p.n0 && j >= p.n0) v += lambda * p.gram[(i - p.n0) * p.nb + (j - p.n0)];
      S[a * k + c] = v;
    }
  }
  const L = choleskyJittered(S, k);
  return (w) => {
    const z = new Float64Array(k);
    for (let a = 0; a < k; a++) z[a] = w[idx[a]];
    choleskySolveInPlace(L, k, z);
    let q = 0;
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += p.AtA[idx[a] * p.nv + idx[c]] * z[c];
      q += z[a] * s;
    }
    return sigma2 * Math.max(q, 0);
  };
}

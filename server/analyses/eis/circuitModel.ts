// Evaluation of a parsed equivalent circuit: compiled once per circuit into a loop over scalar
// pairs, Z(ω) for a parameter vector in impedance.py order; and, for the fit's Jacobian, Z with
// its derivative by every parameter in the same pass (compileCircuitDerivatives).
import { Circuit, CircuitNode, ELEMENT_PARAMETERS, ElementNode } from '../../domain/circuit';
import { mapPacked } from '../common';
import { Complex, ctanh, cdiv, cmul } from './complex';

/** Writes Z(ω) of the circuit for the parameter vector `p` into `re`, `im` (length of `omega`). */
export type CircuitEvaluator = (p: ArrayLike<number>, omega: ArrayLike<number>, re: Float64Array, im: Float64Array) => void;

/** Compiles a circuit into an evaluator (scratch buffers are reused between calls). */
export function compileCircuit(circuit: Circuit): CircuitEvaluator {
  return compileNode(circuit.root);
}

/** Z(ω) of the circuit at each angular frequency (rad/s), for the parameters in impedance.py order. */
export function impedance(circuit: Circuit, params: ArrayLike<number>, omega: ArrayLike<number>): Complex[] {
  const n = omega.length;
  const re = new Float64Array(n), im = new Float64Array(n);
  compileCircuit(circuit)(params, omega, re, im);
  const out: Complex[] = [];
  for (let k = 0; k < n; k++) out.push({ re: re[k], im: im[k] });
  return out;
}

function compileNode(node: CircuitNode): CircuitEvaluator {
  if (node.kind === 'element') return elementEvaluator(node);
  const kids = mapPacked(node.children, compileNode);
  let tRe = new Float64Array(0), tIm = new Float64Array(0), shorted = new Uint8Array(0);
  const scratch = (n: number): void => {
    if (tRe.length !== n) { tRe = new Float64Array(n); tIm = new Float64Array(n); shorted = new Uint8Array(n); }
  };
  if (node.kind === 'series') {
    return (p, w, re, im) => {
      const n = w.length;
      scratch(n);
      re.fill(0, 0, n); im.fill(0, 0, n);
      for (let c = 0; c < kids.length; c++) {
        kids[c](p, w, tRe, tIm);
        for (let k = 0; k < n; k++) { re[k] += tRe[k]; im[k] += tIm[k]; }
      }
    };
  }
  // Parallel: sum the admittances; a branch with Z = 0 shorts the block.
  return (p, w, re, im) => {
    const n = w.length;
    scratch(n);
    re.fill(0, 0, n); im.fill(0, 0, n); // admittance accumulators
    shorted.fill(0);
    for (let c = 0; c < kids.length; c++) {
      kids[c](p, w, tRe, tIm);
      for (let k = 0; k < n; k++) {
        const a = tRe[k], b = tIm[k], d = a * a + b * b;
        if (d === 0) { shorted[k] = 1; continue; }
        if (!Number.isFinite(d)) continue; // an open branch adds no admittance
        re[k] += a / d; im[k] -= b / d;
      }
    }
    for (let k = 0; k < n; k++) {
      if (shorted[k]) { re[k] = 0; im[k] = 0; continue; }
      const a = re[k], b = im[k], d = a * a + b * b;
      if (d === 0) { re[k] = Infinity; im[k] = 0; continue; }
      re[k] = a / d; im[k] = -b / d;
    }
  };
}

function elementEvaluator(e: ElementNode): CircuitEvaluator {
  const i = e.firstParam;
  switch (e.type) {
    case 'R':
      return (p, w, re, im) => { for (let k = 0; k < w.length; k++) { re[k] = p[i]; im[k] = 0; } };
    case 'C':
      return (p, w, re, im) => { for (let k = 0; k < w.length; k++) { re[k] = 0; im[k] = -1 / (w[k] * p[i]); } };
    case 'L':
      return (p, w, re, im) => { for (let k = 0; k < w.length; k++) { re[k] = 0; im[k] = w[k] * p[i]; } };
    case 'CPE': {
      // ω^(−α) = exp(−α ln ω); ln ω is kept for the frequencies of the last call (the fit reuses them).
      let lastW: ArrayLike<number> | undefined, lnW = new Float64Array(0);
      return (p, w, re, im) => {
        const n = w.length;
        if (w !== lastW || lnW.length !== n || lnW[0] !== Math.log(w[0]) || lnW[n - 1] !== Math.log(w[n - 1])) {
          lnW = Float64Array.from({ length: n }, (_, k) => Math.log(w[k]));
          lastW = w;
        }
        const q = p[i], a = p[i + 1], c = Math.cos((a * Math.PI) / 2), s = Math.sin((a * Math.PI) / 2);
        for (let k = 0; k < n; k++) {
          const m = Math.exp(-a * lnW[k]) / q;
          re[k] = m * c; im[k] = -m * s;
        }
      };
    }
    case 'W':
      return (p, w, re, im) => {
        for (let k = 0; k < w.length; k++) { const m = p[i] / Math.sqrt(w[k]); re[k] = m; im[k] = -m; }
      };
    case 'Wo':
    case 'Ws': {
      const open = e.type === 'Wo';
      return (p, w, re, im) => {
        const z0 = p[i], tau = p[i + 1];
        for (let k = 0; k < w.length; k++) {
          const z = finiteWarburg(w[k] * tau, open);
          re[k] = z0 * z.re; im[k] = z0 * z.im;
        }
      };
    }
  }
}

/**
 * Writes Z(ω) into re, im and ∂Z/∂p_i for every parameter i of the circuit into dRe[i], dIm[i]
 * (each at least as long as omega). False where the closed forms do not apply: a branch of a
 * parallel block shorted (Z = 0) or open (Z not finite), or the block's admittance 0; the caller
 * then falls back to differences (the columns are left partly written).
 */
export type CircuitDerivatives = (p: ArrayLike<number>, omega: ArrayLike<number>, re: Float64Array, im: Float64Array, dRe: Float64Array[], dIm: Float64Array[]) => boolean;

/**
 * Compiles a circuit into Z and its parameter derivatives in one pass (scratch buffers are reused
 * between calls): an element's in closed form; a series block's derivative by a parameter is its
 * branch's; a parallel block's, Z = 1/ΣY_k, is (Z/Z_k)² ∂Z_k/∂p for a parameter of branch k.
 */
export function compileCircuitDerivatives(circuit: Circuit): CircuitDerivatives {
  return derivativeNode(circuit.root).fn;
}

interface CompiledDerivatives {
  fn: CircuitDerivatives;
  /** The parameters the node depends on (its elements'). */
  params: number[];
}

function derivativeNode(node: CircuitNode): CompiledDerivatives {
  if (node.kind === 'element') {
    return { fn: elementDerivatives(node), params: ELEMENT_PARAMETERS[node.type].map((_, q) => node.firstParam + q) };
  }
  const kids = mapPacked(node.children, derivativeNode);
  const params = kids.flatMap((k) => k.params);
  let tRe = new Float64Array(0), tIm = new Float64Array(0);
  // Parallel: each branch's admittance, then the factor (Z Y_k)² of its derivatives.
  const yRe = kids.map(() => new Float64Array(0)), yIm = kids.map(() => new Float64Array(0));
  const scratch = (n: number): void => {
    if (tRe.length === n) return;
    tRe = new Float64Array(n); tIm = new Float64Array(n);
    if (node.kind === 'parallel') kids.forEach((_, c) => { yRe[c] = new Float64Array(n); yIm[c] = new Float64Array(n); });
  };
  if (node.kind === 'series') {
    return {
      params,
      fn: (p, w, re, im, dRe, dIm) => {
        const n = w.length;
        scratch(n);
        re.fill(0, 0, n); im.fill(0, 0, n);
        for (let c = 0; c < kids.length; c++) {
          if (!kids[c].fn(p, w, tRe, tIm, dRe, dIm)) return false;
          for (let k = 0; k < n; k++) { re[k] += tRe[k]; im[k] += tIm[k]; }
        }
        return true;
      },
    };
  }
  return {
    params,
    fn: (p, w, re, im, dRe, dIm) => {
      const n = w.length;
      scratch(n);
      re.fill(0, 0, n); im.fill(0, 0, n); // admittance accumulators
      for (let c = 0; c < kids.length; c++) {
        if (!kids[c].fn(p, w, tRe, tIm, dRe, dIm)) return false;
        const yr = yRe[c], yi = yIm[c];
        for (let k = 0; k < n; k++) {
          const a = tRe[k], b = tIm[k], d = a * a + b * b;
          if (d === 0 || !Number.isFinite(d)) return false; // shorted or open: no closed form here
          yr[k] = a / d; yi[k] = -b / d;
          re[k] += yr[k]; im[k] += yi[k];
        }
      }
      for (let k = 0; k < n; k++) {
        const a = re[k], b = im[k], d = a * a + b * b;
        if (d === 0) return false;
        re[k] = a / d; im[k] = -b / d;
      }
      for (let c = 0; c < kids.length; c++) {
        const yr = yRe[c], yi = yIm[c];
        for (let k = 0; k < n; k++) { // (Z Y_c)², in place of Y_c
          const ur = re[k] * yr[k] - im[k] * yi[k], ui = re[k] * yi[k] + im[k] * yr[k];
          yr[k] = ur * ur - ui * ui; yi[k] = 2 * ur * ui;
        }
        for (const i of kids[c].params) {
          const cr = dRe[i], ci = dIm[i];
          for (let k = 0; k < n; k++) {
            const dr = cr[k], di = ci[k];
            cr[k] = yr[k] * dr - yi[k] * di; ci[k] = yr[k] * di + yi[k] * dr;
          }
        }
      }
      return true;
    },
  };
}

function elementDerivatives(e: ElementNode): CircuitDerivatives {
  const i = e.firstParam;
  switch (e.type) {
    case 'R':
      return (p, w, re, im, dRe, dIm) => {
        const n = w.length;
        re.fill(p[i], 0, n); im.fill(0, 0, n);
        dRe[i].fill(1, 0, n); dIm[i].fill(0, 0, n);
        return true;
      };
    case 'C':
      return (p, w, re, im, dRe, dIm) => { // ∂Z/∂C = −Z/C
        const c = p[i], dr = dRe[i], di = dIm[i];
        for (let k = 0; k < w.length; k++) { const z = -1 / (w[k] * c); re[k] = 0; im[k] = z; dr[k] = 0; di[k] = -z / c; }
        return true;
      };
    case 'L':
      return (p, w, re, im, dRe, dIm) => { // ∂Z/∂L = jω
        const dr = dRe[i], di = dIm[i];
        for (let k = 0; k < w.length; k++) { re[k] = 0; im[k] = w[k] * p[i]; dr[k] = 0; di[k] = w[k]; }
        return true;
      };
    case 'CPE': {
      // Z = ω^(−α) e^(−jαπ/2)/Q: ∂Z/∂Q = −Z/Q, ∂Z/∂α = −Z (ln ω + jπ/2).
      let lastW: ArrayLike<number> | undefined, lnW = new Float64Array(0);
      return (p, w, re, im, dRe, dIm) => {
        const n = w.length;
        if (w !== lastW || lnW.length !== n || lnW[0] !== Math.log(w[0]) || lnW[n - 1] !== Math.log(w[n - 1])) {
          lnW = Float64Array.from({ length: n }, (_, k) => Math.log(w[k]));
          lastW = w;
        }
        const q = p[i], a = p[i + 1], c = Math.cos((a * Math.PI) / 2), s = Math.sin((a * Math.PI) / 2);
        const qr = dRe[i], qi = dIm[i], ar = dRe[i + 1], ai = dIm[i + 1], h = Math.PI / 2;
        for (let k = 0; k < n; k++) {
          const m = Math.exp(-a * lnW[k]) / q, zr = m * c, zi = -m * s, l = lnW[k];
          re[k] = zr; im[k] = zi;
          qr[k] = -zr / q; qi[k] = -zi / q;
          ar[k] = zi * h - zr * l; ai[k] = -(zr * h + zi * l);
        }
        return true;
      };
    }
    case 'W':
      return (p, w, re, im, dRe, dIm) => { // ∂Z/∂Aw = (1 − j)/√ω
        const dr = dRe[i], di = dIm[i];
        for (let k = 0; k < w.length; k++) { const u = 1 / Math.sqrt(w[k]), m = p[i] * u; re[k] = m; im[k] = -m; dr[k] = u; di[k] = -u; }
        return true;
      };
    case 'Wo':
    case 'Ws': {
      // Z = Z0 F(ωτ): ∂Z/∂Z0 = F, ∂Z/∂τ = Z0 G(ωτ)/τ with G(x) = x F'(x).
      const open = e.type === 'Wo';
      return (p, w, re, im, dRe, dIm) => {
        const z0 = p[i], tau = p[i + 1], fr = dRe[i], fi = dIm[i], tr = dRe[i + 1], ti = dIm[i + 1];
        for (let k = 0; k < w.length; k++) {
          const { f, g } = finiteWarburgDerivative(w[k] * tau, open);
          re[k] = z0 * f.re; im[k] = z0 * f.im;
          fr[k] = f.re; fi[k] = f.im;
          tr[k] = (z0 * g.re) / tau; ti[k] = (z0 * g.im) / tau;
        }
        return true;
      };
    }
  }
}

/**
 * finiteWarburg F(x) with G(x) = x F'(x), on the same two branches. With s = √(jx) (so x ds/dx =
 * s/2) and t = tanh s: G = (1 − t² − F)/2 for the short form F = t/s, G = (1 − coth² s − F)/2 for
 * the open form F = coth(s)/s. Below x = 1e-4, x times the derivative of finiteWarburg's series.
 */
export function finiteWarburgDerivative(x: number, open: boolean): { f: Complex; g: Complex } {
  // F is the evaluator's own value (the same branches and rounding), G is derived from it.
  const f = finiteWarburg(x, open);
  if (x < 1e-4) {
    const x2 = x * x, x3 = x2 * x;
    return { f, g: open ? { re: -(4 * x2) / 945, im: 1 / x - x / 45 } : { re: -(4 * x2) / 15, im: -x / 3 + (51 * x3) / 315 } };
  }
  const a = Math.sqrt(x / 2);
  const t = ctanh({ re: a, im: a });
  const u = open ? cdiv({ re: 1, im: 0 }, t) : t; // coth s or tanh s
  const u2 = cmul(u, u);
  return { f, g: { re: (1 - u2.re - f.re) / 2, im: (-u2.im - f.im) / 2 } };
}

/**
 * coth(s)/s (open) or tanh(s)/s (short) with s = √(jx), x = ωτ. Below x = 1e-4 the Taylor series
 * in u = s² = jx is used: the closed form loses the real part of coth(s)/s ≈ 1/u + 1/3 there.
 */
export function finiteWarburg(x: number, open: boolean): Complex {
  if (x < 1e-4) {
    const x2 = x * x, x3 = x2 * x;
    return open
      ? { re: 1 / 3 - (2 * x2) / 945, im: -1 / x - x / 45 }
      : { re: 1 - (2 * x2) / 15, im: -x / 3 + (17 * x3) / 315 };
  }
  const a = Math.sqrt(x / 2);
  const s: Complex = { re: a, im: a };
  const t = ctanh(s);
  return open ? cdiv({ re: 1, im: 0 }, { re: s.re * t.re - s.im * t.im, im: s.re * t.im + s.im * t.re }) : cdiv(t, s);
}

// Evaluation of a parsed equivalent circuit: compiled once per circuit into a loop over scalar
// pairs, Z(ω) for a parameter vector in impedance.py order.
import { Circuit, CircuitNode, ElementNode } from '../../domain/circuit';
import { Complex, ctanh, cdiv } from './complex';

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
  const kids = node.children.map(compileNode);
  let tRe = new Float64Array(0), tIm = new Float64Array(0), shorted = new Uint8Array(0);
  const scratch = (n: number): void => {
    if (tRe.length !== n) { tRe = new Float64Array(n); tIm = new Float64Array(n); shorted = new Uint8Array(n); }
  };
  if (node.kind === 'series') {
    return (p, w, re, im) => {
      const n = w.length;
      scratch(n);
      re.fill(0, 0, n); im.fill(0, 0, n);
      for (const kid of kids) {
        kid(p, w, tRe, tIm);
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
    for (const kid of kids) {
      kid(p, w, tRe, tIm);
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

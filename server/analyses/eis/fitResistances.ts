// The circuit fit's summary resistances (fit.ts): the series (ohmic) resistance and the sum of
// the resistances inside parallel blocks, with standard errors.
import { Circuit, CircuitNode } from '../../domain/circuit';
import { Estimate, est } from '../common';
import { compileCircuit } from './circuitModel';
import type { FitSetup } from './fitChecks';
import type { FitModel } from './fitModel';
import type { Uncertainty } from './fitUncertainty';

/**
 * rOhm: R of the circuit's first element when that is a series R, else the high-frequency limit
 * Re Z(ω → ∞) of the model (rOhmIndex: the parameter it is, in the first case); rCt: the sum of
 * the resistances inside parallel blocks, if any; rTotal: their sum, with the standard error of the
 * sum (not of the parts in quadrature).
 */
export function summaryResistances(s: FitSetup, model: FitModel, p: Float64Array, u: Uncertainty): { rOhm: Estimate; rCt?: Estimate; rTotal?: Estimate; rOhmIndex?: number } {
  const { circuit, fixedVal } = s;
  const root = circuit.root;
  const firstR = root.kind === 'element' && root.type === 'R' ? root
    : root.kind === 'series' && root.children[0].kind === 'element' && root.children[0].type === 'R' ? root.children[0] : undefined;
  const hf = (pp: Float64Array): number => highFrequencyLimit(circuit, pp, model.omega[0], model.evaluate);
  const rOhm: Estimate = firstR
    ? est(p[firstR.firstParam], 'Ω', fixedVal[firstR.firstParam] === undefined ? u.stderrOf(firstR.firstParam) : undefined)
    : est(hf(p), 'Ω', u.propagate(hf));
  const ctIdx = resistorsInParallel(circuit.root);
  const rOhmIndex = firstR?.firstParam;
  if (ctIdx.length === 0) return { rOhm, rOhmIndex };
  const sum = (pp: Float64Array): number => ctIdx.reduce((acc, i) => acc + pp[i], 0);
  // rOhm + rCt with their covariance: the bulk + grain-boundary R_b of an ion-blocking cell.
  const series = (pp: Float64Array): number => (firstR ? pp[firstR.firstParam] : hf(pp)) + sum(pp);
  return { rOhm, rOhmIndex, rCt: est(sum(p), 'Ω', u.propagate(sum)), rTotal: est(series(p), 'Ω', u.propagate(series)) };
}

/** Indices of the R parameters inside any parallel block. */
function resistorsInParallel(root: CircuitNode): number[] {
  const out: number[] = [];
  const walk = (n: CircuitNode, inside: boolean): void => {
    if (n.kind === 'element') { if (inside && n.type === 'R') out.push(n.firstParam); return; }
    n.children.forEach((c) => walk(c, inside || n.kind === 'parallel'));
  };
  walk(root, false);
  return out;
}

/**
 * Re Z(ω → ∞): capacitors, CPEs (α > 0) and Warburgs short, inductors open, resistors stay. An
 * all-open parallel block (only inductive branches) falls back to Re Z at 10⁶ × the highest
 * measured ω.
 */
export function highFrequencyLimit(circuit: Circuit, p: ArrayLike<number>, wMax: number, evaluate = compileCircuit(circuit)): number {
  let fallback = false;
  const lim = (n: CircuitNode): { re: number; open: boolean } => {
    if (n.kind === 'element') {
      const v = p[n.firstParam];
      switch (n.type) {
        case 'R': return { re: v, open: false };
        case 'L': return { re: 0, open: true };
        case 'CPE': return { re: p[n.firstParam + 1] > 0 ? 0 : 1 / v, open: false };
        default: return { re: 0, open: false };
      }
    }
    const kids = n.children.map(lim);
    if (n.kind === 'series') return { re: kids.reduce((s, k) => s + k.re, 0), open: kids.some((k) => k.open) };
    const closed = kids.filter((k) => !k.open);
    if (closed.length === 0) { fallback = true; return { re: 0, open: true }; }
    if (closed.some((k) => k.re === 0)) return { re: 0, open: false };
    return { re: 1 / closed.reduce((s, k) => s + 1 / k.re, 0), open: false };
  };
  const r = lim(circuit.root);
  if (!fallback) return r.re;
  const re = new Float64Array(1), im = new Float64Array(1);
  evaluate(p, [wMax * 1e6], re, im);
  return re[0];
}

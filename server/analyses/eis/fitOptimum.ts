// The circuit fit's optimum (fit.ts): the best run's parameters, which of them ended at a bound,
// interchangeable arcs put in order, and whether the fit counts as converged.
import { Circuit } from '../../domain/circuit';
import type { FitValues } from './fit';
import type { FitSetup } from './fitChecks';
import type { FitModel, ThetaTransform } from './fitModel';
import type { Run } from './fitSolve';

type Bound = 'lower' | 'upper' | undefined;

export interface Optimum {
  /** All parameters (fixed ones included), arcs in order of time constant. */
  p: Float64Array;
  /** The same before the arcs were put in order: position by position comparable with the start. */
  unsorted: Float64Array;
  /** Weighted sum of squares at p. */
  ssr: number;
  atBound: Bound[];
  /** At the bound because the projection holds it there (not only indistinguishable from it). */
  held: boolean[];
  /** Every free parameter at a bound except a CPE exponent at 1 (an ideal capacitor, a legitimate answer). */
  keyAtBound: number[];
  isKey(i: number): boolean;
  converged: boolean;
  status: FitValues['status'];
  iterations: number;
}

export function optimumOf(s: FitSetup, model: FitModel, theta: ThetaTransform, best: Run | undefined): Optimum {
  const { circuit, free, fixedVal, lo, hi, defaultHi } = s;
  const p = model.full(best ? theta.toP(best.lm.x) : new Float64Array(0));
  const ssr = model.ssrAt(p);
  const unsorted = Float64Array.from(p);
  const { atBound, held } = boundsReached(s, model, theta, best, p, ssr);
  // Interchangeable arcs (top-level R‖C or R‖CPE blocks of the same kind) are reported in order of
  // increasing time constant, the high-frequency arc first: swapping them leaves Z unchanged.
  for (const perm of arcOrder(circuit, p, (i) => fixedVal[i] !== undefined || lo[i] !== 0 || hi[i] !== defaultHi[i])) {
    const pv = Float64Array.from(p), ab = [...atBound];
    const hb = [...held];
    for (const [to, from] of perm) { p[to] = pv[from]; atBound[to] = ab[from]; held[to] = hb[from]; }
  }
  const isKey = (i: number): boolean => !(circuit.parameters[i].type === 'CPE' && circuit.parameters[i].index === 1 && atBound[i] === 'upper');
  const keyAtBound = free.filter((i) => atBound[i] && isKey(i));
  let converged = best ? best.lm.converged : true;
  let status: FitValues['status'] = converged ? 'converged' : 'not-converged';
  if (converged && keyAtBound.length > 0) { converged = false; status = 'at-bound'; }
  return { p, unsorted, ssr, atBound, held, keyAtBound, isKey, converged, status, iterations: best ? best.iterations : 0 };
}

/**
 * Bounds reached: held there by the projection, or indistinguishable from the bound (moving the
 * parameter onto it, or an open upper bound 1000-fold beyond, changes χ² by < 1 part in 10⁶, or
 * changes Z by < 0.01 % of |Z| anywhere).
 */
function boundsReached(s: FitSetup, model: FitModel, theta: ThetaTransform, best: Run | undefined, p: Float64Array, ssr: number): { atBound: Bound[]; held: boolean[] } {
  const { free, lo, hi } = s;
  const { N, zr, zi, mr, mi } = model;
  const P = p.length;
  const atBound: Bound[] = new Array(P).fill(undefined);
  const held = new Array<boolean>(P).fill(false);
  const fitRe = new Float64Array(N), fitIm = new Float64Array(N);
  model.evaluate(p, model.omega, fitRe, fitIm);
  const same = (probe: Float64Array): boolean => {
    const s2 = model.ssrAt(probe); // leaves the probe's Z in mr, mi
    if (Number.isFinite(s2) && s2 <= ssr * (1 + 1e-6)) return true;
    let worst = 0;
    for (let k = 0; k < N; k++) worst = Math.max(worst, Math.hypot(mr[k] - fitRe[k], mi[k] - fitIm[k]) / (Math.hypot(zr[k], zi[k]) || 1));
    return Number.isFinite(worst) && worst < 1e-4;
  };
  free.forEach((i, j) => {
    if (!best) return;
    const prob = theta.problemFor(best.start);
    const t = best.lm.x[j];
    const probe = Float64Array.from(p);
    if (t <= prob.lower[j] + 1e-9 || p[i] <= lo[i]) { atBound[i] = 'lower'; held[i] = true; return; }
    if (t >= prob.upper[j] - 1e-9 || p[i] >= hi[i]) { atBound[i] = 'upper'; held[i] = true; return; }
    if (Number.isFinite(lo[i])) { probe[i] = lo[i]; if (same(probe)) { atBound[i] = 'lower'; return; } probe[i] = p[i]; }
    if (!Number.isFinite(hi[i]) && p[i] > 0) { probe[i] = p[i] * 1e3; if (same(probe)) atBound[i] = 'upper'; }
  });
  return { atBound, held };
}

/** The R‖C and R‖CPE blocks directly in the top-level series, as [R index, C/Q index, kind]. */
function simpleArcs(circuit: Circuit): { r: number; c: number; kind: 'C' | 'CPE' }[] {
  const root = circuit.root;
  const blocks = root.kind === 'series' ? root.children : [root];
  const out: { r: number; c: number; kind: 'C' | 'CPE' }[] = [];
  for (const b of blocks) {
    if (b.kind !== 'parallel' || b.children.length !== 2) continue;
    const [x, y] = b.children;
    if (x.kind !== 'element' || y.kind !== 'element') continue;
    const r = x.type === 'R' ? x : y.type === 'R' ? y : undefined;
    const c = r === x ? y : x;
    if (!r || (c.type !== 'C' && c.type !== 'CPE')) continue;
    out.push({ r: r.firstParam, c: c.firstParam, kind: c.type });
  }
  return out;
}

/**
 * For each kind of simple arc with two or more blocks, the reassignment [to, from] of parameter
 * indices that sorts them by time constant (RC, or (RQ)^(1/α)); none if any of them is fixed or
 * has its own bounds (`pinned`).
 */
function arcOrder(circuit: Circuit, p: Float64Array, pinned: (i: number) => boolean): [number, number][][] {
  const arcs = simpleArcs(circuit);
  const out: [number, number][][] = [];
  for (const kind of ['C', 'CPE'] as const) {
    const group = arcs.filter((a) => a.kind === kind);
    if (group.length < 2) continue;
    const idx = (a: { r: number; c: number }): number[] => (kind === 'C' ? [a.r, a.c] : [a.r, a.c, a.c + 1]);
    if (group.some((a) => idx(a).some(pinned))) continue;
    const tau = (a: { r: number; c: number }): number => (kind === 'C' ? p[a.r] * p[a.c] : (p[a.r] * p[a.c]) ** (1 / p[a.c + 1]));
    const sorted = [...group].sort((a, b) => tau(a) - tau(b));
    const perm: [number, number][] = [];
    group.forEach((slot, k) => { const src = idx(sorted[k]); idx(slot).forEach((to, q) => perm.push([to, src[q]])); });
    if (perm.some(([to, from]) => to !== from)) out.push(perm);
  }
  return out;
}

// Automatic starting values for a circuit fit, read off the spectrum:
// - a series R (outside every parallel block) starts at the high-frequency intercept;
// - each parallel block is an arc with a diameter R_k and a time constant τ_k: its resistors get
//   R_k, a capacitor τ_k/R_k (ω·R·C = 1 at the apex), a CPE α = 0.85 and Q = τ_k^α/R_k;
// - each finite-length Warburg (Wo, Ws) is a process of its own with Z0 = R_k and τ = τ_k;
// - a semi-infinite Warburg W gets Aw from the low-frequency tail, −Im(Z) ≈ Aw/√ω;
// - a series C (or CPE) is a blocking element: C = 1/(ω_min·(−Im Z)) at the lowest frequency;
//   a series L is read from the inductive part at the highest frequency.
// The arcs' (R_k, τ_k) come from the peaks of −Im(Z) (apex frequency and height ≈ R_k/2), and from
// several other placements of the time constants (even spacing in either order, and a log-spaced
// grid over the measured range), so the fit can start from each and keep the best.
import { ohmicResistance } from '../contact';
import { Circuit, CircuitNode } from '../../domain/circuit';

export interface SpectrumData {
  /** Angular frequency, rad/s, highest first. */
  omega: Float64Array;
  re: Float64Array;
  im: Float64Array;
}

interface Features {
  rHigh: number;
  rLow: number;
  zScale: number;
  wMin: number;
  wMax: number;
  /** −Im(Z) peaks, highest frequency first. */
  peaks: { omega: number; height: number }[];
  aw: number;
  blockingC: number;
  inductance: number;
}

type Process = { kind: 'arc'; node: CircuitNode } | { kind: 'diffusion'; node: CircuitNode };

function features(d: SpectrumData): Features {
  const n = d.omega.length;
  let zScale = 0;
  for (let k = 0; k < n; k++) zScale = Math.max(zScale, Math.hypot(d.re[k], d.im[k]));
  if (!(zScale > 0)) zScale = 1;
  const ohm = ohmicResistance({ frequency: Array.from(d.omega, (w) => w / (2 * Math.PI)), zReal: d.re, zImag: d.im });
  let rHigh = ohm.ok ? ohm.rOhm.value : Math.min(...d.re);
  if (!(rHigh > 0)) rHigh = 1e-3 * zScale;
  const rLow = d.re[n - 1];
  const wMin = d.omega[n - 1], wMax = d.omega[0];

  // Peaks of −Im(Z) on a 3-point running mean (ignore the ends: an arc must turn over in range).
  const y = Array.from(d.im, (v) => -v);
  const s = y.map((_, k) => (y[Math.max(k - 1, 0)] + y[k] + y[Math.min(k + 1, n - 1)]) / 3);
  const ymax = Math.max(...y, 0);
  const peaks: Features['peaks'] = [];
  for (let k = 1; k < n - 1; k++) {
    if (s[k] > 0 && s[k] >= s[k - 1] && s[k] > s[k + 1] && y[k] > 0.03 * ymax) peaks.push({ omega: d.omega[k], height: y[k] });
  }

  // Low-frequency tail: −Im(Z) against 1/√ω over the lowest points.
  const m = Math.max(3, Math.min(8, Math.floor(n / 5)));
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let k = n - m; k < n; k++) {
    const xv = 1 / Math.sqrt(d.omega[k]);
    sx += xv; sy += y[k]; sxx += xv * xv; sxy += xv * y[k];
  }
  const slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  const aw = slope > 0 && Number.isFinite(slope) ? slope : 0.1 * zScale * Math.sqrt(wMin);
  const blockingC = 1 / (wMin * Math.max(y[n - 1], 1e-3 * zScale));
  const inductance = d.im[0] > 0 ? d.im[0] / wMax : (1e-3 * zScale) / wMax;
  return { rHigh, rLow, zScale, wMin, wMax, peaks, aw, blockingC, inductance };
}

/** The arcs (parallel blocks) and finite-length Warburgs, in order of appearance. */
function processes(root: CircuitNode): Process[] {
  const out: Process[] = [];
  const walk = (node: CircuitNode): void => {
    if (node.kind === 'parallel') out.push({ kind: 'arc', node });
    if (node.kind === 'element' && (node.type === 'Wo' || node.type === 'Ws')) out.push({ kind: 'diffusion', node });
    if (node.kind !== 'element') node.children.forEach(walk);
  };
  walk(root);
  return out;
}

const CPE_ALPHA = 0.85;

/** Fills a full parameter vector from per-process (R_k, τ_k). */
function fill(circuit: Circuit, f: Features, procs: Process[], R: number[], tau: number[]): number[] {
  const p = new Array<number>(circuit.parameters.length).fill(NaN);
  // Resistors per arc (not inside a nested arc), and series resistors.
  const arcOf = new Map<CircuitNode, number>();
  procs.forEach((pr, k) => arcOf.set(pr.node, k));
  const rCount = new Map<number, number>();
  const assign: { node: CircuitNode; arc: number }[] = [];
  const walk = (node: CircuitNode, arc: number): void => {
    const here = node.kind === 'parallel' ? arcOf.get(node) ?? arc : arc;
    if (node.kind === 'element') {
      assign.push({ node, arc });
      if (node.type === 'R') rCount.set(arc, (rCount.get(arc) ?? 0) + 1);
      return;
    }
    node.children.forEach((c) => walk(c, here));
  };
  walk(circuit.root, -1);
  const rPer = (arc: number): number => (arc < 0 ? f.rHigh : R[arc]) / Math.max(1, rCount.get(arc) ?? 1);
  for (const { node, arc } of assign) {
    if (node.kind !== 'element') continue;
    const i = node.firstParam;
    const rk = arc < 0 ? f.rHigh : R[arc], tk = arc < 0 ? 1 / f.wMin : tau[arc];
    switch (node.type) {
      case 'R': p[i] = rPer(arc); break;
      case 'C': p[i] = arc < 0 ? f.blockingC : tk / rk; break;
      case 'L': p[i] = arc < 0 ? f.inductance : rk * tk; break;
      case 'CPE':
        p[i + 1] = CPE_ALPHA;
        p[i] = arc < 0 ? f.blockingC ** CPE_ALPHA * f.wMin ** (CPE_ALPHA - 1) : tk ** CPE_ALPHA / rk;
        break;
      case 'W': p[i] = f.aw; break;
      case 'Wo': case 'Ws': {
        const k = arcOf.get(node)!;
        p[i] = R[k]; p[i + 1] = tau[k];
        break;
      }
    }
  }
  return p;
}

/** Log-spaced values from a to b (inclusive). */
function logspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [Math.sqrt(a * b)];
  return Array.from({ length: n }, (_, k) => a * (b / a) ** (k / (n - 1)));
}

/** All increasing k-subsets of 0..g−1. */
function combinations(g: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === k) { out.push([...acc]); return; }
    for (let i = start; i < g; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/**
 * Up to `count` starting vectors (full parameter vectors in impedance.py order), the structured
 * ones first. Fixed parameters are overwritten by the caller.
 */
export function autoGuesses(circuit: Circuit, d: SpectrumData, count: number): { starts: number[][]; note: string } {
  const f = features(d);
  const procs = processes(circuit.root);
  const K = procs.length;
  const hasW = circuit.elements.some((e) => e.type === 'W');
  let rPol = f.rLow - f.rHigh - (hasW ? f.aw / Math.sqrt(f.wMin) : 0);
  if (!(rPol > 0.02 * f.zScale)) rPol = Math.max(rPol, 0.3 * f.zScale);
  const tMin = 1 / f.wMax, tMax = 1 / f.wMin;
  const starts: number[][] = [];
  const add = (R: number[], tau: number[]): void => { starts.push(fill(circuit, f, procs, R, tau)); };

  if (K === 0) {
    add([], []);
  } else {
    // 1. From the peaks: apex ω_k = 1/τ_k, diameter ≈ 2 × height (a little more for a depressed arc).
    const peaks = f.peaks.slice(0, K);
    const tauP = peaks.map((pk) => 1 / pk.omega);
    const rP = peaks.map((pk) => (2 * pk.height) / 0.9);
    const used = rP.reduce((a, b) => a + b, 0);
    const rest = Math.max(rPol - used, 0.1 * rPol);
    const missing = K - peaks.length;
    const lowest = tauP.length ? Math.max(...tauP) : tMin;
    const extraTau = missing > 0 ? logspace(Math.max(lowest * 10, Math.sqrt(tMin * tMax)), tMax * 3, missing) : [];
    if (peaks.length > 0) add([...rP, ...Array(missing).fill(rest / Math.max(missing, 1))], [...tauP, ...extraTau]);
    // 2, 3. Even spacing over the measured range, in circuit order and reversed.
    const even = Array.from({ length: K }, (_, k) => tMin * (tMax / tMin) ** ((k + 0.5) / K));
    const eqR = Array(K).fill(rPol / K);
    add(eqR, even);
    if (K > 1) add(eqR, [...even].reverse());
    // 4. A log-spaced grid of time constants (increasing in circuit order, then other orders).
    const G = K === 1 ? 7 : K === 2 ? 6 : 5;
    const grid = logspace(tMin / 3, tMax * 3, G);
    const combos = combinations(G, Math.min(K, G));
    const orders: number[][] = combos.map((c) => c.map((i) => grid[i]));
    if (K > 1) for (const c of combos) orders.push(c.map((i) => grid[i]).reverse());
    const room = Math.max(count - starts.length, 0);
    const stride = orders.length / Math.max(room, 1);
    for (let q = 0; q < room && q < orders.length; q++) {
      const taus = orders[Math.floor(q * stride)];
      while (taus.length < K) taus.push(tMax);
      add(eqR, taus);
    }
  }
  const note = `R(high-frequency intercept) ${f.rHigh.toPrecision(3)} Ω, polarisation ${rPol.toPrecision(3)} Ω, ${f.peaks.length} −Im(Z) peak${f.peaks.length === 1 ? '' : 's'}`;
  return { starts: starts.slice(0, Math.max(1, count)), note };
}

// Synthetic traces of the solid-state toolkit (domain.md, "The wider solid-state toolkit") from
// known parameters, in SI units, and EC-Lab .mpt text exports of them: spectra of ion-blocking
// cells, GITT pulses, long-term symmetric cycling with a short, DC polarisation, full-cell
// cycling with incremental-capacity peaks. Deterministic (seeded noise), so failures reproduce.
import * as fs from 'fs';
import { ecLabNumber } from './dataFiles';
import { gaussian } from './traces';

// ---------------------------------------------------------------------------------------------
// Spectra of ion-blocking cells

export interface BlockingOptions {
  /** Bulk resistance seen at high frequency (Ω). */
  r0: number;
  /** Resolved arcs (e.g. the grain boundary): R (Ω), C (F), α. */
  arcs?: { r: number; c: number; alpha?: number }[];
  /** The blocking electrodes: a CPE of Q (F·s^(α−1)) and α. */
  q: number;
  alpha: number;
  fHigh?: number;
  fLow?: number;
  perDecade?: number;
  /** Gaussian noise of σ = relative · |Z| on Re and Im. */
  noise?: number;
  seed?: number;
}

/** Z = R0 + Σ R/(1 + (jωRC)^α) + 1/(Q (jω)^α_b), highest frequency first; zImag negative. */
export function blockingSpectrum(o: BlockingOptions): { frequency: number[]; zReal: number[]; zImag: number[] } {
  const fHigh = o.fHigh ?? 7e6, fLow = o.fLow ?? 1, perDecade = o.perDecade ?? 10;
  const n = Math.round(Math.log10(fHigh / fLow) * perDecade) + 1;
  const g = gaussian(o.seed ?? 11);
  const out = { frequency: [] as number[], zReal: [] as number[], zImag: [] as number[] };
  for (let k = 0; k < n; k++) {
    const f = fHigh * 10 ** (-k / perDecade), w = 2 * Math.PI * f;
    let re = o.r0, im = 0;
    for (const a of o.arcs ?? []) {
      const alpha = a.alpha ?? 1, m = (w * a.r * a.c) ** alpha;
      const x = 1 + m * Math.cos((alpha * Math.PI) / 2), y = m * Math.sin((alpha * Math.PI) / 2), d = x * x + y * y;
      re += (a.r * x) / d; im -= (a.r * y) / d;
    }
    const mag = 1 / (o.q * w ** o.alpha);
    re += mag * Math.cos((o.alpha * Math.PI) / 2); im -= mag * Math.sin((o.alpha * Math.PI) / 2);
    const s = (o.noise ?? 0) * Math.hypot(re, im);
    out.frequency.push(f); out.zReal.push(re + s * g()); out.zImag.push(im + s * g());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// GITT

export interface GittOptions {
  current: number;   // A, signed (positive: charge)
  tau: number;       // s, pulse
  rest: number;      // s
  pulses: number;
  dtPulse: number;   // s
  dtRest: number;    // s
  /** The true diffusion coefficient (m²/s) and diffusion length (m) that set ΔE_t from ΔE_s. */
  d: number;
  length: number;
  /** Relaxed voltage before the first pulse (V) and ΔE_s of pulse k (1-based, V). */
  e0: number;
  dEs: (k: number) => number;
  /** Ohmic resistance (Ω): the IR step at the start and end of each pulse. */
  resistance: number;
  /** Time constant of the relaxation during the rest (s). */
  relax: number;
  /** An open-circuit rest before the first pulse (s, default one rest). */
  lead?: number;
  /** E during pulse k also gets curvature(k)·ΔE_t·(t/τ): a departure from E ∝ √t. */
  curvature?: (k: number) => number;
  /** Pulse k (1-based) is followed at once by the next one, without a rest. */
  noRestAfter?: number;
  noise?: number; // V σ
  seed?: number;
}

/** ΔE_t that Weppner–Huggins turns into D: ΔE_s · √(4 L² / (π τ D)). */
export const gittDEt = (o: GittOptions, k: number) => o.dEs(k) * Math.sqrt((4 * o.length ** 2) / (Math.PI * o.tau * o.d));

export function gittTrace(o: GittOptions): { time: number[]; voltage: number[]; current: number[] } {
  const g = gaussian(o.seed ?? 5), sigma = o.noise ?? 0;
  const tr = { time: [] as number[], voltage: [] as number[], current: [] as number[] };
  const push = (t: number, v: number, i: number) => { tr.time.push(t); tr.voltage.push(v + sigma * g()); tr.current.push(i); };
  let t = 0, e = o.e0;
  for (let s = 0; s < (o.lead ?? o.rest); s += o.dtRest) push(t + s, e, 0);
  t += o.lead ?? o.rest;
  for (let k = 1; k <= o.pulses; k++) {
    const dEt = gittDEt(o, k), bend = o.curvature?.(k) ?? 0;
    const shape = (x: number) => dEt * ((1 - bend) * Math.sqrt(x) + bend * x);
    for (let s = 0; s < o.tau - 1e-9; s += o.dtPulse) push(t + s, e + o.current * o.resistance + shape(s / o.tau), o.current);
    t += o.tau;
    const end = e + shape(1), after = e + o.dEs(k);
    const rest = k === o.noRestAfter ? 0 : o.rest;
    for (let s = 0; s < rest - 1e-9; s += o.dtRest) push(t + s, after + (end - after) * Math.exp(-s / o.relax), 0);
    t += rest;
    e = after;
  }
  push(t, e, 0);
  return tr;
}

// ---------------------------------------------------------------------------------------------
// Long-term symmetric cycling

export interface SymmetricOptions {
  currentDensity: number; // A/m²
  area: number;           // m²
  halfCycle: number;      // s
  cycles: number;
  dt: number;             // s
  /** ASR (Ω·m²) of cycle c (1-based): constant within a cycle. */
  asr: (cycle: number) => number;
  /** The nucleation overshoot at the start of each half-cycle: η × (1 + overshoot·e^(−t/(2 % of the half-cycle))). */
  overshoot?: number;
  /** From this time on (s) the cell is shorted: |V| near 0.5 mV, noisy. */
  shortAt?: number;
  noise?: number; // V σ
  seed?: number;
}

export function symmetricTrace(o: SymmetricOptions): { time: number[]; voltage: number[]; current: number[]; cycle: number[] } {
  const g = gaussian(o.seed ?? 7), sigma = o.noise ?? 0;
  const tr = { time: [] as number[], voltage: [] as number[], current: [] as number[], cycle: [] as number[] };
  const i = o.currentDensity * o.area;
  for (let c = 1; c <= o.cycles; c++) {
    for (const sign of [1, -1]) {
      const t0 = ((c - 1) * 2 + (sign > 0 ? 0 : 1)) * o.halfCycle;
      for (let s = 0; s < o.halfCycle - 1e-9; s += o.dt) {
        const t = t0 + s;
        const shorted = o.shortAt !== undefined && t >= o.shortAt;
        const eta = shorted ? 5e-4 * (1 + 0.5 * g()) : o.currentDensity * o.asr(c) * (1 + (o.overshoot ?? 0) * Math.exp(-s / (0.02 * o.halfCycle)));
        tr.time.push(t); tr.voltage.push(sign * eta + sigma * g()); tr.current.push(sign * i); tr.cycle.push(c);
      }
    }
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// DC polarisation

export interface DcOptions {
  voltage: number;    // V
  steady: number;     // A, the electronic current I_ss
  ionic: number;      // A, the decaying ionic part at t = 0
  tau: number;        // s, its time constant
  hold: number;       // s
  dt: number;         // s
  noise?: number;     // A σ
  seed?: number;
}

export function dcTrace(o: DcOptions): { time: number[]; voltage: number[]; current: number[] } {
  const g = gaussian(o.seed ?? 9), sigma = o.noise ?? 0;
  const tr = { time: [] as number[], voltage: [] as number[], current: [] as number[] };
  for (let t = 0; t <= o.hold + 1e-9; t += o.dt) {
    tr.time.push(t); tr.voltage.push(o.voltage + 1e-5 * g()); tr.current.push(o.steady + o.ionic * Math.exp(-t / o.tau) + sigma * g());
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// Full-cell cycling with incremental-capacity peaks

export interface DqdvOptions {
  /** Plateaus: Q(V) steps of charge q (C) centred at v (V) with width w (V); on discharge at v − hysteresis. */
  peaks: { v: number; q: number; w: number }[];
  /** A sloping background of this charge (C) spread evenly over [lo, hi]. */
  background: number;
  lo: number;
  hi: number;
  hysteresis: number; // V
  /** Peak k of cycle c sits at v + shift(c) (V): degradation moves it. */
  shift?: (cycle: number) => number;
  current: number; // A
  cycles: number;
  dt: number;      // s
  noise?: number;  // V σ
  seed?: number;
}

/** Q(V) of the model (C) from lo. */
export function dqdvCharge(o: DqdvOptions, v: number, centre: (p: DqdvOptions['peaks'][number]) => number): number {
  let q = (o.background * (v - o.lo)) / (o.hi - o.lo);
  for (const p of o.peaks) q += p.q / (1 + Math.exp(-(v - centre(p)) / p.w)) - p.q / (1 + Math.exp(-(o.lo - centre(p)) / p.w));
  return q;
}

export function dqdvTrace(o: DqdvOptions): { time: number[]; voltage: number[]; current: number[]; cycle: number[] } {
  const g = gaussian(o.seed ?? 13), sigma = o.noise ?? 0;
  const tr = { time: [] as number[], voltage: [] as number[], current: [] as number[], cycle: [] as number[] };
  let t = 0;
  for (let c = 1; c <= o.cycles; c++) {
    const shift = o.shift?.(c) ?? 0;
    for (const dir of [1, -1]) {
      const centre = (p: { v: number }) => p.v + shift - (dir < 0 ? o.hysteresis : 0);
      const total = dqdvCharge(o, o.hi, centre);
      const duration = total / o.current;
      for (let s = 0; s <= duration; s += o.dt) {
        const passed = dir > 0 ? o.current * s : total - o.current * s;
        // V(Q) by bisection: Q(V) rises monotonically from lo to hi.
        let a = o.lo, b = o.hi;
        for (let it = 0; it < 60; it++) { const m = (a + b) / 2; if (dqdvCharge(o, m, centre) < passed) a = m; else b = m; }
        tr.time.push(t + s); tr.voltage.push((a + b) / 2 + sigma * g()); tr.current.push(dir * o.current); tr.cycle.push(c);
      }
      t += duration + o.dt;
    }
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// EC-Lab text exports

/** An EC-Lab .mpt with a short header block (technique line, the facts that matter) and the given columns. */
export function writeEcLab(path: string, technique: string, columns: string[], rows: number[][], facts: string[] = []): void {
  const header = ['EC-Lab ASCII FILE', '', '', technique, '', 'Run on channel : 1 (SN 4711)', ...facts, 'Comments : synthetic test data from known parameters'];
  header[1] = `Nb header lines : ${header.length + 1}`;
  const fmt = (name: string, x: number) => (/cycle number/.test(name) ? String(x) : ecLabNumber(x, /time/.test(name) ? 9 : 7));
  const body = rows.map((r) => r.map((x, k) => fmt(columns[k], x)).join('\t'));
  fs.writeFileSync(path, Buffer.from([...header, columns.join('\t') + '\t', ...body].join('\r\n') + '\r\n', 'latin1'));
}

/** A spectrum as EC-Lab writes it (PEIS), with the chamber temperature in a column when given. */
export function writeSpectrum(path: string, z: { frequency: number[]; zReal: number[]; zImag: number[] }, temperatureC?: number): void {
  const cols = ['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', ...(temperatureC !== undefined ? ['Temperature/°C'] : [])];
  writeEcLab(path, 'Potentio Electrochemical Impedance Spectroscopy', cols,
    z.frequency.map((f, k) => [f, z.zReal[k], -z.zImag[k], ...(temperatureC !== undefined ? [temperatureC] : [])]));
}

/** A DC trace (time/s, Ewe/V, I/mA and, when given, cycle number). */
export function writeTrace(path: string, technique: string, tr: { time: number[]; voltage: number[]; current: number[]; cycle?: number[] }): void {
  const cols = ['time/s', 'Ewe/V', 'I/mA', ...(tr.cycle ? ['cycle number'] : [])];
  writeEcLab(path, technique, cols, tr.time.map((t, k) => [t, tr.voltage[k], tr.current[k] * 1e3, ...(tr.cycle ? [tr.cycle[k]] : [])]));
}

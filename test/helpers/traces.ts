// Synthetic instrument traces from known parameters, in SI units, for the analyses tests.
// Every generator is deterministic (seeded) so a failing test reproduces.

/** A seeded uniform generator in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded standard normal generator (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface Trace {
  time: number[];
  voltage: number[];
  current: number[];
  cycle?: number[];
}

// ---------------------------------------------------------------------------------------------
// Sand-limited stripping

export interface StrippingTraceOptions {
  currentDensity: number; // A/m²
  area: number;           // m²
  /** Sand depletion time (s): the overpotential diverges there. */
  t0: number;
  /** Ohmic resistance (Ω): an IR drop of I·R from the first sample. */
  resistance: number;
  /** Scale of the concentration overpotential η = -b·ln(1 - √(t/t0)) (V). */
  b: number;
  cutoff: number; // V
  dt: number;     // s
  /** Rest at open circuit before the current starts (s). */
  rest?: number;
  /** Open-circuit voltage (V, default 0). */
  ocv?: number;
  /** Gaussian voltage noise σ (V). */
  noise?: number;
  seed?: number;
  /** Times (s after the current starts) of single samples pushed 50 mV beyond the cutoff. */
  spikes?: number[];
  /** Stop after this long (s after the current starts) even before the cutoff. */
  stopAfter?: number;
  /** Samples recorded beyond the cutoff before the cycler stops (default 3), then a rest of 10 samples. */
  after?: number;
  /** Sign of the stripping current as recorded (default +1). */
  sign?: 1 | -1;
}

/** V(t) = ocv − I·R − b·(−ln(1 − √(t/t0))), the noiseless stripping voltage (clipped at −5 V). */
export function strippingVoltage(o: StrippingTraceOptions, tau: number): number {
  const i = o.currentDensity * o.area;
  const arg = 1 - Math.sqrt(Math.min(tau, o.t0) / o.t0);
  const eta = arg > 1e-12 ? -o.b * Math.log(arg) : 5;
  return Math.max((o.ocv ?? 0) - i * o.resistance - eta, -5);
}

/** The exact time (after the current starts) at which the noiseless voltage reaches the cutoff. */
export function strippingCrossing(o: StrippingTraceOptions): number {
  const i = o.currentDensity * o.area;
  const margin = (o.ocv ?? 0) - i * o.resistance - o.cutoff;
  return o.t0 * (1 - Math.exp(-margin / o.b)) ** 2;
}

export function strippingTrace(o: StrippingTraceOptions): Trace {
  const noise = gaussian(o.seed ?? 1);
  const sigma = o.noise ?? 0;
  const rest = o.rest ?? 0;
  const i = (o.sign ?? 1) * o.currentDensity * o.area;
  const tr: Trace = { time: [], voltage: [], current: [] };
  for (let t = 0; t < rest; t += o.dt) {
    tr.time.push(t); tr.voltage.push((o.ocv ?? 0) + sigma * noise()); tr.current.push(0);
  }
  const spikes = new Set((o.spikes ?? []).map((s) => Math.round(s / o.dt)));
  let beyond = 0;
  for (let k = 0; ; k++) {
    const tau = k * o.dt;
    if (o.stopAfter !== undefined && tau > o.stopAfter) break;
    let v = strippingVoltage(o, tau) + sigma * noise();
    if (spikes.has(k)) v = o.cutoff - 0.05;
    tr.time.push(rest + tau); tr.voltage.push(v); tr.current.push(i);
    if (strippingVoltage(o, tau) <= o.cutoff && ++beyond >= (o.after ?? 3)) break;
  }
  const tEnd = tr.time[tr.time.length - 1];
  for (let k = 1; k <= 10; k++) {
    tr.time.push(tEnd + k * o.dt); tr.voltage.push((o.ocv ?? 0) - 0.05 / k); tr.current.push(0);
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// CCD staircase of a symmetric cell

export interface StaircaseOptions {
  densities: number[]; // A/m², one per step
  area: number;        // m²
  halfCycle: number;   // s per half cycle (one charge and one discharge per step)
  dt: number;          // s
  /** Area-specific resistance (Ω·m²) and a Butler–Volmer-like term b·asinh(j/j0). */
  asr?: number;
  b?: number;
  j0?: number;
  /** The step that shorts (0-based), and where in that step the short begins (fraction 0..1). */
  shortAtStep?: number;
  shortAt?: number;
  /** 'hard': |V| falls to ~2 % of the polarisation; 'soft': noisy drops that partly recover. */
  mode?: 'hard' | 'soft';
  noise?: number; // V σ
  /** The first sample of each half cycle near 0 V, as the voltage swings through zero at a reversal. */
  reversals?: boolean;
  /** Isolated single-sample dropouts to ~0 V in the steps before the short. */
  glitches?: number;
  seed?: number;
}

/** Polarisation of the healthy cell at current density j (V). */
export function staircasePolarisation(o: StaircaseOptions, j: number): number {
  return j * (o.asr ?? 1.3e-3) + (o.b ?? 0.01) * Math.asinh(j / (o.j0 ?? 1));
}

export function staircaseTrace(o: StaircaseOptions): Trace & { shortTime?: number } {
  const noise = gaussian(o.seed ?? 2);
  const u = rng((o.seed ?? 2) + 1000);
  const sigma = o.noise ?? 0;
  const tr: Trace & { shortTime?: number } = { time: [], voltage: [], current: [] };
  const perHalf = Math.round(o.halfCycle / o.dt);
  const stepLen = 2 * o.halfCycle;
  const shortStep = o.shortAtStep ?? -1;
  const shortTime = shortStep >= 0 ? shortStep * stepLen + (o.shortAt ?? 0.3) * stepLen : Infinity;
  if (shortStep >= 0) tr.shortTime = shortTime;
  const glitchAt = new Set<number>();
  const lastHealthy = Math.max(0, shortStep >= 0 ? shortStep : o.densities.length) * 2 * perHalf;
  for (let g = 0; g < (o.glitches ?? 0); g++) glitchAt.add(Math.floor(u() * lastHealthy));
  let sample = 0;
  for (let s = 0; s < o.densities.length; s++) {
    const j = o.densities[s];
    const pol = staircasePolarisation(o, j);
    for (let h = 0; h < 2; h++) {
      const sign = h === 0 ? 1 : -1;
      // Samples at both ends of each half cycle, as cyclers log step ends and starts.
      for (let k = 0; k <= perHalf; k++) {
        const t = s * stepLen + h * o.halfCycle + k * o.dt;
        const growth = 1 + 0.2 * (k / perHalf); // polarisation grows within a half cycle
        let mag = pol * growth;
        if (t >= shortTime) {
          if ((o.mode ?? 'hard') === 'hard') mag = 0.02 * pol;
          else mag = pol * (u() < 0.65 ? 0.15 * u() : 0.3 + 0.5 * u());
        }
        if (glitchAt.has(sample) || (o.reversals && k === 0)) mag = 0;
        tr.time.push(t); tr.voltage.push(sign * mag + sigma * noise()); tr.current.push(sign * j * o.area);
        sample++;
      }
    }
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// Impedance spectra

export interface Arc {
  r: number;      // Ω
  c: number;      // F (τ = r·c)
  alpha?: number; // CPE exponent (1 = ideal RC)
}

export interface SpectrumOptions {
  r0: number;
  arcs: Arc[];
  /** Series inductance (H): an inductive tail at high frequency. */
  inductance?: number;
  fHigh?: number;
  fLow?: number;
  perDecade?: number;
}

/** Z = R0 + jωL + Σ R/(1 + (jωτ)^α), highest frequency first; zImag negative for capacitive. */
export function spectrum(o: SpectrumOptions): { frequency: number[]; zReal: number[]; zImag: number[] } {
  const fHigh = o.fHigh ?? 1e6, fLow = o.fLow ?? 0.1, perDecade = o.perDecade ?? 10;
  const n = Math.round(Math.log10(fHigh / fLow) * perDecade) + 1;
  const out = { frequency: [] as number[], zReal: [] as number[], zImag: [] as number[] };
  for (let k = 0; k < n; k++) {
    const f = fHigh * 10 ** (-k / perDecade);
    const w = 2 * Math.PI * f;
    let re = o.r0, im = w * (o.inductance ?? 0);
    for (const a of o.arcs) {
      const alpha = a.alpha ?? 1;
      const m = (w * a.r * a.c) ** alpha;
      const x = 1 + m * Math.cos((alpha * Math.PI) / 2), y = m * Math.sin((alpha * Math.PI) / 2);
      const d = x * x + y * y;
      re += (a.r * x) / d; im += (-a.r * y) / d;
    }
    out.frequency.push(f); out.zReal.push(re); out.zImag.push(im);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Galvanostatic cycling of a full cell

export interface CyclePlan {
  charge: number;    // C
  discharge: number; // C
  current: number;   // A (magnitude)
}

export interface CyclingTraceOptions {
  cycles: CyclePlan[];
  dt: number; // s
  /** Rest between half cycles (s, default 600). */
  rest?: number;
  /** The rests are not logged: a half cycle's first sample follows the previous one's last `rest` s later. */
  unloggedRest?: boolean;
  /** Each half cycle's first sample is logged this long (s) after its current started (default 0). */
  lateStart?: number;
  /** A soft short during the charge of this cycle (1-based): the voltage drops 0.1 V halfway. */
  softShortCycle?: number;
  noise?: number; // V σ
  seed?: number;
  /** Sign of a charging current as recorded (default +1). */
  chargeSign?: 1 | -1;
  /** Stop partway through the last discharge (fraction delivered, default 1). */
  lastDischargeFraction?: number;
}

/** The instrument's capacity counters at each sample (C), as the exports write them. */
export interface TraceCounters {
  /** EC-Lab (Q-Qo): the charge passed since the start, signed like the current. */
  qMinusQo: number[];
  /** EC-Lab Q charge/discharge: the charge of the current half cycle, signed, from zero at each half cycle. */
  qHalf: number[];
  /** Arbin Charge_Capacity and Discharge_Capacity: per cycle, from zero at each cycle. */
  chargeCapacity: number[];
  dischargeCapacity: number[];
}

export function cyclingTrace(o: CyclingTraceOptions): Trace & { cycle: number[]; counters: TraceCounters } {
  const noise = gaussian(o.seed ?? 3);
  const sigma = o.noise ?? 0;
  const sign = o.chargeSign ?? 1;
  const rest = o.rest ?? 600;
  const late = o.lateStart ?? 0;
  const counters: TraceCounters = { qMinusQo: [], qHalf: [], chargeCapacity: [], dischargeCapacity: [] };
  const tr: Trace & { cycle: number[]; counters: TraceCounters } = { time: [], voltage: [], current: [], cycle: [], counters };
  let t = 0;
  let q = 0, half = 0, cc = 0, dc = 0; // counters at the start of the running segment
  const push = (time: number, v: number, i: number, c: number, passed = 0) => {
    tr.time.push(time); tr.voltage.push(v + sigma * noise()); tr.current.push(i); tr.cycle.push(c);
    const charging = i * sign > 0;
    counters.qMinusQo.push(q + Math.sign(i) * passed);
    counters.qHalf.push(half + Math.sign(i) * passed);
    counters.chargeCapacity.push(cc + (charging ? passed : 0));
    counters.dischargeCapacity.push(dc + (i !== 0 && !charging ? passed : 0));
  };
  /** A constant-current segment from t to t + q/i, sampled every dt (from `late` on) plus its exact end. */
  const segment = (qs: number, i: number, v: (x: number) => number, c: number, dropAt?: number) => {
    const dur = qs / Math.abs(i);
    half = 0;
    for (let tau = Math.min(late, dur); ; tau = Math.min(tau + o.dt, dur)) {
      const x = tau / dur;
      push(t + tau, v(x) - (dropAt !== undefined && x >= dropAt ? 0.1 : 0), i, c, Math.abs(i) * tau);
      if (tau >= dur) break;
    }
    t += dur;
    q += Math.sign(i) * qs; half = Math.sign(i) * qs;
    if (i * sign > 0) cc += qs; else dc += qs;
  };
  const restSeg = (v0: number, c: number) => {
    if (!o.unloggedRest) for (let tau = 0; tau <= rest; tau += o.dt) push(t + tau, v0, 0, c);
    t += rest;
  };
  o.cycles.forEach((p, k) => {
    const c = k + 1;
    const last = k === o.cycles.length - 1;
    cc = 0; dc = 0; // per-cycle counters restart with the cycle
    segment(p.charge, sign * p.current, (x) => 3.6 + 0.7 * x, c, o.softShortCycle === c ? 0.5 : undefined);
    restSeg(4.25, c);
    const qd = last ? p.discharge * (o.lastDischargeFraction ?? 1) : p.discharge;
    segment(qd, -sign * p.current, (x) => 4.2 - 1.4 * x, c);
    if (!last) restSeg(3.0, c);
  });
  return tr;
}

/** A spectrum with Gaussian noise of σ = `relative` · |Z| on the real and imaginary parts alike. */
export function noisySpectrum(o: SpectrumOptions, relative: number, seed: number): { frequency: number[]; zReal: number[]; zImag: number[] } {
  const z = spectrum(o);
  const g = gaussian(seed);
  return {
    frequency: z.frequency,
    zReal: z.zReal.map((v, i) => v + relative * Math.hypot(v, z.zImag[i]) * g()),
    zImag: z.zImag.map((v, i) => v + relative * Math.hypot(z.zReal[i], v) * g()),
  };
}

// GITT by Weppner–Huggins (domain.md, toolkit 3): current pulses of duration τ, each followed by a
// rest to equilibrium. Per pulse, D = 4/(π τ) · L² · (ΔE_s/ΔE_t)², ΔE_s the change of the relaxed
// voltage across the step, ΔE_t the change during the pulse without the IR drop. The equation holds
// only where E is linear in √t during the pulse (semi-infinite diffusion, τ ≪ L²/D): that is checked
// and said per pulse.
import { formatEstimate, formatNumber, formatQuantity } from '../domain/format';
import { weppnerHuggins } from '../domain/physics';
import {
  Estimate, PlotSeries, Result, Samples, checkNumber, cleanColumns, decimate, est, failure, guarded, restThreshold, series,
} from './common';
import { leastSquaresQR } from './linalg';

export interface GittInput {
  time: Samples;    // s
  voltage: Samples; // V
  current: Samples; // A
  area: number;     // m²
  /** Diffusion length L (m); without it D/L² (1/s) is given. */
  diffusionLength?: number;
  /** kg of active material, to place each pulse on the specific capacity passed. */
  activeMass?: number;
  /** A pulse is linear in √t when its quadratic term moves E by less than this fraction of ΔE_t (0.1). */
  curvatureLimit?: number;
  /** Relaxed when the voltage moves by less than this fraction of |ΔE_s| over the last fifth of the rest (0.1). */
  relaxationLimit?: number;
}

export interface GittPulse {
  /** 1-based. */
  index: number;
  start: number; // s
  /** τ: from the first current-carrying sample to the first rest sample (s). */
  tau: number;
  currentDensity: Estimate; // A/m², signed
  /** Charge passed from the first pulse to the end of this one: per area (C/m²) and, with a mass, per mass (C/kg). */
  capacity: Estimate;
  specificCapacity?: Estimate;
  /** Relaxed voltages before and after (V), their difference ΔE_s, the √t change ΔE_t and the IR drop (V). */
  relaxedBefore?: number;
  relaxedAfter?: number;
  dEs?: number;
  dEt?: number;
  irDrop?: number;
  /** R² of E against √t over the pulse, and the share of ΔE_t the quadratic term in √t accounts for. */
  r2?: number;
  curvature?: number;
  /** The validity check: E linear in √t during the pulse. */
  linear?: boolean;
  /** The rest relaxed to equilibrium (the last fifth moved less than the limit). */
  relaxed?: boolean;
  /** τ·D/L² = 4/π·(ΔE_s/ΔE_t)²: Weppner–Huggins needs it ≪ 1 (flagged above 0.1). */
  shortTime?: boolean;
  /** D (m²/s) with a diffusion length, D/L² (1/s) without. */
  diffusivity?: Estimate;
  dOverL2?: Estimate;
  /** Why a pulse was not evaluated. */
  skipped?: string;
}

export interface GittValues {
  pulses: GittPulse[];
  evaluated: number;
  /** Pulses that pass the √t check. */
  valid: number;
}

export type GittResult = Result<GittValues>;

export function gittAnalysis(input: GittInput): GittResult {
  return guarded('gittAnalysis', () => run(input));
}

interface Segment { first: number; last: number }

function run(input: GittInput): GittResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('area', input.area, { positive: true })
    ?? (input.diffusionLength !== undefined ? checkNumber('diffusionLength', input.diffusionLength, { positive: true }) : undefined)
    ?? (input.activeMass !== undefined ? checkNumber('activeMass', input.activeMass, { positive: true }) : undefined);
  if (bad) return failure(bad);
  const c = cleanColumns([['time', input.time], ['voltage', input.voltage], ['current', input.current]], 4, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const thr = restThreshold(Float64Array.from(i, Math.abs), 0.05);
  if (!(thr > 0)) return failure('no current flows in the data (|I| is zero throughout): GITT needs current pulses', warnings);
  const pulses = flowingRuns(i, thr);
  if (!pulses.length) return failure('no current pulse found', warnings);
  const n = t.length;
  const curvatureLimit = input.curvatureLimit ?? 0.1, relaxationLimit = input.relaxationLimit ?? 0.1;
  const out: GittPulse[] = [];
  let charge = 0;
  for (let k = 0; k < pulses.length; k++) {
    const p = pulses[k];
    const restFrom = p.last + 1, restTo = k + 1 < pulses.length ? pulses[k + 1].first - 1 : n - 1;
    const beforeFrom = k > 0 ? pulses[k - 1].last + 1 : 0, beforeTo = p.first - 1;
    const tau = (restFrom < n ? t[restFrom] : t[p.last]) - t[p.first];
    for (let j = p.first; j < Math.min(n - 1, p.last + 1); j++) charge += ((i[j] + i[j + 1]) / 2) * (t[j + 1] - t[j]);
    const jMean = i.slice(p.first, p.last + 1).reduce((s, x) => s + x, 0) / (p.last - p.first + 1) / input.area;
    const pulse: GittPulse = {
      index: k + 1, start: t[p.first], tau, currentDensity: est(jMean, 'A/m²'),
      capacity: est(Math.abs(charge) / input.area, 'C/m²'),
      ...(input.activeMass ? { specificCapacity: est(Math.abs(charge) / input.activeMass, 'C/kg') } : {}),
    };
    out.push(pulse);
    const restPoints = restTo - restFrom + 1;
    if (restPoints < 3) { pulse.skipped = `pulse ${k + 1} has no rest after it (${Math.max(0, restPoints)} rest samples before ${k + 1 < pulses.length ? 'the next pulse' : 'the data end'}): its relaxed voltage cannot be read`; continue; }
    if (beforeTo < beforeFrom) { pulse.skipped = `pulse ${k + 1} starts at the first sample: no relaxed voltage before it`; continue; }
    if (p.last - p.first < 3) { pulse.skipped = `pulse ${k + 1} has ${p.last - p.first + 1} samples: too few to check E against √t`; continue; }
    evaluatePulse(pulse, t, v, p, { from: beforeFrom, to: beforeTo }, { from: restFrom, to: restTo }, input, curvatureLimit, relaxationLimit);
  }
  const evaluated = out.filter((p) => !p.skipped);
  if (!evaluated.length) return failure(`no pulse could be evaluated: ${out[0].skipped}`, warnings);
  const skipped = out.filter((p) => p.skipped);
  if (skipped.length) warnings.push(`${skipped.length} of ${out.length} pulses not evaluated: ${skipped.slice(0, 3).map((p) => p.skipped).join('; ')}${skipped.length > 3 ? '; …' : ''}.`);
  const nonlinear = evaluated.filter((p) => !p.linear);
  if (nonlinear.length) warnings.push(`${nonlinear.length} of ${evaluated.length} pulses are not linear in √t (pulses ${nonlinear.slice(0, 8).map((p) => p.index).join(', ')}${nonlinear.length > 8 ? ', …' : ''}): Weppner–Huggins does not hold there and their D is not reliable.`);
  const taus = out.map((p) => p.tau).sort((a, b) => a - b), typical = taus[Math.floor(taus.length / 2)];
  const doubled = out.filter((p) => p.tau > 1.5 * typical);
  if (doubled.length) warnings.push(`Pulse${doubled.length > 1 ? 's' : ''} ${doubled.slice(0, 8).map((p) => `${p.index} (${formatQuantity(p.tau, 'min')})`).join(', ')} last${doubled.length > 1 ? '' : 's'} over 1.5 times the typical ${formatQuantity(typical, 'min')}: pulses without a rest between them run together into one, and τ there is not the planned one.`);
  const unrelaxed = evaluated.filter((p) => !p.relaxed);
  if (unrelaxed.length) warnings.push(`${unrelaxed.length} rests had not relaxed (pulses ${unrelaxed.slice(0, 8).map((p) => p.index).join(', ')}): ΔE_s there is too small and D too low; rest longer.`);
  const long = evaluated.filter((p) => p.shortTime === false);
  if (long.length) warnings.push(`${long.length} pulses have ΔE_s comparable to ΔE_t (τ·D/L² = 4/π·(ΔE_s/ΔE_t)² > 0.1): τ ≪ L²/D does not hold; shorter pulses would.`);
  const withL = input.diffusionLength !== undefined;
  const key = (p: GittPulse) => (withL ? p.diffusivity : p.dOverL2)!;
  const xOf = (p: GittPulse) => (p.specificCapacity ?? p.capacity).value;
  const xUnit = input.activeMass ? 'C/kg' : 'C/m²';
  const yUnit = withL ? 'm²/s' : '1/s';
  const valid = evaluated.filter((p) => p.linear);
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const points: PlotSeries[] = [
    series(withL ? 'D' : 'D/L²', 'markers', xUnit, yUnit, { x: valid.map(xOf), y: valid.map((p) => key(p).value) }),
    series('not linear in √t', 'markers', xUnit, yUnit, { x: nonlinear.map(xOf), y: nonlinear.map((p) => key(p).value) }),
    series('voltage', 'line', 's', 'V', decimate(t, v, 4000)),
  ];
  return {
    ok: true, pulses: out, evaluated: evaluated.length, valid: valid.length,
    derivation: `${out.length} pulses (|I| above ${formatQuantity(thr, 'mA')}), ${evaluated.length} evaluated: per pulse ${withL ? `D = 4/(πτ)·L²·(ΔE_s/ΔE_t)² with L = ${formatQuantity(input.diffusionLength!, 'µm')}` : 'D/L² = 4/(πτ)·(ΔE_s/ΔE_t)² (no diffusion length given)'}; ΔE_s from the relaxed voltages (a line through the last fifth of each rest, at its end), ΔE_t = slope·√τ of the least-squares line of E against √t over the pulse (its intercept less the relaxed voltage before is the IR drop, so it is left out); σ_D/D = 2·√((σ_ΔEs/ΔE_s)² + (σ_ΔEt/ΔE_t)²) from those fits. A pulse is linear in √t when the quadratic term in √t accounts for less than ${formatNumber(curvatureLimit * 100)} % of ΔE_t: ${valid.length} of ${evaluated.length} pass; median ${withL ? 'D' : 'D/L²'} of those ${valid.length ? formatEstimate({ value: median(valid.map((p) => key(p).value)), unit: yUnit }) : 'not defined'}${valid[0] ? ` (pulse ${valid[0].index}: ΔE_s ${formatQuantity(valid[0].dEs!, 'mV')}, ΔE_t ${formatQuantity(valid[0].dEt!, 'mV')}, τ ${formatQuantity(valid[0].tau, 'min')}, ${formatEstimate(key(valid[0]))})` : ''}.`,
    warnings, points,
  };
}

/** Runs of samples with |I| above the rest threshold, of one sign. */
function flowingRuns(i: Float64Array, thr: number): Segment[] {
  const out: Segment[] = [];
  for (let k = 0; k < i.length; k++) {
    if (Math.abs(i[k]) <= thr) continue;
    const last = out[out.length - 1];
    if (last && last.last === k - 1 && Math.sign(i[k]) === Math.sign(i[last.last])) last.last = k;
    else out.push({ first: k, last: k });
  }
  return out;
}

/** A least-squares line of v against x over samples [from, to]: its value at x_to with its standard error, and its slope. */
function lineAtEnd(x: ArrayLike<number>, v: ArrayLike<number>, from: number, to: number): { value: number; stderr?: number; slope: number } {
  const m = to - from + 1;
  if (m < 3) return { value: v[to], slope: 0 };
  let xm = 0, vm = 0;
  for (let k = from; k <= to; k++) { xm += x[k]; vm += v[k]; }
  xm /= m; vm /= m;
  let sxx = 0, sxv = 0;
  for (let k = from; k <= to; k++) { sxx += (x[k] - xm) ** 2; sxv += (x[k] - xm) * (v[k] - vm); }
  const slope = sxx > 0 ? sxv / sxx : 0;
  let sse = 0;
  for (let k = from; k <= to; k++) sse += (v[k] - vm - slope * (x[k] - xm)) ** 2;
  const s2 = sse / (m - 2), dx = x[to] - xm;
  return { value: vm + slope * dx, stderr: Math.sqrt(s2 * (1 / m + (sxx > 0 ? (dx * dx) / sxx : 0))), slope };
}

/** The first sample of the last fifth (by time) of [from, to]. */
function lastFifth(t: Float64Array, from: number, to: number): number {
  const span = t[to] - t[from];
  let a = to;
  while (a > from && t[to] - t[a - 1] <= span / 5) a--;
  return Math.min(a, Math.max(from, to - 2));
}

function evaluatePulse(pulse: GittPulse, t: Float64Array, v: Float64Array, p: Segment, before: { from: number; to: number }, rest: { from: number; to: number }, input: GittInput, curvatureLimit: number, relaxationLimit: number) {
  // The relaxed voltages: a line through the last fifth of each rest, at its end (it averages the noise).
  const e0 = lineAtEnd(t, v, lastFifth(t, before.from, before.to), before.to);
  const tail = lastFifth(t, rest.from, rest.to);
  const e1 = lineAtEnd(t, v, tail, rest.to);
  const m = p.last - p.first + 1;
  const s = Float64Array.from({ length: m }, (_, j) => Math.sqrt(t[p.first + j] - t[p.first]));
  const e = v.slice(p.first, p.last + 1);
  const one = new Float64Array(m).fill(1);
  const quad = leastSquaresQR([one, s, Float64Array.from(s, (x) => x * x)], e);
  if (!quad) { pulse.skipped = `pulse ${pulse.index}: E cannot be fitted against √t`; return; }
  const lin = lineAtEnd(s, e, 0, m - 1);
  const intercept = lin.value - lin.slope * s[m - 1];
  const sqrtTau = Math.sqrt(pulse.tau);
  const dEt = lin.slope * sqrtTau, dEs = e1.value - e0.value;
  const seSlope = m > 2 ? slopeError(s, e, lin.slope) : undefined;
  const em = e.reduce((a, x) => a + x, 0) / m;
  let sse = 0, syy = 0;
  for (let j = 0; j < m; j++) { sse += (e[j] - intercept - lin.slope * s[j]) ** 2; syy += (e[j] - em) ** 2; }
  const curvature = Math.abs(quad[2] * pulse.tau) / Math.abs(dEt);
  const drift = Math.abs(e1.slope * (t[rest.to] - t[tail]));
  Object.assign(pulse, {
    relaxedBefore: e0.value, relaxedAfter: e1.value, dEs, dEt, irDrop: intercept - e0.value, r2: syy > 0 ? 1 - sse / syy : 1, curvature,
    linear: curvature < curvatureLimit, relaxed: drift < relaxationLimit * Math.abs(dEs),
    shortTime: (4 / Math.PI) * (dEs / dEt) ** 2 <= 0.1,
  });
  // σ_D/D = 2·√((σ_ΔEs/ΔE_s)² + (σ_ΔEt/ΔE_t)²), the relaxed voltages and the √t slope independent.
  const seEs = e0.stderr !== undefined && e1.stderr !== undefined ? Math.hypot(e0.stderr, e1.stderr) : undefined;
  const rel = seEs !== undefined && seSlope !== undefined ? 2 * Math.hypot(seEs / dEs, (seSlope * sqrtTau) / dEt) : undefined;
  const dl2 = weppnerHuggins(pulse.tau, 1, dEs, dEt);
  pulse.dOverL2 = est(dl2, '1/s', rel !== undefined ? rel * dl2 : undefined);
  if (input.diffusionLength !== undefined) {
    const d = dl2 * input.diffusionLength ** 2;
    pulse.diffusivity = est(d, 'm²/s', rel !== undefined ? rel * d : undefined);
  }
}

/** Standard error of the slope of the least-squares line of e against s. */
function slopeError(s: ArrayLike<number>, e: ArrayLike<number>, slope: number): number {
  const m = s.length;
  let sm = 0, em = 0;
  for (let j = 0; j < m; j++) { sm += s[j]; em += e[j]; }
  sm /= m; em /= m;
  let sxx = 0, sse = 0;
  for (let j = 0; j < m; j++) sxx += (s[j] - sm) ** 2;
  for (let j = 0; j < m; j++) sse += (e[j] - em - slope * (s[j] - sm)) ** 2;
  return Math.sqrt(sse / (m - 2) / sxx);
}

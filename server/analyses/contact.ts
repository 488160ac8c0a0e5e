// Ohmic resistance from EIS (the high-frequency intercept of the real axis) and contact retention
// from it (domain.md eq. 2): a = S_active / S_initial = (R_SSE / R'_SSE)².
import { formatNumber, formatSI } from '../domain/format';
import { Estimate, Result, Samples, cleanColumns, est, failure, guarded, series } from './common';
import { circleIntercept, polynomialIntercept } from './nyquistFits';

export interface SpectrumInput {
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive arc
  /** An independent estimate of R∞ (the DRT's), which the intercept is checked against. */
  rInf?: Estimate;
  /** The DRT holds R∞ at its bound 0 Ω (DrtValues.rInfAtBound): it then says nothing about the intercept. */
  rInfAtBound?: boolean;
}

export interface OhmicValues {
  /** The high-frequency intercept of the real axis (Ω), with the standard error of its local fit. */
  rOhm: Estimate;
  /** How it was found: a zero crossing of -Im(Z), a circle through the first arc, or Re(Z) at the highest frequency. */
  method: 'crossing' | 'arc-extrapolation' | 'highest-frequency';
  /** 'upper' when rOhm is only an upper bound: the spectrum does not reach the real axis and could not be extrapolated. */
  bound?: 'upper';
  /** Points of the local fit that gave rOhm. */
  fitted?: number;
}

export type OhmicResult = Result<OhmicValues>;

/** Points each side of a zero crossing in its local fit. */
const CROSSING_SIDE = 3;
/** The most points of the first arc a circle is fitted to. */
const ARC_POINTS = 25;
/** An arc is fitted over its top, with this many points on the far side above this share of the top... */
const PAST_TOP_POINTS = 2;
const PAST_TOP = 0.5;
/** ... or, when its top lies above the highest frequency, down its falling side to this share. */
const FALLING_TO = 0.2;
/** A standard error above this share of the intercept is warned about. */
const POORLY_DETERMINED = 0.1;
/** The intercept and the DRT's R∞ disagree when they differ by more than this share and 3 combined standard errors. */
const DRT_TOLERANCE = 0.05;

/**
 * The high-frequency intercept, from a local fit so that one noisy point does not decide it.
 * Walking down from the highest frequency: where -Im(Z) changes from inductive (< 0) to capacitive
 * (≥ 0, held for two points), Re(Z) is fitted as a polynomial in -Im(Z) through up to three points
 * each side of the crossing and taken at -Im(Z) = 0 (the inductive tail further up is ignored). A
 * spectrum capacitive from its first point has not reached the axis: a circle (an RC or R‖CPE arc
 * is one in the Nyquist plane) is fitted to the first arc's points, from the highest frequency over
 * its top and down to half its height (or, when the top lies above the highest frequency, down its
 * falling side), and its left intersection with the axis is taken. Standard errors come from the fits'
 * residuals. When the arc cannot be extrapolated, Re(Z) at the highest frequency is reported as an
 * upper bound, with a warning. Given the DRT's R∞, a disagreement beyond 5 % and 3 standard
 * errors is warned about.
 */
export function ohmicResistance(input: SpectrumInput): OhmicResult {
  return guarded('the high-frequency intercept', () => runOhmic(input));
}

interface Sorted { f: number[]; re: number[]; y: number[] }

function runOhmic(input: SpectrumInput): OhmicResult {
  if (!input || typeof input !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const c = cleanColumns([['frequency', input.frequency], ['Re(Z)', input.zReal], ['Im(Z)', input.zImag]], 2);
  if ('error' in c) return failure(c.error);
  const warnings = c.warnings;
  const order: number[] = [];
  let nonPositive = 0;
  for (let k = 0; k < c.cols[0].length; k++) { if (c.cols[0][k] > 0) order.push(k); else nonPositive++; }
  if (nonPositive > 0) warnings.push(`Left out ${nonPositive} point${nonPositive > 1 ? 's' : ''} with a frequency ≤ 0.`);
  if (order.length < 2) return failure(`a spectrum needs at least 2 points with a positive frequency (got ${order.length})`, warnings);
  order.sort((a, b) => c.cols[0][b] - c.cols[0][a]); // highest frequency first
  const z: Sorted = { f: order.map((k) => c.cols[0][k]), re: order.map((k) => c.cols[1][k]), y: order.map((k) => -c.cols[2][k]) };
  const found = intercept(z, warnings);
  const rOhm = est(found.value, 'Ω', found.stderr);
  if (found.stderr !== undefined && found.stderr > POORLY_DETERMINED * found.value) {
    warnings.push(`The intercept is poorly determined (${formatNumber(found.value)} ± ${formatNumber(found.stderr, 2)} Ω): the high-frequency points are few or noisy, or the spectrum starts past the top of its first arc; a sweep to higher frequencies would fix it.`);
  }
  if (input.rInf && !input.rInfAtBound) compareWithDrt(rOhm, input.rInf, found.bound, warnings);
  return {
    ok: true, rOhm, method: found.method, bound: found.bound, fitted: found.fitted, derivation: found.derivation, warnings,
    points: [
      series('spectrum', 'markers', 'Ω', 'Ω', { x: [...z.re], y: [...z.y] }),
      series('high-frequency intercept', 'markers', 'Ω', 'Ω', { x: [found.value], y: [0] }),
    ],
  };
}

interface Found { value: number; stderr?: number; method: OhmicValues['method']; bound?: 'upper'; fitted?: number; derivation: string }

function intercept(z: Sorted, warnings: string[]): Found {
  const { f, re, y } = z;
  const n = f.length;
  if (y[0] < 0) {
    for (let k = 1; k < n; k++) {
      if (y[k] >= 0 && (k + 1 >= n || y[k + 1] >= 0)) return crossing(z, k);
    }
    // Inductive throughout: the point closest to the axis is the best guess.
    let best = 0;
    for (let k = 1; k < n; k++) if (Math.abs(y[k]) < Math.abs(y[best])) best = k;
    warnings.push('-Im(Z) is inductive (negative) at every frequency: no intercept with the real axis; Re(Z) at the point nearest the axis is reported.');
    return { value: re[best], method: 'highest-frequency', derivation: `No sign change of -Im(Z); Re(Z) = ${formatNumber(re[best])} Ω at ${formatNumber(f[best])} Hz, the point nearest the real axis.` };
  }
  if (y[0] === 0) return { value: re[0], method: 'crossing', derivation: `-Im(Z) is zero at the highest frequency ${formatNumber(f[0])} Hz: Re(Z) = ${formatNumber(re[0])} Ω there.` };
  const arc = extrapolateArc(z);
  if (arc) return arc;
  warnings.push(`The spectrum does not reach the real axis and the first arc could not be extrapolated: Re(Z) at the highest frequency (${formatNumber(f[0])} Hz) is reported, an upper bound of the ohmic resistance.`);
  return { value: re[0], method: 'highest-frequency', bound: 'upper', derivation: `Re(Z) = ${formatNumber(re[0])} Ω at the highest frequency ${formatNumber(f[0])} Hz, where -Im(Z) = ${formatNumber(y[0])} Ω is still capacitive: an upper bound of R_ohm.` };
}

/** The zero crossing between points k-1 (inductive) and k (capacitive), by a local fit of Re(Z) in -Im(Z). */
function crossing({ f, re, y }: Sorted, k: number): Found {
  const linear = re[k - 1] + ((0 - y[k - 1]) * (re[k] - re[k - 1])) / (y[k] - y[k - 1]);
  const from = Math.max(0, k - CROSSING_SIDE), to = Math.min(y.length, k + CROSSING_SIDE, risingEnd(y, k));
  const xs = re.slice(from, to), ys = y.slice(from, to);
  const fit = xs.length >= 5 ? polynomialIntercept(xs, ys, 2) : xs.length >= 3 ? polynomialIntercept(xs, ys, 1) : undefined;
  const inside = fit && fit.value >= Math.min(...xs) && fit.value <= Math.max(...xs);
  const between = `-Im(Z) changes sign between ${formatNumber(f[k - 1])} Hz and ${formatNumber(f[k])} Hz`;
  if (!fit || !inside) {
    return { value: linear, method: 'crossing', fitted: 2, derivation: `${between}; Re(Z) interpolated linearly to -Im(Z) = 0 gives ${formatNumber(linear)} Ω (the inductive points above ${formatNumber(f[k - 1])} Hz are ignored).` };
  }
  const shape = xs.length >= 5 ? 'a quadratic' : 'a straight line';
  return {
    value: fit.value, stderr: fit.stderr, method: 'crossing', fitted: fit.n,
    derivation: `${between}; ${shape} Re(Z)(-Im Z) through the ${fit.n} points around it (${formatNumber(f[to - 1])}–${formatNumber(f[from])} Hz) meets -Im(Z) = 0 at ${formatNumber(fit.value)}${fit.stderr !== undefined ? ` ± ${formatNumber(fit.stderr, 2)}` : ''} Ω (linear interpolation between the two points: ${formatNumber(linear)} Ω; the inductive points above are ignored).`,
  };
}

/** The index after the last point of the rising side of the first arc, from k on. */
function risingEnd(y: number[], k: number): number {
  let j = k;
  while (j + 1 < y.length && !(y[j + 1] < y[j] && (j + 2 >= y.length || y[j + 2] < y[j]))) j++;
  return j + 1;
}

/** The index after the last point past the arc's top still above `share` of it, short of the valley. */
function farSideEnd(y: number[], top: number, share: number): number {
  const last = Math.min(y.length, ARC_POINTS);
  let end = top + 1;
  const valley = (j: number) => j + 2 < y.length && y[j + 1] > y[j] && y[j + 2] > y[j];
  while (end < last && y[end] >= share * y[top] && !valley(end)) end++;
  return end;
}

/** A circle through the first arc, met with the real axis left of the data. */
function extrapolateArc({ f, re, y }: Sorted): Found | undefined {
  const top = risingEnd(y, 0) - 1;
  // With the top inside the data, the top fixes the circle's centre; without it (the top lies at
  // or above the highest frequency) the falling side is all there is of the arc.
  const inside = top >= 2;
  // Past the top, later processes (a second arc, diffusion) bend the far side: two points there.
  const end = inside ? Math.min(farSideEnd(y, top, PAST_TOP), top + 1 + PAST_TOP_POINTS) : farSideEnd(y, top, FALLING_TO);
  const side = inside ? 'over the top of the first arc' : 'down the falling side of the first arc, whose top lies above the highest frequency';
  if (end < 3) return undefined;
  const xs = re.slice(0, end), ys = y.slice(0, end);
  const circle = circleIntercept(xs, ys);
  if (!circle) return undefined;
  // The intercept lies left of every point of the arc: a circle that meets the axis right of the
  // data bends the wrong way (its centre above the axis), which an RC or CPE arc never does.
  const reMin = Math.min(...xs);
  if (circle.value < 0 || circle.value > reMin + 1e-9 * Math.abs(reMin)) return undefined;
  const value = circle.value;
  return {
    value, stderr: circle.stderr, method: 'arc-extrapolation', fitted: end,
    derivation: `-Im(Z) stays capacitive up to ${formatNumber(f[0])} Hz, so the intercept was extrapolated: a circle fitted (geometric least squares) through the ${end} highest-frequency points, ${side}, meets the real axis at ${formatNumber(value)}${circle.stderr !== undefined ? ` ± ${formatNumber(circle.stderr, 2)}` : ''} Ω (Re(Z) at ${formatNumber(f[0])} Hz is ${formatNumber(re[0])} Ω).`,
  };
}

function compareWithDrt(r: Estimate, rInf: Estimate, bound: 'upper' | undefined, warnings: string[]): void {
  const drt = `${formatNumber(rInf.value)}${rInf.stderr !== undefined ? ` ± ${formatNumber(rInf.stderr, 2)}` : ''} Ω`;
  if (bound) { warnings.push(`The DRT of this spectrum puts R∞ at ${drt}.`); return; }
  const diff = Math.abs(r.value - rInf.value);
  const se = Math.hypot(r.stderr ?? 0, rInf.stderr ?? 0);
  if (diff > DRT_TOLERANCE * Math.abs(rInf.value) && diff > 3 * se) {
    warnings.push(`The high-frequency intercept (${formatNumber(r.value)}${r.stderr !== undefined ? ` ± ${formatNumber(r.stderr, 2)}` : ''} Ω) and the DRT's R∞ (${drt}) differ by ${formatNumber((100 * diff) / Math.abs(rInf.value), 2)} %: the high-frequency points may be noisy or distorted (leads, a second arc); check the Nyquist plot.`);
  }
}

// ---------------------------------------------------------------------------------------------

export interface ContactPoint {
  capacity: number; // C/m² stripped when the spectrum was taken
  rOhm: number;     // Ω
  /** Standard error of rOhm (Ω), propagated into the retention. */
  stderr?: number;
  /** rOhm is only an upper bound (a spectrum that does not reach the real axis). */
  upperBound?: boolean;
  /** What the point is, for warnings (its file). */
  label?: string;
}

export interface ContactOptions {
  /** How R_ohm was found, for the derivation ("the high-frequency intercept"). */
  method?: string;
}

export interface ContactValues {
  /** Per point in order of capacity: a_i = (R_first / R_i)². */
  series: { capacity: Estimate; rOhm: Estimate; retention: Estimate; upperBound?: boolean }[];
  /** The retention at the last point (''). */
  final: Estimate;
}

export type ContactResult = Result<ContactValues>;

/**
 * Contact retention a = S_active/S_initial = (R_first/R_i)², with R_first at the lowest capacity;
 * standard errors by propagation, σ_a / a = 2 √((σ_first/R_first)² + (σ_i/R_i)²).
 */
export function contactRetention(points: readonly ContactPoint[], options: ContactOptions = {}): ContactResult {
  return guarded('the contact retention', () => runRetention(points, options));
}

function runRetention(points: readonly ContactPoint[], options: ContactOptions): ContactResult {
  if (!Array.isArray(points)) return failure('points must be an array of { capacity, rOhm }');
  const warnings: string[] = [];
  const ok = points.filter((p) => Number.isFinite(p?.capacity) && Number.isFinite(p?.rOhm) && p.rOhm > 0);
  if (ok.length < points.length) warnings.push(`Left out ${points.length - ok.length} point${points.length - ok.length > 1 ? 's' : ''} with a non-finite capacity or a resistance that is not positive.`);
  if (ok.length < 2) return failure(`contact retention needs at least 2 points (before and after stripping); got ${ok.length} usable`, warnings);
  const sorted = [...ok].sort((a, b) => a.capacity - b.capacity);
  if (sorted.some((p, k) => p !== ok[k])) warnings.push('The points were not in order of stripped capacity; they were sorted, and the first is the one with the least capacity.');
  const first = sorted[0];
  const r0 = first.rOhm;
  const rel0 = relative(first);
  const rows = sorted.map((p, k) => {
    const a = (r0 / p.rOhm) ** 2;
    const rel = relative(p);
    const se = k === 0 ? undefined : rel0 !== undefined && rel !== undefined ? 2 * a * Math.hypot(rel0, rel) : undefined;
    return { capacity: est(p.capacity, 'C/m²'), rOhm: est(p.rOhm, 'Ω', p.stderr), retention: est(a, '', se), upperBound: p.upperBound || undefined };
  });
  boundWarnings(sorted, warnings);
  const last = rows[rows.length - 1];
  if (last.retention.value > 1.05) warnings.push(`The resistance fell during stripping (${formatNumber(r0)} → ${formatNumber(last.rOhm.value)} Ω): a retention above 1 means better contact than at the start, which the model of eq. 2 does not expect.`);
  const how = options.method ? `, R_ohm from ${options.method}` : '';
  return {
    ok: true, series: rows, final: last.retention,
    derivation: `a = (R_first/R)²${how}, with R_first = ${formatNumber(r0)} Ω at ${formatSI(first.capacity, 'C/m²')}; at ${formatSI(last.capacity.value, 'C/m²')}, R = ${formatNumber(last.rOhm.value)} Ω gives a = ${percent(last.retention)}.`,
    warnings,
    points: [series('contact retention', 'line', 'C/m²', '', { x: rows.map((r) => r.capacity.value), y: rows.map((r) => r.retention.value) })],
  };
}

/** A fraction as the summary shows it: "7.42 %" (3 significant digits), with its standard error. */
function percent(a: Estimate): string {
  return `${formatNumber(a.value * 100, 3)}${a.stderr !== undefined ? ` ± ${formatNumber(a.stderr * 100, 2)}` : ''} %`;
}

function relative(p: ContactPoint): number | undefined {
  return p.stderr !== undefined && Number.isFinite(p.stderr) ? p.stderr / p.rOhm : undefined;
}

/** R_first too high overstates every a; a later R too high understates its own a. */
function boundWarnings(sorted: readonly ContactPoint[], warnings: string[]): void {
  const name = (p: ContactPoint) => p.label ?? formatSI(p.capacity, 'C/m²');
  const later = sorted.slice(1).filter((p) => p.upperBound).map(name);
  if (sorted[0].upperBound) warnings.push(`R_first (${name(sorted[0])}) is only an upper bound (the spectrum does not reach the real axis): every retention here may be too high.`);
  if (later.length) warnings.push(`R_ohm of ${later.join(', ')} is only an upper bound (the spectrum does not reach the real axis): the retention there is a lower bound.`);
}

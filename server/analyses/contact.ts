// Ohmic resistance from EIS (the high-frequency intercept of the real axis) and contact retention
// from it (domain.md eq. 2): a = S_active / S_initial = (R_SSE / R'_SSE)².
import { formatNumber } from '../domain/format';
import { Estimate, Result, Samples, cleanColumns, est, failure, guarded, series } from './common';

export interface SpectrumInput {
  frequency: Samples; // Hz
  zReal: Samples;     // Ω
  zImag: Samples;     // Ω, negative for a capacitive arc
}

export interface OhmicValues {
  /** The high-frequency intercept of the real axis (Ω). */
  rOhm: Estimate;
  /** How it was found: a zero crossing of -Im(Z), a circle through the first arc, or Re(Z) at the highest frequency. */
  method: 'crossing' | 'arc-extrapolation' | 'highest-frequency';
}

export type OhmicResult = Result<OhmicValues>;

/**
 * The high-frequency intercept. Walking down from the highest frequency: where -Im(Z) changes
 * from inductive (< 0) to capacitive (≥ 0, held for two points) the intercept is interpolated
 * linearly between the two points around the sign change; the inductive tail above it is ignored.
 * A spectrum capacitive from its first point has not reached the axis: a circle is fitted
 * through its highest-frequency points up to the top of the first arc (an RC or R‖CPE arc is a
 * circle in the Nyquist plane) and its left intersection with the real axis is taken; when that
 * fails, Re(Z) at the highest frequency is reported with a warning (an upper bound).
 */
export function ohmicResistance(input: SpectrumInput): OhmicResult {
  return guarded('ohmicResistance', () => runOhmic(input));
}

function runOhmic(input: SpectrumInput): OhmicResult {
  if (!input || typeof input !== 'object') return failure('no spectrum given: expected { frequency, zReal, zImag }');
  const c = cleanColumns([['frequency', input.frequency], ['zReal', input.zReal], ['zImag', input.zImag]], 2);
  if ('error' in c) return failure(c.error);
  const warnings = c.warnings;
  const order: number[] = [];
  let nonPositive = 0;
  for (let k = 0; k < c.cols[0].length; k++) { if (c.cols[0][k] > 0) order.push(k); else nonPositive++; }
  if (nonPositive > 0) warnings.push(`Left out ${nonPositive} point${nonPositive > 1 ? 's' : ''} with a frequency ≤ 0.`);
  if (order.length < 2) return failure(`a spectrum needs at least 2 points with a positive frequency (got ${order.length})`, warnings);
  order.sort((a, b) => c.cols[0][b] - c.cols[0][a]); // highest frequency first
  const f = order.map((k) => c.cols[0][k]);
  const re = order.map((k) => c.cols[1][k]);
  const y = order.map((k) => -c.cols[2][k]); // -Im(Z): positive for capacitive
  const n = f.length;
  const nyquist = series('spectrum', 'markers', 'Ω', 'Ω', { x: [...re], y: [...y] });
  const done = (r: number, method: OhmicValues['method'], derivation: string): OhmicResult => ({
    ok: true, rOhm: est(r, 'Ω'), method, derivation, warnings,
    points: [nyquist, series('high-frequency intercept', 'markers', 'Ω', 'Ω', { x: [r], y: [0] })],
  });

  if (y[0] < 0) {
    for (let k = 1; k < n; k++) {
      if (y[k] >= 0 && (k + 1 >= n || y[k + 1] >= 0)) {
        const r = re[k - 1] + ((0 - y[k - 1]) * (re[k] - re[k - 1])) / (y[k] - y[k - 1]);
        return done(r, 'crossing', `-Im(Z) changes sign between ${formatNumber(f[k - 1])} Hz and ${formatNumber(f[k])} Hz; Re(Z) interpolated linearly to -Im(Z) = 0 gives ${formatNumber(r)} Ω (the inductive points above ${formatNumber(f[k - 1])} Hz are ignored).`);
      }
    }
    // Inductive throughout: the point closest to the axis is the best guess.
    let best = 0;
    for (let k = 1; k < n; k++) if (Math.abs(y[k]) < Math.abs(y[best])) best = k;
    warnings.push('-Im(Z) is inductive (negative) at every frequency: no intercept with the real axis; Re(Z) at the point nearest the axis is reported.');
    return done(re[best], 'highest-frequency', `No sign change of -Im(Z); Re(Z) = ${formatNumber(re[best])} Ω at ${formatNumber(f[best])} Hz, the point nearest the real axis.`);
  }
  if (y[0] === 0) return done(re[0], 'crossing', `-Im(Z) is zero at the highest frequency ${formatNumber(f[0])} Hz: Re(Z) = ${formatNumber(re[0])} Ω there.`);

  // Capacitive from the first point: extrapolate the first arc to the axis.
  let top = 0;
  while (top + 1 < n && y[top + 1] > y[top]) top++;
  const m = Math.min(Math.max(top + 1, 3), 10, n);
  const circle = m >= 3 ? fitCircle(re.slice(0, m), y.slice(0, m)) : undefined;
  if (circle) {
    const disc = circle.r * circle.r - circle.yc * circle.yc;
    if (disc >= 0) {
      const r = circle.xc - Math.sqrt(disc);
      const reMin = Math.min(...re.slice(0, m));
      if (r >= 0 && r <= reMin + 1e-9 * Math.abs(reMin)) {
        return done(r, 'arc-extrapolation', `-Im(Z) stays capacitive up to ${formatNumber(f[0])} Hz, so the intercept was extrapolated: a circle fitted through the ${m} highest-frequency points (to the top of the first arc) meets the real axis at ${formatNumber(r)} Ω (Re(Z) at ${formatNumber(f[0])} Hz is ${formatNumber(re[0])} Ω).`);
      }
    }
  }
  warnings.push(`The spectrum does not reach the real axis and the first arc could not be extrapolated: Re(Z) at the highest frequency (${formatNumber(f[0])} Hz) is reported, an upper bound of the ohmic resistance.`);
  return done(re[0], 'highest-frequency', `Re(Z) = ${formatNumber(re[0])} Ω at the highest frequency ${formatNumber(f[0])} Hz, where -Im(Z) = ${formatNumber(y[0])} Ω is still capacitive.`);
}

/** Algebraic (Kåsa) circle fit: least squares of x² + y² + D x + E y + F = 0. */
function fitCircle(x: number[], y: number[]): { xc: number; yc: number; r: number } | undefined {
  // Centre the data for conditioning.
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  const scale = Math.max(...x.map((v) => Math.abs(v - mx)), ...y.map((v) => Math.abs(v - my))) || 1;
  const u = x.map((v) => (v - mx) / scale), w = y.map((v) => (v - my) / scale);
  // Normal equations of [u w 1]·[D E F]ᵀ = -(u² + w²).
  const a = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], b = [0, 0, 0];
  for (let k = 0; k < n; k++) {
    const row = [u[k], w[k], 1], rhs = -(u[k] ** 2 + w[k] ** 2);
    for (let p = 0; p < 3; p++) {
      b[p] += row[p] * rhs;
      for (let q = 0; q < 3; q++) a[p][q] += row[p] * row[q];
    }
  }
  const sol = solve3(a, b);
  if (!sol) return undefined;
  const [D, E, F] = sol;
  const r2 = (D * D + E * E) / 4 - F;
  if (!(r2 > 0)) return undefined;
  return { xc: mx + (-D / 2) * scale, yc: my + (-E / 2) * scale, r: Math.sqrt(r2) * scale };
}

function solve3(a: number[][], b: number[]): number[] | undefined {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let piv = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    if (Math.abs(m[piv][col]) < 1e-14) return undefined;
    [m[col], m[piv]] = [m[piv], m[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const k = m[r][col] / m[col][col];
      for (let q = col; q < 4; q++) m[r][q] -= k * m[col][q];
    }
  }
  return [m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]];
}

// ---------------------------------------------------------------------------------------------

export interface ContactPoint {
  capacity: number; // C/m² stripped when the spectrum was taken
  rOhm: number;     // Ω
}

export interface ContactValues {
  /** Per point in order of capacity: a_i = (R_first / R_i)². */
  series: { capacity: Estimate; rOhm: Estimate; retention: Estimate }[];
  /** The retention at the last point (''). */
  final: Estimate;
}

export type ContactResult = Result<ContactValues>;

/** Contact retention a = S_active/S_initial = (R_first/R_i)², with R_first at the lowest capacity. */
export function contactRetention(points: readonly ContactPoint[]): ContactResult {
  return guarded('contactRetention', () => runRetention(points));
}

function runRetention(points: readonly ContactPoint[]): ContactResult {
  if (!Array.isArray(points)) return failure('points must be an array of { capacity, rOhm }');
  const warnings: string[] = [];
  const ok = points.filter((p) => Number.isFinite(p?.capacity) && Number.isFinite(p?.rOhm) && p.rOhm > 0);
  if (ok.length < points.length) warnings.push(`Left out ${points.length - ok.length} point${points.length - ok.length > 1 ? 's' : ''} with a non-finite capacity or a resistance that is not positive.`);
  if (ok.length < 2) return failure(`contact retention needs at least 2 points (before and after stripping); got ${ok.length} usable`, warnings);
  const sorted = [...ok].sort((a, b) => a.capacity - b.capacity);
  if (sorted.some((p, k) => p !== ok[k])) warnings.push('The points were not in order of stripped capacity; they were sorted, and the first is the one with the least capacity.');
  const r0 = sorted[0].rOhm;
  const rows = sorted.map((p) => ({ capacity: est(p.capacity, 'C/m²'), rOhm: est(p.rOhm, 'Ω'), retention: est((r0 / p.rOhm) ** 2, '') }));
  const last = rows[rows.length - 1];
  if (last.retention.value > 1.05) warnings.push(`The resistance fell during stripping (${formatNumber(r0)} → ${formatNumber(last.rOhm.value)} Ω): a retention above 1 means better contact than at the start, which the model of eq. 2 does not expect.`);
  return {
    ok: true, series: rows, final: last.retention,
    derivation: `a = (R_first/R)² with R_first = ${formatNumber(r0)} Ω at ${formatNumber(sorted[0].capacity)} C/m²; at ${formatNumber(last.capacity.value)} C/m², R = ${formatNumber(last.rOhm.value)} Ω gives a = ${formatNumber(last.retention.value)}.`,
    warnings,
    points: [series('contact retention', 'line', 'C/m²', '', { x: rows.map((r) => r.capacity.value), y: rows.map((r) => r.retention.value) })],
  };
}

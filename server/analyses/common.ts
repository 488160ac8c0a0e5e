// Shared shapes and helpers of the analyses: SI numbers in, estimates with uncertainty out.
// Nothing here reads files or knows an instrument; readers hand over columns, analyses take numbers.
import { formatNumber } from '../domain/format';

/** A column of numbers in SI units. */
export type Samples = Float64Array | readonly number[];

/** One result value in SI units; `stderr` is its standard error when the analysis can give one. */
export interface Estimate {
  value: number;
  unit: string;
  stderr?: number;
}

/** A series for the preview to draw, already in SI units. */
export interface PlotSeries {
  name: string;
  kind: 'line' | 'markers';
  xUnit: string;
  yUnit: string;
  x: number[];
  y: number[];
}

/** What every result carries, whether the analysis succeeded or not. */
export interface Outcome {
  /** How the values were computed, in a sentence or two (with the numbers that matter). */
  derivation: string;
  warnings: string[];
  points: PlotSeries[];
}

/** An analysis that could not run: `error` says why, and no value is presented. */
export interface Failure extends Outcome {
  ok: false;
  error: string;
}

/** A successful analysis: its values plus the common outcome fields. */
export type Success<T> = T & Outcome & { ok: true; error?: undefined };

export type Result<T> = Success<T> | Failure;

export function failure(error: string, warnings: string[] = [], derivation = ''): Failure {
  return { ok: false, error, derivation: derivation || `Not computed: ${error}`, warnings, points: [] };
}

export function est(value: number, unit: string, stderr?: number): Estimate {
  return stderr === undefined ? { value, unit } : { value, unit, stderr };
}

/**
 * Runs an analysis so that it never throws and never presents a non-finite number: an exception
 * becomes a Failure, a non-finite estimate value turns the result into a Failure, a non-finite
 * standard error is dropped with a warning. `what` names the analysis in words ("the circuit
 * fit"); the messages name the figure in words too ("parameter C3", "resistance of peak 2").
 */
export function guarded<T>(what: string, run: () => Result<T>): Result<T> {
  let result: Result<T>;
  try {
    result = run();
  } catch (e) {
    return failure(`${what} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!result.ok) return result;
  const bad = sanitize(result as unknown as Record<string, unknown>, [], result.warnings, new Set(), result);
  return bad === undefined ? result : failure(`${what} produced a non-finite value of ${bad}: no value is presented`, result.warnings);
}

type PathStep = string | number;

/** Walks a result; returns the name in words of the first non-finite estimate value, if any. */
function sanitize(node: unknown, path: PathStep[], warnings: string[], seen: Set<unknown>, root: unknown): string | undefined {
  if (node === null || typeof node !== 'object' || seen.has(node) || ArrayBuffer.isView(node)) return undefined;
  seen.add(node);
  const o = node as Record<string, unknown>;
  if (typeof o.value === 'number' && typeof o.unit === 'string') {
    if (!Number.isFinite(o.value)) return figureName(root, path);
    if (o.stderr !== undefined && !(typeof o.stderr === 'number' && Number.isFinite(o.stderr))) {
      delete o.stderr;
      warnings.push(`The standard error of ${figureName(root, path)} could not be computed and was left out.`);
    }
    return undefined;
  }
  if (path.length === 0 && Array.isArray(o.points)) {
    // Preview points are data, not estimates; drop non-finite pairs rather than fail.
    for (const s of o.points as PlotSeries[]) dropNonFinitePairs(s);
  }
  // One path array, grown and shrunk on the way (a long cycling result has tens of thousands of nodes).
  const isArray = Array.isArray(o);
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (k === 'points' || v === null || typeof v !== 'object') continue;
    path.push(isArray ? Number(k) : k);
    const bad = sanitize(v, path, warnings, seen, root);
    path.pop();
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Result keys in words, for messages; a key not listed is shown as it is. */
const FIGURE_WORDS: Record<string, string> = {
  rOhm: 'R_ohm', rCt: 'R_ct', rInf: 'R∞', inductance: 'the series inductance L', polarisation: 'the polarisation resistance',
  rmse: 'the RMS residual', chi2: 'χ²', dEff: 'D_eff', r2: 'R²', slope: 'the slope', intercept: 'the intercept',
  free: 'the free-intercept line', origin: 'the line through the origin', tau: 'τ', resistance: 'the resistance',
  currentDensity: 'the current density', capacity: 'the capacity', retention: 'the retention', final: 'the final retention',
  t0: 't0', time: 'the time', charge: 'charge', discharge: 'discharge', perMass: 'the specific capacity', perArea: 'the areal capacity',
  total: 'the capacity', ce: 'the CE', meanCe: 'the mean CE', finalRetention: 'the final retention', recovery: 'the recovery',
  reference: 'the reference polarisation', earlyPolarisation: 'the early polarisation',
  planned: 'the planned value', measured: 'the measured value', min: 'the minimum', max: 'the maximum',
};
/** Arrays of a result by the word for one element. */
const ELEMENT_WORDS: Record<string, string> = { parameters: 'parameter', peaks: 'peak', cycles: 'cycle', steps: 'step', rows: 'row', series: 'point', stripping: 'file' };

/**
 * "parameter C3", "the resistance of peak 2", "the discharge per mass of cycle 5": the figure at
 * `path` in words. An array element is named by its own name (a circuit parameter), its cycle or
 * step number, or its position counted from 1.
 */
function figureName(root: unknown, path: PathStep[]): string {
  const parts: string[] = [];
  let node: unknown = root;
  let parentKey = '';
  for (const step of path) {
    const child = (node as Record<string | number, unknown> | undefined)?.[step];
    if (typeof step === 'number') {
      const c = (child ?? {}) as Record<string, unknown>;
      const word = ELEMENT_WORDS[parentKey] ?? 'item';
      const id = typeof c.name === 'string' ? c.name : typeof c.cycle === 'number' ? c.cycle : typeof c.index === 'number' ? c.index : step + 1;
      parts.push(`${word} ${id}`);
    } else if (step !== 'value' && !ELEMENT_WORDS[step]) parts.push(FIGURE_WORDS[step] ?? step);
    parentKey = typeof step === 'string' ? step : '';
    node = child;
  }
  return parts.reverse().join(' of ') || 'a value';
}

function dropNonFinitePairs(s: PlotSeries): void {
  if (s.x.every(Number.isFinite) && s.y.every(Number.isFinite)) return;
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < s.x.length; i++) {
    if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) { x.push(s.x[i]); y.push(s.y[i]); }
  }
  s.x = x; s.y = y;
}

// ---------------------------------------------------------------------------------------------
// Input checks

export function isSamples(x: unknown): x is Samples {
  return Array.isArray(x) || x instanceof Float64Array;
}

/** A finite number, or an error message naming it. */
export function checkNumber(name: string, v: unknown, opts: { positive?: boolean } = {}): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a finite number (got ${String(v)})`;
  if (opts.positive && !(v > 0)) return `${name} must be positive (got ${v})`;
  return undefined;
}

export interface Columns {
  cols: Float64Array[];
  /** Index in the caller's arrays of each kept row. */
  rows: Uint32Array;
  warnings: string[];
}

/**
 * f of each item, in an array built by push: always of one elements kind. `map` makes its result
 * packed or holey depending on the tier it runs in, and optimised code that reads such arrays
 * (the circuit evaluators' branches, the cleaned columns) was deoptimised ("wrong map") each time
 * the other kind came by, and compiled again: dozens of recompilations per worker over an archive.
 */
export function mapPacked<T, U>(items: readonly T[], f: (item: T) => U): U[] {
  const out: U[] = [];
  for (const item of items) out.push(f(item));
  return out;
}

/**
 * Checks that the named columns are arrays of one length, drops the rows where any of them is
 * not finite (with a warning), and requires `minRows` rows to remain. When `timeIndex` is given,
 * that column must not go backwards. The columns returned are copies, unless `shareWhenClean`
 * lets typed columns that keep every row be returned as they are (for a caller that only reads).
 */
export function cleanColumns(
  named: [string, unknown][], minRows: number, timeIndex?: number, options: { shareWhenClean?: boolean } = {},
): Columns | { error: string } {
  for (const [name, c] of named) {
    if (!isSamples(c)) return { error: `${name} must be an array of numbers` };
  }
  const arrays = mapPacked(named, ([, c]) => c as Samples);
  const n = arrays[0].length;
  for (let j = 1; j < arrays.length; j++) {
    if (arrays[j].length !== n) {
      return { error: `${named[0][0]} has ${n} values but ${named[j][0]} has ${arrays[j].length}: columns must be the same length` };
    }
  }
  if (n === 0) return { error: 'no data: the columns are empty' };
  // Typed columns without a non-finite value (the usual case) are copied whole.
  if (arrays.every((a) => a instanceof Float64Array && allFinite(a))) {
    if (n < minRows) return { error: `${n} usable row${n === 1 ? '' : 's'} (at least ${minRows} needed)` };
    // A caller that only reads the columns may take the typed arrays themselves when every row is kept.
    const cols = mapPacked(arrays, (a) => (options.shareWhenClean ? (a as Float64Array) : (a as Float64Array).slice()));
    const bad = timeIndex === undefined ? undefined : backwards(cols[timeIndex], named[timeIndex][0], (i) => i);
    if (bad) return { error: bad };
    const rows = new Uint32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    return { cols, rows, warnings: [] };
  }
  const keep = new Uint32Array(n);
  let m = 0, firstBad = -1;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const a of arrays) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) { ok = false; break; }
    }
    if (ok) keep[m++] = i;
    else if (firstBad < 0) firstBad = i;
  }
  const warnings: string[] = [];
  // Rows are counted from 1, as instruments and spreadsheets count them.
  if (m < n) warnings.push(`Left out ${n - m} of ${n} rows with a missing or non-finite value (the first at data row ${firstBad + 1}).`);
  if (m < minRows) {
    return { error: `${m} usable row${m === 1 ? '' : 's'} (at least ${minRows} needed)${m < n ? `; ${n - m} rows had missing or non-finite values` : ''}` };
  }
  const rows = keep.slice(0, m);
  const cols = mapPacked(arrays, (a) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = a[rows[i]];
    return out;
  });
  const bad = timeIndex === undefined ? undefined : backwards(cols[timeIndex], named[timeIndex][0], (i) => rows[i]);
  if (bad) return { error: bad };
  return { cols, rows, warnings };
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Where a time column goes backwards, in words (its data row counted from 1); undefined when it never does. */
function backwards(t: Float64Array, name: string, rowOf: (i: number) => number): string | undefined {
  for (let i = 1; i < t.length; i++) {
    if (t[i] < t[i - 1]) {
      return `${name} goes backwards at data row ${rowOf(i) + 1} (${formatNumber(t[i - 1])} s then ${formatNumber(t[i])} s): join or sort the data first`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Statistics

/**
 * Linear-interpolated quantile q in [0, 1] of the values (NaN for none): what sorting a copy and
 * interpolating between its ranks gives (NaN ranks after every number, as a typed sort puts
 * them), found by selection instead of a sort: O(n) (quantileInPlace).
 */
export function quantile(a: ArrayLike<number>, q: number): number {
  if (a.length === 0) return NaN;
  return quantileInPlace(Float64Array.from(a), q);
}

/**
 * The quantile of quantile(), found by selection in `a` itself, whose order it changes (for a
 * scratch copy the caller made anyway). Exactly the sorted answer: the two ranks either side of
 * q·(n − 1) are the same numbers in any order that sorts, and a zero's sign cannot survive the
 * interpolation (±0 + (+0) is +0 either way).
 */
export function quantileInPlace(a: Float64Array, q: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  // Out of range (or q NaN): the sorted copy would be read past its ends, which gives NaN.
  if (!(lo >= 0 && hi <= n - 1)) return NaN;
  // NaNs go last, as in a sort; a rank among them is NaN.
  let numbers = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (x === x) a[numbers++] = x;
  }
  if (hi >= numbers) return NaN;
  selectRank(a, lo, 0, numbers - 1);
  const low = a[lo];
  let high = low;
  if (hi > lo) {
    // After the selection every value right of rank lo is ≥ it: rank lo + 1 is their minimum.
    high = a[hi];
    for (let i = hi + 1; i < numbers; i++) if (a[i] < high) high = a[i];
  }
  return low + (high - low) * (pos - lo);
}

/**
 * Floyd–Rivest selection (no NaN in a[left..right]): afterwards a[k] holds the value of rank k,
 * those left of it are ≤ and those right of it ≥. A range that takes more rounds than a good
 * selection needs is sorted instead (an adversarial order cannot make it quadratic).
 */
function selectRank(a: Float64Array, k: number, left: number, right: number): void {
  let rounds = 2 * Math.ceil(Math.log2(right - left + 2)) + 8;
  while (right > left) {
    if (rounds-- <= 0) {
      a.subarray(left, right + 1).sort();
      return;
    }
    if (right - left > 600) {
      // Select from a sample first, so that the pivot lands next to rank k.
      const n = right - left + 1, m = k - left + 1;
      const z = Math.log(n), s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      selectRank(a, k, Math.max(left, Math.floor(k - (m * s) / n + sd)), Math.min(right, Math.floor(k + ((n - m) * s) / n + sd)));
    }
    const t = a[k];
    let i = left, j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++; j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else { j++; swap(a, j, right); }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const x = a[i]; a[i] = a[j]; a[j] = x;
}

export function median(a: ArrayLike<number>): number {
  return quantile(a, 0.5);
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** Sample standard deviation (n − 1). */
export function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}

/** Mean with its standard error (sd/√n; none for a single value). */
export function meanEstimate(a: ArrayLike<number>, unit: string): Estimate {
  return a.length > 1 ? est(mean(a), unit, sd(a) / Math.sqrt(a.length)) : est(mean(a), unit);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    const del = d * c;
    f *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return (front * f) / a;
}

/** Two-sided p-value of Student's t statistic with `dof` degrees of freedom. */
export function tTestP(t: number, dof: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
}

// ---------------------------------------------------------------------------------------------
// Signals

/**
 * Threshold under which |x| counts as "no current": a fraction of the typical flowing |x| (the
 * median of the values above 1 % of the largest), so long rests do not hide the current.
 */
export function restThreshold(absValues: Float64Array, fraction: number): number {
  return restThresholdOf(absValues, absValues.length, fraction).thr;
}

/**
 * restThreshold of the first `n` values of x (signed or not), with the largest |x| and the flowing
 * |x| it took the median of (reordered by the selection: the same values).
 */
export function restThresholdOf(x: ArrayLike<number>, n: number, fraction: number): { thr: number; maxAbs: number; flowing: Float64Array } {
  let maxAbs = 0;
  for (let k = 0; k < n; k++) { const a = Math.abs(x[k]); if (a > maxAbs) maxAbs = a; }
  if (!(maxAbs > 0)) return { thr: 0, maxAbs, flowing: new Float64Array(0) };
  const floor = 0.01 * maxAbs;
  let count = 0;
  for (let k = 0; k < n; k++) if (Math.abs(x[k]) > floor) count++;
  const flowing = new Float64Array(count);
  for (let k = 0, j = 0; k < n; k++) { const a = Math.abs(x[k]); if (a > floor) flowing[j++] = a; }
  return { thr: fraction * quantileInPlace(flowing, 0.5), maxAbs, flowing };
}

export function absolute(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.abs(a[i]);
  return out;
}

/**
 * Integral of the positive and of the negative part of a piecewise-linear signal over one
 * interval (the line is split where it crosses zero). Returns [positive, negative ≤ 0].
 */
export function splitTrapezoid(y0: number, y1: number, dt: number): [number, number] {
  if (y0 >= 0 && y1 >= 0) return [((y0 + y1) / 2) * dt, 0];
  if (y0 <= 0 && y1 <= 0) return [0, ((y0 + y1) / 2) * dt];
  const f = y0 / (y0 - y1); // fraction of the interval before the zero crossing
  return y0 > 0 ? [(y0 * f * dt) / 2, (y1 * (1 - f) * dt) / 2] : [(y1 * (1 - f) * dt) / 2, (y0 * f * dt) / 2];
}

/**
 * At most `max` points for the preview: all of them when they fit, else the first and last
 * points of each bucket and its minimum and maximum in y, in order (the shape survives).
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, max = 4000, from = 0, to = x.length): { x: number[]; y: number[] } {
  const n = to - from;
  const ox: number[] = [], oy: number[] = [];
  if (n <= max) {
    for (let i = from; i < to; i++) { ox.push(x[i]); oy.push(y[i]); }
    return { x: ox, y: oy };
  }
  const buckets = Math.max(1, Math.floor(max / 4));
  for (let b = 0; b < buckets; b++) {
    const lo = from + Math.floor((b * n) / buckets), hi = from + Math.floor(((b + 1) * n) / buckets);
    if (hi <= lo) continue;
    let iMin = lo, iMax = lo;
    for (let i = lo; i < hi; i++) {
      if (y[i] < y[iMin]) iMin = i;
      if (y[i] > y[iMax]) iMax = i;
    }
    const picks = [...new Set([lo, iMin, iMax, hi - 1])].sort((a, b2) => a - b2);
    for (const i of picks) { ox.push(x[i]); oy.push(y[i]); }
  }
  return { x: ox, y: oy };
}

export function series(name: string, kind: PlotSeries['kind'], xUnit: string, yUnit: string, xy: { x: number[]; y: number[] }): PlotSeries {
  return { name, kind, xUnit, yUnit, x: xy.x, y: xy.y };
}


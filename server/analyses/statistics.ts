// Statistics of replicates: a result measured on n cells of one build is reported as the mean
// with the sample standard deviation (n − 1), the standard error SD/√n and a 95 % interval from
// Student's t with n − 1 degrees of freedom; two builds are compared by Welch's t-test, which
// does not assume equal variances (domain.md, "Replicates"). Student's t distribution comes from
// stdlib (@stdlib/stats-base-dists-t-cdf and -quantile, ports of Boost's incomplete beta and its
// inverse), so the p-values and quantiles are those of a maintained library.
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** The confidence level of every interval here. */
export const CONFIDENCE = 0.95;

/** n values summarised; the spread is absent for a single value (it cannot be computed). */
export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample standard deviation, with n − 1 in the denominator (n ≥ 2). */
  sd?: number;
  /** Standard error of the mean, SD/√n (n ≥ 2). */
  se?: number;
  /** Degrees of freedom of the interval, n − 1 (n ≥ 2). */
  dof?: number;
  /** Student's t quantile t(0.975, n − 1) the interval is built with (n ≥ 2). */
  tCritical?: number;
  /** The 95 % interval of the mean, mean ± t·SE (n ≥ 2). */
  ci95?: [number, number];
}

/** Welch's unequal-variance t-test of mean(a) − mean(b) = 0, two-sided. */
export interface WelchTest {
  /** mean(a) − mean(b). */
  difference: number;
  /** Standard error of the difference, √(s_a²/n_a + s_b²/n_b). */
  se: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not a whole number in general). */
  dof: number;
  /** Two-sided p-value, 2·P(T > |t|) with T ~ t(dof). */
  p: number;
  /** p < 0.05. */
  significant: boolean;
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample variance (n − 1); NaN for fewer than two values. */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return s / (n - 1);
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom (dof > 0, not necessarily whole). */
export function studentCdf(t: number, dof: number): number {
  return tCdf(t, dof);
}

/** The p-quantile of Student's t with `dof` degrees of freedom. */
export function studentQuantile(p: number, dof: number): number {
  return tQuantile(p, dof);
}

/** Mean, sample SD, standard error and the 95 % Student-t interval of the values (n ≥ 1). */
export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) throw new Error('summarizeSample needs at least one value');
  const m = mean(values);
  if (n < 2) return { n, mean: m };
  const sd = Math.sqrt(sampleVariance(values));
  const se = sd / Math.sqrt(n);
  const dof = n - 1;
  const tCritical = studentQuantile(1 - (1 - CONFIDENCE) / 2, dof);
  return { n, mean: m, sd, se, dof, tCritical, ci95: [m - tCritical * se, m + tCritical * se] };
}

/**
 * Welch's t-test of two samples; undefined when either has fewer than two values (no variance)
 * or when both have none at all (every value equal within each sample: t is not defined).
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchTest | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const va = sampleVariance(a) / a.length, vb = sampleVariance(b) / b.length;
  const se = Math.sqrt(va + vb);
  if (!(se > 0)) return undefined;
  const difference = mean(a) - mean(b);
  const t = difference / se;
  const dof = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const p = Math.min(1, 2 * studentCdf(-Math.abs(t), dof));
  return { difference, se, t, dof, p, significant: p < 1 - CONFIDENCE };
}

/**
 * The inverse-variance weighted mean of estimates that each carry a standard error, and its
 * standard error 1/√Σw: the combination that trusts each cell's own fit. It ignores the spread
 * between cells, so it is reported beside the unweighted mean, never instead of it.
 */
export function inverseVarianceMean(values: readonly number[], stderrs: readonly number[]): { mean: number; se: number } | undefined {
  if (!values.length || values.length !== stderrs.length || stderrs.some((s) => !(s > 0) || !Number.isFinite(s))) return undefined;
  let sw = 0, swx = 0;
  values.forEach((v, k) => { const w = 1 / stderrs[k] ** 2; sw += w; swx += w * v; });
  return { mean: swx / sw, se: 1 / Math.sqrt(sw) };
}

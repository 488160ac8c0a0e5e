// The statistics of replicates (server/analyses/statistics.ts) against hand computation: the sums
// are written out here, Student's t against closed forms (ν = 1, 2) and table values, and the
// p-value of Welch's test against a numerical integral of the t density computed in this file.
import { strict as assert } from 'assert';
import { inverseVarianceMean, studentCdf, studentQuantile, summarizeSample, welchTest } from '../server/analyses/statistics';

const near = (x: number | undefined, expected: number, tol: number, what: string) =>
  assert.ok(x !== undefined && Math.abs(x - expected) <= tol, `${what}: ${x}, expected ${expected} ± ${tol}`);

/**
 * ln Γ written here so the check does not use the library's: shift x up to 20 or more by
 * Γ(x) = Γ(x + k)/(x(x + 1)…(x + k − 1)), then Stirling's series to 1/x⁷ (error < 1e-16 there).
 */
function lnGamma(x: number): number {
  let shift = 0;
  while (x < 20) { shift += Math.log(x); x += 1; }
  const series = 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5) - 1 / (1680 * x ** 7);
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** Two-sided p of Student's t by Simpson's rule over the density from 0 to |t| (10 000 panels). */
function twoSidedP(t: number, dof: number): number {
  const k = Math.exp(lnGamma((dof + 1) / 2) - lnGamma(dof / 2)) / Math.sqrt(dof * Math.PI);
  const pdf = (x: number) => k * (1 + (x * x) / dof) ** (-(dof + 1) / 2);
  const n = 10000, h = Math.abs(t) / n;
  let s = pdf(0) + pdf(Math.abs(t));
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(i * h);
  return 1 - 2 * (s * h) / 3;
}

describe('statistics of replicates', () => {
  it("Student's t: closed forms for ν = 1 and 2, table quantiles at 97.5 %", () => {
    // ν = 1 is Cauchy: F(t) = 1/2 + atan(t)/π; ν = 2: F(t) = 1/2 + t / (2 √(2 + t²)).
    near(studentCdf(1, 1), 0.75, 1e-12, 'F(1; 1)');
    near(studentCdf(2, 2), 0.5 + 2 / (2 * Math.sqrt(6)), 1e-12, 'F(2; 2)');
    near(studentCdf(-0.7, 2), 0.5 - 0.7 / (2 * Math.sqrt(2.49)), 1e-12, 'F(-0.7; 2)');
    near(studentQuantile(0.975, 1), Math.tan(Math.PI * 0.475), 1e-9, 't(0.975; 1)');
    // Table values (Abramowitz & Stegun 26.10): 4.302653, 2.776445, 2.228139, 2.042272.
    for (const [dof, t] of [[2, 4.302653], [4, 2.776445], [10, 2.228139], [30, 2.042272]]) near(studentQuantile(0.975, dof), t, 1e-6, `t(0.975; ${dof})`);
  });

  it('summarises four values: mean 2.5, SD √(5/3), SE SD/2, 95 % interval ± t(0.975; 3)·SE', () => {
    const s = summarizeSample([1, 2, 3, 4]);
    assert.equal(s.n, 4);
    near(s.mean, 2.5, 1e-15, 'mean');
    // Σ(x − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3.
    near(s.sd, Math.sqrt(5 / 3), 1e-15, 'SD');
    near(s.se, Math.sqrt(5 / 3) / 2, 1e-15, 'SE');
    assert.equal(s.dof, 3);
    near(s.tCritical, 3.182446, 1e-6, 't(0.975; 3), the table value');
    near(s.ci95![0], 2.5 - 3.182446 * Math.sqrt(5 / 3) / 2, 1e-6, 'interval low');
    near(s.ci95![1], 2.5 + 3.182446 * Math.sqrt(5 / 3) / 2, 1e-6, 'interval high');
  });

  it('has no spread for one value: mean only, no SD, SE or interval', () => {
    const s = summarizeSample([9.62e-14]);
    assert.deepEqual(s, { n: 1, mean: 9.62e-14 });
    assert.throws(() => summarizeSample([]));
  });

  it("Welch's test of [1, 2, 3] against [4, 6, 8, 10]: t = −5/√2, ν = 216/53, p by integration", () => {
    // Variances of the means: 1/3 and (20/3)/4 = 5/3, adding to 2; t = (2 − 7)/√2.
    // ν = 2² / ((1/3)²/2 + (5/3)²/3) = 4 / (1/18 + 25/27) = 216/53 = 4.0755.
    const w = welchTest([1, 2, 3], [4, 6, 8, 10])!;
    near(w.difference, -5, 1e-15, 'difference');
    near(w.se, Math.sqrt(2), 1e-15, 'SE of the difference');
    near(w.t, -5 / Math.sqrt(2), 1e-14, 't');
    near(w.dof, 216 / 53, 1e-12, 'Welch–Satterthwaite ν');
    const p = twoSidedP(5 / Math.sqrt(2), 216 / 53);
    near(w.p, p, 1e-9, 'two-sided p');
    assert.ok(p > 0.02 && p < 0.03, `p = ${p}`);
    assert.equal(w.significant, true);
    // Swapping the samples changes the sign of t only.
    const back = welchTest([4, 6, 8, 10], [1, 2, 3])!;
    near(back.t, 5 / Math.sqrt(2), 1e-14, 't swapped');
    near(back.p, w.p, 1e-15, 'p swapped');
  });

  it("Welch's test of two equal-size samples of equal spread: ν = 2(n − 1) = 4, as Student's", () => {
    // [10, 12, 14] and [11, 13, 15]: both variances 4, means 12 and 13; t = −1/√(8/3), ν = 4.
    const w = welchTest([10, 12, 14], [11, 13, 15])!;
    near(w.t, -1 / Math.sqrt(8 / 3), 1e-14, 't');
    near(w.dof, 4, 1e-12, 'ν');
    near(w.p, twoSidedP(1 / Math.sqrt(8 / 3), 4), 1e-9, 'p');
    assert.equal(w.significant, false);
  });

  it('gives no test where a sample has one value, or where neither varies', () => {
    assert.equal(welchTest([1], [2, 3]), undefined);
    assert.equal(welchTest([1, 1], [2, 2]), undefined);
  });

  it('weights estimates by 1/SE²: 1 ± 1 and 3 ± 2 give 1.4 ± 2/√5', () => {
    // w = 1 and 1/4: (1 + 3/4) / (5/4) = 1.4; SE = 1/√(5/4).
    const w = inverseVarianceMean([1, 3], [1, 2])!;
    near(w.mean, 1.4, 1e-15, 'weighted mean');
    near(w.se, 2 / Math.sqrt(5), 1e-15, 'its SE');
    assert.equal(inverseVarianceMean([1, 3], [1, 0]), undefined, 'a zero SE cannot weigh');
  });
});

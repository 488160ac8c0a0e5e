// The circuit fit's analytic Jacobian (circuitModel.ts compileCircuitDerivatives, fitModel.ts
// jacobianAt and the θ problem's jacobian) against central differences of the impedance and of
// the residuals, for every element type and nested series/parallel blocks at seeded random
// parameters; and the cases where the closed forms do not apply (the fit then differentiates
// numerically, lm.ts).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { failure, guarded, Result } from '../server/analyses/common';
import { FitSpec, FitValues, fitCircuit } from '../server/analyses/eis';
import { compileCircuit, compileCircuitDerivatives, finiteWarburg, finiteWarburgDerivative } from '../server/analyses/eis/circuitModel';
import { checkFit, FitSetup } from '../server/analyses/eis/fitChecks';
import { ThetaTransform, thetaTransform, weightedModel } from '../server/analyses/eis/fitModel';
import { optimumOf } from '../server/analyses/eis/fitOptimum';
import { solveFromStarts } from '../server/analyses/eis/fitSolve';
import { startingValues } from '../server/analyses/eis/fitStarts';
import { uncertaintyOf } from '../server/analyses/eis/fitUncertainty';
import { divergence, verdict } from '../server/analyses/eis/fitVerdict';
import { levenbergMarquardt } from '../server/analyses/eis/lm';
import { Circuit, parseCircuit } from '../server/domain/circuit';
import { readDataFile } from '../server/readers';
import { gaussian, rng } from './helpers/traces';

const circuitOf = (s: string): Circuit => {
  const r = parseCircuit(s);
  assert.ok(r.ok, s);
  return r.circuit;
};

/** Angular frequencies from 1e-3 to 1e7 rad/s, 8 a decade. */
const OMEGA = Float64Array.from({ length: 81 }, (_, k) => 1e7 * 10 ** (-k / 8));

/** Seeded random parameters: log-uniform over six decades around a typical value, α in (0.3, 1). */
function randomParameters(c: Circuit, u: () => number): Float64Array {
  const typical: Record<string, number[]> = { R: [100], C: [1e-6], L: [1e-6], CPE: [1e-5, NaN], W: [50], Wo: [100, 1], Ws: [100, 1] };
  const p = new Float64Array(c.parameters.length);
  c.parameters.forEach((info, i) => {
    const t = typical[info.type][info.index];
    // τ of Wo/Ws over 10 decades, so ωτ falls on both sides of the series branch at 1e-4.
    p[i] = Number.isNaN(t) ? 0.3 + 0.7 * u() : t * 10 ** ((info.type === 'Wo' || info.type === 'Ws') && info.index === 1 ? 10 * u() - 7 : 6 * u() - 3);
  });
  return p;
}

/**
 * |analytic − differences| ≤ 1e-6 |∂Z/∂p| + 1e-9 |Z|/|p| at every frequency: relative 1e-6, with a
 * floor far above the rounding error of the differences (Richardson-extrapolated central
 * differences of steps 1e-4 |p| and half that: truncation O(h⁴), rounding about 1e-12 |Z|/|p|) for
 * a parameter whose effect at some frequency is far below |Z|.
 */
function checkCircuit(source: string, seeds: number): void {
  const c = circuitOf(source), n = OMEGA.length, P = c.parameters.length;
  const evaluate = compileCircuit(c), derivatives = compileCircuitDerivatives(c);
  const re = new Float64Array(n), im = new Float64Array(n), zr = new Float64Array(n), zi = new Float64Array(n);
  const dRe = Array.from({ length: P }, () => new Float64Array(n)), dIm = Array.from({ length: P }, () => new Float64Array(n));
  const a = new Float64Array(n), b = new Float64Array(n), a2 = new Float64Array(n), b2 = new Float64Array(n);
  const central = (p: Float64Array, i: number, h: number): [Float64Array, Float64Array] => {
    const q = Float64Array.from(p);
    q[i] = p[i] + h; evaluate(q, OMEGA, a, b);
    q[i] = p[i] - h; evaluate(q, OMEGA, a2, b2);
    return [a.map((v, k) => (v - a2[k]) / (2 * h)), b.map((v, k) => (v - b2[k]) / (2 * h))];
  };
  const u = rng(seeds);
  for (let trial = 0; trial < 20; trial++) {
    const p = randomParameters(c, u);
    assert.equal(derivatives(p, OMEGA, re, im, dRe, dIm), true, `${source}: closed forms apply`);
    evaluate(p, OMEGA, zr, zi);
    for (let k = 0; k < n; k++) {
      const scale = Math.hypot(zr[k], zi[k]);
      assert.ok(Math.abs(re[k] - zr[k]) <= 1e-12 * scale && Math.abs(im[k] - zi[k]) <= 1e-12 * scale, `${source}: Z of the derivative pass is the evaluator's at ω = ${OMEGA[k]}`);
    }
    for (let i = 0; i < P; i++) {
      const h = 1e-4 * p[i], [r1, i1] = central(p, i, h), [r2, i2] = central(p, i, h / 2);
      for (let k = 0; k < n; k++) {
        const fr = (4 * r2[k] - r1[k]) / 3, fi = (4 * i2[k] - i1[k]) / 3;
        const err = Math.hypot(dRe[i][k] - fr, dIm[i][k] - fi);
        const tol = 1e-6 * Math.hypot(dRe[i][k], dIm[i][k]) + (1e-9 * Math.hypot(zr[k], zi[k])) / Math.abs(p[i]);
        assert.ok(err <= tol, `${source}: ∂Z/∂${c.parameters[i].name} at ω = ${OMEGA[k].toExponential(2)}, p = [${Array.from(p, (v) => v.toExponential(3))}]: analytic (${dRe[i][k]}, ${dIm[i][k]}), differences (${fr}, ${fi}), |error| ${err.toExponential(2)} > ${tol.toExponential(2)}`);
      }
    }
  }
}

describe('EIS fit: the analytic Jacobian', () => {
  it('every element type alone matches central differences (relative 1e-6)', () => {
    ['R0', 'C0', 'L0', 'CPE0', 'W0', 'Wo0', 'Ws0'].forEach((s, k) => checkCircuit(s, 100 + k));
  });

  it('nested series and parallel blocks match central differences (relative 1e-6)', () => {
    [
      'L0-R0-p(R1,CPE1)-W1',
      'R0-p(R1,C1)-p(R2,C2)-C3',
      'p(R1,C1)',
      'R0-p(p(R1,C1)-R2,CPE2)-Wo3',
      'p(R1-Ws1,CPE2,L3)',
      'p(R0-p(R1,C1),p(R2,CPE2)-W3)-Ws4',
      'R0-p(R1-p(R2,C2-p(R3,Wo3)),CPE1)',
      'p(C1,L1,R1)-p(R2,W2,Wo2,Ws2)', // (an undamped p(C1,L1) has a pole where differences mean nothing)
    ].forEach((s, k) => checkCircuit(s, 200 + k));
  });

  it('finiteWarburgDerivative is finiteWarburg, and x F\'(x) its derivative, on both branches', () => {
    for (const open of [true, false]) {
      for (const x of [1e-9, 3e-6, 9.99e-5, 1.001e-4, 0.02, 1, 37, 4e4, 1e9]) {
        const { f, g } = finiteWarburgDerivative(x, open), ref = finiteWarburg(x, open);
        assert.ok(Math.hypot(f.re - ref.re, f.im - ref.im) <= 1e-14 * Math.hypot(ref.re, ref.im), `F(${x}), open ${open}`);
        const h = 1e-5 * x, up = finiteWarburg(x + h, open), dn = finiteWarburg(x - h, open);
        const gr = (x * (up.re - dn.re)) / (2 * h), gi = (x * (up.im - dn.im)) / (2 * h);
        assert.ok(Math.hypot(g.re - gr, g.im - gi) <= 1e-6 * Math.hypot(g.re, g.im) + 1e-9 * Math.hypot(ref.re, ref.im), `x F'(x) at ${x}, open ${open}: (${g.re}, ${g.im}) vs (${gr}, ${gi})`);
      }
    }
  });

  it('a shorted or open branch of a parallel block has no closed form: false, not a wrong number', () => {
    const c = circuitOf('R0-p(R1,C1)'), n = 3, w = Float64Array.of(1e3, 1, 1e-3);
    const buf = () => new Float64Array(n), cols = () => [buf(), buf(), buf()];
    const d = compileCircuitDerivatives(c);
    assert.equal(d(Float64Array.of(10, 100, Infinity), w, buf(), buf(), cols(), cols()), false, 'C1 = ∞ shorts the block');
    assert.equal(d(Float64Array.of(10, Infinity, 1e-6), w, buf(), buf(), cols(), cols()), false, 'R1 = ∞ opens a branch');
    assert.equal(d(Float64Array.of(10, 0, 1e-6), w, buf(), buf(), cols(), cols()), false, 'R1 = 0 shorts the block');
    assert.equal(d(Float64Array.of(10, 100, 1e-6), w, buf(), buf(), cols(), cols()), true);
  });
});

describe('EIS fit: the Jacobian of the weighted residuals in θ', () => {
  /** A spectrum of R0-p(R1,CPE1)-Wo1 with 1 % deterministic scatter. */
  function setupOf(circuit: string, extra: Record<string, unknown>): FitSetup {
    const frequency: number[] = [], zReal: number[] = [], zImag: number[] = [];
    const c = circuitOf('R0-p(R1,CPE1)-Wo1'), ev = compileCircuit(c), truth = [10, 100, 1e-5, 0.85, 40, 2];
    const u = rng(7);
    for (let k = 0; k < 50; k++) {
      const f = 1e5 * 10 ** (-k / 7), re = new Float64Array(1), im = new Float64Array(1);
      ev(truth, [2 * Math.PI * f], re, im);
      frequency.push(f); zReal.push(re[0] * (1 + 0.02 * (u() - 0.5))); zImag.push(im[0] * (1 + 0.02 * (u() - 0.5)));
    }
    const s = checkFit({ circuit, frequency, zReal, zImag, ...extra });
    assert.ok(!('error' in s), JSON.stringify(s));
    return s as FitSetup;
  }

  it('matches central differences of the residuals for log and plain parameters, each weighting, fixed ones left out', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['R0-p(R1,CPE1)-Wo1', { weighting: 'modulus' }],
      ['R0-p(R1,CPE1)-Wo1', { weighting: 'unit', fixed: { R1: 90 } }],
      ['L0-R0-p(R1,CPE1)-Wo1', { weighting: 'proportional', bounds: { R0: [-50, 50], CPE1_1: [-1, 1] } }],
    ];
    for (const [circuit, extra] of cases) {
      const s = setupOf(circuit, extra), model = weightedModel(s), theta = thetaTransform(s, model);
      const byName = new Map(s.circuit.parameters.map((q, i) => [q.name, i]));
      const value: Record<string, number> = { L0: 1e-7, R0: 9, R1: 110, CPE1_0: 2e-5, CPE1_1: 0.8, Wo1_0: 30, Wo1_1: 1.5 };
      const start = s.free.map((i) => value[s.circuit.parameters[i].name]);
      assert.ok(start.every(Number.isFinite) && s.free.length === byName.size - Object.keys((extra.fixed as object | undefined) ?? {}).length);
      const prob = theta.problemFor(start), x = theta.toTheta(start), m = prob.m, n = x.length;
      const J = Array.from({ length: n }, () => new Float64Array(m));
      assert.equal(prob.jacobian!(x, J), true);
      // Richardson-extrapolated central differences (truncation O(h⁴)); their rounding, about
      // 1e-16 |Z w| / h with |Z w| ≤ 250 here, is the absolute floor 1e-9.
      const a = new Float64Array(m), b = new Float64Array(m);
      const central = (j: number, h: number): Float64Array => {
        const xt = Float64Array.from(x);
        xt[j] = x[j] + h; prob.residuals(xt, a);
        xt[j] = x[j] - h; prob.residuals(xt, b);
        return a.map((v, k) => (v - b[k]) / (2 * h));
      };
      for (let j = 0; j < n; j++) {
        const h = 1e-3 * Math.max(Math.abs(x[j]), 1), d1 = central(j, h), d2 = central(j, h / 2);
        let err = 0, norm = 0;
        for (let k = 0; k < m; k++) { err = Math.max(err, Math.abs(J[j][k] - (4 * d2[k] - d1[k]) / 3)); norm = Math.max(norm, Math.abs(J[j][k])); }
        assert.ok(norm > 0 && err <= 1e-6 * norm + 1e-9, `${circuit} ${JSON.stringify(extra)}: column ${s.circuit.parameters[s.free[j]].name}: max error ${err.toExponential(2)} of ${norm.toExponential(2)}`);
      }
    }
  });

  it('where the closed forms fail, Levenberg–Marquardt falls back to differences and gets the same answer', () => {
    const s = setupOf('R0-p(R1,CPE1)-Wo1', {}), model = weightedModel(s), theta = thetaTransform(s, model);
    const start = [9, 110, 2e-5, 0.8, 30, 1.5];
    const analytic = theta.problemFor(start);
    let calls = 0;
    const refused = { ...analytic, jacobian: () => { calls++; return false; } };
    const numeric = { ...analytic, jacobian: undefined };
    const ra = levenbergMarquardt(analytic, theta.toTheta(start));
    const rr = levenbergMarquardt(refused, theta.toTheta(start)), rn = levenbergMarquardt(numeric, theta.toTheta(start));
    assert.ok(calls > 0);
    assert.deepEqual(Array.from(rr.x), Array.from(rn.x), 'a refused Jacobian is forward differences exactly');
    assert.ok(ra.converged && rn.converged);
    assert.ok(Math.abs(ra.ssr - rn.ssr) <= 1e-9 * rn.ssr, `ssr ${ra.ssr} vs ${rn.ssr}`);
    ra.x.forEach((v, j) => assert.ok(Math.abs(v - rn.x[j]) <= 1e-5 * Math.max(1, Math.abs(v)), `θ${j}: ${v} vs ${rn.x[j]}`));
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * fit.ts's runFit stage by stage, with the θ problem's analytic Jacobian or without it (forward
 * differences, the fit before the Jacobian was analytic; lm.ts is otherwise unchanged).
 */
function fitWith(spec: FitSpec, analytic: boolean): Result<FitValues> {
  return guarded('the circuit fit', () => {
    const setup = checkFit(spec);
    if ('error' in setup) throw new Error(setup.error);
    const model = weightedModel(setup);
    const starts = startingValues(spec, setup, model);
    if (typeof starts === 'string') throw new Error(starts);
    const full = thetaTransform(setup, model);
    const theta: ThetaTransform = analytic ? full : { ...full, problemFor: (start) => ({ ...full.problemFor(start), jacobian: undefined }) };
    const maxIterations = 400;
    const runs = solveFromStarts(setup.free.length, theta, starts.starts, maxIterations);
    const best = runs[0];
    const diverged = divergence(setup, model, theta.toP(best.lm.x), best.start);
    if (diverged) return failure(diverged, setup.warnings);
    const opt = optimumOf(setup, model, theta, best);
    return verdict(setup, model, { starts, runs, maxIterations, opt, u: uncertaintyOf(setup, model, opt) });
  });
}

/** The largest differences between two fits of one spectrum; throws where they disagree in kind. */
function differences(what: string, a: Result<FitValues>, b: Result<FitValues>): { value: number; sigma: number; stderr: number; chi2: number } {
  assert.equal(a.ok, b.ok, `${what}: ok`);
  if (!a.ok || !b.ok) {
    // Both diverged, naming the element the data lack; which other runaway a degenerate fit (an
    // arc too many) reaches first may differ: its starts end at sums of squares equal to 1e-9.
    const named = (r: Result<FitValues>) => (r.ok ? [] : [...r.error.matchAll(/(\w+) grew without bound/g)].map((x) => x[1]));
    const common = named(a).filter((n) => named(b).includes(n));
    assert.ok(!a.ok && !b.ok && /diverged/.test(a.error) && /diverged/.test(b.error) && common.length > 0, `${what}: ${a.ok ? 'ok' : a.error} / ${b.ok ? 'ok' : b.error}`);
    return { value: 0, sigma: 0, stderr: 0, chi2: 0 };
  }
  for (const k of ['status', 'converged', 'startsTried', 'rOhmDetermined'] as const) assert.equal(a[k], b[k], `${what}: ${k}`);
  const numbers = (w: string[]) => w.map((t) => t.replace(/-?[\d.]+(e[+-]?\d+)?/g, '#'));
  assert.deepEqual(numbers(a.warnings), numbers(b.warnings), `${what}: warnings`);
  const rel = (x: number, y: number) => (x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  const d = { value: 0, sigma: 0, stderr: 0, chi2: rel(a.chi2.value, b.chi2.value) };
  a.parameters.forEach((p, i) => {
    const q = b.parameters[i];
    assert.deepEqual([p.atBound, p.bound, p.determined, p.value.stderr === undefined], [q.atBound, q.bound, q.determined, q.value.stderr === undefined], `${what}: ${p.name}`);
    // A parameter the data do not determine may sit anywhere along its valley: its value is not compared.
    if (p.determined === false) return;
    d.value = Math.max(d.value, rel(p.value.value, q.value.value));
    if (p.value.stderr !== undefined) {
      d.sigma = Math.max(d.sigma, Math.abs(p.value.value - q.value.value) / p.value.stderr);
      d.stderr = Math.max(d.stderr, rel(p.value.stderr, q.value.stderr!));
    }
  });
  return d;
}

describe('EIS fit: analytic against forward-difference Jacobian (differential)', () => {
  const worst = { value: 0, sigma: 0, stderr: 0, chi2: 0 };
  const compare = (what: string, spec: FitSpec): void => {
    const a = fitWith(spec, true), n = fitWith(spec, false);
    assert.deepEqual(a, fitCircuit(spec), `${what}: the stages are fitCircuit's`);
    const d = differences(what, n, a);
    for (const k of Object.keys(d) as (keyof typeof d)[]) worst[k] = Math.max(worst[k], d[k]);
  };
  // The optima agree to the fit's tolerance (ftol 1e-12 on χ²): parameter changes are rounding
  // next to their standard errors; measured on this machine: values 1.5e-8, |Δp|/σ 4e-7 on the examples.
  const check = (label: string): void => {
    console.log(`      ${label}: largest relative change of a determined value ${worst.value.toExponential(2)}, |Δp|/σ ${worst.sigma.toExponential(2)}, stderr ${worst.stderr.toExponential(2)}, χ² ${worst.chi2.toExponential(2)}`);
    assert.ok(worst.sigma <= 1e-3 && worst.value <= 1e-5 && worst.stderr <= 1e-3 && worst.chi2 <= 1e-9, JSON.stringify(worst));
  };

  it('the example spectra (the bench\'s L0-R0-p(R1,CPE1)-W1): same status, warnings, bounds; values within 1e-3 σ', async function () {
    this.timeout(60000);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : /eis-\d+\.mpt$/.test(e.name) && files.push(path.join(d, e.name));
    };
    walk(path.resolve(__dirname, '../../examples/data'));
    assert.ok(files.length >= 20, `${files.length} example spectra`);
    for (const f of files) {
      const t = await readDataFile(f);
      const col = (kind: string) => t.columns.find((c) => c.kind === kind)!.values as Float64Array;
      compare(f, { circuit: 'L0-R0-p(R1,CPE1)-W1', frequency: col('frequency'), zReal: col('zReal'), zImag: col('zImag') });
    }
    check(`${files.length} example spectra`);
  });

  it('noisy synthetic spectra of eight circuits, three noise levels, every weighting', function () {
    this.timeout(60000);
    const cases: [string, number[]][] = [
      ['R0-p(R1,CPE1)', [8.5, 120, 2e-6, 0.85]],
      ['R0-p(R1,C1)-p(R2,C2)', [8.5, 40, 1e-7, 150, 2e-4]],
      ['L0-R0-p(R1,CPE1)-W1', [2e-7, 8.5, 120, 2e-6, 0.85, 60]],
      ['R0-p(R1,CPE1)-p(R2,CPE2)', [8.5, 40, 2e-7, 0.9, 150, 5e-4, 0.8]],
      ['R0-p(R1,C1)-Wo1', [10, 100, 1e-6, 50, 3]],
      ['R0-p(R1,CPE1)-Ws1', [10, 100, 1e-5, 0.9, 50, 3]],
      ['R0-p(R1-Wo1,CPE1)', [10, 100, 30, 2, 1e-5, 0.85]],
      ['R0-p(R1,C1)-p(R2,C2)-C3', [20, 100, 1e-6, 1, 1e-9, 1e6]], // the divergence case's circuit
    ];
    for (const [circuit, truth] of cases) {
      const ev = compileCircuit(circuitOf(circuit)), re = new Float64Array(1), im = new Float64Array(1);
      for (const noise of [0.001, 0.01, 0.03]) {
        for (const weighting of ['modulus', 'unit', 'proportional'] as const) {
          const g = gaussian(Math.round(noise * 1e4) + weighting.length);
          const frequency: number[] = [], zReal: number[] = [], zImag: number[] = [];
          for (let k = 0; k < 61; k++) {
            const f = 1e6 * 10 ** (-k / 8.5);
            ev(truth, [2 * Math.PI * f], re, im);
            const m = Math.hypot(re[0], im[0]);
            frequency.push(f); zReal.push(re[0] + noise * m * g()); zImag.push(im[0] + noise * m * g());
          }
          compare(`${circuit}, noise ${noise}, ${weighting}`, { circuit, frequency, zReal, zImag, weighting });
        }
      }
    }
    check('72 synthetic spectra');
  });
});

describe('EIS fit: a parameter that ran off towards an infinite bound (fitVerdict.ts divergence)', () => {
  // The divergence test's spectrum (eisFit.test.ts): one arc, no blocking tail, fitted with a series C3.
  const c3 = (): FitSetup => {
    const frequency: number[] = [], zReal: number[] = [], zImag: number[] = [];
    const ev = compileCircuit(circuitOf('R0-p(R1,C1)')), re = new Float64Array(1), im = new Float64Array(1);
    for (let k = 0; k < 61; k++) {
      const f = 1e6 * 10 ** (-k / 8.5);
      ev([20, 100, 1e-6], [2 * Math.PI * f], re, im);
      frequency.push(f); zReal.push(re[0]); zImag.push(im[0]);
    }
    const s = checkFit({ circuit: 'R0-p(R1,C1)-p(R2,C2)-C3', frequency, zReal, zImag });
    assert.ok(!('error' in s));
    return s as FitSetup;
  };
  const start = [20, 100, 1e-6, 1, 1e-3, 10];

  it('diverged whether C3 overflowed or stopped at a value the data cannot feel; not while they feel it', () => {
    const s = c3(), model = weightedModel(s);
    const at = (v: number) => divergence(s, model, Float64Array.of(20, 100, 1e-6, 1, 1e-3, v), start);
    assert.match(at(Infinity)!, /^the fit of R0-p\(R1,C1\)-p\(R2,C2\)-C3 diverged: C3 grew without bound \(from 10 F at the start\)/);
    // 1e163 F (where the optimizer stopped on one such spectrum before): |Z_C3| is 1e-163 of |Z|.
    assert.equal(at(1e163), at(Infinity));
    assert.equal(at(1e12), at(Infinity));
    // 300 F: Z_C3 is 5e-5 of |Z| at the lowest frequency, felt; the bound's warning covers it.
    assert.equal(at(300), undefined);
    assert.equal(at(10), undefined);
  });

  it('not a parameter whose element vanished by another\'s doing, nor one that moved away from the infinite bound', () => {
    const s = c3(), model = weightedModel(s);
    // R2 collapsed to 1e-15 Ω: C2 = 1e9 F is not felt, but it is not felt at its start either.
    assert.equal(divergence(s, model, Float64Array.of(20, 100, 1e-6, 1e-15, 1e9, 10), [20, 100, 1e-6, 1e-15, 1e-3, 10]), undefined);
    // C1 fell from 1e-6 to 1e-40 F: the lower bound of θ holds that (fitOptimum.ts), not this rule.
    assert.equal(divergence(s, model, Float64Array.of(20, 100, 1e-40, 1, 1e-3, 10), start), undefined);
  });
});

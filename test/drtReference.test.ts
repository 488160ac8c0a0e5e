// The DRT against its frozen reference (test/helpers/drtReference: the code before the speed work
// of branch speed-drt): tabulated RBF columns with a Taylor step, the normal equations as column
// dot products, the GCV eigen-projection without the eigenvector matrix, the NNLS with an updated
// Cholesky factor. Every result must agree with the reference's to rounding level, on the example
// study's spectra and on synthetic ones (noisy or not, with and without inductance, first and second
// derivative, λ given, plain GCV, rounded, jittered and long sweeps). The differences reached are
// printed; the tolerances are what was observed, with a margin.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DrtInput, computeDrt } from '../server/analyses/eis/drt';
import { readDataFile } from '../server/readers';
import { referenceDrt } from './helpers/drtReference/drt';
import { fillRbfColumns as referenceFill, rbfBasis as referenceBasis } from './helpers/drtReference/drtBasis';
import { TAYLOR_TOLERANCE, derivativeGram, drtBasisInternals, fillRbfColumns, gammaAt, gammaAtEach, rbfBasis } from '../server/analyses/eis/drtBasis';
import { buildProblem } from '../server/analyses/eis/drtProblem';
import { readOptions, readSpectrum } from '../server/analyses/eis/drtInput';
import { cholesky, forwardColumns, nnlsQp, normalEquations, symmetricEigen, symmetricEigenProjected } from '../server/analyses/linalg';
import * as ref from './helpers/drtReference/linalg';

const ROOT = path.resolve(__dirname, '../..');

function log(line: string): void {
  console.log(`      ${line}`);
}

/** Seeded standard normal deviates (mulberry32 + Box–Muller). */
function normal(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    let u = 0;
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

interface Synthetic {
  rInf: number; arcs: { r: number; tau0: number; phi: number }[]; inductance?: number; noise?: number; seed?: number;
  n?: number; fHigh?: number; perDecade?: number;
  /** Frequencies rounded to this many significant digits, as a file holds them. */
  digits?: number;
  /** Relative jitter of each frequency (a sweep that is not log-uniform). */
  jitter?: number;
}

function synthetic(o: Synthetic): DrtInput {
  const n = o.n ?? 70, fHigh = o.fHigh ?? 1e6, perDecade = o.perDecade ?? 10;
  const g = normal(o.seed ?? 1);
  const frequency: number[] = [], zReal: number[] = [], zImag: number[] = [];
  for (let k = 0; k < n; k++) {
    let f = fHigh * 10 ** (-k / perDecade);
    if (o.jitter) f *= 1 + o.jitter * g();
    if (o.digits) f = Number(f.toPrecision(o.digits));
    const w = 2 * Math.PI * f;
    let re = o.rInf, im = w * (o.inductance ?? 0);
    for (const a of o.arcs) {
      const m = (w * a.tau0) ** a.phi;
      const x = 1 + m * Math.cos((a.phi * Math.PI) / 2), y = m * Math.sin((a.phi * Math.PI) / 2);
      const d = x * x + y * y;
      re += (a.r * x) / d; im -= (a.r * y) / d;
    }
    if (o.noise) { const mag = Math.hypot(re, im); re += o.noise * mag * g(); im += o.noise * mag * g(); }
    frequency.push(f); zReal.push(re); zImag.push(im);
  }
  return { frequency, zReal, zImag };
}

async function exampleSpectra(): Promise<{ name: string; input: DrtInput }[]> {
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) e.isDirectory() ? walk(path.join(d, e.name)) : /eis-\d+\.mpt$/.test(e.name) && files.push(path.join(d, e.name)); };
  walk(path.join(ROOT, 'examples/data'));
  const out = [];
  for (const f of files) {
    const t = await readDataFile(f);
    const col = (kind: string) => t.columns.find((c) => c.kind === kind)!.values as Float64Array;
    out.push({ name: path.relative(ROOT, f), input: { frequency: col('frequency'), zReal: col('zReal'), zImag: col('zImag') } });
  }
  return out;
}

/** The largest differences between two results, by kind of number (see `compare`). */
interface Differences { [kind: string]: number }

/**
 * Walks two results together: structure, strings (but the numbers in them), booleans and array
 * lengths must be equal; numbers may differ, by |a − b| / s with s the largest magnitude in the
 * enclosing array (γ on its grid, the residuals) or of the number itself. Each difference is
 * filed under the key path with the indices left out (e.g. "peaks.resistance.stderr").
 */
function compare(a: unknown, b: unknown, diffs: Differences, key = '', scale = 0): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) { diffs[key] = Math.max(diffs[key] ?? 0, 0); return; }
    assert.ok(Number.isFinite(a) && Number.isFinite(b), `${key}: ${a} against ${b}`);
    const s = Math.max(scale, Math.abs(a), Math.abs(b));
    diffs[key] = Math.max(diffs[key] ?? 0, Math.abs(a - b) / s);
    return;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const strip = (t: string) => t.replace(/[-+]?\d[\d.]*(e[-+]?\d+)?/gi, '#');
    assert.equal(strip(a), strip(b), `${key}: the text differs`);
    if (a !== b) diffs[`${key} (text with its numbers)`] = 1;
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${key}: ${a.length} against ${b.length} entries`);
    let m = 0;
    for (const v of a) if (typeof v === 'number') m = Math.max(m, Math.abs(v));
    a.forEach((v, k) => compare(v, b[k], diffs, key, m));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    assert.deepEqual(ka, kb, `${key}: keys`);
    for (const k of ka) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], diffs, key ? `${key}.${k}` : k);
    return;
  }
  assert.equal(a, b, key);
}

function merge(into: Differences, d: Differences): void {
  for (const [k, v] of Object.entries(d)) into[k] = Math.max(into[k] ?? 0, v);
}

function report(title: string, d: Differences): void {
  const keys = ['lambda', 'gamma', 'rInf.value', 'rInf.stderr', 'inductance.value', 'polarisation.value', 'polarisation.stderr', 'peaks.tau.value', 'peaks.resistance.value', 'peaks.resistance.stderr', 'rmse.value', 'residuals.real'];
  const [worstKey, worst] = Object.entries(d).filter(([k]) => !k.includes('(text')).reduce((x, y) => (y[1] > x[1] ? y : x));
  log(`${title}: largest relative difference ${worst.toExponential(1)} (${worstKey}); ${keys.filter((k) => k in d).map((k) => `${k} ${d[k].toExponential(1)}`).join(', ')}`);
  const texts = Object.keys(d).filter((k) => k.includes('(text'));
  if (texts.length > 0) log(`  texts whose numbers differ: ${texts.join(', ')}`);
}

const ZARC = { r: 50, tau0: 1e-4, phi: 0.85 };
const ZARC2 = { r: 20, tau0: 3e-2, phi: 0.9 };

describe('drt: against the frozen reference (rounding level)', () => {
  // The largest relative differences allowed (observed: 1.9e-9 on γ, 6e-9 on the residuals, λ
  // equal, 5e-8 on a peak's τ error (the shift of a parabola's vertex between λ and 10λ) and 5e-9 on
  // the other standard errors): the values, and the standard errors and upper limits.
  const VALUES = 2e-8, ERRORS = 2e-7;
  const tolerance = (key: string) => (/stderr|Upper/.test(key) ? ERRORS : VALUES);
  const run = (cases: { name: string; input: DrtInput }[]): Differences => {
    const all: Differences = {};
    for (const { name, input } of cases) {
      const a = computeDrt(input), b = referenceDrt(input);
      assert.equal(a.ok, b.ok, name);
      const d: Differences = {};
      compare(a, b, d);
      const over = Object.entries(d).filter(([k, v]) => !k.includes('(text') && v > tolerance(k));
      assert.equal(over.length, 0, `${name}: ${over.map(([k, v]) => `${k} differs by ${v}`).join(', ')}`);
      merge(all, d);
    }
    return all;
  };

  it('on the 87 spectra of the example study, with the default options and with λ, derivative, inductance varied', async () => {
    const spectra = await exampleSpectra();
    assert.ok(spectra.length >= 80, `${spectra.length} example spectra`);
    report('defaults', run(spectra));
    const some = spectra.filter((_, k) => k % 6 === 0);
    report('derivative 2', run(some.map(({ name, input }) => ({ name, input: { ...input, derivative: 2 } }))));
    report('no inductance', run(some.map(({ name, input }) => ({ name, input: { ...input, inductance: false } }))));
    report('λ = 1e-4 given', run(some.map(({ name, input }) => ({ name, input: { ...input, lambda: 1e-4 } }))));
    report('plain GCV', run(some.map(({ name, input }) => ({ name, input: { ...input, lambdaCriterion: 'gcv' as const } }))));
  });

  it('on synthetic spectra: noisy, inductive, rounded, jittered and long sweeps', () => {
    const cases: { name: string; input: DrtInput }[] = [];
    const variants: [string, Partial<DrtInput>][] = [['defaults', {}], ['derivative 2', { derivative: 2 }], ['no inductance', { inductance: false }], ['λ 1e-3', { lambda: 1e-3 }], ['λ 1e-6, derivative 2', { lambda: 1e-6, derivative: 2 }], ['FWHM coefficient 0.8', { rbf: { fwhmCoefficient: 0.8 } }]];
    const spectra: [string, Synthetic][] = [
      ['one arc, exact', { rInf: 10, arcs: [ZARC] }],
      ['two arcs, 1 % noise', { rInf: 10, arcs: [ZARC, ZARC2], noise: 0.01, seed: 3 }],
      ['two arcs, 0.1 % noise, 2 µH', { rInf: 5, arcs: [ZARC, ZARC2], noise: 0.001, seed: 5, inductance: 2e-6 }],
      ['one arc, 3 % noise', { rInf: 1, arcs: [ZARC2], noise: 0.03, seed: 7 }],
      ['frequencies to 5 digits', { rInf: 10, arcs: [ZARC, ZARC2], noise: 0.002, seed: 9, digits: 5 }],
      ['frequencies to 3 digits (direct columns)', { rInf: 10, arcs: [ZARC], noise: 0.002, seed: 10, digits: 3 }],
      ['jittered sweep', { rInf: 10, arcs: [ZARC, ZARC2], noise: 0.005, seed: 11, jitter: 0.01 }],
      ['200 points (MAX_BASIS)', { rInf: 10, arcs: [ZARC, ZARC2], noise: 0.005, seed: 12, n: 200, perDecade: 25 }],
      ['21 points', { rInf: 3, arcs: [ZARC], noise: 0.01, seed: 13, n: 21, perDecade: 4 }],
    ];
    for (const [sn, s] of spectra) for (const [vn, v] of variants) cases.push({ name: `${sn}, ${vn}`, input: { ...synthetic(s), ...v } });
    report('synthetic', run(cases));
  });
});

describe('drt: tabulated RBF columns', () => {
  it('equal the direct trapezoid sums to TAYLOR_TOLERANCE on rounded sweeps (the direct ones when rounded further)', () => {
    let worst = 0, entries = 0;
    for (const digits of [3, 5, 6, 8, 12, 17]) {
      for (const [n, perDecade, coeff] of [[71, 10, 0.5], [40, 6, 0.5], [120, 20, 0.5], [71, 10, 0.25], [71, 10, 1.5]]) {
        const f = Array.from({ length: n }, (_, k) => Number((1e5 * 10 ** (-k / perDecade)).toPrecision(digits)));
        const y = f.map((v) => -Math.log(2 * Math.PI * v)), omega = f.map((v) => 2 * Math.PI * v);
        const basis = rbfBasis(y, coeff), nv = basis.nb + 2, rows = 2 * n;
        const A = new Float64Array(rows * nv), D = new Float64Array(rows * nv);
        fillRbfColumns(A, nv, 2, basis, omega);
        // Three digits put the frequencies up to 5e-3 (relative) off the uniform sweep: beyond the Taylor step.
        assert.equal(drtBasisInternals.fillTabulated(new Float64Array(rows * nv), nv, 2, basis, omega), digits >= 5, `tabulated at ${digits} digits`);
        // The reference's direct path (it takes it whenever ext is 0).
        referenceFill(D, nv, 2, { ...referenceBasis(y, coeff), ext: 0 }, y, omega);
        for (let k = 0; k < A.length; k++) worst = Math.max(worst, Math.abs(A[k] - D[k]));
        entries += A.length;
      }
    }
    log(`largest |tabulated − direct| ${worst.toExponential(2)} over ${entries} entries (bound ${TAYLOR_TOLERANCE} plus rounding)`);
    assert.ok(worst < 2 * TAYLOR_TOLERANCE, `${worst}`);
  });
});

/** The number of entries of a and b that differ (bit for bit), and the largest difference relative to max |b|. */
function diff(a: ArrayLike<number>, b: ArrayLike<number>): { differing: number; rel: number } {
  assert.equal(a.length, b.length);
  let differing = 0, d = 0, m = 0;
  for (let k = 0; k < a.length; k++) {
    if (!Object.is(a[k], b[k])) differing++;
    d = Math.max(d, Math.abs(a[k] - b[k]));
    m = Math.max(m, Math.abs(b[k]));
  }
  return { differing, rel: m > 0 ? d / m : d };
}

/** Random symmetric positive-definite n × n matrices, and the DRT's own (AᵀA + λM of example-like spectra). */
function spdMatrices(): { name: string; n: number; H: Float64Array; g: Float64Array }[] {
  const out: { name: string; n: number; H: Float64Array; g: Float64Array }[] = [];
  const rnd = normal(21);
  for (const n of [1, 2, 3, 5, 8, 13, 31, 60]) {
    const m = n + 3, B = Array.from({ length: m * n }, () => rnd());
    const H = new Float64Array(n * n), g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = rnd();
      for (let j = 0; j < n; j++) { let t = 0; for (let r = 0; r < m; r++) t += B[r * n + i] * B[r * n + j]; H[i * n + j] = t; }
    }
    out.push({ name: `random ${n}×${n}`, n, H, g });
  }
  const cases: [string, Synthetic, number, boolean, 1 | 2][] = [
    ['two arcs, 1 % noise, λ 1e-3', { rInf: 10, arcs: [ZARC, ZARC2], noise: 0.01, seed: 3 }, 1e-3, true, 1],
    ['one arc, exact, λ 1e-6', { rInf: 10, arcs: [ZARC] }, 1e-6, true, 1],
    ['two arcs, 0.1 % noise, λ 1e-5, derivative 2, no L', { rInf: 5, arcs: [ZARC, ZARC2], noise: 0.001, seed: 5 }, 1e-5, false, 2],
    ['one arc, 3 % noise, λ 0.1', { rInf: 1, arcs: [ZARC2], noise: 0.03, seed: 7 }, 0.1, true, 1],
  ];
  for (const [name, sy, lambda, inductance, derivative] of cases) {
    const input = { ...synthetic(sy), inductance, derivative };
    const opt = readOptions(input);
    if (typeof opt === 'string') throw new Error(opt);
    const spec = readSpectrum(input, []);
    if (typeof spec === 'string') throw new Error(spec);
    const p = buildProblem(spec, opt);
    const H = Float64Array.from(p.AtA);
    for (let a = 0; a < p.nb; a++) for (let c = 0; c < p.nb; c++) H[(p.n0 + a) * p.nv + p.n0 + c] += lambda * p.gram[a * p.nb + c];
    out.push({ name, n: p.nv, H, g: p.Atb });
  }
  return out;
}

describe('drt: linear algebra against the frozen reference', () => {
  it('normalEquations, cholesky and forwardColumns (and its upperOnly form the upper triangle) give the reference\'s values bit for bit', () => {
    const rnd = normal(17);
    for (const [rows, cols] of [[1, 1], [5, 3], [142, 83], [40, 33], [9, 7]]) {
      const A = Float64Array.from({ length: rows * cols }, () => (rnd() > 1 ? 0 : rnd()));
      const b = Float64Array.from({ length: rows }, () => rnd());
      const x = normalEquations(A, b, rows, cols), y = ref.normalEquations(A, b, rows, cols);
      assert.equal(diff(x.AtA, y.AtA).differing, 0, `AᵀA ${rows}×${cols}`);
      assert.equal(diff(x.Atb, y.Atb).differing, 0, `Aᵀb ${rows}×${cols}`);
    }
    for (const { name, n, H } of spdMatrices()) {
      const L = cholesky(H, n), R = ref.cholesky(H, n);
      assert.ok(L && R, name);
      assert.equal(diff(L, R).differing, 0, `cholesky of ${name}`);
      const C = Float64Array.from({ length: n * n }, () => rnd()), D = Float64Array.from(C);
      const U = Float64Array.from(C);
      forwardColumns(L, C, n); ref.forwardColumns(R, D, n);
      assert.equal(diff(C, D).differing, 0, `forwardColumns of ${name}`);
      forwardColumns(L, U, n, true);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) assert.ok(Object.is(U[i * n + j], D[i * n + j]), `forwardColumns upperOnly of ${name} at (${i}, ${j})`);
    }
  });

  it('symmetricEigen gives the reference\'s values and vectors bit for bit; symmetricEigenProjected its Vᵀh to rounding', () => {
    let worstD = 0, worstQ = 0;
    const rnd = normal(19);
    const mats = spdMatrices().map(({ name, n, H }) => ({ name, n, a: H }));
    for (const n of [4, 12, 40]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = rnd(); a[i * n + j] = v; a[j * n + i] = v; }
      mats.push({ name: `random symmetric ${n}×${n}`, n, a });
    }
    // The GCV's own case: a whitened penalty (the Gram matrix of a basis, to have clustered eigenvalues).
    const basis = rbfBasis(Array.from({ length: 71 }, (_, k) => -Math.log(2 * Math.PI * 1e5 * 10 ** (-k / 10))), 0.5);
    mats.push({ name: 'penalty Gram matrix', n: basis.nb, a: derivativeGram(basis, 1) });
    for (const { name, n, a } of mats) {
      const x = symmetricEigen(a, n), y = ref.symmetricEigen(a, n);
      assert.equal(diff(x.values, y.values).differing, 0, `values of ${name}`);
      assert.equal(diff(x.vectors, y.vectors).differing, 0, `vectors of ${name}`);
      const h = Float64Array.from({ length: n }, () => rnd());
      const p = symmetricEigenProjected(a, n, h), q = ref.symmetricEigen(a, n, h);
      const dd = diff(p.values, q.values), dq = diff(p.projected, q.projected!);
      worstD = Math.max(worstD, dd.rel); worstQ = Math.max(worstQ, dq.rel);
      assert.ok(dd.rel <= 1e-13 && dq.rel <= 1e-12, `${name}: eigenvalues ${dd.rel}, Vᵀh ${dq.rel}`);
    }
    log(`projected: eigenvalues within ${worstD.toExponential(1)}, Vᵀh within ${worstQ.toExponential(1)} of the largest`);
  });

  it('nnlsQp with the updated factor finds the reference\'s solution to rounding, with the same active set', () => {
    let worst = 0;
    for (const { name, n, H, g } of spdMatrices()) {
      const starts: (Uint8Array | undefined)[] = [undefined, Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0))];
      for (const start of starts) {
        const a = nnlsQp(H, g, n, start && Uint8Array.from(start)), b = ref.nnlsQp(H, g, n, start && Uint8Array.from(start));
        assert.equal(a.converged, b.converged, name);
        assert.deepEqual(Array.from(a.passive), Array.from(b.passive), `${name}: active set`);
        const d = diff(a.x, b.x).rel;
        worst = Math.max(worst, d);
        assert.ok(d <= 1e-8, `${name}: x differs by ${d} of its largest entry`);
      }
    }
    // Dependent columns (the jittered subproblems): a repeated column.
    const H = Float64Array.from([2, 2, 1, 2, 2, 1, 1, 1, 3]), g = [1, 1, 2];
    const a = nnlsQp(H, g, 3), b = ref.nnlsQp(H, g, 3);
    assert.ok(diff(a.x, b.x).rel <= 1e-12, `dependent: ${Array.from(a.x)} against ${Array.from(b.x)}`);
    log(`x within ${worst.toExponential(1)} of its largest entry`);
  });

  it('gammaAtEach gives gammaAt\'s values bit for bit', () => {
    const input = synthetic({ rInf: 10, arcs: [ZARC, ZARC2], noise: 0.01, seed: 3 });
    const opt = readOptions(input), spec = readSpectrum(input, []);
    assert.ok(typeof opt !== 'string' && typeof spec !== 'string');
    const p = buildProblem(spec, opt);
    const x = new Float64Array(p.nv), x2 = new Float64Array(p.nv);
    for (let m = 0; m < p.nv; m++) { x[m] = m % 4 === 0 ? 0 : Math.sin(m); x2[m] = m % 5 === 0 ? 0 : Math.cos(m) ** 2; }
    const y = Float64Array.from({ length: 500 }, (_, k) => p.centres[0] - 1 + (k * (p.centres[p.nb - 1] - p.centres[0] + 2)) / 499);
    const g = new Float64Array(500), g2 = new Float64Array(500);
    gammaAtEach(p, x, x2, y, g, g2);
    assert.equal(diff(g, Array.from(y, (v) => gammaAt(p, x, v))).differing, 0);
    assert.equal(diff(g2, Array.from(y, (v) => gammaAt(p, x2, v))).differing, 0);
  });
});

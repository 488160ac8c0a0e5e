// The analyses of the solid-state toolkit on synthetic traces made here from known parameters
// (test/helpers/toolkitTraces.ts): each recovers its parameter within 1 % or within its stated
// standard error, says how, and fails with a clear message on the data it cannot use.
import { strict as assert } from 'assert';
import {
  arrheniusFit, blockingIntercept, conductivityEstimate, dcPolarisation, gittAnalysis, incrementalCapacity, symmetricCycling,
} from '../server/analyses';
import { savitzkyGolay } from '../server/analyses/savitzkyGolay';
import { BOLTZMANN_EV } from '../server/domain/physics';
import { gaussian } from './helpers/traces';
import { blockingSpectrum, dcTrace, dqdvTrace, gittDEt, GittOptions, gittTrace, symmetricTrace } from './helpers/toolkitTraces';

const within = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual}, expected ${expected} ± ${rel * 100} %`);

const AREA = Math.PI * 0.005 ** 2; // 10 mm pellet, m²
const L = 600e-6;                  // m

describe('toolkit: R_b and σ of an ion-blocking cell', () => {
  it('a spike only (R0 + CPE): R_b is the foot of the spike, exact without noise', () => {
    const z = blockingSpectrum({ r0: 150, q: 2e-6, alpha: 0.88 });
    const r = blockingIntercept(z);
    assert.ok(r.ok, r.ok ? '' : r.error);
    within(r.rB.value, 150, 1e-6, 'R_b');
    assert.equal(r.arc, false);
    within(r.spikeAngle, 0.88 * 90, 1e-6, 'spike angle = α·90°');
  });

  it('with noise (0.3 % of |Z|) R_b is within 1 % and within 3 standard errors', () => {
    const r = blockingIntercept(blockingSpectrum({ r0: 150, q: 2e-6, alpha: 0.88, noise: 0.003, seed: 3 }));
    assert.ok(r.ok && r.rB.stderr !== undefined && r.rB.stderr > 0);
    within(r.rB.value, 150, 0.01, 'R_b');
    assert.ok(Math.abs(r.rB.value - 150) < 3 * r.rB.stderr!, `|${r.rB.value} − 150| < 3 × ${r.rB.stderr}`);
  });

  it('a resolved bulk arc before the spike (a cold pellet): R_b is where the arc meets the spike', () => {
    // Bulk 0 + a grain arc of 2 kΩ at 1 nF, then the blocking CPE: R_b = R0 + R1.
    const r = blockingIntercept(blockingSpectrum({ r0: 300, arcs: [{ r: 2000, c: 1e-9, alpha: 0.95 }], q: 1e-6, alpha: 0.9, fLow: 0.1 }));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.arc, true);
    within(r.rB.value, 2300, 0.01, 'R_b = R0 + R1');
  });

  it('σ = L/(R_b A) with σ_σ/σ = σ_R/R', () => {
    const s = conductivityEstimate({ value: 150, unit: 'Ω', stderr: 1.5 }, L, AREA);
    within(s.value, L / (150 * AREA), 1e-12, 'σ');
    within(s.stderr!, s.value * 0.01, 1e-9, 'its standard error');
    within(s.value * 10, (0.06 / (150 * Math.PI * 0.25)) * 1000, 1e-9, 'σ in mS/cm = L[cm] / (R A[cm²]) × 1000');
  });

  it('a spectrum that ends on an arc (electrodes that pass ions) has no blocking spike: a clear error', () => {
    const z = blockingSpectrum({ r0: 50, arcs: [{ r: 200, c: 1e-6 }], q: 1e9, alpha: 1, fLow: 0.01 });
    const r = blockingIntercept(z);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /no blocking spike/);
  });
});

describe('toolkit: Arrhenius fit', () => {
  const EA = 0.29, S25 = 0.25; // eV, S/m (2.5 mS/cm)
  const temps = [-20, 0, 25, 50, 80].map((c) => c + 273.15);
  const sigmaT = (t: number, form: 'sigma-T' | 'sigma') => form === 'sigma-T'
    ? (S25 * 298.15 * Math.exp((-EA / BOLTZMANN_EV) * (1 / t - 1 / 298.15))) / t
    : S25 * Math.exp((-EA / BOLTZMANN_EV) * (1 / t - 1 / 298.15));

  it('recovers E_a, σ(25 °C) and the pre-factor of σT = A exp(−E_a/k_B T) exactly from exact data', () => {
    const r = arrheniusFit(temps.map((t) => ({ temperature: t, conductivity: sigmaT(t, 'sigma-T') })));
    assert.ok(r.ok, r.ok ? '' : r.error);
    within(r.activationEnergy.value, EA, 1e-9, 'E_a');
    within(r.conductivity25.value, S25, 1e-9, 'σ(25 °C)');
    within(r.prefactor.value, S25 * 298.15 * Math.exp(EA / (BOLTZMANN_EV * 298.15)), 1e-8, 'A');
    assert.equal(r.form, 'sigma-T');
    // The ln σ form of the same data: its slope is −(E_a + k_B T̄) / k_B to first order.
    assert.ok(r.other.activationEnergy.value < EA && EA - r.other.activationEnergy.value < 2 * BOLTZMANN_EV * 330, `ln σ gives ${r.other.activationEnergy.value}`);
    assert.match(r.derivation, /E_a = −slope · k_B = 0\.29( ± \S+)? eV \(k_B = 8\.617333e-5 eV\/K/);
  });

  it('with 2 % scatter E_a lies within 3 standard errors and 1 %; the standard error is the regression one', () => {
    const g = gaussian(21);
    const pts = temps.map((t) => ({ temperature: t, conductivity: sigmaT(t, 'sigma-T') * Math.exp(0.02 * g()) }));
    const r = arrheniusFit(pts);
    assert.ok(r.ok && r.activationEnergy.stderr !== undefined);
    assert.ok(Math.abs(r.activationEnergy.value - EA) < 3 * r.activationEnergy.stderr!, `${r.activationEnergy.value} ± ${r.activationEnergy.stderr}`);
    // Independent: ordinary least squares by hand.
    const x = pts.map((p) => 1 / p.temperature), y = pts.map((p) => Math.log(p.conductivity * p.temperature));
    const xm = x.reduce((a, b) => a + b) / 5, ym = y.reduce((a, b) => a + b) / 5;
    const sxx = x.reduce((s, v) => s + (v - xm) ** 2, 0), b = x.reduce((s, v, k) => s + (v - xm) * (y[k] - ym), 0) / sxx;
    const sse = y.reduce((s, v, k) => s + (v - ym - b * (x[k] - xm)) ** 2, 0);
    within(r.activationEnergy.value, -b * BOLTZMANN_EV, 1e-9, 'E_a by hand');
    within(r.activationEnergy.stderr!, Math.sqrt(sse / 3 / sxx) * BOLTZMANN_EV, 1e-9, 'its standard error by hand');
    within(r.activationEnergy.value, EA, 0.01, 'E_a');
  });

  it('form sigma fits ln σ: data made in that form give E_a back', () => {
    const r = arrheniusFit(temps.map((t) => ({ temperature: t, conductivity: sigmaT(t, 'sigma') })), 'sigma');
    assert.ok(r.ok);
    within(r.activationEnergy.value, EA, 1e-9, 'E_a (ln σ form)');
    assert.equal(r.prefactor.unit, 'S/m');
  });

  it('too few temperatures: an error that says 3 are needed', () => {
    const r = arrheniusFit([{ temperature: 273, conductivity: 0.1 }, { temperature: 298, conductivity: 0.2 }, { temperature: 298, conductivity: 0.21 }]);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /at least 3 different temperatures .* \(got 2\)/);
  });
});

describe('toolkit: GITT (Weppner–Huggins)', () => {
  const base: GittOptions = {
    current: 2e-4, tau: 600, rest: 7200, pulses: 8, dtPulse: 2, dtRest: 20, d: 3e-15, length: 2e-6,
    e0: 3.6, dEs: (k) => 0.012 + 0.002 * k, resistance: 25, relax: 500,
  };

  it('recovers D per pulse from ΔE_s and ΔE_t, with the IR drop left out; every pulse is linear in √t', () => {
    const r = gittAnalysis({ ...gittTrace(base), area: AREA, diffusionLength: base.length });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.evaluated, 8);
    assert.equal(r.valid, 8);
    for (const p of r.pulses) {
      within(p.diffusivity!.value, base.d, 0.01, `D of pulse ${p.index}`);
      within(p.dEs!, base.dEs(p.index), 1e-3, `ΔE_s of pulse ${p.index}`);
      within(p.dEt!, gittDEt(base, p.index), 0.01, `ΔE_t of pulse ${p.index}`);
      within(p.irDrop!, base.current * base.resistance, 0.01, 'IR drop');
      assert.equal(p.linear, true);
      assert.equal(p.relaxed, true);
      within(p.tau, 600, 1e-9, 'τ');
    }
    within(r.pulses[7].capacity.value, (8 * 600 * 2e-4) / AREA, 0.01, 'charge passed by pulse 8 (C/m²)');
  });

  it('with 0.2 mV of noise D lies within 3 of its stated standard errors, and within 2 %', () => {
    const r = gittAnalysis({ ...gittTrace({ ...base, noise: 2e-4, seed: 4 }), area: AREA, diffusionLength: base.length });
    assert.ok(r.ok);
    for (const p of r.pulses) {
      const d = p.diffusivity!;
      assert.ok(d.stderr !== undefined && d.stderr > 0, `pulse ${p.index} has a standard error`);
      assert.ok(Math.abs(d.value - base.d) < 3 * d.stderr!, `pulse ${p.index}: ${d.value} ± ${d.stderr}, made with ${base.d}`);
      within(d.value, base.d, 0.02, `D of pulse ${p.index}`);
    }
  });

  it('a pulse whose E bends away from √t fails the validity check, and says so', () => {
    const r = gittAnalysis({ ...gittTrace({ ...base, curvature: (k) => (k === 3 ? 0.6 : 0) }), area: AREA, diffusionLength: base.length });
    assert.ok(r.ok);
    assert.deepEqual(r.pulses.filter((p) => !p.linear).map((p) => p.index), [3]);
    assert.ok(r.warnings.some((w) => /1 of 8 pulses are not linear in √t \(pulses 3\)/.test(w)), r.warnings.join('\n'));
  });

  it('without a diffusion length it gives D/L² = D/L² of the trace', () => {
    const r = gittAnalysis({ ...gittTrace(base), area: AREA });
    assert.ok(r.ok);
    within(r.pulses[0].dOverL2!.value, base.d / base.length ** 2, 0.01, 'D/L²');
    assert.equal(r.pulses[0].diffusivity, undefined);
  });

  it('a last pulse without a rest after it is not evaluated, with the reason', () => {
    const r = gittAnalysis({ ...gittTrace({ ...base, noRestAfter: 8 }), area: AREA, diffusionLength: base.length });
    assert.ok(r.ok);
    assert.deepEqual(r.pulses.filter((p) => p.skipped).map((p) => p.index), [8]);
    assert.match(r.pulses[7].skipped!, /pulse 8 has no rest after it \(1 rest samples before the data end\)/);
    assert.equal(r.evaluated, 7);
  });

  it('two pulses without a rest between them run into one: said, with its length', () => {
    const r = gittAnalysis({ ...gittTrace({ ...base, noRestAfter: 2 }), area: AREA, diffusionLength: base.length });
    assert.ok(r.ok);
    assert.equal(r.pulses.length, 7);
    assert.ok(r.warnings.some((w) => /Pulse 2 \(20 min\) lasts over 1\.5 times the typical 10 min: pulses without a rest between them run together/.test(w)), r.warnings.join('\n'));
  });

  it('pulses that never rest: an error', () => {
    const r = gittAnalysis({ time: [0, 1, 2, 3, 4, 5, 6], voltage: [3, 3.1, 3.1, 3.2, 3.2, 3.3, 3.3], current: [0, 1, 1, 1, 1, 1, 1], area: AREA });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /no pulse could be evaluated: pulse 1 has no rest after it/);
  });
});

describe('toolkit: long-term symmetric cycling', () => {
  const J = 10, HALF = 3600; // 1 mA/cm² for 1 h: 1 mAh/cm² per half-cycle
  const asr = (c: number) => 0.0025 * (1 + 0.01 * (c - 1)); // 25 Ω·cm² growing 1 % per cycle

  it('ASR per half-cycle from the plateau, the short with its time, capacity and cycle', () => {
    const shortAt = 2 * HALF * 30 + 0.4 * HALF; // in cycle 31, 40 % into its first half
    const tr = symmetricTrace({ currentDensity: J, area: AREA, halfCycle: HALF, cycles: 40, dt: 30, asr, overshoot: 0.3, shortAt, noise: 2e-4, seed: 2 });
    const r = symmetricCycling({ ...tr, area: AREA, plannedCurrentDensity: J, plannedCapacity: J * HALF });
    assert.ok(r.ok, r.ok ? '' : r.error);
    for (const h of r.halfCycles.filter((x) => !x.shorted)) within(h.asr.value, asr(h.cycle), 0.01, `ASR of half-cycle ${h.index}`);
    assert.ok(r.short);
    assert.equal(r.short.cycle, 31);
    assert.equal(r.short.halfCycle, 61);
    assert.ok(Math.abs(r.short.time.value - shortAt) <= 2 * 30, `short at ${r.short.time.value} s, made at ${shortAt} s`);
    within(r.short.cumulativeCapacity.value, J * shortAt, 0.01, 'capacity plated and stripped by the short');
    within(r.duration.value, shortAt, 0.01, 'hours cycled');
    assert.ok(r.short.voltageAfter.value < 2e-3);
  });

  it('no short within the data: hours cycled to the end, no short reported', () => {
    const tr = symmetricTrace({ currentDensity: J, area: AREA, halfCycle: HALF, cycles: 10, dt: 60, asr, noise: 1e-4 });
    const r = symmetricCycling({ ...tr, area: AREA });
    assert.ok(r.ok);
    assert.equal(r.shorted, false);
    assert.equal(r.halfCycles.length, 20);
    within(r.duration.value, 20 * HALF, 0.01, 'duration');
    within(r.lastAsr.value, asr(10), 0.01, 'last ASR');
  });
});

describe('toolkit: DC polarisation', () => {
  const V = 0.5, ISS = 2e-9, thickness = L;

  it('σ_e = L I_ss / (V A) from the steady current, within its standard error', () => {
    const r = dcPolarisation({ ...dcTrace({ voltage: V, steady: ISS, ionic: 2e-6, tau: 600, hold: 12 * 3600, dt: 10, noise: 2e-11, seed: 3 }), area: AREA, thickness, plannedVoltage: V });
    assert.ok(r.ok, r.ok ? '' : r.error);
    const expected = (thickness * ISS) / (V * AREA);
    within(r.conductivity.value, expected, 0.01, 'σ_e');
    assert.ok(Math.abs(r.conductivity.value - expected) < 3 * r.conductivity.stderr!, `${r.conductivity.value} ± ${r.conductivity.stderr}`);
    within(r.steadyCurrent.value, ISS, 0.01, 'I_ss');
  });

  it('no steady state (the current still decays at the end of the hold): an error with the upper bound', () => {
    const r = dcPolarisation({ ...dcTrace({ voltage: V, steady: ISS, ionic: 2e-6, tau: 3 * 3600, hold: 6 * 3600, dt: 10 }), area: AREA, thickness, plannedVoltage: V });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /no steady state: the current still changes by .* hold longer; σ_e is below .* S\/cm/);
  });
});

describe('toolkit: incremental capacity dQ/dV', () => {
  it('a Savitzky–Golay filter of degree 3 keeps a cubic exactly, ends included', () => {
    const y = Array.from({ length: 30 }, (_, k) => 0.5 * k ** 3 - 2 * k * k + k - 7);
    const s = savitzkyGolay(y, 5, 3);
    s.forEach((v, k) => assert.ok(Math.abs(v - y[k]) < 1e-6 * Math.max(1, Math.abs(y[k])), `point ${k}: ${v} vs ${y[k]}`));
  });

  it('recovers the peak positions of each half-cycle and their shift with cycling', () => {
    const peaks = [{ v: 3.7, q: 1.2, w: 0.012 }, { v: 4.0, q: 0.8, w: 0.01 }, { v: 4.18, q: 0.6, w: 0.008 }];
    const tr = dqdvTrace({ peaks, background: 1.5, lo: 3.0, hi: 4.3, hysteresis: 0.04, shift: (c) => 0.01 * (c - 1), current: 2e-4, cycles: 3, dt: 20, noise: 3e-4, seed: 8 });
    const r = incrementalCapacity({ ...tr, width: 0.02 });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.halfCycles.length, 6);
    for (const h of r.halfCycles) {
      const expected = peaks.map((p) => p.v + 0.01 * (h.cycle - 1) - (h.direction === 'discharge' ? 0.04 : 0));
      assert.equal(h.peaks.length, 3, `cycle ${h.cycle} ${h.direction}: ${h.peaks.map((p) => p.voltage.value).join(', ')}`);
      h.peaks.forEach((p, k) => assert.ok(Math.abs(p.voltage.value - expected[k]) < 0.003, `cycle ${h.cycle} ${h.direction} peak ${k}: ${p.voltage.value} V, made at ${expected[k]} V`));
    }
    // The height of an isolated peak: q/(4w) plus the background, less what smoothing takes off.
    const top = r.halfCycles[0].peaks[0].height.value;
    within(top, 1.2 / (4 * 0.012) + 1.5 / 1.3, 0.05, 'height of the 3.7 V peak (C/V)');
  });

  it('a window wider than any half-cycle: an error that says so', () => {
    const tr = dqdvTrace({ peaks: [{ v: 3.7, q: 1, w: 0.01 }], background: 0, lo: 3.68, hi: 3.72, hysteresis: 0, current: 1e-3, cycles: 1, dt: 10 });
    const r = incrementalCapacity({ ...tr, width: 0.5 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /no half-cycle spans the 11 voltage bins/);
  });
});

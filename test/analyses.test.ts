// Analyses on synthetic traces generated here from known parameters (test/helpers/traces.ts), and
// domain.md's figures recomputed: each test states the tolerance it holds the analysis to.
import { strict as assert } from 'assert';
import { allFinite, close, fails, ok } from './helpers/results';
import { compareCurrent, compareCycleCount, compareWindow } from '../server/analyses/planCheck';
import { detectShort } from '../server/analyses/ccd';
import { contactRetention, ohmicResistance } from '../server/analyses/contact';
import { CyclingInput, CyclingValues, cyclingSummary, rateTable } from '../server/analyses/cycling';
import { Failure, Result, Success, est, guarded, tTestP } from '../server/analyses/common';
import { sandFit } from '../server/analyses/sand';
import { criticalStripping } from '../server/analyses/stripping';
import { FARADAY, concentration, discArea, foilInventory, sandTime } from '../server/domain/physics';
import {
  CyclePlan, SpectrumOptions, StaircaseOptions, StrippingTraceOptions, cyclingTrace, gaussian, noisySpectrum, spectrum, staircaseTrace,
  strippingCrossing, strippingTrace,
} from './helpers/traces';

// ---------------------------------------------------------------------------------------------
// Helpers

// domain.md figures in SI.
const MAH_PER_CM2 = 3.6 / 1e-4;      // C/m² per mAh/cm²
const MA_PER_CM2 = 1e-3 / 1e-4;      // A/m² per mA/cm²
const MAH_PER_G = 3.6 / 1e-3;        // C/kg per mAh/g
const C0_LI = concentration(534, 6.941e-3); // mol/m³ (0.534 g/cm³ / 6.941 g/mol)
const D_LNT10F = 9.62e-10 * 1e-4;    // m²/s (9.62e-10 cm²/s)
const AREA = discArea(9e-3);         // 9 mm disc, m²

// ---------------------------------------------------------------------------------------------

describe('analyses: domain.md figures', () => {
  it('50 µm Li holds 10.31 mAh/cm² and a 9 mm disc is 0.6362 cm² (physics)', () => {
    close(foilInventory(50e-6, 534, 6.941e-3) / MAH_PER_CM2, 10.31, 5e-4, 'Li inventory');
    close(AREA * 1e4, 0.6362, 1e-4, 'disc area');
    close(C0_LI * 1e-6, 0.07693, 1e-4, 'c0 in mol/cm³');
  });

  it('contact retention: bare Li 8.5 → 31.2 Ω after 6.0 mAh/cm² gives 7.4 %; LNT10F 15.2 → 15.57 Ω stays 95.3 %', () => {
    const bare = ok(contactRetention([{ capacity: 0, rOhm: 8.5 }, { capacity: 6.0 * MAH_PER_CM2, rOhm: 31.2 }]));
    close(bare.final.value, 0.0742, 1e-3, 'bare Li');
    assert.equal(bare.final.unit, '');
    assert.equal(bare.series[0].retention.value, 1);
    const lnt = ok(contactRetention([{ capacity: 0, rOhm: 15.2 }, { capacity: 3 * MAH_PER_CM2, rOhm: 15.4 }, { capacity: 6 * MAH_PER_CM2, rOhm: 15.57 }]));
    close(lnt.final.value, 0.953, 5e-4, 'LNT10F');
    assert.equal(lnt.series.length, 3);
  });

  it('Sand fit of t0 from Sand\'s equation for D = 9.62e-10 cm²/s at 0.5, 1, 2, 3 mA/cm² recovers D', () => {
    const pts = [0.5, 1, 2, 3].map((j) => ({ currentDensity: j * MA_PER_CM2, t0: sandTime(C0_LI, D_LNT10F, j * MA_PER_CM2) }));
    const r = ok(sandFit(pts, C0_LI));
    close(r.origin.dEff!.value, D_LNT10F, 1e-9, 'D through origin');
    close(r.free.dEff!.value, D_LNT10F, 1e-6, 'D free');
    assert.equal(r.free.dEff!.unit, 'm²/s');
    assert.ok(Math.abs(r.free.intercept.value) < 1e-9, `intercept ${r.free.intercept.value}`);
    assert.ok(r.free.r2.value > 1 - 1e-12);
    assert.equal(r.interceptTest?.significant, false);
    // The slope predicted by eq. 1: 2 / (c0 F √(π D)).
    close(r.origin.slope.value, 2 / (C0_LI * FARADAY * Math.sqrt(Math.PI * D_LNT10F)), 1e-9, 'slope');
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: criticalStripping', () => {
  const base: StrippingTraceOptions = {
    currentDensity: 5, area: AREA, t0: 20000, resistance: 15, b: 0.05, cutoff: -0.4, dt: 10, rest: 600,
  };

  it('finds the interpolated cutoff crossing, counted from the start of current after a rest', () => {
    const tr = strippingTrace(base);
    const r = ok(criticalStripping({ ...tr, area: AREA, cutoff: -0.4 }));
    const tc = strippingCrossing(base);
    assert.equal(r.reached, true);
    assert.equal(r.startTime.value, 600);
    close(r.t0.value, tc, 1e-3, 't0');                     // interpolation between 10 s samples
    close(r.capacity.value, 5 * tc, 1e-3, 'capacity');      // ∫|I|dt/A at 5 A/m²
    close(r.currentDensity.value, 5, 1e-9, 'current density');
    assert.equal(r.capacity.unit, 'C/m²');
    assert.deepEqual(r.warnings, []);
    assert.match(r.derivation, /crossed -0\.4 V/);
    assert.equal(r.points[1].name, 'cutoff crossing');
  });

  it('a long rest before stripping (most of the file) does not hide the current', () => {
    const o = { ...base, rest: 200000 };
    const r = ok(criticalStripping({ ...strippingTrace(o), area: AREA, cutoff: -0.4 }));
    assert.equal(r.startTime.value, 200000);
    close(r.t0.value, strippingCrossing(o), 1e-3, 't0');
  });

  it('counts |I| (a negative stripping current works the same)', () => {
    const tr = strippingTrace({ ...base, sign: -1 });
    const r = ok(criticalStripping({ ...tr, area: AREA, cutoff: -0.4 }));
    close(r.t0.value, strippingCrossing(base), 1e-3, 't0');
  });

  it('ignores a single noisy sample beyond the cutoff, and says so', () => {
    const tr = strippingTrace({ ...base, spikes: [5000], noise: 0.003 });
    const r = ok(criticalStripping({ ...tr, area: AREA, cutoff: -0.4 }));
    close(r.t0.value, strippingCrossing(base), 5e-3, 't0');
    assert.deepEqual(r.ignoredExcursions, [5600]);
    assert.ok(r.warnings.some((w) => /brief excursion/.test(w)), r.warnings.join('\n'));
  });

  it('accepts a crossing on the last current-carrying sample (the cycler stops at the cutoff)', () => {
    const tr = strippingTrace({ ...base, after: 1 });
    const r = ok(criticalStripping({ ...tr, area: AREA, cutoff: -0.4 }));
    assert.equal(r.reached, true);
    close(r.t0.value, strippingCrossing(base), 1e-3, 't0');
  });

  it('data that end first give reached: false and a lower bound', () => {
    const tr = strippingTrace({ ...base, stopAfter: 10000 });
    const r = ok(criticalStripping({ ...tr, area: AREA, cutoff: -0.4 }));
    assert.equal(r.reached, false);
    close(r.capacity.value, 5 * 10000, 1e-9, 'capacity at the end');
    assert.equal(r.crossingTime, undefined);
    assert.ok(r.warnings.some((w) => /lower bound \(≥/.test(w)), r.warnings.join('\n'));
  });

  it('a rising cutoff works with direction: rising', () => {
    const tr = strippingTrace(base);
    const flipped = { ...tr, voltage: tr.voltage.map((v) => -v) };
    const r = ok(criticalStripping({ ...flipped, area: AREA, cutoff: 0.4, direction: 'rising' }));
    close(r.t0.value, strippingCrossing(base), 1e-3, 't0');
  });

  it('bad input: a result with an error, never a throw or NaN', () => {
    fails(criticalStripping({ time: [], voltage: [], current: [], area: AREA, cutoff: -0.4 }), /empty/);
    fails(criticalStripping({ time: [0, 1], voltage: [0], current: [1, 1], area: AREA, cutoff: -0.4 }), /same length/);
    fails(criticalStripping({ time: [0], voltage: [0], current: [1], area: AREA, cutoff: -0.4 }), /at least 2/);
    fails(criticalStripping({ time: [NaN, NaN], voltage: [0, 0], current: [1, 1], area: AREA, cutoff: -0.4 }), /non-finite/);
    fails(criticalStripping({ time: [0, 1], voltage: [0, 0], current: [1, 1], area: 0, cutoff: -0.4 }), /area/);
    fails(criticalStripping({ time: [0, 1], voltage: [0, 0], current: [1, 1], area: AREA, cutoff: NaN }), /cutoff/);
    fails(criticalStripping({ time: [0, 1, 2], voltage: [0, 0, 0], current: [0, 0, 0], area: AREA, cutoff: -0.4 }), /no current/);
    fails(criticalStripping({ time: [0, 2, 1], voltage: [0, 0, 0], current: [1, 1, 1], area: AREA, cutoff: -0.4 }), /backwards/);
    fails(criticalStripping(undefined as never), /no input/);
    // NaN rows are dropped with a warning, the rest analysed.
    const tr = strippingTrace(base);
    tr.voltage[700] = NaN;
    const r = ok(criticalStripping({ time: Float64Array.from(tr.time), voltage: tr.voltage, current: tr.current, area: AREA, cutoff: -0.4 }));
    assert.ok(r.warnings.some((w) => /Left out 1 of/.test(w)));
    allFinite(r);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: sandFit', () => {
  const currents = [5, 10, 20, 30]; // A/m² = 0.5, 1, 2, 3 mA/cm²

  /** Strips a synthetic Sand-limited cell at each current and fits the measured t0. */
  function fromTraces(noise: number, b: number, seed = 7) {
    const pts = currents.map((j, k) => {
      const o: StrippingTraceOptions = {
        currentDensity: j, area: AREA, t0: sandTime(C0_LI, D_LNT10F, j), resistance: 15, b, cutoff: -0.4,
        dt: 10, rest: 300, noise, seed: seed + k,
      };
      const r = ok(criticalStripping({ ...strippingTrace(o), area: AREA, cutoff: -0.4 }));
      return { currentDensity: r.currentDensity.value, t0: r.t0.value };
    });
    return ok(sandFit(pts, C0_LI));
  }

  it('recovers D_eff within 2 % from noiseless stripping curves (Sand t0 of D = 9.62e-10 cm²/s)', () => {
    const r = fromTraces(0, 0.05);
    close(r.origin.dEff!.value, D_LNT10F, 0.02, 'D through origin');
    close(r.free.dEff!.value, D_LNT10F, 0.02, 'D free');
    assert.ok(r.free.dEff!.stderr! < 0.02 * D_LNT10F);
  });

  it('recovers D_eff within 2 % with 5 mV voltage noise, and the standard error covers the error', () => {
    const r = fromTraces(0.005, 0.05);
    close(r.origin.dEff!.value, D_LNT10F, 0.02, 'D through origin');
    close(r.free.dEff!.value, D_LNT10F, 0.02, 'D free');
  });

  it('standard errors and R² match a hand computation; σ_D = 2·D·σ_slope/slope', () => {
    // x = 1, 2, 3; y = t0^-1/2 = 1, 2, 2 → slope 1/2, intercept 2/3, SSE 1/6, s² = 1/6, Sxx = 2.
    const r = ok(sandFit([{ currentDensity: 1, t0: 1 }, { currentDensity: 2, t0: 0.25 }, { currentDensity: 3, t0: 0.25 }], C0_LI));
    close(r.free.slope.value, 0.5, 1e-12, 'slope');
    close(r.free.intercept.value, 2 / 3, 1e-12, 'intercept');
    close(r.free.slope.stderr!, Math.sqrt(1 / 12), 1e-12, 'SE slope');
    close(r.free.intercept.stderr!, Math.sqrt(7 / 18), 1e-12, 'SE intercept');
    close(r.free.r2.value, 0.75, 1e-12, 'R²');            // SST = 2/3
    assert.equal(r.free.dof, 1);
    const d = r.free.dEff!;
    close(d.stderr!, (2 * d.value * Math.sqrt(1 / 12)) / 0.5, 1e-12, 'SE of D');
    // Through the origin: b0 = Σxy/Σx² = 11/14.
    close(r.origin.slope.value, 11 / 14, 1e-12, 'slope0');
    const sse0 = (1 - 11 / 14) ** 2 + (2 - 22 / 14) ** 2 + (2 - 33 / 14) ** 2;
    close(r.origin.slope.stderr!, Math.sqrt(sse0 / 2 / 14), 1e-12, 'SE slope0');
    // With 1 dof the t distribution is Cauchy: p = 1 − 2·atan|t|/π.
    const tStat = (2 / 3) / Math.sqrt(7 / 18);
    close(r.interceptTest!.p, 1 - (2 * Math.atan(tStat)) / Math.PI, 1e-7, 'p');
  });

  it('Student t p-values match tables (t = 2.776 at 4 dof and 2.228 at 10 dof are p = 0.05)', () => {
    close(tTestP(2.776, 4), 0.05, 2e-3, 'dof 4');
    close(tTestP(2.228, 10), 0.05, 2e-3, 'dof 10');
    close(tTestP(1.96, 1e6), 0.05, 1e-3, 'normal');
  });

  it('warns when the intercept is significant (t0 carries an offset)', () => {
    const pts = [5, 10, 15, 20, 30].map((j, k) => ({ currentDensity: j, t0: 1 / (0.004 + 0.0008 * j + (k % 2 ? 1e-5 : -1e-5)) ** 2 }));
    const r = ok(sandFit(pts, C0_LI));
    assert.equal(r.interceptTest?.significant, true);
    const w = r.warnings.find((x) => /intercept/.test(x));
    assert.ok(w, r.warnings.join('\n'));
    assert.match(w!, /Student t-test at 95 %/);
    assert.ok(r.origin.dEff && r.free.dEff && r.origin.dEff.value !== r.free.dEff.value);
  });

  it('2 points: a fit without standard errors, and says why', () => {
    const r = ok(sandFit([{ currentDensity: 5, t0: 1000 }, { currentDensity: 10, t0: 250 }], C0_LI));
    assert.equal(r.free.slope.stderr, undefined);
    assert.equal(r.free.dEff!.stderr, undefined);
    assert.equal(r.interceptTest, undefined);
    assert.ok(r.origin.slope.stderr !== undefined);
    assert.ok(r.warnings.some((w) => /no residual degrees of freedom/.test(w)));
    allFinite(r);
  });

  it('bad input: fewer than 2 points, equal currents, bad c0, NaN points', () => {
    fails(sandFit([], C0_LI), /at least 2 points/);
    fails(sandFit([{ currentDensity: 5, t0: 1000 }], C0_LI), /at least 2 points/);
    fails(sandFit([{ currentDensity: 5, t0: 1000 }, { currentDensity: 5, t0: 900 }], C0_LI), /equal/);
    fails(sandFit([{ currentDensity: 5, t0: 1000 }, { currentDensity: 10, t0: 250 }], NaN), /c0/);
    fails(sandFit([{ currentDensity: NaN, t0: 1000 }, { currentDensity: 10, t0: -1 }], C0_LI), /at least 2 points/);
    fails(sandFit(null as never, C0_LI), /array/);
    const r = ok(sandFit([{ currentDensity: 5, t0: 1000 }, { currentDensity: 10, t0: 250 }, { currentDensity: 20, t0: NaN }], C0_LI));
    assert.ok(r.warnings.some((w) => /Left out 1 point/.test(w)));
  });

  it('a slope that is not positive gives no D_eff, with a warning', () => {
    const r = ok(sandFit([{ currentDensity: 5, t0: 100 }, { currentDensity: 10, t0: 400 }, { currentDensity: 20, t0: 900 }], C0_LI));
    assert.equal(r.free.dEff, undefined);
    assert.ok(r.warnings.some((w) => /slope ≤ 0/.test(w)));
    allFinite(r);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: detectShort (CCD)', () => {
  // 0.1 to 2.0 mA/cm² in 0.1 mA/cm² steps, 1 h per charge/discharge cycle, 10 s sampling. The
  // trace generator's shortAtStep is a 0-based position; the analysis counts steps from 1 as
  // instruments do, so shortAtStep 7 (0.8 mA/cm²) is step 8.
  const densities = Array.from({ length: 20 }, (_, k) => (k + 1) * 0.1 * MA_PER_CM2);
  // Reversals: the first sample of each half cycle catches the voltage swinging through 0 V.
  const base: StaircaseOptions = { densities, area: AREA, halfCycle: 1800, dt: 10, noise: 0.0005, reversals: true };

  it('finds a hard short at 0.8 mA/cm² (bare Li) with noise and glitches in earlier steps', () => {
    const tr = staircaseTrace({ ...base, shortAtStep: 7, shortAt: 0.3, glitches: 6 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shorted, true);
    assert.equal(r.shortStep, 8);
    close(r.currentDensity!.value, 8, 1e-9, 'CCD (A/m²)');
    assert.equal(r.lastPassed!.index, 7);
    close(r.lastPassed!.currentDensity.value, 7, 1e-9, 'last passed');
    assert.ok(Math.abs(r.time!.value - tr.shortTime!) <= 60, `short at ${r.time!.value}, expected ${tr.shortTime}`);
    assert.equal(r.steps.length, 8);
    assert.match(r.message, /^short at step 8 \(0\.8 mA\/cm²\) at \d+(\.\d+)? h$/);
    assert.deepEqual(r.steps.map((s) => s.index), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('finds a soft short (noisy drops that partly recover) at 1.5 mA/cm² (Li-LNT10F)', () => {
    const tr = staircaseTrace({ ...base, shortAtStep: 14, shortAt: 0.6, mode: 'soft', glitches: 10, noise: 0.001, seed: 11 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shortStep, 15);
    close(r.currentDensity!.value, 15, 1e-9, 'CCD (A/m²)');
    assert.ok(Math.abs(r.time!.value - tr.shortTime!) <= 300, `short at ${r.time!.value}, expected ${tr.shortTime}`);
  });

  it('finds a short inside the first half cycle of a step (the previous step is the reference)', () => {
    const tr = staircaseTrace({ ...base, shortAtStep: 5, shortAt: 0.02 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shortStep, 6);
  });

  it('a short from the first sample of a step belongs to that step, not to the one before', () => {
    const tr = staircaseTrace({ ...base, shortAtStep: 6, shortAt: 0 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shortStep, 7);
    assert.ok(r.time!.value >= tr.shortTime!);
  });

  it('coarse sampling (3 samples per half cycle): the reversal samples near 0 V are not a short', () => {
    const tr = staircaseTrace({ ...base, dt: 900, noise: 0.001, glitches: 3, seed: 3 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shorted, false, r.message);
    const shorted = ok(detectShort({ ...staircaseTrace({ ...base, dt: 900, shortAtStep: 12 }), area: AREA }));
    assert.equal(shorted.shortStep, 13);
  });

  it('uses the planned step densities when given', () => {
    const tr = staircaseTrace({ ...base, shortAtStep: 9, mode: 'soft', seed: 5 });
    const r = ok(detectShort({ ...tr, area: AREA, stepCurrentDensities: densities }));
    assert.equal(r.shortStep, 10);
    assert.equal(r.steps[9].plannedCurrentDensity, densities[9]);
  });

  it('tells 2.9 from 3.0 mA/cm² steps apart without a plan', () => {
    const tr = staircaseTrace({ ...base, densities: [28, 29, 30, 31], noise: 0 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.deepEqual(r.steps.map((s) => Math.round(s.currentDensity.value)), [28, 29, 30, 31]);
  });

  it('says "no short within the data" when the cell survives (10 s and 60 s sampling)', () => {
    const coarse = ok(detectShort({ ...staircaseTrace({ ...base, dt: 60, glitches: 5, noise: 0.002, seed: 4 }), area: AREA }));
    assert.equal(coarse.shorted, false, coarse.message);
    const tr = staircaseTrace({ ...base, glitches: 10 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    assert.equal(r.shorted, false);
    assert.equal(r.message, 'no short within the data');
    assert.equal(r.steps.length, 20);
    assert.equal(r.lastPassed!.index, 20);
    assert.equal(r.shortStep, undefined);
    // Polarisation grows with the step current.
    assert.ok(r.steps[19].polarisation.value > r.steps[0].polarisation.value);
  });

  it('bad input', () => {
    fails(detectShort({ time: [], voltage: [], current: [], area: AREA }), /empty/);
    fails(detectShort({ time: [0, 1, 2], voltage: [0, 1], current: [1, 1, 1], area: AREA }), /same length/);
    fails(detectShort({ time: [0, 1], voltage: [0, 1], current: [1, 1], area: -1 }), /area/);
    fails(detectShort({ time: [0, 1, 2], voltage: [0.1, 0.1, 0.1], current: [0, 0, 0], area: AREA }), /no current/);
    fails(detectShort({ time: [0, 1, 2], voltage: [0.1, 0.1, 0.1], current: [1, 1, 1], area: AREA, stepCurrentDensities: [] }), /stepCurrentDensities/);
    fails(detectShort({ time: [0, 1, 2], voltage: [0.1, 0.1, 0.1], current: [1, 1, 1], area: AREA, collapseFraction: 2 }), /collapseFraction/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: ohmicResistance (EIS)', () => {
  it('interpolates the zero crossing of -Im(Z) after an inductive tail (within 1 %)', () => {
    // 400 nH of leads: -Im(Z) crosses zero near 440 kHz, where Re(Z) = R0 + L/τ = R0 + 0.04 Ω.
    const z = spectrum({ r0: 8.5, arcs: [{ r: 30, c: 3.3e-7 }, { r: 120, c: 1e-4 }], inductance: 4e-7 });
    assert.ok(z.zImag[0] > 0, 'inductive at 1 MHz');
    const r = ok(ohmicResistance(z));
    assert.equal(r.method, 'crossing');
    close(r.rOhm.value, 8.5, 0.01, 'R0');
    assert.match(r.derivation, /inductive points above/);
  });

  it('extrapolates a spectrum that is still capacitive at 1 MHz (within 1 %, where Re(Z) at 1 MHz is not)', () => {
    const z = spectrum({ r0: 15.2, arcs: [{ r: 20, c: 5e-8 }, { r: 200, c: 5e-5 }] });
    assert.ok(z.zReal[0] > 15.2 * 1.01, 'the highest-frequency point is more than 1 % off');
    const r = ok(ohmicResistance(z));
    assert.equal(r.method, 'arc-extrapolation');
    close(r.rOhm.value, 15.2, 0.01, 'R0');
    assert.match(r.derivation, /extrapolated/);
  });

  it('extrapolates a depressed (CPE) arc in ascending frequency order (within 1 %)', () => {
    const z = spectrum({ r0: 31.2, arcs: [{ r: 60, c: 2e-8, alpha: 0.85 }, { r: 300, c: 1e-5, alpha: 0.8 }], fHigh: 1e6 });
    const up = { frequency: [...z.frequency].reverse(), zReal: [...z.zReal].reverse(), zImag: [...z.zImag].reverse() };
    const r = ok(ohmicResistance(up));
    close(r.rOhm.value, 31.2, 0.01, 'R0');
  });

  it('falls back to Re(Z) at the highest frequency with a warning when it cannot extrapolate', () => {
    const r = ok(ohmicResistance({ frequency: [1e6, 1e5], zReal: [10, 12], zImag: [-1, -2] }));
    assert.equal(r.method, 'highest-frequency');
    assert.equal(r.rOhm.value, 10);
    assert.ok(r.warnings.some((w) => /upper bound/.test(w)));
    // A circle through these points meets the axis right of the first point: not an intercept.
    const bent = ok(ohmicResistance({ frequency: [1e6, 6e5, 4e5, 2.5e5], zReal: [10, 10.1, 10.5, 11.5], zImag: [-0.5, -2, -3.5, -4.4] }));
    assert.equal(bent.method, 'highest-frequency');
    assert.equal(bent.rOhm.value, 10);
  });

  // Issue: the intercept of a noisy spectrum rested on three points; 5.2 Ω for an R_inf of 10 Ω, no warning.
  // R0 = 10 Ω, a first arc of 30 Ω (τ = 0.3 µs, top at 0.5 MHz, α = 0.9), a second of 200 Ω; 1 MHz to
  // 0.1 Hz, noise 1 % of |Z|.
  const firstArcAtTheTop: SpectrumOptions = { r0: 10, arcs: [{ r: 30, c: 1e-8, alpha: 0.9 }, { r: 200, c: 5e-5 }], fHigh: 1e6, fLow: 0.1 };

  it('a noisy spectrum: the intercept is fitted to the first arc and its error lies within its standard error', () => {
    const r = ok(ohmicResistance(noisySpectrum(firstArcAtTheTop, 0.01, 16))); // 5.24 Ω before, no warning
    assert.equal(r.method, 'arc-extrapolation');
    assert.ok(r.rOhm.stderr !== undefined && r.rOhm.stderr > 0, 'a standard error');
    assert.ok(Math.abs(r.rOhm.value - 10) <= 2 * r.rOhm.stderr, `${r.rOhm.value} ± ${r.rOhm.stderr} Ω for R_inf = 10 Ω`);
    assert.ok(r.fitted! > 3, `${r.fitted} points fitted`);
    assert.ok(r.warnings.some((w) => /poorly determined/.test(w)), 'a standard error of a fifth of the value is worth a warning');
    // Noise-free, the same spectrum gives R_inf within 0.5 % and a small standard error.
    const clean = ok(ohmicResistance(spectrum(firstArcAtTheTop)));
    close(clean.rOhm.value, 10, 0.005, 'noise-free');
  });

  it('over 40 noise draws the stated standard error covers the error about as often as it should', () => {
    const draws: [SpectrumOptions, number][] = [[firstArcAtTheTop, 0.01], [{ ...firstArcAtTheTop, arcs: [{ r: 30, c: 3e-8, alpha: 0.9 }, { r: 200, c: 5e-5 }] }, 0.02]];
    for (const [o, noise] of draws) {
      let covered = 0, bounds = 0;
      for (let seed = 1; seed <= 40; seed++) {
        const r = ok(ohmicResistance(noisySpectrum(o, noise, seed)));
        if (r.bound === 'upper') { bounds++; assert.ok(r.warnings.some((w) => /upper bound/.test(w))); continue; }
        assert.ok(r.rOhm.stderr !== undefined, `seed ${seed}: no standard error`);
        if (Math.abs(r.rOhm.value - 10) <= 2 * r.rOhm.stderr) covered++;
      }
      assert.ok(covered >= 0.8 * (40 - bounds) && bounds <= 4, `${covered} of ${40 - bounds} within 2 SE, ${bounds} upper bounds (noise ${noise})`);
    }
  });

  it('an inductive crossing: a local fit around the sign change, with a standard error that covers the error', () => {
    const o = { r0: 10, arcs: [{ r: 20, c: 1e-6 }, { r: 200, c: 5e-5 }], inductance: 1e-6, fHigh: 1e6, fLow: 0.1 };
    const truth = ok(ohmicResistance(spectrum(o))).rOhm.value; // the crossing of the noise-free spectrum
    let covered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = ok(ohmicResistance(noisySpectrum(o, 0.01, seed)));
      assert.equal(r.method, 'crossing');
      if (Math.abs(r.rOhm.value - truth) <= 2 * r.rOhm.stderr!) covered++;
    }
    assert.ok(covered >= 32, `${covered} of 40 within 2 SE`);
  });

  it('compares the intercept with the DRT\'s R∞ when given one', () => {
    const z = spectrum({ r0: 15.2, arcs: [{ r: 20, c: 5e-8 }, { r: 200, c: 5e-5 }] });
    assert.deepEqual(ok(ohmicResistance({ ...z, rInf: { value: 15.3, unit: 'Ω', stderr: 0.1 } })).warnings, []);
    const off = ok(ohmicResistance({ ...z, rInf: { value: 12, unit: 'Ω', stderr: 0.1 } }));
    assert.ok(off.warnings.some((w) => /DRT's R∞ \(12 ± 0\.1 Ω\) differ/.test(w)), off.warnings.join('\n'));
    // An R∞ the DRT holds at its bound (0 Ω, flagged so by the DRT) says nothing about the intercept.
    assert.deepEqual(ok(ohmicResistance({ ...z, rInf: { value: 0, unit: 'Ω' }, rInfAtBound: true })).warnings, []);
  });

  it('bad input', () => {
    fails(ohmicResistance({ frequency: [], zReal: [], zImag: [] }), /empty/);
    fails(ohmicResistance({ frequency: [1, 2], zReal: [1], zImag: [1, 2] }), /same length/);
    fails(ohmicResistance({ frequency: [NaN], zReal: [1], zImag: [1] }), /non-finite/);
    fails(ohmicResistance({ frequency: [0, -1], zReal: [1, 2], zImag: [0, 0] }), /positive frequency/);
    fails(contactRetention([{ capacity: 0, rOhm: 8.5 }]), /at least 2/);
    fails(contactRetention([{ capacity: 0, rOhm: 8.5 }, { capacity: 1, rOhm: 0 }]), /at least 2/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: cyclingSummary', () => {
  // NCM9 full cell: 5 mg active, 1C = 180 mAh/g, one precycle at 0.05 C then 0.3 C.
  const mass = 5e-6;
  const oneC = 180 * MAH_PER_G * mass / 3600; // A
  const q = (mAhPerG: number) => mAhPerG * MAH_PER_G * mass; // C

  function plans(n: number, ce = (_c: number) => 0.998): CyclePlan[] {
    return Array.from({ length: n }, (_, k) => {
      const c = k + 1;
      const d = c === 1 ? q(156) : q(148.1 * (1 - 0.0008 * (c - 2)));
      return { charge: d / ce(c), discharge: d, current: c === 1 ? 0.05 * oneC : 0.3 * oneC };
    });
  }
  const input = (tr: ReturnType<typeof cyclingTrace>, extra: Partial<CyclingInput> = {}): CyclingInput => ({
    time: tr.time, voltage: tr.voltage, current: tr.current, activeMass: mass, area: AREA, precycles: 1, ...extra,
  });

  it('recovers per-cycle capacities, CE, retention vs the first cycle after the precycle, and mean CE', () => {
    const p = plans(30, (c) => (c === 1 ? 0.85 : 0.998));
    const tr = cyclingTrace({ cycles: p, dt: 60, noise: 0.002 });
    const r = ok(cyclingSummary(input(tr)));
    assert.equal(r.cycles.length, 30);
    r.cycles.forEach((c, k) => {
      close(c.discharge.total.value, p[k].discharge, 1e-9, `discharge ${k + 1}`);
      close(c.charge.total.value, p[k].charge, 1e-9, `charge ${k + 1}`);
    });
    close(r.cycles[1].discharge.perMass.value / MAH_PER_G, 148.1, 1e-9, 'mAh/g of cycle 2');
    close(r.cycles[1].discharge.perArea.value, p[1].discharge / AREA, 1e-9, 'C/m²');
    close(r.cycles[0].ce!.value, 0.85, 1e-9, 'precycle CE');
    assert.equal(r.referenceCycle, 2);
    close(r.finalRetention!.value, 1 - 0.0008 * 28, 1e-9, 'retention at cycle 30');
    close(r.meanCe!.value, 0.998, 1e-9, 'mean CE');
    assert.deepEqual(r.meanCeRange, [2, 30]);
    assert.equal(r.failure, undefined, JSON.stringify(r.events));
    assert.deepEqual(r.warnings, []);
  });

  it('the cycle column and the current sign split alike; the charge sign is a parameter', () => {
    const p = plans(6);
    const tr = cyclingTrace({ cycles: p, dt: 60 });
    const bySign = ok(cyclingSummary(input(tr)));
    const byColumn = ok(cyclingSummary(input(tr, { cycle: tr.cycle })));
    const flipped = cyclingTrace({ cycles: p, dt: 60, chargeSign: -1 });
    const negative = ok(cyclingSummary(input(flipped, { chargeSign: -1 })));
    for (const r of [byColumn, negative]) {
      assert.equal(r.cycles.length, 6);
      r.cycles.forEach((c, k) => close(c.discharge.total.value, bySign.cycles[k].discharge.total.value, 1e-12, `cycle ${k + 1}`));
    }
    assert.equal(byColumn.cycles[3].label, 4);
    assert.match(bySign.derivation, /charge = positive current/);
  });

  it('finds the cycle whose CE leaves the band', () => {
    const tr = cyclingTrace({ cycles: plans(20, (c) => (c === 12 ? 0.9 : c === 1 ? 0.85 : 0.998)), dt: 60, noise: 0.002 });
    const r = ok(cyclingSummary(input(tr)));
    assert.equal(r.failure?.cycle, 12);
    assert.equal(r.failure?.kind, 'ce-out-of-band');
    assert.equal(r.events.length, 1, 'the precycle\'s low CE is not a failure');
  });

  it('finds a soft short (a sharp voltage drop during charge) with 2 mV noise elsewhere', () => {
    const tr = cyclingTrace({ cycles: plans(20, (c) => (c === 1 ? 0.85 : c >= 15 ? 0.97 : 0.998)), dt: 60, noise: 0.002, softShortCycle: 15 });
    const r = ok(cyclingSummary(input(tr)));
    assert.equal(r.failure?.cycle, 15);
    assert.equal(r.failure?.kind, 'soft-short');
    const drop = r.cycles[14].softShort!.drop; // 0.1 V less the ramp seen across the 5-sample median
    assert.ok(drop > 0.05 && drop <= 0.1, `drop ${drop}`);
  });

  it('takes the reference cycle and the mean-CE range from the caller', () => {
    const p = plans(12, (c) => (c === 1 ? 0.85 : c <= 6 ? 0.99 : 0.999));
    const r = ok(cyclingSummary(input(cyclingTrace({ cycles: p, dt: 60 }), { referenceCycle: 5, meanCeRange: [7, 12] })));
    assert.equal(r.referenceCycle, 5);
    close(r.cycles[4].retention!.value, 1, 1e-12, 'reference');
    close(r.finalRetention!.value, p[11].discharge / p[4].discharge, 1e-9, 'retention');
    close(r.meanCe!.value, 0.999, 1e-9, 'mean CE 7–12');
    assert.equal(r.meanCe!.stderr! < 1e-9, true);
  });

  it('leaves an unfinished last cycle out, and suggests a precycle when cycle 1 runs slower', () => {
    const tr = cyclingTrace({ cycles: plans(5), dt: 60, lastDischargeFraction: 0.3 });
    const r = ok(cyclingSummary(input(tr, { precycles: undefined })));
    assert.equal(r.cycles[4].complete, false);
    assert.equal(r.cycles[4].ce, undefined);
    assert.ok(r.warnings.some((w) => /mid-discharge/.test(w)));
    assert.ok(r.warnings.some((w) => /declare it in the protocol \(precycle 1 at its C-rate\)/.test(w)), r.warnings.join('\n'));
    assert.equal(r.referenceCycle, 1);
  });

  it('rate table: mean discharge per C-rate segment, and recovery back at 0.1 C (domain.md figures)', () => {
    const rates = [0.1, 0.2, 0.3, 0.4, 0.5, 0.1];
    const caps = [168.9, 147.5, 130.1, 119.6, 109.2, 167.5];
    const noise = gaussian(9);
    const p: CyclePlan[] = [];
    rates.forEach((rate, s) => {
      for (let k = 0; k < 5; k++) {
        const d = q(caps[s] + 0.3 * noise());
        p.push({ charge: d / 0.998, discharge: d, current: rate * oneC });
      }
    });
    const summary = ok(cyclingSummary(input(cyclingTrace({ cycles: p, dt: 120 }), { precycles: 0 })));
    const t = ok(rateTable(summary, rates.map((rate, s) => ({ rate, firstCycle: 5 * s + 1, lastCycle: 5 * s + 5 }))));
    assert.equal(t.rows.length, 6);
    t.rows.forEach((row, s) => {
      close(row.discharge.perMass.value / MAH_PER_G, caps[s], 0.005, `${row.rate} C`);
      assert.ok(row.discharge.perMass.stderr! > 0);
      assert.equal(row.n, 5);
    });
    close(t.recovery!.value, 167.5 / 168.9, 0.005, 'recovery');
  });

  // Issue: unsampled gaps between half cycles biased the capacities by +0.3 %, and the file's own
  // capacity counters were ignored. The goal: per-cycle capacity and CE within 0.2 % of the truth.
  const within = (r: ReturnType<typeof ok<CyclingValues>>, p: CyclePlan[], rel: number, what: string) => {
    assert.equal(r.cycles.length, p.length, what);
    r.cycles.forEach((c, k) => {
      close(c.charge.total.value, p[k].charge, rel, `${what}: charge of cycle ${k + 1}`);
      close(c.discharge.total.value, p[k].discharge, rel, `${what}: discharge of cycle ${k + 1}`);
      close(c.ce!.value, p[k].discharge / p[k].charge, rel, `${what}: CE of cycle ${k + 1}`);
    });
  };

  it('unsampled rests between half cycles: no trapezoid across the gap where the current changes sign', () => {
    const p = plans(10, (c) => (c === 1 ? 0.85 : 0.998));
    // 60 s sampling; the 120 s rests are not logged, so a charge's last sample (+I) is followed by
    // the discharge's first (-I) 120 s later: a trapezoid across adds I·30 s to both (+0.3 %).
    const tr = cyclingTrace({ cycles: p, dt: 60, rest: 120, unloggedRest: true });
    for (const cycle of [undefined, tr.cycle]) {
      const r = ok(cyclingSummary(input(tr, { cycle })));
      within(r, p, 0.002, cycle ? 'by the cycle column' : 'by the current sign');
      within(r, p, 1e-9, 'exactly'); // nothing flowed in the gaps
      assert.deepEqual(r.capacityFrom, { method: 'integral' });
      assert.match(r.derivation, /not across the 19 unsampled gaps where the current changes/);
    }
  });

  it('the file\'s capacity counter: (Q-Qo), Q charge/discharge, Charge_Capacity and Discharge_Capacity per cycle', () => {
    const p = plans(8, (c) => (c === 1 ? 0.85 : 0.998));
    // Each half cycle's first sample is logged 100 s after its current started (120 s sampling):
    // the integral cannot know what flowed before it (-0.5 %); the counters can.
    for (const unloggedRest of [false, true]) {
      const tr = cyclingTrace({ cycles: p, dt: 120, lateStart: 100, unloggedRest });
      const integral = ok(cyclingSummary(input(tr)));
      assert.ok(Math.abs(integral.cycles[3].discharge.total.value / p[3].discharge - 1) > 0.002, 'the integral misses the unlogged start');
      const counters: [string, CyclingInput['counter']][] = [
        ['(Q-Qo)/mA.h', { name: '(Q-Qo)/mA.h', both: tr.counters.qMinusQo }],
        ['Q charge/discharge/mA.h', { name: 'Q charge/discharge/mA.h', both: tr.counters.qHalf }],
        ['Charge_Capacity / Discharge_Capacity', { name: 'Charge_Capacity / Discharge_Capacity', charge: tr.counters.chargeCapacity, discharge: tr.counters.dischargeCapacity }],
      ];
      for (const [name, counter] of counters) {
        for (const cycle of [undefined, tr.cycle]) {
          const r = ok(cyclingSummary(input(tr, { counter, cycle })));
          within(r, p, 0.002, `${name}${unloggedRest ? ', unlogged rests' : ''}`);
          assert.deepEqual(r.capacityFrom, { method: 'counter', column: name });
          assert.match(r.derivation, new RegExp(`capacities from the file's counter ${name.replace(/[()/.]/g, '\\$&')}`));
        }
      }
    }
  });

  it('a counter that disagrees with the current (a unit taken wrongly) is not used, and the result says so', () => {
    const p = plans(4);
    const tr = cyclingTrace({ cycles: p, dt: 60 });
    const r = ok(cyclingSummary(input(tr, { counter: { name: 'Capacity', both: tr.counters.qMinusQo.map((q) => q / 3.6) } })));
    assert.deepEqual(r.capacityFrom, { method: 'integral' });
    assert.ok(r.warnings.some((w) => /Capacity gives 0\.278 times the charge of the current integral/.test(w)), r.warnings.join('\n'));
    within(r, p, 1e-9, 'from the integral');
  });

  it('bad input', () => {
    fails(cyclingSummary({ time: [], voltage: [], current: [], activeMass: mass, area: AREA }), /empty/);
    fails(cyclingSummary({ time: [0, 1], voltage: [3, 3], current: [1, 1], cycle: [1], activeMass: mass, area: AREA }), /same length/);
    fails(cyclingSummary({ time: [0, 1], voltage: [3, 3], current: [1, 1], activeMass: 0, area: AREA }), /activeMass/);
    fails(cyclingSummary({ time: [0, 1], voltage: [3, 3], current: [1, 1], activeMass: mass, area: AREA, ceBand: [1, 0.9] }), /ceBand/);
    fails(cyclingSummary({ time: [0], voltage: [3], current: [1], activeMass: mass, area: AREA }), /at least 2/);
    fails(rateTable({ cycles: [] }, []), /segment/);
    fails(rateTable({ cycles: [] }, [{ rate: 0.1, firstCycle: 1, lastCycle: 3 }]), /no segment/);
    const r = ok(cyclingSummary({ time: [0, 1, 2], voltage: [3, 3.1, 3.2], current: [1, 1, 1], activeMass: mass, area: AREA }));
    assert.equal(r.cycles[0].complete, false);
    assert.equal(r.meanCe, undefined);
    allFinite(r);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: plan checks', () => {
  it('compareCurrent warns past 5 % between the planned density and the median flowing |I|', () => {
    const current = [0, 0, ...Array(50).fill(0.5e-3 * 0.98), 0];
    const near = ok(compareCurrent(0.5 * MA_PER_CM2, 1e-4, current));
    assert.equal(near.withinPlan, true);
    assert.deepEqual(near.warnings, []);
    close(near.measured.value, 4.9, 1e-9, 'measured');
    const off = ok(compareCurrent(0.5 * MA_PER_CM2, AREA, current));
    assert.equal(off.withinPlan, false);
    assert.match(off.warnings[0], /above the planned 0\.5 mA\/cm²/);
    fails(compareCurrent(5, AREA, []), /empty/);
    fails(compareCurrent(5, AREA, [0, 0]), /no current/);
    fails(compareCurrent(NaN, AREA, [1]), /planned/);
  });

  it('compareWindow warns when the voltage leaves the window by more than 20 mV', () => {
    assert.deepEqual(ok(compareWindow([2.8, 4.3], [2.79, 3.5, 4.31])).warnings, []);
    const r = ok(compareWindow([2.8, 4.3], [2.7, 3.5, 4.4]));
    assert.equal(r.withinPlan, false);
    assert.equal(r.outside, 2);
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings[0], /100 mV below/);
    fails(compareWindow([4.3, 2.8], [3]), /below its high end/);
    fails(compareWindow([2.8, 4.3], [NaN]), /non-finite/);
  });

  it('compareCycleCount warns when the data stop early', () => {
    const r = ok(compareCycleCount(100, 46));
    assert.equal(r.withinPlan, false);
    assert.match(r.warnings[0], /46 of the 100 planned/);
    assert.deepEqual(ok(compareCycleCount(100, 100)).warnings, []);
    fails(compareCycleCount(0, 3), /planned/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analyses: derivations and messages in display units, the spec\'s words and steps from 1 (issue 9)', () => {
  // Before: "step 7 (8 A/m²)", "216000 C/m²", "5.3e-14 m²/s", "per 5.115e-6 kg active and 6.362e-5 m²".
  const SI = /A\/m²|C\/m²|(?<!c)m²\/s|C\/kg|S\/m\b|mol\/m³|Ω·m²|\d kg\b|\d m²(?!\/)/;
  const texts = (r: { derivation: string; warnings: string[] }) => [r.derivation, ...r.warnings];
  const noSI = (r: { derivation: string; warnings: string[] }, what: string) => {
    for (const t of texts(r)) assert.doesNotMatch(t, SI, `${what}: ${t}`);
  };

  it('CCD: the short at step 8 (0.8 mA/cm²), at the time the summary gives, steps numbered from 1', () => {
    const tr = staircaseTrace({ densities: Array.from({ length: 20 }, (_, k) => (k + 1) * 0.1 * MA_PER_CM2), area: AREA, halfCycle: 1800, dt: 10, noise: 0.0005, shortAtStep: 7, shortAt: 0.3 });
    const r = ok(detectShort({ ...tr, area: AREA }));
    noSI(r, 'ccd');
    assert.match(r.derivation, /; step 8 \(0\.8 mA\/cm², reference polarisation [\d.]+ mV\) is the first with/);
    assert.match(r.derivation, new RegExp(`from ${Number((r.time!.value / 3600).toPrecision(4))} h \\(`));
    assert.equal(r.steps[0].index, 1);
    const stepWarn = ok(detectShort({ ...staircaseTrace({ densities: [10, 5, 20], area: AREA, halfCycle: 1800, dt: 10, noise: 0 }), area: AREA }));
    assert.ok(stepWarn.warnings.some((w) => /does not increase at step 2 \(1 mA\/cm² → 0\.5 mA\/cm²\)/.test(w)), stepWarn.warnings.join('\n'));
  });

  it('stripping: the capacity in mAh/cm² and t0 in h beside its seconds', () => {
    const o: StrippingTraceOptions = { currentDensity: 5, area: AREA, t0: 20000, resistance: 15, b: 0.05, cutoff: -0.4, dt: 10, rest: 600 };
    const r = ok(criticalStripping({ ...strippingTrace(o), area: AREA, cutoff: -0.4 }));
    noSI(r, 'stripping');
    assert.match(r.derivation, new RegExp(`= ${Number((r.capacity.value / MAH_PER_CM2).toPrecision(4))} mAh/cm²\\.$`));
    assert.match(r.derivation, new RegExp(`\\(${Number((r.t0.value / 3600).toPrecision(4))} h\\)`));
    const unfinished = ok(criticalStripping({ ...strippingTrace({ ...o, stopAfter: 5000 }), area: AREA, cutoff: -0.4 }));
    noSI(unfinished, 'stripping, cutoff not reached');
    assert.ok(unfinished.warnings.some((w) => /lower bound \(≥ [\d.]+ mAh\/cm²\)/.test(w)));
  });

  it('Sand: D_eff in cm²/s as the summary writes it, c0 in mol/cm³ (domain.md: 0.07693)', () => {
    const pts = [5, 10, 20, 30].map((j) => ({ currentDensity: j, t0: sandTime(C0_LI, D_LNT10F, j) }));
    const r = ok(sandFit(pts, C0_LI));
    noSI(r, 'sand');
    assert.match(r.derivation, /c0 = 0\.07693 mol\/cm³/);
    assert.match(r.derivation, /free intercept 9\.62e-10( ± [\d.e-]+)? cm²\/s/);
  });

  it('contact retention: capacities in mAh/cm², a in % as the summary gives it', () => {
    const r = ok(contactRetention([{ capacity: 0, rOhm: 8.5, stderr: 0.01 }, { capacity: 6 * MAH_PER_CM2, rOhm: 31.2, stderr: 0.02 }]));
    noSI(r, 'contact');
    assert.match(r.derivation, /R_first = 8\.5 Ω at 0 mAh\/cm²; at 6 mAh\/cm², R = 31\.2 Ω gives a = 7\.42 ± [\d.]+ %\.$/);
  });

  it('cycling: mass in mg, area in cm², currents in mA, times in h; a formation cycle is pointed to the protocol\'s precycle', () => {
    const mass = 5e-6, oneC = 180 * MAH_PER_G * mass / 3600;
    const p: CyclePlan[] = Array.from({ length: 6 }, (_, k) => ({ charge: 150 * MAH_PER_G * mass / 0.998, discharge: 150 * MAH_PER_G * mass, current: (k === 0 ? 0.05 : 0.3) * oneC }));
    const r = ok(cyclingSummary({ ...cyclingTrace({ cycles: p, dt: 60 }), activeMass: mass, area: AREA }));
    noSI(r, 'cycling');
    assert.match(r.derivation, /per 5 mg active and 0\.6362 cm²/);
    const hint = r.warnings.find((w) => /formation precycle/.test(w));
    assert.ok(hint, r.warnings.join('\n'));
    assert.match(hint, /^Cycle 1 runs at a lower current \([\d.]+ mA\) than cycle 2 \([\d.]+ mA\): if it is a formation precycle, declare it in the protocol \(precycle 1 at its C-rate\)/);
    assert.doesNotMatch(hint, /\bpass\b|precycles:/);
  });

  it('plan checks: densities in mA/cm², the current in mA, the area in cm²', () => {
    const off = ok(compareCurrent(0.5 * MA_PER_CM2, AREA, [0, ...Array(50).fill(0.5e-3 * 0.6362 * 0.9), 0]));
    noSI(off, 'compareCurrent');
    assert.match(off.warnings[0], /^The data run at 0\.45 mA\/cm² \(median \|I\| 0\.2863 mA over 0\.6362 cm²\), 10 % below the planned 0\.5 mA\/cm²/);
  });

  it('rows are counted from 1, as instruments and spreadsheets count them', () => {
    const tr = strippingTrace({ currentDensity: 5, area: AREA, t0: 2000, resistance: 15, b: 0.05, cutoff: -0.4, dt: 10 });
    const nan = ok(criticalStripping({ ...tr, voltage: [NaN, ...tr.voltage.slice(1)], area: AREA, cutoff: -0.4 }));
    assert.ok(nan.warnings.some((w) => /Left out 1 of \d+ rows with a missing or non-finite value \(the first at data row 1\)/.test(w)), nan.warnings.join('\n'));
    const back = [...tr.time]; back[2] = back[0];
    fails(criticalStripping({ ...tr, time: back, area: AREA, cutoff: -0.4 }), /^time goes backwards at data row 3 \(10 s then 0 s\)/);
  });

  it('guarded() names a non-finite figure in words, never as a property path', () => {
    const fit = guarded('the circuit fit', () => ({ ok: true as const, parameters: [{ name: 'R0', value: est(8, 'Ω') }, { name: 'C3', value: est(Infinity, 'F') }], derivation: '', warnings: [], points: [] }));
    fails(fit, /^the circuit fit produced a non-finite value of parameter C3: no value is presented$/);
    const drt = guarded('the DRT', () => ({ ok: true as const, peaks: [{ resistance: est(5, 'Ω') }, { resistance: est(NaN, 'Ω') }], derivation: '', warnings: [], points: [] }));
    fails(drt, /^the DRT produced a non-finite value of the resistance of peak 2: no value is presented$/);
    const se = guarded('the DRT', () => ({ ok: true as const, rInf: est(8, 'Ω', NaN), derivation: '', warnings: [] as string[], points: [] }));
    assert.ok(se.ok && se.warnings.includes('The standard error of R∞ could not be computed and was left out.'), JSON.stringify(se.warnings));
    fails(guarded('the Sand fit', () => { throw new Error('boom'); }), /^the Sand fit failed unexpectedly: boom$/);
  });
});

describe('analyses: bad input never throws and never presents NaN', () => {
  type Columns = { time: number[]; voltage: number[]; current: number[] };
  const runs: [string, (c: Columns) => Result<unknown>][] = [
    ['criticalStripping', (c) => criticalStripping({ ...c, area: AREA, cutoff: -0.4 })],
    ['detectShort', (c) => detectShort({ ...c, area: AREA })],
    ['cyclingSummary', (c) => cyclingSummary({ ...c, activeMass: 5e-6, area: AREA })],
    ['ohmicResistance', (c) => ohmicResistance({ frequency: c.time, zReal: c.voltage, zImag: c.current })],
  ];
  const cases: [string, Columns, RegExp][] = [
    ['empty arrays', { time: [], voltage: [], current: [] }, /empty/],
    ['mismatched lengths', { time: [0, 1, 2], voltage: [1, 2], current: [1, 1, 1] }, /same length/],
    ['one point', { time: [1], voltage: [1], current: [1] }, /at least 2/],
    ['NaN everywhere', { time: [NaN, NaN, NaN], voltage: [NaN, 1, 2], current: [1, NaN, 1] }, /non-finite/],
    ['not arrays', { time: 'x' as never, voltage: [1], current: [1] }, /array/],
  ];
  for (const [name, run] of runs) {
    for (const [what, cols, pattern] of cases) {
      it(`${name}: ${what}`, () => {
        let r: Result<unknown> | undefined;
        assert.doesNotThrow(() => { r = run(cols); });
        fails(r!, pattern);
      });
    }
  }
  it('no input at all', () => {
    const none = undefined as never;
    for (const r of [criticalStripping(none), detectShort(none), cyclingSummary(none), ohmicResistance(none), sandFit(none, C0_LI), contactRetention(none), rateTable(none, none)]) {
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.error.length > 0);
    }
  });
  it('sandFit and contactRetention with one point', () => {
    fails(sandFit([{ currentDensity: 5, t0: 100 }], C0_LI), /at least 2/);
    fails(contactRetention([{ capacity: 0, rOhm: 8.5 }]), /at least 2/);
    fails(contactRetention([{ capacity: NaN, rOhm: 8.5 }, { capacity: 1, rOhm: NaN }]), /at least 2/);
  });
});

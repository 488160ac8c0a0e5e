// The faster cycling analysis against the straightforward one: the selection quantile against a
// sort, the order-statistics bag against a sort, the cycling summary against the code it replaced
// (test/helpers/cyclingReference/), and the resumed analysis of growing columns against a
// from-scratch analysis of the same rows.
import * as assert from 'assert';
import { quantile } from '../server/analyses/common';
import { CyclingInput, CyclingResume, cyclingSummary, cyclingSummaryResumable } from '../server/analyses/cycling';
import { SortedBag } from '../server/analyses/orderStatistics';
import { referenceCyclingSummary } from './helpers/cyclingReference/cycling';
import { quantile as sortedQuantile } from './helpers/cyclingReference/sorting';
import { CyclePlan, cyclingTrace, rng } from './helpers/traces';

/** Arrays that stress a selection: ties, runs, orders, NaN, signed zeros, infinities, tiny lengths. */
function hardArrays(seed: number): number[][] {
  const u = rng(seed);
  const out: number[][] = [[], [1], [NaN], [-0], [0, -0], [-0, 0, -0], [NaN, 1], [1, NaN, NaN], [Infinity, -Infinity], [Infinity, Infinity, 1]];
  for (const n of [2, 3, 5, 7, 31, 600, 601, 602, 1000, 5000, 20000]) {
    const r = Array.from({ length: n }, () => u() * 2 - 1);
    out.push(r);
    out.push(Array.from({ length: n }, () => Math.floor(u() * 3)));                 // few distinct values
    out.push(Array.from({ length: n }, () => 7));                                     // all equal
    out.push([...r].sort((a, b) => a - b));                                           // sorted
    out.push([...r].sort((a, b) => b - a));                                           // reversed
    out.push(Array.from({ length: n }, (_, k) => Math.min(k, n - k)));               // organ pipe
    out.push(Array.from({ length: n }, (_, k) => (k % 2 ? k : -k)));                 // sawtooth
    out.push(r.map((x) => (u() < 0.1 ? NaN : x)));                                    // NaN mixed in
    out.push(r.map((x) => (u() < 0.3 ? (u() < 0.5 ? -0 : 0) : x)));                  // signed zeros
    out.push(r.map((x) => (u() < 0.05 ? (u() < 0.5 ? Infinity : -Infinity) : x)));   // infinities
    out.push(Array.from({ length: n }, () => (u() < 0.5 ? 0 : 1e-3 * (1 + Math.floor(u() * 4))))); // rest and a few currents
  }
  return out;
}

const QS = [0, 1, 0.5, 0.9, 0.02, 0.98, 0.25, 1 / 3, 0.999, -0.1, 1.1, NaN];

describe('cycling, faster: the selection quantile and the bag', () => {
  it('quantile by selection gives exactly what sorting gives (ties, NaN last, ±0, infinities, tiny arrays, out-of-range q)', () => {
    let checked = 0;
    for (const a of hardArrays(11)) {
      for (const q of QS) {
        const want = sortedQuantile(a, q), got = quantile(a, q);
        assert.ok(Object.is(got, want), `n=${a.length} q=${q}: ${got} vs sorted ${want}`);
        checked++;
      }
      // The input is never reordered.
      const copy = [...a];
      quantile(a, 0.5);
      assert.deepStrictEqual(a, copy);
    }
    assert.ok(checked > 1000);
  });

  it('quantile of a Float64Array leaves it as it was', () => {
    const a = Float64Array.from([5, 3, 9, 1, 1, 7]);
    assert.strictEqual(quantile(a, 0.5), 4);
    assert.deepStrictEqual([...a], [5, 3, 9, 1, 1, 7]);
  });

  it('the bag answers quantiles above a rising floor as sorting all the values added gives', () => {
    const u = rng(5);
    for (let trial = 0; trial < 8; trial++) {
      const all: number[] = Array.from({ length: Math.floor(u() * 3000) }, () => Math.floor(u() * 50) / 7);
      const bag = new SortedBag(Float64Array.from(all));
      let floor = -Infinity;
      for (let step = 0; step < 30; step++) {
        const added = Array.from({ length: Math.floor(u() * (step % 7 === 0 ? 9000 : 300)) }, () => Math.floor(u() * 60) / 7);
        all.push(...added.filter((x) => x > floor));
        bag.add(Float64Array.from(added.filter((x) => x > floor)));
        if (u() < 0.3) { floor = Math.max(floor, u() * 3); bag.forget(floor); }
        const extra = Float64Array.from({ length: Math.floor(u() * 20) }, () => u() * 8).sort();
        const kept = all.filter((x) => x > floor);
        for (const q of [0, 0.5, 0.9, 1, u()]) {
          const want = sortedQuantile([...kept, ...extra.filter((x) => x > floor)], q);
          const got = bag.quantile(q, floor, extra);
          assert.ok(Object.is(got, want), `trial ${trial} step ${step} q=${q}: ${got} vs ${want}`);
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

const MASS = 5e-6, AREA = 1e-4;
const ONE_C = (180 * 3.6 * MASS * 1000) / 3600; // A: 180 mAh/g

interface Case { name: string; input: CyclingInput }

/** Cycling traces of many shapes: noise in I and V, jittered sampling, gaps, rests or none, NaN rows, soft shorts, counters, signs, cycle columns. */
function cases(seed: number): Case[] {
  const u = rng(seed);
  const out: Case[] = [];
  for (let k = 0; k < 14; k++) {
    const cycles = 3 + Math.floor(u() * 10);
    const plans: CyclePlan[] = Array.from({ length: cycles }, (_, c) => {
      const d = 150 * 3.6 * MASS * 1000 * (1 - 0.01 * c) * (0.9 + 0.2 * u());
      return { charge: d / (0.9 + 0.12 * u()), discharge: d, current: (c === 0 && k % 3 === 0 ? 0.05 : 0.3) * ONE_C };
    });
    const sign = k % 4 === 3 ? -1 : 1;
    const tr = cyclingTrace({
      cycles: plans, dt: 30 + Math.floor(u() * 60), noise: k % 2 ? 0.002 : 0, seed: k + 1, chargeSign: sign,
      rest: k % 5 === 4 ? 0 : 120 + Math.floor(u() * 600), unloggedRest: k % 6 === 5, lateStart: k % 7 === 6 ? 20 : 0,
      softShortCycle: k % 3 === 1 ? 2 : undefined, lastDischargeFraction: k % 2 ? 0.4 + 0.6 * u() : 1,
    });
    const n = tr.time.length;
    const time = Float64Array.from(tr.time), voltage = Float64Array.from(tr.voltage), current = Float64Array.from(tr.current);
    // Jitter the sampling (the gap limit's percentile moves as rows arrive) and the current (the rest threshold's median moves).
    for (let r = 1; r < n; r++) time[r] = Math.max(time[r - 1], time[r] + (k % 2 ? (u() - 0.5) * 5 : 0));
    for (let r = 0; r < n; r++) if (current[r] !== 0 && k % 3 !== 2) current[r] *= 1 + (u() - 0.5) * 0.02;
    // A few unsampled stretches (gaps), rest samples with a trickle of current near the threshold, NaN rows.
    if (k % 4 === 1) for (let g = 0; g < 3; g++) { const at = 1 + Math.floor(u() * (n - 2)); for (let r = at; r < n; r++) time[r] += 3000; }
    if (k % 5 === 2) for (let r = 0; r < n; r++) if (current[r] === 0 && u() < 0.2) current[r] = ONE_C * 0.3 * 0.01 * (0.98 + 0.04 * u());
    if (k === 9) for (let g = 0; g < 4; g++) current[Math.floor(u() * n)] = NaN;
    const input: CyclingInput = { time, voltage, current, activeMass: MASS, area: AREA, chargeSign: sign, precycles: k % 3 === 0 ? 1 : undefined };
    if (k % 3 === 2) input.cycle = Float64Array.from(tr.cycle);
    if (k % 4 === 2) input.counter = { name: '(Q-Qo)/mA.h', both: Float64Array.from(tr.counters.qMinusQo) };
    if (k % 7 === 3) input.counter = { name: 'Charge_Capacity / Discharge_Capacity', charge: Float64Array.from(tr.counters.chargeCapacity), discharge: Float64Array.from(tr.counters.dischargeCapacity) };
    if (k % 5 === 3) input.halfCycle = Float64Array.from(tr.cycle, (c, r) => 2 * c + (tr.current[r] * sign < 0 ? 1 : 0));
    out.push({ name: `trace ${k} (${cycles} cycles, ${n} rows)`, input });
  }
  out.push(movingThresholds(u));
  return out;
}

/**
 * A run whose thresholds move as it grows: each cycle at a higher current than the last, with a
 * trickle of current in the rests spread across the rest thresholds the medians give; sampling
 * that slows down, and delays of one to four intervals where the current starts or stops, so the
 * gap limit passes over intervals already seen.
 */
function movingThresholds(u: () => number): Case {
  const plans: CyclePlan[] = Array.from({ length: 12 }, (_, c) => {
    const d = 140 * 3.6 * MASS * 1000;
    return { charge: d / 0.99, discharge: d, current: (0.1 + 0.1 * c) * ONE_C };
  });
  const tr = cyclingTrace({ cycles: plans, dt: 30, rest: 300 });
  const n = tr.time.length;
  const time = new Float64Array(n), current = Float64Array.from(tr.current);
  for (let r = 1; r < n; r++) {
    const starts = (tr.current[r] === 0) !== (tr.current[r - 1] === 0);
    time[r] = time[r - 1] + (tr.time[r] - tr.time[r - 1]) * (1 + (2 * r) / n) + (starts ? u() * 4 * 30 : 0);
  }
  for (let r = 0; r < n; r++) if (current[r] === 0 && u() < 0.5) current[r] = ONE_C * (0.0005 + 0.012 * u());
  return { name: `moving thresholds (${n} rows)`, input: { time, voltage: Float64Array.from(tr.voltage), current, activeMass: MASS, area: AREA } };
}

/** The first n rows of every column, as views (a live table's columns are views of a store that grows). */
function firstRows(input: CyclingInput, n: number): CyclingInput {
  const cut = <T>(a: T): T => (a instanceof Float64Array ? (a.subarray(0, n) as T) : a);
  return {
    ...input, time: cut(input.time), voltage: cut(input.voltage), current: cut(input.current), cycle: cut(input.cycle), halfCycle: cut(input.halfCycle),
    counter: input.counter && { name: input.counter.name, both: cut(input.counter.both), charge: cut(input.counter.charge), discharge: cut(input.counter.discharge) },
  };
}

describe('cycling, faster: the same results as before', () => {
  it('cyclingSummary gives exactly what the sorting, array-per-cycle analysis gave', () => {
    for (const c of cases(21)) {
      assert.deepStrictEqual(cyclingSummary(c.input), referenceCyclingSummary(c.input), c.name);
      // And over prefixes (last cycles cut anywhere).
      const n = c.input.time.length;
      for (const f of [0.13, 0.5, 0.77]) {
        const part = firstRows(c.input, Math.max(2, Math.floor(n * f)));
        assert.deepStrictEqual(cyclingSummary(part), referenceCyclingSummary(part), `${c.name} at ${f}`);
      }
    }
  });

  it('also on plain arrays, rows with NaN left out and failures', () => {
    const c = cases(4)[1].input;
    const plain: CyclingInput = { ...c, time: [...c.time], voltage: [...c.voltage], current: [...c.current].map((x, k) => (k % 97 === 5 ? NaN : x)) };
    assert.deepStrictEqual(cyclingSummary(plain), referenceCyclingSummary(plain));
    const still: CyclingInput = { ...plain, current: plain.current.map(() => 0) };
    assert.deepStrictEqual(cyclingSummary(still), referenceCyclingSummary(still));
  });
});

describe('cycling, faster: a growing run read on from its last cycle', () => {
  it('after every append (any number of rows) the resumed result deep-equals the full analysis of the same rows', () => {
    const u = rng(99);
    let resumedSteps = 0, steps = 0;
    for (const c of cases(37)) {
      const n = c.input.time.length;
      let rows = 2 + Math.floor(u() * n * 0.3);
      let prev: CyclingResume | undefined;
      for (;;) {
        const part = firstRows(c.input, rows);
        const r = cyclingSummaryResumable(part, prev);
        assert.deepStrictEqual(r.result, cyclingSummary(part), `${c.name} at ${rows} rows`);
        if (prev && r.resume && r.resume.readFrom > 0) resumedSteps++;
        steps++;
        prev = r.resume;
        if (rows === n) break;
        // Mostly small appends (a writer's flush), sometimes none, sometimes many.
        const x = u();
        rows = Math.min(n, rows + (x < 0.1 ? 0 : x < 0.8 ? 1 + Math.floor(u() * 40) : Math.floor(u() * n * 0.2)));
      }
    }
    // The test means something only if the resumed path ran: most appends read on.
    assert.ok(resumedSteps > steps / 2, `${resumedSteps} of ${steps} appends read on from a settled cycle`);
  });

  it('reads from the start when the rows it saw changed, or a new row is NaN or goes back in time', () => {
    const c = cases(8)[0].input;
    const n = c.time.length;
    const first = cyclingSummaryResumable(firstRows(c, Math.floor(n / 2)));
    assert.ok(first.resume);
    const changed = { ...c, voltage: Float64Array.from(c.voltage, (v, k) => (k === 3 ? v + 1 : v)) };
    const again = cyclingSummaryResumable(changed, first.resume);
    assert.deepStrictEqual(again.result, cyclingSummary(changed));
    assert.strictEqual(again.resume!.readFrom, 0);

    const base = cyclingSummaryResumable(firstRows(c, Math.floor(n / 2)));
    const back = { ...c, time: Float64Array.from(c.time, (t, k) => (k === n - 3 ? t - 1e6 : t)) };
    const r = cyclingSummaryResumable(back, base.resume);
    assert.deepStrictEqual(r.result, cyclingSummary(back));
    assert.strictEqual(r.result.ok, false);

    const base2 = cyclingSummaryResumable(firstRows(c, Math.floor(n / 2)));
    const nan = { ...c, current: Float64Array.from(c.current, (x, k) => (k === n - 5 ? NaN : x)) };
    const r2 = cyclingSummaryResumable(nan, base2.resume);
    assert.deepStrictEqual(r2.result, cyclingSummary(nan));
    assert.strictEqual(r2.resume, undefined, 'a run with a left-out row is analysed whole from then on');
  });
});

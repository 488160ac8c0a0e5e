// Critical current density (domain.md, CCD protocol): a staircase of charge/discharge cycles of a
// symmetric Li|SSE|Li cell at increasing |current density|; the CCD is the current density of the
// step in which the voltage collapses toward 0 V (a short circuit, often with noisy drops).
import { formatNumber, formatQuantity, formatSI } from '../domain/format';
import {
  Estimate, PlotSeries, Result, Samples, absolute, checkNumber, cleanColumns, decimate, est, failure, guarded,
  median, quantileInPlace, restThreshold, series,
} from './common';

export interface ShortInput {
  time: Samples;     // s
  voltage: Samples;  // V
  current: Samples;  // A, alternating sign within a step
  area: number;      // m²
  /** The planned step current densities (A/m²); when given, samples are assigned to the nearest. */
  stepCurrentDensities?: readonly number[];
  /** A sample has collapsed when |V| < this fraction of the step's reference polarisation (0.3). */
  collapseFraction?: number;
  /** A short needs this share of collapsed samples within one window (0.5) ... */
  sustainFraction?: number;
  /** ... of this share of a half cycle (0.1), and at least 8 samples. */
  windowFraction?: number;
  /** Relative difference of |I| that starts a new step when no plan is given (0.02: tells 2.9 from 3.0 mA/cm²). */
  stepTolerance?: number;
  /** |I| below this fraction of the typical flowing |I| is rest (0.01). */
  restFraction?: number;
}

export interface StaircaseStep {
  /** The step's number in the staircase, counted from 1 as instruments do. */
  index: number;
  /** Median |I|/area of the step (A/m²). */
  currentDensity: Estimate;
  /** The planned density this step was matched to, when a plan was given (A/m²). */
  plannedCurrentDensity?: number;
  start: number;  // s
  end: number;    // s
  halfCycles: number;
  /** Median |V| over the step's half cycles: the judged samples that have not collapsed, before any short (V). */
  polarisation: Estimate;
  /** Median |V| of the step's first half cycle (V). */
  earlyPolarisation: Estimate;
  /** The reference the collapse is judged against: max(early, previous step's polarisation) (V). */
  reference: Estimate;
  /** The largest share of collapsed samples found in one window. */
  worstCollapsedShare: number;
}

export interface ShortValues {
  shorted: boolean;
  /** "short at step 8 (0.8 mA/cm²) at 7.189 h" or "no short within the data". */
  message: string;
  steps: StaircaseStep[];
  /** The number of the step in which the cell shorted (from 1), when it did. */
  shortStep?: number;
  /** Current density of that step: the CCD (A/m²). */
  currentDensity?: Estimate;
  /** Time of the first collapsed sample of the window that proved the short (s). */
  time?: Estimate;
  /** The last step completed without a short (its number, from 1) and its current density. */
  lastPassed?: { index: number; currentDensity: Estimate };
}

export type ShortResult = Result<ShortValues>;

/**
 * Segments the staircase into steps (plateaus of |I|) and finds the first step whose |V| collapses.
 *
 * Criterion: each step's reference polarisation is max(median |V| of its first half cycle, the
 * previous step's polarisation) — the previous step guards against a short inside the first half
 * cycle; a step's polarisation is the median |V| of its samples that have not collapsed, so a
 * partly collapsed step does not lower the next step's reference. A sample has collapsed when |V| < collapseFraction · its step's reference.
 * The first sample of each half cycle is not judged (the voltage swings through 0 V at a
 * reversal). A window of w = max(8, windowFraction · median half-cycle samples) consecutive current-carrying
 * samples slides over the whole staircase; the short is the first window in which at least
 * sustainFraction of the samples have collapsed. It begins at the window's first collapsed sample
 * followed by a collapsed majority of the next four, and belongs to that sample's step (unless
 * fewer than 3 collapsed samples of that step remain: then to the next step). The few samples near
 * 0 V at a current reversal and isolated glitches do not qualify; a soft short (noisy drops that
 * partly recover) does.
 */
export function detectShort(input: ShortInput): ShortResult {
  return guarded('the short detection', () => run(input));
}

interface RawStep { idx: number[]; level: number; planned?: number }

/** The shortest window, in samples, over which a collapse must hold. */
const MIN_WINDOW = 8;

function run(input: ShortInput): ShortResult {
  if (!input || typeof input !== 'object') return failure('no input given');
  const bad = checkNumber('area', input.area, { positive: true });
  if (bad) return failure(bad);
  const collapseFraction = input.collapseFraction ?? 0.3;
  const sustainFraction = input.sustainFraction ?? 0.5;
  const windowFraction = input.windowFraction ?? 0.1;
  const tol = input.stepTolerance ?? 0.02;
  const restFraction = input.restFraction ?? 0.01;
  for (const [name, v] of [['collapseFraction', collapseFraction], ['sustainFraction', sustainFraction], ['windowFraction', windowFraction], ['stepTolerance', tol]] as const) {
    if (!(Number.isFinite(v) && v > 0 && v <= 1)) return failure(`${name} must be in (0, 1] (got ${v})`);
  }
  const plan = input.stepCurrentDensities;
  if (plan !== undefined) {
    if (!Array.isArray(plan) || plan.length === 0 || !plan.every((p) => Number.isFinite(p) && p !== 0)) {
      return failure('stepCurrentDensities must be a non-empty list of non-zero current densities');
    }
  }
  const c = cleanColumns([['time', input.time], ['voltage', input.voltage], ['current', input.current]], 2, 0);
  if ('error' in c) return failure(c.error);
  const [t, v, i] = c.cols;
  const warnings = c.warnings;
  const area = input.area;
  const absJ = absolute(i).map((x) => x / area);
  const thr = restThreshold(absJ, restFraction);
  if (!(thr > 0)) return failure('no current flows in the data (|I| is zero throughout)', warnings);

  const raw = plan ? stepsFromPlan(absJ, thr, plan.map(Math.abs)) : stepsFromPlateaus(absJ, thr, tol);
  if (raw.length === 0) return failure('no current plateaus found', warnings);
  for (let k = 1; k < raw.length; k++) {
    if (raw[k].level < raw[k - 1].level * (1 - tol)) {
      warnings.push(`The current density does not increase at step ${k + 1} (${formatSI(raw[k - 1].level, 'A/m²')} → ${formatSI(raw[k].level, 'A/m²')}): a CCD staircase ramps up.`);
      break;
    }
  }

  // One window length for the whole staircase, from the median half cycle.
  const halvesOf = raw.map((r) => splitHalves(r.idx, i));
  const halfLen = median(halvesOf.flat().map((h) => h.length));
  const w = Math.max(MIN_WINDOW, Math.round(windowFraction * halfLen));
  const need = Math.ceil(sustainFraction * w);

  // Steps in order; each sample is judged against its own step's reference, and one window
  // slides over the flowing samples of all steps so far (a short late in a step is caught there
  // even when its window runs into the next step).
  const steps: StaircaseStep[] = [];
  const seq: number[] = [], collapsed: boolean[] = [], judged: boolean[] = [], stepOf: number[] = [], stepFrom: number[] = [];
  let count = 0, shortStep = -1, shortTime = NaN, shortPos = -1;
  /** Median |V| of the judged samples at positions [from, to) of seq that have not collapsed. */
  const polarisationOf = (from: number, to: number): number | undefined => {
    const a: number[] = [];
    for (let p = from; p < to; p++) if (judged[p] && !collapsed[p]) a.push(Math.abs(v[seq[p]]));
    return a.length > 0 ? median(a) : undefined;
  };
  let prevPol: number | undefined;
  for (let k = 0; k < raw.length && shortPos < 0; k++) {
    const { idx, level } = raw[k];
    const halves = halvesOf[k];
    const first = halves[0].length >= 3 ? halves[0] : idx.slice(0, Math.max(1, Math.ceil(idx.length / 4)));
    const early = median(first.map((j) => Math.abs(v[j])));
    const reference = prevPol !== undefined ? Math.max(early, prevPol) : early;
    const limit = collapseFraction * reference;
    let worst = 0;
    const reversal = new Set(halves.map((h) => h[0]));
    stepFrom.push(seq.length);
    for (const j of idx) {
      const p = seq.length;
      seq.push(j); stepOf.push(k);
      // The first sample of a half cycle may catch the voltage swinging through 0 V: not judged.
      judged.push(!reversal.has(j));
      collapsed.push(judged[p] && Math.abs(v[j]) < limit);
      if (collapsed[p]) count++;
      if (p >= w && collapsed[p - w]) count--;
      if (p >= w - 1) {
        worst = Math.max(worst, count / w);
        if (count >= need) { shortPos = shortStart(collapsed, p - w + 1, p); break; }
      }
    }
    const pol = polarisationOf(stepFrom[k], shortPos < 0 ? seq.length : shortPos) ?? reference;
    steps.push({
      index: k + 1, currentDensity: est(level, 'A/m²'), plannedCurrentDensity: raw[k].planned,
      start: t[idx[0]], end: t[idx[idx.length - 1]], halfCycles: halves.length,
      polarisation: est(pol, 'V'), earlyPolarisation: est(early, 'V'), reference: est(reference, 'V'),
      worstCollapsedShare: worst,
    });
    if (k === 0 && early < 1e-4) {
      warnings.push(`The first step's polarisation is only ${formatNumber(early * 1e3)} mV: the cell may be shorted from the start.`);
    }
    prevPol = pol;
  }
  if (shortPos >= 0) {
    // Fewer than 3 collapsed samples left in a step before the next one is the reversal between
    // steps, not the short: it begins at the next step's first collapsed sample.
    let tail = 0, q = shortPos;
    for (; q < seq.length && stepOf[q] === stepOf[shortPos]; q++) if (collapsed[q]) tail++;
    if (tail < 3 && q < seq.length) {
      while (q < seq.length - 1 && !collapsed[q]) q++;
      shortPos = q;
    }
    shortStep = stepOf[shortPos];
    shortTime = t[seq[shortPos]];
    if (shortStep < steps.length - 1) {
      // The short began at the end of the previous step: its polarisation stops there.
      steps.length = shortStep + 1;
      const s = steps[shortStep];
      const before = polarisationOf(stepFrom[shortStep], shortPos);
      if (before !== undefined) s.polarisation = est(before, 'V');
      s.worstCollapsedShare = Math.max(s.worstCollapsedShare, need / w);
    }
  }
  if (plan && shortStep < 0 && raw.length < plan.length) {
    warnings.push(`The data cover ${raw.length} of ${plan.length} planned steps.`);
  }
  for (const s of steps) {
    if (s.plannedCurrentDensity !== undefined && Math.abs(s.currentDensity.value - s.plannedCurrentDensity) > 0.05 * s.plannedCurrentDensity) {
      warnings.push(`Step ${s.index} runs at ${formatSI(s.currentDensity.value, 'A/m²')}, not the planned ${formatSI(s.plannedCurrentDensity, 'A/m²')}.`);
    }
  }

  const criterion = `|V| below ${collapseFraction} × its step's reference polarisation in ≥ ${Math.round(sustainFraction * 100)} % of a window of ${w} samples (max(${MIN_WINDOW}, ${windowFraction} × a half cycle))`;
  const plot: PlotSeries[] = [
    series('voltage', 'line', 's', 'V', decimate(t, v, 4000)),
    series('step polarisation', 'markers', 's', 'V', { x: steps.map((s) => (s.start + s.end) / 2), y: steps.map((s) => s.polarisation.value) }),
  ];
  const lastPassedIndex = shortStep < 0 ? steps.length - 1 : shortStep - 1;
  const passed = lastPassedIndex >= 0
    ? { index: lastPassedIndex + 1, currentDensity: steps[lastPassedIndex].currentDensity } : undefined;
  if (shortStep < 0) {
    return {
      ok: true, shorted: false, message: 'no short within the data', steps, lastPassed: passed,
      derivation: `${steps.length} steps found by ${plan ? 'matching |I|/area to the planned densities' : 'plateaus of |I|'}; no step showed ${criterion}: no short within the data (last step ${steps.length}, ${formatSI(steps[steps.length - 1].currentDensity.value, 'A/m²')}).`,
      warnings, points: plot,
    };
  }
  const s = steps[shortStep];
  plot.push(series('short', 'markers', 's', 'V', { x: [shortTime], y: [0] }));
  return {
    ok: true, shorted: true,
    message: `short at step ${s.index} (${formatSI(s.currentDensity.value, 'A/m²')}) at ${formatQuantity(shortTime, 'h')}`,
    steps, shortStep: s.index, currentDensity: s.currentDensity, time: est(shortTime, 's'), lastPassed: passed,
    derivation: `${steps.length} steps found by ${plan ? 'matching |I|/area to the planned densities' : 'plateaus of |I|'}; step ${s.index} (${formatSI(s.currentDensity.value, 'A/m²')}, reference polarisation ${formatNumber(s.reference.value * 1e3)} mV) is the first with ${criterion}, from ${formatQuantity(shortTime, 'h')} (${formatNumber(shortTime)} s).`,
    warnings, points: plot,
  };
}

/**
 * Where a short begins inside the first qualifying window [from, to]: the first collapsed sample
 * followed by a collapsed majority of the next four (a lone sample near 0 V at a current
 * reversal just before the short does not count).
 */
function shortStart(collapsed: boolean[], from: number, to: number): number {
  for (let q = from; q <= to; q++) {
    if (!collapsed[q]) continue;
    let c = 0, m = 0;
    for (let r = q + 1; r <= Math.min(q + 4, collapsed.length - 1); r++) { m++; if (collapsed[r]) c++; }
    if (m === 0 || c * 2 >= m) return q;
  }
  return from;
}

/** Consecutive runs of one current sign within a step. */
function splitHalves(idx: number[], i: Float64Array): number[][] {
  const halves: number[][] = [];
  let cur: number[] = [], sign = 0;
  for (const j of idx) {
    const sj = Math.sign(i[j]);
    if (sj !== sign && cur.length > 0) { halves.push(cur); cur = []; }
    sign = sj; cur.push(j);
  }
  if (cur.length > 0) halves.push(cur);
  return halves;
}

/** Steps as runs of flowing samples whose |j| stays within tol of the run's level. */
function stepsFromPlateaus(absJ: Float64Array, thr: number, tol: number): RawStep[] {
  const runs: RawStep[] = [];
  let cur: number[] = [], level = 0, pending: number[] = [];
  const close = (a: number, b: number) => Math.abs(a - b) <= tol * Math.max(a, b);
  for (let j = 0; j < absJ.length; j++) {
    const x = absJ[j];
    if (x <= thr) continue;
    if (cur.length === 0) { cur.push(j); level = x; continue; }
    if (close(x, level)) {
      cur.push(...pending, j); pending = [];
      if (cur.length <= 9) level = median(cur.map((k) => absJ[k]));
      continue;
    }
    // A new level must hold for 3 samples; fewer are glitches kept in the current run.
    if (pending.length > 0 && !close(x, absJ[pending[0]])) { cur.push(...pending); pending = []; }
    pending.push(j);
    if (pending.length >= 3) {
      runs.push({ idx: cur, level });
      cur = pending; pending = []; level = median(cur.map((k) => absJ[k]));
    }
  }
  cur.push(...pending);
  if (cur.length > 0) runs.push({ idx: cur, level });
  return mergeRuns(runs, (a, b) => close(a.level, b.level));
}

/** Steps as runs of flowing samples matched to the same planned density (nearest in ratio). */
function stepsFromPlan(absJ: Float64Array, thr: number, plan: number[]): RawStep[] {
  const runs: RawStep[] = [];
  let cur: number[] = [], which = -1;
  for (let j = 0; j < absJ.length; j++) {
    const x = absJ[j];
    if (x <= thr) continue;
    let best = 0;
    for (let p = 1; p < plan.length; p++) {
      if (Math.abs(Math.log(x / plan[p])) < Math.abs(Math.log(x / plan[best]))) best = p;
    }
    if (best !== which && cur.length > 0) { runs.push({ idx: cur, level: 0, planned: plan[which] }); cur = []; }
    which = best; cur.push(j);
  }
  if (cur.length > 0) runs.push({ idx: cur, level: 0, planned: plan[which] });
  // The levels copied into a typed array by hand (not map): a map's result is packed or holey by
  // the tier it ran in, and each kind that came by deoptimised this function (15 times a worker).
  for (const r of runs) {
    const levels = new Float64Array(r.idx.length);
    for (let i = 0; i < levels.length; i++) levels[i] = absJ[r.idx[i]];
    r.level = quantileInPlace(levels, 0.5);
  }
  return mergeRuns(runs, (a, b) => a.planned === b.planned);
}

/** Folds runs of fewer than 3 samples into the previous run, then joins neighbours of one level. */
function mergeRuns(runs: RawStep[], same: (a: RawStep, b: RawStep) => boolean): RawStep[] {
  const out: RawStep[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && (r.idx.length < 3 || same(last, r))) {
      last.idx.push(...r.idx);
      continue;
    }
    out.push({ ...r, idx: [...r.idx] });
  }
  return out.filter((r) => r.idx.length >= 3);
}

// A run whose data are still arriving says so: which file was written lately, the step in
// progress (the last stretch of rows at one current: its current, current density and how long
// it has run) and what the plan predicts next (the next CCD step, the steps or cycles left and
// the time to finish). Computed from the rows read so far and the protocol's parameters.
import { formatQuantity, formatSI } from '../domain/format';
import { column } from '../readers/types';
import type { RunJob } from './jobs';
import type { Loaded, RunResult } from './runResult';
import { isLive, LIVE_WINDOW_MS } from './liveTables';

type Si = { value: number; unit: string };

export interface LiveStep {
  mode: 'rest' | 'charge' | 'discharge';
  /** The current of the step (A, as the instrument signs it) and its density (A/m²) on the cell's area. */
  current: Si;
  currentDensity?: Si;
  /** Since the step began (s), and the charge passed in it (C/m²). */
  duration: Si;
  capacity?: Si;
  /** The number of rows of the step. */
  rows: number;
}

export interface LiveNext {
  /** The next planned current density (A/m²), a CCD step. */
  currentDensity?: Si;
  /** When the step in progress ends by the plan (s from the last row). */
  stepEndsIn?: Si;
  stepsLeft?: number;
  cyclesLeft?: number;
  /** The plan's time to finish (s from the last row). */
  timeLeft?: Si;
}

export interface LiveStatus {
  file: string;
  /** When the file was last written (ISO 8601; not "how long ago", so the same files give the same results). */
  modified: string;
  rows: number;
  step?: LiveStep;
  next?: LiveNext;
  text: string;
  derivation: string;
}

/** How far back the step's current level is judged from: enough rows for any instrument's noise. */
const LEVEL_ROWS = 10_000;
/** Rows within this fraction of the last current (or of the largest current lately, for a rest) are the same step. */
const SAME_STEP = 0.05;
const REST_FRACTION = 1e-3;

/** The status of each file of the run written within the live window. */
export function liveStatuses(job: RunJob, result: RunResult, loaded: { l: Loaded; mtimeMs: number }[], now = Date.now()): LiveStatus[] {
  return loaded.filter(({ mtimeMs }) => isLive({ mtimeMs }, now)).map(({ l, mtimeMs }) => liveStatus(job, result, l, mtimeMs));
}

export function liveStatus(job: RunJob, result: RunResult, l: Loaded, mtimeMs: number): LiveStatus {
  const status: LiveStatus = { file: l.file, modified: new Date(mtimeMs).toISOString(), rows: l.table.rows, text: '', derivation: '' };
  const written = `written ${status.modified.slice(0, 19).replace('T', ' ')} UTC`;
  const step = stepInProgress(l, job.cell.area);
  if (step) {
    status.step = step.step;
    const next = predictNext(job, result, step, l);
    if (next) status.next = next.next;
    status.text = `still arriving (${written}): ${stepText(step.step)}${next ? `; ${next.text}` : ''}`;
    status.derivation = `grew since it was last read and was modified within the last ${duration(LIVE_WINDOW_MS / 1000)}; the last ${step.step.rows} rows of ${l.file} at one current (within ${SAME_STEP * 100} % of the last row's)${job.cell.area ? ` on ${formatSI(job.cell.area, 'm²')}` : ''}${next ? `; ${next.derivation}` : ''}`;
  } else {
    status.text = `still arriving (${written}): ${l.table.rows} rows so far`;
    status.derivation = `${l.file} grew since it was last read and was modified within the last ${duration(LIVE_WINDOW_MS / 1000)}; it has no time and current columns to tell the step`;
  }
  return status;
}

interface Step { step: LiveStep; start: number; end: number; elapsed: number; previous?: number }

/** The last stretch of rows at one current, and the current of the stretch before it. */
function stepInProgress(l: Loaded, area: number | undefined): Step | undefined {
  const t = column(l.table, 'time')?.values, I = column(l.table, 'current')?.values;
  const n = l.table.rows;
  if (!t || !I || n === 0) return undefined;
  let last = n - 1;
  while (last >= 0 && !(I[last] === I[last] && t[last] === t[last])) last--;
  if (last < 0) return undefined;
  let peak = 0;
  for (let i = Math.max(0, last - LEVEL_ROWS); i <= last; i++) if (Math.abs(I[i]) > peak) peak = Math.abs(I[i]);
  const level = I[last];
  const rest = Math.abs(level) <= REST_FRACTION * peak || peak === 0;
  const tol = rest ? REST_FRACTION * peak : SAME_STEP * Math.abs(level);
  let first = last;
  for (let i = last - 1; i >= 0; i--) {
    if (I[i] !== I[i]) continue;
    if (Math.abs(I[i] - level) > tol) break;
    first = i;
  }
  let previous: number | undefined;
  for (let i = first - 1; i >= 0; i--) if (I[i] === I[i]) { previous = I[i]; break; }
  const dur = t[last] - t[first];
  let sum = 0;
  for (let i = first; i <= last; i++) if (I[i] === I[i]) sum += I[i];
  const mean = sum / (last - first + 1);
  const step: LiveStep = {
    mode: rest ? 'rest' : mean > 0 ? 'charge' : 'discharge',
    current: { value: mean, unit: 'A' }, duration: { value: dur, unit: 's' }, rows: last - first + 1,
  };
  if (area) {
    step.currentDensity = { value: mean / area, unit: 'A/m²' };
    if (!rest) step.capacity = { value: Math.abs(mean) * dur / area, unit: 'C/m²' };
  }
  return { step, start: first, end: last, elapsed: t[last] - t[0], previous };
}

function stepText(s: LiveStep): string {
  const what = s.mode === 'rest' ? 'rest' : `${s.mode} at ${s.currentDensity ? formatSI(Math.abs(s.currentDensity.value), 'A/m²') : formatQuantity(Math.abs(s.current.value), 'mA')}`;
  return `${what} for ${duration(s.duration.value)}${s.capacity ? ` (${formatSI(s.capacity.value, 'C/m²')} so far)` : ''}`;
}

/** What the protocol's plan says comes next, from the step in progress. */
function predictNext(job: RunJob, result: RunResult, s: Step, l: Loaded): { next: LiveNext; text: string; derivation: string } | undefined {
  const p = job.protocol;
  const d = s.step.currentDensity ? Math.abs(s.step.currentDensity.value) : undefined;
  const half = p.halfCycle;
  if (p.type === 'ccd' && d !== undefined && p.start !== undefined && p.step !== undefined && p.step > 0 && s.step.mode !== 'rest') {
    const k = Math.max(0, Math.round((d - p.start) / p.step));
    const planned = p.start + k * p.step;
    const until = p.until ?? planned;
    const stepsLeft = Math.max(0, Math.floor((until - planned) / p.step + 1e-9));
    const next: LiveNext = { stepsLeft };
    const parts: string[] = [];
    let derivation = `step ${k + 1} of the ramp ${formatSI(p.start, 'A/m²')} + k·${formatSI(p.step, 'A/m²')}${p.until !== undefined ? ` to ${formatSI(p.until, 'A/m²')}` : ''}`;
    if (stepsLeft > 0) { next.currentDensity = { value: planned + p.step, unit: 'A/m²' }; parts.push(`next ${formatSI(planned + p.step, 'A/m²')}`); }
    if (half !== undefined) {
      // The step's second half-cycle is the one after a half-cycle of the same current, opposite sign.
      const secondHalf = s.previous !== undefined && Math.abs(Math.abs(s.previous) - Math.abs(s.step.current.value)) <= SAME_STEP * Math.abs(s.step.current.value) && Math.sign(s.previous) !== Math.sign(s.step.current.value);
      const endsIn = Math.max(0, half - s.step.duration.value);
      const left = endsIn + (secondHalf ? 0 : half) + stepsLeft * 2 * half;
      next.stepEndsIn = { value: endsIn, unit: 's' };
      next.timeLeft = { value: left, unit: 's' };
      parts.unshift(`this half-cycle ends in ${duration(endsIn)}`);
      parts.push(`${stepsLeft} step${stepsLeft === 1 ? '' : 's'} left, ${duration(left)} to the end of the ramp unless the cell shorts`);
      derivation += `; half-cycle ${duration(half)}: ${duration(endsIn)} of this one${secondHalf ? '' : ` + the step's other half-cycle`} + ${stepsLeft} × 2 × ${duration(half)}`;
    }
    return parts.length ? { next, text: parts.join('; '), derivation } : undefined;
  }
  if ((p.type === 'symmetric-cycling' || p.type === 'cycling') && p.cycles !== undefined) {
    const totalCycles = p.cycles + (p.precycles ?? 0);
    if (half !== undefined && half > 0) {
      const planned = totalCycles * 2 * half;
      const done = Math.min(totalCycles, Math.floor(s.elapsed / (2 * half) + 1e-9));
      const next: LiveNext = { cyclesLeft: totalCycles - done, timeLeft: { value: Math.max(0, planned - s.elapsed), unit: 's' } };
      return {
        next, text: `${totalCycles - done} of ${totalCycles} cycles left, ${duration(next.timeLeft!.value)} to finish`,
        derivation: `${totalCycles} cycles × 2 × ${duration(half)} planned, ${duration(s.elapsed)} run (time of the last row of ${l.file})`,
      };
    }
    const complete = result.cycling?.ok ? result.cycling.cycles.filter((c) => c.complete).length : undefined;
    if (complete !== undefined && complete > 0) {
      const left = Math.max(0, totalCycles - complete);
      const perCycle = s.elapsed / complete;
      const next: LiveNext = { cyclesLeft: left, timeLeft: { value: left * perCycle, unit: 's' } };
      return {
        next, text: left === 0 ? `the ${totalCycles} planned cycles are done (${complete} complete)` : `${left} of ${totalCycles} cycles left, about ${duration(left * perCycle)} to finish`,
        derivation: `${complete} cycles complete in ${duration(s.elapsed)}: ${duration(perCycle)} a cycle on average, × ${left} cycles left`,
      };
    }
  }
  return undefined;
}

/** A duration in the unit a person reads it in: s below 2 min, min below 2 h, else h. */
export function duration(s: number): string {
  return s < 120 ? formatQuantity(s, 's') : s < 7200 ? formatQuantity(s, 'min') : formatQuantity(s, 'h');
}

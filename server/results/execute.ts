// Runs the data jobs: finds each run's files, reads them (cached by path, size and modification
// time), and hands their columns to the analysis the protocol calls for. File readers and analyses
// do not know each other; this is the one place that connects them.
import * as fs from 'fs';
import * as path from 'path';
import {
  ContactResult, contactRetention, compareCurrent, compareCycleCount, compareWindow, criticalStripping, cyclingSummary, CyclingResult,
  detectShort, ohmicResistance, OhmicResult, rateTable, RateResult, sandFit, SandResult, ShortResult, StrippingResult,
} from '../analyses';
import { concentration, LITHIUM } from '../domain/physics';
import { inDisplayUnits } from '../domain/format';
import { computeDrt, DrtResult, fitCircuit, FitResult, impedance, linKK, LinKKResult, parseCircuit } from '../analyses/eis';
import { readDataFile } from '../readers';
import { column, DataError, DataTable, FormatId } from '../readers/types';
import { Span } from '../engine/lexer';
import { findDataFiles } from './findFiles';
import { RunJob } from './jobs';

export interface FileSummary { path: string; format: FormatId; technique?: string; rows: number; bytes: number; kind: 'dc' | 'eis' }

export interface DataIssue {
  /** The spec's data reference the problem belongs to (the file's own line is in `line`). */
  at: Span;
  file?: string;
  line?: number;
  message: string;
  severity: 'error' | 'warning';
}

/** One EIS spectrum: its high-frequency intercept, and with a circuit the fit, Lin-KK and DRT. */
export interface SpectrumResult {
  file: string;
  /** Stripped capacity when the spectrum was taken (C/m²), from the EIS schedule. */
  capacity?: number;
  /** The high-frequency intercept of the real axis. */
  result: OhmicResult;
  fit?: FitResult;
  linkk?: LinKKResult;
  drt?: DrtResult;
  /** The R_ohm used for contact retention and how it was found. */
  rOhm?: { value: number; method: 'intercept' | 'fit' };
  /** Bode data of the spectrum and, with a fit, of the fitted model at the same frequencies. */
  bode?: { frequency: number[]; modulus: number[]; phase: number[]; fitModulus?: number[]; fitPhase?: number[] };
}

export interface RunResult {
  run: string;
  protocol: string;
  type: string;
  cell: string;
  anode?: string;
  files: FileSummary[];
  issues: DataIssue[];
  stripping?: (StrippingResult & { file: string })[];
  sand?: { measurements: { file: string; currentDensity: number; t0: number; reached: boolean }[]; fit: SandResult };
  ccd?: ShortResult & { file: string };
  contact?: { spectra: SpectrumResult[]; retention?: ContactResult };
  cycling?: CyclingResult & { file: string };
  rate?: RateResult;
  /** Plan against data: findings in words (current, window, cycle counts). */
  plan: string[];
}

/** Tables already read, by path; valid while size and modification time are unchanged. */
const cache = new Map<string, { size: number; mtimeMs: number; mapping: string; table: DataTable }>();
const CACHE_ROWS = 20_000_000;

async function readCached(file: string, format: FormatId | undefined, mapping: RunJob['mapping'], signal: AbortSignal): Promise<{ table: DataTable; bytes: number; mtimeMs: number }> {
  const st = fs.statSync(file);
  const key = mapping ? JSON.stringify(mapping) : '';
  const hit = cache.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.mapping === key && (!format || hit.table.format === format)) {
    // Keep recently used tables at the end of the map (insertion order is the eviction order).
    cache.delete(file);
    cache.set(file, hit);
    return { table: hit.table, bytes: st.size, mtimeMs: st.mtimeMs };
  }
  const table = await readDataFile(file, { format, mapping, signal });
  cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, mapping: key, table });
  let rows = 0;
  for (const e of cache.values()) rows += e.table.rows;
  for (const [k, e] of cache) {
    if (rows <= CACHE_ROWS || k === file) break;
    rows -= e.table.rows;
    cache.delete(k);
  }
  return { table, bytes: st.size, mtimeMs: st.mtimeMs };
}

export async function executeJobs(jobs: RunJob[], signal: AbortSignal = new AbortController().signal): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (const job of jobs) {
    if (signal.aborted) break;
    out.push(await executeJob(job, signal));
  }
  return out;
}

interface Loaded { file: string; abs: string; stamp: string; at: Span; table: DataTable }

export async function executeJob(job: RunJob, signal: AbortSignal): Promise<RunResult> {
  const result: RunResult = {
    run: job.run, protocol: job.protocol.name, type: job.protocol.type, cell: job.cell.name, anode: job.cell.anode,
    files: [], issues: [], plan: [],
  };
  const dc: Loaded[] = [];
  const eis: Loaded[] = [];
  for (const pattern of job.patterns) {
    const at: Span = { start: pattern.start, end: pattern.end };
    const found = await findDataFiles(job.baseDir, pattern.pattern, job.roots, signal);
    for (const p of found.problems) result.issues.push({ at, message: p.message, severity: p.severity });
    const files = found.files;
    for (const file of files) {
      if (signal.aborted) return result;
      const rel = path.relative(job.baseDir, file);
      try {
        const { table, bytes, mtimeMs } = await readCached(file, job.format, job.mapping, signal);
        const isEis = !!column(table, 'frequency') && !!column(table, 'zReal');
        result.files.push({ path: rel, format: table.format, technique: table.technique, rows: table.rows, bytes, kind: isEis ? 'eis' : 'dc' });
        for (const prob of table.problems.slice(0, 20)) result.issues.push({ at, file: rel, line: prob.line, message: prob.message, severity: prob.severity === 'error' ? 'warning' : prob.severity });
        if (table.problems.length > 20) result.issues.push({ at, file: rel, message: `${table.problems.length - 20} more problems in this file`, severity: 'warning' });
        if (!table.rows) {
          result.issues.push({ at, file: rel, line: 0, message: 'the file has no data rows', severity: 'error' });
          continue;
        }
        (isEis ? eis : dc).push({ file: rel, abs: file, stamp: `${bytes}:${mtimeMs}`, at, table });
      } catch (e) {
        if (signal.aborted) return result;
        const err = e as Error;
        result.issues.push({ at, file: rel, line: e instanceof DataError ? e.line : undefined, message: e instanceof DataError ? e.message : `cannot read the file: ${err.message}`, severity: 'error' });
      }
    }
  }
  analyseRunData(job, result, dc, eis);
  return result;
}

function need(l: Loaded, kinds: ('time' | 'voltage' | 'current')[], result: RunResult, purpose: string): { time: Float64Array; voltage: Float64Array; current: Float64Array } | undefined {
  const missing = kinds.filter((k) => !column(l.table, k));
  if (missing.length) {
    result.issues.push({ at: l.at, file: l.file, line: 0, severity: 'error',
      message: `${purpose} needs ${missing.join(', ')} columns; the file has ${l.table.columns.map((c) => c.name).join(', ') || 'none'}` });
    return undefined;
  }
  return { time: column(l.table, 'time')!.values, voltage: column(l.table, 'voltage')!.values, current: column(l.table, 'current')!.values };
}

function wrongKind(list: Loaded[], result: RunResult, what: string) {
  for (const l of list) result.issues.push({ at: l.at, file: l.file, line: 0, severity: 'error', message: `this is ${what === 'EIS' ? 'an EIS spectrum' : 'DC data'}; a ${result.type} run does not use it here` });
}

/** The data analysis the run's protocol calls for, on the files that were read. */
function analyseRunData(job: RunJob, result: RunResult, dc: Loaded[], eis: Loaded[]) {
  const area = job.cell.area;
  const p = job.protocol;
  if (area === undefined) {
    if (dc.length) result.issues.push({ at: dc[0].at, message: `the cell ${job.cell.name} has no area: currents cannot be turned into current densities`, severity: 'error' });
    return;
  }
  switch (p.type) {
    case 'ccd': {
      if (eis.length) wrongKind(eis, result, 'EIS');
      const l = dc[0];
      const cols = l && need(l, ['time', 'voltage', 'current'], result, 'CCD detection');
      if (!cols) break;
      const planned = p.start !== undefined && p.step !== undefined && p.step > 0
        ? Array.from({ length: Math.min(1000, Math.floor(((p.until ?? p.start + 99 * p.step) - p.start) / p.step + 1e-9) + 1) }, (_, k) => p.start! + k * p.step!)
        : undefined;
      result.ccd = { ...detectShort({ ...cols, area, stepCurrentDensities: planned }), file: l.file };
      break;
    }
    case 'strip':
    case 'sand': {
      result.stripping = [];
      if (!dc.length && eis.length) {
        result.issues.push({ at: eis[0].at, file: eis[0].file, line: 0, severity: 'error', message: `only EIS spectra were given: a ${p.type} run needs the DC stripping trace (time, voltage, current)` });
      }
      for (const l of dc) {
        const cols = need(l, ['time', 'voltage', 'current'], result, 'the stripping analysis');
        if (!cols || p.cutoff === undefined) continue;
        const s = criticalStripping({ ...cols, area, cutoff: p.cutoff });
        result.stripping.push({ ...s, file: l.file });
        if (s.ok && s.reached && job.cell.inventory !== undefined && s.capacity.value > job.cell.inventory * 1.001) {
          const areal = (si: number) => inDisplayUnits({ value: si, unit: 'C/m²' }).value.toFixed(2);
          result.plan.push(`${l.file}: ${areal(s.capacity.value)} mAh/cm² were stripped, more than the ${areal(job.cell.inventory)} mAh/cm² of Li in the foil the spec gives ${job.cell.name}: check the foil thickness or the counter electrode`);
        }
        const planned = p.type === 'strip' ? p.current : nearest(p.currents ?? [], s.ok ? s.currentDensity.value : undefined);
        if (planned !== undefined) {
          const c = compareCurrent(planned, area, cols.current);
          if (c.ok && !c.withinPlan) result.plan.push(...c.warnings.map((w) => `${l.file}: ${w}`));
        }
      }
      if (p.type === 'sand') {
        const points = result.stripping.filter((s) => s.ok && s.reached).map((s) => ({ file: s.file, currentDensity: s.ok ? s.currentDensity.value : 0, t0: s.ok ? s.t0.value : 0, reached: true }));
        // Sand's c0 is the anode metal's density / molar mass; Li metal when the spec does not say.
        const c0 = job.cell.c0 ?? concentration(LITHIUM.density, LITHIUM.molarMass);
        if (job.cell.c0 === undefined) result.plan.push(`the anode of ${job.cell.name} has no density and molar mass: c0 of Li metal (0.534 g/cm³ / 6.941 g/mol) is used for D_eff`);
        result.sand = { measurements: points, fit: sandFit(points, c0) };
      }
      if (eis.length) {
        const every = p.eisEvery?.capacity;
        const spectra = eis.map((l, k) => analyseSpectrum(l, p, every !== undefined ? k * every : undefined));
        const points = spectra.filter((s) => s.rOhm && s.capacity !== undefined).map((s) => ({ capacity: s.capacity!, rOhm: s.rOhm!.value }));
        result.contact = { spectra, retention: points.length >= 2 ? contactRetention(points) : undefined };
        if (every === undefined) result.plan.push('the EIS spectra cannot be placed on the stripped capacity: give the protocol an eis companion with "every X mAh/cm²"');
      }
      break;
    }
    case 'cycling':
    case 'rate': {
      if (eis.length) wrongKind(eis, result, 'EIS');
      const l = dc[0];
      const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the cycling analysis');
      if (!cols) break;
      if (job.cell.activeMass === undefined) {
        result.issues.push({ at: l.at, message: `the cell ${job.cell.name} has no cathode loading: capacities per gram cannot be computed`, severity: 'error' });
        break;
      }
      const summary = cyclingSummary({ ...cols, cycle: column(l.table, 'cycle')?.values, activeMass: job.cell.activeMass, area, precycles: p.type === 'cycling' ? p.precycles ?? 0 : 0 });
      result.cycling = { ...summary, file: l.file };
      if (p.window) {
        const w = compareWindow(p.window, cols.voltage);
        if (w.ok && !w.withinPlan) result.plan.push(...w.warnings);
      }
      if (summary.ok) {
        const complete = summary.cycles.filter((c) => c.complete).length;
        const planned = p.type === 'cycling' ? (p.precycles ?? 0) + (p.cycles ?? 0) : (p.rates?.length ?? 0) * (p.cyclesEach ?? 0);
        const c = compareCycleCount(planned, complete);
        if (c.ok && !c.withinPlan) result.plan.push(...c.warnings);
        if (p.type === 'rate' && p.rates && p.cyclesEach) {
          const each = p.cyclesEach;
          result.rate = rateTable(summary, p.rates.map((r, k) => ({ rate: r.rate, firstCycle: k * each + 1, lastCycle: (k + 1) * each })));
        }
      }
      break;
    }
    case 'eis': {
      if (dc.length) wrongKind(dc, result, 'DC');
      result.contact = { spectra: eis.map((l) => analyseSpectrum(l, p)) };
      break;
    }
  }
}

/**
 * The intercept always; with a circuit, the fit (R_ohm from its series resistance when the spec
 * says `r-ohm fit` and the fit converged), the Lin-KK check and the DRT.
 */
// Fits and DRTs cost milliseconds each and a study has dozens of spectra: keep them while the
// file and the settings are unchanged, so an edit elsewhere in the spec does not refit everything.
const spectra = new Map<string, SpectrumResult>();

function analyseSpectrum(l: Loaded, p: RunJob['protocol'], capacity?: number): SpectrumResult {
  const key = JSON.stringify([l.abs, l.stamp, capacity, p.circuit, p.weighting, p.rOhmFrom, p.drtLambda, p.fixed, p.bounds]);
  const hit = spectra.get(key);
  if (hit) return hit;
  const s = analyseSpectrumUncached(l, p, capacity);
  if (spectra.size > 5000) spectra.clear();
  spectra.set(key, s);
  return s;
}

function analyseSpectrumUncached(l: Loaded, p: RunJob['protocol'], capacity?: number): SpectrumResult {
  const spectrum = { frequency: column(l.table, 'frequency')!.values, zReal: column(l.table, 'zReal')!.values, zImag: column(l.table, 'zImag')?.values ?? new Float64Array(l.table.rows) };
  const s: SpectrumResult = { file: l.file, capacity, result: ohmicResistance(spectrum) };
  if (p.circuit) {
    s.fit = fitCircuit({ circuit: p.circuit, ...spectrum, weighting: p.weighting, fixed: p.fixed, bounds: p.bounds });
    s.linkk = linKK(spectrum);
    s.drt = computeDrt({ ...spectrum, lambda: p.drtLambda });
  }
  s.bode = bode(spectrum, s.fit);
  if (p.rOhmFrom === 'fit' && s.fit?.ok && s.fit.converged) s.rOhm = { value: s.fit.rOhm.value, method: 'fit' };
  else if (s.result.ok) s.rOhm = { value: s.result.rOhm.value, method: 'intercept' };
  return s;
}

/** |Z| and phase (degrees) of the data, and of the fitted circuit at the measured frequencies. */
function bode(z: { frequency: Float64Array; zReal: Float64Array; zImag: Float64Array }, fit?: FitResult): SpectrumResult['bode'] {
  const frequency = Array.from(z.frequency);
  const modulus = frequency.map((_, i) => Math.hypot(z.zReal[i], z.zImag[i]));
  const phase = frequency.map((_, i) => (Math.atan2(z.zImag[i], z.zReal[i]) * 180) / Math.PI);
  const out: SpectrumResult['bode'] = { frequency, modulus, phase };
  const parsed = fit?.ok ? parseCircuit(fit.circuit) : undefined;
  if (fit?.ok && parsed?.ok) {
    const model = impedance(parsed.circuit, fit.parameters.map((p) => p.value.value), frequency.map((f) => 2 * Math.PI * f));
    out.fitModulus = model.map((c) => Math.hypot(c.re, c.im));
    out.fitPhase = model.map((c) => (Math.atan2(c.im, c.re) * 180) / Math.PI);
  }
  return out;
}

function nearest(list: number[], x: number | undefined): number | undefined {
  if (x === undefined || !list.length) return undefined;
  return list.reduce((best, v) => (Math.abs(v - x) < Math.abs(best - x) ? v : best));
}

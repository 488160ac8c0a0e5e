// Conductivity and Arrhenius runs: the spectra of an ion-blocking cell, R_b of each (the foot of the
// blocking spike, or with `r-b fit` the fitted circuit's series R plus its arcs' R, one method for
// the whole run), σ = L/(R_b A) with L the pellet's thickness from the stack; for an Arrhenius
// series, the temperature of each spectrum and the fit of ln(σT) (or ln σ) against 1/T.
import { arrheniusFit, blockingIntercept, conductivityEstimate, median } from '../../analyses';
import { fitCircuit } from '../../analyses/eis';
import { formatEstimate, formatQuantity } from '../../domain/format';
import { ARGYRODITE, ROOM_TEMPERATURE } from '../../domain/physics';
import { column } from '../../readers/types';
import type { RunJob } from '../jobs';
import type { ConductivityOutcome, ConductivitySpectrum, Loaded, RunResult, TemperatureSource } from '../runResult';
import { RunData, wrongKind } from './common';

export function conductivityRun({ job, result, dc, eis, area }: RunData): void {
  if (dc.length) wrongKind(dc, result, 'DC');
  if (!eis.length) return;
  const { outcome, plan } = conductivityOfSpectra(eis, job, area, result);
  result.conductivity = outcome;
  result.plan.push(...plan);
}

export function arrheniusRun({ job, result, dc, eis, area }: RunData): void {
  if (dc.length) wrongKind(dc, result, 'DC');
  if (!eis.length) return;
  const { outcome, plan } = conductivityOfSpectra(eis, job, area, result);
  result.conductivity = outcome;
  result.plan.push(...plan);
  const points = outcome.spectra.filter((s) => s.conductivity && s.temperature !== undefined)
    .map((s) => ({ temperature: s.temperature!, conductivity: s.conductivity!.value, label: s.file }));
  const fit = arrheniusFit(points, job.protocol.form ?? 'sigma-T');
  result.arrhenius = fit;
  if (fit.ok) result.plan.push(...typicalActivation(job, fit.activationEnergy.value));
}

/** R_b and σ of every spectrum, by one method, with its temperature. */
export function conductivityOfSpectra(eis: Loaded[], job: RunJob, area: number | undefined, result: RunResult): { outcome: ConductivityOutcome; plan: string[] } {
  const p = job.protocol;
  const plan: string[] = [];
  const thickness = job.cell.electrolyte?.thickness;
  if (thickness === undefined) result.issues.push({ at: eis[0].at, severity: 'error', message: `the stack of ${job.cell.name} gives no thickness for its electrolyte pellet: σ = L/(R_b A) needs L` });
  if (area === undefined) result.issues.push({ at: eis[0].at, severity: 'error', message: `the cell ${job.cell.name} has no area: σ = L/(R_b A) needs A` });
  const temperatures = placeTemperatures(eis, job, plan);
  const spectra: ConductivitySpectrum[] = eis.map((l, k) => {
    const z = { frequency: column(l.table, 'frequency')!.values, zReal: column(l.table, 'zReal')!.values, zImag: column(l.table, 'zImag')!.values };
    const s: ConductivitySpectrum = { file: l.file, intercept: blockingIntercept(z), ...temperatures[k] };
    if (p.circuit) s.fit = fitCircuit({ circuit: p.circuit, ...z, weighting: p.weighting, fixed: p.fixed, bounds: p.bounds });
    return s;
  });
  let method: 'intercept' | 'fit' = 'intercept', methodNote: string | undefined;
  if (p.rBFrom === 'fit') {
    const failed = spectra.filter((s) => !(s.fit?.ok && s.fit.converged)).map((s) => s.file);
    if (!p.circuit) methodNote = 'r-b fit asks for the fitted circuit, but the protocol has no circuit: R_b of every spectrum is the foot of the blocking spike';
    else if (failed.length) methodNote = `r-b fit: the fit of ${p.circuit} did not converge on ${failed.slice(0, 4).join(', ')}${failed.length > 4 ? ` and ${failed.length - 4} more` : ''} (of ${spectra.length} spectra), so R_b of every spectrum is the foot of the blocking spike: one method for the whole run`;
    else method = 'fit';
  }
  for (const s of spectra) {
    const fitted = s.fit?.ok ? s.fit.rTotal ?? s.fit.rOhm : undefined;
    const rB = method === 'fit' ? fitted : s.intercept.ok ? s.intercept.rB : undefined;
    if (!rB) continue;
    s.rB = { ...rB, method };
    if (thickness !== undefined && area !== undefined) s.conductivity = conductivityEstimate(rB, thickness, area);
  }
  if (methodNote) plan.push(methodNote);
  plan.push(...typicalConductivity(job, spectra));
  return { outcome: { spectra, method, methodNote, thickness, area }, plan };
}

/** Temperatures in kelvin read from a file are believed between these (a sensor not fitted writes −327.67 °C). */
const PLAUSIBLE_K: [number, number] = [150, 700];

/** Each spectrum's temperature: its file's column, else the run's list, else the protocol's (Arrhenius), else the cell's. */
function placeTemperatures(eis: Loaded[], job: RunJob, plan: string[]): { temperature?: number; temperatureFrom?: TemperatureSource }[] {
  const lists: [number[] | undefined, TemperatureSource, string][] = [[job.temperatures, 'run', "the run's temperatures"], [job.protocol.temperatures, 'protocol', "the protocol's temperatures"]];
  let listed: { list: number[]; from: TemperatureSource } | undefined;
  for (const [list, from, what] of lists) {
    if (!list || listed) continue;
    if (list.length === eis.length) listed = { list, from };
    else plan.push(`${what} list ${list.length} temperatures for ${eis.length} spectra: it needs one per spectrum (in file-name order), so it is not used`);
  }
  return eis.map((l, k) => {
    const col = column(l.table, 'temperature')?.values.filter((x) => Number.isFinite(x) && x >= PLAUSIBLE_K[0] && x <= PLAUSIBLE_K[1]);
    if (col && col.length) return { temperature: median(col), temperatureFrom: 'file' as const };
    if (listed) return { temperature: listed.list[k], temperatureFrom: listed.from };
    if (job.cell.temperature !== undefined) return { temperature: job.cell.temperature, temperatureFrom: 'cell' as const };
    return {};
  });
}

const argyrodite = (job: RunJob) => job.cell.electrolyte?.formula === ARGYRODITE.formula;

/** σ of an argyrodite measured near 25 °C outside domain.md's 1–4 mS/cm. */
function typicalConductivity(job: RunJob, spectra: ConductivitySpectrum[]): string[] {
  if (!argyrodite(job)) return [];
  const [lo, hi] = ARGYRODITE.conductivity;
  return spectra.filter((s) => s.conductivity && s.temperature !== undefined && Math.abs(s.temperature - ROOM_TEMPERATURE) <= 2 && (s.conductivity.value < lo || s.conductivity.value > hi))
    .map((s) => `${s.file}: σ = ${formatEstimate(s.conductivity)} at ${formatQuantity(s.temperature!, '°C')} is outside the typical ${formatQuantity(lo, 'mS/cm')}–${formatQuantity(hi, 'mS/cm')} of ${job.cell.electrolyte!.name} (${ARGYRODITE.formula}, domain.md): check the pellet thickness, the area and R_b`);
}

function typicalActivation(job: RunJob, ea: number): string[] {
  const [lo, hi] = ARGYRODITE.activationEnergy;
  if (!argyrodite(job) || (ea >= lo && ea <= hi)) return [];
  return [`E_a = ${formatEstimate({ value: ea, unit: 'eV' })} is outside the typical ${lo}–${hi} eV of ${job.cell.electrolyte!.name} (${ARGYRODITE.formula}, domain.md): check the temperatures of the spectra`];
}

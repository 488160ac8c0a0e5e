// The spectra of a run as a contact-retention series: each spectrum placed on the stripped capacity
// (the run's `stripped` list, else the files' own charge counters, else the eis protocol's
// `every X mAh/cm²`), R_ohm of every spectrum by one method (the fitted series resistance only when
// every fit converged, else the high-frequency intercept for all), and a = (R_first/R)². A strip run
// with spectra only, and an eis run, get the retention as soon as the spectra lie on a capacity.
import { contactRetention, ContactPoint, median } from '../../analyses';
import { column } from '../../readers/types';
import type { RunJob } from '../jobs';
import type { CapacitySource, ContactOutcome, Loaded, SpectrumResult } from '../runResult';
import { analyseSpectrum, SpectrumAnalysis } from './eis';

export function contactOfSpectra(eis: Loaded[], job: RunJob, area: number | undefined): { contact: ContactOutcome; plan: string[] } {
  const analysed = eis.map((l) => analyseSpectrum(l, job.protocol));
  const { capacities, source, plan } = placeSpectra(eis, job, area);
  const { method, note } = chooseMethod(analysed, job.protocol);
  const spectra: SpectrumResult[] = analysed.map((s, k) => ({
    ...s, capacity: capacities?.[k], capacitySource: capacities ? source : undefined, rOhm: rOhmOf(s, method),
  }));
  const contact: ContactOutcome = { spectra, method, methodNote: note, capacityFrom: capacities ? source : undefined };
  const points: ContactPoint[] = spectra.filter((s) => s.rOhm && s.capacity !== undefined)
    .map((s) => ({ capacity: s.capacity!, rOhm: s.rOhm!.value, stderr: s.rOhm!.stderr, upperBound: s.rOhm!.upperBound, label: s.file }));
  if (points.length >= 2) {
    contact.retention = contactRetention(points, { method: method === 'fit' ? 'the series resistance of the fitted circuit' : 'the high-frequency intercept' });
    if (note) contact.retention.warnings.unshift(note);
  }
  return { contact, plan };
}

function rOhmOf(s: SpectrumAnalysis, method: 'intercept' | 'fit'): SpectrumResult['rOhm'] {
  if (method === 'fit' && s.fit?.ok) return { value: s.fit.rOhm.value, stderr: s.fit.rOhm.stderr, method };
  if (!s.result.ok) return undefined;
  return { value: s.result.rOhm.value, stderr: s.result.rOhm.stderr, method: 'intercept', upperBound: s.result.bound === 'upper' || undefined };
}

/**
 * One method for every spectrum of the run: a retention that divides a fitted R by an intercept
 * compares two different things. `r-ohm fit` is honoured when every spectrum's fit converged.
 */
function chooseMethod(spectra: SpectrumAnalysis[], p: RunJob['protocol']): { method: 'intercept' | 'fit'; note?: string } {
  if (p.rOhmFrom !== 'fit') return { method: 'intercept' };
  if (!p.circuit) return { method: 'intercept', note: 'r-ohm fit asks for the series resistance of a fitted circuit, but the run has no circuit: R_ohm of every spectrum is the high-frequency intercept' };
  const failed = spectra.filter((s) => !(s.fit?.ok && s.fit.converged)).map((s) => s.file);
  // A converged fit whose series R the data do not determine (it trades off with an arc beyond the
  // highest frequency) gives no R_ohm to divide by either.
  const undetermined = spectra.filter((s) => s.fit?.ok && s.fit.converged && !s.fit.rOhmDetermined).map((s) => s.file);
  if (!failed.length && !undetermined.length) return { method: 'fit' };
  const list = (files: string[]) => (files.length > 4 ? `${files.slice(0, 4).join(', ')} and ${files.length - 4} more` : files.join(', '));
  const why = [
    failed.length ? `the fit of ${p.circuit} did not converge on ${list(failed)}` : '',
    undetermined.length ? `the data do not determine its series R on ${list(undetermined)}` : '',
  ].filter(Boolean).join(', and ');
  return {
    method: 'intercept',
    note: `r-ohm fit: ${why} (of ${spectra.length} spectra), so R_ohm of every spectrum is the high-frequency intercept: one method for the whole retention`,
  };
}

/** Every spectrum's stripped capacity from one source, the first that covers them all. */
function placeSpectra(eis: Loaded[], job: RunJob, area: number | undefined): { capacities?: number[]; source?: CapacitySource; plan: string[] } {
  const plan: string[] = [];
  const listed = job.stripped;
  if (listed && listed.length === eis.length) return { capacities: listed, source: 'run', plan };
  if (listed) plan.push(`the run lists ${listed.length} stripped capacities for ${eis.length} spectra: it needs one per spectrum (in file-name order), so the list is not used`);
  const counted = area !== undefined ? fileCapacities(eis, area) : undefined;
  if (counted) return { capacities: counted, source: 'file', plan };
  const every = job.protocol.eisEvery?.capacity;
  if (every !== undefined) return { capacities: eis.map((_, k) => k * every), source: 'every', plan };
  return { plan };
}

/**
 * The charge counter of each spectrum file (EC-Lab's (Q-Qo) during a stripping sequence) as the
 * capacity stripped since the start, |Q| / area; undefined unless every file has one and they
 * differ (separate experiments each start at zero).
 */
function fileCapacities(eis: Loaded[], area: number): number[] | undefined {
  const values = eis.map((l) => {
    const q = column(l.table, 'charge')?.values.filter((v) => Number.isFinite(v));
    return q && q.length ? Math.abs(median(q)) / area : undefined;
  });
  if (values.some((v) => v === undefined)) return undefined;
  const spread = Math.max(...(values as number[])) - Math.min(...(values as number[]));
  return spread > 1e-9 * Math.max(...(values as number[]), 1e-300) ? (values as number[]) : undefined;
}

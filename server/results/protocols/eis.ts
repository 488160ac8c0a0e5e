// EIS runs, and the analysis of one spectrum for any run: the DRT and the Lin-KK check always
// (neither needs a model), the high-frequency intercept checked against the DRT's R∞, and with a
// circuit the fit; Bode data of the spectrum and the fit. Where R_ohm and the stripped capacity
// of each spectrum come from is contact.ts's business.
import { ohmicResistance } from '../../analyses';
import { computeDrt, fitCircuit, FitResult, impedance, linKK, parseCircuit } from '../../analyses/eis';
import { column } from '../../readers/types';
import { cachedAnalysis } from '../tableCache';
import type { RunJob } from '../jobs';
import type { Loaded, SpectrumResult } from '../runResult';
import { RunData, wrongKind } from './common';
import { contactOfSpectra } from './contact';

export function eisRun({ job, result, dc, eis, area }: RunData): void {
  if (dc.length) wrongKind(dc, result, 'DC');
  const { contact, plan } = contactOfSpectra(eis, job, area);
  result.contact = contact;
  result.plan.push(...plan);
}

/** What one spectrum gives on its own, before it is placed on a capacity. */
export type SpectrumAnalysis = Omit<SpectrumResult, 'capacity' | 'capacitySource' | 'rOhm'>;

// Fits and DRTs cost milliseconds each and a study has dozens of spectra: keep them while the
// file and the settings are unchanged, so an edit elsewhere in the spec does not refit everything.
const spectra = new Map<string, SpectrumAnalysis>();
/** Raise when the DRT, Lin-KK, the fit or the Bode data compute something else: kept entries of other versions are not used. */
const SPECTRUM_ANALYSIS_VERSION = 1;

export function analyseSpectrum(l: Loaded, p: RunJob['protocol']): SpectrumAnalysis {
  const settings = JSON.stringify(['spectrum', p.circuit ?? null, p.weighting ?? null, p.drtLambda ?? null, p.fixed ?? null, p.bounds ?? null]);
  const key = JSON.stringify([l.abs, l.stamp, settings]);
  const hit = spectra.get(key);
  if (hit) return hit;
  // Kept on disk beside a cached table too (a lab's archive analysed again costs no refits); the
  // file's name is the spec's business, so it is not part of what is kept.
  const s: SpectrumAnalysis = { file: l.file, ...cachedAnalysis(l.table, settings, SPECTRUM_ANALYSIS_VERSION, () => analyseSpectrumUncached(l, p)) };
  if (spectra.size > 5000) spectra.clear();
  spectra.set(key, s);
  return s;
}

function analyseSpectrumUncached(l: Loaded, p: RunJob['protocol']): Omit<SpectrumAnalysis, 'file'> {
  // The run's files were checked for all three columns (execute.ts): none is ever filled in.
  const spectrum = { frequency: column(l.table, 'frequency')!.values, zReal: column(l.table, 'zReal')!.values, zImag: column(l.table, 'zImag')!.values };
  const drt = computeDrt({ ...spectrum, lambda: p.drtLambda });
  const s: Omit<SpectrumAnalysis, 'file'> = {
    result: ohmicResistance({ ...spectrum, rInf: drt.ok ? drt.rInf : undefined, rInfAtBound: drt.ok && drt.rInfAtBound }),
    linkk: linKK(spectrum),
    drt,
  };
  if (p.circuit) s.fit = fitCircuit({ circuit: p.circuit, ...spectrum, weighting: p.weighting, fixed: p.fixed, bounds: p.bounds });
  s.bode = bode(spectrum, s.fit);
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
    const model = impedance(parsed.circuit, fit.parameters.map((q) => q.value.value), frequency.map((f) => 2 * Math.PI * f));
    out.fitModulus = model.map((c) => Math.hypot(c.re, c.im));
    out.fitPhase = model.map((c) => (Math.atan2(c.im, c.re) * 180) / Math.PI);
  }
  return out;
}

// EIS runs, and the spectra of any run: the high-frequency intercept always; with a circuit the
// fit, Lin-KK and the DRT; Bode data of the spectrum and the fit.
import { ohmicResistance } from '../../analyses';
import { computeDrt, fitCircuit, FitResult, impedance, linKK, parseCircuit } from '../../analyses/eis';
import { column } from '../../readers/types';
import type { RunJob } from '../jobs';
import type { Loaded, SpectrumResult } from '../runResult';
import { RunData, wrongKind } from './common';

export function eisRun({ job, result, dc, eis }: RunData): void {
  const p = job.protocol;
  if (dc.length) wrongKind(dc, result, 'DC');
  result.contact = { spectra: eis.map((l) => analyseSpectrum(l, p)) };
}

/**
 * The intercept always; with a circuit, the fit (R_ohm from its series resistance when the spec
 * says `r-ohm fit` and the fit converged), the Lin-KK check and the DRT.
 */
// Fits and DRTs cost milliseconds each and a study has dozens of spectra: keep them while the
// file and the settings are unchanged, so an edit elsewhere in the spec does not refit everything.
const spectra = new Map<string, SpectrumResult>();

export function analyseSpectrum(l: Loaded, p: RunJob['protocol'], capacity?: number): SpectrumResult {
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

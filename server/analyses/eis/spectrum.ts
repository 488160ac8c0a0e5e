// Input checks shared by the circuit fit and the Lin-KK test: one spectrum in SI (Hz, Ω, Ω with
// Im(Z) negative for a capacitive arc), cleaned into arrays sorted from the highest frequency down.
import { formatNumber } from '../../domain/format';
import { Samples, cleanColumns } from '../common';

export interface PreparedSpectrum {
  /** Hz, strictly decreasing. */
  frequency: Float64Array;
  re: Float64Array;
  im: Float64Array;
  warnings: string[];
  /** Points with Im(Z) > 0 that were left out (PrepareOptions.dropInductive). */
  droppedInductive: number;
}

export interface PrepareOptions {
  /**
   * Leave out points with Im(Z) > 0 (inductive: cables, or the high-frequency end of an SSE cell).
   * Meant for a genuine inductive tail: where noise alone lifts points near the real axis above
   * zero, dropping them keeps only the points whose noise went one way, which biases a fit.
   */
  dropInductive?: boolean;
  /** What inductive points at the highest frequencies mean for the caller (appended to the warning when they are kept). */
  inductiveNote?: string;
  /**
   * What to do when the kept inductive points are the highest frequencies (a lead inductance), in
   * the spec's words; points inside the sweep are noise about the real axis and need nothing.
   */
  leadRemedy?: string;
}

/**
 * Drops rows with a non-finite value and frequencies ≤ 0 (with a warning), sorts by frequency
 * (warning when the input was not monotonic), averages points measured twice at the same
 * frequency (warning), and counts, drops or keeps inductive points (Im(Z) > 0) as asked, saying so.
 */
export function prepareSpectrum(frequency: Samples, zReal: Samples, zImag: Samples, o: PrepareOptions = {}): PreparedSpectrum | { error: string; warnings: string[] } {
  const c = cleanColumns([['frequency', frequency], ['Re(Z)', zReal], ['Im(Z)', zImag]], 1);
  if ('error' in c) return { error: c.error, warnings: [] };
  const warnings = c.warnings;
  const [f0, re0, im0] = c.cols;
  let idx: number[] = [];
  for (let k = 0; k < f0.length; k++) if (f0[k] > 0) idx.push(k);
  if (idx.length < f0.length) warnings.push(`Left out ${f0.length - idx.length} point${f0.length - idx.length > 1 ? 's' : ''} with a frequency ≤ 0.`);
  if (idx.length === 0) return { error: 'no point has a positive frequency', warnings };

  let up = true, down = true;
  for (let q = 1; q < idx.length; q++) {
    if (f0[idx[q]] > f0[idx[q - 1]]) down = false;
    if (f0[idx[q]] < f0[idx[q - 1]]) up = false;
  }
  if (!up && !down) warnings.push('The frequencies were not in order (neither a falling nor a rising sweep); the points were sorted by frequency.');
  idx = idx.sort((a, b) => f0[b] - f0[a] || a - b);

  // Average repeated frequencies (equal to 1 part in 10⁹).
  const f: number[] = [], re: number[] = [], im: number[] = [];
  let repeats = 0;
  for (let q = 0; q < idx.length;) {
    let e = q + 1;
    while (e < idx.length && Math.abs(f0[idx[e]] - f0[idx[q]]) <= 1e-9 * f0[idx[q]]) e++;
    let sr = 0, si = 0;
    for (let t = q; t < e; t++) { sr += re0[idx[t]]; si += im0[idx[t]]; }
    f.push(f0[idx[q]]); re.push(sr / (e - q)); im.push(si / (e - q));
    repeats += e - q - 1;
    q = e;
  }
  if (repeats > 0) warnings.push(`${repeats} point${repeats > 1 ? 's' : ''} repeated a frequency already measured; the impedances at each repeated frequency were averaged (${f.length} distinct frequencies remain).`);

  const inductive = im.map((v, k) => (v > 0 ? k : -1)).filter((k) => k >= 0);
  let droppedInductive = 0;
  if (inductive.length > 0) {
    const fHi = Math.max(...inductive.map((k) => f[k])), fLo = Math.min(...inductive.map((k) => f[k]));
    const where = fHi === fLo ? `at ${formatNumber(fHi)} Hz` : `between ${formatNumber(fLo)} and ${formatNumber(fHi)} Hz`;
    if (o.dropInductive) {
      droppedInductive = inductive.length;
      const keep = new Set(inductive);
      for (let k = f.length - 1; k >= 0; k--) if (keep.has(k)) { f.splice(k, 1); re.splice(k, 1); im.splice(k, 1); }
      warnings.push(`Left out ${inductive.length} inductive point${inductive.length > 1 ? 's' : ''} (Im(Z) > 0, ${where}) as asked.`);
    } else {
      // A lead inductance lifts the highest frequencies; points further down are noise about the axis.
      const atTop = inductive.every((k, q) => k === q);
      const meaning = atTop ? [o.inductiveNote, o.leadRemedy].filter(Boolean).map((x) => `; ${x}`).join('') : ' (noise about the real axis: they are fitted as measured)';
      warnings.push(`${inductive.length} point${inductive.length > 1 ? 's are' : ' is'} inductive (Im(Z) > 0, ${where}) and ${inductive.length > 1 ? 'were' : 'was'} kept${meaning}.`);
    }
  }
  return { frequency: Float64Array.from(f), re: Float64Array.from(re), im: Float64Array.from(im), warnings, droppedInductive };
}

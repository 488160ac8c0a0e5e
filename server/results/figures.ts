// A run's results as numbers in their display units: the rows of the Results CSV, the hover's
// summary table and the inlay hint's key figure. The text lines of summaries.ts say the same in
// words; both read the same fields of the RunResult. (The figures a build aggregates, keyed by
// what `compare` may name, are aggregatedFigures.ts.)
import { formatNumber, inDisplayUnits } from '../domain/format';
import type { Estimate } from '../analyses';
import type { RunResult } from './runResult';

export interface Figure {
  quantity: string;
  value: number;
  unit: string;
  stderr?: number;
  /** '≥': a lower bound (the cutoff was not reached); '≤': an upper bound. */
  bound?: '≥' | '≤';
  /** A headline figure of the run: the inlay hint shows it after this short label ("{}" marks where, if not at the end). */
  hint?: string;
  /** A figure for the CSV and the details only (a fitted circuit's parameters), not the hover's summary. */
  detail?: boolean;
}

type Options = Pick<Figure, 'bound' | 'hint' | 'detail'>;

/** An SI estimate in its display unit. */
function shown(quantity: string, e: Estimate, o: Options = {}): Figure {
  const d = inDisplayUnits(e);
  return { quantity, value: d.value, unit: d.unit, ...(d.stderr !== undefined ? { stderr: d.stderr } : {}), ...o };
}

/** Durations of runs are read in hours (a CCD short, a depletion time). */
const hours = (quantity: string, seconds: Estimate, o: Options = {}): Figure =>
  ({ quantity, value: seconds.value / 3600, unit: 'h', ...(seconds.stderr !== undefined ? { stderr: seconds.stderr / 3600 } : {}), ...o });

/** A fraction read as a percentage. */
const percent = (quantity: string, e: Estimate, o: Options = {}): Figure =>
  ({ quantity, value: e.value * 100, unit: '%', ...(e.stderr !== undefined ? { stderr: e.stderr * 100 } : {}), ...o });

const plain = (quantity: string, value: number, unit = '', o: Options = {}): Figure => ({ quantity, value, unit, ...o });

export function runFigures(r: RunResult): Figure[] {
  const out: Figure[] = [];
  const c = r.ccd;
  if (c?.ok && c.shorted && c.currentDensity) {
    out.push(shown('CCD', c.currentDensity, { hint: 'CCD' }));
    if (c.time) out.push(hours('short at', c.time));
    if (c.lastPassed) out.push(shown('last step passed', c.lastPassed.currentDensity));
  } else if (c?.ok && c.lastPassed) out.push(shown('CCD', c.lastPassed.currentDensity, { bound: '≥', hint: 'CCD' }));
  const strips = r.type === 'sand' ? [] : (r.stripping ?? []).filter((s) => s.ok);
  for (const s of strips) {
    if (!s.ok) continue;
    const of = strips.length > 1 ? ` (${s.file.replace(/^.*\//, '')})` : '';
    const bound = s.reached ? {} : { bound: '≥' as const };
    out.push(shown(`stripped capacity${of}`, s.capacity, { ...bound, hint: 'stripped' }), hours(`t0${of}`, s.t0, bound));
  }
  const sand = r.sand?.fit;
  if (sand?.ok) {
    if (sand.free.dEff) out.push(shown('D_eff', sand.free.dEff, { hint: 'D_eff' }));
    out.push(plain('R² of the Sand fit', sand.free.r2.value), plain('currents fitted', sand.n));
    if (sand.origin.dEff) out.push(shown('D_eff through the origin', sand.origin.dEff));
  }
  if (r.contact) out.push(...contactFigures(r));
  const cy = r.cycling;
  if (cy?.ok) {
    const complete = cy.cycles.filter((x) => x.complete);
    const ref = cy.referenceCycle ? cy.cycles[cy.referenceCycle - 1] : undefined;
    const last = complete[complete.length - 1];
    const rate = r.type === 'rate';
    // A rate test's headlines are its rates'; a cycling run's, the retention and the CE.
    const headline = (label: string) => (rate ? {} : { hint: label });
    out.push(plain('complete cycles', complete.length));
    if (ref) out.push(shown(`discharge capacity at cycle ${ref.cycle}`, ref.discharge.perMass));
    if (last && cy.finalRetention) out.push(percent(`capacity retention at cycle ${last.cycle}`, cy.finalRetention, headline(`retention {} at cycle ${last.cycle}`)));
    if (cy.meanCe) out.push(percent('mean CE', cy.meanCe, headline('CE')));
    if (cy.failure) out.push(plain(`fails at cycle (${cy.failure.kind})`, cy.failure.cycle));
  }
  const rt = r.rate;
  if (rt?.ok) {
    // Headlines: the slowest and the fastest rate.
    const slow = Math.min(...rt.rows.map((x) => x.rate)), fast = Math.max(...rt.rows.map((x) => x.rate));
    rt.rows.forEach((row, k) => {
      const again = rt.rows.slice(0, k).some((x) => x.rate === row.rate);
      const headline = !again && (row.rate === slow || row.rate === fast) ? { hint: `${formatNumber(row.rate)} C` } : {};
      out.push(shown(`discharge capacity at ${formatNumber(row.rate)} C${again ? ' (back)' : ''}`, row.discharge.perMass, headline));
    });
    if (rt.recovery) out.push(percent('recovery at the first rate', rt.recovery));
  }
  out.push(...toolkitFigures(r));
  return out;
}

/** The solid-state toolkit's runs: conductivity, Arrhenius, GITT, symmetric cycling, DC polarisation. */
function toolkitFigures(r: RunResult): Figure[] {
  const out: Figure[] = [];
  const spectra = r.type === 'conductivity' ? (r.conductivity?.spectra ?? []).filter((s) => s.conductivity) : [];
  for (const s of spectra) {
    const of = spectra.length > 1 ? ` (${s.file.replace(/^.*\//, '')})` : '';
    out.push(shown(`ionic conductivity${of}`, s.conductivity!, { hint: 'σ' }));
    if (s.rB) out.push(shown(`R_b${of}`, s.rB, { detail: true }));
  }
  const a = r.arrhenius;
  if (a?.ok) out.push(shown('E_a', a.activationEnergy, { hint: 'E_a' }), shown('σ at 25 °C', a.conductivity25, { hint: 'σ(25 °C)' }));
  const g = r.gitt;
  if (g?.ok) {
    out.push(plain('GITT pulses evaluated', g.evaluated), plain('pulses linear in √t', g.valid));
    for (const p of g.pulses) {
      const d = p.diffusivity ?? p.dOverL2;
      if (d) out.push(shown(`${p.diffusivity ? 'D' : 'D/L²'} of pulse ${p.index}`, d, { detail: true }));
    }
  }
  const sym = r.symmetric;
  if (sym?.ok) {
    out.push(shown('ASR of the first half-cycle', sym.firstAsr, { hint: 'ASR' }), shown('ASR of the last half-cycle', sym.lastAsr));
    out.push(hours(sym.shorted ? 'time to the short' : 'time cycled without a short', sym.duration, sym.shorted ? { hint: 'short after' } : { bound: '≥' }));
  }
  const dc = r.dcPolarisation;
  // σ_e in S/cm, as the summary gives it (in mS/cm it reads 1e-6).
  if (dc?.ok) out.push({ quantity: 'electronic conductivity', value: dc.conductivity.value / 100, unit: 'S/cm', ...(dc.conductivity.stderr !== undefined ? { stderr: dc.conductivity.stderr / 100 } : {}), hint: 'σ_e' });
  return out;
}

function contactFigures(r: RunResult): Figure[] {
  const out: Figure[] = [];
  const c = r.contact!;
  const withR = c.spectra.filter((s) => s.rOhm);
  const ohm = (quantity: string, s: (typeof withR)[number], o: Options = {}) =>
    shown(quantity, { value: s.rOhm!.value, unit: 'Ω', stderr: s.rOhm!.stderr }, { ...(s.rOhm!.upperBound ? { bound: '≤' as const } : {}), ...o });
  if (withR.length) out.push(ohm('R_ohm of the first spectrum', withR[0]));
  if (withR.length > 1) out.push(ohm('R_ohm of the last spectrum', withR[withR.length - 1]));
  const fitted = c.spectra.filter((s) => s.fit?.ok);
  const last = fitted[fitted.length - 1];
  if (last?.fit?.ok) {
    const name = last.file.replace(/^.*\//, '');
    for (const p of last.fit.parameters) out.push(shown(`${p.name} (fit of ${name})`, p.value, { detail: true }));
    if (last.fit.rCt) out.push(shown(`R_ct (fit of ${name})`, last.fit.rCt));
  }
  const drt = [...c.spectra].reverse().find((s) => s.drt?.ok)?.drt;
  if (drt?.ok) out.push(shown('R_pol (DRT)', drt.polarisation));
  if (c.retention?.ok) {
    const lastBound = c.retention.series[c.retention.series.length - 1].upperBound;
    out.push(percent('contact retained', c.retention.final, { hint: 'contact', ...(lastBound && !c.retention.series[0].upperBound ? { bound: '≥' as const } : {}) }));
  }
  return out;
}

/** The figure in an inlay hint: its short label and value, without the standard error. */
export function hintText(f: Figure): string {
  const value = figureText({ ...f, stderr: undefined });
  const label = f.hint ?? f.quantity;
  return label.includes('{}') ? label.replace('{}', value) : `${label} ${value}`;
}

/** "≥ 6.6 ± 0.1": the number of a figure (already in its display unit), its bound first. */
export function figureValue(f: Figure, digits = 4): string {
  const se = f.stderr !== undefined && f.stderr > 0 ? ` ± ${formatNumber(f.stderr, 2)}` : '';
  return `${f.bound ? f.bound + ' ' : ''}${formatNumber(f.value, digits)}${se}`;
}

/** "≥ 6.6 ± 0.1 mAh/cm²". */
export const figureText = (f: Figure, digits = 4): string => `${figureValue(f, digits)}${f.unit ? ' ' + f.unit : ''}`;

// The per-run figures a build aggregates: one value per run (so one per cell), taken from the run's
// results, with its unit (SI, but σ_e in S/cm and times to a short in h, as their summaries give
// them) and, where the analysis gives one, its own standard error. The keys
// are the engine's FIGURES (what `compare { figures ... }` may name); a new result joins by a line
// in FIGURE_SOURCES.
import { Estimate } from '../analyses';
import { formatQuantity } from '../domain/format';
import { FIGURES } from '../engine/schema';
import type { RunResult } from './runResult';

export type FigureKey = (typeof FIGURES)[number];

export interface RunFigure {
  figure: FigureKey;
  /** What distinguishes figures of one key in one run (a rate segment: "0.1 C, segment 1"). */
  qualifier?: string;
  /** How a person reads it: "D_eff", "CCD", "discharge capacity at 0.2 C". */
  label: string;
  value: Estimate;
  /** What the value is, when it needs saying (the last spectrum's capacity, a mean over files). */
  note?: string;
}

/** The readable name of each figure, as charts and hovers title it. */
export const FIGURE_LABELS: Record<FigureKey, string> = {
  'ccd': 'CCD',
  'stripping-capacity': 'critical stripping capacity',
  't0': 't0',
  'D_eff': 'D_eff',
  'r-ohm-initial': 'R_ohm before stripping',
  'r-ohm-final': 'R_ohm at the last spectrum',
  'contact-retention': 'contact retention',
  'discharge-capacity': 'initial discharge capacity',
  'ce': 'mean CE',
  'capacity-retention': 'capacity retention',
  'rate-capacity': 'discharge capacity',
  'conductivity': 'ionic conductivity',
  'activation-energy': 'E_a',
  'conductivity-25': 'σ at 25 °C',
  'electronic-conductivity': 'electronic conductivity',
  'asr-initial': 'ASR of the first half-cycle',
  'time-to-short': 'time to the short',
};

const fig = (figure: FigureKey, value: Estimate, extra: Partial<RunFigure> = {}): RunFigure => ({ figure, label: FIGURE_LABELS[figure], value, ...extra });

/** Each source reads its figures from one part of a run's result; none throws on a failed analysis. */
const FIGURE_SOURCES: ((r: RunResult) => RunFigure[])[] = [
  // The CCD only where the cell shorted: without a short it is a lower bound, not a value.
  (r) => (r.ccd?.ok && r.ccd.shorted && r.ccd.currentDensity ? [fig('ccd', r.ccd.currentDensity)] : []),
  (r) => {
    if (r.type === 'sand') return [];
    const reached = (r.stripping ?? []).flatMap((s) => (s.ok && s.reached ? [s] : []));
    if (!reached.length) return [];
    const note = reached.length > 1 ? `mean of ${reached.length} files` : undefined;
    const mean = (xs: Estimate[]) => ({ value: xs.reduce((a, x) => a + x.value, 0) / xs.length, unit: xs[0].unit });
    return [fig('stripping-capacity', mean(reached.map((s) => s.capacity)), { note }), fig('t0', mean(reached.map((s) => s.t0)), { note })];
  },
  (r) => (r.sand?.fit.ok && r.sand.fit.free.dEff ? [fig('D_eff', r.sand.fit.free.dEff, { note: 'Sand fit with a free intercept' })] : []),
  (r) => {
    const ret = r.contact?.retention;
    if (!ret?.ok) return [];
    const first = ret.series[0], last = ret.series[ret.series.length - 1];
    const out: RunFigure[] = [];
    if (!first.upperBound) out.push(fig('r-ohm-initial', first.rOhm));
    if (!last.upperBound) out.push(fig('r-ohm-final', last.rOhm, { note: `at ${capacityText(last.capacity)}` }));
    // A retention computed from an upper bound is a bound itself: it is not averaged.
    if (!first.upperBound && !last.upperBound) out.push(fig('contact-retention', ret.final, { note: `at ${capacityText(last.capacity)}` }));
    return out;
  },
  (r) => {
    const c = r.cycling;
    if (!c?.ok || r.type !== 'cycling') return [];
    const out: RunFigure[] = [];
    const ref = c.referenceCycle ? c.cycles[c.referenceCycle - 1] : undefined;
    if (ref) out.push(fig('discharge-capacity', ref.discharge.perMass, { note: `cycle ${ref.cycle}` }));
    if (c.meanCe) out.push(fig('ce', c.meanCe));
    const last = c.cycles.filter((x) => x.complete).pop();
    if (c.finalRetention && last) out.push(fig('capacity-retention', c.finalRetention, { note: `at cycle ${last.cycle}` }));
    return out;
  },
  (r) => (r.rate?.ok ? r.rate.rows.map((row, k) => {
    const qualifier = `${row.rate} C, segment ${k + 1}`;
    return fig('rate-capacity', row.discharge.perMass, { qualifier, label: `discharge capacity at ${qualifier}` });
  }) : []),
  (r) => {
    if (r.type !== 'conductivity') return [];
    const sigmas = (r.conductivity?.spectra ?? []).flatMap((s) => (s.conductivity ? [s.conductivity] : []));
    if (!sigmas.length) return [];
    // One spectrum keeps its own standard error; several are one pellet measured again: their mean.
    if (sigmas.length === 1) return [fig('conductivity', sigmas[0], { note: `R_b by the ${r.conductivity!.method}` })];
    const mean = sigmas.reduce((a, x) => a + x.value, 0) / sigmas.length;
    return [fig('conductivity', { value: mean, unit: sigmas[0].unit }, { note: `mean of ${sigmas.length} spectra, R_b by the ${r.conductivity!.method}` })];
  },
  (r) => {
    const a = r.arrhenius;
    if (!a?.ok) return [];
    const form = a.form === 'sigma-T' ? 'ln(σT) against 1/T' : 'ln σ against 1/T';
    return [fig('activation-energy', a.activationEnergy, { note: form }),
      fig('conductivity-25', a.conductivity25, { note: `from the line of ${form}${a.interpolated ? '' : ', extrapolated'}` })];
  },
  // σ_e in S/cm and the time to a short in h, as the runs' summaries give them (mS/cm and s would
  // show σ_e ~ 1e-6 mS/cm and days as 5e5 s).
  (r) => (r.dcPolarisation?.ok ? [fig('electronic-conductivity', scaled(r.dcPolarisation.conductivity, 0.01, 'S/cm'))] : []),
  (r) => {
    const s = r.symmetric;
    if (!s?.ok) return [];
    // Without a short the time cycled is a lower bound, not a value: as with the CCD it is not averaged.
    return [fig('asr-initial', s.firstAsr), ...(s.shorted ? [fig('time-to-short', scaled(s.duration, 1 / 3600, 'h'), { note: s.short ? `cycle ${s.short.cycle}` : undefined })] : [])];
  },
];

/** Every figure of a run's results. */
export function figuresOf(r: RunResult): RunFigure[] {
  return FIGURE_SOURCES.flatMap((source) => source(r));
}

function scaled(e: Estimate, factor: number, unit: string): Estimate {
  return { value: e.value * factor, unit, ...(e.stderr !== undefined ? { stderr: e.stderr * factor } : {}) };
}

function capacityText(e: Estimate): string {
  return `${formatQuantity(e.value, 'mAh/cm²')} stripped`;
}

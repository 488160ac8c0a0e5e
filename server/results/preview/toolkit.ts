// Charts of the toolkit protocols: the blocking spectra with R_b, the Arrhenius plot with its fit
// (cells compared), GITT D against the charge passed, symmetric cycling voltage and ASR against
// time, DC polarisation current, dQ/dV curves per cycle.
import { formatEstimate, formatNumber, formatQuantity } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import { byType, ChartRun, convert, fileName, find } from './series';

/** Each conductivity run's spectra (the last few) with R_b marked on the real axis. */
export function conductivityCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'conductivity').flatMap(({ result: r, line }): ChartModel[] => {
    const spectra = (r.conductivity?.spectra ?? []).filter((s) => s.intercept.ok).slice(-4);
    if (!spectra.length) return [];
    const series = spectra.map((s) => convert(find(s.intercept.points, 'spectrum'), fileName(s.file), 'point')).filter((x): x is ChartSeries => !!x);
    const marks = spectra.filter((s) => s.rB).map((s) => ({ x: s.rB!.value, y: 0, label: `${fileName(s.file)}: R_b ${formatEstimate(s.rB)}, σ ${formatEstimate(s.conductivity)}` }));
    return [{ id: `conductivity-L${line}`, kind: 'nyquist', title: `Blocking spectra and R_b: ${r.cell}`, x: { title: 'Re(Z)', unit: 'Ω', zero: true }, y: { title: '-Im(Z)', unit: 'Ω', zero: true },
      series, marks, line, derivation: spectra[0].intercept.derivation }];
  });
}

/** σT (or σ) against 1000/T on a log axis with each run's fit, the cells compared. */
export function arrheniusChart(runs: ChartRun[]): ChartModel[] {
  const list = byType(runs, 'arrhenius').filter((x) => x.result.arrhenius?.ok);
  if (!list.length) return [];
  const first = list[0].result.arrhenius!;
  const form = first.ok ? first.form : 'sigma-T';
  const series: ChartSeries[] = [], notes: string[] = [];
  for (const { result: r } of list) {
    const a = r.arrhenius!;
    if (!a.ok || a.form !== form) continue;
    const yf = displayOf(a.points[0].yUnit).factor;
    const data = convert(a.points[0], r.cell, 'point', 1000, yf), fit = convert(find(a.points, 'Arrhenius fit'), `${r.cell} fit`, 'line', 1000, yf);
    if (data) series.push(data);
    if (fit) series.push(fit);
    notes.push(`${r.cell}: E_a = ${formatEstimate(a.activationEnergy)}, σ(25 °C) = ${formatEstimate(a.conductivity25)} (R² ${formatNumber(a.r2, 4)})`);
  }
  const y = form === 'sigma-T' ? { title: 'σT', unit: 'S·K/cm', scale: 'log' as const } : { title: 'σ', unit: 'mS/cm', scale: 'log' as const };
  return [{ id: 'arrhenius', kind: 'arrhenius', title: `Arrhenius plot: ${form === 'sigma-T' ? 'ln(σT)' : 'ln σ'} against 1/T`, x: { title: '1000/T', unit: '1/K' }, y,
    series, notes, line: list[0].line, derivation: first.derivation }];
}

/** D (or D/L²) per pulse against the charge passed, log axis; pulses that fail the √t check apart. */
export function gittCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'gitt').flatMap(({ result: r, line }): ChartModel[] => {
    const g = r.gitt;
    if (!g?.ok) return [];
    const valid = g.points[0], invalid = g.points[1];
    const x = displayOf(valid.xUnit), y = displayOf(valid.yUnit);
    const series = [convert(valid, `${valid.name} (linear in √t)`, 'point'), convert(invalid, 'not linear in √t', 'point')].filter((s): s is ChartSeries => !!s);
    return [{ id: `gitt-L${line}`, kind: 'gitt', title: `GITT: ${valid.name} per pulse, ${r.cell}`, x: { title: 'charge passed', unit: x.unit }, y: { title: valid.name, unit: y.unit, scale: 'log' },
      series, notes: [`${g.valid} of ${g.evaluated} evaluated pulses linear in √t`], line, derivation: g.derivation }];
  });
}

/** Voltage against time with the short marked, and ASR per half-cycle against time. */
export function symmetricCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'symmetric-cycling').flatMap(({ result: r, line }): ChartModel[] => {
    const s = r.symmetric;
    if (!s?.ok) return [];
    const v = convert(find(s.points, 'voltage'), r.cell, 'line', 1 / 3600, 1);
    const asr = convert(find(s.points, 'ASR'), r.cell, 'point', 1 / 3600);
    const marks = s.short ? [{ x: s.short.time.value / 3600, y: 0, label: `short at ${formatQuantity(s.short.time.value, 'h')}, cycle ${s.short.cycle}, ${formatEstimate(s.short.cumulativeCapacity)}` }] : [];
    const time = { title: 'time', unit: 'h' };
    return [
      ...(v ? [{ id: `symmetric-L${line}`, kind: 'symmetric' as const, title: `Symmetric cycling: ${r.cell}`, x: time, y: { title: 'voltage', unit: 'V' }, series: [v], marks, line, derivation: s.derivation }] : []),
      ...(asr ? [{ id: `asr-L${line}`, kind: 'asr' as const, title: `ASR per half-cycle: ${r.cell}`, x: time, y: { title: 'ASR', unit: 'Ω·cm²' }, series: [asr], marks: marks.map((m) => ({ ...m, y: s.lastAsr.value * displayOf('Ω·m²').factor })), line, derivation: s.derivation }] : []),
    ];
  });
}

/** The current decaying to its steady state, log axis in nA. */
export function polarisationCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'dc-polarisation').flatMap(({ result: r, line }): ChartModel[] => {
    const d = r.dcPolarisation;
    if (!d?.ok) return [];
    const series = [convert(find(d.points, 'current'), r.cell, 'line', 1 / 3600, 1e9), convert(find(d.points, 'steady state'), 'I_ss', 'line', 1 / 3600, 1e9)].filter((x): x is ChartSeries => !!x);
    return [{ id: `dc-L${line}`, kind: 'polarisation', title: `DC polarisation: ${r.cell}`, x: { title: 'time', unit: 'h' }, y: { title: 'current', unit: 'nA', scale: 'log' },
      series, notes: [`σ_e = ${formatQuantity(d.conductivity.value, 'S/cm')}`], line, derivation: d.derivation }];
  });
}

/** At most this many cycles' dQ/dV curves per chart: the first, the last and evenly between. */
const DQDV_CYCLES = 5;

export function dqdvCharts(runs: ChartRun[]): ChartModel[] {
  return runs.filter((x) => x.result.incrementalCapacity?.ok).flatMap(({ result: r, line }): ChartModel[] => {
    const q = r.incrementalCapacity!;
    if (!q.ok) return [];
    const cycles = [...new Set(q.halfCycles.map((h) => h.cycle))];
    const pick = new Set(cycles.length <= DQDV_CYCLES ? cycles : Array.from({ length: DQDV_CYCLES }, (_, k) => cycles[Math.round((k * (cycles.length - 1)) / (DQDV_CYCLES - 1))]));
    const series = q.points.filter((p) => pick.has(Number(/cycle (\d+)/.exec(p.name)?.[1]))).map((p) => convert(p, p.name, 'line')).filter((x): x is ChartSeries => !!x);
    const unit = displayOf(q.unit).unit;
    return [{ id: `dqdv-L${line}`, kind: 'dqdv', title: `Incremental capacity dQ/dV: ${r.cell}`, x: { title: 'voltage', unit: 'V' }, y: { title: 'dQ/dV', unit },
      series, notes: q.cycles.filter((c) => pick.has(c.cycle)).map((c) => `cycle ${c.cycle}: charge peaks ${c.charge.map((v) => formatNumber(v, 4)).join(', ') || 'none'} V; discharge ${c.discharge.map((v) => formatNumber(v, 4)).join(', ') || 'none'} V`),
      line, derivation: q.derivation }];
  });
}

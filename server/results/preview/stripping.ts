// Charts of the stripping protocols: Sand's plot across anodes, stripping curves per protocol.
import { formatNumber, formatQuantity, formatEstimate } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import { byType, ChartRun, convert, find } from './series';

/** t0^-1/2 against i with the fit, one series per anode (the study's D_eff figure). */
export function sandChart(runs: ChartRun[]): ChartModel[] {
  const sand = byType(runs, 'sand').filter((x) => x.result.sand?.fit.ok);
  if (!sand.length) return [];
  const series: ChartSeries[] = [];
  const notes: string[] = [];
  for (const { result: r } of sand) {
    const fit = r.sand!.fit;
    if (!fit.ok) continue;
    const who = r.anode ?? r.cell;
    const data = convert(find(fit.points, 't0^-1/2'), who, 'point');
    const line = convert(find(fit.points, 'free fit'), `${who} fit`, 'line');
    if (data) series.push(data);
    if (line) series.push(line);
    notes.push(`${who}${r.cell !== r.build ? ` (${r.cell})` : ''}: D_eff = ${formatEstimate(fit.free.dEff)} (R² ${formatNumber(fit.free.r2.value, 4)})`);
  }
  return [{
    id: 'sand', kind: 'sand', title: "Sand's plot: t0^-1/2 against current density", x: { title: 'current density', unit: 'mA/cm²' }, y: { title: 't0^-1/2', unit: 's^-1/2' },
    series, notes, line: sand[0].line, derivation: sand[0].result.sand!.fit.derivation,
  }];
}

/** One chart per strip protocol, the cells compared; the cutoff and each t0 marked. */
export function strippingCharts(runs: ChartRun[]): ChartModel[] {
  const byProtocol = new Map<string, ChartRun[]>();
  for (const x of byType(runs, 'strip')) byProtocol.set(x.result.protocol, [...(byProtocol.get(x.result.protocol) ?? []), x]);
  const charts: ChartModel[] = [];
  for (const [proto, list] of byProtocol) {
    const series: ChartSeries[] = [];
    const marks: ChartModel['marks'] = [];
    for (const { result: r } of list) {
      for (const s of r.stripping ?? []) {
        if (!s.ok) continue;
        const v = convert(find(s.points, 'voltage'), r.cell, 'line');
        if (v) series.push(v);
        const c = find(s.points, 'cutoff crossing');
        if (c && s.reached) marks.push({ x: c.x[0] * displayOf(c.xUnit).factor, y: c.y[0], label: `${r.cell}: t0 ${formatQuantity(s.t0.value, 'h')}, ${formatEstimate(s.capacity)}` });
      }
    }
    const cutoff = list[0].job.protocol.cutoff;
    if (!series.length) continue;
    charts.push({
      id: `strip-${proto}`, kind: 'stripping', title: `Stripping to the cutoff: ${proto}`, x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'voltage', unit: 'V' },
      series, marks, rules: cutoff !== undefined ? [{ axis: 'y', value: cutoff, label: `cutoff ${formatNumber(cutoff)} V` }] : [],
      line: list[0].line, derivation: list[0].result.stripping?.find((s) => s.ok)?.derivation ?? '',
    });
  }
  return charts;
}

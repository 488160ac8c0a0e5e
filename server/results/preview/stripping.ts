// Charts of the stripping protocols: Sand's plot across anodes, stripping curves per protocol.
import { formatNumber, formatQuantity, formatEstimate } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import type { Estimate } from '../../analyses';
import { displayOf } from '../../domain/units';
import { byType, ChartRun, convert, find, ofRun } from './series';

/** t0^-1/2 against i with the fit, one series per anode (the study's D_eff figure). */
export function sandChart(runs: ChartRun[]): ChartModel[] {
  const sand = byType(runs, 'sand').filter((x) => x.result.sand?.fit.ok);
  if (!sand.length) return [];
  const series: ChartSeries[] = [];
  const notes: string[] = [];
  for (const run of sand) {
    const r = run.result;
    const fit = r.sand!.fit;
    if (!fit.ok) continue;
    // The study's figure compares anodes: a series per build, named after it; a build's replicates
    // share its colour and are named by cell.
    const who = r.cell !== r.build ? r.cell : run.key;
    const data = convert(find(fit.points, 't0^-1/2'), who, 'point');
    const line = convert(find(fit.points, 'free fit'), `${who} fit`, 'line');
    if (data) series.push(ofRun(data, run));
    if (line) series.push(ofRun(line, run, { fit: true }));
    notes.push(`${who}: D_eff = ${formatEstimate(fit.free.dEff)} (R² ${formatNumber(fit.free.r2.value, 4)})`);
  }
  return [{
    id: 'sand', kind: 'sand', title: "Sand's plot: t0^-1/2 against current density", x: { title: 'current density', unit: 'mA/cm²' }, y: { title: 't0^-1/2', unit: 's^-1/2' },
    series, notes, line: sand[0].line, derivation: sand[0].result.sand!.fit.derivation,
    place: { group: [...new Set(sand.map((x) => x.result.protocol))].join(', '), label: "Sand's plot" },
  }];
}

/**
 * One chart per strip protocol, the cells compared; the cutoff and each t0 marked. A build with
 * several cells in the chart gets one mark at the mean of their crossings (nine labels would cover
 * each other), each cell's t0 in the notes.
 */
export function strippingCharts(runs: ChartRun[]): ChartModel[] {
  const byProtocol = new Map<string, ChartRun[]>();
  for (const x of byType(runs, 'strip')) byProtocol.set(x.result.protocol, [...(byProtocol.get(x.result.protocol) ?? []), x]);
  const charts: ChartModel[] = [];
  for (const [proto, list] of byProtocol) {
    const series: ChartSeries[] = [];
    const crossings = new Map<string, Crossing[]>();
    for (const run of list) {
      const r = run.result;
      for (const s of r.stripping ?? []) {
        if (!s.ok) continue;
        const v = convert(find(s.points, 'voltage'), r.cell, 'line');
        if (v) series.push(ofRun(v, run));
        const c = find(s.points, 'cutoff crossing');
        if (c && s.reached) crossings.set(r.build, [...(crossings.get(r.build) ?? []), { cell: r.cell, x: c.x[0] * displayOf(c.xUnit).factor, y: c.y[0], t0: s.t0.value, capacity: s.capacity }]);
      }
    }
    const cutoff = list[0].job.protocol.cutoff;
    if (!series.length) continue;
    const marks = [...crossings].map(([build, cs]) => crossingMark(build, cs));
    const notes = [...crossings.values()].filter((cs) => cs.length > 1).flat().map(crossingText);
    const derivation = list[0].result.stripping?.find((s) => s.ok)?.derivation ?? '';
    charts.push({
      id: `strip-${proto}`, kind: 'stripping', title: `Stripping to the cutoff: ${proto}`, x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'voltage', unit: 'V' },
      series, marks, rules: cutoff !== undefined ? [{ axis: 'y', value: cutoff, label: `cutoff ${formatNumber(cutoff)} V` }] : [],
      ...(notes.length ? { notes } : {}),
      line: list[0].line,
      derivation: notes.length ? `${derivation} A build of several cells is marked at the mean of its cells' crossings (t0 and capacity averaged); each cell's own are listed below the chart.` : derivation,
      place: { group: proto, label: 'stripping to the cutoff' },
    });
  }
  return charts;
}

/** Where a cell's voltage crossed the cutoff, in display units on the chart, with its t0 (s) and capacity (SI). */
interface Crossing { cell: string; x: number; y: number; t0: number; capacity: Estimate }

const crossingText = (c: Crossing) => `${c.cell}: t0 ${formatQuantity(c.t0, 'h')}, ${formatEstimate(c.capacity)}`;

/** A build's mark: its one cell's crossing, or the mean of its cells'. */
function crossingMark(build: string, cs: Crossing[]): NonNullable<ChartModel['marks']>[number] {
  if (cs.length === 1) return { x: cs[0].x, y: cs[0].y, label: crossingText(cs[0]) };
  const mean = (f: (c: Crossing) => number) => cs.reduce((s, c) => s + f(c), 0) / cs.length;
  return {
    x: mean((c) => c.x), y: mean((c) => c.y),
    label: `${build}: t0 ${formatQuantity(mean((c) => c.t0), 'h')}, ${formatQuantity(mean((c) => c.capacity.value), 'mAh/cm²')} (mean of ${cs.length})`,
  };
}

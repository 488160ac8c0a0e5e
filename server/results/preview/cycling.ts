// Full-cell charts: discharge capacity and CE against cycle number (cells compared), rate capability.
import { formatNumber } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import { ChartRun, convert, find } from './series';

export function cyclingCharts(runs: ChartRun[]): ChartModel[] {
  const cyc = runs.filter((x) => x.result.type === 'cycling' && x.result.cycling?.ok);
  if (!cyc.length) return [];
  const cap: ChartSeries[] = [], ce: ChartSeries[] = [];
  for (const { result: r } of cyc) {
    const c = r.cycling!;
    if (!c.ok) continue;
    const d = convert(find(c.points, 'discharge capacity'), r.cell, 'point');
    const e = convert(find(c.points, 'coulombic efficiency'), r.cell, 'point', 1, 100);
    if (d) cap.push(d);
    if (e) ce.push(e);
  }
  const cycle = { title: 'cycle', unit: '' };
  return [
    { id: 'capacity', kind: 'capacity', title: 'Discharge capacity', x: cycle, y: { title: 'discharge capacity', unit: 'mAh/g' }, series: cap, line: cyc[0].line, derivation: cyc[0].result.cycling!.derivation },
    { id: 'ce', kind: 'ce', title: 'Coulombic efficiency', x: cycle, y: { title: 'CE', unit: '%' }, series: ce, line: cyc[0].line, derivation: 'CE = discharge / charge capacity of each complete cycle.' },
  ];
}

export function rateChart(runs: ChartRun[]): ChartModel[] {
  const rate = runs.filter((x) => x.result.rate?.ok);
  if (!rate.length) return [];
  const perMass = displayOf('C/kg').factor;
  return [{
    id: 'rate', kind: 'rate', title: 'Rate capability', x: { title: 'segment (C-rate)', unit: '' }, y: { title: 'mean discharge capacity', unit: 'mAh/g' },
    series: rate.map(({ result: r }) => ({ name: r.cell, mark: 'line' as const, points: r.rate!.ok ? r.rate!.rows.map((row, k) => [k + 1, row.discharge.perMass.value * perMass] as [number, number]) : [] })),
    notes: rate.map(({ result: r }) => `${r.cell}: ${r.rate!.ok ? r.rate!.rows.map((row) => `${formatNumber(row.rate)} C`).join(', ') : ''}`),
    line: rate[0].line, derivation: rate[0].result.rate!.derivation,
  }];
}

// Full-cell charts: discharge capacity and CE against cycle number (cells compared), and the
// rate capability against the C-rate, the return to the first rate marked.
import { formatEstimate, formatNumber } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import { ChartRun, convert, find, ofRun } from './series';

const groupOf = (runs: ChartRun[]) => [...new Set(runs.map((x) => x.result.protocol))].join(', ');

export function cyclingCharts(runs: ChartRun[]): ChartModel[] {
  const cyc = runs.filter((x) => x.result.type === 'cycling' && x.result.cycling?.ok);
  if (!cyc.length) return [];
  const cap: ChartSeries[] = [], ce: ChartSeries[] = [];
  for (const run of cyc) {
    const c = run.result.cycling!;
    if (!c.ok) continue;
    const d = convert(find(c.points, 'discharge capacity'), run.result.cell, 'point');
    const e = convert(find(c.points, 'coulombic efficiency'), run.result.cell, 'point', 1, 100);
    if (d) cap.push(ofRun(d, run));
    if (e) ce.push(ofRun(e, run));
  }
  const cycle = { title: 'cycle', unit: '' };
  const group = groupOf(cyc);
  return [
    { id: 'capacity', kind: 'capacity', title: 'Discharge capacity', x: cycle, y: { title: 'discharge capacity', unit: 'mAh/g' }, series: cap, line: cyc[0].line,
      derivation: cyc[0].result.cycling!.derivation, place: { group, label: 'discharge capacity' } },
    { id: 'ce', kind: 'ce', title: 'Coulombic efficiency', x: cycle, y: { title: 'CE', unit: '%' }, series: ce, line: cyc[0].line,
      derivation: 'CE = discharge / charge capacity of each complete cycle.', place: { group, label: 'coulombic efficiency' } },
  ];
}

/**
 * Mean discharge capacity against the C-rate, one line per cell through the rates in the order
 * run; a return to a rate already run (0.1 C at the end) is a marked point, not a line back.
 */
export function rateChart(runs: ChartRun[]): ChartModel[] {
  const rate = runs.filter((x) => x.result.rate?.ok);
  if (!rate.length) return [];
  const perMass = displayOf('C/kg').factor;
  const series: ChartSeries[] = [];
  const marks: NonNullable<ChartModel['marks']> = [];
  for (const run of rate) {
    const t = run.result.rate!;
    if (!t.ok) continue;
    const seen = new Set<number>();
    const first = t.rows.filter((row) => (seen.has(row.rate) ? false : (seen.add(row.rate), true)));
    series.push(ofRun({ name: run.result.cell, mark: 'line', points: first.map((row) => [row.rate, row.discharge.perMass.value * perMass]) }, run));
    for (const back of t.rows.slice(first.length)) {
      const recovery = t.recovery && back === t.rows[t.rows.length - 1] ? ` (${formatNumber(t.recovery.value * 100, 3)} % of the first)` : '';
      marks.push({ x: back.rate, y: back.discharge.perMass.value * perMass, label: `${run.result.cell}: back at ${formatNumber(back.rate)} C, ${formatEstimate(back.discharge.perMass, 4)}${recovery}` });
    }
  }
  const rates = rate.flatMap((x) => (x.result.rate!.ok ? x.result.rate!.rows.map((row) => row.rate) : []));
  const wide = Math.max(...rates) / Math.min(...rates) > 20;
  return [{
    id: 'rate', kind: 'rate', title: 'Rate capability', x: { title: 'C-rate', unit: 'C', ticks: [...new Set(rates)].sort((p, q) => p - q), ...(wide ? { scale: 'log' as const } : {}) },
    y: { title: 'mean discharge capacity', unit: 'mAh/g' },
    series, marks, line: rate[0].line, derivation: rate[0].result.rate!.derivation, place: { group: groupOf(rate), label: 'rate capability' },
  }];
}

// CCD staircases, one chart per build (its cells overlaid), each short marked.
import { formatEstimate } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { byType, ChartRun, convert, find } from './series';

export function ccdCharts(runs: ChartRun[]): ChartModel[] {
  const byBuild = new Map<string, ChartRun[]>();
  for (const x of byType(runs, 'ccd')) if (x.result.ccd?.ok) byBuild.set(x.result.build, [...(byBuild.get(x.result.build) ?? []), x]);
  return [...byBuild].flatMap(([build, list]): ChartModel[] => {
    const series: ChartSeries[] = [], marks: NonNullable<ChartModel['marks']> = [], notes: string[] = [];
    for (const { result: r } of list) {
      const c = r.ccd;
      if (!c?.ok) continue;
      const v = convert(find(c.points, 'voltage'), r.cell, 'line', 1 / 3600, 1);
      if (!v) continue;
      series.push(v);
      const who = list.length > 1 ? `${r.cell}: ` : '';
      if (c.shorted && c.time) marks.push({ x: c.time.value / 3600, y: 0, label: `${who}short at ${formatEstimate(c.currentDensity)}` });
      notes.push(who + c.message);
    }
    if (!series.length) return [];
    const c0 = list[0].result.ccd!;
    return [{
      id: `ccd-L${list[0].line}`, kind: 'ccd', title: `Critical current density: ${build}`, x: { title: 'time', unit: 'h' }, y: { title: 'voltage', unit: 'V' },
      series, marks, notes, line: list[0].line, derivation: c0.derivation,
    }];
  });
}

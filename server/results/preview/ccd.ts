// CCD staircases, one chart per cell, the short marked.
import { formatEstimate } from '../../domain/format';
import type { ChartModel } from '../../../protocol/preview';
import { byType, ChartRun, convert, find } from './series';

export function ccdCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'ccd').flatMap(({ result: r, line }): ChartModel[] => {
    const c = r.ccd;
    if (!c?.ok) return [];
    const v = convert(find(c.points, 'voltage'), r.cell, 'line', 1 / 3600, 1);
    if (!v) return [];
    const marks = c.shorted && c.time ? [{ x: c.time.value / 3600, y: 0, label: `short at ${formatEstimate(c.currentDensity)}` }] : [];
    return [{
      id: `ccd-L${line}`, kind: 'ccd', title: `Critical current density: ${r.cell}`, x: { title: 'time', unit: 'h' }, y: { title: 'voltage', unit: 'V' },
      series: [v], marks, notes: [c.message], line, derivation: c.derivation,
    }];
  });
}

// CCD staircases, one chart per cell, the short marked.
import { formatEstimate, formatQuantity } from '../../domain/format';
import type { ChartModel } from '../../../protocol/preview';
import { byType, ChartRun, convert, find, ofRun } from './series';

export function ccdCharts(runs: ChartRun[]): ChartModel[] {
  return byType(runs, 'ccd').flatMap((run): ChartModel[] => {
    const { result: r, line } = run;
    const c = r.ccd;
    if (!c?.ok) return [];
    const v = convert(find(c.points, 'voltage'), r.cell, 'line', 1 / 3600, 1);
    if (!v) return [];
    const marks = c.shorted && c.time ? [{ x: c.time.value / 3600, y: 0, label: `short at ${formatEstimate(c.currentDensity)}, ${formatQuantity(c.time.value, 'h')}` }] : [];
    return [{
      id: `ccd-L${line}`, kind: 'ccd', title: `Critical current density: ${r.cell}`, x: { title: 'time', unit: 'h' }, y: { title: 'voltage', unit: 'V' },
      series: [ofRun(v, run)], marks, notes: [c.message], line, derivation: c.derivation,
      place: { group: r.protocol, cell: r.cell, label: 'CCD staircase' },
    }];
  });
}

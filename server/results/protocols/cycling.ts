// Cycling and rate runs: capacities, CE, retention and failure per cycle; the rate table.
import { compareCycleCount, compareWindow, cyclingSummary, rateTable } from '../../analyses';
import { column } from '../../readers/types';
import { need, RunData, wrongKind } from './common';

export function cyclingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the cycling analysis');
  if (!cols) return;
  if (job.cell.activeMass === undefined) {
    result.issues.push({ at: l.at, message: `the cell ${job.cell.name} has no cathode loading: capacities per gram cannot be computed`, severity: 'error' });
    return;
  }
  const summary = cyclingSummary({ ...cols, cycle: column(l.table, 'cycle')?.values, activeMass: job.cell.activeMass, area, precycles: p.type === 'cycling' ? p.precycles ?? 0 : 0 });
  result.cycling = { ...summary, file: l.file };
  if (p.window) {
    const w = compareWindow(p.window, cols.voltage);
    if (w.ok && !w.withinPlan) result.plan.push(...w.warnings);
  }
  if (summary.ok) {
    const complete = summary.cycles.filter((c) => c.complete).length;
    const planned = p.type === 'cycling' ? (p.precycles ?? 0) + (p.cycles ?? 0) : (p.rates?.length ?? 0) * (p.cyclesEach ?? 0);
    const c = compareCycleCount(planned, complete);
    if (c.ok && !c.withinPlan) result.plan.push(...c.warnings);
    if (p.type === 'rate' && p.rates && p.cyclesEach) {
      const each = p.cyclesEach;
      result.rate = rateTable(summary, p.rates.map((r, k) => ({ rate: r.rate, firstCycle: k * each + 1, lastCycle: (k + 1) * each })));
    }
  }
}

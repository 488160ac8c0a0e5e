// Cycling and rate runs: capacities (from the file's capacity counter when it has one), CE,
// retention and failure per cycle; the rate table; with `dqdv`, the incremental capacity.
import { CapacityCounter, compareCycleCount, compareWindow, cyclingSummary, incrementalCapacity, rateTable } from '../../analyses';
import { column, DataTable } from '../../readers/types';
import { need, RunData, wrongKind } from './common';

export function cyclingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the cycling analysis');
  if (!cols || area === undefined) return;
  if (job.cell.activeMass === undefined) {
    result.issues.push({ at: l.at, message: `the cell ${job.cell.name} has no cathode loading: capacities per gram cannot be computed`, severity: 'error' });
    return;
  }
  const summary = cyclingSummary({
    ...cols, cycle: column(l.table, 'cycle')?.values, halfCycle: column(l.table, 'halfCycle')?.values, counter: capacityCounter(l.table),
    // A cycling protocol without `precycle` leaves it open, so the analysis can point out a formation cycle.
    activeMass: job.cell.activeMass, area, precycles: p.type === 'cycling' ? p.precycles : 0,
  });
  result.cycling = { ...summary, file: l.file };
  if (p.dqdv !== undefined) {
    result.incrementalCapacity = { ...incrementalCapacity({ ...cols, cycle: column(l.table, 'cycle')?.values, width: p.dqdv, activeMass: job.cell.activeMass }), file: l.file };
  }
  if (p.window) {
    const w = compareWindow(p.window, cols.voltage);
    if (w.ok && !w.withinPlan) result.plan.push(...w.warnings.map((x) => `${l.file}: ${x}`));
  }
  if (summary.ok) {
    const complete = summary.cycles.filter((c) => c.complete).length;
    const planned = p.type === 'cycling' ? (p.precycles ?? 0) + (p.cycles ?? 0) : (p.rates?.length ?? 0) * (p.cyclesEach ?? 0);
    const c = compareCycleCount(planned, complete);
    if (c.ok && !c.withinPlan) result.plan.push(...c.warnings.map((x) => `${l.file}: ${x}`));
    if (p.type === 'rate' && p.rates && p.cyclesEach) {
      const each = p.cyclesEach;
      result.rate = rateTable(summary, p.rates.map((r, k) => ({ rate: r.rate, firstCycle: k * each + 1, lastCycle: (k + 1) * each })));
    }
  }
}

/** The file's capacity counter: one per direction (Charge_Capacity, Discharge_Capacity) or one for both ((Q-Qo), Capacity). */
function capacityCounter(t: DataTable): CapacityCounter | undefined {
  const charge = column(t, 'chargeCapacity'), discharge = column(t, 'dischargeCapacity'), both = column(t, 'charge');
  if (charge && discharge) return { name: `${charge.name} / ${discharge.name}`, charge: charge.values, discharge: discharge.values };
  return both ? { name: both.name, both: both.values } : undefined;
}

// Cycling and rate runs: capacities (from the file's capacity counter when it has one), CE,
// retention and failure per cycle; the rate table; with `dqdv`, the incremental capacity.
import {
  CYCLING_ANALYSIS_VERSION, CapacityCounter, CyclingInput, CyclingResult, CyclingResume, compareCycleCount, compareWindow, cyclingSummary, cyclingSummaryResumable, incrementalCapacity, rateTable,
} from '../../analyses';
import { Column, column, DataTable } from '../../readers/types';
import { isLiveTable, keepAnalysisState, takeAnalysisState } from '../liveTables';
import { cachedAnalysis } from '../tableCache';
import { needColumns, RunData, wrongKind } from './common';

export function cyclingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && needColumns(l, ['time', 'voltage', 'current'], result, 'the cycling analysis');
  if (!cols || area === undefined) return;
  const activeMass = job.cell.activeMass;
  if (activeMass === undefined) {
    result.issues.push({ at: l.at, message: `the cell ${job.cell.name} has no cathode loading: capacities per gram cannot be computed`, severity: 'error' });
    return;
  }
  // A cycling protocol without `precycle` leaves it open, so the analysis can point out a formation cycle.
  const precycles = p.type === 'cycling' ? p.precycles : 0;
  const counter = capacityCounter(l.table);
  const window = p.window;
  // The costly part (every row read), kept on disk beside a cached table: by its settings (the
  // table is the rest). The columns' values are read only here, so a result found kept costs none.
  const settings = JSON.stringify(['cycling', activeMass, area, precycles ?? null, counter?.name ?? null, window ?? null]);
  const { summary, inWindow } = cachedAnalysis(l.table, settings, CYCLING_ANALYSIS_VERSION, () => {
    const input: CyclingInput = {
      time: cols.time.values, voltage: cols.voltage.values, current: cols.current.values,
      cycle: column(l.table, 'cycle')?.values, halfCycle: column(l.table, 'halfCycle')?.values, counter: counter && counterValues(counter),
      activeMass, area, precycles,
    };
    return { summary: summarise(l.table, input), inWindow: window ? windowCheck(l.table, window, cols.voltage.values) : undefined };
  });
  result.cycling = { ...summary, file: l.file };
  if (p.dqdv !== undefined) {
    const dqdv = incrementalCapacity({ time: cols.time.values, voltage: cols.voltage.values, current: cols.current.values, cycle: column(l.table, 'cycle')?.values, width: p.dqdv, activeMass });
    result.incrementalCapacity = { ...dqdv, file: l.file };
  }
  if (inWindow && inWindow.ok && !inWindow.withinPlan) result.plan.push(...inWindow.warnings.map((x) => `${l.file}: ${x}`));
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

/**
 * The cycling summary; of a file still being written, read on from its last cycle when rows were
 * appended (the same result as the whole analysis, analyses/cyclingRows.ts).
 */
function summarise(table: DataTable, input: CyclingInput): CyclingResult {
  if (!isLiveTable(table)) return cyclingSummary(input);
  const { result, resume } = cyclingSummaryResumable(input, takeAnalysisState<CyclingResume>(table, 'cycling'));
  if (resume) keepAnalysisState(table, 'cycling', resume);
  return result;
}

/** The extremes of the voltage of the rows seen so far, kept with a live table. */
interface VoltageExtremes { rows: number; min: number; max: number }

/**
 * Whether the data stay in the planned window, and the warnings when not: compareWindow's. Only
 * the lowest and highest voltage decide both (a sample lies outside exactly when one of them
 * does, and the warnings name them), so for a file still being written, whose voltages are all
 * finite, the extremes are kept with the table and only the appended rows are read.
 */
export function windowCheck(table: DataTable, window: readonly [number, number], voltage: Float64Array): { ok: boolean; withinPlan?: boolean; warnings: string[] } {
  if (!isLiveTable(table)) return windowVerdict(compareWindow(window, voltage));
  const prev = takeAnalysisState<VoltageExtremes>(table, 'voltage extremes');
  let { rows, min, max } = prev && prev.rows <= voltage.length ? prev : { rows: 0, min: Infinity, max: -Infinity };
  for (; rows < voltage.length; rows++) {
    const v = voltage[rows];
    if (!Number.isFinite(v)) return windowVerdict(compareWindow(window, voltage)); // its warnings count the rows left out
    if (v < min) min = v;
    if (v > max) max = v;
  }
  keepAnalysisState(table, 'voltage extremes', { rows, min, max });
  return windowVerdict(compareWindow(window, rows ? [min, max] : voltage));
}

/** What the handler uses of a window check. */
function windowVerdict(w: ReturnType<typeof compareWindow>): { ok: boolean; withinPlan?: boolean; warnings: string[] } {
  return { ok: w.ok, withinPlan: w.ok ? w.withinPlan : undefined, warnings: w.warnings };
}

/** The file's capacity counter: one per direction (Charge_Capacity, Discharge_Capacity) or one for both ((Q-Qo), Capacity); its columns, not yet their values. */
function capacityCounter(t: DataTable): { name: string; charge?: Column; discharge?: Column; both?: Column } | undefined {
  const charge = column(t, 'chargeCapacity'), discharge = column(t, 'dischargeCapacity'), both = column(t, 'charge');
  if (charge && discharge) return { name: `${charge.name} / ${discharge.name}`, charge, discharge };
  return both ? { name: both.name, both } : undefined;
}

function counterValues(c: NonNullable<ReturnType<typeof capacityCounter>>): CapacityCounter {
  return c.both ? { name: c.name, both: c.both.values } : { name: c.name, charge: c.charge!.values, discharge: c.discharge!.values };
}

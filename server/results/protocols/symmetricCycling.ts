// Long-term symmetric cycling runs: overpotential and ASR per half-cycle, the short, hours cycled;
// the data compared with the planned current and capacity per half-cycle.
import { symmetricCycling } from '../../analyses';
import { need, RunData, wrongKind } from './common';

export function symmetricCyclingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the symmetric cycling analysis');
  if (!cols || area === undefined) return;
  const { shortCollapseFraction: collapseFraction, shortSustainFraction: sustainFraction } = job.analysis ?? {};
  const r = symmetricCycling({ ...cols, area, plannedCurrentDensity: p.current, plannedCapacity: p.capacity, collapseFraction, sustainFraction });
  result.symmetric = { ...r, file: l.file };
  // Mismatches with the plan are findings on the run, not only warnings of the analysis.
  if (r.ok) result.plan.push(...r.warnings.filter((w) => /not the planned/.test(w)).map((w) => `${l.file}: ${w}`));
}

// GITT runs: D (or D/L²) per pulse by Weppner–Huggins with its √t check, on the run's DC trace;
// the pulses compared with the planned current and pulse length.
import { compareCurrent, gittAnalysis } from '../../analyses';
import { formatQuantity } from '../../domain/format';
import { need, RunData, wrongKind } from './common';

export function gittRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the GITT analysis');
  if (!cols || area === undefined) return;
  const r = gittAnalysis({ ...cols, area, diffusionLength: p.diffusionLength, activeMass: job.cell.activeMass });
  result.gitt = { ...r, file: l.file };
  if (p.current !== undefined) {
    const c = compareCurrent(p.current, area, cols.current);
    if (c.ok && !c.withinPlan) result.plan.push(...c.warnings.map((w) => `${l.file}: ${w}`));
  }
  if (r.ok && p.pulse !== undefined) {
    const off = r.pulses.filter((x) => Math.abs(x.tau - p.pulse!) > 0.05 * p.pulse!);
    if (off.length) result.plan.push(`${l.file}: ${off.length} of ${r.pulses.length} pulses last other than the planned ${formatQuantity(p.pulse, 'min')} (pulse ${off[0].index}: ${formatQuantity(off[0].tau, 'min')})`);
  }
  if (r.ok && p.pulses !== undefined && r.pulses.length !== p.pulses) result.plan.push(`${l.file}: ${r.pulses.length} of the ${p.pulses} planned pulses are in the data`);
}

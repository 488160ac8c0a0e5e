// DC polarisation runs: the steady current under a constant voltage and σ_e = L I_ss / (V A), with
// L the pellet's thickness from the stack.
import { dcPolarisation } from '../../analyses';
import { formatQuantity } from '../../domain/format';
import { need, RunData, wrongKind } from './common';

export function dcPolarisationRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'the DC polarisation analysis');
  if (!cols || area === undefined) return;
  const thickness = job.cell.electrolyte?.thickness;
  if (thickness === undefined) {
    result.issues.push({ at: l.at, severity: 'error', message: `the stack of ${job.cell.name} gives no thickness for its electrolyte pellet: σ_e = L I_ss/(V A) needs L` });
    return;
  }
  const r = dcPolarisation({ ...cols, area, thickness, plannedVoltage: p.voltage });
  result.dcPolarisation = { ...r, file: l.file };
  if (r.ok && p.hold !== undefined && r.end - r.start < 0.95 * p.hold) {
    result.plan.push(`${l.file}: the voltage was held for ${formatQuantity(r.end - r.start, 'h')}, not the planned ${formatQuantity(p.hold, 'h')}`);
  }
}

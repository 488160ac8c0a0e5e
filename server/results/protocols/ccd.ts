// CCD runs: the short of a symmetric cell on the planned current ramp.
import { detectShort } from '../../analyses';
import { need, RunData, wrongKind } from './common';

export function ccdRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  if (eis.length) wrongKind(eis, result, 'EIS');
  const l = dc[0];
  const cols = l && need(l, ['time', 'voltage', 'current'], result, 'CCD detection');
  if (!cols || area === undefined) return;
  const planned = p.start !== undefined && p.step !== undefined && p.step > 0
    ? Array.from({ length: Math.min(1000, Math.floor(((p.until ?? p.start + 99 * p.step) - p.start) / p.step + 1e-9) + 1) }, (_, k) => p.start! + k * p.step!)
    : undefined;
  const { shortCollapseFraction: collapseFraction, shortSustainFraction: sustainFraction } = job.analysis ?? {};
  result.ccd = { ...detectShort({ ...cols, area, stepCurrentDensities: planned, collapseFraction, sustainFraction }), file: l.file };
}

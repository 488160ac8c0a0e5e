// Strip and Sand runs: the critical stripping capacity per file, the Sand fit across currents, and
// the spectra taken while stripping (R_ohm and contact retention, contact.ts), which suffice on
// their own when they lie on a stripped capacity.
import { compareCurrent, criticalStripping, sandFit } from '../../analyses';
import { formatSI } from '../../domain/format';
import { concentration, LITHIUM } from '../../domain/physics';
import { need, nearest, RunData } from './common';
import { contactOfSpectra } from './contact';

export function strippingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  result.stripping = [];
  const contact = eis.length ? contactOfSpectra(eis, job, area) : undefined;
  if (contact) {
    result.contact = contact.contact;
    result.plan.push(...contact.plan);
  }
  const placed = !!contact?.contact.capacityFrom;
  if (!dc.length && eis.length && !placed) {
    result.issues.push({ at: eis[0].at, file: eis[0].file, line: 0, severity: 'error', message: `only EIS spectra were given: a ${p.type} run needs the DC stripping trace (time, voltage, current), or the stripped capacity of each spectrum (a charge column such as (Q-Qo)/mA.h in the files, the run's stripped list, or "every X mAh/cm²" in the eis protocol)` });
  } else if (eis.length && !placed) {
    result.plan.push('the EIS spectra cannot be placed on the stripped capacity: give the protocol an eis companion with "every X mAh/cm²", or the run a "stripped" list');
  }
  for (const l of dc) {
    const cols = need(l, ['time', 'voltage', 'current'], result, 'the stripping analysis');
    if (!cols || p.cutoff === undefined || area === undefined) continue;
    const s = criticalStripping({ ...cols, area, cutoff: p.cutoff });
    result.stripping.push({ ...s, file: l.file });
    if (s.ok && s.reached && job.cell.inventory !== undefined && s.capacity.value > job.cell.inventory * 1.001) {
      result.plan.push(`${l.file}: ${formatSI(s.capacity.value, 'C/m²')} were stripped, more than the ${formatSI(job.cell.inventory, 'C/m²')} of Li in the foil the spec gives ${job.cell.name}: check the foil thickness or the counter electrode`);
    }
    const planned = p.type === 'strip' ? p.current : nearest(p.currents ?? [], s.ok ? s.currentDensity.value : undefined);
    if (planned !== undefined) {
      const c = compareCurrent(planned, area, cols.current);
      if (c.ok && !c.withinPlan) result.plan.push(...c.warnings.map((w) => `${l.file}: ${w}`));
    }
  }
  if (p.type === 'sand') {
    const points = result.stripping.filter((s) => s.ok && s.reached).map((s) => ({ file: s.file, currentDensity: s.ok ? s.currentDensity.value : 0, t0: s.ok ? s.t0.value : 0, reached: true }));
    // Sand's c0 is the anode metal's density / molar mass; Li metal when the spec does not say.
    const c0 = job.cell.c0 ?? concentration(LITHIUM.density, LITHIUM.molarMass);
    if (job.cell.c0 === undefined) result.plan.push(`the anode of ${job.cell.name} has no density and molar mass: c0 of Li metal (0.534 g/cm³ / 6.941 g/mol) is used for D_eff`);
    result.sand = { measurements: points, fit: sandFit(points, c0) };
  }
}

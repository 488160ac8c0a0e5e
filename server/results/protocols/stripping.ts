// Strip and Sand runs: the critical stripping capacity per file, the Sand fit across currents, and
// the spectra taken while stripping (R_ohm and contact retention).
import { compareCurrent, contactRetention, criticalStripping, sandFit } from '../../analyses';
import { inDisplayUnits } from '../../domain/format';
import { concentration, LITHIUM } from '../../domain/physics';
import { need, nearest, RunData } from './common';
import { analyseSpectrum } from './eis';

export function strippingRun({ job, result, dc, eis, area }: RunData): void {
  const p = job.protocol;
  result.stripping = [];
  if (!dc.length && eis.length) {
    result.issues.push({ at: eis[0].at, file: eis[0].file, line: 0, severity: 'error', message: `only EIS spectra were given: a ${p.type} run needs the DC stripping trace (time, voltage, current)` });
  }
  for (const l of dc) {
    const cols = need(l, ['time', 'voltage', 'current'], result, 'the stripping analysis');
    if (!cols || p.cutoff === undefined) continue;
    const s = criticalStripping({ ...cols, area, cutoff: p.cutoff });
    result.stripping.push({ ...s, file: l.file });
    if (s.ok && s.reached && job.cell.inventory !== undefined && s.capacity.value > job.cell.inventory * 1.001) {
      const areal = (si: number) => inDisplayUnits({ value: si, unit: 'C/m²' }).value.toFixed(2);
      result.plan.push(`${l.file}: ${areal(s.capacity.value)} mAh/cm² were stripped, more than the ${areal(job.cell.inventory)} mAh/cm² of Li in the foil the spec gives ${job.cell.name}: check the foil thickness or the counter electrode`);
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
  if (eis.length) {
    const every = p.eisEvery?.capacity;
    const spectra = eis.map((l, k) => analyseSpectrum(l, p, every !== undefined ? k * every : undefined));
    const points = spectra.filter((s) => s.rOhm && s.capacity !== undefined).map((s) => ({ capacity: s.capacity!, rOhm: s.rOhm!.value }));
    result.contact = { spectra, retention: points.length >= 2 ? contactRetention(points) : undefined };
    if (every === undefined) result.plan.push('the EIS spectra cannot be placed on the stripped capacity: give the protocol an eis companion with "every X mAh/cm²"');
  }
}

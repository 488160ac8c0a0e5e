// Charts of impedance spectra: contact retention and R_ohm against stripped capacity (cells
// compared), Nyquist per run, and for each run's last fitted spectrum Bode, residuals and DRT.
import { formatNumber, formatEstimate } from '../../domain/format';
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { displayOf } from '../../domain/units';
import { NOT_DETERMINED } from '../../analyses/eis';
import { drtRInf } from '../summaries';
import { ChartRun, convert, fileName, find } from './series';

export function contactCharts(runs: ChartRun[]): ChartModel[] {
  const contact = runs.filter((x) => x.result.contact?.retention?.ok);
  if (!contact.length) return [];
  const retention: ChartSeries[] = [], rohm: ChartSeries[] = [];
  const capacity = displayOf('C/m²').factor;
  for (const { result: r } of contact) {
    const ret = r.contact!.retention!;
    if (!ret.ok) continue;
    retention.push({ name: r.cell, mark: 'line', points: ret.series.map((p) => [p.capacity.value * capacity, p.retention.value * 100]) });
    rohm.push({ name: r.cell, mark: 'line', points: ret.series.map((p) => [p.capacity.value * capacity, p.rOhm.value]) });
  }
  const fromFit = contact.some(({ result: r }) => r.contact!.method === 'fit');
  const notes = contact.flatMap(({ result: r }) => (r.contact!.methodNote ? [`${r.cell}: ${r.contact!.methodNote}`] : []));
  const x = { title: 'stripped capacity', unit: 'mAh/cm²' };
  return [
    { id: 'contact', kind: 'contact', title: 'Contact retention a = (R_first/R)²', x, y: { title: 'contact retained', unit: '%' },
      series: retention, line: contact[0].line, derivation: contact[0].result.contact!.retention!.derivation },
    { id: 'rohm', kind: 'rohm', title: `Ohmic resistance (${fromFit ? 'series R of the fitted circuit' : 'high-frequency intercept'})`, x, y: { title: 'R_ohm', unit: 'Ω' },
      series: rohm, line: contact[0].line, ...(notes.length ? { notes } : {}),
      derivation: fromFit
        ? 'R_ohm of each spectrum: the series resistance of the fitted circuit (r-ohm fit, which every spectrum of a run uses only when every fit converged).'
        : 'R_ohm of each spectrum: the high-frequency intercept of the real axis, from a local fit (the zero crossing of -Im(Z), or a circle through the first arc).' },
  ];
}

/** Every spectrum of the run as measured, with the fit of its last fitted spectrum drawn over it. */
export function nyquistCharts(runs: ChartRun[]): ChartModel[] {
  return runs.filter((x) => x.result.contact?.spectra.length).flatMap(({ result: r, line }): ChartModel[] => {
    const series = r.contact!.spectra.flatMap((s) => {
      const conv = s.result.ok ? convert(find(s.result.points, 'spectrum'), fileName(s.file), 'point', 1, 1) : undefined;
      return conv ? [conv] : [];
    });
    const fitted = r.contact!.spectra.filter((s) => s.fit?.ok);
    const last = fitted[fitted.length - 1]?.fit;
    const notes: string[] = [];
    if (last?.ok) {
      const fitLine = convert(last.points.find((p) => p.name.startsWith('fit ')), `fit ${last.circuit} (${fileName(fitted[fitted.length - 1].file)})`, 'line', 1, 1);
      if (fitLine) series.push(fitLine);
      notes.push(last.parameters.map((p) => `${p.name} = ${formatEstimate(p.value, 4)}${p.determined === false && !p.atBound ? ' (not determined)' : ''}`).join(', '), `RMSE ${formatEstimate(last.rmse, 3)}; ${last.converged ? 'converged' : 'not converged'}`);
      const vague = last.warnings.find((w) => w.startsWith(NOT_DETERMINED));
      if (vague) notes.push(vague);
    }
    if (!series.length) return [];
    return [{
      id: `nyquist-L${line}`, kind: 'nyquist', title: `Nyquist: ${r.run}`, x: { title: 'Re(Z)', unit: 'Ω', zero: true }, y: { title: '-Im(Z)', unit: 'Ω', zero: true },
      series, notes, line, derivation: last?.ok ? `Spectra as measured, -Im(Z) upwards; ${last.derivation}` : 'Spectra as measured; -Im(Z) upwards.',
    }];
  });
}

/**
 * For each run's last spectrum (its last fitted one when it has a circuit): Bode (|Z| and phase,
 * with the fit), the fit residuals, and the DRT, which needs no circuit.
 */
export function fitCharts(runs: ChartRun[]): ChartModel[] {
  const charts: ChartModel[] = [];
  for (const { result: r, line } of runs) {
    const spectra = r.contact?.spectra ?? [];
    const fitted = spectra.filter((s) => s.fit?.ok);
    const s = fitted[fitted.length - 1] ?? spectra[spectra.length - 1];
    if (!s) continue;
    const f = s.fit?.ok ? s.fit : undefined;
    const name = fileName(s.file);
    const linkk = s.linkk?.ok ? [`Lin-KK: ${s.linkk.passed ? 'passed' : 'failed (' + s.linkk.flags.join(', ') + ')'}, ${s.linkk.elements} RC elements, RMS ${formatNumber(s.linkk.rms.value * 100, 3)} %`] : [];
    const b = s.bode;
    if (b && (f || s.drt?.ok)) {
      const pts = (y: number[]) => b.frequency.map((x, i) => [x, y[i]] as [number, number]);
      const frequency = { title: 'frequency', unit: 'Hz', scale: 'log' as const };
      const fitted = (y: number[] | undefined) => (f && y ? [{ name: `fit ${f.circuit}`, mark: 'line' as const, points: pts(y) }] : []);
      charts.push({ id: `bode-L${line}`, kind: 'bode', title: `Bode |Z|: ${r.cell}, ${name}`, x: frequency, y: { title: '|Z|', unit: 'Ω', scale: 'log' },
        series: [{ name, mark: 'point', points: pts(b.modulus) }, ...fitted(b.fitModulus)], ...(f ? {} : { notes: linkk }),
        line, derivation: f ? '|Z| of the data, and of the fitted circuit at the measured frequencies.' : '|Z| of the data.' });
      charts.push({ id: `bode-phase-L${line}`, kind: 'bode', title: `Bode phase: ${r.cell}, ${name}`, x: frequency, y: { title: 'phase', unit: '°' },
        series: [{ name, mark: 'point', points: pts(b.phase) }, ...fitted(b.fitPhase)],
        line, derivation: f ? 'Phase of Z in degrees, data and fitted circuit.' : 'Phase of Z in degrees.' });
    }
    const res = f ? ['residual Re (relative to |Z|)', 'residual Im (relative to |Z|)']
      .map((n) => convert(find(f.points, n), n.replace(' (relative to |Z|)', ''), 'point', 1, 100)).filter((x): x is ChartSeries => !!x) : [];
    if (f && res.length) {
      charts.push({ id: `residuals-L${line}`, kind: 'residuals', title: `Fit residuals: ${r.cell}, ${name}`, x: { title: 'frequency', unit: 'Hz', scale: 'log' }, y: { title: 'residual', unit: '% of |Z|' },
        series: res, notes: linkk, line, derivation: '(Z − Z_fit)/|Z| for the real and imaginary parts.' });
    }
    const d = s.drt?.ok ? s.drt : undefined;
    const g = d && convert(find(d.points, 'DRT γ(τ)'), 'γ(τ)', 'line', 1, 1);
    if (d && g) {
      charts.push({ id: `drt-L${line}`, kind: 'drt', title: `DRT: ${r.cell}, ${name}`, x: { title: 'τ', unit: 's', scale: 'log' }, y: { title: 'γ', unit: 'Ω' },
        series: [g], marks: d.peaks.map((p) => ({ x: p.tau.value, y: p.gamma, label: `τ ${formatNumber(p.tau.value, 3)} s, ${formatEstimate(p.resistance, 3)}` })),
        notes: [`λ = ${formatNumber(d.lambda, 3)} (${d.lambdaMethod === 'gcv' ? 'cross-validation' : 'set in the spec'}); R∞ ${drtRInf(d)}; R_pol ${formatEstimate(d.polarisation, 4)}`,
          ...d.warnings.filter((w) => /^λ is at the (bottom|top)|^R∞ sits at its bound/.test(w))],
        line, derivation: d.derivation });
    }
  }
  return charts;
}

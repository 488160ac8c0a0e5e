// The preview's model: charts compared across cells like the study's figures, the results table,
// the plan's predictions. Everything is computed here, in the field's units; the page only draws.
import { decimate, PlotSeries } from '../analyses';
import { Analysis } from '../engine/analysis';
import { Diagnostic } from '../engine/syntax';
import { formatNumber, formatQuantity } from '../engine/units';
import type { ChartModel, ChartSeries, PreviewModel } from '../../webview/protocol';
import { RunResult } from './execute';
import { RunJob } from './jobs';
import { displayOf } from './present';
import { fmtEstimate, summarize } from './summaries';

export interface PreviewInput {
  analysis: Analysis;
  version: number;
  diagnostics: Diagnostic[];
  jobs?: RunJob[];
  results?: RunResult[];
  dataPending: boolean;
}

/**
 * Points per series the page gets: a chart card is ~600 px wide, so more points only cost drawing
 * time (each line point is also a hover target). Min/max per bucket keeps spikes and shorts.
 */
const MAX_LINE_POINTS = 400, MAX_POINT_MARKS = 1500;

/** A series of an analysis, converted to display units (x scaled by xf, y by yf) and decimated. */
function convert(p: PlotSeries | undefined, name: string, mark: 'line' | 'point', xf = displayOf(p?.xUnit ?? '').factor, yf = displayOf(p?.yUnit ?? '').factor): ChartSeries | undefined {
  if (!p || !p.x.length) return undefined;
  const d = decimate(p.x, p.y, mark === 'line' ? MAX_LINE_POINTS : MAX_POINT_MARKS);
  return { name, mark, points: d.x.map((x, i) => [x * xf, d.y[i] * yf] as [number, number]) };
}

const find = (points: PlotSeries[] | undefined, name: string) => points?.find((p) => p.name === name);

export function buildPreviewModel(input: PreviewInput): PreviewModel {
  const a = input.analysis;
  const lineOf = (offset: number) => a.file.lines.position(offset).line + 1;
  const jobs = input.jobs ?? [];
  const results = input.results ?? [];
  const runs = jobs.map((job, k) => ({ job, r: results[k], line: lineOf(job.header.start) })).filter((x) => x.r);
  const charts: ChartModel[] = [];
  const byType = (t: string) => runs.filter((x) => x.r.type === t);

  // Sand: t0^-1/2 against i with the fit, one series per anode (the study's D_eff figure).
  const sand = byType('sand').filter((x) => x.r.sand?.fit.ok);
  if (sand.length) {
    const series: ChartSeries[] = [];
    const notes: string[] = [];
    for (const { r } of sand) {
      const fit = r.sand!.fit;
      if (!fit.ok) continue;
      const who = r.anode ?? r.cell;
      const data = convert(find(fit.points, 't0^-1/2'), who, 'point');
      const line = convert(find(fit.points, 'free fit'), `${who} fit`, 'line');
      if (data) series.push(data);
      if (line) series.push(line);
      notes.push(`${who}: D_eff = ${fmtEstimate(fit.free.dEff)} (R² ${formatNumber(fit.free.r2.value, 4)})`);
    }
    charts.push({ id: 'sand', kind: 'sand', title: "Sand's plot: t0^-1/2 against current density", x: { title: 'current density', unit: 'mA/cm²' }, y: { title: 't0^-1/2', unit: 's^-1/2' },
      series, notes, line: sand[0].line, derivation: sand[0].r.sand!.fit.derivation });
  }

  // Stripping curves: one chart per protocol, the cells compared; the cutoff and each t0 marked.
  const strips = new Map<string, typeof runs>();
  for (const x of byType('strip')) strips.set(x.r.protocol, [...(strips.get(x.r.protocol) ?? []), x]);
  for (const [proto, list] of strips) {
    const series: ChartSeries[] = [];
    const marks: ChartModel['marks'] = [];
    for (const { r } of list) {
      for (const s of r.stripping ?? []) {
        if (!s.ok) continue;
        const v = convert(find(s.points, 'voltage'), r.cell, 'line');
        if (v) series.push(v);
        const c = find(s.points, 'cutoff crossing');
        if (c && s.reached) marks.push({ x: c.x[0] * displayOf(c.xUnit).factor, y: c.y[0], label: `${r.cell}: t0 ${formatQuantity(s.t0.value, 'h')}, ${fmtEstimate(s.capacity)}` });
      }
    }
    const cutoff = list[0].job.protocol.cutoff;
    if (series.length) charts.push({ id: `strip-${proto}`, kind: 'stripping', title: `Stripping to the cutoff: ${proto}`, x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'voltage', unit: 'V' },
      series, marks, rules: cutoff !== undefined ? [{ axis: 'y', value: cutoff, label: `cutoff ${formatNumber(cutoff)} V` }] : [], line: list[0].line, derivation: list[0].r.stripping?.find((s) => s.ok)?.derivation ?? '' });
  }

  // CCD staircases, one per cell, the short marked.
  for (const { r, line } of byType('ccd')) {
    const c = r.ccd;
    if (!c?.ok) continue;
    const v = convert(find(c.points, 'voltage'), r.cell, 'line', 1 / 3600, 1);
    if (!v) continue;
    const marks = c.shorted && c.time ? [{ x: c.time.value / 3600, y: 0, label: `short at ${fmtEstimate(c.currentDensity)}` }] : [];
    charts.push({ id: `ccd-L${line}`, kind: 'ccd', title: `Critical current density: ${r.cell}`, x: { title: 'time', unit: 'h' }, y: { title: 'voltage', unit: 'V' },
      series: [v], marks, notes: [c.message], line, derivation: c.derivation });
  }

  // Contact retention and R_ohm against stripped capacity, cells compared; Nyquist per run.
  const contact = runs.filter((x) => x.r.contact?.retention?.ok);
  if (contact.length) {
    const retention: ChartSeries[] = [], rohm: ChartSeries[] = [];
    for (const { r } of contact) {
      const ret = r.contact!.retention!;
      if (!ret.ok) continue;
      retention.push({ name: r.cell, mark: 'line', points: ret.series.map((p) => [p.capacity.value * displayOf('C/m²').factor, p.retention.value * 100]) });
      rohm.push({ name: r.cell, mark: 'line', points: ret.series.map((p) => [p.capacity.value * displayOf('C/m²').factor, p.rOhm.value]) });
    }
    charts.push({ id: 'contact', kind: 'contact', title: 'Contact retention a = (R_first/R)²', x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'contact retained', unit: '%' },
      series: retention, line: contact[0].line, derivation: contact[0].r.contact!.retention!.derivation });
    const fromFit = contact.some(({ r }) => r.contact!.spectra.some((s) => s.rOhm?.method === 'fit'));
    charts.push({ id: 'rohm', kind: 'rohm', title: `Ohmic resistance (${fromFit ? 'series R of the fitted circuit where it converged' : 'high-frequency intercept'})`, x: { title: 'stripped capacity', unit: 'mAh/cm²' }, y: { title: 'R_ohm', unit: 'Ω' },
      series: rohm, line: contact[0].line, derivation: fromFit ? 'R_ohm of each spectrum: the series resistance of the fitted circuit (r-ohm fit), else the high-frequency intercept of the real axis.' : 'R_ohm of each spectrum: the high-frequency intercept of the real axis.' });
  }
  for (const { r, line } of runs.filter((x) => x.r.contact?.spectra.length)) {
    const series = r.contact!.spectra.flatMap((s) => {
      const conv = s.result.ok ? convert(find(s.result.points, 'spectrum'), s.file.replace(/^.*\//, ''), 'point', 1, 1) : undefined;
      return conv ? [conv] : [];
    });
    // The fit of the last fitted spectrum is drawn over the data.
    const fitted = r.contact!.spectra.filter((s) => s.fit?.ok);
    const last = fitted[fitted.length - 1]?.fit;
    const notes: string[] = [];
    if (last?.ok) {
      const fitLine = convert(last.points.find((p) => p.name.startsWith('fit ')), `fit ${last.circuit} (${fitted[fitted.length - 1].file.replace(/^.*\//, '')})`, 'line', 1, 1);
      if (fitLine) series.push(fitLine);
      notes.push(last.parameters.map((p) => `${p.name} = ${fmtEstimate(p.value, 4)}`).join(', '), `RMSE ${fmtEstimate(last.rmse, 3)}; ${last.converged ? 'converged' : 'not converged'}`);
    }
    if (series.length) charts.push({ id: `nyquist-L${line}`, kind: 'nyquist', title: `Nyquist: ${r.run}`, x: { title: 'Re(Z)', unit: 'Ω', zero: true }, y: { title: '-Im(Z)', unit: 'Ω', zero: true },
      series, notes, line, derivation: last?.ok ? `Spectra as measured, -Im(Z) upwards; ${last.derivation}` : 'Spectra as measured; -Im(Z) upwards.' });
  }

  // EIS fits: for each run, its last fitted spectrum as Nyquist and Bode with the fit, residuals, DRT.
  for (const { r, line } of runs) {
    const fitted = r.contact?.spectra.filter((s) => s.fit?.ok) ?? [];
    const s = fitted[fitted.length - 1];
    if (!s || !s.fit?.ok) continue;
    const f = s.fit;
    const name = s.file.replace(/^.*\//, '');
    const b = s.bode;
    if (b) {
      const pts = (y: number[]) => b.frequency.map((x, i) => [x, y[i]] as [number, number]);
      charts.push({ id: `bode-L${line}`, kind: 'bode', title: `Bode |Z|: ${r.cell}, ${name}`, x: { title: 'frequency', unit: 'Hz', scale: 'log' }, y: { title: '|Z|', unit: 'Ω', scale: 'log' },
        series: [{ name, mark: 'point', points: pts(b.modulus) }, ...(b.fitModulus ? [{ name: `fit ${f.circuit}`, mark: 'line' as const, points: pts(b.fitModulus) }] : [])], line, derivation: '|Z| of the data, and of the fitted circuit at the measured frequencies.' });
      charts.push({ id: `bode-phase-L${line}`, kind: 'bode', title: `Bode phase: ${r.cell}, ${name}`, x: { title: 'frequency', unit: 'Hz', scale: 'log' }, y: { title: 'phase', unit: '°' },
        series: [{ name, mark: 'point', points: pts(b.phase) }, ...(b.fitPhase ? [{ name: `fit ${f.circuit}`, mark: 'line' as const, points: pts(b.fitPhase) }] : [])], line, derivation: 'Phase of Z in degrees, data and fitted circuit.' });
    }
    const res = ['residual Re (relative to |Z|)', 'residual Im (relative to |Z|)'].map((n) => convert(find(f.points, n), n.replace(' (relative to |Z|)', ''), 'point', 1, 100)).filter((x): x is ChartSeries => !!x);
    if (res.length) charts.push({ id: `residuals-L${line}`, kind: 'residuals', title: `Fit residuals: ${r.cell}, ${name}`, x: { title: 'frequency', unit: 'Hz', scale: 'log' }, y: { title: 'residual', unit: '% of |Z|' },
      series: res, notes: s.linkk?.ok ? [`Lin-KK: ${s.linkk.passed ? 'passed' : 'failed (' + s.linkk.flags.join(', ') + ')'}, ${s.linkk.elements} RC elements, RMS ${formatNumber(s.linkk.rms.value * 100, 3)} %`] : [], line, derivation: '(Z − Z_fit)/|Z| for the real and imaginary parts.' });
    const d = s.drt?.ok ? s.drt : undefined;
    if (d) {
      const g = convert(find(d.points, 'DRT γ(τ)'), 'γ(τ)', 'line', 1, 1);
      if (g) charts.push({ id: `drt-L${line}`, kind: 'drt', title: `DRT: ${r.cell}, ${name}`, x: { title: 'τ', unit: 's', scale: 'log' }, y: { title: 'γ', unit: 'Ω' },
        series: [g], marks: d.peaks.map((p) => ({ x: p.tau.value, y: p.gamma, label: `τ ${formatNumber(p.tau.value, 3)} s, ${fmtEstimate(p.resistance, 3)}` })),
        notes: [`λ = ${formatNumber(d.lambda, 3)} (${d.lambdaMethod === 'gcv' ? 'cross-validation' : 'set in the spec'}); R∞ ${fmtEstimate(d.rInf, 4)}; R_pol ${fmtEstimate(d.polarisation, 4)}`], line, derivation: d.derivation });
    }
  }

  // Cycling: discharge capacity and CE against cycle number, cells compared; rate capability.
  const cyc = runs.filter((x) => (x.r.type === 'cycling') && x.r.cycling?.ok);
  if (cyc.length) {
    const cap: ChartSeries[] = [], ce: ChartSeries[] = [];
    for (const { r } of cyc) {
      const c = r.cycling!;
      if (!c.ok) continue;
      const d = convert(find(c.points, 'discharge capacity'), r.cell, 'point');
      const e = convert(find(c.points, 'coulombic efficiency'), r.cell, 'point', 1, 100);
      if (d) cap.push(d);
      if (e) ce.push(e);
    }
    charts.push({ id: 'capacity', kind: 'capacity', title: 'Discharge capacity', x: { title: 'cycle', unit: '' }, y: { title: 'discharge capacity', unit: 'mAh/g' }, series: cap, line: cyc[0].line, derivation: cyc[0].r.cycling!.derivation });
    charts.push({ id: 'ce', kind: 'ce', title: 'Coulombic efficiency', x: { title: 'cycle', unit: '' }, y: { title: 'CE', unit: '%' }, series: ce, line: cyc[0].line, derivation: 'CE = discharge / charge capacity of each complete cycle.' });
  }
  const rate = runs.filter((x) => x.r.rate?.ok);
  if (rate.length) {
    charts.push({ id: 'rate', kind: 'rate', title: 'Rate capability', x: { title: 'segment (C-rate)', unit: '' }, y: { title: 'mean discharge capacity', unit: 'mAh/g' },
      series: rate.map(({ r }) => ({ name: r.cell, mark: 'line' as const, points: r.rate!.ok ? r.rate!.rows.map((row, k) => [k + 1, row.discharge.perMass.value * displayOf('C/kg').factor] as [number, number]) : [] })),
      notes: rate.map(({ r }) => `${r.cell}: ${r.rate!.ok ? r.rate!.rows.map((row) => `${formatNumber(row.rate)} C`).join(', ') : ''}`), line: rate[0].line, derivation: rate[0].r.rate!.derivation });
  }

  const diagnostics = input.diagnostics.filter((d) => d.severity === 'error' || d.code === 'plan-mismatch' || d.code.startsWith('data'));
  return {
    schema: 1,
    uri: a.file.uri,
    title: a.scope.study?.title ?? a.file.uri.replace(/^.*\//, ''),
    version: input.version,
    charts,
    results: runs.flatMap(({ r, line }) => summarize(r).map((s) => ({ run: r.run, cell: r.cell, label: s.label, text: s.text, derivation: s.derivation, line }))),
    predictions: a.derived.map((d) => ({ owner: d.owner, label: d.label, text: d.text, formula: d.formula, line: lineOf(d.anchor.start) })),
    problems: diagnostics.slice(0, 200).map((d) => ({ line: lineOf(d.start), severity: d.severity, message: d.message })),
    dataPending: input.dataPending,
  };
}

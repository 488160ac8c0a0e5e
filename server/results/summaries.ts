// Run results in a line each, in the field's units: for hovers, inlay hints and the CLI's text.
import { formatNumber, formatQuantity, formatEstimate } from '../domain/format';
import { RunResult } from './execute';
import type { ContactOutcome, SpectrumResult } from './runResult';
import { BuildResults, statsText, testText } from './builds';
import { toolkitLines } from './toolkitSummaries';

export interface ResultLine { label: string; text: string; derivation: string }

export function summarize(r: RunResult): ResultLine[] {
  const out: ResultLine[] = [];
  if (r.ccd) {
    const c = r.ccd;
    if (!c.ok) out.push({ label: 'CCD', text: `not computed: ${c.error}`, derivation: c.derivation });
    else if (c.shorted) {
      out.push({ label: 'CCD', text: `${formatEstimate(c.currentDensity)} (short at ${formatQuantity(c.time?.value ?? 0, 'h')}; last passed ${c.lastPassed ? formatEstimate(c.lastPassed.currentDensity) : 'none'})`, derivation: c.derivation });
    } else out.push({ label: 'CCD', text: `no short within the data (≥ ${c.lastPassed ? formatEstimate(c.lastPassed.currentDensity) : '?'})`, derivation: c.derivation });
  }
  for (const s of r.stripping ?? []) {
    if (r.type === 'sand') continue;
    if (!s.ok) { out.push({ label: 'stripping', text: `${s.file}: not computed: ${s.error}`, derivation: s.derivation }); continue; }
    const ge = s.reached ? '' : '≥ ';
    out.push({ label: 'stripped', text: `${ge}${formatEstimate(s.capacity)} in ${ge}${formatQuantity(s.t0.value, 'h')}${s.reached ? '' : ' (cutoff not reached)'}`, derivation: s.derivation });
  }
  if (r.sand) {
    const f = r.sand.fit;
    if (!f.ok) out.push({ label: 'D_eff', text: `not computed: ${f.error}`, derivation: f.derivation });
    else {
      out.push({ label: 'D_eff', text: `${formatEstimate(f.free.dEff)} (R² ${formatNumber(f.free.r2.value, 4)}, ${f.n} currents); through origin ${formatEstimate(f.origin.dEff)}`, derivation: f.derivation });
    }
  }
  if (r.contact) out.push(...contactLines(r.contact));
  if (r.cycling) {
    const c = r.cycling;
    if (!c.ok) out.push({ label: 'cycling', text: `not computed: ${c.error}`, derivation: c.derivation });
    else {
      const complete = c.cycles.filter((x) => x.complete);
      const ref = c.referenceCycle ? c.cycles[c.referenceCycle - 1] : undefined;
      const last = complete[complete.length - 1];
      const parts = [`${complete.length} cycles`];
      if (ref) parts.push(`discharge ${formatEstimate(ref.discharge.perMass)} at cycle ${ref.cycle}`);
      if (last && c.finalRetention) parts.push(`${formatNumber(c.finalRetention.value * 100, 3)} % at cycle ${last.cycle}`);
      if (c.meanCe) parts.push(`mean CE ${formatNumber(c.meanCe.value * 100, 4)} %`);
      if (c.failure) parts.push(`fails at cycle ${c.failure.cycle} (${c.failure.kind})`);
      out.push({ label: 'cycling', text: parts.join(', '), derivation: c.derivation });
    }
  }
  out.push(...toolkitLines(r));
  if (r.rate?.ok) {
    const back = r.rate.recovery ? `; ${formatNumber(r.rate.recovery.value * 100)} % recovered` : '';
    out.push({ label: 'rate', text: r.rate.rows.map((row) => `${formatNumber(row.rate)} C ${formatEstimate(row.discharge.perMass, 4)}`).join(', ') + back, derivation: r.rate.derivation });
  }
  for (const l of r.live ?? []) out.push({ label: 'live', text: `${l.file}: ${l.text}`, derivation: l.derivation });
  return out;
}

/** R_ohm over the spectra, the last fit and DRT, and the contact retention. */
function contactLines(c: ContactOutcome): ResultLine[] {
  const out: ResultLine[] = [];
  const ok = c.spectra.filter((s) => s.rOhm);
  if (ok.length) {
    const first = ok[0], last = ok[ok.length - 1];
    const bounds = ok.filter((s) => s.rOhm!.upperBound).length;
    const converged = c.spectra.every((s) => s.fit?.ok && s.fit.converged);
    const why = converged ? 'the data do not determine the fitted series R on every spectrum' : 'the fit did not converge on every spectrum';
    const how = (c.method === 'fit' ? 'series R of the fitted circuit' : 'high-frequency intercept') + (c.methodNote ? ` (${why})` : '');
    const boundText = bounds ? `; ${bounds === ok.length ? 'all' : bounds} ${bounds > 1 ? 'are upper bounds' : 'is an upper bound'} (no intercept with the real axis)` : '';
    out.push({ label: 'R_ohm', text: (ok.length > 1 ? `${ohm(first)} → ${ohm(last)} (${ok.length} spectra)` : ohm(first)) + `, ${how}${boundText}`,
      derivation: [c.methodNote, first.rOhm!.method === 'fit' && first.fit?.ok ? first.fit.derivation : first.result.derivation].filter(Boolean).join('. ') });
  }
  const fits = c.spectra.filter((s) => s.fit?.ok);
  if (fits.length) {
    const f = fits[fits.length - 1].fit!;
    if (f.ok) {
      const vague = f.parameters.filter((p) => p.determined === false && !p.atBound).map((p) => p.name);
      const params = f.parameters.map((p) => `${p.name} ${formatEstimate(p.value, 3)}${p.determined === false && !p.atBound ? ' (not determined)' : ''}`).join(', ');
      const flags = `${f.converged ? '' : ' (not converged)'}${vague.length ? `; not determined by the data: ${vague.join(', ')}` : ''}`;
      out.push({ label: 'fit', text: `${f.circuit} on ${fits[fits.length - 1].file}: ${params}${f.rCt ? `; R_ct ${formatEstimate(f.rCt, 4)}` : ''}${flags}`, derivation: f.derivation });
    }
  }
  const drts = c.spectra.filter((s) => s.drt?.ok);
  if (drts.length) {
    const d = drts[drts.length - 1].drt!;
    if (d.ok) out.push({ label: 'DRT', text: `${d.peaks.map((p) => `τ ${formatNumber(p.tau.value, 3)} s (${formatEstimate(p.resistance, 3)})`).join(', ') || 'no peak'}; R∞ ${drtRInf(d)}; R_pol ${formatEstimate(d.polarisation, 4)} (${drts[drts.length - 1].file})`, derivation: d.derivation });
  }
  const ret = c.retention;
  if (ret?.ok) {
    const lastBound = ret.series[ret.series.length - 1].upperBound, firstBound = ret.series[0].upperBound;
    const low = lastBound && !firstBound ? ' (a lower bound: R_ohm there is an upper bound)' : firstBound && !lastBound ? ' (perhaps too high: R_first is an upper bound)' : lastBound ? ' (uncertain: both R_first and R_last are upper bounds)' : '';
    out.push({ label: 'contact', text: `${formatNumber(ret.final.value * 100, 3)} % retained${low}`, derivation: ret.derivation });
  }
  return out;
}

/** R∞ of a DRT: "0 Ω (at its bound, ≤ 61 Ω)" when the non-negativity bound holds it. */
export function drtRInf(d: { rInf: { value: number; unit: string; stderr?: number }; rInfAtBound?: boolean; rInfUpper?: number }): string {
  return d.rInfAtBound ? `${formatEstimate(d.rInf, 4)} (at its bound, not determined: ≤ ${formatNumber(d.rInfUpper ?? 0, 2)} Ω at 95 %)` : formatEstimate(d.rInf, 4);
}

/** "≤ 12.3 Ω" for an upper bound; the standard error when the fit gave one. */
function ohm(s: SpectrumResult): string {
  const r = s.rOhm!;
  return `${r.upperBound ? '≤ ' : ''}${formatEstimate({ value: r.value, unit: 'Ω', stderr: r.stderr })}`;
}

/** A line per figure of each build with two cells or more, and per test of each comparison. */
export function summarizeBuilds(b: BuildResults): { owner: string; lines: ResultLine[] }[] {
  const builds = b.builds.filter((x) => x.cells.length > 1).map((x) => ({
    owner: `build ${x.build}`,
    lines: x.figures.map((f) => ({ label: `${f.label} (${f.protocol})`, text: statsText(f), derivation: f.combination })),
  }));
  const comparisons = b.comparisons.map((c) => ({
    owner: `comparison ${c.name}`,
    lines: c.figures.flatMap((f) => f.tests.map((t) => ({ label: `${f.label} (${f.protocol})`, text: testText(t, f.unit), derivation: "Welch's t-test: t = (mean₁ − mean₂)/√(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite degrees of freedom, two-sided p from Student's t." }))),
  }));
  return [...builds, ...comparisons].filter((x) => x.lines.length);
}

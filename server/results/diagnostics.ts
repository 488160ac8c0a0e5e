// Data findings as diagnostics on the spec: file problems on the data reference that named the
// file (with the file's own line), analysis failures and plan mismatches on the run.
import { Diagnostic } from '../engine/syntax';
import { NOT_DETERMINED } from '../analyses/eis';
import { formatNumber } from '../domain/format';
import type { RunOutcome } from './study';

export function dataDiagnostics({ job, result: r }: RunOutcome): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const i of r.issues) {
    const at = i.at;
    // Readers often name the line in their message already ("line 4, column 2 ..."): say it once.
    const where = i.file ? `${i.file}${i.line && !/^line \d/.test(i.message) ? `:${i.line}` : ''}: ` : '';
    out.push({ start: at.start, end: at.end, severity: i.severity, code: i.severity === 'error' ? 'data-error' : 'data-warning', message: where + i.message });
  }
  // Every failure names the file(s) it was computed from.
  const failures: [{ ok: boolean; error?: string } | undefined, string | undefined][] = [
    [r.ccd, r.ccd?.file], [r.cycling, r.cycling?.file], [r.rate, r.cycling?.file],
    [r.sand?.fit, filesOf(r.stripping?.map((m) => m.file) ?? [], 'the Sand fit over')],
    [r.contact?.retention, filesOf(r.contact?.spectra.map((s) => s.file) ?? [], 'the contact retention over')],
    ...(r.stripping ?? []).map((s): [typeof s, string] => [s, s.file]),
    [r.arrhenius, filesOf(r.conductivity?.spectra.map((s) => s.file) ?? [], 'the Arrhenius fit over')], [r.gitt, r.gitt?.file], [r.symmetric, r.symmetric?.file],
    [r.dcPolarisation, r.dcPolarisation?.file], [r.incrementalCapacity, r.incrementalCapacity?.file],
  ];
  for (const [f, file] of failures) {
    if (f && !f.ok) out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: (file ? `${file}: ` : '') + f.error });
  }
  const circuitAt = job.protocol.circuitSpan ?? job.header;
  for (const s of r.contact?.spectra ?? []) {
    if (!s.result.ok) out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: `${s.file}: ${s.result.error}` });
    if (s.drt && !s.drt.ok) out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: `${s.file}: the DRT failed: ${s.drt.error}` });
    if (s.fit && !s.fit.ok) out.push({ ...circuitAt, severity: 'warning', code: 'fit-failed', message: `${s.file}: ${/^the fit of /.test(s.fit.error) ? '' : 'the circuit fit failed: '}${s.fit.error}` });
    else if (s.fit?.ok && !s.fit.converged) {
      out.push({ ...circuitAt, severity: 'warning', code: 'fit-not-converged', message: `${s.file}: the fit of ${s.fit.circuit} is not reliable: ${s.fit.statusNote ?? s.fit.status}` });
    } else if (s.fit?.ok) {
      const vague = s.fit.parameters.filter((q) => q.determined === false);
      const note = s.fit.warnings.find((w) => w.startsWith(NOT_DETERMINED));
      if (vague.length && note) out.push({ ...circuitAt, severity: 'warning', code: 'fit-not-determined', message: `${s.file}: the fit of ${s.fit.circuit} converged, but ${note[0].toLowerCase()}${note.slice(1)}` });
    }
    if (s.linkk?.ok && !s.linkk.passed) out.push({ ...circuitAt, severity: 'warning', code: 'kramers-kronig', message: `${s.file}: the spectrum fails the Lin-KK test (${s.linkk.flags.join(', ')}): it may have drifted during the sweep` });
    if (s.rOhm?.upperBound && s.result.ok) {
      out.push({ ...job.header, severity: 'warning', code: 'r-ohm-bound', message: `${s.file}: R_ohm ≤ ${formatNumber(s.rOhm.value)} Ω is only an upper bound: the spectrum does not reach the real axis at its highest frequency and its first arc could not be extrapolated` });
    }
    // The intercept's own checks: a poorly determined value, a disagreement with the DRT's R∞.
    for (const w of s.result.ok && s.rOhm?.method === 'intercept' ? s.result.warnings.filter((x) => /poorly determined|DRT's R∞/.test(x)) : []) {
      out.push({ ...job.header, severity: 'warning', code: 'r-ohm-check', message: `${s.file}: ${w}` });
    }
  }
  for (const s of r.conductivity?.spectra ?? []) {
    if (!s.intercept.ok && r.conductivity!.method === 'intercept') out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: `${s.file}: ${s.intercept.error}` });
    if (s.fit && !s.fit.ok) out.push({ ...circuitAt, severity: 'warning', code: 'fit-failed', message: `${s.file}: the circuit fit failed: ${s.fit.error}` });
  }
  if (r.contact?.methodNote) {
    const converged = r.contact.spectra.every((s) => s.fit?.ok && s.fit.converged);
    out.push({ ...circuitAt, severity: 'warning', code: converged ? 'fit-not-determined' : 'fit-not-converged', message: r.contact.methodNote });
  }
  for (const m of r.plan) out.push({ ...job.header, severity: 'warning', code: 'plan-mismatch', message: m });
  return out;
}

/** "the Sand fit over data/a.mpt, data/b.mpt and 3 more", or undefined without files. */
function filesOf(files: string[], what: string): string | undefined {
  if (!files.length) return undefined;
  return `${what} ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}`;
}

// Data findings as diagnostics on the spec: file problems on the data reference that named the
// file (with the file's own line), analysis failures and plan mismatches on the run.
import { Diagnostic } from '../engine/syntax';
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
  const failures = [r.ccd, r.sand?.fit, r.cycling, r.rate, r.contact?.retention, ...(r.stripping ?? []), r.arrhenius, r.gitt, r.symmetric, r.dcPolarisation, r.incrementalCapacity];
  for (const f of failures) {
    if (f && !f.ok) out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: ('file' in f && f.file ? `${f.file}: ` : '') + f.error });
  }
  const circuitAt = job.protocol.circuitSpan ?? job.header;
  for (const s of r.contact?.spectra ?? []) {
    if (!s.result.ok) out.push({ ...job.header, severity: 'warning', code: 'analysis-failed', message: `${s.file}: ${s.result.error}` });
    if (s.fit && !s.fit.ok) out.push({ ...circuitAt, severity: 'warning', code: 'fit-failed', message: `${s.file}: the circuit fit failed: ${s.fit.error}` });
    else if (s.fit?.ok && !s.fit.converged) out.push({ ...circuitAt, severity: 'warning', code: 'fit-not-converged', message: `${s.file}: the fit of ${s.fit.circuit} did not converge (${s.fit.status}): its values are not reliable` });
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
  if (r.contact?.methodNote) out.push({ ...circuitAt, severity: 'warning', code: 'fit-not-converged', message: r.contact.methodNote });
  for (const m of r.plan) out.push({ ...job.header, severity: 'warning', code: 'plan-mismatch', message: m });
  return out;
}

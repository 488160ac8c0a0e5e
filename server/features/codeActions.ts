// Code actions: the fixes diagnostics carry (did-you-mean, add unit, add missing property),
// "create material X" for a layer name nothing declares (createMaterial.ts), "convert to <unit>"
// for the quantity under the cursor, and "fix all": every preferred fix of the document in one edit.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Span } from '../engine/lexer';
import { Diagnostic } from '../engine/syntax';
import { fromSI, parseUnit, toSI, unitsFor } from '../domain/units';
import { formatNumber } from '../domain/format';
import { tokenAt } from './locate';
import { createMaterial } from './createMaterial';

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite' | 'source.fixAll';
  diagnostic?: Diagnostic;
  edits: (Span & { newText: string })[];
  preferred?: boolean;
  /** The same insertion with tab stops, for clients that can insert a snippet (the edits are its defaults). */
  snippet?: { offset: number; text: string };
}

export function codeActions(a: SpecAnalysis, range: Span): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.end < range.start || d.start > range.end || !d.fixes) continue;
    d.fixes.forEach((f, i) => out.push({ title: f.title, kind: 'quickfix', diagnostic: d, edits: [{ start: f.start, end: f.end, newText: f.newText }], preferred: i === 0 }));
  }
  const created = new Set<string>();
  for (const r of a.references) {
    if (r.ns !== 'layer' || r.target || r.end < range.start || r.start > range.end || created.has(r.name)) continue;
    created.add(r.name);
    const d = a.diagnostics.find((x) => x.code === 'undefined-reference' && x.start === r.start);
    out.push({ ...createMaterial(a, r), kind: 'quickfix', diagnostic: d });
  }
  const tok = tokenAt(a.file.tree.tokens, range.start);
  if (tok?.kind === 'number' && tok.unit) {
    const u = parseUnit(tok.unit.text);
    if (!('error' in u)) {
      const si = toSI(tok.num!, u);
      for (const target of unitsFor(u.dim)) {
        const t = parseUnit(target);
        if ('error' in t || t.canonical === u.canonical) continue;
        out.push({ title: `Convert to ${target}`, kind: 'refactor.rewrite', edits: [{ start: tok.start, end: tok.unit.end, newText: `${formatNumber(fromSI(si, t), 6)} ${target}` }] });
      }
    }
  }
  return out;
}

/**
 * The preferred (first) fix of every diagnostic in the document, as one action; undefined when
 * nothing is fixable. Fixes whose edits overlap an earlier one are left for the next run, so the
 * edit is always well-formed (LSP forbids overlapping edits).
 */
export function fixAll(a: SpecAnalysis): CodeAction | undefined {
  const edits = a.diagnostics.flatMap((d) => (d.fixes?.length ? [{ start: d.fixes[0].start, end: d.fixes[0].end, newText: d.fixes[0].newText }] : []))
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const kept: CodeAction['edits'] = [];
  for (const e of edits) {
    const last = kept[kept.length - 1];
    if (last && (e.start < last.end || (e.start === last.start && e.end === last.end && e.newText === last.newText))) continue;
    kept.push(e);
  }
  if (!kept.length) return undefined;
  return { title: `Fix all cellspec problems (${kept.length})`, kind: 'source.fixAll', edits: kept };
}

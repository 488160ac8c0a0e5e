// Hover: what a value means, its conversions, and how each derived value was computed.
import { SpecAnalysis } from '../engine/specAnalysis';
import { baseName, isLibraryDecl } from '../engine/scope';
import { Derived } from '../engine/compute';
import { Span } from '../engine/lexer';
import { Decl, headerSpan, Quantity, tokensText, Value } from '../engine/model';
import { DECL_DOCS, propSpec } from '../engine/schema';
import { dimName, parseUnit, toSI, unitsFor, Unit } from '../domain/units';
import { formatQuantity } from '../domain/format';
import { declAt, declNameAt, propertyAt, referenceAt, tokenAt } from './locate';
import { fileOf, leadingNote, trailingNote } from './notes';

export interface HoverResult { markdown: string; span: Span }

export function hover(a: SpecAnalysis, offset: number): HoverResult | undefined {
  const tok = tokenAt(a.file.tree.tokens, offset);
  if (!tok || tok.kind === 'comment' || tok.kind === 'eof') return undefined;
  const parts: string[] = [];
  let span: Span = tok;

  const ref = referenceAt(a, offset);
  if (ref?.target) parts.push(describeDecl(a, ref.target));

  const hit = propertyAt(a, offset);
  const decl = declAt(a, offset);
  if (tok.kind === 'number') {
    // In "0.5, 1 mA/cm²" or "2.8 .. 4.3 V" the bare numbers take the shared unit: ask the model.
    const q = hit && quantitiesOf(hit.entry.value).find((x) => x.start === tok.start);
    parts.push(describeQuantity(tok.num!, tok.unit?.text ?? (q?.unit.text || undefined)));
    if (tok.unit) span = { start: tok.start, end: tok.unit.end };
  }
  if (hit && hit.entry.prop.key === tok) {
    const spec = propSpec(hit.blockKey, hit.entry.spec.key);
    if (spec) parts.push(`**${spec.key}**${spec.dim ? ` (${dimName(spec.dim)})` : ''}: ${spec.doc}\n\n\`${spec.example}\``);
  }
  if (decl && decl.syntax.keyword === tok) parts.push(`**${tok.text}**: ${DECL_DOCS[tok.text]}`);
  if (decl && decl.name && decl.name.start <= offset && offset <= decl.name.end && decl.keyword !== 'run') parts.push(describeDecl(a, decl));
  const replicate = declNameAt(a, offset);
  if (replicate?.build) parts.push(describeDecl(a, replicate));
  if (decl?.keyword === 'run' && !decl.props.has('data') && offset <= headerSpan(decl).end) parts.push(PLANNED);

  // Derived values anchored on the line under the cursor.
  const line = a.file.lines.position(offset).line;
  const lineSpan = { start: a.file.lines.lineStart(line), end: line + 1 < a.file.lines.lineCount ? a.file.lines.lineStart(line + 1) - 1 : a.file.text.length };
  const derived = a.derivedIn(lineSpan).filter((d) => a.file.lines.position(d.anchor.start).line <= line && line <= a.file.lines.position(d.anchor.end).line);
  for (const d of derived) parts.push(describeDerived(d));
  if (!parts.length) return undefined;
  return { markdown: parts.join('\n\n---\n\n'), span };
}

function quantitiesOf(v: Value | undefined): Quantity[] {
  if (!v) return [];
  switch (v.shape) {
    case 'quantity': case 'oneC': return [v.q];
    case 'tolerance': return v.tol ? [v.q, v.tol] : [v.q];
    case 'range': return [v.lo, v.hi];
    case 'list': return v.items;
    case 'countAtRate': return [v.rate];
    case 'every': return v.capacity ? [v.capacity] : [];
    default: return [];
  }
}

export function describeDerived(d: Derived): string {
  return `**${d.label}** = ${d.text}\n\n${d.formula}` + (d.inputs.length ? `\n\nfrom: ${d.inputs.filter(Boolean).join('; ')}` : '');
}

function describeQuantity(value: number, unitText: string | undefined): string {
  if (!unitText) return `${value} (no unit)`;
  const u = parseUnit(unitText);
  if ('error' in u) return `${value} ${unitText}: ${u.error}`;
  const si = toSI(value, u);
  const others = unitsFor(u.dim).filter((x) => x !== u.canonical).slice(0, 3).map((x) => formatQuantity(si, x));
  return `${formatQuantity(si, u.canonical)} — ${dimName(u.dim)}` + (others.length ? ` (= ${others.join(' = ')})` : '') + siText(si, u);
}

function siText(si: number, u: Unit): string {
  return u.factor === 1 && u.offset === 0 ? '' : `; SI ${si.toPrecision(4)} (${dimName(u.dim)})`;
}

const PLANNED = '**planned**: no data yet. Add `data "file"` (relative to this spec) once the run has produced its files.';

/** A declaration as a hover shows it: where it comes from, its description, its properties with their sources. */
function describeDecl(a: SpecAnalysis, d: Decl): string {
  const library = isLibraryDecl(a.scope, d);
  const where = library ? ` — from the standard library (${baseName(d.uri)})` : d.uri === a.file.uri ? '' : ` — from ${baseName(d.uri)}`;
  const head = `\`${d.keyword} ${d.name?.name ?? ''}${d.type ? ' ' + d.type.name : ''}\`${where}`;
  const file = fileOf(a.scope, d);
  const about = file && leadingNote(file, d);
  const props = [...d.props.entries()].slice(0, 8).map(([k, e]) => {
    const note = file && trailingNote(file, e.prop);
    return `- ${k} ${tokensText(e.prop.values)}${e.prop.block ? ' { … }' : ''}${note ? ` — *${note}*` : ''}`;
  });
  const hidden = a.scope.overrides.get(d);
  const override = hidden && `Replaces the standard library's ${hidden.name!.name}` + (hidden.props.size ? ` (${[...hidden.props.entries()].filter(([k]) => k !== 'role' && k !== 'formula').map(([k, e]) => `${k} ${tokensText(e.prop.values)}`).join('; ') || 'no values'})` : '') + '.';
  return [head, ...(about ? ['', about, ''] : []), ...buildLine(d), ...props, ...(override ? ['', override] : [])].join('\n');
}

/** Where a cell stands in its build: a replicate of it, or the build of its replicates. */
function buildLine(d: Decl): string[] {
  if (d.build) {
    const all = d.build.replicates ?? [];
    const k = all.findIndex((r) => r.name?.start === d.name?.start);
    return [`replicate ${k + 1} of ${all.length} of the build **${d.build.name?.name}** (its properties are the build's)`];
  }
  return d.replicates?.length ? [`a build of ${d.replicates.length} replicate${d.replicates.length > 1 ? 's' : ''}: ${d.replicates.map((r) => r.name!.name).join(', ')}`] : [];
}

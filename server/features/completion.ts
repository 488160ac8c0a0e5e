// Completion: what is valid at the cursor: declaration templates at top level, the properties a
// block still lacks (in a run, only those its protocol's type uses), units of the property's
// dimension, names of the right kind, and the data files inside `data "..."`. Inserted values
// are tab stops and names are choices of the visible ones (snippets.ts).
import { SpecAnalysis } from '../engine/specAnalysis';
import { Decl, enumValue, value } from '../engine/model';
import { Span, Token } from '../engine/lexer';
import { BLOCKS, blockKey, CELL_KINDS, GROUP_ROLES, PropSpec, PROTOCOL_TYPES, propSpec } from '../engine/schema';
import { unitsFor } from '../domain/units';
import { dataPathCompletions, insideString, ListDirectory } from './dataPaths';
import { declarationTemplates, protocolBody } from './templates';
import { declAt, tokenAt, tokensIn } from './locate';
import { NameChoices, propertySnippet } from './snippets';

export type CompletionKind = 'keyword' | 'property' | 'unit' | 'reference' | 'value' | 'snippet' | 'file' | 'folder';
export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  snippet?: boolean;
  /** The text the item replaces, when it is not the word at the cursor (a path segment). */
  range?: Span;
  sortText?: string;
  filterText?: string;
  /** Ask for completion again once inserted (after a folder, inside the quotes of `data ""`). */
  retrigger?: boolean;
}

/** What completion may ask of the host: the entries of a folder (for data paths). */
export interface CompletionHost { listDirectory?: ListDirectory }

export function complete(a: SpecAnalysis, offset: number, host: CompletionHost = {}): CompletionItem[] {
  const text = a.file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const under = tokenAt(a.file.tree.tokens, offset);
  const toks = tokensIn(a.file.tree.tokens, lineStart, offset).filter((t) => t.kind !== 'comment' && t.kind !== 'newline' && t.kind !== 'eof');
  // The statement under the cursor starts after the last ';' or '{' on the line.
  let from = 0;
  toks.forEach((t, i) => { if (t.kind === 'punct' && (t.text === ';' || t.text === '{')) from = i + 1; });
  const words = toks.slice(from);
  const decl = declAt(a, offset);
  if (insideString(under, offset)) return stringCompletions(a, decl, words, under!, offset, host);
  // The word being typed is what the item replaces, not part of the context.
  if (/[A-Za-z0-9_-]$/.test(before) && words.length > 0) words.pop();
  const inBlock = decl?.syntax.block && decl.syntax.block.open.end <= offset && (!decl.syntax.block.close || offset <= decl.syntax.block.close.start);
  if (!inBlock) return headerCompletions(a, decl, words);

  // Inside a block: which block, and is the cursor in a nested one (cathode, columns)?
  let key = blockKey(decl!.keyword, decl!.type?.name);
  let present = new Set(decl!.props.keys());
  for (const [name, e] of decl!.props) {
    const b = e.prop.block;
    if (b && b.open.end <= offset && (!b.close || offset <= b.close.start) && (name === 'cathode' || name === 'columns')) {
      key = name;
      present = new Set(e.value && 'props' in e.value ? e.value.props.keys() : []);
    }
  }
  const specs = BLOCKS[key] ?? [];
  if (words.length === 0) {
    const measured = key === 'run' ? runMeasures(a, decl!) : undefined;
    return specs.filter((s) => !present.has(s.key) && (!s.needs || !measured || measured.has(s.needs))).map((s) => propertyItem(a, s));
  }
  const propKey = words[0].kind === 'number' ? '1C' : words[0].text;
  const spec = propSpec(key, propKey);
  if (!spec) return [];
  const last: Token = words[words.length - 1];
  // Right after a number: its units.
  if (last.kind === 'number' && !last.unit && spec.dim) return unitsFor(spec.dim).map((u) => ({ label: u, kind: 'unit' }));
  if (spec.shape === 'every' && last.kind === 'number' && !last.unit) return [{ label: 'cycles', kind: 'keyword' }];
  switch (spec.shape) {
    case 'enum': return spec.words!.map((w) => ({ label: w, kind: 'value' }));
    case 'stack': return names(a, 'layer');
    case 'cathode': return names(a, 'layer').filter((n) => n.detail === 'cathode');
    case 'ref':
      // A comparison's reference is one of its builds; anything else of this shape is an eis protocol.
      if (spec.refKind === 'build') return (value(decl!.props, 'builds', 'names')?.items ?? []).map((b) => ({ label: b.name, kind: 'reference' as const }));
      return names(a, 'protocol').filter((n) => n.detail === 'eis');
    case 'names':
      if (spec.words) return spec.words.map((w) => ({ label: w, kind: 'value' as const }));
      return spec.refKind === 'build' ? names(a, 'cell').filter((n) => !n.detail?.includes('replicate of')) : [];
    case 'flag': return [{ label: spec.words!.join(' '), kind: 'keyword' }];
    case 'members':
      if (propKey === 'ratio') return [...decl!.props.keys()].filter((k) => k !== 'ratio' && decl!.props.get(k)!.value?.shape === 'members').map((g) => ({ label: g, kind: 'value' }));
      return names(a, 'layer').filter((n) => n.documentation?.startsWith('material'));
    case 'countAtRate': return last.kind === 'number' ? [{ label: 'at', kind: 'keyword' }] : [];
  }
  return [];
}

function headerCompletions(a: SpecAnalysis, decl: Decl | undefined, words: Token[]): CompletionItem[] {
  if (words.length === 0) return declarationTemplates(a, choicesFor(a));
  const kw = words[0].text;
  if (kw === 'cell' && words.length === 2) return CELL_KINDS.map((k) => ({ label: k, kind: 'keyword' }));
  if (kw === 'protocol' && words.length === 2) {
    // A header without its block yet gets the block too, with the type's required properties.
    const bare = !decl?.syntax.block;
    return PROTOCOL_TYPES.map((t): CompletionItem => bare
      ? { label: t, kind: 'keyword', insertText: `${t} {\n${protocolBody(t, choicesFor(a)).snippet()}\n}`, snippet: true, detail: 'with its required properties' }
      : { label: t, kind: 'keyword' });
  }
  if (kw === 'run' && words.length === 1) return names(a, 'protocol');
  if (kw === 'run' && words.length === 2) return [{ label: 'on', kind: 'keyword' }];
  if (kw === 'run' && words.length === 3) return names(a, 'cell');
  return [];
}

/** Inside a string: only a run's data paths complete (other strings are free text). */
function stringCompletions(a: SpecAnalysis, decl: Decl | undefined, words: Token[], str: Token, offset: number, host: CompletionHost): CompletionItem[] {
  if (decl?.keyword !== 'run' || words[0]?.text !== 'data' || !host.listDirectory) return [];
  return dataPathCompletions(a.file.uri, a.file.text.slice(str.start + 1, offset), offset, host.listDirectory);
}

function propertyItem(a: SpecAnalysis, s: PropSpec): CompletionItem {
  const item: CompletionItem = { label: s.key, kind: 'property', detail: s.unit, documentation: s.doc, sortText: (s.required ? '0' : '1') + s.key, snippet: true };
  // `data` opens its quotes and asks for the files at once.
  if (s.key === 'data') return { ...item, insertText: 'data "$1"', retrigger: true };
  return { ...item, insertText: propertySnippet(s, choicesFor(a)).snippet() };
}

/** Impedance spectra: the protocols that take them themselves (a protocol with `eis` takes them too). */
const SPECTRA_TYPES = new Set(['eis', 'conductivity', 'arrhenius']);

/** What a run's protocol measures (PropSpec.needs), so a run is offered only the properties that mean something; everything for an unknown protocol. */
function runMeasures(a: SpecAnalysis, run: Decl): Set<NonNullable<PropSpec['needs']>> | undefined {
  const proto = run.protocolRef && a.scope.protocol.get(run.protocolRef.name);
  if (!proto) return undefined;
  const type = proto.type?.name ?? '';
  const hosted = proto.props.has('eis');
  const out = new Set<NonNullable<PropSpec['needs']>>();
  if (SPECTRA_TYPES.has(type) || hosted) out.add('spectra');
  if (type === 'eis' || hosted) out.add('contact');
  if (type === 'arrhenius') out.add('temperatures');
  return out;
}

/** The names a template offers at each of its name placeholders, the example's own first when visible. */
export function choicesFor(a: SpecAnalysis): NameChoices {
  const layers = [...a.scope.layer.values()];
  const materials = (role?: string) => layers.filter((d) => d.keyword === 'material' && (!role || enumValue(d.props, 'role') === role)).map((d) => d.name!.name);
  return (spec, example) => {
    let options: readonly string[];
    switch (spec.shape) {
      case 'enum': options = spec.words ?? []; break;
      case 'stack': options = layers.map((d) => d.name!.name); break;
      case 'cathode': options = materials('cathode'); break;
      case 'ref': options = [...a.scope.protocol.values()].filter((p) => p.type?.name === 'eis').map((p) => p.name!.name); break;
      case 'members': { const role = GROUP_ROLES[spec.key as keyof typeof GROUP_ROLES]; const byRole = role ? materials(role) : []; options = byRole.length ? byRole : materials(); break; }
      default: return undefined;
    }
    if (!options.length) return undefined;
    return options.includes(example) ? [example, ...options.filter((o) => o !== example)] : options;
  };
}

function names(a: SpecAnalysis, ns: 'layer' | 'cell' | 'protocol'): CompletionItem[] {
  return [...a.scope[ns].values()].map((d) => {
    const formula = d.keyword === 'material' ? d.props.get('formula')?.value : undefined;
    const library = a.scope.library.some((f) => f.uri === d.uri);
    return {
      label: d.name!.name,
      kind: 'reference' as const,
      detail: d.keyword === 'material' ? enumValue(d.props, 'role') ?? 'material' : (d.type?.name ?? d.keyword) + (d.build ? ` (replicate of ${d.build.name!.name})` : ''),
      documentation: d.keyword + (formula?.shape === 'string' ? ` ${formula.text}` : '') + (library ? ' (standard library)' : ''),
      // The spec's own names before the library's.
      sortText: (library ? '1' : '0') + d.name!.name,
    };
  });
}

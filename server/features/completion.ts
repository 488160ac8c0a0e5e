// Completion: what is valid at the cursor: declaration keywords and block snippets at top level,
// the properties a block still lacks, units of the property's dimension, names of the right kind.
import { SpecAnalysis } from '../engine/specAnalysis';
import { enumValue } from '../engine/model';
import { Token } from '../engine/lexer';
import { BLOCKS, blockKey, CELL_KINDS, DECL_DOCS, MATERIAL_ROLES, PROTOCOL_TYPES, propSpec } from '../engine/schema';
import { DECL_KEYWORDS } from '../engine/syntax';
import { unitsFor } from '../domain/units';
import { declAt, tokensIn } from './locate';

export type CompletionKind = 'keyword' | 'property' | 'unit' | 'reference' | 'value' | 'snippet';
export interface CompletionItem { label: string; kind: CompletionKind; detail?: string; documentation?: string; insertText?: string; snippet?: boolean }

const SNIPPETS: Record<string, string> = {
  import: 'import "${1:materials.cellspec}"',
  study: 'study "${1:title}" {\n  temperature ${2:25} °C\n  pressure ${3:5} MPa\n  diameter ${4:9} mm\n}',
  material: `material \${1:name} {\n  role \${2|${MATERIAL_ROLES.join(',')}|}\n}`,
  composite: 'composite ${1:name} {\n  carbon ${2:GMWNT} : ${3:FG} = ${4:10} : ${5:1}\n  binder ${6:PVDF}\n  ratio carbon : binder = ${7:10} : ${8:1}\n  thickness ${9:15} µm ± ${10:0.5} µm\n}',
  cell: `cell \${1:name} \${2|${CELL_KINDS.join(',')}|} {\n  stack \${3:Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu}\n}`,
  protocol: `protocol \${1:name} \${2|${PROTOCOL_TYPES.join(',')}|} {\n  $0\n}`,
  run: 'run ${1:protocol} on ${2:cell} {\n  data "${3:data/file.mpt}"\n}',
};

export function complete(a: SpecAnalysis, offset: number): CompletionItem[] {
  const text = a.file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const toks = tokensIn(a.file.tree.tokens, lineStart, offset).filter((t) => t.kind !== 'comment' && t.kind !== 'newline' && t.kind !== 'eof');
  // The statement under the cursor starts after the last ';' or '{' on the line.
  let from = 0;
  toks.forEach((t, i) => { if (t.kind === 'punct' && (t.text === ';' || t.text === '{')) from = i + 1; });
  const words = toks.slice(from);
  const typing = /[A-Za-z0-9_-]$/.test(before) && words.length > 0 ? words.pop()! : undefined;
  const decl = declAt(a, offset);
  const inBlock = decl?.syntax.block && decl.syntax.block.open.end <= offset && (!decl.syntax.block.close || offset <= decl.syntax.block.close.start);

  if (!inBlock) {
    if (words.length === 0) {
      return DECL_KEYWORDS.map((k) => ({ label: k, kind: 'snippet', detail: DECL_DOCS[k], insertText: SNIPPETS[k], snippet: true }));
    }
    const kw = words[0].text;
    if (kw === 'cell' && words.length === 2) return CELL_KINDS.map((k) => ({ label: k, kind: 'keyword' }));
    if (kw === 'protocol' && words.length === 2) return PROTOCOL_TYPES.map((k) => ({ label: k, kind: 'keyword' }));
    if (kw === 'run' && words.length === 1) return names(a, 'protocol');
    if (kw === 'run' && words.length === 2) return [{ label: 'on', kind: 'keyword' }];
    if (kw === 'run' && words.length === 3) return names(a, 'cell');
    return [];
  }

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
    return specs.filter((s) => !present.has(s.key)).map((s) => ({
      label: s.key, kind: 'property', detail: s.unit, documentation: s.doc,
      insertText: s.example, snippet: false,
    }));
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
    case 'ref': return names(a, 'protocol').filter((n) => n.detail === 'eis');
    case 'flag': return [{ label: spec.words!.join(' '), kind: 'keyword' }];
    case 'members':
      if (propKey === 'ratio') return [...decl!.props.keys()].filter((k) => k !== 'ratio' && decl!.props.get(k)!.value?.shape === 'members').map((g) => ({ label: g, kind: 'value' }));
      return names(a, 'layer').filter((n) => n.documentation === 'material');
    case 'countAtRate': return last.kind === 'number' ? [{ label: 'at', kind: 'keyword' }] : [];
  }
  return [];
}

function names(a: SpecAnalysis, ns: 'layer' | 'cell' | 'protocol'): CompletionItem[] {
  return [...a.scope[ns].values()].map((d) => ({
    label: d.name!.name,
    kind: 'reference' as const,
    detail: d.keyword === 'material' ? enumValue(d.props, 'role') ?? 'material' : d.type?.name ?? d.keyword,
    documentation: d.keyword,
  }));
}

// Document symbols (the outline): one per declaration, its properties as children. Like the JSON
// and YAML language servers (maxItemsComputed, 5,000), the outline of a huge document is kept to
// what an outline is for: past MAX_OUTLINE_ENTRIES it lists the declarations only, every one of
// them, so a 100,000-line study answers in a fraction of the bytes and time.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Span } from '../engine/lexer';
import { Decl, tokensText } from '../engine/model';

export type SymbolKind = 'module' | 'namespace' | 'constant' | 'struct' | 'class' | 'function' | 'event' | 'property';
export interface DocumentSymbol { name: string; detail: string; kind: SymbolKind; span: Span; selection: Span; children: DocumentSymbol[] }

/** The outline shows a property's value on one line: a list of 200,000 currents is cut, not copied whole. */
export const MAX_DETAIL_CHARS = 120;
/** Declarations and properties together; a document with more lists its declarations only. */
export const MAX_OUTLINE_ENTRIES = 5000;

const KINDS: Record<string, SymbolKind> = { import: 'module', study: 'namespace', material: 'constant', composite: 'struct', cell: 'class', protocol: 'function', run: 'event', compare: 'namespace' };

function properties(d: Decl): DocumentSymbol[] {
  return [...d.props.entries()].map(([k, e]) => ({ name: k, detail: tokensText(e.prop.values, MAX_DETAIL_CHARS), kind: 'property' as const, span: e.prop, selection: e.prop.key, children: [] }));
}

export function documentSymbols(a: SpecAnalysis): DocumentSymbol[] {
  let entries = a.file.decls.length;
  for (const d of a.file.decls) entries += d.props.size;
  const withProperties = entries <= MAX_OUTLINE_ENTRIES;
  return a.file.decls.map((d) => {
    const name = d.name?.name ?? d.title ?? d.importPath?.text ?? d.keyword;
    const selection = d.name ?? d.importPath ?? d.syntax.keyword;
    return {
      name, kind: KINDS[d.keyword], detail: d.type ? `${d.keyword} ${d.type.name}` : d.keyword,
      span: d.syntax, selection,
      children: withProperties ? properties(d) : [],
    };
  });
}

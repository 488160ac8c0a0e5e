// Document symbols (the outline): one per declaration, its properties as children.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Span } from '../engine/lexer';
import { tokensText } from '../engine/model';

export type SymbolKind = 'module' | 'namespace' | 'constant' | 'struct' | 'class' | 'function' | 'event' | 'property';
export interface DocumentSymbol { name: string; detail: string; kind: SymbolKind; span: Span; selection: Span; children: DocumentSymbol[] }

const KINDS: Record<string, SymbolKind> = { import: 'module', study: 'namespace', material: 'constant', composite: 'struct', cell: 'class', protocol: 'function', run: 'event', compare: 'namespace' };

export function documentSymbols(a: SpecAnalysis): DocumentSymbol[] {
  return a.file.decls.map((d) => {
    const name = d.name?.name ?? d.title ?? d.importPath?.text ?? d.keyword;
    const selection = d.name ?? d.importPath ?? d.syntax.keyword;
    return {
      name, kind: KINDS[d.keyword], detail: d.type ? `${d.keyword} ${d.type.name}` : d.keyword,
      span: d.syntax, selection,
      children: [...d.props.entries()].map(([k, e]) => ({ name: k, detail: tokensText(e.prop.values), kind: 'property' as const, span: e.prop, selection: e.prop.key, children: [] })),
    };
  });
}

// The two answers whose size grows with the document (semantic tokens, the outline), turned from
// the features' offsets into LSP's shapes. Kept out of server.ts so the benchmark can time them
// in-process as well as over stdio. Tokens are encoded in one forward pass over the lines, with
// no object per token; a symbol needs its Range objects anyway (they are the answer).
import { DocumentSymbol as LspSymbol, Position, Range, SemanticTokens, SymbolKind } from 'vscode-languageserver/node';
import { SpecAnalysis } from './engine/specAnalysis';
import { forEachSemanticToken } from './features/semanticTokens';
import { DocumentSymbol, documentSymbols } from './features/symbols';

/**
 * LSP's relative encoding: per token, line delta, start (relative to the previous token on the
 * same line), length, type, modifiers. Tokens spanning lines are left out (LSP tokens are single-line).
 */
export function semanticTokensData(a: SpecAnalysis): SemanticTokens {
  const lines = a.file.lines;
  const last = lines.lineCount - 1;
  const data: number[] = [];
  let line = 0, prevLine = 0, prevStart = 0;
  forEachSemanticToken(a, (start, end, type, declaration) => {
    line = lines.lineAt(start, line);
    if (line < last && lines.lineStart(line + 1) <= end) return;
    const char = start - lines.lineStart(line);
    data.push(line - prevLine, line === prevLine ? char - prevStart : char, end - start, type, declaration ? 1 : 0);
    prevLine = line;
    prevStart = char;
  });
  return { data };
}

const SYMBOL_KINDS: Record<DocumentSymbol['kind'], SymbolKind> = {
  module: SymbolKind.Module, namespace: SymbolKind.Namespace, constant: SymbolKind.Constant, struct: SymbolKind.Struct,
  class: SymbolKind.Class, function: SymbolKind.Function, event: SymbolKind.Event, property: SymbolKind.Property,
};

/**
 * The outline with LSP ranges. Declarations and their properties come in document order, so each
 * position is found by a forward scan from the line of the one before (a line or two), not by a
 * bisection of every line; equal offsets share one Position object.
 */
export function documentSymbolsData(a: SpecAnalysis): LspSymbol[] {
  const lines = a.file.lines;
  let cursor = 0;
  const position = (offset: number, fromLine: number): Position => {
    const line = lines.lineAt(offset, fromLine);
    return { line, character: offset - lines.lineStart(line) };
  };
  const conv = (s: DocumentSymbol): LspSymbol => {
    const start = position(s.span.start, cursor);
    cursor = start.line;
    const selStart = s.selection.start === s.span.start ? start : position(s.selection.start, cursor);
    const range: Range = { start, end: position(s.span.end, cursor) };
    const selectionRange: Range = { start: selStart, end: position(s.selection.end, selStart.line) };
    return { name: s.name || '?', detail: s.detail, kind: SYMBOL_KINDS[s.kind], range, selectionRange, children: s.children.map(conv) };
  };
  return documentSymbols(a).map(conv);
}

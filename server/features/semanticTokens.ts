// Semantic tokens: colours that need the resolved model (a name is a material, a cell or a
// protocol), which the TextMate grammar cannot know. One pass over the tokens: the names the
// model knows are marked on the token they start at (found by a search that starts where the
// previous one ended), so a document of 100,000 lines costs a few arrays, not an object per name.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Decl } from '../engine/model';
import { Span, Token } from '../engine/lexer';
import { DECL_KEYWORDS } from '../engine/syntax';

export const TOKEN_TYPES = ['keyword', 'type', 'class', 'function', 'property', 'number', 'string', 'comment', 'operator', 'enumMember', 'unit'] as const;
export const TOKEN_MODIFIERS = ['declaration'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface SemanticToken { start: number; end: number; type: TokenType; declaration?: boolean }

/** Receives each coloured token in document order; `type` indexes TOKEN_TYPES. */
export type TokenSink = (start: number, end: number, type: number, declaration: boolean) => void;

const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const KEYWORDS = new Set<string>([...DECL_KEYWORDS, 'on', 'at']);
const NOT_OPERATORS = new Set(['{', '}', ';']);
const DECLARATION = 0x80;

function typeOf(d: Decl | undefined): number | undefined {
  if (!d) return undefined;
  return d.keyword === 'cell' ? T.class : d.keyword === 'protocol' ? T.function : T.type;
}

/** The colour of each name token the model knows, by token index; a later mark wins. */
class NameMarks {
  /** 0: unmarked; else 1 + type, with DECLARATION set for a declared name. */
  readonly code: Uint8Array;
  /** The end of the marked span (a name's span is its token's, but the model's word is final). */
  readonly end: Int32Array;
  private last = 0;
  constructor(private tokens: Token[]) {
    this.code = new Uint8Array(tokens.length);
    this.end = new Int32Array(tokens.length);
  }
  mark(s: Span, type: number, declaration = false): void {
    const i = this.indexAt(s.start);
    if (i < 0) return;
    this.code[i] = (1 + type) | (declaration ? DECLARATION : 0);
    this.end[i] = s.end;
  }
  /**
   * The index of the token starting at `offset`, or -1. Names come mostly in document order, so
   * the search gallops forward from the last hit: a few tokens looked at per name, not a bisection
   * of the whole document.
   */
  private indexAt(offset: number): number {
    const ts = this.tokens, n = ts.length;
    let lo = 0, hi = n - 1;
    if (n && ts[this.last].start <= offset) {
      lo = this.last;
      let step = 1;
      while (lo + step < n && ts[lo + step].start <= offset) { lo += step; step *= 2; }
      hi = Math.min(n - 1, lo + step);
    }
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, s = ts[mid].start;
      if (s === offset) return (this.last = mid);
      if (s < offset) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }
}

function markNames(a: SpecAnalysis, marks: NameMarks): void {
  for (const d of a.file.decls) {
    const t = typeOf(d);
    if (d.name && t !== undefined && d.keyword !== 'run') marks.mark(d.name, t, true);
    if (d.type) marks.mark(d.type, T.enumMember);
    for (const r of d.replicates ?? []) marks.mark(r.name!, T.class, true);
    for (const e of d.props.values()) {
      marks.mark(e.prop.key, T.property);
      if (e.value?.shape === 'enum') marks.mark(e.prop.values[0], T.enumMember);
      if (e.value?.shape === 'names' && e.spec.words) for (const w of e.value.items) marks.mark(w, T.enumMember);
      if (e.value?.shape === 'cathode' || e.value?.shape === 'columns') for (const n of e.value.props.values()) marks.mark(n.prop.key, T.property);
    }
  }
  for (const r of a.references) {
    const t = typeOf(r.target);
    if (t !== undefined) marks.mark(r, t);
  }
}

/** Every coloured token of the document, in order, without allocating per token. */
export function forEachSemanticToken(a: SpecAnalysis, emit: TokenSink): void {
  const tokens = a.file.tree.tokens;
  const marks = new NameMarks(tokens);
  markNames(a, marks);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    switch (tok.kind) {
      case 'comment': emit(tok.start, tok.end, T.comment, false); break;
      case 'string': emit(tok.start, tok.end, T.string, false); break;
      case 'number':
        emit(tok.start, tok.end, T.number, false);
        if (tok.unit) emit(tok.unit.start, tok.unit.end, T.unit, false);
        break;
      case 'name': {
        const c = marks.code[i];
        if (c) emit(tok.start, marks.end[i], (c & ~DECLARATION) - 1, (c & DECLARATION) !== 0);
        else if (KEYWORDS.has(tok.text)) emit(tok.start, tok.end, T.keyword, false);
        break;
      }
      case 'punct': if (!NOT_OPERATORS.has(tok.text)) emit(tok.start, tok.end, T.operator, false); break;
    }
  }
}

export function semanticTokens(a: SpecAnalysis): SemanticToken[] {
  const out: SemanticToken[] = [];
  forEachSemanticToken(a, (start, end, type, declaration) => out.push(declaration ? { start, end, type: TOKEN_TYPES[type], declaration } : { start, end, type: TOKEN_TYPES[type] }));
  return out;
}

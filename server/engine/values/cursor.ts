// A position in a property's value tokens, and the one way readers report a problem.
import { Span, Token } from '../lexer';
import { Diagnostic, Property } from '../syntax';

export type Report = (s: Span, code: string, message: string, fixes?: Diagnostic['fixes'], related?: Span & { message: string }) => void;

export class Cursor {
  i = 0;
  constructor(public toks: Token[], public prop: Property, public err: Report) {}
  get t(): Token | undefined { return this.toks[this.i]; }
  take(): Token | undefined { return this.toks[this.i++]; }
  isPunct(p: string) { return this.t?.kind === 'punct' && this.t.text === p; }
  isName(w?: string) { return this.t?.kind === 'name' && (w === undefined || this.t.text === w); }
  /** Where a missing value would go: the end of the property. */
  get endSpan(): Span { const e = this.prop.end; return { start: e, end: e }; }
  fail(message: string, code = 'syntax'): undefined {
    this.err(this.t ?? this.endSpan, code, message);
    return undefined;
  }
  done(what: string): boolean {
    if (this.t) { this.err(spanOf(this.toks.slice(this.i)), 'syntax', `unexpected '${this.t.text}' after ${what}`); return false; }
    return true;
  }
}

export function spanOf(toks: Token[]): Span {
  const last = toks[toks.length - 1];
  return { start: toks[0].start, end: last.unit?.end ?? last.end };
}

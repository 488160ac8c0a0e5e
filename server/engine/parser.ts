// Error-tolerant recursive-descent parser. Recovery rules, chosen so one typo gives one error:
// - an unexpected token at top level skips to the next line that starts a declaration;
// - an unexpected token inside a block skips to the end of its line;
// - a declaration keyword at the start of a line inside a block means the block lost its '}'.
import { Token, tokenize } from './lexer';
import { Block, DECL_KEYWORDS, Declaration, DeclKeyword, Diagnostic, Property, SyntaxTree } from './syntax';
import { closest } from './suggest';
import { LineIndex } from './text';

/** Nesting deeper than this is reported instead of recursed into (a guard for hostile input). */
const MAX_DEPTH = 8;

export function parse(text: string): SyntaxTree {
  const { tree } = parseRange(text, 0, text.length);
  return tree;
}

/**
 * Parses the lines text[from, to) as the whole parser would, offsets in the whole text. `from`
 * must be where a declaration starts a line (the parser is at top level there); `to` a line
 * start. `clean` is false when the range's end cut something open (a block, a skipped group):
 * the whole parse would have read on past `to`, so the caller must take a larger range.
 */
export function parseRange(text: string, from: number, to: number): { tree: SyntaxTree; clean: boolean } {
  const all = tokenize(text, from, to);
  const comments = all.filter((t) => t.kind === 'comment');
  // The rest of an overlong line is reported once, whatever the parser is doing there, and not parsed.
  const cut = all.filter((t) => t.code === 'line-too-long');
  // Without comments the parser reads the token list itself, not a copy (hostile inputs have millions).
  const tokens = comments.length || cut.length ? all.filter((t) => t.kind !== 'comment' && t.code !== 'line-too-long') : all;
  const p = new Parser(text, tokens);
  const declarations = p.document();
  const long: Diagnostic[] = cut.map((t) => ({ start: t.start, end: t.end, severity: 'error', code: 'line-too-long', message: t.message! }));
  const diagnostics = long.length ? [...long, ...p.diagnostics].sort((a, b) => a.start - b.start) : p.diagnostics;
  return { tree: { text, tokens: all, comments, declarations, diagnostics }, clean: to >= text.length || !p.cutOpen };
}

class Parser {
  pos = 0;
  diagnostics: Diagnostic[] = [];
  /** The end of the tokens was met inside a block or a skipped group (see parseRange). */
  cutOpen = false;
  private lineIndex?: LineIndex;
  private lines(): LineIndex { return (this.lineIndex ??= new LineIndex(this.text)); }
  constructor(private text: string, private tokens: Token[]) {}

  private get tok(): Token { return this.tokens[this.pos]; }
  private peek(k = 1): Token { return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]; }
  private next(): Token { const t = this.tok; if (t.kind !== 'eof') this.pos++; return t; }
  private is(kind: Token['kind'], text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }
  private error(start: number, end: number, code: string, message: string, fixes?: Diagnostic['fixes']) {
    this.diagnostics.push({ start, end, severity: 'error', code, message, fixes });
  }

  private skipBlank() {
    while (this.is('newline') || this.is('punct', ';')) this.next();
  }

  /** True when the current token starts a line (only whitespace before it). */
  private atLineStart(): boolean {
    const prev = this.tokens[this.pos - 1];
    return !prev || prev.kind === 'newline';
  }

  document(): Declaration[] {
    const decls: Declaration[] = [];
    for (;;) {
      this.skipBlank();
      if (this.is('eof')) return decls;
      const t = this.tok;
      if (t.kind === 'name' && (DECL_KEYWORDS as string[]).includes(t.text)) {
        decls.push(this.declaration());
        continue;
      }
      this.reportUnexpected(t, 'a declaration (' + DECL_KEYWORDS.join(', ') + ')', DECL_KEYWORDS);
      this.recoverToDeclaration();
    }
  }

  private reportUnexpected(t: Token, expected: string, candidates: readonly string[] = []) {
    if (t.kind === 'error') {
      this.error(t.start, t.end, t.message?.startsWith('unterminated') ? 'unterminated-string' : 'invalid-character', t.message!);
      return;
    }
    const guess = t.kind === 'name' ? closest(t.text, candidates) : undefined;
    const what = t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
    this.error(
      t.start, Math.max(t.end, t.start + 1), guess ? 'unknown-keyword' : 'syntax',
      `unexpected ${what}, expected ${expected}` + (guess ? `. Did you mean '${guess}'?` : ''),
      guess ? [{ title: `Change to '${guess}'`, start: t.start, end: t.end, newText: guess }] : undefined,
    );
  }

  /** Skip to the next line that starts with a declaration keyword, jumping over whole blocks. */
  private recoverToDeclaration() {
    let depth = 0;
    this.next();
    while (!this.is('eof')) {
      const t = this.tok;
      if (t.kind === 'punct' && t.text === '{') depth++;
      else if (t.kind === 'punct' && t.text === '}') depth = Math.max(0, depth - 1);
      else if (depth === 0 && t.kind === 'name' && (DECL_KEYWORDS as string[]).includes(t.text) && this.atLineStart()) return;
      this.next();
    }
    if (depth > 0) this.cutOpen = true;
  }

  private declaration(): Declaration {
    const keyword = this.next() as Declaration['keyword'];
    keyword.text = keyword.text as DeclKeyword;
    const header: Token[] = [];
    while (!this.is('eof') && !this.is('newline') && !this.is('punct', '{') && !this.is('punct', ';') && !this.is('punct', '}')) {
      const t = this.next();
      if (t.kind === 'error') this.reportUnexpected(t, '');
      else header.push(t);
    }
    const decl: Declaration = { keyword, header, start: keyword.start, end: header.length ? tokenEnd(header[header.length - 1]) : keyword.end };
    if (keyword.text === 'import') {
      if (this.is('punct', '{')) {
        this.error(this.tok.start, this.tok.end, 'syntax', "'import' takes a file name, not a block");
        decl.block = this.block(1);
        decl.end = decl.block.end;
      }
      return decl;
    }
    // Allow the brace on the next line.
    let k = 0;
    while (this.peek(k).kind === 'newline') k++;
    if (this.peek(k).kind === 'punct' && this.peek(k).text === '{') {
      while (this.is('newline')) this.next();
      decl.block = this.block(1);
      decl.end = decl.block.end;
    } else if (this.is('punct', '}')) {
      this.error(this.tok.start, this.tok.end, 'syntax', "unexpected '}': no block is open here");
      this.next();
    } else {
      this.error(decl.end, decl.end, 'syntax', `expected '{' to open the ${keyword.text} block`);
    }
    return decl;
  }

  private block(depth: number): Block {
    const open = this.next();
    const block: Block = { open, props: [], start: open.start, end: open.end };
    for (;;) {
      this.skipBlank();
      const t = this.tok;
      if (t.kind === 'punct' && t.text === '}') {
        block.close = this.next();
        block.end = block.close.end;
        return block;
      }
      if (t.kind === 'eof' || (t.kind === 'name' && (DECL_KEYWORDS as string[]).includes(t.text) && this.atLineStart() && depth === 1)) {
        if (t.kind === 'eof') this.cutOpen = true;
        this.error(open.start, open.end, 'unclosed-block', "this '{' is never closed: add '}'" + (t.kind === 'eof' ? ' before the end of the file' : ` before '${t.text}' on line ${this.lines().position(t.start).line + 1}`));
        block.end = this.tokens[Math.max(0, this.pos - 1)].end;
        return block;
      }
      if (t.kind === 'name' || (t.kind === 'number' && t.text === '1' && t.unit?.text === 'C')) {
        block.props.push(this.property(depth));
        block.end = block.props[block.props.length - 1].end;
        continue;
      }
      this.reportUnexpected(t, 'a property name or \'}\'');
      this.skipLine();
    }
  }

  private property(depth: number): Property {
    const key = this.next();
    const values: Token[] = [];
    let reported = false;
    while (!this.is('eof') && !this.is('newline') && !this.is('punct', ';') && !this.is('punct', '}') && !this.is('punct', '{')) {
      const t = this.next();
      if (t.kind === 'error') {
        if (!reported) this.reportUnexpected(t, '');
        reported = true;
      } else values.push(t);
    }
    const prop: Property = { key, values, start: key.start, end: values.length ? tokenEnd(values[values.length - 1]) : tokenEnd(key), broken: reported };
    if (this.is('punct', '{')) {
      if (depth >= MAX_DEPTH) {
        this.error(this.tok.start, this.tok.end, 'syntax', `blocks nested deeper than ${MAX_DEPTH} levels are not allowed`);
        this.skipBalanced();
        return prop;
      }
      prop.block = this.block(depth + 1);
      prop.end = prop.block.end;
    }
    return prop;
  }

  private skipLine() {
    while (!this.is('eof') && !this.is('newline') && !this.is('punct', '}')) {
      if (this.is('punct', '{')) { this.skipBalanced(); continue; }
      this.next();
    }
  }

  /** Skip a '{ ... }' group without recursion (hostile inputs nest thousands deep). */
  private skipBalanced() {
    let depth = 0;
    do {
      if (this.is('punct', '{')) depth++;
      else if (this.is('punct', '}')) depth--;
      this.next();
    } while (depth > 0 && !this.is('eof'));
    if (depth > 0) this.cutOpen = true;
  }
}

/** Where a token ends, its unit included. */
export function tokenEnd(t: Token): number {
  return t.unit?.end ?? t.end;
}

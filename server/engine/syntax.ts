// The syntax tree. Generic on purpose: a declaration is a header and a block of properties, a
// property is a key and its raw value tokens. What the tokens mean is decided by the schema
// (schema.ts) when the tree is interpreted (model.ts), so a typo in one property never stops the
// parser from seeing the rest of the file.
import { Span, Token } from './lexer';

export interface Diagnostic {
  start: number;
  end: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  code: string;
  message: string;
  /** Another place involved (the first definition of a duplicate, the import that closes a cycle). */
  related?: { uri: string; start: number; end: number; message: string }[];
  /** Data for quick fixes: replacement text candidates for [start, end). */
  fixes?: { title: string; start: number; end: number; newText: string }[];
}

export interface Block extends Span {
  open: Token;
  close?: Token;
  props: Property[];
}

export interface Property extends Span {
  key: Token;
  values: Token[];
  /** An error token was dropped from the value; it was reported, the value is not read. */
  broken?: boolean;
  block?: Block;
}

export type DeclKeyword = 'import' | 'study' | 'material' | 'composite' | 'cell' | 'protocol' | 'run' | 'compare';
export const DECL_KEYWORDS: DeclKeyword[] = ['import', 'study', 'material', 'composite', 'cell', 'protocol', 'run', 'compare'];

export interface Declaration extends Span {
  keyword: Token & { text: DeclKeyword };
  header: Token[];
  block?: Block;
}

export interface SyntaxTree {
  text: string;
  tokens: Token[];
  /** Comments, kept for formatting. */
  comments: Token[];
  declarations: Declaration[];
  diagnostics: Diagnostic[];
}

// The comments that document a declaration: the comment lines right above it (its description)
// and the comment after a property on its line (where the value comes from, as the standard
// library writes its sources). Hover shows both, for any file.
import { Span, Token } from '../engine/lexer';
import { Decl } from '../engine/model';
import { Scope } from '../engine/scope';
import { ParsedFile } from '../engine/workspace';

/** The file a declaration of the scope lives in (this spec, an import or the library). */
export function fileOf(scope: Scope, d: Decl): ParsedFile | undefined {
  return scope.files.find((f) => f.uri === d.uri) ?? scope.library.find((f) => f.uri === d.uri);
}

/** Index of the first token starting at or after offset. */
function firstFrom(tokens: Token[], offset: number): number {
  let lo = 0, hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < offset) lo = mid + 1; else hi = mid;
  }
  return lo;
}

const commentText = (t: Token) => t.text.replace(/^#\s?/, '').trim();

/** The comment after a property on the same line, without its '#'. */
export function trailingNote(file: ParsedFile, prop: Span): string | undefined {
  const t = file.tree.tokens[firstFrom(file.tree.tokens, prop.end)];
  return t?.kind === 'comment' ? commentText(t) || undefined : undefined;
}

/** The comment lines directly above a declaration (no blank line between), joined. */
export function leadingNote(file: ParsedFile, d: Decl): string | undefined {
  const tokens = file.tree.tokens;
  const lines: string[] = [];
  // Walk back: newline, comment, newline, comment, ... ; a blank line or code ends the note.
  let i = firstFrom(tokens, d.syntax.start) - 1;
  while (i >= 1 && tokens[i].kind === 'newline' && tokens[i - 1].kind === 'comment') {
    const c = tokens[i - 1];
    const before = tokens[i - 2];
    if (before && before.kind !== 'newline') break; // a trailing comment of the line above
    lines.unshift(commentText(c));
    i -= 2;
  }
  const text = lines.join(' ').trim();
  return text || undefined;
}

/** Where a declaration's note begins (the line of its first comment line), else the start of its own line. */
export function noteStart(file: ParsedFile, d: Decl): number {
  const tokens = file.tree.tokens;
  let start = d.syntax.start;
  let i = firstFrom(tokens, d.syntax.start) - 1;
  while (i >= 1 && tokens[i].kind === 'newline' && tokens[i - 1].kind === 'comment' && (i < 2 || tokens[i - 2].kind === 'newline')) {
    start = tokens[i - 1].start;
    i -= 2;
  }
  return file.text.lastIndexOf('\n', start - 1) + 1;
}

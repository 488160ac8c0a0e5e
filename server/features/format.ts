// Formatting: indentation by block depth (2 spaces), single spaces around '|', '=', '±' and
// '..', no trailing whitespace, at most one blank line in a row, one final newline. It only
// changes whitespace, and leaves a file with syntax errors alone (a guess could lose text).
import { Token, tokenize } from '../engine/lexer';
import { SyntaxTree } from '../engine/syntax';

export function format(tree: SyntaxTree): string | undefined {
  if (tree.diagnostics.length) return undefined;
  const lines: string[] = [];
  let depth = 0;
  let current: Token[] = [];
  let blank = 0;
  const text = tree.text;
  const flush = () => {
    if (!current.length) {
      if (lines.length && ++blank === 1) lines.push('');
      return;
    }
    blank = 0;
    const lead = current[0].kind === 'punct' && current[0].text === '}' ? depth - 1 : depth;
    let out = '', prevRaw = '';
    current.forEach((t, i) => {
      // "1C" stays one word; "50   µm" becomes "50 µm".
      const raw = t.kind === 'number' && t.unit ? `${t.text}${t.unit.start === t.end ? '' : ' '}${text.slice(t.unit.start, t.unit.end)}` : text.slice(t.start, t.end);
      const prev = current[i - 1];
      // A trailing comment keeps its column alignment; everything else gets single spaces.
      if (i > 0 && t.kind === 'comment') out += text.slice(prev.unit?.end ?? prev.end, t.start) || ' ';
      else if (i > 0) out += spaceBetween(prev, t) ? gapAfter(prev, prevRaw, raw) : '';
      out += raw;
      prevRaw = raw;
    });
    lines.push('  '.repeat(Math.max(0, lead)) + out);
    for (const t of current) {
      if (t.kind === 'punct' && t.text === '{') depth++;
      if (t.kind === 'punct' && t.text === '}') depth = Math.max(0, depth - 1);
    }
    current = [];
  };
  for (const t of tree.tokens) {
    if (t.kind === 'eof') break;
    if (t.kind === 'newline') { flush(); continue; }
    current.push(t);
  }
  flush();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n') + '\n';
}

/**
 * One space, or two where one would make the next word part of the unit before it: a unit goes on
 * over single spaces ("mA h/cm²"), so "1.5 mA/cm²   d" keeps 'd' apart only with two.
 */
function gapAfter(prev: Token, prevRaw: string, raw: string): string {
  if (prev.kind !== 'number' || !prev.unit) return ' ';
  const joined = tokenize(`${prevRaw} ${raw}`)[0];
  return joined?.unit && joined.unit.end > prevRaw.length ? '  ' : ' ';
}

function spaceBetween(a: Token, b: Token): boolean {
  if (b.kind === 'punct' && (b.text === ',' || b.text === ';')) return false;
  if (a.kind === 'punct' && a.text === '{' && b.kind === 'punct' && b.text === '}') return false;
  return true;
}

/** Non-whitespace content of a text, token by token: what formatting must preserve. */
export function contentOf(text: string): string[] {
  return tokenize(text).filter((t) => t.kind !== 'newline' && t.kind !== 'eof').map((t) => (t.unit ? `${t.text}${t.unit.text.replace(/\s+/g, ' ')}` : t.text));
}

// Readers of the shapes that are words and strings: a keyword of a fixed set, a name, a string,
// a list of file paths, a fixed phrase.
import { Span } from '../lexer';
import { PropSpec } from '../schema';
import { closest } from '../suggest';
import { Cursor } from './cursor';
import { ValueOf } from './types';

/** metal (one of the property's words) */
export function readEnum(c: Cursor, spec: PropSpec): ValueOf<'enum'> | undefined {
  const words = spec.words!;
  const t = c.take();
  if (!t || t.kind !== 'name') return c.fail(`expected one of ${words.join(', ')}`);
  if (!words.includes(t.text)) {
    const guess = closest(t.text, words);
    c.err(t, 'unknown-keyword', `unknown ${spec.key} '${t.text}'; expected one of ${words.join(', ')}` + (guess ? `. Did you mean '${guess}'?` : ''),
      guess ? [{ title: `Change to '${guess}'`, start: t.start, end: t.end, newText: guess }] : undefined);
    return undefined;
  }
  return c.done(`the ${spec.key}`) ? { shape: 'enum', word: t.text } : undefined;
}

/** eis-10mV (a name, resolved later against the scope) */
export function readRef(c: Cursor, spec: PropSpec): ValueOf<'ref'> | undefined {
  const t = c.take();
  if (!t || t.kind !== 'name') return c.fail(`expected a name, e.g. ${spec.example}`);
  return c.done(`'${t.text}'`) ? { shape: 'ref', ref: { name: t.text, start: t.start, end: t.end } } : undefined;
}

/** "Li6PS5Cl" */
export function readString(c: Cursor, spec: PropSpec): ValueOf<'string'> | undefined {
  const t = c.take();
  if (!t || t.kind !== 'string') return c.fail(`expected a string in double quotes, e.g. ${spec.example}`);
  return c.done('the string') ? { shape: 'string', text: t.value! } : undefined;
}

/** "a.mpt", "b.mpt" */
export function readStrings(c: Cursor, spec: PropSpec): ValueOf<'strings'> | undefined {
  const items: (Span & { text: string })[] = [];
  for (;;) {
    const t = c.take();
    if (!t || t.kind !== 'string') { c.i--; return c.fail(`expected a file path in double quotes, e.g. ${spec.example}`); }
    items.push({ text: t.value!, start: t.start, end: t.end });
    if (!c.isPunct(',')) break;
    c.take();
  }
  return c.done('the file names') ? { shape: 'strings', items } : undefined;
}

/** on short (the property's words, in order) */
export function readFlag(c: Cursor, spec: PropSpec): ValueOf<'flag'> | undefined {
  for (const w of spec.words!) {
    if (!c.isName(w)) return c.fail(`expected '${spec.example}'`);
    c.take();
  }
  return c.done(`'${spec.example}'`) ? { shape: 'flag' } : undefined;
}

/** half-Li-1, half-Li-2 (names resolved later), or D_eff, ccd (words of the property's set) */
export function readNames(c: Cursor, spec: PropSpec): ValueOf<'names'> | undefined {
  const items: ValueOf<'names'>['items'] = [];
  for (;;) {
    const t = c.take();
    if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a name, e.g. ${spec.example}`); }
    if (spec.words && !spec.words.includes(t.text)) {
      const guess = closest(t.text, spec.words);
      c.err(t, 'unknown-keyword', `unknown ${spec.key.replace(/s$/, '')} '${t.text}'; expected ${spec.words.join(', ')}` + (guess ? `. Did you mean '${guess}'?` : ''),
        guess ? [{ title: `Change to '${guess}'`, start: t.start, end: t.end, newText: guess }] : undefined);
      return undefined;
    }
    items.push({ name: t.text, start: t.start, end: t.end });
    if (!c.isPunct(',')) break;
    c.take();
  }
  return c.done(`the ${spec.key}`) ? { shape: 'names', items } : undefined;
}

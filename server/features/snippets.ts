// Snippets for completion and quick fixes: every value a template inserts is a tab stop (typing
// replaces it, it never doubles it), every name it needs is a choice of the names the spec can see.
// A Snippet is built once and gives both the LSP snippet text and the plain text of its defaults,
// for clients without snippets.
import { tokenize } from '../engine/lexer';
import { PropSpec } from '../engine/schema';

type Part = string | { stop: string } | { choice: string[] };

export class Snippet {
  private parts: Part[] = [];

  text(s: string): this { this.parts.push(s); return this; }
  /** A tab stop holding a default the user types over. */
  stop(defaultText: string): this { this.parts.push({ stop: defaultText }); return this; }
  /** A tab stop offering these choices (the first is the default); a plain stop when there is only one or none. */
  choice(options: readonly string[], fallback = ''): this {
    const unique = [...new Set(options)];
    this.parts.push(unique.length > 1 ? { choice: unique } : { stop: unique[0] ?? fallback });
    return this;
  }
  append(other: Snippet): this { this.parts.push(...other.parts); return this; }

  /** LSP snippet syntax, tab stops numbered in order. */
  snippet(): string {
    let n = 0;
    return this.parts.map((p) => {
      if (typeof p === 'string') return escapeText(p);
      n++;
      return 'stop' in p ? (p.stop ? `\${${n}:${escapePlaceholder(p.stop)}}` : `\$${n}`) : `\${${n}|${p.choice.map(escapeChoice).join(',')}|}`;
    }).join('');
  }

  /** What the snippet inserts when every tab stop keeps its default. */
  plain(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : 'stop' in p ? p.stop : p.choice[0])).join('');
  }
}

// '}' means something only inside a placeholder; '$' and '\' everywhere.
const escapeText = (s: string) => s.replace(/[\\$]/g, (c) => '\\' + c);
const escapePlaceholder = (s: string) => s.replace(/[\\$}]/g, (c) => '\\' + c);
const escapeChoice = (s: string) => s.replace(/[\\$}|,]/g, (c) => '\\' + c);

/**
 * The names a property's example refers to, and which the user picks from: layers in a stack,
 * materials in a composite group or a cathode, eis protocols, the words of an enum. Called with
 * the example's own name; answers the choices (that name first when it is one of them).
 */
export type NameChoices = (spec: PropSpec, exampleName: string) => readonly string[] | undefined;

/**
 * A property's example as a snippet: its numbers and strings as tab stops, the names it refers
 * to as choices, everything else (the key, units, keywords, punctuation) as written.
 */
export function propertySnippet(spec: PropSpec, choices: NameChoices, example = spec.example ?? spec.key): Snippet {
  const s = new Snippet();
  const toks = tokenize(example).filter((t) => t.kind !== 'eof' && t.kind !== 'newline');
  let at = 0;
  let afterEquals = false;
  let braces = 0;
  toks.forEach((t, i) => {
    s.text(example.slice(at, t.start));
    at = t.end;
    if (t.kind === 'punct') {
      if (t.text === '=') afterEquals = true;
      if (t.text === '{') braces++;
      if (t.text === '}') braces--;
    }
    if (i === 0) { s.text(example.slice(t.start, t.unit?.end ?? t.end)); at = t.unit?.end ?? t.end; return; }
    if (t.kind === 'number') {
      s.stop(t.text);
      if (t.unit) { s.text(example.slice(t.end, t.unit.end)); at = t.unit.end; }
    } else if (t.kind === 'string') {
      s.text('"').stop(t.value ?? '').text('"');
    } else if (t.kind === 'name' && braces === 0 && !afterEquals && refersToName(spec)) {
      const options = choices(spec, t.text);
      if (options) s.choice(options, t.text); else s.stop(t.text);
    } else s.text(t.text);
  });
  s.text(example.slice(at));
  return s;
}

/** Whether a name in the example of this property names a declaration or a word to choose. */
function refersToName(spec: PropSpec): boolean {
  switch (spec.shape) {
    case 'enum': return true;
    case 'stack': case 'cathode': case 'ref': return true;
    case 'members': return spec.key !== 'ratio';
    default: return false;
  }
}

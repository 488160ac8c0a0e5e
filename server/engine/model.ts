// Interprets the generic syntax tree against the schema: each property's tokens become a typed
// value (quantities in SI with their unit, references, stacks, ratios). Shape and unit problems
// become diagnostics on the exact tokens; a bad property never hides the others.
import { Span, Token } from './lexer';
import { BLOCKS, blockKey, CELL_KINDS, PROTOCOL_TYPES, propSpec } from './schema';
import { closest } from './suggest';
import { Block, Declaration, Diagnostic, SyntaxTree } from './syntax';
import { readValue, takesBlock } from './values';
import { Report, spanOf } from './values/cursor';
import { PropEntry, PropMap, Quantity, Ref, Value } from './values/types';

// What other modules import from here, wherever it now lives.
export type { Layer, PropEntry, PropMap, Quantity, Ref, Value } from './values/types';
export { spanOf } from './values/cursor';
export { dimPhrase } from './values/quantity';

export interface Decl {
  keyword: Declaration['keyword']['text'];
  syntax: Declaration;
  uri: string;
  /** The declared name (for a run: "protocol on cell"). */
  name?: Ref;
  /** Cell kind or protocol type. */
  type?: Ref;
  title?: string;
  importPath?: Span & { text: string };
  /** A run's protocol and cell. */
  protocolRef?: Ref;
  cellRef?: Ref;
  props: PropMap;
  /** A cell's replicates (its `replicates` names): each a cell of its own with the build's properties. */
  replicates?: Decl[];
  /** A replicate's build: the cell declaration whose `replicates` names it. */
  build?: Decl;
}

/** The build a cell belongs to: its declaration when it is a replicate, else itself. */
export function buildOf(cell: Decl): Decl {
  return cell.build ?? cell;
}

export function interpret(tree: SyntaxTree, uri: string): { decls: Decl[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err: Report = (s, code, message, fixes, related) =>
    diagnostics.push({
      start: s.start, end: Math.max(s.end, s.start + 1), severity: 'error', code, message, fixes,
      related: related && [{ uri, start: related.start, end: related.end, message: related.message }],
    });
  const decls = tree.declarations.map((d) => interpretDecl(d, uri, err));
  return { decls, diagnostics };
}

function interpretDecl(d: Declaration, uri: string, err: Report): Decl {
  const decl: Decl = { keyword: d.keyword.text, syntax: d, uri, props: new Map() };
  const h = d.header;
  const ref = (t: Token | undefined): Ref | undefined => (t && t.kind === 'name' ? { name: t.text, start: t.start, end: t.end } : undefined);
  const expectEnd = (i: number, what: string) => {
    if (h.length > i) err(spanOf(h.slice(i)), 'syntax', `unexpected '${h[i].text}' after ${what}`);
  };
  switch (d.keyword.text) {
    case 'import':
      if (h[0]?.kind === 'string') decl.importPath = { text: h[0].value!, start: h[0].start, end: h[0].end };
      else err(h[0] ?? d.keyword, 'syntax', 'expected the file to import as a string, e.g. import "materials.cellspec"');
      expectEnd(1, 'the imported file');
      return decl;
    case 'study':
      if (h[0]?.kind === 'string') decl.title = h[0].value;
      else err(h[0] ?? d.keyword, 'syntax', 'expected the study title as a string, e.g. study "Interlayer vs bare Li"');
      expectEnd(1, 'the study title');
      break;
    case 'material':
    case 'composite':
    case 'compare':
      decl.name = ref(h[0]);
      if (!decl.name) err(h[0] ?? d.keyword, 'syntax', `expected a name after '${d.keyword.text}'`);
      expectEnd(1, `the ${d.keyword.text} name`);
      break;
    case 'cell':
    case 'protocol': {
      const kinds: readonly string[] = d.keyword.text === 'cell' ? CELL_KINDS : PROTOCOL_TYPES;
      const what = d.keyword.text === 'cell' ? 'cell kind' : 'protocol type';
      decl.name = ref(h[0]);
      if (!decl.name) { err(h[0] ?? d.keyword, 'syntax', `expected a name after '${d.keyword.text}'`); break; }
      const t = h[1];
      if (!t || t.kind !== 'name') err(t ?? h[0], 'syntax', `expected the ${what} after '${h[0].text}': ${kinds.join(', ')}`);
      else if (!kinds.includes(t.text)) {
        const guess = closest(t.text, kinds);
        err(t, 'unknown-keyword', `unknown ${what} '${t.text}'; expected ${kinds.join(', ')}` + (guess ? `. Did you mean '${guess}'?` : ''),
          guess ? [{ title: `Change to '${guess}'`, start: t.start, end: t.end, newText: guess }] : undefined);
      } else decl.type = ref(t);
      expectEnd(2, `the ${what}`);
      break;
    }
    case 'run': {
      const on = h.findIndex((t) => t.kind === 'name' && t.text === 'on');
      if (on !== 1 || !ref(h[0]) || !ref(h[2])) {
        err(h.length ? spanOf(h) : d.keyword, 'syntax', 'expected "run PROTOCOL on CELL"');
      } else {
        decl.protocolRef = ref(h[0]);
        decl.cellRef = ref(h[2]);
        decl.name = { name: `${h[0].text} on ${h[2].text}`, start: h[0].start, end: h[2].end };
        expectEnd(3, 'the cell');
      }
      break;
    }
  }
  if (d.block) {
    const key = blockKey(d.keyword.text, decl.type?.name);
    // An unknown protocol type was already reported; its properties cannot be checked.
    if (BLOCKS[key]) decl.props = interpretBlock(d.block, key, err);
  }
  const replicates = decl.keyword === 'cell' ? value(decl.props, 'replicates', 'names') : undefined;
  if (replicates) decl.replicates = replicates.items.map((r) => ({ ...decl, name: r, build: decl, replicates: undefined }));
  return decl;
}

export function interpretBlock(block: Block, key: string, err: Report): PropMap {
  const map: PropMap = new Map();
  const specs = BLOCKS[key];
  for (const prop of block.props) {
    const name = prop.key.kind === 'number' ? '1C' : prop.key.text;
    const spec = propSpec(key, name);
    if (!spec) {
      const guess = closest(name, specs.map((s) => s.key));
      err(prop.key, 'unknown-property', `unknown property '${name}' in ${describeBlock(key)}` +
        (guess ? `. Did you mean '${guess}'?` : `; expected one of ${specs.map((s) => s.key).join(', ')}`),
      guess ? [{ title: `Change to '${guess}'`, start: prop.key.start, end: prop.key.end, newText: guess }] : undefined);
      continue;
    }
    const prev = map.get(name);
    if (prev) {
      err(prop.key, 'duplicate-property', `'${name}' is set twice in this block; the first one counts`, undefined,
        { start: prev.prop.start, end: prev.prop.end, message: `first '${name}'` });
      continue;
    }
    const entry: PropEntry = { prop, spec };
    map.set(name, entry);
    if (prop.block && !takesBlock(spec.shape)) {
      err(prop.block.open, 'syntax', `'${name}' does not take a block`);
    }
    if (!prop.broken) entry.value = readValue(prop, spec, err, (block, nestedKey) => interpretBlock(block, nestedKey, err));
  }
  return map;
}

function describeBlock(key: string): string {
  return key.startsWith('protocol ') ? `a ${key.slice(9)} protocol` : key === 'cathode' ? 'a cathode' : `a ${key}`;
}

/**
 * The tokens of a property as the user wrote them, units included, single-spaced, no space before
 * ',' or ';'; cut with '…' past `maxChars`.
 */
export function tokensText(toks: Token[], maxChars = Infinity): string {
  let s = '';
  for (const t of toks) {
    if (s.length && !(t.kind === 'punct' && (t.text === ',' || t.text === ';'))) s += ' ';
    s += t.unit ? `${t.text} ${t.unit.text}` : t.text;
    if (s.length > maxChars) {
      // Stop building a list of 200,000 currents after what fits: the cost stays that of the cut.
      const highSurrogate = (s.charCodeAt(maxChars - 1) & 0xfc00) === 0xd800;
      const cut = highSurrogate ? maxChars - 1 : maxChars;
      return s.slice(0, cut) + '…';
    }
  }
  return s;
}

// Property accessors: the typed value of a property, when it has the shape asked for.
export function quantity(props: PropMap, key: string): Quantity | undefined {
  const v = props.get(key)?.value;
  return v && (v.shape === 'quantity' || v.shape === 'tolerance' || v.shape === 'oneC') ? v.q : undefined;
}
export function value<S extends Value['shape']>(props: PropMap, key: string, shape: S): Extract<Value, { shape: S }> | undefined {
  const v = props.get(key)?.value;
  return v && v.shape === shape ? (v as Extract<Value, { shape: S }>) : undefined;
}
export function enumValue(props: PropMap, key: string): string | undefined {
  return value(props, key, 'enum')?.word;
}

/** The declaration's keyword through its last header token (where run-level findings are reported). */
export function headerSpan(d: Decl): Span {
  const h = d.syntax.header;
  return { start: d.syntax.keyword.start, end: h.length ? h[h.length - 1].end : d.syntax.keyword.end };
}

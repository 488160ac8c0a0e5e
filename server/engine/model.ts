// Interprets the generic syntax tree against the schema: each property's tokens become a typed
// value (quantities in SI with their unit, references, stacks, ratios). Shape and unit problems
// become diagnostics on the exact tokens; a bad property never hides the others.
import { Span, Token } from './lexer';
import { BLOCKS, blockKey, CELL_KINDS, PROTOCOL_TYPES, PropSpec, propSpec } from './schema';
import { closest } from './suggest';
import { Block, Declaration, Diagnostic, Property, SyntaxTree } from './syntax';
import { DIM, Dim, dimName, parseUnit, sameDim, toSI, Unit, unitsFor } from '../domain/units';

export interface Quantity extends Span {
  /** The number as written and its unit; `si` is the value in SI base units. */
  value: number;
  unit: Unit;
  si: number;
}
export interface Ref extends Span { name: string }
export interface Layer extends Span { ref: Ref; thickness?: Quantity }

export type Value =
  | { shape: 'quantity'; q: Quantity }
  | { shape: 'tolerance'; q: Quantity; tol?: Quantity }
  | { shape: 'range'; lo: Quantity; hi: Quantity }
  | { shape: 'list'; items: Quantity[] }
  | { shape: 'count'; n: number }
  | { shape: 'enum'; word: string }
  | { shape: 'ref'; ref: Ref }
  | { shape: 'string'; text: string }
  | { shape: 'strings'; items: (Span & { text: string })[] }
  | { shape: 'stack'; layers: Layer[] }
  | { shape: 'members'; members: Ref[]; parts?: (Span & { n: number })[] }
  | { shape: 'countAtRate'; n: number; rate: Quantity }
  | { shape: 'every'; cycles?: number; capacity?: Quantity }
  | { shape: 'flag' }
  | { shape: 'oneC'; q: Quantity }
  | { shape: 'cathode'; ref: Ref; props: PropMap }
  | { shape: 'columns'; props: PropMap }
  | { shape: 'number'; n: number }
  | { shape: 'assignments'; items: (Ref & { n: number })[] }
  | { shape: 'bounds'; items: (Ref & { lo: number; hi: number })[] };

export interface PropEntry { prop: Property; spec: PropSpec; value?: Value }
export type PropMap = Map<string, PropEntry>;

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

type Report = (s: Span, code: string, message: string, fixes?: Diagnostic['fixes'], related?: Span & { message: string }) => void;

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
    if (prop.block && spec.shape !== 'cathode' && spec.shape !== 'columns') {
      err(prop.block.open, 'syntax', `'${name}' does not take a block`);
    }
    if (!prop.broken) entry.value = readValue(prop, spec, err);
  }
  return map;
}

function describeBlock(key: string): string {
  return key.startsWith('protocol ') ? `a ${key.slice(9)} protocol` : key === 'cathode' ? 'a cathode' : `a ${key}`;
}


// ---------------------------------------------------------------------------------------------
// Reading values of each shape

class Cursor {
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

function readValue(prop: Property, spec: PropSpec, err: Report): Value | undefined {
  const c = new Cursor(prop.values, prop, err);
  const key = spec.key;
  switch (spec.shape) {
    case 'quantity': {
      const q = readQuantity(c, spec);
      return q && c.done(`the ${key}`) ? { shape: 'quantity', q } : undefined;
    }
    case 'tolerance': {
      const q = readQuantity(c, spec);
      if (!q) return undefined;
      let tol: Quantity | undefined;
      if (c.isPunct('±')) {
        c.take();
        tol = readQuantity(c, spec, q.unit);
        if (tol && tol.si < 0) err(tol, 'invalid-value', 'a tolerance must not be negative');
      }
      return c.done(`the ${key}`) ? { shape: 'tolerance', q, tol } : undefined;
    }
    case 'range': {
      // The unit may be written once, after the upper bound: "2.8 .. 4.3 V".
      const loTok = c.t;
      const lo = readQuantity(c, spec, undefined, true);
      if (!lo || !c.isPunct('..')) return lo ? c.fail(`expected '..' between the two ends of the ${key}, e.g. ${spec.example}`) : undefined;
      c.take();
      const hi = readQuantity(c, spec, lo.unit.text ? lo.unit : undefined);
      if (!hi) return undefined;
      if (!lo.unit.text) Object.assign(lo, rescale(loTok!, hi.unit));
      return c.done(`the ${key}`) ? { shape: 'range', lo, hi } : undefined;
    }
    case 'list': {
      const items: Quantity[] = [];
      const toks: Token[] = [];
      for (;;) {
        const t = c.t;
        const q = readQuantity(c, spec, undefined, true);
        if (!q) return undefined;
        items.push(q); toks.push(t!);
        if (!c.isPunct(',')) break;
        c.take();
      }
      // "0.5, 1, 2 mA/cm²": numbers without a unit take the unit written last.
      const last = items[items.length - 1];
      if (!last.unit.text) { err(spanOf(toks), 'missing-unit', `expected ${dimPhrase(spec.dim!)}, e.g. ${spec.example}; the list has no unit`, unitFixes(spec, { start: last.end, end: last.end }, 'Add')); return undefined; }
      items.forEach((q, i) => { if (!q.unit.text) Object.assign(q, rescale(toks[i], last.unit)); });
      return c.done(`the ${key}`) ? { shape: 'list', items } : undefined;
    }
    case 'count': {
      const n = readCount(c, key);
      return n !== undefined && c.done(`the ${key}`) ? { shape: 'count', n } : undefined;
    }
    case 'enum': {
      const t = c.take();
      if (!t || t.kind !== 'name') return c.fail(`expected one of ${spec.words!.join(', ')}`);
      if (!spec.words!.includes(t.text)) {
        const guess = closest(t.text, spec.words!);
        err(t, 'unknown-keyword', `unknown ${key} '${t.text}'; expected one of ${spec.words!.join(', ')}` + (guess ? `. Did you mean '${guess}'?` : ''),
          guess ? [{ title: `Change to '${guess}'`, start: t.start, end: t.end, newText: guess }] : undefined);
        return undefined;
      }
      return c.done(`the ${key}`) ? { shape: 'enum', word: t.text } : undefined;
    }
    case 'ref': {
      const t = c.take();
      if (!t || t.kind !== 'name') return c.fail(`expected a name, e.g. ${spec.example}`);
      return c.done(`'${t.text}'`) ? { shape: 'ref', ref: { name: t.text, start: t.start, end: t.end } } : undefined;
    }
    case 'string': {
      const t = c.take();
      if (!t || t.kind !== 'string') return c.fail(`expected a string in double quotes, e.g. ${spec.example}`);
      return c.done('the string') ? { shape: 'string', text: t.value! } : undefined;
    }
    case 'strings': {
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
    case 'stack': {
      const layers: Layer[] = [];
      for (;;) {
        const t = c.take();
        if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a layer name, e.g. ${spec.example}`); }
        const layer: Layer = { ref: { name: t.text, start: t.start, end: t.end }, start: t.start, end: t.end };
        if (c.t?.kind === 'number') {
          const q = readQuantity(c, { ...spec, dim: DIM.length, key: 'thickness', example: 'Li 50 µm' });
          if (!q) return undefined;
          layer.thickness = q;
          layer.end = q.end;
        }
        layers.push(layer);
        if (!c.t) break;
        if (!c.isPunct('|')) return c.fail(`expected '|' between layers, got '${c.t.text}'`);
        c.take();
      }
      return { shape: 'stack', layers };
    }
    case 'members': {
      const members: Ref[] = [];
      for (;;) {
        const t = c.take();
        if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a name, e.g. ${spec.example}`); }
        members.push({ name: t.text, start: t.start, end: t.end });
        if (!c.isPunct(':')) break;
        c.take();
      }
      if (!c.t) {
        if (members.length > 1) return c.fail(`${members.length} parts need their mass ratio, e.g. ${spec.example}`);
        return { shape: 'members', members };
      }
      if (!c.isPunct('=')) return c.fail(`expected ':' or '=' after '${members[members.length - 1].name}'`);
      c.take();
      const parts: (Span & { n: number })[] = [];
      for (;;) {
        const t = c.take();
        if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail('expected a number in the mass ratio'); }
        if (t.unit) { err(t.unit, 'syntax', 'ratio parts are plain numbers, without a unit'); return undefined; }
        parts.push({ n: t.num!, start: t.start, end: t.end });
        if (!c.isPunct(':')) break;
        c.take();
      }
      if (!c.done('the ratio')) return undefined;
      if (parts.length !== members.length) {
        err(spanOf(prop.values), 'ratio-mismatch', `${members.length} names but ${parts.length} ratio parts`);
        return undefined;
      }
      return { shape: 'members', members, parts };
    }
    case 'countAtRate': {
      const n = readCount(c, key);
      if (n === undefined) return undefined;
      if (!c.isName('at')) return c.fail(`expected 'at' and a C-rate, e.g. ${spec.example}`);
      c.take();
      const rate = readQuantity(c, spec);
      return rate && c.done('the C-rate') ? { shape: 'countAtRate', n, rate } : undefined;
    }
    case 'every': {
      const t = c.t;
      if (t?.kind === 'number' && !t.unit) {
        const n = readCount(c, key);
        if (n === undefined) return undefined;
        if (!c.isName('cycles') && !c.isName('cycle')) return c.fail("expected 'cycles' after the count, or a capacity such as 1 mAh/cm²");
        c.take();
        return c.done("'cycles'") ? { shape: 'every', cycles: n } : undefined;
      }
      const capacity = readQuantity(c, { ...spec, dim: DIM.arealCapacity, unit: 'mAh/cm²', example: 'every 1 mAh/cm²' });
      return capacity && c.done('the capacity') ? { shape: 'every', capacity } : undefined;
    }
    case 'flag': {
      const words = spec.words!;
      for (const w of words) {
        if (!c.isName(w)) return c.fail(`expected '${spec.example}'`);
        c.take();
      }
      return c.done(`'${spec.example}'`) ? { shape: 'flag' } : undefined;
    }
    case 'oneC': {
      if (!c.isPunct('=')) return c.fail(`expected '=', e.g. ${spec.example}`);
      c.take();
      const q = readQuantity(c, spec);
      return q && c.done('the 1C definition') ? { shape: 'oneC', q } : undefined;
    }
    case 'number': {
      const t = c.take();
      if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail(`expected a number, e.g. ${spec.example}`); }
      if (t.unit) { err(t.unit, 'syntax', `the ${key} is a plain number, without a unit`); return undefined; }
      if (!(t.num! > 0)) { err(t, 'invalid-value', `the ${key} must be positive`); return undefined; }
      return c.done(`the ${key}`) ? { shape: 'number', n: t.num! } : undefined;
    }
    case 'assignments':
    case 'bounds': {
      const items: (Ref & { n: number; lo: number; hi: number })[] = [];
      const number = (): number | undefined => {
        const t = c.take();
        if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail(`expected a number, e.g. ${spec.example}`); }
        if (t.unit) { err(t.unit, 'syntax', 'circuit parameters are plain numbers in SI units (Ω, F, H), without a unit'); return undefined; }
        return t.num!;
      };
      for (;;) {
        const t = c.take();
        if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a parameter name, e.g. ${spec.example}`); }
        let n = NaN, lo = NaN, hi = NaN;
        if (spec.shape === 'assignments') {
          if (!c.isPunct('=')) return c.fail(`expected '=' after '${t.text}', e.g. ${spec.example}`);
          c.take();
          const v = number();
          if (v === undefined) return undefined;
          n = v;
        } else {
          const a = number();
          if (a === undefined) return undefined;
          if (!c.isPunct('..')) return c.fail(`expected '..' between the bounds, e.g. ${spec.example}`);
          c.take();
          const b = number();
          if (b === undefined) return undefined;
          if (!(a < b)) { err({ start: t.start, end: c.toks[c.i - 1].end }, 'invalid-value', 'the lower bound must be below the upper bound'); return undefined; }
          lo = a; hi = b;
        }
        items.push({ name: t.text, start: t.start, end: t.end, n, lo, hi });
        if (!c.isPunct(',')) break;
        c.take();
      }
      if (!c.done(`the ${key}`)) return undefined;
      return spec.shape === 'assignments' ? { shape: 'assignments', items } : { shape: 'bounds', items };
    }
    case 'columns': {
      if (!c.done(`'${key}'`)) return undefined;
      if (!prop.block) { err(prop.key, 'syntax', `expected a block after '${key}', e.g. ${spec.example}`); return undefined; }
      return { shape: 'columns', props: interpretBlock(prop.block, 'columns', err) };
    }
    case 'cathode': {
      const t = c.take();
      if (!t || t.kind !== 'name') return c.fail(`expected the active material, e.g. ${spec.example}`);
      if (!c.done(`'${t.text}'`)) return undefined;
      if (!prop.block) { err(prop.key, 'syntax', `expected a block after '${t.text}', e.g. ${spec.example}`); return undefined; }
      return { shape: 'cathode', ref: { name: t.text, start: t.start, end: t.end }, props: interpretBlock(prop.block, 'cathode', err) };
    }
  }
}

function readCount(c: Cursor, key: string): number | undefined {
  const t = c.take();
  if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail(`expected a whole number for the ${key}`); }
  if (t.unit) { c.err(t.unit, 'syntax', `the ${key} is a count, without a unit`); return undefined; }
  if (!Number.isInteger(t.num) || t.num! < 0) { c.err(t, 'invalid-value', `the ${key} must be a whole number ≥ 0`); return undefined; }
  return t.num;
}

/**
 * One number with its unit, checked against the property's dimension. With `unitOptional`
 * a bare number is returned with an empty unit, for lists and ranges that share a unit.
 */
function readQuantity(c: Cursor, spec: PropSpec, defaultUnit?: Unit, unitOptional = false): Quantity | undefined {
  const t = c.take();
  if (!t || t.kind !== 'number') {
    if (t) c.i--;
    return c.fail(`expected ${dimPhrase(spec.dim!)}, e.g. ${spec.example}`);
  }
  if (!t.unit) {
    // A word after the number that is not a unit we know: name it as such.
    const next = c.t;
    if (next?.kind === 'name' && !['at', 'cycles', 'cycle'].includes(next.text)) {
      c.err(next, 'unknown-unit', `unknown unit "${next.text}"; expected ${dimPhrase(spec.dim!)} such as ${unitsFor(spec.dim!).slice(0, 3).join(', ')}`,
        unitFixes(spec, next, 'Change', 3));
      c.take();
      return undefined;
    }
    if (defaultUnit) return { value: t.num!, unit: defaultUnit, si: toSI(t.num!, defaultUnit), start: t.start, end: t.end };
    if (unitOptional) return { value: t.num!, unit: { text: '', canonical: '', factor: 1, offset: 0, dim: spec.dim! }, si: t.num!, start: t.start, end: t.end };
    c.err(t, 'missing-unit', `missing unit: expected ${dimPhrase(spec.dim!)}, e.g. ${spec.example}`, unitFixes(spec, { start: t.end, end: t.end }, 'Add'));
    return undefined;
  }
  const unit = parseUnit(t.unit.text);
  if ('error' in unit) {
    c.err(t.unit, 'unknown-unit', `${unit.error}; expected ${dimPhrase(spec.dim!)} such as ${unitsFor(spec.dim!).slice(0, 3).join(', ')}`,
      unitFixes(spec, t.unit, 'Change', 3));
    return undefined;
  }
  if (!sameDim(unit.dim, spec.dim!)) {
    c.err({ start: t.start, end: t.unit.end }, 'wrong-dimension', `wrong dimension: the ${spec.key} is ${dimPhrase(spec.dim!)} (${unitsFor(spec.dim!)[0]}), but ${t.unit.text} is ${article(dimName(unit.dim))}`,
      unitFixes(spec, t.unit, 'Change'));
    return undefined;
  }
  return { value: t.num!, unit, si: toSI(t.num!, unit), start: t.start, end: t.unit.end };
}

function rescale(t: Token, unit: Unit): Partial<Quantity> {
  return { unit, si: toSI(t.num!, unit) };
}

/** Fixes that add (at an offset) or replace (a span) a unit of the property's dimension. */
function unitFixes(spec: PropSpec, at: Span, verb: 'Add' | 'Change', n = 2): Diagnostic['fixes'] {
  return unitsFor(spec.dim!).slice(0, n).map((u) => ({ title: verb === 'Add' ? `Add unit ${u}` : `Change unit to ${u}`, start: at.start, end: at.end, newText: verb === 'Add' ? ' ' + u : u }));
}

export function dimPhrase(dim: Dim): string {
  return article(dimName(dim));
}
function article(s: string): string {
  return (/^[aeiouAEIOU]/.test(s) && !s.startsWith('u') ? 'an ' : 'a ') + s;
}

export function spanOf(toks: Token[]): Span {
  const last = toks[toks.length - 1];
  return { start: toks[0].start, end: last.unit?.end ?? last.end };
}

/** The tokens of a property as the user wrote them, units included, single-spaced. */
export function tokensText(toks: Token[]): string {
  return toks.map((t) => (t.unit ? `${t.text} ${t.unit.text}` : t.text)).join(' ').replace(/ ([,;])/g, '$1');
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

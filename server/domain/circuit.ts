// Equivalent circuits in impedance.py's string syntax: `-` joins elements in series, `p(a,b,...)`
// puts branches in parallel (nested freely), elements are a type and a number: R0, C1, L0, CPE1,
// W1, Wo1, Ws1. Parsing keeps source offsets so the language server can place a diagnostic on the
// offending characters. The grammar is shared by the spec checks and the fit; evaluation lives with
// the fit (analyses/eis/circuitModel.ts).

export type ElementType = 'R' | 'C' | 'L' | 'CPE' | 'W' | 'Wo' | 'Ws';

/** Parameters of each element type, in impedance.py's order, with their SI units. */
export const ELEMENT_PARAMETERS: Record<ElementType, { unit: string; description: string }[]> = {
  R: [{ unit: 'Ω', description: 'resistance' }],
  C: [{ unit: 'F', description: 'capacitance' }],
  L: [{ unit: 'H', description: 'inductance' }],
  CPE: [
    { unit: 'F·s^(α-1)', description: 'CPE coefficient Q (Z = 1/(Q (jω)^α))' },
    { unit: '', description: 'CPE exponent α (1 = ideal capacitor)' },
  ],
  W: [{ unit: 'Ω·s^-1/2', description: 'Warburg coefficient Aw (Z = Aw (1 − j)/√ω)' }],
  Wo: [
    { unit: 'Ω', description: 'finite-length open Warburg Z0 (Z = Z0 coth√(jωτ)/√(jωτ))' },
    { unit: 's', description: 'finite-length open Warburg time constant τ = L²/D' },
  ],
  Ws: [
    { unit: 'Ω', description: 'finite-length short Warburg Z0 (Z = Z0 tanh√(jωτ)/√(jωτ))' },
    { unit: 's', description: 'finite-length short Warburg time constant τ = L²/D' },
  ],
};

const TYPES: ElementType[] = ['CPE', 'Wo', 'Ws', 'W', 'R', 'C', 'L'];
/** impedance.py elements this module does not implement (named in the error message). */
const UNSUPPORTED = ['TLMQ', 'Gs', 'La', 'G', 'T', 'K'];

interface Span {
  /** Offset of the first character in the circuit string. */
  offset: number;
  length: number;
}

export interface ElementNode extends Span {
  kind: 'element';
  type: ElementType;
  /** The name as written, e.g. "CPE1". */
  name: string;
  /** Index of the element's first parameter in the circuit's parameter vector. */
  firstParam: number;
}

export interface SeriesNode extends Span {
  kind: 'series';
  children: CircuitNode[];
}

export interface ParallelNode extends Span {
  kind: 'parallel';
  children: CircuitNode[];
}

export type CircuitNode = ElementNode | SeriesNode | ParallelNode;

export interface ParameterInfo {
  /** impedance.py's name: the element name for one-parameter elements, else `name_i` (CPE1_0, CPE1_1). */
  name: string;
  element: string;
  type: ElementType;
  /** Position within the element (0 for Q, 1 for α, ...). */
  index: number;
  unit: string;
  description: string;
}

export interface Circuit {
  source: string;
  root: CircuitNode;
  /** Elements in order of appearance. */
  elements: ElementNode[];
  /** Parameters in impedance.py order (order of appearance, then within the element). */
  parameters: ParameterInfo[];
}

export interface CircuitError extends Span {
  message: string;
}

export type CircuitParse = { ok: true; circuit: Circuit } | { ok: false; errors: CircuitError[] };

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses a circuit string. Whitespace is allowed anywhere between tokens. Errors carry the offset
 * and length of the characters at fault: an unknown element (`X3`), a type without a number, an
 * unclosed `p(` or a stray `)`, an empty `p()` or empty branch, a duplicate element name, a
 * dangling `-` or `,`, an unexpected character.
 */
export function parseCircuit(source: string): CircuitParse {
  if (typeof source !== 'string') return { ok: false, errors: [{ message: 'the circuit must be a string', offset: 0, length: 0 }] };
  const p = new Parser(source);
  const root = p.parseTop();
  if (p.errors.length > 0 || !root) {
    if (p.errors.length === 0) p.errors.push({ message: 'empty circuit', offset: 0, length: source.length });
    return { ok: false, errors: p.errors };
  }
  const elements: ElementNode[] = [];
  const parameters: ParameterInfo[] = [];
  const walk = (n: CircuitNode): void => {
    if (n.kind !== 'element') { n.children.forEach(walk); return; }
    n.firstParam = parameters.length;
    elements.push(n);
    const defs = ELEMENT_PARAMETERS[n.type];
    defs.forEach((d, i) => parameters.push({
      name: defs.length > 1 ? `${n.name}_${i}` : n.name, element: n.name, type: n.type, index: i, unit: d.unit, description: d.description,
    }));
  };
  walk(root);
  return { ok: true, circuit: { source, root, elements, parameters } };
}

/** Real circuits nest p(...) a few levels deep; past this the string is not a circuit but an attack. */
export const MAX_CIRCUIT_DEPTH = 64;

class Parser {
  pos = 0;
  errors: CircuitError[] = [];
  private depth = 0;
  /** Set when parsing stopped at the depth limit: the errors of the unwinding levels are noise. */
  private gaveUp = false;
  private names = new Map<string, number>();
  constructor(private src: string) {}

  private skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
  private peek(): string {
    this.skip();
    return this.pos < this.src.length ? this.src[this.pos] : '';
  }
  private error(message: string, offset: number, length: number): void {
    if (this.gaveUp) return;
    this.errors.push({ message, offset, length: Math.max(length, 0) });
  }

  parseTop(): CircuitNode | undefined {
    if (this.peek() === '') return undefined;
    const root = this.parseSeries();
    const c = this.peek();
    if (c !== '' && this.errors.length === 0) {
      if (c === ')') this.error("unbalanced ')': there is no 'p(' for it to close", this.pos, 1);
      else if (c === ',') this.error("',' separates the branches of a parallel block p(a,b) and cannot stand outside one", this.pos, 1);
      else this.error(`unexpected '${c}'`, this.pos, 1);
    }
    return root;
  }

  /** term ('-' term)* */
  private parseSeries(): CircuitNode | undefined {
    const start = (this.skip(), this.pos);
    const terms: CircuitNode[] = [];
    const first = this.parseTerm();
    if (first) terms.push(first);
    while (this.peek() === '-') {
      const dash = this.pos;
      this.pos++;
      const next = this.peek();
      if (next === '' || next === ')' || next === ',' || next === '-') {
        this.error("'-' must be followed by an element or a parallel block", dash, 1);
        if (next !== '-') break;
        continue;
      }
      const t = this.parseTerm();
      if (!t) break;
      terms.push(t);
    }
    if (terms.length === 0) return undefined;
    if (terms.length === 1) return terms[0];
    const end = terms[terms.length - 1].offset + terms[terms.length - 1].length;
    return { kind: 'series', children: terms, offset: start, length: end - start };
  }

  private parseTerm(): CircuitNode | undefined {
    const c = this.peek();
    const start = this.pos;
    if (c === '') { this.error('expected an element here, found the end of the circuit', start, 0); return undefined; }
    if (/[A-Za-z_]/.test(c)) {
      let end = start;
      while (end < this.src.length && /[A-Za-z0-9_]/.test(this.src[end])) end++;
      const word = this.src.slice(start, end);
      this.pos = end;
      if (word === 'p' && this.peek() === '(') return this.parseParallel(start);
      return this.element(word, start);
    }
    if (c === '(') {
      this.error("a parallel block is written p(a,b): '(' needs the 'p' before it", start, 1);
    } else if (c === ')') {
      this.error("unbalanced ')' or a missing element before it", start, 1);
    } else if (c === '-' || c === ',') {
      this.error(`expected an element before '${c}'`, start, 1);
    } else {
      this.error(`unexpected '${c}'`, start, 1);
    }
    return undefined;
  }

  private parseParallel(start: number): CircuitNode | undefined {
    if (this.depth >= MAX_CIRCUIT_DEPTH) {
      this.error(`p(...) is nested more than ${MAX_CIRCUIT_DEPTH} levels deep here; no equivalent circuit needs that`, start, 2);
      this.gaveUp = true;
      this.pos = this.src.length; // the rest is not read: one error, not thousands
      return undefined;
    }
    this.depth++;
    try {
      return this.parseParallelBody(start);
    } finally {
      this.depth--;
    }
  }

  private parseParallelBody(start: number): CircuitNode | undefined {
    const open = this.pos; // at '('
    this.pos++;
    if (this.peek() === ')') {
      this.pos++;
      this.error('empty parallel block p(): it needs at least one branch, e.g. p(R1,C1)', start, this.pos - start);
      return undefined;
    }
    const children: CircuitNode[] = [];
    for (;;) {
      const before = this.errors.length;
      const branch = this.parseSeries();
      if (branch) children.push(branch);
      const c = this.peek();
      if (c === ',') {
        const comma = this.pos;
        this.pos++;
        const n = this.peek();
        if (n === ')' || n === ',' || n === '') {
          this.error("empty branch after ','", comma, 1);
          if (n === ',') continue;
          if (n === ')') { this.pos++; return undefined; }
          this.error(`unbalanced '(': the 'p(' at offset ${start} is never closed`, start, open - start + 1);
          return undefined;
        }
        continue;
      }
      if (c === ')') {
        this.pos++;
        if (children.length === 0) return undefined;
        return { kind: 'parallel', children, offset: start, length: this.pos - start };
      }
      if (c === '') {
        this.error(`unbalanced '(': the 'p(' at offset ${start} is never closed`, start, open - start + 1);
        return undefined;
      }
      if (this.errors.length === before) this.error(`unexpected '${c}' in a parallel block (expected ',' or ')')`, this.pos, 1);
      return undefined;
    }
  }

  private element(word: string, offset: number): ElementNode | undefined {
    const length = word.length;
    const m = /^(CPE|Wo|Ws|W|R|C|L)(\d+)$/.exec(word);
    if (!m) {
      const type = TYPES.find((t) => word === t);
      if (type) this.error(`element '${word}' needs a number, e.g. ${type}0 or ${type}1`, offset, length);
      else if (word === 'p') this.error("'p' starts a parallel block and must be followed by '(': p(R1,C1)", offset, length);
      else {
        const un = UNSUPPORTED.find((u) => new RegExp(`^${u}\\d*$`).test(word));
        if (un) this.error(`element type '${un}' (in '${word}') is not supported; use R, C, L, CPE, W, Wo or Ws`, offset, length);
        else this.error(`unknown element '${word}': elements are R, C, L, CPE, W, Wo or Ws followed by a number (R0, CPE1, Wo1)`, offset, length);
      }
      return undefined;
    }
    const first = this.names.get(word);
    if (first !== undefined) {
      this.error(`duplicate element '${word}' (first at offset ${first}): each element needs its own number`, offset, length);
      return undefined;
    }
    this.names.set(word, offset);
    return { kind: 'element', type: m[1] as ElementType, name: word, offset, length, firstParam: -1 };
  }
}

/** The parameters of a parsed circuit, in impedance.py order, with units. */
export function parameterNames(circuit: Circuit): ParameterInfo[] {
  return circuit.parameters.map((p) => ({ ...p }));
}

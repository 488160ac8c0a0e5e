// Readers of an eis protocol's circuit parameters: values held during the fit and bounds.
import { Token } from '../lexer';
import { PropSpec } from '../schema';
import { Cursor } from './cursor';
import { Ref, ValueOf } from './types';

// Both shapes' items carry n, lo and hi (NaN where unused), as they always have.
type Parameter = Ref & { n: number; lo: number; hi: number };
type ParameterValue = { n: number; lo: number; hi: number };

/** CPE1_1 = 0.9, L0 = 2e-7 */
export function readAssignments(c: Cursor, spec: PropSpec): ValueOf<'assignments'> | undefined {
  const items = takeParameters(c, spec, (name) => {
    if (!c.isPunct('=')) return c.fail(`expected '=' after '${name.text}', e.g. ${spec.example}`);
    c.take();
    const n = takeNumber(c, spec);
    return n === undefined ? undefined : { n, lo: NaN, hi: NaN };
  });
  return items && { shape: 'assignments', items };
}

/** R1 0 .. 1000, CPE1_1 0.5 .. 1 */
export function readBounds(c: Cursor, spec: PropSpec): ValueOf<'bounds'> | undefined {
  const items = takeParameters(c, spec, (name) => {
    const lo = takeNumber(c, spec);
    if (lo === undefined) return undefined;
    if (!c.isPunct('..')) return c.fail(`expected '..' between the bounds, e.g. ${spec.example}`);
    c.take();
    const hi = takeNumber(c, spec);
    if (hi === undefined) return undefined;
    if (!(lo < hi)) { c.err({ start: name.start, end: c.toks[c.i - 1].end }, 'invalid-value', 'the lower bound must be below the upper bound'); return undefined; }
    return { n: NaN, lo, hi };
  });
  return items && { shape: 'bounds', items };
}

/** A comma-separated list of parameter names, each followed by what `takeValue` reads. */
function takeParameters(c: Cursor, spec: PropSpec, takeValue: (name: Token) => ParameterValue | undefined): Parameter[] | undefined {
  const items: Parameter[] = [];
  for (;;) {
    const t = c.take();
    if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a parameter name, e.g. ${spec.example}`); }
    const v = takeValue(t);
    if (!v) return undefined;
    items.push({ name: t.text, start: t.start, end: t.end, ...v });
    if (!c.isPunct(',')) break;
    c.take();
  }
  return c.done(`the ${spec.key}`) ? items : undefined;
}

function takeNumber(c: Cursor, spec: PropSpec): number | undefined {
  const t = c.take();
  if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail(`expected a number, e.g. ${spec.example}`); }
  if (t.unit) { c.err(t.unit, 'syntax', 'circuit parameters are plain numbers in SI units (Ω, F, H), without a unit'); return undefined; }
  return t.num!;
}

// Readers of the shapes that are numbers: quantities alone, with a tolerance, as a range or a
// list, counts, C-rate definitions and schedules, plain numbers.
import { Token } from '../lexer';
import { PropSpec } from '../schema';
import { DIM } from '../../domain/units';
import { Cursor, spanOf } from './cursor';
import { dimPhrase, rescale, takeCount, takeQuantity, unitFixes } from './quantity';
import { Quantity, ValueOf } from './types';

/** 5 MPa */
export function readQuantity(c: Cursor, spec: PropSpec): ValueOf<'quantity'> | undefined {
  const q = takeQuantity(c, spec);
  return q && c.done(`the ${spec.key}`) ? { shape: 'quantity', q } : undefined;
}

/** 15 µm ± 0.5 µm (the tolerance may leave out its unit) */
export function readTolerance(c: Cursor, spec: PropSpec): ValueOf<'tolerance'> | undefined {
  const q = takeQuantity(c, spec);
  if (!q) return undefined;
  let tol: Quantity | undefined;
  if (c.isPunct('±')) {
    c.take();
    tol = takeQuantity(c, spec, q.unit);
    if (tol && tol.si < 0) c.err(tol, 'invalid-value', 'a tolerance must not be negative');
  }
  return c.done(`the ${spec.key}`) ? { shape: 'tolerance', q, tol } : undefined;
}

/** 2.8 V .. 4.3 V */
export function readRange(c: Cursor, spec: PropSpec): ValueOf<'range'> | undefined {
  // The unit may be written once, after the upper bound: "2.8 .. 4.3 V".
  const loTok = c.t;
  const lo = takeQuantity(c, spec, undefined, true);
  if (!lo || !c.isPunct('..')) return lo ? c.fail(`expected '..' between the two ends of the ${spec.key}, e.g. ${spec.example}`) : undefined;
  c.take();
  const hi = takeQuantity(c, spec, lo.unit.text ? lo.unit : undefined);
  if (!hi) return undefined;
  if (!lo.unit.text) Object.assign(lo, rescale(loTok!, hi.unit));
  return c.done(`the ${spec.key}`) ? { shape: 'range', lo, hi } : undefined;
}

/** 0.5, 1, 2 mA/cm² */
export function readList(c: Cursor, spec: PropSpec): ValueOf<'list'> | undefined {
  const items: Quantity[] = [];
  const toks: Token[] = [];
  for (;;) {
    const t = c.t;
    const q = takeQuantity(c, spec, undefined, true);
    if (!q) return undefined;
    items.push(q); toks.push(t!);
    if (!c.isPunct(',')) break;
    c.take();
  }
  // "0.5, 1, 2 mA/cm²": numbers without a unit take the unit written last.
  const last = items[items.length - 1];
  if (!last.unit.text) { c.err(spanOf(toks), 'missing-unit', `expected ${dimPhrase(spec.dim!)}, e.g. ${spec.example}; the list has no unit`, unitFixes(spec, { start: last.end, end: last.end }, 'Add')); return undefined; }
  items.forEach((q, i) => { if (!q.unit.text) Object.assign(q, rescale(toks[i], last.unit)); });
  return c.done(`the ${spec.key}`) ? { shape: 'list', items } : undefined;
}

/** 100 */
export function readCount(c: Cursor, spec: PropSpec): ValueOf<'count'> | undefined {
  const n = takeCount(c, spec.key);
  return n !== undefined && c.done(`the ${spec.key}`) ? { shape: 'count', n } : undefined;
}

/** 100 at 0.3 C */
export function readCountAtRate(c: Cursor, spec: PropSpec): ValueOf<'countAtRate'> | undefined {
  const n = takeCount(c, spec.key);
  if (n === undefined) return undefined;
  if (!c.isName('at')) return c.fail(`expected 'at' and a C-rate, e.g. ${spec.example}`);
  c.take();
  const rate = takeQuantity(c, spec);
  return rate && c.done('the C-rate') ? { shape: 'countAtRate', n, rate } : undefined;
}

/** 10 cycles, or 1 mAh/cm² */
export function readEvery(c: Cursor, spec: PropSpec): ValueOf<'every'> | undefined {
  const t = c.t;
  if (t?.kind === 'number' && !t.unit) {
    const n = takeCount(c, spec.key);
    if (n === undefined) return undefined;
    if (!c.isName('cycles') && !c.isName('cycle')) return c.fail("expected 'cycles' after the count, or a capacity such as 1 mAh/cm²");
    c.take();
    return c.done("'cycles'") ? { shape: 'every', cycles: n } : undefined;
  }
  const capacity = takeQuantity(c, { ...spec, dim: DIM.arealCapacity, unit: 'mAh/cm²', example: 'every 1 mAh/cm²' });
  return capacity && c.done('the capacity') ? { shape: 'every', capacity } : undefined;
}

/** = 180 mAh/g (the key is the number token 1C) */
export function readOneC(c: Cursor, spec: PropSpec): ValueOf<'oneC'> | undefined {
  if (!c.isPunct('=')) return c.fail(`expected '=', e.g. ${spec.example}`);
  c.take();
  const q = takeQuantity(c, spec);
  return q && c.done('the 1C definition') ? { shape: 'oneC', q } : undefined;
}

/** 1e-3: a positive number without a unit */
export function readNumber(c: Cursor, spec: PropSpec): ValueOf<'number'> | undefined {
  const t = c.take();
  if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail(`expected a number, e.g. ${spec.example}`); }
  if (t.unit) { c.err(t.unit, 'syntax', `the ${spec.key} is a plain number, without a unit`); return undefined; }
  if (!(t.num! > 0)) { c.err(t, 'invalid-value', `the ${spec.key} must be positive`); return undefined; }
  return c.done(`the ${spec.key}`) ? { shape: 'number', n: t.num! } : undefined;
}

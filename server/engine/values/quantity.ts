// The pieces several shapes share: a number with its unit checked against the property's
// dimension, a whole count, and the unit quick fixes.
import { Span, Token } from '../lexer';
import { PropSpec } from '../schema';
import { Diagnostic } from '../syntax';
import { Dim, dimName, parseUnit, sameDim, toSI, Unit, unitsFor } from '../../domain/units';
import { Cursor } from './cursor';
import { Quantity } from './types';

export function takeCount(c: Cursor, key: string): number | undefined {
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
export function takeQuantity(c: Cursor, spec: PropSpec, defaultUnit?: Unit, unitOptional = false): Quantity | undefined {
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

/** A bare number of a list or range, given the unit written after it. */
export function rescale(t: Token, unit: Unit): Partial<Quantity> {
  return { unit, si: toSI(t.num!, unit) };
}

/** Fixes that add (at an offset) or replace (a span) a unit of the property's dimension. */
export function unitFixes(spec: PropSpec, at: Span, verb: 'Add' | 'Change', n = 2): Diagnostic['fixes'] {
  return unitsFor(spec.dim!).slice(0, n).map((u) => ({ title: verb === 'Add' ? `Add unit ${u}` : `Change unit to ${u}`, start: at.start, end: at.end, newText: verb === 'Add' ? ' ' + u : u }));
}

export function dimPhrase(dim: Dim): string {
  return article(dimName(dim));
}
function article(s: string): string {
  return (/^[aeiouAEIOU]/.test(s) && !s.startsWith('u') ? 'an ' : 'a ') + s;
}

// Readers of the shapes that name other declarations in order: a cell's stack of layers and a
// composite's members with their mass ratio.
import { Span } from '../lexer';
import { PropSpec } from '../schema';
import { DIM } from '../../domain/units';
import { Cursor, spanOf } from './cursor';
import { takeQuantity } from './quantity';
import { Layer, Ref, ValueOf } from './types';

/** Cu | Li 50 µm | LNT10F (a material layer may take a thickness) */
export function readStack(c: Cursor, spec: PropSpec): ValueOf<'stack'> | undefined {
  const layers: Layer[] = [];
  for (;;) {
    const t = c.take();
    if (!t || t.kind !== 'name') { if (t) c.i--; return c.fail(`expected a layer name, e.g. ${spec.example}`); }
    const layer: Layer = { ref: { name: t.text, start: t.start, end: t.end }, start: t.start, end: t.end };
    if (c.t?.kind === 'number') {
      const q = takeQuantity(c, { ...spec, dim: DIM.length, key: 'thickness', example: 'Li 50 µm' });
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

/** GMWNT : FG = 10 : 1, or a single name without a ratio */
export function readMembers(c: Cursor, spec: PropSpec): ValueOf<'members'> | undefined {
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
  const parts = takeRatio(c);
  if (!parts || !c.done('the ratio')) return undefined;
  if (parts.length !== members.length) {
    c.err(spanOf(c.prop.values), 'ratio-mismatch', `${members.length} names but ${parts.length} ratio parts`);
    return undefined;
  }
  return { shape: 'members', members, parts };
}

/** 10 : 1, plain numbers */
function takeRatio(c: Cursor): (Span & { n: number })[] | undefined {
  const parts: (Span & { n: number })[] = [];
  for (;;) {
    const t = c.take();
    if (!t || t.kind !== 'number') { if (t) c.i--; return c.fail('expected a number in the mass ratio'); }
    if (t.unit) { c.err(t.unit, 'syntax', 'ratio parts are plain numbers, without a unit'); return undefined; }
    parts.push({ n: t.num!, start: t.start, end: t.end });
    if (!c.isPunct(':')) break;
    c.take();
  }
  return parts;
}

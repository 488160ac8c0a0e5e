// Readers of the shapes that open a block of their own properties.
import { PropSpec, Shape } from '../schema';
import { Cursor } from './cursor';
import { BlockReader, ValueOf } from './types';

/** The shapes whose property may have a block; any other property with one is reported. */
export const BLOCK_SHAPES: ReadonlySet<Shape> = new Set<Shape>(['cathode', 'columns']);

/** { time "Zeit (s)"; voltage "U (V)" } */
export function readColumns(c: Cursor, spec: PropSpec, readBlock: BlockReader): ValueOf<'columns'> | undefined {
  if (!c.done(`'${spec.key}'`)) return undefined;
  const block = c.prop.block;
  if (!block) { c.err(c.prop.key, 'syntax', `expected a block after '${spec.key}', e.g. ${spec.example}`); return undefined; }
  return { shape: 'columns', props: readBlock(block, 'columns') };
}

/** NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g } */
export function readCathode(c: Cursor, spec: PropSpec, readBlock: BlockReader): ValueOf<'cathode'> | undefined {
  const t = c.take();
  if (!t || t.kind !== 'name') return c.fail(`expected the active material, e.g. ${spec.example}`);
  if (!c.done(`'${t.text}'`)) return undefined;
  const block = c.prop.block;
  if (!block) { c.err(c.prop.key, 'syntax', `expected a block after '${t.text}', e.g. ${spec.example}`); return undefined; }
  return { shape: 'cathode', ref: { name: t.text, start: t.start, end: t.end }, props: readBlock(block, 'cathode') };
}

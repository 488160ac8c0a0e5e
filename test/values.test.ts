// The table of value shapes: every shape of the schema has a reader, and every property's own
// example reads through it to a value of the property's shape without a diagnostic.
import { strict as assert } from 'assert';
import { interpretBlock } from '../server/engine/model';
import { parse } from '../server/engine/parser';
import { BLOCKS, Shape, SHAPES } from '../server/engine/schema';
import { SHAPE_READERS } from '../server/engine/values';
import { Value } from '../server/engine/values/types';

// Compile time: `Value` has one variant per shape and none besides.
const valueVariantPerShape: [Exclude<Shape, Value['shape']>, Exclude<Value['shape'], Shape>] extends [never, never] ? true : false = true;

describe('value shapes', () => {
  it('has a reader for every shape and none for a shape the schema lacks', () => {
    assert.ok(valueVariantPerShape);
    for (const shape of SHAPES) assert.equal(typeof SHAPE_READERS[shape], 'function', `no reader for shape '${shape}'`);
    assert.deepEqual(Object.keys(SHAPE_READERS).sort(), [...SHAPES].sort());
  });

  it('reads each property example to a value of its shape', () => {
    const seen = new Set<Shape>();
    for (const [key, specs] of Object.entries(BLOCKS)) {
      for (const spec of specs) {
        const block = parse(`material x {\n  ${spec.example}\n}\n`).declarations[0].block!;
        const problems: string[] = [];
        const props = interpretBlock(block, key, (_s, code, message) => problems.push(`${code}: ${message}`));
        assert.deepEqual(problems, [], `${key} / ${spec.example}`);
        assert.equal(props.get(spec.key)?.value?.shape, spec.shape, `${key} / ${spec.example}`);
        seen.add(spec.shape);
      }
    }
    assert.deepEqual([...seen].sort(), [...SHAPES].sort(), 'every shape is used by some property');
  });
});

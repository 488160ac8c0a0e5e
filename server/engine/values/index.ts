// One reader per value shape. A new shape: its name in `SHAPES` (schema.ts), its variant in
// `Value` (types.ts), a reader function in this folder beside its kin, and its entry below.
import { PropSpec, Shape } from '../schema';
import { Property } from '../syntax';
import { BLOCK_SHAPES, readCathode, readColumns } from './blocks';
import { Cursor, Report } from './cursor';
import { readMembers, readStack } from './layers';
import { readCount, readCountAtRate, readEvery, readList, readNumber, readOneC, readQuantity, readRange, readTolerance } from './numbers';
import { readAssignments, readBounds } from './parameters';
import { BlockReader, ShapeReader, Value } from './types';
import { readEnum, readFlag, readNames, readRef, readString, readStrings } from './words';

export const SHAPE_READERS: { readonly [S in Shape]: ShapeReader<S> } = {
  quantity: readQuantity,
  tolerance: readTolerance,
  range: readRange,
  list: readList,
  count: readCount,
  enum: readEnum,
  ref: readRef,
  strings: readStrings,
  string: readString,
  stack: readStack,
  members: readMembers,
  countAtRate: readCountAtRate,
  every: readEvery,
  flag: readFlag,
  oneC: readOneC,
  cathode: readCathode,
  columns: readColumns,
  number: readNumber,
  assignments: readAssignments,
  bounds: readBounds,
  names: readNames,
};

/** The typed value of a property, by the reader of its shape; problems go to `err`. */
export function readValue(prop: Property, spec: PropSpec, err: Report, readBlock: BlockReader): Value | undefined {
  return SHAPE_READERS[spec.shape](new Cursor(prop.values, prop, err), spec, readBlock);
}

export function takesBlock(shape: Shape): boolean {
  return BLOCK_SHAPES.has(shape);
}

// The typed values a property's tokens become, one variant per shape of `schema.ts`.
import { Span } from '../lexer';
import { PropSpec, Shape } from '../schema';
import { Block, Property } from '../syntax';
import { Unit } from '../../domain/units';
import { Cursor } from './cursor';

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
  | { shape: 'bounds'; items: (Ref & { lo: number; hi: number })[] }
  | { shape: 'names'; items: Ref[] };

/** The value variant of one shape. */
export type ValueOf<S extends Shape> = Extract<Value, { shape: S }>;

export interface PropEntry { prop: Property; spec: PropSpec; value?: Value }
export type PropMap = Map<string, PropEntry>;

/** Reads a nested block (of `cathode`, `columns`) with the same diagnostics as the outer one. */
export type BlockReader = (block: Block, key: string) => PropMap;

/**
 * Reads one shape from the property's value tokens, or reports why it cannot and returns
 * undefined (the property is then left out; the rest of the block is still read).
 */
export type ShapeReader<S extends Shape> = (c: Cursor, spec: PropSpec, readBlock: BlockReader) => ValueOf<S> | undefined;

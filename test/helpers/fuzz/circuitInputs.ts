// Equivalent circuits for fuzzing: well-formed ones from the grammar (server/domain/circuit.ts:
// series '-', parallel p(a,b,...), elements R C L CPE W Wo Ws numbered), broken ones (the same
// pieces in any order, unsupported elements, deep nesting), and fit inputs: a random circuit, its
// true parameters, a spectrum computed from them with noise and damage, and the fit's options.
import * as fc from 'fast-check';

const TYPES = ['R', 'C', 'L', 'CPE', 'W', 'Wo', 'Ws'] as const;
type Shape = { el: (typeof TYPES)[number] } | { series: Shape[] } | { parallel: Shape[] };

const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: fc.constantFrom(...TYPES).map((el) => ({ el })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((series) => ({ series })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((parallel) => ({ parallel })) },
  ),
})).node;

/** A well-formed circuit string: every element numbered once, in order of appearance. */
function render(s: Shape, counter = { n: 0 }): string {
  if ('el' in s) return `${s.el}${counter.n++}`;
  if ('series' in s) return s.series.map((c) => ('series' in c ? `p(${render(c, counter)})` : render(c, counter))).join('-');
  return `p(${s.parallel.map((c) => render(c, counter)).join(',')})`;
}

export const validCircuit = shape.map((s) => render(s));

const PIECES = ['R0', 'R1', 'C1', 'L0', 'CPE1', 'W1', 'Wo2', 'Ws3', 'R', 'CPE', 'p(', 'p', '(', ')', ',', '-', ' ', 'X3', 'TLMQ1', 'Gs1', 'R01', 'r1', '\t', '\n', 'R1e3'];
const brokenCircuit = fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) }), { maxLength: 30 }).map((xs) => xs.join(''));
const deepCircuit = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.boolean(), fc.constantFrom('R0', 'p(R1,C1)', '', 'R0-')).map(([depth, closed, inner]) =>
  'p('.repeat(depth) + inner + (closed ? ',C9)'.repeat(depth) : ''));

/** Circuit strings of every kind, for the parser. */
export const circuitString = fc.oneof({ weight: 4, arbitrary: validCircuit }, { weight: 4, arbitrary: brokenCircuit }, { weight: 1, arbitrary: deepCircuit }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) });

/** How a point of a spectrum is damaged. */
export type Damage = { at: number; kind: 'nan' | 'inf' | 'zero' | 'negate' | 'duplicate' | 'swapParts' | 'huge' };

export interface FitCase {
  circuit: string;
  /** Each true parameter as a log10 scale in [-1, 1] of the element's typical value (α: its value). */
  scales: number[];
  points: number;
  /** log10 of the highest and the span in decades. */
  fMaxLog: number;
  decades: number;
  /** Relative noise on Re and Im. */
  noise: number;
  noiseSeed: number;
  damage: Damage[];
  weighting?: 'unit' | 'modulus' | 'proportional';
  starts: number;
  /** Parameters held at their true value, by index modulo the count. */
  fix: number[];
  /** Parameters bounded to [true/b, true·b], by index. */
  bound: { index: number; factor: number }[];
  guess: 'none' | 'truth' | 'wrong';
  dropInductive: boolean;
  linKK: boolean;
  drt: boolean;
  drtLambda?: number;
}

export const fitCase: fc.Arbitrary<FitCase> = fc.record({
  circuit: validCircuit,
  scales: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
  points: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 9, max: 70 })),
  fMaxLog: fc.double({ min: 2, max: 7, noNaN: true }),
  decades: fc.oneof(fc.double({ min: 0, max: 9, noNaN: true }), fc.constant(0)),
  noise: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  noiseSeed: fc.nat(),
  damage: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('nan', 'inf', 'zero', 'negate', 'duplicate', 'swapParts', 'huge') }), { maxLength: 4 }),
  weighting: fc.option(fc.constantFrom('unit', 'modulus', 'proportional'), { nil: undefined }),
  starts: fc.integer({ min: 1, max: 3 }),
  fix: fc.array(fc.nat(), { maxLength: 2 }),
  bound: fc.array(fc.record({ index: fc.nat(), factor: fc.double({ min: 1, max: 100, noNaN: true }) }), { maxLength: 2 }),
  guess: fc.constantFrom('none', 'truth', 'wrong'),
  dropInductive: fc.boolean(),
  linKK: fc.boolean(),
  drt: fc.boolean(),
  drtLambda: fc.option(fc.double({ min: 1e-8, max: 10, noNaN: true }), { nil: undefined }),
}, { requiredKeys: ['circuit', 'scales', 'points', 'fMaxLog', 'decades', 'noise', 'noiseSeed', 'damage', 'starts', 'fix', 'bound', 'guess', 'dropInductive', 'linKK', 'drt'] });

// Spec documents for fuzzing (fast-check arbitraries), shared by the seeded properties of
// `npm test` (test/fuzz.test.ts) and the long campaign (`npm run fuzz`, bench/fuzz.ts):
//   - random text: code units of every kind, graphemes, the language's own words in any order;
//   - mutations of the example study and its library: slices deleted, inserted, duplicated,
//     overwritten, braces swapped, words dropped;
//   - grammar-aware documents built from the schema (engine/schema.ts): every block and
//     property with its documented example, then numbers, units, names and shapes swapped, keys
//     misspelt, separators, comments and line ends varied.
// Every arbitrary maps to the text itself, so a saved counterexample is the document, whatever
// the generator becomes later.
import * as fc from 'fast-check';
import { BLOCKS, CELL_KINDS, PROTOCOL_TYPES, PropSpec } from '../../../server/engine/schema';
import { circuitString } from './circuitInputs';

/** Any UTF-16 code unit: lone surrogates, NUL, CR, controls. */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/**
 * Any code point of the whole range, lone surrogates included: fast-check's `unit: 'binary'`
 * without its table of every code point (120 MB kept alive, which made every garbage
 * collection of a fuzzing worker slow).
 */
export const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

/** Pieces of the language, so random text gets past the lexer and exercises parser and checks. */
export const WORDS = [
  'import', 'study', 'material', 'composite', 'cell', 'protocol', 'run', 'on', 'at', 'cycles', 'stop', 'short',
  'symmetric', 'half', 'full', 'ccd', 'strip', 'sand', 'cycling', 'rate', 'eis',
  'role', 'metal', 'alloy', 'carbon', 'binder', 'electrolyte', 'cathode', 'collector', 'formula', 'density', 'molar-mass',
  'capacity', 'window', 'D_eff', 'active', 'additive', 'ratio', 'thickness', 'diameter', 'area', 'pressure', 'temperature',
  'stack', 'loading', 'start', 'step', 'half-cycle', 'until', 'current', 'currents', 'cutoff', 'precycle', 'rates',
  'cycles-each', 'return', 'amplitude', 'frequencies', 'points-per-decade', 'every', 'data', 'format', 'note', '1C',
  'Li', 'LiIn', 'Cu', 'LPSC', 'NCM9', 'GMWNT', 'FG', 'PVDF', 'LNT10F', 'sym-Li', 'half-Li', 'full-Li', 'ccd-ramp', 'eis-strip',
];
export const UNITS = ['mA/cm²', 'mA/cm2', 'mA/cm^2', 'mAh/cm²', 'mA h/cm²', 'µm', 'um', 'mm', 'cm²', 'MPa', 'bar', '°C', 'K', 'g/cm³', 'g/mol',
  'mAh/g', 'cm²/s', 'mg/cm²', 'wt%', '%', 'V', 'mV', 'h', 'min', 's', 'C', 'MHz', 'Hz', 'mA', 'Ω', 'kC', 'foo', 'm m'];
const PUNCT = ['{', '}', ';', ',', ':', '=', '|', '..', '±', '+/-', '"', '"materials.cellspec"', '"x"', '#', '\n', '\r', '\r\n', '-'];
export const numberText = fc.oneof(
  fc.constantFrom('0', '1', '-0.4', '0.5', '15', '9.62e-10', '1e999', '-1e999', '1.', '.5', '-.5', '1e', '00', '1..2'),
  fc.double({ noNaN: true }).map((x) => String(x)),
  fc.integer().map(String),
);
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 3, arbitrary: fc.tuple(numberText, fc.constantFrom('', ' '), fc.option(fc.constantFrom(...UNITS), { nil: '' })).map(([n, s, u]) => n + s + u) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 2 }) },
);
export const tokenSoup = fc.array(fc.tuple(token, fc.constantFrom(' ', ' ', ' ', '', '\n', '  ', '\t')), { maxLength: 120 })
  .map((ts) => ts.map(([t, s]) => t + s).join(''));

/** Mutations of a text: delete, insert, duplicate or overwrite a slice, swap a brace, drop a word. */
export type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'swapBrace'; nth: number }
  | { kind: 'bytes'; at: number; text: string }
  | { kind: 'dropWord'; nth: number };

const insertion = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.string({ unit: codeUnit, maxLength: 10 }), tokenSoup.map((s) => s.slice(0, 60)));
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertion }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('swapBrace' as const), nth: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), text: fc.string({ unit: codeUnit, minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('dropWord' as const), nth: fc.nat() }),
);
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });
export const lineEnding = fc.constantFrom('\n', '\r', '\r\n');

export function mutate(text: string, ms: Mutation[]): string {
  for (const m of ms) {
    const n = text.length;
    switch (m.kind) {
      case 'delete': { const at = m.at % (n + 1); text = text.slice(0, at) + text.slice(at + m.len); break; }
      case 'insert': { const at = m.at % (n + 1); text = text.slice(0, at) + m.text + text.slice(at); break; }
      case 'duplicate': { const at = m.at % (n + 1), to = m.to % (n + 1); text = text.slice(0, to) + text.slice(at, at + m.len) + text.slice(to); break; }
      case 'bytes': { const at = m.at % (n + 1); text = text.slice(0, at) + m.text + text.slice(at + m.text.length); break; }
      case 'swapBrace': {
        const braces = [...text.matchAll(/[{}]/g)].map((x) => x.index!);
        if (!braces.length) break;
        const at = braces[m.nth % braces.length];
        text = text.slice(0, at) + (text[at] === '{' ? '}' : '{') + text.slice(at + 1);
        break;
      }
      case 'dropWord': {
        const words = [...text.matchAll(/\S+/g)];
        if (!words.length) break;
        const w = words[m.nth % words.length];
        text = text.slice(0, w.index!) + text.slice(w.index! + w[0].length);
        break;
      }
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Grammar-aware documents

/** Names declared in the example library (materials.cellspec) and the ones the generated documents declare. */
const LIBRARY_NAMES = ['Li', 'LiIn', 'Cu', 'LPSC', 'NCM9', 'GMWNT', 'FG', 'PVDF'];
const OWN_NAMES = ['m1', 'm2', 'IL1', 'IL2', 'c1', 'c2', 'sym-1', 'full-1', 'p1', 'p2', 'e1', 'ccd-1'];
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LIBRARY_NAMES, ...OWN_NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
);

/** One property of a block: its example as documented, or the example with its parts changed. */
function propertyText(spec: PropSpec, others: PropSpec[]): fc.Arbitrary<string> {
  const example = (spec.example ?? spec.key).replace(/^\S+\s*/, '');
  const changed = fc.record({
    numbers: fc.array(numberText, { maxLength: 4 }),
    units: fc.array(fc.constantFrom(...UNITS), { maxLength: 3 }),
    names: fc.array(name, { maxLength: 3 }),
  }).map(({ numbers, units, names }) => {
    let k = 0, u = 0, w = 0;
    return example
      .replace(/-?\d+(\.\d+)?(e-?\d+)?/g, (x) => (k < numbers.length ? numbers[k++] : x))
      .replace(/(mA\/cm²|mAh\/cm²|µm|mm|MPa|°C|g\/cm³|g\/mol|mAh\/g|cm²\/s|mg\/cm²|wt%|mV|MHz|Hz|V|h|C)\b/g, (x) => (u < units.length ? units[u++] : x))
      .replace(/\b(Li|LPSC|GMWNT|FG|PVDF|NCM9|Cu|eis-10mV)\b/g, (x) => (w < names.length ? names[w++] : x));
  });
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constant(example) },
    { weight: 4, arbitrary: changed },
    { weight: 1, arbitrary: fc.constantFrom(...others.map((o) => (o.example ?? '').replace(/^\S+\s*/, ''))) }, // another shape
    { weight: 1, arbitrary: tokenSoup.map((s) => s.slice(0, 40)) },
    ...(spec.key === 'circuit' ? [{ weight: 4, arbitrary: circuitString.map((c) => JSON.stringify(c)) }] : []),
    ...(spec.shape === 'list' ? [{ weight: 1, arbitrary: fc.array(numberText, { minLength: 1, maxLength: 30 }).map((xs) => `${xs.join(', ')} ${spec.unit ?? ''}`) }] : []),
  );
  const key = fc.oneof({ weight: 8, arbitrary: fc.constant(spec.key) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.string({ maxLength: 2 })).map(([at, s]) => { const i = at % (spec.key.length + 1); return spec.key.slice(0, i) + s + spec.key.slice(i + 1); }) });
  return fc.tuple(key, value).map(([k, v]) => `${k} ${v}`);
}

function blockText(block: string): fc.Arbitrary<string[]> {
  const specs = BLOCKS[block] ?? [];
  if (!specs.length) return fc.constant([]);
  return fc.array(fc.integer({ min: 0, max: specs.length - 1 }).chain((i) => propertyText(specs[i], specs)), { maxLength: 8 });
}

const head = fc.oneof(
  fc.tuple(fc.constant('material'), name).map(([k, n]) => ({ head: `${k} ${n}`, block: 'material' })),
  fc.tuple(fc.constant('composite'), name).map(([k, n]) => ({ head: `${k} ${n}`, block: 'composite' })),
  fc.tuple(name, fc.constantFrom(...CELL_KINDS, 'quarter')).map(([n, kind]) => ({ head: `cell ${n} ${kind}`, block: 'cell' })),
  fc.tuple(name, fc.constantFrom(...PROTOCOL_TYPES, 'ocv')).map(([n, type]) => ({ head: `protocol ${n} ${type}`, block: `protocol ${type}` })),
  fc.tuple(name, name).map(([p, c]) => ({ head: `run ${p} on ${c}`, block: 'run' })),
  fc.string({ maxLength: 30 }).map((t) => ({ head: `study ${JSON.stringify(t)}`, block: 'study' })),
);

const declaration = head.chain((h) => fc.tuple(fc.constant(h), blockText(h.block), fc.constantFrom('\n  ', '; ', '\n    ', ' ;\n  '), fc.boolean(), fc.option(fc.string({ maxLength: 30 }), { nil: undefined })))
  .map(([h, props, sep, closed, comment]) => {
    const body = props.join(sep);
    return `${comment !== undefined ? `# ${comment.replace(/[\r\n]/g, ' ')}\n` : ''}${h.head} {${body ? sep + body : ''}${closed ? (sep.includes('\n') ? '\n}' : ' }') : ''}`;
  });

/** A document of declarations built from the schema, importing the library or not, with its own line ends. */
export const grammarDocument = fc.tuple(fc.boolean(), fc.array(declaration, { minLength: 1, maxLength: 14 }), lineEnding, fc.constantFrom('\n', '\n\n'))
  .map(([imports, decls, eol, gap]) => `${imports ? 'import "materials.cellspec"\n\n' : ''}${decls.join(gap)}\n`.replace(/\r?\n/g, eol));

/** Offsets for the features: anywhere (taken modulo the text length + 1), and near the start. */
export const featureOffsets = fc.array(fc.oneof(fc.nat(), fc.nat({ max: 200 })), { minLength: 1, maxLength: 6 });

// Damage done to a file's bytes, as plain data (a counterexample is saved as JSON and replayed):
// cuts, byte and bit changes, chunks inserted, deleted, duplicated or repeated, text an instrument
// export might hold put anywhere, whole lines duplicated, dropped or swapped, and, inside a zip
// (xlsx, .ndax), parts dropped, emptied, renamed or damaged in their own bytes.
// Positions are taken modulo the length, so a mutation applies to any file.
import * as fc from 'fast-check';
import { zipSync } from 'fflate';
import { extract, listZip } from '../../../server/readers/zip';

export type ByteMutation =
  | { kind: 'cut'; at: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'text'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'repeat'; at: number; len: number; times: number }
  | { kind: 'line'; op: 'duplicate' | 'drop' | 'swap'; nth: number; other: number };

export type PartMutation = { nth: number; op: 'drop' | 'empty' | 'rename' | 'damage'; mutations: ByteMutation[] };

/** Text found in exports, and text that breaks parsers: separators, line ends, odd numbers, encodings. */
const SNIPPETS = [',', ';', '\t', '\r\n', '\n', '\r', '"', '""', '\0', '\uFEFF', ' ', 'NaN', 'nan', '-', '+', 'e', 'E+999', '1e308', '-1e-320', '∞', 'inf',
  '1,5', '3.301E+000', '00:00:00', '25:61:61', '2024-13-45 25:00:00', 'Ω', '°C', 'µA', '�', '\u00e9', '\ud800', '9'.repeat(400), 'Time (s)', 'Ewe/V', 'I/mA',
  'freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', 'Nb header lines : 3', 'Nb header lines : 99999', 'ZCURVE\tTABLE', 'Rec#\tCyc#', 'Data_Point', '<x>', '</sheetData>', 'PK\u0003\u0004'];

/** Positions near the start (headers, column lines, magic numbers) are where damage misleads most. */
const position = fc.oneof({ weight: 3, arbitrary: fc.nat() }, { weight: 2, arbitrary: fc.nat({ max: 4096 }) }, { weight: 1, arbitrary: fc.nat({ max: 64 }) });

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: position }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('text' as const), at: position, text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, len: fc.integer({ min: 1, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, len: fc.integer({ min: 1, max: 2000 }), to: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: position, len: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 2000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('line' as const), op: fc.constantFrom('duplicate' as const, 'drop' as const, 'swap' as const), nth: fc.nat({ max: 400 }), other: fc.nat({ max: 400 }) }) },
);
export const byteMutations = fc.array(byteMutation, { minLength: 1, maxLength: 8 });

export const partMutation: fc.Arbitrary<PartMutation> = fc.record({
  nth: fc.nat(), op: fc.constantFrom('drop' as const, 'empty' as const, 'rename' as const, 'damage' as const, 'damage' as const), mutations: fc.array(byteMutation, { minLength: 1, maxLength: 6 }),
});
export const partMutations = fc.array(partMutation, { minLength: 1, maxLength: 3 });

/** Offsets just after each line end (and 0), found once per mutation. */
function lineStarts(b: Uint8Array): number[] {
  const out = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10) out.push(i + 1);
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) { out.set(p, k); k += p.length; }
  return out;
};

/** The time stamp of the parts of an archive made here (fflate's default is the clock's). */
export const ZIP_TIME = new Date(2024, 2, 14, 9, 30, 0);

/** No mutation makes a file bigger than this: the readers' own size limits are tested elsewhere. */
const MAX_GROWTH = 4 * 1024 * 1024;

export function applyByteMutations(original: Uint8Array, ms: ByteMutation[]): Uint8Array {
  let b = original;
  for (const m of ms) {
    const n = b.length;
    const at = 'at' in m ? m.at % (n + 1) : 0;
    switch (m.kind) {
      case 'cut': b = b.subarray(0, at); break;
      case 'set': if (at < n) { b = Uint8Array.from(b); b[at] = m.byte; } break;
      case 'flip': if (at < n) { b = Uint8Array.from(b); b[at] ^= 1 << m.bit; } break;
      case 'insert': b = concat(b.subarray(0, at), Uint8Array.from(m.bytes), b.subarray(at)); break;
      case 'text': b = concat(b.subarray(0, at), Buffer.from(m.text, 'utf8'), b.subarray(at)); break;
      case 'delete': b = concat(b.subarray(0, at), b.subarray(at + m.len)); break;
      case 'duplicate': { const to = m.to % (n + 1); b = concat(b.subarray(0, to), b.subarray(at, at + m.len), b.subarray(to)); break; }
      case 'repeat': {
        const chunk = b.subarray(at, at + m.len);
        const times = Math.min(m.times, Math.floor(MAX_GROWTH / Math.max(1, chunk.length)));
        b = concat(b.subarray(0, at), ...new Array(times).fill(chunk), b.subarray(at));
        break;
      }
      case 'line': {
        const starts = lineStarts(b);
        const k = m.nth % starts.length, j = m.other % starts.length;
        const line = (i: number) => b.subarray(starts[i], i + 1 < starts.length ? starts[i + 1] : n);
        if (m.op === 'duplicate') b = concat(b.subarray(0, starts[k]), line(k), b.subarray(starts[k]));
        else if (m.op === 'drop') b = concat(b.subarray(0, starts[k]), b.subarray(k + 1 < starts.length ? starts[k + 1] : n));
        else if (k !== j) {
          const [x, y] = k < j ? [k, j] : [j, k];
          b = concat(b.subarray(0, starts[x]), line(y), b.subarray(starts[x] + line(x).length, starts[y]), line(x), b.subarray(starts[y] + line(y).length));
        }
        break;
      }
    }
    if (b.length > original.length + MAX_GROWTH) b = b.subarray(0, original.length + MAX_GROWTH);
  }
  return b;
}

/** Damage the parts of a zip; bytes that are no zip come back unchanged. */
export function applyPartMutations(zip: Uint8Array, ms: PartMutation[]): Uint8Array {
  // The readers' own zip code (fflate's unzipSync takes a hundred times longer on these small archives).
  const listing = listZip(zip);
  if (!listing) return zip;
  const parts: Record<string, Uint8Array> = {};
  for (const e of listing.entries) parts[e.name] = extract(zip, e).bytes;
  for (const m of ms) {
    const names = Object.keys(parts);
    if (!names.length) break;
    const name = names[m.nth % names.length];
    if (m.op === 'drop') delete parts[name];
    else if (m.op === 'empty') parts[name] = new Uint8Array(0);
    else if (m.op === 'rename') { parts[name.replace(/(\.\w+)?$/, '_x$1')] = parts[name]; delete parts[name]; }
    else parts[name] = applyByteMutations(parts[name], m.mutations);
  }
  // Level 1: the archive is deflated as instruments write it, at a fraction of the default level's time.
  // A fixed time stamp, so that a case gives the same bytes whenever it is made.
  return zipSync(parts, { level: 1, mtime: ZIP_TIME });
}

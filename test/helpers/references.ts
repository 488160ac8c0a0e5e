// The peer readers' own readings of the binary fixtures (shared/fixtures/SOURCES.md): cellpy's
// golden Parquet files and NewareNDA's Feather (Arrow IPC, LZ4-frame compressed) references,
// loaded as plain columns so a test can compare them with our reading value by value.
import * as fs from 'fs';
import * as path from 'path';
import * as arrow from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
// lz4js has no types; it is used for its two functions only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lz4: { compress(b: Uint8Array): Uint8Array; decompress(b: Uint8Array): Uint8Array } = require('lz4js');

/** The project's copies of the real instrument files (test/fixtures/SOURCES.md says where each is from). */
export const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** A reference table: column name -> values (numbers, strings, or null where the peer has none). */
export interface ReferenceTable { rows: number; columns: Record<string, (number | string | null)[]> }

const toValue = (v: unknown): number | string | null =>
  v === null || v === undefined ? null
    : typeof v === 'bigint' ? Number(v)
      : v instanceof Date ? v.getTime() / 1000
        : typeof v === 'number' || typeof v === 'string' ? v : String(v);

export async function readParquetReference(file: string): Promise<ReferenceTable> {
  const b = fs.readFileSync(file);
  const rows = (await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), compressors })) as Record<string, unknown>[];
  const columns: ReferenceTable['columns'] = {};
  for (const name of Object.keys(rows[0] ?? {})) columns[name] = rows.map((r) => toValue(r[name]));
  return { rows: rows.length, columns };
}

let lz4Registered = false;
export function readFeatherReference(file: string): ReferenceTable {
  if (!lz4Registered) {
    arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, { encode: (d: Uint8Array) => lz4.compress(d), decode: (d: Uint8Array) => lz4.decompress(d) });
    lz4Registered = true;
  }
  const t = arrow.tableFromIPC(fs.readFileSync(file));
  const columns: ReferenceTable['columns'] = {};
  for (const f of t.schema.fields) {
    const c = t.getChild(f.name)!;
    const out: (number | string | null)[] = new Array(t.numRows);
    // Timestamps come as epoch milliseconds: seconds, like the rest of the project.
    const isTime = arrow.DataType.isTimestamp(f.type);
    for (let i = 0; i < t.numRows; i++) {
      const v = toValue(c.get(i));
      out[i] = isTime && typeof v === 'number' ? v / 1000 : v;
    }
    columns[f.name] = out;
  }
  return { rows: t.numRows, columns };
}

/** Values equal within the instrument's float32 precision (relative 2^-23, a tiny absolute floor). */
export function float32Close(a: number, b: number, floor = 1e-9): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= Math.max(floor, 1.2e-7 * Math.max(Math.abs(a), Math.abs(b)));
}

// A BdfTable as one Parquet file (hyparquet-writer, Snappy): numbers as DOUBLE, counts as INT32,
// labels as UTF-8 strings, a missing value (NaN) as null, and the file's own facts (source,
// format, what each column is) as key-value metadata that DuckDB, Spark and pyarrow show.
import type { ColumnSource } from 'hyparquet-writer';
import { BDF_IRI } from '../readers/bdfTerms';
import { BdfTable, OutColumn } from './bdf';

// hyparquet-writer is loaded when Parquet is written (`convert --parquet`), not at every start of
// the CLI (scripts/build.mjs keeps it in a file of its own, dist/vendor/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = (): typeof import('hyparquet-writer') => require('hyparquet-writer');

export function parquetBytes(t: BdfTable, facts: Record<string, string>): Uint8Array {
  const columns = t.columns.map(columnSource);
  const kvMetadata = [
    ...Object.entries(facts).map(([key, value]) => ({ key, value })),
    { key: 'cellspec.columns', value: JSON.stringify(t.columns.map(describeColumn)) },
  ];
  return new Uint8Array(writer().parquetWriteBuffer({ columnData: columns, kvMetadata, createdBy: 'cellspec convert (hyparquet-writer)' }));
}

/** What each column is, for readers of the metadata: the term's IRI, or the instrument's column. */
export function describeColumn(c: OutColumn): Record<string, string> {
  return c.term ? { name: c.name, term: BDF_IRI + c.term.notation, unit: c.term.shown, from: c.from } : { name: c.name, term: '', unit: c.unit, from: c.from };
}

function columnSource(c: OutColumn): ColumnSource {
  const v = c.values;
  if (c.type === 'text') {
    const labels = c.labels ?? {};
    return { name: c.name, type: 'STRING', data: Array.from(v, (x) => (x !== x ? null : labels[x] ?? String(x))) };
  }
  if (c.type === 'integer' && v.every((x) => x !== x || Math.abs(x) < 2 ** 31)) {
    return { name: c.name, type: 'INT32', data: Array.from(v, (x) => (x !== x ? null : x)) };
  }
  const complete = v.every((x) => x === x);
  return { name: c.name, type: 'DOUBLE', data: complete ? v : Array.from(v, (x) => (x !== x ? null : x)) };
}

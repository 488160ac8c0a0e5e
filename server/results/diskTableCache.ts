// Parsed tables kept on disk (the extension's workspace storage, the CLI's --cache DIR), so a
// study reopened shows its results without parsing its files again. An entry is the table as
// Arrow IPC (one Float64 column per column, loaded as views into the file's bytes: no parsing),
// its facts (format, units, labels, problems, line map) in the schema's metadata, and a SHA-1 of
// the whole; it is found by a key of the file's real path, size and modification time, the reader
// version and how the spec reads it (format, mapping, channel, kinds). An entry that fails its
// check or does not load is deleted and the file read again: the cache is never trusted. The
// folder is bounded in bytes; the least recently used entries go first (a hit touches its entry).
// Beside a table, the results of an analysis of it can be kept (analysis entries): found by the
// table's key and the analysis's own (its settings and code version), checked the same way, and
// never trusted either: one that fails its check is deleted and the analysis runs again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import type { Table } from 'apache-arrow';
import type { DataTable, ReadOptions } from '../readers/types';
import { READER_VERSION } from '../readers/version';

const MAGIC = 'CSTC';
/** The layout of an entry; a change makes old entries unreadable (deleted on first touch). */
const ENTRY_VERSION = 1;
const TRAILER = 20 + 8;

export interface DiskCacheOptions {
  /** Largest total size of the entries, in bytes (default 2 GiB). */
  maxBytes?: number;
  /** Files smaller than this are not cached: parsing them is as quick as loading (default 256 kB). */
  minFileBytes?: number;
}

/** The parts of ReadOptions that change what a reader returns. */
export type ReadShape = Pick<ReadOptions, 'format' | 'mapping' | 'channel' | 'kinds'>;

interface FileStat { size: number; mtimeMs: number }

/** What the metadata holds besides the columns' values. */
interface EntryFacts {
  key: string;
  format: DataTable['format'];
  technique?: string;
  rows: number;
  meta: Record<string, string>;
  problems: DataTable['problems'];
  fileColumns?: DataTable['fileColumns'];
  columns: { name: string; kind: DataTable['columns'][number]['kind']; sourceUnit: string; labels?: Record<number, string> }[];
  /** The line map as stretches: from row firstRows[k] on, line = row + offsets[k] (none: no lines). */
  lines?: { firstRows: number[]; offsets: number[] };
}

/** The entry key of each table this process loaded from or stored to a disk cache. */
const tableKeys = new WeakMap<DataTable, string>();

/** Analysis entries carry their own magic, so that neither kind is ever taken for the other. */
const ANALYSIS_MAGIC = 'CSAR';
const ANALYSIS_VERSION = 1;

export class DiskTableCache {
  readonly maxBytes: number;
  readonly minFileBytes: number;

  constructor(readonly dir: string, options: DiskCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.minFileBytes = options.minFileBytes ?? 256 * 1024;
  }

  /** The cached table of this file as it is now, or undefined (not cached, changed, or a corrupt entry, which is deleted). */
  load(file: string, st: FileStat, shape: ReadShape): DataTable | undefined {
    if (st.size < this.minFileBytes) return undefined;
    const key = entryKey(file, st, shape);
    const entry = this.entryPath(key);
    let bytes: Uint8Array;
    try { bytes = alignedRead(entry); } catch { return undefined; }
    const table = decode(bytes, key, file);
    if (!table) { this.remove(entry); return undefined; }
    tableKeys.set(table, key);
    const now = new Date();
    try { fs.utimesSync(entry, now, now); } catch { /* evicted meanwhile: the table is still good */ }
    return table;
  }

  /** Keep the table (written to a temporary file and renamed: readers never see half an entry); then evict down to the bound. */
  store(file: string, st: FileStat, shape: ReadShape, table: DataTable): void {
    if (st.size < this.minFileBytes) return;
    const key = entryKey(file, st, shape);
    const bytes = encode(table, key);
    if (bytes.length > this.maxBytes) return;
    if (this.write(this.entryPath(key), bytes)) tableKeys.set(table, key);
  }

  /**
   * What an analysis (`what`: its name, settings and code version, as one string) found in this
   * table when it was kept; undefined when the table is not one of this cache's, nothing was kept,
   * or the entry fails its check (it is then deleted).
   */
  loadAnalysis(table: DataTable, what: string): unknown {
    const key = tableKeys.get(table);
    if (key === undefined) return undefined;
    const entry = this.analysisPath(key, what);
    let bytes: Buffer;
    try { bytes = fs.readFileSync(entry); } catch { return undefined; }
    const found = decodeAnalysis(bytes, key, what);
    if (!found) { this.remove(entry); return undefined; }
    const now = new Date();
    try { fs.utimesSync(entry, now, now); } catch { /* evicted meanwhile */ }
    return found.value;
  }

  /** Keep what an analysis found in a table of this cache (any structured-clone value); nothing for other tables. */
  storeAnalysis(table: DataTable, what: string, value: unknown): void {
    const key = tableKeys.get(table);
    if (key === undefined) return;
    let body: Buffer;
    try { body = v8.serialize({ key, what, value }); } catch { return; }
    const trailer = Buffer.alloc(TRAILER);
    createHash('sha1').update(body).digest().copy(trailer, 0);
    trailer.write(ANALYSIS_MAGIC, 20, 'latin1');
    trailer.writeUInt32LE(ANALYSIS_VERSION, 24);
    this.write(this.analysisPath(key, what), Buffer.concat([body, trailer]));
  }

  /** An entry written to a temporary file and renamed (readers never see half an entry); then evict down to the bound. */
  private write(entry: string, bytes: Uint8Array): boolean {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, entry);
    } catch {
      this.remove(tmp);
      return false;
    }
    this.evict(entry);
    return true;
  }

  /** Oldest first (by last use) until the entries fit in maxBytes; `keep` stays. */
  private evict(keep: string): void {
    let names: string[];
    try { names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.arrow') || n.endsWith('.analysis')); } catch { return; }
    const entries = names.flatMap((n) => {
      const p = path.join(this.dir, n);
      try { const s = fs.statSync(p); return [{ p, size: s.size, used: s.mtimeMs }]; } catch { return []; }
    });
    let total = entries.reduce((s, e) => s + e.size, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (e.p === keep) continue;
      this.remove(e.p);
      total -= e.size;
    }
  }

  private entryPath(key: string): string {
    return path.join(this.dir, createHash('sha1').update(key).digest('hex') + '.arrow');
  }

  private analysisPath(key: string, what: string): string {
    return path.join(this.dir, createHash('sha1').update(JSON.stringify([key, what])).digest('hex') + '.analysis');
  }

  private remove(p: string): void {
    try { fs.unlinkSync(p); } catch { /* gone already */ }
  }
}

/** The value of an analysis entry, or undefined when anything about it is not as written. */
function decodeAnalysis(bytes: Buffer, key: string, what: string): { value: unknown } | undefined {
  if (bytes.length < TRAILER) return undefined;
  const end = bytes.length - TRAILER;
  if (bytes.toString('latin1', end + 20, end + 24) !== ANALYSIS_MAGIC || bytes.readUInt32LE(end + 24) !== ANALYSIS_VERSION) return undefined;
  const body = bytes.subarray(0, end);
  if (!createHash('sha1').update(body).digest().equals(bytes.subarray(end, end + 20))) return undefined;
  let found: { key?: unknown; what?: unknown; value?: unknown };
  try { found = v8.deserialize(body) as typeof found; } catch { return undefined; }
  if (!found || typeof found !== 'object' || found.key !== key || found.what !== what) return undefined;
  return { value: found.value };
}

/** Everything that decides the table a reader returns for this file. */
function entryKey(file: string, st: FileStat, shape: ReadShape): string {
  let real = path.resolve(file);
  try { real = fs.realpathSync.native(file); } catch { /* the resolved path then */ }
  const kinds = shape.kinds ? [...shape.kinds].sort() : null;
  return JSON.stringify([real, st.size, st.mtimeMs, READER_VERSION, shape.format ?? null, shape.mapping ?? null, shape.channel ?? null, kinds]);
}

/** The file's bytes in a buffer of their own (Float64 views need an 8-byte aligned start). */
function alignedRead(p: string): Uint8Array {
  const b = fs.readFileSync(p);
  return b.byteOffset % 8 === 0 ? b : new Uint8Array(b);
}

// apache-arrow is loaded on first use: a CLI run without --cache does not pay for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const arrow = (): typeof import('apache-arrow') => require('apache-arrow');

function encode(table: DataTable, key: string): Uint8Array {
  const a = arrow();
  const facts: EntryFacts = {
    key, format: table.format, technique: table.technique, rows: table.rows, meta: table.meta, problems: table.problems, fileColumns: table.fileColumns,
    columns: table.columns.map(({ name, kind, sourceUnit, labels }) => ({ name, kind, sourceUnit, labels })),
    lines: lineStretches(table),
  };
  const arrays: Record<string, Float64Array> = {};
  table.columns.forEach((c, i) => { arrays[`c${i}`] = c.values; });
  const plain = a.tableFromArrays(arrays);
  const withFacts = new a.Table(new a.Schema(plain.schema.fields, new Map([['cellspec', JSON.stringify(facts)]])), plain.batches);
  const ipc = a.tableToIPC(withFacts, 'file');
  const trailer = new Uint8Array(TRAILER);
  trailer.set(createHash('sha1').update(ipc).digest(), 0);
  trailer.set(Buffer.from(MAGIC, 'latin1'), 20);
  new DataView(trailer.buffer).setUint32(24, ENTRY_VERSION, true);
  const out = new Uint8Array(ipc.length + TRAILER);
  out.set(ipc, 0);
  out.set(trailer, ipc.length);
  return out;
}

/** The table, or undefined when anything about the entry is not as written. */
function decode(bytes: Uint8Array, key: string, file: string): DataTable | undefined {
  if (bytes.length < TRAILER) return undefined;
  const end = bytes.length - TRAILER;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (Buffer.from(bytes.subarray(end + 20, end + 24)).toString('latin1') !== MAGIC || view.getUint32(end + 24, true) !== ENTRY_VERSION) return undefined;
  const ipc = bytes.subarray(0, end);
  if (!Buffer.from(createHash('sha1').update(ipc).digest()).equals(Buffer.from(bytes.subarray(end, end + 20)))) return undefined;
  let t: Table;
  let facts: EntryFacts;
  try {
    t = arrow().tableFromIPC(ipc);
    facts = JSON.parse(t.schema.metadata.get('cellspec') ?? 'null') as EntryFacts;
  } catch { return undefined; }
  if (!facts || facts.key !== key || t.numRows !== facts.rows || t.numCols !== facts.columns.length) return undefined;
  const columns: DataTable['columns'] = [];
  for (const [i, c] of facts.columns.entries()) {
    const values = t.getChild(`c${i}`)?.toArray();
    if (!(values instanceof Float64Array) || values.length !== facts.rows) return undefined;
    columns.push({ ...c, values });
  }
  return {
    file, format: facts.format, technique: facts.technique, rows: facts.rows, columns, fileColumns: facts.fileColumns,
    lineOfRow: lineOfRowFrom(facts.lines, facts.rows), meta: facts.meta, problems: facts.problems,
  };
}

/** The reader's row → line function as stretches of constant offset (one pass over the rows). */
function lineStretches(table: DataTable): EntryFacts['lines'] {
  // Lines count from 1: a table whose first row has none (a binary file) has no line map.
  if (table.rows === 0 || table.lineOfRow(0) === 0) return undefined;
  const firstRows: number[] = [], offsets: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const offset = table.lineOfRow(r) - r;
    if (!offsets.length || offsets[offsets.length - 1] !== offset) { firstRows.push(r); offsets.push(offset); }
  }
  return { firstRows, offsets };
}

function lineOfRowFrom(lines: EntryFacts['lines'], rows: number): (row: number) => number {
  if (!lines) return () => 0;
  const { firstRows, offsets } = lines;
  return (row) => {
    if (!Number.isInteger(row) || row < 0 || row >= rows) return 0;
    let lo = 0, hi = firstRows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firstRows[mid] <= row) lo = mid; else hi = mid - 1;
    }
    return row + offsets[lo];
  };
}

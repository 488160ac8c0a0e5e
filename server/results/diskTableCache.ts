// Parsed tables kept on disk (the extension's workspace storage, the CLI's --cache DIR), so a
// study reopened shows its results without parsing its files again. An entry is the columns'
// values as Arrow IPC (one Float64 column per column: views into the entry's bytes, no parsing),
// then the table's facts (format, units, labels, problems, line map) as JSON, each part with its
// own checksum (CRC-32: the cache guards against accidental damage, it is no security boundary;
// SHA-1 where zlib has no crc32). A load reads and checks the facts only; the values are read and
// checked on first use of a column's `values`, so a table whose analyses come from their entries
// costs only its facts. Found by a key of the file's real path, size and modification time, the
// reader version and how the spec reads it (format, mapping, channel, kinds). Never trusted: an
// entry whose facts fail their check is deleted at load and the file read again; one whose values
// fail theirs is deleted with its analysis entries and the first use throws CacheEntryCorrupt,
// which executeJob answers by running the job again with that file read from its source. The
// folder is bounded in bytes; the least recently used entries go first (a hit touches its entry).
// Beside a table, the results of an analysis of it can be kept (analysis entries): found by the
// table's key and the analysis's own (its settings and code version), checked the same way, and
// never trusted either: one that fails its check is deleted and the analysis runs again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import * as zlib from 'zlib';
import type { DataTable, ReadOptions } from '../readers/types';
import { READER_VERSION } from '../readers/version';

const MAGIC = 'CSTC';
/** The layout of an entry; a change makes old entries unreadable (deleted on first touch). */
const ENTRY_VERSION = 2;
/** Every entry ends so: check (20 bytes), its algorithm (1 byte, 3 spare), length of the part before (u32), magic, version. */
const TRAILER = 36;

/** The values of a cached table, wanted after load, did not pass their check (or the entry is gone): read the file again. */
export class CacheEntryCorrupt extends Error {
  constructor(readonly file: string, why: string) {
    super(`the cached table of ${file} is not usable (${why})`);
    this.name = 'CacheEntryCorrupt';
  }
}

export interface DiskCacheOptions {
  /**
   * Largest total size of the entries, in bytes (default 2 GiB). Each process or worker counts its
   * own writes between scans of the folder, so N writers sharing a folder can pass it by up to
   * N − 1 times what is left below it before their next scans bring it back.
   */
  maxBytes?: number;
  /** Files smaller than this are not cached (parsing them is as quick as loading; default 256 kB), their analyses are. */
  minFileBytes?: number;
}

/** The parts of ReadOptions that change what a reader returns. */
export type ReadShape = Pick<ReadOptions, 'format' | 'mapping' | 'channel' | 'kinds'>;

interface FileStat { size: number; mtimeMs: number }

/** What an entry says besides the columns' values. */
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
  /** The values' part (Arrow IPC, at the start of the entry): its length, check algorithm and check (hex). */
  body: { bytes: number; algorithm: number; check: string };
}

/** The entry key of each table this process loaded from or stored to a disk cache. */
const tableKeys = new WeakMap<DataTable, string>();

/** Analysis entries carry their own magic, so that neither kind is ever taken for the other. */
const ANALYSIS_MAGIC = 'CSAR';
const ANALYSIS_VERSION = 2;

export class DiskTableCache {
  /** The entries' bytes at the last scan plus those written since (other processes' writes are seen at the next scan); undefined before the first. */
  private bytesHeld?: number;
  readonly maxBytes: number;
  readonly minFileBytes: number;

  constructor(readonly dir: string, options: DiskCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.minFileBytes = options.minFileBytes ?? 256 * 1024;
  }

  /**
   * The cached table of this file as it is now, or undefined (not cached, changed, or an entry
   * whose facts fail their check, which is deleted). Only the facts are read: the columns'
   * values are read and checked on first use (CacheEntryCorrupt when they fail).
   */
  load(file: string, st: FileStat, shape: ReadShape): DataTable | undefined {
    if (st.size < this.minFileBytes) return undefined;
    const key = entryKey(file, st, shape);
    const entry = this.entryPath(key);
    let facts: EntryFacts | undefined;
    let fd: number;
    try { fd = fs.openSync(entry, 'r'); } catch { return undefined; }
    try { facts = readFacts(fd, key); } catch { facts = undefined; } finally { fs.closeSync(fd); }
    if (!facts) { this.remove(entry); return undefined; }
    const table = lazyTable(facts, file, () => this.readValues(entry, facts!, file, key));
    tableKeys.set(table, key);
    const now = new Date();
    try { fs.utimesSync(entry, now, now); } catch { /* evicted meanwhile: its values will say so when wanted */ }
    return table;
  }

  /**
   * Keep the table (written to a temporary file and renamed: readers never see half an entry);
   * then evict down to the bound. A file below minFileBytes is not written (`load` skips it by the
   * same rule, so it is parsed again each time): the table is only adopted under the file's key,
   * so that its analyses (an EIS file's DRT and fit cost far more than its reading) are still kept.
   */
  store(file: string, st: FileStat, shape: ReadShape, table: DataTable): void {
    const key = entryKey(file, st, shape);
    if (st.size < this.minFileBytes) { tableKeys.set(table, key); return; }
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
    this.write(this.analysisPath(key, what), Buffer.concat([body, trailer(body, ANALYSIS_MAGIC, ANALYSIS_VERSION)]));
  }

  /** The values' part of an entry, checked, as one column per column; a failure deletes the entry and its analyses. */
  private readValues(entry: string, facts: EntryFacts, file: string, key: string): Float64Array[] {
    try {
      return decodeValues(readBody(entry, facts.body.bytes), facts);
    } catch (e) {
      this.discard(key);
      throw new CacheEntryCorrupt(file, (e as Error).message);
    }
  }

  /** A table's entry and the analysis entries beside it, deleted. */
  private discard(key: string): void {
    const name = entryName(key);
    this.remove(path.join(this.dir, `${name}.arrow`));
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return; }
    for (const n of names) if (n.startsWith(`${name}-`) && n.endsWith('.analysis')) this.remove(path.join(this.dir, n));
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
    // The folder is scanned on the first write and whenever the bytes written since may have
    // passed the bound, not on every write (a cold study writes two entries per file).
    if (this.bytesHeld !== undefined) this.bytesHeld += bytes.length;
    if (this.bytesHeld === undefined || this.bytesHeld > this.maxBytes) this.evict(entry);
    return true;
  }

  /** Oldest first (by last use) until the entries fit in maxBytes; `keep` stays. Learns what the folder holds. */
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
    this.bytesHeld = total;
  }

  private entryPath(key: string): string {
    return path.join(this.dir, entryName(key) + '.arrow');
  }

  /** Named after its table's entry, so that the table's analyses can be found (and deleted with it). */
  private analysisPath(key: string, what: string): string {
    return path.join(this.dir, `${entryName(key)}-${createHash('sha1').update(what).digest('hex')}.analysis`);
  }

  private remove(p: string): void {
    try { fs.unlinkSync(p); } catch { /* gone already */ }
  }
}

const entryName = (key: string) => createHash('sha1').update(key).digest('hex');

// The check of each part: CRC-32 (zlib's, Node >= 20.15), else SHA-1; an entry says which it used.
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
const CRC32 = 1, SHA1 = 2;
const WRITE_ALGORITHM = crc32 ? CRC32 : SHA1;

/** The check of the parts, as 20 bytes (CRC-32 in the first 4), or undefined when this Node cannot compute it. */
function checkOf(algorithm: number, parts: Uint8Array[]): Buffer | undefined {
  if (algorithm === CRC32) {
    if (!crc32) return undefined;
    let c = 0;
    for (const p of parts) c = crc32(p, c);
    const out = Buffer.alloc(20);
    out.writeUInt32LE(c >>> 0, 0);
    return out;
  }
  if (algorithm !== SHA1) return undefined;
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The trailer of `part`: its check, which also covers the trailer's own fields (algorithm, length, magic, version). */
function trailer(part: Uint8Array, magic: string, version: number): Buffer {
  const t = Buffer.alloc(TRAILER);
  t.writeUInt8(WRITE_ALGORITHM, 20);
  t.writeUInt32LE(part.length, 24);
  t.write(magic, 28, 'latin1');
  t.writeUInt32LE(version, 32);
  checkOf(WRITE_ALGORITHM, [part, t.subarray(20)])!.copy(t, 0);
  return t;
}

/** Whether `part` and the trailer after it are as written (magic, version, length and check). */
function trailerHolds(part: Uint8Array, t: Buffer, magic: string, version: number): boolean {
  if (t.length !== TRAILER || t.toString('latin1', 28, 32) !== magic || t.readUInt32LE(32) !== version || t.readUInt32LE(24) !== part.length) return false;
  const check = checkOf(t.readUInt8(20), [part, t.subarray(20)]);
  return !!check && check.equals(t.subarray(0, 20));
}

/** The value of an analysis entry, or undefined when anything about it is not as written. */
function decodeAnalysis(bytes: Buffer, key: string, what: string): { value: unknown } | undefined {
  if (bytes.length < TRAILER) return undefined;
  const body = bytes.subarray(0, bytes.length - TRAILER);
  if (!trailerHolds(body, bytes.subarray(body.length), ANALYSIS_MAGIC, ANALYSIS_VERSION)) return undefined;
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

/** Fills `into` from the file at `position` (an error when the file is shorter). */
function readExactly(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length;) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    if (n <= 0) throw new Error('the entry is shorter than it says');
    done += n;
  }
}

/** The facts of an entry, or undefined when they are not as written (or not this key's). */
function readFacts(fd: number, key: string): EntryFacts | undefined {
  const size = fs.fstatSync(fd).size;
  if (size < TRAILER) return undefined;
  const t = Buffer.alloc(TRAILER);
  readExactly(fd, t, size - TRAILER);
  const length = t.readUInt32LE(24);
  if (t.toString('latin1', 28, 32) !== MAGIC || t.readUInt32LE(32) !== ENTRY_VERSION || length > size - TRAILER) return undefined;
  const part = Buffer.alloc(length);
  readExactly(fd, part, size - TRAILER - length);
  if (!trailerHolds(part, t, MAGIC, ENTRY_VERSION)) return undefined;
  const facts = JSON.parse(part.toString('utf8')) as EntryFacts;
  if (!facts || facts.key !== key || !facts.body || facts.body.bytes !== size - TRAILER - length) return undefined;
  return facts;
}

/** The values' part of an entry, in a buffer of its own (Float64 views need an 8-byte aligned start). */
function readBody(entry: string, bytes: number): Buffer {
  const fd = fs.openSync(entry, 'r');
  try {
    const body = Buffer.allocUnsafeSlow(bytes);
    readExactly(fd, body, 0);
    return body;
  } finally {
    fs.closeSync(fd);
  }
}

// apache-arrow is loaded on first use: a CLI run without --cache does not pay for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const arrow = (): typeof import('apache-arrow') => require('apache-arrow');

function encode(table: DataTable, key: string): Uint8Array {
  const a = arrow();
  const arrays: Record<string, Float64Array> = {};
  table.columns.forEach((c, i) => { arrays[`c${i}`] = c.values; });
  const ipc = a.tableToIPC(a.tableFromArrays(arrays), 'file');
  const facts: EntryFacts = {
    key, format: table.format, technique: table.technique, rows: table.rows, meta: table.meta, problems: table.problems, fileColumns: table.fileColumns,
    columns: table.columns.map(({ name, kind, sourceUnit, labels }) => ({ name, kind, sourceUnit, labels })),
    lines: lineStretches(table),
    body: { bytes: ipc.length, algorithm: WRITE_ALGORITHM, check: checkOf(WRITE_ALGORITHM, [ipc])!.toString('hex') },
  };
  const factBytes = Buffer.from(JSON.stringify(facts), 'utf8');
  return Buffer.concat([ipc, factBytes, trailer(factBytes, MAGIC, ENTRY_VERSION)]);
}

/** The columns' values from the values' part, or an error saying what is not as the facts say. */
function decodeValues(body: Buffer, facts: EntryFacts): Float64Array[] {
  const check = checkOf(facts.body.algorithm, [body]);
  if (!check || check.toString('hex') !== facts.body.check) throw new Error('its values fail their check');
  const t = arrow().tableFromIPC(body);
  if (t.numRows !== facts.rows || t.numCols !== facts.columns.length) throw new Error('its values are not the table its facts describe');
  return facts.columns.map((_, i) => {
    const values = t.getChild(`c${i}`)?.toArray();
    if (!(values instanceof Float64Array) || values.length !== facts.rows) throw new Error(`its column ${i} is not ${facts.rows} numbers`);
    return values;
  });
}

/**
 * The table the facts describe, its columns' `values` read on first use of any of them (one read
 * serves all; from then on they are plain properties). A failed read throws at every use.
 */
function lazyTable(facts: EntryFacts, file: string, readValues: () => Float64Array[]): DataTable {
  let failure: unknown;
  const columns = facts.columns.map((c) => ({ ...c }) as DataTable['columns'][number]);
  const settle = (): void => {
    if (failure !== undefined) throw failure;
    let all: Float64Array[];
    try { all = readValues(); } catch (e) { failure = e; throw e; }
    columns.forEach((c, i) => {
      // A column given other values meanwhile keeps them.
      if (Object.getOwnPropertyDescriptor(c, 'values')?.get) Object.defineProperty(c, 'values', { value: all[i], writable: true, enumerable: true, configurable: true });
    });
  };
  for (const c of columns) {
    Object.defineProperty(c, 'values', {
      enumerable: true, configurable: true,
      get() { settle(); return c.values; },
      set(v: Float64Array) { Object.defineProperty(c, 'values', { value: v, writable: true, enumerable: true, configurable: true }); },
    });
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

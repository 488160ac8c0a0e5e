// Files the instrument is still writing: a text table read up to the end of its last complete
// line, then read on from there when the file grows. Only the new complete lines are parsed (by a
// continuation of the builder that read the rest, so cells are read exactly as a full read would
// read them); the columns grow in place (capacity doubles, so an append costs its own rows). A
// file that shrank or whose bytes before the old end changed (its first and last bytes are
// compared) is not continued: the caller reads it whole. A line without its break yet is not a
// row: the read stops before it and takes it up once it is complete.
import * as fs from 'fs';
import { isUtf8 } from 'buffer';
import { modeLabels } from './ecLab';
import { builderOf, TableBuilder } from './table';
import { Column, DataProblem, DataTable, FormatId, ReadOptions } from './types';
import { readDataFile } from './index';

/** Text formats whose rows a continuation reads exactly as a full read (no sign from a state column, no spectrum reoriented as a whole). */
const CONTINUED: ReadonlySet<FormatId> = new Set<FormatId>(['biologic-mpt', 'csv', 'arbin']);
/** Bytes kept from the start and from the end of what was read, to tell a grown file from a rewritten one. */
const CHECK_BYTES = 4096;
/** How far back the last line break is looked for: a data line is never longer (text.ts MAX_LINE_CHARS). */
const MAX_LINE_BYTES = (1 << 20) + 2;
/** Problems a continued table keeps (a full read keeps about as many). */
const MAX_PROBLEMS = 200;
const LF = 10, CR = 13;

/** A table with what it takes to read on: where the read stopped and how rows are cut and read. */
export interface LiveTable {
  table: DataTable;
  /** Bytes read: the file up to the end of its last complete line. */
  end: number;
  /** The number of the last line read. */
  lines: number;
  /** The file's first and last bytes before `end`, as read. */
  headBytes: Buffer;
  tailBytes: Buffer;
  /** The builder of the last rows read; its continuation reads the next. */
  builder: TableBuilder;
  /** The columns' storage, with room to grow; the table's columns are views of it. */
  stores: Float64Array[];
  lineMap: SegmentLines;
}

/** Where the file's complete lines end: after its last LF (or CR in a file without LF). 0 when no line is complete. */
export async function completeEnd(file: string, size: number): Promise<number> {
  const from = Math.max(0, size - MAX_LINE_BYTES);
  const b = await readRange(file, from, size);
  const lf = b.lastIndexOf(LF);
  if (lf >= 0) return from + lf + 1;
  const cr = b.lastIndexOf(CR);
  return cr >= 0 ? from + cr + 1 : 0;
}

/**
 * Read a file that may still be growing: its complete lines only, ready to be read on. Returns
 * the table, where the read stopped, and the live state when the format can be continued.
 */
export async function readLive(file: string, options: ReadOptions): Promise<{ table: DataTable; end: number; live?: LiveTable }> {
  const size = (await fs.promises.stat(file)).size;
  const end = await completeEnd(file, size);
  if (end === 0) return { table: await readDataFile(file, options), end: size };
  const table = await readDataFile(file, { ...options, upTo: end });
  const live = await adopt(table, end);
  return live ? { table: live.table, end, live } : { table, end };
}

/** The live state of a table read up to `end` (a complete line's end), when its format can be continued. */
async function adopt(table: DataTable, end: number): Promise<LiveTable | undefined> {
  const builder = builderOf(table);
  if (!builder || !builder.fromBytes || !builder.textOf || !CONTINUED.has(table.format)) return undefined;
  if (table.meta.encoding !== 'utf-8' && table.meta.encoding !== 'windows-1252') return undefined;
  // Absolute times are made relative to the first row once the whole column is known.
  if (builder.specs.some((s) => s.kind === 'time' && s.parse === 'datetime')) return undefined;
  const [headBytes, tailBytes] = await Promise.all([
    readRange(table.file, 0, Math.min(CHECK_BYTES, end)),
    readRange(table.file, Math.max(0, end - CHECK_BYTES), end),
  ]);
  const stores = table.columns.map((c) => roomy(c.values, table.rows + 1024));
  const lineMap = new SegmentLines(table.rows, table.lineOfRow);
  const columns = table.columns.map((c, k) => ({ ...c, values: stores[k].subarray(0, table.rows) }));
  return { table: { ...table, columns, lineOfRow: lineMap.lookup(table.rows) }, end, lines: builder.lastLine, headBytes, tailBytes, builder, stores, lineMap };
}

/**
 * Read on where the last read stopped. Returns the grown table (the same one when no line was
 * completed), or undefined when the file must be read whole: it shrank, its earlier bytes
 * changed, or the new bytes are not text of the same encoding.
 */
export async function appendLive(live: LiveTable): Promise<LiveTable | undefined> {
  const file = live.table.file;
  let size: number;
  try { size = (await fs.promises.stat(file)).size; } catch { return undefined; }
  if (size < live.end) return undefined;
  if (size === live.end) return live;
  const tailFrom = live.end - live.tailBytes.length;
  const [head, bytes] = await Promise.all([readRange(file, 0, live.headBytes.length), readRange(file, tailFrom, size)]);
  if (!head.equals(live.headBytes) || !bytes.subarray(0, live.tailBytes.length).equals(live.tailBytes)) return undefined;
  const fresh = bytes.subarray(live.tailBytes.length);
  const brk = live.builder.brk;
  const last = fresh.lastIndexOf(brk);
  if (last < 0) return live; // the new line is not complete yet
  const complete = fresh.subarray(0, last + 1);
  if (complete.includes(0)) return undefined; // a full read names the binary line
  if (live.table.meta.encoding === 'utf-8' && !isUtf8(complete)) return undefined; // a full read falls back to Windows-1252 and says where
  const next = live.builder.continuation(Math.ceil(complete.length / 32) + 16);
  const count = next.addRows(complete, 0, complete.length, live.lines + 1, brk, live.builder.textOf!);
  const built = next.finish();
  const table = grow(live, built.columns, built.rows, built.lineOfRow, built.problems, next.opts.columnLine);
  const end = live.end + complete.length;
  const tailBytes = Buffer.from(bytes.subarray(Math.max(0, bytes.length - (size - end) - CHECK_BYTES), bytes.length - (size - end)));
  return { ...live, table, end, lines: live.lines + count, tailBytes, builder: next };
}

/** The table with the new rows after the old: the stores grown in place, the line map extended, the problems joined. */
function grow(live: LiveTable, added: Column[], rows: number, lineOfRow: (row: number) => number, problems: DataProblem[], columnLine: number): DataTable {
  const old = live.table;
  const total = old.rows + rows;
  const columns = old.columns.map((c, k) => {
    let store = live.stores[k];
    if (store.length < total) {
      store = roomy(store.subarray(0, old.rows), Math.max(total, 2 * store.length));
      live.stores[k] = store;
    }
    store.set(added[k].values, old.rows);
    const col: Column = { ...c, values: store.subarray(0, total) };
    if (c.labels && old.format === 'biologic-mpt') col.labels = joinLabels(c.labels, modeLabels(added[k].values));
    return col;
  });
  live.lineMap.append(old.rows, rows, lineOfRow);
  const lines = live.lineMap.lookup(total);
  // "has no values" of the new rows alone says nothing of the whole column.
  const more = problems.filter((p) => !(p.line === columnLine && / has no values$/.test(p.message)));
  const timeBack = timeGoesBack(old, columns, rows, lines);
  if (timeBack) more.unshift(timeBack);
  const joined = old.problems.concat(more);
  return { ...old, rows: total, columns, lineOfRow: lines, problems: joined.length > MAX_PROBLEMS ? joined.slice(0, MAX_PROBLEMS) : joined };
}

/** The warning a full read gives when time goes back where the new rows join the old (within either part the builders check). */
function timeGoesBack(old: DataTable, columns: Column[], rows: number, lineOf: (row: number) => number): DataProblem | undefined {
  const time = columns.find((c) => c.kind === 'time');
  if (!time || rows === 0 || old.problems.some((p) => /time goes back/.test(p.message))) return undefined;
  const t = time.values;
  let before = NaN;
  for (let i = old.rows - 1; i >= 0 && before !== before; i--) before = t[i];
  for (let i = old.rows; i < t.length; i++) {
    if (t[i] !== t[i]) continue;
    if (!(t[i] < before)) return undefined;
    const line = lineOf(i);
    return { line, message: `column '${time.name}': time goes back at line ${line} (a step time, or files joined?)`, severity: 'warning' };
  }
  return undefined;
}

function joinLabels(a: Record<number, string>, b: Record<number, string>): Record<number, string> {
  const all = { ...a, ...b };
  const out: Record<number, string> = {};
  for (const k of Object.keys(all).map(Number).sort((x, y) => x - y)) out[k] = all[k];
  return out;
}

/** The values in a buffer with room for `capacity` rows (the builder's own when it has the room). */
function roomy(values: Float64Array, capacity: number): Float64Array {
  if (values.byteOffset === 0 && values.buffer instanceof ArrayBuffer && values.buffer.byteLength / 8 >= capacity) return new Float64Array(values.buffer);
  const store = new Float64Array(Math.max(capacity, Math.ceil(values.length * 1.5)));
  store.set(values);
  return store;
}

/**
 * Line numbers of rows read in parts: the first read's own map, then one entry per change of
 * line-minus-row for the rows appended (as LineMap keeps them), so a long-running file's map
 * grows with its skipped lines, not with its appends.
 */
export class SegmentLines {
  private readonly firstRows: number[] = [];
  private readonly offsets: number[] = [];

  constructor(private readonly baseRows: number, private readonly base: (row: number) => number) {}

  /** The `rows` rows from `firstRow` on, whose lines `lineOf` gives from 0. */
  append(firstRow: number, rows: number, lineOf: (row: number) => number): void {
    for (let r = 0; r < rows; r++) {
      const offset = lineOf(r) - (firstRow + r);
      const k = this.offsets.length;
      if (k === 0 || this.offsets[k - 1] !== offset) {
        this.firstRows.push(firstRow + r);
        this.offsets.push(offset);
      }
    }
  }

  /** lineOfRow for a table of `rows` rows (0 outside them, as LineMap); later appends do not change it. */
  lookup(rows: number): (row: number) => number {
    const n = this.offsets.length, first = this.firstRows, offsets = this.offsets, baseRows = this.baseRows, base = this.base;
    return (row) => {
      if (!Number.isInteger(row) || row < 0 || row >= rows) return 0;
      if (row < baseRows || n === 0) return base(row);
      let lo = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (first[mid] <= row) lo = mid; else hi = mid - 1;
      }
      return row + offsets[lo];
    };
  }
}

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const b = Buffer.allocUnsafe(Math.max(0, to - from));
  const fh = await fs.promises.open(file, 'r');
  try {
    let got = 0;
    while (got < b.length) {
      const { bytesRead } = await fh.read(b, got, b.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return b.subarray(0, got);
  } finally {
    await fh.close();
  }
}

// What every reader promises on any bytes, checked by the fuzzing: it returns a consistent table
// (rows, one value per row in every column, labels for the codes that occur, problems with a
// line and a message) or throws a DataError with a line and a short message, never anything
// else. readDataFile turns an unexpected exception into a DataError "could not read the file:
// ..." (it promises DataErrors to its callers), so that wrapping counts as a crash here: it is a
// bug of ours that the user would see as a reason.
import * as fs from 'fs';
import * as path from 'path';
import { parseArbinRes } from '../../../server/readers/arbinRes';
import { readDataFile } from '../../../server/readers/index';
import { parseMpr } from '../../../server/readers/mpr';
import { parseNda } from '../../../server/readers/neware/nda';
import { parseNdax } from '../../../server/readers/neware/ndax';
import { ColumnKind, DataError, DataTable, SI_UNIT } from '../../../server/readers/types';
import { caseBytes, DataCase, extensionOf, scratchDir } from './dataInputs';

export type BinaryReader = 'mpr' | 'nda' | 'ndax' | 'res';

const PARSERS: Record<BinaryReader, (b: Uint8Array, file: string) => DataTable> = {
  mpr: (b, f) => parseMpr(b, f),
  nda: (b, f) => parseNda(b, f),
  ndax: (b, f) => parseNdax(b, f),
  res: (b, f) => parseArbinRes(Buffer.from(b.buffer, b.byteOffset, b.byteLength), f),
};

const KINDS = new Set(Object.keys(SI_UNIT) as ColumnKind[]);
/** A message is a sentence or two; a longer one quotes the file instead of saying what is wrong. */
const MAX_MESSAGE_CHARS = 2000;
const WRAPPED = /^could not read the file: /;

/** Throws an Error naming the first broken promise of a table. */
export function checkTable(t: DataTable, file: string): void {
  const fail = (what: string) => { throw new Error(`inconsistent table from ${path.basename(file)}: ${what}`); };
  if (!t || typeof t !== 'object') fail(`not a table: ${String(t)}`);
  if (!Number.isInteger(t.rows) || t.rows < 1) fail(`${t.rows} rows (a file without rows is a DataError)`);
  if (!Array.isArray(t.columns) || t.columns.length === 0) fail('no columns');
  for (const c of t.columns) {
    if (typeof c.name !== 'string' || !KINDS.has(c.kind) || typeof c.sourceUnit !== 'string') fail(`column ${JSON.stringify({ name: c.name, kind: c.kind, unit: c.sourceUnit })}`);
    if (!(c.values instanceof Float64Array) || c.values.length !== t.rows) fail(`column '${c.name}' has ${c.values?.length} values for ${t.rows} rows`);
    if (c.labels) for (const v of c.values) if (v === v && !(v in c.labels)) fail(`column '${c.name}': code ${v} has no label`);
  }
  for (const p of t.problems) {
    if (!Number.isInteger(p.line) || p.line < 0 || typeof p.message !== 'string' || !p.message || !['error', 'warning'].includes(p.severity)) fail(`problem ${JSON.stringify(p).slice(0, 200)}`);
    if (p.message.length > MAX_MESSAGE_CHARS) fail(`a problem message of ${p.message.length} characters: ${p.message.slice(0, 120)}…`);
  }
  for (const row of [0, t.rows - 1, t.rows >> 1]) {
    const line = t.lineOfRow(row);
    if (!Number.isInteger(line) || line < 0) fail(`lineOfRow(${row}) = ${line}`);
  }
  for (const [k, v] of Object.entries(t.meta)) if (typeof v !== 'string') fail(`meta '${k}' is ${typeof v}`);
}

/** A DataError must say where and what, briefly; anything else thrown is a crash. */
export function checkThrown(e: unknown): void {
  if (!(e instanceof DataError)) throw e;
  if (WRAPPED.test(e.message)) throw new Error(`an internal error reached the user as a DataError: ${e.message}`);
  if (!Number.isInteger(e.line) || e.line < 0) throw new Error(`DataError with line ${e.line}: ${e.message}`);
  if (!e.message || e.message.length > MAX_MESSAGE_CHARS) throw new Error(`DataError message of ${e.message.length} characters: ${e.message.slice(0, 120)}…`);
}

let written = 0;

/** Reads a case through readDataFile (a file on disk, detection by content, the forced format if any). */
export async function readCase(c: DataCase): Promise<void> {
  const file = path.join(scratchDir(), `case-${process.pid}-${written++ % 4}${extensionOf(c)}`);
  fs.writeFileSync(file, caseBytes(c));
  let t: DataTable;
  try {
    t = await readDataFile(file, c.format ? { format: c.format } : {});
  } catch (e) {
    checkThrown(e);
    return;
  }
  checkTable(t, file);
}

/** Parses a case's bytes with a binary reader (or through readDataFile when the case says so). */
export async function parseCase(reader: BinaryReader, c: DataCase): Promise<void> {
  if (c.viaFile) return readCase(c);
  const bytes = caseBytes(c);
  const file = `damaged${extensionOf(c)}`;
  let t: DataTable;
  try {
    t = PARSERS[reader](bytes, file);
  } catch (e) {
    checkThrown(e);
    return;
  }
  checkTable(t, file);
}

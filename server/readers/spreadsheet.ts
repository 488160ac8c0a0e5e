// Cycler exports saved as workbooks (.xlsx, .xls) through SheetJS: LAND (LANDdt: a "Record" sheet,
// sometimes continued in "Record1", "Record2", …), Neware ("record" / "Detail_…" sheets) and Arbin
// ("Channel_…" sheets). A "line" here is the row number of the sheet, 1-based as Excel shows it.
import type * as XLSXModule from '@e965/xlsx';
import { CellParse, resolveColumns } from './columns';
import { newareNames, arbinNames } from './detect';
import { nameList } from './messages';
import { checkAborted, FileHead, readAllBytes } from './text';
import { zipSync } from 'fflate';
import { extract, listZip } from './zip';
import { TableBuilder, makeTable, signCurrentByState } from './table';
import { DataError, DataTable, FormatId, ReadOptions } from './types';

type Cell = XLSXModule.CellObject | undefined;

// SheetJS is large; load it only when a workbook is read, not when the language server starts.
let xlsx: typeof XLSXModule | undefined;
function sheetjs(): typeof XLSXModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (xlsx ??= require('@e965/xlsx') as typeof XLSXModule);
}

const EXCEL_EPOCH_DAYS = 25569; // 1970-01-01 as an Excel serial day

function cellText(c: Cell): string {
  if (!c || c.v === undefined || c.v === null) return '';
  return String(c.v).trim();
}

/** The header row: the first of the top rows with at least two text cells, followed by a row with numbers. */
function findHeader(rows: Cell[][], first: number): number {
  const last = Math.min(rows.length - 1, first + 30);
  for (let r = first; r < last; r++) {
    const row = rows[r] ?? [];
    const texts = row.filter((c) => c && c.t === 's' && cellText(c) !== '').length;
    const nums = row.filter((c) => c && c.t === 'n').length;
    if (texts < 2 || nums > texts / 2) continue;
    const next = rows[r + 1] ?? [];
    if (next.some((c) => c && c.t === 'n')) return r;
  }
  return -1;
}

/** What a workbook may inflate to: a zip of 0.6 MB can hold 600 MB of XML (a zip bomb, or a mistake). */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;

/**
 * The workbook's parts inflated here (fflate: bounded, damage detected) and stored again without
 * compression for SheetJS, whose own inflate loops forever on some damaged deflate data.
 */
function storedWorkbook(file: string, bytes: Uint8Array): Uint8Array {
  const listing = listZip(bytes);
  if (!listing) throw new DataError(file, 0, 'cannot read the workbook: its zip directory and part headers are missing or damaged');
  // What the directory declares is checked first, before anything is inflated.
  const declared = listing.entries.reduce((n, e) => n + e.size, 0);
  if (declared > MAX_INFLATED_BYTES) {
    throw new DataError(file, 0, `the workbook inflates to ${(declared / 2 ** 20).toFixed(0)} MiB (${(bytes.length / 2 ** 20).toFixed(1)} MiB on disk), more than the ${MAX_INFLATED_BYTES / 2 ** 20} MiB a workbook may hold: export the sheet as CSV`);
  }
  const parts: Record<string, [Uint8Array, { level: 0 }]> = {};
  let inflated = 0;
  for (const e of listing.entries) {
    if (e.name.endsWith('/')) continue;
    const part = extract(bytes, e);
    if (part.damage) throw new DataError(file, 0, `cannot read the workbook: its part ${e.name ? `'${nameList([e.name])}'` : 'without a name'} is damaged: ${part.damage}`);
    inflated += part.bytes.length;
    if (inflated > MAX_INFLATED_BYTES) throw new DataError(file, 0, `the workbook inflates to more than the ${MAX_INFLATED_BYTES / 2 ** 20} MiB a workbook may hold: export the sheet as CSV`);
    parts[e.name] = [part.bytes, { level: 0 }];
  }
  const stored = zipSync(parts);
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
}

export async function readSpreadsheet(head: FileHead, options: ReadOptions, format?: FormatId): Promise<DataTable> {
  const file = head.file;
  let bytes: Uint8Array = await readAllBytes(file, options);
  if (head.container === 'zip') bytes = storedWorkbook(file, bytes);
  const XLSX = sheetjs();
  let wb: XLSXModule.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'buffer', dense: true, cellNF: true, cellHTML: false, cellFormula: false, cellText: false });
  } catch (e) {
    throw new DataError(file, 0, `cannot read the workbook: ${(e as Error)?.message ?? String(e)}`);
  }
  checkAborted(options.signal);
  const names = wb.SheetNames;
  let chosen = names.filter((n) => /^record/i.test(n.trim()));
  if (!chosen.length) chosen = names.filter((n) => /^(detail|channel)/i.test(n.trim()) && !/chart|statis/i.test(n));
  if (!chosen.length) {
    const withTable = names.find((n) => findHeader(sheetRows(wb.Sheets[n]), 0) >= 0);
    if (withTable) chosen = [withTable];
  }
  if (!chosen.length) throw new DataError(file, 0, `no sheet with a table of numbers under a header row (sheets: ${nameList(names)})`);

  const firstRows = sheetRows(wb.Sheets[chosen[0]]);
  const h = findHeader(firstRows, 0);
  if (h < 0) throw new DataError(file, 0, `sheet '${chosen[0]}' has no header row followed by numbers`);
  // Array.from, not map: a row of a damaged sheet may have holes, and map keeps them.
  const headers = Array.from(firstRows[h] ?? [], cellText);
  while (headers.length && !headers[headers.length - 1]) headers.pop();
  const fmt: FormatId = format && format !== 'land' ? format : newareNames(headers) ? 'neware' : arbinNames(headers) ? 'arbin' : 'land';
  const columnLine = h + 1;
  const specs = resolveColumns(headers, {
    file, columnLine, format: fmt, mapping: options.mapping,
    defaults: fmt === 'arbin' ? { charge: 'Ah', chargeCapacity: 'Ah', dischargeCapacity: 'Ah' } : undefined,
  });
  const builder = new TableBuilder(specs, { file, columnLine, sep: 9, decimalComma: true, lineWord: 'row', expectedRows: firstRows.length });
  const parse: CellParse[] = specs.map((s) => s.parse);
  const values: unknown[] = new Array(headers.length);
  for (const [k, name] of chosen.entries()) {
    const rows = k === 0 ? firstRows : sheetRows(wb.Sheets[name]);
    // Continuation sheets repeat the header, or start directly with data.
    let start = k === 0 ? h + 1 : 0;
    if (k > 0 && rows[0] && cellText(rows[0][0]) === headers[0]) start = 1;
    for (let r = start; r < rows.length; r++) {
      const row = rows[r];
      if (!row) continue;
      for (let c = 0; c < headers.length; c++) values[c] = cellValue(row[c], parse[c]);
      builder.addCells(values, r + 1);
    }
    checkAborted(options.signal);
  }
  const built = builder.finish();
  if (built.rows === 0) throw new DataError(file, columnLine + 1, `no data rows below the header (row ${columnLine} of sheet '${chosen[0]}')`);
  const meta: Record<string, string> = { sheet: chosen.join(', '), columnLine: String(columnLine) };
  const table = makeTable(file, fmt, built, meta);
  if ((fmt === 'neware' || fmt === 'land') && signCurrentByState(table.columns)) {
    table.meta.currentSign = 'signed by the state column (discharge negative)';
  }
  return table;
}

function sheetRows(ws: XLSXModule.WorkSheet | undefined): Cell[][] {
  return ((ws && (ws['!data'] as Cell[][] | undefined)) ?? []);
}

/** Numbers stay numbers; date and time cells become seconds (since 1970, or of duration). */
function cellValue(c: Cell, parse: CellParse): unknown {
  if (!c) return '';
  switch (c.t) {
    case 'n': {
      const v = c.v as number;
      if ((parse === 'datetime' || parse === 'duration') && c.z !== undefined && sheetjs().SSF.is_date(c.z)) {
        return parse === 'datetime' ? (v - EXCEL_EPOCH_DAYS) * 86400 : v * 86400;
      }
      return v;
    }
    case 'd': return c.v as Date;
    case 'b': return c.v ? 1 : 0;
    case 'e': case 'z': return '';
    default: return c.v === undefined || c.v === null ? '' : String(c.v);
  }
}

// Delimited text with a header block: generic CSV/TSV/semicolon files, cycler exports (Arbin,
// Neware, LAND, Maccor) and header-less EIS triples. The head of the file decides the separator,
// the decimal mark, the column line and the first data line; the rest is streamed.
import { parse as parseCsv } from 'csv-parse/sync';
import { ColumnSpec, resolveColumns, unitInfo } from './columns';
import { forEachDataLine } from './byteLines';
import { shownName } from './messages';
import { FileHead, forEachLine, headLines, isNanLiteral, parseNumber } from './text';
import { columnsToKeep, TableBuilder, WHITESPACE, makeTable, signCurrentByState } from './table';
import { ColumnKind, DataError, DataTable, FormatId, ReadOptions } from './types';

export interface DelimitedPlan {
  /** Separator character code, or WHITESPACE. */
  sep: number;
  decimalComma: boolean;
  /** Some cells are in double quotes: read through csv-parse. */
  quoted: boolean;
  /** 1-based line of the column names; 0 when the file has none. */
  headerLine: number;
  names: string[];
  /** A line of units below the names ("s", "V", "mA"), if any. */
  units?: string[];
  /** First data line. */
  dataLine: number;
  /** Fields of a typical data row. */
  fields: number;
  /** Lines above the column names (title, "key: value" facts). */
  preamble: string[];
  /** Average bytes per data line in the head, to size the columns. */
  bytesPerRow: number;
}

const SEPARATORS = [9, 59, 44, WHITESPACE]; // tab, ';', ',', blanks: the first that fits wins

/** Split one line for sniffing; honours double quotes when `quoted`. */
export function splitLine(line: string, sep: number, quoted: boolean): string[] {
  if (sep === WHITESPACE) return line.trim() ? line.trim().split(/[ \t]+/) : [];
  const ch = String.fromCharCode(sep);
  if (!quoted || !line.includes('"')) return line.split(ch);
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQ) {
      if (c === '"') {
        if (line[i + 1] === '"') { cur += '"'; i++; } else inQ = false;
      } else cur += c;
    } else if (c === '"') inQ = true;
    else if (c === ch) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

function trimTrailingEmpty(cells: string[]): string[] {
  let n = cells.length;
  while (n > 0 && cells[n - 1].trim() === '') n--;
  return n === cells.length ? cells : cells.slice(0, n);
}

const DATE_OR_TIME = /^\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?|(\d+-)?\d+:\d{2}(:\d{2}([.,]\d+)?)?)\s*$/;

function isNumberCell(cell: string, comma: boolean): boolean {
  return !Number.isNaN(parseNumber(cell, 0, cell.length, comma));
}

/** Counts of number, data-like (number, date, time, empty) cells. */
function cellStats(cells: string[], comma: boolean): { numbers: number; dataLike: number } {
  let numbers = 0, dataLike = 0;
  for (const c of cells) {
    if (isNumberCell(c, comma)) { numbers++; dataLike++; }
    else if (c.trim() === '' || DATE_OR_TIME.test(c) || isNanLiteral(c) || /^\s*[A-Za-z]\s*$/.test(c)) dataLike++;
  }
  return { numbers, dataLike };
}

function isDataRow(cells: string[], comma: boolean): boolean {
  if (cells.length < 2) return false;
  const { numbers, dataLike } = cellStats(cells, comma);
  return numbers >= 1 && numbers >= 0.4 * cells.length && dataLike >= 0.6 * cells.length;
}

function isHeaderRow(cells: string[], comma: boolean): boolean {
  const filled = cells.filter((c) => c.trim() !== '');
  if (filled.length < 2) return false;
  const { numbers } = cellStats(filled, comma);
  return numbers <= 0.25 * filled.length;
}

function isUnitsRow(cells: string[]): boolean {
  const filled = cells.filter((c) => c.trim() !== '');
  return filled.length > 0 && filled.every((c) => !!unitInfo(c.replace(/^[([]|[)\]]$/g, '')) || /^#$/.test(c.trim()));
}

/** A logical row of the head: its cells and the line it starts on. */
interface HeadRow {
  cells: string[];
  line: number;
}

/** Rows of the head for one separator: lines split by hand, or records through csv-parse when quoted. */
function headRows(lines: string[], sep: number, quoted: boolean): HeadRow[] {
  if (quoted && sep !== WHITESPACE) {
    const rows: HeadRow[] = [];
    let prevEnd = 0;
    try {
      parseCsv(lines.join('\n'), {
        delimiter: String.fromCharCode(sep), relax_column_count: true, relax_quotes: true, skip_empty_lines: false,
        on_record: (record: string[], ctx: { lines: number }) => {
          rows.push({ cells: trimTrailingEmpty(record), line: prevEnd + 1 });
          prevEnd = ctx.lines;
          return null;
        },
      });
      return rows;
    } catch {
      // An unclosed quote near the end of the head: split the lines by hand instead.
    }
  }
  return lines.map((l, i) => ({ cells: trimTrailingEmpty(splitLine(l, sep, quoted)), line: i + 1 }));
}

/**
 * Find separator, column line and data start in the head. A data block starts at a data row
 * followed by data rows of about the same width (most of the next eight, the first of them
 * included); the widest block wins, the earliest on a tie. The column names are the non-data row
 * just above it (with a units row in between, if any).
 */
export function sniffDelimited(head: FileHead, maxLines = 400): DelimitedPlan | undefined {
  const all = headLines(head);
  const lines = all.slice(0, maxLines);
  if (lines.length === 0) return undefined;
  const quoted = lines.some((l) => l.includes('"'));
  for (const sep of SEPARATORS) {
    const comma = sep !== 44;
    const rows = headRows(lines, sep, quoted);
    let best = -1;
    for (let d = 0; d < rows.length; d++) {
      const f = rows[d].cells.length;
      if (f < 2 || (best >= 0 && f <= rows[best].cells.length) || !isDataRow(rows[d].cells, comma)) continue;
      let seen = 0, good = 0, firstOk = true;
      for (let j = d + 1; j < rows.length && seen < 8; j++) {
        const r = rows[j].cells;
        if (r.length === 0) continue;
        const ok = Math.abs(r.length - f) <= Math.max(1, 0.2 * f) && isDataRow(r, comma);
        if (seen === 0) firstOk = ok;
        seen++;
        if (ok) good++;
      }
      if (firstOk && good >= 0.6 * seen) best = d;
    }
    if (best < 0) continue;
    const d = best;
    const f = rows[d].cells.length;
    // The column line: the closest non-blank row above, unless it is data-like itself.
    let h = d - 1;
    while (h >= 0 && rows[h].cells.length === 0) h--;
    let units: string[] | undefined;
    let headerLine = 0;
    let names: string[] = [];
    if (h > 0 && isUnitsRow(rows[h].cells) && isHeaderRow(rows[h - 1].cells, comma)) {
      units = rows[h].cells.map((u) => u.trim().replace(/^[([]|[)\]]$/g, ''));
      h--;
    }
    if (h >= 0 && isHeaderRow(rows[h].cells, comma) && rows[h].cells.length >= Math.min(f, 2)) {
      headerLine = rows[h].line;
      names = rows[h].cells.map((s) => s.trim());
    } else units = undefined;
    const fields = mostCommon(rows.slice(d, d + 50).filter((r) => r.cells.length > 0).map((r) => r.cells.length));
    if (!headerLine) names = Array.from({ length: fields }, (_, i) => `column ${i + 1}`);
    const dataLine = rows[d].line;
    const sample = lines.slice(dataLine - 1, Math.min(lines.length, dataLine + 199));
    const bytesPerRow = sample.reduce((a, l) => a + l.length + 1, 0) / Math.max(1, sample.length);
    return {
      sep, decimalComma: comma, quoted, headerLine, names, units, dataLine, fields,
      preamble: lines.slice(0, (headerLine || dataLine) - 1), bytesPerRow,
    };
  }
  return undefined;
}

function mostCommon(xs: number[]): number {
  const count = new Map<number, number>();
  let best = xs[0] ?? 0, bestN = 0;
  for (const x of xs) {
    const n = (count.get(x) ?? 0) + 1;
    count.set(x, n);
    if (n > bestN || (n === bestN && x > best)) { best = x; bestN = n; }
  }
  return best;
}

/** "key: value", "key = value", "key<TAB>value", "key,value" lines above the table. */
export function preambleMeta(lines: string[], meta: Record<string, string>): void {
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([^:=\t,;]{1,60}?)\s*(?::|=|\t|,|;)\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].trim().replace(/^["']|["']$/g, '');
    const value = m[2].trim().replace(/^["']|["']$/g, '').replace(/[\t,;]+$/, '').trim();
    if (key && value && !(key in meta)) meta[key] = value;
  }
}

export interface DelimitedFormat {
  format: FormatId;
  /** Units the format writes without saying (Arbin capacities are Ah). */
  defaults?: Partial<Record<ColumnKind, string>>;
  /** Kinds of a header-less file's columns, by position (EIS triples: f, Re, Im). */
  positional?: ColumnKind[];
  technique?: string;
  meta?: Record<string, string>;
  /** Sign the current by a state column (Maccor's Amps are unsigned). */
  signByState?: boolean;
}

/**
 * Read a delimited file planned by `sniffDelimited`. Unquoted files (nearly every instrument
 * export) take the hand-written path: lines as bytes, numbers parsed where they lie, no string
 * per cell. csv-parse, which builds a string per cell and an array per row, ran at about 20 MB/s
 * on a GCPL export here against 150+ MB/s for the hand path (when it read strings), so it only
 * reads files with quotes, where its handling of quoted separators and line breaks is needed.
 */
export async function readDelimited(head: FileHead, plan: DelimitedPlan, how: DelimitedFormat, options: ReadOptions): Promise<DataTable> {
  const file = head.file;
  const meta: Record<string, string> = { ...(how.meta ?? {}) };
  preambleMeta(plan.preamble, meta);
  let mapping = options.mapping;
  if (!plan.headerLine && how.positional) {
    const positional: Partial<Record<ColumnKind, string>> = {};
    how.positional.forEach((k, i) => { if (k !== 'other' && i < plan.names.length) positional[k] = plan.names[i]; });
    mapping = { ...positional, ...(options.mapping ?? {}) };
  }
  const units = plan.units ?? (!plan.headerLine && how.positional ? how.positional.map((k) => (k === 'frequency' ? 'Hz' : k === 'zReal' || k === 'zImag' ? 'Ohm' : '')) : undefined);
  const specs: ColumnSpec[] = resolveColumns(plan.names, {
    file, columnLine: plan.headerLine, format: how.format, mapping, units, defaults: how.defaults,
  });
  const builder = new TableBuilder(specs, {
    file, columnLine: plan.headerLine, sep: plan.sep, decimalComma: plan.decimalComma, expectedFields: plan.fields,
    expectedRows: Math.ceil(head.size / Math.max(8, plan.bytesPerRow)) + 16,
    keep: columnsToKeep(specs, options.kinds, how.signByState),
  });
  if (!plan.headerLine && !specs.some((s) => s.kind !== 'other')) {
    builder.problem(1, `no column names: the columns are called ${plan.names.slice(0, 3).map((n) => `'${shownName(n)}'`).join(', ')}…; map them to kinds in the spec`, 'warning');
  }
  if (plan.quoted) await readQuoted(head, plan, builder, options);
  else {
    const stats = await forEachDataLine(head, options, { dataFrom: plan.dataLine, header: () => undefined, rows: () => builder });
    if (stats.fallbackLine) builder.problem(stats.fallbackLine, `the text is not UTF-8 from line ${stats.fallbackLine} on; read as Windows-1252`, 'warning');
  }
  const built = builder.finish();
  if (built.rows === 0) {
    throw new DataError(file, plan.dataLine, `no data rows${plan.headerLine ? ` below the column line (line ${plan.headerLine})` : ''}`);
  }
  meta.encoding = head.encoding;
  if (plan.headerLine) meta.columnLine = String(plan.headerLine);
  const table = makeTable(file, how.format, built, meta, how.technique);
  if (how.signByState && signCurrentByState(table.columns)) {
    table.meta.currentSign = 'signed by the state column (discharge negative)';
  }
  return table;
}

/**
 * Quoted CSV goes through csv-parse (quotes, doubled quotes, separators and line breaks inside
 * cells). Lines are handed over in batches that end outside a quoted cell, so line numbers stay
 * exact: the batch's first line plus csv-parse's line count.
 */
async function readQuoted(head: FileHead, plan: DelimitedPlan, builder: TableBuilder, options: ReadOptions): Promise<void> {
  const delimiter = String.fromCharCode(plan.sep === WHITESPACE ? 9 : plan.sep);
  let batch: string[] = [];
  let batchStart = plan.dataLine;
  let inQuote = false;
  const flush = (): void => {
    if (!batch.length) return;
    const start = batchStart;
    try {
      parseCsv(batch.join('\n'), {
        delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true,
        on_record: (record: string[], ctx: { lines: number }) => {
          builder.addCells(record, start + ctx.lines - 1);
          return null;
        },
      });
    } catch (e) {
      const err = e as { lines?: number; message?: string };
      throw new DataError(head.file, start + Math.max(0, (err.lines ?? 1) - 1), `cannot split the CSV: ${err.message ?? String(e)}`);
    }
    batch = [];
  };
  await forEachLine(head, options, (line, no) => {
    if (no < plan.dataLine) return;
    if (!batch.length) batchStart = no;
    batch.push(line);
    for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) inQuote = !inQuote;
    if (!inQuote && batch.length >= 4096) flush();
  });
  flush();
}

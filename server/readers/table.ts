// Rows into typed columns: every reader hands its data lines (as bytes, or cells) to a
// TableBuilder, which stores SI values in growable Float64Arrays, remembers each row's file line,
// and records per-row problems (short rows, text where a number belongs, empty and NaN cells).
// Columns the caller does not want are skipped unread: their cells are only stepped over.
import { CellParse, ColumnSpec } from './columns';
import { shownName } from './messages';
import { LineMap } from './lineMap';
import { afterBreak, blankEnd, cellEnd, CR, findLineEnd, LF, lineBytes, lineEndsAt, onlySeparators, skipBlanks } from './rowBytes';
import { CellScanner, parseNumberBytes } from './numbers';
import type { TextOfBytes } from './byteLines';
import { infinityLiteral, isBlank, isNanLiteral, parseDateTime, parseDuration, parseNumber } from './text';
import { Column, ColumnKind, DataProblem, DataTable, FileColumn, FormatId } from './types';

/** `sep` value for columns separated by runs of blanks. */
export const WHITESPACE = -1;
/** Individual problems kept per file; the rest are counted in a last summary problem. */
const MAX_PROBLEMS = 100;

const P_NUMBER = 0, P_DURATION = 1, P_DATETIME = 2, P_STATE = 3;
const PARSE_CODE: Record<CellParse, number> = { number: P_NUMBER, duration: P_DURATION, datetime: P_DATETIME, state: P_STATE };

export interface BuilderOptions {
  file: string;
  /** The line of the column names (0 when the file has none), for messages. */
  columnLine: number;
  /** Separator character code (9 tab, 44 comma, 59 semicolon) or WHITESPACE. */
  sep: number;
  /** Accept ',' as the decimal mark (never with a comma separator). */
  decimalComma: boolean;
  /** Fields to skip at the start of every row (Gamry rows begin with a tab). */
  skipFields?: number;
  /** Fields a complete row has; learnt from the first row when not given. */
  expectedFields?: number;
  /** A guess of the row count, to size the columns once. */
  expectedRows?: number;
  /** What to call a line in messages ("line", "row" for spreadsheets). */
  lineWord?: string;
  /** Which columns to parse and keep, by position (see columnsToKeep); all when absent. */
  keep?: boolean[];
}

/** A row as its cells were cut: fields seen, NaN cells among those kept, where cutting stopped, where the line ends (-1: not reached). */
interface RowCut {
  fields: number;
  nan: number;
  pos: number;
  lineEnd: number;
}

/** What a finished builder hands to makeTable. */
export interface Built {
  columns: Column[];
  /** Every column of the file, when some were not kept. */
  fileColumns?: FileColumn[];
  rows: number;
  lineOfRow: (row: number) => number;
  problems: DataProblem[];
  /** The builder, kept for a continuation when the file grows (builderOf). */
  from?: TableBuilder;
}

interface CellStats {
  empty: number;
  emptyFirst: number;
  nan: number;
  nanFirst: number;
}

/** +1 charge, -1 discharge, 0 rest, NaN unknown: Maccor C/D/R/O/S, Neware CC_Chg/CC_DChg/Rest, LAND, Chinese. */
export function parseState(cell: string): number {
  const s = cell.trim().toLowerCase();
  if (!s) return NaN;
  if (s === 'c' || s === 'charge' || /(^|[_ ])chg$/.test(s) || s.includes('cc_chg') || s.includes('cv_chg') || /^c[cv]+[ _-]?c(hg|harge)/.test(s) || s.includes('充电')) return 1;
  if (s === 'd' || s === 'discharge' || /dchg|dischg|discharge/.test(s) || s.includes('放电')) return -1;
  if (s === 'r' || s === 'rest' || s === 'o' || s === 'ocv' || s === 'pause' || s.includes('搁置') || s.includes('静置')) return 0;
  return NaN;
}

const STATE_COLUMN = /^(state|step[ _-]?type|step[ _-]?state|工步类型|状态)$/i;

/** The charge/discharge flag column an unsigned current is signed by (Maccor, older Neware, LAND). */
export function isStateColumn(s: { kind: ColumnKind; name: string }): boolean {
  return s.kind === 'other' && STATE_COLUMN.test(s.name.trim());
}

/**
 * Which columns a read keeps: every one without `kinds`, else those of the kinds asked for (and,
 * when the current is signed by a state column, that column).
 */
export function columnsToKeep(specs: ColumnSpec[], kinds: readonly ColumnKind[] | undefined, signByState = false): boolean[] | undefined {
  if (!kinds) return undefined;
  const wanted = new Set(kinds);
  const signing = signByState && wanted.has('current');
  return specs.map((s) => wanted.has(s.kind) || (signing && isStateColumn(s)));
}

const NOT_KEPT = new Float64Array(0);

export class TableBuilder {
  rows = 0;
  readonly specs: ColumnSpec[];
  private readonly n: number;
  private cap: number;
  /** One per column; the columns not kept share an empty array. */
  private bufs: Float64Array[];
  private readonly keep: Uint8Array;
  /** No column is kept: no cell's value can tell a data row, so every row is judged in full. */
  private readonly noneKept: boolean;
  private readonly lines = new LineMap();
  private readonly scanner = new CellScanner();
  /** How the row just cut came out (cutBlankSeparated). */
  private readonly cut: RowCut = { fields: 0, nan: 0, pos: 0, lineEnd: -1 };
  // SI = raw · mul / div + offset: decimal prefixes divide by an integer power of ten, so 3655 mV
  // gives exactly 3.655 V (one rounding), as the number would read written in volts.
  private readonly mul: Float64Array;
  private readonly div: Float64Array;
  private readonly offset: Float64Array;
  /** 1 where mul and div are 1: the value is the number plus the offset. */
  private readonly unscaled: Uint8Array;
  /** For a column not kept, how many columns from it on are not kept either (to the last). */
  private readonly unread: Int32Array;
  private readonly units: string[];
  private readonly parse: Uint8Array;
  private readonly typed: Uint8Array;
  private readonly sepStr: string;
  private need: number;
  private readonly stats: CellStats[];
  private readonly problems: DataProblem[] = [];
  private dropped = 0;
  private extraRows = 0;
  private extraFirst = 0;
  private extraFields = 0;
  private readonly lineWord: string;
  /** How the rows came (for a continuation, readers/append.ts): the last line handed over, its break byte and decoding; false once cells came split. */
  lastLine = 0;
  brk = LF;
  textOf: TextOfBytes | undefined;
  fromBytes = true;

  constructor(specs: ColumnSpec[], readonly opts: BuilderOptions) {
    this.specs = specs;
    this.n = specs.length;
    this.cap = Math.max(16, Math.min(opts.expectedRows ?? 1024, 1 << 26));
    this.keep = Uint8Array.from(specs, (_, c) => (!opts.keep || opts.keep[c] ? 1 : 0));
    this.bufs = specs.map((_, c) => (this.keep[c] ? new Float64Array(this.cap) : NOT_KEPT));
    this.noneKept = this.n > 0 && !this.keep.includes(1);
    this.mul = Float64Array.from(specs, (s) => scale(s.factor).mul);
    this.div = Float64Array.from(specs, (s) => scale(s.factor).div);
    this.offset = Float64Array.from(specs, (s) => s.offset);
    this.unscaled = Uint8Array.from(specs, (_, c) => (this.mul[c] === 1 && this.div[c] === 1 ? 1 : 0));
    this.unread = new Int32Array(this.n);
    for (let c = this.n - 1; c >= 0; c--) if (!this.keep[c]) this.unread[c] = c + 1 < this.n ? this.unread[c + 1] + 1 : 1;
    this.units = specs.map((s) => s.sourceUnit);
    this.parse = Uint8Array.from(specs, (s) => PARSE_CODE[s.parse]);
    this.typed = Uint8Array.from(specs, (s) => (s.kind === 'other' ? 0 : 1));
    this.sepStr = opts.sep >= 0 ? String.fromCharCode(opts.sep) : '';
    this.need = Math.min(opts.expectedFields ?? 0, this.n);
    this.stats = specs.map(() => ({ empty: 0, emptyFirst: 0, nan: 0, nanFirst: 0 }));
    this.lineWord = opts.lineWord ?? 'line';
    for (const [c, s] of specs.entries()) {
      if (s.assumedUnit && this.keep[c]) {
        this.problem(opts.columnLine, `column '${shownName(s.name)}' has no unit; read as ${s.sourceUnit} (give the unit in the spec's mapping, e.g. ${s.kind}: '${shownName(s.name)} (mAh)')`, 'warning');
      }
    }
  }

  problem(line: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, message, severity });
    else this.dropped++;
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.bufs = this.bufs.map((b) => {
      if (b === NOT_KEPT) return b;
      const nb = new Float64Array(cap);
      nb.set(b);
      return nb;
    });
    this.cap = cap;
  }

  private si(c: number, raw: number): number {
    return raw * this.mul[c] / this.div[c] + this.offset[c];
  }

  /** A cell's value as a kept column would store it (only whether it is a number matters here). */
  private valueOf(c: number, cell: string): number {
    const code = this.parse[c];
    return code === P_NUMBER ? parseNumber(cell, 0, cell.length, this.opts.decimalComma) : this.special(c, code, cell);
  }

  /** Cells that are not plain numbers; the result is already in SI (s for times). */
  private special(c: number, code: number, cell: string): number {
    if (code === P_DURATION) {
      const v = parseNumber(cell, 0, cell.length, this.opts.decimalComma);
      return v === v ? this.si(c, v) : parseDuration(cell, this.opts.decimalComma);
    }
    if (code === P_DATETIME) return parseDateTime(cell);
    return parseState(cell);
  }

  /** One data line as text (readers of small files with their own layouts): read as addRows reads a row. */
  addLine(line: string, lineNo: number): void {
    this.addRows(lineBytes(line), 0, line.length + 1, lineNo, LF, (_b, start, end) => line.slice(start, end));
  }

  /**
   * The data lines in b[start, end), each ended by the byte `brk` (LF, or CR in classic-Mac
   * files; the CR of a CRLF is not part of its line), the first of them line `lineNo`: cut at the
   * separator, parse, convert, store. Returns how many lines there were. The hot path of every
   * text reader: the cells of columns not kept are stepped over unread, numbers are parsed where
   * they lie (the line's end is found on the way), and a line is decoded (`text`) only when a
   * message needs it.
   */
  addRows(b: Buffer, start: number, end: number, lineNo: number, brk: number, text: TextOfBytes): number {
    this.brk = brk;
    this.textOf = text;
    const count = this.opts.sep >= 0 ? this.separatedRows(b, start, end, lineNo, brk, text) : this.blankSeparatedRows(b, start, end, lineNo, brk, text);
    if (count) this.lastLine = lineNo + count - 1;
    return count;
  }

  /**
   * addRows for separated columns, the rows cut in the loop itself (what the loop needs is read
   * once per block, not per row): each row's cells up to the line's end or the last column, the
   * cells of the columns kept parsed and stored, the others stepped over. Returns the lines seen.
   */
  private separatedRows(b: Buffer, start: number, end: number, lineNo: number, brk: number, text: TextOfBytes): number {
    const n = this.n, keep = this.keep, parse = this.parse, scanner = this.scanner;
    const comma = this.opts.decimalComma, sep = this.opts.sep, mul = this.mul, div = this.div, offset = this.offset;
    const unscaled = this.unscaled, unread = this.unread, skipFields = this.opts.skipFields ?? 0;
    let bufs = this.bufs;
    let pos = start;
    let count = 0;
    while (pos < end) {
      const first = pos;
      const no = lineNo + count++;
      if (lineEndsAt(b, pos, brk)) { pos = afterBreak(b, pos, brk); continue; } // an empty line
      if (this.rows === this.cap) { this.grow(); bufs = this.bufs; }
      const row = this.rows;
      let c = 0;
      let nan = 0;
      let lineEnd = -1;
      for (let k = skipFields; k > 0 && lineEnd < 0; k--) {
        const stop = cellEnd(b, pos, sep, brk);
        if (b[stop] !== sep) lineEnd = stop;
        pos = stop + 1;
      }
      while (lineEnd < 0) {
        let stop: number;
        let x: number; // the byte the cell ends at
        if (keep[c] === 0) {
          // This cell and the others not kept that follow it: only their separators are looked for
          // (cellEnd's loop, counting the cells as it passes them).
          let k = unread[c];
          stop = pos;
          for (;; stop++) {
            x = b[stop];
            if (sep <= CR) while (x > CR) x = b[++stop];
            else while (x > CR && x !== sep) x = b[++stop];
            if (x === sep) {
              if (--k === 0) break;
              c++;
            } else if (x === brk || !(x >= 0) || (x === CR && brk === LF && b[stop + 1] === LF)) break;
          }
        } else {
          let v: number;
          if (parse[c] === P_NUMBER) {
            let raw: number;
            stop = scanner.scan(b, pos, comma);
            x = stop >= 0 ? b[stop] : -1;
            if (x === sep || x === brk || (x === CR && brk === LF && b[stop + 1] === LF)) raw = scanner.value; // the number is the cell
            else {
              stop = cellEnd(b, pos, sep, brk);
              x = b[stop];
              raw = parseNumberBytes(b, pos, stop, comma);
            }
            v = unscaled[c] === 1 ? raw + offset[c] : raw * mul[c] / div[c] + offset[c]; // x * 1 / 1 is x
          } else {
            stop = cellEnd(b, pos, sep, brk);
            x = b[stop];
            v = this.special(c, parse[c], text(b, pos, stop));
          }
          if (v !== v) nan++;
          bufs[c][row] = v;
        }
        c++;
        pos = stop + 1;
        if (x !== sep) lineEnd = stop;
        else if (c === n) break; // more fields than columns
      }
      if (lineEnd < 0) lineEnd = findLineEnd(b, pos, first, brk);
      this.finishRow(b, first, lineEnd, pos, no, row, c, nan, text);
      pos = afterBreak(b, lineEnd, brk);
    }
    return count;
  }

  /** addRows for columns separated by runs of blanks. */
  private blankSeparatedRows(b: Buffer, start: number, end: number, lineNo: number, brk: number, text: TextOfBytes): number {
    const cut = this.cut;
    let pos = start;
    let count = 0;
    while (pos < end) {
      const first = pos;
      const no = lineNo + count++;
      if (lineEndsAt(b, pos, brk)) { pos = afterBreak(b, pos, brk); continue; } // an empty line
      if (this.rows === this.cap) this.grow();
      const row = this.rows;
      this.cutBlankSeparated(b, pos, row, brk, text);
      const lineEnd = cut.lineEnd >= 0 ? cut.lineEnd : findLineEnd(b, cut.pos, first, brk);
      this.finishRow(b, first, lineEnd, cut.pos, no, row, cut.fields, cut.nan, text);
      pos = afterBreak(b, lineEnd, brk);
    }
    return count;
  }

  /** Cut the row at b[pos] into its blank-separated cells (separatedRows' cutting); the outcome is in `cut`. */
  private cutBlankSeparated(b: Buffer, pos: number, row: number, brk: number, text: TextOfBytes): void {
    const n = this.n, keep = this.keep, parse = this.parse, bufs = this.bufs, comma = this.opts.decimalComma;
    let c = 0;
    let nan = 0;
    pos = skipBlanks(b, pos, brk);
    while (c < n && !lineEndsAt(b, pos, brk)) {
      const stop = blankEnd(b, pos, brk);
      if (keep[c] === 1) {
        const code = parse[c];
        const v = code === P_NUMBER ? this.si(c, parseNumberBytes(b, pos, stop, comma)) : this.special(c, code, text(b, pos, stop));
        if (v !== v) nan++;
        bufs[c][row] = v;
      }
      c++;
      pos = skipBlanks(b, stop, brk);
    }
    this.setCut(c, nan, pos, lineEndsAt(b, pos, brk) ? pos : -1);
  }

  private setCut(fields: number, nan: number, pos: number, lineEnd: number): void {
    const cut = this.cut;
    cut.fields = fields;
    cut.nan = nan;
    cut.pos = pos;
    cut.lineEnd = lineEnd;
  }

  /** The end of a row: its problems, whether it is kept, the values past its last field. */
  private finishRow(b: Buffer, first: number, lineEnd: number, pos: number, lineNo: number, row: number, fields: number, nan: number, text: TextOfBytes): void {
    if (this.need === 0) this.need = fields;
    if (fields < this.n || nan > 0 || this.noneKept) {
      if (!this.irregular(text(b, first, lineEnd), lineNo, row, fields)) return;
    }
    if (pos < lineEnd && !onlySeparators(b, pos, lineEnd, this.opts.sep)) {
      this.extra(lineNo, fields + this.countFields(text(b, pos, lineEnd)));
    }
    this.lines.add(row, lineNo);
    this.rows = row + 1;
  }

  /** Cells already split (quoted CSV through csv-parse, spreadsheets). Numbers are taken as written. */
  addCells(cells: ArrayLike<unknown>, lineNo: number): void {
    this.fromBytes = false;
    let last = cells.length;
    while (last > 0 && (cells[last - 1] === '' || cells[last - 1] === null || cells[last - 1] === undefined)) last--;
    if (last === 0) return;
    if (this.rows === this.cap) this.grow();
    const row = this.rows;
    const n = this.n;
    const c = Math.min(cells.length, n);
    let nan = 0;
    const strings: string[] = [];
    for (let k = 0; k < c; k++) {
      if (!this.keep[k]) continue;
      const cell = cells[k];
      const code = this.parse[k];
      let v: number;
      if (typeof cell === 'number') v = code === P_NUMBER || code === P_DURATION ? this.si(k, cell) : cell;
      else if (cell instanceof Date) v = cell.getTime() / 1000;
      else {
        const s = cell === null || cell === undefined ? '' : String(cell);
        strings[k] = s;
        v = code === P_NUMBER ? this.si(k, parseNumber(s, 0, s.length, this.opts.decimalComma)) : this.special(k, code, s);
      }
      if (v !== v) nan++;
      this.bufs[k][row] = v;
    }
    const fields = Math.max(c, Math.min(last, n));
    if (this.need === 0) this.need = fields;
    if (fields < n || nan > 0 || this.noneKept) {
      const text = Array.from({ length: fields }, (_, k) => strings[k] ?? String(cells[k] ?? ''));
      if (!this.irregularCells(text, lineNo, row, fields)) return;
    }
    if (last > n) this.extra(lineNo, last);
    this.lines.add(row, lineNo);
    this.rows = row + 1;
  }

  /** Fields in the rest of a line. */
  private countFields(rest: string): number {
    const sep = this.sepStr;
    if (sep) {
      let k = 0;
      for (let i = rest.indexOf(sep); i >= 0; i = rest.indexOf(sep, i + 1)) k++;
      return k + 1;
    }
    return rest.trim().split(/\s+/).length;
  }

  private extra(lineNo: number, fields: number): void {
    if (this.extraRows === 0) { this.extraFirst = lineNo; this.extraFields = fields; }
    this.extraRows++;
  }

  private splitCells(line: string): string[] {
    let parts: string[];
    if (this.sepStr) {
      parts = line.split(this.sepStr);
      parts = parts.slice(this.opts.skipFields ?? 0);
    } else parts = line.trim().split(/\s+/);
    return parts.slice(0, this.n);
  }

  /** The slow path for a row with missing fields or NaN values. Returns whether to keep the row. */
  private irregular(line: string, lineNo: number, row: number, fields: number): boolean {
    if (isBlank(line, 0, line.length)) return false;
    return this.irregularCells(this.splitCells(line), lineNo, row, fields);
  }

  private irregularCells(cells: string[], lineNo: number, row: number, fields: number): boolean {
    const L = this.lineWord;
    if (this.need === 0) this.need = Math.min(fields, this.n);
    // Classify the NaN cells: empty, written as NaN, infinite, h:m:s in a time column, or text.
    // Cells of columns not kept are judged too (whether the row holds data does not depend on
    // which columns are read), but nothing is stored or reported for them.
    let numbers = 0;
    const junk: number[] = [];
    const empty: number[] = [];
    const nanCells: number[] = [];
    for (let c = 0; c < fields; c++) {
      const kept = this.keep[c] === 1;
      const cell = cells[c] ?? '';
      const v = kept ? this.bufs[c][row] : this.valueOf(c, cell);
      if (v === v) { numbers++; continue; }
      if (cell.trim() === '') empty.push(c);
      else if (isNanLiteral(cell)) nanCells.push(c);
      else {
        const inf = infinityLiteral(cell);
        const d = this.parse[c] === P_NUMBER && (this.specs[c].kind === 'time' || this.specs[c].kind === 'stepTime' || this.specs[c].kind === 'other')
          ? parseDuration(cell, this.opts.decimalComma) : NaN;
        if (inf !== undefined) {
          if (kept) this.bufs[c][row] = this.parse[c] === P_NUMBER ? inf * this.mul[c] : inf;
          numbers++;
        } else if (d === d) {
          if (kept) {
            // "0:01:30" in a time column (LAND TestTime, Neware 总时间): from now on read as h:m:s.
            this.parse[c] = P_DURATION;
            this.units[c] = 'h:m:s';
            this.bufs[c][row] = d;
          }
          numbers++;
        } else junk.push(c);
      }
    }
    if (numbers === 0 && nanCells.length === 0) {
      if (junk.length > 0) {
        this.problem(lineNo, `${L} ${lineNo}: not a data row ('${clip(cells.join(' '))}'); skipped`, 'warning');
      }
      return false;
    }
    if (fields < this.need) {
      this.problem(lineNo, `${L} ${lineNo}: only ${fields} of ${this.need} values, the row is cut short (file truncated?); row skipped`);
      return false;
    }
    for (let c = fields; c < this.n; c++) if (this.keep[c]) this.bufs[c][row] = NaN;
    for (const c of empty) {
      const st = this.stats[c];
      if (this.keep[c] && st.empty++ === 0) st.emptyFirst = lineNo;
    }
    for (const c of nanCells) {
      const st = this.stats[c];
      if (this.keep[c] && st.nan++ === 0) st.nanFirst = lineNo;
    }
    for (const c of junk) {
      if (!this.typed[c] || !this.keep[c]) continue; // text in a column we do not interpret (dates, step names) or do not read
      this.problem(lineNo, `${L} ${lineNo}, column ${c + 1} (${shownName(this.specs[c].name)}): '${clip(cells[c])}' is not a number`);
    }
    return true;
  }

  /**
   * A builder for the rows that follow these in a file that grew: the same columns, kept and
   * converted the same way, cells read as these were (a time column found to be h:m:s stays so),
   * the field count learnt; no rows and no problems yet.
   */
  continuation(expectedRows: number): TableBuilder {
    const next = new TableBuilder(this.specs, { ...this.opts, expectedRows, expectedFields: this.need || this.opts.expectedFields });
    next.parse.set(this.parse);
    this.units.forEach((u, c) => { next.units[c] = u; });
    next.problems.length = 0;
    next.brk = this.brk;
    next.textOf = this.textOf;
    next.lastLine = this.lastLine;
    return next;
  }

  /** Columns, trimmed to the rows read, with the summary problems. */
  finish(): Built {
    const rows = this.rows;
    const L = this.lineWord;
    const lines = this.lines;
    const lineOfRow = (r: number) => lines.lineOf(r, rows);
    const kept = this.specs.map((s, c) => ({ s, c })).filter(({ c }) => this.keep[c]);
    const columns: Column[] = kept.map(({ s, c }) => {
      const b = this.bufs[c];
      const values = this.cap > rows * 1.25 ? b.slice(0, rows) : b.subarray(0, rows);
      return { name: s.name, kind: s.kind, sourceUnit: this.units[c], values };
    });
    this.bufs = [];
    const head = this.opts.columnLine;
    if (this.extraRows > 0) {
      this.problem(this.extraFirst,
        `${L} ${this.extraFirst}: ${this.extraFields} values but ${head ? `${L} ${head}` : 'the header'} names ${this.n} columns; extra values ignored` +
        `${this.extraRows > 1 ? ` (${this.extraRows} such rows)` : ''}; the columns may be misaligned`, 'warning');
    }
    kept.forEach(({ s, c }) => {
      const st = this.stats[c];
      if (s.kind === 'other') return;
      if (st.empty) this.problem(st.emptyFirst, `column '${shownName(s.name)}': ${st.empty} empty cell${st.empty > 1 ? 's' : ''} (first at ${L} ${st.emptyFirst})`, 'warning');
      if (st.nan) this.problem(st.nanFirst, `column '${shownName(s.name)}': ${st.nan} cell${st.nan > 1 ? 's' : ''} written as NaN (first at ${L} ${st.nanFirst})`, 'warning');
    });
    columns.forEach((col, k) => {
      if (col.kind === 'time') {
        if (kept[k].s.parse === 'datetime') relativeToFirst(col.values);
        this.checkTime(col, lineOfRow);
      }
      if (col.kind !== 'other' && rows > 0 && !col.values.some((v) => v === v)) {
        this.problem(head, `column '${shownName(col.name)}' (${col.kind}) has no values`, 'warning');
      }
    });
    if (this.dropped > 0) this.problem(0, `… and ${this.dropped} more problems not listed`, 'warning');
    const problems = this.problems.slice().sort((a, b) => a.line - b.line);
    const fileColumns = kept.length < this.n ? this.specs.map((s) => ({ name: s.name, kind: s.kind })) : undefined;
    return { columns, fileColumns, rows, lineOfRow, problems, from: this };
  }

  private checkTime(col: Column, lineOf: (row: number) => number): void {
    const t = col.values;
    let back = 0;
    let first = -1;
    let prev = NaN;
    for (let i = 0; i < t.length; i++) {
      const v = t[i];
      if (v !== v) continue;
      if (v < prev) { if (back++ === 0) first = i; }
      prev = v;
    }
    if (back > 0) {
      this.problem(lineOf(first), `column '${shownName(col.name)}': time goes back at ${this.lineWord} ${lineOf(first)}` +
        `${back > 1 ? ` and ${back - 1} more times` : ''} (a step time, or files joined?)`, 'warning');
    }
  }
}

/** A factor as mul / div with one of them ±1; 1e-3 becomes 1 / 1000. */
function scale(factor: number): { mul: number; div: number } {
  const f = Math.abs(factor);
  if (f > 0 && f < 1) {
    const inv = Math.round(1 / f);
    if (Math.abs(1 / f - inv) < 1e-9 * inv && /^10*$/.test(String(inv))) return { mul: Math.sign(factor), div: inv };
  }
  return { mul: factor, div: 1 };
}

function clip(s: string): string {
  const t = s.trim();
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

/** Absolute times (s since 1970) to s since the first row. */
function relativeToFirst(v: Float64Array): void {
  let t0 = NaN;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) { t0 = v[i]; break; }
  if (t0 !== t0) return;
  for (let i = 0; i < v.length; i++) v[i] -= t0;
}

/** Sign an unsigned current by a state column (+1 charge, -1 discharge): Maccor Amps, older Neware. */
export function signCurrentByState(columns: Column[]): boolean {
  const cur = columns.find((c) => c.kind === 'current');
  const state = columns.find(isStateColumn);
  if (!cur || !state) return false;
  const I = cur.values, S = state.values;
  let last = NaN;
  let any = false;
  for (let i = 0; i < I.length; i++) {
    let s = S[i];
    if (s !== s) s = last; // Maccor 'S' (end of step) and unknown flags carry the previous state
    else last = s;
    if (s === -1) { I[i] = -Math.abs(I[i]); any = true; }
    else if (s === 1) I[i] = Math.abs(I[i]);
  }
  return any;
}

/** The builder each table was made by, for reading on where it stopped (readers/append.ts). */
const BUILDERS = new WeakMap<DataTable, TableBuilder>();
export function builderOf(table: DataTable): TableBuilder | undefined {
  return BUILDERS.get(table);
}

export function makeTable(file: string, format: FormatId, built: Built, meta: Record<string, string>, technique?: string): DataTable {
  const table: DataTable = {
    file, format, technique, rows: built.rows, columns: built.columns, lineOfRow: built.lineOfRow, meta, problems: built.problems,
  };
  if (built.fileColumns) table.fileColumns = built.fileColumns;
  if (built.from) BUILDERS.set(table, built.from);
  return table;
}

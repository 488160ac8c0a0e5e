// Rows into typed columns: every reader hands its data lines (or cells) to a TableBuilder, which
// stores SI values in growable Float64Arrays, remembers each row's file line, and records
// per-row problems (short rows, text where a number belongs, empty and NaN cells).
import { CellParse, ColumnSpec } from './columns';
import { shownName } from './messages';
import { infinityLiteral, isBlank, isNanLiteral, parseDateTime, parseDuration, parseNumber } from './text';
import { Column, DataProblem, DataTable, FormatId } from './types';

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

export class TableBuilder {
  rows = 0;
  readonly specs: ColumnSpec[];
  private readonly n: number;
  private cap: number;
  private bufs: Float64Array[];
  private lines: Int32Array;
  // SI = raw · mul / div + offset: decimal prefixes divide by an integer power of ten, so 3655 mV
  // gives exactly 3.655 V (one rounding), as the number would read written in volts.
  private readonly mul: Float64Array;
  private readonly div: Float64Array;
  private readonly offset: Float64Array;
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

  constructor(specs: ColumnSpec[], readonly opts: BuilderOptions) {
    this.specs = specs;
    this.n = specs.length;
    this.cap = Math.max(16, Math.min(opts.expectedRows ?? 1024, 1 << 26));
    this.bufs = specs.map(() => new Float64Array(this.cap));
    this.lines = new Int32Array(this.cap);
    this.mul = Float64Array.from(specs, (s) => scale(s.factor).mul);
    this.div = Float64Array.from(specs, (s) => scale(s.factor).div);
    this.offset = Float64Array.from(specs, (s) => s.offset);
    this.units = specs.map((s) => s.sourceUnit);
    this.parse = Uint8Array.from(specs, (s) => PARSE_CODE[s.parse]);
    this.typed = Uint8Array.from(specs, (s) => (s.kind === 'other' ? 0 : 1));
    this.sepStr = opts.sep >= 0 ? String.fromCharCode(opts.sep) : '';
    this.need = Math.min(opts.expectedFields ?? 0, this.n);
    this.stats = specs.map(() => ({ empty: 0, emptyFirst: 0, nan: 0, nanFirst: 0 }));
    this.lineWord = opts.lineWord ?? 'line';
    for (const s of specs) {
      if (s.assumedUnit) {
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
      const nb = new Float64Array(cap);
      nb.set(b);
      return nb;
    });
    const nl = new Int32Array(cap);
    nl.set(this.lines);
    this.lines = nl;
    this.cap = cap;
  }

  private si(c: number, raw: number): number {
    return raw * this.mul[c] / this.div[c] + this.offset[c];
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

  /** One data line: cut at the separator, parse, convert, store. The hot path of every text reader. */
  addLine(line: string, lineNo: number): void {
    const len = line.length;
    if (len === 0) return;
    if (this.rows === this.cap) this.grow();
    const row = this.rows;
    const n = this.n, bufs = this.bufs, mul = this.mul, div = this.div, offset = this.offset, parse = this.parse;
    const comma = this.opts.decimalComma;
    const sep = this.sepStr;
    let pos = 0;
    let c = 0;
    let nan = 0;
    if (sep) {
      for (let k = this.opts.skipFields ?? 0; k > 0; k--) {
        const idx = line.indexOf(sep, pos);
        if (idx < 0) { pos = len + 1; break; }
        pos = idx + 1;
      }
      while (c < n && pos <= len) {
        let end = line.indexOf(sep, pos);
        if (end < 0) end = len;
        const code = parse[c];
        const v = code === P_NUMBER ? parseNumber(line, pos, end, comma) * mul[c] / div[c] + offset[c] : this.special(c, code, line.slice(pos, end));
        if (v !== v) nan++;
        bufs[c][row] = v;
        c++;
        pos = end + 1;
      }
    } else {
      while (pos < len && isWs(line.charCodeAt(pos))) pos++;
      while (c < n && pos < len) {
        let end = pos;
        while (end < len && !isWs(line.charCodeAt(end))) end++;
        const code = parse[c];
        const v = code === P_NUMBER ? parseNumber(line, pos, end, comma) * mul[c] / div[c] + offset[c] : this.special(c, code, line.slice(pos, end));
        if (v !== v) nan++;
        bufs[c][row] = v;
        c++;
        pos = end;
        while (pos < len && isWs(line.charCodeAt(pos))) pos++;
      }
    }
    if (this.need === 0) this.need = c;
    if (c < n || nan > 0) {
      if (!this.irregular(line, lineNo, row, c)) return;
    }
    if (pos < len && !onlySeparators(line, pos, len, this.opts.sep)) {
      this.extra(lineNo, c + this.countFields(line, pos));
    }
    this.lines[row] = lineNo;
    this.rows = row + 1;
  }

  /** Cells already split (quoted CSV through csv-parse, spreadsheets). Numbers are taken as written. */
  addCells(cells: ArrayLike<unknown>, lineNo: number): void {
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
    if (fields < n || nan > 0) {
      const text = Array.from({ length: fields }, (_, k) => strings[k] ?? String(cells[k] ?? ''));
      if (!this.irregularCells(text, lineNo, row, fields)) return;
    }
    if (last > n) this.extra(lineNo, last);
    this.lines[row] = lineNo;
    this.rows = row + 1;
  }

  private countFields(line: string, from: number): number {
    let k = 0;
    const sep = this.sepStr;
    if (sep) {
      for (let i = line.indexOf(sep, from); i >= 0; i = line.indexOf(sep, i + 1)) k++;
      return from <= line.length ? k + 1 : k;
    }
    return line.slice(from).trim().split(/\s+/).length;
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
    let numbers = 0;
    const junk: number[] = [];
    const empty: number[] = [];
    const nanCells: number[] = [];
    for (let c = 0; c < fields; c++) {
      const v = this.bufs[c][row];
      if (v === v) { numbers++; continue; }
      const cell = cells[c] ?? '';
      if (cell.trim() === '') empty.push(c);
      else if (isNanLiteral(cell)) nanCells.push(c);
      else {
        const inf = infinityLiteral(cell);
        const d = this.parse[c] === P_NUMBER && (this.specs[c].kind === 'time' || this.specs[c].kind === 'other')
          ? parseDuration(cell, this.opts.decimalComma) : NaN;
        if (inf !== undefined) {
          this.bufs[c][row] = this.parse[c] === P_NUMBER ? inf * this.mul[c] : inf;
          numbers++;
        } else if (d === d) {
          // "0:01:30" in a time column (LAND TestTime, Neware 总时间): from now on read as h:m:s.
          this.parse[c] = P_DURATION;
          this.units[c] = 'h:m:s';
          this.bufs[c][row] = d;
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
    for (let c = fields; c < this.n; c++) this.bufs[c][row] = NaN;
    for (const c of empty) {
      const st = this.stats[c];
      if (st.empty++ === 0) st.emptyFirst = lineNo;
    }
    for (const c of nanCells) {
      const st = this.stats[c];
      if (st.nan++ === 0) st.nanFirst = lineNo;
    }
    for (const c of junk) {
      if (!this.typed[c]) continue; // text in a column we do not interpret (dates, step names)
      this.problem(lineNo, `${L} ${lineNo}, column ${c + 1} (${shownName(this.specs[c].name)}): '${clip(cells[c])}' is not a number`);
    }
    return true;
  }

  /** Columns, trimmed to the rows read, with the summary problems. */
  finish(): { columns: Column[]; rows: number; lineOfRow: (row: number) => number; problems: DataProblem[] } {
    const rows = this.rows;
    const L = this.lineWord;
    const lines = this.cap > rows * 1.25 ? this.lines.slice(0, rows) : this.lines.subarray(0, rows);
    const columns: Column[] = this.specs.map((s, c) => {
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
    this.specs.forEach((s, c) => {
      const st = this.stats[c];
      if (s.kind === 'other') return;
      if (st.empty) this.problem(st.emptyFirst, `column '${shownName(s.name)}': ${st.empty} empty cell${st.empty > 1 ? 's' : ''} (first at ${L} ${st.emptyFirst})`, 'warning');
      if (st.nan) this.problem(st.nanFirst, `column '${shownName(s.name)}': ${st.nan} cell${st.nan > 1 ? 's' : ''} written as NaN (first at ${L} ${st.nanFirst})`, 'warning');
    });
    for (const col of columns) {
      if (col.kind === 'time') {
        const spec = this.specs[columns.indexOf(col)];
        if (spec.parse === 'datetime') relativeToFirst(col.values);
        this.checkTime(col, lines);
      }
      if (col.kind !== 'other' && rows > 0 && !col.values.some((v) => v === v)) {
        this.problem(head, `column '${shownName(col.name)}' (${col.kind}) has no values`, 'warning');
      }
    }
    if (this.dropped > 0) this.problem(0, `… and ${this.dropped} more problems not listed`, 'warning');
    const problems = this.problems.slice().sort((a, b) => a.line - b.line);
    return { columns, rows, lineOfRow: (r: number) => lines[r] ?? 0, problems };
  }

  private checkTime(col: Column, lines: Int32Array): void {
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
      this.problem(lines[first], `column '${shownName(col.name)}': time goes back at ${this.lineWord} ${lines[first]}` +
        `${back > 1 ? ` and ${back - 1} more times` : ''} (a step time, or files joined?)`, 'warning');
    }
  }
}

function onlySeparators(line: string, from: number, to: number, sep: number): boolean {
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c !== sep && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
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

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
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
  const state = columns.find((c) => c.kind === 'other' && /^(state|step[ _-]?type|step[ _-]?state|工步类型|状态)$/i.test(c.name.trim()));
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

export function makeTable(
  file: string, format: FormatId, built: ReturnType<TableBuilder['finish']>, meta: Record<string, string>, technique?: string,
): DataTable {
  return {
    file, format, technique, rows: built.rows, columns: built.columns, lineOfRow: built.lineOfRow, meta, problems: built.problems,
  };
}

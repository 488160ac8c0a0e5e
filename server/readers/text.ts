// Reading instrument text exports: the file's head (for detection), then the whole file streamed
// in chunks and cut into numbered lines, with the encoding decided from the bytes (UTF-8 when the
// bytes are valid UTF-8, else Windows-1252; UTF-16 when a BOM or the NUL pattern says so).
// The tables' data lines are streamed as bytes instead (byteLines.ts); numbers are in numbers.ts.
import * as fs from 'fs';
import { isUtf8 } from 'buffer';
import { TextDecoder } from 'util';
import { instrumentMagic, isNdaxHead } from './magic';
import { DataError, ReadOptions } from './types';

/** Files of this size or more are refused: no instrument export is that big, and Node strings cannot hold it. */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** A data line is a row of numbers, a few kB at most; a line this long is not a table (or not text). */
export const MAX_LINE_CHARS = 1 << 20;
/** Bytes read for detection and planning (header block plus the first data rows). */
export const HEAD_BYTES = 256 * 1024;
/** Bytes read at a time when streaming. */
export const CHUNK_BYTES = 1 << 20;
const SNIFF_BYTES = 8192;

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface FileHead {
  file: string;
  size: number;
  /**
   * What the bytes are: text, a zip container (xlsx, Neware .ndax), an OLE2 compound file (xls),
   * or an instrument's own binary file found by its magic bytes: EC-Lab .mpr, a Microsoft Access
   * (Jet) database (Arbin .res), Neware .nda.
   */
  container: 'text' | 'zip' | 'cfb' | 'mpr' | 'jet' | 'nda' | 'ndax';
  encoding: Encoding;
  /** Bytes of the byte-order mark, skipped when streaming. */
  bom: number;
  /** The decoded head, cut after its last complete line unless the whole file is in it. */
  text: string;
  /** True when `text` holds the whole file. */
  complete: boolean;
}

/** A size for messages: binary units, and the exact byte count when the rounded figures would look equal. */
function size(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = bytes, k = 0;
  while (v >= 1024 && k < units.length - 1) { v /= 1024; k++; }
  return k === 0 ? `${bytes} bytes` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[k]} (${bytes.toLocaleString('en')} bytes)`;
}

/** fs errors become DataErrors: a file that cannot be read is a fatal problem of that file. */
export function ioError(file: string, e: unknown): DataError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error)?.message ?? e);
  return new DataError(file, 0, `cannot read the file: ${why}`);
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) signal.throwIfAborted();
}

/** Stat the file and enforce the size limit. */
export async function statFile(file: string, options: ReadOptions = {}): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw ioError(file, e);
  }
  if (st.isDirectory()) throw new DataError(file, 0, 'cannot read the file: is a directory');
  const limit = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (st.size >= limit) throw new DataError(file, 0, `file too large: ${size(st.size)}; files must be smaller than ${size(limit)}`);
  if (st.size === 0) throw new DataError(file, 0, 'empty file');
  return st.size;
}

/** The whole file as bytes (for spreadsheets, which cannot be streamed). */
export async function readAllBytes(file: string, options: ReadOptions = {}): Promise<Buffer> {
  await statFile(file, options);
  checkAborted(options.signal);
  try {
    return await fs.promises.readFile(file, { signal: options.signal });
  } catch (e) {
    checkAborted(options.signal);
    throw ioError(file, e);
  }
}

/** Which UTF-16 byte order the NUL pattern of a BOM-less head suggests, if any. */
function utf16Guess(b: Buffer): Encoding | undefined {
  const n = Math.min(b.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0, oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > 0.4 * half && evenNul < 0.05 * half) return 'utf-16le';
  if (evenNul > 0.4 * half && oddNul < 0.05 * half) return 'utf-16be';
  return undefined;
}

/** Bytes at the end of `b` that start a UTF-8 sequence not yet complete. */
export function utf8IncompleteTail(b: Buffer): number {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

// Node's TextDecoder('windows-1252') decodes 0x80-0x9F as C1 controls (plain Latin-1);
// Windows-1252 has printable characters there (€, ‘, ’, …), so those are mapped afterwards.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const HAS_C1 = /[\u0080-\u009f]/;
const C1 = /[\u0080-\u009f]/g;
const latin1Decoder = new TextDecoder('windows-1252');
export function decode1252(b: Uint8Array): string {
  const s = latin1Decoder.decode(b);
  return HAS_C1.test(s) ? s.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : s;
}

/** Decodes successive chunks; a UTF-8 file that turns out not to be UTF-8 falls back to Windows-1252. */
class ChunkDecoder {
  private pending: Buffer | undefined;
  private utf16: TextDecoder | undefined;
  /** Set when a chunk after the first was not valid UTF-8. */
  fellBack = false;
  constructor(public encoding: Encoding) {
    if (encoding === 'utf-16le' || encoding === 'utf-16be') this.utf16 = new TextDecoder(encoding);
  }
  decode(chunk: Buffer, final: boolean): string {
    if (this.utf16) return this.utf16.decode(chunk, { stream: !final });
    if (this.encoding === 'windows-1252') return decode1252(chunk);
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    const tail = final ? 0 : utf8IncompleteTail(data);
    const body = tail ? data.subarray(0, data.length - tail) : data;
    if (isUtf8(body)) {
      if (tail) this.pending = Buffer.from(data.subarray(data.length - tail));
      return body.toString('utf8');
    }
    this.encoding = 'windows-1252';
    this.fellBack = true;
    return decode1252(data);
  }
}

/** Read the head of a file: size limit, container and encoding detection, binary check. */
export async function readHead(file: string, options: ReadOptions = {}): Promise<FileHead> {
  const size = Math.min(await statFile(file, options), options.upTo ?? Infinity);
  checkAborted(options.signal);
  const len = Math.min(size, HEAD_BYTES);
  const bytes = Buffer.alloc(len);
  let got = 0;
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      while (got < len) {
        const { bytesRead } = await fh.read(bytes, got, len - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw ioError(file, e);
  }
  const b = bytes.subarray(0, got);
  const complete = got >= size;
  const base = { file, size, bom: 0, complete };
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return { ...base, container: isNdaxHead(b) ? 'ndax' : 'zip', encoding: 'utf-8', text: '' };
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1) {
    return { ...base, container: 'cfb', encoding: 'utf-8', text: '' };
  }
  const binary = instrumentMagic(b);
  if (binary) return { ...base, container: binary, encoding: 'utf-8', text: '' };
  let encoding: Encoding;
  let bom = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) { encoding = 'utf-8'; bom = 3; }
  else if (b[0] === 0xff && b[1] === 0xfe) { encoding = 'utf-16le'; bom = 2; }
  else if (b[0] === 0xfe && b[1] === 0xff) { encoding = 'utf-16be'; bom = 2; }
  else encoding = utf16Guess(b) ?? 'utf-8';
  const body = b.subarray(bom);
  if (encoding === 'utf-8') {
    checkBinary(file, body);
    const tail = complete ? 0 : utf8IncompleteTail(body);
    if (!isUtf8(body.subarray(0, body.length - tail))) encoding = 'windows-1252';
  }
  const decoder = new ChunkDecoder(encoding);
  // Not final unless the whole file is here: a character cut at the end of the head must not
  // make valid UTF-8 look invalid (the head is cut at its last line break anyway).
  let text = decoder.decode(Buffer.from(body), complete);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') checkBinaryText(file, text);
  if (!complete) {
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    text = cut >= 0 ? text.slice(0, cut + 1) : '';
  }
  return { ...base, container: 'text', encoding, bom, text };
}

const BINARY = 'binary file, not a text export';

function checkBinary(file: string, b: Uint8Array): void {
  const n = Math.min(b.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) throw new DataError(file, 0, binaryMessage(b));
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 127) control++;
  }
  if (n > 0 && control > 0.1 * n) throw new DataError(file, 0, binaryMessage(b));
}

function checkBinaryText(file: string, s: string): void {
  const n = Math.min(s.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) throw new DataError(file, 0, BINARY);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 127) control++;
  }
  if (n > 0 && control > 0.1 * n) throw new DataError(file, 0, BINARY);
}

function binaryMessage(_b: Uint8Array): string {
  return `${BINARY}, nor a binary file of a known instrument (EC-Lab .mpr, Neware .nda/.ndax, Arbin .res)`;
}


/** Line breaks in s before index `end`. */
function countBreaks(s: string, end: number, breakChar: string): number {
  if (!breakChar) return 0;
  let n = 0;
  for (let i = s.indexOf(breakChar); i >= 0 && i < end; i = s.indexOf(breakChar, i + 1)) n++;
  return n;
}

export interface LineStats {
  lines: number;
  /** The encoding used in the end (a UTF-8 guess may fall back to Windows-1252 mid-file). */
  encoding: Encoding;
  /** 1-based line from which the text was decoded as Windows-1252 after a UTF-8 start. */
  fallbackLine?: number;
}

/**
 * Stream the file and call `onLine` for each line (1-based numbers, line breaks removed).
 * Return `true` from `onLine` to stop early. Files with LF or CRLF breaks are cut at LF (a CR
 * before it is dropped); a file whose head has CR but no LF is cut at CR (classic Mac).
 */
export async function forEachLine(
  head: FileHead,
  options: ReadOptions,
  onLine: (line: string, lineNo: number) => boolean | void,
): Promise<LineStats> {
  let breakChar = head.text.includes('\n') ? '\n' : head.text.includes('\r') ? '\r' : '';
  let lineNo = 0;
  let carry = '';
  let stopped = false;
  let fallbackLine: number | undefined;
  const decoder = new ChunkDecoder(head.encoding);

  const feed = (text: string, final: boolean): void => {
    if (stopped) return;
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      const at = lineNo + 1 + countBreaks(carry, carry.length, breakChar) + countBreaks(text, nul, breakChar);
      throw new DataError(head.file, at, `binary data (a NUL byte) in line ${at}: the file is not a text export from there on`);
    }
    // A line is carried across chunks; one that never ends would be copied again with every chunk.
    if (carry.length + text.length > MAX_LINE_CHARS && (breakChar ? text.indexOf(breakChar) < 0 : true)) {
      throw new DataError(head.file, lineNo + 1, `line ${lineNo + 1} is longer than ${MAX_LINE_CHARS / 2 ** 20} MiB without a line break: not a table of numbers`);
    }
    const s = carry.length ? carry + text : text;
    carry = '';
    if (!breakChar) {
      breakChar = s.includes('\n') ? '\n' : s.includes('\r') ? '\r' : '';
      if (!breakChar && !final) { carry = s; return; }
    }
    let start = 0;
    if (breakChar) {
      const lf = breakChar === '\n';
      for (;;) {
        const idx = s.indexOf(breakChar, start);
        if (idx < 0) break;
        const end = lf && idx > start && s.charCodeAt(idx - 1) === 13 ? idx - 1 : idx;
        if (onLine(s.slice(start, end), ++lineNo) === true) { stopped = true; return; }
        start = idx + 1;
      }
    }
    if (start < s.length) {
      if (final) {
        let end = s.length;
        if (s.charCodeAt(end - 1) === 13) end--;
        if (onLine(s.slice(start, end), ++lineNo) === true) stopped = true;
      } else {
        carry = s.slice(start);
      }
    }
  };

  const stream = fs.createReadStream(head.file, { start: head.bom, end: head.size - 1, highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checkAborted(options.signal);
      const wasFallback = decoder.fellBack;
      const text = decoder.decode(chunk, false);
      if (!wasFallback && decoder.fellBack) fallbackLine = lineNo + 1;
      feed(text, false);
      if (stopped) break;
    }
    if (!stopped) feed(decoder.decode(Buffer.alloc(0), true), true);
  } catch (e) {
    if (e instanceof DataError) throw e;
    checkAborted(options.signal);
    throw ioError(head.file, e);
  } finally {
    stream.destroy();
  }
  return { lines: lineNo, encoding: decoder.encoding, fallbackLine };
}

/** The head's complete lines (a short file: all of them). */
export function headLines(head: FileHead): string[] {
  if (!head.text) return [];
  const br = head.text.includes('\n') ? /\r?\n/ : /\r/;
  const lines = head.text.split(br);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// ---- cells ----

export { parseNumber } from './numbers';

/** Whether s[start, end) holds only blanks. */
export function isBlank(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** "NaN", "nan", "-nan(ind)", "N/A", "#N/A", "null": a missing value written as text. */
export function isNanLiteral(cell: string): boolean {
  return /^\s*[-+]?(nan(\(\w*\))?|n\/a|#n\/a|null|none|na|-+)\s*$/i.test(cell);
}

/** "inf", "-Infinity", "1.#INF": returns ±Infinity, or undefined. */
export function infinityLiteral(cell: string): number | undefined {
  const m = /^\s*([-+]?)(inf|infinity|1\.#inf)\s*$/i.exec(cell);
  return m ? (m[1] === '-' ? -Infinity : Infinity) : undefined;
}

/**
 * A duration written as [d-|d.|Nd ][h:]m:s[.fff] ("0:00:10.000", "125:03:04", "1-02:03:04",
 * "2d 01:00:00"): seconds, or NaN.
 */
export function parseDuration(cell: string, decimalComma: boolean): number {
  const m = /^\s*(?:(\d+)\s*(?:d(?:ays?)?\s*|-|\.(?=\d+:\d+:)))?(\d+):(\d+)(?::(\d+(?:[.,]\d*)?))?\s*$/i.exec(cell);
  if (!m) return NaN;
  const days = m[1] ? Number(m[1]) : 0;
  let h: number, min: number, sec: number;
  if (m[4] !== undefined) {
    h = Number(m[2]); min = Number(m[3]);
    const s = m[4];
    sec = Number(decimalComma || s.includes(',') ? s.replace(',', '.') : s);
  } else {
    h = 0; min = Number(m[2]); sec = Number(m[3]);
  }
  return ((days * 24 + h) * 60 + min) * 60 + sec;
}

/**
 * A date and time ("2021-03-04 12:00:00.5", "2021/3/4 12:00", "03/04/2021 12:00:00",
 * "04.03.2021 12:00:00"; a bare number is taken as Unix seconds): seconds since 1970, or NaN.
 * Only differences are used (time since the first row), so the zone does not matter. With a
 * slash and the year last, the first number is the month unless it exceeds 12 (EC-Lab, US style).
 */
export function parseDateTime(cell: string): number {
  const s = cell.trim();
  if (!s) return NaN;
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return Number(s);
  let y: number, mo: number, d: number;
  let rest: string;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(.*))?$/.exec(s);
  if (m) {
    y = +m[1]; mo = +m[2]; d = +m[3]; rest = m[4] ?? '';
  } else if ((m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{2,4})(?:[T\s]+(.*))?$/.exec(s))) {
    const a = +m[1], b = +m[3];
    y = +m[4]; if (y < 100) y += 2000;
    if (m[2] === '.' || a > 12) { d = a; mo = b; } else { mo = a; d = b; }
    rest = m[5] ?? '';
  } else return NaN;
  let secs = 0;
  if (rest) {
    const t = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:[.,]\d+)?))?\s*(am|pm)?$/i.exec(rest.trim());
    if (!t) return NaN;
    let h = +t[1];
    if (t[4]) { const pm = t[4].toLowerCase() === 'pm'; if (h === 12) h = pm ? 12 : 0; else if (pm) h += 12; }
    secs = h * 3600 + +t[2] * 60 + (t[3] ? Number(t[3].replace(',', '.')) : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  return Date.UTC(y, mo - 1, d) / 1000 + secs;
}

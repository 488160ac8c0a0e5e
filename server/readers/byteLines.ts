// The data lines of a table as bytes, not strings: numbers and separators are ASCII in UTF-8 and
// Windows-1252 alike, so a cell is parsed where it lies (numbers.ts, table.ts) and only a line that
// needs a message, or a header line, is decoded. Whole chunks of lines go to the table at once.
// The same lines, line numbers, errors and encoding fallback as forEachLine (text.ts); UTF-16
// files are decoded there and handed over line by line.
import * as fs from 'fs';
import { isUtf8 } from 'buffer';
import { checkAborted, CHUNK_BYTES, decode1252, Encoding, FileHead, forEachLine, ioError, LineStats, MAX_LINE_CHARS, utf8IncompleteTail } from './text';
import { DataError, ReadOptions } from './types';

/** The text of b[start, end) in the file's encoding; start and end lie between characters (at separators). */
export type TextOfBytes = (b: Buffer, start: number, end: number) => string;

const utf8Text: TextOfBytes = (b, start, end) => b.toString('utf8', start, end);
const cp1252Text: TextOfBytes = (b, start, end) => decode1252(b.subarray(start, end));

/** Where the data lines go: whole blocks of them as bytes, or one line as text (UTF-16 files). */
export interface RowSink {
  addRows(b: Buffer, start: number, end: number, firstLineNo: number, brk: number, text: TextOfBytes): number;
  addLine(line: string, lineNo: number): void;
}

/** What to do with a file's lines: those before `dataFrom` as text, the rest as rows. */
export interface LineConsumer {
  /** 1-based number of the first data line. */
  dataFrom: number;
  header(line: string, lineNo: number): void;
  /** Asked for at the first data line (the header lines may be what makes it). */
  rows(): RowSink;
}

/**
 * Cuts a byte stream into numbered lines with the rules of forEachLine: the break byte from the
 * head (LF, else CR), a CR before an LF dropped, NUL bytes and endless lines refused at their
 * line, and a UTF-8 guess that fails later switches the decoding to Windows-1252 from that chunk
 * on. Header lines go out one by one, decoded; data lines in blocks of whole lines, as bytes.
 */
class ByteLineSplitter {
  lineNo = 0;
  fallbackLine: number | undefined;
  encoding: Encoding;
  text: TextOfBytes;
  private brk: number;
  private sink: RowSink | undefined;
  /** Bytes at the end of the carried line not yet checked as UTF-8 (a character the chunk cut). */
  private unchecked = 0;

  constructor(private readonly head: FileHead, private readonly consumer: LineConsumer) {
    this.encoding = head.encoding;
    this.text = head.encoding === 'utf-8' ? utf8Text : cp1252Text;
    this.brk = head.text.includes('\n') ? 10 : head.text.includes('\r') ? 13 : -1;
  }

  /**
   * The lines of b[0, end), where b[0, carry) is the unfinished line of the previous chunk.
   * Returns where the line left unfinished starts (end when none is).
   */
  feed(buf: Buffer, carry: number, end: number, final: boolean): number {
    const b = buf.subarray(0, end); // indexOf must not see the stale bytes past `end`
    this.refuseNul(b, carry);
    if (end > MAX_LINE_CHARS && (this.brk >= 0 ? b.indexOf(this.brk, carry) < 0 : true)) {
      throw new DataError(this.head.file, this.lineNo + 1, `line ${this.lineNo + 1} is longer than ${MAX_LINE_CHARS / 2 ** 20} MiB without a line break: not a table of numbers`);
    }
    this.checkUtf8(b, carry, final);
    if (this.brk < 0) {
      this.brk = b.indexOf(10) >= 0 ? 10 : b.indexOf(13) >= 0 ? 13 : -1;
      if (this.brk < 0 && !final) return 0;
    }
    let start = 0;
    if (this.brk >= 0) {
      start = this.headerLines(b, start);
      const last = b.lastIndexOf(this.brk);
      if (last >= start && this.lineNo + 1 >= this.consumer.dataFrom) {
        this.lineNo += this.rows().addRows(b, start, last + 1, this.lineNo + 1, this.brk, this.text);
        start = last + 1;
      }
    }
    if (start < end && final) {
      this.lastLine(b, start, b[end - 1] === 13 ? end - 1 : end);
      return end;
    }
    return start;
  }

  /** The header lines from `start` on, one by one; returns where the data lines (or the unfinished line) start. */
  private headerLines(b: Buffer, start: number): number {
    const lf = this.brk === 10;
    while (this.lineNo + 1 < this.consumer.dataFrom) {
      const idx = b.indexOf(this.brk, start);
      if (idx < 0) break;
      const lineEnd = lf && idx > start && b[idx - 1] === 13 ? idx - 1 : idx;
      this.consumer.header(this.text(b, start, lineEnd), ++this.lineNo);
      start = idx + 1;
    }
    return start;
  }

  /** The last line, without a line break: a header line, or a row given its break in a copy. */
  private lastLine(b: Buffer, start: number, lineEnd: number): void {
    if (this.lineNo + 1 < this.consumer.dataFrom) {
      this.consumer.header(this.text(b, start, lineEnd), ++this.lineNo);
      return;
    }
    const brk = this.brk >= 0 ? this.brk : 10;
    const row = Buffer.allocUnsafe(lineEnd - start + 1);
    b.copy(row, 0, start, lineEnd);
    row[row.length - 1] = brk;
    this.lineNo += this.rows().addRows(row, 0, row.length, this.lineNo + 1, brk, this.text);
  }

  private rows(): RowSink {
    return (this.sink ??= this.consumer.rows());
  }

  private refuseNul(b: Buffer, from: number): void {
    const nul = b.indexOf(0, from);
    if (nul < 0) return;
    let breaks = 0;
    if (this.brk >= 0) for (let i = b.indexOf(this.brk); i >= 0 && i < nul; i = b.indexOf(this.brk, i + 1)) breaks++;
    const at = this.lineNo + 1 + breaks;
    throw new DataError(this.head.file, at, `binary data (a NUL byte) in line ${at}: the file is not a text export from there on`);
  }

  /** The new bytes (and a character cut at the previous chunk's end) must be UTF-8 while the file is read as UTF-8. */
  private checkUtf8(b: Buffer, carry: number, final: boolean): void {
    if (this.encoding !== 'utf-8') return;
    const body = b.subarray(carry - this.unchecked);
    const tail = final ? 0 : utf8IncompleteTail(body);
    if (isUtf8(body.subarray(0, body.length - tail))) {
      this.unchecked = tail;
      return;
    }
    this.encoding = 'windows-1252';
    this.text = cp1252Text;
    this.fallbackLine = this.lineNo + 1;
  }
}

/** Room before each chunk for the line carried over from the chunk before (a longer one is copied). */
const CARRY_ROOM = 64 * 1024;

/**
 * Reads the file in chunks into two buffers by turns: the next chunk is read while the current
 * one is parsed. Each chunk comes with the unfinished line of the one before in front of it.
 */
class ChunkReader {
  // Sized to the file: a carry is never longer than the file, nor a chunk than what is left of it
  // (a 20 kB spectrum took 2.2 MB of buffers).
  private readonly room: number;
  private readonly bufs: Buffer[];
  private turn = 0;
  private pending: Promise<{ bytesRead: number }> | undefined;

  /** `end`: where the file counts as ending (its size, or ReadOptions.upTo). */
  constructor(private readonly fh: fs.promises.FileHandle, private at: number, private readonly end: number) {
    const left = Math.max(1, end - at);
    this.room = Math.min(CARRY_ROOM, left);
    const chunk = Math.min(CHUNK_BYTES, left);
    this.bufs = [Buffer.allocUnsafe(this.room + chunk), Buffer.allocUnsafe(this.room + chunk)];
    this.pending = fh.read(this.bufs[0], this.room, this.span(), at);
  }

  private span(): number {
    return Math.max(0, Math.min(CHUNK_BYTES, this.end - this.at));
  }

  /** The bytes of `prev` from `carryFrom` on, then the next chunk's (none at the end of the file). */
  async next(prev: Buffer | undefined, carryFrom: number): Promise<{ view: Buffer; carry: number; read: number }> {
    const { bytesRead } = await this.pending!;
    this.pending = undefined;
    const buf = this.bufs[this.turn];
    const carry = prev ? prev.length - carryFrom : 0;
    let view: Buffer;
    if (carry <= this.room) {
      if (carry) prev!.copy(buf, this.room - carry, carryFrom);
      view = buf.subarray(this.room - carry, this.room + bytesRead);
    } else {
      view = Buffer.concat([prev!.subarray(carryFrom), buf.subarray(this.room, this.room + bytesRead)]);
    }
    // The carry is copied out of the other buffer: it can take the next chunk now.
    this.at += bytesRead;
    this.turn = 1 - this.turn;
    if (bytesRead > 0) this.pending = this.fh.read(this.bufs[this.turn], this.room, this.span(), this.at);
    return { view, carry, read: bytesRead };
  }

  /** Wait for a read still running (after an error), so the file can be closed. */
  async settle(): Promise<void> {
    await this.pending?.catch(() => undefined);
  }
}

/**
 * Stream the file: its header lines to `consumer.header` as text, its data lines (from
 * `consumer.dataFrom` on) to the sink as bytes, with the lines, line numbers, errors and encoding
 * fallback of forEachLine.
 */
export async function forEachDataLine(head: FileHead, options: ReadOptions, consumer: LineConsumer): Promise<LineStats> {
  if (head.encoding === 'utf-16le' || head.encoding === 'utf-16be') {
    let sink: RowSink | undefined;
    return forEachLine(head, options, (line, no) => {
      if (no < consumer.dataFrom) consumer.header(line, no);
      else (sink ??= consumer.rows()).addLine(line, no);
    });
  }
  const lines = new ByteLineSplitter(head, consumer);
  let fh: fs.promises.FileHandle | undefined;
  let chunks: ChunkReader | undefined;
  try {
    fh = await fs.promises.open(head.file, 'r');
    chunks = new ChunkReader(fh, head.bom, head.size);
    let prev: Buffer | undefined;
    let rest = 0;
    for (;;) {
      checkAborted(options.signal);
      const { view, carry, read } = await chunks.next(prev, rest);
      rest = lines.feed(view, carry, view.length, read === 0);
      if (read === 0) break;
      prev = view;
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    checkAborted(options.signal);
    throw ioError(head.file, e);
  } finally {
    await chunks?.settle();
    await fh?.close();
  }
  return { lines: lines.lineNo, encoding: lines.encoding, fallbackLine: lines.fallbackLine };
}

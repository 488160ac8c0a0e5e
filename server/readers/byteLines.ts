// The data lines of a table as bytes, not strings: numbers and separators are ASCII in UTF-8 and
// Windows-1252 alike, so a cell is parsed where it lies (numbers.ts) and only a line that needs a
// message, or a header line, is decoded. The same lines, line numbers, errors and encoding
// fallback as forEachLine (text.ts). UTF-16 files are decoded there and handed over one byte per
// character.
import * as fs from 'fs';
import { isUtf8 } from 'buffer';
import { checkAborted, CHUNK_BYTES, decode1252, Encoding, FileHead, forEachLine, ioError, LineStats, MAX_LINE_CHARS, utf8IncompleteTail } from './text';
import { DataError, ReadOptions } from './types';

/** The text of b[start, end) in the file's encoding; start and end lie between characters (at separators). */
export type TextOfBytes = (b: Buffer, start: number, end: number) => string;

const utf8Text: TextOfBytes = (b, start, end) => b.toString('utf8', start, end);
const cp1252Text: TextOfBytes = (b, start, end) => decode1252(b.subarray(start, end));

/** A data line as bytes: b[start, end) without its line break, and how to decode any part of it. */
export type OnByteLine = (b: Buffer, start: number, end: number, lineNo: number, text: TextOfBytes) => boolean | void;

let latin1Scratch = Buffer.allocUnsafe(4096);

/**
 * A string as one byte per character, so offsets stay those of the string: Latin-1, and 0xFF for
 * any character beyond it (no number or separator is). Valid until the next call.
 */
export function latin1Bytes(line: string): Buffer {
  const n = line.length;
  if (n > latin1Scratch.length) latin1Scratch = Buffer.allocUnsafe(Math.max(n, 2 * latin1Scratch.length));
  const b = latin1Scratch;
  for (let k = 0; k < n; k++) {
    const c = line.charCodeAt(k);
    b[k] = c > 255 ? 255 : c;
  }
  return b;
}

/**
 * Cuts a byte stream into numbered lines with the rules of forEachLine: the break byte from the
 * head (LF, else CR), a CR before an LF dropped, NUL bytes and endless lines refused at their
 * line, and a UTF-8 guess that fails later switches the decoding to Windows-1252 from that chunk on.
 */
class ByteLineSplitter {
  lineNo = 0;
  stopped = false;
  fallbackLine: number | undefined;
  encoding: Encoding;
  text: TextOfBytes;
  private brk: number;
  /** Bytes at the end of the carried line not yet checked as UTF-8 (a character the chunk cut). */
  private unchecked = 0;

  constructor(private readonly head: FileHead, private readonly onLine: OnByteLine) {
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
      const lf = this.brk === 10;
      for (;;) {
        const idx = b.indexOf(this.brk, start);
        if (idx < 0) break;
        const lineEnd = lf && idx > start && b[idx - 1] === 13 ? idx - 1 : idx;
        if (this.onLine(b, start, lineEnd, ++this.lineNo, this.text) === true) { this.stopped = true; return end; }
        start = idx + 1;
      }
    }
    if (start < end && final) {
      const lineEnd = b[end - 1] === 13 ? end - 1 : end;
      if (this.onLine(b, start, lineEnd, ++this.lineNo, this.text) === true) this.stopped = true;
      return end;
    }
    return start;
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
  private readonly bufs = [Buffer.allocUnsafe(CARRY_ROOM + CHUNK_BYTES), Buffer.allocUnsafe(CARRY_ROOM + CHUNK_BYTES)];
  private turn = 0;
  private pending: Promise<{ bytesRead: number }> | undefined;

  constructor(private readonly fh: fs.promises.FileHandle, private at: number) {
    this.pending = fh.read(this.bufs[0], CARRY_ROOM, CHUNK_BYTES, at);
  }

  /** The bytes of `prev` from `carryFrom` on, then the next chunk's (none at the end of the file). */
  async next(prev: Buffer | undefined, carryFrom: number): Promise<{ view: Buffer; carry: number; read: number }> {
    const { bytesRead } = await this.pending!;
    this.pending = undefined;
    const buf = this.bufs[this.turn];
    const carry = prev ? prev.length - carryFrom : 0;
    let view: Buffer;
    if (carry <= CARRY_ROOM) {
      if (carry) prev!.copy(buf, CARRY_ROOM - carry, carryFrom);
      view = buf.subarray(CARRY_ROOM - carry, CARRY_ROOM + bytesRead);
    } else {
      view = Buffer.concat([prev!.subarray(carryFrom), buf.subarray(CARRY_ROOM, CARRY_ROOM + bytesRead)]);
    }
    // The carry is copied out of the other buffer: it can take the next chunk now.
    this.at += bytesRead;
    this.turn = 1 - this.turn;
    if (bytesRead > 0) this.pending = this.fh.read(this.bufs[this.turn], CARRY_ROOM, CHUNK_BYTES, this.at);
    return { view, carry, read: bytesRead };
  }

  /** Wait for a read still running (when the lines stopped early), so the file can be closed. */
  async settle(): Promise<void> {
    await this.pending?.catch(() => undefined);
  }
}

/**
 * Stream the file and call `onLine` with each line's bytes (1-based numbers, line breaks
 * removed): the same lines, numbers and errors as forEachLine, without decoding the text.
 * The bytes are valid only during the call.
 */
export async function forEachByteLine(head: FileHead, options: ReadOptions, onLine: OnByteLine): Promise<LineStats> {
  if (head.encoding === 'utf-16le' || head.encoding === 'utf-16be') {
    return forEachLine(head, options, (line, no) => onLine(latin1Bytes(line), 0, line.length, no, (_b, start, end) => line.slice(start, end)));
  }
  const lines = new ByteLineSplitter(head, onLine);
  let fh: fs.promises.FileHandle | undefined;
  let chunks: ChunkReader | undefined;
  try {
    fh = await fs.promises.open(head.file, 'r');
    chunks = new ChunkReader(fh, head.bom);
    let prev: Buffer | undefined;
    let rest = 0;
    for (;;) {
      checkAborted(options.signal);
      const { view, carry, read } = await chunks.next(prev, rest);
      rest = lines.feed(view, carry, view.length, read === 0);
      if (read === 0 || lines.stopped) break;
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

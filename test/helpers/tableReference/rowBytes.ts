// FROZEN REFERENCE (test/tableReference.test.ts): server/readers/{table,numbers,rowBytes}.ts as
// they were before the row loop was made faster (the number scanner inlined into the row loop, runs
// of columns not kept stepped over in one loop, mantissas past 2^53 with trailing zeros kept on the
// fast path). The new loop must give the same tables, bit for bit. Do not edit; do not import
// from server code.
// Where cells and lines end in a row's bytes (TableBuilder.addRows): a line ends at its break
// byte (LF, or CR in classic-Mac files), and the CR of a CRLF belongs to no cell. Separators and
// breaks are control bytes (tab 9, LF 10, CR 13), save ',' and ';'.

export const LF = 10;
const CR = 13;

/**
 * Where the cell that starts at `pos` ends: its separator, or the line's end (`brk`, or the CR of
 * a CRLF). Separators and breaks are at or below 13, save ',' and ';': one comparison a byte for
 * tabs. Another control byte inside the cell (a lone CR) is stepped over.
 */
export function cellEnd(b: Uint8Array, pos: number, sep: number, brk: number): number {
  for (;; pos++) {
    let x = b[pos];
    if (sep <= CR) while (x > CR) x = b[++pos];
    else while (x > CR && x !== sep) x = b[++pos];
    if (x === sep || x === brk || !(x >= 0)) return pos; // past the buffer's end x is undefined
    if (x === CR && brk === LF && b[pos + 1] === LF) return pos;
  }
}

/** Whether the line ends at `pos`: its break, or the CR of a CRLF. */
export function lineEndsAt(b: Uint8Array, pos: number, brk: number): boolean {
  const x = b[pos];
  return x === brk || (x === CR && brk === LF && b[pos + 1] === LF) || !(x >= 0);
}

/** Where the next line starts, the line ending at `lineEnd`. */
export function afterBreak(b: Uint8Array, lineEnd: number, brk: number): number {
  return b[lineEnd] === brk ? lineEnd + 1 : lineEnd + 2;
}

/** The line's end from `pos` on, found by search (a row with more fields than columns). */
export function findLineEnd(b: Buffer, pos: number, first: number, brk: number): number {
  let at = b.indexOf(brk, pos);
  if (at < 0) at = b.length;
  return brk === LF && at > first && b[at - 1] === CR ? at - 1 : at;
}

/** Past the blanks at `pos` (blank-separated columns), not past the line's end. */
export function skipBlanks(b: Uint8Array, pos: number, brk: number): number {
  while (!lineEndsAt(b, pos, brk) && isWs(b[pos])) pos++;
  return pos;
}

/** The end of the blank-separated cell at `pos`. */
export function blankEnd(b: Uint8Array, pos: number, brk: number): number {
  while (!lineEndsAt(b, pos, brk) && !isWs(b[pos])) pos++;
  return pos;
}

let rowScratch = Buffer.allocUnsafe(4096);

/**
 * A text line as the bytes of one row, one byte per character so offsets stay those of the
 * string: Latin-1, 0xFF for any character beyond it and for an LF inside the line (neither can
 * belong to a number or a separator), then an LF to end it. Valid until the next call.
 */
export function lineBytes(line: string): Buffer {
  const n = line.length;
  if (n + 1 > rowScratch.length) rowScratch = Buffer.allocUnsafe(Math.max(n + 1, 2 * rowScratch.length));
  const b = rowScratch;
  for (let k = 0; k < n; k++) {
    const c = line.charCodeAt(k);
    b[k] = c > 255 || c === LF ? 255 : c;
  }
  b[n] = LF;
  return b;
}

export function onlySeparators(b: Uint8Array, from: number, to: number, sep: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c !== sep && c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

export function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

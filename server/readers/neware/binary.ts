// Little helpers over the bytes of Neware's binary files: a DataView, 64-bit integers as exact
// doubles, fixed-width GB18030 strings, byte search and calendar arithmetic without Date objects.
import { TextDecoder } from 'util';

export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const TWO32 = 4294967296;
/** Unsigned 64-bit little-endian as a double (exact below 2^53). */
export const u64 = (dv: DataView, at: number): number => dv.getUint32(at, true) + dv.getUint32(at + 4, true) * TWO32;
/** Signed 64-bit little-endian as a double (exact below 2^53). */
export const i64 = (dv: DataView, at: number): number => dv.getUint32(at, true) + dv.getInt32(at + 4, true) * TWO32;

// Neware writes its strings in the Chinese Windows code page (GB2312, a subset of GB18030).
const gb = new TextDecoder('gb18030');

/** A NUL-terminated string in a fixed-width field, or '' past the end of the bytes. */
export function cString(b: Uint8Array, at: number, width: number): string {
  if (at < 0 || at >= b.length) return '';
  const end = Math.min(b.length, at + width);
  let stop = at;
  while (stop < end && b[stop] !== 0) stop++;
  return gb.decode(b.subarray(at, stop)).replace(/[\u0000-\u001f]/g, '').trim();
}

export function decodeText(b: Uint8Array, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(b);
  } catch {
    return gb.decode(b);
  }
}

export function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** First offset of `pattern` in b[from, to), or -1 (Buffer's native search). */
export function findBytes(b: Uint8Array, pattern: Uint8Array | number[], from = 0, to = b.length): number {
  const hay = Buffer.from(b.buffer, b.byteOffset, Math.min(to, b.length));
  return hay.indexOf(Uint8Array.from(pattern), Math.max(0, from));
}

/** Last offset of `pattern` at or after `from`, or -1. */
export function findLastBytes(b: Uint8Array, pattern: Uint8Array | number[], from = 0): number {
  const start = Math.max(0, Math.min(from, b.length));
  const at = Buffer.from(b.buffer, b.byteOffset + start, b.byteLength - start).lastIndexOf(Uint8Array.from(pattern));
  return at >= 0 ? at + start : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A wall-clock date and time read as UTC, in s since 1970; NaN for an impossible date. */
export function wallClockSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/** "2020-03-25 11:16:21" (or with dots/slashes) as wall-clock seconds read as UTC, or NaN. */
export function parseWallClock(text: string): number {
  const m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})[ T](\d{1,2})[:-](\d{1,2})[:-](\d{1,2})/.exec(text.trim());
  return m ? wallClockSeconds(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/** ISO 8601 UTC text of s since 1970, to the millisecond. */
export function isoUtc(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/** "+01:00" for an offset in s, rounded to the quarter hour the world's zones use. */
export function utcOffsetText(offsetSeconds: number): string {
  const q = Math.round(offsetSeconds / 900) * 900;
  const sign = q < 0 ? '-' : '+';
  const a = Math.abs(q);
  return `UTC${sign}${String(Math.floor(a / 3600)).padStart(2, '0')}:${String(Math.floor((a % 3600) / 60)).padStart(2, '0')}`;
}

// Zip containers (Neware .ndax, xlsx workbooks): the central directory when it is intact, else the
// local headers read from the front (a file cut short loses its directory first). Parts are
// inflated with fflate; a part that is cut or damaged yields the bytes before the damage and says
// so, and a complete part is checked against its CRC-32.
import { Inflate, inflateSync } from 'fflate';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  offset: number;
}

export interface ZipListing {
  entries: ZipEntry[];
  /** How the entries were found: the central directory, or local headers after a damaged end. */
  from: 'directory' | 'local headers';
}

export interface ExtractedPart {
  bytes: Uint8Array;
  /** Why the bytes are incomplete or suspect, if they are. */
  damage?: string;
}

const EOCD = 0x06054b50, CEN = 0x02014b50, LOC = 0x04034b50, ZIP64_EOCD = 0x06064b50, ZIP64_LOCATOR = 0x07064b50;

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 4294967296;

function names(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** The end-of-central-directory record: offset, size and count of the directory, or undefined. */
function findDirectory(b: Uint8Array): { at: number; size: number; count: number } | undefined {
  const last = b.length - 22;
  for (let at = last; at >= 0 && at >= last - 65535; at--) {
    if (u32(b, at) !== EOCD) continue;
    let count = u16(b, at + 10), size = u32(b, at + 12), dir = u32(b, at + 16);
    if ((count === 0xffff || size === 0xffffffff || dir === 0xffffffff) && at >= 20 && u32(b, at - 20) === ZIP64_LOCATOR) {
      const z = u64(b, at - 12);
      if (z + 56 <= b.length && u32(b, z) === ZIP64_EOCD) {
        count = u64(b, z + 32); size = u64(b, z + 40); dir = u64(b, z + 48);
      }
    }
    if (dir + size <= at && count <= size / 46 + 1) return { at: dir, size, count };
  }
  return undefined;
}

function readDirectory(b: Uint8Array, dir: { at: number; size: number; count: number }): ZipEntry[] | undefined {
  const out: ZipEntry[] = [];
  let at = dir.at;
  for (let i = 0; i < dir.count; i++) {
    if (at + 46 > b.length || u32(b, at) !== CEN) return undefined;
    const nameLen = u16(b, at + 28), extraLen = u16(b, at + 30), commentLen = u16(b, at + 32);
    const e: ZipEntry = {
      name: names(b, at + 46, nameLen), flags: u16(b, at + 8), method: u16(b, at + 10), crc: u32(b, at + 16),
      compressedSize: u32(b, at + 20), size: u32(b, at + 24), offset: u32(b, at + 42),
    };
    // Zip64 sizes and offset, in that order, for each field that is 0xFFFFFFFF.
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen && x + 4 <= b.length;) {
      const id = u16(b, x), len = u16(b, x + 2);
      if (id === 1) {
        let p = x + 4;
        if (e.size === 0xffffffff && p + 8 <= x + 4 + len) { e.size = u64(b, p); p += 8; }
        if (e.compressedSize === 0xffffffff && p + 8 <= x + 4 + len) { e.compressedSize = u64(b, p); p += 8; }
        if (e.offset === 0xffffffff && p + 8 <= x + 4 + len) e.offset = u64(b, p);
      }
      x += 4 + len;
    }
    out.push(e);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** A local header's compressed size, from its zip64 extra field when the 32-bit field says 0xFFFFFFFF. */
function localCompressedSize(b: Uint8Array, at: number): number {
  const size = u32(b, at + 18);
  if (size !== 0xffffffff) return size;
  const nameLen = u16(b, at + 26), extraEnd = at + 30 + nameLen + u16(b, at + 28);
  for (let x = at + 30 + nameLen; x + 4 <= extraEnd && x + 4 <= b.length;) {
    const id = u16(b, x), len = u16(b, x + 2);
    // Zip64 extra in a local header: uncompressed size, then compressed size.
    if (id === 1 && len >= 16 && x + 20 <= b.length) return u64(b, x + 12);
    x += 4 + len;
  }
  return size;
}

/** Entries from the local headers, front to back, for an archive whose directory is lost. */
function readLocalHeaders(b: Uint8Array): ZipEntry[] {
  const out: ZipEntry[] = [];
  let at = 0;
  while (at + 30 <= b.length && u32(b, at) === LOC) {
    const flags = u16(b, at + 6), nameLen = u16(b, at + 26), extraLen = u16(b, at + 28);
    const e: ZipEntry = {
      name: names(b, at + 30, nameLen), flags, method: u16(b, at + 8), crc: u32(b, at + 14),
      compressedSize: localCompressedSize(b, at), size: u32(b, at + 22), offset: at,
    };
    if (e.size === 0xffffffff) e.size = -1; // in the zip64 field, and only a hint: not needed
    const data = at + 30 + nameLen + extraLen;
    if (flags & 8 || e.compressedSize === 0xffffffff) {
      // Sizes follow the data: the part runs to the next header (or the end of what is left).
      let next = data;
      while (next + 4 <= b.length && u32(b, next) !== LOC && u32(b, next) !== CEN) next++;
      e.compressedSize = next - data;
      e.size = -1;
      e.crc = -1;
      out.push(e);
      at = next;
    } else {
      out.push(e);
      at = data + e.compressedSize;
    }
  }
  return out;
}

/** Names of the parts whose local headers lie in `head` (the first bytes of a zip), front to back. */
export function leadingNames(head: Uint8Array): string[] {
  const out: string[] = [];
  let at = 0;
  while (at + 30 <= head.length && u32(head, at) === LOC && out.length < 1000) {
    const nameLen = u16(head, at + 26), extraLen = u16(head, at + 28);
    out.push(names(head, at + 30, nameLen));
    const size = localCompressedSize(head, at);
    if (u16(head, at + 6) & 8 || size === 0xffffffff) break; // sizes after the data: the next header cannot be found cheaply
    at += 30 + nameLen + extraLen + size;
  }
  return out;
}

export function listZip(b: Uint8Array): ZipListing | undefined {
  const dir = findDirectory(b);
  const entries = dir && readDirectory(b, dir);
  if (entries) return { entries, from: 'directory' };
  if (b.length >= 4 && u32(b, 0) === LOC) return { entries: readLocalHeaders(b), from: 'local headers' };
  return undefined;
}

let CRC_TABLE: Int32Array | undefined;
function crc32(b: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c;
    }
  }
  const t = CRC_TABLE;
  let c = -1;
  for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** No part is inflated beyond this: a damaged or hostile part cannot exhaust the memory. */
export const MAX_PART_BYTES = 2 ** 31;

/** Inflate what can be inflated, chunk by chunk, keeping the output before a damaged block. */
function inflatePartial(raw: Uint8Array): { bytes: Uint8Array; error?: string; complete: boolean } {
  const chunks: Uint8Array[] = [];
  let total = 0, complete = false, error: string | undefined;
  const inflater = new Inflate((chunk, final) => { chunks.push(chunk); total += chunk.length; if (final) complete = true; });
  const step = 1 << 16;
  try {
    for (let at = 0; at < raw.length && !complete; at += step) {
      inflater.push(raw.subarray(at, Math.min(raw.length, at + step)), false);
      if (total > MAX_PART_BYTES) { error = `it inflates to more than ${MAX_PART_BYTES / 2 ** 30} GiB`; break; }
    }
  } catch (e) {
    error = (e as Error)?.message ?? String(e);
  }
  if (total > MAX_PART_BYTES) {
    while (total > MAX_PART_BYTES && chunks.length) total -= chunks.pop()!.length;
  }
  const bytes = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) { bytes.set(c, p); p += c.length; }
  return { bytes, error, complete };
}

/** The uncompressed bytes of one part. */
export function extract(b: Uint8Array, e: ZipEntry): ExtractedPart {
  if (e.offset + 30 > b.length || u32(b, e.offset) !== LOC) {
    return { bytes: new Uint8Array(0), damage: `its local header at byte ${e.offset} is missing or damaged` };
  }
  const data = e.offset + 30 + u16(b, e.offset + 26) + u16(b, e.offset + 28);
  const available = Math.max(0, Math.min(e.compressedSize, b.length - data));
  const raw = b.subarray(data, data + available);
  const cut = available < e.compressedSize ? `the archive ends inside it (${available} of ${e.compressedSize} compressed bytes present)` : undefined;
  let bytes: Uint8Array;
  let damage = cut;
  if (e.method === 0) {
    bytes = raw.slice();
  } else if (e.method === 8) {
    let done: Uint8Array | undefined;
    // A plausible declared size lets fflate inflate straight into the final buffer (deflate
    // expands at most 1032-fold; a huge claim from a damaged header is not allocated up front).
    const plausible = e.size >= 0 && e.size <= MAX_PART_BYTES && e.size <= available * 1032 + 1024 && (e.size <= 64 * available || e.size <= 64 << 20);
    if (!cut) {
      try { done = inflateSync(raw, plausible ? { out: new Uint8Array(e.size) } : undefined); } catch { done = undefined; }
      if (done && plausible && done.length !== e.size) done = undefined;
    }
    if (done) bytes = done;
    else {
      const partial = inflatePartial(raw);
      bytes = partial.bytes;
      if (!damage) damage = partial.error ? `its compressed data is damaged (${partial.error}) after ${bytes.length} bytes` : partial.complete ? undefined : `its compressed data ends early, after ${bytes.length} bytes`;
      if (!damage && plausible && bytes.length !== e.size) damage = `it inflates to ${bytes.length} bytes, not the ${e.size} its header declares`;
    }
  } else {
    return { bytes: new Uint8Array(0), damage: `it uses zip compression method ${e.method}, which is not read` };
  }
  if (!damage && e.crc >= 0 && crc32(bytes) !== e.crc) damage = 'its checksum (CRC-32) does not match its content';
  return damage ? { bytes, damage } : { bytes };
}

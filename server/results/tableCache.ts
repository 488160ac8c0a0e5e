// Tables already read, kept in memory while the file's size and modification time are unchanged
// (and the spec reads it the same way: column mapping, channel, the column kinds its protocol
// reads), so an edit elsewhere in the spec does not read every file again. Bounded by the rows it
// holds; least recently used goes first. Behind it, when set, the cache on disk (diskTableCache.ts).
import * as fs from 'fs';
import { readDataFile } from '../readers';
import { DiskTableCache } from './diskTableCache';
import type { DataTable } from '../readers/types';
import type { RunJob } from './jobs';
import { kindsToRead } from './protocols/kinds';
import type { LiveTable } from '../readers/append';
import { grownTable, isLive, readLiveTable, settled } from './liveTables';

/** By file and kinds read: two protocols reading one file keep a table each, so neither evicts the other. */
const cache = new Map<string, { size: number; mtimeMs: number; mapping: string; table: DataTable; live?: LiveTable }>();
const CACHE_ROWS = 20_000_000;

/** Where tables also go on disk (the workspace storage, --cache DIR); none by default. */
let disk: DiskTableCache | undefined;
export function useDiskCache(cache: DiskTableCache | undefined): void { disk = cache; }

export async function readCached(file: string, job: RunJob, signal: AbortSignal): Promise<{ table: DataTable; bytes: number; mtimeMs: number }> {
  const { format, mapping, channel } = job;
  const kinds = kindsToRead(job.protocol.type);
  const st = fs.statSync(file);
  const id = JSON.stringify([file, kinds ? [...kinds].sort() : null]);
  const key = JSON.stringify([mapping ?? null, channel ?? null]);
  const hit = cache.get(id);
  const same = hit && hit.mapping === key && (!format || hit.table.format === format);
  if (hit && same && hit.size === st.size && hit.mtimeMs === st.mtimeMs && !settled(hit.live, st)) {
    // Keep recently used tables at the end of the map (insertion order is the eviction order).
    cache.delete(id);
    cache.set(id, hit);
    return { table: hit.table, bytes: st.size, mtimeMs: st.mtimeMs };
  }
  const shape = { format, mapping, channel, kinds };
  // A file still being written: read on from where the last read stopped (liveTables.ts).
  const grown = same && isLive(st) && st.size > hit.size ? await grownTable(hit.live) : undefined;
  let table = grown?.table ?? disk?.load(file, st, shape);
  let live = grown;
  if (!table && isLive(st)) {
    const read = await readLiveTable(file, { ...shape, signal });
    ({ table, live } = read);
    if (read.end === st.size) disk?.store(file, st, shape, table);
  }
  if (!table) {
    table = await readDataFile(file, { ...shape, signal });
    disk?.store(file, st, shape, table);
  }
  cache.delete(id);
  cache.set(id, { size: st.size, mtimeMs: st.mtimeMs, mapping: key, table, live });
  let rows = 0;
  for (const e of cache.values()) rows += e.table.rows;
  for (const [k, e] of cache) {
    if (rows <= CACHE_ROWS || k === id) break;
    rows -= e.table.rows;
    cache.delete(k);
  }
  return { table, bytes: st.size, mtimeMs: st.mtimeMs };
}

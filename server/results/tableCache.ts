// Tables already read, kept in memory while the file's size and modification time are unchanged
// (and the spec reads it the same way: column mapping, channel, the column kinds its protocol
// reads), so an edit elsewhere in the spec does not read every file again. Bounded by the rows it
// holds; least recently used goes first. Behind it, when set, the cache on disk (diskTableCache.ts).
import { createHash } from 'crypto';
import * as fs from 'fs';
import { readDataFile } from '../readers';
import { DiskTableCache } from './diskTableCache';
import type { DataTable } from '../readers/types';
import type { RunJob } from './jobs';
import { kindsToRead } from './protocols/kinds';
import type { LiveTable } from '../readers/append';
import { adoptLiveTable, grownTable, isLive, readLiveTable, settled } from './liveTables';

/** By file and kinds read: two protocols reading one file keep a table each, so neither evicts the other. */
const cache = new Map<string, { size: number; mtimeMs: number; mapping: string; table: DataTable; live?: LiveTable; growing?: boolean }>();
const CACHE_ROWS = 20_000_000;

/** Where tables also go on disk (the workspace storage, --cache DIR); none by default. */
let disk: DiskTableCache | undefined;
export function useDiskCache(cache: DiskTableCache | undefined): void { disk = cache; }

/**
 * The table of a file, and whether it was seen growing: a recently written file that grew since
 * the last read (a file merely copied or checked out recently is not taken for one still being
 * written; its first read is a whole one, its last line included). `fromSource`: read from the
 * file itself, neither the table kept in memory nor the disk cache (whose entry failed its check).
 */
export async function readCached(file: string, job: RunJob, signal: AbortSignal, fromSource = false): Promise<{ table: DataTable; bytes: number; mtimeMs: number; growing: boolean }> {
  const { format, mapping, channel } = job;
  const kinds = kindsToRead(job.protocol.type);
  const st = fs.statSync(file);
  const id = JSON.stringify([file, kinds ? [...kinds].sort() : null]);
  const key = JSON.stringify([mapping ?? null, channel ?? null]);
  const hit = cache.get(id);
  const same = hit && hit.mapping === key && (!format || hit.table.format === format);
  if (hit && same && !fromSource && hit.size === st.size && hit.mtimeMs === st.mtimeMs && !settled(hit.live, st)) {
    // Keep recently used tables at the end of the map (insertion order is the eviction order).
    cache.delete(id);
    cache.set(id, hit);
    return { table: hit.table, bytes: st.size, mtimeMs: st.mtimeMs, growing: !!hit.growing && isLive(st) };
  }
  const shape = { format, mapping, channel, kinds };
  // A file seen growing: read on from where the last read stopped (liveTables.ts); the first time
  // it grows, it is read again up to its last complete line, and from then on only what is added.
  const growing = !!(hit && same && isLive(st) && st.size > hit.size);
  const grown = growing ? await grownTable(hit!.live) : undefined;
  let table = grown?.table ?? (growing || fromSource ? undefined : disk?.load(file, st, shape));
  let live = grown;
  if (!table && growing) ({ table, live } = await readLiveTable(file, { ...shape, signal }));
  if (!table) {
    table = await readDataFile(file, { ...shape, signal });
    if (!fromSource) disk?.store(file, st, shape, table);
  }
  // A table read live may grow: its analyses keep what they need to read on (the one it grew from hands it over).
  if (live) adoptLiveTable(table, grown ? hit!.table : undefined);
  cache.delete(id);
  cache.set(id, { size: st.size, mtimeMs: st.mtimeMs, mapping: key, table, live, growing });
  let rows = 0;
  for (const e of cache.values()) rows += e.table.rows;
  for (const [k, e] of cache) {
    if (rows <= CACHE_ROWS || k === id) break;
    rows -= e.table.rows;
    cache.delete(k);
  }
  return { table, bytes: st.size, mtimeMs: st.mtimeMs, growing };
}

/**
 * An analysis of a table, kept on disk beside it when the table is in the disk cache (a study
 * reopened does not analyse its files again): `what` names the analysis and every setting it
 * depends on (the table is the rest), `version` its code; the running code's own fingerprint is
 * added, so entries written by other code are never used. A table read live is never in the
 * disk cache, so its analyses always run.
 */
export function cachedAnalysis<T>(table: DataTable, what: string, version: number, compute: () => T): T {
  if (!disk) return compute();
  const key = JSON.stringify([what, version, codeFingerprint()]);
  const found = disk.loadAnalysis(table, key) as T | undefined;
  if (found !== undefined) return found;
  const value = compute();
  disk.storeAnalysis(table, key, value);
  return value;
}

/** Set by the build (scripts/build.mjs) in every bundle: a hash of the engine's sources and locked dependencies. */
declare const CELLSPEC_ENGINE_FINGERPRINT: string | undefined;
let fingerprint: string | undefined;
/**
 * The engine's fingerprint from the build, the same in the CLI and its workers; unbundled (tests),
 * a hash of this file.
 */
function codeFingerprint(): string {
  if (fingerprint === undefined) {
    if (typeof CELLSPEC_ENGINE_FINGERPRINT === 'string') fingerprint = CELLSPEC_ENGINE_FINGERPRINT;
    else try { fingerprint = createHash('sha1').update(fs.readFileSync(__filename)).digest('hex'); } catch { fingerprint = 'unknown'; }
  }
  return fingerprint;
}

// The table cache's side for files still being written: a file seen growing (larger than at the
// last read) and modified within LIVE_WINDOW_MS is read up to its last complete line and, when it
// grows again, read on from there (readers/append.ts) instead of again from its first byte. A file
// seen for the first time is read whole. Only whole reads go to the disk cache: a grown table
// changes with every append, and one without the line in progress is not the file's table.
import type * as fs from 'fs';
import { appendLive, LiveTable, readLive } from '../readers/append';
import type { DataTable, ReadOptions } from '../readers/types';

/** A file written this recently is taken to be still growing (instruments flush every few seconds to minutes). */
export const LIVE_WINDOW_MS = 10 * 60 * 1000;

export function isLive(st: Pick<fs.Stats, 'mtimeMs'>, now = Date.now()): boolean {
  return now - st.mtimeMs <= LIVE_WINDOW_MS;
}

/**
 * A table read live whose last line was left out (no line break yet) and whose file has since
 * gone quiet: the line is the file's last row after all, so it is read again whole.
 */
export function settled(live: LiveTable | undefined, st: Pick<fs.Stats, 'size' | 'mtimeMs'>, now = Date.now()): boolean {
  return !!live && live.end < st.size && !isLive(st, now);
}

/** The grown table of a file read live before, or undefined when it must be read again whole. */
export async function grownTable(live: LiveTable | undefined): Promise<LiveTable | undefined> {
  return live ? appendLive(live) : undefined;
}

/** A first read of a live file: its complete lines, ready to be read on. */
export async function readLiveTable(file: string, options: ReadOptions): Promise<{ table: DataTable; end: number; live?: LiveTable }> {
  return readLive(file, options);
}

/**
 * What analyses keep with a table read live, to read on when it grows (the cycling analysis's
 * settled cycles and thresholds, analyses/cyclingRows.ts): by table, then by the analysis's key.
 * Only tables read live keep any; a grown table takes over its predecessor's, whose rows it starts
 * with; a table read again whole starts with none.
 */
const analysisStates = new WeakMap<DataTable, Map<string, unknown>>();

/** `table` was read live: its analyses may keep state; `grownFrom`, the table it grew from, hands its state on. */
export function adoptLiveTable(table: DataTable, grownFrom: DataTable | undefined): void {
  if (analysisStates.has(table)) return;
  const previous = grownFrom && analysisStates.get(grownFrom);
  if (grownFrom) analysisStates.delete(grownFrom);
  analysisStates.set(table, previous ?? new Map());
}

/** Whether analyses of this table should keep what they need to read on (it was read live). */
export function isLiveTable(table: DataTable): boolean {
  return analysisStates.has(table);
}

/** The state an analysis kept with this table (or the one it grew from), taken away: the analysis uses it up. */
export function takeAnalysisState<T>(table: DataTable, key: string): T | undefined {
  const states = analysisStates.get(table);
  const state = states?.get(key) as T | undefined;
  states?.delete(key);
  return state;
}

export function keepAnalysisState(table: DataTable, key: string, state: unknown): void {
  analysisStates.get(table)?.set(key, state);
}

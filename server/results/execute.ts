// Runs the data jobs: finds each run's files, reads them (through the table cache), and hands
// their columns to the handler of the run's protocol (protocols/). File readers and analyses do not
// know each other; this is the one place that connects them.
import * as path from 'path';
import { Span } from '../engine/lexer';
import { requireColumns } from '../readers';
import { ColumnKind, column, DataError } from '../readers/types';
import { findDataFiles } from './findFiles';
import { RunJob } from './jobs';
import { PROTOCOL_HANDLERS } from './protocols';
import type { Loaded, RunResult } from './runResult';
import { CacheEntryCorrupt } from './diskTableCache';
import { readCached } from './tableCache';
import { liveStatuses } from './liveStatus';

export type { DataIssue, FileSummary, RunResult, SpectrumResult } from './runResult';

/** Any of these columns makes a file an impedance spectrum, which then needs all three. */
const IMPEDANCE: ColumnKind[] = ['frequency', 'zReal', 'zImag'];

export async function executeJobs(jobs: RunJob[], signal: AbortSignal = new AbortController().signal): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (const job of jobs) {
    if (signal.aborted) break;
    out.push(await executeJob(job, signal));
  }
  return out;
}

/** A run's result before any file is read: its names, no files, no findings. */
export function emptyResult(job: RunJob): RunResult {
  return {
    run: job.run, protocol: job.protocol.name, type: job.protocol.type, cell: job.cell.name, build: job.cell.build, anode: job.cell.anode,
    files: [], issues: [], plan: [],
  };
}

/**
 * A run's result. A table from the disk cache whose values fail their check when first used
 * (CacheEntryCorrupt: the entry is then deleted) makes the run start again with that file read
 * from its source: the result is the one the run has without a cache.
 */
export async function executeJob(job: RunJob, signal: AbortSignal): Promise<RunResult> {
  const fromSource = new Set<string>();
  for (;;) {
    try {
      return await executeOnce(job, signal, fromSource);
    } catch (e) {
      // Each file is read again at most once: a table read from its source is never a cached one.
      if (!(e instanceof CacheEntryCorrupt) || fromSource.has(e.file)) throw e;
      fromSource.add(e.file);
    }
  }
}

async function executeOnce(job: RunJob, signal: AbortSignal, fromSource: ReadonlySet<string>): Promise<RunResult> {
  const result = emptyResult(job);
  const dc: Loaded[] = [];
  const eis: Loaded[] = [];
  const written: { l: Loaded; mtimeMs: number }[] = [];
  for (const pattern of job.patterns) {
    const at: Span = { start: pattern.start, end: pattern.end };
    const found = await findDataFiles(job.baseDir, pattern.pattern, job.roots, signal);
    for (const p of found.problems) result.issues.push({ at, message: p.message, severity: p.severity });
    const files = found.files;
    for (const file of files) {
      if (signal.aborted) return result;
      const rel = path.relative(job.baseDir, file);
      try {
        const { table, bytes, mtimeMs, growing } = await readCached(file, job, signal, fromSource.has(file));
        const isEis = IMPEDANCE.some((k) => column(table, k));
        result.files.push({ path: rel, format: table.format, technique: table.technique, rows: table.rows, bytes, kind: isEis ? 'eis' : 'dc' });
        for (const prob of table.problems.slice(0, 20)) result.issues.push({ at, file: rel, line: prob.line, message: prob.message, severity: prob.severity === 'error' ? 'warning' : prob.severity });
        if (table.problems.length > 20) result.issues.push({ at, file: rel, message: `${table.problems.length - 20} more problems in this file`, severity: 'warning' });
        if (!table.rows) {
          result.issues.push({ at, file: rel, line: 0, message: 'the file has no data rows', severity: 'error' });
          continue;
        }
        // A spectrum with a column missing is an error, never zeros in its place.
        if (isEis) requireColumns(table, IMPEDANCE, 'the impedance analysis');
        const loaded: Loaded = { file: rel, abs: file, stamp: `${bytes}:${mtimeMs}`, at, table };
        (isEis ? eis : dc).push(loaded);
        if (growing) written.push({ l: loaded, mtimeMs });
      } catch (e) {
        if (e instanceof CacheEntryCorrupt) throw e;
        if (signal.aborted) return result;
        const err = e as Error;
        result.issues.push({ at, file: rel, line: e instanceof DataError ? e.line : undefined, message: e instanceof DataError ? e.message : `cannot read the file: ${err.message}`, severity: 'error' });
      }
    }
  }
  analyseRunData(job, result, dc, eis);
  const live = liveStatuses(job, result, written);
  if (live.length) result.live = live;
  return result;
}

/** The data analysis the run's protocol calls for, on the files that were read. */
function analyseRunData(job: RunJob, result: RunResult, dc: Loaded[], eis: Loaded[]) {
  const area = job.cell.area;
  if (area === undefined && dc.length) {
    result.issues.push({ at: dc[0].at, message: `the cell ${job.cell.name} has no area: currents cannot be turned into current densities`, severity: 'error' });
    return;
  }
  PROTOCOL_HANDLERS[job.protocol.type]?.({ job, result, dc, eis, area });
}

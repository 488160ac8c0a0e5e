// What the protocol handlers share: the columns a DC analysis needs, and files of the wrong kind.
import { column, columnsOfFile } from '../../readers/types';
import type { RunJob } from '../jobs';
import type { Loaded, RunResult } from '../runResult';

/** What a handler gets: the job, the result to fill, and the files read, split into DC data and spectra. */
export interface RunData { job: RunJob; result: RunResult; dc: Loaded[]; eis: Loaded[]; area: number }

export type ProtocolHandler = (d: RunData) => void;

export function need(l: Loaded, kinds: ('time' | 'voltage' | 'current')[], result: RunResult, purpose: string): { time: Float64Array; voltage: Float64Array; current: Float64Array } | undefined {
  const missing = kinds.filter((k) => !column(l.table, k));
  if (missing.length) {
    result.issues.push({ at: l.at, file: l.file, line: 0, severity: 'error',
      message: `${purpose} needs ${missing.join(', ')} columns; the file has ${columnsOfFile(l.table).map((c) => c.name).join(', ') || 'none'}` });
    return undefined;
  }
  return { time: column(l.table, 'time')!.values, voltage: column(l.table, 'voltage')!.values, current: column(l.table, 'current')!.values };
}

export function wrongKind(list: Loaded[], result: RunResult, what: string) {
  for (const l of list) result.issues.push({ at: l.at, file: l.file, line: 0, severity: 'error', message: `this is ${what === 'EIS' ? 'an EIS spectrum' : 'DC data'}; a ${result.type} run does not use it here` });
}

export function nearest(list: number[], x: number | undefined): number | undefined {
  if (x === undefined || !list.length) return undefined;
  return list.reduce((best, v) => (Math.abs(v - x) < Math.abs(best - x) ? v : best));
}

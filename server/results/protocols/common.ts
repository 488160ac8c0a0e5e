// What the protocol handlers share: the columns a DC analysis needs, and files of the wrong kind.
import { TYPICAL_NAME } from '../../readers/columns';
import { Column, column, columnsOfFile } from '../../readers/types';
import type { RunJob } from '../jobs';
import type { Loaded, RunResult } from '../runResult';

/**
 * What a handler gets: the job, the result to fill, the files read (split into DC data and
 * spectra) and the cell's area (m²), which every DC analysis needs: it is undefined only for runs
 * with spectra alone.
 */
export interface RunData { job: RunJob; result: RunResult; dc: Loaded[]; eis: Loaded[]; area?: number }

export type ProtocolHandler = (d: RunData) => void;

export function need(l: Loaded, kinds: ('time' | 'voltage' | 'current')[], result: RunResult, purpose: string): { time: Float64Array; voltage: Float64Array; current: Float64Array } | undefined {
  const cols = needColumns(l, kinds, result, purpose);
  return cols && { time: cols.time.values, voltage: cols.voltage.values, current: cols.current.values };
}

/**
 * need's columns rather than their values: a handler whose result may come from the disk cache
 * reads the values only when it computes (a cached table's values are read on first use).
 */
export function needColumns(l: Loaded, kinds: ('time' | 'voltage' | 'current')[], result: RunResult, purpose: string): { time: Column; voltage: Column; current: Column } | undefined {
  const missing = kinds.filter((k) => !column(l.table, k));
  if (missing.length) {
    result.issues.push({ at: l.at, file: l.file, line: 0, severity: 'error',
      message: `${purpose} needs ${missing.join(', ')} columns; the file has ${columnsOfFile(l.table).map((c) => c.name).join(', ') || 'none'}` });
    return undefined;
  }
  return { time: column(l.table, 'time')!, voltage: column(l.table, 'voltage')!, current: column(l.table, 'current')! };
}

export function wrongKind(list: Loaded[], result: RunResult, what: 'EIS' | 'DC') {
  for (const l of list) {
    const message = what === 'EIS' ? `this is an EIS spectrum; a ${result.type} run does not use it here` : noSpectrum(l, result.type);
    const line = what === 'DC' ? Number(l.table.meta.columnLine ?? 0) || 0 : 0;
    result.issues.push({ at: l.at, file: l.file, line, severity: 'error', message });
  }
}

/** A file without impedance columns where spectra are needed: what is missing, and what the file has. */
function noSpectrum(l: Loaded, type: string): string {
  const names = columnsOfFile(l.table).map((c) => c.name);
  const has = names.length ? `its columns are ${names.join(', ')}` : 'it has no columns';
  const unnamed = l.table.meta.columnLine === undefined ? ' (it has no column names: map them in the run\'s columns block)' : '';
  return `no impedance spectrum here: ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} run needs frequency, Re(Z) and Im(Z) columns (e.g. ${TYPICAL_NAME.frequency}, ${TYPICAL_NAME.zReal}, ${TYPICAL_NAME.zImag}), but ${has}${unnamed}`;
}

export function nearest(list: number[], x: number | undefined): number | undefined {
  if (x === undefined || !list.length) return undefined;
  return list.reduce((best, v) => (Math.abs(v - x) < Math.abs(best - x) ? v : best));
}

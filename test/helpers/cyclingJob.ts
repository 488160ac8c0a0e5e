// One cycling run of a full cell (window, a formation cycle and five more), and its results on a
// table through the cycling handler: what the tests of a cached or live cycling run compare.
import type { DataTable } from '../../server/readers/types';
import { emptyResult } from '../../server/results/execute';
import type { RunJob } from '../../server/results/jobs';
import { cyclingRun } from '../../server/results/protocols/cycling';
import type { Loaded, RunResult } from '../../server/results/runResult';

export const CYCLING_JOB = {
  run: 'cyc', baseDir: '', patterns: [], roots: [],
  protocol: { name: 'cyc', type: 'cycling', window: [3.3, 4.1], precycles: 1, cycles: 5 },
  cell: { name: 'full-1', activeMass: 8.375e-6, area: 1.131e-4 },
} as unknown as RunJob;

/** The cycling handler's result on `table` (read from `file`, as the result names it). */
export function cyclingResult(table: DataTable, file: string): RunResult {
  const result = emptyResult(CYCLING_JOB);
  const l: Loaded = { file, abs: '', stamp: '', at: { start: 0, end: 0 }, table };
  cyclingRun({ job: CYCLING_JOB, result, dc: [l], eis: [], area: CYCLING_JOB.cell.area });
  return result;
}

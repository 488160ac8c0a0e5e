// A cycling run whose file is still being written, through the table cache and the cycling
// handler: after every append (some cut mid-line) the run's results are those of a fresh read and
// a whole analysis of the same rows, while the analysis reads on from the last cycle.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compareWindow } from '../server/analyses';
import type { CyclingResume } from '../server/analyses/cycling';
import { readDataFile } from '../server/readers/index';
import type { DataTable } from '../server/readers/types';
import { adoptLiveTable, isLiveTable, keepAnalysisState, takeAnalysisState } from '../server/results/liveTables';
import { windowCheck } from '../server/results/protocols/cycling';
import type { RunResult } from '../server/results/runResult';
import { readCached } from '../server/results/tableCache';
import { kindsToRead } from '../server/results/protocols/kinds';
import { CYCLING_JOB, cyclingResult } from './helpers/cyclingJob';
import { writeMptGcpl } from './helpers/dataFiles';
import { rng } from './helpers/traces';

let tmp = '';
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-live-cycling-')); });
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

const JOB = CYCLING_JOB;
const analysed = (table: DataTable): RunResult => cyclingResult(table, 'live.mpt');

describe('live cycling: a run still being written, analysed on from its last cycle', () => {
  it('after each append (cut anywhere, mid-line too) the results equal a fresh read analysed whole', async () => {
    const source = path.join(tmp, 'source.mpt');
    writeMptGcpl(source, 9000);
    const bytes = fs.readFileSync(source);
    const file = path.join(tmp, 'live.mpt');
    const u = rng(31);
    const signal = new AbortController().signal;
    let at = Math.floor(bytes.length * 0.2);
    fs.writeFileSync(file, bytes.subarray(0, at));
    let readOn = 0, steps = 0;
    while (at < bytes.length) {
      at = Math.min(bytes.length, at + 200 + Math.floor(u() * (u() < 0.2 ? 60000 : 6000)));
      fs.appendFileSync(file, bytes.subarray(fs.statSync(file).size, at));
      const { table } = await readCached(file, JOB, signal);
      const live = analysed(table);
      // A fresh read of the same complete lines, analysed whole (not a live table).
      const fresh = path.join(tmp, 'fresh.mpt');
      const written = fs.readFileSync(file);
      fs.writeFileSync(fresh, written.subarray(0, table.rows ? written.lastIndexOf(10) + 1 : 0));
      const whole = await readDataFile(fresh, { kinds: kindsToRead('cycling') });
      assert.equal(isLiveTable(whole), false);
      const want = analysed(whole);
      assert.deepStrictEqual(live.cycling, { ...want.cycling }, `at byte ${at}`);
      assert.deepStrictEqual(live.plan, want.plan, `plan at byte ${at}`);
      if (isLiveTable(table)) {
        const kept = takeAnalysisState<CyclingResume>(table, 'cycling');
        if (kept && kept.readFrom > 0) readOn++;
        keepAnalysisState(table, 'cycling', kept);
      }
      steps++;
    }
    assert.ok(mostReadOn(readOn, steps), `${readOn} of ${steps} appends read on from the last cycle`);
  });

  it('the window check of a live table (its voltage extremes kept) warns as compareWindow over all rows does', () => {
    const u = rng(8);
    for (let trial = 0; trial < 30; trial++) {
      const n = 50 + Math.floor(u() * 400);
      const all = Float64Array.from({ length: n }, () => 3.5 + (u() - 0.5) * (trial % 3 === 0 ? 0.5 : 1.6));
      if (trial % 7 === 6) all[Math.floor(u() * n)] = NaN;
      const store = { rows: 0 } as unknown as DataTable;
      adoptLiveTable(store, undefined);
      const window: [number, number] = [3.2 + u() * 0.1, 3.8 + u() * 0.1];
      for (let rows = 1; rows <= n; rows += 1 + Math.floor(u() * 40)) {
        const v = all.subarray(0, rows);
        const got = windowCheck(store, window, v), want = compareWindow(window, v);
        assert.equal(got.ok, want.ok);
        assert.equal(got.withinPlan, want.ok ? want.withinPlan : undefined, `trial ${trial}, ${rows} rows`);
        assert.deepStrictEqual(got.warnings, want.warnings);
      }
    }
  });
});

/** Most appends must have read on (else the test would not test the resumed path). */
function mostReadOn(readOn: number, steps: number): boolean {
  return steps >= 5 && readOn >= steps / 2;
}

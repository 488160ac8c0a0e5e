// Analyses kept on disk beside a cached table: the value comes back exactly (undefined fields and
// signed zeros too), only for that table and that analysis's key, and a corrupt entry is deleted
// and never used; through the cycling handler a reopened run gives the results of a fresh one.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDataFile } from '../server/readers';
import type { DataTable } from '../server/readers/types';
import { DiskTableCache } from '../server/results/diskTableCache';
import { executeJob } from '../server/results/execute';
import type { RunJob } from '../server/results/jobs';
import { kindsToRead } from '../server/results/protocols/kinds';
import type { RunResult } from '../server/results/runResult';
import { useDiskCache } from '../server/results/tableCache';
import { makeRoots } from '../server/roots';
import { CYCLING_JOB, cyclingResult } from './helpers/cyclingJob';
import { writeMptGcpl } from './helpers/dataFiles';

const tmpDir = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cellspec-${what}-`));
const analysisEntries = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.analysis'));
const SHAPE = { kinds: kindsToRead('cycling') };

const JOB = CYCLING_JOB;
const analysed = (table: DataTable): RunResult => cyclingResult(table, 'a.mpt');

/** The table of `file` through a cache in `dir`, as a reopened study gets it (read and stored when not there yet). */
async function throughCache(dir: string, file: string): Promise<DataTable> {
  const cache = new DiskTableCache(dir, { minFileBytes: 0 });
  const st = fs.statSync(file);
  const hit = cache.load(file, st, SHAPE);
  if (hit) return hit;
  const table = await readDataFile(file, SHAPE);
  cache.store(file, st, SHAPE, table);
  return table;
}

describe('analyses kept on disk beside their table', function () {
  this.timeout(60000);
  let data = '', file = '';
  before(() => {
    data = tmpDir('analysis-data');
    file = path.join(data, 'a.mpt');
    writeMptGcpl(file, 6000);
  });
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  it('come back exactly, for that table and that key only; a corrupt entry is deleted and not used', async () => {
    const dir = tmpDir('analysis-cache');
    const table = await throughCache(dir, file);
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    const value = { ok: true, n: -0, missing: undefined, list: [1.5, NaN, { deep: 'x' }] };
    cache.storeAnalysis(table, 'k1', value);
    const reopened = await throughCache(dir, file);
    assert.notEqual(reopened, table);
    const back = cache.loadAnalysis(reopened, 'k1') as typeof value;
    assert.deepStrictEqual(back, value);
    assert.ok(Object.is(back.n, -0) && 'missing' in back);
    assert.equal(cache.loadAnalysis(reopened, 'k2'), undefined, 'another key');
    // A table this cache never saw (read directly) has no entries and keeps none.
    const direct = await readDataFile(file, SHAPE);
    assert.equal(cache.loadAnalysis(direct, 'k1'), undefined);
    cache.storeAnalysis(direct, 'k3', value);
    assert.equal(analysisEntries(dir).length, 1);
    // Corrupt: one byte flipped in the value, or the entry cut short.
    for (const damage of [(b: Buffer) => { b[Math.floor(b.length / 2)] ^= 0x40; return b; }, (b: Buffer) => b.subarray(0, b.length - 7)]) {
      cache.storeAnalysis(table, 'k1', value);
      const entry = path.join(dir, analysisEntries(dir)[0]);
      fs.writeFileSync(entry, damage(fs.readFileSync(entry)));
      assert.equal(cache.loadAnalysis(await throughCache(dir, file), 'k1'), undefined);
      assert.equal(analysisEntries(dir).length, 0, 'the corrupt entry is deleted');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('through executeJob: a reopened run reads no values; values found corrupt when needed give the no-cache result, and the entry goes', async () => {
    const job = { ...JOB, uri: 'file:///s.cellspec', header: { start: 0, end: 0 }, baseDir: data, roots: makeRoots([data], 'widen'), patterns: [{ pattern: 'a.mpt', start: 0, end: 0 }] } as unknown as RunJob;
    const signal = new AbortController().signal;
    // The tables kept in memory are by file and modification time: a new time is a fresh read (from the disk cache when it has that time's entry).
    const at = (s: number) => fs.utimesSync(file, 1_700_000_000 + s, 1_700_000_000 + s);
    at(0);
    const want = await executeJob(job, signal);
    assert.equal(want.cycling?.ok, true);
    const dir = tmpDir('analysis-cache');
    useDiskCache(new DiskTableCache(dir, { minFileBytes: 0 }));
    const arrows = () => fs.readdirSync(dir).filter((n) => n.endsWith('.arrow'));
    try {
      at(1);
      assert.deepStrictEqual(await executeJob(job, signal), want, 'filling');
      const [entry] = arrows();
      const analyses = () => analysisEntries(dir).filter((n) => n.startsWith(entry.replace('.arrow', '-')));
      assert.equal(analyses().length, 1);
      at(2);
      assert.deepStrictEqual(await executeJob(job, signal), want, 'another time, another entry');
      // Its values damaged: a reopened run whose analysis is kept never reads them, and is right.
      const p = path.join(dir, entry);
      const bytes = fs.readFileSync(p);
      bytes[Math.floor(bytes.length * 0.4)] ^= 0x20;
      fs.writeFileSync(p, bytes);
      at(1);
      assert.deepStrictEqual(await executeJob(job, signal), want, 'reopened, the analysis kept');
      assert.ok(fs.existsSync(p), 'its values were never read');
      // Without the analysis entry the values are needed: found corrupt, the entry (and its analyses) deleted, the file read again.
      for (const n of analyses()) fs.rmSync(path.join(dir, n));
      at(2);
      await executeJob(job, signal);
      at(1);
      assert.deepStrictEqual(await executeJob(job, signal), want, 'reopened, the values found corrupt');
      assert.equal(fs.existsSync(p), false, 'the corrupt entry is deleted');
      assert.deepEqual(analyses(), []);
      // Now read fresh, it is kept again on the next read from the source.
      at(3);
      assert.deepStrictEqual(await executeJob(job, signal), want, 'a new time after it');
    } finally {
      useDiskCache(undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cycling run reopened from the cache gives the results of a fresh read analysed whole, a corrupt entry too', async () => {
    const want = analysed(await readDataFile(file, SHAPE));
    const dir = tmpDir('analysis-cache');
    useDiskCache(new DiskTableCache(dir, { minFileBytes: 0 }));
    try {
      assert.deepStrictEqual(analysed(await throughCache(dir, file)), want, 'first: analysed and kept');
      assert.equal(analysisEntries(dir).length, 1);
      assert.deepStrictEqual(analysed(await throughCache(dir, file)), want, 'reopened: from the entry');
      const entry = path.join(dir, analysisEntries(dir)[0]);
      const bytes = fs.readFileSync(entry);
      bytes[100] ^= 0xff;
      fs.writeFileSync(entry, bytes);
      assert.deepStrictEqual(analysed(await throughCache(dir, file)), want, 'corrupt: analysed again');
      assert.equal(analysisEntries(dir).length, 1, 'and kept again');
    } finally {
      useDiskCache(undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

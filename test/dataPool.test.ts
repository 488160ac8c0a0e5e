// The data worker: requests for different documents do not cancel each other; a newer request for
// the same document replaces the older one.
import { strict as assert } from 'assert';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { DataWorkerPool } from '../server/results/dataPool';
import { buildJobs } from '../server/results/jobs';
import { specFolderRoots } from '../server/results/study';
import { executeJobs } from '../server/results/execute';

describe('data worker', function () {
  this.timeout(60000);
  const spec = path.resolve('examples/study.cellspec');
  const jobs = buildJobs(analyzeSpec(new Workspace(nodeFileSystem), URI.file(spec).toString())!, path.dirname(spec), specFolderRoots(spec));
  let pool: DataWorkerPool;
  beforeEach(() => { pool = new DataWorkerPool((m) => { throw new Error(m); }); });
  afterEach(() => pool.dispose());

  it('analyses two documents at once', async () => {
    const [a, b] = await Promise.all([pool.run('file:///a', jobs.slice(0, 3)), pool.run('file:///b', jobs.slice(3, 5))]);
    assert.equal(a?.length, 3);
    assert.equal(b?.length, 2);
    assert.equal(a![0].ccd?.ok, true);
  });

  it('drops the older request of the same document', async () => {
    const first = pool.run('file:///a', jobs);
    const second = pool.run('file:///a', jobs.slice(0, 1));
    assert.equal(await first, undefined);
    assert.equal((await second)?.length, 1);
  });

  it("two workers: a request's runs spread over them come back in order, as in process", async () => {
    const two = new DataWorkerPool((m) => { throw new Error(m); }, 2);
    try {
      const seen: number[] = [];
      const pooled = await two.run('file:///a', jobs, (i) => seen.push(i));
      assert.deepEqual(pooled, await executeJobs(jobs));
      assert.deepEqual([...seen].sort((x, y) => x - y), jobs.map((_, i) => i));
    } finally { two.dispose(); }
  });

  it('two workers: a newer request of the same document replaces the older one, another document goes on', async () => {
    const two = new DataWorkerPool((m) => { throw new Error(m); }, 2);
    try {
      const first = two.run('file:///a', jobs);
      const other = two.run('file:///b', jobs.slice(0, 2));
      const second = two.run('file:///a', jobs.slice(1, 3));
      assert.equal(await first, undefined);
      assert.equal((await second)?.[0].run, jobs[1].run);
      assert.equal((await other)?.length, 2);
    } finally { two.dispose(); }
  });
});

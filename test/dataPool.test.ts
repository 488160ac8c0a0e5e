// The data worker: requests for different documents do not cancel each other; a newer request for
// the same document replaces the older one.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
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

  it("order 'arrival' (the CLI's): the older request's runs all go first; 'turns' (the editor's): requests take turns", async () => {
    const orderOf = async (order: 'arrival' | 'turns') => {
      const one = new DataWorkerPool((m) => { throw new Error(m); }, 1, undefined, { order });
      try {
        const seen: string[] = [];
        await Promise.all([one.run('file:///a', jobs.slice(0, 5), (i) => seen.push(`a${i}`)), one.run('file:///b', jobs.slice(5, 8), (i) => seen.push(`b${i}`))]);
        return seen;
      } finally { one.dispose(); }
    };
    // (A worker's two runs interleave while either waits on a file: within a request, any order.)
    const arrival = await orderOf('arrival');
    assert.deepEqual(arrival.map((x) => x[0]).join(''), 'aaaaabbb', arrival.join(' '));
    const turns = await orderOf('turns');
    assert.notEqual(turns.map((x) => x[0]).join(''), 'aaaaabbb', turns.join(' '));
  });

  describe('a worker that crashes (a stand-in that exits on a run named "crash")', () => {
    const crashing = path.resolve(__dirname, 'helpers/crashingDataWorker.js');
    const crashJob = { ...jobs[0], run: 'crash-me' };

    it('blames the run that crashed its worker alone, and answers the run held beside it and the rest of the request', async () => {
      const logged: string[] = [];
      const pool = new DataWorkerPool((m) => logged.push(m), 1, undefined, { workerFile: crashing });
      try {
        // One worker holds two runs at once: the crashing one and jobs[1] beside it.
        const results = await pool.run('file:///a', [crashJob, jobs[1], jobs[2]]);
        assert.ok(results, 'the request is answered (before: it failed whole)');
        const [crashed, ...rest] = results;
        assert.equal(crashed.run, 'crash-me');
        const pattern = jobs[0].patterns[0];
        assert.deepEqual(crashed.issues.map((i) => [i.severity, i.at]), [['error', { start: pattern.start, end: pattern.end }]]);
        assert.match(crashed.issues[0].message, /^reading and analysing this run's data \(".*"\) stopped the worker that ran it \(exit code 3\), tried alone after it had crashed a worker beside another run: a file too large for memory/);
        assert.deepEqual(rest, await executeJobs(jobs.slice(1, 3)));
        assert.equal(logged.filter((m) => /data worker crashed: exit code 3/.test(m)).length, 2, logged.join('\n'));
      } finally { pool.dispose(); }
    });

    it('two workers: a crash costs one run, and every other run of the study comes back as in process', async () => {
      const pool = new DataWorkerPool(() => undefined, 2, undefined, { workerFile: crashing, order: 'arrival' });
      try {
        const mixed = [...jobs.slice(0, 3), crashJob, ...jobs.slice(3, 6)];
        const results = (await pool.run('file:///a', mixed))!;
        assert.match(results[3].issues[0]?.message ?? '', /stopped the worker that ran it \(exit code 3\)/);
        assert.deepEqual([...results.slice(0, 3), ...results.slice(4)], await executeJobs([...jobs.slice(0, 3), ...jobs.slice(3, 6)]));
      } finally { pool.dispose(); }
    });
  });

  describe('the watchdog: a reader caught in a loop on a damaged file', () => {
    // The campaign's open finding: SheetJS's .xls record parser loops on these bytes.
    const finding = JSON.parse(fs.readFileSync(path.resolve('test/fuzz-regressions/xlsx/17d73e5a6834.json'), 'utf8'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-watchdog-'));
    fs.writeFileSync(path.join(dir, 'damaged.xls'), Buffer.from(finding.value.source.raw.$bytes, 'base64'));
    const pattern = { ...jobs[0].patterns[0], pattern: 'damaged.xls' };
    const stuckJob = { ...jobs[0], baseDir: dir, roots: specFolderRoots(path.join(dir, 'plan.cellspec')), patterns: [pattern], format: undefined };
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('stops the run past its limit with an error on its data reference, and the next run is analysed by a new worker', async () => {
      const logged: string[] = [];
      const guarded = new DataWorkerPool((m) => logged.push(m), 1, undefined, { limits: { jobMs: 3000, abortGraceMs: 1000 } });
      try {
        const [stopped] = (await guarded.run('file:///a', [stuckJob]))!;
        assert.equal(stopped.run, jobs[0].run);
        assert.deepEqual(stopped.issues.map((i) => [i.severity, i.at]), [['error', { start: pattern.start, end: pattern.end }]]);
        assert.match(stopped.issues[0].message, /^reading and analysing this run's data \("damaged\.xls"\) took longer than 3 s and was stopped: a damaged file can keep a reader in a loop/);
        assert.match(logged.join('\n'), /data worker stopped: run .* took longer than 3 s/);
        const after = (await guarded.run('file:///a', jobs.slice(0, 1)))!;
        assert.equal(after[0].ccd?.ok, true, 'a new worker analyses the next run');
      } finally { guarded.dispose(); }
    });

    it('a run queued in the same worker behind a stuck one is analysed by the next worker', async () => {
      const logged: string[] = [];
      const guarded = new DataWorkerPool((m) => logged.push(m), 1, undefined, { limits: { jobMs: 3000, abortGraceMs: 1000 } });
      try {
        const [stopped, behind, later] = (await guarded.run('file:///a', [stuckJob, jobs[0], jobs[1]]))!;
        assert.match(stopped.issues[0]?.message ?? '', /took longer than 3 s and was stopped/);
        assert.deepEqual([behind, later], await executeJobs(jobs.slice(0, 2)));
        assert.equal(logged.length, 1, logged.join('\n'));
      } finally { guarded.dispose(); }
    });

    it('terminates a worker that does not stop when its run is replaced, so the newer request is answered', async () => {
      const guarded = new DataWorkerPool(() => undefined, 1, undefined, { limits: { jobMs: 600_000, abortGraceMs: 1000 } });
      try {
        const first = guarded.run('file:///a', [stuckJob]);
        await new Promise((r) => setTimeout(r, 500));
        const second = guarded.run('file:///a', jobs.slice(0, 1));
        assert.equal(await first, undefined);
        assert.equal((await second)?.[0].ccd?.ok, true);
      } finally { guarded.dispose(); }
    });
  });
});

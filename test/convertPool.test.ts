// The convert pool: each worker holds two files at once; a worker that crashes is replaced, and
// the crash is blamed on the file that caused it (its companion is tried again, each alone).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConvertResult } from '../server/convert/convertFile';
import { convertAll } from '../server/convert/pool';
import { fixture } from './helpers/references';

describe('convert pool', function () {
  this.timeout(60000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-convert-pool-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const names = ['a', 'crash', 'b', 'c', 'd', 'crash-too', 'e'];
  for (const n of names) fs.copyFileSync(fixture('exampleDataBioLogic.mpt'), path.join(dir, `${n}.mpt`));
  const jobs = names.map((n) => ({ input: path.join(dir, `${n}.mpt`), output: path.join(dir, 'out', `${n}.mpt.csv`) }));
  const opts = { parquet: false, instrumentColumns: true };

  it('fails only the files that crash their worker, converts the rest, in the order of the jobs', async () => {
    const results: ConvertResult[] = [];
    await convertAll(jobs, opts, 2, (r) => results.push(r), undefined, path.join(__dirname, 'helpers', 'crashingConvertWorker.js'));
    assert.deepEqual(results.map((r) => [path.basename(r.input, '.mpt'), r.ok]), names.map((n) => [n, !n.startsWith('crash')]));
    for (const r of results) if (!r.ok) assert.equal(r.message, 'the converter stopped: exit code 3');
    for (const n of names) assert.equal(fs.existsSync(path.join(dir, 'out', `${n}.mpt.csv`)), !n.startsWith('crash'), n);
  });

  it('gives the same results as one file at a time in this thread', async () => {
    const pooled: ConvertResult[] = [], alone: ConvertResult[] = [];
    const good = jobs.filter((j) => !j.input.includes('crash'));
    await convertAll(good, opts, 2, (r) => pooled.push(r));
    await convertAll(good, opts, 1, (r) => alone.push(r));
    assert.deepEqual(pooled, alone);
  });
});

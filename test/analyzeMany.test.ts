// `cellspec analyze` over many specs and folders at once, as a script runs it: a separate process,
// NDJSON on standard output, the runs spread over a worker pool (the same results as in process).
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Progress } from '../server/cli/progress';

const CLI = path.resolve('bin/cellspec');
const run = (args: string[], cwd = process.cwd()) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, out: r.stdout, err: r.stderr };
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const lines = (out: string): Json[] => out.trim().split('\n').map((l) => JSON.parse(l));

describe('cellspec analyze on many specs at once', function () {
  // Each test runs the CLI as a process over the example studies; a loaded machine takes seconds.
  this.timeout(240000);
  let pooled: { status: number | null; out: string; err: string };
  before(() => { pooled = run(['analyze', '--ndjson', '--jobs', '2', 'examples']); });

  it('a folder: every spec in it, one line per run and one per spec, in path order, nothing on a non-terminal stderr', () => {
    assert.equal(pooled.status, 0, pooled.err);
    assert.equal(pooled.err, '');
    const records = lines(pooled.out);
    const specs = records.filter((r) => r.record === 'spec').map((r) => r.spec);
    assert.deepEqual(specs, ['examples/materials.cellspec', 'examples/study.cellspec', 'examples/toolkit.cellspec']);
    for (const s of records.filter((r) => r.record === 'spec')) {
      assert.equal(records.filter((r) => r.record === 'run' && r.spec === s.spec).length, s.runs, s.spec);
    }
    // A spec's run lines come before its own line.
    const studyLine = records.findIndex((r) => r.record === 'spec' && r.spec === 'examples/study.cellspec');
    assert.ok(records.slice(0, studyLine).some((r) => r.spec === 'examples/study.cellspec'));
  });

  it("the runs of a spec are those of its --json document, and one worker in process gives the pool's output byte for byte", () => {
    const doc = JSON.parse(run(['analyze', '--json', 'examples/study.cellspec']).out);
    const runs = lines(pooled.out).filter((r) => r.record === 'run' && r.spec === 'examples/study.cellspec').map(({ record: _r, spec: _s, ...rest }) => rest);
    assert.ok(runs.length >= 10, `${runs.length} runs`);
    assert.deepEqual(runs, doc.runs);
    const spec = lines(pooled.out).find((r) => r.record === 'spec' && r.spec === 'examples/study.cellspec');
    assert.deepEqual(spec.diagnostics, doc.diagnostics);
    assert.deepEqual(spec.derived, doc.derived);
    const inProcess = run(['analyze', '--ndjson', '--jobs', '1', 'examples/materials.cellspec', 'examples/study.cellspec', 'examples/toolkit.cellspec']);
    assert.equal(inProcess.out, pooled.out);
  });

  it('text for several specs: a heading per spec and one count; a missing spec and a folder without specs are said, the others analysed, exit 2', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-nospec-'));
    const r = run(['analyze', 'examples/materials.cellspec', 'no-such.cellspec', empty, 'examples/toolkit.cellspec']);
    assert.equal(r.status, 2, r.err);
    assert.match(r.out, new RegExp(`^${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: error: a folder without \\.cellspec files$`, 'm'));
    assert.match(r.out, /^no-such\.cellspec: error: cannot read the file$/m);
    assert.match(r.out, /^== examples\/toolkit\.cellspec$/m);
    assert.match(r.out, /^run \S+/m);
    assert.match(r.out, /^3 specs, \d+ runs with data analysed: 0 errors, \d+ warnings$/m);
  });

  it('usage: --json is for one spec, --jobs a whole number', () => {
    const two = run(['analyze', '--json', 'examples/materials.cellspec', 'examples/toolkit.cellspec']);
    assert.equal(two.status, 2);
    assert.match(two.out, /--json prints one document for one spec; for 2 specs use --ndjson/);
    const zero = run(['analyze', '--jobs', '0', 'examples/materials.cellspec']);
    assert.equal(zero.status, 2);
    assert.match(zero.out, /--jobs 0: give a whole number of workers/);
  });
});

describe('the progress bar', () => {
  const terminal = () => {
    const written: string[] = [];
    return { written, stream: { write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream };
  };

  it('counts runs as specs add them, and leaves the line when all are done', () => {
    const t = terminal();
    const p = new Progress(0, t.stream, 'runs');
    p.grow(3);
    p.step(0);
    assert.match(t.written.at(-1)!, /^\r\x1b\[K\[#{10}\.{20}\] 1\/3 runs, \d+\.\d s$/);
    p.grow(1);
    p.step(0); p.step(0); p.step(0);
    assert.match(t.written.at(-2)!, /\[#{30}\] 4\/4 runs/);
    assert.equal(t.written.at(-1), '\r\x1b[K');
  });

  it('draws nothing for a single item, nor without a terminal', () => {
    const t = terminal();
    const one = new Progress(1, t.stream, 'runs');
    one.step(0);
    assert.deepEqual(t.written, []);
    new Progress(5, undefined).step(10);
  });
});

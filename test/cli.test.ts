// The command line, run as a user runs it: a separate process on files on disk.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CLI = path.resolve('bin/cellspec');

function run(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('cellspec check', function () {
  // Each test runs the CLI as a process; on a loaded machine one check of the study takes seconds.
  this.timeout(120000);
  it('passes the example study with warnings only (exit 0)', () => {
    const r = run(['check', 'examples/study.cellspec', 'examples/materials.cellspec']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /2 files checked: 0 errors, \d+ warnings/);
    assert.match(r.out, /^examples\/study\.cellspec:\d+:1: warning above-ccd: /m);
  });

  it('prints file:line:col: severity code: message and exits 1 on errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-cli-'));
    fs.writeFileSync(path.join(dir, 'bad.cellspec'), 'material Li {\n  role metal\n  density 0.534 g/cm³\n  molar-mass 6.941 mm\n}\n');
    const r = run(['check', 'bad.cellspec'], dir);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /^bad\.cellspec:4:14: error wrong-dimension: wrong dimension: the molar-mass is a molar mass \(g\/mol\), but mm is a length$/m);
    assert.match(r.out, /1 file checked: 1 error, 0 warnings/);
  });

  it('exits 2 on a missing file and on bad usage', () => {
    assert.equal(run(['check', 'no-such-file.cellspec']).status, 2);
    assert.equal(run(['frobnicate']).status, 2);
    const typo = run(['check', '--jsn', 'examples/study.cellspec']);
    assert.equal(typo.status, 2);
    assert.match(typo.out, /unknown option --jsn/);
  });

  it('prints valid JSON with --json, unreadable files included', () => {
    const r = run(['check', '--json', 'examples/study.cellspec', 'no-such-file.cellspec']);
    assert.equal(r.status, 2);
    const items = JSON.parse(r.out) as { file: string; code: string; line?: number }[];
    assert.ok(items.some((i) => i.file === 'no-such-file.cellspec' && i.code === 'unreadable'));
    assert.ok(items.some((i) => i.file === 'examples/study.cellspec' && i.code === 'above-ccd' && typeof i.line === 'number'));
  });

  it('writes nothing to the user\'s files', () => {
    const before = fs.readFileSync('examples/study.cellspec', 'utf8');
    run(['check', 'examples/study.cellspec']);
    assert.equal(fs.readFileSync('examples/study.cellspec', 'utf8'), before);
  });
});

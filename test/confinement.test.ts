// What a hostile or careless spec must never do: read files outside the folders cellspec may read
// (data paths, globs, symlinks, imports), walk the whole disk, or quote what it found there. The
// CLI is run as a process, the language server over stdio, the glob walk in process.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPathCompletions } from '../server/features/dataPaths';
import { confinedFileSystem } from '../server/nodeFileSystem';
import { findDataFiles, LIMITS } from '../server/results/findFiles';
import { makeRoots } from '../server/roots';
import { fileUri, LspClient } from './helpers/lspClient';

const CLI = path.resolve('bin/cellspec');
const SECRET = 'SECRET-TOKEN-4711';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A workspace (with a spec) beside a folder outside it that holds a secret. */
function layout(spec: string) {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-confine-')));
  const ws = path.join(top, 'workspace');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(path.join(ws, 'data'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.csv'), `time/s,Ewe/V,I/mA\n${SECRET},1,2\n`);
  fs.writeFileSync(path.join(outside, 'lib.cellspec'), 'material Secretium { role metal; density 1 g/cm³; molar-mass 1 g/mol }\n');
  fs.writeFileSync(path.join(ws, 'study.cellspec'), spec);
  return { top, ws, outside, cleanup: () => fs.rmSync(top, { recursive: true, force: true }) };
}

const RUN = (data: string) => `material Li { role metal; density 0.534 g/cm³; molar-mass 6.941 g/mol }
material LPSC { role electrolyte }
cell c symmetric { diameter 9 mm; stack Li 50 µm | LPSC 600 µm | Li 50 µm }
protocol p strip { current 0.5 mA/cm²; cutoff -0.4 V }
run p on c { data ${data} }
`;

describe('confinement: data files and imports stay inside the allowed folders', function () {
  this.timeout(60000);

  it('refuses data paths outside the spec folder, naming the path and the rule, quoting nothing', () => {
    const l = layout(RUN('"../outside/secret.csv", "/etc/passwd", "../../../../../../etc/hostname"'));
    try {
      const r = run(['check', '--json', 'study.cellspec'], l.ws);
      assert.equal(r.status, 1, r.out);
      const problems = JSON.parse(r.out) as { code: string; message: string }[];
      const outside = problems.filter((p) => p.code === 'data-error' && /outside the folders cellspec may read/.test(p.message));
      assert.equal(outside.length, 3, r.out);
      assert.ok(outside.some((p) => p.message.includes('"../outside/secret.csv"')), r.out);
      assert.ok(outside.every((p) => /pass --root DIR/.test(p.message)), r.out);
      assert.ok(!r.out.includes(SECRET) && !/root:x:0/.test(r.out), r.out);
    } finally { l.cleanup(); }
  });

  it('refuses a symlink inside the workspace that points out of it', () => {
    const l = layout(RUN('"data/link.csv", "data/*.csv"'));
    try {
      fs.symlinkSync(path.join(l.outside, 'secret.csv'), path.join(l.ws, 'data', 'link.csv'));
      const r = run(['check', 'study.cellspec'], l.ws);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /"data\/link\.csv" is outside the folders cellspec may read/);
      assert.match(r.out, /1 match of "data\/\*\.csv" leads outside the folders cellspec may read and is left out/);
      assert.ok(!r.out.includes(SECRET), r.out);
    } finally { l.cleanup(); }
  });

  it('reads outside folders the user allows with --root', () => {
    const l = layout(RUN('"../outside/secret.csv"'));
    try {
      const r = run(['check', '--root', l.outside, 'study.cellspec'], l.ws);
      assert.doesNotMatch(r.out, /outside the folders/);
      // The file is read now: its bad row is reported (with a short excerpt of a line inside the allowed roots).
      assert.match(r.out, /secret\.csv/);
    } finally { l.cleanup(); }
  });

  it('refuses imports outside the folders (absolute, file: and relative), and offers none of their names', () => {
    const spec = `import "../outside/lib.cellspec"\nimport "/proc/self/environ"\nimport "file:///etc/passwd"\ncell c symmetric { diameter 9 mm; stack Secretiu 50 µm }\n`;
    const l = layout(spec);
    try {
      const r = run(['check', '--json', '--no-data', 'study.cellspec'], l.ws);
      const problems = JSON.parse(r.out) as { code: string; message: string }[];
      assert.equal(problems.filter((p) => p.code === 'import-outside-roots').length, 3, r.out);
      assert.ok(!r.out.includes('Secretium'), `no did-you-mean from a file that was not read: ${r.out}`);
      assert.ok(!/PATH=|HOME=|root:x/.test(r.out), r.out);
    } finally { l.cleanup(); }
  });

  it('a glob over the whole disk is refused at once', () => {
    const l = layout(RUN('"/**/*"'));
    try {
      const r = run(['check', 'study.cellspec'], l.ws);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /"\/\*\*\/\*" is outside the folders cellspec may read/);
    } finally { l.cleanup(); }
  });

  it('names a folder or a FIFO given as a data file, with the reason', () => {
    const l = layout(RUN('"data", "data/pipe"'));
    try {
      spawnSync('mkfifo', [path.join(l.ws, 'data', 'pipe')]);
      const r = run(['check', 'study.cellspec'], l.ws);
      assert.match(r.out, /"data" is a folder \(give a file, or a glob such as "folder\/\*\.mpt"\), not a data file/);
      assert.match(r.out, /"data\/pipe" is a named pipe \(FIFO\), not a data file/);
    } finally { l.cleanup(); }
  });
});

describe('confinement: path completion lists only inside the allowed folders', () => {
  const complete = (l: ReturnType<typeof layout>, typed: string) => {
    const fsys = confinedFileSystem(() => makeRoots([l.ws], 'widen'));
    return dataPathCompletions(fileUri(path.join(l.ws, 'study.cellspec')), typed, 100, (u) => fsys.listDirectory!(u)).map((i) => i.label);
  };

  it('lists the workspace\'s data folder, but no folder outside it and no link that leads out', () => {
    const l = layout(RUN('"data/a.mpt"'));
    try {
      fs.writeFileSync(path.join(l.ws, 'data', 'a.mpt'), 'x');
      fs.symlinkSync(path.join(l.outside, 'secret.csv'), path.join(l.ws, 'data', 'link.csv'));
      fs.symlinkSync(l.outside, path.join(l.ws, 'data', 'out'));
      assert.deepEqual(complete(l, 'data/'), ['a.mpt']);
      assert.deepEqual(complete(l, '../outside/'), [], 'a folder outside is not listed');
      assert.deepEqual(complete(l, '../'), [], 'nor the folder above');
      assert.deepEqual(complete(l, `${l.outside}/`), [], 'nor an absolute path outside');
    } finally { l.cleanup(); }
  });
});

describe('confinement: the glob walk is bounded and can be stopped', () => {
  let top: string;
  before(() => {
    top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-walk-')));
    for (let i = 0; i < 30; i++) {
      const d = path.join(top, 'runs', `cell-${i}`);
      fs.mkdirSync(d, { recursive: true });
      for (let k = 0; k < 3; k++) fs.writeFileSync(path.join(d, `eis-${k}.mpt`), 'x');
    }
    fs.mkdirSync(path.join(top, 'elsewhere'));
    fs.writeFileSync(path.join(top, 'elsewhere', 'eis-9.mpt'), 'x');
    fs.symlinkSync(path.join(top, 'elsewhere'), path.join(top, 'runs', 'linked-folder'));
  });
  after(() => fs.rmSync(top, { recursive: true, force: true }));
  const roots = () => makeRoots([top], 'widen');

  it('finds matches in natural order, never through a symlinked folder', async () => {
    const f = await findDataFiles(top, 'runs/**/eis-*.mpt', roots());
    assert.equal(f.files.length, 90);
    assert.ok(f.files.every((x) => !x.includes('linked-folder')));
    assert.equal(path.relative(top, f.files[3]), path.join('runs', 'cell-1', 'eis-0.mpt'));
    assert.deepEqual(f.problems, []);
  });

  it('stops at the match and folder limits, and says so', async () => {
    const saved = { ...LIMITS };
    try {
      LIMITS.matches = 10;
      const m = await findDataFiles(top, 'runs/**/*.mpt', roots());
      assert.equal(m.files.length, 10);
      assert.match(m.problems[0].message, /matches more than 10 files; only the first 10 found are read/);
      LIMITS.matches = saved.matches;
      LIMITS.folders = 5;
      const d = await findDataFiles(top, 'runs/**/*.mpt', roots());
      assert.match(d.problems[0].message, /stopped after visiting 5 folders: narrow the pattern/);
      assert.ok(d.files.length < 90);
    } finally { Object.assign(LIMITS, saved); }
  });

  it('is stopped by a newer request (the abort signal)', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(findDataFiles(top, 'runs/**/*.mpt', roots(), controller.signal), (e: Error) => e.name === 'AbortError');
  });
});

describe('the CLI on a closed pipe', function () {
  this.timeout(60000);
  it('stops quietly when the reader of its output goes away (analyze --json | head -c 100)', async () => {
    const child = spawn(process.execPath, [CLI, 'analyze', '--json', 'examples/study.cellspec'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(err, '', 'no stack trace');
    assert.equal(code, 141);
  });
});

describe('the language server and trust', function () {
  this.timeout(60000);
  it('takes only the boolean true as trusted: "false" (a string) reads no data file', async () => {
    const l = layout(RUN('"data/run.csv"'));
    fs.writeFileSync(path.join(l.ws, 'data', 'run.csv'), 'not,a,table\n');
    const c = await LspClient.start({ workspaceFolder: l.ws, initializationOptions: { trusted: 'false' }, timeoutMs: 30000 });
    try {
      const uri = fileUri(path.join(l.ws, 'study.cellspec'));
      await c.open(uri, fs.readFileSync(path.join(l.ws, 'study.cellspec'), 'utf8'));
      await c.waitForCurrentDiagnostics(uri);
      // Untrusted, the session has no data to wait for: nothing pending, no data problem, ever.
      const model = await c.request<{ dataPending: boolean; problems: { message: string }[] }>('cellspec/previewModel', { uri });
      assert.equal(model.dataPending, false);
      assert.ok(!model.problems.some((p) => /run\.csv/.test(p.message)), JSON.stringify(model.problems));
    } finally {
      await c.stop();
      l.cleanup();
    }
  });
});

// V8's code cache for the CLI's bundles (server/cli/codeCache.ts): a bundle loaded through it is
// the module `require` gives, with or without a cache, a damaged or stale one included; and the
// CLI's output is the same with the cache as without it.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheVariant, codeCacheFolder, requireWithCodeCache } from '../server/cli/codeCache';

describe('code cache', function () {
  this.timeout(120000);
  let dir: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-code-cache-'));
    cacheDir = path.join(dir, 'cache');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A bundle that requires a file beside it and a built-in, as the real ones do. */
  function writeBundle(name: string, factor: number): string {
    fs.writeFileSync(path.join(dir, 'helper.js'), 'exports.offset = 3;\n');
    const file = path.join(dir, name);
    fs.writeFileSync(file, `const { offset } = require('./helper.js');\nconst path = require('path');\n` +
      `function scale(x) { let s = 0; for (let i = 0; i < 10; i++) s += x * ${factor}; return s + offset; }\n` +
      `exports.scale = scale;\nexports.base = path.basename(__filename);\nexports.self = module;\n`);
    return file;
  }

  /**
   * Load `file` through the code cache in a fresh process (V8's own in-memory cache of compiled
   * scripts would answer a second compile in this one): how the cache was used, and scale(5).
   */
  function loadInProcess(file: string, variant: string, folder: string | undefined, save = true): { cache: string; scaled: number; registered: boolean } {
    const loader = path.resolve(__dirname, '../server/cli/codeCache.js');
    const code = `const { requireWithCodeCache } = require(${JSON.stringify(loader)});
      const l = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(variant)}, ${folder === undefined ? 'undefined' : JSON.stringify(folder)});
      const registered = require.cache[${JSON.stringify(file)}] === l.exports.self && l.exports.self.loaded === true;
      ${save ? 'l.save();' : ''}
      process.stdout.write(JSON.stringify({ cache: l.cache, scaled: l.exports.scale(5), registered }));`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { cache: string; scaled: number; registered: boolean };
  }

  it('loads a bundle as require does, writes its cache once, then V8 accepts it', () => {
    const file = writeBundle('bundle.js', 2);
    assert.deepEqual(loadInProcess(file, 'analyze', cacheDir), { cache: 'absent', scaled: 103, registered: true });
    const written = fs.readdirSync(cacheDir);
    assert.equal(written.length, 1);
    assert.match(written[0], /^bundle-[0-9a-f]{12}-analyze-[0-9a-f]{12}\.bin$/);
    const mtime = fs.statSync(path.join(cacheDir, written[0])).mtimeMs;
    assert.deepEqual(loadInProcess(file, 'analyze', cacheDir), { cache: 'accepted', scaled: 103, registered: true });
    assert.equal(fs.statSync(path.join(cacheDir, written[0])).mtimeMs, mtime, 'an accepted cache is not written again');
    // In this process too, with the module's own require beside it.
    const here = requireWithCodeCache(file, 'analyze', cacheDir);
    assert.equal((here.exports as { base: string }).base, 'bundle.js');
    delete require.cache[file];
  });

  it('a damaged cache is rejected by V8, the bundle still loads, and the cache is written again', () => {
    const file = writeBundle('bundle.js', 7);
    loadInProcess(file, 'check', cacheDir);
    const [name] = fs.readdirSync(cacheDir);
    const bytes = fs.readFileSync(path.join(cacheDir, name));
    for (let i = 0; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
    fs.writeFileSync(path.join(cacheDir, name), bytes);
    assert.deepEqual(loadInProcess(file, 'check', cacheDir), { cache: 'rejected', scaled: 353, registered: true });
    assert.equal(loadInProcess(file, 'check', cacheDir).cache, 'accepted');
  });

  it('a changed bundle gets a new cache, which replaces the old one; variants keep their own', () => {
    const file = writeBundle('bundle.js', 2);
    loadInProcess(file, 'analyze', cacheDir);
    loadInProcess(file, 'check', cacheDir);
    const before = fs.readdirSync(cacheDir).sort();
    assert.equal(before.length, 2);
    writeBundle('bundle.js', 20);
    assert.deepEqual(loadInProcess(file, 'analyze', cacheDir), { cache: 'absent', scaled: 1003, registered: true }, 'the new source runs, not the cached one');
    const after = fs.readdirSync(cacheDir).sort();
    assert.equal(after.length, 2);
    assert.ok(after.includes(before.find((n) => /^bundle-\w+-check-/.test(n))!), "the other variant's cache stays");
    assert.ok(!after.includes(before.find((n) => /^bundle-\w+-analyze-/.test(n))!), 'the stale cache is gone');
  });

  it('without a folder nothing is written; an unwritable folder costs nothing but the cache', () => {
    const file = writeBundle('bundle.js', 1);
    assert.deepEqual(loadInProcess(file, 'analyze', undefined), { cache: 'none', scaled: 53, registered: true });
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    assert.deepEqual(loadInProcess(file, 'analyze', path.join(blocker, 'cache')), { cache: 'absent', scaled: 53, registered: true });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['bundle.js', 'helper.js', 'not-a-folder']);
  });

  it('a bundle that throws while loading throws, and is not left registered', () => {
    const file = path.join(dir, 'broken.js');
    fs.writeFileSync(file, 'exports.a = 1;\nthrow new Error("broken at load");\n');
    assert.throws(() => requireWithCodeCache(file, 'analyze', cacheDir), /broken at load/);
    assert.equal(require.cache[file], undefined);
  });

  it('CELLSPEC_CODE_CACHE chooses the folder or turns the cache off; variants follow the command', () => {
    assert.equal(codeCacheFolder({ CELLSPEC_CODE_CACHE: 'off' }), undefined);
    assert.equal(codeCacheFolder({ CELLSPEC_CODE_CACHE: dir }), dir);
    if (process.platform === 'linux') assert.equal(codeCacheFolder({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/cellspec/code-cache');
    assert.equal(cacheVariant(['analyze', '--json', 's.cellspec']), 'analyze');
    assert.equal(cacheVariant(['analyze', '--jobs', '1', 's.cellspec']), 'analyze-inthread');
    assert.equal(cacheVariant(['analyze', '--jobs=1', 's.cellspec']), 'analyze-inthread');
    assert.equal(cacheVariant(['analyze', '--jobs', '4', 's.cellspec']), 'analyze');
    assert.equal(cacheVariant(['--help']), 'other');
    assert.equal(cacheVariant(['../../etc']), 'other');
    assert.equal(cacheVariant([]), 'other');
  });

  it('bin/cellspec prints the same with its code cache (and the worker\'s) as without', () => {
    const cli = path.resolve('bin/cellspec');
    // One EIS run (fit, Lin-KK, DRT), as bench/start.ts times it.
    fs.copyFileSync('examples/materials.cellspec', path.join(dir, 'materials.cellspec'));
    fs.copyFileSync('examples/data/strip-half-Li-1-0p5-eis/eis-00.mpt', path.join(dir, 'eis-00.mpt'));
    const spec = path.join(dir, 'one-eis.cellspec');
    fs.writeFileSync(spec, 'import "materials.cellspec"\ncell half-Li half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm; diameter 9 mm }\n' +
      'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; points-per-decade 10; circuit "L0-R0-p(R1,CPE1)-W1" }\nrun e on half-Li { data "eis-00.mpt" }\n');
    const run = (args: string[], cache: string) => {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CELLSPEC_CODE_CACHE: cache }, maxBuffer: 256 * 1024 * 1024 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /"fit": \{\s*"ok": true/);
      return r.stdout;
    };
    for (const args of [['analyze', '--json', spec], ['analyze', '--jobs', '1', '--json', spec]]) {
      const without = run(args, 'off');
      assert.equal(run(args, cacheDir), without, 'first run, writing the cache');
      assert.equal(run(args, cacheDir), without, 'second run, from the cache');
    }
    const names = fs.readdirSync(cacheDir);
    for (const prefix of [/^cli-\w+-analyze-\w+\.bin$/, /^cli-\w+-analyze-inthread-\w+\.bin$/, /^dataWorkerMain-\w+-worker-\w+\.bin$/]) {
      assert.ok(names.some((n) => prefix.test(n)), `${prefix} cache written (${names.join(', ')})`);
    }
  });
});

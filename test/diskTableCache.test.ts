// The table cache on disk: a table comes back as the reader gave it (values, units, labels,
// problems, line numbers) from Arrow IPC views, without parsing; a changed file, another way of
// reading it or a corrupt entry is read again from the source (corrupt facts at load, corrupt values
// on their first use); the folder stays within its bound.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDataFile } from '../server/readers';
import { DataTable, ReadOptions } from '../server/readers/types';
import { CacheEntryCorrupt, DiskTableCache } from '../server/results/diskTableCache';
import { writeMptGcpl, writeText } from './helpers/dataFiles';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');
const tmpDir = (what: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cellspec-${what}-`));
const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.arrow')) : []);

/** Everything a table says, line numbers of every row included. */
function sameTable(got: DataTable, want: DataTable): void {
  assert.equal(got.file, want.file);
  assert.equal(got.format, want.format);
  assert.equal(got.technique, want.technique);
  assert.equal(got.rows, want.rows);
  assert.deepEqual(got.meta, want.meta);
  assert.deepEqual(got.problems, want.problems);
  assert.deepEqual(got.fileColumns, want.fileColumns);
  assert.deepEqual(got.columns.map(({ values: _v, ...c }) => c), want.columns.map(({ values: _v, ...c }) => c));
  got.columns.forEach((c, i) => assert.deepEqual(c.values, want.columns[i].values, c.name));
  for (let r = -1; r <= want.rows; r++) assert.equal(got.lineOfRow(r), want.lineOfRow(r), `line of row ${r}`);
}

async function cachedRead(cache: DiskTableCache, file: string, shape: Pick<ReadOptions, 'format' | 'mapping' | 'channel' | 'kinds'> = {}): Promise<{ table: DataTable; hit: boolean }> {
  const st = fs.statSync(file);
  const hit = cache.load(file, st, shape);
  if (hit) return { table: hit, hit: true };
  const table = await readDataFile(file, shape);
  cache.store(file, st, shape, table);
  return { table, hit: false };
}

/** Every file under dir, its subfolders included. */
function walkFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the table cache on disk', function () {
  this.timeout(60000);

  it('gives back text, EIS and binary tables as read: values, units, labels, problems, the line of every row', async () => {
    const dir = tmpDir('cache');
    const data = tmpDir('cache-data');
    // A cut last row and a blank line mid-file: problems, and rows whose lines are not row + constant.
    const gcpl = path.join(data, 'gcpl.mpt');
    writeMptGcpl(gcpl, 2000, { truncateLast: true });
    const lines = fs.readFileSync(gcpl, 'latin1').split('\r\n');
    lines.splice(lines.length - 500, 0, '');
    writeText(gcpl, lines, { eol: '\r\n', encoding: 'latin1' });
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    for (const file of [gcpl, path.join(FIXTURES, 'exampleDataBioLogic.mpt'), path.join(FIXTURES, 'navani_jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr')]) {
      const first = await cachedRead(cache, file);
      assert.equal(first.hit, false);
      const second = await cachedRead(cache, file);
      assert.equal(second.hit, true, file);
      sameTable(second.table, first.table);
    }
    const gcplTable = (await cachedRead(cache, gcpl)).table;
    assert.ok(gcplTable.problems.length > 0, 'the cut row is still said');
    assert.equal(entries(dir).length, 3);
  });

  it('loads without parsing: every column a view into the one buffer of the entry', async () => {
    const dir = tmpDir('cache');
    const file = path.join(FIXTURES, 'exampleDataBioLogic.mpt');
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    await cachedRead(cache, file);
    const { table, hit } = await cachedRead(cache, file);
    assert.ok(hit);
    const buffers = new Set(table.columns.map((c) => c.values.buffer));
    assert.equal(buffers.size, 1);
    // The values' part: every value, within the entry (whose facts follow it).
    const bytes = [...buffers][0].byteLength;
    assert.ok(bytes >= table.rows * table.columns.length * 8 && bytes < fs.statSync(path.join(dir, entries(dir)[0])).size, String(bytes));
  });

  it('a load reads only the facts; values that fail their check throw CacheEntryCorrupt on first use, and the entry goes with its analyses', async () => {
    const dir = tmpDir('cache');
    const file = path.join(tmpDir('cache-data'), 'gcpl.mpt');
    writeMptGcpl(file, 3000);
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    const truth = (await cachedRead(cache, file)).table;
    cache.storeAnalysis(truth, 'k', { found: 1 });
    const entry = path.join(dir, entries(dir)[0]);
    const bytes = fs.readFileSync(entry);
    // One byte of the values flipped (the values come first; the facts and trailer are a few kB at the end).
    bytes[Math.floor(bytes.length * 0.4)] ^= 0x08;
    fs.writeFileSync(entry, bytes);
    const { table, hit } = await cachedRead(cache, file);
    assert.ok(hit, 'the facts pass: the values are not read at load');
    assert.equal(table.rows, truth.rows);
    assert.deepEqual(table.problems, truth.problems);
    assert.deepEqual(table.columns.map(({ name, kind, sourceUnit }) => [name, kind, sourceUnit]), truth.columns.map(({ name, kind, sourceUnit }) => [name, kind, sourceUnit]));
    assert.equal(table.lineOfRow(10), truth.lineOfRow(10));
    assert.deepEqual(cache.loadAnalysis(table, 'k'), { found: 1 }, 'its analyses still come from their entries');
    assert.throws(() => table.columns[1].values, (e: unknown) => e instanceof CacheEntryCorrupt && e.file === file);
    assert.throws(() => table.columns[0].values, CacheEntryCorrupt, 'at every use');
    assert.deepEqual(fs.readdirSync(dir), [], 'the entry and its analysis entry are deleted');
    const again = await cachedRead(cache, file);
    assert.equal(again.hit, false);
    sameTable(again.table, truth);
    // Good values are read once for all columns, and are then the table's own.
    const good = (await cachedRead(cache, file)).table;
    assert.notEqual(good, again.table);
    sameTable(good, truth);
    // An entry gone (evicted by another process) before its values are wanted says so the same way.
    const orphan = (await cachedRead(cache, file)).table;
    fs.rmSync(path.join(dir, entries(dir)[0]));
    assert.throws(() => orphan.columns[0].values, CacheEntryCorrupt);
  });

  it('an entry of an older layout is deleted on first touch', async () => {
    const dir = tmpDir('cache');
    const file = path.join(FIXTURES, 'exampleDataBioLogic.mpt');
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    await cachedRead(cache, file);
    const entry = path.join(dir, entries(dir)[0]);
    const bytes = fs.readFileSync(entry);
    // Version 1 entries ended in the same magic and their version (1) as the last four bytes.
    bytes.writeUInt32LE(1, bytes.length - 4);
    fs.writeFileSync(entry, bytes);
    assert.equal(cache.load(file, fs.statSync(file), {}), undefined);
    assert.equal(fs.existsSync(entry), false);
  });

  it('a file that changed, or read another way (other kinds, another format), is read again', async () => {
    const dir = tmpDir('cache');
    const file = path.join(tmpDir('cache-data'), 'gcpl.mpt');
    writeMptGcpl(file, 500);
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    await cachedRead(cache, file);
    assert.equal((await cachedRead(cache, file, { kinds: ['time', 'voltage'] })).hit, false);
    assert.equal((await cachedRead(cache, file, { kinds: ['voltage', 'time'] })).hit, true, 'the same kinds in another order');
    assert.equal((await cachedRead(cache, file, { format: 'csv' }).catch(() => ({ hit: false }))).hit, false);
    writeMptGcpl(file, 501);
    const changed = await cachedRead(cache, file);
    assert.equal(changed.hit, false);
    assert.equal(changed.table.rows, 501);
  });

  it('an entry with corrupt facts, or cut, is not trusted: it is deleted at load and the file read again', async () => {
    const dir = tmpDir('cache');
    const file = path.join(FIXTURES, 'exampleDataBioLogic.mpt');
    const cache = new DiskTableCache(dir, { minFileBytes: 0 });
    const truth = (await cachedRead(cache, file)).table;
    const entry = path.join(dir, entries(dir)[0]);
    const good = fs.readFileSync(entry);
    const damages: [string, (b: Buffer) => Buffer][] = [
      ['one byte of the facts flipped', (b) => { const c = Buffer.from(b); c[c.length - 36 - 40] ^= 0x10; return c; }],
      ['one byte of the trailer flipped', (b) => { const c = Buffer.from(b); c[c.length - 36 + 2] ^= 0x01; return c; }],
      ['the facts\' length changed', (b) => { const c = Buffer.from(b); c.writeUInt32LE(c.readUInt32LE(c.length - 12) - 8, c.length - 12); return c; }],
      ['cut short', (b) => b.subarray(0, b.length - 100)],
      ['empty', () => Buffer.alloc(0)],
      ['not an entry at all', () => Buffer.from('hello')],
    ];
    for (const [what, damage] of damages) {
      fs.writeFileSync(entry, damage(good));
      assert.equal(cache.load(file, fs.statSync(file), {}), undefined, what);
      assert.equal(fs.existsSync(entry), false, `${what}: the entry is deleted`);
      const again = await cachedRead(cache, file);
      assert.equal(again.hit, false);
      sameTable(again.table, truth);
    }
  });

  it('stays within its bound: the least recently used entries go first', async () => {
    const dir = tmpDir('cache');
    const data = tmpDir('cache-data');
    const files = [0, 1, 2, 3].map((i) => { const f = path.join(data, `gcpl-${i}.mpt`); writeMptGcpl(f, 3000 + i); return f; });
    const probe = new DiskTableCache(tmpDir('cache-probe'), { minFileBytes: 0 });
    await cachedRead(probe, files[0]);
    const entrySize = fs.statSync(path.join(probe.dir, entries(probe.dir)[0])).size;
    const cache = new DiskTableCache(dir, { minFileBytes: 0, maxBytes: Math.floor(entrySize * 3.5) });
    // Stored a second apart (file times are the entries' last use).
    const base = Date.now() / 1000 - 1000;
    for (const [i, f] of files.slice(0, 3).entries()) {
      const before = new Set(entries(dir));
      await cachedRead(cache, f);
      const added = entries(dir).find((n) => !before.has(n))!;
      fs.utimesSync(path.join(dir, added), base + i, base + i);
    }
    // The oldest, used again, becomes the newest.
    assert.equal((await cachedRead(cache, files[0])).hit, true);
    await cachedRead(cache, files[3]);
    const total = entries(dir).reduce((s, n) => s + fs.statSync(path.join(dir, n)).size, 0);
    assert.ok(total <= cache.maxBytes, `${total} > ${cache.maxBytes}`);
    assert.equal(entries(dir).length, 3);
    assert.equal((await cachedRead(cache, files[1])).hit, false, 'the least recently used went');
    assert.equal((await cachedRead(cache, files[0])).hit, true);
  });

  it('small files are not cached (parsing them is as quick as loading)', async () => {
    const dir = tmpDir('cache');
    const cache = new DiskTableCache(dir);
    await cachedRead(cache, path.join(FIXTURES, 'exampleDataBioLogic.mpt'));
    assert.deepEqual(entries(dir), []);
  });

  it('keeps the analyses of a small file all the same: another cache on the folder finds them for a fresh read of the file', async () => {
    const dir = tmpDir('cache');
    const file = path.join(FIXTURES, 'exampleDataBioLogic.mpt');
    const first = await cachedRead(new DiskTableCache(dir), file);
    new DiskTableCache(dir).storeAnalysis(first.table, 'k', { r: 1.5 });
    assert.deepEqual(entries(dir), [], 'the table itself is not written');
    const again = await cachedRead(new DiskTableCache(dir), file);
    assert.equal(again.hit, false, 'parsed again');
    assert.deepEqual(new DiskTableCache(dir).loadAnalysis(again.table, 'k'), { r: 1.5 });
    assert.equal(new DiskTableCache(dir).loadAnalysis(await readDataFile(file), 'k'), undefined, 'a table read past the cache has no key');
  });
});

describe('cellspec analyze --cache DIR', function () {
  this.timeout(240000);
  it('keeps the larger tables of the example study in DIR and gives the same results from them', () => {
    const dir = tmpDir('cli-cache');
    const run = (args: string[], jobs = 2) => spawnSync(process.execPath, [path.resolve('bin/cellspec'), 'analyze', '--ndjson', '--jobs', String(jobs), ...args, 'examples/study.cellspec'], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 * 1024 * 1024 });
    const plain = run([]);
    const first = run(['--cache', dir]);
    const big = fs.readdirSync('examples/data').filter((n) => fs.statSync(path.join('examples/data', n)).size >= 256 * 1024);
    assert.ok(big.length >= 2, big.join(', '));
    assert.ok(entries(dir).length >= big.length, `${entries(dir).length} entries for ${big.join(', ')}`);
    // Every spectrum's analysis is kept too, though its file is too small to be kept itself.
    const spectra = walkFiles('examples/data').filter((f) => /eis-\d+\.mpt$/.test(f));
    const analyses = fs.readdirSync(dir).filter((n) => n.endsWith('.analysis'));
    assert.ok(spectra.length > 10 && analyses.length >= spectra.length, `${analyses.length} analysis entries for ${spectra.length} spectra`);
    const long = new Date(1_000_000_000_000);
    for (const n of analyses) fs.utimesSync(path.join(dir, n), long, long);
    const second = run(['--cache', dir]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, plain.stdout);
    assert.equal(second.stdout, plain.stdout);
    // ...and used when the study is analysed again (a load touches its entry).
    const untouched = () => analyses.filter((n) => fs.statSync(path.join(dir, n)).mtimeMs === long.getTime());
    assert.deepEqual(untouched(), [], 'entries not used on the second run');
    // The workers' entries serve this thread's analyses (--jobs 1): one fingerprint for the engine in every bundle.
    for (const n of analyses) fs.utimesSync(path.join(dir, n), long, long);
    const inThread = run(['--cache', dir], 1);
    assert.equal(inThread.stdout, plain.stdout);
    assert.deepEqual(untouched(), [], 'entries not used by --jobs 1');
  });
});

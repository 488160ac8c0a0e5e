// The table cache on disk: a study whose runs hold about 1 GB of EC-Lab text exports (copies of a
// 1,000,000-row GCPL .mpt, each its own run), analysed by `cellspec analyze --json` as a new
// process without a cache (every file parsed), then with --cache DIR once to fill it, then again
// (reopening: the tables' facts loaded from the cache, the cycling results from the analysis entries
// kept beside them, the columns' values never read). Prints the figures; asserts only that the
// results are the same every way.
// BENCH_CACHE_MB sets the size. Cleans up its temp files.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskTableCache } from '../server/results/diskTableCache';
import { kindsToRead } from '../server/results/protocols/kinds';
import { writeMptGcpl } from '../test/helpers/dataFiles';

const ROOT = path.resolve(__dirname, '../..');
const TARGET_MB = Number(process.env.BENCH_CACHE_MB ?? 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function analyzeTimed(spec: string, extra: string[]): { ms: number; out: string } {
  const t = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin/cellspec'), 'analyze', '--json', ...extra, spec], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-cache-'));
  try {
    const first = path.join(tmp, 'cycling-00.mpt');
    writeMptGcpl(first, 1_000_000);
    const fileMb = fs.statSync(first).size / 1e6;
    const count = Math.max(1, Math.round(TARGET_MB / fileMb));
    const names = Array.from({ length: count }, (_, i) => `cycling-${String(i).padStart(2, '0')}.mpt`);
    for (const n of names.slice(1)) fs.copyFileSync(first, path.join(tmp, n));
    fs.copyFileSync(path.join(ROOT, 'examples/materials.cellspec'), path.join(tmp, 'materials.cellspec'));
    const spec = path.join(tmp, 'archive.cellspec');
    fs.writeFileSync(spec, [
      'import "materials.cellspec"',
      'study "A gigabyte of cycling" { temperature 25 °C; pressure 5 MPa; diameter 9 mm }',
      ...names.map((_, i) => `cell full-${i} full {\n  stack Cu | Li 50 µm | LPSC 600 µm | NCM9\n  cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g }\n}`),
      'protocol cyc cycling { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; cycles 1400 at 0.3 C }',
      ...names.map((n, i) => `run cyc on full-${i} { data "${n}" }`),
      '',
    ].join('\n'));
    const cache = path.join(tmp, 'cache');
    const cold = analyzeTimed(spec, []);
    const filling = analyzeTimed(spec, ['--cache', cache]);
    const reopened = [0, 1, 2].map(() => analyzeTimed(spec, ['--cache', cache]));
    for (const r of [filling, ...reopened]) if (r.out !== cold.out) throw new Error('the cached tables gave other results');
    const runs = (JSON.parse(cold.out) as { runs: unknown[] }).runs.length;
    const cacheMb = fs.readdirSync(cache).filter((n) => n.endsWith('.arrow')).reduce((s, n) => s + fs.statSync(path.join(cache, n)).size, 0) / 1e6;
    const analysisMb = fs.readdirSync(cache).filter((n) => n.endsWith('.analysis')).reduce((s, n) => s + fs.statSync(path.join(cache, n)).size, 0) / 1e6;
    const warm = median(reopened.map((r) => r.ms));
    // The cache's own part, in this process, the analyses left out: every table loaded (its facts
    // checked: what a reopened run whose analyses are kept costs), and loaded with its values read
    // and checked (what a run whose analyses are not kept costs).
    const kinds = kindsToRead('cycling');
    const loadAll = (touch: boolean) => {
      const disk = new DiskTableCache(cache);
      const t = process.hrtime.bigint();
      for (const n of names) {
        const file = path.join(tmp, n);
        const table = disk.load(file, fs.statSync(file), { kinds });
        if (!table) throw new Error(`${n}: not in the cache`);
        if (touch && table.columns[0].values.length !== table.rows) throw new Error(`${n}: values cut`);
      }
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const loads: number[] = [], valueLoads: number[] = [];
    for (let i = 0; i < 3; i++) { loads.push(loadAll(false)); valueLoads.push(loadAll(true)); }
    console.log(`\ntable cache on disk: ${count} runs of a 1,000,000-row EC-Lab GCPL .mpt each (${(count * fileMb).toFixed(0)} MB of text, ${runs} runs), cellspec analyze --json as a new process, ${os.availableParallelism()} cores`);
    console.log(`  no cache (every file parsed): ${(cold.ms / 1000).toFixed(2)} s; --cache DIR, filling it: ${(filling.ms / 1000).toFixed(2)} s (${cacheMb.toFixed(0)} MB of Arrow IPC, ${analysisMb.toFixed(1)} MB of analysis entries)`);
    console.log(`  reopened, tables loaded from the cache: median ${(warm / 1000).toFixed(2)} s (${reopened.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}), ${(cold.ms / warm).toFixed(1)}x faster than parsing (goal < 1 s: ${warm < 1000 ? 'MET' : 'NOT MET'})`);
    console.log(`  of which loading the ${count} tables' facts (CRC-32 checked; the values are read on first use, never here), in process: median ${median(loads).toFixed(0)} ms; the rest is the start, the analyses' entries and the ${(cold.out.length / 1e6).toFixed(0)} MB of JSON (load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    console.log(`  loading them with their values read and checked (a run whose analyses are not kept): median ${median(valueLoads).toFixed(0)} ms (${(cacheMb / (median(valueLoads) / 1000)).toFixed(0)} MB/s)`);
    fs.writeFileSync(path.join(ROOT, 'out/bench-cache.json'), JSON.stringify({ files: count, textMb: count * fileMb, cacheMb, analysisMb, coldMs: cold.ms, fillingMs: filling.ms, reopenedMs: reopened.map((r) => r.ms), loadMs: loads, valueLoadMs: valueLoads }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error('bench (cache) failed:', e); process.exit(1); });

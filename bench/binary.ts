// Binary readers against text on the same run: a real EC-Lab .mpr (cellpy's GCPL fixture) grown to
// 1,000,000 points by repeating its data records, and the same points written as the .mpt text
// export EC-Lab would write; a Neware .nda (v29 fixture) grown the same way. Each file is read in a
// fresh process (bench/ingest.js), so speed and peak memory are its own. Prints MB/s of file and of
// decoded columns, and the peak memory against the decoded columns (goal: <= 2x).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMpr } from '../server/readers/mpr';
import { scanModules } from '../server/readers/mpr/modules';
import { planRecords } from '../server/readers/mpr/data';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const POINTS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The fixture's data module with its records repeated to `points`, point count and module length patched. */
function growMpr(points: number): Buffer {
  const b = fs.readFileSync(path.join(FIXTURES, 'cellpy_biol.mpr'));
  const data = scanModules(b).modules.find((m) => m.role === 'data')!;
  const plan = planRecords(b, data, { file: 'bench', version: String(data.version) }, []);
  const first = data.start + plan.dataAt; // dataAt counts from the module's first byte
  const head = b.subarray(0, first);
  const records = b.subarray(first, first + plan.points * plan.recordBytes);
  const tail = b.subarray(data.start + data.length);
  const body = Buffer.alloc(points * plan.recordBytes);
  for (let k = 0; k < points; k += plan.points) records.copy(body, k * plan.recordBytes, 0, Math.min(plan.points, points - k) * plan.recordBytes);
  const out = Buffer.concat([head, body, tail]);
  // The point count is the data module's first field; its length is in the module header.
  const lengthAt = [...Array(data.start - data.at).keys()].map((i) => data.at + i).find((i) => b.readUInt32LE(i) === data.length)!;
  out.writeUInt32LE(points, data.start);
  out.writeUInt32LE(plan.dataAt + points * plan.recordBytes, lengthAt);
  return out;
}

/** The same points as EC-Lab's text export: a short header, the column names, tab-separated rows. */
function asMpt(mpr: Buffer, file: string): void {
  const t = parseMpr(mpr, 'bench');
  const names = t.columns.map((c) => c.name);
  const lines = ['EC-Lab ASCII FILE', 'Nb header lines : 4', '', names.join('\t')];
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, lines.join('\r\n') + '\r\n', null, 'latin1');
  const raw = t.columns.map((c) => c.values);
  const factors = t.columns.map((c) => (c.sourceUnit === 'mA' ? 1e3 : c.sourceUnit === 'mA.h' ? 1 / 3.6 : 1));
  let chunk: string[] = [];
  for (let r = 0; r < t.rows; r++) {
    chunk.push(raw.map((v, k) => String(Math.fround(v[r] * factors[k]))).join('\t'));
    if (chunk.length === 20000) { fs.writeSync(fd, chunk.join('\r\n') + '\r\n', null, 'latin1'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\r\n') + '\r\n', null, 'latin1');
  fs.closeSync(fd);
}

/** The v29 fixture's 86-byte data records repeated, with increasing indices. */
function growNda(points: number): Buffer {
  const b = fs.readFileSync(path.join(FIXTURES, 'newarenda_new_nda_file.nda'));
  const begin = b.readUInt32LE(64), len = b.readUInt32LE(68);
  const recs: number[] = [];
  for (let at = begin; at + 86 <= begin + len; at += 86) if (b[at] === 0x55 && b.readUInt32LE(at + 2)) recs.push(at);
  const out = Buffer.alloc(begin + points * 86);
  b.copy(out, 0, 0, begin);
  for (let k = 0; k < points; k++) {
    const at = begin + k * 86;
    b.copy(out, at, recs[k % recs.length], recs[k % recs.length] + 86);
    out.writeUInt32LE(k + 1, at + 2);
  }
  out.writeUInt32LE(points * 86, 68);
  return out;
}

interface Ingest { rows: number; ms: number; maxRssKiB: number; columns: string[] }
const ingest = (file: string): Ingest => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'ingest.js'), file], { encoding: 'utf8' })) as Ingest;

/** Node's own resident memory with the readers loaded: what a tiny file costs. */
let baselineMb = 0;

function report(label: string, file: string, runs: Ingest[]): { mbps: number } {
  const mb = fs.statSync(file).size / 1e6;
  const speeds = runs.map((r) => mb / (r.ms / 1000));
  const decoded = runs[0].rows * runs[0].columns.length * 8 / 1e6;
  const rss = runs.map((r) => r.maxRssKiB / 1024 - baselineMb);
  console.log(`  ${label}: ${mb.toFixed(1)} MB, ${runs[0].rows.toLocaleString('en')} rows × ${runs[0].columns.length} columns (${decoded.toFixed(0)} MB decoded)`);
  console.log(`    ${speeds.map((s) => s.toFixed(0)).join(', ')} MB/s (median ${median(speeds).toFixed(0)}); peak RSS above Node's own ${rss.map((x) => x.toFixed(0)).join(', ')} MB = ${(median(rss) / decoded).toFixed(2)}× the decoded columns (goal ≤ 2×)`);
  return { mbps: median(speeds) };
}

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-binary-'));
  try {
    const mprFile = path.join(tmp, 'gcpl-1M.mpr'), mptFile = path.join(tmp, 'gcpl-1M.mpt'), ndaFile = path.join(tmp, 'v29-1M.nda');
    const mpr = growMpr(POINTS);
    fs.writeFileSync(mprFile, mpr);
    asMpt(mpr, mptFile);
    fs.writeFileSync(ndaFile, growNda(POINTS));
    const tiny = path.join(tmp, 'tiny.csv');
    fs.writeFileSync(tiny, 'time/s,Ewe/V,I/mA\n0,1,2\n');
    baselineMb = median([0, 1, 2].map(() => ingest(tiny).maxRssKiB / 1024));
    console.log(`\nbinary readers (each read in a fresh process, 3 runs; Node with the readers loaded holds ${baselineMb.toFixed(0)} MB)`);
    const m = report('EC-Lab .mpr (cellpy GCPL records)', mprFile, [0, 1, 2].map(() => ingest(mprFile)));
    const t = report('the same points as .mpt text', mptFile, [0, 1, 2].map(() => ingest(mptFile)));
    console.log(`    .mpr is ${(m.mbps / t.mbps).toFixed(1)}× the .mpt reader in MB/s; goal for .mpr ≥ 300 MB/s: ${m.mbps >= 300 ? 'MET' : 'NOT MET'}`);
    const n = report('Neware .nda v29', ndaFile, [0, 1, 2].map(() => ingest(ndaFile)));
    console.log(`    goal for .nda ≥ 300 MB/s: ${n.mbps >= 300 ? 'MET' : 'NOT MET'}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();

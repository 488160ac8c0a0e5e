// The text readers against pandas' C engine on the same file: a 1,000,000-row EC-Lab GCPL .mpt
// with the 16 columns EC-Lab writes (test/helpers/dataFiles.ts), read for the columns a cycling
// run needs (ReadOptions.kinds; pandas' usecols) and for all of them. Every read is a fresh
// process timed around the read alone (pandas inside Python around read_csv), with its memory from
// /proc/self/status: the peak (VmHWM) and the resident set just before the read (VmRSS), whose
// difference is what the read itself took. The runs are interleaved so both see the same load.
// Goals: at least 2× pandas' speed on the needed columns, and at most half its memory for the read.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROTOCOL_KINDS } from '../server/results/protocols/kinds';
import { writeMptGcpl } from '../test/helpers/dataFiles';

const ROOT = path.resolve(__dirname, '../..');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = 3;
/** Debian's interpreter, where python3-pandas is installed (scripts/install-bench-deps.sh). */
const PYTHON = '/usr/bin/python3';
/** Float parsing's ceiling, as the issue puts it (MB/s). */
const CEILING = 1000;

const PANDAS_READ = `
import json, re, sys, time
import pandas as pd
def status(field):
    return int(re.search(field + r':\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))
path, skip, usecols = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
before = status('VmRSS')
t = time.perf_counter()
df = pd.read_csv(path, sep='\\t', skiprows=skip, usecols=usecols, encoding='latin1', decimal='.', engine='c')
ms = (time.perf_counter() - t) * 1000
print(json.dumps({'rows': len(df), 'columns': [str(c) for c in df.columns], 'ms': ms, 'maxRssKiB': status('VmHWM'), 'rssBeforeKiB': before, 'version': pd.__version__}))
`;

/** Reads and sums every byte in 1 MiB chunks: what touching each byte once costs on this machine. */
const BYTE_LOOP = `
const fs = require('fs');
function sumBytes(file) {
  const fd = fs.openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  let sum = 0, n = 0;
  while ((n = fs.readSync(fd, b, 0, b.length, null)) > 0) for (let i = 0; i < n; i++) sum += b[i];
  fs.closeSync(fd);
  return sum;
}
const t = process.hrtime.bigint();
const sum = sumBytes(process.argv[1]);
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, sum }));
`;

interface Read { rows: number; ms: number; maxRssKiB: number; rssBeforeKiB: number; columns: string[]; version?: string }
interface Side { label: string; runs: Read[] }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (kib: number) => kib / 1024;

function ours(file: string, kinds?: readonly string[]): Read {
  const args = [path.join(__dirname, 'ingest.js'), file, ...(kinds ? [kinds.join(',')] : [])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Read;
}

function pandas(file: string, skipRows: number, usecols: string[] | null): Read {
  return JSON.parse(execFileSync(PYTHON, ['-c', PANDAS_READ, file, String(skipRows), JSON.stringify(usecols)], { encoding: 'utf8' })) as Read;
}

function pandasAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const speeds = (side: Side, mb: number) => side.runs.map((r) => mb / (r.ms / 1000));
/** What the read took: the peak less what the process held just before it (MiB, median run). */
const readMiB = (side: Side) => median(side.runs.map((r) => mib(r.maxRssKiB - r.rssBeforeKiB)));
const peakMiB = (side: Side) => median(side.runs.map((r) => mib(r.maxRssKiB)));

function describe(side: Side, mb: number): string {
  const s = speeds(side, mb);
  return `    ${side.label.padEnd(8)} ${s.map((x) => x.toFixed(0)).join(', ')} MB/s (median ${median(s).toFixed(0)}); ` +
    `the read took ${side.runs.map((r) => mib(r.maxRssKiB - r.rssBeforeKiB).toFixed(0)).join(', ')} MB, the process peaked at ${side.runs.map((r) => mib(r.maxRssKiB).toFixed(0)).join(', ')} MB`;
}

function compare(title: string, a: Side, b: Side, mb: number, goals: boolean): { ratio: number; memory: number; whole: number } {
  const ratio = median(speeds(a, mb)) / median(speeds(b, mb));
  const memory = readMiB(a) / readMiB(b);
  const whole = peakMiB(a) / peakMiB(b);
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(`  ${title}:`);
  console.log(describe(a, mb));
  console.log(describe(b, mb));
  console.log(`    speed ${ratio.toFixed(2)}× pandas${goals ? ` (goal ≥ 2×: ${verdict(ratio >= 2)})` : ''}`);
  console.log(`    memory of the read ${memory.toFixed(2)}× pandas'${goals ? ` (goal ≤ 0.5×: ${verdict(memory <= 0.5)})` : ''}; ` +
    `whole processes ${whole.toFixed(2)}× (Node with the readers loaded holds ${mib(median(a.runs.map((r) => r.rssBeforeKiB))).toFixed(0)} MB before reading, Python with pandas ${mib(median(b.runs.map((r) => r.rssBeforeKiB))).toFixed(0)} MB)`);
  return { ratio, memory, whole };
}

function main() {
  if (!pandasAvailable()) {
    console.log(`\ntext readers against pandas: skipped (${PYTHON} has no pandas; run scripts/install-bench-deps.sh as root)`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-pandas-'));
  try {
    const file = path.join(tmp, 'gcpl-wide-1M.mpt');
    const written = writeMptGcpl(file, ROWS, { latin1: true, wide: true });
    const mb = written.bytes / 1e6;
    const skipRows = written.columnLine - 1;
    const kinds = PROTOCOL_KINDS.cycling;
    const sides = {
      oursNeeded: { label: 'cellspec', runs: [] as Read[] },
      pandasNeeded: { label: 'pandas', runs: [] as Read[] },
      oursAll: { label: 'cellspec', runs: [] as Read[] },
      pandasAll: { label: 'pandas', runs: [] as Read[] },
    };
    for (let k = 0; k < RUNS; k++) {
      sides.oursNeeded.runs.push(ours(file, kinds));
      // pandas reads the columns ours kept: the same work, named as the file names them.
      sides.pandasNeeded.runs.push(pandas(file, skipRows, sides.oursNeeded.runs[0].columns));
      sides.oursAll.runs.push(ours(file));
      sides.pandasAll.runs.push(pandas(file, skipRows, null));
    }
    for (const [name, side] of Object.entries(sides)) {
      if (side.runs.some((r) => r.rows !== ROWS)) throw new Error(`${name} read ${side.runs.map((r) => r.rows)} rows, expected ${ROWS}`);
    }
    const loopMs = median([0, 1, 2].map(() => (JSON.parse(execFileSync(process.execPath, ['-e', BYTE_LOOP, file], { encoding: 'utf8' })) as { ms: number }).ms));

    const needed = sides.oursNeeded.runs[0].columns;
    const version = sides.pandasNeeded.runs[0].version;
    console.log(`\ntext readers against pandas ${version} (C engine): ${ROWS.toLocaleString('en')}-row EC-Lab GCPL .mpt, 16 columns (${mb.toFixed(1)} MB, Latin-1, CRLF); each read a fresh process, ${RUNS} interleaved runs`);
    const n = compare(`the columns a cycling run reads (${needed.join(', ')})`, sides.oursNeeded, sides.pandasNeeded, mb, true);
    const a = compare('all 16 columns', sides.oursAll, sides.pandasAll, mb, false);
    const neededMbps = median(speeds(sides.oursNeeded, mb));
    const loopMbps = mb / (loopMs / 1000);
    console.log(`  float parsing's ceiling (about ${CEILING} MB/s): the needed columns at ${neededMbps.toFixed(0)} MB/s are ${(100 * neededMbps / CEILING).toFixed(0)}% of it (${(CEILING / neededMbps).toFixed(1)}× below);` +
      ` here a JS loop that only reads and sums the bytes runs at ${loopMbps.toFixed(0)} MB/s`);
    const out = path.join(ROOT, 'out/bench-pandas.json');
    fs.writeFileSync(out, JSON.stringify({ rows: ROWS, megabytes: mb, pandas: version, neededColumns: needed, ...sides, comparison: { needed: n, all: a }, byteLoopMs: loopMs }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();

// Data benchmarks: ingest of a generated 1,000,000-row EC-Lab .mpt (MB/s and peak memory, each
// run in a fresh process), and the full analysis of the example study (cold, from the CLI, and
// warm, in process with the table cache). Bounded in count; cleans up its temp files.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { StudySession } from '../server/results/study';
import { computeDrt, fitCircuit, impedance, parseCircuit } from '../server/analyses/eis';
import { writeMptGcpl } from '../test/helpers/dataFiles';

/** A spectrum of a circuit with known parameters, n points log-spaced from 1 MHz down to 0.1 Hz. */
function spectrum(circuit: string, params: number[], n: number) {
  const parsed = parseCircuit(circuit);
  if (!parsed.ok) throw new Error(parsed.errors[0].message);
  const frequency = Array.from({ length: n }, (_, k) => 1e6 * 10 ** (-7 * k / (n - 1)));
  const z = impedance(parsed.circuit, params, frequency.map((f) => 2 * Math.PI * f));
  return { frequency, zReal: z.map((c) => c.re), zImag: z.map((c) => c.im) };
}

function timeEach(n: number, fn: () => unknown): number[] {
  return Array.from({ length: n }, () => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; });
}

const ROOT = path.resolve(__dirname, '../..');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-data-'));
  try {
    const file = path.join(tmp, 'gcpl-1M.mpt');
    writeMptGcpl(file, ROWS, { latin1: true });
    const mb = fs.statSync(file).size / 1e6;
    const runs = Array.from({ length: 3 }, () => JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'ingest.js'), file], { encoding: 'utf8' })) as { rows: number; ms: number; maxRssKiB: number });
    if (runs.some((r) => r.rows !== ROWS)) throw new Error(`ingest read ${runs.map((r) => r.rows)} rows, expected ${ROWS}`);
    const speeds = runs.map((r) => mb / (r.ms / 1000));

    const cli = path.join(ROOT, 'dist/cli.js');
    const cold = Array.from({ length: 5 }, () => {
      const t = process.hrtime.bigint();
      execFileSync(process.execPath, [cli, 'analyze', '--json', path.join(ROOT, 'examples/study.cellspec')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      return Number(process.hrtime.bigint() - t) / 1e6;
    });
    const spec = path.join(ROOT, 'examples/study.cellspec');
    const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(spec).toString())!;
    // What an edit costs in the editor's worker: the same session, a new version of the document.
    const study = new StudySession();
    let version = 0;
    await study.refresh(a, version);
    const warm: number[] = [];
    for (let k = 0; k < 10; k++) {
      const t = process.hrtime.bigint();
      await study.refresh(a, ++version);
      warm.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const outcomes = study.outcomes(a.file.uri, version) ?? [];
    const jobs = outcomes.map((o) => o.job);
    const files = new Set(outcomes.flatMap((o) => o.result.files.map((f) => f.path))).size;

    // EIS: a 60-point two-arc spectrum fitted without a guess (automatic starts); a 70-point DRT with λ by GCV.
    const fitSpec = spectrum('R0-p(R1,CPE1)-p(R2,CPE2)', [10, 30, 1e-5, 0.9, 80, 1e-3, 0.8], 60);
    const fitMs = timeEach(20, () => fitCircuit({ circuit: 'R0-p(R1,CPE1)-p(R2,CPE2)', ...fitSpec }));
    const drtSpec = spectrum('R0-p(R1,CPE1)', [10, 100, 1e-5, 0.8], 70);
    const drtMs = timeEach(20, () => computeDrt(drtSpec));

    console.log('\ndata benchmarks');
    console.log(`ingest of a ${ROWS.toLocaleString('en')}-row EC-Lab GCPL .mpt (${mb.toFixed(1)} MB, Latin-1, CRLF), fresh process each:`);
    console.log(`  ${speeds.map((s) => s.toFixed(0)).join(', ')} MB/s (median ${median(speeds).toFixed(0)} MB/s; goal ≥ 100 MB/s: ${median(speeds) >= 100 ? 'MET' : 'NOT MET'})`);
    console.log(`  ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms; peak RSS ${runs.map((r) => (r.maxRssKiB / 1024).toFixed(0)).join(', ')} MB`);
    console.log(`full analysis of the example study (${jobs.length} runs, ${files} files):`);
    console.log(`  cold, \`cellspec analyze --json\` as a new process: median ${median(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  warm, in process, tables cached: median ${median(warm).toFixed(1)} ms`);
    console.log('EIS (20 runs each, first run included):');
    console.log(`  circuit fit, 60 points, R0-p(R1,CPE1)-p(R2,CPE2), automatic starts: median ${median(fitMs).toFixed(1)} ms, first ${fitMs[0].toFixed(1)} ms (goal < 20 ms: ${median(fitMs) < 20 ? 'MET' : 'NOT MET'})`);
    console.log(`  DRT, 70 points, λ by GCV: median ${median(drtMs).toFixed(1)} ms, first ${drtMs[0].toFixed(1)} ms (goal < 100 ms: ${median(drtMs) < 100 ? 'MET' : 'NOT MET'})`);
    const out = path.join(ROOT, 'out/bench-data.json');
    fs.writeFileSync(out, JSON.stringify({ rows: ROWS, megabytes: mb, ingest: runs, mbPerSecond: speeds, analyzeColdMs: cold, analyzeWarmMs: warm, runs: jobs.length, files, fitMs, drtMs }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error('bench (data) failed:', e); process.exit(1); });

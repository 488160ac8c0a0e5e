// The per-spectrum EIS analysis in process (what `cellspec analyze` of a lab's archive spends most
// of its time on): the DRT, the Lin-KK test and the fit of the example study's circuit over every
// spectrum of examples/data (71 points each, from scripts/synthesize-example-data.mjs), timed per
// analysis, several rounds, medians. `--dump FILE` writes every result as JSON, so two builds can
// be compared number for number. Prints the figures, and how many spectra one core analyses a
// second (what bounds a lab's archive: bench/archive.ts).
import * as fs from 'fs';
import * as path from 'path';
import { computeDrt, fitCircuit, linKK } from '../server/analyses/eis';
import { readDataFile } from '../server/readers';

const ROOT = path.resolve(__dirname, '../..');
const CIRCUIT = 'L0-R0-p(R1,CPE1)-W1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Spectrum = { frequency: Float64Array; zReal: Float64Array; zImag: Float64Array };

async function exampleSpectra(): Promise<{ file: string; s: Spectrum }[]> {
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) e.isDirectory() ? walk(path.join(d, e.name)) : /eis-\d+\.mpt$/.test(e.name) && files.push(path.join(d, e.name)); };
  walk(path.join(ROOT, 'examples/data'));
  const out = [];
  for (const f of files) {
    const t = await readDataFile(f);
    const col = (kind: string) => t.columns.find((c) => c.kind === kind)!.values as Float64Array;
    out.push({ file: path.relative(ROOT, f), s: { frequency: col('frequency'), zReal: col('zReal'), zImag: col('zImag') } });
  }
  return out;
}

/**
 * CPU milliseconds per spectrum of one pass of `fn` over all spectra (CPU, not wall, time: on a
 * shared machine the wall clock also counts the time other processes had the core).
 */
function perSpectrum(spectra: { s: Spectrum }[], fn: (s: Spectrum) => unknown): number {
  const t = process.cpuUsage();
  for (const { s } of spectra) fn(s);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e3 / spectra.length;
}

async function main() {
  const spectra = await exampleSpectra();
  if (spectra.length === 0) throw new Error('no EIS spectra under examples/data');
  const analyses: [string, (s: Spectrum) => unknown][] = [
    ['DRT', (s) => computeDrt(s)],
    ['Lin-KK', (s) => linKK(s)],
    [`fit of ${CIRCUIT}`, (s) => fitCircuit({ circuit: CIRCUIT, ...s })],
  ];
  const dump = process.argv.indexOf('--dump');
  if (dump >= 0) {
    const all = spectra.map(({ file, s }) => ({ file, results: analyses.map(([, fn]) => fn(s)) }));
    fs.writeFileSync(process.argv[dump + 1], JSON.stringify(all, null, 1) + '\n');
  }
  const first = analyses.map(([, fn]) => perSpectrum(spectra.slice(0, 1), fn));
  const times = analyses.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) analyses.forEach(([, fn], a) => times[a].push(perSpectrum(spectra, fn)));
  const medians = times.map(median);
  const total = medians.reduce((s, v) => s + v, 0);
  console.log(`\nEIS per spectrum, in process, CPU time (${spectra.length} spectra of ${spectra[0].s.frequency.length} points from examples/data, ${ROUNDS} rounds, medians; the first spectrum, cold, in brackets):`);
  analyses.forEach(([name], a) => console.log(`  ${name}: ${medians[a].toFixed(2)} ms (${times[a].map((t) => t.toFixed(2)).join(', ')}) [cold ${first[a].toFixed(1)} ms]`));
  console.log(`  per spectrum: DRT ${medians[0].toFixed(2)} ms, Lin-KK ${medians[1].toFixed(2)} ms, fit ${medians[2].toFixed(2)} ms; total ${total.toFixed(2)} ms: ${Math.round(1000 / total)} spectra per second on one core`);
  console.log(`  JSON: ${JSON.stringify({ spectra: spectra.length, drtMs: medians[0], linKKMs: medians[1], fitMs: medians[2] })}`);
}

main().then(() => process.exit(0), (e) => { console.error('bench (EIS per spectrum) failed:', e); process.exit(1); });

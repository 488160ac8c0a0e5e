// Start of `cellspec analyze` as a new process (issue 12): a spec with ONE EIS run (the fit, Lin-KK
// and DRT of one spectrum of examples/data), timed from the shell's point of view (Node's start
// included), with the default (a guarded data worker) and with --jobs 1 (in the main thread);
// then its parts, each in a fresh process: `node -e 0`, Node with the CLI's bundle (`cellspec
// --help`), a data worker until it answers, the engine's analysis of the spec and the first,
// unoptimised run of the EIS analyses. Rounds are interleaved (every variant once per round, the
// order rotated) and medians reported with the load average. Goal: < 300 ms. The CLI's code cache
// (written after the first run of a command) is kept in the bench's folder; the runs without it
// (CELLSPEC_CODE_CACHE=off) show a first run after a build.
//   node out/bench/start.js [--rounds N] [--compare DIR]   DIR: another built checkout, interleaved
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const GOAL_MS = 300;
const SPECTRUM = 'examples/data/strip-half-Li-1-0p5-eis/eis-00.mpt';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The spec: the example study's EIS protocol (its circuit), one cell and one run on one spectrum. */
function writeSpec(dir: string): string {
  fs.copyFileSync(path.join(ROOT, 'examples/materials.cellspec'), path.join(dir, 'materials.cellspec'));
  fs.copyFileSync(path.join(ROOT, SPECTRUM), path.join(dir, 'eis-00.mpt'));
  const spec = path.join(dir, 'one-eis.cellspec');
  fs.writeFileSync(spec, `import "materials.cellspec"

cell half-Li half {
  stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm
  diameter 9 mm
}

protocol eis-strip eis {
  amplitude 10 mV
  frequencies 1 MHz .. 0.1 Hz
  points-per-decade 10
  circuit "L0-R0-p(R1,CPE1)-W1"
}

run eis-strip on half-Li {
  data "eis-00.mpt"
}
`);
  return spec;
}

/** What analyze printed must be the whole analysis: one run, its spectrum fitted, Lin-KK and DRT computed. */
function checkReport(stdout: string, who: string): void {
  const report = JSON.parse(stdout) as { runs: { results: { contact?: { spectra: { fit?: { ok: boolean }; linkk?: { ok: boolean }; drt?: { ok: boolean } }[] } } }[] };
  const spectrum = report.runs.length === 1 ? report.runs[0].results.contact?.spectra[0] : undefined;
  if (!spectrum?.fit?.ok || !spectrum.linkk?.ok || !spectrum.drt?.ok) throw new Error(`${who}: the report lacks the EIS run's fit, Lin-KK or DRT`);
}

interface Variant { name: string; args: string[]; env?: NodeJS.ProcessEnv; check?: boolean; parts?: boolean }

/** The CLI's code cache (bin/cellspec, server/cli/codeCache.ts) in the bench's own folder, or none. */
let codeCache: NodeJS.ProcessEnv = {};
const NO_CODE_CACHE: NodeJS.ProcessEnv = { CELLSPEC_CODE_CACHE: 'off' };

/** One process: wall time from spawn to exit (ms), and its standard output. */
function timed(v: Variant): { ms: number; stdout: string } {
  const t = process.hrtime.bigint();
  const stdout = execFileSync(process.execPath, v.args, { encoding: 'utf8', env: { ...process.env, ...codeCache, ...v.env }, maxBuffer: 64 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout };
}

function variantsOf(checkout: string, label: string, spec: string): Variant[] {
  const bin = path.join(checkout, 'bin/cellspec');
  return [
    { name: `${label}analyze --json (default: data worker)`, args: [bin, 'analyze', '--json', spec], check: true },
    { name: `${label}analyze --json --jobs 1 (main thread)`, args: [bin, 'analyze', '--json', '--jobs', '1', spec], check: true },
    { name: `${label}analyze --json, no code cache`, args: [bin, 'analyze', '--json', spec], env: NO_CODE_CACHE, check: true },
    { name: `${label}analyze --json --jobs 1, no code cache`, args: [bin, 'analyze', '--json', '--jobs', '1', spec], env: NO_CODE_CACHE, check: true },
    { name: `${label}cellspec --help (Node + the CLI bundle)`, args: [bin, '--help'] },
    { name: `${label}data worker until it answers (in a process)`, args: [path.join(__dirname, 'startParts.js'), 'worker', path.join(checkout, 'dist/dataWorker.js')], parts: true },
  ];
}

function main(): void {
  const rounds = Number(option('--rounds') ?? 11);
  const compare = option('--compare');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-start-'));
  try {
    const spec = writeSpec(tmp);
    codeCache = { CELLSPEC_CODE_CACHE: path.join(tmp, 'code-cache') };
    const variants: Variant[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      ...variantsOf(ROOT, '', spec),
      { name: 'engine + EIS analyses, first run (in a process)', args: [path.join(__dirname, 'startParts.js'), 'analysis', spec], parts: true },
      ...(compare ? variantsOf(path.resolve(compare), 'compare: ', spec).filter((v) => !v.env) : []),
    ];
    const loadBefore = load();
    // One warm-up round: the file system's cache, and the code cache the CLI writes after a first run.
    for (const v of variants) timed(v);
    const wall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const parts = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(k + r) % variants.length];
        const { ms, stdout } = timed(v);
        wall.get(v.name)!.push(ms);
        if (v.check) checkReport(stdout, v.name);
        if (v.parts) for (const [key, value] of Object.entries(JSON.parse(stdout) as Record<string, number>)) if (key.endsWith('Ms')) parts.set(`${v.name}: ${key}`, [...(parts.get(`${v.name}: ${key}`) ?? []), value]);
      }
    }
    const m = (name: string) => median(wall.get(name)!);
    const p = (name: string) => median(parts.get(name)!);
    console.log(`\nstart of \`cellspec analyze\`, one EIS run (${path.basename(SPECTRUM)}: fit, Lin-KK, DRT), a new process each; ${rounds} interleaved rounds, medians`);
    console.log(`load average before ${loadBefore}, after ${load()} (${os.availableParallelism()} cores)`);
    for (const v of variants) {
      const xs = wall.get(v.name)!;
      console.log(`  ${v.name.padEnd(58)} ${m(v.name).toFixed(0).padStart(5)} ms wall  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`);
    }
    for (const key of parts.keys()) console.log(`    inside: ${key.padEnd(70)} ${p(key).toFixed(0).padStart(5)} ms`);
    const node = m('node -e 0');
    const bundle = m('cellspec --help (Node + the CLI bundle)') - node;
    const worker = p('data worker until it answers (in a process): workerMs');
    const engine = p('engine + EIS analyses, first run (in a process): specMs');
    const eis = p('engine + EIS analyses, first run (in a process): dataMs');
    const byDefault = m('analyze --json (default: data worker)');
    const inThread = m('analyze --json --jobs 1 (main thread)');
    console.log('breakdown (medians of the parts; the whole is not their sum where they overlap):');
    console.log(`  Node's start ${node.toFixed(0)} ms, the CLI bundle ${bundle.toFixed(0)} ms, a data worker ${worker.toFixed(0)} ms, the spec's analysis ${engine.toFixed(0)} ms, the EIS run's reading and analyses ${eis.toFixed(0)} ms`);
    console.log(`  --jobs 1: the rest (printing, the report, exit) ${(inThread - node - bundle - engine - eis).toFixed(0)} ms; the worker costs the default ${(byDefault - inThread).toFixed(0)} ms more`);
    console.log(`goal < ${GOAL_MS} ms: default ${byDefault.toFixed(0)} ms ${byDefault < GOAL_MS ? 'MET' : 'NOT MET'}; --jobs 1 ${inThread.toFixed(0)} ms ${inThread < GOAL_MS ? 'MET' : 'NOT MET'}`);
    if (compare) {
      const c = (s: string) => m(`compare: ${s}`);
      console.log(`compare (${compare}): default ${c('analyze --json (default: data worker)').toFixed(0)} ms (ratio this / compare ${(byDefault / c('analyze --json (default: data worker)')).toFixed(2)}), --jobs 1 ${c('analyze --json --jobs 1 (main thread)').toFixed(0)} ms (ratio ${(inThread / c('analyze --json --jobs 1 (main thread)')).toFixed(2)})`);
    }
    fs.writeFileSync(path.join(ROOT, 'out/bench-start.json'), JSON.stringify({ rounds, load: [loadBefore, load()], wallMs: Object.fromEntries(wall), partsMs: Object.fromEntries(parts) }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();

// A lab's archive: the example study BENCH_COPIES (default 11) times over (396 runs at 11, 1,650 file readings, 957 spectra
// since the toolkit's runs joined it), its data written by scripts/synthesize-example-data.mjs,
// analysed by `cellspec analyze --ndjson` as a new process on one core (taskset), with one job
// and with a worker per core (interleaved, medians), against two controls (two one-core processes
// at once, each on its own core: each the whole archive, the machine's ceiling; each half of it, a
// split's best), the first studies that hold the issue's 200 runs, analysed again from its
// --cache, converted to Parquet (one core, --jobs 1, a worker per core), and Lin-KK over its spectra in process: every M fitted against stopping at the first
// that qualifies. Prints the figures; asserts only that every way gives the same results. Cleans
// up its temp files.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { linKK } from '../server/analyses/eis/linkk';
import { readDataFile } from '../server/readers';

const ROOT = path.resolve(__dirname, '../..');
const COPIES = Number(process.env.BENCH_COPIES ?? 11);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** The size of the study the issue's goal (under 5 s) was set on. */
const GOAL_RUNS = 200;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** COPIES folders, each the example study (spec, materials, data synthesized once). */
function writeArchive(dir: string): string {
  const data = path.join(dir, 'synthesized');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/synthesize-example-data.mjs'), '--out', data], { stdio: 'ignore' });
  const lab = path.join(dir, 'lab');
  for (let i = 1; i <= COPIES; i++) {
    const study = path.join(lab, `study-${String(i).padStart(2, '0')}`);
    fs.mkdirSync(study, { recursive: true });
    fs.cpSync(data, path.join(study, 'data'), { recursive: true });
    for (const f of ['study.cellspec', 'materials.cellspec']) fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(study, f));
  }
  return lab;
}

type Timed = { wall: number; cpu: number };
const CLI = path.join(ROOT, 'bin/cellspec');
/** A word for bash, quoted. */
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Wall and CPU (user + system) seconds of `cellspec ARGS > out`, each command a new process, all
 * started at once (bash's time); `core`: pinned to that core (taskset), V8's own threads included.
 */
function timedAtOnce(commands: { args: string[]; out: string; core?: number }[]): Timed[] {
  const times = commands.map((_, k) => path.join(os.tmpdir(), `cellspec-bench-time-${process.pid}-${k}`));
  const run = (c: (typeof commands)[number], k: number) =>
    `{ time ${c.core === undefined ? '' : `taskset -c ${c.core} `}${[process.execPath, CLI, ...c.args].map(sh).join(' ')} > ${sh(c.out)} ; } 2> ${sh(times[k])} &`;
  execFileSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; ${commands.map(run).join(' ')} wait`]);
  return times.map((t) => {
    // The last line is time's; a command's own standard error comes before it.
    const [wall, user, sys] = fs.readFileSync(t, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    fs.rmSync(t);
    return { wall, cpu: user + sys };
  });
}

const analyzeArgs = (folders: string[], jobs: number, cacheDir?: string) => ['analyze', '--ndjson', ...(cacheDir ? ['--cache', cacheDir] : []), '--jobs', String(jobs), ...folders];

/** `cellspec analyze --ndjson --jobs N <folders>` alone; `oneCore`: pinned to the first core. */
const analyzeTimed = (folders: string[], jobs: number, outFile: string, oneCore = false, cacheDir?: string): Timed =>
  timedAtOnce([{ args: analyzeArgs(folders, jobs, cacheDir), out: outFile, core: oneCore ? 0 : undefined }])[0];

/**
 * Two `--jobs 1` processes at once, each pinned to its own core, the first analysing `a`, the
 * second `b` (two isolates, each warming up its own JIT, as a pool's two workers do, but sharing
 * nothing). Returns the wall of the slower one and the CPU of both.
 * - The whole archive each (the machine's ceiling): 2 × (one alone) / this is the most any pool of
 *   2 workers could gain here, a shared host's clocks and caches included, with each isolate's
 *   warm-up spread over the whole archive.
 * - Half the archive each: the best a split of this archive in two can do, each half paying its
 *   own warm-up, as each worker of a pool does.
 */
function twoAtOnce(a: string[], b: string[], outFile: string): Timed {
  const times = timedAtOnce([a, b].map((folders, core) => ({ args: analyzeArgs(folders, 1), out: `${outFile}.${core}`, core })));
  for (const core of [0, 1]) fs.rmSync(`${outFile}.${core}`);
  return { wall: Math.max(...times.map((t) => t.wall)), cpu: times.reduce((s, t) => s + t.cpu, 0) };
}

/** `cellspec convert --parquet --jobs N -o <out> <lab>` alone (the output folder removed first). */
function convertTimed(lab: string, jobs: number, out: string, oneCore = false): Timed {
  fs.rmSync(out, { recursive: true, force: true });
  return timedAtOnce([{ args: ['convert', '--parquet', '--jobs', String(jobs), '-o', out, lab], out: '/dev/null', core: oneCore ? 0 : undefined }])[0];
}

async function spectraOf(lab: string): Promise<{ frequency: Float64Array; zReal: Float64Array; zImag: Float64Array }[]> {
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : /eis-\d+\.mpt$/.test(e.name) && files.push(path.join(d, e.name)); };
  walk(lab);
  const out = [];
  for (const f of files) {
    const t = await readDataFile(f);
    const col = (kind: string) => t.columns.find((c) => c.kind === kind)!.values as Float64Array;
    out.push({ frequency: col('frequency'), zReal: col('zReal'), zImag: col('zImag') });
  }
  return out;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-bench-archive-'));
  try {
    const lab = writeArchive(tmp);
    const studies = fs.readdirSync(lab).sort().map((d) => path.join(lab, d));
    const pinned: Timed[] = [], one: Timed[] = [], two: Timed[] = [], both: Timed[] = [], halves: Timed[] = [], goal: Timed[] = [];
    const convertPinned: Timed[] = [], convertOne: Timed[] = [], convertTwo: Timed[] = [];
    const cores = os.availableParallelism();
    // Analysed again with the cache (a lab's CI after one more study: nothing else changed).
    const cacheDir = path.join(tmp, 'cache');
    const filled = analyzeTimed([lab], cores, path.join(tmp, 'filled.ndjson'), false, cacheDir);
    const filledOut = fs.readFileSync(path.join(tmp, 'filled.ndjson'), 'utf8');
    const records = filledOut.trim().split('\n').map((l) => JSON.parse(l) as { record: string; files?: unknown[] });
    const runs = records.filter((r) => r.record === 'run');
    const files = runs.reduce((s, r) => s + (r.files?.length ?? 0), 0);
    // The issue's goal was set on a study of 200 runs: the fewest copies that hold as many.
    const perStudy = runs.length / COPIES;
    const goalStudies = studies.slice(0, Math.ceil(GOAL_RUNS / perStudy));
    const half = Math.ceil(studies.length / 2);
    const again: Timed[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      again.push(analyzeTimed([lab], cores, path.join(tmp, 'again.ndjson'), false, cacheDir));
      pinned.push(analyzeTimed([lab], 1, path.join(tmp, 'pinned.ndjson'), true));
      one.push(analyzeTimed([lab], 1, path.join(tmp, 'one.ndjson')));
      two.push(analyzeTimed([lab], cores, path.join(tmp, 'two.ndjson')));
      if (cores === 2) {
        both.push(twoAtOnce([lab], [lab], path.join(tmp, 'both.ndjson')));
        halves.push(twoAtOnce(studies.slice(0, half), studies.slice(half), path.join(tmp, 'halves.ndjson')));
      }
      if (goalStudies.length < studies.length) goal.push(analyzeTimed(goalStudies, cores, path.join(tmp, 'goal.ndjson')));
      const parquet = path.join(tmp, 'parquet');
      convertPinned.push(convertTimed(lab, 1, parquet, true));
      convertOne.push(convertTimed(lab, 1, parquet));
      convertTwo.push(convertTimed(lab, cores, parquet));
    }
    const oneOut = fs.readFileSync(path.join(tmp, 'one.ndjson'), 'utf8'), twoOut = fs.readFileSync(path.join(tmp, 'two.ndjson'), 'utf8');
    if (oneOut !== twoOut || fs.readFileSync(path.join(tmp, 'pinned.ndjson'), 'utf8') !== oneOut) throw new Error('one worker and two gave different results');
    if (goal.length && !oneOut.startsWith(fs.readFileSync(path.join(tmp, 'goal.ndjson'), 'utf8'))) throw new Error("the first studies alone gave other results than in the whole archive");
    if (filledOut !== oneOut || fs.readFileSync(path.join(tmp, 'again.ndjson'), 'utf8') !== oneOut) throw new Error('the cache changed the results');

    const spectra = await spectraOf(lab);
    const time = (everyM: boolean) => { const t = process.hrtime.bigint(); for (const s of spectra) linKK({ ...s, everyM }); return Number(process.hrtime.bigint() - t) / 1e6; };
    const every: number[] = [], first: number[] = [];
    for (let r = 0; r < ROUNDS; r++) { every.push(time(true)); first.push(time(false)); }

    const w0 = median(pinned.map((x) => x.wall)), w1 = median(one.map((x) => x.wall)), w2 = median(two.map((x) => x.wall));
    const cpuWall = (xs: Timed[]) => median(xs.map((x) => x.cpu / x.wall)).toFixed(2);
    const list = (xs: { wall: number }[]) => xs.map((x) => x.wall.toFixed(2)).join(', ');
    const perRun = (xs: { cpu: number }[]) => ((median(xs.map((x) => x.cpu)) / runs.length) * 1000).toFixed(1);
    console.log(`\na lab's archive: the example study ${COPIES} times (${runs.length} runs, ${files} file readings, ${spectra.length} spectra), ${cores} cores`);
    console.log(`  cellspec analyze --ndjson <folder>, a new process, ${ROUNDS} interleaved rounds:`);
    console.log(`    one core (--jobs 1, pinned by taskset): median ${w0.toFixed(2)} s (${list(pinned)}), CPU/wall ${cpuWall(pinned)}`);
    console.log(`    --jobs 1 (in process, V8's own threads on the other core): median ${w1.toFixed(2)} s (${list(one)}), CPU/wall ${cpuWall(one)}, ${perRun(one)} ms CPU per run`);
    console.log(`    --jobs ${cores} (${cores} workers): median ${w2.toFixed(2)} s (${list(two)}), CPU/wall ${cpuWall(two)}, ${perRun(two)} ms CPU per run`);
    console.log(`    speed-up on ${cores} cores over one: ${(w0 / w2).toFixed(2)}x (goal >= 1.8x: ${w0 / w2 >= 1.8 ? 'MET' : 'NOT MET'}); over --jobs 1 unpinned ${(w1 / w2).toFixed(2)}x`);
    if (both.length) {
      const wb = median(both.map((x) => x.wall)), wh = median(halves.map((x) => x.wall));
      console.log(`    the machine's ceiling: two --jobs 1 processes at once, each on its own core, each the whole archive: slower one median ${wb.toFixed(2)} s (${list(both)}) against ${w0.toFixed(2)} s alone: two isolates on two cores do ${((2 * w0) / wb).toFixed(2)}x the work of one here (the most a pool of 2 could gain; the pool gets ${((w0 / w2) / ((2 * w0) / wb) * 100).toFixed(0)} % of it)`);
      console.log(`    a split's best: the same two processes, each half the archive (${half} and ${studies.length - half} studies, each half paying its own warm-up as a worker does): slower one median ${wh.toFixed(2)} s (${list(halves)}), ${(w0 / wh).toFixed(2)}x over one core; the pool ${(w0 / w2).toFixed(2)}x`);
    }
    if (goal.length || runs.length >= GOAL_RUNS) {
      const wg = goal.length ? median(goal.map((x) => x.wall)) : w2;
      const goalRuns = perStudy * goalStudies.length, goalSpectra = (spectra.length / COPIES) * goalStudies.length;
      console.log(`    the issue's 200-run study (set at 319 spectra): the first ${goalStudies.length} studies (${goalRuns} runs, ${goalSpectra} spectra), --jobs ${cores}: median ${wg.toFixed(2)} s (${list(goal.length ? goal : two)}) (goal < 5 s: ${wg < 5 ? 'MET' : 'NOT MET'}); the whole ${runs.length}-run archive ${w2.toFixed(2)} s`);
    }
    const c0 = median(convertPinned.map((x) => x.wall)), c2 = median(convertTwo.map((x) => x.wall));
    console.log(`  cellspec convert --parquet -o <folder> <archive> (${files} files), a new process: one core (pinned) median ${c0.toFixed(2)} s (${list(convertPinned)}); --jobs 1 ${median(convertOne.map((x) => x.wall)).toFixed(2)} s (${list(convertOne)}); --jobs ${cores} ${c2.toFixed(2)} s (${list(convertTwo)}), CPU/wall ${cpuWall(convertTwo)}: ${(c0 / c2).toFixed(2)}x over one core (goal >= 1.8x: ${c0 / c2 >= 1.8 ? 'MET' : 'NOT MET'})`);
    console.log(`    with --cache DIR (--jobs ${cores}): filling it ${filled.wall.toFixed(2)} s; analysed again, nothing changed: median ${median(again.map((x) => x.wall)).toFixed(2)} s (${list(again)}), ${perRun(again)} ms CPU per run`);
    console.log(`  Lin-KK over the ${spectra.length} spectra, in process: every M fitted median ${median(every).toFixed(0)} ms, stopping at the first M that qualifies ${median(first).toFixed(0)} ms (${(median(every) / median(first)).toFixed(1)}x less)`);
    fs.writeFileSync(path.join(ROOT, 'out/bench-archive.json'), JSON.stringify({ runs: runs.length, files, spectra: spectra.length, pinned, one, two, both, halves, goal, convertPinned, convertOne, convertTwo, filled, again, linKKEveryMs: every, linKKFirstMs: first }, null, 2) + '\n');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error('bench (archive) failed:', e); process.exit(1); });

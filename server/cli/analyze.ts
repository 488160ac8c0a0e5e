// cellspec analyze <specs|folders>: every computed result, in text, as the documented JSON
// document (one spec) or as NDJSON (one line per run, for scripts). The runs of all specs are
// read and analysed over a worker pool, one worker per core.
import * as os from 'os';
import * as path from 'path';
import { setImmediate as between } from 'timers/promises';
import { analyzeSpec, SpecAnalysis } from '../engine/specAnalysis';
import { fileUri } from '../nodeFileSystem';
import { DataWorkerPool } from '../results/dataPool';
import { DiskTableCache } from '../results/diskTableCache';
import { executeJob } from '../results/execute';
import { buildReport } from '../results/report';
import { DataRunner, StudySession } from '../results/study';
import { summarize, summarizeBuilds } from '../results/summaries';
import { buildResults } from '../results/builds';
import { useDiskCache } from '../results/tableCache';
import { Context, count, plural, printDiagnostics, shownPath, VERSION } from './context';
import { Progress } from './progress';
import { specFiles } from './specFiles';

/** Specs analysed (engine and data) at once: enough to keep every worker busy, few enough to hold. */
const SPECS_IN_FLIGHT = 16;

type Mode = 'text' | 'json' | 'ndjson';

interface Analysed { given: string; a?: SpecAnalysis; study: StudySession }

export async function analyze(ctx: Context): Promise<number> {
  const mode: Mode = ctx.flags.has('--ndjson') ? 'ndjson' : ctx.flags.has('--json') ? 'json' : 'text';
  const threads = ctx.values.jobs === undefined ? os.availableParallelism() : Number(ctx.values.jobs);
  if (!Number.isInteger(threads) || threads < 1) { ctx.out(`--jobs ${ctx.values.jobs}: give a whole number of workers (1 or more)`); return 2; }
  if (mode === 'ndjson' && ctx.flags.has('--json')) { ctx.out('--json and --ndjson: choose one'); return 2; }
  const progress = Progress.forTerminal(0, 'runs');
  const cacheDir = ctx.values.cache === undefined ? undefined : path.resolve(ctx.values.cache);
  // One spec with one run gains nothing from workers and waits for one to start (~50 ms, part of
  // it overlapped: the runner is made first, its first worker starting while the specs are found
  // and analysed). In this thread only when asked for (--jobs 1): a worker has a watchdog, this thread none.
  const runner = progressRunner(threads, ctx, progress, cacheDir, ctx.values.jobs !== undefined);
  try {
    return await analyzeWith(ctx, mode, runner, progress);
  } finally {
    runner.dispose();
  }
}

async function analyzeWith(ctx: Context, mode: Mode, runner: DataRunner, progress: Progress): Promise<number> {
  const list = await specFiles(ctx.positionals, ctx.values.roots);
  if (mode === 'json' && list.specs.length > 1) { ctx.out(`--json prints one document for one spec; for ${list.specs.length} specs use --ndjson (one line per run)`); return 2; }
  const say = (file: string, severity: string, message: string) => (mode === 'text' ? ctx.out(`${file}: ${severity}: ${message}`) : ctx.out(JSON.stringify({ record: 'problem', spec: file, severity, message })));
  for (const w of list.warnings) say(w.file, 'warning', w.message);
  for (const p of list.problems) say(p.file, 'error', p.message);

  const tally = { errors: 0, warnings: 0, runs: 0, unreadable: 0 };
  await inOrder(list.specs, (given) => analyseOne(ctx, given, runner, progress), async (done) => {
    progress.clear();
    await print(ctx, mode, done, tally, list.specs.length > 1);
  });
  if (mode === 'text' && (list.specs.length > 1 || tally.unreadable === 0)) {
    const specs = list.specs.length > 1 ? `${plural(list.specs.length, 'spec')}, ` : '';
    ctx.out(`${specs}${plural(tally.runs, 'run')} with data analysed: ${plural(tally.errors, 'error')}, ${plural(tally.warnings, 'warning')}`);
  }
  if (tally.unreadable || list.problems.length) return 2;
  return tally.errors ? 1 : 0;
}

/** The engine's analysis of one spec and its data results (in a study session of its own, so nothing is held after it is printed). */
async function analyseOne(ctx: Context, given: string, runner: DataRunner, progress: Progress): Promise<Analysed> {
  const study = new StudySession(runner, { rootsFor: () => ctx.allowed });
  const a = analyzeSpec(ctx.ws, fileUri(given), { plausibility: ctx.plausibility });
  if (a) {
    progress.grow(study.jobsOf(a).length);
    await study.refresh(a, VERSION);
  }
  return { given, a, study };
}

/**
 * Prints one spec's results. It gives way to the event loop after each run (`between`, a
 * turn of it: the workers' messages are handled): a spec's report takes tens to hundreds of ms
 * to write, and meanwhile the pool's workers, whose
 * answers wait in this thread's queue, would run out of runs.
 */
async function print(ctx: Context, mode: Mode, { given, a, study }: Analysed, tally: { errors: number; warnings: number; runs: number; unreadable: number }, several: boolean): Promise<void> {
  if (!a) {
    tally.unreadable++;
    if (mode === 'text') ctx.out(`${given}: error: cannot read the file`);
    else if (mode === 'json') ctx.out(JSON.stringify({ error: `cannot read ${given}` }));
    else ctx.out(JSON.stringify({ record: 'problem', spec: given, severity: 'error', message: 'cannot read the file' }));
    return;
  }
  const diagnostics = study.diagnostics(a, VERSION);
  const outcomes = study.outcomes(a.file.uri, VERSION) ?? [];
  tally.errors += count(diagnostics, 'error');
  tally.warnings += count(diagnostics, 'warning');
  tally.runs += outcomes.length;
  if (mode !== 'text') {
    const report = buildReport(a, diagnostics, outcomes, { points: ctx.flags.has('--points') });
    if (mode === 'json') { ctx.out(JSON.stringify(report, null, 2)); return; }
    // NDJSON: a line per run, then the spec's own line (its diagnostics and derived values).
    const { runs, ...spec } = report;
    for (const run of runs) { ctx.out(JSON.stringify({ record: 'run', spec: report.spec, ...run })); await between(); }
    ctx.out(JSON.stringify({ record: 'spec', ...spec, runs: runs.length }));
    return;
  }
  const shown = shownPath(a, given);
  if (several) ctx.out(`== ${shown}`);
  // Warnings too (a truncated row, a fit that did not converge): what check prints, analyze does not hide.
  printDiagnostics(ctx, a, shown, diagnostics, ['error', 'warning']);
  for (const { result: r } of outcomes) {
    ctx.out(`run ${r.run}  (${plural(r.files.length, 'file')})`);
    for (const line of summarize(r)) ctx.out(`  ${line.label}: ${line.text}`);
    for (const m of r.plan) ctx.out(`  plan: ${m}`);
    await between();
  }
  for (const { owner, lines } of summarizeBuilds(buildResults(a, outcomes))) {
    ctx.out(owner);
    for (const line of lines) ctx.out(`  ${line.label}: ${line.text}`);
  }
}

/**
 * The pool of `threads` workers (the jobs in this thread when one worker was asked for), counting
 * each finished run on the progress bar. A reader caught in a loop on a damaged file is stopped by
 * the pool's watchdog; in this thread nothing can stop it, so that is only on request.
 */
function progressRunner(threads: number, ctx: Context, progress: Progress, cacheDir: string | undefined, asked: boolean): DataRunner {
  if (threads === 1 && asked) {
    if (cacheDir) useDiskCache(new DiskTableCache(cacheDir));
    return {
      async run(_key, jobs) {
        const out = [];
        for (const job of jobs) { out.push(await executeJob(job, new AbortController().signal)); progress.step(0); }
        return out;
      },
      dispose: () => useDiskCache(undefined),
    };
  }
  const pool = new DataWorkerPool((m) => { progress.clear(); ctx.err(m); }, threads, cacheDir, { order: 'arrival' });
  pool.prestart();
  return { run: (key, jobs) => pool.run(key, jobs, () => progress.step(0)), dispose: () => pool.dispose() };
}

/**
 * Work on up to SPECS_IN_FLIGHT items at once, and hand each result on in the order of `items`
 * as soon as it and those before it are done (output is deterministic and still streams).
 */
async function inOrder<T, R>(items: T[], work: (item: T) => Promise<R>, done: (r: R) => Promise<void>): Promise<void> {
  const pending = new Map<number, Promise<R>>();
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    pending.set(i, work(items[i]));
    while (pending.size >= SPECS_IN_FLIGHT || (i === items.length - 1 && pending.size)) {
      await done(await pending.get(next)!);
      pending.delete(next++);
    }
  }
}

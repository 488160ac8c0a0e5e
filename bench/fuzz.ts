// The fuzz campaign (`npm run fuzz`): fast-check over every target of test/helpers/fuzz/targets.ts
// (the spec engine and every editor feature, the circuit parser and the fit, every reader, text and
// binary) for a budget of cases, spread over the targets by weight and cut into seeded batches that
// worker threads run. Each case runs under a watchdog: a worker that gives no answer within the
// limit is terminated and its case kept as a hang. A failing case is shrunk by fast-check and saved
// as a regression case (test/fuzz-regressions/<target>/<hash>.json) that `npm test` replays.
//
//   node out/bench/fuzz.js [--cases=100000] [--seed=<n>] [--workers=<n>] [--targets=a,b] [--batch=200]
//                          [--case-timeout=30000] [--out=<dir>] [--report=<file>]
//
// Prints progress every 15 s and a summary: cases per target, time, failures. Exits 1 when it
// found anything. Ctrl-C (SIGINT) or SIGTERM stops it: the summary then counts the cases run.
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { SCRATCH_ENV } from '../test/helpers/fuzz/dataInputs';
import { REGRESSIONS, Regression, saveRegression } from '../test/helpers/fuzz/regressions';
import { TARGETS, target } from '../test/helpers/fuzz/targets';

export interface CampaignOptions {
  cases: number;
  seed: number;
  workers: number;
  targets?: string[];
  batch: number;
  caseTimeoutMs: number;
  /** Where findings are saved. */
  out: string;
  /** Progress lines (none when undefined). */
  log?: (line: string) => void;
  progressEveryMs?: number;
  /** Stops the campaign: the cases in flight are counted, no batch is started. */
  signal?: AbortSignal;
}

export interface TargetSummary { target: string; planned: number; cases: number; ms: number; failures: number; hangs: number; died: number }
export interface Finding { target: string; kind: Regression['kind']; error: string; file: string; signature: string; seen: number }
export interface CampaignSummary { seed: number; cases: number; ms: number; workers: number; interrupted: boolean; targets: TargetSummary[]; findings: Finding[] }

interface Batch { target: string; index: number; seed: number; runs: number }
type ToWorker = Batch;
type FromWorker =
  | { kind: 'start'; shrinking: boolean; value: unknown; recipe?: unknown }
  | { kind: 'phase'; phase: string }
  | { kind: 'done'; runs: number; failure?: { value: unknown; recipe?: unknown; error: string; seed: number; path?: string; shrinks: number } };

/** A 32-bit seed for batch `index` of a target, from the campaign's seed (FNV-1a over both). */
export function batchSeed(seed: number, name: string, index: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (const c of `${name}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** The batches of a campaign, interleaved over the targets so that every target is reached early. */
export function plan(o: Pick<CampaignOptions, 'cases' | 'seed' | 'targets' | 'batch'>): { batches: Batch[]; planned: Map<string, number> } {
  const chosen = o.targets?.length ? o.targets.map(target) : TARGETS;
  const total = chosen.reduce((n, t) => n + t.weight, 0);
  const planned = new Map(chosen.map((t) => [t.name, Math.max(1, Math.round((o.cases * t.weight) / total))]));
  const perTarget = chosen.map((t) => {
    const n = planned.get(t.name)!;
    return Array.from({ length: Math.ceil(n / o.batch) }, (_, i): Batch => ({ target: t.name, index: i, seed: batchSeed(o.seed, t.name, i), runs: Math.min(o.batch, n - i * o.batch) }));
  });
  const batches: Batch[] = [];
  for (let i = 0; perTarget.some((b) => i < b.length); i++) for (const b of perTarget) if (i < b.length) batches.push(b[i]);
  return { batches, planned };
}

/** The first lines of an error, without the frames of fast-check and Node. */
function describe(e: unknown): string {
  const s = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  return s.split('\n').filter((l) => !/node_modules|node:internal|\(node:/.test(l)).slice(0, 12).join('\n').slice(0, 4000);
}

/** The same bug found twice gives the same signature: the message without numbers and quotes, and where in our code it was thrown. */
function signature(targetName: string, kind: string, error: string): string {
  const lines = error.split('\n');
  const message = lines[0].replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '…').replace(/\d+(\.\d+)?/g, '#').slice(0, 160);
  const frame = lines.find((l) => /[/\\]server[/\\]/.test(l))?.replace(/:\d+:\d+\)?$/, '').replace(/^\s*at\s+/, '').replace(/.*[/\\](server[/\\])/, '$1') ?? '';
  return `${targetName} ${kind} ${message} @ ${frame}`;
}

// ---------------------------------------------------------------------------------------------
// Worker side: runs batches with fast-check, says when each case starts.

function workerMain(): void {
  const post = (m: FromWorker) => parentPort!.postMessage(m);
  parentPort!.on('message', async (b: ToWorker) => {
    const t = target(b.target);
    let failed = false;
    // The last failing case is fast-check's counterexample (the smallest it shrank to); kept as run.
    let lastFailure: { value: unknown; recipe?: unknown } | undefined;
    const property = fc.asyncProperty(t.arbitrary, async (recipe) => {
      const value = t.freeze ? t.freeze(recipe) : recipe;
      const made = value === recipe ? {} : { recipe };
      post({ kind: 'start', shrinking: failed, value, ...made });
      try {
        await t.run(value, (phase) => post({ kind: 'phase', phase }));
      } catch (e) {
        failed = true;
        lastFailure = { value, ...made };
        throw e;
      }
    });
    const d = await fc.check(property, { seed: b.seed, numRuns: b.runs });
    post({
      kind: 'done', runs: d.numRuns,
      failure: d.failed ? { ...(lastFailure ?? { value: (d.counterexample as unknown[] | null)?.[0] }), error: describe(d.errorInstance), seed: d.seed, path: d.counterexamplePath ?? undefined, shrinks: d.numShrinks } : undefined,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Main side: a pool of workers, a watchdog per case, findings saved as they come.

export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const { batches, planned } = plan(o);
  const stats = new Map<string, TargetSummary>([...planned].map(([name, n]) => [name, { target: name, planned: n, cases: 0, ms: 0, failures: 0, hangs: 0, died: 0 }]));
  const findings = new Map<string, Finding>();
  const t0 = performance.now();
  let next = 0, cases = 0;
  const total = [...planned.values()].reduce((a, b) => a + b, 0);
  const stopped = () => o.signal?.aborted === true;
  // The workers' generated and damaged files, in one directory removed at the end (a terminated worker cleans nothing up).
  const scratch = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'cellspec-fuzz-campaign-'));
  const workerEnv = { ...process.env, [SCRATCH_ENV]: scratch };

  const record = (b: Batch, kind: Regression['kind'], error: string, value: unknown, recipe: unknown, extra: Partial<Regression['found']> = {}) => {
    const st = stats.get(b.target)!;
    if (kind === 'crash') st.failures++; else if (kind === 'hang') st.hangs++; else st.died++;
    const sig = signature(b.target, kind, error);
    const seen = findings.get(sig);
    if (seen) { seen.seen++; return; }
    const file = saveRegression({ target: b.target, kind, error, value, ...(recipe === undefined ? {} : { recipe }), found: { date: new Date().toISOString(), campaignSeed: o.seed, batchSeed: b.seed, ...extra } }, o.out);
    findings.set(sig, { target: b.target, kind, error: error.split('\n')[0], file, signature: sig, seen: 1 });
    o.log?.(`  FOUND ${kind} in ${b.target}: ${error.split('\n')[0].slice(0, 200)}\n        kept as ${path.relative(process.cwd(), file)}`);
  };

  const progress = o.log && setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    const per = [...stats.values()].map((x) => `${x.target} ${x.cases}`).join(', ');
    o.log!(`[${s.toFixed(0)} s] ${cases.toLocaleString('en')} of ${total.toLocaleString('en')} cases (${(cases / Math.max(s, 1e-3)).toFixed(1)}/s), ${findings.size} finding(s); ${per}`);
  }, o.progressEveryMs ?? 15_000);

  /** One worker: takes batches until none is left; a hang or a death ends it and another takes over. */
  const lane = async (): Promise<void> => {
    while (next < batches.length && !stopped()) {
      const again = await new Promise<boolean>((resolve) => {
        const w = new Worker(__filename, { workerData: { fuzzCampaign: true }, env: workerEnv, resourceLimits: { maxOldGenerationSizeMb: 3072, stackSizeMb: 1 } });
        let current: Batch | undefined, started = 0, batchStart = 0, value: unknown, recipe: unknown, phase = 'starting', timer: NodeJS.Timeout | undefined, over = false, inFlight = false;
        const onAbort = () => {
          if (inFlight) account();
          finish(false);
        };
        const finish = (more: boolean) => {
          if (over) return;
          over = true;
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          void w.terminate();
          resolve(more);
        };
        o.signal?.addEventListener('abort', onAbort, { once: true });
        const take = () => {
          if (next >= batches.length || stopped()) return finish(false);
          current = batches[next++];
          started = 0;
          batchStart = performance.now();
          inFlight = true;
          w.postMessage(current);
        };
        const account = () => {
          inFlight = false;
          const st = stats.get(current!.target)!;
          st.cases += started;
          st.ms += performance.now() - batchStart;
          cases += started;
        };
        w.on('online', take);
        w.on('message', (m: FromWorker) => {
          if (m.kind === 'phase') { phase = m.phase; return; }
          if (m.kind === 'start') {
            if (!m.shrinking) started++;
            value = m.value;
            recipe = m.recipe;
            phase = 'starting';
            clearTimeout(timer);
            timer = setTimeout(() => {
              account();
              record(current!, 'hang', `no answer within ${o.caseTimeoutMs / 1000} s (the watchdog's limit), still in ${phase}; terminated`, value, recipe);
              finish(true);
            }, o.caseTimeoutMs);
            return;
          }
          clearTimeout(timer);
          started = Math.max(started, m.runs);
          account();
          if (m.failure) record(current!, 'crash', m.failure.error, m.failure.value, m.failure.recipe, { path: m.failure.path, shrinks: m.failure.shrinks });
          take();
        });
        const died = (why: string) => {
          if (over) return;
          if (current) {
            account();
            record(current, 'died', `the worker died: ${why}`, value, recipe);
          }
          finish(true);
        };
        w.on('error', (e) => died(e.stack ?? e.message));
        w.on('exit', (code) => died(`exit code ${code}`));
      });
      if (!again) break;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.workers) }, lane));
  } finally {
    if (progress) clearInterval(progress);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { seed: o.seed, cases, ms: performance.now() - t0, workers: o.workers, interrupted: stopped(), targets: [...stats.values()], findings: [...findings.values()] };
}

export function printSummary(s: CampaignSummary, log: (line: string) => void): void {
  const w = Math.max(...s.targets.map((t) => t.target.length), 6);
  log(`\n${'target'.padEnd(w)}  ${'planned'.padStart(8)}  ${'cases'.padStart(8)}  ${'time s'.padStart(8)}  ${'ms/case'.padStart(8)}  crashes  hangs  died`);
  for (const t of s.targets) {
    log(`${t.target.padEnd(w)}  ${String(t.planned).padStart(8)}  ${String(t.cases).padStart(8)}  ${(t.ms / 1000).toFixed(0).padStart(8)}  ${(t.ms / Math.max(t.cases, 1)).toFixed(1).padStart(8)}  ${String(t.failures).padStart(7)}  ${String(t.hangs).padStart(5)}  ${String(t.died).padStart(4)}`);
  }
  log(`\n${s.interrupted ? 'interrupted after ' : ''}${s.cases.toLocaleString('en')} cases in ${(s.ms / 60000).toFixed(1)} min with ${s.workers} worker(s), seed ${s.seed}; ${s.findings.length} distinct finding(s)`);
  for (const f of s.findings) log(`  ${f.kind} in ${f.target} (${f.seen}x): ${f.error.slice(0, 200)}\n    ${f.file}`);
}

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as [string, string]; }));
  const known = ['cases', 'seed', 'workers', 'targets', 'batch', 'case-timeout', 'out', 'report'];
  const unknown = [...args.keys()].filter((k) => !known.includes(k));
  if (unknown.length) { console.error(`unknown option(s) ${unknown.map((k) => `--${k}`).join(', ')}; options: ${known.map((k) => `--${k}`).join(' ')}`); process.exit(2); }
  const o: CampaignOptions = {
    cases: Number(args.get('cases') ?? 100_000),
    seed: Number(args.get('seed') ?? (Date.now() % 2 ** 31)),
    workers: Number(args.get('workers') ?? Math.max(1, Math.min(4, os.cpus().length - 1))),
    targets: args.get('targets')?.split(',').filter(Boolean),
    batch: Number(args.get('batch') ?? 200),
    caseTimeoutMs: Number(args.get('case-timeout') ?? 30_000),
    out: path.resolve(args.get('out') ?? REGRESSIONS),
    log: (l) => console.log(l),
  };
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { console.log(`\n${sig}: stopping, the summary counts the cases run`); stop.abort(); });
  o.signal = stop.signal;
  if (![o.cases, o.seed, o.workers, o.batch, o.caseTimeoutMs].every((x) => Number.isInteger(x) && x >= 0) || o.cases < 1) { console.error('--cases, --seed, --workers, --batch and --case-timeout take whole numbers'); process.exit(2); }
  const report = path.resolve(args.get('report') ?? path.join(__dirname, '..', 'fuzz-report.json'));
  console.log(`fuzz campaign: ${o.cases.toLocaleString('en')} cases over ${(o.targets ?? TARGETS.map((t) => t.name)).length} targets, seed ${o.seed}, ${o.workers} worker(s), batches of ${o.batch}, watchdog ${o.caseTimeoutMs / 1000} s per case; node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`replay a run with --seed=${o.seed}; findings go to ${o.out}\n`);
  runCampaign(o).then((s) => {
    printSummary(s, (l) => console.log(l));
    fs.mkdirSync(path.dirname(report), { recursive: true });
    fs.writeFileSync(report, JSON.stringify({ date: new Date().toISOString(), node: process.version, loadAverageAtEnd: os.loadavg(), ...s }, null, 2) + '\n');
    console.log(`\nreport written to ${report}`);
    process.exit(s.findings.length ? 1 : 0);
  }, (e) => { console.error('fuzz campaign failed:', e instanceof Error ? e.stack : e); process.exit(3); });
}

// A worker of the campaign, not any thread that imports this file (test/fuzz.test.ts runs its own workers).
if (!isMainThread && (workerData as { fuzzCampaign?: boolean } | null)?.fuzzCampaign) workerMain();
else if (require.main === module) main();

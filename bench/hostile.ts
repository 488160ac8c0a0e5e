// The engine on hostile inputs (test/helpers/hostileInputs.ts, the fuzz test's cases): for each
// case, the check (parse, interpret, analyse, diagnostics: what the server does on open) and the
// derived values, over every text of the case. Prints the figures, the goal for a 10 MB line
// (checked in under 0.3 s) with MET / NOT MET, and each case's watchdog in the fuzz test with its
// margin over the figure (at least 10x wanted, so a loaded machine does not fail the test).
//
//   node --expose-gc --max-old-space-size=4096 out/bench/hostile.js [--runs=3] [--only=<substring>]
//
// Results: a table on stdout and out/bench-hostile.json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { FILES, HOSTILE, HostileCase, hostileTexts } from '../test/helpers/hostileInputs';
import { analyzeText } from '../test/helpers/memoryWorkspace';

const ROOT = path.resolve(__dirname, '../..');
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as [string, string]; }));
const RUNS = Number(args.get('runs') ?? 3);
const ONLY = args.get('only');
const GOAL_MS = 300;
const MIN_MARGIN = 10;

interface Figures { check: number; derived: number; diagnostics: number }
interface Row {
  name: string; texts: number; chars: number; diagnostics: number;
  /** Medians over the runs, ms, summed over the case's texts. */
  checkMs: number; derivedMs: number; totalMs: number;
  watchdogMs: number; margin: number; goal?: { limitMs: number; met: boolean };
}

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** One run over every text: the check, then the derived values (computed on first use). */
function measure(texts: string[]): Figures {
  const f: Figures = { check: 0, derived: 0, diagnostics: 0 };
  for (const text of texts) {
    gc?.();
    const t0 = performance.now();
    const a = analyzeText(text, FILES);
    const t1 = performance.now();
    void a.derived;
    f.derived += performance.now() - t1;
    f.check += t1 - t0;
    f.diagnostics += a.diagnostics.length;
  }
  return f;
}

function benchCase(c: HostileCase): Row {
  const texts = hostileTexts(c);
  measure(texts); // warm-up: compiled code, not a cold start, is what the figure is about
  const runs = Array.from({ length: RUNS }, () => measure(texts));
  const checkMs = median(runs.map((r) => r.check)), derivedMs = median(runs.map((r) => r.derived));
  const totalMs = median(runs.map((r) => r.check + r.derived));
  const tenMbLine = /^10 MB single line/.test(c.name);
  return {
    name: c.name, texts: texts.length, chars: texts.reduce((n, t) => n + t.length, 0), diagnostics: runs[0].diagnostics,
    checkMs, derivedMs, totalMs, watchdogMs: c.watchdogMs, margin: c.watchdogMs / Math.max(totalMs, 1e-3),
    goal: tenMbLine ? { limitMs: GOAL_MS, met: checkMs < GOAL_MS } : undefined,
  };
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0));

function main() {
  console.log(`engine on hostile inputs: ${RUNS} runs after a warm-up, medians; node ${process.version}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${gc ? '' : ' (no --expose-gc: garbage of one case may be collected in the next)'}\n`);
  const rows: Row[] = [];
  const cases = HOSTILE.filter((c) => !ONLY || c.name.includes(ONLY));
  const width = Math.max(...cases.map((c) => c.name.length));
  console.log(`${'case'.padEnd(width)}  ${'chars'.padStart(9)}  ${'diags'.padStart(7)}  ${'check ms'.padStart(9)}  ${'+derived'.padStart(9)}  ${'watchdog'.padStart(9)}  margin`);
  for (const c of cases) {
    const r = benchCase(c);
    rows.push(r);
    const low = r.margin < MIN_MARGIN ? `  TOO SMALL (want ≥ ${MIN_MARGIN}x)` : '';
    console.log(`${r.name.padEnd(width)}  ${String(r.chars).padStart(9)}  ${String(r.diagnostics).padStart(7)}  ${ms(r.checkMs).padStart(9)}  ${ms(r.derivedMs).padStart(9)}  ${(r.watchdogMs / 1000 + ' s').padStart(9)}  ${r.margin.toFixed(0)}x${low}`);
  }

  console.log(`\ngoal: a 10 MB single line checked in under ${GOAL_MS / 1000} s`);
  for (const r of rows.filter((x) => x.goal)) console.log(`  ${r.name.padEnd(width)}  ${ms(r.checkMs).padStart(9)} ms  ${r.goal!.met ? 'MET' : 'NOT MET'}`);
  const thin = rows.filter((r) => r.margin < MIN_MARGIN);
  console.log(`\nwatchdogs of test/fuzz.test.ts: ${thin.length ? `${thin.length} with a margin under ${MIN_MARGIN}x: ${thin.map((r) => r.name).join('; ')}` : `every margin is at least ${MIN_MARGIN}x (smallest ${Math.min(...rows.map((r) => r.margin)).toFixed(0)}x)`}`);
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine skews the figures)`);

  const out = path.join(ROOT, 'out/bench-hostile.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cpus: os.cpus().length, runs: RUNS, loadAverageAtEnd: os.loadavg(), goalMs: GOAL_MS, minMargin: MIN_MARGIN, rows }, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(ROOT, out)}`);
}

main();

// Fuzzing the engine (parse + analysis) with fast-check: random text of every kind, mutated
// examples, and hostile inputs (test/helpers/hostileInputs.ts: 10 MB lines, deep nesting, broken
// strings, lone surrogates, NUL, CR-only line endings). The engine must never throw and must
// return an analysis whose diagnostics lie inside the text. Then the campaign of `npm run fuzz`
// (bench/fuzz.ts) in miniature, a fixed seeded budget over every one of its targets (the
// editor's features, the circuit parser and the fit, every reader), and every finding the
// campaign ever kept (test/fuzz-regressions/) replayed through its target.
//
// Every test runs in a worker thread under a watchdog: a case that gives no result in time is
// terminated and fails as hung, instead of freezing the suite. No test measures how long the
// engine takes (that is `npm run bench`, bench/hostile.ts); each watchdog's limit is at least
// ten times the bench's figure for its case, so a loaded machine does not make a test fail.
// Reproduce or deepen a run with the environment:
//   FUZZ_SEED=<n>   the fast-check seed (default fixed, so runs are repeatable)
//   FUZZ_SCALE=<x>  multiply the number of random runs (default 1)
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { runCampaign } from '../bench/fuzz';
import { editDistance } from '../server/engine/suggest';
import { SCRATCH_ENV } from './helpers/fuzz/dataInputs';
import { loadRegressions, REGRESSIONS } from './helpers/fuzz/regressions';
import { target, TARGETS } from './helpers/fuzz/targets';
import { checkEngine as check } from './helpers/fuzz/engineOracle';
import { codePoint, codeUnit, lineEnding, mutate, mutations, tokenSoup } from './helpers/fuzz/specInputs';
import { FILES, HOSTILE, hostileTexts, MATERIALS, STUDY } from './helpers/hostileInputs';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_ce11;
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/**
 * A property runs its fixed number of cases whatever the machine's load (no time budget that
 * would quietly run fewer). The largest takes about 10 s on a loaded 2-core machine; the watchdog
 * is there for a hang only.
 */
const PROPERTY_WATCHDOG_MS = 240_000 * Math.max(1, SCALE);

const checkEngine = (text: string, files: Record<string, string> = FILES, phase?: (what: string) => void) => check(text, files, phase);

// ---------------------------------------------------------------------------------------------
// The invariants (test/helpers/fuzz/engineOracle.ts) and the arbitraries (test/helpers/fuzz/specInputs.ts)
// are the campaign's (`npm run fuzz`); here they run a fixed, seeded budget.

/** Optimal string alignment distance over the full matrix: the reference for the banded one. */
function fullDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// ---------------------------------------------------------------------------------------------
// The random properties, by suite and name (the worker runs one by its name)

function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: runs(numRuns) };
}

const HEADS = ['study "s"', 'material M', 'composite C', 'cell c symmetric', 'cell c full', 'protocol p ccd', 'protocol p strip',
  'protocol p sand', 'protocol p cycling', 'protocol p rate', 'protocol p eis', 'run ccd-ramp on sym-Li'];
const nearWord = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', '-'), maxLength: 40 });

const RANDOM = 'fuzz: random text never breaks the engine';
const MUTATED = 'fuzz: mutated examples never break the engine';
const SUGGESTIONS = 'fuzz: did-you-mean suggestions';

const PROPERTIES: { suite: string; name: string; run: () => void }[] = [
  { suite: RANDOM, name: 'random printable ASCII', run: () => fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => { checkEngine(s); }), params(300)) },
  { suite: RANDOM, name: 'random unicode graphemes', run: () => fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => { checkEngine(s); }), params(200)) },
  { suite: RANDOM, name: 'random code points of the whole unicode range', run: () => fc.assert(fc.property(fc.string({ unit: codePoint, maxLength: 200 }), (s) => { checkEngine(s); }), params(200)) },
  { suite: RANDOM, name: 'random UTF-16 code units: lone surrogates, NUL, CR', run: () => fc.assert(fc.property(fc.string({ unit: codeUnit, maxLength: 300 }), (s) => { checkEngine(s); }), params(300)) },
  { suite: RANDOM, name: 'random sequences of the language\'s own words, numbers, units and punctuation', run: () => fc.assert(fc.property(tokenSoup, (s) => { checkEngine(s); }), params(500)) },
  { suite: RANDOM, name: 'token soup inside a declaration block of each kind', run: () => fc.assert(fc.property(fc.constantFrom(...HEADS), tokenSoup, fc.boolean(), (head, body, closed) => {
    checkEngine(`import "materials.cellspec"\n${head} {\n${body}${closed ? '\n}' : ''}\n`);
  }), params(1500)) },
  { suite: MUTATED, name: 'the study with slices deleted, inserted, duplicated, overwritten, braces swapped, words dropped', run: () => fc.assert(fc.property(fc.limitShrink(mutations, 200), (ms) => { checkEngine(mutate(STUDY, ms)); }), params(500)) },
  { suite: MUTATED, name: 'the study mutated, with other line endings', run: () => fc.assert(fc.property(fc.limitShrink(mutations, 100), lineEnding, (ms, eol) => { checkEngine(mutate(STUDY, ms).replace(/\r?\n/g, eol)); }), params(100)) },
  { suite: MUTATED, name: 'the imported materials mutated, the study unchanged', run: () => fc.assert(fc.property(fc.limitShrink(mutations, 100), (ms) => { checkEngine(STUDY, { 'materials.cellspec': mutate(MATERIALS, ms) }); }), params(150)) },
  { suite: SUGGESTIONS, name: 'the banded edit distance agrees with the full one up to its limit', run: () => fc.assert(fc.property(nearWord, nearWord, fc.nat({ max: 20 }), (a, b, max) => {
    assert.equal(editDistance(a, b, max), Math.min(fullDistance(a, b), max + 1), `distance of '${a}' and '${b}' with limit ${max}`);
  }), params(3000)) },
];

// ---------------------------------------------------------------------------------------------
// Workers: one test per worker, under a watchdog

type Job = { suite: 'hostile' | 'property' | 'regression'; name: string };
type WorkerResult = { ok: true } | { ok: false; error: string };

/** Worker side: runs the job, tells each phase as it starts, reports. */
async function workerMain() {
  const job = workerData as Job;
  const say = (started: string) => parentPort!.postMessage({ started });
  try {
    if (job.suite === 'property') {
      say('the property');
      PROPERTIES.find((p) => p.name === job.name)!.run();
    } else if (job.suite === 'regression') {
      const { regression: r } = loadRegressions().find((x) => x.file === job.name)!;
      say(`the case of ${path.basename(job.name)}`);
      await target(r.target).run(r.value, say);
    } else {
      say('building the input');
      const texts = hostileTexts(HOSTILE.find((h) => h.name === job.name)!);
      texts.forEach((text, k) => {
        try {
          checkEngine(text, FILES, (what) => say(`${what} of text ${k + 1} of ${texts.length}`));
        } catch (e) {
          throw new Error(`text ${k + 1} of ${texts.length} (length ${text.length}, starts ${JSON.stringify(text.slice(0, 60))}): ${(e as Error).stack ?? e}`);
        }
      });
    }
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
  }
}

/**
 * Main side: runs one job in a worker, terminated when it has not reported after `watchdogMs`.
 * Resolves once the worker has exited, so the next job runs on an idle CPU.
 */
function runInWorker(job: Job, watchdogMs: number): Promise<WorkerResult> {
  return new Promise((resolve) => {
    // The stack of the server's main thread (about 1 MB), not a worker's default 4 MB, which would hide a stack overflow.
    const w = new Worker(__filename, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: 4096, stackSizeMb: 1 } });
    let result: WorkerResult | undefined;
    let phase = 'starting';
    const finish = (r: WorkerResult) => {
      if (result) return;
      result = r;
      clearTimeout(watchdog);
      void w.terminate();
    };
    const watchdog = setTimeout(() => finish({ ok: false, error: `hung: no result after ${watchdogMs / 1000} s (the watchdog's limit), still in ${phase}; terminated` }), watchdogMs);
    w.on('message', (m: { started?: string } & WorkerResult) => {
      if (m.started) phase = m.started;
      else finish(m);
    });
    w.on('error', (e) => finish({ ok: false, error: `worker failed: ${e.stack ?? e.message}` }));
    w.on('exit', (code) => {
      finish({ ok: false, error: `worker exited with code ${code} before reporting` });
      resolve(result!);
    });
  });
}

/** Runs jobs with at most `limit` at a time; each result is available as soon as it is done. */
function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T>[] {
  const results: Promise<T>[] = [];
  let running = 0;
  const queue: (() => void)[] = [];
  for (const job of jobs) {
    results.push(new Promise<T>((resolve, reject) => {
      const start = () => {
        running++;
        job().then(resolve, reject).finally(() => { running--; queue.shift()?.(); });
      };
      if (running < limit) start(); else queue.push(start);
    }));
  }
  return results;
}

/** A kept finding is replayed under this watchdog: a hang was found by the campaign's 30 s one. */
const REGRESSION_WATCHDOG_MS = 120_000;
/** An open hang never ends: a few seconds show it still hangs (its cases read in milliseconds when they work). */
const OPEN_HANG_WATCHDOG_MS = 10_000;
/** The campaign in miniature: this many cases for each target on average (spread by the targets' weights), on two workers. */
const CASES_PER_TARGET = 16;
/** Per case: the campaign's own watchdog, with room for a loaded machine. */
const CASE_WATCHDOG_MS = 60_000;

const expectOk = (r: WorkerResult) => {
  if (!r.ok) assert.fail(r.error);
};

// Mocha's own timeouts sit above the watchdogs, which are what detects a hang.
const MOCHA_MARGIN_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Tests

function registerTests() {
  // The data files the replayed cases write, in one directory removed at the end (a terminated worker cleans nothing up).
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-fuzz-test-'));
  process.env[SCRATCH_ENV] = scratch;
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  for (const suite of [...new Set(PROPERTIES.map((p) => p.suite))]) {
    describe(suite, function () {
      this.timeout(PROPERTY_WATCHDOG_MS + MOCHA_MARGIN_MS);
      for (const p of PROPERTIES.filter((x) => x.suite === suite)) {
        it(p.name, async () => expectOk(await runInWorker({ suite: 'property', name: p.name }, PROPERTY_WATCHDOG_MS)));
      }
    });
  }

  describe('fuzz: the campaign of `npm run fuzz` in miniature, a seeded budget over every target', function () {
    const cases = runs(CASES_PER_TARGET * TARGETS.length);
    // Every case in the campaign has its own watchdog; mocha's limit is for the whole run.
    this.timeout(cases * CASE_WATCHDOG_MS);
    it(`${cases} cases over the ${TARGETS.length} targets (${TARGETS.map((t) => t.name).join(', ')}): no crash, no hang, no worker dies`, async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-fuzz-findings-'));
      const s = await runCampaign({ cases, seed: SEED, workers: 2, batch: 25, caseTimeoutMs: CASE_WATCHDOG_MS, out });
      const findings = s.findings.map((f) => `${f.kind} in ${f.target}: ${f.error}\n  the case is in ${f.file}: move it to ${path.join(REGRESSIONS, f.target)}/ once fixed`);
      if (!findings.length) fs.rmSync(out, { recursive: true, force: true });
      assert.deepEqual(findings, [], `seed ${SEED}`);
      assert.equal(s.cases, s.targets.reduce((n, t) => n + t.planned, 0), 'every planned case ran');
    });
  });

  describe('fuzz: every finding of the campaign (test/fuzz-regressions/) stays fixed', function () {
    this.timeout(REGRESSION_WATCHDOG_MS + MOCHA_MARGIN_MS);
    const kept = loadRegressions();
    it('the campaign has kept findings to replay', () => assert.ok(kept.length > 0, `no regression case in ${REGRESSIONS}`));
    for (const { file, regression: r } of kept) {
      // What was done about it is in the file ("fixed").
      const title = `${r.target}/${path.basename(file)}: the ${r.kind} '${r.error.split('\n')[0].slice(0, 90)}'`;
      if (r.open) {
        // An open finding is replayed too: it must still fail as it was found (the day it passes,
        // its file should say "fixed"); what keeps it harmless meanwhile is tested where that
        // lives (a hang: the data worker's watchdog, test/dataPool.test.ts).
        it(`${title} is still open (${r.open})`, async () => {
          const got = await runInWorker({ suite: 'regression', name: file }, OPEN_HANG_WATCHDOG_MS);
          assert.ok(!got.ok, `${path.basename(file)} passes now: replace its "open" note by a "fixed" one`);
          if (r.kind === 'hang') assert.match(got.error, /^hung: /);
        });
      } else it(title, async () => expectOk(await runInWorker({ suite: 'regression', name: file }, REGRESSION_WATCHDOG_MS)));
    }
  });

  describe('fuzz: hostile inputs are checked without crashing or hanging', function () {
    // Light cases run in a pool of workers, started by the first of their tests (so a --grep that
    // selects only the 10 MB cases does not start them); the 10 MB cases run alone afterwards.
    const POOL = 3;
    const light = HOSTILE.filter((c) => !c.heavy);
    let results: Promise<WorkerResult>[] | undefined;
    const lightResult = (i: number) => (results ??= pool(light.map((c) => () => runInWorker({ suite: 'hostile', name: c.name }, c.watchdogMs)), POOL))[i];
    light.forEach((c, i) => it(c.name, async function () {
      // A case may wait for the ones ahead of it in the pool.
      this.timeout((Math.floor(i / POOL) + 1) * c.watchdogMs + MOCHA_MARGIN_MS);
      expectOk(await lightResult(i));
    }));
    for (const c of HOSTILE.filter((h) => h.heavy)) {
      it(c.name, async function () {
        this.timeout(c.watchdogMs + MOCHA_MARGIN_MS);
        expectOk(await runInWorker({ suite: 'hostile', name: c.name }, c.watchdogMs));
      });
    }
  });
}

if (isMainThread) registerTests(); else void workerMain();

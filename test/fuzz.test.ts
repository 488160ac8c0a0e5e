// Fuzzing the engine (parse + analysis) with fast-check: random text of every kind, mutated
// examples, and hostile inputs (test/helpers/hostileInputs.ts: 10 MB lines, deep nesting, broken
// strings, lone surrogates, NUL, CR-only line endings). The engine must never throw and must
// return an analysis whose diagnostics lie inside the text.
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
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { SpecAnalysis } from '../server/engine/specAnalysis';
import { editDistance } from '../server/engine/suggest';
import { Diagnostic } from '../server/engine/syntax';
import { FILES, HOSTILE, hostileTexts, MATERIALS, STUDY } from './helpers/hostileInputs';
import { analyzeText, MAIN_URI } from './helpers/memoryWorkspace';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_ce11;
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** fast-check stops a property (runs and shrinking) after this much time, so it reports before its watchdog. */
const PROPERTY_BUDGET_MS = 8000 * SCALE;
/** More than ten times the budget a property may use. */
const PROPERTY_WATCHDOG_MS = 12 * PROPERTY_BUDGET_MS;

// ---------------------------------------------------------------------------------------------
// The invariants

function outside(ds: Diagnostic[], n: number): string[] {
  const bad: string[] = [];
  for (const d of ds) {
    const spans = [{ what: 'range', start: d.start, end: d.end }, ...(d.fixes ?? []).map((f) => ({ what: 'fix', start: f.start, end: f.end })),
      ...(d.related ?? []).filter((r) => r.uri === MAIN_URI).map((r) => ({ what: 'related', start: r.start, end: r.end }))];
    for (const s of spans) {
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= n)) {
        bad.push(`${d.severity} ${d.code} ${s.what} [${s.start},${s.end}) with text length ${n}: ${d.message.slice(0, 120)}`);
      }
    }
  }
  return bad;
}

/**
 * Analyses `text`, reads its syntax tree and its derived values; throws (with a readable message)
 * when an invariant fails. `phase` is told before each engine call starts, so a watchdog can say
 * where a case hung.
 */
function checkEngine(text: string, files: Record<string, string> = FILES, phase: (what: string) => void = () => {}): SpecAnalysis {
  const bad: string[] = [];
  phase('analysis');
  const a = analyzeText(text, files);
  assert.ok(a && Array.isArray(a.diagnostics) && a.file.text === text, 'analyze returns an SpecAnalysis of the text');
  const tree = a.file.tree;
  assert.ok(tree && Array.isArray(tree.declarations) && Array.isArray(tree.diagnostics), 'parse returns a syntax tree');
  bad.push(...outside(tree.diagnostics, text.length));
  // Derived values may be computed on first use; they are part of the analysis all the same.
  phase('derived values');
  const derived = a.derived;
  assert.ok(Array.isArray(derived), 'the analysis has derived values');
  bad.push(...outside(a.diagnostics, text.length));
  for (const d of a.diagnostics) {
    assert.ok(typeof d.code === 'string' && d.code.length > 0 && typeof d.message === 'string', `diagnostic without code or message: ${JSON.stringify(d).slice(0, 200)}`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(d.severity), `bad severity ${d.severity}`);
  }
  for (const d of derived) {
    if (!(0 <= d.anchor.start && d.anchor.start <= d.anchor.end && d.anchor.end <= text.length)) bad.push(`derived ${d.key} anchor [${d.anchor.start},${d.anchor.end})`);
  }
  assert.deepEqual(bad.slice(0, 5), [], 'spans outside the text');
  return a;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any UTF-16 code unit: lone surrogates, NUL, CR, controls. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Pieces of the language, so random text gets past the lexer and exercises parser and checks. */
const WORDS = [
  'import', 'study', 'material', 'composite', 'cell', 'protocol', 'run', 'on', 'at', 'cycles', 'stop', 'short',
  'symmetric', 'half', 'full', 'ccd', 'strip', 'sand', 'cycling', 'rate', 'eis',
  'role', 'metal', 'alloy', 'carbon', 'binder', 'electrolyte', 'cathode', 'collector', 'formula', 'density', 'molar-mass',
  'capacity', 'window', 'D_eff', 'active', 'additive', 'ratio', 'thickness', 'diameter', 'area', 'pressure', 'temperature',
  'stack', 'loading', 'start', 'step', 'half-cycle', 'until', 'current', 'currents', 'cutoff', 'precycle', 'rates',
  'cycles-each', 'return', 'amplitude', 'frequencies', 'points-per-decade', 'every', 'data', 'format', 'note', '1C',
  'Li', 'LiIn', 'Cu', 'LPSC', 'NCM9', 'GMWNT', 'FG', 'PVDF', 'LNT10F', 'sym-Li', 'half-Li', 'full-Li', 'ccd-ramp', 'eis-strip',
];
const UNITS = ['mA/cm²', 'mA/cm2', 'mA/cm^2', 'mAh/cm²', 'mA h/cm²', 'µm', 'um', 'mm', 'cm²', 'MPa', 'bar', '°C', 'K', 'g/cm³', 'g/mol',
  'mAh/g', 'cm²/s', 'mg/cm²', 'wt%', '%', 'V', 'mV', 'h', 'min', 's', 'C', 'MHz', 'Hz', 'mA', 'Ω', 'kC', 'foo', 'm m'];
const PUNCT = ['{', '}', ';', ',', ':', '=', '|', '..', '±', '+/-', '"', '"materials.cellspec"', '"x"', '#', '\n', '\r', '\r\n', '-'];
const number = fc.oneof(
  fc.constantFrom('0', '1', '-0.4', '0.5', '15', '9.62e-10', '1e999', '-1e999', '1.', '.5', '-.5', '1e', '00', '1..2'),
  fc.double({ noNaN: true }).map((x) => String(x)),
  fc.integer().map(String),
);
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 3, arbitrary: fc.tuple(number, fc.constantFrom('', ' '), fc.option(fc.constantFrom(...UNITS), { nil: '' })).map(([n, s, u]) => n + s + u) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 2 }) },
);
const tokenSoup = fc.array(fc.tuple(token, fc.constantFrom(' ', ' ', ' ', '', '\n', '  ', '\t')), { maxLength: 120 })
  .map((ts) => ts.map(([t, s]) => t + s).join(''));

/** Mutations of a text: delete, insert, duplicate or overwrite a slice, swap a brace, drop a word. */
type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'swapBrace'; nth: number }
  | { kind: 'bytes'; at: number; text: string }
  | { kind: 'dropWord'; nth: number };

const insertion = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.string({ unit: codeUnit, maxLength: 10 }), tokenSoup.map((s) => s.slice(0, 60)));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertion }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('swapBrace' as const), nth: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), text: fc.string({ unit: codeUnit, minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('dropWord' as const), nth: fc.nat() }),
);

function mutate(text: string, ms: Mutation[]): string {
  for (const m of ms) {
    const n = text.length;
    switch (m.kind) {
      case 'delete': { const at = m.at % (n + 1); text = text.slice(0, at) + text.slice(at + m.len); break; }
      case 'insert': { const at = m.at % (n + 1); text = text.slice(0, at) + m.text + text.slice(at); break; }
      case 'duplicate': { const at = m.at % (n + 1), to = m.to % (n + 1); text = text.slice(0, to) + text.slice(at, at + m.len) + text.slice(to); break; }
      case 'bytes': { const at = m.at % (n + 1); text = text.slice(0, at) + m.text + text.slice(at + m.text.length); break; }
      case 'swapBrace': {
        const braces = [...text.matchAll(/[{}]/g)].map((x) => x.index!);
        if (!braces.length) break;
        const at = braces[m.nth % braces.length];
        text = text.slice(0, at) + (text[at] === '{' ? '}' : '{') + text.slice(at + 1);
        break;
      }
      case 'dropWord': {
        const words = [...text.matchAll(/\S+/g)];
        if (!words.length) break;
        const w = words[m.nth % words.length];
        text = text.slice(0, w.index!) + text.slice(w.index! + w[0].length);
        break;
      }
    }
  }
  return text;
}
const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });
const lineEnding = fc.constantFrom('\n', '\r', '\r\n');

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
  // A time budget, not a limit: the property stops (passing) when it runs out, so it always reports before its watchdog.
  return { seed: SEED, numRuns: runs(numRuns), plugins: [fc.interruptAfterTimeLimit(PROPERTY_BUDGET_MS)] } as fc.Parameters<unknown>;
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
  { suite: RANDOM, name: 'random code points of the whole unicode range', run: () => fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => { checkEngine(s); }), params(200)) },
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

type Job = { suite: 'hostile' | 'property'; name: string };
type WorkerResult = { ok: true } | { ok: false; error: string };

/** Worker side: runs the job, tells each phase as it starts, reports. */
function workerMain() {
  const job = workerData as Job;
  const say = (started: string) => parentPort!.postMessage({ started });
  try {
    if (job.suite === 'property') {
      say('the property');
      PROPERTIES.find((p) => p.name === job.name)!.run();
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

const expectOk = (r: WorkerResult) => {
  if (!r.ok) assert.fail(r.error);
};

// Mocha's own timeouts sit above the watchdogs, which are what detects a hang.
const MOCHA_MARGIN_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Tests

function registerTests() {
  for (const suite of [...new Set(PROPERTIES.map((p) => p.suite))]) {
    describe(suite, function () {
      this.timeout(PROPERTY_WATCHDOG_MS + MOCHA_MARGIN_MS);
      for (const p of PROPERTIES.filter((x) => x.suite === suite)) {
        it(p.name, async () => expectOk(await runInWorker({ suite: 'property', name: p.name }, PROPERTY_WATCHDOG_MS)));
      }
    });
  }

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

if (isMainThread) registerTests(); else workerMain();

// Fuzzing the engine (parse + analysis) with fast-check: random text of every kind, mutated
// examples, and hostile inputs (10 MB lines, deep nesting, broken strings, lone surrogates, NUL,
// CR-only line endings). The engine must never throw, must return an SpecAnalysis whose diagnostics
// lie inside the text, and must finish each case within 5 s.
//
// Hostile inputs run in a worker thread that is terminated at the time limit, so a hang fails
// its test instead of freezing the suite. Reproduce or deepen a run with the environment:
//   FUZZ_SEED=<n>   the fast-check seed (default fixed, so runs are repeatable)
//   FUZZ_SCALE=<x>  multiply the number of random runs (default 1)
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { SpecAnalysis } from '../server/engine/specAnalysis';
import { parse } from '../server/engine/parser';
import { Diagnostic } from '../server/engine/syntax';
import { analyzeText, MAIN_URI } from './helpers/memoryWorkspace';

const CASE_LIMIT_MS = 5000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_ce11;
const SCALE = process.env.FUZZ_SCALE ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const STUDY = fs.readFileSync(path.join(EXAMPLES, 'study.cellspec'), 'utf8');
const MATERIALS = fs.readFileSync(path.join(EXAMPLES, 'materials.cellspec'), 'utf8');
const FILES = { 'materials.cellspec': MATERIALS };

// ---------------------------------------------------------------------------------------------
// The invariants, shared by the in-process properties and the worker

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
 * Parses, then analyses `text` and reads its derived values; throws (with a readable message) when
 * an invariant fails. Each engine call is timed on its own against the limit; `phase` is told
 * before each call starts.
 */
function checkEngine(text: string, files: Record<string, string> = FILES, phase: (what: string) => void = () => {}): { ms: number; analysis: SpecAnalysis } {
  const bad: string[] = [];
  const timed = <T>(what: string, f: () => T): { value: T; ms: number } => {
    phase(what);
    const started = performance.now();
    const value = f();
    const ms = performance.now() - started;
    assert.ok(ms < CASE_LIMIT_MS, `${what} took ${ms.toFixed(0)} ms (limit ${CASE_LIMIT_MS} ms) on a text of length ${text.length}`);
    return { value, ms };
  };
  {
    const { value: tree } = timed('parse', () => parse(text));
    assert.ok(tree && Array.isArray(tree.declarations) && Array.isArray(tree.diagnostics), 'parse returns a syntax tree');
    bad.push(...outside(tree.diagnostics, text.length));
  }
  const { value: a, ms } = timed('analyze', () => analyzeText(text, files));
  assert.ok(a && Array.isArray(a.diagnostics) && a.file.text === text, 'analyze returns an SpecAnalysis of the text');
  // Derived values may be computed on first use; they are part of the analysis all the same.
  const { value: derived } = timed('derived values', () => a.derived);
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
  return { ms, analysis: a };
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs, built by name (in the worker, so 10 MB strings are not copied between threads)

const MB = 1024 * 1024;

/** A small deterministic PRNG (mulberry32), so the big random inputs are the same every run. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exactly `length` characters of `unit` repeated, on one line. */
function fill(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** The example with its comments dropped and every line joined by ' ; ' into one line. */
function flatStudy(): string {
  return STUDY.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).join(' ; ') + ' ';
}

/** Each text of the example with the name of one declaration removed. */
function studyWithoutEachName(): string[] {
  const out: string[] = [];
  const re = /^(import|study|material|composite|cell|protocol|run) +(\S+)/gm;
  for (let m = re.exec(STUDY); m; m = re.exec(STUDY)) {
    const at = m.index + m[0].length - m[2].length;
    out.push(STUDY.slice(0, at) + STUDY.slice(at + m[2].length));
  }
  out.push(MATERIALS.replace(/^material \w+/gm, 'material'));
  return out;
}

interface HostileCase { name: string; heavy?: boolean; build: () => string | string[] }

const HOSTILE: HostileCase[] = [
  { name: 'an empty file', build: () => '' },
  { name: 'only a BOM, blanks and line ends', build: () => '\uFEFF \t\n\r\n\r\u00a0\u2028' },
  { name: 'only comments', build: () => '# a\n#\r#\r\n# "unterminated {' },
  { name: '10,000 nested "{" at top level', build: () => '{'.repeat(10000) },
  { name: '10,000 nested "{" inside a block', build: () => 'cell c symmetric {\n' + '{'.repeat(10000) + '\ncell d half { }\n' },
  { name: '10,000 nested "{" after property names', build: () => 'cell c full {\n  cathode NCM9 ' + 'a { '.repeat(10000) },
  { name: '10,000 nested "{" closed again', build: () => 'material X ' + '{'.repeat(10000) + '}'.repeat(10000) + '\nmaterial Y { role binder }\n' },
  { name: '10,000 unmatched "}"', build: () => 'material X { role binder }' + '}'.repeat(10000) },
  { name: 'an unterminated string on each of 10,000 lines', build: () => 'run a on b {\n' + '  note "unterminated\n'.repeat(10000) + '}\n' },
  { name: 'unterminated strings in every position', build: () => ['"', 'study "', 'study "abc\\', 'import "materials.cellspec', 'material X { formula "Li\\"', 'run a on b { data "x", "y\n}', STUDY.replace(/"([^"\n]*)"/g, '"$1')] },
  { name: 'lone surrogates in names, strings, units and at the end', build: () => [
    '\uD800', '\uDC00', 'material \uD800 { role \uDFFF }', 'material X\uD800 { formula "\uDC00\uD800" }',
    'study "s" { pressure 5 M\uD800Pa; temperature 25 \uDFFF°C }', STUDY.replace(/ /g, (s, i: number) => (i % 37 === 0 ? '\uD800' : i % 41 === 0 ? '\uDC00' : s)), STUDY + '\uD83D',
  ] },
  { name: 'NUL bytes', build: () => ['\0', '\0'.repeat(100000), STUDY.replace(/ /g, '\0'), STUDY.replace(/\n/g, '\0\n'), 'material X { formula "a\0b" }\0'] },
  { name: 'CR-only and mixed line endings', build: () => [STUDY.replace(/\r?\n/g, '\r'), STUDY.replace(/\r?\n/g, '\r\n'), STUDY.replace(/\r?\n/g, (s, i: number) => ['\r', '\n', '\r\n', '\n\r'][i % 4]), MATERIALS.replace(/\n/g, '\r')] },
  { name: 'the example with each declaration name removed', build: studyWithoutEachName },
  { name: 'numbers at the edges of double precision', build: () => 'study "s" { pressure 1e999 MPa; temperature -1e999 °C; diameter 1e-999 mm }\nprotocol p ccd { start 0 mA/cm²; step 1e-320 mA/cm²; half-cycle 1e308 h; until 1e308 mA/cm² }\nprotocol q cycling { window 2.8 V .. 4.3 V; cycles 1e21 at 0 C }\n' },
  { name: 'a unit of 20,000 words ("5 m m m ...")', build: () => 'study "s" {\n  pressure 5 ' + 'm '.repeat(20000) + '\n}\n' },
  { name: '100,000 declarations that open a block, one per line', build: () => 'cell a b {\n'.repeat(100000) },
  { name: '70,000 declarations on one line', build: () => fill('material a { } ', MB) },
  { name: '10 MB single line of random printable characters', heavy: true, build: () => {
    const rnd = prng(7);
    // No '#' or '"': either would turn the rest of the line into one comment or string token.
    const alphabet = 'abcXYZ019 _-.:;,=|{}±µ²°%/^*·\t' + 'é漢字🔋\u00a0';
    const chars = [...alphabet];
    let s = '';
    for (let k = 0; k < 1024; k++) s += chars[Math.floor(rnd() * chars.length)];
    return fill(s, 10 * MB);
  } },
  { name: '10 MB single line: the example flattened and repeated', heavy: true, build: () => fill(flatStudy(), 10 * MB) },
  { name: '10 MB single line: one unterminated string', heavy: true, build: () => 'study "' + 'a'.repeat(10 * MB) },
];

type WorkerResult =
  | { ok: true; ms: number; diagnostics: number; texts: number }
  | { ok: false; error: string };

/** Worker side: builds the case, checks every text, reports. */
function workerMain() {
  const c = HOSTILE.find((h) => h.name === workerData.name)!;
  const built = c.build();
  const texts = Array.isArray(built) ? built : [built];
  let ms = 0, diagnostics = 0;
  for (let k = 0; k < texts.length; k++) {
    try {
      const r = checkEngine(texts[k], FILES, (what) => parentPort!.postMessage({ started: `${what} of text ${k + 1} of ${texts.length}` }));
      ms += r.ms;
      diagnostics += r.analysis.diagnostics.length;
    } catch (e) {
      const err = e as Error;
      const text = texts[k];
      parentPort!.postMessage({ ok: false, error: `text ${k + 1} of ${texts.length} (length ${text.length}, starts ${JSON.stringify(text.slice(0, 60))}): ${err.stack ?? err.message}` });
      return;
    }
  }
  parentPort!.postMessage({ ok: true, ms, diagnostics, texts: texts.length });
}

/**
 * Main side: runs one hostile case in a worker, terminated when one engine call runs longer than
 * CASE_LIMIT_MS. Resolves once the worker has exited, so the next case runs on an idle CPU.
 */
function runInWorker(name: string): Promise<WorkerResult> {
  return new Promise((resolve) => {
    const w = new Worker(__filename, { workerData: { name }, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    let timer: NodeJS.Timeout | undefined;
    let result: WorkerResult | undefined;
    let phase: { what: string; at: number } | undefined;
    const done: string[] = [];
    const finish = (r: WorkerResult) => {
      if (result) return;
      result = r;
      if (timer) clearTimeout(timer);
      void w.terminate();
    };
    w.on('message', (m: { started?: string } & WorkerResult) => {
      if (m.started) {
        // A new engine call starts: it gets its own CASE_LIMIT_MS.
        if (timer) clearTimeout(timer);
        if (phase) done.push(`${phase.what} ${(performance.now() - phase.at).toFixed(0)} ms`);
        phase = { what: m.started, at: performance.now() };
        const what = m.started;
        timer = setTimeout(() => finish({ ok: false, error: `${what} did not finish within ${CASE_LIMIT_MS} ms (terminated)` +
          (done.length ? `; before it: ${done.slice(-3).join(', ')}` : '') }), CASE_LIMIT_MS);
        return;
      }
      finish(m);
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

// ---------------------------------------------------------------------------------------------
// Tests

function params(numRuns: number): fc.Parameters<unknown> {
  // The time limit bounds the whole property (runs and shrinking) so the file stays fast.
  return { seed: SEED, numRuns: runs(numRuns), plugins: [fc.interruptAfterTimeLimit(8000 * SCALE)] } as fc.Parameters<unknown>;
}

function registerTests() {
  describe('fuzz: random text never breaks the engine', function () {
    this.timeout(120000);

    it('random printable ASCII', () => {
      fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => { checkEngine(s); }), params(300));
    });

    it('random unicode graphemes', () => {
      fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => { checkEngine(s); }), params(200));
    });

    it('random code points of the whole unicode range', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => { checkEngine(s); }), params(200));
    });

    it('random UTF-16 code units: lone surrogates, NUL, CR', () => {
      fc.assert(fc.property(fc.string({ unit: codeUnit, maxLength: 300 }), (s) => { checkEngine(s); }), params(300));
    });

    it('random sequences of the language\'s own words, numbers, units and punctuation', () => {
      fc.assert(fc.property(tokenSoup, (s) => { checkEngine(s); }), params(500));
    });

    it('token soup inside a declaration block of each kind', () => {
      const heads = ['study "s"', 'material M', 'composite C', 'cell c symmetric', 'cell c full', 'protocol p ccd', 'protocol p strip',
        'protocol p sand', 'protocol p cycling', 'protocol p rate', 'protocol p eis', 'run ccd-ramp on sym-Li'];
      fc.assert(fc.property(fc.constantFrom(...heads), tokenSoup, fc.boolean(), (head, body, closed) => {
        checkEngine(`import "materials.cellspec"\n${head} {\n${body}${closed ? '\n}' : ''}\n`);
      }), params(1500));
    });
  });

  describe('fuzz: mutated examples never break the engine', function () {
    this.timeout(120000);

    it('the study with slices deleted, inserted, duplicated, overwritten, braces swapped, words dropped', () => {
      fc.assert(fc.property(fc.limitShrink(mutations, 200), (ms) => { checkEngine(mutate(STUDY, ms)); }), params(500));
    });

    it('the study mutated, with other line endings', () => {
      fc.assert(fc.property(fc.limitShrink(mutations, 100), lineEnding, (ms, eol) => { checkEngine(mutate(STUDY, ms).replace(/\r?\n/g, eol)); }), params(100));
    });

    it('the imported materials mutated, the study unchanged', () => {
      fc.assert(fc.property(fc.limitShrink(mutations, 100), (ms) => { checkEngine(STUDY, { 'materials.cellspec': mutate(MATERIALS, ms) }); }), params(150));
    });
  });

  describe('fuzz: hostile inputs finish within 5 s', function () {
    this.timeout(120000);
    // Light cases run in a pool of workers, started by the first of their tests (so a --grep that
    // selects only the 10 MB cases does not start them); the 10 MB cases run alone afterwards, so
    // they are timed without competition for the CPU.
    const light = HOSTILE.filter((c) => !c.heavy);
    let results: Promise<WorkerResult>[] | undefined;
    const lightResult = (i: number) => (results ??= pool(light.map((c) => () => runInWorker(c.name)), 3))[i];
    const expectOk = (r: WorkerResult) => {
      if (!r.ok) assert.fail(r.error);
    };
    light.forEach((c, i) => it(c.name, async () => expectOk(await lightResult(i))));
    for (const c of HOSTILE.filter((h) => h.heavy)) it(c.name, async () => expectOk(await runInWorker(c.name)));
  });
}

if (isMainThread) registerTests(); else workerMain();

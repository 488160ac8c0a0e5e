// Incremental analysis against analysis from scratch. An editor session is a workspace whose open
// documents change by small edits: the engine re-parses only the declarations an edit touched
// (reparse.ts) and re-checks only what read a name whose meaning changed (declResults.ts). The
// property: after every edit of a random sequence, applied to real specs (the example study and
// its material library, the toolkit example, the test library, the study with CRLF line ends; with
// the shipped standard library below them, as the server and the CLI have it), everything a user sees
// (tokens, diagnostics, derived values, references, hovers, hints, completions) equals what a
// fresh workspace computes from the same texts. Edits go to the study and to the file it imports.
//   INCREMENTAL_SEED=<n>  the fast-check seed (default fixed, so runs are repeatable)
//   INCREMENTAL_RUNS=<n>  the number of random edit sequences per property
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_LINE_CHARS } from '../server/engine/lexer';
import { analyzeSpec, SpecAnalysis } from '../server/engine/specAnalysis';
import { Decl } from '../server/engine/model';
import { SpecOptions } from '../server/engine/scope';
import { Workspace } from '../server/engine/workspace';
import { complete } from '../server/features/completion';
import { hover } from '../server/features/hover';
import { inlayHints } from '../server/features/inlayHints';
import { definition } from '../server/features/navigation';
import { buildJobs } from '../server/results/jobs';
import { makeRoots } from '../server/roots';
import { MATERIALS as LIBRARY } from './helpers/library';
import { MATERIALS, STUDY } from './helpers/hostileInputs';
import { LIBRARY as SHIPPED_LIBRARY, MemoryFileSystem, uriOf } from './helpers/memoryWorkspace';

const SEED = process.env.INCREMENTAL_SEED ? Number(process.env.INCREMENTAL_SEED) : 0x1c2e_3a11;
const RUNS = process.env.INCREMENTAL_RUNS ? Number(process.env.INCREMENTAL_RUNS) : 60;
const OPTIONS: SpecOptions = { plausibility: true };

const STUDY_URI = uriOf('study.cellspec');
const LIB_URI = uriOf('materials.cellspec');

/** A document pair: the study and the library it imports, as an editor would hold them. */
interface Texts { study: string; lib: string }

const TOOLKIT = fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'toolkit.cellspec'), 'utf8');

/** `shipped`: the workspace has the standard library below the files, as the server has. */
const SOURCES: { name: string; texts: Texts; shipped: boolean }[] = [
  { name: 'the example study and its materials', texts: { study: STUDY, lib: MATERIALS }, shipped: true },
  { name: 'the toolkit example', texts: { study: TOOLKIT, lib: MATERIALS }, shipped: true },
  {
    name: 'the example study with overlong lines (cut by the lexer)',
    texts: { study: STUDY.replace('\ncell ', `\n# ${'x'.repeat(MAX_LINE_CHARS + 10)}\ncell `).replace('  binder PVDF\n', `  binder PVDF ${'y'.repeat(MAX_LINE_CHARS)}\n`), lib: MATERIALS },
    shipped: true,
  },
  { name: 'the example study with CRLF line ends, no standard library', texts: { study: STUDY.replace(/\n/g, '\r\n'), lib: MATERIALS.replace(/\n/g, '\r\n') }, shipped: false },
  {
    name: 'a small study over the test library',
    shipped: false,
    texts: {
      lib: LIBRARY,
      study: `import "materials.cellspec"
study s { temperature 25 °C; diameter 10 mm }
cell sym symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }
cell full full { stack Cu | Li 20 µm | LPSC 600 µm | NCM9 12 mg/cm² ; n/p 1.2 }
protocol ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 1 h; cutoff 5 V }
protocol sand sand { current 1, 2 mA/cm² }
run r1 ramp on sym
run r2 sand on sym
`,
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Edits

/** One edit: where (a fraction of the text, so it fits any length), what goes, what comes. */
interface Edit { file: 'study' | 'lib'; at: number; remove: number; insert: string }

/** Fragments a user types or pastes: structure, numbers, units, names, whole declarations. */
const FRAGMENTS = [
  '}', '{', '\n', '\r\n', ' ', ';', '"', '# note', '5', '0.', '-', ' mA/cm²', ' µm', ' h', '..', '|', ':', '=',
  'material ', 'cell ', 'protocol ', 'run ', 'study ', 'composite ', 'import ', 'on ', 'stack ', 'role metal',
  'Li', 'LPSC', 'LNT10F', 'sym-Li', 'ccd-ramp', 'r1', 'x',
  'material Li { role metal }\n', 'material LPSC2 { role electrolyte }\n', 'cell c symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\n',
  'protocol p ccd { start 0.2 mA/cm²; step 0.1 mA/cm²; half-cycle 1 h }\n', 'run rx p on c\n', 'study t { diameter 8 mm }\n',
  'import "materials.cellspec"\n', 'import "missing.cellspec"\n',
];

const editArb: fc.Arbitrary<Edit> = fc.record({
  file: fc.constantFrom<'study' | 'lib'>('study', 'study', 'study', 'lib'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 60 })),
  insert: fc.oneof(fc.constant(''), fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })),
});

/** Also a copy of a stretch of the same text (a paste of lines the file already holds). */
const pasteArb = fc.record({ file: fc.constantFrom<'study' | 'lib'>('study', 'lib'), at: fc.double({ min: 0, max: 1, noNaN: true }), from: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 200 }) });

type Step = { edit: Edit } | { paste: { file: 'study' | 'lib'; at: number; from: number; length: number } };
const stepArb: fc.Arbitrary<Step> = fc.oneof({ weight: 4, arbitrary: editArb.map((edit) => ({ edit })) }, { weight: 1, arbitrary: pasteArb.map((paste) => ({ paste })) });

function apply(texts: Texts, step: Step): Texts {
  if ('edit' in step) {
    const { file, at, remove, insert } = step.edit;
    const t = texts[file];
    const i = Math.floor(at * t.length);
    return { ...texts, [file]: t.slice(0, i) + insert + t.slice(Math.min(t.length, i + remove)) };
  }
  const { file, at, from, length } = step.paste;
  const t = texts[file];
  const i = Math.floor(at * t.length), j = Math.floor(from * t.length);
  return { ...texts, [file]: t.slice(0, i) + t.slice(j, j + length) + t.slice(i) };
}

// ---------------------------------------------------------------------------------------------
// What a user sees, as plain data

/** JSON-equal form: no undefined fields, no object identity. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x ?? null));

/** Offsets to probe: around each edit, and spread over the text. */
function probes(text: string, near: number[]): number[] {
  const out = new Set<number>();
  for (const p of near) for (let d = -3; d <= 3; d++) out.add(Math.max(0, Math.min(text.length, p + d)));
  for (let k = 0; k <= 24; k++) out.add(Math.floor((k / 24) * text.length));
  return [...out].sort((a, b) => a - b);
}

/** A declaration by what names it in any version: its file, place and name. */
const declId = (d: Decl) => [d.uri, d.syntax.start, d.name?.name];

function view(a: SpecAnalysis, offsets: number[]) {
  const tree = a.file.tree;
  const range = { start: Math.floor(a.file.text.length / 3), end: Math.floor((2 * a.file.text.length) / 3) };
  return {
    lines: Array.from({ length: a.file.lines.lineCount }, (_, k) => a.file.lines.lineStart(k)),
    positions: [0, ...offsets, a.file.text.length].map((o) => a.file.lines.position(o)),
    tokens: tree.tokens.map((t) => [t.kind, t.start, t.end, t.text, t.unit?.start, t.unit?.end]),
    declarations: tree.declarations.map((d) => [d.keyword.text, d.start, d.end, d.block?.start, d.block?.end]),
    decls: a.file.decls.map((d) => [d.keyword, d.name?.name, d.name?.start, d.syntax.start, d.syntax.end]),
    // The scope in iteration order (completion and suggestions list it), what it overrides (only
    // looked up, never listed: compared as a set), the study.
    scope: (['layer', 'cell', 'protocol'] as const).map((ns) => [...a.scope[ns]].map(([k, d]) => [k, declId(d)])),
    overrides: [...a.scope.overrides].map(([mine, lib]) => JSON.stringify([declId(mine), declId(lib)])).sort(),
    study: a.scope.study && declId(a.scope.study),
    diagnostics: plain(a.diagnostics),
    derived: plain(a.derived),
    references: plain(a.references.map((r) => ({ ...r, target: r.target && [r.target.keyword, r.target.name?.name, r.target.syntax.start] }))),
    hints: plain(inlayHints(a)),
    hintsInRange: plain(inlayHints(a, range)),
    hovers: offsets.map((o) => [o, plain(hover(a, o))]),
    definitions: offsets.map((o) => [o, plain(definition(a, o))]),
    completions: offsets.filter((_, k) => k % 4 === 0).map((o) => [o, complete(a, o).map((c) => c.label)]),
    // The data jobs (cells' areas, protocols' parameters): what the data side reads of the analysis.
    jobs: plain(buildJobs(a, '/study', makeRoots(['/study'], ''))),
  };
}

/** The same texts analysed by a workspace that never saw an earlier version. */
function fromScratch(texts: Texts, options: SpecOptions, shipped: boolean): SpecAnalysis {
  const ws = new Workspace(new MemoryFileSystem(), shipped ? SHIPPED_LIBRARY : []);
  ws.setDocument(LIB_URI, texts.lib, 1);
  ws.setDocument(STUDY_URI, texts.study, 1);
  return analyzeSpec(ws, STUDY_URI, options)!;
}

/** Compares field by field, so a failure names what differs first (and fast-check shrinks to it). */
function assertSame(incremental: ReturnType<typeof view>, scratch: ReturnType<typeof view>, what: string) {
  for (const key of Object.keys(scratch) as (keyof typeof scratch)[]) {
    assert.deepStrictEqual(incremental[key], scratch[key], `${what}: ${key} of the incremental analysis differ from an analysis from scratch`);
  }
}

/** Edits one workspace step by step and compares each version with one analysed from scratch. */
function session(start: Texts, steps: Step[], { shipped = true, options = () => OPTIONS, probeAll = true }: { shipped?: boolean; options?: (k: number) => SpecOptions; probeAll?: boolean } = {}) {
  const ws = new Workspace(new MemoryFileSystem(), shipped ? SHIPPED_LIBRARY : []);
  let version = 1;
  let texts = start;
  ws.setDocument(LIB_URI, texts.lib, version);
  ws.setDocument(STUDY_URI, texts.study, version);
  analyzeSpec(ws, STUDY_URI, options(0))!.derived; // the first version, its derived values asked for
  steps.forEach((step, k) => {
    const before = texts;
    texts = apply(texts, step);
    version++;
    if (texts.lib !== before.lib) ws.setDocument(LIB_URI, texts.lib, version);
    if (texts.study !== before.study) ws.setDocument(STUDY_URI, texts.study, version);
    const a = analyzeSpec(ws, STUDY_URI, options(k + 1))!;
    const at = 'edit' in step ? step.edit.at : step.paste.at;
    const offsets = probeAll ? probes(texts.study, [Math.floor(at * texts.study.length)]) : [];
    // Asked for in varying order: some versions are never asked for their derived values.
    if (k % 3 === 2) return;
    assertSame(view(a, offsets), view(fromScratch(texts, options(k + 1), shipped), offsets), `after edit ${k + 1} of ${steps.length}`);
  });
}

const params = (n = RUNS) => ({ seed: SEED, numRuns: n, endOnFailure: true });

describe('incremental analysis equals analysis from scratch', function () {
  this.timeout(600_000);

  for (const { name, texts, shipped } of SOURCES) {
    it(`random edits of ${name}`, () => {
      fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 8 }), (steps) => session(texts, steps, { shipped })), params());
    });
  }

  it('typing a number and deleting it again, many times over (the editor loop of the benchmark)', () => {
    const at = STUDY.indexOf('start 0.1 mA/cm²') + 'start 0.1'.length;
    const steps: Step[] = [];
    for (let k = 0; k < 20; k++) steps.push({ edit: { file: 'study', at: (at + 0.5) / (STUDY.length + (k % 2)), remove: k % 2, insert: k % 2 ? '' : '5' } });
    session({ study: STUDY, lib: MATERIALS }, steps);
  });

  it('renaming a material in the library re-checks the study that names it', () => {
    const at = MATERIALS.indexOf('material LPSC') + 'material '.length;
    assert.ok(at > 'material '.length, 'the example library declares LPSC');
    session({ study: STUDY, lib: MATERIALS }, [
      { edit: { file: 'lib', at: (at + 0.5) / MATERIALS.length, remove: 0, insert: 'X' } },
      { edit: { file: 'lib', at: (at + 0.5) / (MATERIALS.length + 1), remove: 1, insert: '' } },
    ]);
  });

  it('changed options analyse everything again', () => {
    fc.assert(fc.property(fc.array(stepArb, { minLength: 2, maxLength: 6 }), (steps) =>
      session({ study: STUDY, lib: MATERIALS }, steps, { options: (k) => ({ plausibility: k % 2 === 0 }), probeAll: false })), params(Math.ceil(RUNS / 3)));
  });
});

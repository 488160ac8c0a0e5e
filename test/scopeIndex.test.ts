// The incremental scope (server/engine/scopeIndex.ts) against the whole build it replaced
// (test/helpers/referenceScope.ts): after every edit of a random sequence, the winners of every
// name in iteration order, the study, what the spec overrides of the library and the
// duplicate-name diagnostics in order are the same. Edits add and remove duplicates on purpose.
import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import { Decl } from '../server/engine/model';
import { Scope } from '../server/engine/scope';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { MATERIALS, STUDY } from './helpers/hostileInputs';
import { LIBRARY, MemoryFileSystem, uriOf } from './helpers/memoryWorkspace';
import { referenceScope } from './helpers/referenceScope';

const STUDY_URI = uriOf('study.cellspec');
const LIB_URI = uriOf('materials.cellspec');

/** Declarations a user pastes: names the study, its import or the library already hold, and a second study. */
const FRAGMENTS = [
  'material Li { role metal }\n', 'material LPSC { role electrolyte }\n', 'material Cu { role collector }\n', 'material Zz { role metal }\n',
  'cell c symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu; replicates c1, c2 }\n', 'cell c1 symmetric { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\n',
  'protocol ccd-ramp ccd { start 0.2 mA/cm²; step 0.1 mA/cm²; half-cycle 1 h }\n', 'study t { diameter 8 mm }\n', 'x', '\n', '}',
];

const stepArb = fc.record({
  file: fc.constantFrom<'study' | 'lib'>('study', 'study', 'study', 'lib'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 80 })),
  insert: fc.oneof(fc.constant(''), fc.constantFrom(...FRAGMENTS)),
});

const declId = (d: Decl | undefined) => d && [d.uri, d.syntax.start, d.name?.name];
const scopeView = (s: Scope) => ({
  names: (['layer', 'cell', 'protocol'] as const).map((ns) => [...s[ns]].map(([k, d]) => [k, declId(d)])),
  study: declId(s.study),
  overrides: [...s.overrides].map(([a, b]) => JSON.stringify([declId(a), declId(b)])).sort(),
});

describe('the incremental scope equals a whole build of it', function () {
  this.timeout(300_000);

  it('after random edits that add and remove duplicate names', () => {
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 10 }), (steps) => {
      const ws = new Workspace(new MemoryFileSystem(), LIBRARY);
      const texts = { study: STUDY, lib: MATERIALS };
      ws.setDocument(LIB_URI, texts.lib, 1);
      ws.setDocument(STUDY_URI, texts.study, 1);
      analyzeSpec(ws, STUDY_URI);
      steps.forEach((e, k) => {
        const t = texts[e.file], i = Math.floor(e.at * t.length);
        texts[e.file] = t.slice(0, i) + e.insert + t.slice(i + e.remove);
        ws.setDocument(e.file === 'lib' ? LIB_URI : STUDY_URI, texts[e.file], k + 2);
        const a = analyzeSpec(ws, STUDY_URI)!;
        const ref = referenceScope(a.scope.files, a.file, a.scope.library);
        assert.deepStrictEqual(scopeView(a.scope), scopeView(ref.scope), `after edit ${k + 1}: the scope`);
        const duplicates = a.diagnostics.filter((d) => d.code === 'duplicate-name');
        assert.deepStrictEqual(duplicates, ref.diagnostics, `after edit ${k + 1}: the duplicate-name diagnostics`);
      });
    }), { seed: 0x5c09e, numRuns: 80, endOnFailure: true });
  });

  it('the example study holds duplicates to compare (the test is not vacuous)', () => {
    const ws = new Workspace(new MemoryFileSystem(), LIBRARY);
    ws.setDocument(LIB_URI, MATERIALS, 1);
    ws.setDocument(STUDY_URI, STUDY + FRAGMENTS[0] + FRAGMENTS[5] + FRAGMENTS[7], 1);
    const a = analyzeSpec(ws, STUDY_URI)!;
    assert.ok(a.diagnostics.filter((d) => d.code === 'duplicate-name').length >= 2);
    assert.ok(a.scope.overrides.size > 0, 'the study overrides library names');
  });
});

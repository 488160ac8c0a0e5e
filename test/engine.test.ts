// Engine tests on in-memory documents: every diagnostic code with its exact range (⟦ ⟧ markers),
// recovery (one typo, one diagnostic), derived values recomputed here from domain.md's equations,
// the examples, and imports.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSpec, SpecAnalysis } from '../server/engine/specAnalysis';
import { Derived } from '../server/engine/compute';
import { parse } from '../server/engine/parser';
import { Diagnostic } from '../server/engine/syntax';
import { Workspace } from '../server/engine/workspace';
import { fileUri, nodeFileSystem } from '../server/nodeFileSystem';
import { MATERIALS } from './helpers/library';
import { analyzeText, MAIN_URI, marked, Marked, show, uriOf } from './helpers/memoryWorkspace';

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

/** A material library with domain.md's figures, imported as lib.cellspec. */
const LIB = MATERIALS + `composite LNT10F {
  carbon GMWNT : FG = 10 : 1
  binder PVDF
  ratio carbon : binder = 10 : 1
  thickness 15 µm ± 0.5 µm
  D_eff 9.62e-10 cm²/s
  ccd 1.5 mA/cm²
}
`;
const IMPORT = 'import "lib.cellspec"\n';
const FILES = { 'lib.cellspec': LIB };
const LIB_URI = uriOf('lib.cellspec');

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const STUDY_TEXT = fs.readFileSync(path.join(EXAMPLES, 'study.cellspec'), 'utf8');
const MATERIALS_TEXT = fs.readFileSync(path.join(EXAMPLES, 'materials.cellspec'), 'utf8');

/** Analyses a marked document (with lib.cellspec beside it unless told otherwise). */
function run(src: string, files: Record<string, string> = FILES, plausibility = true): { m: Marked; a: SpecAnalysis } {
  const m = marked(src);
  return { m, a: analyzeText(m.text, files, { plausibility }) };
}

function list(a: SpecAnalysis): string {
  return a.diagnostics.map((d) => '\n  ' + show(d, a.file.text)).join('') || ' (none)';
}

/** The one diagnostic with `code`; fails if there are none or several. */
function one(a: SpecAnalysis, code: string): Diagnostic {
  const ds = a.diagnostics.filter((d) => d.code === code);
  assert.equal(ds.length, 1, `expected exactly one '${code}' diagnostic, got:${list(a)}`);
  return ds[0];
}

function assertRange(d: Diagnostic, r: { start: number; end: number }, text: string) {
  assert.deepEqual({ start: d.start, end: d.end }, { start: r.start, end: r.end },
    `range of ${d.code}: got "${text.slice(d.start, d.end)}" [${d.start},${d.end}), expected "${text.slice(r.start, r.end)}" [${r.start},${r.end})`);
}

/**
 * The diagnostic with `code` exists once, has `severity`, covers exactly the ⟦ ⟧ range and its
 * message matches every pattern.
 */
function expectDiag(src: string, code: string, severity: Diagnostic['severity'], patterns: RegExp[], files: Record<string, string> = FILES): { d: Diagnostic; m: Marked; a: SpecAnalysis } {
  const { m, a } = run(src, files);
  const d = one(a, code);
  assert.equal(d.severity, severity, `severity of ${show(d)}`);
  assertRange(d, m, m.text);
  for (const p of patterns) assert.match(d.message, p);
  return { d, m, a };
}

/** A did-you-mean fix: one replacement of exactly the diagnostic's range. */
function expectFix(d: Diagnostic, newText: string) {
  assert.ok(d.fixes && d.fixes.length >= 1, `expected a fix on ${show(d)}`);
  const f = d.fixes.find((x) => x.newText === newText);
  assert.ok(f, `expected a fix with newText '${newText}', got ${JSON.stringify(d.fixes)}`);
  assert.deepEqual({ start: f.start, end: f.end }, { start: d.start, end: d.end }, 'the fix replaces the diagnosed text');
  assert.match(d.message, new RegExp(`Did you mean '${newText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'\\?`));
}

function assertRangesInside(a: SpecAnalysis) {
  const n = a.file.text.length;
  for (const d of a.diagnostics) {
    assert.ok(0 <= d.start && d.start <= d.end && d.end <= n, `diagnostic outside the text (length ${n}): ${show(d)}`);
  }
}

function close(actual: number | undefined, expected: number, what: string, rel = 1e-6) {
  assert.ok(actual !== undefined, `${what}: no value`);
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: expected ${expected}, got ${actual}`);
}

/** Rounds like the display does: 4 significant digits, no trailing zeros. */
function r4(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function derived(a: SpecAnalysis, key: string, owner: string): Derived {
  const ds = a.derived.filter((d) => d.key === key && d.owner === owner);
  assert.equal(ds.length, 1, `expected one derived '${key}' for '${owner}', got ${JSON.stringify(a.derived.map((d) => `${d.key}@${d.owner}`))}`);
  return ds[0];
}

function errors(a: SpecAnalysis): Diagnostic[] {
  return a.diagnostics.filter((d) => d.severity === 'error');
}

// ---------------------------------------------------------------------------------------------
// Domain figures, computed here from domain.md's equations (CGS first, then SI)

const F = 96485.332;                 // C/mol
const RHO_LI = 0.534;                // g/cm³
const M_LI = 6.941;                  // g/mol
const C0 = RHO_LI / M_LI;            // mol/cm³
const MAH = 3.6;                     // C per mAh
const CM2 = 1e-4;                    // m² per cm²
const H = 3600;                      // s per h
/** SI value (C/m²) of an areal capacity in mAh/cm². */
const siArealCapacity = (mAhPerCm2: number) => (mAhPerCm2 * MAH) / CM2;
/** SI value (A/m²) of a current density in mA/cm². */
const siCurrentDensity = (mAPerCm2: number) => (mAPerCm2 * 1e-3) / CM2;

const AREA_CM2 = (Math.PI * 0.9 * 0.9) / 4;                     // 9 mm disc
const LI_50UM = ((50e-4 * RHO_LI) / M_LI) * F / MAH / 1e-3 / 1e3; // mAh/cm²: C/cm² → mAh/cm²
const CATHODE = 12e-3 * 0.67 * 180;                             // mg/cm² → g/cm² × fraction × mAh/g = mAh/cm²
/** Sand: t0 = (c0 F √(π D) / (2 i))², i in A/cm², D in cm²/s, t0 in s. */
const sand = (D: number, i_mA: number) => ((C0 * F * Math.sqrt(Math.PI * D)) / (2 * i_mA * 1e-3)) ** 2;

describe('engine: reference figures used by these tests', () => {
  it('match domain.md (area 0.6362 cm², 50 µm Li 10.31 mAh/cm², c0 0.07693 mol/cm³)', () => {
    assert.equal(r4(AREA_CM2), '0.6362');
    assert.equal(r4(LI_50UM), '10.31');
    assert.equal(r4(C0), '0.07693');
    assert.equal(r4(CATHODE), '1.447');
  });
});

// ---------------------------------------------------------------------------------------------
// Diagnostics, code by code

describe('engine diagnostics: syntax', () => {
  it('syntax: a stray closing brace at top level', () => {
    const { a } = expectDiag('material X { role binder }\n⟦}⟧\nmaterial Y { role carbon }\n', 'syntax', 'error', [/unexpected '}'/, /expected a declaration/]);
    assert.equal(a.diagnostics.length, 1, list(a));
  });

  it('syntax: a study title that is not a string', () => {
    expectDiag('study ⟦Interlayer⟧ { pressure 5 MPa }\n', 'syntax', 'error', [/study title as a string/]);
  });

  it('syntax: a declaration without its block', () => {
    const { a } = expectDiag('material X⟦⟧\nmaterial Y { role carbon }\n', 'syntax', 'error', [/expected '\{' to open the material block/]);
    assert.ok(a.scope.layer.has('Y'), 'the next declaration is still read');
  });

  it('unknown-keyword: a misspelled declaration keyword, with a fix', () => {
    const { d, a } = expectDiag('⟦materal⟧ X { role binder }\n', 'unknown-keyword', 'error', [/unexpected 'materal'/]);
    expectFix(d, 'material');
    assert.equal(a.diagnostics.length, 1, list(a));
  });

  it('unknown-keyword: a misspelled cell kind, with a fix', () => {
    const { d } = expectDiag(IMPORT + 'cell c ⟦symetric⟧ { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\n',
      'unknown-keyword', 'error', [/unknown cell kind 'symetric'/, /symmetric, half, full/]);
    expectFix(d, 'symmetric');
  });

  it('unknown-keyword: a misspelled protocol type, with a fix', () => {
    const { d } = expectDiag('protocol p ⟦cyclng⟧ { }\n', 'unknown-keyword', 'error', [/unknown protocol type 'cyclng'/]);
    expectFix(d, 'cycling');
  });

  it('unknown-keyword: a misspelled enum value, with a fix', () => {
    const { d } = expectDiag('material X { role ⟦metl⟧; density 0.534 g/cm³; molar-mass 6.941 g/mol }\n', 'unknown-keyword', 'error', [/unknown role 'metl'/]);
    expectFix(d, 'metal');
  });

  it('invalid-character: a run of characters that start no token is one diagnostic', () => {
    const { a } = expectDiag('material X { role binder ⟦$$$⟧ }\n', 'invalid-character', 'error', [/unexpected characters '\$\$\$'/]);
    assert.equal(a.diagnostics.length, 1, list(a));
  });

  it('invalid-character: at top level', () => {
    expectDiag('⟦@@⟧\nmaterial X { role binder }\n', 'invalid-character', 'error', [/unexpected characters '@@'/]);
  });

  it('unterminated-string: a string without its closing quote on the line', () => {
    expectDiag('material X {\n  role binder\n  formula ⟦"Li6PS5Cl⟧\n}\n', 'unterminated-string', 'error', [/unterminated string/, /closing '"'/]);
  });

  it('unclosed-block: on the "{", naming the declaration that follows and its line', () => {
    const { a } = expectDiag('material X ⟦{⟧\n  role binder\nmaterial Y { role carbon }\n', 'unclosed-block', 'error', [/never closed/, /before 'material' on line 3/]);
    assert.equal(a.diagnostics.length, 1, list(a));
    assert.ok(a.scope.layer.has('Y'));
  });

  it('unclosed-block: at the end of the file', () => {
    expectDiag('material X ⟦{⟧\n  role binder\n', 'unclosed-block', 'error', [/before the end of the file/]);
  });
});

describe('engine diagnostics: properties and values', () => {
  it('unknown-property: did-you-mean with a fix', () => {
    const { d } = expectDiag('material X { role binder; ⟦densty⟧ 1.2 g/cm³ }\n', 'unknown-property', 'error', [/unknown property 'densty' in a material/]);
    expectFix(d, 'density');
  });

  it('unknown-property: without a close candidate, the expected properties are listed', () => {
    const { d } = expectDiag('material X { role binder; ⟦zzzzzz⟧ 1 g/cm³ }\n', 'unknown-property', 'error', [/expected one of role, formula, density/]);
    assert.ok(!d.fixes || d.fixes.length === 0);
  });

  it('duplicate-property: on the second one, related to the first', () => {
    const { m, a } = run('material X {\n  ⟦role binder⟧\n  ⟦role⟧ carbon\n}\n');
    const d = one(a, 'duplicate-property');
    assert.equal(d.severity, 'error');
    assertRange(d, m.ranges[1], m.text);
    assert.match(d.message, /'role' is set twice/);
    assert.equal(d.related?.length, 1);
    assert.equal(d.related![0].uri, MAIN_URI);
    assertRange({ ...d, ...d.related![0] }, m.ranges[0], m.text);
  });

  it('unknown-unit: a unit written apart from its number, with unit fixes', () => {
    const { d } = expectDiag('study "s" { pressure 5 ⟦MPaa⟧ }\n', 'unknown-unit', 'error', [/unknown unit/, /MPaa/, /pressure/]);
    // docs/diagnostics.md: "unknown-unit | error | a unit that is not known (fix: units of the expected dimension)"
    assert.ok(d.fixes?.some((f) => f.newText === 'MPa' && f.start === d.start && f.end === d.end), `expected a fix to MPa, got ${JSON.stringify(d.fixes)}`);
  });

  it('unknown-unit: a unit written against its number, with unit fixes', () => {
    const { d } = expectDiag('study "s" { pressure 5⟦MPaa⟧ }\n', 'unknown-unit', 'error', [/unknown unit/, /MPaa/, /pressure such as MPa/]);
    assert.deepEqual(d.fixes?.map((f) => f.newText), ['MPa', 'kPa', 'bar']);
    for (const f of d.fixes!) assert.deepEqual([f.start, f.end], [d.start, d.end]);
  });

  it('unknown-unit: a quotient with an unknown factor', () => {
    expectDiag('protocol s strip { current 0.5 ⟦mA/cmm²⟧; cutoff -0.4 V }\n', 'unknown-unit', 'error', [/cmm/]);
  });

  it('missing-unit: a bare number, with fixes that add a unit after it', () => {
    const { d, m } = expectDiag('study "s" { pressure ⟦5⟧ }\n', 'missing-unit', 'error', [/missing unit/, /pressure/, /pressure 5 MPa/]);
    assert.deepEqual(d.fixes?.map((f) => f.newText), [' MPa', ' kPa']);
    for (const f of d.fixes!) assert.deepEqual([f.start, f.end], [m.end, m.end]);
  });

  it('missing-unit: a list without any unit', () => {
    expectDiag('protocol s sand { currents ⟦0.5, 1, 2⟧; cutoff -0.4 V }\n', 'missing-unit', 'error', [/current density/, /the list has no unit/]);
  });

  it('wrong-dimension: names both dimensions and offers units of the right one', () => {
    const { d, m } = expectDiag('study "s" { pressure ⟦5 mA⟧ }\n', 'wrong-dimension', 'error', [/pressure/, /mA is a current/]);
    const unit = m.text.indexOf('mA');
    assert.deepEqual(d.fixes?.map((f) => [f.newText, f.start, f.end]), [['MPa', unit, unit + 2], ['kPa', unit, unit + 2]]);
  });

  it('invalid-value: a window whose ends are swapped', () => {
    expectDiag('protocol c cycling { window ⟦4.3 V .. 2.8 V⟧; cycles 10 at 0.3 C }\n', 'invalid-value', 'error', [/lower end of the window must be below the upper end/]);
  });

  it('invalid-value: a count that is not whole', () => {
    expectDiag('protocol c cycling { window 2.8 V .. 4.3 V; cycles ⟦1.5⟧ at 0.3 C }\n', 'invalid-value', 'error', [/whole number/]);
  });

  it('invalid-value: a negative tolerance', () => {
    expectDiag(IMPORT + 'composite X { carbon GMWNT; thickness 15 µm ± ⟦-1 µm⟧ }\n', 'invalid-value', 'error', [/tolerance must not be negative/]);
  });

  it('ratio-mismatch: names and parts of different counts', () => {
    expectDiag(IMPORT + 'composite X { carbon ⟦GMWNT : FG = 10 : 1 : 2⟧; thickness 15 µm }\n', 'ratio-mismatch', 'error', [/2 names but 3 ratio parts/]);
  });

  it('ratio-part: a negative part is an error', () => {
    expectDiag(IMPORT + 'composite X { carbon GMWNT : FG = 10 : ⟦-1⟧; thickness 15 µm }\n', 'ratio-part', 'error', [/cannot be negative \(-1\)/]);
  });

  it('ratio-part: a zero part is a warning', () => {
    expectDiag(IMPORT + 'composite X { carbon GMWNT : FG = 10 : ⟦0⟧; thickness 15 µm }\n', 'ratio-part', 'warning', [/part of 0/, /absent/]);
  });
});

describe('engine diagnostics: names and references', () => {
  it('undefined-reference: a layer name, with did-you-mean and fix', () => {
    const { d } = expectDiag(IMPORT + 'cell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | ⟦LPCS⟧ 600 µm | Li 50 µm | Cu }\n',
      'undefined-reference', 'error', [/no material or composite named 'LPCS'/]);
    expectFix(d, 'LPSC');
  });

  it('undefined-reference: a group in a composite ratio, with did-you-mean and fix', () => {
    const { d } = expectDiag(IMPORT + 'composite X { carbon GMWNT; binder PVDF; ratio carbon : ⟦bindr⟧ = 10 : 1; thickness 15 µm }\n',
      'undefined-reference', 'error', [/no group 'bindr' in this composite/]);
    expectFix(d, 'binder');
  });

  it('undefined-reference: the protocol and the cell of a run', () => {
    const { m, a } = run(IMPORT + 'protocol ccd-ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\nrun ⟦ccd-rmap⟧ on ⟦nocell⟧ { }\n');
    const ds = a.diagnostics.filter((d) => d.code === 'undefined-reference').sort((x, y) => x.start - y.start);
    assert.equal(ds.length, 2, list(a));
    assertRange(ds[0], m.ranges[0], m.text);
    assertRange(ds[1], m.ranges[1], m.text);
    assert.match(ds[0].message, /no protocol named 'ccd-rmap'/);
    expectFix(ds[0], 'ccd-ramp');
    assert.match(ds[1].message, /no cell named 'nocell'/);
  });

  it('duplicate-name: on the second declaration, related to the first', () => {
    const { m, a } = run('material ⟦X⟧ { role binder }\nmaterial ⟦X⟧ { role carbon }\n', {});
    const d = one(a, 'duplicate-name');
    assert.equal(d.severity, 'error');
    assertRange(d, m.ranges[1], m.text);
    assert.match(d.message, /'X' is already declared/);
    assert.equal(d.related?.length, 1);
    assert.equal(d.related![0].uri, MAIN_URI);
    assertRange({ ...d, ...d.related![0] }, m.ranges[0], m.text);
    assert.match(d.related![0].message, /first 'X'/);
  });

  it('duplicate-name: a second study block', () => {
    const { m, a } = run('⟦study⟧ "a" { }\n⟦study⟧ "b" { }\n', {});
    const d = one(a, 'duplicate-name');
    assertRange(d, m.ranges[1], m.text);
    assert.match(d.message, /only one study/);
    assert.equal(d.related?.[0].uri, MAIN_URI);
    assertRange({ ...d, ...d.related![0] }, m.ranges[0], m.text);
  });

  it('duplicate-name: a name declared here and in an imported file (related: the import)', () => {
    // docs/diagnostics.md: "duplicate-name | a name declared twice, in this file or an import (related: the first)"
    const lib = 'material Li { role metal; density 0.534 g/cm³; molar-mass 6.941 g/mol }\n';
    const { m, a } = run('import "lib.cellspec"\nmaterial ⟦Li⟧ { role metal; density 0.534 g/cm³; molar-mass 6.941 g/mol }\n', { 'lib.cellspec': lib });
    const d = one(a, 'duplicate-name');
    assertRange(d, m, m.text);
    assert.match(d.message, /'Li' is already declared in lib\.cellspec/);
    assert.equal(d.related?.[0].uri, LIB_URI);
    assert.deepEqual([d.related![0].start, d.related![0].end], [lib.indexOf('Li'), lib.indexOf('Li') + 2]);
  });

  it('missing-property: on the header, with a fix that adds an example line before the "}"', () => {
    const { d, m } = expectDiag('⟦material X⟧ {\n  formula "x"\n}\n', 'missing-property', 'error', [/missing 'role'/, /role metal/], {});
    const brace = m.text.lastIndexOf('}');
    assert.deepEqual(d.fixes, [{ title: "Add 'role'", start: brace, end: brace, newText: '  role metal\n' }]);
  });

  it('missing-property: a required cathode property', () => {
    expectDiag(IMPORT + 'cell c full { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | NCM9\n  ⟦cathode⟧ NCM9 { loading 12 mg/cm² }\n}\n',
      'missing-property', 'error', [/missing 'active' in the cathode/]);
  });

  it('missing-property: a composite with two groups and no ratio', () => {
    expectDiag(IMPORT + '⟦composite X⟧ { carbon GMWNT; binder PVDF; thickness 15 µm }\n', 'missing-property', 'error', [/2 groups \(carbon, binder\)/, /ratio carbon : binder/]);
  });

  it('missing-property: a cycling run on a cell without a cathode', () => {
    expectDiag(IMPORT + 'cell c half { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\nprotocol p cycling { window 2.8 V .. 4.3 V; cycles 10 at 0.3 C }\n⟦run p on c⟧ { }\n',
      'missing-property', 'error', [/c has no cathode/, /cycling protocol/]);
  });

  it('conflicting-property: diameter and area, related to the diameter', () => {
    const { m, a } = run(IMPORT + 'cell c symmetric {\n  ⟦diameter 9 mm⟧\n  ⟦area⟧ 0.6362 cm²\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n');
    const d = one(a, 'conflicting-property');
    assert.equal(d.severity, 'error');
    assertRange(d, m.ranges[1], m.text);
    assert.match(d.message, /either 'diameter' or 'area'/);
    assertRange({ ...d, ...d.related![0] }, m.ranges[0], m.text);
  });

  it('wrong-kind: a cathode that is not a cathode material', () => {
    expectDiag(IMPORT + 'cell c full { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | NCM9\n  cathode ⟦LPSC⟧ { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g }\n}\n',
      'wrong-kind', 'error', [/'LPSC' is not a cathode material/]);
  });

  it('wrong-kind: an eis reference to a protocol that is not eis', () => {
    expectDiag('protocol c ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\nprotocol s strip { current 0.5 mA/cm²; cutoff -0.4 V; eis ⟦c⟧ }\n',
      'wrong-kind', 'error', [/'c' is a ccd protocol, not an eis protocol/], {});
  });

  it('wrong-kind: a composite used as a member of a composite', () => {
    expectDiag(IMPORT + 'composite X { carbon ⟦LNT10F⟧; thickness 15 µm }\n', 'wrong-kind', 'error', [/'LNT10F' is a composite/]);
  });
});

describe('engine diagnostics: imports', () => {
  it('import-not-found: on the path string', () => {
    const { a } = expectDiag('import ⟦"nope.cellspec"⟧\n', 'import-not-found', 'error', [/cannot find the imported file 'nope\.cellspec'/], {});
    assert.equal(a.diagnostics.length, 1, list(a));
  });

  it('import-not-found: a file missing further down is reported on this file\'s import', () => {
    expectDiag('import ⟦"a.cellspec"⟧\n', 'import-not-found', 'error', [/'a\.cellspec' imports 'gone\.cellspec'/], { 'a.cellspec': 'import "gone.cellspec"\n' });
  });

  it('import-cycle: a self-import', () => {
    const { d, m } = expectDiag('import ⟦"main.cellspec"⟧\n', 'import-cycle', 'error', [/import cycle: main\.cellspec → main\.cellspec/], {});
    assert.equal(d.related?.length, 1);
    assert.equal(d.related![0].uri, MAIN_URI);
    assert.deepEqual([d.related![0].start, d.related![0].end], [0, m.text.indexOf('\n')]);
    assert.match(d.related![0].message, /closes the cycle/);
  });

  it('import-cycle: two files importing each other, related to the other file\'s import', () => {
    const other = '# b imports main back\nimport "main.cellspec"\nmaterial B { role binder }\n';
    const { d, a } = expectDiag('import ⟦"b.cellspec"⟧\nmaterial A { role carbon }\n', 'import-cycle', 'error',
      [/import cycle: main\.cellspec → b\.cellspec → main\.cellspec/], { 'b.cellspec': other });
    assert.equal(d.related?.[0].uri, uriOf('b.cellspec'));
    const at = other.indexOf('import "main.cellspec"');
    assert.deepEqual([d.related![0].start, d.related![0].end], [at, at + 'import "main.cellspec"'.length]);
    assert.ok(a.scope.layer.has('B'), 'names of the other file are still visible');
  });
});

describe('engine diagnostics: cells and plausibility', () => {
  const HALF = 'cell c half { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\n';

  it('missing-thickness: a metal foil without its thickness', () => {
    expectDiag(IMPORT + 'cell c symmetric { diameter 9 mm; stack Cu | ⟦Li⟧ | LPSC 600 µm | Li 50 µm | Cu }\n', 'missing-thickness', 'warning', [/thickness of the Li foil/]);
  });

  it('redundant-thickness: a thickness on a composite layer', () => {
    expectDiag(IMPORT + 'cell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | LNT10F ⟦15 µm⟧ | LPSC 600 µm | LNT10F | Li 50 µm | Cu }\n',
      'redundant-thickness', 'warning', [/LNT10F is a composite/]);
  });

  it('stack-mismatch: a symmetric cell with one metal electrode', () => {
    expectDiag(IMPORT + 'cell c symmetric { diameter 9 mm; ⟦stack⟧ Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\n', 'stack-mismatch', 'warning', [/symmetric/, /this stack has 1/]);
  });

  it('stack-mismatch: a full cell without its cathode in the stack', () => {
    expectDiag(IMPORT + 'cell c full { diameter 9 mm; ⟦stack⟧ Cu | Li 50 µm | LPSC 600 µm\n  cathode NCM9 { loading 12 mg/cm²; active 67 wt% }\n}\n', 'stack-mismatch', 'warning', [/full cell needs its cathode/]);
  });

  it('stack-mismatch: no solid electrolyte', () => {
    expectDiag(IMPORT + 'cell c half { diameter 9 mm; ⟦stack⟧ Cu | Li 50 µm | LiIn 100 µm }\n', 'stack-mismatch', 'warning', [/no solid electrolyte/]);
  });

  it('above-ccd: a stripping current above the known CCD, related to the protocol', () => {
    const { d, m } = expectDiag(IMPORT + HALF + 'protocol p strip { current 2 mA/cm²; cutoff -0.4 V }\n⟦run p on c⟧ { }\n', 'above-ccd', 'warning',
      [/2 mA\/cm²/, /known CCD of Li \(0\.8 mA\/cm²\)/]);
    assert.equal(d.related?.[0].uri, MAIN_URI);
    assert.equal(m.text.slice(d.related![0].start, d.related![0].end), 'p');
  });

  it('above-ccd: the interlayer\'s CCD replaces the metal\'s', () => {
    const { a } = run(IMPORT + 'cell c half { diameter 9 mm; stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LiIn 100 µm }\nprotocol p strip { current 1 mA/cm²; cutoff -0.4 V }\nrun p on c { }\n');
    assert.equal(a.diagnostics.filter((d) => d.code === 'above-ccd').length, 0, list(a));
  });

  it('exceeds-inventory: a planned capacity above the Li inventory is a warning', () => {
    expectDiag(IMPORT + HALF + 'protocol p strip { current 0.5 mA/cm²; cutoff -0.4 V; capacity 12 mAh/cm² }\n⟦run p on c⟧ { }\n', 'exceeds-inventory', 'warning',
      [/12 mAh\/cm²/, /Li inventory 10\.31 mAh\/cm²/]);
  });

  it('exceeds-inventory: a Sand prediction above the Li inventory is an info', () => {
    // LNT10F at 0.5 mA/cm²: i·t0 = 23.13 mAh/cm² > 10.31 mAh/cm².
    expectDiag(IMPORT + 'cell c half { diameter 9 mm; stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LiIn 100 µm }\nprotocol p strip { current 0.5 mA/cm²; cutoff -0.4 V }\n⟦run p on c⟧ { }\n',
      'exceeds-inventory', 'info', [new RegExp(r4(0.5 * sand(9.62e-10, 0.5) / H) + ' mAh/cm²'), /10\.31 mAh\/cm²/]);
  });

  it('window-outside-chemistry: related to the stable window in the imported file', () => {
    const { d } = expectDiag(IMPORT + 'cell c full { diameter 9 mm; stack Cu | Li 50 µm | LPSC 600 µm | NCM9\n  cathode NCM9 { loading 12 mg/cm²; active 67 wt% }\n}\n' +
      'protocol p cycling { window 2.8 V .. 4.8 V; cycles 10 at 0.3 C }\n⟦run p on c⟧ { }\n', 'window-outside-chemistry', 'warning', [/2\.8 V \.\. 4\.8 V/, /NCM9, 2\.5 V \.\. 4\.6 V/]);
    assert.equal(d.related?.[0].uri, LIB_URI);
    assert.equal(LIB.slice(d.related![0].start, d.related![0].end), 'window 2.5 V .. 4.6 V');
  });

  it('implausible-value: pressure, temperature, current density, foil and interlayer thickness', () => {
    expectDiag('study "s" { pressure ⟦500 MPa⟧ }\n', 'implausible-value', 'warning', [/500 MPa/, /0\.1–100 MPa/], {});
    expectDiag('study "s" { temperature ⟦150 °C⟧ }\n', 'implausible-value', 'warning', [/150 °C/, /temperature/], {});
    expectDiag('protocol p strip { current ⟦50 mA/cm²⟧; cutoff -0.4 V }\n', 'implausible-value', 'warning', [/current density/, /0\.01–20 mA\/cm²/], {});
    expectDiag(IMPORT + 'cell c symmetric { diameter 9 mm; stack Cu | Li ⟦2 mm⟧ | LPSC 600 µm | Li 50 µm | Cu }\n', 'implausible-value', 'warning', [/Li foil thickness/, /2000 µm/]);
    expectDiag(IMPORT + 'composite X { carbon GMWNT; thickness ⟦150 µm⟧ }\n', 'implausible-value', 'warning', [/interlayer thickness/]);
  });

  it('interlayer-too-thin: under 15 µm', () => {
    expectDiag(IMPORT + 'composite X { carbon GMWNT; thickness ⟦10 µm⟧ ± 0.5 µm }\n', 'interlayer-too-thin', 'warning', [/under 15 µm/, /10 µm/]);
  });

  it('plausibility off: no plausibility warnings, errors unchanged', () => {
    const src = IMPORT + 'study "s" { pressure 500 MPa }\ncomposite X { carbon GMWNT; thickness 10 µm }\n' + HALF +
      'protocol p strip { current 2 mA/cm²; cutoff -0.4 V; capacity 12 mAh/cm² }\nrun p on c { }\ncell f full { stack Cu | Li 50 µm | LPSC 600 µm | NCM9 }\n';
    const on = run(src).a, off = run(src, FILES, false).a;
    const plaus = ['above-ccd', 'exceeds-inventory', 'window-outside-chemistry', 'implausible-value', 'interlayer-too-thin'];
    assert.ok(on.diagnostics.some((d) => plaus.includes(d.code)));
    assert.deepEqual(off.diagnostics.filter((d) => plaus.includes(d.code)), []);
    assert.deepEqual(errors(off).map((d) => d.code), errors(on).map((d) => d.code));
  });
});

// ---------------------------------------------------------------------------------------------
// Recovery

describe('engine recovery: one typo, one diagnostic', () => {
  const examples = { 'materials.cellspec': MATERIALS_TEXT };
  const baseline = analyzeText(STUDY_TEXT, examples);
  const key = (d: Diagnostic) => `${d.severity} ${d.code}: ${d.message}`;

  /** The diagnostics `text` has beyond those of the unchanged example. */
  function added(text: string): { a: SpecAnalysis; extra: Diagnostic[] } {
    const a = analyzeText(text, examples);
    const pool = baseline.diagnostics.map(key);
    const extra: Diagnostic[] = [];
    for (const d of a.diagnostics) {
      const i = pool.indexOf(key(d));
      if (i >= 0) pool.splice(i, 1); else extra.push(d);
    }
    assert.deepEqual(pool, [], 'diagnostics of the example that disappeared');
    return { a, extra };
  }

  function edit(find: string, replace: string, nth = 0): string {
    let at = -1;
    for (let k = 0; k <= nth; k++) at = STUDY_TEXT.indexOf(find, at + 1);
    assert.ok(at >= 0, `'${find}' not in the example`);
    return STUDY_TEXT.slice(0, at) + replace + STUDY_TEXT.slice(at + find.length);
  }

  it('a misspelled property in the middle of the example study', () => {
    const text = edit('  temperature 25 °C', '  temperture 25 °C');
    const { a, extra } = added(text);
    assert.equal(extra.length, 1, list(a));
    assert.equal(extra[0].code, 'unknown-property');
    assert.equal(text.slice(extra[0].start, extra[0].end), 'temperture');
    expectFix(extra[0], 'temperature');
  });

  it('a misspelled note property in a run in the middle of the example', () => {
    const text = edit('  note "published 12.96', '  nte "published 12.96');
    const { a, extra } = added(text);
    assert.equal(extra.length, 1, list(a));
    assert.equal(extra[0].code, 'unknown-property');
    expectFix(extra[0], 'note');
  });

  it('a misspelled layer in a stack in the middle of the example', () => {
    const text = edit('stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu', 'stack Cu | Li 50 µm | LPCS 600 µm | Li 50 µm | Cu');
    const { a, extra } = added(text);
    assert.equal(extra.length, 1, list(a));
    assert.equal(extra[0].code, 'undefined-reference');
    expectFix(extra[0], 'LPSC');
  });

  it('a missing "}" in the middle of the example: one unclosed-block, the rest still parsed and checked', () => {
    const open = STUDY_TEXT.indexOf('cell sym-Li symmetric {');
    const close = STUDY_TEXT.indexOf('}', open);
    const text = STUDY_TEXT.slice(0, close) + STUDY_TEXT.slice(close + 1);
    const { a, extra } = added(text);
    assert.equal(extra.length, 1, list(a));
    assert.equal(extra[0].code, 'unclosed-block');
    assert.equal(extra[0].start, text.indexOf('{', open));
    // Every declaration after it is still there, with its derived values.
    assert.equal(a.file.decls.length, baseline.file.decls.length);
    assert.deepEqual(a.derived.map((d) => `${d.key}@${d.owner} ${d.text}`), baseline.derived.map((d) => `${d.key}@${d.owner} ${d.text}`));
  });

  it('a missing "}" in a small file: the next declarations are parsed and checked', () => {
    const { m, a } = run('material X ⟦{⟧\n  role binder\nmaterial Y { role ⟦metl⟧ }\nmaterial Z { role carbon; ⟦densty⟧ 1 g/cm³ }\n', {});
    assert.equal(a.diagnostics.length, 3, list(a));
    assertRange(one(a, 'unclosed-block'), m.ranges[0], m.text);
    assertRange(one(a, 'unknown-keyword'), m.ranges[1], m.text);
    assertRange(one(a, 'unknown-property'), m.ranges[2], m.text);
  });

  it('an unknown unit gives one error and later properties still get their diagnostics', () => {
    const { m, a } = run('study "s" {\n  pressure 5 ⟦MPaa⟧\n  temperature ⟦500 °C⟧\n  diameter 9 mm\n}\n', {});
    assert.equal(a.diagnostics.length, 2, list(a));
    assertRange(one(a, 'unknown-unit'), m.ranges[0], m.text);
    assertRange(one(a, 'implausible-value'), m.ranges[1], m.text);
  });

  it('an unterminated string gives one diagnostic', () => {
    const { m, a } = run('material X {\n  role binder\n  formula ⟦"Li6PS5Cl⟧\n}\n', {});
    assert.equal(a.diagnostics.length, 1, list(a));
    assertRange(one(a, 'unterminated-string'), m, m.text);
  });

  it('a stray character as a value gives one diagnostic', () => {
    const { m, a } = run('material X {\n  role binder\n  density ⟦$$⟧\n}\n', {});
    assert.equal(a.diagnostics.length, 1, list(a));
    assertRange(one(a, 'invalid-character'), m, m.text);
  });

  it('a file that ends in the middle of a property keeps every range inside the text', () => {
    for (const text of ['material X {\n  role', 'material X { role metal; density', 'study "s" { pressure', 'cell c symmetric { stack Cu |']) {
      const a = analyzeText(text, {});
      assert.ok(a.diagnostics.some((d) => d.code === 'unclosed-block'));
      assertRangesInside(a);
    }
  });

  it('a composite without a name is reported, not thrown', () => {
    for (const header of ['composite', 'composite "LNT10F"', 'composite 10']) {
      const text = IMPORT + `${header} {\n  carbon GMWNT : FG = 10 : 1\n  binder PVDF\n  ratio carbon : binder = 10 : 1\n  thickness 15 µm\n}\n`;
      let a: SpecAnalysis | undefined;
      // Derived values are part of the analysis (hovers, hints, preview), even when computed lazily.
      assert.doesNotThrow(() => { a = analyzeText(text, FILES); assert.ok(Array.isArray(a.derived)); }, `analysing '${header} { ... }' and reading its derived values`);
      assert.ok(a!.diagnostics.some((d) => d.code === 'syntax' && /expected a name after 'composite'/.test(d.message)), list(a!));
    }
  });

  it('CR-only line endings: the unclosed-block message names the right line', () => {
    const text = 'material X {\r  role binder\rmaterial Y { role carbon }\r';
    const a = analyzeText(text, {});
    const d = one(a, 'unclosed-block');
    assert.match(d.message, /before 'material' on line 3/);
    assert.equal(a.file.lines.position(text.indexOf('material Y')).line, 2, 'LineIndex agrees: line 3');
  });

  it('CRLF line endings parse like LF', () => {
    const lf = IMPORT + 'cell c symmetric {\n  diameter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n';
    const a = analyzeText(lf.replace(/\n/g, '\r\n'), FILES);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(derived(a, 'cell.area', 'c').text, '0.6362 cm²');
  });
});

// ---------------------------------------------------------------------------------------------
// Derived values, recomputed here

describe('engine derived values', () => {
  const CELLS = `
study "s" { temperature 25 °C; pressure 5 MPa; diameter 9 mm }
cell sym symmetric { stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LNT10F | Li 50 µm | Cu }
cell half-Li half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }
cell half-LNT10F half { stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | LiIn 100 µm }
cell full full {
  stack Cu | Li 50 µm | LNT10F | LPSC 600 µm | NCM9
  cathode NCM9 { loading 12 mg/cm²; active 67 wt%; capacity 180 mAh/g }
}
cell own-area half { area 1 cm²; stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }
`;
  const PROTOCOLS = `
protocol ccd-ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h; until 3 mA/cm²; stop on short }
protocol strip-0p5 strip { current 0.5 mA/cm²; cutoff -0.4 V }
protocol strip-cap strip { current 0.5 mA/cm²; cutoff -0.4 V; capacity 2 mAh/cm² }
protocol sand-series sand { currents 0.5, 1, 2, 3 mA/cm²; cutoff -0.4 V }
protocol cyc cycling { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; precycle 1 at 0.05 C; cycles 100 at 0.3 C }
protocol cyc200 cycling { window 2.8 V .. 4.3 V; 1C = 200 mAh/g; cycles 10 at 0.3 C }
protocol rate-test rate { window 2.8 V .. 4.3 V; 1C = 180 mAh/g; rates 0.1, 0.2, 0.3, 0.4, 0.5 C; cycles-each 5; return 0.1 C }
protocol eis-sweep eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; points-per-decade 10 }
`;
  const RUNS = `
run ccd-ramp on sym { }
run strip-0p5 on half-Li { }
run strip-0p5 on half-LNT10F { }
run strip-cap on half-Li { }
run sand-series on half-LNT10F { }
run cyc on full { }
run cyc200 on full { }
run rate-test on full { }
`;
  const a = analyzeText(IMPORT + CELLS + PROTOCOLS + RUNS, FILES);

  it('the fixture has no errors', () => {
    assert.deepEqual(errors(a).map((d) => show(d, a.file.text)), []);
  });

  it('cell.area of a 9 mm disc from the study default: 0.6362 cm²', () => {
    const d = derived(a, 'cell.area', 'sym');
    close(d.si, AREA_CM2 * CM2, 'area');
    assert.equal(d.text, '0.6362 cm²');
    assert.match(d.inputs.join(' '), /study default/);
  });

  it('cell.area given directly', () => {
    const d = derived(a, 'cell.area', 'own-area');
    close(d.si, 1 * CM2, 'area');
    assert.equal(d.text, '1 cm²');
  });

  it('cell.liInventory of 50 µm Li: 10.31 mAh/cm²', () => {
    const d = derived(a, 'cell.liInventory', 'half-Li');
    close(d.si, siArealCapacity(LI_50UM), 'Li inventory');
    assert.equal(d.text, '10.31 mAh/cm²');
    assert.equal(a.file.text.slice(d.anchor.start, d.anchor.end), 'Li 50 µm');
  });

  it('composite.massFractions of LNT10F: GMWNT 100/121, FG 10/121, PVDF 11/121', () => {
    const lib = analyzeText(LIB, {});
    const d = derived(lib, 'composite.massFractions', 'LNT10F');
    const expected: [string, number][] = [['GMWNT', 100 / 121], ['FG', 10 / 121], ['PVDF', 11 / 121]];
    assert.equal(d.text, expected.map(([n, w]) => `${n} ${r4(w * 100)} wt%`).join(', '));
    assert.ok(d.text.includes('GMWNT 82.64 wt%') && d.text.includes('FG 8.264 wt%') && d.text.includes('PVDF 9.091 wt%'), d.text);
  });

  it('composite.massFractions of a single group of equal parts', () => {
    const b = analyzeText(IMPORT + 'composite X { carbon GMWNT : FG = 5 : 5; thickness 15 µm }\n', FILES);
    assert.equal(derived(b, 'composite.massFractions', 'X').text, 'GMWNT 50 wt%, FG 50 wt%');
  });

  it('cell.cathodeCapacity: 12 mg/cm² × 0.67 × 180 mAh/g', () => {
    const d = derived(a, 'cell.cathodeCapacity', 'full');
    close(d.si, siArealCapacity(CATHODE), 'cathode capacity');
    assert.equal(d.text, `${r4(CATHODE)} mAh/cm²`);
    assert.equal(d.text, '1.447 mAh/cm²');
  });

  it('cell.oneC: the areal capacity per hour, and the current over the area', () => {
    const d = derived(a, 'cell.oneC', 'full');
    close(d.si, siCurrentDensity(CATHODE / 1), '1C current density');
    assert.equal(d.text, `${r4(CATHODE)} mA/cm² = ${r4(CATHODE * AREA_CM2)} mA`);
  });

  it('cell.npRatio: Li inventory / cathode capacity', () => {
    const d = derived(a, 'cell.npRatio', 'full');
    close(d.si, LI_50UM / CATHODE, 'N/P');
    assert.equal(d.text, r4(LI_50UM / CATHODE));
  });

  it('protocol.steps and protocol.duration of the CCD ramp 0.1..3 step 0.1: 30 steps × 1 h', () => {
    const steps = Math.round((3 - 0.1) / 0.1) + 1;
    assert.equal(steps, 30);
    const s = derived(a, 'protocol.steps', 'ccd-ramp');
    assert.equal(s.si, steps);
    assert.equal(s.text, '30 steps');
    const t = derived(a, 'protocol.duration', 'ccd-ramp');
    close(t.si, steps * 2 * 0.5 * H, 'ccd duration');
    assert.equal(t.text, '30 h');
  });

  it('protocol.duration of cycling: 1 at 0.05 C + 100 at 0.3 C', () => {
    const hours = (1 * 2) / 0.05 + (100 * 2) / 0.3;
    const d = derived(a, 'protocol.duration', 'cyc');
    close(d.si, hours * H, 'cycling duration');
    assert.equal(d.text, `${r4(hours)} h`);
    assert.equal(d.text, '706.7 h');
  });

  it('protocol.duration of the rate test: 5 cycles at each of 0.1..0.5 C and back at 0.1 C', () => {
    const hours = [0.1, 0.2, 0.3, 0.4, 0.5, 0.1].reduce((s, r) => s + (5 * 2) / r, 0);
    const d = derived(a, 'protocol.duration', 'rate-test');
    close(d.si, hours * H, 'rate duration');
    assert.equal(d.text, '328.3 h');
  });

  it('protocol.duration of an EIS sweep 1 MHz .. 0.1 Hz, 10 per decade: one period per frequency', () => {
    let seconds = 0;
    for (let k = 0; k <= 70; k++) seconds += 1 / (1e6 / 10 ** (k / 10));
    const d = derived(a, 'protocol.duration', 'eis-sweep');
    close(d.si, seconds, 'eis duration');
    assert.equal(d.text, `${r4(seconds)} s`);
  });

  it('protocol.duration of a sweep of a million points per decade is the sum of its periods (found by the fuzz campaign: it was summed point by point)', () => {
    const b = analyzeText('protocol dense eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; points-per-decade 1000000 }\n');
    const n = 7_000_001;
    let seconds = 0;
    for (let k = 0; k < n; k++) seconds += 1 / (1e6 * 10 ** (-(7 * k) / (n - 1)));
    close(derived(b, 'protocol.duration', 'dense').si, seconds, 'dense eis duration', 1e-9);
  });

  it('an EIS sweep from an infinite frequency has no duration (found by the fuzz campaign: it never ended)', () => {
    const b = analyzeText('protocol wide eis { amplitude 10 mV; frequencies 1e999 MHz .. 0.1 Hz; points-per-decade 10 }\n');
    assert.equal(b.derived.find((d) => d.key === 'protocol.duration'), undefined);
  });

  it('run.currents: current density × area (CCD: start, second step, …, last step)', () => {
    const d = derived(a, 'run.currents', 'ccd-ramp on sym');
    const [first, second, last] = [0.1, 0.2, 3].map((i) => `${r4(i * AREA_CM2)} mA`);
    assert.equal(d.text, `${first}, ${second}, …, ${last}`);
    assert.equal(derived(a, 'run.currents', 'strip-0p5 on half-Li').text, '0.3181 mA');
  });

  it('run.sandTime and run.sandCapacity at 0.5 mA/cm² for D = 2.99e-10 (bare Li) and 9.62e-10 cm²/s (LNT10F)', () => {
    for (const [owner, D] of [['strip-0p5 on half-Li', 2.99e-10], ['strip-0p5 on half-LNT10F', 9.62e-10]] as const) {
      const t0 = sand(D, 0.5);
      const t = derived(a, 'run.sandTime', owner);
      assert.equal(t.text, `${r4(t0 / H)} h`, owner);
      const q = derived(a, 'run.sandCapacity', owner);
      const mAhPerCm2 = (0.5 * t0) / H;
      close(q.si, siArealCapacity(mAhPerCm2), `Sand capacity ${owner}`);
      assert.equal(q.text, `${r4(mAhPerCm2)} mAh/cm²`);
    }
    assert.equal(derived(a, 'run.sandTime', 'strip-0p5 on half-Li').text, '14.38 h');
    assert.equal(derived(a, 'run.sandTime', 'strip-0p5 on half-LNT10F').text, '46.26 h');
    assert.equal(derived(a, 'run.sandCapacity', 'strip-0p5 on half-LNT10F').text, '23.13 mAh/cm²');
  });

  it('run.sandTime of a series lists t0 for each current', () => {
    const d = derived(a, 'run.sandTime', 'sand-series on half-LNT10F');
    assert.equal(d.text, [0.5, 1, 2, 3].map((i) => `${r4(sand(9.62e-10, i) / H)} h`).join(', '));
  });

  it('run.duration of a strip: the first of Sand depletion, planned capacity, Li used up', () => {
    close(derived(a, 'run.duration', 'strip-0p5 on half-Li').si, Math.min(sand(2.99e-10, 0.5), (LI_50UM / 0.5) * H), 'bare Li: Sand first');
    close(derived(a, 'run.duration', 'strip-0p5 on half-LNT10F').si, Math.min(sand(9.62e-10, 0.5), (LI_50UM / 0.5) * H), 'LNT10F: inventory first');
    assert.equal(derived(a, 'run.duration', 'strip-0p5 on half-LNT10F').text, '20.62 h');
    close(derived(a, 'run.duration', 'strip-cap on half-Li').si, (2 / 0.5) * H, 'planned capacity first');
  });

  it('run.duration of a Sand series: each current until depletion or until the foil is used up', () => {
    const seconds = [0.5, 1, 2, 3].reduce((s, i) => s + Math.min(sand(9.62e-10, i), (LI_50UM / i) * H), 0);
    close(derived(a, 'run.duration', 'sand-series on half-LNT10F').si, seconds, 'sand series duration');
  });

  it('run.cRateCurrents of cycling: rate × cathode capacity, and × area', () => {
    const d = derived(a, 'run.cRateCurrents', 'cyc on full');
    const part = (r: number) => `${r} C: ${r4(r * CATHODE)} mA/cm² (${r4(r * CATHODE * AREA_CM2)} mA)`;
    assert.equal(d.text, [0.05, 0.3].map(part).join(', '));
    assert.ok(d.text.includes('0.3 C: 0.4342 mA/cm² (0.2762 mA)'), d.text);
  });

  it('run.cRateCurrents with 1C defined above the cathode capacity', () => {
    const d = derived(a, 'run.cRateCurrents', 'cyc200 on full');
    assert.equal(d.text, `0.3 C: ${r4(0.3 * 12e-3 * 0.67 * 200)} mA/cm² (${r4(0.3 * 12e-3 * 0.67 * 200 * AREA_CM2)} mA)`);
  });

  it('run.cRateCurrents of the rate test lists every rate and the return', () => {
    const d = derived(a, 'run.cRateCurrents', 'rate-test on full');
    assert.deepEqual(d.text.split(', ').map((s) => s.split(':')[0]), ['0.1 C', '0.2 C', '0.3 C', '0.4 C', '0.5 C', '0.1 C']);
  });

  it('run.duration of CCD, cycling and rate runs is the protocol\'s', () => {
    close(derived(a, 'run.duration', 'ccd-ramp on sym').si, 30 * H, 'ccd run');
    close(derived(a, 'run.duration', 'cyc on full').si, ((1 * 2) / 0.05 + (100 * 2) / 0.3) * H, 'cycling run');
    close(derived(a, 'run.duration', 'rate-test on full').si, [0.1, 0.2, 0.3, 0.4, 0.5, 0.1].reduce((s, r) => s + (5 * 2) / r, 0) * H, 'rate run');
  });

  it('study.schedule: the runs one after another', () => {
    const b = analyzeText(IMPORT + CELLS + PROTOCOLS + 'run ccd-ramp on sym { }\nrun cyc on full { }\n', FILES);
    const hours = 30 + (1 * 2) / 0.05 + (100 * 2) / 0.3;
    const d = derived(b, 'study.schedule', 'study');
    close(d.si, hours * H, 'schedule');
    assert.equal(d.text, `${r4(hours)} h (${r4(hours / 24)} d)`);
    assert.equal(d.text, '736.7 h (30.69 d)');
  });

  it('study.schedule of the example adds every run duration', () => {
    const ex = analyzeText(STUDY_TEXT, { 'materials.cellspec': MATERIALS_TEXT });
    const total = ex.derived.filter((d) => d.key === 'run.duration').reduce((s, d) => s + d.si!, 0);
    close(derived(ex, 'study.schedule', 'study').si, total, 'example schedule');
  });
});

// ---------------------------------------------------------------------------------------------
// The examples, from disk

describe('engine on the examples', () => {
  const ws = new Workspace(nodeFileSystem);
  for (const name of ['study.cellspec', 'materials.cellspec']) {
    it(`examples/${name} has no errors`, () => {
      const a = analyzeSpec(ws, fileUri(path.join(EXAMPLES, name)));
      assert.ok(a, 'the file is read');
      assert.deepEqual(errors(a).map((d) => show(d, a.file.text)), []);
      assertRangesInside(a);
    });
  }

  it('examples/study.cellspec sees the materials of its import and reproduces the reference figures', () => {
    const a = analyzeSpec(ws, fileUri(path.join(EXAMPLES, 'study.cellspec')))!;
    assert.equal(a.scope.files.length, 2);
    assert.ok(a.references.length > 0 && a.references.every((r) => r.target), 'every reference resolves');
    assert.equal(derived(a, 'cell.area', 'sym-Li').text, '0.6362 cm²');
    assert.equal(derived(a, 'cell.liInventory', 'sym-Li').text, '10.31 mAh/cm²');
    assert.equal(derived(a, 'protocol.steps', 'ccd-ramp').text, '30 steps');
    // A replicate's predictions are its build's: every cell of half-LNT10F has the same.
    for (const k of [1, 2, 3]) assert.equal(derived(a, 'run.sandTime', `strip-0p5 on half-LNT10F-${k}`).text, '46.26 h');
    assert.equal(derived(a, 'run.sandTime', 'strip-0p5 on half-Li-1').text, '14.38 h');
  });
});

// ---------------------------------------------------------------------------------------------
// Imports

describe('engine imports', () => {
  it('a name from an imported file resolves to its declaration there', () => {
    const { m, a } = run(IMPORT + 'cell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | ⟦LPSC⟧ 600 µm | Li 50 µm | Cu }\n');
    assert.deepEqual(a.diagnostics, []);
    const r = a.references.find((x) => x.start === m.start && x.end === m.end);
    assert.ok(r?.target, 'the reference is resolved');
    assert.equal(r.target.uri, LIB_URI);
    assert.equal(r.target.name?.name, 'LPSC');
  });

  it('imports are transitive and relative to the importing file', () => {
    const files = { 'lib/a.cellspec': 'import "b.cellspec"\n', 'lib/b.cellspec': 'material Deep { role binder }\n' };
    const a = analyzeText('import "lib/a.cellspec"\ncomposite X { binder Deep; thickness 15 µm }\n', files);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.scope.layer.get('Deep')?.uri, uriOf('lib/b.cellspec'));
  });

  it('a missing import: one error, the rest of the file still checked', () => {
    const { m, a } = run('import ⟦"materials.cellspec"⟧\nmaterial X { role ⟦metl⟧; density 0.534 g/cm³; molar-mass 6.941 g/mol }\n', {});
    assert.equal(a.diagnostics.length, 2, list(a));
    assertRange(one(a, 'import-not-found'), m.ranges[0], m.text);
    assertRange(one(a, 'unknown-keyword'), m.ranges[1], m.text);
  });

  it('a cycle of two files: reported once, and each file\'s names are visible', () => {
    const b = 'import "main.cellspec"\nmaterial B { role binder }\n';
    const a = analyzeText('import "b.cellspec"\nmaterial A { role carbon }\ncomposite X { carbon A; binder B; ratio carbon : binder = 1 : 1; thickness 15 µm }\n', { 'b.cellspec': b });
    assert.equal(a.diagnostics.length, 1, list(a));
    assert.equal(a.diagnostics[0].code, 'import-cycle');
    assert.equal(a.scope.files.length, 2);
  });

  it('a self-import: one error, names of the file resolve', () => {
    const a = analyzeText('import "main.cellspec"\nmaterial A { role carbon }\ncomposite X { carbon A; thickness 15 µm }\n', {});
    assert.deepEqual(a.diagnostics.map((d) => d.code), ['import-cycle']);
  });

  it('parse is total: the syntax tree of the example has every declaration', () => {
    const tree = parse(STUDY_TEXT);
    assert.deepEqual(tree.diagnostics, []);
    assert.equal(tree.declarations.filter((d) => d.keyword.text === 'run').length, (STUDY_TEXT.match(/^run /gm) ?? []).length);
  });
});

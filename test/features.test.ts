// Editor features on in-memory documents; `‸` marks the cursor (test/helpers/cursor.ts), as in the situation each test checks.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { codeActions } from '../server/features/codeActions';
import { complete } from '../server/features/completion';
import { foldingRanges } from '../server/features/folding';
import { contentOf, format } from '../server/features/format';
import { hover } from '../server/features/hover';
import { inlayHints } from '../server/features/inlayHints';
import { definition, references, rename } from '../server/features/navigation';
import { semanticTokens } from '../server/features/semanticTokens';
import { documentSymbols } from '../server/features/symbols';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { parse } from '../server/engine/parser';
import { cursorAt } from './helpers/cursor';
import { MATERIALS } from './helpers/library';
import { analyzeText, memoryWorkspace, MAIN_URI } from './helpers/memoryWorkspace';

const LIB = MATERIALS;

describe('hover', () => {
  it('shows the derived area with its formula on a diameter', () => {
    const { text, offset } = cursorAt(LIB + 'cell c symmetric {\n  diam‸eter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n');
    const h = hover(analyzeText(text), offset)!;
    assert.match(h.markdown, /\*\*diameter\*\* \(length\)/);
    assert.match(h.markdown, /\*\*area\*\* = 0\.6362 cm²/);
    assert.match(h.markdown, /A = π d²\/4/);
  });

  it('shows a quantity in other units of its dimension', () => {
    const { text, offset } = cursorAt(LIB + 'cell c symmetric {\n  diameter 9‸ mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n');
    const h = hover(analyzeText(text), offset)!;
    assert.match(h.markdown, /9 mm — length/);
    assert.match(h.markdown, /0\.9 cm/);
  });

  it('shows the Li inventory on the foil layer and the referenced material', () => {
    const { text, offset } = cursorAt(LIB + 'cell c symmetric {\n  diameter 9 mm\n  stack Cu | L‸i 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n');
    const h = hover(analyzeText(text), offset)!;
    assert.match(h.markdown, /`material Li`/);
    assert.match(h.markdown, /Li inventory\*\* = 10\.31 mAh\/cm²/);
  });
});

describe('completion', () => {
  it('offers declaration snippets at top level, a protocol one per type', () => {
    const { text, offset } = cursorAt('‸');
    const labels = complete(analyzeText(text), offset).map((c) => c.label);
    assert.deepEqual(labels.sort(), ['cell', 'compare', 'composite', 'import', 'material',
      'protocol arrhenius', 'protocol ccd', 'protocol conductivity', 'protocol cycling', 'protocol dc-polarisation', 'protocol eis', 'protocol gitt', 'protocol rate', 'protocol sand', 'protocol strip', 'protocol symmetric-cycling',
      'run', 'study']);
  });

  it('offers the properties a cell still lacks', () => {
    const { text, offset } = cursorAt(LIB + 'cell c full {\n  diameter 9 mm\n  ‸\n}\n');
    const labels = complete(analyzeText(text), offset).map((c) => c.label);
    assert.ok(labels.includes('stack') && labels.includes('cathode') && labels.includes('pressure'));
    assert.ok(!labels.includes('diameter'), 'diameter is already set');
  });

  it('offers units of the property\'s dimension after a number', () => {
    const { text, offset } = cursorAt(LIB + 'study "s" {\n  pressure 5 ‸\n}\n');
    const labels = complete(analyzeText(text), offset).map((c) => c.label);
    assert.equal(labels[0], 'MPa');
    assert.ok(!labels.includes('mm'));
  });

  it('offers layer names in a stack and cathode materials in a cathode', () => {
    const a = cursorAt(LIB + 'cell c full {\n  stack Cu | ‸\n}\n');
    const layers = complete(analyzeText(a.text), a.offset).map((c) => c.label);
    assert.ok(layers.includes('Li') && layers.includes('LPSC') && layers.includes('NCM9'));
    const b = cursorAt(LIB + 'cell c full {\n  cathode ‸\n}\n');
    assert.deepEqual(complete(analyzeText(b.text), b.offset).map((c) => c.label), ['NCM9']);
  });

  it('offers protocol types, protocols and cells in headers', () => {
    const a = cursorAt('protocol p ‸');
    assert.ok(complete(analyzeText(a.text), a.offset).some((c) => c.label === 'sand'));
    const b = cursorAt(LIB + 'cell c1 symmetric { diameter 9 mm; stack Li 50 µm | LPSC 600 µm | Li 50 µm }\nprotocol p1 ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }\nrun p1 on ‸');
    assert.deepEqual(complete(analyzeText(b.text), b.offset).map((c) => c.label), ['c1']);
  });
});

describe('hover on shared units', () => {
  it('gives bare numbers of a list the unit written last', () => {
    const { text, offset } = cursorAt('protocol s sand { currents 0.‸5, 1 mA/cm²; cutoff -0.4 V }\n');
    assert.match(hover(analyzeText(text), offset)!.markdown, /0\.5 mA\/cm² — current density/);
  });
});

describe('code actions', () => {
  it('offers the did-you-mean fix for a misspelled property', () => {
    const text = LIB + 'composite X {\n  thicknes 15 µm\n}\n';
    const a = analyzeText(text);
    const start = text.indexOf('thicknes');
    const fixes = codeActions(a, { start, end: start + 8 }).filter((c) => c.kind === 'quickfix');
    assert.equal(fixes[0].title, "Change to 'thickness'");
    assert.deepEqual(fixes[0].edits[0], { start, end: start + 8, newText: 'thickness' });
  });

  it('converts the quantity under the cursor to another unit of its dimension', () => {
    const { text, offset } = cursorAt('study "s" { diameter ‸9 mm }\n');
    const conv = codeActions(analyzeText(text), { start: offset, end: offset }).filter((c) => c.kind === 'refactor.rewrite');
    const cm = conv.find((c) => c.title === 'Convert to cm')!;
    assert.equal(cm.edits[0].newText, '0.9 cm');
    assert.equal(text.slice(cm.edits[0].start, cm.edits[0].end), '9 mm');
  });
});

describe('inlay hints', () => {
  it('puts the derived values at the end of what they come from', () => {
    const text = LIB + 'cell c symmetric {\n  diameter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n';
    const hints = inlayHints(analyzeText(text));
    const area = hints.find((h) => h.label.includes('area'))!;
    assert.equal(area.offset, text.indexOf('9 mm') + 4);
    assert.match(area.label, /area 0\.6362 cm²/);
    assert.ok(hints.some((h) => /Li inventory 10\.31 mAh\/cm²/.test(h.label)));
  });
});

describe('navigation', () => {
  const lib = LIB;
  const main = (stack: string) => cursorAt(`import "lib.cellspec"\ncell c symmetric { diameter 9 mm; stack ${stack} }\n`);

  it('goes to a definition in an imported file and finds references across files', () => {
    const { text, offset } = main('Cu | ‸Li 50 µm | LPSC 600 µm | Li 50 µm | Cu');
    const { ws } = memoryWorkspace({ 'lib.cellspec': lib, [MAIN_URI]: text });
    ws.addKnownFile('file:///w/lib.cellspec');
    const a = analyzeSpec(ws, MAIN_URI)!;
    const def = definition(a, offset)!;
    assert.equal(def.uri, 'file:///w/lib.cellspec');
    assert.equal(lib.slice(def.start, def.end), 'Li');
    const refs = references(ws, a, offset);
    assert.equal(refs.filter((r) => r.uri === MAIN_URI).length, 2);
    assert.equal(refs.filter((r) => r.uri === 'file:///w/lib.cellspec').length, 1, 'the declaration');
  });

  it('renames in every file, and refuses invalid or taken names', () => {
    const { text, offset } = main('Cu | Li 50 µm | ‸LPSC 600 µm | Li 50 µm | Cu');
    const { ws } = memoryWorkspace({ 'lib.cellspec': lib, [MAIN_URI]: text });
    ws.addKnownFile('file:///w/lib.cellspec');
    const a = analyzeSpec(ws, MAIN_URI)!;
    const r = rename(ws, a, offset, 'Li6PS5Cl');
    assert.equal(r.error, undefined);
    assert.equal(r.edits.length, 2);
    assert.match(rename(ws, a, offset, '9bad').error!, /not a valid name/);
    assert.match(rename(ws, a, offset, 'Cu').error!, /already declared/);
  });
});

describe('formatting', () => {
  it('re-indents and keeps every token', () => {
    const text = 'material   Li {\nrole metal\n      density 0.534 g/cm³   # aligned comment\n\n\n\n}\n';
    const out = format(parse(text))!;
    assert.equal(out, 'material Li {\n  role metal\n  density 0.534 g/cm³   # aligned comment\n\n}\n');
    assert.deepEqual(contentOf(out), contentOf(text));
  });

  it('leaves a file with syntax errors alone', () => {
    assert.equal(format(parse('material Li {\n  role metal\n')), undefined);
  });

  it('keeps a word apart from the unit before it where one space would join them (found by the fuzz campaign)', () => {
    // 'mA/cm² d' is a unit (per day): with one space the word d would become part of it.
    const text = 'material X {\n  ccd 1.5 mA/cm²       d fit\n  density 2   g/cm³\n}\n';
    const out = format(parse(text))!;
    assert.equal(out, 'material X {\n  ccd 1.5 mA/cm²  d fit\n  density 2 g/cm³\n}\n');
    assert.deepEqual(contentOf(out), contentOf(text));
    assert.equal(format(parse(out)), out);
  });

  it('is idempotent and lossless on the examples', () => {
    for (const f of ['examples/study.cellspec', 'examples/materials.cellspec']) {
      const text = fs.readFileSync(f, 'utf8');
      const once = format(parse(text))!;
      assert.deepEqual(contentOf(once), contentOf(text), f);
      assert.equal(format(parse(once)), once, f);
    }
  });
});

describe('outline, folding and semantic tokens', () => {
  const text = LIB + 'cell c symmetric {\n  diameter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n';
  it('lists declarations with their properties', () => {
    const syms = documentSymbols(analyzeText(text));
    const cell = syms.find((s) => s.name === 'c')!;
    assert.equal(cell.kind, 'class');
    assert.deepEqual(cell.children.map((c) => c.name), ['diameter', 'stack']);
  });
  it('folds multi-line blocks', () => {
    const lines = text.split('\n');
    const cellLine = lines.findIndex((l) => l.startsWith('cell c'));
    assert.deepEqual(foldingRanges(analyzeText(text)).find((f) => f.startLine === cellLine), { startLine: cellLine, endLine: cellLine + 2 });
  });
  it('colours references by what they point at', () => {
    const toks = semanticTokens(analyzeText(text));
    const li = text.indexOf('Li 50');
    assert.equal(toks.find((t) => t.start === li)?.type, 'type');
    const unit = text.indexOf('mm\n');
    assert.equal(toks.find((t) => t.start === unit)?.type, 'unit');
  });
});

describe('derived values of implausible plans', () => {
  it('gives no duration to a run with a negative stripping current', () => {
    const text = LIB + 'study "s" { diameter 9 mm }\ncell h half { stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm }\n' +
      'protocol p strip { current -0.5 mA/cm²; cutoff -0.4 V }\nrun p on h { }\n';
    const a = analyzeText(text);
    assert.equal(a.derived.find((d) => d.key === 'run.duration'), undefined);
    assert.equal(a.derived.find((d) => d.key === 'study.schedule'), undefined);
    assert.ok(a.diagnostics.some((d) => d.code === 'implausible-value'));
  });
});

describe('circuits in the spec', () => {
  it('reports a malformed circuit at its place inside the string', () => {
    const text = 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,X3)" }\n';
    const d = analyzeText(text).diagnostics.filter((x) => x.code === 'circuit-syntax');
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(text.slice(d[0].start, d[0].end), 'X3');
    assert.match(d[0].message, /X3|unknown/);
  });
  it('accepts impedance.py circuits', () => {
    const text = 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,C1)-p(R2-Wo1,C2)"; weighting unit; r-ohm fit; drt-lambda 1e-3 }\n';
    assert.deepEqual(analyzeText(text).diagnostics, []);
  });
});

describe('fixed and bounded circuit parameters', () => {
  const base = 'protocol e eis { amplitude 10 mV; frequencies 1 MHz .. 0.1 Hz; circuit "R0-p(R1,CPE1)"; ';
  it('accepts parameters of the circuit', () => {
    assert.deepEqual(analyzeText(base + 'fix CPE1_1 = 0.9; bound R1 0 .. 1000, R0 0 .. 50 }\n').diagnostics, []);
  });
  it('names a parameter the circuit does not have, with a did-you-mean', () => {
    const text = base + 'fix CPE1_2 = 0.9; bound R2 0 .. 1000 }\n';
    const d = analyzeText(text).diagnostics.filter((x) => x.code === 'unknown-parameter');
    assert.deepEqual(d.map((x) => text.slice(x.start, x.end)), ['CPE1_2', 'R2']);
    assert.match(d[0].message, /Did you mean 'CPE1_\d'/);
  });
  it('rejects bounds in the wrong order and units on parameters', () => {
    const d = analyzeText(base + 'bound R1 1000 .. 0; fix R0 = 5 Ω }\n').diagnostics;
    assert.ok(d.some((x) => x.code === 'invalid-value' && /lower bound/.test(x.message)));
    assert.ok(d.some((x) => x.code === 'syntax' && /without a unit/.test(x.message)));
  });
});

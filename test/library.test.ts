// The standard material library (server/library/materials.cellspec): seen by every spec below its
// own declarations and imports, its values consistent with their sources (molar masses from the
// formulas, X-ray densities from the lattices the comments cite, capacities from Faraday's
// constant, all computed here independently), its sources shown on hover, never edited.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { enumValue, quantity, value } from '../server/engine/model';
import { Workspace } from '../server/engine/workspace';
import { format } from '../server/features/format';
import { hover } from '../server/features/hover';
import { definition, references, rename } from '../server/features/navigation';
import { trailingNote } from '../server/features/notes';
import { LIBRARY_FILES, libraryFolder, shippedLibrary } from '../server/library/shipped';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { cursorAt } from './helpers/cursor';
import { repoRoot } from './helpers/lspClient';
import { analyzeText, LIBRARY, MAIN_URI, memoryWorkspace, show } from './helpers/memoryWorkspace';

const ROOT = repoRoot();
const SOURCE = path.join(ROOT, 'server', 'library', 'materials.cellspec');
const withLibrary = (text: string, extra: Record<string, string> = {}) => analyzeText(text, extra, {}, { library: true });
const SYM = 'cell c symmetric {\n  diameter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n';

// IUPAC standard atomic weights (2013; Li as 6.941, as the library states), typed in here to check the library's molar masses.
const ATOMIC_WEIGHT: Record<string, number> = {
  Li: 6.941, Na: 22.98977, In: 114.818, Cu: 63.546, Ni: 58.6934, P: 30.973762, S: 32.06, Cl: 35.45, Ge: 72.630, La: 138.90547,
  Zr: 91.224, O: 15.999, Co: 58.933194, Mn: 54.938044, Fe: 55.845, C: 12.011,
};
const AVOGADRO = 6.02214076e23;
const FARADAY = 96485.33212;

/** g/mol of a formula such as "LiNi0.8Co0.1Mn0.1O2". */
function formulaMass(formula: string): number {
  let m = 0;
  for (const [, el, n] of formula.matchAll(/([A-Z][a-z]?)(\d*\.?\d*)/g)) {
    assert.ok(el in ATOMIC_WEIGHT, `no atomic weight for ${el} in ${formula}`);
    m += ATOMIC_WEIGHT[el] * (n ? Number(n) : 1);
  }
  return m;
}

/** Z · M / (N_A · V) from "a = 9.86 Å, c = ..., Z = 4" and the crystal system the comment names. */
function xrayDensity(note: string, molarMass: number): number {
  const length = (k: string) => { const m = new RegExp(`\\b${k} = ([\\d.]+) Å`).exec(note); return m ? Number(m[1]) * 1e-8 : undefined; };
  const a = length('a')!, b = length('b'), c = length('c');
  const z = Number(/\bZ = (\d+)/.exec(note)![1]);
  const volume = b && c ? a * b * c : c ? (/R-3m|hexagonal/.test(note) ? (Math.sqrt(3) / 2) * a * a * c : a * a * c) : a ** 3;
  return (z * molarMass) / (AVOGADRO * volume);
}

describe('the standard material library', () => {
  const lib = withLibrary(fs.readFileSync(SOURCE, 'utf8'));
  const materials = lib.file.decls.filter((d) => d.keyword === 'material');

  it('names the materials of issue 14, each once', () => {
    const names = materials.map((d) => d.name!.name);
    assert.deepEqual(names, ['Li', 'Na', 'In', 'LiIn', 'Cu', 'Ni', 'SS', 'LPSC', 'LGPS', 'LLZO', 'LIC', 'NCM811', 'NCM9', 'LFP', 'LCO', 'graphite', 'GMWNT', 'FG', 'CB', 'PVDF', 'PTFE']);
    assert.equal(new Set(names).size, names.length);
    assert.equal(lib.file.decls.length, materials.length, 'materials only: no study, cell or protocol');
  });

  it('checks clean with the command line', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cellspec'), 'check', SOURCE], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 file checked: 0 errors, 0 warnings/);
  });

  it('checks clean in the engine too, with every diagnostic severity, and is laid out as the formatter lays it out', () => {
    assert.deepEqual(lib.diagnostics.map((d) => show(d, lib.file.text)), []);
    assert.equal(format(lib.file.tree), lib.file.text);
  });

  it('gives every material what its role needs: a metal its density and molar mass, a cathode its capacity and window', () => {
    for (const d of materials) {
      const role = enumValue(d.props, 'role');
      const has = (k: string) => assert.ok(d.props.has(k), `${d.name!.name} (${role}) has no ${k}`);
      has('formula');
      if (role === 'metal') ['density', 'molar-mass'].forEach(has);
      if (role === 'cathode') ['capacity', 'window', 'molar-mass'].forEach(has);
      if (role === 'electrolyte') has('molar-mass');
    }
  });

  it('writes the source of every value after it', () => {
    for (const d of materials) {
      for (const [k, e] of d.props) {
        if (k === 'role' || k === 'formula') continue;
        const note = trailingNote(lib.file, e.prop);
        assert.ok(note && note.length >= 20, `${d.name!.name} ${k}: no source (${note})`);
        // A source is a handbook, a data sheet, a paper (doi, journal and year), a computation, or says it is typical.
        assert.match(note, /CRC|IUPAC|ASM|data sheet|handbook|doi|\(\d{4}\)|F \/|sum of the IUPAC|typical/i, `${d.name!.name} ${k}: ${note}`);
      }
    }
  });

  it('gives molar masses that are the sums of the formula\'s atomic weights', () => {
    for (const d of materials) {
      const M = quantity(d.props, 'molar-mass');
      const formula = value(d.props, 'formula', 'string')?.text;
      if (!M || !formula) continue;
      const expected = formulaMass(formula);
      assert.ok(Math.abs(M.si * 1000 - expected) / expected < 2e-4, `${d.name!.name}: ${M.si * 1000} g/mol, the formula gives ${expected.toFixed(3)}`);
    }
  });

  it('gives X-ray densities that follow from the lattices their sources cite', () => {
    let checked = 0;
    for (const d of materials) {
      const e = d.props.get('density');
      const note = e && trailingNote(lib.file, e.prop);
      if (!note?.includes('X-ray density')) continue;
      const M = formulaMass(value(d.props, 'formula', 'string')!.text);
      const rho = quantity(d.props, 'density')!.si / 1000; // kg/m³ → g/cm³
      const expected = xrayDensity(note, M);
      assert.ok(Math.abs(rho - expected) / expected < 0.005, `${d.name!.name}: ${rho} g/cm³, the lattice gives ${expected.toFixed(3)}`);
      checked++;
    }
    assert.ok(checked >= 7, `${checked} X-ray densities checked`);
  });

  it('gives theoretical capacities of F / (3.6 M) per Li (LiC6 for graphite)', () => {
    const perLi: Record<string, number> = { Li: 6.941, Na: 22.98977, LFP: formulaMass('LiFePO4'), graphite: 6 * 12.011 };
    for (const [name, M] of Object.entries(perLi)) {
      const cap = quantity(materials.find((d) => d.name!.name === name)!.props, 'capacity')!;
      const expected = FARADAY / M / 3.6; // mAh/g
      const mAhPerG = cap.si / 3600; // C/kg → mAh/g
      assert.ok(Math.abs(mAhPerG - expected) / expected < 0.003, `${name}: ${mAhPerG} mAh/g, F/(3.6 M) = ${expected.toFixed(1)}`);
    }
  });

  it('gives Li the values the domain figures use: c0 = 0.07693 mol/cm³, 50 µm hold 10.31 mAh/cm²', () => {
    const a = withLibrary(SYM);
    const inventory = a.derived.find((d) => d.key === 'cell.liInventory')!;
    assert.match(inventory.text, /^10\.31 mAh\/cm²/);
    const li = a.scope.layer.get('Li')!;
    const c0 = quantity(li.props, 'density')!.si / quantity(li.props, 'molar-mass')!.si; // mol/m³
    assert.ok(Math.abs(c0 / 1e6 - 0.07693) < 5e-5, `${c0 / 1e6} mol/cm³`);
  });

  it('ships in dist/library as the build copies it, and the server and CLI find it', () => {
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'library', 'materials.cellspec')), 'npm run build copies it');
    assert.equal(fs.readFileSync(path.join(ROOT, 'dist', 'library', 'materials.cellspec'), 'utf8'), fs.readFileSync(SOURCE, 'utf8'));
    assert.ok(libraryFolder());
    assert.deepEqual(shippedLibrary().map((f) => path.basename(URI.parse(f.uri).fsPath)), LIBRARY_FILES);
    assert.deepEqual(shippedLibrary('cellspec-library').map((f) => f.uri), ['cellspec-library:/materials.cellspec']);
  });
});

describe('a spec and the library', () => {
  it('sees the library\'s materials without declaring or importing them', () => {
    const a = withLibrary(SYM);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => show(d, a.file.text)), []);
    assert.ok(a.derived.some((d) => d.key === 'cell.liInventory'), 'the Li inventory from the library\'s density and molar mass');
  });

  it('without the library the same spec has undefined names (the library is what defines them)', () => {
    const a = analyzeText(SYM);
    assert.deepEqual(a.diagnostics.filter((d) => d.code === 'undefined-reference').map((d) => a.file.text.slice(d.start, d.end)), ['Cu', 'Li', 'LPSC', 'Li', 'Cu']);
  });

  it('lets a local declaration override a library material: no duplicate-name, the local values count', () => {
    const { text, offset } = cursorAt('material L‸i { role metal; density 0.5 g/cm³; molar-mass 6.941 g/mol }\n' + SYM);
    const a = withLibrary(text);
    assert.deepEqual(a.diagnostics.map((d) => show(d, text)), []);
    assert.equal(a.scope.layer.get('Li')!.uri, MAIN_URI);
    const inventory = a.derived.find((d) => d.key === 'cell.liInventory')!;
    // 50 µm · 0.5 g/cm³ / 6.941 g/mol · F = 9.655 mAh/cm², not the library's 10.31.
    const expected = ((50e-4 * 0.5) / 6.941) * FARADAY / 3.6;
    assert.ok(Math.abs(inventory.si! / 36000 - expected) < 0.001, `${inventory.text}, expected ${expected.toFixed(3)} mAh/cm²`);
    const h = hover(a, offset)!;
    assert.match(h.markdown, /Replaces the standard library's Li \(density 0\.534 g\/cm³; molar-mass 6\.941 g\/mol/);
  });

  it('lets an imported material override the library\'s (the example study keeps its own LPSC)', () => {
    const examples = path.join(ROOT, 'examples');
    const ws = new Workspace(nodeFileSystem, shippedLibrary());
    const a = analyzeSpec(ws, URI.file(path.join(examples, 'study.cellspec')).toString())!;
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error' || d.code === 'duplicate-name').map((d) => show(d, a.file.text)), []);
    for (const name of ['Li', 'LPSC', 'NCM9', 'Cu']) assert.match(a.scope.layer.get(name)!.uri, /examples\/materials\.cellspec$/, name);
    assert.ok(Math.abs(quantity(a.scope.layer.get('LPSC')!.props, 'density')!.si - 1640) < 1e-6, 'the example\'s 1.64 g/cm³, not the library\'s 1.86');
    // Names the example does not declare still come from the library.
    assert.ok(ws.isLibrary(a.scope.layer.get('LLZO')!.uri));
  });

  it('shows a library material on hover with its description and the source of each value', () => {
    const { text, offset } = cursorAt('cell c symmetric {\n  diameter 9 mm\n  stack Cu | Li 50 µm | LP‸SC 600 µm | Li 50 µm | Cu\n}\n');
    const h = hover(withLibrary(text), offset)!;
    assert.match(h.markdown, /`material LPSC` — from the standard library \(materials\.cellspec\)/);
    assert.match(h.markdown, /Argyrodite Li6PS5Cl/);
    assert.match(h.markdown, /- density 1\.86 g\/cm³ — \*X-ray density: cubic F-43m, a = 9\.86 Å, Z = 4 \(Deiseroth et al\., Angew\. Chem\. Int\. Ed\. 47 \(2008\) 755/);
    assert.match(h.markdown, /- window 1\.71 V \.\. 2\.01 V — \*computed stability window vs Li, Zhu, He & Mo/);
  });

  it('answers a formula written as a name with the material\'s name, and a quick fix', () => {
    const a = withLibrary('cell c symmetric { diameter 9 mm; stack Cu | Li 50 µm | Li6PS5Cl 600 µm | Li 50 µm | Cu }\n');
    const d = a.diagnostics.find((x) => x.code === 'undefined-reference')!;
    assert.equal(d.message, "no material or composite named 'Li6PS5Cl'. Did you mean 'LPSC' (Li6PS5Cl)?");
    assert.deepEqual(d.fixes!.map((f) => f.newText), ['LPSC']);
    // "C" is the formula of graphite, carbon black and the nanotubes: no guess among them.
    const c = withLibrary('composite x { carbon C; thickness 20 µm }\n').diagnostics.find((x) => x.code === 'undefined-reference')!;
    assert.doesNotMatch(c.message, /Did you mean '(graphite|CB|GMWNT)' \(C\)/);
  });

  it('goes to the definition in the library, and never renames or edits it', () => {
    const { text, offset } = cursorAt('cell c symmetric { diameter 9 mm; stack C‸u | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu }\n');
    const { ws } = memoryWorkspace({ [MAIN_URI]: text }, { library: true });
    const a = analyzeSpec(ws, MAIN_URI)!;
    const def = definition(a, offset)!;
    assert.equal(def.uri, LIBRARY[0].uri);
    assert.equal(LIBRARY[0].text.slice(def.start, def.end), 'Cu');
    assert.match(rename(ws, a, offset, 'Copper').error!, /standard library, which cannot be edited/);
    const refs = references(ws, a, offset);
    assert.equal(refs.filter((r) => r.uri === MAIN_URI).length, 2, 'both uses of Cu');
    assert.ok(!ws.knownFiles().includes(LIBRARY[0].uri), 'the library is not a file of the user\'s');
  });

  it('renames a local override without touching the library, even when the library is open', () => {
    const { text, offset } = cursorAt('material C‸u { role collector }\n' + SYM);
    const { ws } = memoryWorkspace({ [MAIN_URI]: text }, { library: true });
    ws.setDocument(LIBRARY[0].uri, LIBRARY[0].text, 1);
    const r = rename(ws, analyzeSpec(ws, MAIN_URI)!, offset, 'Copper');
    assert.equal(r.error, undefined);
    assert.deepEqual([...new Set(r.edits.map((e) => e.uri))], [MAIN_URI]);
    assert.equal(r.edits.length, 3, 'the declaration and the two uses');
  });
});

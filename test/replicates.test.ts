// Replicates and comparisons in the language: a cell's `replicates` names cells of their own that
// runs name, a `compare` declaration names the builds compared. Names are checked, navigation,
// completion, hover, semantic tokens and formatting know them; `‸` marks the cursor.
import { strict as assert } from 'assert';
import { complete } from '../server/features/completion';
import { contentOf, format } from '../server/features/format';
import { hover } from '../server/features/hover';
import { definition, references, rename } from '../server/features/navigation';
import { semanticTokens } from '../server/features/semanticTokens';
import { codeActions } from '../server/features/codeActions';
import { parse } from '../server/engine/parser';
import { cellFacts } from '../server/engine/compute';
import { cursorAt } from './helpers/cursor';
import { MATERIALS } from './helpers/library';
import { analyzeText, memoryWorkspace, MAIN_URI } from './helpers/memoryWorkspace';
import { analyzeSpec } from '../server/engine/specAnalysis';

const HALF = `study "s" { diameter 9 mm }
cell half-Li half {
  stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm
  replicates half-Li-1, half-Li-2, half-Li-3
}
cell half-X half {
  stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm
  replicates half-X-1, half-X-2
}
protocol sand-series sand { currents 0.5, 1 mA/cm²; cutoff -0.4 V }
`;
const RUNS = `run sand-series on half-Li-1 { data "a/*.mpt" }
run sand-series on half-Li-2 { data "b/*.mpt" }
run sand-series on half-X-1 { data "c/*.mpt" }
run sand-series on half-X-2 { data "d/*.mpt" }
`;
const spec = (extra = '') => MATERIALS + HALF + RUNS + extra;
const codes = (text: string) => analyzeText(text, {}, { plausibility: false }).diagnostics.map((d) => d.code);
const problems = (text: string) => analyzeText(text, {}, { plausibility: false }).diagnostics.map((d) => `${d.code}: ${d.message}`);

describe('replicates: cells of one build', () => {
  it('makes each replicate a cell that runs name, with the properties of its build', () => {
    const a = analyzeText(spec('compare anodes { builds half-Li, half-X }\n'), {}, { plausibility: false });
    assert.deepEqual(a.diagnostics.map((d) => d.message), []);
    const replicate = a.scope.cell.get('half-Li-2')!;
    assert.equal(replicate.build, a.scope.cell.get('half-Li'));
    assert.equal(replicate.type?.name, 'half');
    // Derived facts (area, Li inventory) are the build's.
    const f = cellFacts(replicate, a.scope);
    assert.ok(Math.abs(f.area!.si - Math.PI * 0.0045 ** 2) < 1e-12);
  });

  it('reports a run on an undefined replicate with did-you-mean', () => {
    const a = analyzeText(spec('run sand-series on half-Li-4 { data "e/*.mpt" }\n'), {}, { plausibility: false });
    const d = a.diagnostics.find((x) => x.code === 'undefined-reference')!;
    assert.match(d.message, /no cell named 'half-Li-4'\. Did you mean 'half-Li-[1-3]'\?/);
    assert.equal(a.file.text.slice(d.start, d.end), 'half-Li-4');
  });

  it('reports a replicate name that is already a cell', () => {
    const text = spec('cell half-Li-2 half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\n');
    assert.ok(problems(text).some((p) => /^duplicate-name: 'half-Li-2' is already declared/.test(p)), problems(text).join('\n'));
  });

  it('warns about a run on a build that has replicates, with a fix per replicate', () => {
    const a = analyzeText(spec('run sand-series on half-Li { data "e/*.mpt" }\n'), {}, { plausibility: false });
    const d = a.diagnostics.find((x) => x.code === 'run-on-build')!;
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /half-Li has replicates \(half-Li-1, half-Li-2, half-Li-3\): name the one this run measured/);
    assert.deepEqual(d.fixes!.map((f) => f.newText), ['half-Li-1', 'half-Li-2', 'half-Li-3']);
  });

  it('goes from a run to the replicate\'s name in the build, and finds its references', () => {
    const { text, offset } = cursorAt(spec().replace('run sand-series on half-Li-2', 'run sand-series on half-L‸i-2'));
    const { ws } = memoryWorkspace({ [MAIN_URI]: text });
    const a = analyzeSpec(ws, MAIN_URI, { plausibility: false })!;
    const def = definition(a, offset)!;
    assert.equal(text.slice(def.start, def.end), 'half-Li-2');
    assert.ok(text.lastIndexOf('replicates half-Li-1, half-Li-2', def.start) >= 0 && def.start < text.indexOf('run '), 'the name in the replicates list');
    const refs = references(ws, a, offset);
    assert.deepEqual(refs.map((r) => text.slice(r.start, r.end)), ['half-Li-2', 'half-Li-2']);
  });

  it('renames a replicate at its declaration: the list and every run', () => {
    const { text, offset } = cursorAt(spec().replace('half-Li-1, half-Li-2', 'half-Li-1, half-‸Li-2'));
    const { ws } = memoryWorkspace({ [MAIN_URI]: text });
    const a = analyzeSpec(ws, MAIN_URI, { plausibility: false })!;
    const r = rename(ws, a, offset, 'cell-17');
    assert.equal(r.error, undefined);
    let out = text;
    for (const e of [...r.edits].sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    assert.match(out, /replicates half-Li-1, cell-17, half-Li-3/);
    assert.match(out, /run sand-series on cell-17 \{/);
    assert.equal(rename(ws, a, offset, 'half-X-1').error, "'half-X-1' is already declared");
  });

  it('hovers a replicate with its build and place among the replicates', () => {
    const { text, offset } = cursorAt(spec().replace('run sand-series on half-X-2', 'run sand-series on half-X‸-2'));
    const md = hover(analyzeText(text, {}, { plausibility: false }), offset)!.markdown;
    assert.match(md, /`cell half-X-2 half`/);
    assert.match(md, /replicate 2 of 2 of the build \*\*half-X\*\*/);
  });

  it('colours replicate names as cell declarations', () => {
    const text = spec();
    const toks = semanticTokens(analyzeText(text, {}, { plausibility: false }));
    const at = text.indexOf('half-Li-3');
    assert.deepEqual(toks.find((t) => t.start === at), { start: at, end: at + 'half-Li-3'.length, type: 'class', declaration: true });
  });

  it('offers replicates after "run p on", each saying whose it is', () => {
    const { text, offset } = cursorAt(MATERIALS + HALF + 'run sand-series on ‸');
    const items = complete(analyzeText(text), offset);
    const rep = items.find((c) => c.label === 'half-X-1')!;
    assert.equal(rep.detail, 'half (replicate of half-X)');
    assert.ok(items.some((c) => c.label === 'half-Li'));
  });
});

describe('compare: builds side by side', () => {
  it('checks the builds: undefined with did-you-mean, a replicate instead of its build', () => {
    const a = analyzeText(spec('compare anodes { builds half-Lj, half-X-1 }\n'), {}, { plausibility: false });
    const undef = a.diagnostics.find((d) => d.code === 'undefined-reference')!;
    assert.match(undef.message, /no cell named 'half-Lj'\. Did you mean 'half-Li'\?/);
    const kind = a.diagnostics.find((d) => d.code === 'wrong-kind')!;
    assert.match(kind.message, /'half-X-1' is a replicate of half-X: a comparison names builds/);
    assert.deepEqual(kind.fixes!.map((f) => f.newText), ['half-X']);
  });

  it('requires builds, and a reference among them', () => {
    assert.ok(codes(spec('compare anodes { figures D_eff }\n')).includes('missing-property'));
    const p = problems(spec('cell other half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\ncompare anodes { builds half-Li, half-X; reference other }\n'));
    assert.ok(p.includes("undefined-reference: 'other' is not one of the builds compared: half-Li, half-X"), p.join('\n'));
  });

  it('knows the figures it can compare, with did-you-mean', () => {
    const p = problems(spec('compare anodes { builds half-Li, half-X; figures D_ef }\n'));
    assert.ok(p.some((x) => /^unknown-keyword: unknown figure 'D_ef'; expected ccd, .*\. Did you mean 'D_eff'\?$/.test(x)), p.join('\n'));
  });

  it('warns that no spread can be computed when every build has one cell with runs', () => {
    const text = MATERIALS + HALF + 'run sand-series on half-Li-1 { data "a" }\nrun sand-series on half-X-1 { data "b" }\ncompare anodes { builds half-Li, half-X }\n';
    const a = analyzeText(text, {}, { plausibility: false });
    const d = a.diagnostics.filter((x) => x.code === 'no-spread');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'warning');
    assert.equal(a.file.text.slice(d[0].start, d[0].end), 'compare anodes');
    assert.match(d[0].message, /every build of this comparison has at most one cell with runs \(half-Li: 1, half-X: 1\): no spread \(SD, SE, 95 % interval\) can be computed and no t-test made/);
  });

  it('warns on the one build with a single cell when the others have replicates run', () => {
    const text = MATERIALS + HALF + 'cell solo half { stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm }\n' + RUNS + 'run sand-series on solo { data "s" }\ncompare anodes { builds half-Li, solo, half-X }\n';
    const a = analyzeText(text, {}, { plausibility: false });
    const d = a.diagnostics.filter((x) => x.code === 'no-spread');
    assert.deepEqual(d.map((x) => a.file.text.slice(x.start, x.end)), ['solo']);
    assert.match(d[0].message, /solo has one cell with runs \(solo\): its spread \(SD, SE, 95 % interval\) cannot be computed, nor Welch's t-test against it/);
  });

  it('goes from a compared build to its cell, and renames the build everywhere', () => {
    const { text, offset } = cursorAt(spec('compare anodes { builds half-L‸i, half-X; reference half-Li }\n'));
    const { ws } = memoryWorkspace({ [MAIN_URI]: text });
    const a = analyzeSpec(ws, MAIN_URI, { plausibility: false })!;
    const def = definition(a, offset)!;
    assert.equal(def.start, text.indexOf('half-Li half {'));
    const r = rename(ws, a, offset, 'bare-Li');
    let out = text;
    for (const e of [...r.edits].sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    assert.match(out, /cell bare-Li half \{/);
    assert.match(out, /builds bare-Li, half-X; reference bare-Li \}/);
    assert.match(out, /replicates half-Li-1, half-Li-2, half-Li-3/, 'the replicates keep their own names');
  });

  it('hovers a compared build with its replicates, and the keyword with its doc', () => {
    const src = spec('compare anodes { builds half-Li, half-‸X }\n');
    const { text, offset } = cursorAt(src);
    assert.match(hover(analyzeText(text, {}, { plausibility: false }), offset)!.markdown, /a build of 2 replicates: half-X-1, half-X-2/);
    const k = cursorAt(spec('comp‸are anodes { builds half-Li, half-X }\n'));
    assert.match(hover(analyzeText(k.text, {}, { plausibility: false }), k.offset)!.markdown, /\*\*compare\*\*: A comparison of builds/);
  });

  it('completes builds (not replicates), the reference among the builds, and the figures', () => {
    const b = cursorAt(spec('compare anodes {\n  builds ‸\n}\n'));
    const builds = complete(analyzeText(b.text), b.offset).map((c) => c.label);
    assert.ok(builds.includes('half-Li') && builds.includes('half-X'), builds.join());
    assert.ok(!builds.includes('half-Li-1'), 'replicates are not builds');
    const r = cursorAt(spec('compare anodes {\n  builds half-Li, half-X\n  reference ‸\n}\n'));
    assert.deepEqual(complete(analyzeText(r.text), r.offset).map((c) => c.label), ['half-Li', 'half-X']);
    const f = cursorAt(spec('compare anodes {\n  builds half-Li, half-X\n  figures D_eff, ‸\n}\n'));
    assert.ok(complete(analyzeText(f.text), f.offset).some((c) => c.label === 'stripping-capacity'));
    const props = cursorAt(spec('compare anodes {\n  ‸\n}\n'));
    assert.deepEqual(complete(analyzeText(props.text), props.offset).map((c) => c.label), ['builds', 'reference', 'figures']);
  });

  it('offers a compare template at top level whose builds are choices of the builds, not their replicates, two different ones first', () => {
    const { text, offset } = cursorAt(spec('‸'));
    const item = complete(analyzeText(text), offset).find((c) => c.label === 'compare')!;
    assert.ok(item?.snippet, 'a snippet');
    assert.equal(item.insertText, 'compare ${1:builds} {\n  builds ${2|half-Li,half-X|}, ${3|half-X,half-Li|}\n}');
  });

  it('fixes a replicate named as a build with its quick fix', () => {
    const text = spec('compare anodes { builds half-Li, half-X-2 }\n');
    const a = analyzeText(text, {}, { plausibility: false });
    const at = text.indexOf('half-X-2 }');
    const fix = codeActions(a, { start: at, end: at }).find((c) => c.title === "Change to 'half-X'");
    assert.ok(fix, 'a quick fix to the build');
  });

  it('formats replicates and a comparison, keeping every token', () => {
    const src = MATERIALS + 'cell half-Li half {\n stack Cu | Li 50 µm | LPSC 600 µm | LiIn 100 µm\n      replicates   half-Li-1 ,half-Li-2\n}\ncompare   anodes {\nbuilds half-Li ,   half-Li\n   figures D_eff,ccd\n}\n';
    const out = format(parse(src))!;
    assert.match(out, /\n {2}replicates half-Li-1, half-Li-2\n/);
    assert.match(out, /\ncompare anodes \{\n {2}builds half-Li, half-Li\n {2}figures D_eff, ccd\n\}\n/);
    assert.deepEqual(contentOf(out), contentOf(src));
    assert.equal(format(parse(out)), out);
  });
});

// Editor basics over LSP, with the real bundled server: each diagnostic's code links to its row
// in docs/diagnostics.md, "Fix all" (source.fixAll.cellspec) applies every preferred fix at once,
// cellspec/derivedValues answers the page of derived values, and the CCD short threshold
// (cellspec.analysis.*) changes what the data analysis finds, in process and through the server.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { analyzeSpec } from '../server/engine/specAnalysis';
import { Workspace } from '../server/engine/workspace';
import { fixAll } from '../server/features/codeActions';
import { derivedValuesMarkdown } from '../server/features/derivedValues';
import { nodeFileSystem } from '../server/nodeFileSystem';
import { StudySession } from '../server/results/study';
import { applyEdits, fileUri, LspClient, positionOf, repoRoot } from './helpers/lspClient';
import { analyzeText } from './helpers/memoryWorkspace';

const ROOT = repoRoot();
const EXAMPLES = path.join(ROOT, 'examples');
const WAIT_MS = 30000;
const ERROR = 1;

/** The example study with a misspelt property and a current unit for a thickness: two fixable errors. */
function brokenStudy(): string {
  return fs.readFileSync(path.join(EXAMPLES, 'study.cellspec'), 'utf8')
    .replace('  thickness 15 µm ± 0.5 µm          # below 15 µm', '  thicknes 15 µm ± 0.5 µm          # below 15 µm')
    .replace(/(composite LNT5F5 \{[^}]*?)thickness 15 µm/, '$1thickness 15 mA');
}

describe('LSP: diagnostic codes link to their documentation', function () {
  this.timeout(60000);
  let c: LspClient;
  after(async () => { await c?.stop(); });

  it('every diagnostic of the example and of a broken copy links to its row in docs/diagnostics.md', async () => {
    c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: WAIT_MS });
    const uri = fileUri(path.join(EXAMPLES, 'broken-never-written.cellspec'));
    await c.open(uri, brokenStudy());
    const { diagnostics } = await c.waitForCurrentDiagnostics(uri, (ds) => ds.some((d) => d.code === 'unknown-property'), WAIT_MS);
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'diagnostics.md'), 'utf8').split('\n');
    const codes = new Set(diagnostics.map((d) => d.code));
    for (const code of ['unknown-property', 'wrong-dimension', 'above-ccd']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
    for (const d of diagnostics) {
      const href = d.codeDescription?.href;
      assert.ok(href, `${d.code} has no link`);
      const m = /^(file:.*)#L(\d+)$/.exec(href);
      assert.ok(m, href);
      assert.equal(fileURLToPath(m[1]), path.join(ROOT, 'docs', 'diagnostics.md'));
      assert.ok(docs[Number(m[2]) - 1].includes(`\`${d.code}\``), `line ${m[2]} documents ${d.code}: ${docs[Number(m[2]) - 1]}`);
    }
  });
});

describe('LSP: Fix all', function () {
  this.timeout(60000);
  let c: LspClient;
  let dir: string;
  after(async () => {
    await c?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is offered as source.fixAll.cellspec and fixes every fixable error in one edit', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-fixall-'));
    fs.cpSync(EXAMPLES, dir, { recursive: true });
    const text = brokenStudy();
    const uri = fileUri(path.join(dir, 'study.cellspec'));
    c = await LspClient.start({ workspaceFolder: dir, timeoutMs: WAIT_MS });
    const kinds = (c.initializeResult!.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('source.fixAll.cellspec'), kinds.join(', '));
    await c.open(uri, text);
    const before = (await c.waitForCurrentDiagnostics(uri, (ds) => ds.some((d) => d.code === 'wrong-dimension'), WAIT_MS)).diagnostics;
    assert.ok(before.filter((d) => d.severity === ERROR).length >= 2, 'two errors to fix');

    const ask = (only?: string[]) => c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], ...(only ? { only } : {}) },
    });
    // The light bulb (no kind asked for) and quick fixes do not list it; source and source.fixAll do.
    assert.ok(!(await ask()).some((a) => a.kind?.startsWith('source')));
    assert.ok(!(await ask(['quickfix'])).some((a) => a.kind?.startsWith('source')));
    assert.equal((await ask(['source'])).filter((a) => a.kind === 'source.fixAll.cellspec').length, 1);
    const [all] = (await ask(['source.fixAll'])).filter((a) => a.kind === 'source.fixAll.cellspec');
    assert.match(all.title, /^Fix all cellspec problems \(\d+\)$/);

    const fixed = applyEdits(text, all.edit!.changes![uri]);
    await c.change(uri, [{ text: fixed }]);
    const after = (await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS)).diagnostics;
    assert.deepEqual(after.filter((d: Diagnostic) => d.severity === ERROR), []);
    assert.ok(fixed.includes('  thickness 15 µm ± 0.5 µm          # below 15 µm'), 'the typo is fixed');
    assert.ok(!fixed.includes('thickness 15 mA'), 'the unit is fixed');
  });
});

describe('Fix all on a document', () => {
  it('takes the first fix of each diagnostic, never two overlapping edits', () => {
    const a = analyzeText('material Li {\n  role metl\n  densty 0.534 g/cm³\n  molar-mass 6.941\n}\n');
    const action = fixAll(a);
    assert.ok(action);
    const fixable = a.diagnostics.filter((d) => d.fixes?.length);
    assert.equal(action.edits.length, fixable.length);
    for (let i = 1; i < action.edits.length; i++) assert.ok(action.edits[i].start >= action.edits[i - 1].end, 'sorted, not overlapping');
    for (const d of fixable) assert.ok(action.edits.some((e) => e.start === d.fixes![0].start && e.newText === d.fixes![0].newText), d.code);
  });

  it('offers nothing when nothing is fixable', () => {
    assert.equal(fixAll(analyzeText('material Cu {\n  role collector\n}\n')), undefined);
  });
});

describe('Show Derived Values', function () {
  this.timeout(60000);
  let c: LspClient;
  after(async () => { await c?.stop(); });

  it('lists every derived value of the plan under its declaration, with formula and inputs', () => {
    const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(path.join(EXAMPLES, 'study.cellspec')).toString())!;
    const md = derivedValuesMarkdown(a);
    assert.match(md, /^# Derived values of study\.cellspec$/m);
    for (const d of a.derived) assert.ok(md.includes(`- **${d.label}** = ${d.text}\n  - ${d.formula}`), `${d.owner}: ${d.label}`);
    const lines = fs.readFileSync(path.join(EXAMPLES, 'study.cellspec'), 'utf8').split('\n');
    const cell = /^## sym-Li \(line (\d+)\)$/m.exec(md);
    assert.ok(cell, 'a heading for the cell sym-Li with its line');
    assert.match(lines[Number(cell[1]) - 1], /sym-Li/);
  });

  it('is answered by the server (cellspec/derivedValues), for open and unopened specs', async () => {
    c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: WAIT_MS });
    const uri = fileUri(path.join(EXAMPLES, 'study.cellspec'));
    const r = await c.request<{ markdown: string } | null>('cellspec/derivedValues', { uri });
    assert.match(r!.markdown, /\*\*Li inventory\*\* = 10\.31 mAh\/cm²/);
    assert.match(r!.markdown, /\*\*area\*\* = 0\.6362 cm²\n {2}- A = π d²\/4/);
  });
});

describe('Analysis thresholds (cellspec.analysis.*)', function () {
  this.timeout(120000);
  const spec = path.join(EXAMPLES, 'study.cellspec');

  /** The CCD (A/m²) the example's data give each symmetric cell, with these thresholds. */
  async function ccds(analysis: ConstructorParameters<typeof StudySession>[1]): Promise<Record<string, number | undefined>> {
    const a = analyzeSpec(new Workspace(nodeFileSystem), URI.file(spec).toString())!;
    const s = new StudySession(undefined, analysis);
    assert.ok(await s.refresh(a, 1));
    const out: Record<string, number | undefined> = {};
    for (const o of s.outcomes(a.file.uri, 1)!) {
      const r = o.result.ccd;
      if (o.job.protocol.type === 'ccd') out[o.job.cell.name] = r?.ok ? r.currentDensity?.value : undefined;
    }
    return out;
  }

  it('a more sensitive collapse threshold finds the short of sym-LNT10F-1 earlier', async () => {
    const defaults = await ccds({});
    const sensitive = await ccds({ analysis: { shortCollapseFraction: 0.9 } });
    assert.ok(Math.abs(defaults['sym-LNT10F-1']! - 15) < 1e-6, `default: ${JSON.stringify(defaults)}`);
    assert.ok(sensitive['sym-LNT10F-1']! < defaults['sym-LNT10F-1']!, `0.9: ${JSON.stringify(sensitive)}`);
    // The default threshold, given explicitly, is the default.
    assert.deepEqual(await ccds({ analysis: { shortCollapseFraction: 0.3, shortSustainFraction: 0.5 } }), defaults);
  });

  it('reaches the analysis from the server\'s settings', async () => {
    const c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: WAIT_MS, settings: { analysis: { shortCollapseFraction: 0.9 } } });
    try {
      const uri = fileUri(spec);
      const text = fs.readFileSync(spec, 'utf8');
      await c.open(uri, text);
      await c.waitForCurrentDiagnostics(uri, (ds) => ds.some((x) => x.code === 'plan-mismatch'), 60000);
      const hover = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'run ccd-ramp on sym-LNT10F-1', 5) });
      const md = (hover.contents as { value: string }).value;
      assert.match(md, /\*\*CCD\*\*: 0\.1 mA\/cm²/, md);
    } finally {
      await c.stop();
    }
  });
});

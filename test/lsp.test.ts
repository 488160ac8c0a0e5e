// End-to-end tests of the language server as an editor sees it: the real bundled server
// (bin/cellspec-language-server --stdio, from dist/server.js) in its own process, driven over
// JSON-RPC by the small LSP client of test/helpers/lspClient.ts. Nothing here imports the engine:
// every expectation is computed from the example files' text or written out by hand.
//
// Needs `npm run build` first (dist/server.js). Waits are generous; nothing asserts on time.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {
  CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, InlayHint, Location, MarkupContent,
  Position, PublishDiagnosticsParams, Range, SemanticTokens, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { cursorAt } from './helpers/cursor';
import { applyEdits, fileUri, LspClient, offsetAt, positionAt, repoRoot, SERVER_BIN, textIn } from './helpers/lspClient';

const ROOT = repoRoot();
const EXAMPLES = path.join(ROOT, 'examples');
const STUDY = path.join(EXAMPLES, 'study.cellspec');
const MATERIALS = path.join(EXAMPLES, 'materials.cellspec');
const TOOLKIT = path.join(EXAMPLES, 'toolkit.cellspec');
const WAIT_MS = 30000;

const ERROR = 1, WARNING = 2;

// ---------------------------------------------------------------------------------------------
// Helpers on text: everything the tests expect is derived from the files' own text.

function read(p: string): string {
  return fs.readFileSync(p, 'utf8');
}

/** A fresh temp folder holding copies of examples/*.cellspec. */
function copyExamples(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cellspec-lsp-${label}-`));
  for (const f of fs.readdirSync(EXAMPLES)) if (f.endsWith('.cellspec')) fs.copyFileSync(path.join(EXAMPLES, f), path.join(dir, f));
  return dir;
}

/** 0-based index of the first line matching re (throws when none does). */
function lineOf(text: string, re: RegExp, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (re.test(lines[i])) return i;
  throw new Error(`no line matches ${re}`);
}

/** The range of `needle` on a given line (its first occurrence there, at or after `fromChar`). */
function rangeOnLine(text: string, line: number, needle: string, fromChar = 0): Range {
  const l = text.split('\n')[line];
  const c = l.indexOf(needle, fromChar);
  if (c < 0) throw new Error(`'${needle}' not on line ${line}: ${l}`);
  return { start: { line, character: c }, end: { line, character: c + needle.length } };
}

/**
 * Every use of a name as a whole token, outside comments and strings: where a reference or a
 * declaration of that name can be. Names may contain '-', so 'sym-LNT10F' is not a use of LNT10F.
 */
function nameOccurrences(text: string, name: string): Range[] {
  const out: Range[] = [];
  const re = new RegExp(`(?<![A-Za-z0-9_-])${name.replace(/[-]/g, '\\-')}(?![A-Za-z0-9_-])`, 'g');
  text.split('\n').forEach((line, l) => {
    let code = line.replace(/"(?:[^"\\]|\\.)*"/g, (m) => ' '.repeat(m.length));
    const hash = code.indexOf('#');
    if (hash >= 0) code = code.slice(0, hash);
    for (const m of code.matchAll(re)) out.push({ start: { line: l, character: m.index! }, end: { line: l, character: m.index! + name.length } });
  });
  return out;
}

const key = (uri: string, r: Range) => `${path.basename(uri)}:${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const show = (d: Diagnostic) => `${d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : d.severity === 3 ? 'info' : 'hint'} ${d.code} @${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}: ${d.message}`;
const showAll = (ds: Diagnostic[]) => ds.map(show).join('\n  ') || '(none)';

function markdownOf(h: Hover | null): string {
  assert.ok(h, 'expected a hover, got null');
  const c = h.contents as MarkupContent | string | { value: string }[];
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value;
}

function labelOf(h: InlayHint): string {
  return typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
}

function itemsOf(r: CompletionItem[] | CompletionList | null): CompletionItem[] {
  if (!r) return [];
  return Array.isArray(r) ? r : r.items;
}

/** A deterministic PRNG (mulberry32), so a garbage document is the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `size` UTF-16 units: half language-like debris (keywords, units, braces, quotes, CRs), half arbitrary code points. */
function garbage(size: number, seed: number): string {
  const r = prng(seed);
  const debris = ['{', '}', '{', '}', '|', ';', ':', '=', '..', '±', '+/-', '"', '\\"', '#', '\n', '\r\n', '\r', ' ', '  ', '\t', 'µm', 'mA/cm²', 'cm^', '°C',
    'wt%', 'cell', 'stack', 'material', 'composite', 'protocol', 'run', 'on', 'import', 'study', 'symmetric', 'full', 'cathode', 'Li', 'LNT10F',
    '5', '-0.4', '9.62e-10', '1e999', '1C', '=', 'x-', '_', '\u0000', '\u200b', '😀', 'é', '\ufeff'];
  const parts: string[] = [];
  let n = 0;
  while (n < size / 2) { const s = debris[Math.floor(r() * debris.length)]; parts.push(s); n += s.length; }
  while (n < size) {
    let cp = Math.floor(r() * 0x110000);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x2028; // a lone surrogate is not valid UTF-8 on the wire; keep text valid
    const s = String.fromCodePoint(cp);
    parts.push(s);
    n += s.length;
  }
  return parts.join('');
}

function assertServerBuilt() {
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'server.js')), `dist/server.js is missing: run 'npm run build' first (the tests spawn ${SERVER_BIN})`);
}

/** Errors the server logged through window/logMessage (a guarded handler that threw, an uncaught exception). */
function internalErrors(c: LspClient): string[] {
  return c.logMessages.filter((m) => m.type === 1 || /cellspec: .*(failed|uncaught)/.test(m.message)).map((m) => m.message);
}

// ---------------------------------------------------------------------------------------------

describe('LSP e2e: the example workspace, read-only', function () {
  this.timeout(60000);
  let c: LspClient;
  const studyUri = fileUri(STUDY);
  const materialsUri = fileUri(MATERIALS);
  const study = read(STUDY);
  const materials = read(MATERIALS);
  // The toolkit example imports materials.cellspec too: Li's references and renames reach it.
  const toolkitUri = fileUri(TOOLKIT);
  const toolkit = read(TOOLKIT);
  let diags: PublishDiagnosticsParams;

  before(async () => {
    assertServerBuilt();
    c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: WAIT_MS });
    await c.open(studyUri, study);
    diags = await c.waitForCurrentDiagnostics(studyUri, () => true, WAIT_MS);
  });
  after(async () => { await c?.stop(); });

  it('initializes with the capabilities the client relies on', () => {
    const caps = c.initializeResult!.capabilities;
    assert.equal(c.initializeResult!.serverInfo?.name, 'cellspec-language-server');
    assert.ok(caps.hoverProvider, 'hover');
    assert.ok(caps.completionProvider, 'completion');
    assert.ok(caps.definitionProvider && caps.referencesProvider, 'definition/references');
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.ok(caps.documentSymbolProvider && caps.foldingRangeProvider && caps.documentFormattingProvider, 'symbols/folding/formatting');
    assert.ok(caps.codeActionProvider && caps.inlayHintProvider && caps.semanticTokensProvider, 'code actions/inlay hints/semantic tokens');
    // It registered its file watcher and asked for its settings.
    const methods = c.serverRequests.map((r) => r.method);
    assert.ok(methods.includes('client/registerCapability'), `server requests: ${methods.join(', ')}`);
    assert.ok(methods.includes('workspace/configuration'), `server requests: ${methods.join(', ')}`);
  });

  describe('diagnostics', () => {
    it('examples/study.cellspec (importing materials.cellspec from disk) has no errors', () => {
      assert.equal(diags.version, 1, 'diagnostics are for the opened version');
      const errors = diags.diagnostics.filter((d) => d.severity === ERROR);
      assert.deepEqual(errors, [], `errors in the example:\n  ${showAll(errors)}`);
      assert.ok(!diags.diagnostics.some((d) => d.code === 'import-not-found'), 'the import resolves');
      for (const d of diags.diagnostics) assert.equal(d.source, 'cellspec');
    });

    it('has the above-ccd warnings on exactly the runs that plan currents above the known CCD', () => {
      // strip-2p0 / strip-3p0 on cell 1 and sand-series on each cell of half-Li (CCD 0.8) and half-LNT10F (CCD 1.5); see examples/README.md.
      const runs = study.split('\n').map((l, i) => [l, i] as const).filter(([l]) => /^run (strip-2p0|strip-3p0|sand-series) on half-(Li|LNT10F)-\d \{/.test(l));
      assert.equal(runs.length, 10, 'the example has ten such runs');
      const above = diags.diagnostics.filter((d) => d.code === 'above-ccd');
      assert.deepEqual(above.map((d) => d.range.start.line).sort((a, b) => a - b), runs.map(([, i]) => i), `above-ccd: ${showAll(above)}`);
      for (const d of above) {
        assert.equal(d.severity, WARNING, show(d));
        const header = study.split('\n')[d.range.start.line].replace(/ \{.*$/, '');
        assert.equal(textIn(study, d.range), header, 'the warning covers the run header');
        assert.match(d.message, /above the known CCD of Li/);
        // relatedInformation points at the protocol's name.
        const rel = d.relatedInformation ?? [];
        assert.equal(rel.length, 1, `relatedInformation of ${show(d)}`);
        const proto = header.split(' ')[1];
        assert.equal(rel[0].location.uri, studyUri);
        assert.equal(textIn(study, rel[0].location.range), proto);
      }
      const half = (build: string) => above.filter((d) => new RegExp(` ${build}-\\d$`).test(textIn(study, d.range)));
      for (const d of half('half-Li')) assert.match(d.message, /\(0\.8 mA\/cm²\)/);
      for (const d of half('half-LNT10F')) assert.match(d.message, /\(1\.5 mA\/cm²\)/);
    });

    it('materials.cellspec on its own has no diagnostics', async () => {
      await c.open(materialsUri, materials);
      const d = await c.waitForCurrentDiagnostics(materialsUri, () => true, WAIT_MS);
      assert.deepEqual(d.diagnostics, [], showAll(d.diagnostics));
    });
  });

  describe('hover', () => {
    it('on the study\'s `diameter 9 mm` line shows the derived area 0.6362 cm² and its formula', async () => {
      // The study's diameter is the default of every cell; examples/study.cellspec even notes "(0.6362 cm²)" there.
      const line = lineOf(study, /^\s+diameter 9 mm/);
      for (const character of [rangeOnLine(study, line, 'diameter').start.character + 3, rangeOnLine(study, line, '9 mm').start.character]) {
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: studyUri }, position: { line, character } });
        const md = markdownOf(h);
        assert.match(md, /area\*?\*? = 0\.6362 cm²/, `hover at ${line}:${character}:\n${md}`);
        assert.match(md, /π d²\/4/, `hover at ${line}:${character}:\n${md}`);
      }
    });

    it('on a cell\'s own `diameter 9 mm` line shows the derived area 0.6362 cm² and its formula', async () => {
      const uri = fileUri(path.join(EXAMPLES, 'hover-own-diameter.cellspec')); // never written to disk
      const { text, offset } = cursorAt('import "materials.cellspec"\n\ncell own-d symmetric {\n  dia‸meter 9 mm\n  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu\n}\n');
      await c.open(uri, text);
      try {
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, offset) });
        const md = markdownOf(h);
        assert.match(md, /\*\*area\*\* = 0\.6362 cm²/, md);
        assert.match(md, /A = π d²\/4/, md);
        assert.match(md, /diameter 9 mm/, md);
      } finally {
        await c.close(uri);
      }
    });

    it('on a `Li 50 µm` stack layer shows the Li inventory 10.31 mAh/cm² with its formula', async () => {
      const line = lineOf(study, /^cell sym-Li /) + 1;
      const li = rangeOnLine(study, line, 'Li 50 µm');
      // On the name (also describes the material from the imported file) and on the thickness.
      const onName = markdownOf(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: studyUri }, position: { line, character: li.start.character + 1 } }));
      assert.match(onName, /\*\*Li inventory\*\* = 10\.31 mAh\/cm²/, onName);
      assert.match(onName, /thickness · density \/ M · F/, onName);
      assert.match(onName, /material Li.*materials\.cellspec/, onName);
      const onThickness = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: studyUri }, position: { line, character: li.start.character + 4 } });
      assert.match(markdownOf(onThickness), /Li inventory\*\* = 10\.31 mAh\/cm²/);
      assert.equal(textIn(study, onThickness!.range!), '50 µm', 'the hover range is the quantity with its unit');
    });

    it('on a comment or blank space answers null, not an error', async () => {
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: studyUri }, position: { line: 0, character: 5 } });
      assert.equal(h, null);
    });
  });

  describe('inlay hints', () => {
    it('over the whole file include the area and the Li inventory, at the end of what they derive from', async () => {
      const end = positionAt(study, study.length);
      const hints = await c.request<InlayHint[] | null>('textDocument/inlayHint', { textDocument: { uri: studyUri }, range: { start: { line: 0, character: 0 }, end } });
      assert.ok(hints && hints.length > 0, 'some inlay hints');
      const labels = hints.map(labelOf);
      assert.ok(labels.some((l) => l.includes('area 0.6362 cm²')), `labels:\n${labels.join('\n')}`);
      assert.ok(labels.some((l) => l.includes('Li inventory 10.31 mAh/cm²')), `labels:\n${labels.join('\n')}`);
      // The Li inventory of sym-Li sits right after its first `Li 50 µm`.
      const line = lineOf(study, /^cell sym-Li /) + 1;
      const li = rangeOnLine(study, line, 'Li 50 µm');
      const there = hints.filter((h) => h.position.line === line && h.position.character === li.end.character);
      assert.equal(there.length, 1, `hints on line ${line}: ${JSON.stringify(hints.filter((h) => h.position.line === line))}`);
      assert.match(labelOf(there[0]), /Li inventory 10\.31 mAh\/cm²/);
      for (const h of hints) {
        assert.ok(h.position.line >= 0 && h.position.line <= end.line, `hint position ${JSON.stringify(h.position)}`);
        assert.ok(h.position.character <= study.split('\n')[h.position.line].length, `hint past the end of its line: ${JSON.stringify(h)}`);
      }
    });

    it('for a range answer only hints inside it', async () => {
      const line = lineOf(study, /^cell sym-Li /);
      const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: studyUri }, range: { start: { line, character: 0 }, end: { line: line + 2, character: 0 } } });
      assert.ok(hints.length >= 1);
      for (const h of hints) assert.ok(h.position.line >= line && h.position.line <= line + 2, JSON.stringify(h));
    });
  });

  describe('navigation', () => {
    it('go to definition on a layer name in a stack jumps to materials.cellspec', async () => {
      const line = lineOf(study, /^cell sym-Li /) + 1;
      const li = rangeOnLine(study, line, 'Li 50 µm');
      const r = await c.request<Location[] | Location | null>('textDocument/definition', { textDocument: { uri: studyUri }, position: { line, character: li.start.character + 1 } });
      const locs = r === null ? [] : Array.isArray(r) ? r : [r];
      assert.equal(locs.length, 1, JSON.stringify(r));
      assert.equal(locs[0].uri, materialsUri);
      assert.deepEqual(locs[0].range, rangeOnLine(materials, lineOf(materials, /^material Li \{/), 'Li', 'material '.length));
    });

    it('go to definition on a composite in a stack jumps to its declaration in the same file', async () => {
      const line = lineOf(study, /^cell sym-LNT10F /) + 1;
      const r = await c.request<Location[]>('textDocument/definition', { textDocument: { uri: studyUri }, position: { line, character: rangeOnLine(study, line, 'LNT10F').start.character + 2 } });
      assert.equal(r.length, 1);
      assert.equal(r[0].uri, studyUri);
      assert.deepEqual(r[0].range, rangeOnLine(study, lineOf(study, /^composite LNT10F \{/), 'LNT10F'));
    });

    it('references of Li include its declaration in materials.cellspec and every use in the files that import it', async () => {
      const line = lineOf(study, /^cell sym-Li /) + 1;
      const pos = { line, character: rangeOnLine(study, line, 'Li 50 µm').start.character };
      const refs = await c.request<Location[]>('textDocument/references', { textDocument: { uri: studyUri }, position: pos, context: { includeDeclaration: true } });
      const got = new Set(refs.map((l) => key(l.uri, l.range)));
      assert.equal(got.size, refs.length, 'no duplicates');
      const expected = new Set([...nameOccurrences(materials, 'Li').map((r) => key(materialsUri, r)), ...nameOccurrences(study, 'Li').map((r) => key(studyUri, r)), ...nameOccurrences(toolkit, 'Li').map((r) => key(toolkitUri, r))]);
      assert.ok(nameOccurrences(study, 'Li').length >= 10, 'the example uses Li in many stacks');
      assert.deepEqual([...got].sort(), [...expected].sort());
      assert.ok(refs.some((l) => l.uri === materialsUri) && refs.some((l) => l.uri === studyUri), 'both files');
      // Without the declaration.
      const uses = await c.request<Location[]>('textDocument/references', { textDocument: { uri: studyUri }, position: pos, context: { includeDeclaration: false } });
      assert.equal(uses.length, refs.length - 1);
      assert.ok(!uses.some((l) => l.uri === materialsUri), 'materials.cellspec only declares Li');
    });

    it('prepareRename on LNT10F in a stack answers the range of the name', async () => {
      const line = lineOf(study, /^cell sym-LNT10F /) + 1;
      const r = rangeOnLine(study, line, 'LNT10F');
      const got = await c.request<Range | { range: Range } | null>('textDocument/prepareRename', { textDocument: { uri: studyUri }, position: { line, character: r.start.character + 1 } });
      assert.ok(got, 'prepareRename answered null');
      assert.deepEqual('range' in got ? got.range : got, r);
    });

    it('rename of LNT10F edits every place it is used, the declaration included', async () => {
      const line = lineOf(study, /^cell sym-LNT10F /) + 1;
      const pos = { line, character: rangeOnLine(study, line, 'LNT10F').start.character + 3 };
      const edit = await c.request<WorkspaceEdit | null>('textDocument/rename', { textDocument: { uri: studyUri }, position: pos, newName: 'LNT10F-v2' });
      assert.ok(edit, 'rename answered null');
      const changes = edit.changes ?? {};
      const docChanges = (edit.documentChanges ?? []) as { textDocument: { uri: string }; edits: TextEdit[] }[];
      for (const dc of docChanges) (changes[dc.textDocument.uri] ??= []).push(...dc.edits);
      assert.deepEqual(Object.keys(changes), [studyUri], 'LNT10F lives in study.cellspec only');
      const edits = changes[studyUri];
      const expected = nameOccurrences(study, 'LNT10F');
      assert.equal(expected.length, 5, 'declaration + 2 in sym-LNT10F + half-LNT10F + full-LNT10F');
      assert.equal(edits.length, expected.length, JSON.stringify(edits));
      assert.deepEqual(edits.map((e) => key(studyUri, e.range)).sort(), expected.map((r) => key(studyUri, r)).sort());
      for (const e of edits) assert.equal(e.newText, 'LNT10F-v2');
      const decl = rangeOnLine(study, lineOf(study, /^composite LNT10F \{/), 'LNT10F');
      assert.ok(edits.some((e) => key(studyUri, e.range) === key(studyUri, decl)), 'the declaration is renamed');
      // The result still reads as the same plan: no stray LNT10F token, no 'sym-LNT10F-v2' damage.
      const renamed = applyEdits(study, edits);
      assert.deepEqual(nameOccurrences(renamed, 'LNT10F'), []);
      assert.match(renamed, /^cell sym-LNT10F symmetric \{$/m, 'cell names that contain LNT10F are not touched');
    });

    it('rename of Li (declared in the imported file) edits every file that uses it', async () => {
      const line = lineOf(study, /^cell sym-Li /) + 1;
      const edit = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: studyUri }, position: { line, character: rangeOnLine(study, line, 'Li 50').start.character }, newName: 'Li_foil' });
      const changes = edit.changes ?? {};
      assert.deepEqual(Object.keys(changes).sort(), [materialsUri, studyUri, toolkitUri].sort());
      assert.equal(changes[materialsUri].length, nameOccurrences(materials, 'Li').length);
      assert.equal(changes[studyUri].length, nameOccurrences(study, 'Li').length);
      assert.equal(changes[toolkitUri].length, nameOccurrences(toolkit, 'Li').length);
    });

    it('rename to an invalid name fails with an error response', async () => {
      const line = lineOf(study, /^cell sym-LNT10F /) + 1;
      const pos = { line, character: rangeOnLine(study, line, 'LNT10F').start.character + 1 };
      for (const bad of ['1abc', 'has space', 'ends-with-', '', 'LNT|10F']) {
        await assert.rejects(
          c.request('textDocument/rename', { textDocument: { uri: studyUri }, position: pos, newName: bad }),
          (e: { code?: number; message?: string }) => {
            assert.equal(typeof e.code, 'number', `a JSON-RPC error for '${bad}': ${JSON.stringify(e)}`);
            assert.match(e.message ?? '', /not a valid name/, `message for '${bad}'`);
            return true;
          },
          `rename to '${bad}' must fail`,
        );
      }
    });

    it('rename onto an existing name fails with an error response', async () => {
      const line = lineOf(study, /^cell sym-LNT10F /) + 1;
      const pos = { line, character: rangeOnLine(study, line, 'LNT10F').start.character + 1 };
      await assert.rejects(c.request('textDocument/rename', { textDocument: { uri: studyUri }, position: pos, newName: 'LNT5F5' }), /already declared/);
    });
  });

  describe('document features', () => {
    it('documentSymbol lists every top-level declaration with its properties', async () => {
      const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: studyUri } });
      const decls = study.split('\n').filter((l) => /^(import|study|material|composite|cell|protocol|run|compare)\b/.test(l));
      assert.equal(syms.length, decls.length);
      const names = syms.map((s) => s.name);
      for (const n of ['LNT10F', 'LNT5F5', 'sym-Li', 'full-LNT10F', 'ccd-ramp', 'rate-test']) assert.ok(names.includes(n), `symbol ${n} in ${names.join(', ')}`);
      const inRange = (inner: Range, outer: Range) => offsetAt(study, inner.start) >= offsetAt(study, outer.start) && offsetAt(study, inner.end) <= offsetAt(study, outer.end);
      for (const s of syms) {
        assert.ok(inRange(s.selectionRange, s.range), `selectionRange inside range for ${s.name}`);
        for (const ch of s.children ?? []) assert.ok(inRange(ch.range, s.range), `child ${ch.name} inside ${s.name}`);
      }
      const lnt = syms.find((s) => s.name === 'LNT10F')!;
      assert.deepEqual(lnt.selectionRange, rangeOnLine(study, lineOf(study, /^composite LNT10F \{/), 'LNT10F'));
      assert.deepEqual((lnt.children ?? []).map((ch) => ch.name), ['carbon', 'binder', 'ratio', 'thickness', 'D_eff', 'ccd']);
    });

    it('foldingRange folds each block and the runs of comment lines', async () => {
      const folds = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: studyUri } });
      const lineCount = study.split('\n').length;
      for (const f of folds) assert.ok(f.startLine < f.endLine && f.endLine < lineCount, JSON.stringify(f));
      const open = lineOf(study, /^composite LNT10F \{/);
      const close = lineOf(study, /^\}/, open);
      assert.ok(folds.some((f) => f.startLine === open && f.endLine === close - 1 && f.kind === undefined), `block fold of LNT10F ${open}..${close - 1}`);
      assert.ok(folds.some((f) => f.startLine === 0 && f.kind === 'comment'), 'the header comment folds');
    });

    it('semanticTokens/full answers well-formed tokens inside the document', async () => {
      const legend = c.initializeResult!.capabilities.semanticTokensProvider!.legend;
      const t = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: studyUri } });
      assert.ok(t.data.length > 0 && t.data.length % 5 === 0, `data length ${t.data.length}`);
      const lines = study.split('\n');
      let line = 0, char = 0;
      const decoded: { line: number; char: number; len: number; type: string; mods: number }[] = [];
      for (let i = 0; i < t.data.length; i += 5) {
        const [dl, dc, len, type, mods] = t.data.slice(i, i + 5);
        line += dl;
        char = dl === 0 ? char + dc : dc;
        assert.ok(line < lines.length, `token line ${line}`);
        assert.ok(len > 0 && char + len <= lines[line].length, `token ${line}:${char}+${len} past the end of '${lines[line]}'`);
        assert.ok(type < legend.tokenTypes.length, `token type ${type}`);
        assert.ok(mods < 1 << legend.tokenModifiers.length, `modifiers ${mods}`);
        decoded.push({ line, char, len, type: legend.tokenTypes[type], mods });
      }
      const at = (r: Range) => decoded.find((d) => d.line === r.start.line && d.char === r.start.character && d.len === r.end.character - r.start.character);
      const declLine = lineOf(study, /^composite LNT10F \{/);
      assert.equal(at(rangeOnLine(study, declLine, 'composite'))?.type, 'keyword');
      const name = at(rangeOnLine(study, declLine, 'LNT10F'));
      assert.ok(name && name.mods & (1 << legend.tokenModifiers.indexOf('declaration')), `LNT10F declaration token ${JSON.stringify(name)}`);
      const stackLine = lineOf(study, /^cell sym-Li /) + 1;
      assert.equal(at(rangeOnLine(study, stackLine, '50'))?.type, 'number');
      assert.equal(at(rangeOnLine(study, stackLine, 'µm'))?.type, 'unit');
      assert.equal(at(rangeOnLine(study, 0, study.split('\n')[0]))?.type, 'comment');
    });

    it('formatting answers no edits or edits that keep every non-whitespace character and string', async () => {
      for (const [uri, text] of [[studyUri, study], [materialsUri, materials]] as const) {
        const edits = await c.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
        if (!edits || edits.length === 0) continue;
        const out = applyEdits(text, edits);
        assert.equal(out.replace(/\s+/g, ''), text.replace(/\s+/g, ''), `formatting ${path.basename(uri)} changed more than whitespace`);
        assert.deepEqual(out.match(/"(?:[^"\\]|\\.)*"/g), text.match(/"(?:[^"\\]|\\.)*"/g), 'strings are untouched');
        assert.deepEqual(out.split('\n').filter((l) => l.trim().startsWith('#')).map((l) => l.trim()), text.split('\n').filter((l) => l.trim().startsWith('#')).map((l) => l.trim()), 'comment lines are kept');
      }
    });

    it('formatting is stable and keeps the meaning: the formatted example formats to itself and has the same diagnostics', async () => {
      const edits = await c.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: studyUri }, options: { tabSize: 2, insertSpaces: true } });
      const once = applyEdits(study, edits ?? []);
      const uri = fileUri(path.join(EXAMPLES, 'formatted-study.cellspec')); // never written to disk
      await c.open(uri, once);
      try {
        const d = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
        const brief = (ds: Diagnostic[]) => ds.map((x) => `${x.severity} ${x.code} line ${x.range.start.line}: ${x.message}`).sort();
        assert.deepEqual(brief(d.diagnostics), brief(diags.diagnostics));
        const again = await c.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
        assert.equal(applyEdits(once, again ?? []), once, 'formatting twice changes nothing more');
      } finally {
        await c.close(uri);
      }
    });

    it('formatting keeps `1C = 180 mAh/g` written as in docs/language.md and the example', async () => {
      const edits = await c.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: studyUri }, options: { tabSize: 2, insertSpaces: true } });
      const out = applyEdits(study, edits ?? []);
      const before = study.split('\n').filter((l) => /\b1C =/.test(l));
      assert.ok(before.length >= 2, 'the example writes 1C = twice');
      const after = out.split('\n').filter((l) => /^\s*1\s*C =/.test(l));
      assert.deepEqual(after, before, 'the 1C lines after formatting');
    });

    it('the server logged no internal errors', () => {
      assert.deepEqual(internalErrors(c), []);
      assert.ok(c.running, 'the server is still running');
    });
  });
});

describe('LSP e2e: editing a broken copy', function () {
  this.timeout(60000);
  let dir: string;
  let c: LspClient;
  let uri: string;
  let text: string; // the broken text
  let baseline: Diagnostic[]; // diagnostics of the intact example, for comparison
  let typoLine: number, unitLine: number;

  before(async () => {
    assertServerBuilt();
    dir = copyExamples('broken');
    const original = read(path.join(dir, 'study.cellspec'));
    // A typo in LNT10F's thickness, and a current unit for LNT5F5's thickness.
    typoLine = lineOf(original, /^\s+thickness 15 µm/, lineOf(original, /^composite LNT10F \{/));
    unitLine = lineOf(original, /^\s+thickness 15 µm/, lineOf(original, /^composite LNT5F5 \{/));
    const lines = original.split('\n');
    lines[typoLine] = lines[typoLine].replace('thickness', 'thicknes');
    lines[unitLine] = lines[unitLine].replace('15 µm', '15 mA');
    text = lines.join('\n');
    fs.writeFileSync(path.join(dir, 'study.cellspec'), text);
    uri = fileUri(path.join(dir, 'study.cellspec'));
    c = await LspClient.start({ workspaceFolder: dir, timeoutMs: WAIT_MS });
    // The intact example, opened under another name beside the broken one, gives the baseline.
    const intactUri = fileUri(path.join(dir, 'intact.cellspec'));
    await c.open(intactUri, original);
    baseline = (await c.waitForCurrentDiagnostics(intactUri, () => true, WAIT_MS)).diagnostics;
    await c.close(intactUri);
  });
  after(async () => {
    await c?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const same = (a: Diagnostic, b: Diagnostic) => a.code === b.code && a.message === b.message && key('', a.range) === key('', b.range);
  const newOnes = (ds: Diagnostic[]) => ds.filter((d) => !baseline.some((b) => same(b, d)));

  it('reports the typo and the wrong unit, each at its range', async () => {
    await c.open(uri, text);
    const p = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    const fresh = newOnes(p.diagnostics);
    const typo = fresh.filter((d) => d.code === 'unknown-property');
    const unit = fresh.filter((d) => d.code === 'wrong-dimension');
    assert.equal(typo.length, 1, `new diagnostics:\n  ${showAll(fresh)}`);
    assert.equal(unit.length, 1, `new diagnostics:\n  ${showAll(fresh)}`);
    assert.equal(typo[0].severity, ERROR);
    assert.deepEqual(typo[0].range, rangeOnLine(text, typoLine, 'thicknes'), 'unknown-property covers the misspelt name');
    assert.match(typo[0].message, /Did you mean 'thickness'\?/);
    assert.equal(unit[0].severity, ERROR);
    assert.equal(unit[0].range.start.line, unitLine);
    assert.match(unit[0].message, /mA/);
    // The diagnostic is about the unit: its range must cover 'mA' (as '15 mA' or 'mA').
    const covered = textIn(text, unit[0].range);
    assert.ok(covered === '15 mA' || covered === 'mA', `wrong-dimension range covers '${covered}' (${show(unit[0])}); expected '15 mA' or 'mA'`);
  });

  it('reports nothing else new, apart from the thickness now missing from LNT10F', async () => {
    // Misspelling LNT10F's only 'thickness' also leaves that required property missing: the
    // server says so on the composite's header. Everything else matches the intact example.
    const p = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    const fresh = newOnes(p.diagnostics);
    const other = fresh.filter((d) => d.code !== 'unknown-property' && d.code !== 'wrong-dimension');
    assert.ok(other.length <= 1, `unexpected new diagnostics:\n  ${showAll(other)}`);
    if (other.length) {
      assert.equal(other[0].code, 'missing-property', show(other[0]));
      assert.deepEqual(other[0].range, { start: { line: lineOf(text, /^composite LNT10F \{/), character: 0 }, end: { line: lineOf(text, /^composite LNT10F \{/), character: 'composite LNT10F'.length } });
      assert.match(other[0].message, /missing 'thickness'/);
    }
    assert.equal(p.diagnostics.length - fresh.length, baseline.length, 'every diagnostic of the intact example is still there');
  });

  it('offers the did-you-mean quick fix on the typo', async () => {
    const p = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    const typo = p.diagnostics.find((d) => d.code === 'unknown-property')!;
    const actions = await c.request<(CodeAction)[]>('textDocument/codeAction', { textDocument: { uri }, range: typo.range, context: { diagnostics: [typo], only: ['quickfix'] } });
    const fix = actions.find((a) => a.kind === 'quickfix' && /thickness/.test(a.title));
    assert.ok(fix, `actions: ${actions.map((a) => `${a.kind} ${a.title}`).join('; ')}`);
    assert.equal(fix.title, "Change to 'thickness'");
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.diagnostics?.some((d) => d.code === 'unknown-property'), 'the fix names its diagnostic');
    const edits = fix.edit?.changes?.[uri];
    assert.ok(edits && edits.length === 1, JSON.stringify(fix.edit));
    const fixed = applyEdits(text, edits);
    assert.equal(fixed.split('\n')[typoLine], text.split('\n')[typoLine].replace('thicknes', 'thickness'));
  });

  it('offers the unit quick fix with the cursor on the wrong unit', async () => {
    const r = rangeOnLine(text, unitLine, 'mA');
    const p = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    const diag = p.diagnostics.find((d) => d.code === 'wrong-dimension')!;
    // What VS Code sends for a cursor inside 'mA': an empty range there, with the diagnostics at the cursor.
    const cursor = { start: { line: unitLine, character: r.start.character + 1 }, end: { line: unitLine, character: r.start.character + 1 } };
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: cursor, context: { diagnostics: [diag] } });
    const fix = actions.find((a) => a.kind === 'quickfix' && /µm/.test(a.title));
    assert.ok(fix, `no unit quick fix with the cursor on 'mA'; actions: ${actions.map((a) => `${a.kind} '${a.title}'`).join('; ') || '(none)'}; diagnostic ${show(diag)}`);
    const fixed = applyEdits(text, fix.edit!.changes![uri]);
    assert.equal(fixed.split('\n')[unitLine], text.split('\n')[unitLine].replace('15 mA', '15 µm'));
  });

  it('fixing both with incremental didChange edits clears them', async () => {
    // First the typo: insert the missing 's'.
    const typoEnd = rangeOnLine(text, typoLine, 'thicknes').end;
    const v2 = await c.change(uri, [{ range: { start: typoEnd, end: typoEnd }, text: 's' }]);
    const afterTypo = await c.waitForDiagnostics(uri, (p) => p.version === v2, WAIT_MS);
    assert.ok(!afterTypo.diagnostics.some((d) => d.code === 'unknown-property' || d.code === 'missing-property'), showAll(afterTypo.diagnostics));
    assert.equal(afterTypo.diagnostics.filter((d) => d.code === 'wrong-dimension').length, 1, 'the wrong unit is still reported');
    // Then the unit, replacing 'mA' by 'µm' (a non-ASCII insert: positions are UTF-16).
    const mA = rangeOnLine(text, unitLine, 'mA');
    const v3 = await c.change(uri, [{ range: mA, text: 'µm' }]);
    const fixed = await c.waitForDiagnostics(uri, (p) => p.version === v3, WAIT_MS);
    assert.deepEqual(fixed.diagnostics.filter((d) => d.severity === ERROR), [], showAll(fixed.diagnostics));
    // Exactly the intact example's diagnostics again.
    assert.deepEqual(fixed.diagnostics.map(show).sort(), baseline.map(show).sort());
  });

  it('breaking and fixing again in one didChange with two changes works too', async () => {
    const cur = read(path.join(dir, 'study.cellspec')).split('\n');
    cur[typoLine] = cur[typoLine].replace('thicknes', 'thickness');
    cur[unitLine] = cur[unitLine].replace('15 mA', '15 µm');
    const fixedText = cur.join('\n');
    // Break: delete the 's' of thickness, and replace µm by mA (two changes, applied in order).
    const sAt = rangeOnLine(fixedText, typoLine, 'thickness').end;
    const um = rangeOnLine(fixedText, unitLine, 'µm');
    const vb = await c.change(uri, [
      { range: { start: { line: sAt.line, character: sAt.character - 1 }, end: sAt }, text: '' },
      { range: um, text: 'mA' },
    ]);
    const broken = await c.waitForDiagnostics(uri, (p) => p.version === vb, WAIT_MS);
    assert.deepEqual(broken.diagnostics.filter((d) => d.code === 'unknown-property' || d.code === 'wrong-dimension').map((d) => d.code).sort(), ['unknown-property', 'wrong-dimension']);
    // Fix with a full-text change.
    const vf = await c.change(uri, [{ text: fixedText }]);
    const fixed = await c.waitForDiagnostics(uri, (p) => p.version === vf, WAIT_MS);
    assert.deepEqual(fixed.diagnostics.map(show).sort(), baseline.map(show).sort());
  });

  it('the server logged no internal errors', () => {
    assert.deepEqual(internalErrors(c), []);
    assert.ok(c.running);
  });
});

describe('LSP e2e: completion while typing', function () {
  this.timeout(60000);
  let dir: string;
  let c: LspClient;
  let uri: string;
  let text: string;
  let emptyLine: number;

  before(async () => {
    assertServerBuilt();
    dir = copyExamples('completion');
    uri = fileUri(path.join(dir, 'study.cellspec'));
    // A new cell with an empty line in its block, appended to the example.
    text = read(path.join(dir, 'study.cellspec')).replace(/\n*$/, '\n') + '\ncell new-cell full {\n\n}\n';
    emptyLine = lineOf(text, /^cell new-cell full \{/) + 1;
    c = await LspClient.start({ workspaceFolder: dir, timeoutMs: WAIT_MS });
    await c.open(uri, text);
    await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
  });
  after(async () => {
    await c?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Puts `typed` on the empty line (incremental edit) and completes at its end. */
  async function completeAfter(typed: string, triggerCharacter?: string): Promise<CompletionItem[]> {
    const current = c.version(uri)!;
    const lineText = text.split('\n')[emptyLine];
    await c.change(uri, [{ range: { start: { line: emptyLine, character: 0 }, end: { line: emptyLine, character: lineText.length } }, text: typed }]);
    const lines = text.split('\n');
    lines[emptyLine] = typed;
    text = lines.join('\n');
    assert.ok(c.version(uri)! > current);
    const context = triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 };
    return itemsOf(await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: emptyLine, character: typed.length }, context }));
  }

  it('at the start of an empty line in a cell block offers the cell properties', async () => {
    const items = itemsOf(await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: emptyLine, character: 0 }, context: { triggerKind: 1 } }));
    const labels = items.map((i) => i.label);
    for (const p of ['stack', 'pressure', 'cathode', 'temperature', 'diameter', 'area']) assert.ok(labels.includes(p), `'${p}' in [${labels.join(', ')}]`);
    assert.ok(!labels.includes('material') && !labels.includes('cell'), 'no declaration keywords inside a block');
    for (const i of items) assert.equal(i.kind, 10 /* Property */, `${i.label} is a property`);
    const pressure = items.find((i) => i.label === 'pressure')!;
    assert.ok((pressure.insertText ?? pressure.label).startsWith('pressure'), JSON.stringify(pressure));
  });

  it('after `stack ` offers material and composite names, Li and LNT10F included', async () => {
    const items = await completeAfter('  stack ', ' ');
    const labels = items.map((i) => i.label);
    for (const n of ['Li', 'LNT10F', 'LNT5F5', 'Cu', 'LPSC', 'NCM9']) assert.ok(labels.includes(n), `'${n}' in [${labels.join(', ')}]`);
    assert.ok(!labels.includes('sym-Li') && !labels.includes('ccd-ramp'), 'no cells or protocols in a stack');
  });

  it('after `stack Cu | ` offers the layer names again', async () => {
    const labels = (await completeAfter('  stack Cu | ', ' ')).map((i) => i.label);
    assert.ok(labels.includes('Li') && labels.includes('LNT10F'), labels.join(', '));
  });

  it('after the number in `pressure 5 ` offers MPa', async () => {
    const items = await completeAfter('  pressure 5 ', ' ');
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('MPa'), `units offered: [${labels.join(', ')}]`);
    assert.ok(!labels.includes('°C') && !labels.includes('mA/cm²'), 'only pressure units');
  });

  it('at top level offers the declaration snippets', async () => {
    const end = positionAt(text, text.length);
    const items = itemsOf(await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: end, context: { triggerKind: 1 } }));
    const labels = items.map((i) => i.label);
    for (const k of ['material', 'composite', 'cell', 'protocol ccd', 'protocol eis', 'run']) assert.ok(labels.includes(k), `'${k}' in [${labels.join(', ')}]`);
    const cell = items.find((i) => i.label === 'cell')!;
    assert.equal(cell.insertTextFormat, 2 /* Snippet */, 'the client supports snippets');
  });

  it('the server logged no internal errors', () => {
    assert.deepEqual(internalErrors(c), []);
    assert.ok(c.running);
  });
});

describe('LSP e2e: the standard library, snippets and data paths', function () {
  this.timeout(60000);
  const LIBRARY_FILE = path.join(ROOT, 'dist', 'library', 'materials.cellspec');
  const library = read(LIBRARY_FILE);
  // A plan that declares no material: Cu, Li and LPSC come from the library; LPSB from nowhere.
  const spec = [
    'cell sym symmetric {', '  diameter 9 mm', '  stack Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu', '}',
    'cell other symmetric {', '  diameter 9 mm', '  stack Cu | Li 50 µm | LPSB 600 µm | Li 50 µm | Cu', '}',
    'material m {', '  role metal', '', '}',
    'protocol ramp ccd { start 0.1 mA/cm²; step 0.1 mA/cm²; half-cycle 0.5 h }',
    'run ramp on sym {', '  data "data/', '}', '',
  ].join('\n');
  let dir: string;
  const clients: LspClient[] = [];
  let uri: string;

  /** A server on a folder holding the plan and data/ccd-Li.mpt, data/eis/; diagnostics are in. */
  async function start(initializationOptions?: unknown): Promise<LspClient> {
    const c = await LspClient.start({ workspaceFolder: dir, timeoutMs: WAIT_MS, initializationOptions });
    clients.push(c);
    await c.open(uri, spec);
    await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    return c;
  }
  const at = (line: RegExp, needle: string, delta = 0): Position => {
    const l = lineOf(spec, line);
    return { line: l, character: rangeOnLine(spec, l, needle).start.character + delta };
  };

  before(() => {
    assertServerBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellspec-lsp-library-'));
    fs.mkdirSync(path.join(dir, 'data', 'eis'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'ccd-Li.mpt'), '');
    fs.writeFileSync(path.join(dir, 'data', 'notes.md'), '');
    uri = fileUri(path.join(dir, 'study.cellspec'));
    fs.writeFileSync(path.join(dir, 'study.cellspec'), spec);
  });
  after(async () => {
    for (const c of clients) await c.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('as any editor meets it (file: URIs, plain edits)', () => {
    let c: LspClient;
    before(async () => { c = await start(); });

    it('resolves the library\'s names: only LPSB is undefined', () => {
      const d = c.latest(uri)!.diagnostics.filter((x) => x.code === 'undefined-reference');
      assert.deepEqual(d.map((x) => `${x.code} ${textIn(spec, x.range)}`), ['undefined-reference LPSB'], showAll(d));
    });

    it('goes to the definition of Cu in the shipped library file', async () => {
      const r = await c.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(/^ {2}stack Cu/, 'Cu', 1) });
      assert.equal(r.length, 1, JSON.stringify(r));
      assert.equal(r[0].uri, fileUri(LIBRARY_FILE));
      assert.deepEqual(r[0].range, rangeOnLine(library, lineOf(library, /^material Cu \{/), 'Cu', 'material '.length));
    });

    it('shows LPSC with the sources of its values on hover', async () => {
      const md = markdownOf(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(/^ {2}stack Cu \| Li 50 µm \| LPSC/, 'LPSC', 1) }));
      assert.match(md, /from the standard library/);
      assert.match(md, /density 1\.86 g\/cm³ — \*X-ray density: .*Deiseroth et al\./);
    });

    it('refuses to rename a library material', async () => {
      await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: at(/^ {2}stack Cu/, 'Cu', 1), newName: 'Copper' }),
        (e: { message?: string }) => /standard library, which cannot be edited/.test(e.message ?? ''));
    });

    it('inserts a property\'s value as a tab stop (a snippet)', async () => {
      const items = itemsOf(await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: lineOf(spec, /^material m/) + 2, character: 2 }, context: { triggerKind: 1 } }));
      const density = items.find((i) => i.label === 'density')!;
      assert.equal(density.insertText, 'density ${1:0.534} g/cm³');
      assert.equal(density.insertTextFormat, 2 /* Snippet */);
    });

    it('completes data paths inside data "...": folders first, then the instrument files, replacing what is typed', async () => {
      const line = lineOf(spec, /^ {2}data "data\//);
      const position = { line, character: spec.split('\n')[line].length };
      const items = itemsOf(await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 2, triggerCharacter: '/' } }));
      assert.deepEqual(items.map((i) => i.label), ['eis/', 'ccd-Li.mpt']);
      assert.deepEqual(items.map((i) => i.kind), [19 /* Folder */, 17 /* File */]);
      const file = items[1].textEdit as TextEdit;
      assert.deepEqual(file.range, { start: position, end: position });
      assert.equal(file.newText, 'ccd-Li.mpt');
      assert.equal(items[0].command?.command, 'editor.action.triggerSuggest');
    });

    it('offers "Create material" on an undefined layer name as a plain edit that defines it', async () => {
      const d = c.latest(uri)!.diagnostics.find((x) => x.code === 'undefined-reference')!;
      const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
      const create = actions.find((a) => a.title === "Create material 'LPSB'");
      assert.ok(create, actions.map((a) => a.title).join('; '));
      const fixed = applyEdits(spec, create.edit!.changes![uri]);
      assert.match(fixed, /\}\n\nmaterial LPSB \{\n {2}role electrolyte\n\}\nprotocol ramp/);
    });
  });

  describe('as VS Code meets it (read-only cellspec-library: documents, snippet quick fixes)', () => {
    let c: LspClient;
    const LIBRARY_URI = 'cellspec-library:/materials.cellspec';
    before(async () => { c = await start({ libraryScheme: 'cellspec-library', snippetCommand: 'cellspec.insertSnippet' }); });

    it('goes to the definition in the read-only library document', async () => {
      const r = await c.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(/^ {2}stack Cu/, 'Cu', 1) });
      assert.equal(r[0].uri, LIBRARY_URI);
      assert.deepEqual(r[0].range, rangeOnLine(library, lineOf(library, /^material Cu \{/), 'Cu', 'material '.length));
    });

    it('checks the library document clean when the editor opens it, and hovers in it', async () => {
      await c.open(LIBRARY_URI, library);
      const d = await c.waitForCurrentDiagnostics(LIBRARY_URI, () => true, WAIT_MS);
      assert.deepEqual(d.diagnostics, []);
      const line = lineOf(library, /^material Li \{/);
      const md = markdownOf(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: LIBRARY_URI }, position: { line, character: 'material L'.length } }));
      assert.match(md, /Lithium metal foil/);
    });

    it('sends "Create material" as the client\'s snippet command, with tab stops', async () => {
      const d = c.latest(uri)!.diagnostics.find((x) => x.code === 'undefined-reference')!;
      const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
      const create = actions.find((a) => a.title === "Create material 'LPSB'")!;
      assert.equal(create.edit, undefined);
      assert.equal(create.command?.command, 'cellspec.insertSnippet');
      const [target, position, snippet] = create.command!.arguments as [string, Position, string];
      assert.equal(target, uri);
      assert.deepEqual(position, { line: lineOf(spec, /^material m/) + 3, character: 1 });
      assert.equal(snippet, '\n\nmaterial LPSB {\n  role ${1|electrolyte,metal,alloy,carbon,binder,cathode,collector|}\n}');
    });

    it('the servers logged no internal errors', () => {
      for (const x of clients) assert.deepEqual(internalErrors(x), []);
    });
  });
});

describe('LSP e2e: settings from workspace/configuration', function () {
  this.timeout(60000);
  let c: LspClient;
  after(async () => { await c?.stop(); });

  it('plausibility off and inlay hints off are honoured', async () => {
    assertServerBuilt();
    c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: WAIT_MS, settings: { diagnostics: { plausibility: false }, inlayHints: { enabled: false } } });
    const uri = fileUri(STUDY);
    const text = read(STUDY);
    await c.open(uri, text);
    const d = await c.waitForCurrentDiagnostics(uri, () => true, WAIT_MS);
    assert.deepEqual(d.diagnostics.filter((x) => x.code === 'above-ccd'), [], showAll(d.diagnostics));
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
    assert.deepEqual(hints, []);
    const cfg = c.serverRequests.find((r) => r.method === 'workspace/configuration')!.params as { items: { section?: string }[] };
    assert.ok(cfg.items.some((i) => i.section === 'cellspec'), JSON.stringify(cfg));
  });
});

describe('LSP e2e: robustness', function () {
  this.timeout(120000);
  let c: LspClient;
  after(async () => { await c?.stop(); });

  it('survives a 2 MB document of random garbage and still answers a hover on a normal document', async () => {
    assertServerBuilt();
    c = await LspClient.start({ workspaceFolder: EXAMPLES, timeoutMs: 90000 });
    const junk = garbage(2 * 1024 * 1024, 20240611);
    assert.ok(junk.length >= 2 * 1024 * 1024);
    const junkUri = fileUri(path.join(os.tmpdir(), 'cellspec-garbage-never-written.cellspec'));
    await c.open(junkUri, junk);
    // Whatever it says about the garbage, it says it (and answers requests on it) without dying.
    const jd = await c.waitForCurrentDiagnostics(junkUri, () => true, 90000);
    assert.ok(jd.diagnostics.length > 0, 'garbage has problems');
    for (const d of jd.diagnostics.slice(0, 1000)) assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line, show(d));
    for (const [method, params] of [
      ['textDocument/hover', { position: { line: 1000, character: 3 } }],
      ['textDocument/completion', { position: { line: 2000, character: 1 } }],
      ['textDocument/documentSymbol', {}],
      ['textDocument/foldingRange', {}],
      ['textDocument/semanticTokens/full', {}],
      ['textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } }],
      ['textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } } }],
    ] as const) {
      await c.request(method, { textDocument: { uri: junkUri }, ...params }, 90000);
    }
    // Then garbage inside a normal document, and back.
    const uri = fileUri(STUDY);
    const text = read(STUDY);
    await c.open(uri, text);
    await c.change(uri, [{ range: { start: { line: 20, character: 0 }, end: { line: 20, character: 0 } }, text: junk.slice(0, 200000) }]);
    await c.waitForCurrentDiagnostics(uri, () => true, 90000);
    await c.change(uri, [{ text }]);
    await c.waitForCurrentDiagnostics(uri, (ds) => !ds.some((d) => d.severity === ERROR), 90000);
    const line = lineOf(text, /^cell sym-Li /) + 1;
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: rangeOnLine(text, line, 'Li 50 µm').start.character + 4 } }, 90000);
    assert.match(markdownOf(h), /Li inventory\*\* = 10\.31 mAh\/cm²/);
    assert.ok(c.running, 'the server is still running');
    assert.deepEqual(internalErrors(c), [], 'no handler threw');
  });
});

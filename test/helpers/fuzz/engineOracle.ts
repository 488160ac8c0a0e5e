// What the spec engine promises on any text, checked by the fuzzing: analysis never throws and
// returns diagnostics inside the text; every editor feature, at any offset, never throws and
// answers spans inside the text (LSP's shapes well-formed); formatting changes whitespace only
// and is idempotent; applying "fix all" gives a text the engine analyses too. Each check throws
// an Error naming what broke; `phase` is told before each call, so a watchdog can say where a
// case hung.
import { strict as assert } from 'assert';
import { parse } from '../../../server/engine/parser';
import { SpecAnalysis, analyzeSpec } from '../../../server/engine/specAnalysis';
import { SpecOptions } from '../../../server/engine/scope';
import { Diagnostic } from '../../../server/engine/syntax';
import { Workspace } from '../../../server/engine/workspace';
import { codeActions, fixAll } from '../../../server/features/codeActions';
import { complete } from '../../../server/features/completion';
import { derivedValuesMarkdown } from '../../../server/features/derivedValues';
import { foldingRanges } from '../../../server/features/folding';
import { contentOf, format } from '../../../server/features/format';
import { hover } from '../../../server/features/hover';
import { inlayHints } from '../../../server/features/inlayHints';
import { definition, prepareRename, references, rename } from '../../../server/features/navigation';
import { semanticTokens } from '../../../server/features/semanticTokens';
import { documentSymbols, DocumentSymbol } from '../../../server/features/symbols';
import { documentSymbolsData, semanticTokensData } from '../../../server/lspEncode';
import { MAIN_URI, memoryWorkspace } from '../memoryWorkspace';

export type Phase = (what: string) => void;

const inside = (s: { start: number; end: number }, n: number) => Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= n;

function outside(ds: Diagnostic[], n: number): string[] {
  const bad: string[] = [];
  for (const d of ds) {
    const spans = [{ what: 'range', start: d.start, end: d.end }, ...(d.fixes ?? []).map((f) => ({ what: 'fix', start: f.start, end: f.end })),
      ...(d.related ?? []).filter((r) => r.uri === MAIN_URI).map((r) => ({ what: 'related', start: r.start, end: r.end }))];
    for (const s of spans) {
      if (!inside(s, n)) bad.push(`${d.severity} ${d.code} ${s.what} [${s.start},${s.end}) with text length ${n}: ${d.message.slice(0, 120)}`);
    }
  }
  return bad;
}

/**
 * Analyses `text` (as file:///w/main.cellspec, `files` beside it), reads its syntax tree and
 * derived values; throws when an invariant fails.
 */
export function checkEngine(text: string, files: Record<string, string>, phase: Phase = () => {}, options: SpecOptions = {}): SpecAnalysis {
  return checkAnalysis(text, files, phase, options).a;
}

function checkAnalysis(text: string, files: Record<string, string>, phase: Phase, options: SpecOptions): { a: SpecAnalysis; ws: Workspace } {
  const bad: string[] = [];
  phase('analysis');
  const { ws } = memoryWorkspace({ ...files, [MAIN_URI]: text });
  const a = analyzeSpec(ws, MAIN_URI, options);
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
    if (!inside(d.anchor, text.length)) bad.push(`derived ${d.key} anchor [${d.anchor.start},${d.anchor.end})`);
  }
  assert.deepEqual(bad.slice(0, 5), [], 'spans outside the text');
  return { a, ws };
}

/** The editor's requests at `offsets` (modulo the text length + 1) and the whole-document ones. */
export function checkFeatures(text: string, files: Record<string, string>, offsets: number[], phase: Phase = () => {}, options: SpecOptions = {}): void {
  const { a, ws } = checkAnalysis(text, files, phase, options);
  const n = text.length;
  const span = (what: string, s: { start: number; end: number } | undefined) => assert.ok(!s || inside(s, n), `${what} span [${s?.start},${s?.end}) outside the text of length ${n}`);
  const edits = (what: string, es: { start: number; end: number; newText: string; uri?: string }[]) => {
    for (const e of es) {
      if (e.uri === undefined || e.uri === MAIN_URI) span(what, e);
      assert.equal(typeof e.newText, 'string', `${what}: edit without text`);
    }
  };
  for (const raw of offsets) {
    const o = raw % (n + 1);
    phase(`hover at ${o}`);
    const h = hover(a, o);
    if (h) { assert.equal(typeof h.markdown, 'string'); span('hover', h.span); }
    phase(`completion at ${o}`);
    for (const c of complete(a, o)) assert.ok(typeof c.label === 'string' && c.label.length > 0, `completion without a label at ${o}`);
    phase(`navigation at ${o}`);
    const d = definition(a, o);
    if (d?.uri === MAIN_URI) span('definition', d);
    edits('references', references(ws, a, o).map((l) => ({ ...l, newText: '' })));
    span('prepareRename', prepareRename(a, o));
    edits('rename', rename(ws, a, o, 'renamed-x').edits);
    phase(`code actions at ${o}`);
    for (const c of codeActions(a, { start: o, end: Math.min(n, o + 20) })) edits(`code action '${c.title}'`, c.edits);
    phase(`inlay hints around ${o}`);
    for (const hint of inlayHints(a, { start: o, end: Math.min(n, o + 500) })) assert.ok(hint.offset >= 0 && hint.offset <= n, `inlay hint at ${hint.offset}`);
  }
  phase('document symbols');
  const symbol = (s: DocumentSymbol): void => { span(`symbol ${s.name}`, s.span); span(`symbol ${s.name} selection`, s.selection); s.children.forEach(symbol); };
  documentSymbols(a).forEach(symbol);
  documentSymbolsData(a);
  phase('folding');
  const lines = a.file.lines.lineCount;
  for (const f of foldingRanges(a)) assert.ok(0 <= f.startLine && f.startLine <= f.endLine && f.endLine < lines, `folding ${JSON.stringify(f)} with ${lines} lines`);
  phase('semantic tokens');
  let end = 0;
  for (const t of semanticTokens(a)) {
    assert.ok(inside(t, n) && t.start < t.end && t.start >= end, `semantic token ${t.type} [${t.start},${t.end}) after one ending at ${end} (text length ${n})`);
    end = t.end;
  }
  const data = semanticTokensData(a).data;
  assert.ok(data.length % 5 === 0 && data.every((x) => Number.isInteger(x) && x >= 0), 'semantic tokens data are whole numbers, five per token');
  phase('inlay hints');
  for (const hint of inlayHints(a)) assert.ok(hint.offset >= 0 && hint.offset <= n, `inlay hint at ${hint.offset}`);
  phase('derived values page');
  assert.equal(typeof derivedValuesMarkdown(a), 'string');
  phase('formatting');
  const formatted = format(a.file.tree);
  if (formatted !== undefined) {
    assert.deepEqual(contentOf(formatted), contentOf(text), 'formatting changed more than whitespace');
    assert.equal(format(parse(formatted)), formatted, 'formatting a formatted text changes it again');
  }
  phase('fix all');
  const all = fixAll(a);
  if (all) {
    edits('fix all', all.edits);
    let fixed = text;
    for (const e of [...all.edits].sort((x, y) => y.start - x.start)) fixed = fixed.slice(0, e.start) + e.newText + fixed.slice(e.end);
    phase('analysis of the fixed text');
    checkEngine(fixed, files, () => {}, options);
  }
}

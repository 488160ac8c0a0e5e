// The language server: a thin adapter from the engine and the features to LSP. Offsets become
// positions here and nowhere else. Every handler is guarded: a bug in one feature answers
// nothing for that request, it never takes the server down.
import * as fs from 'fs';
import * as path from 'path';
import {
  CodeActionKind, CompletionItemKind, ResponseError, createConnection, Diagnostic as LspDiagnostic, DiagnosticSeverity, DidChangeWatchedFilesNotification,
  FileChangeType, InitializeResult, InlayHint, InsertTextFormat, Location, MarkupKind, ProposedFeatures, Range,
  TextDocuments, TextDocumentSyncKind, TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { analyzeSpec, SpecAnalysis } from './engine/specAnalysis';
import { Span } from './engine/lexer';
import { Diagnostic } from './engine/syntax';
import { LineIndex } from './engine/text';
import { Workspace } from './engine/workspace';
import { CodeAction, codeActions, fixAll } from './features/codeActions';
import { complete, CompletionKind } from './features/completion';
import { derivedValuesMarkdown } from './features/derivedValues';
import { docsLink } from './diagnosticDocs';
import { foldingRanges } from './features/folding';
import { format } from './features/format';
import { definition, prepareRename, references, rename } from './features/navigation';
import { TOKEN_MODIFIERS, TOKEN_TYPES } from './features/semanticTokens';
import { documentSymbolsData, semanticTokensData } from './lspEncode';
import { confinedFileSystem } from './nodeFileSystem';
import { LIBRARY_SCHEME, shippedLibrary } from './library/shipped';
import { makeRoots, Roots } from './roots';
import { DataWorkerPool } from './results/dataPool';
import { AnalysisSettings } from './results/jobs';
import { StudySession } from './results/study';

const connection = createConnection(ProposedFeatures.all);
/** "Fix all" (every preferred fix at once): VS Code asks for it on save and from its Fix All command. */
const FIX_ALL = `${CodeActionKind.SourceFixAll}.cellspec`;
const documents = new TextDocuments(TextDocument);
/** Workspace folders as paths. */
let workspaceFolders: string[] = [];
/**
 * What the server may read: the workspace folders and the folders of the documents the user opened,
 * and in a trusted workspace the folders the setting cellspec.allowedRoots adds. Spec imports and
 * data files outside them are refused.
 */
function currentRoots(): Roots {
  const opened = documents.all().filter((d) => d.uri.startsWith('file:')).map((d) => path.dirname(URI.parse(d.uri).fsPath));
  const folders = [...workspaceFolders, ...opened, ...(trusted ? settings.allowedRoots : [])];
  const key = JSON.stringify([trusted, folders]);
  if (rootsMemo?.key !== key) {
    rootsMemo = { key, roots: makeRoots(folders, trusted ? 'add the folder to the setting cellspec.allowedRoots, or open it as a workspace folder' : 'in restricted mode only the workspace folders are read') };
  }
  return rootsMemo.roots;
}
let rootsMemo: { key: string; roots: Roots } | undefined;
const ws = new Workspace(confinedFileSystem(currentRoots), shippedLibrary());
const dataPool = new DataWorkerPool((m) => connection.console.error(m));
const study = new StudySession(dataPool, { rootsFor: currentRoots });
/** The version the client last sent (data results belong to one version); -1 for a file not open. */
const versionOf = (a: SpecAnalysis): number => documents.get(a.file.uri)?.version ?? -1;

interface Settings { inlayHints: boolean; plausibility: boolean; allowedRoots: string[]; analysis: AnalysisSettings }
let settings: Settings = { inlayHints: true, plausibility: true, allowedRoots: [], analysis: {} };
/**
 * Workspace trust (VS Code's restricted mode reads no data file). A client says `trusted: true` or
 * `false` in initializationOptions; a client that says nothing (Neovim, Helix, ...) started the
 * server itself and is trusted; anything but a boolean is taken as untrusted, never as trusted.
 */
let trusted = true;
let canConfigure = false;
let canRefreshHints = false;
let canRefreshTokens = false;
/** A client command that inserts a snippet at a place (uri, position, snippet), if the client has one: quick fixes with tab stops. */
let snippetCommand: string | undefined;
// Diagnostics wait for the client's settings, so the first ones already honour them.
let settingsLoaded!: () => void;
const settingsReady = new Promise<void>((resolve) => (settingsLoaded = resolve));

/** Analyses cached by URI; any edit or file change can affect importers, so all are dropped. */
let analyses = new Map<string, SpecAnalysis | undefined>();
function analysisOf(uri: string): SpecAnalysis | undefined {
  if (!analyses.has(uri)) analyses.set(uri, analyzeSpec(ws, uri, { plausibility: settings.plausibility }));
  return analyses.get(uri);
}
function invalidate() { analyses = new Map(); }

/** Hints and colours of other open files depend on this one (imports): ask the client to re-fetch. */
let refreshTimer: NodeJS.Timeout | undefined;
function refreshViews() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (canRefreshHints) connection.languages.inlayHint.refresh().catch(() => undefined);
    if (canRefreshTokens) connection.languages.semanticTokens.refresh();
  }, 300);
}

function guard<A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try { return fn(...args); } catch (e) {
      connection.console.error(`cellspec: ${name} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
}

const range = (lines: LineIndex, s: Span): Range => ({ start: lines.position(s.start), end: lines.position(s.end) });
const linesOf = (uri: string): LineIndex | undefined => ws.get(uri)?.lines;

connection.onInitialize((params): InitializeResult => {
  canConfigure = !!params.capabilities.workspace?.configuration;
  canRefreshHints = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
  canRefreshTokens = !!params.capabilities.workspace?.semanticTokens?.refreshSupport;
  const opts = params.initializationOptions as Record<string, unknown> | undefined;
  if (opts && typeof opts === 'object') {
    if (typeof opts.inlayHints === 'boolean') settings.inlayHints = opts.inlayHints;
    if (typeof opts.plausibility === 'boolean') settings.plausibility = opts.plausibility;
    // A client that renders HTML in hovers (VS Code with supportHtml) gets the details folded.
    if (opts.foldedHovers === true) study.setFoldedHovers(true);
    if ('trusted' in opts) {
      trusted = opts.trusted === true;
      if (typeof opts.trusted !== 'boolean') connection.console.warn(`cellspec: initializationOptions.trusted must be true or false, not ${JSON.stringify(opts.trusted)}: the workspace is treated as untrusted`);
    }
    // The client's storage for this workspace: tables read are kept there (results/diskTableCache.ts).
    if (typeof opts.tableCache === 'string' && path.isAbsolute(opts.tableCache)) dataPool.setCacheDir(opts.tableCache);
  }
  study.setTrusted(trusted);
  // VS Code's client shows the library as read-only documents of its own scheme; other editors open the shipped files.
  if (opts?.libraryScheme === LIBRARY_SCHEME) ws.setLibrary(shippedLibrary(LIBRARY_SCHEME));
  if (typeof opts?.snippetCommand === 'string') snippetCommand = opts.snippetCommand;
  if (!ws.libraryFiles().length) connection.console.error('cellspec: the standard material library is missing from the package (dist/library): specs see only their own materials');
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((f) => f.startsWith('file:')).map((f) => URI.parse(f).fsPath);
  // Known files let references and rename reach files that are not open.
  setImmediate(() => folders.forEach(scanFolder));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', '|', ':', '"', '/'] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL] },
      inlayHintProvider: true,
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'cellspec-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  try {
    // Specs, and every other file: data files change under the runs that name them.
    await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  } catch { /* the client does not support dynamic registration: no file watching */ }
  await loadSettings();
  invalidate();
  settingsLoaded();
});

async function loadSettings() {
  if (!canConfigure) return;
  try {
    const c = await connection.workspace.getConfiguration('cellspec');
    const roots: unknown = c?.allowedRoots;
    settings = {
      inlayHints: c?.inlayHints?.enabled !== false, plausibility: c?.diagnostics?.plausibility !== false,
      allowedRoots: Array.isArray(roots) ? roots.filter((r): r is string => typeof r === 'string' && path.isAbsolute(r)) : [],
      analysis: analysisSettings(c?.analysis),
    };
    study.setAnalysisSettings(settings.analysis);
  } catch { /* keep the defaults */ }
}

/** cellspec.analysis.*: fractions in (0, 1]; anything else leaves the analysis its default. */
function analysisSettings(c: Record<string, unknown> | undefined): AnalysisSettings {
  const fraction = (v: unknown) => (typeof v === 'number' && v > 0 && v <= 1 ? v : undefined);
  return { shortCollapseFraction: fraction(c?.shortCollapseFraction), shortSustainFraction: fraction(c?.shortSustainFraction) };
}

connection.onDidChangeConfiguration(async () => {
  await loadSettings();
  invalidate();
  documents.all().forEach((d) => schedule(d.uri, 0));
  if (canRefreshHints) connection.languages.inlayHint.refresh().catch(() => undefined);
});

function scanFolder(folderUri: string) {
  const root = URI.parse(folderUri).fsPath;
  let budget = 5000;
  const walk = (dir: string, depth: number) => {
    if (depth > 12 || budget <= 0) return;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (budget-- <= 0) return;
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(dir, e.name), depth + 1);
      else if (e.isFile() && e.name.endsWith('.cellspec')) ws.addKnownFile(URI.file(path.join(dir, e.name)).toString());
    }
  };
  walk(root, 0);
}

// Validation: debounced per document; the debounce is short because analysis is fast and
// stale diagnostics are worse than a few wasted runs.
const timers = new Map<string, NodeJS.Timeout>();
const DEBOUNCE_MS = 10;
const MAX_DIAGNOSTICS = 1000;
function schedule(uri: string, delay = DEBOUNCE_MS) {
  clearTimeout(timers.get(uri));
  timers.set(uri, setTimeout(() => { timers.delete(uri); validate(uri); }, delay));
}

function validate(uri: string) {
  void settingsReady.then(() => {
    publishDiagnostics(uri);
    scheduleData(uri);
    // Its model may have changed without its own text changing (an imported file was edited).
    void connection.sendNotification('cellspec/previewChanged', { uri, version: documents.get(uri)?.version });
  });
}

// Data files are read and analysed in a worker, after the spec's own diagnostics are out; the
// study session keeps the results of each document's version and answers for spec and data.
const dataTimers = new Map<string, NodeJS.Timeout>();
const DATA_DEBOUNCE_MS = 300;
function scheduleData(uri: string, delay = DATA_DEBOUNCE_MS) {
  clearTimeout(dataTimers.get(uri));
  dataTimers.set(uri, setTimeout(() => { dataTimers.delete(uri); void runData(uri); }, delay));
}
const runData = (uri: string) => runDataUnguarded(uri).catch((e: Error) => connection.console.error(`cellspec: data failed: ${e.stack ?? e}`));
async function runDataUnguarded(uri: string) {
  const doc = documents.get(uri);
  const a = analysisOf(uri);
  if (!doc || !a) return;
  const version = doc.version;
  if (!(await study.refresh(a, version)) || documents.get(uri)?.version !== version) return;
  publishDiagnostics(uri);
  // A preview of this document re-asks for its model.
  void connection.sendNotification('cellspec/previewChanged', { uri, version });
  if (canRefreshHints) connection.languages.inlayHint.refresh().catch(() => undefined);
}

const publishDiagnostics = guard('diagnostics', undefined, (uri: string) => {
  const doc = documents.get(uri);
  if (!doc) return;
  const a = analysisOf(uri);
  if (!a) return;
  // A pasted blob can yield a diagnostic per line; past a point more of them help nobody.
  const all = study.diagnostics(a, doc.version);
  const shown = all.slice(0, MAX_DIAGNOSTICS).map((d) => toLspDiagnostic(a, d));
  if (all.length > MAX_DIAGNOSTICS) {
    shown.push({ range: shown[MAX_DIAGNOSTICS - 1].range, severity: DiagnosticSeverity.Information, source: 'cellspec', code: 'too-many-problems',
      message: `${all.length - MAX_DIAGNOSTICS} more problems are not shown` });
  }
  connection.sendDiagnostics({ uri, version: doc.version, diagnostics: shown });
});

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

function toLspDiagnostic(a: SpecAnalysis, d: Diagnostic): LspDiagnostic {
  // The code links to its row in the shipped docs/diagnostics.md (see diagnosticDocs.ts).
  const href = docsLink(d.code);
  return {
    range: range(a.file.lines, d), severity: SEVERITY[d.severity], code: d.code, source: 'cellspec', message: d.message,
    codeDescription: href ? { href } : undefined,
    relatedInformation: d.related?.flatMap((r) => {
      const lines = linesOf(r.uri);
      return lines ? [{ location: { uri: r.uri, range: range(lines, r) }, message: r.message }] : [];
    }),
  };
}

// TextDocuments reports an open as a content change too; an open is validated at once.
const justOpened = new Set<string>();
documents.onDidOpen((e) => justOpened.add(e.document.uri));
documents.onDidChangeContent((e) => {
  ws.setDocument(e.document.uri, e.document.getText(), e.document.version);
  invalidate();
  const opened = justOpened.delete(e.document.uri);
  if (!opened && documents.all().length > 1) refreshViews();
  // Files importing this one may change too.
  for (const d of documents.all()) schedule(d.uri, d.uri === e.document.uri ? (opened ? 0 : DEBOUNCE_MS) : 100);
});
documents.onDidClose((e) => {
  ws.closeDocument(e.document.uri);
  study.forget(e.document.uri);
  invalidate();
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeWatchedFiles((p) => {
  const specs = p.changes.filter((c) => c.uri.endsWith('.cellspec'));
  for (const c of specs) {
    if (c.type === FileChangeType.Deleted) ws.fileDeleted(c.uri); else ws.fileChanged(c.uri);
  }
  if (!specs.length) {
    // A data file changed: analyse again (unchanged files come from the worker's cache).
    documents.all().forEach((d) => { if (study.holds(d.uri)) scheduleData(d.uri); });
    return;
  }
  invalidate();
  documents.all().forEach((d) => schedule(d.uri, 0));
  refreshViews();
});

const withDoc = <R>(uri: string, pos: { line: number; character: number } | undefined, fallback: R, fn: (a: SpecAnalysis, offset: number) => R): R => {
  const a = analysisOf(uri);
  if (!a) return fallback;
  return fn(a, pos ? a.file.lines.offset(pos) : 0);
};

connection.onHover(guard('hover', null, (p) => withDoc(p.textDocument.uri, p.position, null, (a, o) => {
  const h = study.hover(a, versionOf(a), o);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: range(a.file.lines, h.span) } : null;
})));

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, property: CompletionItemKind.Property, unit: CompletionItemKind.Unit,
  reference: CompletionItemKind.Reference, value: CompletionItemKind.EnumMember, snippet: CompletionItemKind.Snippet,
  file: CompletionItemKind.File, folder: CompletionItemKind.Folder,
};
/** VS Code's command that opens the suggestions again (after a folder of a data path); other clients ignore it. */
const TRIGGER_SUGGEST = { title: 'complete again', command: 'editor.action.triggerSuggest' };
connection.onCompletion(guard('completion', [], (p) => withDoc(p.textDocument.uri, p.position, [], (a, o) =>
  complete(a, o, { listDirectory: (uri) => ws.listDirectory(uri) }).map((c) => ({
    label: c.label, kind: COMPLETION_KINDS[c.kind], detail: c.detail,
    documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
    insertText: c.range ? undefined : c.insertText, insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: c.range ? { range: range(a.file.lines, c.range), newText: c.insertText ?? c.label } : undefined,
    sortText: c.sortText, filterText: c.filterText, command: c.retrigger ? TRIGGER_SUGGEST : undefined,
  })))));

const toLocation = (l: Span & { uri: string }): Location[] => {
  const lines = linesOf(l.uri);
  return lines ? [{ uri: l.uri, range: range(lines, l) }] : [];
};
connection.onDefinition(guard('definition', null, (p) => withDoc(p.textDocument.uri, p.position, null, (a, o) => {
  const d = definition(a, o);
  return d ? toLocation(d) : null;
})));
connection.onReferences(guard('references', [], (p) => withDoc(p.textDocument.uri, p.position, [], (a, o) =>
  references(ws, a, o, p.context.includeDeclaration, analysisOf).flatMap(toLocation))));
connection.onPrepareRename(guard('prepareRename', null, (p) => withDoc(p.textDocument.uri, p.position, null, (a, o) => {
  const s = prepareRename(a, o);
  return s ? range(a.file.lines, s) : null;
})));
connection.onRenameRequest(guard('rename', null, (p) => withDoc(p.textDocument.uri, p.position, null, (a, o) => {
  const r = rename(ws, a, o, p.newName, analysisOf);
  if (r.error) return new ResponseError(-32803 /* RequestFailed */, r.error);
  const changes: Record<string, TextEdit[]> = {};
  for (const e of r.edits) {
    const lines = linesOf(e.uri);
    if (lines) (changes[e.uri] ??= []).push({ range: range(lines, e), newText: e.newText });
  }
  return { changes };
})));

connection.onDocumentSymbol(guard('documentSymbol', [], (p) => withDoc(p.textDocument.uri, undefined, [], documentSymbolsData)));
connection.onFoldingRanges(guard('folding', [], (p) => withDoc(p.textDocument.uri, undefined, [], (a) => foldingRanges(a))));
connection.onDocumentFormatting(guard('format', [], (p) => withDoc(p.textDocument.uri, undefined, [], (a) => {
  const text = format(a.file.tree);
  if (text === undefined || text === a.file.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: a.file.lines.position(a.file.text.length) }, newText: text }];
})));
const ACTION_KINDS: Record<CodeAction['kind'], string> = { quickfix: CodeActionKind.QuickFix, 'refactor.rewrite': CodeActionKind.RefactorRewrite, 'source.fixAll': FIX_ALL };
/** Source actions only when asked for by kind (`source`, `source.fixAll`, ...): the light bulb never lists them. */
const asksFor = (only: string[] | undefined, kind: string) => !!only?.some((k) => kind === k || kind.startsWith(`${k}.`));
connection.onCodeAction(guard('codeAction', [], (p) => withDoc(p.textDocument.uri, p.range.start, [], (a, start) => {
  const end = a.file.lines.offset(p.range.end);
  const all = asksFor(p.context.only, FIX_ALL) ? fixAll(a) : undefined;
  return [...codeActions(a, { start, end }), ...(all ? [all] : [])].map((c) => ({
    title: c.title, kind: ACTION_KINDS[c.kind], isPreferred: c.preferred,
    diagnostics: c.diagnostic ? [toLspDiagnostic(a, c.diagnostic)] : undefined,
    // With tab stops where the client can insert a snippet; as plain text everywhere else.
    ...(c.snippet && snippetCommand
      ? { command: { title: c.title, command: snippetCommand, arguments: [p.textDocument.uri, a.file.lines.position(c.snippet.offset), c.snippet.text] } }
      : { edit: { changes: { [p.textDocument.uri]: c.edits.map((e) => ({ range: range(a.file.lines, e), newText: e.newText })) } } }),
  }));
})));
connection.languages.inlayHint.on(guard('inlayHint', [], (p) => withDoc(p.textDocument.uri, p.range.start, [] as InlayHint[], (a, start) => {
  if (!settings.inlayHints) return [];
  const end = a.file.lines.offset(p.range.end);
  return study.hints(a, versionOf(a), { start, end }).map((h) => ({ position: a.file.lines.position(h.offset), label: h.label, tooltip: h.tooltip, paddingLeft: true }));
})));
connection.languages.semanticTokens.on(guard('semanticTokens', { data: [] }, (p) => withDoc(p.textDocument.uri, undefined, { data: [] as number[] }, semanticTokensData)));

// The workspace became trusted: data files may be read now.
connection.onNotification('cellspec/trusted', () => {
  trusted = true;
  study.setTrusted(true);
  invalidate();
  documents.all().forEach((d) => schedule(d.uri, 0));
  documents.all().forEach((d) => scheduleData(d.uri, 0));
});

// A lens on each run opens the preview beside the spec.
connection.onCodeLens(guard('codeLens', [], (p) => withDoc(p.textDocument.uri, undefined, [], (a) =>
  a.file.decls.filter((d) => d.keyword === 'run' && d.name).map((d) => ({
    range: range(a.file.lines, { start: d.syntax.keyword.start, end: d.name!.end }),
    command: { title: 'Open Preview to the Side', command: 'cellspec.openPreviewToSide', arguments: [p.textDocument.uri, a.file.lines.position(d.syntax.keyword.start).line + 1] },
  })))));

// The preview asks for everything it draws in one request; the page computes nothing.
connection.onRequest('cellspec/previewModel', guard('previewModel', null, (p: { uri: string }) => {
  const doc = documents.get(p.uri);
  const a = analysisOf(p.uri);
  return doc && a ? study.previewModel(a, doc.version) : null;
}));

// "Show Derived Values": every value the plan implies, as a Markdown page the client shows.
connection.onRequest('cellspec/derivedValues', guard('derivedValues', null, (p: { uri: string }) => {
  const a = analysisOf(p.uri);
  return a ? { markdown: derivedValuesMarkdown(a) } : null;
}));

connection.onShutdown(() => study.dispose());
process.on('uncaughtException', (e) => connection.console.error(`cellspec: uncaught ${e.stack ?? e}`));
documents.listen(connection);
connection.listen();

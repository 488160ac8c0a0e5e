// The analysis preview: one webview panel per spec, beside its editor. The server builds the
// whole PreviewModel (request cellspec/previewModel); this file only asks for it at the right
// times and posts it to the page, which draws it. The update loop follows the built-in Markdown
// preview (see ../../shared/style.md): the first render at once, then at most one every 300 ms,
// none when the document version has not changed, and `update` messages instead of reloading
// the page. The page keeps its last model with setState, so a serializer can restore the panel
// after a window reload without retainContextWhenHidden.
//
// The preview and the editor keep in step (cellspec.preview.followCursor), again as the Markdown
// preview does: the cursor entering another run scrolls the page to its charts; a scroll of the
// page scrolls the editor to the run of the chart at its top; a click in the page selects its
// line. The guard against feedback loops: a selection this file made, and the selections within
// a short window after it, are not sent back to the page (and the page ignores its own scrolls).
import { randomBytes } from 'crypto';
import * as path from 'path';
import {
  ColorThemeKind, commands, Disposable, ExtensionContext, Range, Selection, TextDocument, TextEditor, TextEditorRevealType, Uri, ViewColumn,
  WebviewPanel, WebviewPanelSerializer, window, workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { previewHtml } from '../protocol/page';
import { Anchor, parseFromPage, PreviewModel, ToPage } from '../protocol/preview';
import { onPreviewSettingsChanged, previewSettings, PreviewSettings } from './settings';

export const VIEW_TYPE = 'cellspec.preview';
const THROTTLE_MS = 300;
/** Cursor moves are looked at no more often than this. */
const CURSOR_THROTTLE_MS = 150;
/** After the page selected a line in the editor, selections are not sent back for this long. */
const ECHO_MS = 500;
const LOCKED_KEY = 'cellspec.preview.locked';

/** The run (or protocol, cell) whose lines hold a 1-based line. */
export function anchorAt(anchors: readonly Anchor[], line: number): Anchor | undefined {
  return anchors.find((a) => a.line <= line && line <= a.endLine);
}

type Theme = Extract<ToPage, { type: 'theme' }>['kind'];

function themeKind(): Theme {
  switch (window.activeColorTheme.kind) {
    case ColorThemeKind.Light: return 'light';
    case ColorThemeKind.HighContrast: return 'high-contrast';
    case ColorThemeKind.HighContrastLight: return 'high-contrast-light';
    default: return 'dark';
  }
}

const isSpec = (d: TextDocument) => d.languageId === 'cellspec';

/** One panel showing one spec; it moves to another spec only when it follows the editor. */
class PreviewPanel {
  uri: string;
  locked: boolean;
  private model: PreviewModel | undefined;
  /** The document version of the last model posted. */
  private shown: number | undefined;
  private lastRender = 0;
  private timer: NodeJS.Timeout | undefined;
  private force = false;
  private seq = 0;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;
  /** The declaration the page was last scrolled to for the cursor (its first line). */
  private followed: number | undefined;
  /** A line to show once the page has a model (opened from a run's code lens). */
  private pendingLine: number | undefined;
  private echoUntil = 0;

  constructor(readonly panel: WebviewPanel, uri: string, locked: boolean, private readonly owner: PreviewManager) {
    this.uri = uri;
    this.locked = locked;
    const dist = Uri.joinPath(owner.context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = this.html(dist);
    this.title();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.schedule(true);
  }

  private html(dist: Uri): string {
    const webview = this.panel.webview;
    return previewHtml({
      scriptUri: webview.asWebviewUri(Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(Uri.joinPath(dist, 'webview.css')).toString(),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
  }

  private title() {
    const name = path.posix.basename(Uri.parse(this.uri).path);
    this.panel.title = this.locked ? `[Locked] Preview ${name}` : `Preview ${name}`;
  }

  /** Shows another spec in this panel (it follows the editor). */
  retarget(uri: string) {
    if (uri === this.uri) return;
    this.uri = uri;
    this.model = undefined;
    this.shown = undefined;
    this.followed = undefined;
    this.title();
    this.schedule(true);
  }

  /**
   * The spec's cursor is on `line`: when it entered another run (or protocol, cell), the page
   * scrolls to that declaration's charts. Not while the selection is the echo of a page's click.
   */
  cursorAt(line: number, force = false) {
    if (!this.model || (!force && Date.now() < this.echoUntil)) return;
    const anchor = anchorAt(this.model.anchors, line);
    if (!anchor || (!force && anchor.line === this.followed)) return;
    this.followed = anchor.line;
    this.post({ type: 'scrollTo', line: anchor.line });
  }

  /** Scrolls the page to the run at `line` as soon as it has a model. */
  showLine(line: number) {
    if (this.model) this.cursorAt(line, true);
    else this.pendingLine = line;
  }

  /** The page selected a line in the editor: its selection change is not an instruction to scroll back. */
  private revealed(line: number) {
    this.echoUntil = Date.now() + ECHO_MS;
    const anchor = this.model && anchorAt(this.model.anchors, line);
    if (anchor) this.followed = anchor.line;
  }

  setLocked(locked: boolean) {
    this.locked = locked;
    this.title();
  }

  /**
   * Asks for a new model: at once when nothing was asked for in the last 300 ms, else when they
   * are over. `force` also asks when the document version is the one shown (data arrived, the
   * server restarted).
   */
  schedule(force = false) {
    this.force ||= force;
    if (this.timer) return;
    const wait = Math.max(0, this.lastRender + THROTTLE_MS - Date.now());
    // Even "at once" waits for the event loop: the language client sends the document change
    // from its own listener of the same event, and the request must come after it.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render();
    }, wait);
  }

  private async render() {
    const doc = await this.owner.document(this.uri);
    if (!doc) return;
    if (!this.force && this.shown === doc.version) return;
    this.force = false;
    this.lastRender = Date.now();
    const uri = this.uri;
    const seq = ++this.seq;
    let model: PreviewModel | null;
    try {
      model = await this.owner.requestModel(uri);
    } catch {
      return; // the server is restarting; its Running state asks again
    }
    // A newer request was sent meanwhile, or the panel moved to another spec.
    if (seq !== this.seq || uri !== this.uri || !model) return;
    this.model = model;
    this.shown = model.version;
    this.post({ type: 'update', model });
    if (this.pendingLine !== undefined) {
      const line = this.pendingLine;
      this.pendingLine = undefined;
      this.cursorAt(line, true);
    }
  }

  post(message: ToPage) {
    // A request may come back after the panel was closed.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown) {
    const m = parseFromPage(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        // The page (re)loaded: it was hidden and shown again, or restored.
        this.post({ type: 'theme', kind: themeKind() });
        this.post({ type: 'palette', palette: this.owner.settings.palette });
        this.followed = undefined;
        if (this.model) this.post({ type: 'update', model: this.model });
        else this.schedule(true);
        break;
      case 'reveal':
        this.revealed(m.line);
        void this.owner.reveal(this.uri, m.line);
        break;
      case 'scrolled':
        if (this.owner.settings.followCursor) this.owner.scrollEditor(this.uri, m.line);
        break;
      case 'export':
        void this.owner.export(this.uri, m.format, m.name, m.data);
        break;
    }
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscriptions.forEach((d) => d.dispose());
    this.subscriptions.length = 0;
    this.owner.forget(this);
  }
}

export class PreviewManager implements WebviewPanelSerializer {
  private readonly panels: PreviewPanel[] = [];
  settings: PreviewSettings = previewSettings();
  private cursorTimer: NodeJS.Timeout | undefined;

  constructor(readonly context: ExtensionContext, private readonly client: () => Promise<LanguageClient>) {
    context.subscriptions.push(
      window.registerWebviewPanelSerializer(VIEW_TYPE, this),
      onPreviewSettingsChanged((s) => {
        const palette = s.palette !== this.settings.palette;
        this.settings = s;
        if (palette) this.panels.forEach((p) => p.post({ type: 'palette', palette: s.palette }));
      }),
      window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e.textEditor)),
      { dispose: () => clearTimeout(this.cursorTimer) },
      workspace.onDidChangeTextDocument((e) => this.forUri(e.document.uri.toString())?.schedule()),
      window.onDidChangeActiveTextEditor((e) => { if (e && isSpec(e.document)) this.follow(e.document.uri.toString()); }),
      window.onDidChangeActiveColorTheme(() => this.panels.forEach((p) => p.post({ type: 'theme', kind: themeKind() }))),
    );
  }

  /** The cursor moved in an editor: its spec's preview follows, at most every CURSOR_THROTTLE_MS. */
  private cursorMoved(editor: TextEditor) {
    if (!this.settings.followCursor || !isSpec(editor.document) || this.cursorTimer) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = undefined;
      const active = window.activeTextEditor;
      if (!active || !isSpec(active.document)) return;
      this.forUri(active.document.uri.toString())?.cursorAt(active.selection.active.line + 1);
    }, CURSOR_THROTTLE_MS);
  }

  /** The page was scrolled to the chart of the run at `line`: the spec's editor shows that line at its top (the cursor stays). */
  scrollEditor(uri: string, line: number) {
    const editor = window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    if (!editor) return;
    const at = Math.min(line, editor.document.lineCount) - 1;
    editor.revealRange(new Range(at, 0, at, 0), TextEditorRevealType.AtTop);
  }

  /** The server has data results for a version of the spec: the preview asks again. */
  dataChanged(uri: string) {
    this.forUri(uri)?.schedule(true);
  }

  /** The server (re)started: every panel asks again. */
  refreshAll() {
    this.panels.forEach((p) => p.schedule(true));
  }

  /** cellspec.openPreviewToSide: from the editor title (a Uri), a code lens ([uri, line]: the run's charts shown) or the palette. */
  async open(target?: Uri | string, line?: number) {
    const uri = target === undefined ? window.activeTextEditor?.document.uri
      : typeof target === 'string' ? Uri.parse(target) : target;
    if (!uri) {
      void window.showInformationMessage('cellspec: open a .cellspec file to preview it.');
      return;
    }
    const key = uri.toString();
    const existing = this.forUri(key) ?? this.panels.find((p) => !p.locked);
    const at = typeof line === 'number' && Number.isInteger(line) && line >= 1 ? line : undefined;
    if (existing) {
      existing.retarget(key);
      existing.panel.reveal(existing.panel.viewColumn ?? ViewColumn.Beside, true);
      if (at) existing.showLine(at);
      return;
    }
    const panel = window.createWebviewPanel(VIEW_TYPE, 'Preview', { viewColumn: ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [Uri.joinPath(this.context.extensionUri, 'dist')],
    });
    const p = new PreviewPanel(panel, key, false, this);
    this.panels.push(p);
    if (at) p.showLine(at);
  }

  /** cellspec.togglePreviewLock: the active preview, else the active spec's, else the only one. */
  toggleLock() {
    const editor = window.activeTextEditor?.document.uri.toString();
    const p = this.panels.find((x) => x.panel.active) ?? (editor ? this.forUri(editor) : undefined)
      ?? (this.panels.length === 1 ? this.panels[0] : undefined);
    if (!p) return;
    p.setLocked(!p.locked);
    void this.saveLocked();
    // Unlocked again: catch up with the spec being edited.
    if (!p.locked && editor && isSpec(window.activeTextEditor!.document)) this.follow(editor);
  }

  /** Restores a panel after a window reload from the state the page saved. */
  async deserializeWebviewPanel(panel: WebviewPanel, state: unknown) {
    const model = (state as { model?: { uri?: unknown } } | undefined)?.model;
    const uri = typeof model?.uri === 'string' ? model.uri : undefined;
    if (!uri || this.forUri(uri)) {
      panel.dispose();
      return;
    }
    const locked = this.context.workspaceState.get<string[]>(LOCKED_KEY, []).includes(uri);
    this.panels.push(new PreviewPanel(panel, uri, locked, this));
    // The editors came back first: a preview that follows shows the spec being edited.
    const active = window.activeTextEditor?.document;
    if (!locked && active && isSpec(active)) this.follow(active.uri.toString());
  }

  async requestModel(uri: string): Promise<PreviewModel | null> {
    const client = await this.client();
    return client.sendRequest<PreviewModel | null>('cellspec/previewModel', { uri });
  }

  /** The spec, opened (so that the server has it) when no editor shows it, as after a reload. */
  async document(uri: string): Promise<TextDocument | undefined> {
    const open = workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (open) return open;
    try {
      return await workspace.openTextDocument(Uri.parse(uri));
    } catch {
      return undefined;
    }
  }

  /** Selects the 1-based line in the spec's editor, opening one where none shows it. */
  async reveal(uri: string, line: number) {
    const doc = await this.document(uri);
    if (!doc) return;
    const at = new Range(Math.min(line, doc.lineCount) - 1, 0, Math.min(line, doc.lineCount) - 1, 0);
    const visible = window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    const editor = await window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? ViewColumn.One, preserveFocus: false });
    editor.selection = new Selection(at.start, at.start);
    editor.revealRange(at, TextEditorRevealType.InCenterIfOutsideViewport);
    // The click that asked for this also focused the webview, and on a busy machine that focus
    // can land after ours: then the editor is asked once more.
    setTimeout(() => {
      if (window.activeTextEditor !== editor && !window.activeTextEditor) {
        void window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
      }
    }, 200);
  }

  /** Writes an exported chart or table where the user chose: the preview's only write. */
  async export(uri: string, format: 'svg' | 'png' | 'csv' | 'json', name: string, data: string) {
    const file = name.toLowerCase().endsWith(`.${format}`) ? name : `${name}.${format}`;
    const spec = Uri.parse(uri);
    const target = await window.showSaveDialog({
      defaultUri: spec.scheme === 'file' ? Uri.joinPath(spec, '..', file) : undefined,
      filters: { [format.toUpperCase()]: [format] },
      saveLabel: 'Export',
    });
    if (!target) return;
    let bytes: Uint8Array;
    if (format === 'png') {
      const m = /^data:image\/png;base64,([A-Za-z0-9+/=]*)$/.exec(data);
      if (!m) {
        void window.showErrorMessage('cellspec: the preview sent an image that is not a PNG.');
        return;
      }
      bytes = Buffer.from(m[1], 'base64');
    } else {
      bytes = Buffer.from(data, 'utf8');
    }
    try {
      await workspace.fs.writeFile(target, bytes);
    } catch (e) {
      void window.showErrorMessage(`cellspec: could not save ${target.fsPath}: ${(e as Error).message}`);
      return;
    }
    // Saved: one click opens it (an image in VS Code's image preview, a table as text).
    const choice = await window.showInformationMessage(`cellspec: saved ${path.basename(target.fsPath)}`, 'Open');
    if (choice === 'Open') await commands.executeCommand('vscode.open', target, { viewColumn: ViewColumn.Active, preview: false });
  }

  forget(p: PreviewPanel) {
    const i = this.panels.indexOf(p);
    if (i >= 0) this.panels.splice(i, 1);
    if (p.locked) void this.saveLocked();
  }

  private forUri(uri: string) {
    return this.panels.find((p) => p.uri === uri);
  }

  /** The active editor shows another spec: an unlocked panel moves to it, unless it has one. */
  private follow(uri: string) {
    if (this.forUri(uri)) return;
    this.panels.find((p) => !p.locked)?.retarget(uri);
  }

  private saveLocked() {
    return this.context.workspaceState.update(LOCKED_KEY, this.panels.filter((p) => p.locked).map((p) => p.uri));
  }
}

// The analysis preview: one webview panel per spec, beside its editor. The server builds the
// whole PreviewModel (request cellspec/previewModel); this file only asks for it at the right
// times and posts it to the page, which draws it. The update loop follows the built-in Markdown
// preview (see ../../shared/style.md): the first render at once, then at most one every 300 ms,
// none when the document version has not changed, and `update` messages instead of reloading
// the page. The page keeps its last model with setState, so a serializer can restore the panel
// after a window reload without retainContextWhenHidden.
import { randomBytes } from 'crypto';
import * as path from 'path';
import {
  ColorThemeKind, Disposable, ExtensionContext, Range, Selection, TextDocument, TextEditorRevealType, Uri, ViewColumn,
  WebviewPanel, WebviewPanelSerializer, window, workspace,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { previewHtml } from '../protocol/page';
import { parseFromPage, PreviewModel, ToPage } from '../protocol/preview';

export const VIEW_TYPE = 'cellspec.preview';
const THROTTLE_MS = 300;
const LOCKED_KEY = 'cellspec.preview.locked';

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
    this.title();
    this.schedule(true);
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
        if (this.model) this.post({ type: 'update', model: this.model });
        else this.schedule(true);
        break;
      case 'reveal':
        void this.owner.reveal(this.uri, m.line);
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

  constructor(readonly context: ExtensionContext, private readonly client: () => Promise<LanguageClient>) {
    context.subscriptions.push(
      window.registerWebviewPanelSerializer(VIEW_TYPE, this),
      workspace.onDidChangeTextDocument((e) => this.forUri(e.document.uri.toString())?.schedule()),
      window.onDidChangeActiveTextEditor((e) => { if (e && isSpec(e.document)) this.follow(e.document.uri.toString()); }),
      window.onDidChangeActiveColorTheme(() => this.panels.forEach((p) => p.post({ type: 'theme', kind: themeKind() }))),
    );
  }

  /** The server has data results for a version of the spec: the preview asks again. */
  dataChanged(uri: string) {
    this.forUri(uri)?.schedule(true);
  }

  /** The server (re)started: every panel asks again. */
  refreshAll() {
    this.panels.forEach((p) => p.schedule(true));
  }

  /** cellspec.openPreviewToSide: from the editor title (a Uri), a code lens ([uri, line]) or the palette. */
  async open(target?: Uri | string) {
    const uri = target === undefined ? window.activeTextEditor?.document.uri
      : typeof target === 'string' ? Uri.parse(target) : target;
    if (!uri) {
      void window.showInformationMessage('cellspec: open a .cellspec file to preview it.');
      return;
    }
    const key = uri.toString();
    const existing = this.forUri(key) ?? this.panels.find((p) => !p.locked);
    if (existing) {
      existing.retarget(key);
      existing.panel.reveal(existing.panel.viewColumn ?? ViewColumn.Beside, true);
      return;
    }
    const panel = window.createWebviewPanel(VIEW_TYPE, 'Preview', { viewColumn: ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [Uri.joinPath(this.context.extensionUri, 'dist')],
    });
    this.panels.push(new PreviewPanel(panel, key, false, this));
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
      void window.showInformationMessage(`cellspec: saved ${path.basename(target.fsPath)}`);
    } catch (e) {
      void window.showErrorMessage(`cellspec: could not save ${target.fsPath}: ${(e as Error).message}`);
    }
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

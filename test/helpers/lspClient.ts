// A small, real LSP client for end-to-end tests: it spawns the cellspec language server as a
// separate process (`node bin/cellspec-language-server --stdio`), speaks JSON-RPC over its
// stdin/stdout with vscode-languageserver-protocol, answers the requests the server sends to the
// client, and records every textDocument/publishDiagnostics per document URI.

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  ClientCapabilities, createProtocolConnection, Diagnostic, InitializeParams, InitializeResult, LogMessageParams, ProtocolConnection,
  PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter, TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

/** The repository root: the nearest folder above this file whose package.json is the extension's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'cellspec') return dir;
      } catch { /* not ours: keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const SERVER_BIN = path.join(repoRoot(), 'bin', 'cellspec-language-server');

export function fileUri(p: string): string {
  return pathToFileURL(path.resolve(p)).toString();
}

/** What the test asked the client to pretend: settings answered to workspace/configuration. */
export interface LspClientOptions {
  /** The workspace folder (a path); the server scans it for .cellspec files. */
  workspaceFolder: string;
  /** Answer to workspace/configuration for section 'cellspec' (default: {}). */
  settings?: unknown;
  initializationOptions?: unknown;
  /** Default timeout of requests and waits, in ms. */
  timeoutMs?: number;
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  general: { positionEncodings: ['utf-16'] },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    inlayHint: { refreshSupport: true },
    semanticTokens: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true, willSave: false, willSaveWaitUntil: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: {
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], insertReplaceSupport: true, labelDetailsSupport: true },
      contextSupport: true,
    },
    definition: { linkSupport: false },
    references: {},
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    foldingRange: { lineFoldingOnly: true },
    formatting: {},
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
    inlayHint: { resolveSupport: { properties: [] } },
    semanticTokens: {
      requests: { full: true, range: false },
      tokenTypes: ['keyword', 'type', 'class', 'function', 'property', 'number', 'string', 'comment', 'operator', 'enumMember', 'unit'],
      tokenModifiers: ['declaration', 'defaultLibrary'],
      formats: ['relative'],
    },
  },
};

interface Waiter {
  uri: string;
  predicate: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class LspClient {
  /** Every publishDiagnostics received, per uri, oldest first. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Requests the server sent us, by method (for assertions on registerCapability and the like). */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  readonly logMessages: LogMessageParams[] = [];
  stderr = '';
  initializeResult?: InitializeResult;
  /** Set when the process ended; an exit we did not ask for makes every pending wait fail. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };

  private waiters: Waiter[] = [];
  private versions = new Map<string, number>();
  private shuttingDown = false;
  private exitPromise: Promise<void>;

  private constructor(readonly proc: ChildProcess, readonly connection: ProtocolConnection, readonly options: LspClientOptions) {
    this.exitPromise = new Promise((resolve) => proc.once('exit', (code, signal) => {
      this.exit = { code, signal };
      if (!this.shuttingDown) {
        const err = new Error(`the language server exited unexpectedly (code ${code}, signal ${signal})\nstderr:\n${this.stderr.slice(-4000)}`);
        for (const w of this.waiters.splice(0)) { clearTimeout(w.timer); w.reject(err); }
      }
      resolve();
    }));
  }

  get timeoutMs(): number { return this.options.timeoutMs ?? 30000; }

  /** Spawns the server, wires the connection and performs initialize/initialized. */
  static async start(options: LspClientOptions): Promise<LspClient> {
    const proc = spawn(process.execPath, [SERVER_BIN, '--stdio'], { cwd: repoRoot(), stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, connection, options);
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (s: string) => { client.stderr += s; });
    // Writing to a server that died must not throw an unhandled EPIPE in the test process.
    proc.stdin!.on('error', () => undefined);
    connection.onError(() => undefined);
    client.wire();
    connection.listen();
    const folder = path.resolve(options.workspaceFolder);
    const params: InitializeParams = {
      processId: process.pid,
      clientInfo: { name: 'cellspec-e2e-test', version: '1.0.0' },
      locale: 'en',
      rootUri: fileUri(folder),
      workspaceFolders: [{ uri: fileUri(folder), name: path.basename(folder) }],
      capabilities: CLIENT_CAPABILITIES,
      initializationOptions: options.initializationOptions,
      trace: 'off',
    };
    try {
      client.initializeResult = await client.request<InitializeResult>('initialize', params);
    } catch (e) {
      client.kill();
      throw e;
    }
    await connection.sendNotification('initialized', {});
    return client;
  }

  private wire() {
    const c = this.connection;
    c.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.predicate(p)) this.settle(w, p);
      }
    });
    c.onNotification('window/logMessage', (p: LogMessageParams) => { this.logMessages.push(p); });
    c.onNotification('window/showMessage', (p: LogMessageParams) => { this.logMessages.push(p); });
    c.onNotification('telemetry/event', () => undefined);
    c.onNotification('$/logTrace', () => undefined);
    c.onRequest('client/registerCapability', (params) => { this.serverRequests.push({ method: 'client/registerCapability', params }); return null; });
    c.onRequest('client/unregisterCapability', (params) => { this.serverRequests.push({ method: 'client/unregisterCapability', params }); return null; });
    c.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
      this.serverRequests.push({ method: 'workspace/configuration', params });
      return params.items.map((i) => (i.section === 'cellspec' || i.section === undefined ? this.options.settings ?? {} : null));
    });
    c.onRequest('workspace/workspaceFolders', () => [{ uri: fileUri(this.options.workspaceFolder), name: path.basename(this.options.workspaceFolder) }]);
    c.onRequest('workspace/inlayHint/refresh', () => { this.serverRequests.push({ method: 'workspace/inlayHint/refresh', params: null }); return null; });
    c.onRequest('workspace/semanticTokens/refresh', () => null);
    c.onRequest('workspace/diagnostic/refresh', () => null);
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onRequest('window/showMessageRequest', () => null);
    c.onRequest('workspace/applyEdit', () => ({ applied: false, failureReason: 'the test client applies no edits' }));
  }

  private settle(w: Waiter, p: PublishDiagnosticsParams) {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
    w.resolve(p);
  }

  /** A request with a timeout; a ResponseError from the server rejects with that error. */
  async request<R>(method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<R> {
    if (this.exit) throw new Error(`the language server is not running (exit ${JSON.stringify(this.exit)}); cannot send ${method}\nstderr:\n${this.stderr.slice(-4000)}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms\nstderr:\n${this.stderr.slice(-4000)}`)), timeoutMs);
    });
    const died = this.exitPromise.then(() => { throw new Error(`the language server exited while ${method} was pending (exit ${JSON.stringify(this.exit)})\nstderr:\n${this.stderr.slice(-4000)}`); });
    try {
      return await Promise.race([this.connection.sendRequest(method, params) as Promise<R>, timeout, died]);
    } finally {
      clearTimeout(timer);
    }
  }

  async notify(method: string, params: unknown): Promise<void> {
    if (this.exit) throw new Error(`the language server is not running; cannot send ${method}`);
    await this.connection.sendNotification(method, params);
  }

  async open(uri: string, text: string, languageId = 'cellspec', version = 1): Promise<void> {
    this.versions.set(uri, version);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Sends didChange with the next version; returns that version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number | undefined { return this.versions.get(uri); }

  /** The last diagnostics published for uri, if any. */
  latest(uri: string): PublishDiagnosticsParams | undefined {
    const list = this.published.get(uri);
    return list?.[list.length - 1];
  }

  /**
   * Resolves with the first publication for uri that satisfies predicate: the latest one already
   * received if it does, else the next one that does. Rejects after timeoutMs, or if the server dies.
   */
  waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<PublishDiagnosticsParams> {
    const last = this.latest(uri);
    if (last && predicate(last)) return Promise.resolve(last);
    if (this.exit && !this.shuttingDown) return Promise.reject(new Error(`the language server is not running (exit ${JSON.stringify(this.exit)})\nstderr:\n${this.stderr.slice(-4000)}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        uri, predicate, resolve, reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          const got = (this.published.get(uri) ?? []).map((p) => `version ${p.version}: ${p.diagnostics.length} diagnostics [${p.diagnostics.map((d) => d.code).join(', ')}]`);
          reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; received:\n  ${got.join('\n  ') || '(none)'}\nstderr:\n${this.stderr.slice(-4000)}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Diagnostics for the current version of a document (the one last opened or changed). */
  waitForCurrentDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<PublishDiagnosticsParams> {
    const v = this.versions.get(uri);
    return this.waitForDiagnostics(uri, (p) => (v === undefined || p.version === undefined || p.version === v) && predicate(p.diagnostics), timeoutMs);
  }

  get running(): boolean { return !this.exit; }

  /** shutdown, exit, and a kill if the process is still there after a grace period. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exit) { this.connection.dispose(); return; }
    this.shuttingDown = true;
    try {
      await this.request('shutdown', null, graceMs);
      await this.connection.sendNotification('exit');
    } catch { /* the server is stuck or gone: killed below */ }
    const exited = await Promise.race([this.exitPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
    if (!exited) this.kill();
    await Promise.race([this.exitPromise, new Promise((r) => setTimeout(r, graceMs))]);
    this.connection.dispose();
  }

  kill(): void {
    this.shuttingDown = true;
    if (!this.exit) this.proc.kill('SIGKILL');
  }
}

/** A position in a text by the (first, or nth) occurrence of a needle, plus an offset into it. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${occurrence}) not found in the text`);
  }
  return positionAt(text, at + delta);
}

/** Offset -> LSP position (UTF-16 code units, \n line breaks). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** LSP position -> offset (UTF-16 code units, \n line breaks). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const nl = text.indexOf('\n', offset);
  return Math.min(offset + pos.character, nl < 0 ? text.length : nl);
}

/** Applies TextEdits (non-overlapping) to a text, as an editor would. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const abs = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }));
  abs.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of abs) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The text a range covers. */
export function textIn(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

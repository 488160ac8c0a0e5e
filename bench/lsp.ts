// A minimal LSP client for the benchmark: spawns a server over stdio, answers the requests a
// server makes of its client (configuration, capability registration, progress), and lets the
// benchmark wait for publishDiagnostics with a timeout. Every server started here is tracked
// so that the benchmark can kill them on exit, also on errors.
import { ChildProcess, spawn } from 'child_process';
import { performance } from 'perf_hooks';
import {
  ConfigurationRequest, createProtocolConnection, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, ProtocolConnection,
  PublishDiagnosticsNotification, PublishDiagnosticsParams, RegistrationRequest, ShutdownRequest, StreamMessageReader,
  StreamMessageWriter, TextDocumentContentChangeEvent, UnregistrationRequest,
} from 'vscode-languageserver-protocol/node';

export interface Received { at: number; params: PublishDiagnosticsParams }

interface Waiter { match: (p: PublishDiagnosticsParams) => boolean; resolve: (r: Received) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

const live = new Set<ChildProcess>();

/** Kills every server still running (SIGKILL after a grace period is not needed: they are ours and idle). */
export function killAll() {
  for (const p of live) { try { p.kill('SIGKILL'); } catch { /* already gone */ } }
  live.clear();
}

export interface ServerOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  rootUri: string;
  workspaceFolders: { uri: string; name: string }[];
  /** The answer to one item of workspace/configuration. */
  configuration: (section: string | undefined) => unknown;
  initializationOptions?: unknown;
  /** Print the server's log messages and stderr. */
  verbose?: boolean;
}

export class LspServer {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  private waiters: Waiter[] = [];
  /** Every publishDiagnostics, in order (bounded). */
  readonly log: Received[] = [];
  configurationRequests = 0;
  registrations: string[] = [];
  stderr = '';

  constructor(readonly opts: ServerOptions) {
    this.proc = spawn(opts.command, opts.args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.proc);
    this.proc.on('exit', () => live.delete(this.proc));
    this.proc.stderr!.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20000); if (opts.verbose) process.stderr.write(`[${opts.name}] ${d}`); });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const r: Received = { at: performance.now(), params };
      if (this.log.length < 10000) this.log.push(r);
      for (const w of [...this.waiters]) {
        if (w.match(params)) {
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    });
    this.conn.onRequest(ConfigurationRequest.type, (p) => { this.configurationRequests++; return p.items.map((i) => opts.configuration(i.section)); });
    this.conn.onRequest(RegistrationRequest.type, (p) => { this.registrations.push(...p.registrations.map((r) => r.method)); return null; });
    this.conn.onRequest(UnregistrationRequest.type, () => null);
    // Anything else a server asks (progress tokens, refreshes, custom requests): a null answer.
    // (vscode-jsonrpc takes star handlers; the protocol typings do not declare them.)
    const star = this.conn as unknown as { onRequest(h: (m: string, p: unknown) => unknown): void; onNotification(h: (m: string, p: unknown) => void): void };
    star.onRequest(() => null);
    star.onNotification((method, params) => {
      if (opts.verbose && method === 'window/logMessage') process.stderr.write(`[${opts.name}] ${(params as { message: string }).message}\n`);
    });
    this.conn.onError(([e]) => { if (opts.verbose) process.stderr.write(`[${opts.name}] connection error ${e}\n`); });
    this.conn.listen();
  }

  async initialize(timeoutMs = 20000) {
    const init = this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: this.opts.rootUri,
      workspaceFolders: this.opts.workspaceFolders,
      initializationOptions: this.opts.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        },
      },
    });
    const result = await withTimeout(init, timeoutMs, `${this.opts.name}: initialize`);
    await this.conn.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Resolves with the first publishDiagnostics (from now on) that `match` accepts. */
  waitDiagnostics(match: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number, what: string): Promise<Received> {
    return new Promise((resolve, reject) => {
      const w: Waiter = { match, resolve, reject, timer: setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`${this.opts.name}: no diagnostics within ${timeoutMs} ms for ${what}`));
      }, timeoutMs) };
      this.waiters.push(w);
    });
  }

  open(uri: string, languageId: string, version: number, text: string): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }
  close(uri: string): Promise<void> {
    return this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async shutdown() {
    try {
      await withTimeout(this.conn.sendRequest(ShutdownRequest.type), 3000, 'shutdown');
      await this.conn.sendNotification(ExitNotification.type);
    } catch { /* killed below anyway */ }
    await new Promise((r) => setTimeout(r, 100));
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    live.delete(this.proc);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// VS Code side: starts the language server over IPC, restarts it on request, opens the analysis
// preview (preview.ts) and the derived values (derivedValues.ts), and the getting-started
// commands (gettingStarted.ts). All language knowledge is in the server; this file only wires it
// into the editor.
import * as path from 'path';
import { commands, ExtensionContext, Uri, window, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { DerivedValues } from './derivedValues';
import { newStudy, openExampleStudy } from './gettingStarted';
import { insertSnippet, LIBRARY_SCHEME, registerLibrary } from './library';
import { PreviewManager } from './preview';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext) {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'cellspec' }, { scheme: 'untitled', language: 'cellspec' }, { scheme: LIBRARY_SCHEME, language: 'cellspec' }],
    synchronize: { configurationSection: 'cellspec' },
    outputChannelName: 'cellspec',
    // Restricted mode: the server reads no data files until told the workspace is trusted.
    // A function, so that a restart after trust was granted starts trusted.
    // The library opens read-only (client/library.ts); quick fixes insert their templates with tab stops.
    // Tables read are cached in the workspace's storage (none for a window without a folder).
    initializationOptions: () => ({
      trusted: workspace.isTrusted, libraryScheme: LIBRARY_SCHEME, snippetCommand: 'cellspec.insertSnippet',
      tableCache: context.storageUri && path.join(context.storageUri.fsPath, 'tables'),
    }),
  };
  const lc = new LanguageClient('cellspec', 'cellspec language server', serverOptions, clientOptions);
  client = lc;
  const started = lc.start();

  // Registered before the server is up: a preview restored after a window reload activates the
  // extension and waits for the server here.
  const running = async () => { await started; return lc; };
  const previews = new PreviewManager(context, running);
  const derived = new DerivedValues(running);
  context.subscriptions.push(
    derived,
    registerLibrary(context),
    commands.registerCommand('cellspec.insertSnippet', insertSnippet),
    // One handler per notification (a second registration would replace the first).
    lc.onNotification('cellspec/previewChanged', (p: { uri?: unknown }) => {
      if (typeof p?.uri !== 'string') return;
      previews.dataChanged(p.uri);
      derived.specChanged(p.uri);
    }),
    lc.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      // Trust granted while the server was starting would otherwise be lost.
      if (workspace.isTrusted) void lc.sendNotification('cellspec/trusted');
      previews.refreshAll();
    }),
    workspace.onDidGrantWorkspaceTrust(() => {
      if (lc.isRunning()) void lc.sendNotification('cellspec/trusted');
    }),
    commands.registerCommand('cellspec.openPreviewToSide', (target?: Uri | string) => previews.open(target)),
    commands.registerCommand('cellspec.togglePreviewLock', () => previews.toggleLock()),
    commands.registerCommand('cellspec.restartServer', async () => {
      await lc.restart();
      window.setStatusBarMessage('cellspec: language server restarted', 3000);
    }),
    commands.registerCommand('cellspec.showDerivedValues', (target?: Uri | string) => derived.show(target)),
    commands.registerCommand('cellspec.newStudy', () => newStudy(context)),
    commands.registerCommand('cellspec.openExampleStudy', () => openExampleStudy(context)),
  );
  await started;
}

export async function deactivate() {
  await client?.stop();
}

// VS Code side: starts the language server over IPC and restarts it on request. All language
// knowledge is in the server; this file only wires it into the editor.
import * as path from 'path';
import { commands, ConfigurationTarget, ExtensionContext, window, workspace } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext) {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'cellspec' }, { scheme: 'untitled', language: 'cellspec' }],
    synchronize: { configurationSection: 'cellspec' },
    outputChannelName: 'cellspec',
  };
  client = new LanguageClient('cellspec', 'cellspec language server', serverOptions, clientOptions);
  context.subscriptions.push(
    commands.registerCommand('cellspec.restartServer', async () => {
      await client?.restart();
      window.setStatusBarMessage('cellspec: language server restarted', 3000);
    }),
    commands.registerCommand('cellspec.showDerivedValues', async () => {
      // Inlay hints carry the derived values: turn them on (user settings work without a folder open).
      await workspace.getConfiguration('cellspec').update('inlayHints.enabled', true, ConfigurationTarget.Global);
      await workspace.getConfiguration('editor').update('inlayHints.enabled', 'on', ConfigurationTarget.Global);
      window.setStatusBarMessage('cellspec: derived values are shown as inlay hints', 3000);
    }),
  );
  await client.start();
}

export async function deactivate() {
  await client?.stop();
}

// "cellspec: Show Derived Values": a read-only Markdown document beside the spec listing every
// value the plan implies, with its formula and inputs. The server writes it
// (request cellspec/derivedValues); this file shows it and refreshes it when the spec changes.
import { Disposable, EventEmitter, TextDocumentContentProvider, Uri, ViewColumn, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const DERIVED_SCHEME = 'cellspec-derived';

/** The virtual document of a spec: its name in the path (the tab's title), the spec's URI in the query. */
export function derivedUri(spec: Uri): Uri {
  const name = spec.path.slice(spec.path.lastIndexOf('/') + 1);
  return Uri.from({ scheme: DERIVED_SCHEME, path: `/${name} (derived values).md`, query: spec.toString() });
}

export class DerivedValues implements TextDocumentContentProvider, Disposable {
  private readonly changes = new EventEmitter<Uri>();
  readonly onDidChange = this.changes.event;
  private readonly registration: Disposable;

  constructor(private readonly client: () => Promise<LanguageClient>) {
    this.registration = workspace.registerTextDocumentContentProvider(DERIVED_SCHEME, this);
  }

  async provideTextDocumentContent(uri: Uri): Promise<string> {
    const lc = await this.client();
    const answer = await lc.sendRequest<{ markdown: string } | null>('cellspec/derivedValues', { uri: uri.query });
    return answer?.markdown ?? `The spec ${uri.query} is not open.`;
  }

  /** The command: the active spec's derived values (or those of the spec given), beside it. */
  async show(target?: Uri | string) {
    const spec = target === undefined ? activeSpec() : typeof target === 'string' ? Uri.parse(target) : target;
    if (!spec) {
      void window.showInformationMessage('cellspec: open a .cellspec file to see its derived values.');
      return;
    }
    const doc = await workspace.openTextDocument(derivedUri(spec));
    await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preserveFocus: true, preview: true });
  }

  /** The spec (or a file it imports) changed: an open page of it is written again. */
  specChanged(specUri: string) {
    for (const d of workspace.textDocuments) {
      if (d.uri.scheme === DERIVED_SCHEME && d.uri.query === specUri) this.changes.fire(d.uri);
    }
  }

  dispose() {
    this.registration.dispose();
    this.changes.dispose();
  }
}

function activeSpec(): Uri | undefined {
  const doc = window.activeTextEditor?.document;
  return doc?.languageId === 'cellspec' ? doc.uri : undefined;
}

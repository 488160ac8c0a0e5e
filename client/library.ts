// The standard material library in VS Code: go to definition on `Li` opens cellspec-library:/materials.cellspec,
// a read-only document served from the extension's dist/library (the file the server reads too),
// so a user can read every value and its source but never edit the installed copy.
import * as fs from 'fs';
import * as path from 'path';
import { Disposable, ExtensionContext, Position, SnippetString, TextDocumentContentProvider, Uri, window, workspace } from 'vscode';

/** The scheme the server is told to use (server/library/shipped.ts LIBRARY_SCHEME). */
export const LIBRARY_SCHEME = 'cellspec-library';

export function registerLibrary(context: ExtensionContext): Disposable {
  const provider: TextDocumentContentProvider = {
    provideTextDocumentContent(uri: Uri): string {
      // Only the library's own files, by base name: the path cannot climb out of dist/library.
      const file = context.asAbsolutePath(path.join('dist', 'library', path.posix.basename(uri.path)));
      try { return fs.readFileSync(file, 'utf8'); } catch { return `# ${uri.path} is not part of the cellspec standard library.\n`; }
    },
  };
  return workspace.registerTextDocumentContentProvider(LIBRARY_SCHEME, provider);
}

/** The quick fixes' snippet insertion (the server's `snippetCommand`): a template with tab stops at a place of a document. */
export async function insertSnippet(uri: string, position: { line: number; character: number }, snippet: string): Promise<void> {
  const doc = await workspace.openTextDocument(Uri.parse(uri));
  const editor = await window.showTextDocument(doc);
  await editor.insertSnippet(new SnippetString(snippet), new Position(position.line, position.character));
}

// The standard library as it ships: the .cellspec files of server/library, copied to dist/library
// by the build (scripts/build.mjs), read once at start by the language server and the CLI and handed
// to the engine's Workspace. The engine never reads them from disk itself.
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { LibraryFile } from '../engine/workspace';

export const LIBRARY_FILES = ['materials.cellspec'];

/**
 * The URI scheme of the library in VS Code, whose client serves it as a read-only document
 * (client/library.ts). Other editors get file: URIs of the shipped files.
 */
export const LIBRARY_SCHEME = 'cellspec-library';

/** The folder holding the library: dist/library beside the bundle, or server/library from the compiled tests (out/server/library). */
export function libraryFolder(): string | undefined {
  const candidates = [path.join(__dirname, 'library'), path.resolve(__dirname, '..', '..', '..', 'server', 'library')];
  return candidates.find((d) => LIBRARY_FILES.every((f) => fs.existsSync(path.join(d, f))));
}

/** The library's files with their text, under file: URIs or the read-only scheme; none when the package lacks them. */
export function shippedLibrary(scheme: 'file' | typeof LIBRARY_SCHEME = 'file'): LibraryFile[] {
  const folder = libraryFolder();
  if (!folder) return [];
  return LIBRARY_FILES.map((name) => ({
    uri: scheme === 'file' ? URI.file(path.join(folder, name)).toString() : URI.from({ scheme, path: `/${name}` }).toString(),
    text: fs.readFileSync(path.join(folder, name), 'utf8'),
  }));
}

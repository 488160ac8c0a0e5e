// The engine's FileSystem on Node: reads file: URIs from disk, only inside the allowed roots
// (server/roots.ts) when it is given them. Refuses huge files instead of loading them (a .cellspec
// file is a text plan, never gigabytes).
import * as fs from 'fs';
import { URI } from 'vscode-uri';
import { FileSystem } from './engine/workspace';
import { confine, outsideMessage, Roots } from './roots';

const MAX_SPEC_BYTES = 64 * 1024 * 1024;

export const nodeFileSystem: FileSystem = {
  readFile(uri: string): string | undefined {
    try {
      const path = URI.parse(uri).fsPath;
      const st = fs.statSync(path);
      if (!st.isFile() || st.size > MAX_SPEC_BYTES) return undefined;
      return fs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Reads only files whose real path lies inside the roots; says why it refuses one. */
export function confinedFileSystem(roots: () => Roots): FileSystem {
  const denied = (uri: string): string | undefined => {
    if (!uri.startsWith('file:')) return `only files on disk can be imported, not '${uri.replace(/:.*$/, ':')}' addresses`;
    const at = confine(roots(), URI.parse(uri).fsPath);
    return !at.ok && at.why === 'outside' ? outsideMessage(roots(), URI.parse(uri).fsPath) : undefined;
  };
  return {
    readFile: (uri) => (denied(uri) ? undefined : nodeFileSystem.readFile(uri)),
    denied,
  };
}

export function fileUri(path: string): string {
  return URI.file(require('path').resolve(path)).toString();
}

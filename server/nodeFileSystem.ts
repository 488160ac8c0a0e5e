// The engine's FileSystem on Node: reads file: URIs from disk, only inside the allowed roots
// (server/roots.ts) when it is given them. Refuses huge files instead of loading them (a .cellspec
// file is a text plan, never gigabytes).
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { DirectoryEntry, FileSystem } from './engine/workspace';
import { confine, outsideMessage, Roots } from './roots';

const MAX_SPEC_BYTES = 64 * 1024 * 1024;
/** Entries a folder listing returns (path completion): a data folder with more wants a glob. */
export const MAX_LISTED_ENTRIES = 2000;

/** A folder's entries, symlinks resolved to what they point at (broken ones left out). */
function listDirectory(uri: string, keep: (full: string) => boolean = () => true): DirectoryEntry[] | undefined {
  let dirents: fs.Dirent[];
  const dir = URI.parse(uri).fsPath;
  try { dirents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return undefined; }
  const out: DirectoryEntry[] = [];
  for (const d of dirents) {
    if (out.length >= MAX_LISTED_ENTRIES) break;
    const full = path.join(dir, d.name);
    let directory = d.isDirectory();
    if (d.isSymbolicLink()) {
      if (!keep(full)) continue;
      try { directory = fs.statSync(full).isDirectory(); } catch { continue; }
    } else if (!d.isFile() && !directory) continue;
    out.push({ name: d.name, directory });
  }
  return out;
}

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
  listDirectory: (uri) => listDirectory(uri),
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
    // A folder outside the roots is not listed; inside it, a link that leads out is left out.
    listDirectory: (uri) => {
      if (!uri.startsWith('file:') || !confine(roots(), URI.parse(uri).fsPath).ok) return undefined;
      return listDirectory(uri, (full) => confine(roots(), full).ok);
    },
  };
}

export function fileUri(p: string): string {
  return URI.file(path.resolve(p)).toString();
}

// The folders cellspec may read: the workspace folders (the language server) or the folder of the
// spec (the CLI), widened only by the user (the setting cellspec.allowedRoots, the flag --root).
// A path is inside when the file it leads to, after every symlink, lies under one of them: a link
// inside the workspace that points out of it is outside.
import * as fs from 'fs';
import * as path from 'path';

export interface Roots {
  /** The real (symlink-free) absolute paths of the allowed folders. */
  folders: string[];
  /** How the user widens them, for messages ("the setting cellspec.allowedRoots adds folders"). */
  widen: string;
}

/** The real path of a folder, or the resolved path when it does not exist (yet). */
function real(p: string): string {
  try { return fs.realpathSync.native(p); } catch { return path.resolve(p); }
}

export function makeRoots(folders: string[], widen: string): Roots {
  return { folders: [...new Set(folders.map(real))], widen };
}

export function isInside(roots: Roots, realPath: string): boolean {
  return roots.folders.some((f) => realPath === f || realPath.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
}

export type Confined = { ok: true; real: string } | { ok: false; why: 'missing' | 'outside' };

/** Where the path leads after symlinks, if it exists and is inside the roots. Reads nothing. */
export function confine(roots: Roots, p: string): Confined {
  let r: string;
  try { r = fs.realpathSync.native(p); } catch { return isInside(roots, path.resolve(p)) ? { ok: false, why: 'missing' } : { ok: false, why: 'outside' }; }
  return isInside(roots, r) ? { ok: true, real: r } : { ok: false, why: 'outside' };
}

/** The rule, in words, for a path that broke it. Quotes nothing from the file. */
export function outsideMessage(roots: Roots, shown: string): string {
  const list = roots.folders.length ? roots.folders.join(', ') : 'none';
  return `"${shown}" is outside the folders cellspec may read (${list}); ${roots.widen}`;
}

// The data files a run's `data "..."` names: one path, or a glob walked with bounds. The walk is
// asynchronous and checks the abort signal per folder (a newer request stops it), visits at most
// MAX_FOLDERS folders and returns at most MAX_MATCHES files, never follows a symlinked folder, and
// keeps only files whose real path lies inside the allowed roots. It reads no file's content.
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { confine, isInside, outsideMessage, Roots } from '../roots';

export const LIMITS = {
  /** Folders one glob may visit. */
  folders: 2000,
  /** Files one pattern may match; more is a mistake in the pattern, not a data set. */
  matches: 1000,
  /** Folder levels below the pattern's fixed part that `**` descends. */
  depth: 8,
};

export interface FoundFiles {
  /** Absolute paths, sorted naturally (eis-2 before eis-10). */
  files: string[];
  /** Why nothing (or not everything) was found, in words; errors when nothing can be read. */
  problems: { message: string; severity: 'error' | 'warning' }[];
}

const GLOB_CHARS = /[*?[\]{}()!]/;

export async function findDataFiles(baseDir: string, pattern: string, roots: Roots, signal?: AbortSignal): Promise<FoundFiles> {
  const normalized = pattern.replace(/\\/g, '/');
  if (!GLOB_CHARS.test(normalized)) return findOne(path.resolve(baseDir, pattern), pattern, roots);
  const abs = path.isAbsolute(normalized) ? normalized : path.posix.join(baseDir.replace(/\\/g, '/'), normalized);
  const segments = abs.split('/');
  const firstDynamic = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = segments.slice(0, firstDynamic).join('/') || '/';
  const rest = segments.slice(firstDynamic);
  const at = confine(roots, base);
  if (!at.ok) {
    return { files: [], problems: [at.why === 'outside'
      ? { message: outsideMessage(roots, pattern), severity: 'error' }
      : { message: `no data file matches "${pattern}": the folder ${path.relative(baseDir, base) || base} does not exist`, severity: 'error' }] };
  }
  const depth = rest.includes('**') ? LIMITS.depth + rest.length : rest.length;
  const match = picomatch(rest.join('/'), { dot: false });
  const walk = await walkBounded(at.real, depth, match, roots, signal);
  const files = walk.files.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const problems: FoundFiles['problems'] = [];
  if (walk.stoppedAtFolders) problems.push({ message: `"${pattern}" stopped after visiting ${LIMITS.folders} folders: narrow the pattern`, severity: 'warning' });
  if (walk.stoppedAtMatches) problems.push({ message: `"${pattern}" matches more than ${LIMITS.matches} files; only the first ${LIMITS.matches} found are read`, severity: 'warning' });
  if (walk.linksOut) problems.push({ message: `${walk.linksOut} match${walk.linksOut === 1 ? '' : 'es'} of "${pattern}" lead${walk.linksOut === 1 ? 's' : ''} outside the folders cellspec may read and ${walk.linksOut === 1 ? 'is' : 'are'} left out; ${roots.widen}`, severity: 'warning' });
  if (!files.length) problems.push({ message: `no data file matches "${pattern}"`, severity: 'error' });
  return { files, problems };
}

/** A single path: it must exist, be a regular file (after symlinks) and lie inside the roots. */
function findOne(abs: string, pattern: string, roots: Roots): FoundFiles {
  const at = confine(roots, abs);
  if (!at.ok) {
    return { files: [], problems: [{ message: at.why === 'outside' ? outsideMessage(roots, pattern) : `no data file matches "${pattern}": no such file`, severity: 'error' }] };
  }
  let st: fs.Stats;
  try { st = fs.statSync(at.real); } catch (e) {
    return { files: [], problems: [{ message: `no data file matches "${pattern}": ${(e as NodeJS.ErrnoException).code ?? 'cannot stat it'}`, severity: 'error' }] };
  }
  if (st.isFile()) return { files: [abs], problems: [] };
  const what = st.isDirectory() ? 'a folder (give a file, or a glob such as "folder/*.mpt")' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  return { files: [], problems: [{ message: `"${pattern}" is ${what}, not a data file`, severity: 'error' }] };
}

export interface Walk { files: string[]; stoppedAtFolders: boolean; stoppedAtMatches: boolean; linksOut: number }

/**
 * The files under a folder (real path, inside the roots) whose path relative to it `match`es,
 * walked like a glob's `**` (same folder and depth bounds; hidden entries and symlinked folders
 * skipped) but with a caller's match limit: `cellspec convert` takes whole archives.
 */
export function walkFolder(folder: string, roots: Roots, match: (rel: string) => boolean, maxMatches: number, signal?: AbortSignal): Promise<Walk> {
  return walkBounded(folder, LIMITS.depth + 1, match, roots, signal, maxMatches);
}

async function walkBounded(root: string, maxDepth: number, match: (rel: string) => boolean, roots: Roots, signal?: AbortSignal, maxMatches = LIMITS.matches): Promise<Walk> {
  const out: Walk = { files: [], stoppedAtFolders: false, stoppedAtMatches: false, linksOut: 0 };
  const queue: { dir: string; rel: string; depth: number }[] = [{ dir: root, rel: '', depth: 0 }];
  let visited = 0;
  while (queue.length) {
    signal?.throwIfAborted();
    if (visited >= LIMITS.folders) { out.stoppedAtFolders = true; break; }
    const { dir, rel, depth } = queue.shift()!;
    visited++;
    let entries: fs.Dirent[];
    try { entries = await fs.promises.readdir(dir, { withFileTypes: true }); } catch { continue; }
    entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth + 1 < maxDepth) queue.push({ dir: full, rel: relPath, depth: depth + 1 });
        continue;
      }
      if (!match(relPath)) continue;
      if (e.isSymbolicLink()) {
        // A link is read only when what it points at is a file inside the roots (folders are never followed).
        let target: string;
        try { target = fs.realpathSync.native(full); } catch { continue; }
        if (!isInside(roots, target)) { out.linksOut++; continue; }
        try { if (!fs.statSync(target).isFile()) continue; } catch { continue; }
      } else if (!e.isFile()) continue;
      if (out.files.length >= maxMatches) { out.stoppedAtMatches = true; return out; }
      out.files.push(full);
    }
  }
  return out;
}

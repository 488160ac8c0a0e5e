// Which specs `cellspec analyze` reads: files as named, folders walked for .cellspec files (the
// bounds of results/findFiles.ts: hidden entries and symlinks leading out left out).
import * as fs from 'fs';
import * as path from 'path';
import { walkFolder } from '../results/findFiles';
import { makeRoots } from '../roots';

/** Specs one folder may hold: a lab's archive, not a run's glob. */
export const MAX_SPECS_PER_FOLDER = 100_000;

export interface SpecList {
  specs: string[];
  /** Operands that name no spec (missing, or a folder without one): said, and exit 2. */
  problems: { file: string; message: string }[];
  warnings: { file: string; message: string }[];
}

export async function specFiles(args: string[], extraRoots: string[]): Promise<SpecList> {
  const list: SpecList = { specs: [], problems: [], warnings: [] };
  for (const arg of args) {
    let st: fs.Stats;
    try { st = fs.statSync(arg); } catch { list.specs.push(arg); continue; } // the engine says it cannot read it
    if (!st.isDirectory()) { list.specs.push(arg); continue; }
    const real = fs.realpathSync.native(arg);
    const walk = await walkFolder(real, makeRoots([real, ...extraRoots], 'pass --root DIR to allow another folder'), (rel) => rel.endsWith('.cellspec'), MAX_SPECS_PER_FOLDER);
    if (walk.stoppedAtFolders) list.warnings.push({ file: arg, message: 'stopped after visiting 2000 folders: analyze its subfolders one by one' });
    if (walk.stoppedAtMatches) list.warnings.push({ file: arg, message: `holds more than ${MAX_SPECS_PER_FOLDER} specs; only the first are analysed` });
    if (walk.linksOut) list.warnings.push({ file: arg, message: `${walk.linksOut} symlink(s) lead outside the folder and are left out; pass --root DIR to allow their target` });
    if (!walk.files.length) list.problems.push({ file: arg, message: 'a folder without .cellspec files' });
    const found = walk.files.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    list.specs.push(...found.map((f) => path.join(arg, path.relative(real, f))));
  }
  return list;
}

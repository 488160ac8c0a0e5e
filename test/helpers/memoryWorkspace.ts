// In-memory files for engine tests: a FileSystem over a map of uri -> text (folders listed from
// the paths), a one-call analysis of file:///w/main.cellspec (with or without the shipped standard
// library), and ⟦ ⟧ markers that name the range a test expects.
import { SpecAnalysis, analyzeSpec } from '../../server/engine/specAnalysis';
import { SpecOptions } from '../../server/engine/scope';
import { Diagnostic } from '../../server/engine/syntax';
import { DirectoryEntry, FileSystem, LibraryFile, Workspace } from '../../server/engine/workspace';
import { shippedLibrary } from '../../server/library/shipped';

export const ROOT = 'file:///w/';
export const MAIN_URI = ROOT + 'main.cellspec';

/** "study.cellspec" -> "file:///w/study.cellspec"; full uris pass through. */
export function uriOf(name: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(name) ? name : ROOT + name;
}

/** A FileSystem whose files live in a map (uri -> text). Names without a scheme go under file:///w/. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();
  constructor(files: Record<string, string> = {}) {
    for (const [name, text] of Object.entries(files)) this.files.set(uriOf(name), text);
  }
  set(name: string, text: string): this { this.files.set(uriOf(name), text); return this; }
  readFile(uri: string): string | undefined { return this.files.get(uri); }
  /** The folder's children: files directly in it, and folders holding any file below it. */
  listDirectory(uri: string): DirectoryEntry[] | undefined {
    const prefix = uri.endsWith('/') ? uri : uri + '/';
    const entries = new Map<string, boolean>();
    for (const f of this.files.keys()) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const slash = rest.indexOf('/');
      entries.set(decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash)), slash >= 0);
    }
    return entries.size ? [...entries].map(([name, directory]) => ({ name, directory })) : undefined;
  }
}

/** The standard library as the server and the CLI ship it (server/library). */
export const LIBRARY: LibraryFile[] = shippedLibrary();

export interface Setup { /** Give the workspace the shipped standard library, as the server and the CLI do. */ library?: boolean }

export function memoryWorkspace(files: Record<string, string> = {}, setup: Setup = {}): { fs: MemoryFileSystem; ws: Workspace } {
  const fs = new MemoryFileSystem(files);
  return { fs, ws: new Workspace(fs, setup.library ? LIBRARY : []) };
}

/**
 * Analyses `text` as file:///w/main.cellspec, with `extraFiles` (name or uri -> text) beside it.
 * Throws if the engine returns no analysis, so tests can use the result directly.
 */
export function analyzeText(text: string, extraFiles: Record<string, string> = {}, options: SpecOptions = {}, setup: Setup = {}): SpecAnalysis {
  const { ws } = memoryWorkspace({ ...extraFiles, [MAIN_URI]: text }, setup);
  const a = analyzeSpec(ws, MAIN_URI, options);
  if (!a) throw new Error('analyze returned undefined for ' + MAIN_URI);
  return a;
}

export const OPEN = '⟦';
export const CLOSE = '⟧';

export interface Marked {
  /** The text without the markers. */
  text: string;
  /** [start, end) of the first ⟦ ⟧ pair, in offsets of `text`. */
  start: number;
  end: number;
  /** Every ⟦ ⟧ pair, in order of their opening marker. */
  ranges: { start: number; end: number }[];
}

/**
 * `cell x ⟦symetric⟧ { }` -> the text without markers and the offsets of what was between them.
 * Several pairs are allowed (not nested); a document without markers gives start = end = -1.
 */
export function marked(src: string): Marked {
  let text = '';
  const ranges: { start: number; end: number }[] = [];
  let open = -1;
  for (const ch of src) {
    if (ch === OPEN) {
      if (open >= 0) throw new Error('nested ⟦ in test source');
      open = text.length;
    } else if (ch === CLOSE) {
      if (open < 0) throw new Error('⟧ without ⟦ in test source');
      ranges.push({ start: open, end: text.length });
      open = -1;
    } else text += ch;
  }
  if (open >= 0) throw new Error('⟦ without ⟧ in test source');
  return { text, start: ranges[0]?.start ?? -1, end: ranges[0]?.end ?? -1, ranges };
}

/** A diagnostic in a readable one-line form, for assertion messages. */
export function show(d: Diagnostic, text?: string): string {
  const src = text === undefined ? '' : ` "${text.slice(d.start, d.end)}"`;
  return `${d.severity} ${d.code} [${d.start},${d.end})${src}: ${d.message}`;
}

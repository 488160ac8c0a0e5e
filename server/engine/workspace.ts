// The set of .cellspec files the engine knows: open documents (with their editor text) over the
// standard library the host ships (server/library) over files on disk. Each file is parsed once per
// version; analysis of one file resolves its imports and sees the library below them.
import { URI, Utils } from 'vscode-uri';
import { Decl } from './model';
import { FileChange, parseFile, reparseFile, retire, Segment } from './reparse';
import { Diagnostic, SyntaxTree } from './syntax';
import { LineIndex } from './text';

/** File access, kept behind an interface so the engine runs in tests without a disk. */
export interface FileSystem {
  readFile(uri: string): string | undefined;
  /** Why a file may not be read at all (outside the allowed folders), if it may not. */
  denied?(uri: string): string | undefined;
  /** The entries of a folder (for path completion); undefined when it cannot or may not be listed. */
  listDirectory?(uri: string): DirectoryEntry[] | undefined;
}

export interface DirectoryEntry { name: string; directory: boolean }

/** A file the host ships with the engine (the standard library): always readable, never edited. */
export interface LibraryFile { uri: string; text: string }

export interface ParsedFile {
  uri: string;
  version: number | string;
  text: string;
  tree: SyntaxTree;
  decls: Decl[];
  /** Syntax and shape diagnostics of this file alone. */
  diagnostics: Diagnostic[];
  lines: LineIndex;
  /** Where the declarations start lines, with their diagnostics: what an edit re-reads (reparse.ts). */
  segments?: Segment[];
  /** Set when this version was made from the previous one by an edit (reparse.ts). */
  change?: FileChange;
}

export class Workspace {
  private open = new Map<string, { text: string; version: number }>();
  private cache = new Map<string, ParsedFile>();
  /** Files on disk the engine has seen (imports, workspace scans). */
  private known = new Set<string>();

  /** The standard library's files by URI: below every spec's own declarations and imports. */
  private library = new Map<string, string>();

  constructor(private fs: FileSystem, library: LibraryFile[] = []) {
    this.setLibrary(library);
  }

  /** Replaces the library (the server learns at start-up under which URIs its client shows it). */
  setLibrary(library: LibraryFile[]) {
    for (const uri of this.library.keys()) this.cache.delete(uri);
    this.library = new Map(library.map((f) => [f.uri, f.text]));
  }

  /** The parsed standard library, in the order it was given. */
  libraryFiles(): ParsedFile[] {
    return [...this.library.keys()].map((uri) => this.get(uri)).filter((f): f is ParsedFile => !!f);
  }

  isLibrary(uri: string): boolean { return this.library.has(uri); }

  /** The entries of a folder, as the file system lists them (none when it cannot list). */
  listDirectory(uri: string): DirectoryEntry[] | undefined {
    return this.fs.listDirectory?.(uri);
  }

  setDocument(uri: string, text: string, version: number) {
    this.open.set(uri, { text, version });
    if (!this.library.has(uri)) this.known.add(uri);
  }

  closeDocument(uri: string) {
    this.open.delete(uri);
    this.forget(uri);
  }

  /** A file on disk changed or appeared: forget its cached parse. */
  fileChanged(uri: string) {
    this.forget(uri);
    this.known.add(uri);
  }

  fileDeleted(uri: string) {
    this.forget(uri);
    if (!this.open.has(uri)) this.known.delete(uri);
  }

  /** Drops a file's parse; results kept against its declarations go with it. */
  private forget(uri: string) {
    const cached = this.cache.get(uri);
    if (cached) retire(cached);
    this.cache.delete(uri);
  }

  addKnownFile(uri: string) { this.known.add(uri); }

  knownFiles(): string[] { return [...this.known]; }

  /** Why a file that is not open may not be read (the file system's rule), if it may not. */
  denied(uri: string): string | undefined {
    return this.open.has(uri) || this.library.has(uri) ? undefined : this.fs.denied?.(uri);
  }

  get(uri: string): ParsedFile | undefined {
    const doc = this.open.get(uri);
    let text: string | undefined;
    let version: number | string;
    const shipped = this.library.get(uri);
    if (doc) { text = doc.text; version = doc.version; } else if (shipped !== undefined) { text = shipped; version = 'library'; } else {
      text = this.fs.readFile(uri);
      if (text === undefined) return undefined;
      // Disk files are keyed by content: cheap to compare, and always right.
      version = 'disk:' + text.length + ':' + hash(text);
    }
    const cached = this.cache.get(uri);
    if (cached && cached.version === version) return cached;
    // An edited document re-reads the declarations the edit touched; anything else is read whole.
    let file = cached && doc ? reparseFile(cached, version, text) : undefined;
    if (!file) {
      if (cached) retire(cached);
      file = parseFile(uri, version, text);
    }
    this.cache.set(uri, file);
    // The library is no file of the user's: references and rename do not walk it.
    if (shipped === undefined) this.known.add(uri);
    return file;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function resolveImport(fromUri: string, path: string): string {
  // A path no URI can hold (a lone surrogate, say) names no file.
  if (LONE_SURROGATE.test(path)) return 'invalid:' + path.replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  if (path.startsWith('/')) return URI.file(path).toString();
  return Utils.joinPath(Utils.dirname(URI.parse(fromUri)), path).toString();
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

// Path completion inside a run's `data "..."`: the folders and the instrument files (by the
// extensions the readers read) of the folder typed so far, relative to the spec. The listing comes
// from the Workspace's FileSystem, which lists nothing outside the folders cellspec may read.
import { URI, Utils } from 'vscode-uri';
import { Token } from '../engine/lexer';
import { DirectoryEntry } from '../engine/workspace';
import { DATA_EXTENSIONS } from '../domain/dataFiles';
import type { CompletionItem } from './completion';

/** Lists a folder by URI (Workspace.listDirectory); undefined when it cannot or may not be listed. */
export type ListDirectory = (uri: string) => DirectoryEntry[] | undefined;

/** A string token (or an unterminated one) that the offset is inside, past its opening quote. */
export function insideString(tok: Token | undefined, offset: number): boolean {
  if (!tok || offset <= tok.start) return false;
  if (tok.kind === 'string') return offset < tok.end;
  return tok.kind === 'error' && tok.text.startsWith('"');
}

const GLOB = /[*?[\]{}()!]/;

/** What the folder typed so far holds, for the part of the path after its last '/'. */
export function dataPathCompletions(specUri: string, typed: string, offset: number, list: ListDirectory): CompletionItem[] {
  const slash = typed.lastIndexOf('/');
  const folder = typed.slice(0, slash + 1);
  const prefix = typed.slice(slash + 1);
  // Inside a glob's fixed part only; escapes or a pattern leave nothing to list.
  if (GLOB.test(folder) || typed.includes('\\')) return [];
  const spec = URI.parse(specUri);
  if (spec.scheme !== 'file') return [];
  const dir = folder.startsWith('/') ? URI.file(folder) : Utils.joinPath(Utils.dirname(spec), folder);
  const entries = list(dir.toString());
  if (!entries) return [];
  const hidden = prefix.startsWith('.');
  const range = { start: offset - prefix.length, end: offset };
  return entries
    .filter((e) => (hidden || !e.name.startsWith('.')) && (e.directory || DATA_EXTENSIONS.test(e.name)) && !/["\\]/.test(e.name))
    .sort((x, y) => Number(y.directory) - Number(x.directory) || x.name.localeCompare(y.name, undefined, { numeric: true }))
    .map((e, i): CompletionItem => e.directory
      ? { label: e.name + '/', kind: 'folder', insertText: e.name + '/', range, sortText: String(i).padStart(5, '0'), retrigger: true }
      : { label: e.name, kind: 'file', insertText: e.name, range, sortText: String(i).padStart(5, '0') });
}

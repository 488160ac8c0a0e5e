// What a spec can see: the declarations visible by namespace, the references between them. Types
// only (plus two small helpers), so the checks and the derived values can use them without
// importing the analysis that builds them.
import { Decl, Ref } from './model';
import { ParsedFile } from './workspace';

export type Namespace = 'layer' | 'cell' | 'protocol';

export interface Reference extends Ref {
  uri: string;
  ns: Namespace;
  target?: Decl;
}

export interface Scope {
  /** Visible declarations by namespace and name; the first one wins. */
  layer: Map<string, Decl>;
  cell: Map<string, Decl>;
  protocol: Map<string, Decl>;
  study?: Decl;
  /** Every file reached: this one and its imports, transitively. */
  files: ParsedFile[];
  /** The standard library's files: seen below this file's declarations and its imports. */
  library: ParsedFile[];
  /** A declaration of the spec (or an import) that hides the library's one of the same name: that one. */
  overrides: Map<Decl, Decl>;
}

/** Whether a declaration is the standard library's (not the user's to edit). */
export function isLibraryDecl(scope: Scope, d: Decl): boolean {
  return scope.library.some((f) => f.uri === d.uri);
}

export interface SpecOptions { plausibility?: boolean }

export function namespaceOf(d: Decl): Namespace | undefined {
  switch (d.keyword) {
    case 'material': case 'composite': return 'layer';
    case 'cell': return 'cell';
    case 'protocol': return 'protocol';
    default: return undefined;
  }
}

export function baseName(uri: string): string {
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  try { return decodeURIComponent(last); } catch { return last; }
}

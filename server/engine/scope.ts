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

// The scope of one file's analysis, kept from one version to the next: an edit re-binds only the
// names of the declarations it removed and added (reparse.ts's FileChange), instead of walking
// every declaration of the file, and says which names changed meaning (what declResults.ts must
// compute again). What it builds equals a scope built from scratch (the former buildScope, kept as test/helpers/referenceScope.ts): the same winners (the
// root file first, then its imports, the library below), the same duplicate-name diagnostics in
// the same order, and the maps iterate in the same order (completion lists them).
import { Decl } from './model';
import { baseName, namespaceOf, Namespace, Scope } from './scope';
import { Diagnostic } from './syntax';
import type { ParsedFile } from './workspace';

const NAMESPACES: Namespace[] = ['layer', 'cell', 'protocol'];

/** A scope lookup that an edit changed: (field, key) as declResults records reads ('' for a plain field). */
export type ChangedReads = unknown[];

/**
 * A scope map that is put back in whole-build order before it is iterated, after an edit made
 * its native order differ (a name added at the end, a winner that moved): lookups stay native.
 */
class ScopeMap extends Map<string, Decl> {
  unordered = false;
  reorder?: () => [string, Decl][];
  private ordered() {
    if (this.unordered && this.reorder) {
      this.unordered = false;
      const entries = this.reorder();
      super.clear();
      for (const [k, v] of entries) super.set(k, v);
    }
  }
  keys() { this.ordered(); return super.keys(); }
  values() { this.ordered(); return super.values(); }
  entries() { this.ordered(); return super.entries(); }
  forEach(f: (v: Decl, k: string, m: Map<string, Decl>) => void, thisArg?: unknown) { this.ordered(); super.forEach(f, thisArg); }
  [Symbol.iterator]() { this.ordered(); return super[Symbol.iterator](); }
}

/** A cell and its replicates, in the order a whole build visits them. */
function withReplicates(decls: Decl[]): Decl[] {
  const out: Decl[] = [];
  for (const x of decls) { out.push(x); if (x.replicates) for (const r of x.replicates) out.push(r); }
  return out;
}

/** Text order of the root file's entries: a replicate comes right after its build, in its order. */
function rank(a: Decl, b: Decl): number {
  return a.syntax.start - b.syntax.start || subIndex(a) - subIndex(b);
}
const subIndex = (d: Decl) => (d.build ? d.build.replicates!.indexOf(d) + 1 : 0);

const keyOf = (ns: Namespace, name: string) => ns + '\u0000' + name;
/** The key of a named declaration of a namespace; undefined for the study and unnamed ones. */
function declKey(d: Decl): string | undefined {
  const ns = namespaceOf(d);
  return ns && d.name ? keyOf(ns, d.name.name) : undefined;
}

export class ScopeIndex {
  readonly scope: Scope;
  /** The root file's entries by namespace and name, in text order (more than one: duplicates). */
  private own = new Map<string, Decl[]>();
  private studies: Decl[] = [];
  /** Keys the root declares more than once. */
  private duplicated = new Set<string>();
  /** The imports' entries by key, in the order a whole build visits them, with that order's index. */
  private imported = new Map<string, { d: Decl; index: number }[]>();
  private importedStudy?: Decl;
  /** The library's entries by key, in order. */
  private libraryEntries = new Map<string, Decl[]>();

  private constructor(private root: ParsedFile, private imports: ParsedFile[], private library: ParsedFile[], files: ParsedFile[]) {
    this.scope = { layer: new ScopeMap(), cell: new ScopeMap(), protocol: new ScopeMap(), files, library, overrides: new Map() };
    for (const ns of NAMESPACES) (this.scope[ns] as ScopeMap).reorder = () => this.orderOf(ns);
  }

  /** A scope built whole: `files` (the root and its imports, transitively), the library below. */
  static build(files: ParsedFile[], root: ParsedFile, library: ParsedFile[]): ScopeIndex {
    const imports = files.filter((f) => f !== root);
    const x = new ScopeIndex(root, imports, library, files);
    for (const d of withReplicates(root.decls)) x.addOwn(d);
    let index = 0;
    for (const f of imports) {
      for (const d of withReplicates(f.decls)) {
        if (d.keyword === 'study') { x.importedStudy ??= d; continue; }
        const k = declKey(d);
        if (k === undefined) continue;
        let list = x.imported.get(k);
        if (!list) x.imported.set(k, (list = []));
        list.push({ d, index: index++ });
      }
    }
    for (const f of library) {
      for (const d of f.decls) {
        const k = declKey(d);
        if (k === undefined) continue;
        let list = x.libraryEntries.get(k);
        if (!list) x.libraryEntries.set(k, (list = []));
        list.push(d);
      }
    }
    for (const ns of NAMESPACES) for (const [name, d] of x.orderOf(ns)) x.bind(ns, keyOf(ns, name), d);
    x.scope.study = x.studies[0] ?? x.importedStudy;
    return x;
  }

  /**
   * This scope moved to `file`, the next version of its root, when the imports and the library
   * are the same files as before: the names the change removed and added are bound again. Returns
   * the lookups whose answer changed, or undefined when it cannot follow (then build afresh).
   */
  follow(file: ParsedFile, files: ParsedFile[], library: ParsedFile[]): ChangedReads | undefined {
    const imports = files.filter((f) => f !== file);
    if (imports.length !== this.imports.length || imports.some((f, i) => f !== this.imports[i])) return undefined;
    if (library.length !== this.library.length || library.some((f, i) => f !== this.library[i])) return undefined;
    const change = file.change;
    if (file !== this.root && change?.previous !== this.root) return undefined;
    this.scope.files = files;
    this.scope.library = library;
    if (file === this.root || !change) return [];
    this.root = file;
    const removed = withReplicates(change.removed), added = withReplicates(change.added);
    const keys = new Set<string>();
    const before = new Map<string, Decl | undefined>();
    const note = (d: Decl) => {
      const ns = d.keyword === 'study' ? undefined : namespaceOf(d);
      if (!ns || !d.name) return;
      const k = keyOf(ns, d.name.name);
      if (!keys.has(k)) { keys.add(k); before.set(k, this.scope[ns].get(d.name.name)); }
    };
    removed.forEach(note);
    added.forEach(note);
    for (const d of removed) this.removeOwn(d);
    for (const d of added) this.addOwn(d);
    const changed: ChangedReads = [];
    const study = this.studies[0] ?? this.importedStudy;
    if (study !== this.scope.study) { this.scope.study = study; changed.push('study', ''); }
    // Replaced in place (a winner among the removed became one among the added) keeps the maps'
    // order when the names come in the same order; anything else puts them back in order on iteration.
    const inPlace: Record<Namespace, [Decl, Decl, string][]> = { layer: [], cell: [], protocol: [] };
    for (const k of keys) {
      const cut = k.indexOf('\u0000');
      const ns = k.slice(0, cut) as Namespace, name = k.slice(cut + 1);
      const old = before.get(k), now = this.winner(k);
      const map = this.scope[ns] as ScopeMap;
      if (old !== now) {
        changed.push(ns, name);
        if (old && now && removed.includes(old) && added.includes(now)) inPlace[ns].push([old, now, name]);
        else map.unordered = true;
      }
      const hidden = old && this.scope.overrides.get(old);
      if (old !== now && hidden) { this.scope.overrides.delete(old); changed.push('overrides', old); }
      if (now) this.bind(ns, k, now, changed);
      else map.delete(name);
    }
    for (const ns of NAMESPACES) {
      const list = inPlace[ns];
      if (list.length < 2) continue;
      const oldOrder = [...list].sort((a, b) => removed.indexOf(a[0]) - removed.indexOf(b[0])).map((x) => x[2]);
      const newOrder = [...list].sort((a, b) => added.indexOf(a[1]) - added.indexOf(b[1])).map((x) => x[2]);
      if (oldOrder.some((n, i) => n !== newOrder[i])) (this.scope[ns] as ScopeMap).unordered = true;
    }
    return changed;
  }

  /** The duplicate-name diagnostics a whole build reports, in its order: the root's, then those against its imports. */
  diagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const late: Decl[] = this.studies.slice(1);
    for (const k of this.duplicated) late.push(...this.own.get(k)!.slice(1));
    late.sort(rank);
    const first = this.studies[0];
    for (const d of late) {
      if (d.keyword === 'study') {
        out.push({ start: d.syntax.keyword.start, end: d.syntax.keyword.end, severity: 'error', code: 'duplicate-name', message: 'only one study block is allowed',
          related: [{ uri: first.uri, start: first.syntax.start, end: first.syntax.keyword.end, message: 'the first study block' }] });
        continue;
      }
      const prev = this.own.get(keyOf(namespaceOf(d)!, d.name!.name))![0];
      out.push({ start: d.name!.start, end: d.name!.end, severity: 'error', code: 'duplicate-name',
        message: `'${d.name!.name}' is already declared${prev.uri === this.root.uri ? '' : ' in ' + baseName(prev.uri)}`,
        related: [{ uri: prev.uri, start: prev.name!.start, end: prev.name!.end, message: `the first '${d.name!.name}'` }] });
    }
    const shadowed: { d: Decl; index: number; mine: Decl }[] = [];
    if (this.imported.size) {
      // Over the smaller side: the root's names or the imports'.
      if (this.own.size <= this.imported.size) {
        for (const [k, mine] of this.own) for (const e of this.imported.get(k) ?? []) shadowed.push({ ...e, mine: mine[0] });
      } else {
        for (const [k, list] of this.imported) { const mine = this.own.get(k); if (mine) for (const e of list) shadowed.push({ ...e, mine: mine[0] }); }
      }
    }
    shadowed.sort((a, b) => a.index - b.index);
    for (const { d, mine } of shadowed) {
      out.push({ start: mine.name!.start, end: mine.name!.end, severity: 'error', code: 'duplicate-name',
        message: `'${d.name!.name}' is already declared in ${baseName(d.uri)}`,
        related: [{ uri: d.uri, start: d.name!.start, end: d.name!.end, message: `'${d.name!.name}' in ${baseName(d.uri)}` }] });
    }
    return out;
  }

  private addOwn(d: Decl) {
    if (d.keyword === 'study') { insertInOrder(this.studies, d); return; }
    const k = declKey(d);
    if (k === undefined) return;
    let list = this.own.get(k);
    if (!list) this.own.set(k, (list = []));
    insertInOrder(list, d);
    if (list.length > 1) this.duplicated.add(k);
  }

  private removeOwn(d: Decl) {
    if (d.keyword === 'study') { remove(this.studies, d); return; }
    const k = declKey(d);
    if (k === undefined) return;
    const list = this.own.get(k);
    if (!list) return;
    remove(list, d);
    if (list.length < 2) this.duplicated.delete(k);
    if (!list.length) this.own.delete(k);
  }

  private winner(k: string): Decl | undefined {
    return this.own.get(k)?.[0] ?? this.imported.get(k)?.[0].d ?? this.libraryEntries.get(k)?.[0];
  }

  /** Sets the winner of a key and what of the library it hides (the last library entry, as a whole build leaves it). */
  private bind(ns: Namespace, k: string, d: Decl, changed?: ChangedReads) {
    this.scope[ns].set(k.slice(k.indexOf('\u0000') + 1), d);
    const lib = this.libraryEntries.get(k);
    if (!lib || this.library.some((l) => l.uri === d.uri)) return;
    const hidden = lib[lib.length - 1];
    if (this.scope.overrides.get(d) !== hidden) {
      this.scope.overrides.set(d, hidden);
      changed?.push('overrides', d);
    }
  }

  /** A namespace's entries in the order a whole build inserts them: the root's, the imports', the library's. */
  private orderOf(ns: Namespace): [string, Decl][] {
    const out: [string, Decl][] = [];
    const seen = new Set<string>();
    const add = (d: Decl) => {
      if (namespaceOf(d) !== ns || !d.name) return;
      const k = keyOf(ns, d.name.name);
      if (seen.has(k)) return;
      seen.add(k);
      out.push([k, d]);
    };
    for (const d of withReplicates(this.root.decls)) add(d);
    for (const f of this.imports) for (const d of withReplicates(f.decls)) add(d);
    for (const f of this.library) for (const d of f.decls) add(d);
    return out.map(([k, d]) => [k.slice(k.indexOf('\u0000') + 1), this.winner(k) ?? d]);
  }
}

function insertInOrder(list: Decl[], d: Decl) {
  let i = list.length;
  while (i > 0 && rank(list[i - 1], d) > 0) i--;
  list.splice(i, 0, d);
}

function remove(list: Decl[], d: Decl) {
  const i = list.indexOf(d);
  if (i >= 0) list.splice(i, 1);
}

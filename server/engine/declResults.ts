// The checks and derived values of each declaration of a file, kept from one version to the
// next. A declaration an edit did not touch is the same object in the next version (reparse.ts),
// so its results are kept, with what they were computed from: every name they looked up in the
// scope. An edit re-computes the declarations it replaced and those that read a name whose
// meaning changed (an index from names to their readers finds them); the results of the others
// move with their declaration. A rule that reads more than names (a whole map of the scope, the
// file's declarations) marks its declaration as computed again every time. Nothing here knows a
// rule: check.ts and compute.ts are called as they are, one declaration at a time.
import { check } from './check';
import { declarationDerived, Derived } from './compute';
import { Decl, Ref } from './model';
import type { Namespace, Reference, Scope, SpecOptions } from './scope';
import { SuggestionBudget } from './suggest';
import { Diagnostic } from './syntax';
import type { ParsedFile } from './workspace';

/** Lookups of the scope, as pairs: a map field and a name (layer, Li), or a plain field and '' (study, ''). */
type Reads = string[];

interface Results {
  /** Where the declaration started when its places were made: they move by what it moved since. */
  base: number;
  /** Related places of its diagnostics in this file, each kept as an offset into the declaration holding it. */
  related: { place: { start: number; end: number }; home: Decl; offset: number; length: number }[];
  reads: Reads;
  /** Read something that cannot be followed: computed again on every analysis. */
  volatile: boolean;
  /** The suggestion budget its checks spent. */
  spent: number;
  diagnostics: Diagnostic[];
  /** The names it uses that the scope does not know (the file's reference check reports them). */
  unresolved: NameUse[];
  derived?: { values: Derived[]; seconds?: number; reads: Reads; volatile: boolean; base: number };
}

/** What one analysis passes: the file, its scope and options, the suggestion budget they share. */
export interface DeclContext {
  file: ParsedFile;
  scope: Scope;
  options: SpecOptions;
  budget: SuggestionBudget;
  /** The scope lookups an edit changed, when the scope followed it (scopeIndex.ts); else the scopes are compared. */
  changed?: unknown[];
}

/** The kept results of one file, for one version of it and one set of options. */
export class FileResults {
  private results = new Map<Decl, Results>();
  /** Which declarations read a name: what to compute again when its meaning changes. */
  private readers = new Map<string, Map<string, Set<Decl>>>();
  private volatile = new Set<Decl>();
  /** Which declarations' results point into a declaration (a related place): computed again when it is replaced. */
  private relatedReaders = new Map<Decl, Set<Decl>>();
  /** The suggestion budget the kept checks spent together: what a whole analysis would spend on them. */
  spent = 0;
  /** Made from the previous version's results (else every declaration was computed afresh). */
  followsPrevious = false;
  private ctx!: DeclContext;
  private views!: Views;

  private constructor(private options: string, private scope: Scope, private file: ParsedFile, private imports: ParsedFile[]) {}

  /**
   * The results for this analysis: the previous ones moved along the file's change when they
   * belong to the version it came from (same options, same imported files), else new ones.
   */
  static for(previous: FileResults | undefined, ctx: DeclContext): FileResults {
    const options = JSON.stringify(ctx.options);
    const imports = ctx.scope.files.filter((f) => f !== ctx.file);
    const change = ctx.file.change;
    const follows = previous && previous.options === options && (previous.file === ctx.file || change?.previous === previous.file)
      && previous.imports.length === imports.length && previous.imports.every((f, i) => f === imports[i]);
    if (!follows) {
      const fresh = new FileResults(options, ctx.scope, ctx.file, imports);
      fresh.begin(ctx);
      for (const d of ctx.file.decls) fresh.compute(d);
      return fresh;
    }
    previous.advance(ctx);
    previous.followsPrevious = true;
    return previous;
  }

  private begin(ctx: DeclContext) {
    this.ctx = ctx;
    this.views = viewPrototypes(ctx);
  }

  /** Moves the kept results along the edit and computes again what it reached. */
  private advance(ctx: DeclContext) {
    // The same version analysed again (another file changed): only the scope may differ.
    const change = this.file === ctx.file ? { oldEnd: 0, delta: 0, at: 0, removed: [], added: [] } : ctx.file.change!;
    const oldScope = this.scope;
    this.begin(ctx);
    this.file = ctx.file;
    this.scope = ctx.scope;
    // Nothing is moved here: a kept result moves with its declaration when it is read (settle).
    const again = new Set<Decl>(change.added);
    for (const d of change.removed) {
      this.drop(d);
      // Results whose related places lie in a declaration the edit replaced.
      for (const reader of this.relatedReaders.get(d) ?? []) again.add(reader);
      this.relatedReaders.delete(d);
    }
    const changed = (ctx.changed as Reads | undefined) ?? changedReads(oldScope, ctx.scope);
    for (let k = 0; k < changed.length; k += 2) {
      for (const d of this.readers.get(changed[k])?.get(changed[k + 1]) ?? []) again.add(d);
    }
    for (const d of this.volatile) again.add(d);
    // In file order, as a whole analysis would (they share the suggestion budget).
    for (const d of [...again].sort((a, b) => a.syntax.start - b.syntax.start)) if (this.holds(d)) this.compute(d);
  }

  private drop(d: Decl) {
    const r = this.results.get(d);
    if (!r) return;
    for (const reads of [r.reads, r.derived?.reads ?? []]) {
      for (let k = 0; k < reads.length; k += 2) this.readers.get(reads[k])?.get(reads[k + 1])?.delete(d);
    }
    for (const x of r.related) this.relatedReaders.get(x.home)?.delete(d);
    this.spent -= r.spent;
    this.results.delete(d);
    this.volatile.delete(d);
  }

  private compute(d: Decl) {
    this.drop(d);
    const rec = this.recorder();
    const diagnostics: Diagnostic[] = [];
    const left = this.ctx.budget.left;
    check(rec.file, rec.scope, [] as Reference[], diagnostics, this.ctx.options, { only: [d], budget: this.ctx.budget });
    const unresolved = namesOf(d).filter((u) => !rec.scope[u.ns].has(u.ref.name));
    const volatile = !rec.followed || !placesFollowed(d, diagnostics, this.ctx);
    const related: Results['related'] = [];
    if (!volatile) {
      for (const x of diagnostics) {
        for (const place of x.related ?? []) {
          if (place.uri !== this.ctx.file.uri) continue;
          const home = declAround(this.ctx.file, place)!;
          related.push({ place, home, offset: place.start - home.syntax.start, length: place.end - place.start });
          let readers = this.relatedReaders.get(home);
          if (!readers) this.relatedReaders.set(home, (readers = new Set()));
          readers.add(d);
        }
      }
    }
    const r: Results = { base: d.syntax.start, related, reads: rec.reads, volatile, spent: left - this.ctx.budget.left, diagnostics, unresolved };
    this.spent += r.spent;
    this.results.set(d, r);
    this.index(d, r.reads, r.volatile);
  }

  private index(d: Decl, reads: Reads, volatile: boolean) {
    if (volatile) this.volatile.add(d);
    for (let k = 0; k < reads.length; k += 2) {
      let byKey = this.readers.get(reads[k]);
      if (!byKey) this.readers.set(reads[k], (byKey = new Map()));
      let set = byKey.get(reads[k + 1]);
      if (!set) byKey.set(reads[k + 1], (set = new Set()));
      set.add(d);
    }
  }

  /** The diagnostics of the rules of one declaration and the names it uses that are not in scope (the file checks its references as a whole). */
  resultsOf(d: Decl): { diagnostics: Diagnostic[]; unresolved: NameUse[] } {
    let r = this.results.get(d);
    if (!r) { this.compute(d); r = this.results.get(d)!; }
    settle(d, r);
    return r;
  }

  /** Whether d is a declaration of the file these results are for (not one an edit removed). */
  private holds(d: Decl): boolean {
    return declAround(this.file, d.syntax) === d;
  }

  /** The derived values of one declaration and, for a run, its duration in seconds. */
  derivedOf(d: Decl): { values: Derived[]; seconds?: number } {
    let r = this.results.get(d);
    if (!r) { this.compute(d); r = this.results.get(d)!; }
    settle(d, r);
    if (r.derived && !r.derived.volatile) return r.derived;
    const rec = this.recorder();
    const values: Derived[] = [];
    // Anchors as plain spans of their own: they are moved with the declaration's results.
    const seconds = declarationDerived(d, rec.scope, (x) => values.push({ ...x, anchor: { start: x.anchor.start, end: x.anchor.end } }));
    const volatile = !rec.followed || values.some((v) => !placeIn(d, v.anchor, this.ctx.file));
    r.derived = { values, seconds, reads: rec.reads, volatile, base: d.syntax.start };
    this.index(d, rec.reads, false);
    return r.derived;
  }

  /** Fresh views of the scope and the file for one declaration's rules, recording what they read. */
  private recorder() {
    const rec: Recorder = { reads: [], followed: true };
    const scope = Object.create(this.views.scope) as { rec: Recorder };
    scope.rec = rec;
    const file = Object.create(this.views.file) as { rec: Recorder };
    file.rec = rec;
    return { scope: scope as unknown as Scope, file: file as unknown as ParsedFile, get reads() { return rec.reads; }, get followed() { return rec.followed; } };
  }
}

/** A name one declaration uses and the namespace it is looked up in. */
export interface NameUse { ref: Ref; ns: Namespace }

/** The names each declaration uses to point at another one (kept with the declaration: its Refs move with it). */
const namesUsed = new WeakMap<Decl, NameUse[]>();

export function namesOf(d: Decl): NameUse[] {
  let names = namesUsed.get(d);
  if (names) return names;
  names = [];
  const add = (ref: Ref | undefined, ns: Namespace) => { if (ref) names!.push({ ref, ns }); };
  add(d.protocolRef, 'protocol');
  add(d.cellRef, 'cell');
  for (const [key, e] of d.props) {
    const v = e.value;
    if (!v) continue;
    if (v.shape === 'stack') v.layers.forEach((l) => add(l.ref, 'layer'));
    else if (v.shape === 'cathode') add(v.ref, 'layer');
    else if (v.shape === 'members' && key !== 'ratio') v.members.forEach((m) => add(m, 'layer'));
    else if (v.shape === 'ref') add(v.ref, e.spec.refKind === 'build' ? 'cell' : 'protocol');
    else if (v.shape === 'names' && e.spec.refKind === 'build') v.items.forEach((b) => add(b, 'cell'));
  }
  namesUsed.set(d, names);
  return names;
}

interface Recorder { reads: Reads; followed: boolean }
interface Views { scope: object; file: object }

/**
 * Prototypes of the views, made once per analysis: plain getters over the scope's fields (a
 * Proxy per declaration costs more than the rules it watches). Each declaration gets a view of
 * its own, so memos keyed by the scope (compute.ts's cell facts) do not hide reads from it.
 */
function viewPrototypes(ctx: DeclContext): Views {
  const scope = {};
  for (const field of Object.keys(ctx.scope)) {
    const v = (ctx.scope as unknown as Record<string, unknown>)[field];
    const map = v instanceof Map ? new RecordingMap(field, v) : undefined;
    Object.defineProperty(scope, field, map
      ? { get(this: { rec: Recorder }) { map.rec = this.rec; return map; } }
      : { get(this: { rec: Recorder }) { this.rec.reads.push(field, ''); return v; } });
  }
  // A declaration's rules may read the text of its own lines (the quick fix of a missing property).
  const file = {};
  for (const field of Object.keys(ctx.file)) {
    const v = (ctx.file as unknown as Record<string, unknown>)[field];
    Object.defineProperty(file, field, { get(this: { rec: Recorder }) { if (field !== 'text' && field !== 'lines' && field !== 'uri') this.rec.followed = false; return v; } });
  }
  return { scope, file };
}

/** A scope map as a rule sees it: lookups by name are recorded; anything wider is not followed. */
class RecordingMap {
  rec!: Recorder;
  constructor(private field: string, private map: Map<string, unknown>) {}
  get(key: string) {
    this.rec.reads.push(this.field, key);
    return this.map.get(key);
  }
  has(key: string) { return this.get(key) !== undefined; }
  private all() { this.rec.followed = false; return this.map; }
  get size() { return this.all().size; }
  keys() { return this.all().keys(); }
  values() { return this.all().values(); }
  entries() { return this.all().entries(); }
  forEach(f: (v: unknown, k: string, m: Map<string, unknown>) => void) { this.all().forEach(f); }
  [Symbol.iterator]() { return this.all()[Symbol.iterator](); }
}

/** The reads whose answer differs between two scopes: names bound to another declaration, other fields. */
function changedReads(before: Scope, after: Scope): Reads {
  const out: Reads = [];
  const b = before as unknown as Record<string, unknown>, a = after as unknown as Record<string, unknown>;
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const x = b[field], y = a[field];
    if (x instanceof Map && y instanceof Map) {
      const n = out.length;
      for (const [k, v] of y) if (x.get(k) !== v) out.push(field, k);
      if (x.size !== y.size || out.length > n) for (const k of x.keys()) if (!y.has(k)) out.push(field, k);
    } else if (x !== y && field !== 'files' && !sameItems(x, y)) out.push(field, '');
  }
  return out;
}

/** Lists of the same items (the scope's library files are listed again by each analysis). */
function sameItems(x: unknown, y: unknown): boolean {
  return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Whether every place of the diagnostics moves with the declaration or with the declarations
 * it read (a related place inside another declaration of the file): otherwise they are
 * computed again each time rather than moved.
 */
function placesFollowed(d: Decl, diagnostics: Diagnostic[], ctx: DeclContext): boolean {
  for (const x of diagnostics) {
    if (!placeIn(d, x, ctx.file)) return false;
    for (const f of x.fixes ?? []) if (!placeIn(d, f, ctx.file)) return false;
    for (const r of x.related ?? []) if (r.uri === ctx.file.uri && !insideSomeDecl(ctx.file, r)) return false;
  }
  return true;
}

/** On the lines of declaration d (which an edit elsewhere leaves as they are). */
function placeIn(d: Decl, s: { start: number; end: number }, file: ParsedFile): boolean {
  const first = file.lines.lineStart(file.lines.position(d.syntax.start).line);
  const lastLine = file.lines.position(d.syntax.end).line;
  const after = lastLine + 1 < file.lines.lineCount ? file.lines.lineStart(lastLine + 1) : file.text.length + 1;
  return s.start >= first && s.end >= s.start && s.end <= after;
}

function insideSomeDecl(file: ParsedFile, s: { start: number; end: number }): boolean {
  return !!declAround(file, s);
}

/** The declaration of the file whose span holds s, if one does. */
function declAround(file: ParsedFile, s: { start: number; end: number }): Decl | undefined {
  const decls = file.decls;
  let lo = 0, hi = decls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decls[mid].syntax.start <= s.start) lo = mid; else hi = mid - 1;
  }
  const home = decls[lo];
  return home && home.syntax.start <= s.start && s.end <= home.syntax.end ? home : undefined;
}

/**
 * Moves kept results with their declaration: its own places by what its start moved since they
 * were made (an edit elsewhere moves a declaration's lines as a whole), its related places with
 * the declarations holding them. Done when the results are read, so an edit moves nothing itself.
 */
function settle(d: Decl, r: Results) {
  const at = d.syntax.start;
  const shift = at - r.base;
  if (shift !== 0) {
    r.base = at;
    const xs = r.diagnostics;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k];
      x.start += shift;
      x.end += shift;
      const fixes = x.fixes;
      if (fixes) for (let j = 0; j < fixes.length; j++) { fixes[j].start += shift; fixes[j].end += shift; }
    }
  }
  const related = r.related;
  for (let k = 0; k < related.length; k++) {
    const x = related[k];
    const start = x.home.syntax.start + x.offset;
    if (x.place.start !== start) { x.place.start = start; x.place.end = start + x.length; }
  }
  const v = r.derived;
  if (v && v.base !== at) {
    const by = at - v.base;
    v.base = at;
    for (const x of v.values) x.anchor = { start: x.anchor.start + by, end: x.anchor.end + by };
  }
}

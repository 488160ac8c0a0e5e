// The spec analysis of one file (not the data analyses of server/analyses/): its imports, the names it can see, every reference resolved, the
// checks and the derived values. The result is a plain object the features (hover, completion,
// diagnostics, ...) read; nothing here knows about LSP. The checks and derived values of each
// declaration are kept from the previous version while what they read is unchanged
// (declResults.ts), so an edit costs what it touched.
import { check } from './check';
import { Derived, studySchedule } from './compute';
import { DeclContext, FileResults, namesOf } from './declResults';
import { Span } from './lexer';
import { Decl, Ref } from './model';
import { baseName, namespaceOf, Namespace, Reference, Scope, SpecOptions } from './scope';
import { ScopeIndex } from './scopeIndex';
import { suggestionBudget } from './suggest';
import { Diagnostic } from './syntax';
import { ParsedFile, resolveImport, Workspace } from './workspace';

/** A spec as the features see it: the file, what it can see, its problems and its derived values. */
export interface SpecAnalysis {
  file: ParsedFile;
  scope: Scope;
  /** In text order. */
  references: Reference[];
  diagnostics: Diagnostic[];
  /** Every derived value, declaration by declaration, the study's schedule last. */
  readonly derived: Derived[];
  /** The references of the declarations that overlap a span, in text order (what is under a cursor, without resolving the whole file). */
  referencesIn(span: Span): Reference[];
  /** The derived values of the declarations that overlap a span, in the same order: what a hover or the hints of a range need. */
  derivedIn(span: Span): Derived[];
}

/** The kept results of each file version last analysed (declResults.ts), and its scope (scopeIndex.ts). */
const resultsOf = new WeakMap<ParsedFile, FileResults>();
const scopesOf = new WeakMap<ParsedFile, ScopeIndex>();

export function analyzeSpec(ws: Workspace, uri: string, options: SpecOptions = {}): SpecAnalysis | undefined {
  const file = ws.get(uri);
  if (!file) return undefined;
  const diagnostics: Diagnostic[] = [...file.diagnostics];
  const files = collectImports(ws, file, diagnostics);
  // The library itself (opened read-only) sees no second copy of itself.
  const library = ws.libraryFiles().filter((l) => !files.some((f) => f.uri === l.uri));
  // The scope of the version before, its names re-bound along the edit, or one built whole.
  const previousIndex = scopesOf.get(file.change?.previous ?? file) ?? scopesOf.get(file);
  const changed = previousIndex?.follow(file, files, library);
  const index = changed ? previousIndex! : ScopeIndex.build(files, file, library);
  if (file.change?.previous) scopesOf.delete(file.change.previous);
  scopesOf.set(file, index);
  // A scope of this analysis's own (its maps shared with the index, which later edits update in
  // place): caches keyed by the scope (a cell's facts, a build's runs) live one analysis, never
  // serving an older version's values to a newer one.
  const scope: Scope = { ...index.scope };
  for (const d of index.diagnostics()) diagnostics.push(d);
  // One suggestion budget for the whole analysis: each declaration in file order, then the references.
  const ctx: DeclContext = { file, scope, options, budget: suggestionBudget(), changed };
  const budget = ctx.budget.left;
  let kept = FileResults.for(resultsOf.get(file.change?.previous ?? file) ?? resultsOf.get(file), ctx);
  // A whole analysis runs out of budget where this one, checking fewer declarations, may not
  // (hostile input only): then every declaration is checked as a whole analysis would.
  if (kept.followsPrevious && kept.spent > budget) {
    ctx.budget = suggestionBudget();
    kept = FileResults.for(undefined, ctx);
  }
  if (file.change?.previous) resultsOf.delete(file.change.previous);
  resultsOf.set(file, kept);
  const own: Diagnostic[] = [];
  const unresolved: Reference[] = [];
  for (const d of file.decls) {
    const r = kept.resultsOf(d);
    for (let k = 0; k < r.diagnostics.length; k++) own.push(r.diagnostics[k]);
    for (const u of r.unresolved) unresolved.push(reference(u.ref, file.uri, u.ns, undefined));
  }
  inTextOrder(unresolved);
  check(file, scope, unresolved, diagnostics, options, { only: [], budget: { left: budget - kept.spent } });
  for (let k = 0; k < own.length; k++) diagnostics.push(own[k]);
  // A problem "at the end of the property" may sit past the last character: keep every range in
  // the text (on a copy: the file's diagnostics are kept for the next version).
  const n = file.text.length;
  for (let k = 0; k < diagnostics.length; k++) {
    const d = diagnostics[k];
    const start = Math.max(0, Math.min(d.start, n));
    const end = Math.max(start, Math.min(d.end, n));
    if (start !== d.start || end !== d.end) diagnostics[k] = { ...d, start, end };
  }
  // Derived values serve hovers, hints and the preview, not diagnostics: computed on first use,
  // per declaration.
  const values = new Map<Decl, { values: Derived[]; seconds?: number }>();
  const of = (d: Decl) => {
    let v = values.get(d);
    if (!v) values.set(d, (v = kept.derivedOf(d)));
    return v;
  };
  const study = file.decls.find((d) => d.keyword === 'study');
  let schedule: Derived | undefined | null = null;
  const scheduleOf = () => (schedule === null ? (schedule = study && studySchedule(study, file.decls.filter((d) => d.keyword === 'run').map((d) => of(d).seconds))) : schedule);
  let derived: Derived[] | undefined;
  let references: Reference[] | undefined;
  return {
    file, scope, diagnostics,
    get references() { return (references ??= collectReferences(file, scope)); },
    get derived() {
      if (!derived) {
        derived = file.decls.flatMap((d) => of(d).values);
        const s = scheduleOf();
        if (s) derived.push(s);
      }
      return derived;
    },
    referencesIn(span: Span) {
      const out = declsIn(file.decls, span).flatMap((d) => namesOf(d).map(({ ref, ns }) => reference(ref, file.uri, ns, scope[ns].get(ref.name))));
      return out.sort((a, b) => a.start - b.start);
    },
    derivedIn(span: Span) {
      const near = declsIn(file.decls, span);
      const out = near.flatMap((d) => of(d).values);
      const s = study && near.includes(study) ? scheduleOf() : undefined;
      if (s) out.push(s);
      return out;
    },
  };
}

/** The declarations overlapping [start, end], by binary search (declarations are in text order). */
export function declsIn(decls: Decl[], span: Span): Decl[] {
  let lo = 0, hi = decls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid].syntax.end < span.start) lo = mid + 1; else hi = mid;
  }
  const out: Decl[] = [];
  for (let k = lo; k < decls.length && decls[k].syntax.start <= span.end; k++) out.push(decls[k]);
  return out;
}

/** Depth-first over imports; reports missing files and cycles on the import in this file. */
function collectImports(ws: Workspace, root: ParsedFile, diagnostics: Diagnostic[]): ParsedFile[] {
  const seen = new Map<string, ParsedFile>([[root.uri, root]]);
  /** Imports of the root already reported as closing a cycle (a Set: thousands of self-imports stay linear). */
  const cyclesReported = new Set<number>();
  const visit = (file: ParsedFile, stack: string[], reportOn?: Decl) => {
    for (const d of file.decls) {
      if (d.keyword !== 'import' || !d.importPath) continue;
      const target = resolveImport(file.uri, d.importPath.text);
      const at = reportOn ?? d;
      const span = at.importPath ?? at.syntax;
      if (stack.includes(target)) {
        // Report once, in the root file, on its own import that leads into the cycle.
        const chain = [...stack.slice(stack.indexOf(target)), target].map(baseName).join(' → ');
        if (!cyclesReported.has(span.start)) {
          cyclesReported.add(span.start);
          diagnostics.push({ start: span.start, end: span.end, severity: 'error', code: 'import-cycle', message: `import cycle: ${chain}`,
            related: [{ uri: file.uri, start: d.syntax.start, end: d.syntax.end, message: 'the import that closes the cycle' }] });
        }
        continue;
      }
      if (seen.has(target)) continue;
      const imported = ws.get(target);
      const denied = imported ? undefined : ws.denied(target);
      if (denied) {
        // Nothing of the file is read or shown: not its names, not a line of it.
        if (file === root || reportOn) diagnostics.push({ start: span.start, end: span.end, severity: 'error', code: 'import-outside-roots', message: `cannot import '${d.importPath.text}': ${denied}` });
        continue;
      }
      if (!imported) {
        if (file === root) diagnostics.push({ start: span.start, end: span.end, severity: 'error', code: 'import-not-found', message: `cannot find the imported file '${d.importPath.text}'` });
        else if (reportOn) diagnostics.push({ start: span.start, end: span.end, severity: 'error', code: 'import-not-found', message: `'${baseName(file.uri)}' imports '${d.importPath.text}', which cannot be found` });
        continue;
      }
      seen.set(target, imported);
      visit(imported, [...stack, target], at);
    }
  };
  visit(root, [root.uri]);
  return [...seen.values()];
}

// Explicit fields, not a spread of the Ref: a spread was a quarter of the analysis of a large file.
const reference = (r: Ref, uri: string, ns: Namespace, target: Decl | undefined): Reference =>
  ({ name: r.name, start: r.start, end: r.end, uri, ns, target });

/** Every name this file uses to point at another declaration, with its target if it exists, in text order. */
function collectReferences(file: ParsedFile, scope: Scope): Reference[] {
  const refs: Reference[] = [];
  for (const d of file.decls) for (const { ref, ns } of namesOf(d)) refs.push(reference(ref, file.uri, ns, scope[ns].get(ref.name)));
  // Features find the reference under the cursor by binary search.
  return inTextOrder(refs);
}

function inTextOrder(refs: Reference[]): Reference[] {
  for (let k = 1; k < refs.length; k++) {
    if (refs[k - 1].start > refs[k].start) return refs.sort((a, b) => a.start - b.start);
  }
  return refs;
}

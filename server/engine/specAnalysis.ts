// The spec analysis of one file (not the data analyses of server/analyses/): its imports, the names it can see, every reference resolved, the
// checks and the derived values. The result is a plain object the features (hover, completion,
// diagnostics, ...) read; nothing here knows about LSP.
import { check } from './check';
import { computeDerived, Derived } from './compute';
import { Decl, Ref } from './model';
import { baseName, namespaceOf, Namespace, Reference, Scope, SpecOptions } from './scope';
import { Diagnostic } from './syntax';
import { ParsedFile, resolveImport, Workspace } from './workspace';

/** A spec as the features see it: the file, what it can see, its problems and its derived values. */
export interface SpecAnalysis {
  file: ParsedFile;
  scope: Scope;
  references: Reference[];
  diagnostics: Diagnostic[];
  readonly derived: Derived[];
}

export function analyzeSpec(ws: Workspace, uri: string, options: SpecOptions = {}): SpecAnalysis | undefined {
  const file = ws.get(uri);
  if (!file) return undefined;
  const diagnostics: Diagnostic[] = [...file.diagnostics];
  const files = collectImports(ws, file, diagnostics);
  // The library itself (opened read-only) sees no second copy of itself.
  const library = ws.libraryFiles().filter((l) => !files.some((f) => f.uri === l.uri));
  const scope = buildScope(files, file, library, diagnostics);
  const references = collectReferences(file, scope);
  check(file, scope, references, diagnostics, options);
  // A problem "at the end of the property" may sit past the last character: keep every range in the text.
  const n = file.text.length;
  for (const d of diagnostics) {
    d.start = Math.max(0, Math.min(d.start, n));
    d.end = Math.max(d.start, Math.min(d.end, n));
  }
  // Derived values serve hovers, hints and the preview, not diagnostics: compute them on first use.
  let derived: Derived[] | undefined;
  return { file, scope, references, diagnostics, get derived() { return (derived ??= computeDerived(file, scope)); } };
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

function buildScope(files: ParsedFile[], root: ParsedFile, library: ParsedFile[], diagnostics: Diagnostic[]): Scope {
  const scope: Scope = { layer: new Map(), cell: new Map(), protocol: new Map(), files, library, overrides: new Map() };
  // The root file's own declarations come first, so duplicates are reported where the user is.
  const ordered = [root, ...files.filter((f) => f !== root)];
  for (const f of ordered) {
    // A cell's replicates are cells of their own, declared at their names in its `replicates`.
    for (const d of f.decls.flatMap((x) => (x.replicates ? [x, ...x.replicates] : [x]))) {
      if (d.keyword === 'study') {
        if (!scope.study) scope.study = d;
        else if (f === root) diagnostics.push({ start: d.syntax.keyword.start, end: d.syntax.keyword.end, severity: 'error', code: 'duplicate-name', message: 'only one study block is allowed',
          related: [{ uri: scope.study.uri, start: scope.study.syntax.start, end: scope.study.syntax.keyword.end, message: 'the first study block' }] });
        continue;
      }
      const ns = namespaceOf(d);
      if (!ns || !d.name) continue;
      const prev = scope[ns].get(d.name.name);
      if (prev) {
        if (f !== root && prev.uri === root.uri) {
          // The root file's own declaration shadows one from an import: report it where the user is.
          diagnostics.push({ start: prev.name!.start, end: prev.name!.end, severity: 'error', code: 'duplicate-name',
            message: `'${d.name.name}' is already declared in ${baseName(d.uri)}`,
            related: [{ uri: d.uri, start: d.name.start, end: d.name.end, message: `'${d.name.name}' in ${baseName(d.uri)}` }] });
        } else if (f === root) {
          diagnostics.push({ start: d.name.start, end: d.name.end, severity: 'error', code: 'duplicate-name',
            message: `'${d.name.name}' is already declared${prev.uri === root.uri ? '' : ' in ' + baseName(prev.uri)}`,
            related: [{ uri: prev.uri, start: prev.name!.start, end: prev.name!.end, message: `the first '${d.name.name}'` }] });
        }
        continue;
      }
      scope[ns].set(d.name.name, d);
    }
  }
  addLibrary(scope, library);
  return scope;
}

/**
 * The library's names go in below everything the spec sees: a declaration of the same name in
 * the spec or an import replaces the library's silently (no duplicate-name: overriding is what
 * a local declaration is for); the hover of that declaration says what it overrides.
 */
function addLibrary(scope: Scope, library: ParsedFile[]) {
  for (const f of library) {
    for (const d of f.decls) {
      const ns = namespaceOf(d);
      if (!ns || !d.name) continue;
      const mine = scope[ns].get(d.name.name);
      if (!mine) scope[ns].set(d.name.name, d);
      else if (!scope.library.some((l) => l.uri === mine.uri)) scope.overrides.set(mine, d);
    }
  }
}

/** Every name this file uses to point at another declaration, with its target if it exists. */
function collectReferences(file: ParsedFile, scope: Scope): Reference[] {
  const refs: Reference[] = [];
  const add = (r: Ref | undefined, ns: Namespace) => {
    if (r) refs.push({ ...r, uri: file.uri, ns, target: scope[ns].get(r.name) });
  };
  for (const d of file.decls) {
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
  }
  return refs;
}


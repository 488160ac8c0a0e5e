// The scope as a whole build made it before scopeIndex.ts (one pass over every declaration of the
// root, its imports, the library): the straightforward path the incremental scope is checked against.
import { Decl } from '../../server/engine/model';
import { baseName, namespaceOf, Scope } from '../../server/engine/scope';
import { Diagnostic } from '../../server/engine/syntax';
import { ParsedFile } from '../../server/engine/workspace';

export function referenceScope(files: ParsedFile[], root: ParsedFile, library: ParsedFile[]): { scope: Scope; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  return { scope: buildScope(files, root, library, diagnostics), diagnostics };
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
function addLibrary(scope: Scope, library: ParsedFile[]): void {
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

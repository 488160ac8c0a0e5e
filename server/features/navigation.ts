// Go to definition, find references and rename, across every .cellspec file the workspace knows.
import { analyzeSpec, SpecAnalysis } from '../engine/specAnalysis';
import { isLibraryDecl, namespaceOf } from '../engine/scope';
import { Span } from '../engine/lexer';
import { Decl } from '../engine/model';
import { Workspace } from '../engine/workspace';
import { declNameAt, referenceAt } from './locate';

export interface Location extends Span { uri: string }

/** The declaration under the cursor, whether at its name or at a use of it. */
export function targetAt(a: SpecAnalysis, offset: number): Decl | undefined {
  return referenceAt(a, offset)?.target ?? declNameAt(a, offset);
}

export function definition(a: SpecAnalysis, offset: number): Location | undefined {
  const d = referenceAt(a, offset)?.target;
  return d?.name ? { uri: d.uri, start: d.name.start, end: d.name.end } : undefined;
}

/** How to get the analysis of another file (the server passes its cache). */
export type AnalysisOf = (uri: string) => SpecAnalysis | undefined;

export function references(ws: Workspace, a: SpecAnalysis, offset: number, includeDeclaration = true, analysisOf: AnalysisOf = (u) => analyzeSpec(ws, u)): Location[] {
  const target = targetAt(a, offset);
  if (!target?.name) return [];
  const out: Location[] = includeDeclaration ? [{ uri: target.uri, start: target.name.start, end: target.name.end }] : [];
  const same = (d?: Decl) => !!d && d.uri === target.uri && d.name?.start === target.name!.start;
  for (const uri of ws.knownFiles()) {
    const other = uri === a.file.uri ? a : analysisOf(uri);
    if (!other) continue;
    for (const r of other.references) if (same(r.target)) out.push({ uri, start: r.start, end: r.end });
  }
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface RenameResult { edits: (Location & { newText: string })[]; error?: string }

export function rename(ws: Workspace, a: SpecAnalysis, offset: number, newName: string, analysisOf?: AnalysisOf): RenameResult {
  if (!NAME.test(newName) || newName.endsWith('-')) return { edits: [], error: `'${newName}' is not a valid name: use letters, digits, '_' and '-', starting with a letter` };
  const target = targetAt(a, offset);
  if (!target) return { edits: [], error: 'nothing to rename here' };
  if (isLibraryDecl(a.scope, target)) {
    return { edits: [], error: `'${target.name!.name}' is a material of the standard library, which cannot be edited; declare your own ${target.keyword} under another name, or under this one to override it` };
  }
  const ns = namespaceOf(target);
  const clash = ns && a.scope[ns].get(newName);
  if (clash && clash !== target) return { edits: [], error: `'${newName}' is already declared` };
  // The library is never edited, even when it is open beside the spec.
  return { edits: references(ws, a, offset, true, analysisOf).filter((l) => !ws.isLibrary(l.uri)).map((l) => ({ ...l, newText: newName })) };
}

export function prepareRename(a: SpecAnalysis, offset: number): Span | undefined {
  const r = referenceAt(a, offset);
  if (r?.target) return r;
  return declNameAt(a, offset)?.name;
}

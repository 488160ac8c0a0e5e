// Checks of replicates and comparisons at plan level: a comparison names builds (not one of their
// replicates), its reference is one of them, and each build has at least two cells with runs, else
// no spread can be computed (n = 1: no SD, SE or interval, no t-test). A run on a cell that has
// replicates should name the replicate it measured.
import { Span } from './lexer';
import { buildOf, Decl, headerSpan, value } from './model';
import type { Scope } from './scope';
import { Diagnostic } from './syntax';
import { ParsedFile } from './workspace';

type Report = (s: Span, severity: Diagnostic['severity'], code: string, message: string, extra?: Partial<Diagnostic>) => void;

/** Checks a `compare` declaration against the builds and the runs of its file. */
export function checkCompare(d: Decl, file: ParsedFile, scope: Scope, report: Report): void {
  const builds = value(d.props, 'builds', 'names')?.items ?? [];
  for (const b of builds) {
    const target = scope.cell.get(b.name);
    if (target?.build) {
      const build = target.build.name!.name;
      report(b, 'error', 'wrong-kind', `'${b.name}' is a replicate of ${build}: a comparison names builds, and aggregates their replicates`,
        { fixes: [{ title: `Change to '${build}'`, start: b.start, end: b.end, newText: build }] });
    }
  }
  const reference = value(d.props, 'reference', 'ref')?.ref;
  if (reference && scope.cell.has(reference.name) && builds.length && !builds.some((b) => b.name === reference.name)) {
    report(reference, 'error', 'undefined-reference', `'${reference.name}' is not one of the builds compared: ${builds.map((b) => b.name).join(', ')}`);
  }
  checkSpread(d, builds.filter((b) => scope.cell.get(b.name) && !scope.cell.get(b.name)!.build), file, scope, report);
}

/** Warns where a build has fewer than two cells with runs of one protocol: no spread, no test. */
function checkSpread(d: Decl, builds: { name: string; start: number; end: number }[], file: ParsedFile, scope: Scope, report: Report): void {
  if (!builds.length) return;
  const counts = builds.map((b) => cellsWithRuns(scope.cell.get(b.name)!, file, scope));
  if (counts.every((c) => c.n <= 1)) {
    report(headerSpan(d), 'warning', 'no-spread', `every build of this comparison has at most one cell with runs (${builds.map((b, k) => `${b.name}: ${counts[k].n}`).join(', ')}): no spread (SD, SE, 95 % interval) can be computed and no t-test made; declare replicates and run each of them`);
    return;
  }
  builds.forEach((b, k) => {
    const { n, cells } = counts[k];
    if (n > 1) return;
    report(b, 'warning', 'no-spread', n === 0
      ? `${b.name} has no runs: it has no results to compare`
      : `${b.name} has one cell with runs (${cells[0]}): its spread (SD, SE, 95 % interval) cannot be computed, nor Welch's t-test against it; declare replicates and run each of them`);
  });
}

/** The most cells of the build that one protocol is run on, in this file. */
function cellsWithRuns(build: Decl, file: ParsedFile, scope: Scope): { n: number; cells: string[] } {
  let best: string[] = [];
  for (const set of runCells(file, scope).get(build)?.values() ?? []) if (set.size > best.length) best = [...set];
  return { n: best.length, cells: best };
}

/** For each build, the cells each protocol is run on: one pass over the runs per analysis. */
const runCellsCache = new WeakMap<Scope, Map<Decl, Map<string, Set<string>>>>();
function runCells(file: ParsedFile, scope: Scope): Map<Decl, Map<string, Set<string>>> {
  let byBuild = runCellsCache.get(scope);
  if (byBuild) return byBuild;
  byBuild = new Map();
  for (const run of file.decls) {
    if (run.keyword !== 'run' || !run.cellRef || !run.protocolRef) continue;
    const cell = scope.cell.get(run.cellRef.name);
    if (!cell) continue;
    const build = buildOf(cell);
    const byProtocol = byBuild.get(build) ?? new Map<string, Set<string>>();
    byBuild.set(build, byProtocol);
    const set = byProtocol.get(run.protocolRef.name) ?? new Set<string>();
    set.add(run.cellRef.name);
    byProtocol.set(run.protocolRef.name, set);
  }
  runCellsCache.set(scope, byBuild);
  return byBuild;
}

/** A run on a cell that has replicates: which one was measured? */
export function checkRunCell(run: Decl, scope: Scope, report: Report): void {
  const cell = run.cellRef && scope.cell.get(run.cellRef.name);
  if (!cell?.replicates?.length) return;
  const names = cell.replicates.map((r) => r.name!.name);
  report(run.cellRef!, 'warning', 'run-on-build', `${cell.name!.name} has replicates (${names.join(', ')}): name the one this run measured, so its results are that cell's`,
    { fixes: names.slice(0, 5).map((n) => ({ title: `Change to '${n}'`, start: run.cellRef!.start, end: run.cellRef!.end, newText: n })) });
}

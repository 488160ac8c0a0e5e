// Results per build: the figures of the runs on a build's cells (its replicates, or the cell alone),
// grouped by protocol and figure, with n, mean, sample SD, SE and the 95 % Student-t interval; and
// the spec's comparisons, each build against the reference by Welch's t-test. Where each cell's
// estimate has its own standard error (a Sand fit's D_eff), the figure reported is the unweighted
// mean of the cells with the spread between them; the inverse-variance weighted mean is given
// beside it. Plain data: the hover, the report and the preview read it.
import { inverseVarianceMean, SampleSummary, summarizeSample, welchTest, WelchTest } from '../analyses/statistics';
import { formatNumber } from '../domain/format';
import { displayOf } from '../domain/units';
import { Span } from '../engine/lexer';
import { value } from '../engine/model';
import { FIGURES } from '../engine/schema';
import { SpecAnalysis } from '../engine/specAnalysis';
import { FigureKey, figuresOf } from './aggregatedFigures';
import type { RunOutcome } from './study';

/** One cell's value of a figure. */
export interface CellValue { cell: string; run: string; value: number; stderr?: number; note?: string; header: Span }

/** A figure of one protocol over the cells of one build, in SI. */
export interface FigureStats {
  build: string;
  protocol: string;
  figure: FigureKey;
  qualifier?: string;
  label: string;
  /** The unit of every number here: SI ('' for a ratio), or the figure's own (S/cm, h; aggregatedFigures.ts). */
  unit: string;
  cells: CellValue[];
  summary: SampleSummary;
  /** With an own standard error on every cell: the inverse-variance weighted mean (for reference). */
  weighted?: { mean: number; se: number };
  /** Which combination is reported, in words. */
  combination: string;
}

export interface BuildStats { build: string; cells: string[]; figures: FigureStats[] }

/** One build against the reference of its figure. */
export interface BuildTest { build: string; against: string; test?: WelchTest; why?: string }

export interface ComparisonFigure {
  protocol: string;
  figure: FigureKey;
  qualifier?: string;
  label: string;
  unit: string;
  /** The compared builds that have this figure, in the comparison's order. */
  builds: FigureStats[];
  reference: string;
  tests: BuildTest[];
  notes: string[];
}

export interface Comparison { name: string; header: Span; reference: string; builds: string[]; figures: ComparisonFigure[] }

export interface BuildResults { builds: BuildStats[]; comparisons: Comparison[] }

/** The builds of every run with results, and the comparisons the spec declares. */
export function buildResults(a: SpecAnalysis, outcomes: RunOutcome[]): BuildResults {
  const builds = aggregate(outcomes);
  return { builds, comparisons: comparisons(a, builds) };
}

function aggregate(outcomes: RunOutcome[]): BuildStats[] {
  const byBuild = new Map<string, { cells: Set<string>; groups: Map<string, FigureStats> }>();
  for (const { job, result: r } of outcomes) {
    const b = byBuild.get(r.build) ?? { cells: new Set<string>(), groups: new Map<string, FigureStats>() };
    byBuild.set(r.build, b);
    b.cells.add(r.cell);
    for (const f of figuresOf(r)) {
      const key = [r.protocol, f.figure, f.qualifier ?? ''].join('\u0000');
      const g = b.groups.get(key) ?? { build: r.build, protocol: r.protocol, figure: f.figure, qualifier: f.qualifier, label: f.label, unit: f.value.unit, cells: [], summary: { n: 0, mean: NaN }, combination: '' };
      b.groups.set(key, g);
      g.cells.push({ cell: r.cell, run: r.run, value: f.value.value, stderr: f.value.stderr, note: f.note, header: job.header });
    }
  }
  const order = (f: FigureStats) => FIGURES.indexOf(f.figure);
  return [...byBuild].map(([build, b]) => ({
    build, cells: [...b.cells],
    figures: [...b.groups.values()].map(finish).sort((x, y) => order(x) - order(y)),
  }));
}

/** The statistics of a group, and the words that say which combination they are. */
function finish(g: FigureStats): FigureStats {
  const values = g.cells.map((c) => c.value);
  g.summary = summarizeSample(values);
  const own = g.cells.every((c) => c.stderr !== undefined && c.stderr > 0);
  if (own && g.cells.length > 1) g.weighted = inverseVarianceMean(values, g.cells.map((c) => c.stderr!));
  const n = g.cells.length;
  if (n === 1) g.combination = 'one cell: its value; no spread can be computed (SD, SE and the interval need n ≥ 2)';
  else {
    const spread = `mean of ${n} cells with the sample SD (n − 1), SE = SD/√${n} and the 95 % interval mean ± t·SE, t(0.975, ${n - 1}) = ${formatNumber(g.summary.tCritical!, 4)}`;
    g.combination = own
      ? `${spread}: the unweighted mean of the cells' own estimates, whose spread between cells is the uncertainty reported; each cell's own standard error is not used in it` +
        (g.weighted ? `. For reference, the inverse-variance weighted mean is ${shownText(g.weighted.mean, g.unit, g.weighted.se)} (it trusts each fit and ignores the spread between cells)` : '')
      : spread;
  }
  return g;
}

function comparisons(a: SpecAnalysis, builds: BuildStats[]): Comparison[] {
  const statsOf = new Map(builds.map((b) => [b.build, b]));
  return a.file.decls.filter((d) => d.keyword === 'compare' && d.name).map((d): Comparison => {
    // Only builds (not replicates), each once, in the order written.
    const names = [...new Set((value(d.props, 'builds', 'names')?.items ?? []).map((b) => b.name).filter((n) => {
      const cell = a.scope.cell.get(n);
      return cell && !cell.build;
    }))];
    const asked = value(d.props, 'figures', 'names')?.items.map((f) => f.name);
    const named = value(d.props, 'reference', 'ref')?.ref.name;
    const reference = named && names.includes(named) ? named : names[0] ?? '';
    const groups = new Map<string, FigureStats[]>();
    for (const name of names) {
      for (const f of statsOf.get(name)?.figures ?? []) {
        if (asked && !asked.includes(f.figure)) continue;
        const key = [f.protocol, f.figure, f.qualifier ?? ''].join('\u0000');
        groups.set(key, [...(groups.get(key) ?? []), f]);
      }
    }
    const header = { start: d.syntax.keyword.start, end: d.name!.end };
    return { name: d.name!.name, header, reference, builds: names, figures: [...groups.values()].map((list) => compareFigure(list, reference)) };
  });
}

function compareFigure(list: FigureStats[], reference: string): ComparisonFigure {
  const first = list[0];
  const notes: string[] = [];
  let ref = list.find((f) => f.build === reference);
  if (!ref) {
    ref = first;
    notes.push(`${reference} has no ${first.label} from ${first.protocol}: the builds are compared with ${ref.build}, the first that has it`);
  }
  const tests = list.filter((f) => f !== ref).map((f): BuildTest => {
    const test = welchTest(f.cells.map((c) => c.value), ref!.cells.map((c) => c.value));
    const why = test ? undefined
      : f.cells.length < 2 || ref!.cells.length < 2 ? `no test: ${[f, ref!].filter((x) => x.cells.length < 2).map((x) => x.build).join(' and ')} ${[f, ref!].filter((x) => x.cells.length < 2).length > 1 ? 'have' : 'has'} one cell (Welch's test needs n ≥ 2 in each)`
        : 'no test: neither build varies (every value equal within each)';
    return { build: f.build, against: ref!.build, test, why };
  });
  // (A build of one cell says so in its own statistics: "n = 1: … (one cell: no spread)".)
  return { protocol: first.protocol, figure: first.figure, qualifier: first.qualifier, label: first.label, unit: first.unit, builds: list, reference: ref.build, tests, notes };
}

// ---------------------------------------------------------------------------------------------
// Display: ratios in %, everything else in the field's unit (domain/units.ts display table).

/** The display unit of an SI unit, and its factor; ratios ('') are shown in %. */
export function displayUnit(siUnit: string): { unit: string; factor: number } {
  return siUnit === '' ? { unit: '%', factor: 100 } : displayOf(siUnit);
}

/** "9.62e-10 ± 4e-12 cm²/s" from SI. */
export function shownText(si: number, siUnit: string, se?: number, digits = 4): string {
  const d = displayUnit(siUnit);
  return `${formatNumber(si * d.factor, digits)}${se !== undefined ? ` ± ${formatNumber(se * d.factor, 2)}` : ''}${d.unit ? ' ' + d.unit : ''}`;
}

/** "n = 3: 9.6e-10 ± 3e-11 cm²/s (mean ± SD), SE 1.7e-11, 95 % interval 8.9e-10 .. 1.03e-9 cm²/s": spreads to 2 digits, as every ± is. */
export function statsText(f: FigureStats): string {
  const s = f.summary, d = displayUnit(f.unit);
  if (s.n < 2) return `n = 1: ${shownText(s.mean, f.unit)} (one cell: no spread)`;
  const v = (x: number, digits = 4) => formatNumber(x * d.factor, digits);
  return `n = ${s.n}: ${shownText(s.mean, f.unit, s.sd!)} (mean ± SD), SE ${v(s.se!, 2)}, 95 % interval ${v(s.ci95![0])} .. ${shownText(s.ci95![1], f.unit)}`;
}

/** "t = 12.3, ν = 3.4, p = 0.0007" */
export function testText(t: BuildTest, unit: string): string {
  if (!t.test) return `${t.build} vs ${t.against}: ${t.why}`;
  const w = t.test;
  return `${t.build} vs ${t.against}: difference ${shownText(w.difference, unit, w.se)}, Welch's t = ${formatNumber(w.t, 3)}, ν = ${formatNumber(w.dof, 3)}, p = ${formatNumber(w.p, 2)}${w.significant ? ' (significant at 5 %)' : ' (not significant at 5 %)'}`;
}

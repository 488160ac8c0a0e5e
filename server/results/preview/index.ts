// The preview's model: charts compared across cells like the study's figures, the results table,
// the plan's predictions. Everything is computed here, in the field's units; the page only draws.
// Each chart family is built by its own function (a new chart: a builder in this folder, listed
// in CHARTS). A plan without data gets charts of the plan itself (plan.ts).
import type { Anchor, ChartModel, PreviewModel } from '../../../protocol/preview';
import { value } from '../../engine/model';
import { SpecAnalysis } from '../../engine/specAnalysis';
import { Diagnostic } from '../../engine/syntax';
import { runFigures } from '../figures';
import type { RunOutcome } from '../study';
import { summarize, summarizeBuilds } from '../summaries';
import { ccdCharts } from './ccd';
import { cyclingCharts, rateChart } from './cycling';
import { contactCharts, fitCharts, nyquistCharts } from './eis';
import { buildLegend, usedEntries } from './legend';
import { PlannedRun, protocolPlans, studyTimeline } from './plan';
import { ChartBuilder, ChartRun } from './series';
import { sandChart, strippingCharts } from './stripping';
import { comparisonCharts } from './comparisons';
import { replicateCharts } from './replicates';
import type { BuildResults } from '../builds';
import { arrheniusChart, conductivityCharts, dqdvCharts, gittCharts, polarisationCharts, symmetricCharts } from './toolkit';

export interface PreviewInput {
  analysis: SpecAnalysis;
  version: number;
  diagnostics: Diagnostic[];
  outcomes: RunOutcome[];
  dataPending: boolean;
  /** The results per build and the comparisons (StudySession.builds). */
  builds?: BuildResults;
}

/** In the order the page shows them. */
const CHARTS: ChartBuilder[] = [comparisonCharts, sandChart, strippingCharts, replicateCharts, ccdCharts, contactCharts, firstCells(nyquistCharts), firstCells(fitCharts), cyclingCharts, rateChart,
  dqdvCharts, conductivityCharts, arrheniusChart, gittCharts, symmetricCharts, polarisationCharts];

/**
 * A builder of per-run detail charts (a run's spectra, its last fit and DRT) given only the first
 * cell of each build and protocol: a build's replicates are compared in the charts above, and each
 * cell's own figures are in its hover and the results table.
 */
function firstCells(build: ChartBuilder): ChartBuilder {
  return (runs, context) => {
    const seen = new Set<string>();
    return build(runs.filter((x) => {
      const key = `${x.result.build}\u0000${x.result.protocol}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }), context);
  };
}

export function buildPreviewModel(input: PreviewInput): PreviewModel {
  const a = input.analysis;
  const lineOf = (offset: number) => a.file.lines.position(offset).line + 1;
  const legend = buildLegend(a);
  const runs: ChartRun[] = input.outcomes.map((o) => ({ ...o, line: lineOf(o.job.header.start), key: legend.keyOf(o.job.cell.name) }));
  const context = { builds: input.builds, lineOf, keyOf: legend.keyOf };
  const charts: ChartModel[] = [...CHARTS.flatMap((build) => build(runs, context)), ...planCharts(a, legend, lineOf)];
  const problems = input.diagnostics.filter((d) => d.severity === 'error' || d.code === 'plan-mismatch' || d.code.startsWith('data'));
  return {
    schema: 2,
    uri: a.file.uri,
    title: a.scope.study?.title ?? a.file.uri.replace(/^.*\//, ''),
    version: input.version,
    charts,
    legend: usedEntries(legend, charts.flatMap((c) => c.series.flatMap((s) => (s.colorKey ? [s.colorKey] : [])))),
    results: [
      ...runs.flatMap(({ result: r, line }) => summarize(r).map((s) => ({ run: r.run, cell: r.cell, label: s.label, text: s.text, derivation: s.derivation, line }))),
      ...buildRows(input),
    ],
    figures: runs.flatMap(({ result: r, line }) => runFigures(r).map(({ hint: _hint, detail: _detail, ...f }) => ({ run: r.run, cell: r.cell, ...f, line }))),
    anchors: anchorsOf(a, lineOf),
    predictions: a.derived.map((d) => ({ owner: d.owner, label: d.label, text: d.text, formula: d.formula, line: lineOf(d.anchor.start) })),
    problems: problems.slice(0, 200).map((d) => ({ line: lineOf(d.start), severity: d.severity, message: d.message })),
    dataPending: input.dataPending,
  };
}

/**
 * Charts of the plan: a chart per protocol whose runs are all plans (no `data` yet), and the
 * study's timeline when no run has data at all.
 */
function planCharts(a: SpecAnalysis, legend: ReturnType<typeof buildLegend>, lineOf: (offset: number) => number): ChartModel[] {
  const all = a.file.decls.filter((d) => d.keyword === 'run' && d.name);
  const withData = new Set(all.filter((d) => value(d.props, 'data', 'strings')).map((d) => d.protocolRef?.name));
  const planned: PlannedRun[] = all.flatMap((run) => {
    const protocol = run.protocolRef && a.scope.protocol.get(run.protocolRef.name);
    const cell = run.cellRef && a.scope.cell.get(run.cellRef.name);
    if (!protocol?.name || !cell?.name || protocol.keyword !== 'protocol' || cell.keyword !== 'cell') return [];
    return [{ run, name: run.name!.name, protocol, cell, line: lineOf(run.syntax.keyword.start), key: legend.keyOf(cell.name.name) }];
  });
  const plans = protocolPlans(a, planned.filter((r) => !withData.has(r.protocol.name!.name)), lineOf);
  const study = a.file.decls.find((d) => d.keyword === 'study');
  const timeline = withData.size === 0 ? studyTimeline(a, planned, legend, study ? lineOf(study.syntax.keyword.start) : planned[0]?.line ?? 1) : [];
  return [...plans, ...timeline];
}

/** Runs, protocols, cells and comparisons of this file with their line ranges. */
function anchorsOf(a: SpecAnalysis, lineOf: (offset: number) => number): Anchor[] {
  return a.file.decls.flatMap((d): Anchor[] => {
    if ((d.keyword !== 'run' && d.keyword !== 'protocol' && d.keyword !== 'cell' && d.keyword !== 'compare') || !d.name) return [];
    return [{ kind: d.keyword, name: d.name.name, line: lineOf(d.syntax.start), endLine: lineOf(Math.max(d.syntax.start, d.syntax.end - 1)) }];
  });
}

/** The statistics of each build with replicates and each comparison's tests, as rows of the results table. */
function buildRows(input: PreviewInput): PreviewModel['results'] {
  if (!input.builds) return [];
  const a = input.analysis;
  const lineOf = (owner: string) => {
    const [keyword, name] = owner.split(' ');
    const d = a.file.decls.find((x) => x.name?.name === name && (keyword === 'build' ? x.keyword === 'cell' : x.keyword === 'compare'));
    return d ? a.file.lines.position(d.syntax.start).line + 1 : 1;
  };
  return summarizeBuilds(input.builds).flatMap(({ owner, lines }) => lines.map((s) => ({ run: owner, cell: owner.split(' ')[1], label: s.label, text: s.text, derivation: s.derivation, line: lineOf(owner) })));
}

// The preview's model: charts compared across cells like the study's figures, the results table,
// the plan's predictions. Everything is computed here, in the field's units; the page only draws.
// Each chart family is built by its own function (a new chart: a builder in this folder, listed
// in CHARTS).
import type { ChartModel, PreviewModel } from '../../../protocol/preview';
import { SpecAnalysis } from '../../engine/specAnalysis';
import { Diagnostic } from '../../engine/syntax';
import type { RunOutcome } from '../study';
import { summarize, summarizeBuilds } from '../summaries';
import { ccdCharts } from './ccd';
import { cyclingCharts, rateChart } from './cycling';
import { contactCharts, fitCharts, nyquistCharts } from './eis';
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
  const runs: ChartRun[] = input.outcomes.map((o) => ({ ...o, line: lineOf(o.job.header.start) }));
  const charts: ChartModel[] = CHARTS.flatMap((build) => build(runs, { builds: input.builds, lineOf }));
  const problems = input.diagnostics.filter((d) => d.severity === 'error' || d.code === 'plan-mismatch' || d.code.startsWith('data'));
  return {
    schema: 1,
    uri: a.file.uri,
    title: a.scope.study?.title ?? a.file.uri.replace(/^.*\//, ''),
    version: input.version,
    charts,
    results: [
      ...runs.flatMap(({ result: r, line }) => summarize(r).map((s) => ({ run: r.run, cell: r.cell, label: s.label, text: s.text, derivation: s.derivation, line }))),
      ...buildRows(input),
    ],
    predictions: a.derived.map((d) => ({ owner: d.owner, label: d.label, text: d.text, formula: d.formula, line: lineOf(d.anchor.start) })),
    problems: problems.slice(0, 200).map((d) => ({ line: lineOf(d.start), severity: d.severity, message: d.message })),
    dataPending: input.dataPending,
  };
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

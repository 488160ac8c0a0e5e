// The preview's model: charts compared across cells like the study's figures, the results table,
// the plan's predictions. Everything is computed here, in the field's units; the page only draws.
// Each chart family is built by its own function (a new chart: a builder in this folder, listed
// in CHARTS).
import type { ChartModel, PreviewModel } from '../../../protocol/preview';
import { SpecAnalysis } from '../../engine/specAnalysis';
import { Diagnostic } from '../../engine/syntax';
import type { RunOutcome } from '../study';
import { summarize } from '../summaries';
import { ccdCharts } from './ccd';
import { cyclingCharts, rateChart } from './cycling';
import { contactCharts, fitCharts, nyquistCharts } from './eis';
import { ChartBuilder, ChartRun } from './series';
import { sandChart, strippingCharts } from './stripping';
import { arrheniusChart, conductivityCharts, dqdvCharts, gittCharts, polarisationCharts, symmetricCharts } from './toolkit';

export interface PreviewInput {
  analysis: SpecAnalysis;
  version: number;
  diagnostics: Diagnostic[];
  outcomes: RunOutcome[];
  dataPending: boolean;
}

/** In the order the page shows them. */
const CHARTS: ChartBuilder[] = [sandChart, strippingCharts, ccdCharts, contactCharts, nyquistCharts, fitCharts, cyclingCharts, rateChart,
  dqdvCharts, conductivityCharts, arrheniusChart, gittCharts, symmetricCharts, polarisationCharts];

export function buildPreviewModel(input: PreviewInput): PreviewModel {
  const a = input.analysis;
  const lineOf = (offset: number) => a.file.lines.position(offset).line + 1;
  const runs: ChartRun[] = input.outcomes.map((o) => ({ ...o, line: lineOf(o.job.header.start) }));
  const charts: ChartModel[] = CHARTS.flatMap((build) => build(runs));
  const problems = input.diagnostics.filter((d) => d.severity === 'error' || d.code === 'plan-mismatch' || d.code.startsWith('data'));
  return {
    schema: 1,
    uri: a.file.uri,
    title: a.scope.study?.title ?? a.file.uri.replace(/^.*\//, ''),
    version: input.version,
    charts,
    results: runs.flatMap(({ result: r, line }) => summarize(r).map((s) => ({ run: r.run, cell: r.cell, label: s.label, text: s.text, derivation: s.derivation, line }))),
    predictions: a.derived.map((d) => ({ owner: d.owner, label: d.label, text: d.text, formula: d.formula, line: lineOf(d.anchor.start) })),
    problems: problems.slice(0, 200).map((d) => ({ line: lineOf(d.start), severity: d.severity, message: d.message })),
    dataPending: input.dataPending,
  };
}

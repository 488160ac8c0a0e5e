// Results of the runs' data in the editor: a hover on each run (a summary table first, the
// derivations folded below), an inlay hint with its headline figures, the fitted circuit on hover
// over the circuit string, and the statistics of a build or a comparison on hover over its name.
import { formatNumber, formatEstimate } from '../domain/format';
import { Span } from '../engine/lexer';
import { hintLabel, InlayHint } from '../features/inlayHints';
import { SpecAnalysis } from '../engine/specAnalysis';
import { value } from '../engine/model';
import { BuildResults, BuildStats, Comparison, statsText, testText } from './builds';
import { RunResult } from './execute';
import { figureValue, hintText, runFigures } from './figures';
import type { RunOutcome } from './study';
import { summarize } from './summaries';

const within = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

/** A Markdown table cell: a pipe would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * Markdown for the run (or data reference) under the cursor: what was found, as a short table
 * (figure, value ± standard error, unit) first; how each was derived and the files read below it,
 * folded in a <details> element where the client renders HTML (VS Code), after a rule elsewhere.
 */
export function dataHover(outcomes: RunOutcome[], offset: number, fold = false): { summary: string; details: string; markdown: string; span: Span } | undefined {
  const hit = outcomes.find(({ job }) => within(job.header, offset) || job.patterns.some((p) => within(p, offset)));
  if (!hit) return undefined;
  const { job, result } = hit;
  const figures = runFigures(result).filter((f) => !f.detail);
  const lines = summarize(result);
  const files = result.files.map((f) => `\`${f.path}\` ${f.format}${f.technique ? ' ' + f.technique : ''}, ${f.rows} rows`);
  const summary = [`**data of ${job.run}**`, ''];
  if (figures.length) {
    summary.push('| figure | value ± SE | unit |', '|---|---:|---|', ...figures.map((f) => `| ${cell(f.quantity)} | ${cell(figureValue(f))} | ${cell(f.unit)} |`));
    // A file still being written says so beside the table, not only in the folded details.
    const live = lines.filter((l) => l.label === 'live');
    if (live.length) summary.push('', live.map((l) => `**${l.label}**: ${l.text}`).join('  \n'));
  } else summary.push(lines.length ? lines.map((l) => `**${l.label}**: ${l.text}`).join('  \n') : '_no results: see the problems on the data reference_');
  const details = [...lines.map((l) => `- **${l.label}**: ${l.text}  \n  _${l.derivation}_`)];
  if (result.plan.length) details.push(...result.plan.map((m) => `- plan: ${m}`));
  if (files.length) details.push('', `files: ${files.slice(0, 6).join('; ')}${files.length > 6 ? `; … ${files.length - 6} more` : ''}`);
  const summaryText = summary.join('\n');
  const detailsText = details.join('\n');
  return { summary: summaryText, details: detailsText, markdown: foldBelow(summaryText, [detailsText], fold), span: job.header };
}

/**
 * The summary, then the details: folded under "How these were found" in a <details> element
 * (blank lines around the Markdown inside, so it is rendered), or after a horizontal rule.
 */
export function foldBelow(summary: string, details: string[], fold: boolean): string {
  const body = details.filter(Boolean).join('\n\n---\n\n');
  if (!body) return summary;
  return fold
    ? `${noHtml(summary)}\n\n<details><summary>How these were found, and the files read</summary>\n\n${noHtml(body)}\n\n</details>`
    : `${summary}\n\n---\n\n${body}`;
}

/** Where the client renders HTML, a "<" of the text (a note, a file name) stays text; code spans are literal already. */
export function noHtml(md: string): string {
  return md.split(/(`[^`]*`)/).map((part, k) => (k % 2 ? part : part.replace(/</g, '&lt;'))).join('');
}

/** One hint at the end of each run header with its headline figures; R_ohm and R_ct at each circuit. */
export function dataHints(outcomes: RunOutcome[]): InlayHint[] {
  const runs = outcomes.flatMap(({ job, result: r }) => {
    const figures = runFigures(r);
    // Hints show the value; its standard error is in the tooltip and the hover.
    const parts = figures.filter((f) => f.hint).map(hintText);
    const lines = summarize(r).filter((l) => l.label !== 'fit' && l.label !== 'DRT' && l.label !== 'live');
    if (!parts.length) parts.push(...lines.slice(0, 1).map((l) => `${l.label} ${l.text}`));
    return parts.length ? [{ offset: job.header.end, label: hintLabel(parts), parts, tooltip: lines.map((l) => `${l.label}: ${l.text}\n  ${l.derivation}`).join('\n') }] : [];
  });
  const circuits = new Map<number, { cell: string; fit: NonNullable<ReturnType<typeof lastFit>> }[]>();
  outcomes.forEach(({ job, result }) => {
    const at = job.protocol.circuitSpan;
    const fit = lastFit(result);
    if (at && fit) circuits.set(at.end, [...(circuits.get(at.end) ?? []), { cell: job.cell.name, fit }]);
  });
  // The hint compares the cells' R_ct (R_ohm where the circuit has no parallel branch) in 3 digits.
  const fits = [...circuits].map(([offset, list]) => {
    const ct = list.every((x) => x.fit.rCt);
    const vague = (fit: Fitted) => (fit.rOhmDetermined ? '' : ' (not determined)');
    const parts = list.map(({ cell, fit }, k) => `${k ? '' : ct ? 'R_ct ' : 'R_ohm '}${cell} ${formatEstimate({ ...(ct ? fit.rCt! : fit.rOhm), stderr: undefined }, 3)}${ct ? '' : vague(fit)}`);
    const all = list.map(({ cell, fit }) => `${cell}: R_ohm ${formatEstimate(fit.rOhm, 4)}${vague(fit)}${fit.rCt ? `, R_ct ${formatEstimate(fit.rCt, 4)}` : ''}`);
    return {
      offset, label: hintLabel(parts), parts,
      tooltip: `${all.join('\n')}\nFrom the fit of the last spectrum of each run: R_ohm is the series resistance, R_ct the sum of the resistances in parallel branches.`,
    };
  });
  return [...runs, ...fits];
}

function lastFit(r: RunResult | undefined) {
  const fits = r?.contact?.spectra.filter((s) => s.fit?.ok) ?? [];
  const f = fits[fits.length - 1]?.fit;
  return f?.ok ? f : undefined;
}

/** Hover on a circuit: the fitted parameters ± standard errors of each run's last spectrum. */
export function circuitHover(outcomes: RunOutcome[], offset: number): { markdown: string; span: Span } | undefined {
  const hits = outcomes.map(({ job, result }) => ({ job, fit: lastFit(result), r: result }))
    .filter((x) => x.job.protocol.circuitSpan && within(x.job.protocol.circuitSpan, offset) && x.fit);
  if (!hits.length) return undefined;
  const md = hits.map(({ job, fit, r }) => {
    const spectra = r!.contact!.spectra.filter((s) => s.fit?.ok);
    const file = spectra[spectra.length - 1].file;
    const rows = fit!.parameters.map((p) => `| ${p.name} | ${formatEstimate(p.value, 4)} | ${determinedCell(p)} |`);
    const vague = fit!.parameters.filter((p) => p.determined === false && !p.atBound);
    const warning = vague.length ? ['', `**Not determined by the data: ${vague.map((p) => p.name).join(', ')}.** Their values and standard errors do not describe the cell; fix one of them (\`fix ${vague[0].name} = …\`), bound it (\`bound ${vague[0].name} lower .. upper\`), or use a simpler circuit.`] : [];
    return [`**${fit!.circuit}** on ${job.run}, \`${file}\` (${spectra.length} spectra fitted)`, '', '| parameter | value ± standard error | determined by the data |', '|---|---|---|', ...rows, ...warning,
      ...strongCorrelations(fit!), '',
      `RMSE ${formatEstimate(fit!.rmse, 3)}, χ² ${formatNumber(fit!.chi2.value, 3)}, ${fit!.converged ? 'converged' : '**not converged**'}; ${fit!.weighting} weighting`, '', `_${fit!.derivation}_`].join('\n');
  });
  return { markdown: md.join('\n\n---\n\n'), span: hits[0].job.protocol.circuitSpan! };
}

/**
 * Hover on a build (its cell's name, or a build named by a comparison) or on a comparison's
 * header: the statistics of its replicates per figure, and the comparison's Welch tests.
 */
export function buildHover(a: SpecAnalysis, results: BuildResults, offset: number): { markdown: string; span: Span } | undefined {
  const statsOf = new Map(results.builds.map((b) => [b.build, b]));
  for (const c of results.comparisons) {
    if (within(c.header, offset)) return { markdown: comparisonMarkdown(c), span: c.header };
  }
  for (const d of a.file.decls) {
    if (d.keyword === 'cell' && d.name && within(d.name, offset) && statsOf.has(d.name.name)) {
      return { markdown: buildMarkdown(statsOf.get(d.name.name)!), span: d.name };
    }
    if (d.keyword !== 'compare') continue;
    const ref = value(d.props, 'builds', 'names')?.items.find((b) => within(b, offset));
    const stats = ref && statsOf.get(ref.name);
    if (!ref || !stats) continue;
    const c = results.comparisons.find((x) => x.header.start === d.syntax.keyword.start);
    const tests = c?.figures.flatMap((f) => f.tests.filter((t) => t.build === ref.name).map((t) => `- ${f.label} (${f.protocol}): ${testText(t, f.unit)}`)) ?? [];
    return { markdown: [buildMarkdown(stats), ...(tests.length ? ['', `**in ${c!.name}**`, ...tests] : [])].join('\n'), span: ref };
  }
  return undefined;
}

function buildMarkdown(b: BuildStats): string {
  const rows = b.figures.map((f) => `- **${f.label}** (${f.protocol}): ${statsText(f)}  \n  _${f.combination}; cells ${f.cells.map((c) => c.cell).join(', ')}_`);
  return [`**build ${b.build}**: ${b.cells.length} cell${b.cells.length > 1 ? 's' : ''} with data (${b.cells.join(', ')})`, ...rows].join('\n');
}

function comparisonMarkdown(c: Comparison): string {
  const parts = c.figures.map((f) => [
    `**${f.label}** (${f.protocol})`,
    ...f.builds.map((b) => `- ${b.build}: ${statsText(b)}`),
    ...f.tests.map((t) => `- ${testText(t, f.unit)}`),
    ...f.notes.map((n) => `- _${n}_`),
  ].join('\n'));
  const head = `**comparison ${c.name}**: ${c.builds.join(', ')}; reference ${c.reference}`;
  return [head, ...(parts.length ? parts : ['no results of these builds yet'])].join('\n\n');
}

type Fitted = NonNullable<ReturnType<typeof lastFit>>;

/** The hover's verdict on one parameter: fixed, at a bound, determined, or why not. */
function determinedCell(p: Fitted['parameters'][number]): string {
  if (p.fixed) return 'fixed';
  if (p.atBound) return `at its ${p.bound} bound`;
  if (p.determined === false) return `**no**: ${p.why}`;
  return p.determined ? 'yes' : '—';
}

/** Pairs of parameters correlated beyond ±0.9, strongest first: where the fit trades one for another. */
function strongCorrelations(fit: Fitted): string[] {
  const c = fit.correlations;
  if (!c) return [];
  const pairs: [string, number][] = [];
  c.matrix.forEach((row, a) => row.forEach((r, b) => { if (b > a && Math.abs(r) > 0.9) pairs.push([`${c.parameters[a]}–${c.parameters[b]}`, r]); }));
  pairs.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
  return pairs.length ? ['', `Correlations beyond ±0.9: ${pairs.slice(0, 6).map(([n, r]) => `${n} ${formatNumber(r, 4)}`).join(', ')}.`] : [];
}

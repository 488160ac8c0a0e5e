// Results of the runs' data in the editor: a hover section and an inlay hint on each run, the
// fitted circuit on hover over the circuit string.
import { formatNumber, formatEstimate } from '../domain/format';
import { Span } from '../engine/lexer';
import { InlayHint } from '../features/inlayHints';
import { SpecAnalysis } from '../engine/specAnalysis';
import { value } from '../engine/model';
import { BuildResults, BuildStats, Comparison, statsText, testText } from './builds';
import { RunResult } from './execute';
import type { RunOutcome } from './study';
import { summarize } from './summaries';

const within = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

/** Markdown for the run (or data reference) under the cursor. */
export function dataHover(outcomes: RunOutcome[], offset: number): { markdown: string; span: Span } | undefined {
  const hit = outcomes.find(({ job }) => within(job.header, offset) || job.patterns.some((p) => within(p, offset)));
  if (!hit) return undefined;
  const { job, result } = hit;
  const lines = summarize(result);
  const files = result.files.map((f) => `\`${f.path}\` ${f.format}${f.technique ? ' ' + f.technique : ''}, ${f.rows} rows`);
  const md = [`**data of ${job.run}**`, ...lines.map((l) => `- **${l.label}**: ${l.text}  \n  _${l.derivation}_`)];
  if (result.plan.length) md.push(...result.plan.map((m) => `- plan: ${m}`));
  if (files.length) md.push('', `files: ${files.slice(0, 6).join('; ')}${files.length > 6 ? `; … ${files.length - 6} more` : ''}`);
  return { markdown: md.join('\n'), span: job.header };
}

/** One hint at the end of each run header with its main results; R_ohm and R_ct at each circuit. */
export function dataHints(outcomes: RunOutcome[]): InlayHint[] {
  const runs = outcomes.flatMap(({ job, result: r }) => {
    const lines = summarize(r).filter((l) => l.label !== 'fit' && l.label !== 'DRT' && l.label !== 'live');
    return lines.length ? [{ offset: job.header.end, label: '⟶ ' + lines.map((l) => `${l.label} ${l.text}`).join(' · '), tooltip: lines.map((l) => `${l.label}: ${l.derivation}`).join('\n') }] : [];
  });
  const circuits = new Map<number, string[]>();
  outcomes.forEach(({ job, result }) => {
    const at = job.protocol.circuitSpan;
    const fit = lastFit(result);
    if (!at || !fit) return;
    circuits.set(at.end, [...(circuits.get(at.end) ?? []), `${job.cell.name}: R_ohm ${formatEstimate(fit.rOhm, 4)}${fit.rOhmDetermined ? '' : ' (not determined)'}${fit.rCt ? `, R_ct ${formatEstimate(fit.rCt, 4)}` : ''}`]);
  });
  const fits = [...circuits].map(([offset, parts]) => ({ offset, label: '⟶ ' + parts.join(' · '), tooltip: 'From the fit of the last spectrum of each run: R_ohm is the series resistance, R_ct the sum of the resistances in parallel branches.' }));
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

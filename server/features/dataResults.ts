// Results of the runs' data in the editor: a hover section and an inlay hint on each run.
import { Span } from '../engine/lexer';
import { RunResult } from '../results/execute';
import { RunJob } from '../results/jobs';
import { summarize } from '../results/summaries';
import { InlayHint } from './inlayHints';

export interface DataState { jobs: RunJob[]; results: RunResult[] }

function at(state: DataState, offset: number): { job: RunJob; result: RunResult } | undefined {
  const k = state.jobs.findIndex((j) => j.header.start <= offset && offset <= j.header.end
    || j.patterns.some((p) => p.start <= offset && offset <= p.end));
  return k >= 0 && state.results[k] ? { job: state.jobs[k], result: state.results[k] } : undefined;
}

/** Markdown for the run (or data reference) under the cursor. */
export function dataHover(state: DataState | undefined, offset: number): { markdown: string; span: Span } | undefined {
  const hit = state && at(state, offset);
  if (!hit) return undefined;
  const { job, result } = hit;
  const lines = summarize(result);
  const files = result.files.map((f) => `\`${f.path}\` ${f.format}${f.technique ? ' ' + f.technique : ''}, ${f.rows} rows`);
  const md = [`**data of ${job.run}**`, ...lines.map((l) => `- **${l.label}**: ${l.text}  \n  _${l.derivation}_`)];
  if (result.plan.length) md.push(...result.plan.map((m) => `- plan: ${m}`));
  if (files.length) md.push('', `files: ${files.slice(0, 6).join('; ')}${files.length > 6 ? `; … ${files.length - 6} more` : ''}`);
  return { markdown: md.join('\n'), span: job.header };
}

/** One hint at the end of each run header with its main results. */
export function dataHints(state: DataState | undefined): InlayHint[] {
  if (!state) return [];
  return state.jobs.flatMap((job, k) => {
    const r = state.results[k];
    const lines = r ? summarize(r) : [];
    return lines.length ? [{ offset: job.header.end, label: '⟶ ' + lines.map((l) => `${l.label} ${l.text}`).join(' · '), tooltip: lines.map((l) => `${l.label}: ${l.derivation}`).join('\n') }] : [];
  });
}
